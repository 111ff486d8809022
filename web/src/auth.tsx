import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCredential, type Me } from './api.ts';

/**
 * Sign-in with an API key or an OIDC token. The credential lives in the tab's session storage only,
 * so closing the tab signs out; the hub decides what it may do, the UI only hides what it may not.
 */
interface Session {
  me: Me | null;
  signIn(credential: string): Promise<void>;
  signOut(): void;
}

const storageKey = 'crossdock.credential';
const SessionContext = createContext<Session>({ me: null, signIn: async () => undefined, signOut: () => undefined });

export function useSession(): Session {
  return useContext(SessionContext);
}

export function SessionProvider(props: { children: (session: Session, ready: boolean) => ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setCredential(null);
    setMe(null);
  }, []);

  const signIn = useCallback(
    async (credential: string) => {
      setCredential(credential.trim(), signOut);
      try {
        const who = await api.get<Me>('/v1/me');
        sessionStorage.setItem(storageKey, credential.trim());
        setMe(who);
      } catch (error) {
        setCredential(null);
        throw error;
      }
    },
    [signOut],
  );

  useEffect(() => {
    const saved = sessionStorage.getItem(storageKey);
    if (!saved) return setReady(true);
    signIn(saved)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) sessionStorage.removeItem(storageKey);
      })
      .finally(() => setReady(true));
  }, [signIn]);

  const session = { me, signIn, signOut };
  return <SessionContext.Provider value={session}>{props.children(session, ready)}</SessionContext.Provider>;
}
