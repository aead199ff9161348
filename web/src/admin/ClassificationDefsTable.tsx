import { Link } from "react-router";
import type { ClassificationDef } from "../api/types";

/** The classification definitions as a table, each name linking to its report (the classifications page and access administration). */
export function ClassificationDefsTable({ defs, testId, className = "table" }: { defs: ClassificationDef[]; testId: string; className?: string }) {
  return (
    <table className={className} data-testid={testId}>
      <thead>
        <tr>
          <th>Name</th>
          <th>Description</th>
          <th>Propagates</th>
          <th>Restricted</th>
          <th>Attributes</th>
        </tr>
      </thead>
      <tbody>
        {defs.map((d) => (
          <tr key={d.name} data-testid={`definition-${d.name}`}>
            <td>
              <Link to={`/classifications/${encodeURIComponent(d.name)}`} data-testid={`classification-def-${d.name}`} className="mono">
                {d.name}
              </Link>
              {d.builtIn && <span className="muted small"> built-in</span>}
            </td>
            <td>{d.description}</td>
            <td>{d.propagate ? "yes" : "no"}</td>
            <td>{d.restricted ? <span className="badge badge-restricted">restricted</span> : "no"}</td>
            <td className="mono small">{d.attributes.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
