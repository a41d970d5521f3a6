import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { decodeBase64Text, isCredentialName } from '../../analysis/credentials';
import { isObject } from '../../analysis/template-index';
import { PLACEHOLDER, flatten, walkStrings } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule, finding } from '../rule';

/** Where each resource type keeps its user data. */
const USER_DATA: Record<string, (p: Record<string, any>) => [unknown, string]> = {
  'AWS::EC2::Instance': p => [p.UserData, 'UserData'],
  'AWS::AutoScaling::LaunchConfiguration': p => [p.UserData, 'UserData'],
  'AWS::EC2::LaunchTemplate': p => [isObject(p.LaunchTemplateData) ? p.LaunchTemplateData.UserData : undefined, 'LaunchTemplateData.UserData'],
};

/** `NAME=value`, `export NAME="value"`, `$NAME = 'value'`, `NAME: value`, `"NAME=value"`. */
const ASSIGNMENT = /(?:^|[\s;&|(>"'])(?:export\s+|set\s+|setx\s+|\$env:|\$)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:\s|\s+=\s+)\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"';&|]+))/gm;
/** `--password value`, `--db-password=value`, `-Password "value"`. */
const FLAG = /(?:^|\s)--?([A-Za-z][A-Za-z0-9-]*)(?:=|\s+)(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"';&|-][^\s"';&|]*))/gm;
/** `aws configure set aws_secret_access_key VALUE`. */
const AWS_CONFIGURE = /\baws\s+configure\s+set\s+([A-Za-z_.]+)\s+(["']?)([^\s"';&|]+)\2/gm;
/** `curl -u user:password`, `curl --user user:password`. */
const CURL_USER = /\bcurl\b[^\n]*?\s(?:-u|--user)\s*(["']?)[^:\s"']+:([^\s"'@]+)\1/gm;
/** `mysql -pSECRET`, `mysqladmin -u root -pSECRET`: the password glued to -p. */
const MYSQL_P = /\bmysql(?:admin|dump)?\b[^\n]*?\s-p([^\s"';&|]+)/gm;

/** No EC2 user data script assigns a literal credential. */
export const NoCredentialInUserData: SecretsRule = {
  name: 'NoCredentialInUserData',
  level: NagMessageLevel.ERROR,
  // cfn-init reads AWS::CloudFormation::Init from whichever resource `--resource` names: every type.
  resourceTypes: '*',
  requirement: 'EC2 user data and cfn-init metadata (instances, launch templates, launch configurations) assign no literal value to a credential-like variable, flag or config key.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: remove the value from UserData or AWS::CloudFormation::Init and fetch it at boot (aws secretsmanager get-secret-value --secret-id <ARN>), with the instance profile\'s role allowed secretsmanager:GetSecretValue on the one secret; rotate the exposed value. CDK: secret.grantRead(instance) and the same command in userData.addCommands.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const extract = USER_DATA[node.cfnResourceType];
    // cfn-init (Metadata AWS::CloudFormation::Init) writes files and runs commands at boot too.
    const init = index.view(node).metadata['AWS::CloudFormation::Init'];
    const [userData, path] = extract ? extract(index.view(node).properties) : [undefined, 'Metadata.AWS::CloudFormation::Init'];
    if (userData === undefined && init === undefined) {
      return [];
    }
    let script = userData === undefined ? '' : flatten(userData, index).text;
    script = decodeBase64Text(script) ?? script;
    if (init !== undefined) {
      const texts: string[] = [];
      walkStrings(init, (_path, text) => texts.push(text), '', index);
      script += '\n' + texts.join('\n');
    }
    const names = new Set<string>();
    for (const re of [ASSIGNMENT, FLAG]) {
      re.lastIndex = 0;
      for (let m = re.exec(script); m !== null; m = re.exec(script)) {
        const [, name, double, single, bare] = m;
        if (isCredentialName(name) && isLiteral(double ?? single ?? bare ?? '')) {
          names.add(name);
        }
      }
    }
    AWS_CONFIGURE.lastIndex = 0;
    for (let m = AWS_CONFIGURE.exec(script); m !== null; m = AWS_CONFIGURE.exec(script)) {
      if (isCredentialName(m[1]) && isLiteral(m[3])) {
        names.add(m[1]);
      }
    }
    CURL_USER.lastIndex = 0;
    for (let m = CURL_USER.exec(script); m !== null; m = CURL_USER.exec(script)) {
      if (isLiteral(m[2])) {
        names.add('curl -u');
      }
    }
    MYSQL_P.lastIndex = 0;
    for (let m = MYSQL_P.exec(script); m !== null; m = MYSQL_P.exec(script)) {
      if (isLiteral(m[1])) {
        names.add('mysql -p');
      }
    }
    const out: RuleFinding[] = [];
    for (const name of names) {
      out.push(finding(`${userData === undefined ? 'cfn-init metadata' : path} assigns a literal value to '${name}', so the credential is in the template and readable by anyone who can describe the instance.`, `${path}:${name}`));
    }
    return out;
  },
};

function isLiteral(value: string): boolean {
  return value.length >= 4
    && !value.includes(PLACEHOLDER)
    && !/^(\$|\{\{|`|%)/.test(value)
    && !/^(true|false|yes|no|none|null)$/i.test(value)
    && !/^\d+$/.test(value)
    && !/^arn:/.test(value);
}
