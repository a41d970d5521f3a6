import { runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { resolveTemplates, ResolvedResource, ResolvedStack, UNRESOLVED } from './resolve';

/** The three outcomes of an AWS authorization decision, as the IAM engine names them. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** A policy document with resolved ARNs. */
export type PolicyDocument = { Version?: string; Statement: Array<Record<string, unknown>> };

/** Who makes a request. */
export interface RequestPrincipal {
  /** The ARN the request is signed as (an assumed-role session for roles). */
  readonly arn: string;
  /** `aws:PrincipalArn`: the role ARN for a role session, else the ARN. */
  readonly principalArn: string;
  /** The principal's account. */
  readonly account: string;
  /** Its identity policies (inline, customer-managed, attached AWS-managed). */
  readonly identityPolicies: PolicyDocument[];
  /** A label for messages. */
  readonly label: string;
}

/** The context of one request; every global key the policies read is set from this, never left to a default. */
export interface RequestContext {
  /** `aws:SecureTransport` @default true */
  readonly secureTransport?: boolean;
  /** The VPC endpoint the request comes through (`aws:SourceVpce`, and its policy applies). @default none */
  readonly viaEndpoint?: IConstruct;
  /** The request is made by an AWS service for the caller (`aws:ViaAWSService`), e.g. CloudFormation resolving a dynamic reference. @default false */
  readonly viaAwsService?: boolean;
  /** `secretsmanager:VersionStage` named in the request. @default none */
  readonly versionStage?: string;
  /** `secretsmanager:VersionId` named in the request. @default none */
  readonly versionId?: string;
  /** The region of the replica the request goes to. @default the primary's region */
  readonly region?: string;
  /** `aws:PrincipalOrgID`. @default none (no organization) */
  readonly principalOrgId?: string;
  /** Other service-specific request keys (e.g. `secretsmanager:KmsKeyArn`). @default none */
  readonly extra?: Record<string, string | string[]>;
}

/** One evaluated request and the layer that decided it. */
export interface AccessResult {
  readonly decision: Decision;
  /** `secretsmanager`, `kms` (the call Secrets Manager makes for the caller) or the service of the action. */
  readonly decidedBy: string;
}

/** The IAM policy AWS attaches for `AdministratorAccess` (the document AWS publishes). */
export const ADMINISTRATOR_ACCESS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** The AWS managed policies the apps attach, as AWS publishes them. */
const AWS_MANAGED: Record<string, PolicyDocument> = {
  AdministratorAccess: ADMINISTRATOR_ACCESS,
  AWSLambdaBasicExecutionRole: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};

/** Actions on a secret's value for which Secrets Manager calls KMS with the caller's identity. */
const KMS_CALL_FOR: Record<string, string> = {
  'secretsmanager:GetSecretValue': 'kms:Decrypt',
  'secretsmanager:PutSecretValue': 'kms:GenerateDataKey',
};

/**
 * A synthesised app, with every intrinsic resolved to concrete ARNs, that answers "would AWS
 * allow this request?" with a real IAM policy engine, through every layer AWS evaluates:
 * the principal's identity policies, the resource's policy, the endpoint policy for requests
 * through a VPC endpoint, and, for reads and writes of a secret's value, the KMS call Secrets
 * Manager makes on the caller's behalf (identity policy and key policy, with `kms:ViaService`,
 * `kms:CallerAccount` and `aws:ViaAWSService` set).
 */
export class AccessModel {
  /** Synthesises `app` (without validation plugins) and resolves its templates. */
  public static of(app: App | Stage): AccessModel {
    const assembly = app.synth({ force: true, validateOnSynthesis: false });
    const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    return new AccessModel(stacks, resolveTemplates(assembly.stacks.map((s) => ({
      name: s.stackName,
      account: s.environment.account,
      region: s.environment.region,
      template: s.template,
    }))));
  }

  private constructor(private readonly cdkStacks: Stack[], private readonly stacks: ResolvedStack[]) {}

  /** The resolved resource a construct (or its default child) synthesised to. */
  public resource(construct: IConstruct): ResolvedResource {
    const cfn = (CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild) as CfnResource | undefined;
    if (!cfn || !CfnResource.isCfnResource(cfn)) {
      throw new Error(`${construct.node.path} has no CloudFormation resource`);
    }
    const stack = Stack.of(cfn);
    const logicalId = stack.resolve(cfn.logicalId) as string;
    const resolved = this.stacks.find((s) => s.name === stack.stackName)?.resources[logicalId];
    if (!resolved) {
      throw new Error(`${construct.node.path} (${logicalId}) is not in the synthesised stack ${stack.stackName}`);
    }
    return resolved;
  }

  /** A session of a role of the app, with every identity policy the app attaches to it. */
  public role(role: iam.IRole, label = role.node.id): RequestPrincipal {
    const resource = this.resource(role);
    const roleArn = resource.arn;
    return {
      arn: sessionArn(roleArn),
      principalArn: roleArn,
      account: accountOf(roleArn),
      identityPolicies: this.identityPoliciesOf(resource),
      label,
    };
  }

  /** A principal outside the app: a role by ARN with the policies given. */
  public external(roleArn: string, identityPolicies: PolicyDocument[], label: string): RequestPrincipal {
    const isRoot = roleArn.endsWith(':root');
    return {
      arn: isRoot ? roleArn : sessionArn(roleArn),
      principalArn: roleArn,
      account: accountOf(roleArn),
      // The root user is allowed everything by identity; only resource and key policies bind it.
      identityPolicies: isRoot ? [ADMINISTRATOR_ACCESS] : identityPolicies,
      label,
    };
  }

  /**
   * Evaluates a request on a secret: the Secrets Manager call, then the KMS call Secrets Manager
   * makes with the caller's identity for reads and writes of the value.
   */
  public async secretRequest(principal: RequestPrincipal, action: string, secret: IConstruct, context: RequestContext = {}): Promise<AccessResult> {
    const secretResource = this.resource(secret);
    const region = context.region ?? secretResource.region;
    if (region !== secretResource.region && !replicasOf(secretResource).some((r) => r.Region === region)) {
      // A request to a region the secret is not replicated to reaches no secret: refuse the row.
      throw new Error(`${secretResource.logicalId} has no replica in ${region}`);
    }
    const secretArn = region === secretResource.region ? secretResource.arn : secretResource.arn.replace(`:${secretResource.region}:`, `:${region}:`);
    const policy = this.secretPolicy(secretResource);
    const endpointPolicies = context.viaEndpoint ? [this.endpointPolicy(context.viaEndpoint)] : [];
    const first = await this.evaluate(principal, action, secretArn, policy, endpointPolicies, {
      ...this.globalContext(principal, context),
      ...(context.versionStage !== undefined ? { 'secretsmanager:VersionStage': context.versionStage } : {}),
      ...(context.versionId !== undefined ? { 'secretsmanager:VersionId': context.versionId } : {}),
      ...(context.extra ?? {}),
    });
    const kmsAction = KMS_CALL_FOR[action];
    if (first !== 'Allowed' || kmsAction === undefined) {
      return { decision: first, decidedBy: 'secretsmanager' };
    }
    const key = this.keyOf(secretResource, region);
    // Secrets Manager calls KMS for the caller (a forward access session), not through the
    // caller's VPC endpoint: aws:SourceVpce is absent and aws:ViaAWSService is true.
    const second = await this.evaluate(principal, kmsAction, key.arn, key.properties.KeyPolicy as PolicyDocument, [], {
      ...this.globalContext(principal, { ...context, viaAwsService: true, viaEndpoint: undefined }),
      ...this.kmsContext(principal, key),
      'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
    });
    return { decision: second, decidedBy: second === 'Allowed' ? 'secretsmanager' : 'kms' };
  }

  /** Evaluates a direct request on any resource of the app whose policy is given (a key, a topic, an endpoint). */
  public async request(
    principal: RequestPrincipal,
    action: string,
    resourceArn: string,
    resourcePolicy: PolicyDocument | undefined,
    context: RequestContext = {},
  ): Promise<AccessResult> {
    const endpointPolicies = context.viaEndpoint ? [this.endpointPolicy(context.viaEndpoint)] : [];
    const key = action.startsWith('kms:') ? this.resourcesOfType('AWS::KMS::Key').find((k) => k.arn === resourceArn) : undefined;
    const decision = await this.evaluate(principal, action, resourceArn, resourcePolicy, endpointPolicies, {
      ...this.globalContext(principal, context),
      ...(key ? this.kmsContext(principal, key) : {}),
      ...(context.extra ?? {}),
    });
    return { decision, decidedBy: action.split(':')[0] };
  }

  /** An AWS service principal calling with its own identity (no identity policies). */
  public service(servicePrincipal: string): RequestPrincipal {
    return { arn: servicePrincipal, principalArn: servicePrincipal, account: '', identityPolicies: [], label: servicePrincipal };
  }

  /** Every resource of a type in every stack. */
  public resourcesOfType(type: string): ResolvedResource[] {
    return this.stacks.flatMap((s) => Object.values(s.resources).filter((r) => r.type === type));
  }

  /** The CDK stacks of the app. */
  public get appStacks(): Stack[] {
    return this.cdkStacks;
  }

  /**
   * The keys KMS sets on every request on a key: `kms:CallerAccount` (for a principal whose
   * account is known; a service principal's is not) and `kms:ResourceAliases`, the aliases of
   * the key (absent when it has none).
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
   */
  private kmsContext(principal: RequestPrincipal, key: ResolvedResource): Record<string, string | string[]> {
    const aliases = key.aliases.filter((a) => a.startsWith('alias/'));
    return {
      ...(principal.account !== '' ? { 'kms:CallerAccount': principal.account } : {}),
      ...(aliases.length > 0 ? { 'kms:ResourceAliases': aliases } : {}),
    };
  }

  private globalContext(principal: RequestPrincipal, context: RequestContext): Record<string, string | string[]> {
    const isService = principal.account === '';
    const out: Record<string, string | string[]> = {
      'aws:SecureTransport': String(context.secureTransport ?? true),
      'aws:ViaAWSService': String(context.viaAwsService ?? false),
      'aws:PrincipalIsAWSService': String(isService),
    };
    if (!isService) {
      out['aws:PrincipalArn'] = principal.principalArn;
      out['aws:PrincipalAccount'] = principal.account;
      out['aws:PrincipalType'] = principal.principalArn.endsWith(':root') ? 'Account' : 'AssumedRole';
    }
    if (context.principalOrgId !== undefined) {
      out['aws:PrincipalOrgID'] = context.principalOrgId;
    }
    if (context.viaEndpoint) {
      out['aws:SourceVpce'] = this.resource(context.viaEndpoint).ref;
    }
    return out;
  }

  private async evaluate(
    principal: RequestPrincipal,
    action: string,
    resourceArn: string,
    resourcePolicy: PolicyDocument | undefined,
    vpcEndpointPolicies: PolicyDocument[],
    contextVariables: Record<string, string | string[]>,
  ): Promise<Decision> {
    const simulation: Simulation = {
      request: {
        principal: principal.arn,
        action,
        resource: { resource: resourceArn, accountId: this.accountOfResource(resourceArn, principal) },
        contextVariables,
      },
      identityPolicies: principal.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
      vpcEndpointPolicies: vpcEndpointPolicies.map((policy, i) => ({ name: `endpoint-${i}`, policy })),
    };
    const text = JSON.stringify(simulation);
    if (text.includes(UNRESOLVED)) {
      throw new Error(`A policy for ${principal.label} ${action} holds an intrinsic the access model cannot resolve: ${text}`);
    }
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') {
      throw new Error(`The IAM engine refused the request ${principal.label} ${action} ${resourceArn}: ${JSON.stringify(result.errors)}`);
    }
    // The engine drops keys it does not know for the action (e.g. kms:EncryptionContext:<key>):
    // a condition on a dropped key would be decided on a request AWS never sees.
    const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    if (ignored && ignored.length > 0) {
      throw new Error(`The IAM engine ignored the context keys ${[...new Set(ignored)].join(', ')} of ${principal.label} ${action} ${resourceArn}`);
    }
    return result.overallResult as Decision;
  }

  /**
   * The account that owns a resource: the one in its ARN; the caller's for an action that names
   * no resource (`*`, e.g. GetRandomPassword); for an S3 bucket or object (whose ARNs name no
   * account), the account of the app's bucket of that name.
   */
  private accountOfResource(arn: string, principal: RequestPrincipal): string {
    if (arn === '*') {
      return principal.account;
    }
    const s3 = /^arn:[^:]+:s3:::([^/]+)/.exec(arn);
    if (!s3) {
      return accountOf(arn);
    }
    const bucket = this.resourcesOfType('AWS::S3::Bucket').find((b) => b.ref === s3[1]);
    if (!bucket) {
      throw new Error(`The bucket ${s3[1]} is not in the app: the model does not know its account`);
    }
    return bucket.account;
  }

  private secretPolicy(secret: ResolvedResource): PolicyDocument | undefined {
    const policies = this.resourcesOfType('AWS::SecretsManager::ResourcePolicy').filter((p) => p.properties.SecretId === secret.ref);
    if (policies.length > 1) {
      throw new Error(`${secret.logicalId} has ${policies.length} resource policies; Secrets Manager keeps one`);
    }
    return policies[0]?.properties.ResourcePolicy as PolicyDocument | undefined;
  }

  private endpointPolicy(endpoint: IConstruct): PolicyDocument {
    const resource = this.resource(endpoint);
    const policy = resource.properties.PolicyDocument as PolicyDocument | undefined;
    if (!policy) {
      // An endpoint without a policy allows everything (the AWS default policy).
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };
    }
    // aws-cdk-lib renders AnyPrincipal as {"AWS": "*"}, which IAM treats as "*"; the engine accepts
    // only "*" in an endpoint policy. Any other principal is passed as it is (and refused there).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
    const anyone = (p: unknown): boolean => p === '*' || JSON.stringify(p) === JSON.stringify({ AWS: '*' });
    return { ...policy, Statement: policy.Statement.map((st) => (anyone(st.Principal) ? { ...st, Principal: '*' } : st)) };
  }

  /**
   * The key of the secret (or of its replica in `region`). A key ARN names its key; an alias
   * name or key id is looked up in the account and region of the secret or replica, as Secrets
   * Manager does: replica keys of several regions may carry the same alias name.
   */
  private keyOf(secret: ResolvedResource, region: string): ResolvedResource {
    const keyRef: unknown = region === secret.region
      ? secret.properties.KmsKeyId
      : replicasOf(secret).find((r) => r.Region === region)?.KmsKeyId;
    if (typeof keyRef !== 'string') {
      // No KmsKeyId: the AWS managed key aws/secretsmanager, whose policy the model does not hold.
      throw new Error(`${secret.logicalId} in ${region} names no key of the app (${JSON.stringify(keyRef)})`);
    }
    const keys = this.resourcesOfType('AWS::KMS::Key').filter((k) => (keyRef.startsWith('arn:')
      ? k.arn === keyRef || k.aliases.includes(keyRef)
      : k.account === secret.account && k.region === region && (k.ref === keyRef || k.aliases.includes(keyRef))));
    if (keys.length !== 1) {
      throw new Error(`The key ${keyRef} of ${secret.logicalId} in ${region} matches ${keys.length} keys of the app, not one`);
    }
    return keys[0];
  }

  private identityPoliciesOf(role: ResolvedResource): PolicyDocument[] {
    const name = role.ref;
    const docs: PolicyDocument[] = [];
    for (const inline of (role.properties.Policies ?? []) as Array<{ PolicyDocument: PolicyDocument }>) {
      docs.push(inline.PolicyDocument);
    }
    for (const arn of (role.properties.ManagedPolicyArns ?? []) as string[]) {
      docs.push(this.managedPolicy(arn));
    }
    for (const policy of [...this.resourcesOfType('AWS::IAM::Policy'), ...this.resourcesOfType('AWS::IAM::ManagedPolicy')]) {
      if (((policy.properties.Roles ?? []) as string[]).includes(name)) {
        docs.push(policy.properties.PolicyDocument as PolicyDocument);
      }
    }
    return docs;
  }

  private managedPolicy(arn: string): PolicyDocument {
    const own = this.resourcesOfType('AWS::IAM::ManagedPolicy').find((p) => p.arn === arn);
    if (own) {
      return own.properties.PolicyDocument as PolicyDocument;
    }
    const awsManaged = /^arn:aws:iam::aws:policy\/(?:service-role\/)?(.+)$/.exec(arn)?.[1];
    const doc = awsManaged !== undefined ? AWS_MANAGED[awsManaged] : undefined;
    if (!doc) {
      // Never guess: a policy the model cannot read would make every decision about the role wrong.
      throw new Error(`The access model does not know the managed policy ${arn}; add its document to AWS_MANAGED`);
    }
    return doc;
  }
}

/** The `ReplicaRegions` of a resolved secret. */
function replicasOf(secret: ResolvedResource): Array<{ Region: string; KmsKeyId?: unknown }> {
  return (secret.properties.ReplicaRegions ?? []) as Array<{ Region: string; KmsKeyId?: unknown }>;
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

function sessionArn(roleArn: string): string {
  const m = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/session` : roleArn;
}
