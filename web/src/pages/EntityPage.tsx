import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { useSession } from "../api/hooks";
import { containment, entitySummaries, provenanceReportUrl } from "../api/queries";
import { mayClassify } from "../api/session";
import type { ClassificationAssignment, Entity, EntitySummary } from "../api/types";
import { useEntity } from "../api/useEntity";
import { ClassifyForm, DeclassifyButton } from "../components/ClassifyActions";
import { EntityHeader } from "../components/EntityHeader";
import { ClassificationBadge, EntityLink, Loading, QueryError, Section, formatTime } from "../components/common";
import { NotFoundPage } from "./NotFoundPage";

const REPORT_FORMATS = [
  ["md", "Markdown"],
  ["html", "HTML"],
  ["json", "JSON"],
  ["prov", "PROV-JSON"],
] as const;

export function EntityPage() {
  const { id = "" } = useParams();
  const query = useEntity(id);
  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} />;
  if (!query.data) return <NotFoundPage />;
  return <EntityOverview entity={query.data} />;
}

function EntityOverview({ entity }: { entity: Entity }) {
  const session = useSession();
  const canClassify = mayClassify(session.data?.principal.roles ?? []);
  return (
    <div className="entity-page" data-testid="entity-page">
      <EntityHeader entity={entity} />
      <div className="grid-2">
        <div className="stack">
          <Section title="Details">
            <dl className="fields">
              <dt>Description</dt>
              <dd data-testid="entity-description">{entity.description || <span className="muted">None</span>}</dd>
              <dt>Owners</dt>
              <dd data-testid="entity-owners">{entity.owners.length ? entity.owners.join(", ") : <span className="muted">None</span>}</dd>
              <dt>Id</dt>
              <dd className="mono">{entity.id}</dd>
              <dt>Created</dt>
              <dd>{formatTime(entity.createdAt)}</dd>
              <dt>Updated</dt>
              <dd>{formatTime(entity.updatedAt)}</dd>
            </dl>
          </Section>
          <Section title="Properties" testId="entity-properties">
            <Properties properties={entity.properties} />
          </Section>
          <ContainmentSection entity={entity} />
        </div>
        <div className="stack">
          <ClassificationsSection entity={entity} canClassify={canClassify} />
          <Section title="Provenance report">
            <p className="muted">What this entity was built from, how, where it is deployed and who looked at it.</p>
            <div className="button-row">
              {REPORT_FORMATS.map(([format, label]) => (
                <a key={format} className="button" href={provenanceReportUrl(entity.id, format)} download data-testid={`report-download-${format}`}>
                  {label}
                </a>
              ))}
            </div>
          </Section>
        </div>
      </div>
    </div>
  );
}

function Properties({ properties }: { properties: Record<string, unknown> }) {
  const entries = Object.entries(properties ?? {});
  if (!entries.length) return <p className="muted">None</p>;
  return (
    <dl className="fields">
      {entries.map(([k, v]) => (
        <div key={k} className="field-row">
          <dt className="mono">{k}</dt>
          <dd className="mono">{typeof v === "string" ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function ContainmentSection({ entity }: { entity: Entity }) {
  const query = useQuery({ queryKey: ["containment", entity.id], queryFn: () => containment(entity) });
  const data = query.data;
  const empty = data && !data.container && data.members.every((m) => !m.entities.length);
  return (
    <Section title="Containment" testId="containment">
      {query.isPending && <Loading />}
      {query.isError && <QueryError error={query.error} />}
      {empty && <p className="muted">Not part of a container, and holds nothing.</p>}
      {data?.container && (
        <p>
          Part of <EntityLink entity={data.container} testId="container-link" /> <span className="muted">({data.container.type.toLowerCase().replace("_", " ")})</span>
        </p>
      )}
      {data?.members
        .filter((m) => m.entities.length)
        .map((m) => (
          <div key={m.label}>
            <h3>
              {m.label}
              {m.total > m.entities.length && (
                <span className="muted" data-testid="members-shown">
                  {" "}
                  (the first {m.entities.length} of {m.total})
                </span>
              )}
            </h3>
            <ul className="plain-list">
              {m.entities.map((e) => (
                <li key={e.id}>
                  <EntityLink entity={e} testId="member-link" />
                </li>
              ))}
            </ul>
          </div>
        ))}
    </Section>
  );
}

function ClassificationsSection({ entity, canClassify }: { entity: Entity; canClassify: boolean }) {
  const ids = entity.classifications.flatMap((c) => [c.sourceId, ...c.path]).filter((i) => i !== entity.id);
  const names = useQuery({ queryKey: ["summaries", ids], queryFn: () => entitySummaries(ids), enabled: ids.length > 0 });
  return (
    <Section title="Classifications">
      {entity.classifications.length === 0 && <p className="muted">Not classified.</p>}
      <ul className="classification-list" data-testid="entity-classifications">
        {entity.classifications.map((c) => (
          <li key={`${c.name}:${c.sourceId}`} data-testid={`classification-${c.name}`} data-propagated={String(c.propagated)}>
            <div className="classification-head">
              <ClassificationBadge name={c.name} propagated={c.propagated} />
              <span className="muted">{c.propagated ? "propagated" : "direct"}{c.propagate ? ", propagates downstream" : ""}</span>
              {canClassify && <DeclassifyButton entityId={entity.id} name={c.name} />}
            </div>
            {c.propagated && <PropagationPath assignment={c} entity={entity} names={names.data} />}
            {Object.keys(c.attributes ?? {}).length > 0 && <div className="mono small">{JSON.stringify(c.attributes)}</div>}
          </li>
        ))}
      </ul>
      {canClassify && <ClassifyForm entityId={entity.id} />}
    </Section>
  );
}

function PropagationPath({
  assignment,
  entity,
  names,
}: {
  assignment: ClassificationAssignment;
  entity: Entity;
  /** Undefined while loading; a null entry is a step the reader may not see. */
  names: Record<string, EntitySummary | null> | undefined;
}) {
  const steps = assignment.path.length ? assignment.path : [assignment.sourceId, entity.id];
  return (
    <ol className="path" aria-label={`How ${assignment.name} got here`}>
      <span className="muted">from </span>
      {steps.map((id, i) => {
        const step = id === entity.id ? entity : names?.[id];
        return (
          <li key={`${id}:${i}`}>
            {id === entity.id ? (
              <strong>{entity.name}</strong>
            ) : step ? (
              <EntityLink entity={step} testId="classification-path-step" />
            ) : names === undefined ? (
              <span className="muted">…</span>
            ) : (
              <span className="muted">hidden entity</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
