/**
 * Policy documents that are, or look like, someone else's: IAM identity policies, S3 bucket policies, KMS key
 * policies, trust policies, SNS and SQS policies, with and without ECR actions in them, and the edge cases of the test
 * that drops them before their tree is built (duplicate keys, case, escapes, JSON5, hosts, depth). Shared by the core
 * test of that test and the runner-against-ESLint test.
 */
export interface ForeignCase {
  name: string;
  /** The file's text. */
  text: string;
  /** How ecrlint reads the file, in both front ends: ours, not ours (never reported), or a parsing error of ours. */
  status: "ours" | "not-ours" | "parse-error";
  /** Whether the test on JSON.parse's value alone decides it (only ever for a file that is not ours). */
  early: boolean;
  /**
   * How both front ends read it when its name follows a registry or repository policy convention
   * (`registry-policy.json`, `repo-policy.json`), where that differs from `status`.
   */
  named?: "ours";
}

const ROLE = "arn:aws:iam::111122223333:role/ci";
const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const policy = (...statements: unknown[]) => text({ Version: "2012-10-17", Statement: statements });

export const FOREIGN_CASES: ForeignCase[] = [
  // Not about ECR: dropped before any tree.
  {
    name: "an S3 bucket policy",
    text: policy({ Sid: "ReadOnly", Effect: "Allow", Principal: { AWS: ROLE }, Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::assets", "arn:aws:s3:::assets/*"] }),
    status: "not-ours",
    early: true,
  },
  {
    name: "a CI role's identity policy for logs and SQS",
    text: policy({ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }, { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-west-2:111122223333:queue" }),
    status: "not-ours",
    early: true,
  },
  {
    name: "a KMS key policy",
    text: text({ Version: "2012-10-17", Id: "key-default-1", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" }] }),
    status: "not-ours",
    early: true,
  },
  {
    name: "a role's trust policy",
    text: policy({ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }),
    status: "not-ours",
    early: true,
  },
  {
    name: "a Secrets Manager identity policy (secretsmanager holds the letters e-c-r)",
    text: policy({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "arn:aws:secretsmanager:us-west-2:111122223333:secret:ci" }),
    status: "not-ours",
    early: true,
  },
  {
    name: "an SNS topic policy with a single statement object",
    text: text({ Statement: { Effect: "Allow", Principal: "*", Action: "SNS:Publish", Resource: "arn:aws:sns:us-west-2:111122223333:t" } }),
    status: "not-ours",
    early: true,
  },
  // About ECR, or possibly: read as before, by the parser and the model.
  {
    name: "an identity policy that grants ECR pulls",
    text: policy({ Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" }, { Effect: "Allow", Action: ["ecr:BatchGetImage"], Resource: "arn:aws:ecr:us-west-2:111122223333:repository/app" }),
    status: "not-ours",
    early: false,
  },
  {
    name: "an identity policy whose ECR action is written in capitals",
    text: policy({ Effect: "Allow", Action: "ECR:GetAuthorizationToken", Resource: "*" }),
    status: "not-ours",
    early: false,
  },
  {
    name: "a bucket policy that also names an ECR action",
    text: policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: ["s3:GetObject", "ecr:BatchGetImage"], Resource: "arn:aws:s3:::assets/*" }),
    status: "ours",
    early: false,
  },
  {
    name: "a trust policy whose action is *",
    text: policy({ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "*" }),
    status: "ours",
    early: false,
  },
  {
    name: "a KMS key policy with an ECR repository in its Resource",
    text: policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "kms:Decrypt", Resource: "arn:aws:ecr:us-west-2:111122223333:repository/app" }),
    status: "ours",
    early: false,
  },
  {
    name: "an ECR action written with a JSON escape",
    text: policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject" }).replace('"s3:GetObject"', '"\\u0065cr:BatchGetImage"'),
    status: "ours",
    early: false,
  },
  {
    name: "a duplicate Statement whose last copy is about ECR",
    text: `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}], "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ECR:BatchGetImage"}]}\n`,
    status: "ours",
    early: false,
  },
  {
    name: "a duplicate Action whose last copy is *",
    text: `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Action": "*"}]}\n`,
    status: "ours",
    early: false,
  },
  {
    name: "a duplicate Statement whose last copy is not about ECR",
    text: `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}], "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}\n`,
    status: "not-ours",
    early: true,
  },
  { name: "a policy with no statements", text: text({ Version: "2012-10-17", Statement: [] }), status: "ours", early: false },
  { name: "a policy whose statements have no readable action", text: policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: 3 }), status: "ours", early: false },
  {
    name: "a bucket policy in JSON5 (comments)",
    text: `// assets bucket\n${policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: "arn:aws:s3:::assets/*" })}`,
    status: "not-ours",
    early: false,
  },
  {
    name: "a bucket policy beside a key that is not a policy's",
    text: text({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }], Comment: "assets" }),
    status: "not-ours",
    early: false,
  },
  {
    name: "CLI output whose policyText is a bucket policy",
    text: text({ registryId: "111122223333", policyText: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] }) }),
    status: "ours",
    early: false,
  },
  {
    name: "a bucket policy nested past the parser's depth limit",
    text: policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Condition: { StringEquals: { "aws:x": `${"[".repeat(300)}${"]".repeat(300)}` } } }).replace(/"(\[+\]+)"/, "$1"),
    status: "parse-error",
    early: false,
  },
  // Only NotAction: the text names no service, so the file's name says whether it is an ECR policy.
  {
    name: "a policy allowing everyone every action but S3's, by NotAction",
    text: policy({ Sid: "AllButS3", Effect: "Allow", Principal: "*", NotAction: "s3:*", Resource: "*" }),
    status: "not-ours",
    early: true,
    named: "ours",
  },
  {
    name: "a policy denying everything but reads of one bucket, by NotAction",
    text: policy({ Effect: "Deny", Principal: "*", NotAction: ["s3:GetObject"], Resource: "arn:aws:s3:::assets/*" }),
    // Its Resource is a bucket's: the policy says which service it is about, whatever the file's name.
    status: "not-ours",
    early: true,
  },
  {
    name: "a policy with a NotAction statement beside an Action of another service",
    text: policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: "arn:aws:s3:::assets/*" }, { Effect: "Deny", Principal: "*", NotAction: "s3:*", Resource: "*" }),
    status: "not-ours",
    early: true,
  },
  {
    name: "an identity policy with only NotAction",
    text: policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
    status: "not-ours",
    early: true,
  },
];
