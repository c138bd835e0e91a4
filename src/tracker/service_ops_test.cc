// The data-layer operations added for the REST service (issue 14): contexts resumed from a
// verified credential (Authenticator::Resume), team and comment edits, API key records
// and idempotency records, on a pooled and a silo company.
#include <gtest/gtest.h>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tests/backend_factory.h"
#include "tracker/tracker.h"
#include "tracker/tracker_test_util.h"

namespace issuetracker::tracker {
namespace {

using tenancy::AdminAccess;
using tenancy::TenantContext;

class ServiceOpsTest : public ::testing::TestWithParam<Tier> {
 protected:
  void SetUp() override {
    backend_ = testing::MakeTestBackend(dir_.path());
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
    tracker_ = std::make_unique<Tracker>(*backend_, layout_);
    ASSERT_OK(tracker_->companies().Create(admin_, NewCompany{.company_id = company_,
                                                              .company_name = "Acme",
                                                              .tier = GetParam(),
                                                              .contact_email = Email("r@acme.com"),
                                                              .max_users = 8}));
    auto admin_ctx = admin_.ContextFor(*backend_, layout_, company_);
    ASSERT_OK(admin_ctx);
    admin_ctx_ = std::make_unique<TenantContext>(std::move(admin_ctx).value());
    for (auto [email, role] : {std::pair{"root@acme.com", Role::kRootUser},
                               {"admin@acme.com", Role::kAdmin},
                               {"alice@acme.com", Role::kUser},
                               {"bob@acme.com", Role::kUser}}) {
      ASSERT_OK(tracker_->users().Create(*admin_ctx_, {Email(email), "N", role}));
    }
  }

  TenantContext As(std::string_view email, Role role) {
    auto ctx = tracker_->auth().Resume({Email(email), company_}, role);
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    return std::move(ctx).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  AdminAccess admin_ = AdminAccess::Grant("service ops test");
  CompanyId company_ = Cid("ACME");
  std::unique_ptr<Tracker> tracker_;
  std::unique_ptr<TenantContext> admin_ctx_;
};

TEST_P(ServiceOpsTest, ResumeNeedsTheStoredRoleAndAnActiveUser) {
  TenantContext alice = As("alice@acme.com", Role::kUser);
  EXPECT_EQ(alice.company_id(), company_);
  EXPECT_EQ(alice.tier(), GetParam());
  // A claimed role that is not the stored one.
  EXPECT_CODE(tracker_->auth().Resume({Email("alice@acme.com"), company_}, Role::kAdmin),
              kUnauthenticated);
  // Unknown user and unknown company.
  EXPECT_CODE(tracker_->auth().Resume({Email("zed@acme.com"), company_}, Role::kUser),
              kUnauthenticated);
  EXPECT_CODE(tracker_->auth().Resume({Email("alice@acme.com"), Cid("OTHER")}, Role::kUser),
              kUnauthenticated);
  // Demoted and disabled users: the resumed context fails at once (this process changed
  // them, so its cache was dropped).
  TenantContext admin = As("admin@acme.com", Role::kAdmin);
  ASSERT_OK(tracker_->users().ChangeRole(*admin_ctx_, Email("admin@acme.com"), Role::kUser));
  EXPECT_CODE(tracker_->auth().Resume({Email("admin@acme.com"), company_}, Role::kAdmin),
              kUnauthenticated);
  EXPECT_CODE(tracker_->issues().Create(admin, {.title = "t"}), kUnauthenticated);
  ASSERT_OK(
      tracker_->users().SetStatus(*admin_ctx_, Email("alice@acme.com"), UserStatus::kDisabled));
  EXPECT_CODE(tracker_->auth().Resume({Email("alice@acme.com"), company_}, Role::kUser),
              kUnauthenticated);
  EXPECT_CODE(tracker_->issues().List(alice, IssueQuery::All(), {}), kUnauthenticated);
}

TEST_P(ServiceOpsTest, ResumeAfterOffboardingFails) {
  TenantContext bob = As("bob@acme.com", Role::kUser);
  ASSERT_OK(tracker_->companies().Offboard(admin_, company_));
  EXPECT_CODE(tracker_->auth().Resume({Email("bob@acme.com"), company_}, Role::kUser),
              kUnauthenticated);
  EXPECT_CODE(tracker_->issues().Create(bob, {.title = "t"}), kUnauthenticated);
}

TEST_P(ServiceOpsTest, TeamEdit) {
  TenantContext admin = As("admin@acme.com", Role::kAdmin);
  auto team = tracker_->teams().Create(
      admin, {.team_name = "Backend", .team_lead = Email("admin@acme.com"), .max_members = 3});
  ASSERT_OK(team);
  auto edited = tracker_->teams().Edit(
      admin, team->team_id, team->version,
      {.team_name = "Platform", .description = "APIs", .team_lead = Email("alice@acme.com")});
  ASSERT_OK(edited);
  EXPECT_EQ(edited->team_name, "Platform");
  EXPECT_EQ(edited->team_lead, Email("alice@acme.com"));
  EXPECT_EQ(edited->members.size(), 2u);
  auto read = tracker_->teams().Get(admin, team->team_id);
  ASSERT_OK(read);
  EXPECT_EQ(read->team_name, "Platform");
  EXPECT_EQ(read->description, "APIs");
  EXPECT_EQ(read->version, edited->version);
  // Stale version, bad limit, a lead who is no user, a User actor.
  EXPECT_CODE(tracker_->teams().Edit(admin, team->team_id, team->version, {.team_name = "X"}),
              kConflict);
  EXPECT_CODE(tracker_->teams().Edit(admin, team->team_id, read->version, {.max_members = 1}),
              kValidation);
  EXPECT_CODE(tracker_->teams().Edit(admin, team->team_id, read->version,
                                     {.team_lead = Email("ghost@acme.com")}),
              kValidation);
  EXPECT_CODE(tracker_->teams().Edit(As("bob@acme.com", Role::kUser), team->team_id, read->version,
                                     {.team_name = "Y"}),
              kForbidden);
}

TEST_P(ServiceOpsTest, CommentEditByItsAuthorOnly) {
  TenantContext alice = As("alice@acme.com", Role::kUser);
  auto issue = tracker_->issues().Create(alice, {.title = "Bug"});
  ASSERT_OK(issue);
  auto comment = tracker_->comments().Add(alice, issue->issue_id, {.content = "first"});
  ASSERT_OK(comment);
  auto edited = tracker_->comments().Edit(
      alice, *comment, {.content = "second", .mentions = std::vector{Email("bob@acme.com")}});
  ASSERT_OK(edited);
  auto read = tracker_->comments().Get(alice, issue->issue_id, comment->comment_id);
  ASSERT_OK(read);
  EXPECT_EQ(read->content, "second");
  ASSERT_EQ(read->mentions.size(), 1u);
  // As read before the edit: stale.
  EXPECT_CODE(tracker_->comments().Edit(alice, *comment, {.content = "third"}), kConflict);
  EXPECT_CODE(tracker_->comments().Edit(As("admin@acme.com", Role::kAdmin), *read,
                                        {.content = "not yours"}),
              kForbidden);
  EXPECT_CODE(
      tracker_->comments().Edit(alice, *read, {.mentions = std::vector{Email("ghost@acme.com")}}),
      kValidation);
  EXPECT_CODE(tracker_->comments().Edit(alice, *read, {.content = ""}), kValidation);
}

TEST_P(ServiceOpsTest, ApiKeysAreFiledUnderTheTierAndRevocable) {
  TenantContext root = As("root@acme.com", Role::kRootUser);
  auto key = tracker_->api_keys().Create(
      root, {.key_id = "0123456789abcdef", .key_hash = "hmac-sha256:00", .name = "ci"});
  ASSERT_OK(key);
  EXPECT_EQ(key->tier, GetParam());
  EXPECT_EQ(key->created_by, Email("root@acme.com"));
  auto found = tracker_->api_keys().Find("0123456789abcdef");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->key_hash, "hmac-sha256:00");
  EXPECT_EQ((*found)->incarnation, root.scope().incarnation());
  EXPECT_CODE(tracker_->api_keys().Create(
                  root, {.key_id = "0123456789abcdef", .key_hash = "h", .name = "again"}),
              kConflict);
  EXPECT_CODE(tracker_->api_keys().Create(root, {.key_id = "XYZ", .key_hash = "h", .name = "n"}),
              kValidation);
  EXPECT_CODE(
      tracker_->api_keys().Create(As("admin@acme.com", Role::kAdmin),
                                  {.key_id = "0123456789abcdee", .key_hash = "h", .name = "n"}),
      kForbidden);
  auto list = tracker_->api_keys().List(root);
  ASSERT_OK(list);
  EXPECT_EQ(list->size(), 1u);
  auto revoked = tracker_->api_keys().Revoke(root, "0123456789abcdef");
  ASSERT_OK(revoked);
  EXPECT_TRUE(revoked->revoked);
  found = tracker_->api_keys().Find("0123456789abcdef");
  ASSERT_OK(found);
  EXPECT_TRUE((*found)->revoked);
  EXPECT_CODE(tracker_->api_keys().Revoke(root, "fedcba9876543210"), kNotFound);
  EXPECT_FALSE(tracker_->api_keys().Find("fedcba9876543210")->has_value());
  // Offboarding removes the company's key records.
  ASSERT_OK(tracker_->companies().Offboard(admin_, company_));
  found = tracker_->api_keys().Find("0123456789abcdef");
  ASSERT_OK(found);
  EXPECT_FALSE(found->has_value());
}

TEST_P(ServiceOpsTest, IdempotencyRecordsReserveCompleteRelease) {
  TenantContext alice = As("alice@acme.com", Role::kUser);
  IdempotencyRepository& idem = tracker_->idempotency();
  auto first = idem.Reserve(alice, "key-1", "hash-a");
  ASSERT_OK(first);
  EXPECT_FALSE(first->has_value());
  // A second request with the key while the first runs.
  auto second = idem.Reserve(alice, "key-1", "hash-a");
  ASSERT_OK(second);
  ASSERT_TRUE(second->has_value());
  EXPECT_FALSE((*second)->completed);
  ASSERT_TRUE(idem.Complete(alice, "key-1", "hash-a",
                            {.status = 201, .body = "{}", .location = "/v1/issues/ISS-001"})
                  .ok());
  auto replay = idem.Reserve(alice, "key-1", "hash-a");
  ASSERT_OK(replay);
  ASSERT_TRUE(replay->has_value());
  EXPECT_TRUE((*replay)->completed);
  EXPECT_EQ((*replay)->status, 201);
  EXPECT_EQ((*replay)->location, "/v1/issues/ISS-001");
  // Another user's key of the same name is another record.
  TenantContext bob = As("bob@acme.com", Role::kUser);
  auto bobs = idem.Reserve(bob, "key-1", "hash-b");
  ASSERT_OK(bobs);
  EXPECT_FALSE(bobs->has_value());
  ASSERT_TRUE(idem.Release(bob, "key-1", "hash-b").ok());
  auto again = idem.Reserve(bob, "key-1", "hash-b");
  ASSERT_OK(again);
  EXPECT_FALSE(again->has_value());
  EXPECT_CODE(idem.Reserve(bob, "bad key/with#", "h"), kValidation);
  // Offboarding removes the records.
  ASSERT_OK(tracker_->companies().Offboard(admin_, company_));
  auto left = backend_->Query(layout_.IdempotencyRecordsQuery(company_));
  ASSERT_OK(left);
  EXPECT_TRUE(left->items.empty());
}

TEST_P(ServiceOpsTest, ExpiredIdempotencyRecordsAreIgnored) {
  ManualClock clock(SystemClock::Default()->NowMicros());
  Tracker tracker(*backend_, layout_, clock);
  auto alice = tracker.auth().Resume({Email("alice@acme.com"), company_}, Role::kUser);
  ASSERT_OK(alice);
  IdempotencyRepository& idem = tracker.idempotency();
  ASSERT_OK(idem.Reserve(*alice, "k", "h1"));
  // The lease of a request that never completed runs out: the key is free again.
  clock.AdvanceMicros(61'000'000);
  auto after_lease = idem.Reserve(*alice, "k", "h2");
  ASSERT_OK(after_lease);
  EXPECT_FALSE(after_lease->has_value());
  ASSERT_TRUE(idem.Complete(*alice, "k", "h2", {.status = 201}).ok());
  clock.AdvanceMicros(23 * 3600 * 1'000'000LL);
  auto kept = idem.Reserve(*alice, "k", "h3");
  ASSERT_OK(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->request_hash, "h2");
  // A day after completion the record is ignored and overwritten.
  clock.AdvanceMicros(2 * 3600 * 1'000'000LL);
  auto expired = idem.Reserve(*alice, "k", "h3");
  ASSERT_OK(expired);
  EXPECT_FALSE(expired->has_value());
}

TEST_P(ServiceOpsTest, ApiCallsAreAddedInBatches) {
  TenantContext alice = As("alice@acme.com", Role::kUser);
  auto before = tracker_->companies().Get(alice);
  ASSERT_OK(before);
  auto after = tracker_->companies().AddApiCalls(alice, 42);
  ASSERT_OK(after);
  EXPECT_EQ(after->api_calls_used, before->api_calls_used + 42);
  // Past the quota too: these calls were already admitted.
  auto past = tracker_->companies().AddApiCalls(alice, after->monthly_quota + 1);
  ASSERT_OK(past);
  EXPECT_GT(past->api_calls_used, past->monthly_quota);
  ASSERT_OK(tracker_->companies().Offboard(admin_, company_));
  EXPECT_CODE(tracker_->companies().AddApiCalls(alice, 1), kUnauthenticated);
}

INSTANTIATE_TEST_SUITE_P(Tiers, ServiceOpsTest, ::testing::Values(Tier::kBasic, Tier::kPlatinum),
                         [](const auto& info) {
                           return std::string(tenancy::TierName(info.param));
                         });

}  // namespace
}  // namespace issuetracker::tracker
