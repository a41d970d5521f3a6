#!/usr/bin/env python3
"""
Runs Prowler's own check `secretsmanager_has_restrictive_resource_policy`, unmodified, on secrets
whose resource policies are given on stdin, the way Prowler's unit tests for that check run it
(tests/providers/aws/services/secretsmanager/secretsmanager_has_restrictive_resource_policy in
Prowler's repository): inside moto's `mock_aws`, the secrets are created and their policies put
with boto3, an `AwsProvider` is the global provider, and the check's module-level
`secretsmanager_client` is replaced by a `SecretsManager` service built on that provider, which
lists the secrets and reads their policies through Prowler's own service code. Nothing leaves
the machine: every AWS call is answered by moto.

stdin: one audit, or a JSON list of audits:
    {
      "account": "111111111111",
      "region": "eu-west-1",
      "organizations_trusted_ids": ["o-..."],        # optional: Prowler's audit config key
      "secrets": [{"name": "...", "policy": {...}}]  # the resource policies, ARNs resolved
    }
stdout: for each audit, a JSON list of {name, arn, status, status_extended}, one per secret in
input order (for a list of audits, a list of such lists). Prowler's logs go to stderr.
"""
import contextlib
import json
import os
import sys

# moto answers with the audited account (read per request) and needs credentials that look real;
# set before boto3 reads them. The region is set per audit.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }
)
# Never read the caller's own AWS configuration.
for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(name, None)

from unittest import mock  # noqa: E402

from boto3 import client  # noqa: E402
from moto import mock_aws  # noqa: E402

from prowler.providers.aws.aws_provider import AwsProvider  # noqa: E402
from prowler.providers.common.models import Audit_Metadata  # noqa: E402
from prowler.providers.aws.services.secretsmanager.secretsmanager_service import (  # noqa: E402
    SecretsManager,
)

# The templates this harness is fed are resolved in the commercial partition.
PARTITION = "aws"

CHECK_MODULE = (
    "prowler.providers.aws.services.secretsmanager."
    "secretsmanager_has_restrictive_resource_policy."
    "secretsmanager_has_restrictive_resource_policy"
)


def run_audit(audit):
    account = audit["account"]
    region = audit["region"]
    secrets = audit["secrets"]
    audit_config = {}
    if audit.get("organizations_trusted_ids") is not None:
        audit_config["organizations_trusted_ids"] = audit["organizations_trusted_ids"]

    os.environ["MOTO_ACCOUNT_ID"] = account
    os.environ["AWS_DEFAULT_REGION"] = region
    with mock_aws():
        sm = client("secretsmanager", region_name=region)
        for secret in secrets:
            created = sm.create_secret(Name=secret["name"])
            sm.put_resource_policy(
                SecretId=created["ARN"], ResourcePolicy=json.dumps(secret["policy"])
            )

        # The provider as Prowler builds it from credentials (moto's STS answers for `account`),
        # with the audit config given instead of Prowler's default config file, then completed as
        # Prowler's test helper set_mocked_aws_provider (tests/providers/aws/utils.py) does.
        provider = AwsProvider(regions={region}, config_content=audit_config)
        provider._identity.account = account
        provider._identity.account_arn = f"arn:{PARTITION}:iam::{account}:root"
        provider._identity.partition = PARTITION
        provider._identity.identity_arn = None
        provider._identity.audited_regions = [region]
        provider._enabled_regions = {region}
        provider._organizations_metadata = None
        provider._audit_resources = []
        provider.audit_metadata = Audit_Metadata(
            services_scanned=0, expected_checks=[], completed_checks=0, audit_progress=0
        )
        with mock.patch(
            "prowler.providers.common.provider.Provider.get_global_provider",
            return_value=provider,
        ), mock.patch(
            f"{CHECK_MODULE}.secretsmanager_client",
            new=SecretsManager(provider),
        ):
            from prowler.providers.aws.services.secretsmanager.secretsmanager_has_restrictive_resource_policy.secretsmanager_has_restrictive_resource_policy import (  # noqa: E501
                secretsmanager_client,
                secretsmanager_has_restrictive_resource_policy,
            )

            # Prowler's service must have read every policy back, or the check would report
            # "no resource-based policy" for a reason that has nothing to do with the policy.
            loaded = {s.name: s.policy for s in secretsmanager_client.secrets.values()}
            for secret in secrets:
                if loaded.get(secret["name"]) != secret["policy"]:
                    raise RuntimeError(
                        f"Prowler's SecretsManager service did not read the policy of {secret['name']}"
                    )

            findings = secretsmanager_has_restrictive_resource_policy().execute()

    by_name = {f.resource_id: f for f in findings}
    if sorted(by_name) != sorted(s["name"] for s in secrets):
        raise RuntimeError(
            f"expected one finding per secret, got {sorted(by_name)} for {[s['name'] for s in secrets]}"
        )
    return [
        {
            "name": s["name"],
            "arn": by_name[s["name"]].resource_arn,
            "status": by_name[s["name"]].status,
            "status_extended": by_name[s["name"]].status_extended,
        }
        for s in secrets
    ]


def main():
    request = json.load(sys.stdin)
    # Prowler and moto may print; stdout carries the answer alone.
    with contextlib.redirect_stdout(sys.stderr):
        if isinstance(request, list):
            result = [run_audit(audit) for audit in request]
        else:
            result = run_audit(request)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
