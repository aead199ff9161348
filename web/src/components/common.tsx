/** Small shared pieces: entity links, type chips, classification badges, loading and error states. */

import type { ReactNode } from "react";
import { Link } from "react-router";
import { ApiError, readableError } from "../api/errors";
import type { EntitySummary } from "../api/types";
import { typeLabel } from "../api/types";
import { NotFoundPage } from "../pages/NotFoundPage";

export function entityPath(id: string, tab: "" | "lineage" | "impact" = ""): string {
  return `/entities/${encodeURIComponent(id)}${tab ? `/${tab}` : ""}`;
}

export function TypeChip({ type }: { type: string }) {
  return <span className={`type-chip type-${type.toLowerCase()}`}>{typeLabel(type)}</span>;
}

export function EntityLink({ entity, testId }: { entity: EntitySummary; testId?: string }) {
  return (
    <Link to={entityPath(entity.id)} data-testid={testId} className="entity-link">
      {entity.name || entity.qualifiedName}
    </Link>
  );
}

export function ClassificationBadge({
  name,
  propagated,
  restricted,
  ...rest
}: { name: string; propagated?: boolean; restricted?: boolean } & React.HTMLAttributes<HTMLSpanElement>) {
  return (
    <span
      className={`badge ${propagated ? "badge-propagated" : "badge-direct"} ${restricted ? "badge-restricted" : ""}`}
      title={propagated ? "Propagated" : "Direct"}
      {...rest}
    >
      {name}
    </span>
  );
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <div className="loading" aria-busy="true">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

/** A failed query: not-found looks exactly like a missing page; anything else is a readable message. */
export function QueryError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === "NOT_FOUND") return <NotFoundPage />;
  return <ActionError error={error} />;
}

/** A refused or failed action, in the server's words (the server decides; the page only says so). */
export function ActionError({ error }: { error: unknown }) {
  return (
    <p role="alert" className="error" data-testid="action-error">
      {readableError(error)}
    </p>
  );
}

export function Section({ title, children, testId, actions }: { title: string; children: ReactNode; testId?: string; actions?: ReactNode }) {
  return (
    <section className="card" data-testid={testId}>
      <div className="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
