/**
 * A request URL as the gateway logs it, with the bearer secrets that travel in URLs left out: the segment after
 * `invites` (an invite code admits whoever holds it) becomes `…`, and of the query only the parameter names are
 * kept (`?ticket=…`: a connect ticket opens a socket as its user until it is used). AWS's access logs leave the
 * query string out altogether; the names stay here because they tell a refused handshake's cause.
 */
export function loggableUrl(url: string | undefined): string {
  const raw = url ?? "/";
  const queryAt = raw.indexOf("?");
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const segments = path.split("/");
  const redacted = segments.map((segment, index) =>
    index > 0 && segment !== "" && isInvitesSegment(segments[index - 1]) ? "…" : segment,
  );
  if (queryAt === -1) return redacted.join("/");
  const names = [...new URLSearchParams(raw.slice(queryAt + 1)).keys()];
  return `${redacted.join("/")}?${names.map((name) => `${encodeURIComponent(name)}=…`).join("&")}`;
}

function isInvitesSegment(segment: string | undefined): boolean {
  try {
    return decodeURIComponent(segment ?? "").toLowerCase() === "invites";
  } catch {
    // Malformed %-encoding: not a route the gateway serves, and not the word either.
    return false;
  }
}
