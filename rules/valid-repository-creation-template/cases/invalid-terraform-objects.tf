# An HCL object or tuple is not JSON text: the AWS provider rejects it ("string required").
resource "aws_ecr_repository_creation_template" "object" {
  prefix      = "object"
  applied_for = ["PULL_THROUGH_CACHE"]
  repository_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowPull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/build" }
      Action    = "ecr:BatchGetImage"
    }]
  }
}

resource "aws_ecr_repository_creation_template" "tuple" {
  prefix            = "tuple"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = [jsonencode({ Version = "2012-10-17", Statement = [] })]
}

resource "aws_ecr_repository_creation_template" "encoded" {
  prefix            = "encoded"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
