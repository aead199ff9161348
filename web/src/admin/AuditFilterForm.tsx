import { useEffect, useState, type FormEvent } from "react";
import type { AuditFilters } from "./auditFilters";

type Editable = Omit<AuditFilters, "after">;
const FIELDS: { key: Exclude<keyof Editable, "decision">; label: string; placeholder: string }[] = [
  { key: "principal", label: "Principal", placeholder: "name" },
  { key: "entity", label: "Entity", placeholder: "entity id" },
  { key: "action", label: "Action", placeholder: "e.g. read, grant" },
  { key: "since", label: "Since", placeholder: "YYYY-MM-DDTHH:MM" },
  { key: "until", label: "Until", placeholder: "YYYY-MM-DD" },
];

function draftOf(filters: AuditFilters): Record<keyof Editable, string> {
  return {
    principal: filters.principal ?? "",
    entity: filters.entity ?? "",
    action: filters.action ?? "",
    decision: filters.decision ?? "",
    since: filters.since ?? "",
    until: filters.until ?? "",
  };
}

/** The filters as a form: typing changes nothing until Apply, which writes them to the URL. */
export function AuditFilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (next: Editable) => void }) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  useEffect(() => setDraft(draftOf(filters)), [filters.principal, filters.entity, filters.action, filters.decision, filters.since, filters.until]); // eslint-disable-line react-hooks/exhaustive-deps

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const value = (s: string) => s.trim() || null;
    onApply({
      principal: value(draft.principal),
      entity: value(draft.entity),
      action: value(draft.action),
      decision: draft.decision === "allow" || draft.decision === "deny" ? draft.decision : null,
      since: value(draft.since),
      until: value(draft.until),
    });
  }

  return (
    <form className="card adm-filters" onSubmit={onSubmit} data-testid="audit-filters">
      {FIELDS.map((f) => (
        <label key={f.key} className="adm-field">
          <span>{f.label}</span>
          <input
            data-testid={`audit-filter-${f.key}`}
            value={draft[f.key]}
            placeholder={f.placeholder}
            onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
          />
        </label>
      ))}
      <label className="adm-field">
        <span>Decision</span>
        <select data-testid="audit-filter-decision" value={draft.decision} onChange={(e) => setDraft({ ...draft, decision: e.target.value })}>
          <option value="">any</option>
          <option value="allow">allow</option>
          <option value="deny">deny</option>
        </select>
      </label>
      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="audit-apply">
          Apply
        </button>
        <button
          type="button"
          className="button"
          data-testid="audit-clear"
          onClick={() => onApply({ principal: null, entity: null, action: null, decision: null, since: null, until: null })}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
