import { CfnParameter, CfnWaitConditionHandle, Fn, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInUserData';
const ID = `HardenedSecrets-${RULE}`;
const VALUE = 'hunter2-literal-value';
const IMAGE = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' });

function instance(stack: Stack, userData: ec2.UserData): ec2.Instance {
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
  return new ec2.Instance(stack, 'Instance', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: IMAGE,
    userData,
  });
}

function linux(...commands: string[]): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...commands);
  return userData;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

describe('NoCredentialInUserData', () => {
  test('Compliance 1: the value is fetched at boot with aws secretsmanager get-secret-value', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    instance(stack, linux(
      'export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id prod/app/db --query SecretString --output text)',
      'export API_TOKEN="$(aws ssm get-parameter --name /prod/app/token --with-decryption --query Parameter.Value --output text)"',
      'export DB_PASSWORD_FILE=/run/secrets/db',
      'export TOKEN_URL=https://auth.example.com/token',
    ));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: shell variables, booleans, numbers and ARNs are not literal credentials', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    instance(stack, linux(
      'DB_PASSWORD=$SECRET_FROM_ENV',
      'export API_KEY=${API_KEY_FROM_FILE}',
      'ENABLE_TOKEN=true',
      'PASSWORD=1234',
      'SECRET=arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf',
      'mysql --password="$DB_PASSWORD" -h db.example.com',
    ));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: ${Param} in Fn.sub for a CfnParameter without a default', () => {
    // GIVEN
    const stack = newStack();
    new CfnParameter(stack, 'DbPassword', { noEcho: true });
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Fn.base64(Fn.sub('#!/bin/bash\nexport DB_PASSWORD=${DbPassword}\n')),
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: a dynamic reference and an import in the script', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Fn.base64(Fn.join('\n', [
        '#!/bin/bash',
        'export DB_PASSWORD={{resolve:secretsmanager:prod/app/db:SecretString:password}}',
        Fn.join('', ['export API_KEY=', Fn.importValue('ApiKey')]),
      ])),
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: an instance without user data', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', { imageId: 'ami-0123456789abcdef0' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: ec2.UserData.forLinux with export DB_PASSWORD=<literal>', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    instance(stack, linux('yum install -y postgresql', `export DB_PASSWORD=${VALUE}`));
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain("UserData assigns a literal value to 'DB_PASSWORD'");
    expect(findings[0].description).not.toContain(VALUE);
  });

  test.each([
    ['--password <literal>', `mysql -u admin --password ${VALUE} -h db.example.com`, 'password'],
    ['--password=<literal>', `mysql -u admin --password=${VALUE}`, 'password'],
    ['--master-user-password "<literal>"', `aws rds modify-db-instance --master-user-password "${VALUE}"`, 'master-user-password'],
    ["quoted assignment DB_PASSWORD='<literal>'", `DB_PASSWORD='${VALUE}'`, 'DB_PASSWORD'],
    ['cloud-config "password: <literal>"', `password: ${VALUE}`, 'password'],
    ['camelCase apiKey=<literal>', `apiKey=${VALUE}`, 'apiKey'],
  ])('Noncompliance 2: %s', (_name, command, variable) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    instance(stack, linux(command));
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData:${variable}]`, 'Stack/Instance/Resource']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 3: Windows user data ($env: and set)', () => {
    // GIVEN
    const stack = newStack();
    const userData = ec2.UserData.forWindows();
    userData.addCommands('Install-WindowsFeature Web-Server', `$env:DB_PASSWORD = "${VALUE}"`, `set API_TOKEN=${VALUE}`);
    // WHEN
    instance(stack, userData);
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[UserData:API_TOKEN]`, 'Stack/Instance/Resource'],
      [`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance/Resource'],
    ]);
  });

  test('Noncompliance 4: a pre-base64-encoded literal UserData on an L1 CfnInstance', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: base64(`#!/bin/bash\nexport DB_PASSWORD=${VALUE}\n`),
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance']]);
    expect(findings[0].description).not.toContain(VALUE);
    expect(findings[0].description).not.toContain(base64(VALUE).slice(0, 12));
  });

  test('Noncompliance 5: ec2.LaunchTemplate user data', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.LaunchTemplate(stack, 'Template', { machineImage: IMAGE, userData: linux(`export API_TOKEN=${VALUE}`) });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[LaunchTemplateData.UserData:API_TOKEN]`, 'Stack/Template/Resource']]);
    expect(findings[0].description).toContain("LaunchTemplateData.UserData assigns a literal value to 'API_TOKEN'");
  });

  test('Noncompliance 6: L1 CfnLaunchTemplate and CfnLaunchConfiguration with pre-encoded user data', () => {
    // GIVEN
    const stack = newStack();
    const script = base64(`#!/bin/bash\nexport CLIENT_SECRET=${VALUE}\n`);
    // WHEN
    new ec2.CfnLaunchTemplate(stack, 'Template', { launchTemplateData: { imageId: 'ami-0123456789abcdef0', userData: script } });
    new autoscaling.CfnLaunchConfiguration(stack, 'Config', { imageId: 'ami-0123456789abcdef0', instanceType: 't3.micro', userData: script });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[LaunchTemplateData.UserData:CLIENT_SECRET]`, 'Stack/Template'],
      [`${ID}[UserData:CLIENT_SECRET]`, 'Stack/Config'],
    ]);
  });

  test('Noncompliance 7: ${Param} in Fn.sub for a CfnParameter with a default (the default is in the template)', () => {
    // GIVEN
    const stack = newStack();
    new CfnParameter(stack, 'DbPassword', { noEcho: true, default: VALUE });
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Fn.base64(Fn.sub('#!/bin/bash\nexport DB_PASSWORD=${DbPassword}\n')),
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 8: Fn.join of literal lines and references', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Fn.base64(Fn.join('\n', ['#!/bin/bash', Fn.join('', ['export REGION=', stack.region]), `export AUTH_TOKEN=${VALUE}`])),
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[UserData:AUTH_TOKEN]`, 'Stack/Instance']]);
  });

  test('Noncompliance 9: one finding per variable, however often it is assigned', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    instance(stack, linux(`export DB_PASSWORD=${VALUE}`, `echo "DB_PASSWORD=${VALUE}" >> /etc/app.env`));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance/Resource']]);
  });

  // Suspected rule bug: ec2.UserData.forWindows renders "<powershell>" + commands, so the first
  // command follows ">" with no whitespace; ASSIGNMENT requires start of line or one of \s ; & | (
  // before the name, so an assignment in the first command is never seen.
  test('Noncompliance 3b: the first command of ec2.UserData.forWindows', () => {
    // GIVEN
    const stack = newStack();
    const userData = ec2.UserData.forWindows();
    userData.addCommands(`$env:DB_PASSWORD = "${VALUE}"`);
    // WHEN
    instance(stack, userData);
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance/Resource']]);
  });

  // Suspected rule bug: ASSIGNMENT accepts a quoted value only if it has no whitespace, so a quoted
  // passphrase ("correct horse battery staple") is not matched at all.
  test('Noncompliance 10: a quoted literal value with spaces', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    instance(stack, linux('export DB_PASSWORD="correct horse battery staple"'));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[UserData:DB_PASSWORD]`, 'Stack/Instance/Resource']]);
  });

  test('Noncompliance 11: cfn-init metadata that writes a config file with a literal password', () => {
    // GIVEN an instance whose cfn-init writes database.yml
    const stack = newStack();
    const cfn = new ec2.CfnInstance(stack, 'Instance', { imageId: 'ami-0123456789abcdef0' });
    cfn.addMetadata('AWS::CloudFormation::Init', {
      config: { files: { '/etc/app/database.yml': { content: `production:\n  username: app\n  password: ${VALUE}\n` } } },
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData:password]`, 'Stack/Instance']]);
    expect(findings[0].description).toMatch(/cfn-init metadata assigns a literal value to 'password'/);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test.each([
    ['aws configure set', `aws configure set aws_secret_access_key ${VALUE}`, 'aws_secret_access_key'],
    ['curl -u', `curl -sf -u deploy:${VALUE} https://artifacts.example.com/app.tgz`, 'curl -u'],
  ])('Noncompliance 12: %s with a literal credential', (_label, line, name) => {
    const stack = newStack();
    instance(stack, linux(line));
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[UserData:${name}]`, 'Stack/Instance/Resource']]);
  });

  test('Compliance: aws configure set of a non-secret setting, curl -u with a variable', () => {
    const stack = newStack();
    instance(stack, linux('aws configure set region eu-west-1', 'curl -sf -u "deploy:$ARTIFACT_TOKEN" https://artifacts.example.com/app.tgz'));
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });
});

describe('NoCredentialInUserData: cfn-init metadata on any resource', () => {
  test('cfn-init metadata on a resource that is not an instance (cfn-init --resource names it)', () => {
    // GIVEN
    const stack = newStack();
    const holder = new CfnWaitConditionHandle(stack, 'ConfigHolder');
    // WHEN
    holder.addMetadata('AWS::CloudFormation::Init', {
      config: { commands: { setup: { command: 'export DB_PASSWORD=Winter-2024-Db && /opt/app/setup.sh' } } },
    });
    // THEN
    expect(pairs(ruleFindings(stack, 'NoCredentialInUserData'))).toEqual([
      ['HardenedSecrets-NoCredentialInUserData[Metadata.AWS::CloudFormation::Init:DB_PASSWORD]', 'Stack/ConfigHolder'],
    ]);
  });

  test('a resource without cfn-init metadata is left alone', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnWaitConditionHandle(stack, 'Handle');
    // THEN
    expect(ruleFindings(stack, 'NoCredentialInUserData')).toEqual([]);
  });
});
