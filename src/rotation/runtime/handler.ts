/* eslint-disable import/no-extraneous-dependencies -- the Lambda Node.js runtime provides SDK v3; the bundle keeps it external */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
/* eslint-enable import/no-extraneous-dependencies */
import { jsonLogger, redact, redactingLogger, secretStrings } from './logger';
import { randomPasswordRequest } from './password-policy';
import { PasswordPolicyOptions, RotationContext, RotationEvent, RotationLogger, Rotator } from './types';

/** The staging labels of the rotation contract. */
export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** The steps in the order Secrets Manager invokes them. */
export const ROTATION_STEPS: ReadonlyArray<RotationEvent['Step']> = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Options of `createRotationHandler`. */
export interface RotationHandlerOptions {
  /**
   * The Secrets Manager client.
   * @default a `new SecretsManagerClient({})`, created at the first invocation (not at import,
   * so that importing the module in a test or a tool needs no AWS configuration)
   */
  readonly client?: SecretsManagerClient;
  /** Where the structured logs go. @default JSON lines on stdout (CloudWatch Logs) */
  readonly logger?: RotationLogger;
}

/** A secret version: its id and its value. */
interface Version {
  readonly versionId: string;
  readonly value: string;
}

/**
 * The Lambda handler for a rotator: does the Secrets Manager side of the rotation contract
 * (stages, idempotency, promotion) and calls the rotator for the service side.
 *
 * It follows the AWS rotation function templates, with three additions: `finishSecret` tests
 * the pending value again before it promotes it (a version whose test failed is never made
 * AWSCURRENT, even if Secrets Manager is asked to finish a rotation whose test step was
 * skipped or failed); AWSPENDING is removed only after the rotator's `finish` succeeded, so a
 * failed `finish` is retried; and secret values are redacted from every log line and from the
 * error the handler throws (Lambda logs it).
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 */
export function createRotationHandler(rotator: Rotator, options: RotationHandlerOptions = {}): (event: RotationEvent) => Promise<void> {
  let client = options.client;
  const baseLogger = options.logger ?? jsonLogger();
  return async (event: RotationEvent) => {
    client ??= new SecretsManagerClient({});
    // Every secret string this invocation sees; the logger and the thrown error are scrubbed of them.
    const secrets = new Set<string>();
    if (event?.RotationToken) {
      secrets.add(event.RotationToken);
    }
    const log = redactingLogger(baseLogger, () => secrets);
    const fields = { step: event?.Step, secretId: event?.SecretId, token: event?.ClientRequestToken };
    const started = Date.now();
    try {
      const outcome = await new Rotation(client, rotator, event, log, secrets).run();
      log.info('rotation step succeeded', { ...fields, ...outcome, durationMs: Date.now() - started });
    } catch (e) {
      const error = sanitize(e, secrets);
      log.error('rotation step failed', { ...fields, durationMs: Date.now() - started, error: { name: error.name, message: error.message } });
      throw error;
    }
  };
}

/** One invocation: one step of one rotation. */
class Rotation {
  private readonly context: RotationContext;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly rotator: Rotator,
    private readonly event: RotationEvent,
    private readonly log: RotationLogger,
    private readonly secrets: Set<string>,
  ) {
    this.context = {
      secretId: event.SecretId,
      token: event.ClientRequestToken,
      log,
      randomPassword: policy => this.randomPassword(policy),
      readSecret: secretId => this.readSecret(secretId),
    };
  }

  /** Runs the step; returns what to log about its outcome. */
  public async run(): Promise<Record<string, unknown>> {
    const { Step: step, SecretId: secretId, ClientRequestToken: token } = this.event ?? {};
    if (!(ROTATION_STEPS as string[]).includes(step) || !secretId || !token) {
      throw new Error(`Invalid rotation event: Step must be one of ${ROTATION_STEPS.join(', ')}, SecretId and ClientRequestToken must be set`);
    }
    const description = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (!description.RotationEnabled) {
      throw new Error(`Secret ${secretId} is not enabled for rotation`);
    }
    const versions = description.VersionIdsToStages ?? {};
    const stages = versions[token];
    if (!stages) {
      throw new Error(`Secret version ${token} has no stage for rotation of secret ${secretId}`);
    }
    if (stages.includes(AWSCURRENT)) {
      if (step === 'finishSecret' && stages.includes(AWSPENDING)) {
        // A previous finishSecret promoted the version and failed before its clean-up.
        return { ...await this.completeFinish(), outcome: 'completed after promotion' };
      }
      this.log.info('version already AWSCURRENT', { step, secretId, token, stages });
      return { outcome: 'already current', stages };
    }
    if (!stages.includes(AWSPENDING)) {
      throw new Error(`Secret version ${token} not set as AWSPENDING for rotation of secret ${secretId}`);
    }
    const currentVersion = Object.keys(versions).find(id => versions[id].includes(AWSCURRENT));
    switch (step) {
      case 'createSecret':
        return this.createSecret();
      case 'setSecret':
        return this.setSecret();
      case 'testSecret':
        return this.testSecret();
      default:
        return this.finishSecret(currentVersion);
    }
  }

  /**
   * Stores the new value as AWSPENDING under the token. Idempotent: a retry after the value was
   * stored reuses it (generating again would be refused: a version's value cannot change).
   */
  private async createSecret(): Promise<Record<string, unknown>> {
    const current = await this.getValue({ VersionStage: AWSCURRENT });
    const existing = await this.getPending();
    if (existing) {
      return { outcome: 'reused pending', versionId: existing.versionId, currentVersionId: current.versionId };
    }
    const value = await this.rotator.generate(current.value, this.context);
    this.remember(value);
    await this.client.send(new PutSecretValueCommand({
      SecretId: this.event.SecretId,
      ClientRequestToken: this.event.ClientRequestToken,
      SecretString: value,
      VersionStages: [AWSPENDING],
      ...(this.event.RotationToken ? { RotationToken: this.event.RotationToken } : {}),
    }));
    return { outcome: 'created pending', versionId: this.event.ClientRequestToken, currentVersionId: current.versionId };
  }

  private async setSecret(): Promise<Record<string, unknown>> {
    const pending = await this.requirePending();
    const current = await this.getValue({ VersionStage: AWSCURRENT });
    await this.rotator.set(pending.value, current.value, this.context);
    return { outcome: 'set', versionId: pending.versionId, currentVersionId: current.versionId };
  }

  private async testSecret(): Promise<Record<string, unknown>> {
    const pending = await this.requirePending();
    await this.rotator.test(pending.value, this.context);
    return { outcome: 'tested', versionId: pending.versionId };
  }

  /**
   * Tests the pending value once more, then moves AWSCURRENT to it (Secrets Manager moves
   * AWSPREVIOUS to the old version), then runs the rotator's clean-up and removes AWSPENDING.
   */
  private async finishSecret(currentVersion: string | undefined): Promise<Record<string, unknown>> {
    const pending = await this.requirePending();
    await this.rotator.test(pending.value, this.context);
    await this.client.send(new UpdateSecretVersionStageCommand({
      SecretId: this.event.SecretId,
      VersionStage: AWSCURRENT,
      MoveToVersionId: pending.versionId,
      ...(currentVersion ? { RemoveFromVersionId: currentVersion } : {}),
    }));
    this.log.info('promoted version to AWSCURRENT', {
      step: this.event.Step,
      secretId: this.event.SecretId,
      token: this.event.ClientRequestToken,
      versionId: pending.versionId,
      previousVersionId: currentVersion,
    });
    return { ...await this.completeFinish(pending), outcome: 'promoted', previousVersionId: currentVersion };
  }

  /** After promotion: the rotator's `finish`, then AWSPENDING off the (now current) version. */
  private async completeFinish(promoted?: Version): Promise<Record<string, unknown>> {
    const token = this.event.ClientRequestToken;
    if (this.rotator.finish) {
      const pending = promoted ?? await this.getValue({ VersionId: token });
      const previous = await this.getValue({ VersionStage: AWSPREVIOUS });
      await this.rotator.finish(pending.value, previous.value, this.context);
    }
    await this.client.send(new UpdateSecretVersionStageCommand({
      SecretId: this.event.SecretId,
      VersionStage: AWSPENDING,
      RemoveFromVersionId: token,
    }));
    return { versionId: token };
  }

  private async requirePending(): Promise<Version> {
    const pending = await this.getPending();
    if (!pending) {
      throw new Error(`Secret version ${this.event.ClientRequestToken} has no value: createSecret did not complete`);
    }
    return pending;
  }

  /**
   * The token's AWSPENDING value, or undefined when the version has none yet (RotateSecret
   * creates the version with the label but no value; ResourceNotFoundException says so).
   */
  private async getPending(): Promise<Version | undefined> {
    try {
      return await this.getValue({ VersionId: this.event.ClientRequestToken, VersionStage: AWSPENDING });
    } catch (e) {
      if ((e as Error | undefined)?.name === 'ResourceNotFoundException') {
        return undefined;
      }
      throw e;
    }
  }

  private async getValue(selector: { VersionId?: string; VersionStage?: string }, secretId = this.event.SecretId): Promise<Version> {
    const response = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, ...selector }));
    if (response.SecretString === undefined || response.VersionId === undefined) {
      throw new Error(`Secret ${secretId} version ${selector.VersionId ?? selector.VersionStage} has no SecretString (binary secrets are not supported)`);
    }
    this.remember(response.SecretString);
    return { versionId: response.VersionId, value: response.SecretString };
  }

  private async randomPassword(policy?: PasswordPolicyOptions): Promise<string> {
    const response = await this.client.send(new GetRandomPasswordCommand(randomPasswordRequest(policy)));
    if (!response.RandomPassword) {
      throw new Error('GetRandomPassword returned no password');
    }
    this.remember(response.RandomPassword);
    return response.RandomPassword;
  }

  private async readSecret(secretId: string): Promise<string> {
    return (await this.getValue({ VersionStage: AWSCURRENT }, secretId)).value;
  }

  private remember(value: string): void {
    secretStrings(value).forEach(s => this.secrets.add(s));
  }
}

/**
 * The error to log and throw: the original when its message quotes no secret (callers keep its
 * class), otherwise an error of the same name with the secrets redacted and no stack of the
 * original (Lambda logs the thrown error).
 */
function sanitize(e: unknown, secrets: Set<string>): Error {
  const error = e instanceof Error ? e : new Error(String(e));
  const message = redact(error.message, secrets);
  if (message === error.message) {
    return error;
  }
  const clean = new Error(message);
  clean.name = error.name;
  return clean;
}
