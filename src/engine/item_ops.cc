// Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.
#include <cmath>

#include "dynamo/legacy.h"
#include "engine/core.h"
#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {

using dynamo::Item;
using dynamo::ReturnValue;

namespace {

// ConditionalCheckFailedException, carrying the old item when the request asked for it.
Status ConditionFailed(dynamo::ReturnValuesOnConditionCheckFailure mode,
                       const std::optional<Item>& old) {
  std::shared_ptr<const StatusDetail> detail;
  if (mode == dynamo::ReturnValuesOnConditionCheckFailure::kAllOld && old) {
    auto d = std::make_shared<dynamo::ConditionalCheckFailedDetail>();
    d->item = *old;
    detail = std::move(d);
  }
  return Status(Code::kConditionalCheckFailed, "The conditional request failed", std::move(detail));
}

double ReadUnits(size_t bytes, bool consistent) {
  const double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

// ItemCollectionMetrics when asked for (tables with local secondary indexes only).
std::optional<dynamo::ItemCollectionMetrics> CollectionMetrics(
    dynamo::ReturnItemCollectionMetrics mode, const WriteTally& tally) {
  if (mode != dynamo::ReturnItemCollectionMetrics::kSize || tally.collections.empty())
    return std::nullopt;
  return RenderCollection(tally.collections.back());
}

Status CheckReturnValues(ReturnValue rv, bool update) {
  if (update || rv == ReturnValue::kNone || rv == ReturnValue::kAllOld) return Status::Ok();
  return Status::Validation("ReturnValues can only be ALL_OLD or NONE");
}

// Locks the item under `key`, reads it into *old and, when `condition` (if any) holds on
// it, writes `next` in its place (nullptr deletes it; deleting a missing item writes
// nothing but is still counted in *tally).
Status ReplaceGuarded(EngineCore& core, const TableDesc& t, const std::string& key,
                      const Condition* condition,
                      dynamo::ReturnValuesOnConditionCheckFailure on_failure, const Item* next,
                      std::optional<Item>* old, WriteTally* tally) {
  ItemLocks::Guard guard(&core.locks(), ItemStripe(t, key));
  IT_RETURN_IF_ERROR(core.ReadItem(key, old));
  const Item* before = *old ? &**old : nullptr;
  if (condition && !condition->Evaluate(before)) return ConditionFailed(on_failure, *old);
  rocksdb::WriteBatch batch;
  IT_RETURN_IF_ERROR(core.AppendItemChange(t, key, before, next, &batch, tally));
  if (!before && !next) return Status::Ok();
  return core.Commit(&batch);
}

}  // namespace

Result<dynamo::PutItemResponse> Engine::PutItem(const dynamo::PutItemRequest& r) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return PutItem(t); });
  return core_->Metered(r.table_name, [&]() -> Result<dynamo::PutItemResponse> {
    IT_RETURN_IF_ERROR(CheckReturnValues(r.return_values, false));
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    const TableDesc& t = table.desc();
    IT_RETURN_IF_ERROR(
        ValidateItemForWrite(t, r.item, "Item size has exceeded the maximum allowed size"));
    IT_RETURN_IF_ERROR(CheckExpressionMapsUsed(r.condition_expression.has_value(),
                                               r.expression_attribute_names,
                                               r.expression_attribute_values));
    ExpressionResolver resolver(r.expression_attribute_names, r.expression_attribute_values);
    IT_ASSIGN_OR_RETURN(
        auto condition,
        core_->ResolveOptionalCondition(r.condition_expression, "ConditionExpression", &resolver));
    IT_RETURN_IF_ERROR(resolver.CheckAllUsed());

    // Sets are stored sorted; an item without sets is written as given, without a copy.
    std::optional<Item> normalised;
    if (dynamo::HasSets(r.item)) {
      normalised = r.item;
      for (auto& [name, value] : *normalised) value.Normalize();
    }
    const Item& item = normalised ? *normalised : r.item;
    const std::string key = BaseKeyOf(t, item);
    WriteTally tally;
    std::optional<Item> old;
    IT_RETURN_IF_ERROR(ReplaceGuarded(*core_, t, key, condition.get(),
                                      r.return_values_on_condition_check_failure, &item, &old,
                                      &tally));
    dynamo::PutItemResponse response;
    if (r.return_values == ReturnValue::kAllOld && old) response.attributes = std::move(old);
    response.consumed_capacity =
        EngineCore::RenderCapacity(r.return_consumed_capacity, table.metrics(), r.table_name,
                                   tally.table_units, tally.index_units, false);
    response.item_collection_metrics = CollectionMetrics(r.return_item_collection_metrics, tally);
    return response;
  });
}

Result<dynamo::GetItemResponse> Engine::GetItem(const dynamo::GetItemRequest& r) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return GetItem(t); });
  return core_->Metered(r.table_name, [&]() -> Result<dynamo::GetItemResponse> {
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    const TableDesc& t = table.desc();
    IT_ASSIGN_OR_RETURN(std::string key, EncodeKeyParam(t, r.key));
    IT_ASSIGN_OR_RETURN(
        std::optional<ProjectionPaths> projection,
        core_->ResolveOptionalProjection(r.projection_expression, r.expression_attribute_names));
    std::optional<Item> item;
    IT_RETURN_IF_ERROR(core_->ReadItem(key, &item));
    dynamo::GetItemResponse response;
    const size_t size = item ? dynamo::ItemSize(*item) : 0;
    if (item) response.item = projection ? ApplyProjection(*item, *projection) : std::move(*item);
    response.consumed_capacity =
        EngineCore::RenderCapacity(r.return_consumed_capacity, table.metrics(), r.table_name,
                                   ReadUnits(size, r.consistent_read), {}, true);
    if (response.item) table.metrics()->returned_items.fetch_add(1, std::memory_order_relaxed);
    return response;
  });
}

namespace {

// UpdateItem may not touch key attributes, nor give a GSI key attribute a nested path.
Status CheckUpdatePaths(const TableDesc& t, const Update& update) {
  for (const Path& path : update.Paths()) {
    const std::string& top = path.front().name;
    if (t.IsKeyAttribute(top)) {
      if (path.size() > 1) {
        return Status::Validation(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
            "allowed: Key: " +
            top);
      }
      return Status::Validation(
          "One or more parameter values were invalid: Cannot update attribute " + top +
          ". This attribute is part of the key");
    }
    for (const IndexDesc& index : t.indexes) {
      const bool index_key = top == index.hash.name || (index.range && top == index.range->name);
      if (index_key && path.size() > 1) {
        return Status::Validation(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
            "allowed: IndexKey: " +
            top);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<dynamo::UpdateItemResponse> Engine::UpdateItem(const dynamo::UpdateItemRequest& r) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return UpdateItem(t); });
  return core_->Metered(r.table_name, [&]() -> Result<dynamo::UpdateItemResponse> {
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    const TableDesc& t = table.desc();
    IT_ASSIGN_OR_RETURN(std::string key, EncodeKeyParam(t, r.key));
    IT_RETURN_IF_ERROR(CheckExpressionMapsUsed(r.update_expression || r.condition_expression,
                                               r.expression_attribute_names,
                                               r.expression_attribute_values));
    ExpressionResolver resolver(r.expression_attribute_names, r.expression_attribute_values);
    std::unique_ptr<Update> update;
    if (r.update_expression) {
      IT_ASSIGN_OR_RETURN(auto ast, core_->expressions().ParseUpdate(*r.update_expression));
      IT_ASSIGN_OR_RETURN(update, resolver.ResolveUpdate(*ast));
      IT_RETURN_IF_ERROR(CheckUpdatePaths(t, *update));
    }
    IT_ASSIGN_OR_RETURN(
        auto condition,
        core_->ResolveOptionalCondition(r.condition_expression, "ConditionExpression", &resolver));
    IT_RETURN_IF_ERROR(resolver.CheckAllUsed());

    WriteTally tally;
    std::optional<Item> old;
    Item updated;
    {
      ItemLocks::Guard guard(&core_->locks(), ItemStripe(t, key));
      IT_RETURN_IF_ERROR(core_->ReadItem(key, &old));
      if (condition && !condition->Evaluate(old ? &*old : nullptr)) {
        return ConditionFailed(r.return_values_on_condition_check_failure, old);
      }
      if (!old && update && update->OnlyRemoves()) {
        // Removing from a missing item leaves it missing: nothing is written or returned.
        dynamo::UpdateItemResponse response;
        response.consumed_capacity = EngineCore::RenderCapacity(
            r.return_consumed_capacity, table.metrics(), r.table_name, 1, {}, false);
        return response;
      }
      updated = old ? *old : r.key;
      if (update) IT_RETURN_IF_ERROR(update->Apply(&updated));
      IT_RETURN_IF_ERROR(ValidateItemForWrite(
          t, updated, "Item size to update has exceeded the maximum allowed size"));
      rocksdb::WriteBatch batch;
      IT_RETURN_IF_ERROR(
          core_->AppendItemChange(t, key, old ? &*old : nullptr, &updated, &batch, &tally));
      IT_RETURN_IF_ERROR(core_->Commit(&batch));
    }
    dynamo::UpdateItemResponse response;
    switch (r.return_values) {
      case ReturnValue::kNone:
        break;
      case ReturnValue::kAllOld:
        response.attributes = old;
        break;
      case ReturnValue::kAllNew:
        response.attributes = std::move(updated);
        break;
      case ReturnValue::kUpdatedOld:
      case ReturnValue::kUpdatedNew: {
        const Item* source =
            r.return_values == ReturnValue::kUpdatedOld ? (old ? &*old : nullptr) : &updated;
        if (source && update) {
          Item projected = ApplyProjection(*source, ProjectionPaths{update->Paths(), nullptr});
          if (!projected.empty()) response.attributes = std::move(projected);
        }
        break;
      }
    }
    response.consumed_capacity =
        EngineCore::RenderCapacity(r.return_consumed_capacity, table.metrics(), r.table_name,
                                   tally.table_units, tally.index_units, false);
    response.item_collection_metrics = CollectionMetrics(r.return_item_collection_metrics, tally);
    return response;
  });
}

Result<dynamo::DeleteItemResponse> Engine::DeleteItem(const dynamo::DeleteItemRequest& r) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return DeleteItem(t); });
  return core_->Metered(r.table_name, [&]() -> Result<dynamo::DeleteItemResponse> {
    IT_RETURN_IF_ERROR(CheckReturnValues(r.return_values, false));
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    const TableDesc& t = table.desc();
    IT_ASSIGN_OR_RETURN(std::string key, EncodeKeyParam(t, r.key));
    IT_RETURN_IF_ERROR(CheckExpressionMapsUsed(r.condition_expression.has_value(),
                                               r.expression_attribute_names,
                                               r.expression_attribute_values));
    ExpressionResolver resolver(r.expression_attribute_names, r.expression_attribute_values);
    IT_ASSIGN_OR_RETURN(
        auto condition,
        core_->ResolveOptionalCondition(r.condition_expression, "ConditionExpression", &resolver));
    IT_RETURN_IF_ERROR(resolver.CheckAllUsed());

    WriteTally tally;
    std::optional<Item> old;
    IT_RETURN_IF_ERROR(ReplaceGuarded(*core_, t, key, condition.get(),
                                      r.return_values_on_condition_check_failure, nullptr, &old,
                                      &tally));
    dynamo::DeleteItemResponse response;
    if (r.return_values == ReturnValue::kAllOld && old) response.attributes = std::move(old);
    response.consumed_capacity =
        EngineCore::RenderCapacity(r.return_consumed_capacity, table.metrics(), r.table_name,
                                   tally.table_units, tally.index_units, false);
    response.item_collection_metrics = CollectionMetrics(r.return_item_collection_metrics, tally);
    return response;
  });
}

}  // namespace issuetracker::engine
