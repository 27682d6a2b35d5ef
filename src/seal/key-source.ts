/**
 * How keys are given: PEM text, a path to a PEM file, or a node:crypto KeyObject. The KeyObject is
 * described structurally so that agent-coat's published types need no @types/node.
 */
export interface KeyObjectLike {
  readonly type: string;
  readonly asymmetricKeyType?: string | undefined;
}

export type KeySource = string | KeyObjectLike;
