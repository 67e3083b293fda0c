# Every way Terraform writes repository_policy as the JSON string the AWS provider takes.
variable "policy" {
  type = string
}

locals {
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

data "aws_iam_policy_document" "pull" {
  statement {
    sid     = "AllowPull"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:role/build"]
    }
  }
}

resource "aws_ecr_repository_creation_template" "jsonencode" {
  prefix      = "jsonencode"
  applied_for = ["PULL_THROUGH_CACHE"]
  repository_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowPull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/build" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

resource "aws_ecr_repository_creation_template" "interpolated_jsonencode" {
  prefix            = "interpolated-jsonencode"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = "${jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "AllowPull", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/build" }, Action = "ecr:BatchGetImage" }] })}"
}

resource "aws_ecr_repository_creation_template" "policy_document" {
  prefix            = "policy-document"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = data.aws_iam_policy_document.pull.json
}

resource "aws_ecr_repository_creation_template" "heredoc" {
  prefix            = "heredoc"
  applied_for       = ["REPLICATION"]
  repository_policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Sid": "AllowPull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/build"}, "Action": "ecr:BatchGetImage"}]}
  EOT
}

resource "aws_ecr_repository_creation_template" "quoted" {
  prefix            = "quoted"
  applied_for       = ["CREATE_ON_PUSH"]
  repository_policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"AllowPull\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::444455556666:role/build\"}, \"Action\": \"ecr:BatchGetImage\"}]}"
}

resource "aws_ecr_repository_creation_template" "file" {
  prefix            = "file"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = file("${path.module}/repository-policy.json")
}

resource "aws_ecr_repository_creation_template" "templatefile" {
  prefix            = "templatefile"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = templatefile("${path.module}/repository-policy.json.tpl", { account = "444455556666" })
}

resource "aws_ecr_repository_creation_template" "variable" {
  prefix            = "variable"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = var.policy
}

resource "aws_ecr_repository_creation_template" "interpolation" {
  prefix            = "interpolation"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = "${local.policy}"
}

resource "aws_ecr_repository_creation_template" "conditional" {
  prefix            = "conditional"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = var.policy == "" ? null : var.policy
}

resource "aws_ecr_repository_creation_template" "unset" {
  prefix            = "unset"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = null
}
