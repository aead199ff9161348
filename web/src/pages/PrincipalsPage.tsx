import { useState } from "react";
import { useCapabilities } from "../api/capabilities";
import { usePrincipals } from "../api/adminHooks";
import { ClassificationDefsSection } from "../admin/ClassificationDefsSection";
import { CreatePrincipalForm } from "../admin/CreatePrincipalForm";
import { GrantsSection } from "../admin/GrantsSection";
import { PrincipalsTable } from "../admin/PrincipalsTable";
import { TokenPanel } from "../admin/TokenPanel";
import { Loading, Section } from "../components/common";
import { PageError } from "./RefusedPage";

/**
 * Access administration: principals, grants, classification definitions. Admins get the forms; a
 * governance reviewer reads the lists; anyone else gets the refusal the server answers.
 */
export function PrincipalsPage() {
  const principals = usePrincipals();
  const { can } = useCapabilities();
  // The token just made: in memory only, so a navigation or a reload forgets it.
  const [shown, setShown] = useState<{ owner: string; token: string } | null>(null);

  if (principals.isError) return <PageError error={principals.error} what="principals and grants" />;
  if (principals.isPending) return <Loading what="Reading principals" />;
  const list = principals.data.edges.map((e) => e.node);
  const mayAdminister = can("principals:admin");
  return (
    <div className="page" data-testid="principals-page">
      <h1>Access</h1>
      {shown && <TokenPanel owner={shown.owner} token={shown.token} onDismiss={() => setShown(null)} />}
      <Section title={`Principals (${principals.data.totalCount})`} testId="principals-section">
        <PrincipalsTable principals={list} mayAdminister={mayAdminister} onToken={(owner, token) => setShown({ owner, token })} />
        {principals.data.pageInfo.hasNextPage && <p className="muted small">Showing the first {list.length}.</p>}
        {mayAdminister && <CreatePrincipalForm onCreated={(created) => setShown({ owner: created.principal.name, token: created.token })} />}
      </Section>
      <GrantsSection mayAdminister={can("grants:admin")} principalNames={list.map((p) => p.name)} />
      <ClassificationDefsSection mayDefine={can("classifications:define")} />
    </div>
  );
}
