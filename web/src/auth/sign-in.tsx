import { type FormEvent, useState } from "react";
import { ApiError } from "../../../src/client/index.js";
import { useSessionState } from "./session.js";

function explain(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return "The server refused this token.";
  if (err instanceof ApiError && err.status === 403) {
    return "This token may not read the fleet: use the admin token.";
  }
  return err instanceof Error ? err.message : String(err);
}

/** Asks for the token; `brink dev` prints a link that signs in directly (`/ui/#token=…`). */
export function SignIn() {
  const { signIn, notice } = useSessionState();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token);
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>Brink</h1>
        <p>
          Sign in with the admin token: <code>&lt;data-dir&gt;/admin.token</code> on the server (
          <code>brink dev</code> prints a link that signs in directly).
        </p>
        {notice && <p className="error">{notice}</p>}
        <label>
          Token
          <input
            name="token"
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
