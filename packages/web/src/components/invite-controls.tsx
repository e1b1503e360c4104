import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
import { createInvite, type Invite, revokeInvites } from "../network";
import { absoluteLink, inviteHref } from "../router";
import { ErrorText } from "./error-text";
import { describeFailure } from "./problem-text";

const expiryFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/**
 * The owner's invite tools: "Copy invite link" makes a new invite and copies its link (also shown, for when
 * the clipboard is not available); "Revoke invite links" stops every link made so far. `revoked` counts
 * revocations made elsewhere (removing someone from a private room): the link shown then no longer works.
 */
export function InviteControls(props: { roomId: string; revoked: number }) {
  const [invite, setInvite] = createSignal<{ link: string; expiresAt: string; copied: boolean } | null>(null);
  const [busy, setBusy] = createSignal<"invite" | "revoke" | null>(null);
  const [status, setStatus] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let clearStatus: number | undefined;
  onCleanup(() => window.clearTimeout(clearStatus));
  const say = (text: string) => {
    setStatus(text);
    window.clearTimeout(clearStatus);
    clearStatus = window.setTimeout(() => setStatus(null), 6000);
  };

  const copyInvite = async () => {
    setBusy("invite");
    setError(null);
    let made: Invite;
    try {
      made = await createInvite({ roomId: props.roomId });
    } catch (failure) {
      setError(describeFailure(failure));
      setBusy(null);
      return;
    }
    const link = absoluteLink(inviteHref(made.code));
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // No clipboard (plain http, permissions): the link is shown below to copy by hand.
    }
    setInvite({ link, expiresAt: made.expiresAt, copied });
    say(copied ? "Invite link copied." : "Invite link ready: copy it from the box below.");
    setBusy(null);
  };

  createEffect(
    on(
      () => props.revoked,
      () => {
        if (!invite()) return;
        setInvite(null);
        say("Invite links shared so far no longer work. Copy a new one to invite people.");
      },
      { defer: true },
    ),
  );

  const revoke = async () => {
    setBusy("revoke");
    setError(null);
    try {
      await revokeInvites({ roomId: props.roomId });
      setInvite(null);
      say("Invite links revoked. Links shared so far no longer work.");
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="invite-controls stack" data-testid="invite-controls">
      <div class="row wrap">
        <button
          type="button"
          class="small primary"
          disabled={busy() !== null}
          onClick={() => void copyInvite()}
        >
          {busy() === "invite" ? "Creating link…" : "Copy invite link"}
        </button>
        <button type="button" class="small" disabled={busy() !== null} onClick={() => void revoke()}>
          {busy() === "revoke" ? "Revoking…" : "Revoke invite links"}
        </button>
      </div>
      <p class="hint" role="status" aria-live="polite">
        {status() ?? ""}
      </p>
      <Show when={invite()} keyed>
        {(made) => (
          <div class="stack tight">
            <label for="invite-link" class="small-label">
              Invite link
            </label>
            <input
              id="invite-link"
              readOnly
              value={made.link}
              onFocus={(e) => e.currentTarget.select()}
              data-testid="invite-link"
            />
            <p class="hint">
              Works for anyone who opens it until {expiryFormat.format(new Date(made.expiresAt))}.
            </p>
          </div>
        )}
      </Show>
      <ErrorText message={error()} />
    </div>
  );
}
