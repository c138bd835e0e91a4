// The CloudFormation template and the IAM policy, parsed back and compared with the schema
// provisioning uses and with the keys the layout builds.
#include "cli/iac.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <set>

#include "dynamo/wire_names.h"
#include "tenancy/access.h"
#include "tenancy/layout.h"
#include "tests/scope_test_peer.h"

namespace issuetracker::cli {
namespace {

namespace json = boost::json;
using tenancy::CompanyId;
using tenancy::CompanyScope;
using tenancy::Tier;

std::string Str(const json::value& v) { return std::string(v.as_string()); }

std::vector<dynamo::KeySchemaElement> Keys(const json::value& v) {
  std::vector<dynamo::KeySchemaElement> out;
  for (const auto& k : v.as_array()) {
    dynamo::KeySchemaElement e;
    e.attribute_name = Str(k.at("AttributeName"));
    EXPECT_TRUE(dynamo::FromWire(Str(k.at("KeyType")), &e.key_type));
    out.push_back(e);
  }
  return out;
}

// The template's table equals the CreateTable request provisioning sends for `spec`.
void ExpectTableMatches(const json::object& resources, const tenancy::SchemaCatalog& catalog,
                        const tenancy::TableSpec& spec) {
  SCOPED_TRACE(spec.name.str());
  const json::value* resource = resources.if_contains(LogicalId(spec.name.str()));
  ASSERT_NE(resource, nullptr);
  EXPECT_EQ(Str(resource->at("Type")), "AWS::DynamoDB::Table");
  EXPECT_EQ(Str(resource->at("DeletionPolicy")), "Retain");
  const json::value& p = resource->at("Properties");
  const dynamo::CreateTableRequest want = catalog.CreateRequest(spec);
  EXPECT_EQ(Str(p.at("TableName")), want.table_name);
  EXPECT_EQ(Keys(p.at("KeySchema")), want.key_schema);
  std::vector<dynamo::AttributeDefinition> definitions;
  for (const auto& d : p.at("AttributeDefinitions").as_array()) {
    dynamo::AttributeDefinition a;
    a.attribute_name = Str(d.at("AttributeName"));
    EXPECT_TRUE(dynamo::FromWire(Str(d.at("AttributeType")), &a.attribute_type));
    definitions.push_back(a);
  }
  EXPECT_EQ(definitions, want.attribute_definitions);
  const json::value* indexes = p.as_object().if_contains("GlobalSecondaryIndexes");
  ASSERT_EQ(indexes == nullptr, want.global_secondary_indexes.empty());
  if (indexes) {
    ASSERT_EQ(indexes->as_array().size(), want.global_secondary_indexes.size());
    for (size_t i = 0; i < want.global_secondary_indexes.size(); ++i) {
      const auto& g = indexes->as_array()[i];
      EXPECT_EQ(Str(g.at("IndexName")), want.global_secondary_indexes[i].index_name);
      EXPECT_EQ(Keys(g.at("KeySchema")), want.global_secondary_indexes[i].key_schema);
      EXPECT_EQ(Str(g.at("Projection").at("ProjectionType")),
                dynamo::ToWire(want.global_secondary_indexes[i].projection.projection_type));
    }
  }
  EXPECT_EQ(Str(p.at("BillingMode")), "PAY_PER_REQUEST");
  EXPECT_EQ(Str(p.at("TableClass")), "STANDARD");
  EXPECT_EQ(p.at("PointInTimeRecoverySpecification").at("PointInTimeRecoveryEnabled").as_bool(),
            spec.point_in_time_recovery);
  const json::value* ttl = p.as_object().if_contains("TimeToLiveSpecification");
  ASSERT_EQ(ttl != nullptr, spec.time_to_live_attribute.has_value());
  if (ttl) {
    EXPECT_EQ(Str(ttl->at("AttributeName")), *spec.time_to_live_attribute);
    EXPECT_TRUE(ttl->at("Enabled").as_bool());
  }
  std::vector<dynamo::Tag> tags;
  for (const auto& t : p.at("Tags").as_array())
    tags.push_back({Str(t.at("Key")), Str(t.at("Value"))});
  EXPECT_EQ(tags, want.tags);
}

TEST(IacTest, CloudFormationTemplateIsTheProvisionedSchema) {
  tenancy::Layout layout(tenancy::SchemaConfig{"Prod-", "Production"});
  tenancy::SchemaCatalog catalog(layout);
  json::value tpl = json::parse(CloudFormationTemplate(catalog, std::nullopt));
  EXPECT_EQ(Str(tpl.at("AWSTemplateFormatVersion")), "2010-09-09");
  const json::object& resources = tpl.at("Resources").as_object();
  EXPECT_EQ(resources.size(), 8u);
  for (const auto& spec : catalog.SharedTables()) ExpectTableMatches(resources, catalog, spec);
  for (const auto& spec : catalog.ServiceTables()) ExpectTableMatches(resources, catalog, spec);

  const CompanyId platinum = *CompanyId::Parse("COMPANY042");
  json::value with_silo = json::parse(CloudFormationTemplate(catalog, platinum));
  const json::object& all = with_silo.at("Resources").as_object();
  EXPECT_EQ(all.size(), 12u);
  for (const auto& spec : catalog.SiloTables(platinum)) ExpectTableMatches(all, catalog, spec);
  EXPECT_NE(Str(with_silo.at("Description")).find("COMPANY042"), std::string::npos);
}

// IAM's StringLike: '*' matches any run of characters, '?' one character.
bool StringLike(std::string_view pattern, std::string_view s) {
  if (pattern.empty()) return s.empty();
  if (pattern[0] == '*') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (StringLike(pattern.substr(1), s.substr(i))) return true;
    }
    return false;
  }
  return !s.empty() && (pattern[0] == '?' || pattern[0] == s[0]) &&
         StringLike(pattern.substr(1), s.substr(1));
}

struct Policy {
  // table name -> leading-key patterns (empty: whole table)
  std::map<std::string, std::vector<std::string>> grants;
};

Policy ParsePolicy(const std::string& text) {
  json::value doc = json::parse(text);
  EXPECT_EQ(Str(doc.at("Version")), "2012-10-17");
  Policy policy;
  for (const auto& st : doc.at("Statement").as_array()) {
    EXPECT_EQ(Str(st.at("Effect")), "Allow");
    std::set<std::string> actions;
    for (const auto& a : st.at("Action").as_array()) actions.insert(Str(a));
    EXPECT_TRUE(actions.contains("dynamodb:Query"));
    EXPECT_FALSE(actions.contains("dynamodb:Scan"));  // a Scan would read every company
    EXPECT_FALSE(actions.contains("dynamodb:DeleteTable"));
    const auto& resources = st.at("Resource").as_array();
    EXPECT_EQ(resources.size(), 2u);
    if (resources.size() != 2) continue;
    const std::string arn = Str(resources[0]);
    EXPECT_EQ(Str(resources[1]), arn + "/index/*");
    const std::string table = arn.substr(arn.find(":table/") + 7);
    std::vector<std::string> keys;
    if (const json::value* c = st.as_object().if_contains("Condition")) {
      for (const auto& k : c->at("ForAllValues:StringLike").at("dynamodb:LeadingKeys").as_array()) {
        keys.push_back(Str(k));
      }
      EXPECT_FALSE(keys.empty());
    }
    policy.grants[table] = keys;
  }
  return policy;
}

bool Allows(const Policy& p, const std::string& table, const std::string& leading_key) {
  auto it = p.grants.find(table);
  if (it == p.grants.end()) return false;
  if (it->second.empty()) return true;
  for (const auto& pattern : it->second) {
    if (StringLike(pattern, leading_key)) return true;
  }
  return false;
}

TEST(IacTest, PooledCompanyPolicyReachesOnlyItsOwnKeys) {
  tenancy::Layout layout(tenancy::SchemaConfig{});
  tenancy::SchemaCatalog catalog(layout);
  const CompanyScope mine =
      testing::ScopeTestPeer::Make(*CompanyId::Parse("COMPANY001"), Tier::kBasic);
  const CompanyScope other =  // same prefix
      testing::ScopeTestPeer::Make(*CompanyId::Parse("COMPANY0012"), Tier::kPremium);
  Policy p = ParsePolicy(IamPolicy(catalog, mine.company_id(), mine.tier()));
  // Exactly the grants tenancy decides.
  EXPECT_EQ(p.grants.size(),
            tenancy::CompanyGrants(catalog, mine.company_id(), mine.tier()).size());

  const auto issues = layout.PooledTableName(tenancy::Entity::kIssue).str();
  auto issue_key = [&](const CompanyScope& s) {
    return layout.IssueKey(s, tenancy::IssueId::FromSequence(7), "2024-01-15")
        .at("company_issue_id")
        .s();
  };
  // Its own items, in the table and in the company-keyed indexes.
  EXPECT_TRUE(Allows(p, issues, issue_key(mine)));
  EXPECT_TRUE(Allows(p, issues, "COMPANY001"));  // CompanyStatusIndex's leading key
  const auto users = layout.PooledTableName(tenancy::Entity::kUser).str();
  EXPECT_TRUE(Allows(p, users,
                     layout.UserKey(mine, *tenancy::UserEmail::Parse("john@devcorp.com"))
                         .at("company_user_id")
                         .s()));
  EXPECT_TRUE(Allows(p, layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
                     "COMPANY001"));
  // Never another company's, not even one whose id starts with ours.
  EXPECT_FALSE(Allows(p, issues, issue_key(other)));
  EXPECT_FALSE(Allows(p, issues, "COMPANY0012"));
  EXPECT_FALSE(Allows(p, layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
                      "COMPANY002"));
  // Nor the login directory across companies (EmailIndex is keyed by e-mail), nor system
  // tables that are not per company.
  EXPECT_FALSE(Allows(p, users, "john@devcorp.com"));
  EXPECT_FALSE(Allows(p, layout.SystemTableName(tenancy::SystemTable::kApiKeys).str(), "Basic"));
  EXPECT_FALSE(Allows(p, layout.SystemTableName(tenancy::SystemTable::kCompanyStackMapping).str(),
                      "COMPANY001"));
}

TEST(IacTest, PlatinumCompanyPolicyGrantsItsSiloTables) {
  tenancy::Layout layout(tenancy::SchemaConfig{});
  tenancy::SchemaCatalog catalog(layout);
  const CompanyScope platinum =
      testing::ScopeTestPeer::Make(*CompanyId::Parse("COMPANY009"), Tier::kPlatinum);
  Policy p = ParsePolicy(IamPolicy(catalog, platinum.company_id(), platinum.tier()));
  for (const auto& spec : catalog.SiloTables(platinum.company_id())) {
    EXPECT_TRUE(Allows(p, spec.name.str(), "ISS-001")) << spec.name.str();
    EXPECT_TRUE(p.grants.at(spec.name.str()).empty());  // whole table
  }
  // Its directory stubs in the pooled Users table, nothing else there.
  const auto users = layout.PooledTableName(tenancy::Entity::kUser).str();
  EXPECT_TRUE(Allows(p, users,
                     layout.DirectoryStubKey(platinum, *tenancy::UserEmail::Parse("ann@x.com"))
                         .at("company_user_id")
                         .s()));
  EXPECT_FALSE(Allows(p, users, "COMPANY001#USER#john@devcorp.com"));
  EXPECT_FALSE(Allows(p, users, "COMPANY001#LOGIN#0123#john@devcorp.com"));
  // Not the pooled user keys of its own id either (a pooled registration's, earlier or later).
  EXPECT_FALSE(Allows(p, users, "COMPANY009#USER#ann@x.com"));
  // No pooled Issues table, no other company's silo.
  EXPECT_FALSE(Allows(p, layout.PooledTableName(tenancy::Entity::kIssue).str(), "COMPANY009#x"));
  EXPECT_FALSE(Allows(
      p, layout.SiloTableName(tenancy::Entity::kIssue, *CompanyId::Parse("COMPANY010")).str(),
      "ISS-001"));
}

}  // namespace
}  // namespace issuetracker::cli
