// TransactWriteItems and TransactGetItems: all-or-nothing over up to 100 items.
//
// A write transaction pins its tables, locks every item's stripe (in global order),
// reads the current items, evaluates every condition and applies every update; only if
// all succeed does it commit one atomic RocksDB batch. Failures become a
// TransactionCanceledException whose CancellationReasons list, per action in order,
// "None" or the reason that action failed.
#include <chrono>
#include <cmath>
#include <set>

#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/transactions.h"

namespace issuetracker::engine {

using dynamo::Item;

namespace {

constexpr size_t kMaxTransactItems = 100;
constexpr size_t kMaxTransactBytes = 4u << 20;
constexpr size_t kMaxClientRequestToken = 36;  // characters

Result<TransactAction> Normalise(const dynamo::TransactWriteItem& w) {
  const int set = w.condition_check.has_value() + w.put.has_value() + w.delete_item.has_value() +
                  w.update.has_value();
  if (set != 1) {
    return Status::Validation("TransactItems can only contain one of Check, Put, Update or Delete");
  }
  TransactAction a{};
  if (w.condition_check) {
    const auto& c = *w.condition_check;
    a = {TransactAction::Kind::kConditionCheck,
         c.table_name,
         nullptr,
         &c.key,
         c.condition_expression,
         nullptr,
         &c.expression_attribute_names,
         &c.expression_attribute_values,
         c.return_values_on_condition_check_failure};
  } else if (w.put) {
    const auto& p = *w.put;
    a = {TransactAction::Kind::kPut,
         p.table_name,
         &p.item,
         nullptr,
         p.condition_expression,
         nullptr,
         &p.expression_attribute_names,
         &p.expression_attribute_values,
         p.return_values_on_condition_check_failure};
  } else if (w.delete_item) {
    const auto& d = *w.delete_item;
    a = {TransactAction::Kind::kDelete,
         d.table_name,
         nullptr,
         &d.key,
         d.condition_expression,
         nullptr,
         &d.expression_attribute_names,
         &d.expression_attribute_values,
         d.return_values_on_condition_check_failure};
  } else {
    const auto& u = *w.update;
    a = {TransactAction::Kind::kUpdate,
         u.table_name,
         nullptr,
         &u.key,
         u.condition_expression,
         &u.update_expression,
         &u.expression_attribute_names,
         &u.expression_attribute_values,
         u.return_values_on_condition_check_failure};
  }
  return a;
}

std::string CancelMessage(const std::vector<dynamo::CancellationReason>& reasons) {
  std::string msg =
      "Transaction cancelled, please refer cancellation reasons for specific reasons [";
  for (size_t i = 0; i < reasons.size(); ++i) msg += (i ? ", " : "") + reasons[i].code;
  return msg + "]";
}

// What identifies a transaction's request for its ClientRequestToken.
std::string TransactFingerprint(const dynamo::TransactWriteItemsRequest& r) {
  std::string fingerprint;
  for (const auto& w : r.transact_items) {
    if (w.put)
      fingerprint += "P" + w.put->table_name + dynamo::ItemDebugString(w.put->item) +
                     w.put->condition_expression.value_or("");
    if (w.delete_item)
      fingerprint += "D" + w.delete_item->table_name + dynamo::ItemDebugString(w.delete_item->key) +
                     w.delete_item->condition_expression.value_or("");
    if (w.update)
      fingerprint += "U" + w.update->table_name + dynamo::ItemDebugString(w.update->key) +
                     w.update->update_expression + w.update->condition_expression.value_or("");
    if (w.condition_check)
      fingerprint += "C" + w.condition_check->table_name +
                     dynamo::ItemDebugString(w.condition_check->key) +
                     w.condition_check->condition_expression;
    const auto* values = w.put           ? &w.put->expression_attribute_values
                         : w.delete_item ? &w.delete_item->expression_attribute_values
                         : w.update      ? &w.update->expression_attribute_values
                                         : &w.condition_check->expression_attribute_values;
    for (const auto& [k, v] : *values) fingerprint += k + v.DebugString();
  }
  return fingerprint;
}

// The distinct tables a transaction names.
std::set<std::string> TablesOf(const dynamo::TransactWriteItemsRequest& r) {
  std::set<std::string> out;
  for (const auto& w : r.transact_items) {
    if (w.put) out.insert(w.put->table_name);
    if (w.update) out.insert(w.update->table_name);
    if (w.delete_item) out.insert(w.delete_item->table_name);
    if (w.condition_check) out.insert(w.condition_check->table_name);
  }
  return out;
}
std::set<std::string> TablesOf(const dynamo::TransactGetItemsRequest& r) {
  std::set<std::string> out;
  for (const auto& g : r.transact_items) out.insert(g.table_name);
  return out;
}

}  // namespace

Result<dynamo::TransactWriteItemsResponse> Engine::TransactWriteItems(
    const dynamo::TransactWriteItemsRequest& r) {
  return core_->Metered(TablesOf(r), [&]() -> Result<dynamo::TransactWriteItemsResponse> {
    if (r.transact_items.empty() || r.transact_items.size() > kMaxTransactItems) {
      return Status::Validation(
          "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
          "Member must have length less than or equal to 100 and greater than or equal to 1");
    }
    if (r.client_request_token && (r.client_request_token->empty() ||
                                   r.client_request_token->size() > kMaxClientRequestToken)) {
      return Status::Validation(
          "1 validation error detected: Value '" + *r.client_request_token +
          "' at 'clientRequestToken' failed to satisfy constraint: Member must have length less "
          "than or equal to 36 and greater than or equal to 1");
    }
    // A retry of a transaction already applied succeeds without applying it again
    // (DynamoDB's ClientRequestToken contract); checked again under the item locks.
    Transactions::Token token;
    if (r.client_request_token) {
      token.token = &*r.client_request_token;
      token.fingerprint = TransactFingerprint(r);
      IT_ASSIGN_OR_RETURN(bool applied,
                          transactions_->CheckIdempotency(*token.token, token.fingerprint));
      if (applied) return dynamo::TransactWriteItemsResponse{};
    }

    // Pin each table once, in name order.
    std::map<std::string, std::optional<TableRef>> tables;
    std::vector<TransactAction> actions;
    for (const auto& w : r.transact_items) {
      IT_ASSIGN_OR_RETURN(TransactAction a, Normalise(w));
      tables.emplace(a.table_name, std::nullopt);
      actions.push_back(a);
    }
    for (auto& [name, ref] : tables) {
      IT_ASSIGN_OR_RETURN(TableRef t, core_->GetTable(name));
      ref.emplace(std::move(t));
    }

    // Static validation: keys, items, expressions. These fail the whole request.
    std::vector<TransactPrepared> prepared(actions.size());
    std::set<std::string> seen;
    size_t total_bytes = 0;
    std::optional<size_t> invalid_item;  // the first action whose item is invalid
    for (size_t i = 0; i < actions.size(); ++i) {
      IT_RETURN_IF_ERROR(transactions_->Prepare(
          actions[i], tables.at(actions[i].table_name)->desc(), &prepared[i]));
      if (!prepared[i].item_error.ok()) {
        if (!invalid_item) invalid_item = i;
        continue;
      }
      if (!seen.insert(prepared[i].key).second) {
        return Status::Validation(
            "Transaction request cannot include multiple operations on one item");
      }
      total_bytes += prepared[i].put_item ? dynamo::ItemSize(*prepared[i].put_item) : 0;
    }
    if (total_bytes > kMaxTransactBytes)
      return Status::Validation("Transaction request size cannot exceed 4 MB");
    if (invalid_item) {
      // DynamoDB cancels the transaction at the first invalid action: its reason is
      // ValidationError, every other action's None (later ones are not looked at).
      auto detail = std::make_shared<dynamo::TransactionCanceledDetail>();
      detail->reasons.resize(actions.size());
      detail->reasons[*invalid_item].code = "ValidationError";
      detail->reasons[*invalid_item].message = prepared[*invalid_item].item_error.message();
      const std::string msg = CancelMessage(detail->reasons);
      return Status(Code::kTransactionCanceled, msg, std::move(detail));
    }

    std::map<std::string, WriteTally> tallies;
    // The tallies point at the transaction's stamps, released once it is committed.
    bool applied = false;
    IT_RETURN_IF_ERROR(transactions_->Apply(actions, prepared, token, &tallies, &applied));
    if (applied) return dynamo::TransactWriteItemsResponse{};
    dynamo::TransactWriteItemsResponse response;
    for (auto& [name, tally] : tallies) {
      // Transactional writes cost twice the units of plain ones.
      IndexUnitsMap index_units;
      for (const auto& [index, units] : tally.index_units)
        index_units[index] = {2 * units.units, units.local};
      if (auto c =
              EngineCore::RenderCapacity(r.return_consumed_capacity, tables.at(name)->metrics(),
                                         name, 2 * tally.table_units, index_units, false)) {
        response.consumed_capacity.push_back(std::move(*c));
      }
      auto collections = RenderCollections(r.return_item_collection_metrics, tally);
      if (!collections.empty()) response.item_collection_metrics[name] = std::move(collections);
    }
    return response;
  });
}

Status Transactions::Apply(const std::vector<TransactAction>& actions,
                           const std::vector<TransactPrepared>& prepared, const Token& token,
                           std::map<std::string, WriteTally>* tallies, bool* already_applied) {
  // The transaction's change records take one block of stamps with one date: a restore
  // to any time has all of them or none.
  StampTickets stamps;
  std::vector<size_t> stripes;
  for (const auto& p : prepared) stripes.push_back(ItemStripe(*p.table, p.key));
  {
    ItemLocks::Guard guard(&core_.locks(), std::move(stripes));
    if (token.token) {
      IT_ASSIGN_OR_RETURN(*already_applied, CheckIdempotency(*token.token, token.fingerprint));
      if (*already_applied) return Status::Ok();
    }
    std::vector<dynamo::CancellationReason> reasons(actions.size());
    std::vector<std::optional<Item>> olds(actions.size()), news(actions.size());
    bool cancelled = false;
    for (size_t i = 0; i < actions.size(); ++i) {
      IT_RETURN_IF_ERROR(core_.ReadItem(prepared[i].key, &olds[i]));
      Status s = Evaluate(actions[i], prepared[i], olds[i], &news[i]);
      if (!s.ok()) {
        cancelled = true;
        reasons[i].code = s.code() == Code::kConditionalCheckFailed ? "ConditionalCheckFailed"
                                                                    : "ValidationError";
        reasons[i].message = s.message();
        if (s.code() == Code::kConditionalCheckFailed &&
            actions[i].on_failure == dynamo::ReturnValuesOnConditionCheckFailure::kAllOld &&
            olds[i]) {
          reasons[i].item = olds[i];
        }
      }
    }
    if (cancelled) {
      auto detail = std::make_shared<dynamo::TransactionCanceledDetail>();
      detail->reasons = std::move(reasons);
      const std::string msg = CancelMessage(detail->reasons);
      return Status(Code::kTransactionCanceled, msg, std::move(detail));
    }
    int64_t logged = 0;
    for (size_t i = 0; i < actions.size(); ++i) {
      const TableDesc& t = *prepared[i].table;
      if (actions[i].kind != TransactAction::Kind::kConditionCheck &&
          (t.pitr_enabled || t.stream) &&
          EngineCore::ChangesItem(olds[i] ? &*olds[i] : nullptr, news[i] ? &*news[i] : nullptr))
        ++logged;
    }
    IT_RETURN_IF_ERROR(stamps.Reserve(&core_.change_clock(), logged));
    rocksdb::WriteBatch batch;
    BatchSink sink(&batch);
    // Statistics summed per table and merged once; they also carry the collection sizes
    // of earlier actions, so that two actions on one item collection are checked together.
    std::map<uint32_t, StatsAccumulator> stats;
    for (size_t i = 0; i < actions.size(); ++i) {
      WriteTally& tally = (*tallies)[actions[i].table_name];
      tally.shared_stamps = &stamps;
      if (actions[i].kind == TransactAction::Kind::kConditionCheck) {
        tally.table_units += std::max(
            1.0, std::ceil(static_cast<double>(olds[i] ? dynamo::ItemSize(*olds[i]) : 0) / 1024.0));
        continue;
      }
      const TableDesc& t = *prepared[i].table;
      Status s = core_.AppendItemChange(t, prepared[i].key, olds[i] ? &*olds[i] : nullptr,
                                        news[i] ? &*news[i] : nullptr, &sink, &tally, &stats[t.id]);
      if (s.code() == Code::kItemCollectionSizeLimitExceeded) {
        // DynamoDB cancels the transaction with this action's reason.
        auto detail = std::make_shared<dynamo::TransactionCanceledDetail>();
        detail->reasons.resize(actions.size());
        detail->reasons[i].code = "ItemCollectionSizeLimitExceeded";
        detail->reasons[i].message = s.message();
        const std::string msg = CancelMessage(detail->reasons);
        return Status(Code::kTransactionCanceled, msg, std::move(detail));
      }
      IT_RETURN_IF_ERROR(s);
    }
    for (const auto& [table_id, acc] : stats) core_.AppendStats(table_id, acc, &batch);
    IT_RETURN_IF_ERROR(core_.Commit(&batch));
    if (token.token) RememberToken(*token.token, token.fingerprint);
  }
  for (auto& [name, tally] : *tallies) tally.shared_stamps = nullptr;  // released below
  return Status::Ok();
}

Status Transactions::Prepare(const TransactAction& a, const TableDesc& t, TransactPrepared* p) {
  p->table = &t;
  if (a.kind == TransactAction::Kind::kPut) {
    p->item_error =
        ValidateItemForWrite(t, *a.item, "Item size has exceeded the maximum allowed size");
    if (!p->item_error.ok()) return Status::Ok();
    p->put_item = *a.item;
    for (auto& [name, value] : *p->put_item) value.Normalize();
    p->key = BaseKeyOf(t, *p->put_item);
  } else {
    Result<std::string> key = EncodeKeyParam(t, *a.key);
    if (!key.ok()) {
      p->item_error = key.status();
      return Status::Ok();
    }
    p->key = std::move(*key);
  }
  const bool has_condition = a.condition.has_value();
  IT_RETURN_IF_ERROR(CheckExpressionMapsUsed(has_condition || a.update, *a.names, *a.values));
  ExpressionResolver resolver(*a.names, *a.values);
  if (a.update) {
    IT_ASSIGN_OR_RETURN(auto ast, core_.expressions().ParseUpdate(*a.update));
    IT_ASSIGN_OR_RETURN(p->update, resolver.ResolveUpdate(*ast));
    for (const Path& path : p->update->Paths()) {
      if (t.IsKeyAttribute(path.front().name)) {
        return Status::Validation(
            "One or more parameter values were invalid: Cannot update attribute " +
            path.front().name + ". This attribute is part of the key");
      }
    }
  }
  if (has_condition) {
    IT_ASSIGN_OR_RETURN(auto ast,
                        core_.expressions().ParseCondition(*a.condition, "ConditionExpression"));
    IT_ASSIGN_OR_RETURN(p->condition, resolver.ResolveCondition(*ast));
  }
  IT_RETURN_IF_ERROR(resolver.CheckAllUsed());
  return Status::Ok();
}

Status Transactions::Evaluate(const TransactAction& a, const TransactPrepared& p,
                              const std::optional<Item>& old, std::optional<Item>* result) {
  if (p.condition && !p.condition->Evaluate(old ? &*old : nullptr))
    return Status::ConditionalCheckFailed();
  switch (a.kind) {
    case TransactAction::Kind::kConditionCheck:
      *result = old;
      return Status::Ok();
    case TransactAction::Kind::kPut:
      *result = p.put_item;
      return Status::Ok();
    case TransactAction::Kind::kDelete:
      result->reset();
      return Status::Ok();
    case TransactAction::Kind::kUpdate: {
      if (!old && p.update && p.update->OnlyRemoves()) {  // as UpdateItem: stays missing
        result->reset();
        return Status::Ok();
      }
      Item updated = old ? *old : *a.key;
      if (p.update) IT_RETURN_IF_ERROR(p.update->Apply(&updated));
      IT_RETURN_IF_ERROR(ValidateItemForWrite(
          *p.table, updated, "Item size to update has exceeded the maximum allowed size"));
      *result = std::move(updated);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<bool> Transactions::CheckIdempotency(const std::string& token,
                                            const std::string& fingerprint) {
  // DynamoDB remembers a ClientRequestToken for 10 minutes; the same token with a
  // different request is an IdempotentParameterMismatchException.
  const int64_t now = core_.clock()->NowMicros();
  constexpr int64_t kWindow = 10LL * 60 * 1000000;
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(tokens_, [&](const auto& e) { return now - e.second.second > kWindow; });
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return false;
  if (it->second.first != fingerprint) {
    return Status(
        Code::kIdempotentParameterMismatch,
        "The request uses the same client token as a previous, but non-identical request.");
  }
  return true;
}

void Transactions::RememberToken(const std::string& token, const std::string& fingerprint) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_[token] = {fingerprint, core_.clock()->NowMicros()};
}

Result<dynamo::TransactGetItemsResponse> Engine::TransactGetItems(
    const dynamo::TransactGetItemsRequest& r) {
  return core_->Metered(TablesOf(r), [&]() -> Result<dynamo::TransactGetItemsResponse> {
    if (r.transact_items.empty() || r.transact_items.size() > kMaxTransactItems) {
      return Status::Validation(
          "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
          "Member must have length less than or equal to 100 and greater than or equal to 1");
    }
    std::map<std::string, std::optional<TableRef>> tables;
    for (const auto& g : r.transact_items) tables.emplace(g.table_name, std::nullopt);
    for (auto& [name, ref] : tables) {
      IT_ASSIGN_OR_RETURN(TableRef t, core_->GetTable(name));
      ref.emplace(std::move(t));
    }
    struct Planned {
      std::string key;
      std::optional<ProjectionPaths> projection;
    };
    std::vector<Planned> planned;
    for (const auto& g : r.transact_items) {
      Planned p;
      IT_ASSIGN_OR_RETURN(p.key, EncodeKeyParam(tables.at(g.table_name)->desc(), g.key));
      IT_ASSIGN_OR_RETURN(p.projection, core_->ResolveOptionalProjection(
                                            g.projection_expression, g.expression_attribute_names));
      planned.push_back(std::move(p));
    }
    // One snapshot: every item is read at the same instant, between whole transactions.
    const rocksdb::Snapshot* snapshot = core_->db()->GetSnapshot();
    dynamo::TransactGetItemsResponse response;
    std::map<std::string, double> units;
    Status status;
    for (size_t i = 0; i < planned.size() && status.ok(); ++i) {
      std::optional<Item> item;
      status = core_->ReadItem(planned[i].key, &item, snapshot);
      const size_t size = item ? dynamo::ItemSize(*item) : 0;
      units[r.transact_items[i].table_name] +=
          2 * std::max(1.0, std::ceil(static_cast<double>(size) / 4096.0));
      dynamo::ItemResponse ir;
      if (item)
        ir.item = planned[i].projection ? ApplyProjection(*item, *planned[i].projection)
                                        : std::move(*item);
      response.responses.push_back(std::move(ir));
    }
    core_->db()->ReleaseSnapshot(snapshot);
    IT_RETURN_IF_ERROR(status);
    for (const auto& [name, u] : units) {
      if (auto c = EngineCore::RenderCapacity(r.return_consumed_capacity,
                                              tables.at(name)->metrics(), name, u, {}, true)) {
        response.consumed_capacity.push_back(std::move(*c));
      }
    }
    return response;
  });
}

}  // namespace issuetracker::engine
