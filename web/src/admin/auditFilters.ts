/**
 * The audit browser's state, all of it in the URL:
 * `/audit?principal=&entity=&action=&decision=&since=&until=&after=`. Times are what the user typed
 * (a date, or a local date and time); the query gets them as ISO instants.
 */

import type { AuditQuery } from "../api/admin";

export interface AuditFilters {
  principal: string | null;
  entity: string | null;
  action: string | null;
  decision: "allow" | "deny" | null;
  since: string | null;
  until: string | null;
  /** The keyset cursor: the page after this one (auditEvents `after`). */
  after: string | null;
}

export const NO_FILTERS: AuditFilters = {
  principal: null,
  entity: null,
  action: null,
  decision: null,
  since: null,
  until: null,
  after: null,
};

const KEYS = ["principal", "entity", "action", "decision", "since", "until", "after"] as const;

function text(value: string | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function decision(value: string | null): AuditFilters["decision"] {
  const v = value?.trim().toLowerCase();
  return v === "allow" || v === "deny" ? v : null;
}

export function parseAuditFilters(search: string | URLSearchParams): AuditFilters {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  return {
    principal: text(params.get("principal")),
    entity: text(params.get("entity")),
    action: text(params.get("action")),
    decision: decision(params.get("decision")),
    since: text(params.get("since")),
    until: text(params.get("until")),
    after: text(params.get("after")),
  };
}

/** Only what is set, in a stable order; a change of filter starts again at the first page. */
export function serializeAuditFilters(filters: AuditFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of KEYS) {
    const value = filters[key];
    if (value) out.set(key, value);
  }
  return out;
}

export function withFilters(current: AuditFilters, change: Partial<Omit<AuditFilters, "after">>): AuditFilters {
  return { ...current, ...change, after: null };
}

/** `2026-12-01`, `2026-12-01T10:30` (local time) or a full ISO instant, as an ISO instant; null if not a time. */
export function toInstant(value: string): string | null {
  const shaped = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(shaped)) return null;
  const time = new Date(shaped);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

export type AuditQueryOrError = { query: AuditQuery; error: null } | { query: null; error: string };

/** The auditEvents variables for these filters, or a sentence naming the filter that is not a time. */
export function toAuditQuery(filters: AuditFilters, first: number): AuditQueryOrError {
  const times: Record<"since" | "until", string | null> = { since: null, until: null };
  for (const key of ["since", "until"] as const) {
    const raw = filters[key];
    if (!raw) continue;
    const instant = toInstant(raw);
    if (!instant) return { query: null, error: `${key} must be a date or a date and time (e.g. 2026-12-01T10:30), not "${raw}"` };
    times[key] = instant;
  }
  return {
    error: null,
    query: {
      principal: filters.principal,
      entityId: filters.entity,
      action: filters.action,
      decision: filters.decision,
      since: times.since,
      until: times.until,
      after: filters.after,
      first,
    },
  };
}

/**
 * The `after` cursor whose page starts at event `seq` (pages hold the events older than their cursor's).
 * The server's cursors are `base64url("seq:N")` (encode_seq_cursor in services/audit.py); a cursor it
 * did not make is refused as BAD_INPUT naming `after`, so a change there shows as an error, not a wrong page.
 */
export function cursorStartingAt(seq: number): string {
  return btoa(`seq:${seq + 1}`).replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * Where the chain panel's broken seq leads when the event is not on the page shown: the whole log (a
 * filter might not match the broken event), from that event down, newest first as always.
 */
export function startingAt(seq: number): AuditFilters {
  return { ...NO_FILTERS, after: cursorStartingAt(seq) };
}
