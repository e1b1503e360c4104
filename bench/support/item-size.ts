/**
 * An item's size as DynamoDB bills it (AWS developer guide, "Item sizes and formats"), over the low-level JSON
 * attribute values of a request: names and strings count their UTF-8 bytes, binary its bytes, a number about
 * one byte per two significant digits plus one, null and booleans one byte, lists and maps 3 bytes plus one per
 * element plus their contents, sets the sum of their elements.
 */
type Json = Record<string, unknown>;

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

function numberSize(text: string) {
  const digits = text
    .replace(/^-/, "")
    .replace(/e.*$/i, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function attributeValueSize(value: Json): number {
  if ("S" in value) return utf8(String(value.S));
  if ("N" in value) return numberSize(String(value.N));
  if ("B" in value) return Buffer.from(String(value.B), "base64").length;
  if ("BOOL" in value || "NULL" in value) return 1;
  if ("SS" in value) return (value.SS as string[]).reduce((sum, s) => sum + utf8(s), 0);
  if ("NS" in value) return (value.NS as string[]).reduce((sum, n) => sum + numberSize(n), 0);
  if ("BS" in value)
    return (value.BS as string[]).reduce((sum, b) => sum + Buffer.from(b, "base64").length, 0);
  if ("L" in value)
    return 3 + (value.L as Json[]).reduce((sum, element) => sum + 1 + attributeValueSize(element), 0);
  if ("M" in value)
    return (
      3 +
      Object.entries(value.M as Record<string, Json>).reduce(
        (sum, [name, element]) => sum + 1 + utf8(name) + attributeValueSize(element),
        0,
      )
    );
  throw new Error(`unknown attribute value ${JSON.stringify(value).slice(0, 100)}`);
}

export function itemSize(item: Record<string, Json>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + attributeValueSize(value), 0);
}

/** Write units of one item written inside a transaction: 2 per 1 KB, rounded up per item. */
export const transactionalWriteUnits = (item: Record<string, Json>) => 2 * Math.ceil(itemSize(item) / 1024);
