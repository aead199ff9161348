/** Errors the API answers, as the app sees them: the server's stable `extensions.code` and its message. */

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_INPUT"
  | "CONFLICT"
  | "PROPAGATED_CLASSIFICATION"
  | "LIMIT_EXCEEDED"
  | "UNAVAILABLE"
  | "NETWORK"
  | string;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extensions: Record<string, unknown>;

  constructor(message: string, code: ErrorCode, status: number, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.extensions = extensions;
  }
}

interface ErrorBody {
  errors?: { message?: string; extensions?: Record<string, unknown> }[];
}

/** The first error of a GraphQL-shaped body, or a generic one named after the HTTP status. */
export function errorFromBody(body: unknown, status: number): ApiError {
  const first = (body as ErrorBody | null)?.errors?.[0];
  const extensions = first?.extensions ?? {};
  const code = typeof extensions.code === "string" ? extensions.code : codeForStatus(status);
  return new ApiError(first?.message ?? `The server answered ${status}`, code, status, extensions);
}

export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 503) return "UNAVAILABLE";
  if (status === 400) return "BAD_INPUT";
  return "INTERNAL";
}

const READABLE: Record<string, string> = {
  FORBIDDEN: "You are not allowed to do this.",
  PROPAGATED_CLASSIFICATION:
    "This classification was propagated from another entity; remove it at its source instead.",
  UNAVAILABLE: "Neo4j is unavailable, retrying.",
  NETWORK: "The server cannot be reached.",
};

/** A sentence for people: the server's own message (it names the field and the limit), prefixed by what it means. */
export function readableError(error: unknown): string {
  if (error instanceof ApiError) {
    const prefix = READABLE[error.code];
    if (prefix && error.message && !error.message.startsWith("The server answered")) {
      return `${prefix} ${error.message}`;
    }
    return prefix ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
