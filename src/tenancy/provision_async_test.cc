// Provisioning against a control plane that behaves as DynamoDB's does: CreateTable returns
// at once with the table CREATING, DescribeTable may not see a new table for a moment, and
// point-in-time recovery cannot be enabled until the new table's backups are set up.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/store_util.h"
#include "tests/backend_factory.h"
#include "tests/forwarding_backend.h"

namespace issuetracker::tenancy {
namespace {

// The engine behind a DynamoDB-like asynchronous control plane: a new table is invisible to
// the first DescribeTable, then CREATING for the next `creating_polls` ones; enabling
// point-in-time recovery fails with ContinuousBackupsUnavailableException once per table.
class AsyncControlPlane : public testing::ForwardingBackend {
 public:
  AsyncControlPlane(dynamo::Backend* engine, int creating_polls)
      : ForwardingBackend(engine, {}), creating_polls_(creating_polls) {}

  Result<dynamo::CreateTableResponse> CreateTable(const dynamo::CreateTableRequest& r) override {
    auto created = ForwardingBackend::CreateTable(r);
    if (created.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      polls_left_[r.table_name] = creating_polls_ + 1;
      pitr_refusals_[r.table_name] = 1;
      created->table_description.table_status = dynamo::TableStatus::kCreating;
    }
    return created;
  }
  Result<dynamo::DescribeTableResponse> DescribeTable(
      const dynamo::DescribeTableRequest& r) override {
    int left = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++describes_;
      if (auto it = polls_left_.find(r.table_name); it != polls_left_.end() && it->second > 0) {
        left = it->second--;
      }
    }
    if (left > creating_polls_) return Status::ResourceNotFound("Requested resource not found");
    auto d = ForwardingBackend::DescribeTable(r);
    if (d.ok() && left > 0) {
      d->table.table_status = dynamo::TableStatus::kCreating;
      for (auto& g : d->table.global_secondary_indexes)
        g.index_status = dynamo::IndexStatus::kCreating;
    }
    return d;
  }
  Result<dynamo::UpdateContinuousBackupsResponse> UpdateContinuousBackups(
      const dynamo::UpdateContinuousBackupsRequest& r) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pitr_refusals_[r.table_name]-- > 0) {
        return Status(Code::kContinuousBackupsUnavailable,
                      "Backups are being enabled for the table: " + r.table_name);
      }
    }
    return ForwardingBackend::UpdateContinuousBackups(r);
  }
  int describes() {
    std::lock_guard<std::mutex> lock(mu_);
    return describes_;
  }

 private:
  const int creating_polls_;
  std::mutex mu_;
  std::map<std::string, int> polls_left_;
  std::map<std::string, int> pitr_refusals_;
  int describes_ = 0;
};

TEST(ProvisionAsyncTest, WaitsForActiveTablesThenEnablesRecovery) {
  testing::TempDir dir;
  std::string unavailable;
  auto engine = testing::MakeBackend("embedded", dir.path(), &unavailable);
  AsyncControlPlane backend(engine.get(), 2);
  Layout layout(SchemaConfig{});
  SchemaCatalog catalog(layout);
  Provisioner provisioner(backend, catalog);
  ProvisionReport report = provisioner.ProvisionAll();
  ASSERT_TRUE(report.ok()) << report.ToString();
  ASSERT_EQ(report.tables.size(), 7u);
  for (const TableOutcome& t : report.tables) {
    EXPECT_EQ(t.state, TableOutcome::State::kCreated) << t.table;
    auto d = engine->DescribeTable({t.table});
    ASSERT_TRUE(d.ok());
    bool pitr_wanted = t.table != layout.SystemTableName(SystemTable::kCompanyStackMapping).str();
    bool enabled = false;
    for (const std::string& note : t.notes)
      enabled |= note == "point-in-time recovery: enabled now";
    EXPECT_EQ(enabled, pitr_wanted) << report.ToString();
  }
  // Every table was polled through its CREATING phase (not taken for ACTIVE at once).
  EXPECT_GE(backend.describes(), 7 * 4);
}

TEST(ProvisionAsyncTest, WaitReportsProgressAndTimesOut) {
  testing::TempDir dir;
  std::string unavailable;
  auto engine = testing::MakeBackend("embedded", dir.path(), &unavailable);
  AsyncControlPlane backend(engine.get(), 1'000'000);  // never ACTIVE
  ASSERT_TRUE(backend
                  .CreateTable([] {
                    dynamo::CreateTableRequest r;
                    r.table_name = "Slow";
                    r.attribute_definitions = {{"id", dynamo::ScalarType::kS}};
                    r.key_schema = {{"id", dynamo::KeyType::kHash}};
                    r.billing_mode = dynamo::BillingMode::kPayPerRequest;
                    return r;
                  }())
                  .ok());
  std::vector<std::string> lines;
  Status s = WaitForTableActive(backend, "Slow", 6'500,
                                [&lines](std::string_view line) { lines.emplace_back(line); });
  EXPECT_EQ(s.code(), Code::kResourceInUse);
  EXPECT_NE(s.message().find("did not become ACTIVE within 6 s: table CREATING"), std::string::npos)
      << s.message();
  ASSERT_GE(lines.size(), 1u);
  EXPECT_NE(lines[0].find("Slow: table CREATING ("), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace issuetracker::tenancy
