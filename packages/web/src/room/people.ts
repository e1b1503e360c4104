import type { Member, Role, RoomMember } from "../network";

/** One person in a room's member list: a membership, a live presence, or both, grouped by userId. */
export interface Person {
  userId: string;
  name: string;
  /** null: seen live but the membership list (paged over HTTP) has not shown them yet. */
  role: Role | null;
  /** Live connections (tabs, devices); 0 = a member who is not here right now. */
  connections: number;
}

const roleOrder = (role: Role | null) => (role === "owner" ? 0 : 1);

/**
 * Memberships merged with live presence, one entry per userId: the owner first, then the people here now, then
 * the rest, each group by name. A person who is here shows the name of their newest connection (a rename
 * reaches presence before the membership list is read again).
 */
export function listPeople({
  memberships,
  live,
}: {
  memberships: readonly RoomMember[];
  live: readonly Member[];
}): Person[] {
  const people = new Map<string, Person>();
  for (const { userId, name, role } of memberships)
    people.set(userId, { userId, name, role, connections: 0 });
  const newest = new Map<string, Member>();
  for (const member of live) {
    const seen = newest.get(member.userId);
    if (!seen || seen.connectedAt <= member.connectedAt) newest.set(member.userId, member);
    const person = people.get(member.userId) ?? {
      userId: member.userId,
      name: member.name,
      role: null,
      connections: 0,
    };
    people.set(member.userId, { ...person, connections: person.connections + 1 });
  }
  for (const [userId, member] of newest) {
    const person = people.get(userId) as Person;
    people.set(userId, { ...person, name: member.name });
  }
  return [...people.values()].sort(
    (a, b) =>
      roleOrder(a.role) - roleOrder(b.role) ||
      Number(b.connections > 0) - Number(a.connections > 0) ||
      a.name.localeCompare(b.name) ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}

/** userIds seen live that the loaded memberships do not know yet (they joined since the list was read). */
export function unknownLiveUsers({
  memberships,
  live,
}: {
  memberships: readonly RoomMember[];
  live: readonly Member[];
}): string[] {
  const known = new Set(memberships.map((m) => m.userId));
  return [...new Set(live.map((m) => m.userId))].filter((userId) => !known.has(userId));
}
