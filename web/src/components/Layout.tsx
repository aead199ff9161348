import { Outlet } from "react-router";
import { useUnavailable } from "../api/hooks";
import { TopBar } from "./TopBar";

export function Layout() {
  const unavailable = useUnavailable();
  return (
    <div className="app">
      <TopBar />
      {unavailable && (
        <div className="banner banner-warning" role="status" data-testid="unavailable-banner">
          Neo4j is unavailable, retrying
        </div>
      )}
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
