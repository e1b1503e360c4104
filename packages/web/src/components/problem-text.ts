import {
  type EndReason,
  type Issue,
  limits,
  type Notice,
  type Problem,
  problemOf,
  type Refusal,
} from "../network";

/**
 * Every sentence the app says about a failure, refusal or notice. The network module reports codes only;
 * this is where they become words (one place to read them, and to translate them one day).
 */

const issueText = (issues: Issue[]) =>
  issues.map(({ path, message }) => (path.length ? `${path.join(".")} ${message}` : message)).join("; ");

/**
 * Words a person understands for a server error. Messages below 500 are written for people (house style 8);
 * at 500 and above the server says nothing useful, so neither do we.
 */
export function describeProblem({ code, message, issues = [], retryAfterMs }: Problem): string {
  switch (code) {
    case "network":
      return "Can't reach the server. Check your connection and try again.";
    case "unauthorized":
      return "Your session has ended. Please enter your name again.";
    case "forbidden":
      return "You're not allowed to do that here.";
    case "not_found":
      return "We couldn't find that. The link may be wrong, or it no longer exists.";
    case "too_large":
      return "That's too large to send. Try something shorter.";
    case "bad_request":
      return issues.length
        ? `That wasn't accepted: ${issueText(issues)}.`
        : `That wasn't accepted: ${message ?? "invalid input"}.`;
    case "conflict":
      return "Someone else changed this at the same time. You're now seeing their version.";
    case "limit_reached":
      return "This has reached its limit, so nothing more can be added.";
    case "rate_limited":
      return retryAfterMs
        ? `That was a lot at once. Please wait ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s and try again.`
        : "That was a lot at once. Please wait a moment and try again.";
    case "unsupported_media_type":
      return "The app sent something the server doesn't understand. Reloading the page may help.";
    case "unexpected":
      return "Something unexpected went wrong. Please try again.";
    default:
      return "Something went wrong on our side. Please try again in a moment.";
  }
}

/** Human text for anything thrown by the network module (or anything else). */
export const describeFailure = (error: unknown): string => describeProblem(problemOf(error));

const refusals: Record<Refusal, string> = {
  offline: "You're not connected right now. Wait until the room is live again, then try once more.",
  ended: "You're no longer connected to this room.",
  empty: "Write something first.",
  tooLong: `Messages can be at most ${limits.messageText} characters.`,
  tooManyMentions: `A message can mention at most ${limits.mentions} people.`,
  todoTitleMissing: "Give the todo a title.",
  todoTitleTooLong: `Todo titles can be at most ${limits.todoTitle} characters.`,
  tooLarge: "That's too large to send. Try something shorter.",
  cannotMove: "That todo can't move further that way.",
};

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Why a message or todo change was not sent. */
export const describeRefusal = (refusal: Refusal): string => refusals[refusal];

/** What the server refused of a change to a sent message, where it can be said better than in general. */
function describeMessageRefusal(action: string, { code }: Problem): string | null {
  if (code === "not_found" && ["editMessage", "deleteMessage", "react"].includes(action))
    return "That message is no longer there.";
  if (code === "forbidden" && action === "editMessage") return "Only its author can edit a message.";
  if (code === "forbidden" && action === "deleteMessage")
    return "Only its author or the room's owner can delete a message.";
  if (code === "limit_reached" && action === "react")
    return "This message has as many different reactions as it can take. Pick one it already has.";
  return null;
}

/** A room notice in words. */
export function describeNotice(notice: Notice): string {
  switch (notice.kind) {
    case "todoConflict":
      return `“${notice.todoTitle}” was changed by someone else at the same moment. You're seeing the latest version now.`;
    case "refused":
      return (
        (notice.action && describeMessageRefusal(notice.action, notice.problem)) ||
        describeProblem(notice.problem)
      );
    case "frameTooLarge":
      return "Something we sent was too large for the server, so it closed the connection.";
    case "slowedDown":
      return `That was a lot at once. The rest goes out by itself in ${seconds(notice.retryAfterMs)} s.`;
  }
}

/** Why a room's connection ended, for the ends a person can try again after (null for the others). */
export function describeEnd(reason: EndReason | null): string | null {
  switch (reason) {
    case "room_full":
      // A ticket refused limit_reached: the room is at its member cap, or this user at connectionsPerUserInRoom.
      return "This room is full right now, or you have it open in too many tabs or devices (close one and try again).";
    case "refused":
      return "The room keeps refusing the connection. It may be full, or the server may be having trouble.";
    case "too_large":
      return "This room holds more than the server can send at once, so it can't be shown live.";
    default:
      return null;
  }
}
