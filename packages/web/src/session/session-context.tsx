import { createContext, createSignal, useContext, type Accessor, type ParentProps } from "solid-js";

const STORAGE_KEY = "rooms.displayName";

export interface Session {
  /** The display name, or null until the person picks one. */
  name: Accessor<string | null>;
  setName(name: string): void;
}

const SessionContext = createContext<Session>();

function readStoredName(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY)?.trim() || null;
  } catch {
    return null; // storage blocked (private mode): ask every visit
  }
}

/** Holds the display name, kept in localStorage so it is picked once per browser. */
export function SessionProvider(props: ParentProps) {
  const [name, setNameSignal] = createSignal(readStoredName());
  const setName = (next: string) => {
    const trimmed = next.trim();
    try {
      window.localStorage.setItem(STORAGE_KEY, trimmed);
    } catch {
      // Not persisted; the name still holds for this visit.
    }
    setNameSignal(trimmed);
  };
  return <SessionContext.Provider value={{ name, setName }}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() needs a <SessionProvider> above it");
  return session;
}

/** The display name where one is required (inside the screens shown only after it was picked). */
export function useDisplayName(): Accessor<string> {
  const { name } = useSession();
  return () => {
    const current = name();
    if (!current) throw new Error("useDisplayName() is only for screens shown after a name was picked");
    return current;
  };
}
