// BatchGetItem and BatchWriteItem.
#include <cmath>
#include <set>

#include "dynamo/legacy.h"
#include "engine/core.h"
#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"

namespace issuetracker::engine {

using dynamo::Item;

namespace {

constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWriteRequests = 25;
constexpr size_t kMaxBatchGetResponseBytes = 16u << 20;

// The distinct tables a batch names.
template <typename Request>
std::set<std::string> TablesOf(const Request& r) {
  std::set<std::string> out;
  for (const auto& [name, entries] : r.request_items) out.insert(name);
  return out;
}

Status DuplicateKeys() {
  return Status::Validation("Provided list of item keys contains duplicates");
}

}  // namespace

Result<dynamo::BatchGetItemResponse> Engine::BatchGetItem(const dynamo::BatchGetItemRequest& r) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return BatchGetItem(t); });
  return core_->Metered(TablesOf(r), [&]() -> Result<dynamo::BatchGetItemResponse> {
    size_t total = 0;
    for (const auto& [name, ka] : r.request_items) total += ka.keys.size();
    if (r.request_items.empty()) {  // a missing RequestItems is the codec's "Value null"
      return Status::Validation(
          "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
          "constraint: Member must have length greater than or equal to 1");
    }
    if (total > kMaxBatchGetKeys)
      return Status::Validation("Too many items requested for the BatchGetItem call");

    // Validate everything first: any invalid table or key fails the whole call.
    struct TablePlan {
      TableRef table;
      std::vector<std::string> keys;
      std::optional<ProjectionPaths> projection;
    };
    std::vector<std::pair<std::string, TablePlan>> plans;
    for (const auto& [name, ka] : r.request_items) {
      if (ka.keys.empty()) {
        return Status::Validation("1 validation error detected: Value at 'requestItems." + name +
                                  ".member.keys' failed to satisfy constraint: Member must have "
                                  "length greater than or equal to 1");
      }
      IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(name));
      TablePlan plan{std::move(table), {}, {}};
      std::set<std::string> seen;
      for (const Item& key : ka.keys) {
        IT_ASSIGN_OR_RETURN(std::string encoded, EncodeKeyParam(plan.table.desc(), key));
        if (!seen.insert(encoded).second) return DuplicateKeys();
        plan.keys.push_back(std::move(encoded));
      }
      IT_ASSIGN_OR_RETURN(plan.projection,
                          core_->ResolveOptionalProjection(ka.projection_expression,
                                                           ka.expression_attribute_names));
      plans.emplace_back(name, std::move(plan));
    }

    dynamo::BatchGetItemResponse response;
    size_t response_bytes = 0;
    for (auto& [name, plan] : plans) {
      const auto& ka = r.request_items.at(name);
      std::vector<rocksdb::Slice> slices(plan.keys.begin(), plan.keys.end());
      std::vector<rocksdb::PinnableSlice> values(slices.size());
      std::vector<rocksdb::Status> statuses(slices.size());
      core_->db()->MultiGet(rocksdb::ReadOptions(), core_->items_cf(), slices.size(), slices.data(),
                            values.data(), statuses.data());
      double units = 0;
      auto& out = response.responses[name];
      for (size_t i = 0; i < slices.size(); ++i) {
        if (response_bytes >= kMaxBatchGetResponseBytes) {
          // Past DynamoDB's 16 MB response limit: the rest is returned as unprocessed.
          auto& unprocessed = response.unprocessed_keys[name];
          unprocessed.consistent_read = ka.consistent_read;
          unprocessed.projection_expression = ka.projection_expression;
          unprocessed.expression_attribute_names = ka.expression_attribute_names;
          unprocessed.keys.push_back(ka.keys[i]);
          continue;
        }
        size_t size = 0;
        if (statuses[i].ok()) {
          IT_ASSIGN_OR_RETURN(Item item,
                              DecodeItem(std::string_view(values[i].data(), values[i].size())));
          size = dynamo::ItemSize(item);
          response_bytes += size;
          out.push_back(plan.projection ? ApplyProjection(item, *plan.projection)
                                        : std::move(item));
          plan.table.metrics()->returned_items.fetch_add(1, std::memory_order_relaxed);
        } else if (!statuses[i].IsNotFound()) {
          return Status::IOError(statuses[i].ToString());
        }
        const double u = std::max(1.0, std::ceil(static_cast<double>(size) / 4096.0));
        units += ka.consistent_read ? u : u / 2;
      }
      if (auto c = EngineCore::RenderCapacity(r.return_consumed_capacity, plan.table.metrics(),
                                              name, units, {}, true)) {
        response.consumed_capacity.push_back(std::move(*c));
      }
    }
    return response;
  });
}

Result<dynamo::BatchWriteItemResponse> Engine::BatchWriteItem(
    const dynamo::BatchWriteItemRequest& r) {
  return core_->Metered(TablesOf(r), [&]() -> Result<dynamo::BatchWriteItemResponse> {
    size_t total = 0;
    for (const auto& [name, writes] : r.request_items) total += writes.size();
    if (r.request_items.empty()) {  // a missing RequestItems is the codec's "Value null"
      return Status::Validation(
          "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
          "constraint: Member must have length greater than or equal to 1");
    }
    // More than 25 writes for one table breaks the map value's length constraint (DynamoDB's
    // words); within that, more than 25 in all is "too many items".
    for (const auto& [name, writes] : r.request_items) {
      if (writes.size() > kMaxBatchWriteRequests) {
        return Status::Validation(
            "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
            "Map value must satisfy constraint: [Member must have length less than or equal to " +
            std::to_string(kMaxBatchWriteRequests) +
            ", Member must have length greater than or equal to 1]");
      }
    }
    if (total > kMaxBatchWriteRequests)
      return Status::Validation("Too many items requested for the BatchWriteItem call");

    // One planned write: table, key, and the item to put (nullopt for a delete).
    struct PlannedWrite {
      const std::string* table_name;  // as the request names it: a name or an ARN
      const TableDesc* table;
      std::string key;
      std::optional<Item> item;
    };
    std::vector<TableRef> tables;
    std::map<std::string, TableMetricsCells*> metrics;  // by the request's table names
    std::vector<PlannedWrite> writes;
    // Keys start with their table's id, so one set finds duplicates within each table,
    // including a table named twice, by its name and by its ARN.
    std::set<std::string> seen;
    for (const auto& [name, requests] : r.request_items) {
      if (requests.empty()) {
        return Status::Validation(
            "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
            "Map "
            "value must satisfy constraint: [Member must have length less than or equal to 25, "
            "Member must have length greater than or equal to 1]");
      }
      IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(name));
      const TableDesc& t = table.desc();
      for (const auto& w : requests) {
        if (w.put_item.has_value() == w.delete_key.has_value()) {
          return Status::Validation(
              "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
              "of "
              "the supported datatypes");
        }
        PlannedWrite planned{&name, &t, {}, {}};
        if (w.put_item) {
          IT_RETURN_IF_ERROR(ValidateItemForWrite(
              t, *w.put_item, "Item size has exceeded the maximum allowed size"));
          planned.item = *w.put_item;
          for (auto& [attr, value] : *planned.item) value.Normalize();
          planned.key = BaseKeyOf(t, *planned.item);
        } else {
          IT_ASSIGN_OR_RETURN(planned.key, EncodeKeyParam(t, *w.delete_key));
        }
        if (!seen.insert(planned.key).second) return DuplicateKeys();
        writes.push_back(std::move(planned));
      }
      metrics[name] = table.metrics();
      tables.push_back(std::move(table));
    }

    std::vector<size_t> stripes;
    for (const auto& w : writes) stripes.push_back(ItemStripe(*w.table, w.key));
    std::map<std::string, WriteTally> tallies;
    {
      ItemLocks::Guard guard(&core_->locks(), std::move(stripes));
      // The old items, read together; statistics summed per table and written once.
      std::vector<rocksdb::Slice> keys;
      for (const auto& w : writes) keys.emplace_back(w.key);
      std::vector<rocksdb::PinnableSlice> values(keys.size());
      std::vector<rocksdb::Status> statuses(keys.size());
      core_->db()->MultiGet(rocksdb::ReadOptions(), core_->items_cf(), keys.size(), keys.data(),
                            values.data(), statuses.data());
      std::map<uint32_t, StatsAccumulator> stats;
      rocksdb::WriteBatch batch;
      BatchSink sink(&batch);
      for (size_t i = 0; i < writes.size(); ++i) {
        const auto& w = writes[i];
        std::optional<Item> old;
        if (statuses[i].ok()) {
          IT_ASSIGN_OR_RETURN(old,
                              DecodeItem(std::string_view(values[i].data(), values[i].size())));
        } else if (!statuses[i].IsNotFound()) {
          return Status::IOError(statuses[i].ToString());
        }
        IT_RETURN_IF_ERROR(core_->AppendItemChange(*w.table, w.key, old ? &*old : nullptr,
                                                   w.item ? &*w.item : nullptr, &sink,
                                                   &tallies[*w.table_name], &stats[w.table->id]));
      }
      for (const auto& [table_id, acc] : stats) core_->AppendStats(table_id, acc, &batch);
      IT_RETURN_IF_ERROR(core_->Commit(&batch));
    }
    dynamo::BatchWriteItemResponse response;
    for (const auto& [name, tally] : tallies) {
      if (auto c = EngineCore::RenderCapacity(r.return_consumed_capacity, metrics[name], name,
                                              tally.table_units, tally.index_units, false)) {
        response.consumed_capacity.push_back(std::move(*c));
      }
      auto collections = RenderCollections(r.return_item_collection_metrics, tally);
      if (!collections.empty()) response.item_collection_metrics[name] = std::move(collections);
    }
    return response;
  });
}

}  // namespace issuetracker::engine
