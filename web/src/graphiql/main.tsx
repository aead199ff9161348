/**
 * GraphiQL, bundled (no CDN), sending queries to /graphql with the session cookie. Signed out, the
 * page says so and links to the sign-in page; a bearer token can still be set in the headers pane.
 */

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import "./graphiql.css";

const fetcher = createGraphiQLFetcher({
  url: "/graphql",
  fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin" }),
});

function SignedOutNotice() {
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  useEffect(() => {
    fetch("/api/v1/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => setSignedIn(r.ok))
      .catch(() => setSignedIn(false));
  }, []);
  if (signedIn !== false) return null;
  return (
    <div className="graphiql-notice" role="status" data-testid="graphiql-signed-out">
      You are not signed in: queries will be refused. <a href="/login?next=/graphql">Sign in</a>, or set an{" "}
      <code>Authorization: Bearer …</code> header in the Headers pane.
    </div>
  );
}

function Page() {
  return (
    <div className="graphiql-page">
      <SignedOutNotice />
      <div className="graphiql-host">
        <GraphiQL fetcher={fetcher} defaultQuery={"# provgraph GraphQL\n{\n  me { name roles }\n}\n"} />
      </div>
    </div>
  );
}

createRoot(document.getElementById("graphiql")!).render(
  <StrictMode>
    <Page />
  </StrictMode>,
);
