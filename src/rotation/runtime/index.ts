/**
 * The rotation runtime: the Lambda side of custom rotation. Not part of the jsii API; import it
 * from `cdk-hardened-secrets/lib/rotation/runtime` in a rotation function's code.
 */
export * from './types';
export * from './handler';
export * from './logger';
export * from './password-policy';
export * from './random-value-rotator';
export * from './strategies';
