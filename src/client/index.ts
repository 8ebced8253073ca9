export { ApiError } from "./api-error.js";
export {
  BrinkClient,
  type ClientOptions,
  type EventListQuery,
  type EventStreamQuery,
  type JoinAnswer,
  type StreamOptions,
  type SubmittedJob,
} from "./client.js";
export { readSse, type SseFrame } from "./sse.js";
