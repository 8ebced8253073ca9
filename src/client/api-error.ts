import type { ErrorCode, ErrorDetail } from "../model/index.js";

/** An error answer of the API (or a failure to reach it: `code` `UNAVAILABLE`, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}
