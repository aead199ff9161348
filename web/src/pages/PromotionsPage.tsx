import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { useSession } from "../api/hooks";
import { promotions } from "../api/registry";
import type { Promotion } from "../api/registryTypes";
import { PROMOTION_STATUSES } from "../api/registryTypes";
import { Loading } from "../components/common";
import { PageError } from "./RefusedPage";
import { newestFirst, statusFromParam } from "../registry/logic";
import { PromotionCard } from "../registry/PromotionCard";

/** `/promotions?status=`: the reviewers' inbox, pending requests newest first (or decided ones, or all). */
export function PromotionsPage() {
  const [params, setParams] = useSearchParams();
  const status = statusFromParam(params.get("status"));
  const [after, setAfter] = useState<string | null>(null);
  const [decided, setDecided] = useState<Promotion | null>(null);
  const session = useSession();
  const list = useQuery({ queryKey: ["registry", "promotions", status, after], queryFn: () => promotions(status, { after }) });

  function choose(next: string) {
    setAfter(null);
    setParams({ status: next });
  }

  return (
    <div className="page" data-testid="promotions-page">
      <h1>Promotions</h1>
      <div className="toolbar" role="group" aria-label="Status">
        {[...PROMOTION_STATUSES, "ALL" as const].map((s) => (
          <button
            key={s}
            type="button"
            className={`button button-small ${(status ?? "ALL") === s ? "button-primary" : ""}`}
            aria-pressed={(status ?? "ALL") === s}
            data-testid={`status-${s}`}
            onClick={() => choose(s)}
          >
            {s.toLowerCase()}
          </button>
        ))}
      </div>
      {decided && (
        <p className="banner banner-info" role="status" data-testid="decided">
          {decided.status === "APPROVED" ? `Approved: ${decided.alias} now points at the version.` : `Rejected: ${decided.alias} stays where it was.`}
        </p>
      )}
      {list.isPending && <Loading />}
      {list.isError && <PageError error={list.error} what="promotions" />}
      {list.data && (
        <>
          <p className="muted">
            {list.data.totalCount} {status ? status.toLowerCase() : ""} requests
          </p>
          {list.data.edges.length === 0 ? (
            <p className="empty" data-testid="inbox-empty">
              {status === "PENDING" ? "Nothing waits for a decision." : "No requests."}
            </p>
          ) : (
            <ul className="reg-inbox" data-testid="inbox">
              {newestFirst(list.data.edges.map((e) => e.node)).map((p) => (
                <PromotionCard key={p.id} promotion={p} me={session.data?.principal.name} onDecided={setDecided} />
              ))}
            </ul>
          )}
          <div className="pager">
            {after && (
              <button type="button" className="button" onClick={() => setAfter(null)}>
                Newest
              </button>
            )}
            {list.data.pageInfo.hasNextPage && (
              <button type="button" className="button" onClick={() => setAfter(list.data.pageInfo.endCursor)}>
                Older
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
