package dev.cdkhardenedsecrets.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cdkhardenedsecrets.DataClassification;
import dev.cdkhardenedsecrets.GrantToFunctionOptions;
import dev.cdkhardenedsecrets.HardenedSecret;
import dev.cdkhardenedsecrets.SecretAccessMonitor;
import dev.cdkhardenedsecrets.SecretRotationPolicy;
import dev.cdkhardenedsecrets.SecretsComplianceReport;
import dev.cdkhardenedsecrets.SecretsManagerChecks;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.FlowLog;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.AddToPrincipalPolicyResult;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.RoleProps;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.HostedRotation;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.secretsmanager.SingleUserHostedRotationOptions;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.sqs.RedriveAllowPolicy;
import software.amazon.awscdk.services.sqs.RedrivePermission;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The README's example app (examples/app.ts) in Java, with the same construct ids.
 *
 * <p>{@code java ... dev.cdkhardenedsecrets.examples.ExampleApp OUTDIR} synthesises it into OUTDIR
 * with the compliance report, runs SecretsManagerChecks on the stack and writes the findings to
 * OUTDIR/findings.json. test/smoke/bindings.test.ts compares them with the TypeScript app's.
 */
public final class ExampleApp {
  static final String EXAMPLE_STACK_NAME = "HardenedSecretsExample";

  static final String API_KEY_ROTATION_JUSTIFICATION =
      "the payment vendor API offers no key rotation endpoint; the key is rotated by hand every 90 days under ticket SEC-42";

  static final String DEFAULT_SG_REASON =
      "The default security group of this VPC is attached to nothing: every network interface in the stack (ApiClient, the "
          + "hosted rotation function, the interface endpoints) has its own group. Closing it in the template needs "
          + "restrictDefaultSecurityGroup, whose Custom::VpcRestrictDefaultSG provider is a Lambda function outside any VPC, which "
          + "Control Tower CT.LAMBDA.PR.3 forbids. Close default groups outside the stack instead, e.g. with the automated "
          + "remediation of Security Hub control EC2.2.";

  static final String TRACED_VPC_FUNCTION_WILDCARD_REASON =
      "xray:PutTraceSegments, xray:PutTelemetryRecords (active tracing), ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets "
          + "(Lambda VPC networking) support no resource-level permissions: the service authorization reference lists no "
          + "resource type for them, so Resource must be \"*\".";

  private ExampleApp() {
  }

  static String networkInterfaceWildcardReason(String functionName, String subnets) {
    return "Lambda creates and deletes the Hyperplane network interfaces of " + functionName + " with its execution role; their ids exist only "
        + "at run time. The wildcard is limited to network interfaces of this account and region, and CreateNetworkInterface "
        + "to " + subnets + " and the function security group.";
  }

  static String deadLetterQueueRedriveReason(String functionName) {
    return "This queue is the dead-letter queue of " + functionName + " (RedriveAllowPolicy marks it as one); a redrive policy on it would "
        + "only move the same failed events to yet another queue. Messages are kept 14 days for inspection and redrive.";
  }

  /** Construct path, rule and reason of every acknowledgement the example places itself. */
  static List<String[]> acknowledgements() {
    List<String[]> acks = new ArrayList<>();
    acks.add(new String[] {EXAMPLE_STACK_NAME + "/ApiClientDeadLetters/Resource", "Serverless-SQSRedrivePolicy", deadLetterQueueRedriveReason("ApiClient")});
    acks.add(new String[] {EXAMPLE_STACK_NAME + "/ApiClientRole/Policy/Resource", "AwsSolutions-IAM5[Resource::*]", TRACED_VPC_FUNCTION_WILDCARD_REASON});
    acks.add(new String[] {
        EXAMPLE_STACK_NAME + "/ApiClientRole/Policy/Resource",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]",
        networkInterfaceWildcardReason("ApiClient", "the two isolated subnets")});
    for (String pack : List.of("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321")) {
      acks.add(new String[] {EXAMPLE_STACK_NAME + "/Vpc/Resource", pack + "-VPCDefaultSecurityGroupClosed", DEFAULT_SG_REASON});
    }
    return acks;
  }

  /** A role whose grants all go into one customer-managed policy ({@code <role>/Policy}). */
  static final class ManagedPolicyRole extends Role {
    final ManagedPolicy policy;

    ManagedPolicyRole(Construct scope, String id, IPrincipal assumedBy, String description) {
      super(scope, id, RoleProps.builder().assumedBy(assumedBy).description(description).build());
      this.policy = ManagedPolicy.Builder.create(this, "Policy").roles(List.of(this)).description(description).build();
    }

    @Override
    public AddToPrincipalPolicyResult addToPrincipalPolicy(PolicyStatement statement) {
      policy.addStatements(statement);
      return AddToPrincipalPolicyResult.builder().statementAdded(true).policyDependable(policy).build();
    }
  }

  static Key serviceKey(Construct scope, String id, String description) {
    Key key = Key.Builder.create(scope, id).description(description).enableKeyRotation(true).removalPolicy(RemovalPolicy.RETAIN).build();
    key.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("DenyGrantsNotForAwsResources")
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("kms:CreateGrant"))
        .resources(List.of("*"))
        .conditions(Map.of("BoolIfExists", Map.of("kms:GrantIsForAWSResource", "false", "aws:PrincipalIsAWSService", "false")))
        .build());
    return key;
  }

  static Key logGroupKey(Construct scope, String id, String description) {
    Stack stack = Stack.of(scope);
    Key key = serviceKey(scope, id, description);
    key.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("AllowCloudWatchLogsOfThisAccount")
        .principals(List.of(new ServicePrincipal("logs." + stack.getRegion() + ".amazonaws.com")))
        .actions(List.of("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"))
        .resources(List.of("*"))
        .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
            "arn:" + stack.getPartition() + ":logs:" + stack.getRegion() + ":" + stack.getAccount() + ":log-group:*")))
        .build());
    return key;
  }

  static void allowDeadLetterQueueKey(IRole role, IKey key) {
    role.addToPrincipalPolicy(PolicyStatement.Builder.create()
        .actions(List.of("kms:GenerateDataKey", "kms:Decrypt"))
        .resources(List.of(key.getKeyArn()))
        .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "sqs." + Stack.of(role).getRegion() + ".amazonaws.com")))
        .build());
  }

  static void grantLambdaVpcAccess(IRole role, List<String> subnetIds, ISecurityGroup securityGroup) {
    Stack stack = Stack.of(role);
    java.util.function.BiFunction<String, String, String> ec2Arn = (resource, resourceName) ->
        stack.formatArn(ArnComponents.builder().service("ec2").resource(resource).resourceName(resourceName).build());
    List<String> createResources = new ArrayList<>();
    createResources.add(ec2Arn.apply("network-interface", "*"));
    for (String id : subnetIds) {
      createResources.add(ec2Arn.apply("subnet", id));
    }
    createResources.add(ec2Arn.apply("security-group", securityGroup.getSecurityGroupId()));
    role.addToPrincipalPolicy(PolicyStatement.Builder.create()
        .sid("CreateFunctionNetworkInterfaces")
        .actions(List.of("ec2:CreateNetworkInterface"))
        .resources(createResources)
        .build());
    role.addToPrincipalPolicy(PolicyStatement.Builder.create()
        .sid("ManageFunctionNetworkInterfaces")
        .actions(List.of("ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))
        .resources(List.of(ec2Arn.apply("network-interface", "*")))
        .build());
    role.addToPrincipalPolicy(PolicyStatement.Builder.create()
        .sid("DescribeNetwork")
        .actions(List.of("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"))
        .resources(List.of("*"))
        .build());
  }

  static void placeAcknowledgements(Stack stack) {
    for (String[] ack : acknowledgements()) {
      IConstruct found = stack.getNode().findAll().stream()
          .filter(c -> c.getNode().getPath().equals(ack[0]))
          .findFirst()
          .filter(CfnResource::isCfnResource)
          .orElseThrow(() -> new IllegalStateException("acknowledgement target " + ack[0] + " is not a CloudFormation resource"));
      Validations.of(found).acknowledge(Acknowledgment.builder().id(ack[1]).reason(ack[2]).build());
    }
  }

  static Stack buildExampleApp(App app) {
    Stack stack = Stack.Builder.create(app, EXAMPLE_STACK_NAME)
        .env(Environment.builder().account("111111111111").region("eu-west-1").build())
        .build();
    SubnetSelection isolated = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();

    Key logsKey = logGroupKey(stack, "LogsKey", "Encrypts the CloudWatch log groups of the HardenedSecretsExample stack");
    LogGroup flowLogGroup = LogGroup.Builder.create(stack, "VpcFlowLogs")
        .retention(RetentionDays.ONE_YEAR)
        .encryptionKey(logsKey)
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    ManagedPolicyRole flowLogRole = new ManagedPolicyRole(stack, "VpcFlowLogsRole",
        new ServicePrincipal("vpc-flow-logs.amazonaws.com"), "Delivers the flow logs of the example VPC to CloudWatch Logs");
    Vpc vpc = Vpc.Builder.create(stack, "Vpc")
        .maxAzs(2)
        .natGateways(0)
        .subnetConfiguration(List.of(SubnetConfiguration.builder().name("isolated").subnetType(SubnetType.PRIVATE_ISOLATED).cidrMask(24).build()))
        .restrictDefaultSecurityGroup(false)
        .build();
    FlowLog flowLog = vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
        .destination(FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole))
        .trafficType(FlowLogTrafficType.ALL)
        .build());
    flowLog.getNode().addDependency(flowLogRole.policy);

    SecurityGroup endpointSg = SecurityGroup.Builder.create(stack, "EndpointSecurityGroup")
        .vpc(vpc)
        .description("Interface endpoints of the example VPC; HTTPS from the rotation function and ApiClient only")
        .allowAllOutbound(false)
        .build();
    Map<String, InterfaceVpcEndpointAwsService> endpoints = new LinkedHashMap<>();
    endpoints.put("SecretsManagerEndpoint", InterfaceVpcEndpointAwsService.SECRETS_MANAGER);
    endpoints.put("XRayEndpoint", InterfaceVpcEndpointAwsService.XRAY);
    endpoints.forEach((id, service) -> vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
        .service(service).subnets(isolated).securityGroups(List.of(endpointSg)).open(false).build()));

    // ---- Monitoring, the two secrets and the reader, as in the README --------------------
    SecretAccessMonitor monitor = SecretAccessMonitor.Builder.create(stack, "SecretAccessMonitor")
        .cloudTrailLogGroup(LogGroup.fromLogGroupName(stack, "OrganisationTrail", "aws-controltower/CloudTrailLogs"))
        .build();

    HostedRotation dbRotation = HostedRotation.postgreSqlSingleUser(
        SingleUserHostedRotationOptions.builder().vpc(vpc).vpcSubnets(isolated).build());
    HardenedSecret databaseSecret = HardenedSecret.Builder.create(stack, "DatabaseSecret")
        .secretName("prod/orders/database")
        .environment("prod")
        .owner("orders-team")
        .dataClassification(DataClassification.RESTRICTED)
        .generateSecretString(SecretStringGenerator.builder()
            .secretStringTemplate("{\"username\":\"orders\"}")
            .generateStringKey("password")
            .excludePunctuation(true)
            .build())
        .rotation(SecretRotationPolicy.hosted(dbRotation))
        .build();
    monitor.watch(databaseSecret);
    endpointSg.getConnections().allowFrom(dbRotation, Port.HTTPS, "Secrets Manager API from the hosted rotation function");

    HardenedSecret apiKey = HardenedSecret.Builder.create(stack, "ApiKeySecret")
        .secretName("prod/orders/payment-api-key")
        .environment("prod")
        .owner("orders-team")
        .dataClassification(DataClassification.CONFIDENTIAL)
        .rotation(SecretRotationPolicy.none(API_KEY_ROTATION_JUSTIFICATION))
        .build();
    monitor.watch(apiKey);
    // ---- end of the README excerpt -------------------------------------------------------

    LogGroup fnLogGroup = LogGroup.Builder.create(stack, "ApiClientLogs")
        .retention(RetentionDays.ONE_YEAR)
        .encryptionKey(logsKey)
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    Key dlqKey = serviceKey(stack, "DeadLetterKey", "Encrypts the dead-letter queue of the ApiClient function");
    Queue dlq = Queue.Builder.create(stack, "ApiClientDeadLetters")
        .encryption(QueueEncryption.KMS)
        .encryptionMasterKey(dlqKey)
        .enforceSsl(true)
        .retentionPeriod(Duration.days(14))
        .redriveAllowPolicy(RedriveAllowPolicy.builder().redrivePermission(RedrivePermission.ALLOW_ALL).build())
        .build();
    SecurityGroup fnSg = SecurityGroup.Builder.create(stack, "ApiClientSecurityGroup")
        .vpc(vpc)
        .description("ApiClient function: HTTPS to the VPC endpoints only")
        .allowAllOutbound(false)
        .build();
    endpointSg.getConnections().allowFrom(fnSg, Port.HTTPS, "AWS APIs from ApiClient");
    ManagedPolicyRole role = new ManagedPolicyRole(stack, "ApiClientRole",
        new ServicePrincipal("lambda.amazonaws.com"), "Execution role of the ApiClient function");
    Function fn = Function.Builder.create(stack, "ApiClient")
        .runtime(Runtime.NODEJS_24_X)
        .handler("index.handler")
        .code(Code.fromInline(String.join("\n",
            "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
            "const client = new SecretsManagerClient({});",
            "exports.handler = async () => {",
            "  const out = await client.send(new GetSecretValueCommand({ SecretId: process.env.API_KEY_SECRET_ARN }));",
            "  // Use out.SecretString to call the vendor API; never log it.",
            "  return { ok: typeof out.SecretString === 'string' };",
            "};")))
        .role(role)
        .vpc(vpc)
        .vpcSubnets(isolated)
        .securityGroups(List.of(fnSg))
        .memorySize(256)
        .timeout(Duration.seconds(10))
        .reservedConcurrentExecutions(5)
        .deadLetterQueue(dlq)
        .tracing(Tracing.ACTIVE)
        .logGroup(fnLogGroup)
        .build();
    // Read access to AWSCURRENT, and the secret's ARN (never its value) in API_KEY_SECRET_ARN.
    apiKey.grantToFunction(fn, GrantToFunctionOptions.builder().environmentVariable("API_KEY_SECRET_ARN").build());
    fnLogGroup.grantWrite(role);
    allowDeadLetterQueueKey(role, dlqKey);
    grantLambdaVpcAccess(role, vpc.selectSubnets(isolated).getSubnetIds(), fnSg);

    placeAcknowledgements(stack);
    return stack;
  }

  /** What SecretsManagerChecks finds on {@code stack}: rule, severity and construct path, in its order. */
  static List<Map<String, String>> findings(Stack stack) {
    List<Map<String, String>> out = new ArrayList<>();
    for (PolicyViolation v : new SecretsManagerChecks().validateScope(stack).getViolations()) {
      for (PolicyViolatingResource r : v.getViolatingResources()) {
        Map<String, String> finding = new LinkedHashMap<>();
        finding.put("rule", v.getRuleName());
        finding.put("severity", v.getSeverity() != null ? v.getSeverity() : "error");
        finding.put("resource", r.getConstructPath() != null ? r.getConstructPath() : "?");
        out.add(finding);
      }
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    String outdir = args[0];
    App app = App.Builder.create().outdir(outdir).build();
    Stack stack = buildExampleApp(app);
    SecretsComplianceReport.of(app);
    app.synth();
    // A plain aws-cdk-lib secret, for findings to compare: the example itself has none left.
    App plainApp = App.Builder.create().outdir(outdir + "/plain").build();
    Stack plain = new Stack(plainApp, "PlainSecretStack");
    new Secret(plain, "Plain");
    plainApp.synth();
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("example", findings(stack));
    all.put("plain", findings(plain));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(new File(outdir, "findings.json"), all);
  }
}
