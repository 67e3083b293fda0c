// Terraform files for the benchmark trees: what a platform repository holds, mostly modules that name no ECR
// resource (the runner skips those by their text, before any parse) and one in ten with aws_ecr_* resources, whose
// policies are written the ways real modules write them (jsonencode, a policy document data source, a heredoc).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const HEADER = (i) => `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.${i % 80}"
    }
  }
}

variable "environment" {
  type        = string
  description = "Deployment environment"
  default     = "staging"
}

locals {
  name = "svc-${i}-\${var.environment}"
  tags = {
    Team    = "team-${i % 17}"
    Service = "svc-${i}"
  }
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
`;

/** A module without ECR resources: a bucket, a queue, a role, a log group. */
const other = (i) => `
resource "aws_s3_bucket" "artifacts" {
  bucket = "\${local.name}-artifacts"
  tags   = local.tags
}

resource "aws_sqs_queue" "events" {
  name                      = "\${local.name}-events"
  message_retention_seconds = ${86400 + (i % 5) * 3600}
  tags                      = local.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task" {
  name               = "\${local.name}-task"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_cloudwatch_log_group" "service" {
  name              = "/ecs/\${local.name}"
  retention_in_days = ${[7, 14, 30, 90][i % 4]}
}
`;

/** A module with ECR resources; one in four names another Region, as real mistakes do. */
const ecr = (i) => `
resource "aws_ecr_repository" "app" {
  name                 = "svc-${i}"
  image_tag_mutability = "IMMUTABLE"
}

data "aws_iam_policy_document" "pull" {
  statement {
    sid     = "CiPull"
    effect  = "Allow"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = data.aws_iam_policy_document.pull.json
}

resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Replication"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["ecr:CreateRepository", "ecr:ReplicateImage"]
      Resource  = "arn:aws:ecr:${i % 4 === 0 ? "eu-west-1" : "${data.aws_region.current.name}"}:\${data.aws_caller_identity.current.account_id}:repository/*"
    }]
  })
}
`;

/** The text of the `index`th Terraform file: one in ten has aws_ecr_* resources. */
export function terraformFile(index) {
  return HEADER(index) + (index % 10 === 0 ? ecr(index) : other(index));
}

/** Writes `count` Terraform files into `dir` (`module-<n>/main.tf`), numbered from `first`; returns how many. */
export function writeTerraformFiles(dir, count, first = 0) {
  for (let i = first; i < first + count; i++) {
    mkdirSync(join(dir, `module-${i}`), { recursive: true });
    writeFileSync(join(dir, `module-${i}`, "main.tf"), terraformFile(i));
  }
  return count;
}
