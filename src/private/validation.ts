import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The error every invalid prop of this library raises at synth time.
 *
 * One error per construct: it lists every problem found, each with the prop, the value
 * given and the allowed range, after the path of the construct that received it.
 */
export class HardenedSecretsValidationError extends Error {
  /** The problems found, one line each. */
  public readonly problems: string[];
  /** The path of the construct that received the props. */
  public readonly constructPath: string;

  constructor(constructPath: string, problems: string[]) {
    super(
      problems.length === 1
        ? `${constructPath}: ${problems[0]}`
        : `${constructPath}: ${problems.length} invalid props:\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'HardenedSecretsValidationError';
    this.problems = problems;
    this.constructPath = constructPath;
    Object.setPrototypeOf(this, HardenedSecretsValidationError.prototype);
  }
}

/**
 * Collects the problems of one construct's props and throws them together.
 *
 * Values that are unresolved tokens are never judged: they are only known at deploy time.
 */
export class PropsValidator {
  private readonly problems: string[] = [];

  private readonly path: string;

  /**
   * @param scope the construct receiving the props, or its path when it does not exist yet
   */
  constructor(scope: IConstruct | string) {
    this.path = typeof scope === 'string' ? scope : scope.node.path;
  }

  /** Records a problem with `prop` unless `ok`. */
  public check(ok: boolean, prop: string, value: unknown, allowed: string): void {
    if (!ok) {
      this.fail(prop, value, allowed);
    }
  }

  /** Records a problem with `prop`. */
  public fail(prop: string, value: unknown, allowed: string): void {
    this.problems.push(`invalid \`${prop}\`: got ${describe(value)}; allowed: ${allowed}`);
  }

  /** Throws at once with `prop` as the problem, and any recorded before it. */
  public refuse(prop: string, value: unknown, allowed: string): never {
    this.fail(prop, value, allowed);
    throw new HardenedSecretsValidationError(this.path, [...this.problems]);
  }

  /** Records a problem that concerns several props together. */
  public conflict(props: string[], allowed: string): void {
    this.problems.push(`conflicting props ${props.map((p) => `\`${p}\``).join(' and ')}: ${allowed}`);
  }

  /**
   * Records the problems `other` recorded: a factory validates its options before the construct
   * they are for has a path, and the construct reports them as its own.
   */
  public adopt(other: PropsValidator): void {
    this.problems.push(...other.problems);
  }

  /** Throws one error listing every recorded problem, if any. */
  public throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new HardenedSecretsValidationError(this.path, [...this.problems]);
    }
  }
}

/** Whether a value is known at synth time (not a token). */
export function isResolved(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

/** The path a construct will have once created under `scope` with `id`. */
export function futurePath(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value && typeof (value as { toHumanString?: () => string }).toHumanString === 'function') {
    return (value as { toHumanString: () => string }).toHumanString();
  }
  return JSON.stringify(value) ?? String(value);
}
