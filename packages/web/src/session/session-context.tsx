import {
  type Accessor,
  createContext,
  createSignal,
  onCleanup,
  type ParentProps,
  useContext,
} from "solid-js";
import {
  onUnauthorized,
  renameSession,
  type SessionGrant,
  setBearerToken,
  startGuestSession,
  type User,
} from "../network";
import { LEGACY_NAME_KEY, parseStoredSession, SESSION_KEY } from "./stored-session";

export interface Session {
  /** Who this browser is signed in as (a guest), or null until a name is picked. */
  user: Accessor<User | null>;
  /** True when the server refused our token (expired, or the stage's secret changed): say why we ask again. */
  expired: Accessor<boolean>;
  /** A name to pre-fill the form with (the v1 display name, or the last one used here). */
  suggestedName(): string;
  /** A new guest with this name (POST /sessions). Rejects with an ApiError the form can show. */
  signIn(name: string): Promise<void>;
  /** The same user under a new name, with a fresh token. Rejects with an ApiError the form can show. */
  rename(name: string): Promise<void>;
}

const SessionContext = createContext<Session>();

const storage = {
  read(key: string): string | null {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null; // storage blocked (private mode): ask every visit
    }
  },
  write(key: string, value: string | null): void {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch {
      // Not persisted; the session still holds for this visit.
    }
  },
};

/**
 * The guest session: `{token, user}` kept in localStorage, its token handed to the network module for every
 * HTTP call. A token the server refuses (401) is dropped and the name form comes back. Other tabs follow along
 * through the `storage` event.
 */
export function SessionProvider(props: ParentProps) {
  const [grant, setGrant] = createSignal<SessionGrant | null>(
    parseStoredSession(storage.read(SESSION_KEY), Date.now()),
  );
  const [expired, setExpired] = createSignal(false);
  const [lastName, setLastName] = createSignal(
    grant()?.user.name ?? storage.read(LEGACY_NAME_KEY)?.trim() ?? "",
  );
  setBearerToken(grant()?.token ?? null);

  const adopt = (next: SessionGrant | null, { persist }: { persist: boolean }) => {
    setBearerToken(next?.token ?? null);
    if (persist) {
      storage.write(SESSION_KEY, next ? JSON.stringify(next) : null);
      if (next) storage.write(LEGACY_NAME_KEY, null);
    }
    if (next) {
      setLastName(next.user.name);
      setExpired(false);
    }
    setGrant(next);
  };

  const stopListening = onUnauthorized((rejected) => {
    if (grant()?.token !== rejected) return;
    adopt(null, { persist: true });
    setExpired(true);
  });
  const onStorage = (event: StorageEvent) => {
    if (event.key !== SESSION_KEY && event.key !== null) return;
    adopt(parseStoredSession(storage.read(SESSION_KEY), Date.now()), { persist: false });
  };
  window.addEventListener("storage", onStorage);
  onCleanup(() => {
    stopListening();
    window.removeEventListener("storage", onStorage);
  });

  const session: Session = {
    user: () => grant()?.user ?? null,
    expired,
    suggestedName: () => lastName(),
    async signIn(name) {
      adopt(await startGuestSession({ name }), { persist: true });
    },
    async rename(name) {
      adopt(await renameSession({ name }), { persist: true });
    },
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() needs a <SessionProvider> above it");
  return session;
}

/** The signed-in user where one is required (inside the screens shown only after a name was picked). */
export function useUser(): Accessor<User> {
  const { user } = useSession();
  return () => {
    const current = user();
    if (!current) throw new Error("useUser() is only for screens shown after a name was picked");
    return current;
  };
}
