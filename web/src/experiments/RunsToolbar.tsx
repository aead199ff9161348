import { useEffect, useState, type FormEvent } from "react";
import { RUN_STATUSES, type RunStatus } from "../api/experimentTypes";

interface Props {
  filter: string;
  order: string;
  status: RunStatus[];
  error: string | null;
  onApply: (next: { filter: string; order: string }) => void;
  onStatus: (status: RunStatus[]) => void;
}

/** The filter (`lr < 0.01`) and sort (`val_auc desc`) boxes and the status checkboxes of the runs table. */
export function RunsToolbar({ filter, order, status, error, onApply, onStatus }: Props) {
  const [draftFilter, setDraftFilter] = useState(filter);
  const [draftOrder, setDraftOrder] = useState(order);
  useEffect(() => setDraftFilter(filter), [filter]);
  useEffect(() => setDraftOrder(order), [order]);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ filter: draftFilter.trim(), order: draftOrder.trim() });
  }

  function toggle(one: RunStatus) {
    onStatus(status.includes(one) ? status.filter((s) => s !== one) : [...status, one]);
  }

  return (
    <form className="exp-toolbar" onSubmit={submit} data-testid="runs-toolbar">
      <label className="exp-field">
        Filter
        <input
          data-testid="runs-filter"
          placeholder="lr < 0.01 and max(val_auc) > 0.8"
          value={draftFilter}
          onChange={(e) => setDraftFilter(e.target.value)}
        />
      </label>
      <label className="exp-field">
        Sort
        <input data-testid="runs-order" placeholder="val_auc desc" value={draftOrder} onChange={(e) => setDraftOrder(e.target.value)} />
      </label>
      <button type="submit" data-testid="runs-apply">Apply</button>
      <fieldset className="exp-status" data-testid="runs-status">
        <legend>Status</legend>
        {RUN_STATUSES.map((one) => (
          <label key={one}>
            <input type="checkbox" checked={status.includes(one)} onChange={() => toggle(one)} data-testid={`status-${one}`} />
            {one.toLowerCase()}
          </label>
        ))}
      </fieldset>
      {error ? (
        <p role="alert" className="error" data-testid="runs-filter-error">{error}</p>
      ) : null}
    </form>
  );
}
