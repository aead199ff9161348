import { useEffect, useState } from "react";
import { useSearchParams } from "react-router";
import { useAuditChain, useAuditEvents } from "../api/adminHooks";
import { AuditEventsTable, rowId } from "../admin/AuditEventsTable";
import { AuditFilterForm } from "../admin/AuditFilterForm";
import { ChainPanel } from "../admin/ChainPanel";
import { parseAuditFilters, serializeAuditFilters, startingAt, toAuditQuery, withFilters, type AuditFilters } from "../admin/auditFilters";
import { Loading } from "../components/common";
import { PageError } from "./RefusedPage";

const PAGE_SIZE = 50;

/**
 * The audit browser (admin, governance-reviewer): filters and the page cursor in the URL, newest first.
 * The chain panel's first broken event is marked in the table; its seq scrolls to that row, or, when
 * the row is not on this page, opens the whole log from that event down (startingAt) and then scrolls.
 */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = parseAuditFilters(params);
  const { query, error: filterError } = toAuditQuery(filters, PAGE_SIZE);
  const events = useAuditEvents(query);
  // The cursors of the pages before this one, to go back to (a deep link starts without them).
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  // The chain is walked once the log has answered (a refused reader is not walked for).
  const chain = useAuditChain(Boolean(events.data));
  const check = chain.data;
  const chainBreak = check && !check.ok && check.firstBrokenSeq !== null ? { seq: check.firstBrokenSeq, message: check.message } : null;
  // The event to scroll to once its row is rendered (the page it is on may still be loading); any
  // other move (a filter, a page) forgets it.
  const [showing, setShowing] = useState<number | null>(null);
  const rows = events.data?.edges;
  useEffect(() => {
    const row = showing === null ? null : document.getElementById(rowId(showing));
    if (!row) return;
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
    setShowing(null);
  }, [showing, rows]);

  function go(next: AuditFilters, back: (string | null)[]) {
    setShowing(null);
    setPrevious(back);
    setParams(serializeAuditFilters(next));
  }

  function showEvent(seq: number) {
    if (!rows?.some((e) => e.node.seq === seq)) go(startingAt(seq), []);
    setShowing(seq);
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
          <ChainPanel chain={chain} onShowBroken={showEvent} />
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
          <AuditEventsTable events={page.edges.map((e) => e.node)} chainBreak={chainBreak} />
        </>
      )}
    </div>
  );
}
