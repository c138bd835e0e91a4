#include "tenancy/lifecycle.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tenancy/provision.h"
#include "tenancy/schema_names.h"
#include "tests/backend_factory.h"

namespace issuetracker::tenancy {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;

constexpr int64_t kQuarantine = 60'000'000;

Item Record(Tier tier) {
  return Item{{std::string(attr::kCompanyTier), AttributeValue::S(std::string(TierName(tier)))},
              {"company_name", AttributeValue::S("Acme")}};
}

class LifecycleTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string unavailable;
    backend_ = testing::MakeBackend(GetParam(), dir_.path(), &unavailable);
    if (!backend_) GTEST_SKIP() << unavailable;
    ASSERT_TRUE(Provisioner(*backend_, catalog_).ProvisionAll().ok());
    lifecycle_ = std::make_unique<CompanyLifecycle>(*backend_, catalog_, clock_,
                                                    LifecycleOptions{kQuarantine, 10});
  }

  std::optional<Item> RecordOf(const CompanyId& company) {
    auto got = backend_->GetItem({layout_.SystemTableName(SystemTable::kCompanyManagement).str(),
                                  layout_.CompanyKey(company), true});
    EXPECT_TRUE(got.ok());
    return got.ok() ? got->item : std::nullopt;
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  Layout layout_{SchemaConfig{}};
  SchemaCatalog catalog_{layout_};
  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<CompanyLifecycle> lifecycle_;
  AdminAccess admin_ = AdminAccess::Grant("lifecycle_test");
  CompanyId acme_ = CompanyId::Parse("ACME").value();
};

INSTANTIATE_TEST_SUITE_P(Backends, LifecycleTest, ::testing::Values(testing::TestBackendKind()));

TEST_P(LifecycleTest, RegisterGivesANewIncarnationAndRefusesATakenId) {
  auto scope = lifecycle_->Register(admin_, acme_, Tier::kBasic, Record(Tier::kBasic));
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  EXPECT_EQ(scope->incarnation().size(), 32u);
  auto state = LoadCompanyState(*backend_, layout_, acme_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->state, LifecycleState::kActive);
  EXPECT_EQ(state->incarnation, scope->incarnation());
  // The registration's time is on the record, from the same write.
  EXPECT_EQ(state->registered_at_micros, clock_.NowMicros());
  EXPECT_EQ(RecordOf(acme_)->at("registered_at"),
            AttributeValue::S(FormatUtcMicros(clock_.NowMicros())));
  EXPECT_EQ(RecordOf(acme_)->at("company_name"), AttributeValue::S("Acme"));
  auto again = lifecycle_->Register(admin_, acme_, Tier::kPremium, Record(Tier::kPremium));
  EXPECT_EQ(again.status().code(), Code::kConflict);
  // A record that names no tier, or lifecycle fields of its own, is refused.
  for (std::string_view field : {attr::kIncarnation, attr::kRegisteredAt}) {
    Item forged = Record(Tier::kBasic);
    forged[std::string(field)] = AttributeValue::S("mine");
    EXPECT_EQ(lifecycle_->Register(admin_, CompanyId::Parse("OTHER").value(), Tier::kBasic, forged)
                  .status()
                  .code(),
              Code::kValidation)
        << field;
  }
  EXPECT_EQ(lifecycle_
                ->Register(admin_, CompanyId::Parse("OTHER").value(), Tier::kPremium,
                           Record(Tier::kBasic))
                .status()
                .code(),
            Code::kValidation);
}

TEST(UtcMicrosTest, ParsesExactlyWhatItFormats) {
  for (int64_t micros : {int64_t{0}, int64_t{1'700'000'000'123'456}, int64_t{951'782'400'000'000},
                         int64_t{253'402'300'799'999'999}}) {
    EXPECT_EQ(ParseUtcMicros(FormatUtcMicros(micros)), micros) << FormatUtcMicros(micros);
  }
  for (std::string_view bad :
       {"", "2024-01-15", "2024-01-15T14:30:00Z", "2024-01-15T14:30:00.123456",
        "2024-02-30T00:00:00.000000Z", "2024-13-01T00:00:00.000000Z", "2024-01-15 14:30:00.123456Z",
        "2024-01-15T14:30:00.12345xZ", "+024-01-15T14:30:00.123456Z"}) {
    EXPECT_EQ(ParseUtcMicros(bad), std::nullopt) << bad;
  }
}

TEST_P(LifecycleTest, MalformedRegistrationTimeIsCorruption) {
  ASSERT_TRUE(lifecycle_->Register(admin_, acme_, Tier::kBasic, Record(Tier::kBasic)).ok());
  dynamo::UpdateItemRequest update;
  update.table_name = layout_.SystemTableName(SystemTable::kCompanyManagement).str();
  update.key = layout_.CompanyKey(acme_);
  update.update_expression = "SET registered_at = :r";
  update.expression_attribute_values[":r"] = AttributeValue::S("yesterday");
  ASSERT_TRUE(backend_->UpdateItem(update).ok());
  EXPECT_EQ(LoadCompanyState(*backend_, layout_, acme_).status().code(), Code::kCorruption);
}

TEST_P(LifecycleTest, OffboardingRetiresTheIdForTheQuarantine) {
  auto first = lifecycle_->Register(admin_, acme_, Tier::kPremium, Record(Tier::kPremium));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(lifecycle_->Offboard(admin_, acme_).ok());
  // The tombstone keeps the state, the last incarnation and tier, and the dates only.
  auto tombstone = RecordOf(acme_);
  ASSERT_TRUE(tombstone.has_value());
  std::set<std::string> names;
  for (const auto& [name, value] : *tombstone) names.insert(name);
  EXPECT_EQ(names,
            (std::set<std::string>{"company_id", "company_tier", "incarnation", "lifecycle_state",
                                   "offboarding_started", "retired_date"}));
  EXPECT_EQ(tombstone->at("lifecycle_state"), AttributeValue::S("retired"));
  // Offboarding again is a no-op; a context cannot be had.
  EXPECT_TRUE(lifecycle_->Offboard(admin_, acme_).ok());
  EXPECT_EQ(admin_.ContextFor(*backend_, layout_, acme_).status().code(), Code::kConflict);
  // Not before the quarantine has passed...
  clock_.AdvanceMicros(kQuarantine - 1'000'000);
  auto early = lifecycle_->Register(admin_, acme_, Tier::kBasic, Record(Tier::kBasic));
  EXPECT_EQ(early.status().code(), Code::kConflict);
  EXPECT_NE(early.status().message().find("quarantine"), std::string::npos);
  // ...then with a new incarnation.
  clock_.AdvanceMicros(2'000'000);
  auto second = lifecycle_->Register(admin_, acme_, Tier::kBasic, Record(Tier::kBasic));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->incarnation(), first->incarnation());
  auto ctx = admin_.ContextFor(*backend_, layout_, acme_);
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ(ctx->scope(), *second);
}

TEST_P(LifecycleTest, OnboardingBelongsToItsRegistrar) {
  auto scope = lifecycle_->Register(admin_, acme_, Tier::kPlatinum, Record(Tier::kPlatinum),
                                    /*activate=*/false);
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  EXPECT_EQ(admin_.ContextFor(*backend_, layout_, acme_).status().code(), Code::kConflict);
  EXPECT_EQ(lifecycle_->Offboard(admin_, acme_).code(), Code::kConflict);
  // A bulk load of an existing company reopens it (same incarnation) and activates it.
  auto reopened = lifecycle_->ReopenForBulkLoad(admin_, acme_, Tier::kPlatinum);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*reopened, *scope);
  EXPECT_EQ(lifecycle_->ReopenForBulkLoad(admin_, acme_, Tier::kBasic).status().code(),
            Code::kConflict);
  ASSERT_TRUE(lifecycle_->Activate(admin_, *scope).ok());
  EXPECT_EQ(lifecycle_->Activate(admin_, *scope).code(), Code::kConflict);
  ASSERT_TRUE(admin_.ContextFor(*backend_, layout_, acme_).ok());
  // An abandoned onboarding can be offboarded when said so.
  auto other = lifecycle_->Register(admin_, CompanyId::Parse("HALF").value(), Tier::kPlatinum,
                                    Record(Tier::kPlatinum), /*activate=*/false);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(lifecycle_
                  ->Offboard(admin_, CompanyId::Parse("HALF").value(),
                             OffboardOptions{.abandon_onboarding = true})
                  .ok());
  EXPECT_FALSE(backend_->DescribeTable({"IssueTracker-Issues-HALF"}).ok());
}

TEST_P(LifecycleTest, TierChangesStayWithinThePooledTables) {
  ASSERT_TRUE(lifecycle_->Register(admin_, acme_, Tier::kBasic, Record(Tier::kBasic)).ok());
  EXPECT_EQ(lifecycle_->ChangePooledTier(admin_, acme_, Tier::kBasic, Tier::kPlatinum).code(),
            Code::kValidation);
  EXPECT_EQ(lifecycle_->ChangePooledTier(admin_, acme_, Tier::kPremium, Tier::kBasic).code(),
            Code::kConflict);
  ASSERT_TRUE(lifecycle_->ChangePooledTier(admin_, acme_, Tier::kBasic, Tier::kPremium).ok());
  auto ctx = admin_.ContextFor(*backend_, layout_, acme_);
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ(ctx->tier(), Tier::kPremium);
}

TEST_P(LifecycleTest, RecordsFromBeforeTheLifecycleAreAdopted) {
  // A record as seeding wrote it before issue 11: no lifecycle_state, no incarnation.
  ASSERT_TRUE(backend_
                  ->PutItem({layout_.SystemTableName(SystemTable::kCompanyManagement).str(),
                             Item{{"company_id", AttributeValue::S("ACME")},
                                  {"company_tier", AttributeValue::S("Basic")}}})
                  .ok());
  auto ctx = admin_.ContextFor(*backend_, layout_, acme_);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->scope().incarnation().size(), 32u);
  auto again = admin_.ContextFor(*backend_, layout_, acme_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->scope(), ctx->scope());  // adopted once
}

TEST_P(LifecycleTest, ConcurrentOffboardingsBothFinish) {
  ASSERT_TRUE(lifecycle_->Register(admin_, acme_, Tier::kPlatinum, Record(Tier::kPlatinum)).ok());
  Status a, b;
  std::thread t1([&] { a = lifecycle_->Offboard(admin_, acme_); });
  std::thread t2([&] { b = lifecycle_->Offboard(admin_, acme_); });
  t1.join();
  t2.join();
  EXPECT_TRUE(a.ok()) << a.ToString();
  EXPECT_TRUE(b.ok()) << b.ToString();
  EXPECT_EQ(LoadCompanyState(*backend_, layout_, acme_)->state, LifecycleState::kRetired);
  EXPECT_FALSE(backend_->DescribeTable({"IssueTracker-Users-ACME"}).ok());
}

}  // namespace
}  // namespace issuetracker::tenancy
