export * from './key/secret-key';
export * from './rotation/schedule-options';
export * from './rotation/rotation-function';
export * from './rotation/rotation-policy';
export * from './secret/hardened-secret';
export * from './nag/secrets-manager-checks';
export * from './guardrails/secret-guardrails';
