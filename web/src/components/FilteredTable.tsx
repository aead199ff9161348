/**
 * A list page's body: a filter form, then the page of rows the filters found as a table (its count,
 * an empty sentence when there are none) and the keyset pager. The page owns its filters (in the URL)
 * and the cursor; this draws them the same way for every list.
 */

import type { UseQueryResult } from "@tanstack/react-query";
import type { FormEvent, ReactNode } from "react";
import { Link } from "react-router";
import type { Connection } from "../api/types";
import { PageError } from "../pages/RefusedPage";
import { Loading } from "./common";

export interface Column<Row> {
  header: string;
  /** Right-aligned, for numbers. */
  numeric?: boolean;
  className?: string;
  cell: (row: Row) => ReactNode;
}

/** The first column of a registry list: the entity's name linking to its page, its qualified name under it. */
export function nameColumn<Row extends { entity: { name: string; qualifiedName: string } }>(
  header: string,
  path: (row: Row) => string,
  testIdPrefix: string,
): Column<Row> {
  return {
    header,
    cell: (row) => (
      <>
        <Link to={path(row)} data-testid={`${testIdPrefix}-${row.entity.name}`}>
          {row.entity.name}
        </Link>
        <div className="mono small muted">{row.entity.qualifiedName}</div>
      </>
    ),
  };
}

export interface FilterForm {
  /** The labelled inputs; a field that filters as it changes writes the URL itself. */
  fields: ReactNode;
  /** Apply what was typed (the Filter button, or Enter in a field). */
  onSubmit: () => void;
  /** A name search (`role="search"`, the wide search bar) rather than a toolbar of fields. */
  search?: boolean;
}

export interface Paging {
  /** The cursor of the page shown; null on the first page. */
  after: string | null;
  onPage: (after: string | null) => void;
}

interface FilteredTableProps<Row> {
  filter: FilterForm;
  columns: Column<Row>[];
  list: UseQueryResult<Connection<Row>>;
  rowKey: (row: Row) => string;
  paging: Paging;
  /** What the rows are, for the error ("deployments") and the count ("3 deployments"). */
  what: string;
  empty: string;
  testId: string;
}

export function FilteredTable<Row>({ filter, columns, list, rowKey, paging, what, empty, testId }: FilteredTableProps<Row>) {
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    filter.onSubmit();
  }

  return (
    <>
      <form className={filter.search ? "search-bar" : "toolbar"} role={filter.search ? "search" : undefined} onSubmit={onSubmit}>
        {filter.fields}
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {list.isPending && <Loading />}
      {list.isError && <PageError error={list.error} what={what} />}
      {list.data && (
        <>
          <p className="muted">
            {list.data.totalCount} {what}
          </p>
          {list.data.edges.length === 0 ? (
            <p className="empty">{empty}</p>
          ) : (
            <table className="table" data-testid={testId}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.header} className={c.numeric ? "num" : undefined}>
                      {c.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {list.data.edges.map(({ node }) => (
                  <tr key={rowKey(node)}>
                    {columns.map((c) => (
                      <td key={c.header} className={[c.numeric ? "num" : "", c.className ?? ""].join(" ").trim() || undefined}>
                        {c.cell(node)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="pager">
            {paging.after && (
              <button type="button" className="button" onClick={() => paging.onPage(null)}>
                First page
              </button>
            )}
            {list.data.pageInfo.hasNextPage && (
              <button type="button" className="button" onClick={() => paging.onPage(list.data.pageInfo.endCursor)}>
                Next page
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}
