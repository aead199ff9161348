import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { classificationReport, classificationReportUrl } from "../api/queries";
import { typeLabel } from "../api/types";
import { EntityLink, Loading, QueryError, Section, formatTime } from "../components/common";
import { useClassificationDefs } from "../api/hooks";
import { NotFoundPage } from "./NotFoundPage";

export function ClassificationPage() {
  const { name = "" } = useParams();
  const defs = useClassificationDefs();
  const def = defs.data?.find((d) => d.name === name);
  const report = useQuery({ queryKey: ["classificationReport", name], queryFn: () => classificationReport(name), enabled: !!def });
  if (defs.isPending) return <Loading />;
  if (defs.isError) return <QueryError error={defs.error} />;
  if (!def) return <NotFoundPage />;
  return (
    <div className="page" data-testid="classification-page">
      <h1 className="mono">{def.name}</h1>
      <p>{def.description}</p>
      <p className="muted small">
        {def.propagate ? "Propagates downstream by default." : "Does not propagate by default."}{" "}
        {def.restricted ? "Restricted: only cleared principals may read its carriers." : ""}
        {def.attributes.length ? ` Attributes: ${def.attributes.join(", ")}.` : ""}
      </p>
      <div className="button-row">
        {(["md", "html", "json"] as const).map((f) => (
          <a key={f} className="button" href={classificationReportUrl(def.name, f)} download data-testid={`classification-download-${f}`}>
            Download {f === "md" ? "Markdown" : f.toUpperCase()}
          </a>
        ))}
      </div>
      {report.isPending && <Loading what="Building the report" />}
      {report.isError && <QueryError error={report.error} />}
      {report.data && (
        <>
          <p className="muted">
            {report.data.total} carriers you may see · generated {formatTime(report.data.generatedAt)}
            {report.data.truncated ? " · truncated" : ""}
          </p>
          {report.data.groups.map((g) => (
            <Section key={g.type} title={`${typeLabel(g.type)} (${g.count})`} testId={`carrier-group-${g.type}`}>
              <table className="table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Qualified name</th>
                    <th>How</th>
                    <th>Owners</th>
                  </tr>
                </thead>
                <tbody>
                  {g.entities.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <EntityLink entity={e} testId={`carrier-${e.id}`} />
                      </td>
                      <td className="mono small">{e.qualifiedName}</td>
                      <td>{e.direct ? "direct" : "propagated"}</td>
                      <td className="muted">{e.owners.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          ))}
        </>
      )}
    </div>
  );
}
