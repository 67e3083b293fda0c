data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_ecr_registry_policy" "prod" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "BuildReplicates"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = ["ecr:CreateRepository"]
        Resource  = "arn:aws:ecr:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:repository/*"
      },
      {
        Sid       = "LegacyMirror"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::777788889999:role/mirror" }
        Action    = "ecr:BatchGetImage"
        Resource  = "arn:aws:ecr:eu-central-1:${data.aws_caller_identity.current.account_id}:repository/mirror/*"
      }
    ]
  })
}

data "aws_iam_policy_document" "api" {
  statement {
    sid     = "TeamPull"
    effect  = "Allow"
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:*"]
    }
  }
}

resource "aws_ecr_repository_policy" "api" {
  repository = "api"
  policy     = data.aws_iam_policy_document.api.json
}

resource "aws_ecr_repository_policy" "web" {
  repository = "web"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CiPull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["ecr:BatchGetImage"]
      Resource  = "arn:aws:ecr:us-west-2:444455556666:repository/web"
    }]
  })
}

resource "aws_ecr_repository_creation_template" "team_c" {
  prefix      = "team-c"
  applied_for = ["REPLICATION"]
  resource_tags = {
    cost-center = "42"
  }
  # The policy each new repository gets: JSON text, as the AWS provider takes it, linted as a repository policy.
  repository_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TeamPull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/team-c-ci" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}
