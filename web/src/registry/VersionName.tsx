/** A version id as people read it (its name, "churn v2"), linked to its model; the id while names load, "hidden" when hidden. */

import { Link } from "react-router";
import type { VersionLabel } from "../api/registryTypes";
import { modelPath } from "./logic";

export type VersionLabels = Record<string, VersionLabel | null>;

export function VersionName({ id, labels }: { id: string | null; labels: VersionLabels | undefined }) {
  if (!id) return <span className="muted">none</span>;
  const label = labels?.[id];
  if (!label) return <span className="mono small">{labels ? "hidden version" : id}</span>;
  if (!label.modelId) return <span className="mono">{label.entity.name}</span>;
  return (
    <Link to={modelPath(label.modelId)} className="mono" data-version-id={id}>
      {label.entity.name}
    </Link>
  );
}
