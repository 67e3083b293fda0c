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
