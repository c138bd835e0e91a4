// Fuzz target "page_token": Layout::DecodePageToken (tenancy/layout.h) on arbitrary
// text, as received from a client.
//
// Input: the token. It is decoded against every list query of three companies, one per
// tier (the companies and arguments of the tenancy tests, so that their tokens seed this
// target). Checks: no crash, leak or over-read; every failure is ValidationException
// ("Invalid page token: ..."); decode ok => EncodePageToken of the decoded cursor, for the
// same company and query, gives back exactly the input.
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "tenancy/layout.h"
#include "tests/scope_test_peer.h"

namespace {

using issuetracker::Code;
using namespace issuetracker::tenancy;

struct Query {
  CompanyScope scope;
  QueryPlan plan;
};

// The tenancy tests' scopes (their incarnation too: tests/scope_test_peer.h), so that the
// tokens they record seed this target.
CompanyScope Scope(std::string_view company, Tier tier) {
  return issuetracker::testing::ScopeTestPeer::Make(CompanyId::Parse(company).value(), tier);
}

std::vector<Query> AllQueries(const Layout& layout) {
  const std::vector<std::string> issue_statuses = {"Open", "In Progress", "In Review", "Closed"};
  const std::vector<std::string> team_statuses = {"Active", "Inactive"};
  const UserEmail email = UserEmail::Parse("a@b.com").value();
  std::vector<Query> out;
  for (const CompanyScope& scope :
       {Scope("COMPANY001", Tier::kBasic), Scope("COMPANY002", Tier::kPremium),
        Scope("BIGCORP", Tier::kPlatinum)}) {
    auto add = [&](QueryPlan plan) { out.push_back(Query{scope, std::move(plan)}); };
    add(layout.IssuesByCompany(scope, issue_statuses));
    add(layout.IssuesByStatus(scope, "Open"));
    add(layout.IssuesByAssignee(scope, email));
    add(layout.IssuesByTeam(scope, TeamId::Parse("TEAM-001").value()));
    add(layout.IssuesByPriority(scope, "High", issue_statuses));
    add(layout.TeamsByCompany(scope, team_statuses));
    add(layout.TeamsByLead(scope, email));
    add(layout.CommentsByIssue(scope, IssueId::Parse("ISS-001").value()));
    add(layout.CommentsByAuthor(scope, email));
    add(layout.UsersByCompany(scope));
    add(layout.UsersByRole(scope, Role::kAdmin));
    if (!scope.silo()) {
      for (Entity e : {Entity::kIssue, Entity::kTeam, Entity::kComment, Entity::kUser}) {
        add(layout.PooledCompanyItems(scope, e));
      }
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Layout* const layout = new Layout(SchemaConfig{});
  static const std::vector<Query>* const queries = new std::vector<Query>(AllQueries(*layout));
  const std::string_view token = issuetracker::fuzz::AsText(data, size);
  for (const Query& q : *queries) {
    auto cursor = layout->DecodePageToken(q.scope, q.plan, token);
    if (!cursor.ok()) {
      FUZZ_CHECK(cursor.status().code() == Code::kValidation);
      FUZZ_CHECK(cursor.status().message().starts_with("Invalid page token: "));
      continue;
    }
    FUZZ_CHECK(layout->EncodePageToken(q.scope, q.plan, *cursor) == token);
  }
  return 0;
}
