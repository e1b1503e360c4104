import { type Accessor, createSignal, onCleanup } from "solid-js";

/** Where a dragged todo would land: right after `after` (null: first). */
export interface DropTarget {
  todoId: string;
  after: string | null;
}

export interface TodoDrag {
  /** The todo being dragged, and where it would land now (null while over its own place). */
  dragging: Accessor<string | null>;
  target: Accessor<DropTarget | null>;
  /** A pointerdown on a todo's drag handle. */
  start(todoId: string, event: PointerEvent): void;
}

/**
 * Dragging todos by their handle with pointer events (mouse, pen and touch alike; HTML5 drag and drop does not
 * work with touch everywhere). The rows are the list's `li[data-todo-id]`; the todo lands after the last other
 * row whose middle is above the pointer. Escape or a cancelled pointer drops nothing. Keyboard users move todos
 * with Alt+↑/↓ instead.
 */
export function createTodoDrag(options: {
  list: () => HTMLElement | undefined;
  onDrop: (todoId: string, after: string | null) => void;
}): TodoDrag {
  const [dragging, setDragging] = createSignal<string | null>(null);
  const [target, setTarget] = createSignal<DropTarget | null>(null);
  let stop: (() => void) | null = null;

  const rows = () => [...(options.list()?.querySelectorAll<HTMLElement>(":scope > li[data-todo-id]") ?? [])];

  /** The todo `todoId` would follow if dropped at `y`; null when that is where it is now. */
  const targetAt = (todoId: string, y: number): DropTarget | null => {
    const all = rows();
    const ids = all.map((row) => row.dataset.todoId as string);
    let after: string | null = null;
    for (const row of all) {
      const id = row.dataset.todoId as string;
      if (id === todoId) continue;
      const { top, height } = row.getBoundingClientRect();
      if (top + height / 2 < y) after = id;
    }
    const now = ids[ids.indexOf(todoId) - 1] ?? null;
    return after === now ? null : { todoId, after };
  };

  const end = (drop: boolean) => {
    const landing = target();
    stop?.();
    stop = null;
    setDragging(null);
    setTarget(null);
    if (drop && landing) options.onDrop(landing.todoId, landing.after);
  };

  const start = (todoId: string, event: PointerEvent) => {
    if (event.button !== 0 || stop) return;
    event.preventDefault();
    const handle = event.currentTarget as HTMLElement;
    handle.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => setTarget(targetAt(todoId, e.clientY));
    const up = () => end(true);
    const cancel = () => end(false);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && end(false);
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", cancel);
    // The row went away under the pointer (the todo was deleted, say).
    handle.addEventListener("lostpointercapture", cancel);
    document.addEventListener("keydown", onKey);
    stop = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", cancel);
      handle.removeEventListener("lostpointercapture", cancel);
      document.removeEventListener("keydown", onKey);
      if (handle.hasPointerCapture(event.pointerId)) handle.releasePointerCapture(event.pointerId);
    };
    setDragging(todoId);
    setTarget(null);
  };

  onCleanup(() => end(false));
  return { dragging, target, start };
}
