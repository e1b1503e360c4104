import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { endianness } from "node:os";

export interface ListeningSocket {
  /** "127.0.0.1", "0.0.0.0", "::1", "::", "::ffff:127.0.0.1", ... */
  address: string;
  port: number;
  family: 4 | 6;
  inode: number;
  /** The process holding it, when /proc shows it (own processes always; others' with enough rights). */
  pid?: number;
  command?: string;
}

/**
 * TCP sockets in LISTEN state on `port`, read from /proc/net/tcp and /proc/net/tcp6 (Linux). Elsewhere, or
 * without /proc, an empty list. Used by tests to prove DynamoDB Local listens on loopback only, and to name
 * the process holding a port in the "already in use" message.
 */
export function listeningSockets(port: number): ListeningSocket[] {
  const sockets = [...readTable("/proc/net/tcp", 4), ...readTable("/proc/net/tcp6", 6)].filter(
    (socket) => socket.port === port,
  );
  if (sockets.length === 0) return sockets;
  const owners = socketOwners(new Set(sockets.map((socket) => socket.inode)));
  return sockets.map((socket) => ({ ...socket, ...owners.get(socket.inode) }));
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return v4.startsWith("127.") || address === "::1";
}

const LISTEN = "0A";

function readTable(file: string, family: 4 | 6): ListeningSocket[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const sockets: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, state, inode] = [fields[1], fields[3], fields[9]];
    if (!local || state !== LISTEN || !inode) continue;
    const [hexAddress = "", hexPort = ""] = local.split(":");
    sockets.push({
      address: decodeAddress(hexAddress, family),
      port: Number.parseInt(hexPort, 16),
      family,
      inode: Number(inode),
    });
  }
  return sockets;
}

/** /proc prints each 32-bit word of the address in host byte order. */
function decodeAddress(hex: string, family: 4 | 6): string {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes = (hex.slice(word, word + 8).match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16));
    bytes.push(...(endianness() === "LE" ? wordBytes.reverse() : wordBytes));
  }
  if (family === 4) return bytes.join(".");
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // Shorten the longest run of zero groups, as inet_ntop does.
  const text = groups.join(":");
  const runs = text.match(/(?:^|:)0(?::0)+(?::|$)/g) ?? [];
  const longest = runs.sort((a, b) => b.length - a.length)[0];
  return longest ? text.replace(longest, "::") : text;
}

function socketOwners(inodes: Set<number>): Map<number, { pid: number; command?: string }> {
  const owners = new Map<number, { pid: number; command?: string }>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (!match || !inodes.has(Number(match[1]))) continue;
      let command: string | undefined;
      try {
        command = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      } catch {
        command = undefined;
      }
      owners.set(Number(match[1]), { pid: Number(pid), ...(command && { command }) });
    }
  }
  return owners;
}
