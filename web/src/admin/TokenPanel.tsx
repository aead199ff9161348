import { useState } from "react";

/**
 * A token, shown this once: it lives only in the page's memory (never the URL, never storage), so it is
 * gone after a navigation or a reload.
 */
export function TokenPanel({ owner, token, onDismiss }: { owner: string; token: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<"" | "copied" | "failed">("");

  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("copied");
    } catch {
      setCopied("failed"); // no clipboard permission: the token is selectable on screen
    }
  }

  return (
    <section className="card adm-token" data-testid="token-panel" role="status">
      <div className="card-head">
        <h2>Token for {owner}</h2>
        <button type="button" className="button button-small" data-testid="token-dismiss" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p className="small">Copy it now: it is shown only this once and cannot be read again.</p>
      <div className="adm-token-row">
        <code className="mono adm-token-value" data-testid="token-value">
          {token}
        </code>
        <button type="button" className="button button-primary button-small" data-testid="token-copy" onClick={copy}>
          Copy
        </button>
        {copied === "copied" && <span className="small" data-testid="token-copied">Copied</span>}
        {copied === "failed" && <span className="small">Copying is not allowed here: select the token instead</span>}
      </div>
    </section>
  );
}
