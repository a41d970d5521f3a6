/**
 * The built-in rotation function: rotates a shared secret or API token to a new random value
 * (`RandomValueRotator`). Configured by environment variables set by `RotationFunction`.
 */
import { createRotationHandler } from './runtime/handler';
import { RandomValueRotator } from './runtime/random-value-rotator';

export const handler = createRotationHandler(RandomValueRotator.fromEnvironment(process.env));
