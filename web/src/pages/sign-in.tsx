import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useSession } from '../auth.tsx';
import { ErrorBox } from '../components/ui.tsx';
import type { SignInOptions } from '../oidc.ts';

/**
 * Sign-in at the company's identity provider when the hub is set up for it, or with an API key
 * (`cdk_…`) or an OIDC token pasted in. The hub checks the credential on every request; nothing is
 * decided in the browser.
 */
export function SignInPage() {
  const session = useSession();
  const [credential, setCredential] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<SignInOptions | null>(null);
  const [optionsError, setOptionsError] = useState<unknown>();
  useEffect(() => {
    api.get<SignInOptions>('/v1/auth/sign-in-options').then(setOptions, setOptionsError);
  }, []);
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
  const provider = options?.oidc ?? null;
  return (
    <div className="sign-in">
      <form onSubmit={submit} className="card" data-testid="sign-in">
        <h1>Crossdock</h1>
        {provider && (
          <>
            <button type="button" className="btn primary" onClick={() => void session.signInWithProvider(provider)} data-testid="sign-in-provider">
              Sign in with {provider.providerName}
            </button>
            <p className="muted">or with an API key or a token:</p>
          </>
        )}
        <ErrorBox error={session.providerError} />
        {/* The provider being unreachable leaves the pasted credentials, so it is said, not fatal. */}
        <ErrorBox error={optionsError} />
        {!provider && <p className="muted">Sign in with your API key or an OIDC token.</p>}
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
        <button type="submit" className={provider ? 'btn' : 'btn primary'} disabled={busy || credential.trim() === ''} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
