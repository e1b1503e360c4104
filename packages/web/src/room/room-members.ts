import { type Accessor, createComputed, createEffect, createMemo, createSignal, on } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { listMembers, type Member, type Problem, problemOf, type RoomMember, removeMember } from "../network";
import { listPeople, type Person, unknownLiveUsers } from "./people";

const PAGE_SIZE = 100;

export interface RoomMembers {
  people: Accessor<Person[]>;
  /** More memberships to load (rooms can have thousands of members; presence is only who is here). */
  hasMore: Accessor<boolean>;
  loading: Accessor<boolean>;
  error: Accessor<Problem | null>;
  loadMore(): Promise<void>;
  /** The owner removes a member; resolves once the server agreed, rejects with an ApiError otherwise. */
  remove(userId: string): Promise<void>;
}

/**
 * The room's member list: memberships from GET /rooms/{id}/members (a page at a time) merged with the
 * connection's live presence. Someone who shows up live but is not in the loaded memberships (a new member)
 * makes it read the first page again, once per such person, for their role.
 */
export function createRoomMembers({
  roomId,
  live,
}: {
  roomId: string;
  live: Accessor<readonly Member[]>;
}): RoomMembers {
  const [memberships, setMemberships] = createSignal<readonly RoomMember[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<Problem | null>(null);
  const askedAbout = new Set<string>();
  /** Connections of people we removed: shown as gone at once, before the server's memberLeft arrives. */
  const [goneConnections, setGoneConnections] = createSignal<ReadonlySet<string>>(new Set());
  const present = createMemo(() => {
    const gone = goneConnections();
    return gone.size === 0 ? live() : live().filter((m) => !gone.has(m.memberId));
  });

  const merge = (incoming: readonly RoomMember[]) =>
    setMemberships((current) => {
      const byUser = new Map(current.map((m) => [m.userId, m]));
      for (const member of incoming) byUser.set(member.userId, member);
      return [...byUser.values()];
    });

  const load = async (from: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await listMembers({ roomId, limit: PAGE_SIZE, cursor: from });
      merge(page.members);
      // Re-reading the first page must not forget how far "load more" already got.
      if (from !== null || memberships().length <= page.members.length) setCursor(page.cursor);
    } catch (failure) {
      setError(problemOf(failure));
    } finally {
      setLoading(false);
    }
  };
  void load(null);

  createEffect(
    on(present, (members) => {
      if (loading()) return;
      const newcomers = unknownLiveUsers({ memberships: memberships(), live: members }).filter(
        (userId) => !askedAbout.has(userId),
      );
      if (newcomers.length === 0) return;
      for (const userId of newcomers) askedAbout.add(userId);
      void load(null);
    }),
  );

  // One lasting object per userId, updated in place: a row keeps its state (an open removal confirmation, focus)
  // while presence and the membership pages change around it.
  const [people, setPeople] = createStore<Person[]>([]);
  createComputed(() =>
    setPeople(reconcile(listPeople({ memberships: memberships(), live: present() }), { key: "userId" })),
  );
  return {
    people: () => people,
    hasMore: () => cursor() !== null,
    loading,
    error,
    loadMore: async () => {
      const from = cursor();
      if (from && !loading()) await load(from);
    },
    async remove(userId) {
      await removeMember({ roomId, userId });
      const theirs = live()
        .filter((m) => m.userId === userId)
        .map((m) => m.memberId);
      setGoneConnections((current) => new Set([...current, ...theirs]));
      setMemberships((current) => current.filter((m) => m.userId !== userId));
    },
  };
}
