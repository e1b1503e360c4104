/** A short label next to a name ("Owner", "Private"); `tone` picks its colour. */
export function Badge(props: { children: string; tone?: "accent" | "muted" }) {
  return (
    <span class="badge" data-tone={props.tone ?? "accent"}>
      {props.children}
    </span>
  );
}
