"""The README's example app (examples/app.ts) in Python, with the same construct ids.

    python app.py OUTDIR

synthesises it into OUTDIR with the compliance report, runs SecretsManagerChecks on the stack and
writes the findings to OUTDIR/findings.json. test/smoke/bindings.test.ts compares the templates,
the report and the findings with the TypeScript app's.
"""
import json
import sys

from aws_cdk import App, CfnResource, Duration, RemovalPolicy, Stack, Validations, Acknowledgment
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_hardened_secrets import (
    DataClassification,
    HardenedSecret,
    SecretAccessMonitor,
    SecretRotationPolicy,
    SecretsComplianceReport,
    SecretsManagerChecks,
)

EXAMPLE_STACK_NAME = "HardenedSecretsExample"

API_KEY_ROTATION_JUSTIFICATION = (
    "the payment vendor API offers no key rotation endpoint; the key is rotated by hand every 90 days under ticket SEC-42"
)

DEFAULT_SG_REASON = (
    "The default security group of this VPC is attached to nothing: every network interface in the stack (ApiClient, the "
    "hosted rotation function, the interface endpoints) has its own group. Closing it in the template needs "
    "restrictDefaultSecurityGroup, whose Custom::VpcRestrictDefaultSG provider is a Lambda function outside any VPC, which "
    "Control Tower CT.LAMBDA.PR.3 forbids. Close default groups outside the stack instead, e.g. with the automated "
    "remediation of Security Hub control EC2.2."
)

TRACED_VPC_FUNCTION_WILDCARD_REASON = (
    "xray:PutTraceSegments, xray:PutTelemetryRecords (active tracing), ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets "
    "(Lambda VPC networking) support no resource-level permissions: the service authorization reference lists no "
    'resource type for them, so Resource must be "*".'
)


def network_interface_wildcard_reason(function_name: str, subnets: str) -> str:
    return (
        f"Lambda creates and deletes the Hyperplane network interfaces of {function_name} with its execution role; their ids exist only "
        "at run time. The wildcard is limited to network interfaces of this account and region, and CreateNetworkInterface "
        f"to {subnets} and the function security group."
    )


def dead_letter_queue_redrive_reason(function_name: str) -> str:
    return (
        f"This queue is the dead-letter queue of {function_name} (RedriveAllowPolicy marks it as one); a redrive policy on it would "
        "only move the same failed events to yet another queue. Messages are kept 14 days for inspection and redrive."
    )


# (construct path, rule, reason) of every acknowledgement the example places itself.
ACKNOWLEDGEMENTS = [
    (f"{EXAMPLE_STACK_NAME}/ApiClientDeadLetters/Resource", "Serverless-SQSRedrivePolicy", dead_letter_queue_redrive_reason("ApiClient")),
    (f"{EXAMPLE_STACK_NAME}/ApiClientRole/Policy/Resource", "AwsSolutions-IAM5[Resource::*]", TRACED_VPC_FUNCTION_WILDCARD_REASON),
    (
        f"{EXAMPLE_STACK_NAME}/ApiClientRole/Policy/Resource",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]",
        network_interface_wildcard_reason("ApiClient", "the two isolated subnets"),
    ),
] + [
    (f"{EXAMPLE_STACK_NAME}/Vpc/Resource", f"{pack}-VPCDefaultSecurityGroupClosed", DEFAULT_SG_REASON)
    for pack in ["HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321"]
]


class ManagedPolicyRole(iam.Role):
    """A role whose grants all go into one customer-managed policy (`<role>/Policy`)."""

    def __init__(self, scope: Construct, id: str, *, assumed_by: iam.IPrincipal, description: str) -> None:
        super().__init__(scope, id, assumed_by=assumed_by, description=description)
        self.policy = iam.ManagedPolicy(self, "Policy", roles=[self], description=description)

    def add_to_principal_policy(self, statement: iam.PolicyStatement) -> iam.AddToPrincipalPolicyResult:
        self.policy.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self.policy)


def service_key(scope: Construct, id: str, description: str) -> kms.Key:
    key = kms.Key(scope, id, description=description, enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
    key.add_to_resource_policy(iam.PolicyStatement(
        sid="DenyGrantsNotForAwsResources",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["kms:CreateGrant"],
        resources=["*"],
        conditions={"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
    ))
    return key


def log_group_key(scope: Construct, id: str, description: str) -> kms.Key:
    stack = Stack.of(scope)
    key = service_key(scope, id, description)
    key.add_to_resource_policy(iam.PolicyStatement(
        sid="AllowCloudWatchLogsOfThisAccount",
        principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
        actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        resources=["*"],
        conditions={
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"},
        },
    ))
    return key


def dead_letter_queue(scope: Construct, id: str, key_id: str, function_name: str):
    key = service_key(scope, key_id, f"Encrypts the dead-letter queue of the {function_name} function")
    queue = sqs.Queue(
        scope, id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=Duration.days(14),
        redrive_allow_policy=sqs.RedriveAllowPolicy(redrive_permission=sqs.RedrivePermission.ALLOW_ALL),
    )
    return queue, key


def allow_dead_letter_queue_key(role: iam.IRole, key: kms.IKey) -> None:
    role.add_to_principal_policy(iam.PolicyStatement(
        actions=["kms:GenerateDataKey", "kms:Decrypt"],
        resources=[key.key_arn],
        conditions={"StringEquals": {"kms:ViaService": f"sqs.{Stack.of(role).region}.amazonaws.com"}},
    ))


def grant_lambda_vpc_access(role: iam.IRole, subnet_ids, security_group: ec2.ISecurityGroup) -> None:
    stack = Stack.of(role)

    def ec2_arn(resource: str, resource_name: str) -> str:
        return stack.format_arn(service="ec2", resource=resource, resource_name=resource_name)

    role.add_to_principal_policy(iam.PolicyStatement(
        sid="CreateFunctionNetworkInterfaces",
        actions=["ec2:CreateNetworkInterface"],
        resources=[
            ec2_arn("network-interface", "*"),
            *[ec2_arn("subnet", i) for i in subnet_ids],
            ec2_arn("security-group", security_group.security_group_id),
        ],
    ))
    role.add_to_principal_policy(iam.PolicyStatement(
        sid="ManageFunctionNetworkInterfaces",
        actions=["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
        resources=[ec2_arn("network-interface", "*")],
    ))
    role.add_to_principal_policy(iam.PolicyStatement(
        sid="DescribeNetwork",
        actions=["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        resources=["*"],
    ))


def place_acknowledgements(stack: Stack) -> None:
    for path, rule, reason in ACKNOWLEDGEMENTS:
        found = [c for c in stack.node.find_all() if c.node.path == path]
        if not found or not CfnResource.is_cfn_resource(found[0]):
            raise ValueError(f"acknowledgement target {path} is not a CloudFormation resource of {stack.node.path}")
        Validations.of(found[0]).acknowledge(Acknowledgment(id=rule, reason=reason))


def build_example_app(app: App) -> Stack:
    stack = Stack(app, EXAMPLE_STACK_NAME, env={"account": "111111111111", "region": "eu-west-1"})
    isolated = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)

    logs_key = log_group_key(stack, "LogsKey", "Encrypts the CloudWatch log groups of the HardenedSecretsExample stack")
    flow_log_group = logs.LogGroup(
        stack, "VpcFlowLogs",
        retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=logs_key,
        removal_policy=RemovalPolicy.RETAIN,
    )
    flow_log_role = ManagedPolicyRole(
        stack, "VpcFlowLogsRole",
        assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
        description="Delivers the flow logs of the example VPC to CloudWatch Logs",
    )
    vpc = ec2.Vpc(
        stack, "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24),
        ],
        restrict_default_security_group=False,
    )
    flow_log = vpc.add_flow_log(
        "FlowLog",
        destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group, flow_log_role),
        traffic_type=ec2.FlowLogTrafficType.ALL,
    )
    flow_log.node.add_dependency(flow_log_role.policy)

    endpoint_sg = ec2.SecurityGroup(
        stack, "EndpointSecurityGroup",
        vpc=vpc,
        description="Interface endpoints of the example VPC; HTTPS from the rotation function and ApiClient only",
        allow_all_outbound=False,
    )
    for id, service in [
        ("SecretsManagerEndpoint", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
        ("XRayEndpoint", ec2.InterfaceVpcEndpointAwsService.XRAY),
    ]:
        vpc.add_interface_endpoint(id, service=service, subnets=isolated, security_groups=[endpoint_sg], open=False)

    # ---- Monitoring, the two secrets and the reader, as in the README --------------------
    monitor = SecretAccessMonitor(
        stack, "SecretAccessMonitor",
        cloud_trail_log_group=logs.LogGroup.from_log_group_name(stack, "OrganisationTrail", "aws-controltower/CloudTrailLogs"),
    )

    db_rotation = secretsmanager.HostedRotation.postgre_sql_single_user(vpc=vpc, vpc_subnets=isolated)
    database_secret = HardenedSecret(
        stack, "DatabaseSecret",
        secret_name="prod/orders/database",
        environment="prod",
        owner="orders-team",
        data_classification=DataClassification.RESTRICTED,
        generate_secret_string=secretsmanager.SecretStringGenerator(
            secret_string_template=json.dumps({"username": "orders"}, separators=(",", ":")),
            generate_string_key="password",
            exclude_punctuation=True,
        ),
        rotation=SecretRotationPolicy.hosted(db_rotation),
    )
    monitor.watch(database_secret)
    endpoint_sg.connections.allow_from(db_rotation, ec2.Port.HTTPS, "Secrets Manager API from the hosted rotation function")

    api_key = HardenedSecret(
        stack, "ApiKeySecret",
        secret_name="prod/orders/payment-api-key",
        environment="prod",
        owner="orders-team",
        data_classification=DataClassification.CONFIDENTIAL,
        rotation=SecretRotationPolicy.none(API_KEY_ROTATION_JUSTIFICATION),
    )
    monitor.watch(api_key)
    # ---- end of the README excerpt -------------------------------------------------------

    fn_log_group = logs.LogGroup(
        stack, "ApiClientLogs",
        retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=logs_key,
        removal_policy=RemovalPolicy.RETAIN,
    )
    dlq, dlq_key = dead_letter_queue(stack, "ApiClientDeadLetters", "DeadLetterKey", "ApiClient")
    fn_sg = ec2.SecurityGroup(
        stack, "ApiClientSecurityGroup",
        vpc=vpc,
        description="ApiClient function: HTTPS to the VPC endpoints only",
        allow_all_outbound=False,
    )
    endpoint_sg.connections.allow_from(fn_sg, ec2.Port.HTTPS, "AWS APIs from ApiClient")
    role = ManagedPolicyRole(
        stack, "ApiClientRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Execution role of the ApiClient function",
    )
    fn = lambda_.Function(
        stack, "ApiClient",
        runtime=lambda_.Runtime.NODEJS_24_X,
        handler="index.handler",
        code=lambda_.Code.from_inline("\n".join([
            "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
            "const client = new SecretsManagerClient({});",
            "exports.handler = async () => {",
            "  const out = await client.send(new GetSecretValueCommand({ SecretId: process.env.API_KEY_SECRET_ARN }));",
            "  // Use out.SecretString to call the vendor API; never log it.",
            "  return { ok: typeof out.SecretString === 'string' };",
            "};",
        ])),
        role=role,
        vpc=vpc,
        vpc_subnets=isolated,
        security_groups=[fn_sg],
        memory_size=256,
        timeout=Duration.seconds(10),
        reserved_concurrent_executions=5,
        dead_letter_queue=dlq,
        tracing=lambda_.Tracing.ACTIVE,
        log_group=fn_log_group,
    )
    # Read access to AWSCURRENT, and the secret's ARN (never its value) in API_KEY_SECRET_ARN.
    api_key.grant_to_function(fn, environment_variable="API_KEY_SECRET_ARN")
    fn_log_group.grant_write(role)
    allow_dead_letter_queue_key(role, dlq_key)
    grant_lambda_vpc_access(role, vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnet_ids, fn_sg)

    place_acknowledgements(stack)
    return stack


def findings(stack: Stack):
    """What SecretsManagerChecks finds on `stack`: rule, severity and construct path, in its order."""
    return [
        {"rule": v.rule_name, "severity": v.severity or "error", "resource": r.construct_path or "?"}
        for v in SecretsManagerChecks().validate_scope(stack).violations
        for r in v.violating_resources
    ]


def main(outdir: str) -> None:
    app = App(outdir=outdir)
    stack = build_example_app(app)
    SecretsComplianceReport.of(app)
    app.synth()
    # A plain aws-cdk-lib secret, for findings to compare: the example itself has none left.
    plain_app = App(outdir=f"{outdir}/plain")
    plain = Stack(plain_app, "PlainSecretStack")
    secretsmanager.Secret(plain, "Plain")
    plain_app.synth()
    with open(f"{outdir}/findings.json", "w", encoding="utf-8") as out:
        json.dump({"example": findings(stack), "plain": findings(plain)}, out, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
