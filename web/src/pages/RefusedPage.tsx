import { Link } from "react-router";
import { ApiError } from "../api/errors";
import { QueryError } from "../components/common";

/** A page whose query the server refused (FORBIDDEN): says so, and shows nothing of what was refused. */
export function RefusedPage({ what }: { what?: string }) {
  return (
    <section className="not-found adm-refused" data-testid="refused">
      <h1>Not allowed</h1>
      <p>Your role may not see {what ?? "this page"}. Ask an administrator if you need it.</p>
      <p>
        <Link to="/search">Search the catalogue</Link>
      </p>
    </section>
  );
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.code === "FORBIDDEN";
}

/** A page's failed query: the refusal page when FORBIDDEN, otherwise part 1's answer (not found, or a message). */
export function PageError({ error, what }: { error: unknown; what?: string }) {
  return isForbidden(error) ? <RefusedPage what={what} /> : <QueryError error={error} />;
}
