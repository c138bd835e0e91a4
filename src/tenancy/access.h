// What one company's credentials may reach, as the table-level and key-level grants an
// access policy (an IAM policy on DynamoDB) expresses: the layout decides it, so the policy
// follows the layout wherever tables or keys change.
//
//   Basic / Premium: the four pooled tables and their indexes, but only items whose
//     partition key (of the table or of the index read) is the company's: the composite keys
//     "<COMPANY>#..." of the tables and the IssueIndex, and company_id itself in the
//     company-keyed indexes;
//   Platinum: its four silo tables and their indexes whole, and in the pooled Users table
//     its own login-directory stubs ("<COMPANY>#LOGIN#...");
//   every tier: its own CompanyManagement record (partition key company_id).
// CompanyStackMapping, ApiKeys and the other companies' data are not granted.
//
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <vector>

#include "tenancy/schema.h"

namespace issuetracker::tenancy {

struct TableGrant {
  TableName table;
  // True: every item of the table and its indexes. False: only items whose leading
  // (partition) key matches one of `leading_keys`.
  bool whole_table = false;
  // Patterns in IAM's StringLike syntax ('*' matches any run of characters): "COMPANY001#*",
  // "COMPANY001".
  std::vector<std::string> leading_keys;
};

// The grants of `company` on `tier`, in table order (shared tables, then silo tables). It
// describes access and reads nothing, so it takes an id and a tier, not a CompanyScope.
std::vector<TableGrant> CompanyGrants(const SchemaCatalog& catalog, const CompanyId& company,
                                      Tier tier);

}  // namespace issuetracker::tenancy
