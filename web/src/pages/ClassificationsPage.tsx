import { Link } from "react-router";
import { useClassificationDefs } from "../api/hooks";
import { Loading, QueryError } from "../components/common";

export function ClassificationsPage() {
  const defs = useClassificationDefs();
  return (
    <div className="page">
      <h1>Classifications</h1>
      <p className="muted">Tags that travel with the data: a propagating classification reaches everything downstream.</p>
      {defs.isPending && <Loading />}
      {defs.isError && <QueryError error={defs.error} />}
      {defs.data && (
        <table className="table card" data-testid="classification-defs">
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
            {defs.data.map((d) => (
              <tr key={d.name}>
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
      )}
    </div>
  );
}
