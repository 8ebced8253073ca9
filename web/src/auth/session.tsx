import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { BrinkClient } from "../../../src/client/index.js";
import { storedToken, storeToken, takeTokenFromAddress } from "./token.js";

interface Session {
  client: BrinkClient;
  signOut(reason?: string): void;
}

interface SessionState {
  session: Session | undefined;
  /** Why the user was signed out (a refused token), shown on the sign-in screen. */
  notice: string | undefined;
  signIn(token: string): Promise<void>;
}

const Ctx = createContext<SessionState | undefined>(undefined);

/** A client for this origin (the dashboard is served by the server it talks to). */
export function clientFor(token: string): BrinkClient {
  return new BrinkClient({ addr: window.location.origin, token });
}

function initialToken(): string | undefined {
  const fromAddress = takeTokenFromAddress();
  if (fromAddress) storeToken(fromAddress);
  return fromAddress ?? storedToken();
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | undefined>(initialToken);
  const [notice, setNotice] = useState<string>();
  const signOut = useCallback((reason?: string) => {
    storeToken(undefined);
    setToken(undefined);
    setNotice(reason);
  }, []);
  const signIn = useCallback(async (candidate: string) => {
    const t = candidate.trim();
    await clientFor(t).listNodesPage({ limit: 1 });
    storeToken(t);
    setNotice(undefined);
    setToken(t);
  }, []);
  const value = useMemo<SessionState>(
    () => ({
      session: token ? { client: clientFor(token), signOut } : undefined,
      notice,
      signIn,
    }),
    [token, notice, signIn, signOut],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSessionState(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error("useSessionState outside SessionProvider");
  return s;
}

/** The signed-in session; only used below the sign-in gate. */
export function useSession(): Session {
  const s = useSessionState().session;
  if (!s) throw new Error("useSession while signed out");
  return s;
}
