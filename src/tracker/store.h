// The plumbing every repository shares: what they run on (Store), expression placeholders
// (Expr), transactions whose failed conditions map to domain errors (Txn), point lookups,
// paginated queries, and per-company sequence numbers.
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

// What repositories run on. None of the pointees is owned; all must outlive the
// repositories. All are safe to use from many threads.
struct Store {
  dynamo::Backend* backend;
  const tenancy::Layout* layout;
  const Clock* clock;

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

  size_t size() const { return request_.transact_items.size(); }

  // Commits. When the transaction is cancelled, returns the on_condition_failure status of
  // the first action whose condition failed, a retryable Conflict for transaction
  // conflicts, or the backend's error.
  Status Commit(dynamo::Backend& backend) const;

 private:
  dynamo::TransactWriteItemsRequest request_;
  std::vector<Status> on_failure_;
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

// Runs `plan` from `page.token` until `page.limit` items (after `filter`) are collected or
// the plan is exhausted. ValidationException for a bad token (tenancy::Layout checks it
// belongs to this company and query).
Result<RawPage> QueryPage(const Store& store, const tenancy::CompanyScope& scope,
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

// The per-company sequences behind ISS-, TEAM- and CMT- ids.
enum class Counter : uint8_t { kIssue, kTeam, kComment };

// Loads the company record of `ctx` (consistent read). NotFound when it is gone.
Result<Company> LoadCompany(const Store& store, const tenancy::TenantContext& ctx);

// Gives the next number of `counter` for ctx's company to `build`, which adds the entity's
// writes to the transaction; the counter update (conditional on the number read and on an
// active subscription) is committed in the same transaction. When another writer took the
// number first the whole attempt is retried with the next one, so numbers are handed out
// in order, without gaps, and never twice. Forbidden when the subscription is not active.
// Returns the number used.
Result<uint64_t> CommitWithNextSequence(const Store& store, const tenancy::TenantContext& ctx,
                                        Counter counter,
                                        const std::function<Status(uint64_t, Txn*)>& build);

// Raises the counter to at least `at_least` (for seeding data with explicit ids).
Status RaiseCounter(const Store& store, const tenancy::CompanyScope& scope, Counter counter,
                    uint64_t at_least);

// Validation helpers for user-supplied text: length limits and no control characters
// other than newline and tab.
Status CheckText(std::string_view what, std::string_view text, size_t max_length, bool required);

}  // namespace issuetracker::tracker
