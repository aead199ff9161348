/** A page's id that is malformed (BAD_INPUT on the id argument) is, to the user, nothing here: the
 * same not-found page as a missing or hidden one. */

import { ApiError } from "../api/errors";

export function isBadId(error: unknown): boolean {
  return error instanceof ApiError && error.code === "BAD_INPUT" && ["id", "experimentId"].includes(String(error.extensions.field));
}
