export { toolAccess } from "./tool-access.js";
export type { ToolAccessOptions, ToolsByRole } from "./tool-access.js";
export { callLimit, rateLimit, tokenBudget, costBudget } from "./limits.js";
export { loopDetection } from "./loop-detection.js";
export { secretsInArguments } from "./secrets-in-arguments.js";
export type { SecretsOptions } from "./secrets-in-arguments.js";
export { destructiveApproval } from "./destructive-approval.js";
