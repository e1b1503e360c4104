import { describe, expect, it } from "vitest";
import { RateLimitedError } from "../../src/errors";
import { defaultLimits } from "../../src/limits/limits";
import { RateLimit } from "../../src/rate-limit";

const { TokenInTransaction } = RateLimit;
type TokenInTransaction = RateLimit.TokenInTransaction;

/**
 * The one seam faked here is the transaction's rate-bucket entity: it records which form of the conditional write
 * an attempt takes (the bucket assumed full, or a token taken from a burst in progress). The form's conditions
 * against DynamoDB Local are covered in integration/send-chat-message.test.ts.
 */
function bucketEntity() {
  const forms: string[] = [];
  const chain = (form: string) => {
    const step = { where: () => step, set: () => step, add: () => step, commit: () => forms.push(form) };
    return step;
  };
  const entity = { upsert: () => chain("full"), patch: () => chain("draining") };
  return { forms, entity: entity as unknown as Parameters<TokenInTransaction["item"]>[0] };
}

describe("TokenInTransaction", () => {
  const t0 = 1_000_000;

  it("judges a refusal when the answer is in: a slow transaction's bucket has refilled meanwhile", () => {
    let now = t0;
    const token = new TokenInTransaction("frames", "conn-slow", defaultLimits, () => now);
    const { forms, entity } = bucketEntity();
    token.item(entity);
    // The transaction takes 4 s to answer. Meanwhile 30 other frames of the connection took their tokens a
    // second in, so the bucket it met was full again by the time the answer came.
    now = t0 + 4_000;
    expect(token.refused({ tat: t0 + 4_000 })).toBeUndefined();
    token.item(entity);
    expect(forms).toEqual(["full", "full"]);
  });

  it("a bucket with a token left now: the next attempt takes it from the burst in progress", () => {
    let now = t0;
    const token = new TokenInTransaction("frames", "conn-burst", defaultLimits, () => now);
    const { forms, entity } = bucketEntity();
    token.item(entity);
    now = t0 + 50;
    expect(token.refused({ tat: t0 + 2_000 })).toBeUndefined();
    token.item(entity);
    expect(forms).toEqual(["full", "draining"]);
  });

  it("a bucket empty when the answer comes refuses the frame, saying how long to wait from then", () => {
    let now = t0;
    const token = new TokenInTransaction("frames", "conn-empty", defaultLimits, () => now);
    token.item(bucketEntity().entity);
    now = t0 + 1_000;
    // 30 frames' worth ahead of the answer's time: the burst is used up; the next token is 100 ms away.
    const refusal = token.refused({ tat: t0 + 1_000 + 3_000 });
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect(refusal).toMatchObject({ code: "rate_limited", retryAfterMs: 100 });
  });
});
