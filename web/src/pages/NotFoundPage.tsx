import { Link } from "react-router";

/** The one answer for an unknown route and for an id that is missing or hidden: never tell them apart. */
export function NotFoundPage() {
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Not found</h1>
      <p>There is nothing here, or you may not see it.</p>
      <p>
        <Link to="/search">Search the catalogue</Link>
      </p>
    </section>
  );
}
