import type { RunDetail } from "../api/experimentTypes";
import { Section, formatTime } from "../components/common";
import { commitUrl, formatBytes, formatParam } from "./values";

/** Parameters, tags, status and its history: what the run was asked to do and what became of it. */
export function RunParams({ run }: { run: RunDetail }) {
  return (
    <Section title="Parameters" testId="run-params">
      {run.params.length ? (
        <table className="exp-kv">
          <tbody>
            {run.params.map((p) => (
              <tr key={p.name} data-testid="run-param">
                <th>{p.name}</th>
                <td className="mono">{formatParam(p.value)}</td>
                <td className="muted">{p.type.toLowerCase()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No parameters logged.</p>
      )}
      <h3>Tags</h3>
      {run.tags.length ? (
        <ul className="exp-tags" data-testid="run-tags">
          {run.tags.map((t) => (
            <li key={t.name}><span className="mono">{t.name}</span> = {t.value}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No tags.</p>
      )}
    </Section>
  );
}

export function RunStatusSection({ run }: { run: RunDetail }) {
  return (
    <Section title="Status" testId="run-status">
      <dl className="fields">
        <dt>Status</dt>
        <dd data-testid="run-status-value">{run.status?.toLowerCase()}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Ended</dt>
        <dd>{run.endedAt ? formatTime(run.endedAt) : <span className="muted">running</span>}</dd>
        <dt>Owners</dt>
        <dd>{run.entity.owners.join(", ")}</dd>
      </dl>
      <h3>History</h3>
      <ol className="exp-history" data-testid="run-status-history">
        {run.statusHistory.map((h, i) => (
          <li key={i}>
            {formatTime(h.at)}: <strong>{h.reason}</strong> ({h.status.toLowerCase()}) by {h.by}
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** Code version, environment and hardware: what it takes to run it again. */
export function RunEnvironmentSection({ run }: { run: RunDetail }) {
  const { code, environment, hardware } = run;
  const link = commitUrl(code.repoUrl, code.commit);
  return (
    <Section title="Code, environment, hardware" testId="run-environment">
      <dl className="fields">
        <dt>Repository</dt>
        <dd className="mono">{code.repoUrl ?? <span className="muted">unknown</span>}</dd>
        <dt>Commit</dt>
        <dd className="mono" data-testid="run-commit">
          {link ? (
            <a href={link} target="_blank" rel="noreferrer noopener" data-testid="run-commit-link">{code.commit}</a>
          ) : (
            code.commit ?? <span className="muted">unknown</span>
          )}
          {code.dirty ? <span className="badge"> dirty</span> : null}
        </dd>
        <dt>Branch</dt>
        <dd className="mono">{code.branch ?? ""}</dd>
        <dt>Python</dt>
        <dd data-testid="run-python">{environment.pythonVersion ?? ""}</dd>
        <dt>OS</dt>
        <dd>{environment.os ?? ""}</dd>
        <dt>Packages digest</dt>
        <dd className="mono exp-digest" data-testid="run-digest">{environment.packagesDigest ?? ""}</dd>
        <dt>CPUs</dt>
        <dd>{hardware.cpuCount ?? ""}</dd>
        <dt>Memory</dt>
        <dd>{formatBytes(hardware.memoryBytes)}{hardware.peakMemoryBytes ? ` (peak ${formatBytes(hardware.peakMemoryBytes)})` : ""}</dd>
        <dt>GPUs</dt>
        <dd>{hardware.gpus.join(", ")}{hardware.peakGpuMemoryBytes ? ` (peak ${formatBytes(hardware.peakGpuMemoryBytes)})` : ""}</dd>
      </dl>
      {environment.packages.length ? (
        <details>
          <summary>{environment.packages.length} packages</summary>
          <ul className="exp-packages mono" data-testid="run-packages">
            {environment.packages.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </Section>
  );
}
