import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useClassificationDefs } from "../api/hooks";
import { search } from "../api/queries";
import { ENTITY_TYPES, isEntityType, typeLabel, type EntityType } from "../api/types";
import { ClassificationBadge, QueryError, TypeChip, entityPath } from "../components/common";

const PAGE_SIZE = 25;
/** Typing pauses this long before the search runs (each keystroke restarts the wait). */
export const SEARCH_DEBOUNCE_MS = 250;

function readParams(params: URLSearchParams) {
  return {
    q: params.get("q") ?? "",
    types: (params.get("types") ?? "").split(",").filter(isEntityType) as EntityType[],
    classification: params.get("classification") || null,
    after: params.get("after") || null,
  };
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const state = readParams(params);
  const defs = useClassificationDefs();
  const names = (defs.data ?? []).map((d) => d.name);
  const [text, setText] = useState(state.q);
  const [active, setActive] = useState(-1);
  const [cursors, setCursors] = useState<(string | null)[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);

  // The URL may change under the box (back button, a shared link): follow it, but not when the change
  // is this box's own, caught up with typing that has gone on since (keystrokes typed while the URL
  // was being replaced must stay, and "churn " stays "churn " while the URL says q=churn).
  const written = useRef<string | null>(null);
  useEffect(() => {
    if (state.q !== written.current) setText(state.q);
  }, [state.q]);

  // Search as you type: once typing pauses, the URL takes the text (replacing the history entry, so
  // Back skips the keystrokes), and the query follows the URL. A newer search cancels the older
  // one's request (the signal), and only the current key's answer is ever shown.
  const typed = text.trim();
  const paramsKey = params.toString();
  useEffect(() => {
    if (typed === state.q) return;
    const timer = setTimeout(() => {
      written.current = typed;
      update({ q: typed }, false, { replace: true });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `update` reads the current params: paramsKey stands for them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [typed, paramsKey]);

  const answer = useQuery({
    queryKey: ["search", state, names],
    queryFn: ({ signal }) =>
      search({ text: state.q, types: state.types, classification: state.classification, after: state.after, first: PAGE_SIZE }, names, signal),
    enabled: defs.isSuccess || defs.isError,
    placeholderData: keepPreviousData,
  });

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  function update(next: Partial<ReturnType<typeof readParams>>, keepCursor = false, { replace = false } = {}) {
    const merged = { ...state, ...next };
    const out = new URLSearchParams();
    if (merged.q) out.set("q", merged.q);
    if (merged.types.length) out.set("types", merged.types.join(","));
    if (merged.classification) out.set("classification", merged.classification);
    if (keepCursor && merged.after) out.set("after", merged.after);
    if (!keepCursor) setCursors([]);
    setActive(-1);
    setParams(out, { replace });
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    // Enter runs the search at once (no wait), unless typing already put this text in the URL.
    if (typed === state.q) return;
    written.current = typed;
    update({ q: typed });
  }

  function toggleType(t: EntityType) {
    update({ types: state.types.includes(t) ? state.types.filter((x) => x !== t) : [...state.types, t] });
  }

  const edges = answer.data?.results.edges ?? [];

  function onListKey(e: KeyboardEvent) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = Math.max(0, Math.min(edges.length - 1, active + (e.key === "ArrowDown" ? 1 : -1)));
      setActive(next);
      list.current?.querySelectorAll<HTMLAnchorElement>("a.result-link")[next]?.focus();
    }
  }

  function onInputKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" && edges.length) {
      e.preventDefault();
      setActive(0);
      list.current?.querySelector<HTMLAnchorElement>("a.result-link")?.focus();
    }
  }

  return (
    <div className="search-page">
      <form className="search-bar" role="search" onSubmit={onSubmit}>
        <label htmlFor="search-input" className="visually-hidden">
          Search
        </label>
        <input
          id="search-input"
          ref={input}
          type="search"
          role="searchbox"
          aria-label="Search"
          data-testid="search-input"
          placeholder="Search datasets, features, runs, models…  (press / to focus)"
          value={text}
          autoFocus
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onInputKey}
        />
        <button className="button button-primary" type="submit">
          Search
        </button>
      </form>
      <div className="search-layout">
        <aside className="facets" aria-label="Filters">
          <fieldset>
            <legend>Type</legend>
            {ENTITY_TYPES.map((t) => (
              <label key={t} className="facet">
                <input type="checkbox" data-testid={`facet-type-${t}`} checked={state.types.includes(t)} onChange={() => toggleType(t)} />
                <span>{typeLabel(t)}</span>
                <span className="count" data-testid={`facet-count-type-${t}`}>
                  {answer.data?.typeCounts[t] ?? ""}
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Classification</legend>
            <label className="facet">
              <input
                type="radio"
                name="classification"
                data-testid="facet-classification-any"
                checked={!state.classification}
                onChange={() => update({ classification: null })}
              />
              <span>Any</span>
            </label>
            {names.map((n) => (
              <label key={n} className="facet">
                <input
                  type="radio"
                  name="classification"
                  data-testid={`facet-classification-${n}`}
                  checked={state.classification === n}
                  onChange={() => update({ classification: n })}
                />
                <span>{n}</span>
                <span className="count">{answer.data?.classificationCounts[n] ?? ""}</span>
              </label>
            ))}
          </fieldset>
        </aside>
        <section className="results" aria-label="Results">
          {answer.isError && <QueryError error={answer.error} />}
          {answer.data && (
            <>
              <p className="muted" data-testid="search-total" aria-live="polite">
                {answer.data.results.totalCount} {answer.data.results.totalCount === 1 ? "result" : "results"}
              </p>
              <ol className="result-list" data-testid="search-results" ref={list} onKeyDown={onListKey}>
                {edges.map(({ node }, i) => (
                  <li key={node.id} className={i === active ? "active" : ""}>
                    <Link
                      to={entityPath(node.id)}
                      className="result-link"
                      data-testid={`search-result-${node.id}`}
                      onFocus={() => setActive(i)}
                    >
                      <span className="result-title">
                        <TypeChip type={node.type} /> <strong>{node.name}</strong>
                      </span>
                      <span className="result-qn mono">{node.qualifiedName}</span>
                      {node.description && <span className="result-desc">{node.description}</span>}
                    </Link>
                    {node.classifications.length > 0 && (
                      <span className="result-badges">
                        {[...new Set(node.classifications.map((c) => c.name))].map((c) => (
                          <ClassificationBadge key={c} name={c} propagated={node.classifications.every((a) => a.name !== c || a.propagated)} />
                        ))}
                      </span>
                    )}
                  </li>
                ))}
              </ol>
              {!edges.length && <p className="empty">Nothing matches. Try fewer words or remove a filter.</p>}
              <div className="pager">
                <button
                  type="button"
                  className="button"
                  data-testid="search-prev"
                  disabled={!state.after}
                  onClick={() => {
                    const previous = cursors.slice(0, -1);
                    setCursors(previous);
                    update({ after: cursors[cursors.length - 1] ?? null }, true);
                  }}
                >
                  Previous page
                </button>
                <button
                  type="button"
                  className="button"
                  data-testid="search-next"
                  disabled={!answer.data.results.pageInfo.hasNextPage}
                  onClick={() => {
                    setCursors([...cursors, state.after]);
                    update({ after: answer.data!.results.pageInfo.endCursor }, true);
                  }}
                >
                  Next page
                </button>
              </div>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
