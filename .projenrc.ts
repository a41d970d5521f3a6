import { awscdk, javascript } from "projen";
const project = new awscdk.AwsCdkConstructLibrary({
  author: "cdk-hardened-secrets maintainers",
  authorAddress: "maintainers@cdk-hardened-secrets.dev",
  cdkVersion: "2.276.0",
  jsiiVersion: "~6.0.0",
  name: "cdk-hardened-secrets",
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  repositoryUrl: "https://github.com/cdk-hardened-secrets/cdk-hardened-secrets.git",

  // defaultReleaseBranch: "main",  /* The name of the main release branch. */
  // deps: [],                      /* Runtime dependencies of this module. */
  // description: undefined,        /* The description is just a string that helps people understand the purpose of the package. */
  // devDeps: [],                   /* Build dependencies for this module. */
  // packageName: undefined,        /* The "name" in package.json. */
});
project.synth();