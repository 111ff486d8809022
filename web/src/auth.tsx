import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCredential, type Me } from './api.ts';
import { startLive } from './live.ts';
import { completeProviderSignIn, startProviderSignIn, type ProviderOptions } from './oidc.ts';

/**
 * Sign-in with an API key, an OIDC token, or at the company's identity provider (which ends in an
 * OIDC token too). The credential lives in the tab's session storage only, so closing the tab signs
 * out; the hub decides what it may do, the UI only hides what it may not.
 */
interface Session {
  me: Me | null;
  /** Why the last sign-in at the identity provider failed, shown on the sign-in page. */
  providerError: unknown;
  signIn(credential: string): Promise<void>;
  signInWithProvider(options: ProviderOptions): Promise<void>;
  signOut(): void;
}

const storageKey = 'crossdock.credential';
const SessionContext = createContext<Session>({
  me: null,
  providerError: undefined,
  signIn: async () => undefined,
  signInWithProvider: async () => undefined,
  signOut: () => undefined,
});

export function useSession(): Session {
  return useContext(SessionContext);
}

export function SessionProvider(props: { children: (session: Session, ready: boolean) => ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);
  const [providerError, setProviderError] = useState<unknown>();

  const signOut = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setCredential(null);
    setMe(null);
  }, []);

  /** Keeps a credential the hub accepted: this tab's requests carry it from now on. */
  const keep = useCallback(
    (credential: string, who: Me) => {
      setCredential(credential, signOut);
      sessionStorage.setItem(storageKey, credential);
      setMe(who);
    },
    [signOut],
  );

  const signIn = useCallback(
    async (credential: string) => {
      setCredential(credential.trim(), signOut);
      try {
        keep(credential.trim(), await api.get<Me>('/v1/me'));
      } catch (error) {
        setCredential(null);
        throw error;
      }
    },
    [signOut, keep],
  );

  const signInWithProvider = useCallback(async (options: ProviderOptions) => {
    setProviderError(undefined);
    try {
      await startProviderSignIn(options);
    } catch (error) {
      setProviderError(error);
    }
  }, []);

  useEffect(() => {
    // Back from the identity provider (a code or its refusal in the address), or a tab that was signed in.
    const returning = completeProviderSignIn();
    if (returning) {
      returning
        .then((result) => keep(result.token, result.me))
        .catch((error: unknown) => setProviderError(error))
        .finally(() => setReady(true));
      return;
    }
    const saved = sessionStorage.getItem(storageKey);
    if (!saved) return setReady(true);
    signIn(saved)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) sessionStorage.removeItem(storageKey);
      })
      .finally(() => setReady(true));
  }, [signIn, keep]);

  // Screens hear of changes while someone is signed in (live.ts), with that person's credential.
  useEffect(() => (me ? startLive() : undefined), [me]);

  const session = { me, providerError, signIn, signInWithProvider, signOut };
  return <SessionContext.Provider value={session}>{props.children(session, ready)}</SessionContext.Provider>;
}
