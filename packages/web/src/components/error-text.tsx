import { Show } from "solid-js";

/** A form's error in words, announced to screen readers; renders nothing while there is none. */
export function ErrorText(props: { message: string | null | undefined; id?: string }) {
  return (
    <Show when={props.message}>
      <p id={props.id} class="error-text" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
