import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildAuditedApp, EXTERNAL_MONITOR } from '../examples/compliance-report';

describe('examples/compliance-report.ts', () => {
  let outdir: string;
  let report: any;

  beforeAll(() => {
    // GIVEN the example app with the pack and the report registered; WHEN it is synthesised
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-report-'));
    buildAuditedApp(new App({ outdir })).synth();
    report = JSON.parse(fs.readFileSync(path.join(outdir, 'secrets-compliance.json'), 'utf8'));
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synth passes the pack and writes both report files into the cloud assembly', () => {
    expect(fs.existsSync(path.join(outdir, 'secrets-compliance.md'))).toBe(true);
    expect(report.summary.findings).toEqual({ error: 0, warning: 0, acknowledged: 1 });
  });

  test('the report runs the checks with the options of the pack', () => {
    expect(report.options.externalMonitor).toBe(EXTERNAL_MONITOR);
    expect(report.secrets.every((s: any) => s.coverage.monitoredBy.includes(`external: ${EXTERNAL_MONITOR}`))).toBe(true);
    expect(report.evidence.find((e: any) => e.id === 'cloudtrail-coverage').status).toBe('partial');
    expect(report.controls.filter((c: any) => c.status === 'fail')).toEqual([]);
  });
});
