import { CfnElement, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * One resource as CloudFormation sees it: type, resolved properties and policies.
 *
 * Properties are resolved with `Stack.resolve`, so tokens become the intrinsics the
 * template will hold (`{ Ref }`, `{ Fn::GetAtt }`, ...) whoever wrote the resource: our
 * constructs, aws-cdk-lib L2s, raw L1s or `CfnInclude`.
 */
export interface ResourceView {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
  /** The resource's `Metadata` (cfn-init files and commands live here). */
  readonly metadata: Record<string, any>;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  readonly node: CfnResource;
}

/** What the index reads of a template synth wrote: its resources and parameters. */
export interface SynthesisedTemplate {
  readonly Resources?: Record<string, any>;
  readonly Parameters?: Record<string, any>;
}

/** A template parameter: its default is what a `Ref` to it holds unless the deployer overrides it. */
export interface ParameterView {
  readonly logicalId: string;
  readonly default?: unknown;
  readonly noEcho: boolean;
}

/**
 * Everything the rules need to know about one stack, as it stands in one analysis run.
 *
 * Rules look things up here (which rotation schedule and resource policy belong to a secret,
 * which key a secret uses, which policies a role has) instead of scanning the stack for each
 * resource, which keeps a validation run linear in the number of resources.
 *
 * Get one from `AnalysisRun.index`, which builds one per stack per run; what is derived from
 * an index (`derive`, `fact`) lives on it and goes with it when the run ends.
 */
export class TemplateIndex {
  public readonly stack: Stack;
  private readonly byId = new Map<string, ResourceView>();
  private readonly byNode = new Map<CfnResource, ResourceView>();
  private readonly byType = new Map<string, ResourceView[]>();
  private readonly parameters = new Map<string, ParameterView>();
  private readonly attachments = new Map<string, ResourceView[]>();
  private readonly managedHolders = new Map<string, string[]>();
  private readonly secretAttachments = new Map<string, Map<string, ResourceView[]>>();
  private readonly derived = new Map<string, Map<ResourceView, unknown>>();
  private readonly facts = new Map<string, unknown>();

  private readonly template?: SynthesisedTemplate;

  /**
   * Indexes `stack` as its construct tree stands now.
   *
   * @param template the template synth wrote for the stack, if any: its resources are read from
   * it instead of being resolved one by one
   */
  constructor(stack: Stack, template?: SynthesisedTemplate) {
    this.stack = stack;
    this.template = template;
    this.collect(stack);
    for (const policy of [...this.ofType('AWS::IAM::Policy'), ...this.ofType('AWS::IAM::ManagedPolicy')]) {
      for (const key of ['Roles', 'Users', 'Groups']) {
        for (const target of asArray(policy.properties[key])) {
          const id = this.targetId(target) ?? (typeof target === 'string' ? this.idByName(target) : undefined);
          if (id) {
            push(this.attachments, id, policy);
          }
        }
      }
    }
    for (const principal of [...this.ofType('AWS::IAM::Role'), ...this.ofType('AWS::IAM::User'), ...this.ofType('AWS::IAM::Group')]) {
      for (const arn of asArray(principal.properties.ManagedPolicyArns)) {
        const managed = this.target(arn);
        if (managed?.type === 'AWS::IAM::ManagedPolicy') {
          push(this.attachments, principal.logicalId, managed);
          push(this.managedHolders, managed.logicalId, principal.logicalId);
        }
      }
    }
    for (const inline of [...this.ofType('AWS::IAM::RolePolicy'), ...this.ofType('AWS::IAM::UserPolicy'), ...this.ofType('AWS::IAM::GroupPolicy')]) {
      const target = inline.properties.RoleName ?? inline.properties.UserName ?? inline.properties.GroupName;
      const id = this.targetId(target) ?? (typeof target === 'string' ? this.idByName(target) : undefined);
      if (id) {
        push(this.attachments, id, inline);
      }
    }
  }

  /** Whether `node` was a resource of the stack when it was indexed. */
  public has(node: CfnResource): boolean {
    return this.byNode.has(node);
  }

  /** The view of a resource of this stack. */
  public view(node: CfnResource): ResourceView {
    const view = this.byNode.get(node);
    if (!view) {
      throw new Error(`${node.node.path} is not a resource of ${this.stack.node.path}`);
    }
    return view;
  }

  /**
   * What `compute` derives from a resource, computed once for this index (one validation run)
   * and shared by the rules that read it, e.g. the problems of a policy that two rules report.
   *
   * @param kind names what is derived; one kind, one type of value
   */
  public derive<T>(kind: string, view: ResourceView, compute: () => T): T {
    let byView = this.derived.get(kind);
    if (!byView) {
      byView = new Map();
      this.derived.set(kind, byView);
    }
    if (!byView.has(view)) {
      byView.set(view, compute());
    }
    return byView.get(view) as T;
  }

  /**
   * A fact about the whole stack that `compute` derives, computed once for this index and
   * shared by the rules that read it, e.g. which keys encrypt a secret.
   *
   * @param kind names the fact; one kind, one type of value
   */
  public fact<T>(kind: string, compute: () => T): T {
    if (!this.facts.has(kind)) {
      this.facts.set(kind, compute());
    }
    return this.facts.get(kind) as T;
  }

  /** Every resource of the given CloudFormation type. */
  public ofType(type: string): ResourceView[] {
    return this.byType.get(type) ?? [];
  }

  /** The resource with this logical id, if the stack has one. */
  public resource(logicalId: string): ResourceView | undefined {
    return this.byId.get(logicalId);
  }

  /** The parameter with this logical id, if the stack has one. */
  public parameter(logicalId: string): ParameterView | undefined {
    return this.parameters.get(logicalId);
  }

  /**
   * The logical id of the resource of this stack that `value` points at through `Ref` or
   * `Fn::GetAtt`, or `undefined` for anything else (a literal, an import, a parameter).
   */
  public targetId(value: unknown): string | undefined {
    const id = refOrGetAttId(value);
    return id !== undefined && this.byId.has(id) ? id : undefined;
  }

  /** The resource `value` points at, when it is a `Ref` or `Fn::GetAtt` to one of this stack. */
  public target(value: unknown): ResourceView | undefined {
    const id = this.targetId(value);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** IAM policies (`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, ...) attached to a role, user or group. */
  public policiesOf(principalLogicalId: string): ResourceView[] {
    return this.attachments.get(principalLogicalId) ?? [];
  }

  /** Roles, users and groups whose `ManagedPolicyArns` attach this managed policy of the stack. */
  public managedPolicyHolders(managedPolicyLogicalId: string): string[] {
    return this.managedHolders.get(managedPolicyLogicalId) ?? [];
  }

  /**
   * The secret a `SecretId` property designates: a `Ref` to a secret of this stack, a `Ref` to a
   * `SecretTargetAttachment` of one (its `Ref` is the secret's ARN: what aws-cdk-lib's RDS
   * constructs hand out as `cluster.secret`), or a literal name or ARN matching one.
   */
  public secretFor(secretId: unknown): ResourceView | undefined {
    let target = this.target(secretId);
    // An attachment's SecretId names the secret (a template that chains attachments is cut short).
    for (let hops = 0; target?.type === 'AWS::SecretsManager::SecretTargetAttachment' && hops < 4; hops++) {
      target = this.target(target.properties.SecretId);
    }
    if (target?.type === 'AWS::SecretsManager::Secret') {
      return target;
    }
    if (typeof secretId === 'string') {
      return this.ofType('AWS::SecretsManager::Secret').find(s => {
        const name = s.properties.Name;
        // An ARN ends in the name plus, once created, '-' and six random characters.
        return typeof name === 'string' && (secretId === name || new RegExp(`:secret:${escapeRegExp(name)}(-[A-Za-z0-9]{6})?$`).test(secretId));
      });
    }
    return undefined;
  }

  /** Resources of `type` whose `SecretId` designates `secret`. */
  public attachedToSecret(secret: ResourceView, type: string): ResourceView[] {
    let bySecret = this.secretAttachments.get(type);
    if (!bySecret) {
      bySecret = new Map();
      for (const r of this.ofType(type)) {
        const s = this.secretFor(r.properties.SecretId);
        if (s) {
          push(bySecret, s.logicalId, r);
        }
      }
      this.secretAttachments.set(type, bySecret);
    }
    return bySecret.get(secret.logicalId) ?? [];
  }

  private idByName(name: string): string | undefined {
    for (const type of ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']) {
      const key = type === 'AWS::IAM::Role' ? 'RoleName' : type === 'AWS::IAM::User' ? 'UserName' : 'GroupName';
      const hit = this.ofType(type).find(r => r.properties[key] === name);
      if (hit) {
        return hit.logicalId;
      }
    }
    return undefined;
  }

  private collect(scope: IConstruct): void {
    for (const child of scope.node.children) {
      if (Stack.isStack(child)) {
        continue; // nested stacks have their own index
      }
      if (CfnResource.isCfnResource(child)) {
        this.add(child);
      } else if (CfnElement.isCfnElement(child) && child instanceof CfnParameter) {
        const id = this.stack.resolve(child.logicalId) as string;
        const synthesised = this.template?.Parameters?.[id];
        this.parameters.set(id, {
          logicalId: id,
          default: synthesised ? synthesised.Default : this.stack.resolve(child.default),
          noEcho: synthesised ? synthesised.NoEcho === true || synthesised.NoEcho === 'true' : child.noEcho === true,
        });
      }
      this.collect(child);
    }
  }

  private add(node: CfnResource): void {
    const logicalId = this.stack.resolve(node.logicalId) as string;
    let body = this.template?.Resources?.[logicalId];
    if (body === undefined || body.Type !== node.cfnResourceType) {
      // `_toCloudFormation` is how aws-cdk-lib renders a resource into the template; resolving it
      // gives exactly what CloudFormation receives, including DeletionPolicy and UpdateReplacePolicy.
      const renderable = node as unknown as { _toCloudFormation(): object };
      const rendered = this.stack.resolve(renderable._toCloudFormation()) as { Resources?: Record<string, any> };
      body = rendered.Resources?.[logicalId] ?? {};
    }
    const view: ResourceView = {
      logicalId,
      type: node.cfnResourceType,
      properties: body.Properties ?? {},
      metadata: body.Metadata ?? {},
      deletionPolicy: body.DeletionPolicy,
      updateReplacePolicy: body.UpdateReplacePolicy,
      node,
    };
    this.byId.set(logicalId, view);
    this.byNode.set(node, view);
    push(this.byType, view.type, view);
  }
}

/**
 * Facts about the whole app (every stack), for rules whose answer does not live in one stack:
 * is Secrets Manager access monitored anywhere? Get one from `AnalysisRun.appIndex`.
 */
export class AppIndex {
  /** Paths of the metric filters and event rules that watch Secrets Manager API calls. */
  public readonly monitors: string[] = [];

  /**
   * @param root the root of the construct tree
   * @param indexOf the index of the stack that holds a resource, in the same run
   */
  constructor(root: IConstruct, indexOf: (node: CfnResource) => TemplateIndex) {
    for (const c of root.node.findAll()) {
      if (!CfnResource.isCfnResource(c)) {
        continue;
      }
      if (c.cfnResourceType !== 'AWS::Logs::MetricFilter' && c.cfnResourceType !== 'AWS::Events::Rule') {
        continue;
      }
      const view = indexOf(c).view(c);
      const watched = JSON.stringify(view.properties.FilterPattern ?? view.properties.EventPattern ?? '');
      if (/secretsmanager/i.test(watched)) {
        this.monitors.push(c.node.path);
      }
    }
  }
}

/** The logical id named by `{ Ref: X }` or `{ Fn::GetAtt: [X, attr] }`. */
export function refOrGetAttId(value: unknown): string | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return undefined;
  }
  if (typeof value.Ref === 'string') {
    return value.Ref;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string') {
    return getAtt.split('.')[0];
  }
  return undefined;
}

/** `value` as an array: undefined → [], a single value → [value]. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
