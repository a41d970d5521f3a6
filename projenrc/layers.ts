/**
 * The layers of `src/`, lowest first. A folder may import its own files and the folders of lower
 * tiers, never a folder of its own tier or of a higher one. eslint enforces it
 * (`import/no-restricted-paths`, one zone per folder) together with `import/no-cycle`;
 * `test/layers.test.ts` proves both rules fire.
 *
 * - `private`: validation errors, defaults, acknowledgement texts.
 * - `analysis`: the template index, value resolution, policy reading, the credential catalogue,
 *   the schedule grammar and the IAM reference data.
 * - `key`, `network`: SecretKey and replica keys; SecretsManagerEndpoint.
 * - `rotation`: SecretRotationPolicy and its binding, schedules, RotationFunction and its runtime.
 * - `secret`: HardenedSecret, grants, resource policy, replication, consumers, imports.
 * - `nag`: the rule catalogue and the SecretsManagerChecks pack.
 * - `guard`: the catalogue as Guard rules, and what enforces them at deploy time and on what
 *   exists (SecretsGuardHook, SecretsConfigRules).
 * - `monitoring`, `guardrails`, `report`: what is built on the secret and the catalogue.
 * - `organization`: SecretsOrganizationRollout, which deploys the guard and monitoring layers to
 *   organisational units.
 * - `cli`: the audit and export-guard-rules commands.
 */
export const LAYERS: string[][] = [
  ['private'],
  ['analysis'],
  ['key', 'network'],
  ['rotation'],
  ['secret'],
  ['nag'],
  ['guard'],
  ['monitoring', 'guardrails', 'report'],
  ['organization'],
  ['cli'],
];

/** One `import/no-restricted-paths` zone: files under `target` may not import from `from`. */
export interface LayerZone {
  readonly target: string;
  readonly from: string[];
  readonly message: string;
}

/** The zones that keep every import of `src/` pointing down a tier. */
export function layerZones(): LayerZone[] {
  const zones: LayerZone[] = [];
  LAYERS.forEach((tier, level) => {
    const above = LAYERS.slice(level + 1).flat();
    for (const folder of tier) {
      const forbidden = [...above, ...tier.filter((other) => other !== folder)];
      if (forbidden.length === 0) {
        continue;
      }
      zones.push({
        target: `./src/${folder}`,
        from: [...forbidden.map((f) => `./src/${f}`), './src/index.ts'],
        message: `src/${folder} is in tier ${level} (${LAYERS.map((t) => t.join(' ')).join(' < ')}): it may import only lower tiers. ` +
          'Move what both need down a tier, or pass it in through an interface.',
      });
    }
  });
  return zones;
}
