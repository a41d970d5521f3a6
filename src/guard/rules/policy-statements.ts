import { GuardClause, clause, guardRegex, indent } from '../definition';

/**
 * Guard filters on IAM policy statements, the way the pack reads them (src/analysis/policy.ts),
 * for documents written as JSON objects. A document written as a JSON string is not read (Guard
 * 2 cannot parse one): the rules that read policies list that gap.
 */

/**
 * The statement (at `at`, e.g. `Properties.ResourcePolicy.Statement.`, or the one in scope)
 * applies to everyone: `"*"`, `{ AWS: "*" }` (any principal kind), or `NotPrincipal`.
 */
export function publicPrincipal(at: string = ''): string {
  return `${at}Principal == '*' or some ${at}Principal.*[*] == '*' or ${at}NotPrincipal exists`;
}

/** {@link publicPrincipal} of the statement in scope. */
export const PUBLIC_PRINCIPAL = publicPrincipal();

/** Condition keys that limit who a statement applies to (the pack's `isConditioned`). */
const WHO_KEYS = '^(?i)(aws:(principalarn|principalaccount|principalorgid|principalorgpaths|principalservicename|userid|sourceaccount|sourcearn|sourceowner|sourcevpc|sourcevpce|sourceip|sourceorgid|sourceorgpaths)|kms:calleraccount)$';

/** The statement has no condition on who (or from where) it applies to. */
export const NOT_CONDITIONED_ON_WHO = `Condition not exists or Condition.*[ keys == ${guardRegex(WHO_KEYS)} ] empty`;

/** An Allow (the pack reads any Effect but `Deny` as Allow). */
export const ALLOW = 'Effect != \'Deny\'';

/**
 * A regular expression matching the action patterns (`*`, `service:*`, `service:Prefix*`, the
 * action itself, case-insensitively) that grant `action`. Patterns with a wildcard elsewhere
 * than at the end, or `?`, are not matched.
 */
export function grantingPatterns(action: string): string {
  const chars = [...action.toLowerCase()].map(c => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let nested = '';
  for (let i = chars.length - 1; i >= 0; i--) {
    nested = i === 0 ? `${chars[i]}${nested}` : `(${chars[i]}${nested})?`;
  }
  return `^(?i)(\\*|${nested}\\*|${chars.join('')})$`;
}

/** The statement's (at `at`, or the one in scope) `Action` grants `action` (a value or a list of values). */
export function grantsAction(action: string, at: string = ''): string {
  return `some ${at}Action[*] == ${guardRegex(grantingPatterns(action))}`;
}

/**
 * A clause: no statement of the policy at `statements` (a list, or a single statement object)
 * meets every one of `conditions` (each a Guard clause on the statement; `or` within one). Each
 * statement is visited with `[*]`, which Guard also applies to a single object (a filter
 * `Statement[ ... ]` would read a single object's fields as its entries), and an Allow that meets
 * them fails on its own path.
 */
export function noAllowStatement(rule: string, statements: string, conditions: string[], message: string): GuardClause {
  const inner = clause(rule, { when: [ALLOW, ...conditions].join('\n  '), check: 'Effect == \'Deny\'', message });
  return { when: `${statements} exists`, check: `${statements}[*] {\n${indent(inner, 1)}\n}` };
}
