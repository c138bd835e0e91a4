#include "tests/suite_util.h"

#include <chrono>
#include <thread>

namespace issuetracker::testing {

Item MakeItem(std::initializer_list<std::pair<std::string, AttributeValue>> attrs) {
  Item item;
  for (const auto& [k, v] : attrs) item.emplace(k, v);
  return item;
}

namespace {
void Define(dynamo::CreateTableRequest* r, const std::string& name, dynamo::ScalarType type) {
  for (const auto& d : r->attribute_definitions) {
    if (d.attribute_name == name) return;
  }
  r->attribute_definitions.push_back({name, type});
}
}  // namespace

dynamo::CreateTableRequest TableRequest(const std::string& name, const std::string& hash,
                                        dynamo::ScalarType hash_type, const std::string& range,
                                        dynamo::ScalarType range_type) {
  dynamo::CreateTableRequest r;
  r.table_name = name;
  r.billing_mode = dynamo::BillingMode::kPayPerRequest;
  Define(&r, hash, hash_type);
  r.key_schema.push_back({hash, dynamo::KeyType::kHash});
  if (!range.empty()) {
    Define(&r, range, range_type);
    r.key_schema.push_back({range, dynamo::KeyType::kRange});
  }
  return r;
}

void AddGsi(dynamo::CreateTableRequest* r, const std::string& name, const std::string& hash,
            const std::string& range, dynamo::ProjectionType projection,
            dynamo::ScalarType hash_type, dynamo::ScalarType range_type) {
  dynamo::GlobalSecondaryIndex gsi;
  gsi.index_name = name;
  Define(r, hash, hash_type);
  gsi.key_schema.push_back({hash, dynamo::KeyType::kHash});
  if (!range.empty()) {
    Define(r, range, range_type);
    gsi.key_schema.push_back({range, dynamo::KeyType::kRange});
  }
  gsi.projection.projection_type = projection;
  r->global_secondary_indexes.push_back(std::move(gsi));
}

void AddLsi(dynamo::CreateTableRequest* r, const std::string& name, const std::string& range,
            dynamo::ProjectionType projection, dynamo::ScalarType range_type,
            std::vector<std::string> non_key_attributes) {
  dynamo::LocalSecondaryIndex lsi;
  lsi.index_name = name;
  Define(r, range, range_type);
  lsi.key_schema.push_back({r->key_schema[0].attribute_name, dynamo::KeyType::kHash});
  lsi.key_schema.push_back({range, dynamo::KeyType::kRange});
  lsi.projection.projection_type = projection;
  lsi.projection.non_key_attributes = std::move(non_key_attributes);
  r->local_secondary_indexes.push_back(std::move(lsi));
}

dynamo::CreateTableRequest IssuesPooledRequest(const std::string& name) {
  auto r = TableRequest(name, "company_issue_id");
  AddGsi(&r, "CompanyStatusIndex", "company_id", "status");
  AddGsi(&r, "AssigneeIndex", "company_id", "assigned_user");
  AddGsi(&r, "TeamIndex", "company_id", "assigned_team");
  AddGsi(&r, "PriorityIndex", "company_id", "priority");
  return r;
}

void BackendTest::Create(const dynamo::CreateTableRequest& r) {
  auto result = backend_->CreateTable(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  WaitActive(r.table_name);
}

void BackendTest::WaitActive(const std::string& table) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto d = backend_->DescribeTable({table});
    // Right after CreateTable, DynamoDB may not list the table yet (eventual consistency).
    if (!d.ok() && d.status().Is(Code::kResourceNotFound) &&
        std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    bool active = d->table.table_status == dynamo::TableStatus::kActive;
    for (const auto& g : d->table.global_secondary_indexes) {
      active = active && g.index_status == dynamo::IndexStatus::kActive;
    }
    if (active) return;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << table << " is not ACTIVE";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void BackendTest::WaitGone(const std::string& table) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (backend_->DescribeTable({table}).ok()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << table << " is not deleted";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void BackendTest::Put(const std::string& table, Item item) {
  dynamo::PutItemRequest r;
  r.table_name = table;
  r.item = std::move(item);
  auto result = backend_->PutItem(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
}

std::optional<Item> BackendTest::Get(const std::string& table, Item key, bool consistent) {
  dynamo::GetItemRequest r;
  r.table_name = table;
  r.key = std::move(key);
  r.consistent_read = consistent;
  auto result = backend_->GetItem(r);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? result->item : std::nullopt;
}

}  // namespace issuetracker::testing
