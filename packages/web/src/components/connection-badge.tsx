import { Show } from "solid-js";
import type { ConnectionStatus } from "../network";

const labels: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

/** The connection state in words, announced politely to screen readers when it changes. */
export function ConnectionBadge(props: {
  status: ConnectionStatus;
  waitingToRetry: boolean;
  onRetryNow: () => void;
}) {
  return (
    <div class="connection" data-status={props.status}>
      <span class="connection-dot" aria-hidden="true" />
      <span role="status" aria-live="polite" data-testid="connection-status">
        {labels[props.status]}
      </span>
      <Show when={props.status !== "live" && props.waitingToRetry}>
        <button type="button" class="link-button" onClick={() => props.onRetryNow()}>
          Retry now
        </button>
      </Show>
    </div>
  );
}
