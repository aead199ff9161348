import type { UseQueryResult } from "@tanstack/react-query";
import type { AuditChainCheck } from "../api/admin";
import { formatTime, Loading, QueryError } from "../components/common";

/**
 * The walk of the audit hash chain (made on the server when asked): verified through seq N with the
 * head hash, or the first broken event, whose seq leads to its row in the table (`onShowBroken`).
 */
export function ChainPanel({ chain, onShowBroken }: { chain: UseQueryResult<AuditChainCheck>; onShowBroken: (seq: number) => void }) {
  const check = chain.data;
  return (
    <section className="card adm-chain" data-testid="audit-chain" data-state={chain.isFetching ? "checking" : check ? (check.ok ? "ok" : "broken") : "idle"}>
      <div className="card-head">
        <h2>Hash chain</h2>
        <button type="button" className="button button-small" data-testid="audit-chain-verify" disabled={chain.isFetching} onClick={() => chain.refetch()}>
          Verify again
        </button>
      </div>
      {chain.isPending && <Loading what="Verifying" />}
      {chain.isError && <QueryError error={chain.error} />}
      {check && check.ok && (
        <p className="adm-chain-ok" data-testid="audit-chain-verified">
          Verified through seq <strong data-testid="audit-chain-seq">{check.verifiedThroughSeq}</strong>, head hash{" "}
          <code className="mono" data-testid="audit-chain-head">{check.headHash ?? "none"}</code>
        </p>
      )}
      {check && !check.ok && (
        <p className="adm-chain-broken" role="alert" data-testid="audit-chain-broken">
          First broken event: seq{" "}
          {check.firstBrokenSeq === null ? (
            <strong data-testid="audit-chain-broken-seq">?</strong>
          ) : (
            <button
              type="button"
              className="link-button adm-chain-broken-link"
              data-testid="audit-chain-broken-seq"
              title={`Show event ${check.firstBrokenSeq} in the table`}
              onClick={() => onShowBroken(check.firstBrokenSeq as number)}
            >
              {check.firstBrokenSeq}
            </button>
          )}
          : <span data-testid="audit-chain-message">{check.message}</span>
          <br />
          <span className="small">Verified through seq {check.verifiedThroughSeq} before it.</span>
        </p>
      )}
      {check && (
        <p className="muted small">
          {check.checked} events checked{check.pending ? `, ${check.pending} recorded and not yet sequenced` : ""}, at {formatTime(check.checkedAt)}.
          {check.ok && check.message ? ` ${check.message}` : ""}
        </p>
      )}
    </section>
  );
}
