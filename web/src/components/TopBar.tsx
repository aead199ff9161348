import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { NavLink } from "react-router";
import { useCapabilities } from "../api/capabilities";
import { useSession } from "../api/hooks";
import { ApiError, readableError } from "../api/errors";
import { signOut } from "../api/session";
import { visibleNav } from "../admin/nav";

function navTestId(label: string): string {
  return `nav-${label.toLowerCase()}`;
}

/** The pages this principal may use: until `me` answers, only the ones everybody may. */
function Navigation() {
  const { me } = useCapabilities();
  return (
    <nav className="nav" aria-label="Main" data-testid="nav">
      {visibleNav(me?.capabilities ?? []).map((item) =>
        item.external ? (
          <a key={item.to} href={item.to} data-testid={navTestId(item.label)}>
            {item.label}
          </a>
        ) : (
          <NavLink key={item.to} to={item.to} data-testid={navTestId(item.label)}>
            {item.label}
          </NavLink>
        ),
      )}
    </nav>
  );
}

export function TopBar() {
  const session = useSession();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);

  async function onSignOut() {
    try {
      await signOut();
    } catch (e) {
      // Already signed out (401) is fine; anything else is worth saying, but still leave.
      if (!(e instanceof ApiError && e.code === "UNAUTHENTICATED")) setError(readableError(e));
    }
    client.clear();
    window.location.assign("/login");
  }

  return (
    <header className="topbar" data-testid="topbar">
      <NavLink to="/search" className="brand">
        <span className="brand-mark" aria-hidden="true">◆</span> provgraph
      </NavLink>
      <Navigation />
      <div className="topbar-right">
        {error && (
          <span role="alert" className="topbar-error">
            {error}
          </span>
        )}
        <span className="principal" data-testid="principal-name" title={session.data?.principal.roles.join(", ")}>
          {session.data?.principal.name ?? ""}
        </span>
        <button type="button" className="button button-quiet" data-testid="sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
