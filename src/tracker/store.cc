#include "tracker/store.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/dates.h"
#include "tracker/session.h"

namespace issuetracker::tracker {

using dynamo::Item;
namespace attr = tenancy::attr;

namespace {

// Retry budget of CommitWithNextSequence; each attempt fails only because another writer
// committed, so this bounds waiting, not correctness.
constexpr int kMaxSequenceAttempts = 500;

struct RetryDetail : StatusDetail {
  bool advance_counter = false;
};

void JitteredPause(int attempt) {
  if (attempt < 2) {
    std::this_thread::yield();
    return;
  }
  thread_local std::minstd_rand rng(static_cast<unsigned>(
      std::hash<std::thread::id>()(std::this_thread::get_id()) ^
      static_cast<size_t>(std::chrono::steady_clock::now().time_since_epoch().count())));
  int max_us = std::min(attempt, 50) * 50;
  std::uniform_int_distribution<int> dist(0, max_us);
  std::this_thread::sleep_for(std::chrono::microseconds(dist(rng)));
}

std::string_view CounterField(Counter counter) {
  switch (counter) {
    case Counter::kIssue:
      return field::kIssueCounter;
    case Counter::kTeam:
      return field::kTeamCounter;
    case Counter::kComment:
      return field::kCommentCounter;
  }
  return "";
}

uint64_t CounterValue(const Company& company, Counter counter) {
  switch (counter) {
    case Counter::kIssue:
      return company.issue_counter;
    case Counter::kTeam:
      return company.team_counter;
    case Counter::kComment:
      return company.comment_counter;
  }
  return 0;
}

}  // namespace

std::string Store::Now() const { return FormatTimestamp(clock->NowMicros()); }

// ------------------------------------------------------------------ Expr

std::string Expr::Name(std::string_view attribute) {
  for (const auto& [placeholder, name] : names) {
    if (name == attribute) return placeholder;
  }
  std::string placeholder = "#n" + std::to_string(next_name_++);
  names[placeholder] = std::string(attribute);
  return placeholder;
}

std::string Expr::Value(dynamo::AttributeValue value) {
  std::string placeholder = ":v" + std::to_string(next_value_++);
  values[placeholder] = std::move(value);
  return placeholder;
}

// ------------------------------------------------------------------ Txn

void Txn::Put(std::string table, Item item, std::string condition, Expr expr,
              Status on_condition_failure) {
  actions_.push_back(Action{Kind::kPut,
                            std::move(table),
                            std::move(item),
                            {},
                            std::move(condition),
                            std::move(expr),
                            std::move(on_condition_failure),
                            {},
                            {}});
}

void Txn::Update(std::string table, Item key, std::string update, std::string condition, Expr expr,
                 Status on_condition_failure) {
  actions_.push_back(Action{Kind::kUpdate,
                            std::move(table),
                            std::move(key),
                            std::move(update),
                            std::move(condition),
                            std::move(expr),
                            std::move(on_condition_failure),
                            {},
                            {}});
}

void Txn::Delete(std::string table, Item key, std::string condition, Expr expr,
                 Status on_condition_failure) {
  actions_.push_back(Action{Kind::kDelete,
                            std::move(table),
                            std::move(key),
                            {},
                            std::move(condition),
                            std::move(expr),
                            std::move(on_condition_failure),
                            {},
                            {}});
}

void Txn::Check(std::string table, Item key, std::string condition, Expr expr,
                Status on_condition_failure) {
  actions_.push_back(Action{Kind::kCheck,
                            std::move(table),
                            std::move(key),
                            {},
                            std::move(condition),
                            std::move(expr),
                            std::move(on_condition_failure),
                            {},
                            {}});
}

Txn::Action* Txn::Find(std::string_view table, const Item& key) {
  for (Action& a : actions_) {
    if (a.table != table) continue;
    bool same = true;
    for (const auto& [name, value] : key) {
      auto it = a.item.find(name);
      if (it == a.item.end() || !(it->second == value)) {
        same = false;
        break;
      }
    }
    if (same) return &a;
  }
  return nullptr;
}

Txn::Action& Txn::Requirement(std::string_view table, const Item& key,
                              const std::function<std::string(Expr*)>& build, Status on_failure) {
  if (Action* a = Find(table, key)) {
    std::string more = build(&a->expr);
    a->condition = a->condition.empty() ? more : "(" + a->condition + ") AND (" + more + ")";
    return *a;
  }
  Expr e;
  std::string condition = build(&e);
  Check(std::string(table), key, std::move(condition), std::move(e), std::move(on_failure));
  return actions_.back();
}

void Txn::Require(std::string_view table, const Item& key, std::string_view tag,
                  const std::function<std::string(Expr*)>& build, Status on_failure) {
  if (!tag.empty()) {
    if (Action* a = Find(table, key)) {
      for (const std::string& t : a->tags) {
        if (t == tag) return;
      }
    }
  }
  Action& a = Requirement(table, key, build, std::move(on_failure));
  if (!tag.empty()) a.tags.emplace_back(tag);
}

void Txn::Guard(std::string_view table, const Item& key, std::string_view tag,
                const std::function<std::string(Expr*)>& build,
                std::function<Status(const std::optional<Item>&)> diagnose) {
  if (Action* a = Find(table, key)) {
    for (const std::string& t : a->tags) {
      if (t == tag) return;
    }
  }
  // A guard that fails on its own means the session is invalid; `diagnose` says why.
  Action& a =
      Requirement(table, key, build, Status::Conflict("The session check failed; try again"));
  a.tags.emplace_back(tag);
  a.diagnoses.push_back(std::move(diagnose));
}

dynamo::TransactWriteItemsRequest Txn::BuildRequest() {
  dynamo::TransactWriteItemsRequest request;
  request.transact_items.reserve(actions_.size());
  for (Action& a : actions_) {
    const auto on_failure = a.diagnoses.empty()
                                ? dynamo::ReturnValuesOnConditionCheckFailure::kNone
                                : dynamo::ReturnValuesOnConditionCheckFailure::kAllOld;
    std::optional<std::string> condition;
    if (!a.condition.empty()) condition = std::move(a.condition);
    dynamo::TransactWriteItem w;
    switch (a.kind) {
      case Kind::kPut:
        w.put = dynamo::TransactPut{std::move(a.table),       std::move(a.item),
                                    std::move(condition),     std::move(a.expr.names),
                                    std::move(a.expr.values), on_failure};
        break;
      case Kind::kUpdate:
        w.update = dynamo::TransactUpdate{std::move(a.table),
                                          std::move(a.item),
                                          std::move(a.update),
                                          std::move(condition),
                                          std::move(a.expr.names),
                                          std::move(a.expr.values),
                                          on_failure};
        break;
      case Kind::kDelete:
        w.delete_item = dynamo::TransactDelete{std::move(a.table),       std::move(a.item),
                                               std::move(condition),     std::move(a.expr.names),
                                               std::move(a.expr.values), on_failure};
        break;
      case Kind::kCheck:
        w.condition_check = dynamo::TransactConditionCheck{
            std::move(a.table),      std::move(a.item),        std::move(condition).value_or(""),
            std::move(a.expr.names), std::move(a.expr.values), on_failure};
        break;
    }
    request.transact_items.push_back(std::move(w));
  }
  return request;
}

Status Txn::Commit(dynamo::Backend& backend) {
  auto response = backend.TransactWriteItems(BuildRequest());
  if (response.ok()) return Status::Ok();
  const Status& s = response.status();
  if (s.Is(Code::kTransactionConflict)) return RetryStatus("concurrent transaction");
  if (!s.Is(Code::kTransactionCanceled)) return s;
  const auto* detail = s.DetailAs<dynamo::TransactionCanceledDetail>();
  if (detail == nullptr) return s;
  const size_t n = std::min(detail->reasons.size(), actions_.size());
  // A failed session guard decides, whatever else failed.
  for (size_t i = 0; i < n; ++i) {
    if (detail->reasons[i].code != "ConditionalCheckFailed") continue;
    for (const auto& diagnose : actions_[i].diagnoses) {
      Status why = diagnose(detail->reasons[i].item);
      if (!why.ok()) return why;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (detail->reasons[i].code == "ConditionalCheckFailed") return actions_[i].on_failure;
  }
  for (const auto& reason : detail->reasons) {
    if (reason.code == "TransactionConflict") return RetryStatus("concurrent transaction");
  }
  return s;
}

Status RetryStatus(std::string_view why, bool advance_counter) {
  auto detail = std::make_shared<RetryDetail>();
  detail->advance_counter = advance_counter;
  return Status(Code::kConflict, "Concurrent update (" + std::string(why) + "); try again",
                std::move(detail));
}

bool IsRetry(const Status& status) { return status.DetailAs<RetryDetail>() != nullptr; }

// ------------------------------------------------------------------ reads

Result<std::optional<Item>> Fetch(const Store& store, const tenancy::PointLookup& lookup) {
  if (!lookup.partition_only) {
    dynamo::GetItemRequest get;
    get.table_name = lookup.table.str();
    get.key = lookup.key;
    get.consistent_read = true;
    IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse response, store.backend->GetItem(get));
    return std::move(response.item);
  }
  dynamo::QueryRequest query;
  query.table_name = lookup.table.str();
  query.consistent_read = true;
  Expr e;
  const auto& [pk_name, pk_value] = *lookup.key.begin();
  query.key_condition_expression = e.Name(pk_name) + " = " + e.Value(pk_value);
  if (lookup.filter) {
    query.filter_expression = e.Name(lookup.filter->first) + " = " + e.Value(lookup.filter->second);
  } else {
    query.limit = 1;
  }
  query.expression_attribute_names = std::move(e.names);
  query.expression_attribute_values = std::move(e.values);
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::QueryResponse response, store.backend->Query(query));
    if (!response.items.empty()) return std::optional<Item>(std::move(response.items.front()));
    if (!response.last_evaluated_key || !lookup.filter) return std::optional<Item>();
    query.exclusive_start_key = std::move(response.last_evaluated_key);
  }
}

Result<RawPage> QueryPage(const Store& store, const tenancy::TenantContext& ctx,
                          const tenancy::QueryPlan& plan, const PageRequest& page,
                          const std::optional<QueryFilter>& filter) {
  const tenancy::Layout& layout = *store.layout;
  const tenancy::CompanyScope& scope = ctx.scope();
  const size_t limit = static_cast<size_t>(std::clamp(page.limit, 1, kMaxPageSize));
  tenancy::PageCursor cursor;
  if (!page.token.empty()) {
    IT_ASSIGN_OR_RETURN(cursor, layout.DecodePageToken(scope, plan, page.token));
  }
  RawPage out;
  while (cursor.step < plan.steps.size()) {
    dynamo::QueryRequest request = plan.steps[cursor.step].request;
    if (filter) {
      request.filter_expression = filter->expression;
      for (const auto& [k, v] : filter->expr.names) request.expression_attribute_names[k] = v;
      for (const auto& [k, v] : filter->expr.values) request.expression_attribute_values[k] = v;
    }
    request.limit = static_cast<int32_t>(limit - out.items.size());
    request.exclusive_start_key = cursor.start_key;
    auto response = store.backend->Query(request);
    if (!response.ok()) return Explain(store, ctx, response.status());
    for (Item& item : response->items) out.items.push_back(std::move(item));
    if (response->last_evaluated_key) {
      cursor.start_key = std::move(response->last_evaluated_key);
    } else {
      ++cursor.step;
      cursor.start_key.reset();
    }
    if (out.items.size() >= limit) break;
  }
  if (cursor.step < plan.steps.size()) {
    out.next_token = layout.EncodePageToken(scope, plan, cursor);
  }
  return out;
}

// ------------------------------------------------------------------ session checks

Status CheckRead(const Store& store, const tenancy::TenantContext& ctx) {
  return store.sessions->CheckRead(ctx);
}

Status Explain(const Store& store, const tenancy::TenantContext& ctx, Status error) {
  return store.sessions->Explain(ctx, std::move(error));
}

Status StartWrite(const Store& store, const tenancy::TenantContext& ctx) {
  return store.sessions->CheckWriteStart(ctx);
}

Status CommitWrite(const Store& store, const tenancy::TenantContext& ctx, Txn* txn) {
  store.sessions->Guard(ctx, txn);
  Status committed = txn->Commit(*store.backend);
  if (committed.Is(Code::kResourceNotFound)) return Explain(store, ctx, std::move(committed));
  return committed;
}

Status CommitCleanup(const Store& store, const tenancy::TenantContext& ctx, Txn* txn) {
  store.sessions->Guard(ctx, txn, /*user_too=*/false);
  return txn->Commit(*store.backend);
}

// ------------------------------------------------------------------ company counters

Result<Company> LoadCompany(const Store& store, const tenancy::TenantContext& ctx) {
  dynamo::GetItemRequest get;
  get.table_name = store.layout->SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  get.key = store.layout->CompanyKey(ctx.company_id());
  get.consistent_read = true;
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse response, store.backend->GetItem(get));
  if (store.sessions->enforced()) {
    IT_RETURN_IF_ERROR(store.sessions->CheckCompanyRecord(ctx, response.item));
  }
  if (!response.item) {
    return Status::NotFound("Company " + ctx.company_id().str() + " does not exist");
  }
  return DecodeCompany(*store.layout, *response.item);
}

Result<uint64_t> CommitWithNextSequence(const Store& store, const tenancy::TenantContext& ctx,
                                        Counter counter,
                                        const std::function<Status(uint64_t, Txn*)>& build) {
  const tenancy::Layout& layout = *store.layout;
  for (int attempt = 0; attempt < kMaxSequenceAttempts; ++attempt) {
    // No write starts for a context whose company is no longer what it claims.
    IT_ASSIGN_OR_RETURN(Company company, LoadCompany(store, ctx));
    if (company.subscription_status != SubscriptionStatus::kActive) {
      return Status::Forbidden("The subscription of company " + company.company_id.str() + " is " +
                               std::string(SubscriptionStatusName(company.subscription_status)));
    }
    uint64_t current = CounterValue(company, counter);
    if (current >= tenancy::kMaxSequence) {
      return Status(Code::kLimitExceeded, "The company has used every id of this kind");
    }
    uint64_t next = current + 1;
    Expr e;
    std::string ctr = e.Name(CounterField(counter));
    std::string update = "SET " + ctr + " = " + e.Value(static_cast<int64_t>(next));
    std::string condition = current == 0 ? "attribute_not_exists(" + ctr + ")"
                                         : ctr + " = " + e.Value(static_cast<int64_t>(current));
    condition += " AND " + e.Name(field::kSubscriptionStatus) + " = " + e.Value("active");
    Txn txn;
    txn.Update(layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
               layout.CompanyKey(ctx.company_id()), update, condition, std::move(e),
               RetryStatus("the id was taken by another writer"));
    IT_RETURN_IF_ERROR(build(next, &txn));
    Status committed = CommitWrite(store, ctx, &txn);
    if (committed.ok()) return next;
    if (!IsRetry(committed)) return committed;
    if (committed.DetailAs<RetryDetail>()->advance_counter) {
      // The number is used by an item written without the counter (e.g. imported data).
      Status raised = RaiseCounter(store, ctx, counter, next);
      if (!raised.ok()) return raised;
    }
    JitteredPause(attempt);
  }
  return Status::Conflict("Too many concurrent writers for company " + ctx.company_id().str() +
                          "; try again");
}

Status RaiseCounter(const Store& store, const tenancy::TenantContext& ctx, Counter counter,
                    uint64_t at_least) {
  Expr e;
  std::string ctr = e.Name(CounterField(counter));
  std::string value = e.Value(static_cast<int64_t>(at_least));
  std::string update = "SET " + ctr + " = " + value;
  std::string condition = "attribute_not_exists(" + ctr + ") OR " + ctr + " < " + value;
  // Already at least that high: nothing to do (a diagnosed guard failure still wins).
  Status already_raised = Status(Code::kConditionalCheckFailed, "counter already raised");
  Txn txn;
  txn.Update(store.layout->SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
             store.layout->CompanyKey(ctx.company_id()), update, condition, std::move(e),
             already_raised);
  Status committed = CommitWrite(store, ctx, &txn);
  if (committed.Is(Code::kConditionalCheckFailed)) return Status::Ok();
  return committed;
}

Status CheckText(std::string_view what, std::string_view text, size_t max_length, bool required) {
  if (required && text.empty()) return Status::Validation(std::string(what) + " is required");
  if (text.size() > max_length) {
    return Status::Validation(std::string(what) + " is longer than " + std::to_string(max_length) +
                              " bytes");
  }
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7f) {
      return Status::Validation(std::string(what) + " contains control characters");
    }
  }
  return Status::Ok();
}

}  // namespace issuetracker::tracker
