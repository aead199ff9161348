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

interface SessionAnswer {
  principal: { name: string; roles: string[] };
}

/** The page's own top strip: back to the console, who is signed in, Sign out (or the way to sign in). */
function SessionBar() {
  const [session, setSession] = useState<SessionAnswer | null | undefined>(undefined);
  useEffect(() => {
    fetch("/api/v1/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(async (r) => setSession(r.ok ? ((await r.json()) as SessionAnswer) : null))
      .catch(() => setSession(null));
  }, []);
  async function signOut() {
    await fetch("/api/v1/session", { method: "DELETE", credentials: "same-origin" }).catch(() => undefined);
    window.location.assign("/login?next=/graphql");
  }
  return (
    <div className="graphiql-bar" data-testid="topbar">
      <a href="/search" className="graphiql-brand">
        ◆ provgraph console
      </a>
      {session === null && (
        <span className="graphiql-notice" role="status" data-testid="graphiql-signed-out">
          You are not signed in: queries will be refused. <a href="/login?next=/graphql">Sign in</a>, or set an{" "}
          <code>Authorization: Bearer …</code> header in the Headers pane.
        </span>
      )}
      {session && (
        <span className="graphiql-session">
          <span data-testid="principal-name">{session.principal.name}</span>
          <button type="button" data-testid="sign-out" onClick={signOut}>
            Sign out
          </button>
        </span>
      )}
    </div>
  );
}

function Page() {
  return (
    <div className="graphiql-page">
      <SessionBar />
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
