export * as Reaction from "./reaction";
export type { ReactionCountItem, ReactionItem } from "./reaction.entity";
export { REACTION_COUNT_SHARDS } from "./shard";
