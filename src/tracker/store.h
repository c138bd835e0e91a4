// The plumbing every repository shares: what they run on (Store), expression placeholders
// (Expr), transactions whose failed conditions map to domain errors (Txn), the session
// checks every read and write goes through (CheckedRead, StartWrite, CommitWrite; see
// session.h), point lookups, paginated queries, and per-company sequence numbers.
//
// Thread-safety: Store is an immutable bundle of pointers to thread-safe objects; Expr and
// Txn are single-use builders owned by one call.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

class SessionChecks;

// What repositories run on. None of the pointees is owned; all must outlive the
// repositories. All are safe to use from many threads.
struct Store {
  dynamo::Backend* backend;
  const tenancy::Layout* layout;
  const Clock* clock;
  // Re-validates contexts on writes and reads (session.h); owned by the Tracker.
  SessionChecks* sessions;

  // The current time as a stored timestamp (dates.h).
  std::string Now() const;
};

// Builds ExpressionAttributeNames/Values with generated placeholders, so attribute names
// that are reserved words (status, name, role, comment, date, ...) are always safe and only
// placeholders that the expression uses are sent (DynamoDB rejects unused ones).
class Expr {
 public:
  // "#n0", ... for `attribute` (the same placeholder for the same name).
  std::string Name(std::string_view attribute);
  // ":v0", ... bound to `value`.
  std::string Value(dynamo::AttributeValue value);
  std::string Value(std::string_view s) { return Value(dynamo::AttributeValue::S(std::string(s))); }
  std::string Value(int64_t n) { return Value(dynamo::AttributeValue::N(n)); }

  dynamo::ExpressionNames names;
  dynamo::ExpressionValues values;

 private:
  int next_name_ = 0;
  int next_value_ = 0;
};

// A TransactWriteItems request whose actions each say what their failed condition means.
// DynamoDB allows one action per item in a transaction, so further conditions on an item
// (Require, Guard) are merged into the action the transaction already has on it.
class Txn {
 public:
  // Each action's expressions use the placeholders of `expr` (moved in).
  void Put(std::string table, dynamo::Item item, std::string condition, Expr expr,
           Status on_condition_failure);
  void Update(std::string table, dynamo::Item key, std::string update, std::string condition,
              Expr expr, Status on_condition_failure);
  void Delete(std::string table, dynamo::Item key, std::string condition, Expr expr,
              Status on_condition_failure);
  void Check(std::string table, dynamo::Item key, std::string condition, Expr expr,
             Status on_condition_failure);

  // Requires `build`'s condition of the item with primary key `key` in `table`: ANDed into
  // the condition of the action the transaction already has on the item, else added as a
  // ConditionCheck. `build` writes the condition with that action's placeholders. A
  // requirement whose non-empty `tag` the item already has is not added again. When only
  // this requirement fails, the commit returns `on_failure`.
  // REQUIRES: `key` holds every key attribute of the table.
  void Require(std::string_view table, const dynamo::Item& key, std::string_view tag,
               const std::function<std::string(Expr*)>& build, Status on_failure);
  // A requirement whose failure is diagnosed from the item: the action returns the item's
  // old image when it fails (ALL_OLD), and `diagnose` turns that image (nullopt: absent) into
  // the error to return, or OK when this requirement held. Diagnosed failures take
  // precedence over every other failure of the transaction.
  void Guard(std::string_view table, const dynamo::Item& key, std::string_view tag,
             const std::function<std::string(Expr*)>& build,
             std::function<Status(const std::optional<dynamo::Item>&)> diagnose);

  size_t size() const { return actions_.size(); }

  // Commits (once; the transaction is consumed). When it is cancelled, returns a diagnosed
  // guard failure, else the on_condition_failure status of the first action whose
  // condition failed, a retryable Conflict for transaction conflicts, or the backend's error.
  Status Commit(dynamo::Backend& backend);

 private:
  enum class Kind : uint8_t { kPut, kUpdate, kDelete, kCheck };
  struct Action {
    Kind kind;
    std::string table;
    dynamo::Item item;  // the item (Put) or its key
    std::string update;
    std::string condition;
    Expr expr;
    Status on_failure;
    std::vector<std::string> tags;
    std::vector<std::function<Status(const std::optional<dynamo::Item>&)>> diagnoses;
  };
  Action* Find(std::string_view table, const dynamo::Item& key);
  // The request, moving the actions' contents into it (their statuses and diagnoses stay).
  dynamo::TransactWriteItemsRequest BuildRequest();
  Action& Requirement(std::string_view table, const dynamo::Item& key,
                      const std::function<std::string(Expr*)>& build, Status on_failure);

  std::vector<Action> actions_;
};

// A status that tells a retry loop (CommitWithNextSequence) to try again, optionally
// after moving the company's counter past a number that is already taken.
Status RetryStatus(std::string_view why, bool advance_counter = false);
bool IsRetry(const Status& status);

// Fetches the one item `lookup` names (consistent read). nullopt when absent.
Result<std::optional<dynamo::Item>> Fetch(const Store& store, const tenancy::PointLookup& lookup);

// A filter added to every Query of a plan.
struct QueryFilter {
  std::string expression;
  Expr expr;
};

struct RawPage {
  std::vector<dynamo::Item> items;
  std::optional<std::string> next_token;
};

// Runs `plan` (built for ctx's scope) from `page.token` until `page.limit` items (after
// `filter`) are collected or the plan is exhausted. ValidationException for a bad token
// (tenancy::Layout checks it belongs to this company, incarnation and query).
Result<RawPage> QueryPage(const Store& store, const tenancy::TenantContext& ctx,
                          const tenancy::QueryPlan& plan, const PageRequest& page,
                          const std::optional<QueryFilter>& filter = std::nullopt);

// Decodes every item of a raw page with `decode` (an item that fails to decode fails the
// page: it is corrupt or, worse, from another company).
template <typename T, typename Decode>
Result<Page<T>> DecodePage(RawPage raw, Decode decode) {
  Page<T> page;
  page.next_token = std::move(raw.next_token);
  for (const dynamo::Item& item : raw.items) {
    Result<T> value = decode(item);
    if (!value.ok()) return value.status();
    page.items.push_back(std::move(value).value());
  }
  return page;
}

// `error`, or the session's error when ctx is no longer valid and that explains it: a
// table missing (ResourceNotFound) because the company was offboarded, or an item that
// does not decode in ctx's scope because it belongs to a later registration.
Status Explain(const Store& store, const tenancy::TenantContext& ctx, Status error);

// The end of every read: OK when ctx was valid when the read was done
// (SessionChecks::CheckRead), else the session's error.
Status CheckRead(const Store& store, const tenancy::TenantContext& ctx);
// `result`, or the session's error when ctx was no longer valid (CheckRead), or when an
// error of the read is explained by it (Explain).
template <typename T>
Result<T> CheckedRead(const Store& store, const tenancy::TenantContext& ctx, Result<T> result) {
  Status session = CheckRead(store, ctx);
  if (!session.ok()) return session;
  if (!result.ok()) return Explain(store, ctx, result.status());
  return result;
}

// The start of every write: SessionInvalid when ctx is already known to be invalid.
Status StartWrite(const Store& store, const tenancy::TenantContext& ctx);

// Commits `txn` with ctx's guard (the company active in ctx's incarnation and tier, the
// acting user active in ctx's role; session.h) added to it. SessionInvalid when the guard
// failed; else as Txn::Commit.
Status CommitWrite(const Store& store, const tenancy::TenantContext& ctx, Txn* txn);
// The same with the company's part of the guard only: for the clean-up that completes a
// write already committed under the full guard (an issue's comments after the issue).
Status CommitCleanup(const Store& store, const tenancy::TenantContext& ctx, Txn* txn);

// The per-company sequences behind ISS-, TEAM- and CMT- ids.
enum class Counter : uint8_t { kIssue, kTeam, kComment };

// Loads the company record of `ctx` (consistent read) and checks it is what ctx claims
// (active, in its incarnation and tier): SessionInvalid otherwise.
Result<Company> LoadCompany(const Store& store, const tenancy::TenantContext& ctx);

// Gives the next number of `counter` for ctx's company to `build`, which adds the entity's
// writes to the transaction; the counter update (conditional on the number read and on an
// active subscription) and ctx's guard are committed in the same transaction. When another
// writer took the number first the whole attempt is retried with the next one, so numbers
// are handed out in order, without gaps, and never twice. Forbidden when the subscription
// is not active. Returns the number used.
Result<uint64_t> CommitWithNextSequence(const Store& store, const tenancy::TenantContext& ctx,
                                        Counter counter,
                                        const std::function<Status(uint64_t, Txn*)>& build);

// Raises ctx's company's counter to at least `at_least` (for seeding data with explicit
// ids), guarded like every write.
Status RaiseCounter(const Store& store, const tenancy::TenantContext& ctx, Counter counter,
                    uint64_t at_least);

// Validation helpers for user-supplied text: length limits and no control characters
// other than newline and tab.
Status CheckText(std::string_view what, std::string_view text, size_t max_length, bool required);

}  // namespace issuetracker::tracker
