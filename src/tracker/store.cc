#include "tracker/store.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/dates.h"

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
  dynamo::TransactPut put;
  put.table_name = std::move(table);
  put.item = std::move(item);
  if (!condition.empty()) put.condition_expression = std::move(condition);
  put.expression_attribute_names = std::move(expr.names);
  put.expression_attribute_values = std::move(expr.values);
  request_.transact_items.push_back(dynamo::TransactWriteItem{.put = std::move(put)});
  on_failure_.push_back(std::move(on_condition_failure));
}

void Txn::Update(std::string table, Item key, std::string update, std::string condition, Expr expr,
                 Status on_condition_failure) {
  dynamo::TransactUpdate u;
  u.table_name = std::move(table);
  u.key = std::move(key);
  u.update_expression = std::move(update);
  if (!condition.empty()) u.condition_expression = std::move(condition);
  u.expression_attribute_names = std::move(expr.names);
  u.expression_attribute_values = std::move(expr.values);
  request_.transact_items.push_back(dynamo::TransactWriteItem{.update = std::move(u)});
  on_failure_.push_back(std::move(on_condition_failure));
}

void Txn::Delete(std::string table, Item key, std::string condition, Expr expr,
                 Status on_condition_failure) {
  dynamo::TransactDelete d;
  d.table_name = std::move(table);
  d.key = std::move(key);
  if (!condition.empty()) d.condition_expression = std::move(condition);
  d.expression_attribute_names = std::move(expr.names);
  d.expression_attribute_values = std::move(expr.values);
  request_.transact_items.push_back(dynamo::TransactWriteItem{.delete_item = std::move(d)});
  on_failure_.push_back(std::move(on_condition_failure));
}

void Txn::Check(std::string table, Item key, std::string condition, Expr expr,
                Status on_condition_failure) {
  dynamo::TransactConditionCheck c;
  c.table_name = std::move(table);
  c.key = std::move(key);
  c.condition_expression = std::move(condition);
  c.expression_attribute_names = std::move(expr.names);
  c.expression_attribute_values = std::move(expr.values);
  request_.transact_items.push_back(dynamo::TransactWriteItem{.condition_check = std::move(c)});
  on_failure_.push_back(std::move(on_condition_failure));
}

Status Txn::Commit(dynamo::Backend& backend) const {
  auto response = backend.TransactWriteItems(request_);
  if (response.ok()) return Status::Ok();
  const Status& s = response.status();
  if (s.Is(Code::kTransactionConflict)) return RetryStatus("concurrent transaction");
  if (!s.Is(Code::kTransactionCanceled)) return s;
  const auto* detail = s.DetailAs<dynamo::TransactionCanceledDetail>();
  if (detail == nullptr) return s;
  for (size_t i = 0; i < detail->reasons.size() && i < on_failure_.size(); ++i) {
    if (detail->reasons[i].code == "ConditionalCheckFailed") return on_failure_[i];
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

Result<RawPage> QueryPage(const Store& store, const tenancy::CompanyScope& scope,
                          const tenancy::QueryPlan& plan, const PageRequest& page,
                          const std::optional<QueryFilter>& filter) {
  const tenancy::Layout& layout = *store.layout;
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
    IT_ASSIGN_OR_RETURN(dynamo::QueryResponse response, store.backend->Query(request));
    for (Item& item : response.items) out.items.push_back(std::move(item));
    if (response.last_evaluated_key) {
      cursor.start_key = std::move(response.last_evaluated_key);
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

// ------------------------------------------------------------------ company counters

Result<Company> LoadCompany(const Store& store, const tenancy::TenantContext& ctx) {
  dynamo::GetItemRequest get;
  get.table_name = store.layout->SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  get.key = store.layout->CompanyKey(ctx.company_id());
  get.consistent_read = true;
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse response, store.backend->GetItem(get));
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
    Status committed = txn.Commit(*store.backend);
    if (committed.ok()) return next;
    if (!IsRetry(committed)) return committed;
    if (committed.DetailAs<RetryDetail>()->advance_counter) {
      // The number is used by an item written without the counter (e.g. imported data).
      Status raised = RaiseCounter(store, ctx.scope(), counter, next);
      if (!raised.ok()) return raised;
    }
    JitteredPause(attempt);
  }
  return Status::Conflict("Too many concurrent writers for company " + ctx.company_id().str() +
                          "; try again");
}

Status RaiseCounter(const Store& store, const tenancy::CompanyScope& scope, Counter counter,
                    uint64_t at_least) {
  dynamo::UpdateItemRequest update;
  update.table_name = store.layout->SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  update.key = store.layout->CompanyKey(scope.company_id());
  Expr e;
  std::string ctr = e.Name(CounterField(counter));
  std::string value = e.Value(static_cast<int64_t>(at_least));
  update.update_expression = "SET " + ctr + " = " + value;
  update.condition_expression = "attribute_exists(" + e.Name(attr::kCompanyId) + ") AND (" +
                                "attribute_not_exists(" + ctr + ") OR " + ctr + " < " + value + ")";
  update.expression_attribute_names = std::move(e.names);
  update.expression_attribute_values = std::move(e.values);
  auto r = store.backend->UpdateItem(update);
  if (!r.ok() && !r.status().Is(Code::kConditionalCheckFailed)) return r.status();
  return Status::Ok();
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
