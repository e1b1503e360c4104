import { createSignal, onCleanup } from "solid-js";

/** Copies this page's address: all a signed-in person needs to join a public room. */
export function CopyLinkButton() {
  const [copied, setCopied] = createSignal(false);
  let reset: number | undefined;
  onCleanup(() => window.clearTimeout(reset));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
      reset = window.setTimeout(() => setCopied(false), 2000);
    } catch {
      window.prompt("Copy this link to invite someone:", window.location.href);
    }
  };
  return (
    <button type="button" class="small" onClick={() => void copy()}>
      <span aria-live="polite">{copied() ? "Link copied" : "Copy link"}</span>
    </button>
  );
}
