import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useExperiments } from "../api/experimentHooks";
import { Loading, formatTime } from "../components/common";
import { PageError } from "./RefusedPage";
import { experimentPath } from "../experiments/paths";

/** `/experiments?text=`: experiments by name, newest run first, with their run counts. */
export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const text = params.get("text") ?? "";
  const [draft, setDraft] = useState(text);
  useEffect(() => setDraft(text), [text]);
  const answer = useExperiments(text);
  const rows = answer.data?.pages.flatMap((p) => p.nodes) ?? [];
  const total = answer.data?.pages[0]?.totalCount ?? 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    setParams(draft.trim() ? { text: draft.trim() } : {});
  }

  return (
    <div className="exp-page" data-testid="experiments-page">
      <h1>Experiments</h1>
      <form className="exp-toolbar" onSubmit={submit} role="search">
        <input
          aria-label="Filter experiments by name"
          data-testid="experiments-text"
          placeholder="Filter by name"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Filter</button>
      </form>
      {answer.isPending ? <Loading what="Loading experiments" /> : null}
      {answer.isError ? <PageError error={answer.error} what="experiments" /> : null}
      {answer.isSuccess ? (
        <>
          <p className="muted" data-testid="experiments-count">{total} experiment{total === 1 ? "" : "s"}</p>
          <table className="exp-table" data-testid="experiments-table">
            <thead>
              <tr><th>Name</th><th>Runs</th><th>Last run started</th></tr>
            </thead>
            <tbody>
              {rows.map((x) => (
                <tr key={x.id} data-testid="experiment-row">
                  <td><Link to={experimentPath(x.id)}>{x.name}</Link></td>
                  <td className="num">{x.runCount}</td>
                  <td>{formatTime(x.lastRunStartedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {answer.hasNextPage ? (
            <button type="button" onClick={() => answer.fetchNextPage()} disabled={answer.isFetchingNextPage}>
              Load more
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
