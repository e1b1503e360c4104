/**
 * Which stages hold real users' data. Both spellings count, so `sst deploy --stage prod` is protected the same
 * way as `--stage production` (a typo in the stage name must not make a stage removable).
 */
export const PRODUCTION_STAGES = ["production", "prod"] as const;

export const isProductionStage = (stage: string) => (PRODUCTION_STAGES as readonly string[]).includes(stage);
