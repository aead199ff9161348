import { useState } from "react";
import { useSearchParams } from "react-router";
import { useAuditEvents } from "../api/adminHooks";
import { AuditEventsTable } from "../admin/AuditEventsTable";
import { AuditFilterForm } from "../admin/AuditFilterForm";
import { ChainPanel } from "../admin/ChainPanel";
import { parseAuditFilters, serializeAuditFilters, toAuditQuery, withFilters, type AuditFilters } from "../admin/auditFilters";
import { Loading } from "../components/common";
import { PageError } from "./RefusedPage";

const PAGE_SIZE = 50;

/** The audit browser (admin, governance-reviewer): filters and the page cursor in the URL, newest first. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = parseAuditFilters(params);
  const { query, error: filterError } = toAuditQuery(filters, PAGE_SIZE);
  const events = useAuditEvents(query);
  // The cursors of the pages before this one, to go back to (a deep link starts without them).
  const [previous, setPrevious] = useState<(string | null)[]>([]);

  function go(next: AuditFilters, back: (string | null)[]) {
    setPrevious(back);
    setParams(serializeAuditFilters(next));
  }

  if (events.isError) return <PageError error={events.error} what="the audit log" />;
  const page = events.data;
  return (
    <div className="page" data-testid="audit-page">
      <h1>Audit log</h1>
      <p className="muted">Every decision the policy made, newest first, in one hash chain.</p>
      <AuditFilterForm filters={filters} onApply={(change) => go(withFilters(filters, change), [])} />
      {filterError && (
        <p role="alert" className="error" data-testid="audit-filter-error">
          {filterError}
        </p>
      )}
      {query && events.isPending && <Loading what="Reading the audit log" />}
      {page && (
        <>
          <ChainPanel />
          <div className="toolbar">
            <span data-testid="audit-total">
              {page.totalCount} {page.totalCount === 1 ? "event" : "events"}
            </span>
            <div className="pager">
              {filters.after && (
                <button
                  type="button"
                  className="button button-small"
                  data-testid="audit-newer"
                  onClick={() => go({ ...filters, after: previous.at(-1) ?? null }, previous.slice(0, -1))}
                >
                  {previous.length ? "← Newer" : "⇤ Newest"}
                </button>
              )}
              {page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
                <button
                  type="button"
                  className="button button-small"
                  data-testid="audit-older"
                  onClick={() => go({ ...filters, after: page.pageInfo.endCursor }, [...previous, filters.after])}
                >
                  Older →
                </button>
              )}
            </div>
          </div>
          <AuditEventsTable events={page.edges.map((e) => e.node)} />
        </>
      )}
    </div>
  );
}
