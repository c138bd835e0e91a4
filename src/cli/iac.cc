#include "cli/iac.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>

#include "dynamo/wire_names.h"
#include "tenancy/access.h"

namespace issuetracker::cli {
namespace json = boost::json;

namespace {

json::array KeySchema(const std::vector<dynamo::KeySchemaElement>& keys) {
  json::array out;
  for (const auto& k : keys) {
    out.push_back(json::object{{"AttributeName", k.attribute_name},
                               {"KeyType", std::string(dynamo::ToWire(k.key_type))}});
  }
  return out;
}

json::object TableResource(const tenancy::SchemaCatalog& catalog, const tenancy::TableSpec& spec) {
  const dynamo::CreateTableRequest r = catalog.CreateRequest(spec);
  json::object props;
  props["TableName"] = r.table_name;
  json::array definitions;
  for (const auto& d : r.attribute_definitions) {
    definitions.push_back(
        json::object{{"AttributeName", d.attribute_name},
                     {"AttributeType", std::string(dynamo::ToWire(d.attribute_type))}});
  }
  props["AttributeDefinitions"] = std::move(definitions);
  props["KeySchema"] = KeySchema(r.key_schema);
  if (!r.global_secondary_indexes.empty()) {
    json::array indexes;
    for (const auto& g : r.global_secondary_indexes) {
      json::object projection{
          {"ProjectionType", std::string(dynamo::ToWire(g.projection.projection_type))}};
      if (!g.projection.non_key_attributes.empty()) {
        json::array attributes;
        for (const auto& a : g.projection.non_key_attributes) attributes.push_back(json::value(a));
        projection["NonKeyAttributes"] = std::move(attributes);
      }
      indexes.push_back(json::object{{"IndexName", g.index_name},
                                     {"KeySchema", KeySchema(g.key_schema)},
                                     {"Projection", std::move(projection)}});
    }
    props["GlobalSecondaryIndexes"] = std::move(indexes);
  }
  props["BillingMode"] = std::string(dynamo::ToWire(*r.billing_mode));
  if (r.table_class) props["TableClass"] = std::string(dynamo::ToWire(*r.table_class));
  props["PointInTimeRecoverySpecification"] =
      json::object{{"PointInTimeRecoveryEnabled", spec.point_in_time_recovery}};
  if (spec.time_to_live_attribute) {
    props["TimeToLiveSpecification"] =
        json::object{{"AttributeName", *spec.time_to_live_attribute}, {"Enabled", true}};
  }
  json::array tags;
  for (const auto& t : r.tags) tags.push_back(json::object{{"Key", t.key}, {"Value", t.value}});
  props["Tags"] = std::move(tags);
  return json::object{{"Type", "AWS::DynamoDB::Table"},
                      {"DeletionPolicy", "Retain"},
                      {"UpdateReplacePolicy", "Retain"},
                      {"Properties", std::move(props)}};
}

std::string TableArn(const tenancy::TableName& table) {
  return "arn:aws:dynamodb:*:*:table/" + table.str();
}

}  // namespace

std::string LogicalId(const std::string& table_name) {
  std::string id;
  for (char c : table_name) {
    if (std::isalnum(static_cast<unsigned char>(c))) id.push_back(c);
  }
  return id;
}

std::string CloudFormationTemplate(const tenancy::SchemaCatalog& catalog,
                                   const std::optional<tenancy::CompanyId>& platinum) {
  json::object resources;
  for (const tenancy::TableSpec& spec : catalog.SharedTables()) {
    resources[LogicalId(spec.name.str())] = TableResource(catalog, spec);
  }
  // The REST service's own table (Idempotency-Key records), provisioned with the others.
  for (const tenancy::TableSpec& spec : catalog.ServiceTables()) {
    resources[LogicalId(spec.name.str())] = TableResource(catalog, spec);
  }
  if (platinum) {
    for (const tenancy::TableSpec& spec : catalog.SiloTables(*platinum)) {
      resources[LogicalId(spec.name.str())] = TableResource(catalog, spec);
    }
  }
  std::string description =
      "IssueTracker DynamoDB tables (environment " + catalog.layout().config().environment + ")";
  if (platinum) description += ", with the silo tables of Platinum company " + platinum->str();
  json::object tpl{{"AWSTemplateFormatVersion", "2010-09-09"},
                   {"Description", description},
                   {"Resources", std::move(resources)}};
  return json::serialize(tpl) + "\n";
}

std::string IamPolicy(const tenancy::SchemaCatalog& catalog, const tenancy::CompanyId& company,
                      tenancy::Tier tier) {
  // Item-level operations only: the control plane stays with the platform's administrators.
  const json::array actions{"dynamodb:GetItem",        "dynamodb:BatchGetItem",
                            "dynamodb:Query",          "dynamodb:PutItem",
                            "dynamodb:UpdateItem",     "dynamodb:DeleteItem",
                            "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"};
  json::array statements;
  for (const tenancy::TableGrant& grant : tenancy::CompanyGrants(catalog, company, tier)) {
    json::array resources{json::value(TableArn(grant.table)),
                          json::value(TableArn(grant.table) + "/index/*")};
    json::object statement{{"Sid", LogicalId(grant.table.str())},
                           {"Effect", "Allow"},
                           {"Action", actions},
                           {"Resource", std::move(resources)}};
    if (!grant.whole_table) {
      json::array keys;
      for (const auto& k : grant.leading_keys) keys.push_back(json::value(k));
      statement["Condition"] = json::object{
          {"ForAllValues:StringLike", json::object{{"dynamodb:LeadingKeys", std::move(keys)}}}};
    }
    statements.push_back(std::move(statement));
  }
  json::object policy{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
  return json::serialize(policy) + "\n";
}

}  // namespace issuetracker::cli
