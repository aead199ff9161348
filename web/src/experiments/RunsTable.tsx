import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import type { RunOrderInput, RunRow } from "../api/experimentTypes";
import { formatTime } from "../components/common";
import { runPath } from "./paths";
import { formatMetric, formatParam, metricValue, paramValue } from "./values";
import { columnKey, type Column } from "./viewState";

const ROW_HEIGHT = 32;
/** ask for the next page when the last drawn row is this close to the end of what is loaded */
const PREFETCH_ROWS = 40;

interface Props {
  columns: Column[];
  rows: RunRow[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onNeedMore: () => void;
  order: RunOrderInput | null;
  onSort: (column: Column) => void;
  selected: string[];
  onToggle: (id: string) => void;
}

function columnLabel(column: Column): string {
  return column.kind === "param" ? column.name : `${column.name} (${column.aggregate.toLowerCase()})`;
}

function sortedBy(column: Column, order: RunOrderInput | null): "ASC" | "DESC" | null {
  if (!order) return null;
  if (column.kind === "param") return order.param === column.name ? order.direction : null;
  return order.metric === column.name && (order.aggregate ?? "LAST") === column.aggregate ? order.direction : null;
}

function cell(row: RunRow, column: Column): string {
  return column.kind === "param"
    ? formatParam(paramValue(row.params, column.name))
    : formatMetric(metricValue(row.metrics, column.name, column.aggregate));
}

/**
 * The runs table: only the rows in view are in the DOM (virtualized), and the next server page is
 * fetched when the view nears the end of what is loaded, so 10,000 runs scroll like 100.
 */
export function RunsTable({ columns, rows, total, hasMore, loadingMore, onNeedMore, order, onSort, selected, onToggle }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastDrawn = items.length ? items[items.length - 1].index : 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastDrawn >= rows.length - PREFETCH_ROWS) onNeedMore();
  }, [hasMore, loadingMore, lastDrawn, rows.length, onNeedMore]);

  const template = `36px minmax(180px, 1.5fr) 96px 150px ${columns.map(() => "minmax(110px, 1fr)").join(" ")}`;

  return (
    <div className="exp-runs" data-testid="runs-table" data-total={total} data-loaded={rows.length}>
      <div className="exp-row exp-head" style={{ gridTemplateColumns: template }} role="row">
        <span />
        <span>Run</span>
        <span>Status</span>
        <span>Started</span>
        {columns.map((column) => {
          const direction = sortedBy(column, order);
          return (
            <button
              type="button"
              key={columnKey(column)}
              className={`exp-sort ${column.kind === "metric" ? "num" : ""}`}
              data-testid={`sort-${columnKey(column)}`}
              aria-sort={direction === "ASC" ? "ascending" : direction === "DESC" ? "descending" : "none"}
              onClick={() => onSort(column)}
              title="Sort by this column"
            >
              {columnLabel(column)} {direction === "ASC" ? "▲" : direction === "DESC" ? "▼" : ""}
            </button>
          );
        })}
      </div>
      <div ref={scroller} className="exp-scroll" data-testid="runs-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={item.key}
                className="exp-row"
                role="row"
                data-testid={row ? "run-row" : "run-row-pending"}
                data-run-id={row?.id}
                data-index={item.index}
                style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                {row ? (
                  <>
                    <input
                      type="checkbox"
                      aria-label={`select ${row.name}`}
                      data-testid="run-select"
                      checked={selected.includes(row.id)}
                      onChange={() => onToggle(row.id)}
                    />
                    <Link to={runPath(row.id)} className="exp-run-name">{row.name}</Link>
                    <span className={`exp-status-chip exp-status-${(row.status ?? "").toLowerCase()}`}>{row.status?.toLowerCase()}</span>
                    <span>{formatTime(row.startedAt)}</span>
                    {columns.map((column) => (
                      <span key={columnKey(column)} className={column.kind === "metric" ? "num" : ""} data-col={columnKey(column)}>
                        {cell(row, column)}
                      </span>
                    ))}
                  </>
                ) : (
                  <span className="muted exp-pending">Loading…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
