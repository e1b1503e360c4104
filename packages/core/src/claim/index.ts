export * as Claim from "./claim";
export type { ClaimKey, ClientIdClaimItem } from "./claim.entity";
