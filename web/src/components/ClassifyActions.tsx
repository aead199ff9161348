import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useClassificationDefs } from "../api/hooks";
import { classify, declassify } from "../api/queries";
import type { Entity } from "../api/types";
import { ActionError } from "./common";

function useEntityMutation(entityId: string, run: () => Promise<Entity>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (updated) => {
      client.setQueryData(["entity", entityId], updated);
      // Propagation changed other entities too: let every view re-read.
      client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "entity" || q.queryKey[1] !== entityId });
    },
  });
}

export function ClassifyForm({ entityId }: { entityId: string }) {
  const defs = useClassificationDefs();
  const [name, setName] = useState("");
  const [propagate, setPropagate] = useState(true);
  const mutation = useEntityMutation(entityId, () => classify(entityId, name, propagate));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (name) mutation.mutate();
  }

  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <label htmlFor="classify-select">Classification</label>
      <select id="classify-select" data-testid="classify-select" value={name} onChange={(e) => setName(e.target.value)}>
        <option value="">Choose…</option>
        {(defs.data ?? []).map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
            {d.restricted ? " (restricted)" : ""}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" data-testid="classify-propagate" checked={propagate} onChange={(e) => setPropagate(e.target.checked)} />
        Propagate
      </label>
      <button type="submit" className="button button-primary" data-testid="classify-submit" disabled={!name || mutation.isPending}>
        Classify
      </button>
      {mutation.isError && <ActionError error={mutation.error} />}
    </form>
  );
}

export function DeclassifyButton({ entityId, name }: { entityId: string; name: string }) {
  const mutation = useEntityMutation(entityId, () => declassify(entityId, name));
  return (
    <>
      <button
        type="button"
        className="button button-small button-danger"
        data-testid={`declassify-${name}`}
        disabled={mutation.isPending}
        onClick={() => mutation.mutate()}
      >
        Declassify
      </button>
      {mutation.isError && <ActionError error={mutation.error} />}
    </>
  );
}
