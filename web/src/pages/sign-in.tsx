import { useState, type FormEvent } from 'react';
import { useSession } from '../auth.tsx';
import { ErrorBox } from '../components/ui.tsx';

/**
 * Sign-in with an API key (`cdk_…`) or an OIDC token from the company's identity provider. The hub
 * checks either one on every request; nothing is decided in the browser.
 */
export function SignInPage() {
  const session = useSession();
  const [credential, setCredential] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(credential);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sign-in">
      <form onSubmit={submit} className="card" data-testid="sign-in">
        <h1>Crossdock</h1>
        <p className="muted">Sign in with your API key or an OIDC token.</p>
        <label>
          API key or token
          <input
            type="password"
            autoComplete="off"
            value={credential}
            onChange={(e) => setCredential(e.target.value)}
            placeholder="cdk_… or eyJ…"
            data-testid="credential"
            required
          />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="btn primary" disabled={busy || credential.trim() === ''} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
