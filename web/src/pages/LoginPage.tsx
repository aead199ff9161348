import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { ApiError, readableError } from "../api/errors";
import { safeNext } from "../api/navigation";
import { signIn } from "../api/session";

export function LoginPage() {
  const [params] = useSearchParams();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
      setToken("");
      // A full navigation: every cached answer belonged to the previous session (or none).
      window.location.assign(safeNext(params.get("next")));
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === "UNAUTHENTICATED"
          ? "That token was not accepted. Check it and try again."
          : readableError(e),
      );
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form className="login-card" onSubmit={onSubmit}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">◆</span> provgraph
        </div>
        <h1>Sign in</h1>
        <p className="muted">Paste your API token. It is exchanged for a session cookie and not kept in the browser.</p>
        <label htmlFor="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          autoFocus
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        {error && (
          <p role="alert" className="error" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
    </div>
  );
}
