import { For } from "solid-js";
import type { Notice } from "../network";
import { describeNotice } from "./problem-text";

/** Things the person should know (a refused change, a todo someone else edited first); each can be dismissed. */
export function NoticeList(props: { notices: readonly Notice[]; onDismiss: (id: number) => void }) {
  return (
    <div class="notices">
      <For each={props.notices}>
        {(notice) => (
          <div class="notice" data-tone={notice.tone} role={notice.tone === "error" ? "alert" : "status"}>
            <p>{describeNotice(notice)}</p>
            <button
              type="button"
              class="icon-button"
              aria-label="Dismiss"
              onClick={() => props.onDismiss(notice.id)}
            >
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
