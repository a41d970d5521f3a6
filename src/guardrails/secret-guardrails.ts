import { Annotations, AspectPriority, Aspects, CfnResource, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { SharedKeyUsers, secretUsers } from './restrictive';
import { AnalysisRun } from '../analysis/analysis-run';
import { TemplateIndex } from '../analysis/template-index';
import { SecretKey } from '../key/secret-key';
import { CheckOptions, SecretsRule, ruleContext } from '../nag/rule';
import { NoLiteralSecretString } from '../nag/rules/no-literal-secret-string';
import { ReplicaCustomerManagedKey } from '../nag/rules/replica-customer-managed-key';
import { SecretBlockPublicPolicy } from '../nag/rules/secret-block-public-policy';
import { SecretCustomerManagedKey } from '../nag/rules/secret-customer-managed-key';
import { SecretPolicyDenyDelete } from '../nag/rules/secret-policy-deny-delete';
import { SecretRetained } from '../nag/rules/secret-retained';
import { SecretRotationConfigured } from '../nag/rules/secret-rotation-configured';
import { DEFAULTS } from '../private/defaults';
import { deploymentRoleArns } from '../private/deployment';
import { PropsValidator } from '../private/validation';
import { KnownPrincipals, restrictiveStatements, SecretAccessMode, validateAccessMode } from '../secret/access-mode';
import { HardenedSecret } from '../secret/hardened-secret';
import { protectiveStatements, validatePolicySize } from '../secret/resource-policy';

/**
 * What `SecretGuardrails` does with a secret that is not hardened.
 */
export enum GuardrailMode {
  /**
   * Change nothing; add an error annotation to each unhardened secret naming what it lacks.
   * `cdk synth` fails until each is fixed or the error acknowledged.
   */
  AUDIT = 'AUDIT',
  /**
   * Apply the safe defaults that need no decision: a customer-managed key, RETAIN, and a
   * resource policy with `BlockPublicPolicy` that denies deletion. What needs a decision
   * (rotation, a literal value) stays an error annotation.
   */
  ENFORCE = 'ENFORCE',
}

/**
 * Options of `SecretGuardrails`.
 */
export interface SecretGuardrailsProps {
  /**
   * Audit or enforce.
   *
   * @default GuardrailMode.AUDIT
   */
  readonly mode?: GuardrailMode;

  /**
   * Roles that may still delete enforced secrets and change their replication and resource
   * policy (the resource policy added in `ENFORCE` mode excepts them).
   *
   * @default - nobody may delete an enforced secret
   */
  readonly breakGlassRoles?: iam.IRole[];

  /**
   * Roles CloudFormation deploys with; they may change the resource policy of an enforced
   * secret. Required when a stack does not use `DefaultStackSynthesizer`.
   *
   * @default - the CloudFormation execution role of `DefaultStackSynthesizer`
   */
  readonly deploymentRoles?: iam.IRole[];

  /**
   * Who the resource policy `ENFORCE` adds lets through. `SecretAccessMode.RESTRICTIVE` (or
   * `SecretAccessMode.restrictive({ ... })`) denies every Secrets Manager action on each enforced
   * secret to every principal but those the stack shows using it: roles and users of the stack
   * granted an action on that secret by name, principals the secret's own resource policy
   * allows, the break-glass and deployment roles, and `additionalPrincipals`. The key the aspect
   * adds refuses use to the others alike. A principal that reads the secret today but that the
   * list cannot hold (a grant on every secret, a role outside the template) is an error naming it.
   * Only with `GuardrailMode.ENFORCE`.
   *
   * @default SecretAccessMode.STANDARD
   */
  readonly accessMode?: SecretAccessMode;
}

/** The construct id of the key `ENFORCE` adds to a stack, shared by its unencrypted secrets. */
const SHARED_KEY_ID = 'HardenedSecretsGuardrailKey';
/** The construct id of the key `ENFORCE` adds for secrets in the restrictive access mode (its deny lists their users). */
const RESTRICTIVE_KEY_ID = 'HardenedSecretsGuardrailRestrictiveKey';
/** Suffix of the id of the resource policy `ENFORCE` adds next to an L1 secret. */
const POLICY_SUFFIX = 'GuardrailPolicy';

/** The error rules that decide whether a secret is hardened, in the order problems are listed. */
const SECRET_RULES: readonly SecretsRule[] = [
  SecretCustomerManagedKey,
  SecretRetained,
  SecretBlockPublicPolicy,
  SecretPolicyDenyDelete,
  ReplicaCustomerManagedKey,
  SecretRotationConfigured,
  NoLiteralSecretString,
];

/** The rules whose requirement ENFORCE meets by itself. */
const ENFORCED: readonly SecretsRule[] = [SecretCustomerManagedKey, SecretRetained, SecretBlockPublicPolicy, SecretPolicyDenyDelete];

/**
 * An aspect that holds every Secrets Manager secret of a scope to the hardened defaults,
 * whoever created it: aws-cdk-lib's `secretsmanager.Secret`, a raw `CfnSecret`, or a secret
 * of a template brought in with `CfnInclude`. `HardenedSecret`s are left alone.
 *
 * Register it with `SecretGuardrails.apply(scope, props)`, which gives it the aspect priority
 * its mode needs: `MUTATING` for `ENFORCE`, so that read-only aspects (and nag packs) see the
 * result; `READONLY` for `AUDIT`, so that it judges the final tree.
 *
 * Applying it twice is harmless: a secret is enforced once, and the key and policy it adds
 * are found again rather than added twice.
 *
 * @example
 * SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass] });
 */
export class SecretGuardrails implements IAspect {
  /**
   * Creates the aspect and registers it on `scope` with the priority its mode needs.
   */
  public static apply(scope: IConstruct, props: SecretGuardrailsProps = {}): SecretGuardrails {
    const guardrails = new SecretGuardrails(props);
    Aspects.of(scope).add(guardrails, { priority: guardrails.priority });
    return guardrails;
  }

  /** The mode the aspect runs in. */
  public readonly mode: GuardrailMode;

  /** The aspect priority for this mode (`AspectPriority.MUTATING` or `AspectPriority.READONLY`). */
  public readonly priority: number;

  private readonly props: SecretGuardrailsProps;
  private readonly done = new WeakSet<CfnResource>();
  /** The analysis of the stack being visited; a stack starts a new one. */
  private run = new AnalysisRun();

  constructor(props: SecretGuardrailsProps = {}) {
    this.props = props;
    this.mode = props.mode ?? GuardrailMode.AUDIT;
    this.priority = this.mode === GuardrailMode.ENFORCE ? AspectPriority.MUTATING : AspectPriority.READONLY;
    const v = new PropsValidator('SecretGuardrails');
    validateAccessMode(v, props.accessMode);
    v.check(props.accessMode?.isRestrictive !== true || this.mode === GuardrailMode.ENFORCE, 'accessMode', props.accessMode?.name,
      'SecretAccessMode.STANDARD with GuardrailMode.AUDIT (AUDIT changes no policy); RESTRICTIVE needs mode GuardrailMode.ENFORCE');
    v.throwIfInvalid();
  }

  /** @inheritdoc */
  public visit(node: IConstruct): void {
    if (Stack.isStack(node)) {
      // Aspects visit a stack before its resources: index it as it is now, once.
      this.run = new AnalysisRun();
      return;
    }
    if (!(node instanceof secretsmanager.CfnSecret) || this.done.has(node) || isHardened(node)) {
      return;
    }
    this.done.add(node);
    if (this.mode === GuardrailMode.ENFORCE && !this.markEnforced(node)) {
      return;
    }
    // Judge the secret against the pack's own rules. ENFORCE fixes the key, the removal
    // policy and the resource policy itself, so only what it cannot decide is judged there.
    const rules = this.mode === GuardrailMode.ENFORCE ? SECRET_RULES.filter(r => !ENFORCED.includes(r)) : SECRET_RULES;
    const context = ruleContext(AUDIT_OPTIONS, this.run);
    const problems = rules.flatMap(rule => rule.check(node, context).map(f => `${rule.name}: ${f.message}`));
    if (this.mode === GuardrailMode.ENFORCE) {
      problems.push(...this.enforce(node));
    }
    if (problems.length > 0) {
      const what = this.mode === GuardrailMode.ENFORCE ? 'still lacks what SecretGuardrails cannot decide for it' : 'is not hardened';
      Annotations.of(node).addError(
        `[SecretGuardrails] ${node.node.path}: this secret ${what}:\n  - ${problems.join('\n  - ')}\n` +
        'Use HardenedSecret, or fix each item (and acknowledge what is accepted with a reason).',
      );
    }
  }

  /**
   * Marks the secret as enforced with these options; false when another aspect enforced it
   * already. The same options again change nothing; different ones are an error on the secret
   * (two lists of principals would leave only those in both).
   */
  private markEnforced(secret: secretsmanager.CfnSecret): boolean {
    const stack = Stack.of(secret);
    const mode = this.props.accessMode;
    const options = JSON.stringify(stack.resolve({
      accessMode: mode?.name ?? 'STANDARD',
      organizationId: mode?._options.organizationId,
      additionalPrincipals: (mode?._options.additionalPrincipals ?? []).map(r => r.roleArn),
      rotationRole: mode?._options.rotationRole?.roleArn,
      breakGlassRoles: (this.props.breakGlassRoles ?? []).map(r => r.roleArn),
      deploymentRoles: deploymentRoleArns(stack, this.props.deploymentRoles),
    }));
    const mark = secret.node.tryFindChild(ENFORCED_MARK);
    if (mark instanceof EnforcementMark) {
      if (mark.options !== options) {
        Annotations.of(secret).addError(`[SecretGuardrails] ${secret.node.path}: enforced by two SecretGuardrails aspects with ` +
          `different options (${mark.options} and ${options}); their policies would leave only what both allow. Apply one ` +
          'SecretGuardrails ENFORCE per scope.');
      }
      return false;
    }
    new EnforcementMark(secret, options);
    return true;
  }

  /** Applies the defaults; returns what it could not make safe (principals a restrictive policy would lock out). */
  private enforce(secret: secretsmanager.CfnSecret): string[] {
    const stack = Stack.of(secret);
    const l2 = secret.node.scope instanceof secretsmanager.Secret ? secret.node.scope : undefined;

    const mode = this.props.accessMode;
    // The key-change deny needs the key's ARN: known only when the aspect supplies the key.
    // Restrictive secrets get a key of their own: its deny would lock standard readers out.
    let key: SecretKey | undefined;
    if (secret.kmsKeyId === undefined) {
      key = sharedKey(stack, this.props, mode?.isRestrictive === true);
      secret.kmsKeyId = key.keyArn;
    }
    secret.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const breakGlassArns = (this.props.breakGlassRoles ?? []).map(r => r.roleArn);
    const deploymentArns = deploymentRoleArns(stack, this.props.deploymentRoles);
    const statements = protectiveStatements({ breakGlassArns, deploymentArns, deploymentMayDelete: false, keyArn: key?.keyArn });
    const problems: string[] = [];
    if (mode?.isRestrictive) {
      // Read before the aspect writes its own statements: what uses the secret now.
      const index = this.run.index(secret);
      const otherStacks = secret.node.root.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c !== stack).map(s => this.run.index(s));
      const addsPolicy = l2 !== undefined && l2.node.tryFindChild('Policy') === undefined;
      const users = secretUsers({ secret, index, otherStacks, rotationRole: mode._options.rotationRole, addsPolicy });
      problems.push(...users.lockedOut);
      if (deploymentArns.length === 0) {
        problems.push('accessMode RESTRICTIVE: the stack does not use DefaultStackSynthesizer, so the role CloudFormation deploys ' +
          'it with is unknown and would be locked out. Pass SecretGuardrails deploymentRoles.');
      }
      const allowed = () => [...breakGlassArns, ...deploymentArns, ...users.arns, ...(mode._options.additionalPrincipals ?? []).map(r => r.roleArn)];
      const known = new KnownPrincipals(secret);
      known.add(allowed);
      statements.push(...restrictiveStatements(known.arns, mode._options.organizationId));
      if (key) {
        SharedKeyUsers.of(key).add(allowed);
      }
    }
    const policy = this.protect(secret, l2, statements);
    if (mode?.isRestrictive) {
      // Every user of a restrictive secret is an ARN in its policy: refuse what Secrets Manager would.
      secret.node.addValidation({ validate: () => validatePolicySize(secret, asDocument(policy.resourcePolicy), 'the principals of the restrictive access mode') });
    }
    policy.blockPublicPolicy = true;
    // The denies protect the retained secret only while the policy outlives the stack too.
    policy.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return problems;
  }

  /** Adds `statements` to the secret's resource policy, creating it if there is none; returns it. */
  private protect(
    secret: secretsmanager.CfnSecret,
    l2: secretsmanager.Secret | undefined,
    statements: iam.PolicyStatement[],
  ): secretsmanager.CfnResourcePolicy {
    if (l2) {
      for (const statement of statements) {
        l2.addToResourcePolicy(statement);
      }
      return l2.node.findChild('Policy').node.defaultChild as secretsmanager.CfnResourcePolicy;
    }
    const existing = findPolicy(secret, this.run.index(secret));
    if (existing) {
      existing.resourcePolicy = withStatements(existing.resourcePolicy, statements);
      return existing;
    }
    return new secretsmanager.CfnResourcePolicy(secret.node.scope!, `${secret.node.id}${POLICY_SUFFIX}`, {
      secretId: secret.ref,
      resourcePolicy: new iam.PolicyDocument({ statements }),
    });
  }
}

/** A resource policy as `CfnResourcePolicy` holds it (a `PolicyDocument` or plain JSON), as a document to measure. */
function asDocument(document: unknown): iam.PolicyDocument {
  return document instanceof iam.PolicyDocument ? document : { toJSON: () => document } as unknown as iam.PolicyDocument;
}

/** The id of the mark `ENFORCE` leaves on a secret it enforced. */
const ENFORCED_MARK = 'SecretGuardrailsEnforced';

/** What `ENFORCE` leaves on a secret it enforced: the options it enforced it with, rendered. */
class EnforcementMark extends Construct {
  constructor(secret: secretsmanager.CfnSecret, public readonly options: string) {
    super(secret, ENFORCED_MARK);
  }
}

/** Options for judging a secret: only the error rules run, which ignore these. */
const AUDIT_OPTIONS: CheckOptions = {
  maxRotationIntervalHours: DEFAULTS.checksMaxRotationInterval.toHours(),
  isAdminRole: () => false,
  namePattern: new RegExp(DEFAULTS.secretNamePattern),
  requiredTags: [],
};

function isHardened(secret: CfnResource): boolean {
  return secret.node.scope instanceof HardenedSecret;
}

function sharedKey(stack: Stack, props: SecretGuardrailsProps, restrictive: boolean): SecretKey {
  const id = restrictive ? RESTRICTIVE_KEY_ID : SHARED_KEY_ID;
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof SecretKey) {
    return existing;
  }
  return new SecretKey(stack, id, {
    description: `Customer-managed key SecretGuardrails added for ${restrictive ? 'restrictive ' : ''}secrets that had none`,
    deploymentRoles: props.deploymentRoles,
    // Readers granted before this key existed have no kms:Decrypt of their own.
    accountWideUse: true,
  });
}

/** The resource policy of the stack whose SecretId designates `secret` (a `Ref`, an attachment, its name or ARN). */
function findPolicy(secret: secretsmanager.CfnSecret, index: TemplateIndex): secretsmanager.CfnResourcePolicy | undefined {
  const [policy] = index.attachedToSecret(index.view(secret), 'AWS::SecretsManager::ResourcePolicy');
  return policy?.node instanceof secretsmanager.CfnResourcePolicy ? policy.node : undefined;
}

/**
 * Adds the statements whose Sid the document does not already have. The document is what
 * `CfnResourcePolicy.resourcePolicy` holds: a `PolicyDocument` or plain policy JSON.
 */
function withStatements(document: unknown, statements: iam.PolicyStatement[]): unknown {
  if (document instanceof iam.PolicyDocument) {
    const doc = document.toJSON() as { Statement?: { Sid?: string }[] } | undefined;
    const sids = new Set((doc?.Statement ?? []).map(s => s.Sid));
    document.addStatements(...statements.filter(s => !sids.has(s.sid)));
    return document;
  }
  const doc = (typeof document === 'object' && document !== null ? document : {}) as { Version?: string; Statement?: unknown };
  const current = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const sids = new Set(current.map(s => (s as { Sid?: string }).Sid));
  return {
    ...doc,
    Version: doc.Version ?? '2012-10-17',
    Statement: [...current, ...statements.filter(s => !sids.has(s.sid)).map(s => s.toStatementJson())],
  };
}
