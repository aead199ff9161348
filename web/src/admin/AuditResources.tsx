import { useState } from "react";
import { Link } from "react-router";
import type { AuditEvent } from "../api/admin";
import { useEventEntities } from "../api/adminHooks";
import { ENTITY_TYPES } from "../api/types";
import { entityPath, TypeChip } from "../components/common";

/** Node labels of entity types (DATASET_VERSION -> DatasetVersion): an event's resource is an entity when its type is one. */
const ENTITY_LABELS = new Set<string>(
  ENTITY_TYPES.map((t) => t.toLowerCase().split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("")),
);

/** How many of a grouped event's entities are named at once; the rest are listed by id. */
const NAMED_AT_ONCE = 100;

function IdLink({ id, testId }: { id: string; testId?: string }) {
  return (
    <Link to={entityPath(id)} className="mono small" data-testid={testId}>
      {id}
    </Link>
  );
}

/** A grouped event's entities, named and linked once opened. */
function GroupedEntities({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false);
  const names = useEventEntities(event.resourceIds, open, NAMED_AT_ONCE);
  const count = event.resourceIds.length;
  return (
    <div className="adm-group" data-testid={`audit-group-${event.seq}`}>
      <button type="button" className="link-button" aria-expanded={open} data-testid={`audit-expand-${event.seq}`} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {count} {event.resourceType ?? ""} {count === 1 ? "entity" : "entities"}
      </button>
      {open && (
        <ul className="plain-list adm-group-list">
          {event.resourceIds.map((id, i) => {
            const found = i < NAMED_AT_ONCE ? names.data?.[id] : undefined;
            return (
              <li key={id} data-testid={`audit-entity-${event.seq}-${id}`}>
                {found ? (
                  <>
                    <TypeChip type={found.type} />{" "}
                    <Link to={entityPath(id)} className="entity-link">
                      {found.name || found.qualifiedName}
                    </Link>
                  </>
                ) : (
                  <IdLink id={id} />
                )}
                {names.data && i < NAMED_AT_ONCE && found === null && <span className="muted small"> (missing or hidden)</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** What an event was about: one entity (linked), a group of entities, or another kind of resource. */
export function AuditResources({ event }: { event: AuditEvent }) {
  if (event.resourceIds.length) return <GroupedEntities event={event} />;
  if (!event.resourceId) {
    // A request's own event (a search, a list): what it was, from its details.
    const operation = typeof event.details.operation === "string" ? event.details.operation : "";
    return <span className="muted small">{[event.resourceType, operation].filter(Boolean).join(" · ")}</span>;
  }
  if (event.resourceType && ENTITY_LABELS.has(event.resourceType)) {
    return (
      <span>
        <span className="muted small">{event.resourceType}</span> <IdLink id={event.resourceId} testId={`audit-resource-${event.seq}`} />
      </span>
    );
  }
  return (
    <span className="small">
      <span className="muted">{event.resourceType ?? "resource"}</span> <span className="mono">{event.resourceId}</span>
    </span>
  );
}
