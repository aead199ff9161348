import { ClassificationDefsTable } from "../admin/ClassificationDefsTable";
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
      {defs.data && <ClassificationDefsTable defs={defs.data} testId="classification-defs" className="table card" />}
    </div>
  );
}
