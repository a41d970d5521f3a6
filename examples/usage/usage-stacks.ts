/**
 * README "Usage": a database secret read by a function, the four rotation policies, and one key
 * shared by several secrets, each in a stack of its own. `test/examples-usage.test.ts`
 * synthesises them. In your project import from `cdk-hardened-secrets` instead of `../../src`.
 */
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DataClassification, HardenedSecret, SecretKey, SecretRotationPolicy } from '../../src';

/** A placeholder function: the stacks are about its permissions, not its code. */
function placeholderFunction(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

/** README "Usage": the orders database secret, with hosted rotation, read by a function. */
export class OrdersDatabaseStack extends Stack {
  /** The database secret. */
  public readonly secret: HardenedSecret;
  /** The function that reads it. */
  public readonly reader: lambda.Function;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const myFunction = placeholderFunction(this, 'OrdersFunction');

    const db = new HardenedSecret(this, 'DatabaseSecret', {
      secretName: 'prod/orders/database', // <environment>/<application>/<name>
      environment: 'prod',
      owner: 'orders-team',
      dataClassification: DataClassification.RESTRICTED,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'orders' }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
    });

    db.grantRead(myFunction); // GetSecretValue on AWSCURRENT only + kms:Decrypt via Secrets Manager

    this.secret = db;
    this.reader = myFunction;
  }
}

/** README "Rotation is a required, explicit choice": hosted in a VPC, your own function, none. */
export class RotationPoliciesStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    // The database's VPC, its subnets and the security group of the hosted rotation function.
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
    });
    const vpcSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const securityGroups = [new ec2.SecurityGroup(this, 'RotationSecurityGroup', { vpc, description: 'Hosted rotation of the orders database' })];
    // The admin login that creates and updates the alternating users.
    const masterSecret = new HardenedSecret(this, 'MasterSecret', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, vpcSubnets, securityGroups })),
    });
    // A four-step rotation function of your own.
    const rotationFunction = placeholderFunction(this, 'ServiceRotation');

    // Hosted, alternating users, in a VPC, every 7 days inside a 4-hour window
    const alternatingUsers = SecretRotationPolicy.hosted(
      secretsmanager.HostedRotation.postgreSqlMultiUser({ masterSecret, vpc, vpcSubnets, securityGroups }),
      { automaticallyAfter: Duration.days(7), window: Duration.hours(4) },
    );

    // Your own function, on a cron schedule
    const weekly = SecretRotationPolicy.lambda(rotationFunction, { scheduleExpression: 'cron(0 4 ? * SUN *)', window: Duration.hours(2) });

    // No rotation, with a reason an auditor can read
    const waived = SecretRotationPolicy.none('Vendor API offers no key rotation endpoint; rotated by hand every 90 days (SEC-42)');

    new HardenedSecret(this, 'AppUserSecret', { rotation: alternatingUsers });
    new HardenedSecret(this, 'ServiceSecret', { rotation: weekly });
    new HardenedSecret(this, 'VendorApiKey', { rotation: waived });
  }
}

/** README "Sharing a key": two secrets encrypted by one `SecretKey`. */
export class SharedKeyStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const rotation = SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser());

    const key = new SecretKey(this, 'OrdersKey');
    new HardenedSecret(this, 'A', { encryptionKey: key, rotation });
    new HardenedSecret(this, 'B', { encryptionKey: key, rotation });
  }
}

/** The stacks of README "Usage", in one app. */
export function buildUsageApp(app: App = new App()): {
  app: App;
  database: OrdersDatabaseStack;
  policies: RotationPoliciesStack;
  sharedKey: SharedKeyStack;
} {
  const env = { account: '111111111111', region: 'eu-west-1' };
  return {
    app,
    database: new OrdersDatabaseStack(app, 'UsageDatabase', { env }),
    policies: new RotationPoliciesStack(app, 'UsageRotationPolicies', { env }),
    sharedKey: new SharedKeyStack(app, 'UsageSharedKey', { env }),
  };
}
