/**
 * The claims the README makes about what each default protects against. Every row of every
 * access matrix proves one of them; the README table is rendered from the rows.
 */
export const CLAIMS = {
  deletion: 'Only break-glass roles can delete a secret or remove its replicas, whatever its rotation: not administrators, not the account root, not the deployment role of a retained secret',
  policyChange: 'Only break-glass and deployment roles can change or delete the resource policy',
  keySwap: 'Only break-glass and deployment roles can re-encrypt the secret under another KMS key; other updates are not affected',
  tls: 'Every request without TLS is denied, whoever makes it',
  readPinned: 'Readers read AWSCURRENT (no stage, the AWSCURRENT stage, or a version id as the caching clients send); a request naming AWSPENDING or AWSPREVIOUS is refused',
  readScope: 'A grant reaches its own secret only: other principals and other secrets are refused',
  write: 'Writers put new versions and move stages, and read nothing',
  rotation: 'The rotation role reads AWSPENDING, writes and moves stages on its secret, and touches no other secret',
  crossAccount: 'A principal of another account reads only when both the secret (resource and key policy) and its own IAM policies allow it',
  keyUse: 'The key decrypts only through Secrets Manager: nobody, administrators included, can use it directly',
  keyAdminDelegated: 'Without named key admins, key administration is delegated to the account: an IAM administrator can disable the key or schedule its deletion; principals without such IAM permissions cannot',
  keyAdmin: 'With named key admins, only they (and the deployment role) administer the key; the account still reads its metadata (AWS Config, Security Hub KMS.4)',
  adminRead: 'In the standard access mode an administrator whose IAM policies allow it can read the secret: the resource policy does not list readers',
  replicas: 'Readers read each replica with its own region\'s key, through Secrets Manager in that region only; writes go to the primary, and the account may encrypt, not decrypt, with the replica keys so that new versions replicate',
  vpcEndpoint: 'With requireVpcEndpoint, values are read only through the listed endpoints, except by AWS services for the caller and by break-glass and deployment roles',
  endpointPolicy: 'The Secrets Manager endpoint serves only principals of its account (or organisation), only the actions workloads and rotation need (no administration, break glass included), and only the named secrets when given',
  guardrails: 'SecretGuardrails ENFORCE gives L1 and L2 secrets the same deletion, policy-change and TLS denies, and keeps existing readers working: its key serves the account through Secrets Manager only',
  restrictive: 'In the restrictive access mode only the principals the secret knows (readers and writers granted through it, even after the policy was written; its rotation role; break-glass, deployment and additional roles) reach it or its key: an administrator with AdministratorAccess, the account root and every other role are denied, whatever their IAM policies say',
  guardrailsRestrictive: 'SecretGuardrails ENFORCE in the restrictive access mode gives L1 and L2 secrets the same restrictive policy: the roles of the stack granted on a secret, the roles its own resource policy allows, break-glass and deployment roles reach it and the key the aspect adds; an administrator with AdministratorAccess, the account root, the roles granted on other secrets and every other role are denied',
  imports: 'A secret made elsewhere and imported (fromHardenedSecretAttributes, fromSecret*) is read by its grantees at AWSCURRENT, by complete ARN, partial ARN or name, with its replicas, and its key decrypts for them only through Secrets Manager of each region',
  monitor: 'The monitor\'s key and log buckets serve AWS services only on behalf of this account (CloudWatch: its alarms in this region; EventBridge: only once a detector is a rule); its topic takes this account\'s CloudWatch alarms and the publishers the account\'s IAM allows',
} as const;
