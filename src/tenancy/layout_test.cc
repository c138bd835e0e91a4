#include "tenancy/layout.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/fuzz_seed.h"
#include "tenancy/schema_names.h"
#include "tenancy/tenant_context.h"
#include "tests/scope_test_peer.h"

namespace issuetracker::tenancy {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
CompanyId Company(std::string_view id) { return CompanyId::Parse(id).value(); }
UserEmail Email(std::string_view e) { return UserEmail::Parse(e).value(); }
IssueId Issue(std::string_view id) { return IssueId::Parse(id).value(); }
CompanyScope Scope(std::string_view id, Tier tier) {
  return issuetracker::testing::ScopeTestPeer::Make(Company(id), tier);
}
CompanyScope Scope(std::string_view id, Tier tier, std::string incarnation) {
  return issuetracker::testing::ScopeTestPeer::Make(Company(id), tier, std::move(incarnation));
}

class LayoutTest : public ::testing::Test {
 protected:
  Layout layout_{SchemaConfig{}};
  CompanyScope basic_ = Scope("COMPANY001", Tier::kBasic);
  CompanyScope premium_ = Scope("COMPANY002", Tier::kPremium);
  CompanyScope platinum_ = Scope("BIGCORP", Tier::kPlatinum);
  std::vector<std::string> statuses_{"Open", "In Progress", "In Review", "Closed"};

  // DecodePageToken, recording the token as a seed of the "page_token" fuzz target.
  Result<PageCursor> DecodeToken(const CompanyScope& scope, const QueryPlan& plan,
                                 std::string_view token) {
    SaveFuzzSeed("page_token", token);
    return layout_.DecodePageToken(scope, plan, token);
  }
};

TEST_F(LayoutTest, TableNamesFollowTheSpec) {
  EXPECT_EQ(layout_.SystemTableName(SystemTable::kCompanyManagement).str(),
            "IssueTracker-CompanyManagement");
  EXPECT_EQ(layout_.SystemTableName(SystemTable::kCompanyStackMapping).str(),
            "IssueTracker-CompanyStackMapping");
  EXPECT_EQ(layout_.SystemTableName(SystemTable::kApiKeys).str(), "IssueTracker-ApiKeys");
  EXPECT_EQ(layout_.TableFor(basic_, Entity::kIssue).str(), "IssueTracker-Issues-Pooled");
  EXPECT_EQ(layout_.TableFor(premium_, Entity::kTeam).str(), "IssueTracker-Teams-Pooled");
  EXPECT_EQ(layout_.TableFor(basic_, Entity::kComment).str(), "IssueTracker-Comments-Pooled");
  EXPECT_EQ(layout_.TableFor(basic_, Entity::kUser).str(), "IssueTracker-Users-Pooled");
  EXPECT_EQ(layout_.TableFor(platinum_, Entity::kIssue).str(), "IssueTracker-Issues-BIGCORP");
  EXPECT_EQ(layout_.TableFor(platinum_, Entity::kTeam).str(), "IssueTracker-Teams-BIGCORP");
  EXPECT_EQ(layout_.TableFor(platinum_, Entity::kComment).str(), "IssueTracker-Comments-BIGCORP");
  EXPECT_EQ(layout_.TableFor(platinum_, Entity::kUser).str(), "IssueTracker-Users-BIGCORP");
}

TEST_F(LayoutTest, PrefixIsConfigurable) {
  Layout staging(SchemaConfig{"IssueTracker-staging-", "Staging"});
  EXPECT_EQ(staging.TableFor(basic_, Entity::kIssue).str(), "IssueTracker-staging-Issues-Pooled");
  EXPECT_EQ(staging.TableFor(platinum_, Entity::kUser).str(), "IssueTracker-staging-Users-BIGCORP");
  EXPECT_FALSE(ValidateSchemaConfig({"Bad Prefix", "x"}).ok());
  EXPECT_FALSE(ValidateSchemaConfig({"", "x"}).ok());
  EXPECT_FALSE(ValidateSchemaConfig({"Ok-", ""}).ok());
  EXPECT_TRUE(ValidateSchemaConfig({"Ok-", "Production"}).ok());
}

TEST_F(LayoutTest, PooledKeysAreCompositeAndSiloKeysPlain) {
  IssueId iss = Issue("ISS-001");
  EXPECT_EQ(layout_.IssueKey(basic_, iss, "2024-01-15"),
            (Item{{"company_issue_id", S("COMPANY001#ISSUE#ISS-001")}}));
  EXPECT_EQ(layout_.IssueKey(platinum_, iss, "2024-01-15"),
            (Item{{"issue_id", S("ISS-001")}, {"created_date", S("2024-01-15")}}));
  TeamId team = TeamId::Parse("TEAM-002").value();
  EXPECT_EQ(layout_.TeamKey(premium_, team, "d"),
            (Item{{"company_team_id", S("COMPANY002#TEAM#TEAM-002")}}));
  CommentRef ref{iss, CommentId::Parse("CMT-001").value()};
  EXPECT_EQ(layout_.CommentKey(basic_, ref, "2024-01-15T14:30:00Z"),
            (Item{{"company_comment_id", S("COMPANY001#COMMENT#CMT-001")},
                  {"created_date", S("2024-01-15T14:30:00Z")}}));
  EXPECT_EQ(layout_.CommentKey(platinum_, ref, "t"),
            (Item{{"issue_id", S("ISS-001")}, {"created_date", S("t")}}));
  EXPECT_EQ(layout_.UserKey(basic_, Email("user@example.com")),
            (Item{{"company_user_id", S("COMPANY001#USER#user@example.com")}}));
  EXPECT_EQ(layout_.UserKey(platinum_, Email("user@example.com")),
            (Item{{"email", S("user@example.com")}}));
}

TEST_F(LayoutTest, IdentityCarriesCompanyAndIds) {
  Item item = layout_.IssueIdentity(basic_, Issue("ISS-001"), "2024-01-15");
  EXPECT_EQ(item.at("company_id"), S("COMPANY001"));
  EXPECT_EQ(item.at("issue_id"), S("ISS-001"));
  EXPECT_EQ(item.at("created_date"), S("2024-01-15"));
  EXPECT_EQ(layout_.IssueOf(basic_, item).value(), Issue("ISS-001"));

  CommentRef ref{Issue("ISS-001"), CommentId::Parse("CMT-001").value()};
  Item comment = layout_.CommentIdentity(basic_, ref, "2024-01-15T14:30:00Z");
  EXPECT_EQ(comment.at("company_issue_id"), S("COMPANY001#ISSUE#ISS-001"));
  auto back = layout_.CommentOf(basic_, comment);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->issue_id, ref.issue_id);
  EXPECT_EQ(back->comment_id, ref.comment_id);

  Item silo_comment = layout_.CommentIdentity(platinum_, ref, "t");
  EXPECT_EQ(silo_comment.at("issue_id"), S("ISS-001"));
  EXPECT_EQ(layout_.CommentOf(platinum_, silo_comment).value().comment_id, ref.comment_id);
}

TEST_F(LayoutTest, ParsersRejectItemsOfAnotherCompany) {
  Item other = layout_.IssueIdentity(premium_, Issue("ISS-001"), "2024-01-10");
  auto parsed = layout_.IssueOf(basic_, other);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("Isolation"), std::string::npos);
  // A key of one company with another company's company_id attribute.
  Item mixed = other;
  mixed["company_id"] = S("COMPANY001");
  EXPECT_FALSE(layout_.IssueOf(basic_, mixed).ok());
  // A silo item read in a pooled scope and the other way round.
  Item silo = layout_.IssueIdentity(platinum_, Issue("ISS-001"), "t");
  EXPECT_FALSE(layout_.IssueOf(basic_, silo).ok());
  Item user = layout_.UserIdentity(premium_, Email("a@b.com"));
  EXPECT_FALSE(layout_.UserOf(basic_, user).ok());
  EXPECT_FALSE(
      layout_.TeamOf(basic_, layout_.TeamIdentity(premium_, TeamId::FromSequence(1), "d")).ok());
}

TEST_F(LayoutTest, SplitCompositeKey) {
  auto parts = SplitCompositeKey("COMPANY001#ISSUE#ISS-001", kIssueTag);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->first, "COMPANY001");
  EXPECT_EQ(parts->second, "ISS-001");
  EXPECT_FALSE(SplitCompositeKey("COMPANY001#TEAM#TEAM-001", kIssueTag).has_value());
  EXPECT_FALSE(SplitCompositeKey("COMPANY001#ISSUE#ISS-001#X", kIssueTag).has_value());
  EXPECT_FALSE(SplitCompositeKey("#ISSUE#ISS-001", kIssueTag).has_value());
  EXPECT_FALSE(SplitCompositeKey("COMPANY001#ISSUE#", kIssueTag).has_value());
  EXPECT_FALSE(SplitCompositeKey("COMPANY001", kIssueTag).has_value());
}

TEST_F(LayoutTest, PooledPlansUseCompanyPartitionedIndexes) {
  QueryPlan plan = layout_.IssuesByAssignee(basic_, Email("john@techstart.com"));
  ASSERT_EQ(plan.steps.size(), 1u);
  const dynamo::QueryRequest& r = plan.steps[0].request;
  EXPECT_EQ(r.table_name, "IssueTracker-Issues-Pooled");
  EXPECT_EQ(r.index_name.value(), "AssigneeIndex");
  EXPECT_EQ(r.key_condition_expression.value(), "#pk = :pk AND #sk = :sk");
  EXPECT_EQ(r.expression_attribute_names.at("#pk"), "company_id");
  EXPECT_EQ(r.expression_attribute_names.at("#sk"), "assigned_user");
  EXPECT_EQ(r.expression_attribute_values.at(":pk"), S("COMPANY001"));
  EXPECT_EQ(r.expression_attribute_values.at(":sk"), S("john@techstart.com"));

  struct Expect {
    QueryPlan plan;
    std::string table;
    std::string index;
    std::string pk;
  };
  std::vector<Expect> expects;
  expects.push_back({layout_.IssuesByCompany(basic_, statuses_), "IssueTracker-Issues-Pooled",
                     "CompanyStatusIndex", "company_id"});
  expects.push_back({layout_.IssuesByPriority(basic_, "High", statuses_),
                     "IssueTracker-Issues-Pooled", "PriorityIndex", "company_id"});
  expects.push_back({layout_.IssuesByTeam(basic_, TeamId::FromSequence(1)),
                     "IssueTracker-Issues-Pooled", "TeamIndex", "company_id"});
  expects.push_back({layout_.TeamsByCompany(basic_, statuses_), "IssueTracker-Teams-Pooled",
                     "CompanyIndex", "company_id"});
  expects.push_back({layout_.TeamsByLead(basic_, Email("a@b.com")), "IssueTracker-Teams-Pooled",
                     "TeamLeadIndex", "company_id"});
  expects.push_back({layout_.CommentsByIssue(basic_, Issue("ISS-001")),
                     "IssueTracker-Comments-Pooled", "IssueIndex", "company_issue_id"});
  expects.push_back({layout_.CommentsByAuthor(basic_, Email("a@b.com")),
                     "IssueTracker-Comments-Pooled", "UserIndex", "company_id"});
  expects.push_back(
      {layout_.UsersByCompany(basic_), "IssueTracker-Users-Pooled", "CompanyIndex", "company_id"});
  expects.push_back({layout_.UsersByRole(basic_, Role::kAdmin), "IssueTracker-Users-Pooled",
                     "RoleIndex", "company_id"});
  for (const Expect& e : expects) {
    ASSERT_EQ(e.plan.steps.size(), 1u) << e.index;
    const auto& req = e.plan.steps[0].request;
    EXPECT_EQ(req.table_name, e.table);
    EXPECT_EQ(req.index_name.value_or(""), e.index);
    EXPECT_EQ(req.expression_attribute_names.at("#pk"), e.pk);
  }
  QueryPlan comments = layout_.CommentsByIssue(basic_, Issue("ISS-001"));
  EXPECT_EQ(comments.steps[0].request.expression_attribute_values.at(":pk"),
            S("COMPANY001#ISSUE#ISS-001"));
}

TEST_F(LayoutTest, SiloPlansUseTemplateIndexes) {
  QueryPlan all = layout_.IssuesByCompany(platinum_, statuses_);
  ASSERT_EQ(all.steps.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto& r = all.steps[i].request;
    EXPECT_EQ(r.table_name, "IssueTracker-Issues-BIGCORP");
    EXPECT_EQ(r.index_name.value(), "StatusIndex");
    EXPECT_EQ(r.expression_attribute_values.at(":pk"), S(statuses_[i]));
  }
  QueryPlan high = layout_.IssuesByPriority(platinum_, "High", statuses_);
  ASSERT_EQ(high.steps.size(), 4u);
  EXPECT_EQ(high.steps[0].request.expression_attribute_values.at(":sk"), S("High"));
  QueryPlan comments = layout_.CommentsByIssue(platinum_, Issue("ISS-007"));
  EXPECT_FALSE(comments.steps[0].request.index_name.has_value());
  EXPECT_EQ(comments.steps[0].request.expression_attribute_names.at("#pk"), "issue_id");
  QueryPlan by_role = layout_.UsersByRole(platinum_, Role::kSuperAdmin);
  EXPECT_EQ(by_role.steps[0].request.table_name, "IssueTracker-Users-BIGCORP");
  EXPECT_EQ(by_role.steps[0].request.expression_attribute_values.at(":pk"), S("Super Admin"));
  EXPECT_EQ(layout_.TeamsByLead(platinum_, Email("a@b.com")).steps[0].request.index_name.value(),
            "LeadIndex");
  EXPECT_EQ(
      layout_.CommentsByAuthor(platinum_, Email("a@b.com")).steps[0].request.index_name.value(),
      "AuthorIndex");
}

TEST_F(LayoutTest, PageTokensRoundTrip) {
  QueryPlan plan = layout_.IssuesByCompany(basic_, statuses_);
  Item lek{{"company_issue_id", S("COMPANY001#ISSUE#ISS-042")},
           {"company_id", S("COMPANY001")},
           {"status", S("Open")}};
  std::string token = layout_.EncodePageToken(basic_, plan, PageCursor{0, lek});
  auto cursor = DecodeToken(basic_, plan, token);
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  EXPECT_EQ(cursor->step, 0u);
  EXPECT_EQ(cursor->start_key.value(), lek);

  QueryPlan silo = layout_.IssuesByCompany(platinum_, statuses_);
  std::string no_key = layout_.EncodePageToken(platinum_, silo, PageCursor{2, std::nullopt});
  auto c2 = DecodeToken(platinum_, silo, no_key);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->step, 2u);
  EXPECT_FALSE(c2->start_key.has_value());
}

TEST_F(LayoutTest, ForgedPageTokensAreRejected) {
  QueryPlan mine = layout_.IssuesByCompany(basic_, statuses_);
  QueryPlan theirs = layout_.IssuesByCompany(premium_, statuses_);
  Item their_key{{"company_issue_id", S("COMPANY002#ISSUE#ISS-001")},
                 {"company_id", S("COMPANY002")},
                 {"status", S("Open")}};
  // A token COMPANY002 legitimately got cannot be used by COMPANY001.
  std::string stolen = layout_.EncodePageToken(premium_, theirs, PageCursor{0, their_key});
  EXPECT_FALSE(DecodeToken(basic_, mine, stolen).ok());
  // A token built for COMPANY001's query but pointing into COMPANY002's partition.
  std::string forged = layout_.EncodePageToken(basic_, mine, PageCursor{0, their_key});
  auto r = DecodeToken(basic_, mine, forged);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kValidation);
  // Right company_id but another company's composite key.
  Item mixed = their_key;
  mixed["company_id"] = S("COMPANY001");
  EXPECT_FALSE(DecodeToken(basic_, mine, layout_.EncodePageToken(basic_, mine, {0, mixed})).ok());
  // Extra attributes, wrong partition values, another query kind, garbage.
  Item extra = their_key;
  extra["company_id"] = S("COMPANY001");
  extra["company_issue_id"] = S("COMPANY001#ISSUE#ISS-001");
  extra["title"] = S("x");
  EXPECT_FALSE(DecodeToken(basic_, mine, layout_.EncodePageToken(basic_, mine, {0, extra})).ok());
  QueryPlan open = layout_.IssuesByStatus(basic_, "Open");
  Item closed_key{{"company_issue_id", S("COMPANY001#ISSUE#ISS-001")},
                  {"company_id", S("COMPANY001")},
                  {"status", S("Closed")}};
  EXPECT_FALSE(
      DecodeToken(basic_, open, layout_.EncodePageToken(basic_, open, {0, closed_key})).ok());
  std::string other_kind = layout_.EncodePageToken(basic_, open, {0, std::nullopt});
  EXPECT_FALSE(DecodeToken(basic_, mine, other_kind).ok());
  EXPECT_FALSE(DecodeToken(basic_, mine, "not a token!").ok());
  EXPECT_FALSE(DecodeToken(basic_, mine, "").ok());
  EXPECT_FALSE(DecodeToken(basic_, mine, std::string(5000, 'A')).ok());
  std::string good = layout_.EncodePageToken(basic_, mine, {0, std::nullopt});
  EXPECT_FALSE(DecodeToken(basic_, mine, good + "AA").ok());
}

TEST_F(LayoutTest, DirectoryStubsAndLogin) {
  using Kind = Layout::DirectoryEntry::Kind;
  Item stub = layout_.DirectoryStub(platinum_, Email("ceo@bigcorp.com"));
  EXPECT_EQ(stub.at("company_user_id"), S("BIGCORP#LOGIN#test-incarnation#ceo@bigcorp.com"));
  EXPECT_EQ(stub.size(), 3u);  // key, company_id, email: nothing else
  EXPECT_EQ(layout_.DirectoryStubKeyPrefix(platinum_), "BIGCORP#LOGIN#test-incarnation#");
  auto entry = layout_.DirectoryEntryOf(stub);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->kind, Kind::kStub);
  EXPECT_EQ(entry->company, Company("BIGCORP"));
  EXPECT_EQ(entry->incarnation, "test-incarnation");
  EXPECT_FALSE(Layout::IsLegacyDirectoryStub(stub));

  // A stub never has the key of a user: not of the same company id as a pooled company (an
  // earlier or later registration of the id), nor of another registration's stub.
  const CompanyScope pooled_again = Scope("BIGCORP", Tier::kBasic, "inc-2");
  const CompanyScope platinum_again = Scope("BIGCORP", Tier::kPlatinum, "inc-3");
  EXPECT_NE(layout_.DirectoryStubKey(platinum_, Email("ceo@bigcorp.com")),
            layout_.UserKey(pooled_again, Email("ceo@bigcorp.com")));
  EXPECT_NE(layout_.DirectoryStubKey(platinum_, Email("ceo@bigcorp.com")),
            layout_.DirectoryStubKey(platinum_again, Email("ceo@bigcorp.com")));
  // Nor does any stub key start like a pooled key of an entity.
  for (Entity e : {Entity::kIssue, Entity::kTeam, Entity::kComment, Entity::kUser}) {
    EXPECT_FALSE(stub.at("company_user_id")
                     .s()
                     .starts_with(layout_.PooledKeyPrefix(platinum_.company_id(), e)));
  }
  EXPECT_EQ(layout_.PooledKeyPrefix(basic_.company_id(), Entity::kUser), "COMPANY001#USER#");

  // A pooled user is its own entry; a stub at the user key (as written before stubs had
  // their own key space) is recognised as legacy.
  Item user = layout_.UserIdentity(pooled_again, Email("ceo@bigcorp.com"));
  user["user_role"] = S("User");
  EXPECT_EQ(layout_.DirectoryEntryOf(user)->kind, Kind::kPooledUser);
  Item legacy = layout_.LegacyDirectoryStubKey(platinum_, Email("ceo@bigcorp.com"));
  EXPECT_EQ(legacy.at("company_user_id"), S("BIGCORP#USER#ceo@bigcorp.com"));
  legacy["company_id"] = S("BIGCORP");
  legacy["email"] = S("ceo@bigcorp.com");
  EXPECT_TRUE(Layout::IsLegacyDirectoryStub(legacy));
  EXPECT_FALSE(Layout::IsLegacyDirectoryStub(user));
  EXPECT_EQ(layout_.DirectoryEntryOf(legacy)->kind, Kind::kLegacyStub);

  // Entries whose key disagrees with their attributes are refused.
  for (auto [attribute, value] :
       {std::pair{"company_id", "COMPANY001"}, std::pair{"email", "cfo@bigcorp.com"},
        std::pair{"company_user_id", "BIGCORP#LOGIN#ceo@bigcorp.com"},
        std::pair{"company_user_id", "BIGCORP#TEAM#x#ceo@bigcorp.com"},
        std::pair{"company_user_id", "BIGCORP#LOGIN#a#b#ceo@bigcorp.com"}}) {
    Item lying = stub;
    lying[attribute] = S(value);
    EXPECT_FALSE(layout_.DirectoryEntryOf(lying).ok()) << attribute << " = " << value;
  }
  dynamo::QueryRequest login = layout_.LoginLookup(Email("ceo@bigcorp.com"));
  EXPECT_EQ(login.table_name, "IssueTracker-Users-Pooled");
  EXPECT_EQ(login.index_name.value(), "EmailIndex");
}

TEST(TenantContextTest, CannotBeMadeFromLooseValues) {
  static_assert(!std::is_default_constructible_v<TenantContext>);
  static_assert(!std::is_constructible_v<TenantContext, CompanyScope, UserEmail, Role, bool>);
  static_assert(!std::is_constructible_v<TenantContext, CompanyScope>);
  AdminAccess admin = AdminAccess::Grant("layout_test");
  EXPECT_EQ(admin.purpose(), "layout_test");
}

// Issue 11: a scope comes from a context or the administrative path, never from loose
// values, so no caller can build keys for a company (and tier) it picked.
TEST(CompanyScopeTest, CannotBeMadeFromLooseValues) {
  static_assert(!std::is_default_constructible_v<CompanyScope>);
  static_assert(!std::is_constructible_v<CompanyScope, CompanyId, Tier>);
  static_assert(!std::is_constructible_v<CompanyScope, CompanyId, Tier, std::string>);
  // Copies of a scope that was handed out are fine.
  static_assert(std::is_copy_constructible_v<CompanyScope>);
}

TEST_F(LayoutTest, PageTokensAreBoundToTheIncarnation) {
  CompanyScope again = Scope("COMPANY001", Tier::kBasic, "inc-2");
  QueryPlan plan = layout_.IssuesByCompany(basic_, statuses_);
  std::string token = layout_.EncodePageToken(basic_, plan, {0, std::nullopt});
  ASSERT_TRUE(layout_.DecodePageToken(basic_, plan, token).ok());
  auto reused = layout_.DecodePageToken(again, layout_.IssuesByCompany(again, statuses_), token);
  EXPECT_EQ(reused.status().code(), Code::kValidation);
}

TEST_F(LayoutTest, GuardNamesTheCompanysStateIncarnationAndTier) {
  CompanyGuard guard = layout_.GuardFor(premium_);
  EXPECT_EQ(guard.table.str(), "IssueTracker-CompanyManagement");
  EXPECT_EQ(guard.key, (Item{{"company_id", S("COMPANY002")}}));
  std::map<std::string, AttributeValue> equals;
  for (const auto& [name, value] : guard.equals) equals.emplace(name, value);
  EXPECT_EQ(equals.at("lifecycle_state"), S("active"));
  EXPECT_EQ(equals.at("incarnation"), S(premium_.incarnation()));
  EXPECT_EQ(equals.at("company_tier"), S("Premium"));
}

}  // namespace
}  // namespace issuetracker::tenancy
