#include "tenancy/schema.h"

#include <algorithm>

#include "dynamo/wire_names.h"
#include "tenancy/schema_names.h"

namespace issuetracker::tenancy {

using dynamo::KeyType;

namespace {

IndexSpec Gsi(std::string_view name, std::string_view pk,
              std::optional<std::string_view> sk = std::nullopt) {
  IndexSpec spec{std::string(name), std::string(pk), std::nullopt};
  if (sk) spec.sort_key = std::string(*sk);
  return spec;
}

TableSpec Table(TableName name, std::string_view pk, std::optional<std::string_view> sk,
                std::vector<IndexSpec> indexes, bool pitr) {
  TableSpec spec{std::move(name), std::string(pk), std::nullopt, std::move(indexes), pitr};
  if (sk) spec.sort_key = std::string(*sk);
  return spec;
}

std::vector<dynamo::KeySchemaElement> KeySchema(const std::string& pk,
                                                const std::optional<std::string>& sk) {
  std::vector<dynamo::KeySchemaElement> keys{{pk, KeyType::kHash}};
  if (sk) keys.push_back({*sk, KeyType::kRange});
  return keys;
}

std::string DescribeKeys(const std::vector<dynamo::KeySchemaElement>& keys) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ", ";
    out += k.attribute_name;
    out += " (";
    out += dynamo::ToWire(k.key_type);
    out += ")";
  }
  return out.empty() ? "none" : out;
}

void CompareIndexes(const TableSpec& spec, const dynamo::TableDescription& table,
                    std::vector<std::string>* drift) {
  for (const IndexSpec& want : spec.indexes) {
    auto it =
        std::find_if(table.global_secondary_indexes.begin(), table.global_secondary_indexes.end(),
                     [&](const auto& g) { return g.index_name == want.name; });
    if (it == table.global_secondary_indexes.end()) {
      drift->push_back("index " + want.name + " is missing");
      continue;
    }
    auto want_keys = KeySchema(want.partition_key, want.sort_key);
    if (it->key_schema != want_keys) {
      drift->push_back("index " + want.name + " has keys " + DescribeKeys(it->key_schema) +
                       ", expected " + DescribeKeys(want_keys));
    }
    if (it->projection.projection_type != want.projection) {
      drift->push_back("index " + want.name + " projects " +
                       std::string(dynamo::ToWire(it->projection.projection_type)) + ", expected " +
                       std::string(dynamo::ToWire(want.projection)));
    }
  }
  for (const auto& g : table.global_secondary_indexes) {
    bool known = std::any_of(spec.indexes.begin(), spec.indexes.end(),
                             [&](const IndexSpec& s) { return s.name == g.index_name; });
    if (!known) drift->push_back("unexpected index " + g.index_name);
  }
}

void CompareKeyTypes(const TableSpec& spec, const dynamo::TableDescription& table,
                     std::vector<std::string>* drift) {
  std::vector<std::string> key_attributes{spec.partition_key};
  if (spec.sort_key) key_attributes.push_back(*spec.sort_key);
  for (const IndexSpec& index : spec.indexes) {
    key_attributes.push_back(index.partition_key);
    if (index.sort_key) key_attributes.push_back(*index.sort_key);
  }
  for (const std::string& name : key_attributes) {
    for (const auto& def : table.attribute_definitions) {
      if (def.attribute_name == name && def.attribute_type != dynamo::ScalarType::kS) {
        drift->push_back("key attribute " + name + " has type " +
                         std::string(dynamo::ToWire(def.attribute_type)) + ", expected S");
      }
    }
  }
}

}  // namespace

std::vector<TableSpec> SchemaCatalog::ServiceTables() const {
  TableSpec idempotency = Table(layout_.SystemTableName(SystemTable::kIdempotencyKeys),
                                attr::kCompanyId, attr::kIdempotencyKey, {}, false);
  idempotency.time_to_live_attribute = std::string(attr::kExpiresAt);
  return {std::move(idempotency)};
}

std::vector<TableSpec> SchemaCatalog::SharedTables() const {
  const Layout& l = layout_;
  std::vector<TableSpec> tables;
  tables.push_back(Table(l.SystemTableName(SystemTable::kCompanyManagement), attr::kCompanyId,
                         std::nullopt, {}, true));
  tables.push_back(Table(l.SystemTableName(SystemTable::kCompanyStackMapping), attr::kCompanyId,
                         attr::kStackName, {}, false));
  tables.push_back(
      Table(l.SystemTableName(SystemTable::kApiKeys), attr::kTierName, attr::kKeyId, {}, true));
  tables.push_back(Table(l.PooledTableName(Entity::kIssue), attr::kCompanyIssueId, std::nullopt,
                         {Gsi(index::kCompanyStatus, attr::kCompanyId, attr::kStatus),
                          Gsi(index::kAssignee, attr::kCompanyId, attr::kAssignedUser),
                          Gsi(index::kTeam, attr::kCompanyId, attr::kAssignedTeam),
                          Gsi(index::kPriority, attr::kCompanyId, attr::kPriority)},
                         true));
  tables.push_back(Table(l.PooledTableName(Entity::kTeam), attr::kCompanyTeamId, std::nullopt,
                         {Gsi(index::kCompany, attr::kCompanyId, attr::kCreatedDate),
                          Gsi(index::kTeamLead, attr::kCompanyId, attr::kTeamLead)},
                         true));
  tables.push_back(Table(l.PooledTableName(Entity::kComment), attr::kCompanyCommentId,
                         attr::kCreatedDate,
                         {Gsi(index::kIssue, attr::kCompanyIssueId, attr::kCreatedDate),
                          Gsi(index::kUser, attr::kCompanyId, attr::kAuthorEmail)},
                         true));
  tables.push_back(Table(
      l.PooledTableName(Entity::kUser), attr::kCompanyUserId, std::nullopt,
      {Gsi(index::kCompany, attr::kCompanyId, attr::kLastLoginDate),
       Gsi(index::kEmail, attr::kEmail), Gsi(index::kRole, attr::kCompanyId, attr::kUserRole)},
      true));
  return tables;
}

std::vector<TableSpec> SchemaCatalog::SiloTables(const CompanyId& company) const {
  const Layout& l = layout_;
  std::vector<TableSpec> tables;
  tables.push_back(Table(l.SiloTableName(Entity::kIssue, company), attr::kIssueId,
                         attr::kCreatedDate,
                         {Gsi(index::kStatus, attr::kStatus, attr::kPriority),
                          Gsi(index::kAssignee, attr::kAssignedUser, attr::kDueDate),
                          Gsi(index::kTeam, attr::kAssignedTeam, attr::kUpdatedDate)},
                         true));
  tables.push_back(Table(l.SiloTableName(Entity::kTeam, company), attr::kTeamId, attr::kCreatedDate,
                         {Gsi(index::kLead, attr::kTeamLead, attr::kCreatedDate),
                          Gsi(index::kStatus, attr::kStatus, attr::kTeamName)},
                         true));
  tables.push_back(Table(l.SiloTableName(Entity::kComment, company), attr::kIssueId,
                         attr::kCreatedDate,
                         {Gsi(index::kAuthor, attr::kAuthorEmail, attr::kCreatedDate)}, true));
  // The spec leaves the silo Users table open; this design serves every query the pooled
  // Users table serves (docs/tenancy.md): the user by e-mail is the primary key, users by
  // company sorted by last login use CompanyIndex (company_id is constant here), users by
  // role use RoleIndex. Login across companies goes through the pooled EmailIndex.
  tables.push_back(Table(l.SiloTableName(Entity::kUser, company), attr::kEmail, std::nullopt,
                         {Gsi(index::kCompany, attr::kCompanyId, attr::kLastLoginDate),
                          Gsi(index::kRole, attr::kUserRole, attr::kEmail)},
                         true));
  return tables;
}

std::vector<dynamo::Tag> SchemaCatalog::Tags() const {
  return {dynamo::Tag{"Project", std::string(kProjectTagValue)},
          dynamo::Tag{"Environment", layout_.config().environment}};
}

dynamo::CreateTableRequest SchemaCatalog::CreateRequest(const TableSpec& spec) const {
  dynamo::CreateTableRequest request;
  request.table_name = spec.name.str();
  request.key_schema = KeySchema(spec.partition_key, spec.sort_key);
  auto define = [&request](const std::string& name) {
    for (const auto& d : request.attribute_definitions) {
      if (d.attribute_name == name) return;
    }
    request.attribute_definitions.push_back({name, dynamo::ScalarType::kS});
  };
  define(spec.partition_key);
  if (spec.sort_key) define(*spec.sort_key);
  for (const IndexSpec& index : spec.indexes) {
    dynamo::GlobalSecondaryIndex gsi;
    gsi.index_name = index.name;
    gsi.key_schema = KeySchema(index.partition_key, index.sort_key);
    gsi.projection.projection_type = index.projection;
    request.global_secondary_indexes.push_back(std::move(gsi));
    define(index.partition_key);
    if (index.sort_key) define(*index.sort_key);
  }
  request.billing_mode = dynamo::BillingMode::kPayPerRequest;
  request.table_class = dynamo::TableClass::kStandard;
  request.tags = Tags();
  return request;
}

std::vector<std::string> CompareTable(const TableSpec& spec,
                                      const dynamo::TableDescription& table) {
  std::vector<std::string> drift;
  auto want_keys = KeySchema(spec.partition_key, spec.sort_key);
  if (table.key_schema != want_keys) {
    drift.push_back("primary key is " + DescribeKeys(table.key_schema) + ", expected " +
                    DescribeKeys(want_keys));
  }
  CompareKeyTypes(spec, table, &drift);
  CompareIndexes(spec, table, &drift);
  dynamo::BillingMode billing = table.billing_mode_summary
                                    ? table.billing_mode_summary->billing_mode
                                    : dynamo::BillingMode::kProvisioned;
  if (billing != dynamo::BillingMode::kPayPerRequest) {
    drift.push_back("billing mode is " + std::string(dynamo::ToWire(billing)) +
                    ", expected PAY_PER_REQUEST");
  }
  if (table.table_class_summary &&
      table.table_class_summary->table_class != dynamo::TableClass::kStandard) {
    drift.push_back("table class is " +
                    std::string(dynamo::ToWire(table.table_class_summary->table_class)) +
                    ", expected STANDARD");
  }
  return drift;
}

}  // namespace issuetracker::tenancy
