export { ApiError } from "./api-error.js";
export { BrinkClient, type ClientOptions, type JoinAnswer, type SubmittedJob } from "./client.js";
