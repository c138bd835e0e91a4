// Infrastructure as code from the schema the code provisions: a CloudFormation template of
// the tables (the same CreateTable requests provisioning sends, point-in-time recovery and
// tags included) and an IAM policy confining a company's credentials to its own data
// (tenancy/access.h decides what that is).
//
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "tenancy/schema.h"

namespace issuetracker::cli {

// A CloudFormation template (JSON) with one AWS::DynamoDB::Table per shared table and, with
// `platinum`, that company's four silo tables. Tables are retained when the stack is
// deleted or replaces them (DeletionPolicy / UpdateReplacePolicy Retain).
std::string CloudFormationTemplate(const tenancy::SchemaCatalog& catalog,
                                   const std::optional<tenancy::CompanyId>& platinum);

// An IAM policy document (JSON) granting `scope`'s company the DynamoDB item operations on
// exactly what CompanyGrants lists: dynamodb:LeadingKeys conditions where only the company's
// keys are granted, whole tables (and their indexes) otherwise.
std::string IamPolicy(const tenancy::SchemaCatalog& catalog, const tenancy::CompanyId& company,
                      tenancy::Tier tier);

// The CloudFormation logical id of a table: its name without the characters CloudFormation
// does not allow ("IssueTracker-Issues-Pooled" -> "IssueTrackerIssuesPooled").
std::string LogicalId(const std::string& table_name);

}  // namespace issuetracker::cli
