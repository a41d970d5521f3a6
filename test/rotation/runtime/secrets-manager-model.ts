import { randomInt, randomUUID } from 'crypto';
import {
  DescribeSecretCommand,
  DescribeSecretCommandInput,
  DescribeSecretCommandOutput,
  GetRandomPasswordCommand,
  GetRandomPasswordCommandInput,
  GetRandomPasswordCommandOutput,
  GetSecretValueCommand,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  PutSecretValueCommandInput,
  PutSecretValueCommandOutput,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  RotateSecretCommandInput,
  RotateSecretCommandOutput,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
  UpdateSecretVersionStageCommandInput,
  UpdateSecretVersionStageCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { AwsStub } from 'aws-sdk-client-mock';
import { CHARACTER_CLASSES } from '../../../src/rotation/runtime/password-policy';

/**
 * An in-memory model of the version-stage semantics of AWS Secrets Manager, for the offline
 * proof of the rotation runtime. What it models, with the API reference sentence it follows:
 *
 * - A secret has versions; a version has a value (or none: RotateSecret creates the AWSPENDING
 *   version before createSecret stores its value) and staging labels. "Each staging label can
 *   be attached to only one version at a time."
 * - A version with no label is deprecated: DescribeSecret does not list it ("VersionIdsToStages:
 *   ... versions that have staging labels"), GetSecretValue by VersionId still returns it, and
 *   it is deleted only beyond the quota ("Secrets Manager keeps 100 of the most recent versions,
 *   but it keeps all secret versions created in the last 24 hours").
 * - PutSecretValue: "If you call this operation with a ClientRequestToken that matches an
 *   existing version's VersionId, and you specify the same secret data, the operation succeeds
 *   but does nothing. However, if the secret data is different, then the operation fails"
 *   (ResourceExistsException). Without VersionStages it moves AWSCURRENT; the first version
 *   gets AWSCURRENT. Labels it names move from the versions that had them.
 * - "Whenever you move AWSCURRENT, Secrets Manager automatically moves the label AWSPREVIOUS to
 *   the version that AWSCURRENT was removed from" (PutSecretValue and UpdateSecretVersionStage).
 * - UpdateSecretVersionStage: "If the staging label you are trying to attach to one version is
 *   already attached to a different version, then you must include this parameter
 *   [RemoveFromVersionId] and specify the version that the label is to be removed from. If the
 *   label is attached and you either do not specify this parameter, or the version ID does not
 *   match, then the operation fails" (InvalidParameterException).
 * - GetSecretValue: without VersionId and VersionStage, AWSCURRENT; with both, "the two
 *   parameters must refer to the same secret version" (otherwise ResourceNotFoundException).
 * - A secret scheduled for deletion: InvalidRequestException for every operation but
 *   DescribeSecret.
 * - RotateSecret: "If the AWSPENDING staging label is present but not attached to the same
 *   version as AWSCURRENT, then any later invocation of RotateSecret assumes that a previous
 *   rotation request is still in progress and returns an error." The model does not invoke the
 *   rotation function; the test drives the steps.
 *
 * Not modelled: KMS, resource policies, replication, binary secrets' encoding, tags, the rate
 * of PutSecretValue. Where the reference says nothing (the error for an unknown
 * MoveToVersionId), the model picks the closest documented error and says so.
 */
export class SecretsManagerModel {
  /** Every API call the model served, in order (inputs only; tests must not log them). */
  public readonly calls: Array<{ readonly command: string; readonly input: object }> = [];
  private readonly secrets = new Map<string, ModelSecret>();
  private clock = Date.UTC(2025, 0, 1);

  /** Advances the model's clock (versions older than 24 hours may be deleted beyond the quota). */
  public advance(ms: number): void {
    this.clock += ms;
  }

  /** CreateSecret with a value: the first version, AWSCURRENT. Returns the ARN. */
  public createSecret(name: string, value?: string, options: { rotationEnabled?: boolean; versionId?: string } = {}): string {
    const arn = `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-${randomUUID().slice(0, 6)}`;
    const secret: ModelSecret = { arn, name, rotationEnabled: options.rotationEnabled ?? false, versions: new Map() };
    this.secrets.set(arn, secret);
    if (value !== undefined) {
      this.addVersion(secret, options.versionId ?? randomUUID(), value, [AWSCURRENT]);
    }
    return arn;
  }

  /** DeleteSecret with a recovery window: the secret is scheduled for deletion. */
  public scheduleDeletion(secretId: string): void {
    this.find(secretId).deletedDate = new Date(this.clock);
  }

  /** Turns rotation on or off (RotateSecret / CancelRotateSecret). */
  public setRotationEnabled(secretId: string, enabled: boolean): void {
    this.find(secretId).rotationEnabled = enabled;
  }

  // ---- Inspection (not API operations) ----

  /** The version holding `stage`, or undefined. */
  public versionWith(secretId: string, stage: string): string | undefined {
    return [...this.find(secretId).versions.values()].find(v => v.stages.has(stage))?.versionId;
  }

  /** The value of the version holding `stage`, or undefined. */
  public valueOf(secretId: string, stage: string): string | undefined {
    return [...this.find(secretId).versions.values()].find(v => v.stages.has(stage))?.value;
  }

  /** Every version still stored (labelled or deprecated): id, value, labels. */
  public versions(secretId: string): Array<{ readonly versionId: string; readonly value?: string; readonly stages: string[] }> {
    return [...this.find(secretId).versions.values()].map(v => ({ versionId: v.versionId, value: v.value, stages: [...v.stages].sort() }));
  }

  /** How many versions carry `stage` (the model's invariant says at most one). */
  public countStage(secretId: string, stage: string): number {
    return [...this.find(secretId).versions.values()].filter(v => v.stages.has(stage)).length;
  }

  // ---- API operations ----

  public describeSecret(input: DescribeSecretCommandInput): DescribeSecretCommandOutput {
    this.record('DescribeSecret', input);
    const secret = this.find(input.SecretId);
    const versionIdsToStages: Record<string, string[]> = {};
    for (const v of secret.versions.values()) {
      if (v.stages.size > 0) {
        versionIdsToStages[v.versionId] = [...v.stages];
      }
    }
    return {
      $metadata: {},
      ARN: secret.arn,
      Name: secret.name,
      RotationEnabled: secret.rotationEnabled,
      VersionIdsToStages: versionIdsToStages,
      ...(secret.deletedDate ? { DeletedDate: secret.deletedDate } : {}),
    };
  }

  public getSecretValue(input: GetSecretValueCommandInput): GetSecretValueCommandOutput {
    this.record('GetSecretValue', input);
    const secret = this.live(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId === undefined ? AWSCURRENT : undefined);
    const version = input.VersionId !== undefined
      ? secret.versions.get(input.VersionId)
      : [...secret.versions.values()].find(v => v.stages.has(stage!));
    if (!version || (stage !== undefined && !version.stages.has(stage)) || version.value === undefined) {
      const what = [input.VersionId && `VersionId: ${input.VersionId}`, stage && `staging label: ${stage}`].filter(Boolean).join(' and ');
      throw error(ResourceNotFoundException, `Secrets Manager can't find the specified secret value for ${what}`);
    }
    return {
      $metadata: {},
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: new Date(version.created),
    };
  }

  public putSecretValue(input: PutSecretValueCommandInput): PutSecretValueCommandOutput {
    this.record('PutSecretValue', input);
    const secret = this.live(input.SecretId);
    if ((input.SecretString === undefined) === (input.SecretBinary === undefined)) {
      throw error(InvalidParameterException, 'You must provide either SecretString or SecretBinary, but not both');
    }
    if (input.SecretBinary !== undefined) {
      throw error(InvalidParameterException, 'The model supports SecretString only');
    }
    const token = input.ClientRequestToken ?? randomUUID(); // the SDK fills in an idempotency token
    if (token.length < 32 || token.length > 64) {
      throw validationError('ClientRequestToken must be 32 to 64 characters long');
    }
    const stages = input.VersionStages ?? [AWSCURRENT];
    if (stages.length === 0 || stages.length > 20 || stages.some(s => s.length < 1 || s.length > 256)) {
      throw validationError('VersionStages must have 1 to 20 labels of 1 to 256 characters');
    }
    const existing = secret.versions.get(token);
    if (existing?.value !== undefined) {
      if (existing.value !== input.SecretString) {
        throw error(ResourceExistsException, `A resource with the ID you requested already exists: you can't modify an existing version, you can only create a new version (VersionId ${token})`);
      }
      return { $metadata: {}, ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...existing.stages] };
    }
    const first = ![...secret.versions.values()].some(v => v.value !== undefined);
    const version = this.addVersion(secret, token, input.SecretString!, first && !stages.includes(AWSCURRENT) ? [...stages, AWSCURRENT] : stages);
    return { $metadata: {}, ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...version.stages] };
  }

  public updateSecretVersionStage(input: UpdateSecretVersionStageCommandInput): UpdateSecretVersionStageCommandOutput {
    this.record('UpdateSecretVersionStage', input);
    const secret = this.live(input.SecretId);
    const stage = input.VersionStage;
    if (!stage) {
      throw error(InvalidParameterException, 'VersionStage is required');
    }
    const holder = [...secret.versions.values()].find(v => v.stages.has(stage));
    if (input.RemoveFromVersionId !== undefined) {
      if (!secret.versions.has(input.RemoveFromVersionId)) {
        throw error(ResourceNotFoundException, `Secrets Manager can't find the specified secret version: ${input.RemoveFromVersionId}`);
      }
      if (holder?.versionId !== input.RemoveFromVersionId) {
        throw error(InvalidParameterException, `The parameter RemoveFromVersionId is not valid: staging label ${stage} is not attached to version ${input.RemoveFromVersionId}`);
      }
    }
    if (input.MoveToVersionId === undefined) {
      if (input.RemoveFromVersionId === undefined) {
        throw error(InvalidParameterException, 'You must specify MoveToVersionId, RemoveFromVersionId or both');
      }
      holder!.stages.delete(stage);
      return { $metadata: {}, ARN: secret.arn, Name: secret.name };
    }
    const target = secret.versions.get(input.MoveToVersionId);
    if (!target) {
      // Not documented; the closest documented error for "the version you asked for".
      throw error(ResourceNotFoundException, `Secrets Manager can't find the specified secret version: ${input.MoveToVersionId}`);
    }
    if (holder === target) {
      return { $metadata: {}, ARN: secret.arn, Name: secret.name };
    }
    if (holder && input.RemoveFromVersionId === undefined) {
      throw error(InvalidParameterException,
        `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`);
    }
    this.attach(secret, target, stage);
    return { $metadata: {}, ARN: secret.arn, Name: secret.name };
  }

  public getRandomPassword(input: GetRandomPasswordCommandInput): GetRandomPasswordCommandOutput {
    this.record('GetRandomPassword', input);
    const length = input.PasswordLength ?? 32;
    if (!Number.isInteger(length) || length < 1 || length > 4096) {
      throw error(InvalidParameterException, 'PasswordLength must be between 1 and 4096');
    }
    const excluded = new Set(input.ExcludeCharacters ?? '');
    const classes = [
      input.ExcludeLowercase ? '' : CHARACTER_CLASSES.lowercase,
      input.ExcludeUppercase ? '' : CHARACTER_CLASSES.uppercase,
      input.ExcludeNumbers ? '' : CHARACTER_CLASSES.numbers,
      input.ExcludePunctuation ? '' : CHARACTER_CLASSES.punctuation,
      input.IncludeSpace ? ' ' : '',
    ].map(c => [...c].filter(ch => !excluded.has(ch)).join('')).filter(c => c.length > 0);
    if (classes.length === 0) {
      throw error(InvalidParameterException, 'The password parameters exclude every character');
    }
    const requireEach = input.RequireEachIncludedType ?? true;
    if (requireEach && classes.length > length) {
      throw error(InvalidParameterException, 'PasswordLength is too short to include each included character type');
    }
    const all = classes.join('');
    const chars = Array.from({ length }, () => all[randomInt(all.length)]);
    if (requireEach) {
      // One character of each class at distinct random positions.
      const positions = [...Array(length).keys()];
      for (const c of classes) {
        const [position] = positions.splice(randomInt(positions.length), 1);
        chars[position] = c[randomInt(c.length)];
      }
    }
    return { $metadata: {}, RandomPassword: chars.join('') };
  }

  public rotateSecret(input: RotateSecretCommandInput): RotateSecretCommandOutput {
    this.record('RotateSecret', input);
    const secret = this.live(input.SecretId);
    const pending = [...secret.versions.values()].find(v => v.stages.has(AWSPENDING));
    if (pending && !pending.stages.has(AWSCURRENT)) {
      throw error(InvalidRequestException, 'A previous rotation isn\'t complete. That rotation will be reattempted.');
    }
    const token = input.ClientRequestToken ?? randomUUID();
    if (secret.versions.has(token)) {
      throw error(ResourceExistsException, `A version with the ID ${token} already exists`);
    }
    secret.rotationEnabled = true;
    const version: ModelVersion = { versionId: token, stages: new Set(), created: this.clock++ };
    secret.versions.set(token, version);
    this.attach(secret, version, AWSPENDING);
    return { $metadata: {}, ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  /**
   * Serves the mocked client's commands from the model. `intercept` sees every call and can
   * delay or fail it before or after the model ran (fault injection); by default it just calls.
   */
  public install(stub: AwsStub<any, any, any>, intercept: Interceptor = (_c, _i, call) => call()): void {
    const serve = <I extends object>(command: string, op: (input: I) => unknown) =>
      (input: I) => intercept(command, input, async () => op.call(this, input));
    stub.on(DescribeSecretCommand).callsFake(serve('DescribeSecret', this.describeSecret));
    stub.on(GetSecretValueCommand).callsFake(serve('GetSecretValue', this.getSecretValue));
    stub.on(PutSecretValueCommand).callsFake(serve('PutSecretValue', this.putSecretValue));
    stub.on(UpdateSecretVersionStageCommand).callsFake(serve('UpdateSecretVersionStage', this.updateSecretVersionStage));
    stub.on(GetRandomPasswordCommand).callsFake(serve('GetRandomPassword', this.getRandomPassword));
    stub.on(RotateSecretCommand).callsFake(serve('RotateSecret', this.rotateSecret));
  }

  private addVersion(secret: ModelSecret, versionId: string, value: string, stages: string[]): ModelVersion {
    const version = secret.versions.get(versionId) ?? { versionId, stages: new Set<string>(), created: this.clock++ };
    version.value = value;
    secret.versions.set(versionId, version);
    for (const stage of stages) {
      this.attach(secret, version, stage);
    }
    this.prune(secret);
    return version;
  }

  /** Attaches a label, taking it from its holder; moving AWSCURRENT moves AWSPREVIOUS to the old holder. */
  private attach(secret: ModelSecret, target: ModelVersion, stage: string): void {
    const holder = [...secret.versions.values()].find(v => v.stages.has(stage));
    if (holder === target) {
      return;
    }
    holder?.stages.delete(stage);
    target.stages.add(stage);
    if (stage === AWSCURRENT && holder) {
      for (const v of secret.versions.values()) {
        v.stages.delete(AWSPREVIOUS);
      }
      holder.stages.add(AWSPREVIOUS);
    }
  }

  /** Deletes deprecated versions beyond the 100 most recent that are older than 24 hours. */
  private prune(secret: ModelSecret): void {
    const byAge = [...secret.versions.values()].sort((a, b) => b.created - a.created);
    for (const v of byAge.slice(MAX_VERSIONS)) {
      if (v.stages.size === 0 && this.clock - v.created > DAY) {
        secret.versions.delete(v.versionId);
      }
    }
  }

  private find(secretId: string | undefined): ModelSecret {
    const secret = [...this.secrets.values()].find(s => s.arn === secretId || s.name === secretId);
    if (!secret) {
      throw error(ResourceNotFoundException, 'Secrets Manager can\'t find the specified secret.');
    }
    return secret;
  }

  /** A secret that is not scheduled for deletion. */
  private live(secretId: string | undefined): ModelSecret {
    const secret = this.find(secretId);
    if (secret.deletedDate) {
      throw error(InvalidRequestException, 'You can\'t perform this operation on the secret because it was marked for deletion.');
    }
    return secret;
  }

  private record(command: string, input: object): void {
    this.calls.push({ command, input });
  }
}

/** Sees one API call; `call` runs the model. */
export type Interceptor = (command: string, input: object, call: () => Promise<unknown>) => Promise<unknown>;

/** Starts a `SecretsManagerClient` mock served by a fresh model. */
export function mockedModel(stub: AwsStub<any, any, any>, intercept?: Interceptor): SecretsManagerModel {
  stub.reset();
  const model = new SecretsManagerModel();
  model.install(stub, intercept);
  return model;
}

/** A client to hand to the code under test (mockClient replaces `send` of every instance). */
export function modelClient(): SecretsManagerClient {
  return new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
}

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';
const MAX_VERSIONS = 100;
const DAY = 24 * 60 * 60 * 1000;

interface ModelVersion {
  readonly versionId: string;
  value?: string;
  readonly stages: Set<string>;
  readonly created: number;
}

interface ModelSecret {
  readonly arn: string;
  readonly name: string;
  rotationEnabled: boolean;
  deletedDate?: Date;
  readonly versions: Map<string, ModelVersion>;
}

type ErrorClass<T> = new (opts: { message: string; $metadata: object }) => T;

/** An error as the SDK deserializes it: the modelled class, its name, a message, `$fault`. */
function error<T extends SecretsManagerServiceException>(cls: ErrorClass<T>, message: string): T {
  return new cls({ message, $metadata: { httpStatusCode: 400 } });
}

/** The generic API validation error (no modelled class in the SDK: a service exception named so). */
function validationError(message: string): SecretsManagerServiceException {
  return new SecretsManagerServiceException({ name: 'ValidationException', $fault: 'client', message, $metadata: { httpStatusCode: 400 } });
}
