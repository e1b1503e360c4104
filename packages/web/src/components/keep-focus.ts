import { type Accessor, createComputed, createEffect, on } from "solid-js";

/**
 * Keeps the focus where it was inside a list whose rows move. A reorder moves rows' elements in the page, and a
 * moved element loses the focus (to the body): an open editor's caret, a confirmation's button, the control a
 * move was made from. Before the rows move (when `order` changes), this notes what has the focus in `list`;
 * once they have moved, it gives the focus back, unless the person has put it somewhere else meanwhile.
 */
export function keepFocusAcrossReorders(list: () => HTMLElement | undefined, order: Accessor<unknown>): void {
  let focused: HTMLElement | null = null;
  // Computations run before the rendering effects that move the rows; effects run after them.
  createComputed(
    on(order, () => {
      const active = document.activeElement;
      focused = active instanceof HTMLElement && list()?.contains(active) ? active : null;
    }),
  );
  createEffect(
    on(
      order,
      () => {
        const element = focused;
        focused = null;
        const lost = !document.activeElement || document.activeElement === document.body;
        if (element?.isConnected && lost) element.focus();
      },
      { defer: true },
    ),
  );
}
