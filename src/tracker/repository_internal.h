// Helpers shared by the repositories' .cc files. Not part of the tracker API.
#pragma once

#include <optional>
#include <string>

#include "tenancy/layout.h"
#include "tracker/codec.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker::internal {

// Point reads in ctx's company, decoded (and isolation-checked) through the codecs.
// nullopt when absent. A storage error that a no longer valid context explains (a silo
// table dropped by offboarding) comes back as the session's error.
Result<std::optional<Issue>> FindIssue(const Store& store, const tenancy::TenantContext& ctx,
                                       const IssueId& id);
Result<std::optional<Team>> FindTeam(const Store& store, const tenancy::TenantContext& ctx,
                                     const TeamId& id);
Result<std::optional<User>> FindUser(const Store& store, const tenancy::TenantContext& ctx,
                                     const UserEmail& email);
// For sign-in, before there is a context.
Result<std::optional<User>> FindUserIn(const Store& store, const tenancy::CompanyScope& scope,
                                       const UserEmail& email);

// The same, NotFound ("Issue ISS-001 does not exist") when absent.
Result<Issue> GetIssue(const Store& store, const tenancy::TenantContext& ctx, const IssueId& id);
Result<Team> GetTeam(const Store& store, const tenancy::TenantContext& ctx, const TeamId& id);
Result<User> GetUser(const Store& store, const tenancy::TenantContext& ctx, const UserEmail& email);

// Requires that `email` is an active user of the scope's company (merged with any other
// action or check on that user in the transaction); when it fails the transaction returns
// `on_failure`.
void CheckActiveUser(const Store& store, const tenancy::CompanyScope& scope, const UserEmail& email,
                     Txn* txn, Status on_failure);

// Adds `delta` to a team's current_workload. The team must still exist, and be active when
// work is added (delta > 0).
void AddWorkload(const Store& store, const tenancy::CompanyScope& scope, const Team& team,
                 int64_t delta, Txn* txn);

// A condition that the item (whose key has attribute `key_attribute`) exists and still has
// `version` (version 0: no version attribute yet). Fills `expr`.
std::string VersionCondition(int64_t version, std::string_view key_attribute, Expr* expr);

// The first key attribute's name of a primary key item (for attribute_exists checks).
inline const std::string& KeyAttribute(const dynamo::Item& key) { return key.begin()->first; }

// Conflict for an optimistic-concurrency mismatch.
Status VersionConflict(std::string_view what, int64_t expected, int64_t actual);

}  // namespace issuetracker::tracker::internal
