import { App } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AccessModel, AccessResult, Decision, RequestContext, RequestPrincipal } from './engine';
import { TEST_ENV } from '../helpers/stacks';

/** The account and region every access app is synthesised in. */
export const ENV = TEST_ENV;
/** Another account of the same organisation. */
export const OTHER_ACCOUNT = '222222222222';
/** An account nobody granted anything. */
export const STRANGER_ACCOUNT = '333333333333';

/** The context of a row, as data: endpoints are named, not constructs. */
export interface RowContext extends Omit<RequestContext, 'viaEndpoint'> {
  /** The name of an endpoint of the scenario. */
  readonly viaEndpoint?: string;
}

/** One row of an access matrix: principal × action × context → decision. */
export interface AccessRow {
  /** The README claim the row proves. */
  readonly claim: string;
  /** A principal of the scenario. */
  readonly who: string;
  readonly action: string;
  /** A secret of the scenario, or a resource of `resources`. */
  readonly on: string;
  readonly context?: RowContext;
  readonly expect: Decision;
}

/** What a scenario's app gives the matrix to name. */
export interface ScenarioApp {
  readonly app: App;
  /** Principals by name; built once the app is synthesised. */
  readonly principals: Record<string, (model: AccessModel) => RequestPrincipal>;
  /** Secrets by name. */
  readonly secrets: Record<string, IConstruct>;
  /** VPC endpoints by name. */
  readonly endpoints?: Record<string, IConstruct>;
  /** Other resources by name, each with its ARN and resource policy once synthesised. */
  readonly resources?: Record<string, (model: AccessModel) => { arn: string; policy?: import('./engine').PolicyDocument }>;
}

/** One app and the requests whose decisions it must give. */
export interface Scenario {
  readonly name: string;
  readonly build: () => ScenarioApp;
  readonly rows: readonly AccessRow[];
}

/** A row whose evaluated decision differs from the matrix. */
export interface Mismatch {
  readonly row: string;
  readonly expected: Decision;
  readonly actual: Decision;
  readonly decidedBy: string;
}

/** Evaluates every row of a scenario; returns the rows that differ (none, when the policies mean what the docs say). */
export async function mismatches(scenario: Scenario): Promise<{ evaluated: number; mismatches: Mismatch[] }> {
  const built = scenario.build();
  const model = AccessModel.of(built.app);
  const principals = new Map<string, RequestPrincipal>();
  const principal = (name: string): RequestPrincipal => {
    if (!principals.has(name)) {
      const make = built.principals[name];
      if (!make) {
        throw new Error(`${scenario.name}: no principal '${name}'`);
      }
      principals.set(name, make(model));
    }
    return principals.get(name)!;
  };
  const out: Mismatch[] = [];
  for (const row of scenario.rows) {
    const context: RequestContext = {
      ...row.context,
      viaEndpoint: row.context?.viaEndpoint !== undefined ? built.endpoints?.[row.context.viaEndpoint] : undefined,
    };
    if (row.context?.viaEndpoint !== undefined && !context.viaEndpoint) {
      throw new Error(`${scenario.name}: no endpoint '${row.context.viaEndpoint}'`);
    }
    let result: AccessResult;
    const secret = built.secrets[row.on];
    if (secret) {
      result = await model.secretRequest(principal(row.who), row.action, secret, context);
    } else {
      const resource = built.resources?.[row.on];
      if (!resource) {
        throw new Error(`${scenario.name}: nothing named '${row.on}'`);
      }
      const { arn, policy } = resource(model);
      result = await model.request(principal(row.who), row.action, arn, policy, context);
    }
    if (result.decision !== row.expect) {
      out.push({ row: describeRow(row), expected: row.expect, actual: result.decision, decidedBy: result.decidedBy });
    }
  }
  return { evaluated: scenario.rows.length, mismatches: out };
}

/** A row in one line, for messages and the README. */
export function describeRow(row: AccessRow): string {
  const ctx = row.context ? Object.entries(row.context).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : '';
  return `${row.who} ${row.action} on ${row.on}${ctx ? ` (${ctx})` : ''}`;
}

/** Rows for one principal and many actions with the same decision. */
export function rows(claim: string, who: string, on: string, actions: string[], expect: Decision, context?: RowContext): AccessRow[] {
  return actions.map((action) => ({ claim, who, action, on, expect, ...(context ? { context } : {}) }));
}
