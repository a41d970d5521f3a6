/**
 * The example app with the SecretsManagerChecks pack and the compliance report attached, as the
 * README section "Compliance evidence" shows. `cdk synth` writes secrets-compliance.json and
 * secrets-compliance.md into cdk.out next to the templates.
 */
import { App, Validations } from 'aws-cdk-lib';
import { buildExampleApp } from './app';
import { SecretsComplianceReport, SecretsManagerChecks, SecretsManagerChecksProps } from '../src';

/** Who watches Secrets Manager calls in the example's account: not the app itself. */
export const EXTERNAL_MONITOR =
  'the organisation trail of the security account, with metric filters and alarms on Secrets Manager calls (SEC-7)';

/** The example app, checked by the pack and documented by the report. */
export function buildAuditedApp(app: App = new App()): App {
  buildExampleApp(app);

  // README: Compliance evidence
  const checks: SecretsManagerChecksProps = { externalMonitor: EXTERNAL_MONITOR };
  Validations.of(app).addPlugins(new SecretsManagerChecks(app, checks));
  SecretsComplianceReport.of(app, { checks });
  // end README

  return app;
}
