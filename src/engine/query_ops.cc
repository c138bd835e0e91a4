// Query and Scan: one range-read core over a table's or an index's key range.
#include <rocksdb/iterator.h>

#include <cmath>

#include "dynamo/legacy.h"
#include "dynamo/wire_names.h"
#include "engine/core.h"
#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {

using dynamo::AttributeValue;
using dynamo::Item;
using dynamo::Select;

namespace {

constexpr size_t kMaxPageBytes = 1024 * 1024;  // DynamoDB's 1 MB page limit

// Everything a range read needs, resolved from a Query or Scan request.
struct ReadPlan {
  const TableDesc* table = nullptr;
  TableMetricsCells* metrics = nullptr;
  const IndexDesc* index = nullptr;
  std::string lower, upper;  // [lower, upper)
  bool forward = true;
  std::optional<std::string> start_after;
  int32_t limit = 0;  // 0: none
  const Condition* filter = nullptr;
  const ProjectionPaths* projection = nullptr;
  bool count_only = false;
  bool consistent = false;
  // A local secondary index read that needs attributes its entries do not hold: each
  // entry's item is fetched from the table, as DynamoDB does.
  bool fetch_table = false;
};

Status InvalidStartKey(std::string_view detail = "") {
  std::string msg = "The provided starting key is invalid";
  if (!detail.empty()) msg += ": " + std::string(detail);
  return Status::Validation(msg);
}

// Validates an ExclusiveStartKey (exactly the table's keys, plus the index's keys on an
// index) and returns its encoded position.
Result<std::string> EncodeStartKey(const TableDesc& t, const IndexDesc* index, const Item& esk) {
  const Item expected = KeyOf(t, index, esk);
  size_t wanted = t.range ? 2 : 1;
  if (index) {
    wanted += (t.IsKeyAttribute(index->hash.name) ? 0 : 1);
    if (index->range) wanted += (t.IsKeyAttribute(index->range->name) ? 0 : 1);
  }
  if (esk.size() != wanted || expected.size() != wanted) return InvalidStartKey();
  Item table_key;
  table_key.emplace(t.hash.name, esk.at(t.hash.name));
  if (t.range) table_key.emplace(t.range->name, esk.at(t.range->name));
  auto base = EncodeKeyParam(t, table_key);
  if (!base.ok()) return InvalidStartKey(base.status().message());
  if (!index) return *base;
  auto key = IndexKeyOf(t, *index, esk);
  if (!key) return InvalidStartKey();
  return *key;
}

Select DefaultSelect(const ReadPlan& plan, bool has_projection) {
  if (has_projection) return Select::kSpecificAttributes;
  return plan.index ? Select::kAllProjectedAttributes : Select::kAllAttributes;
}

Status CheckSelect(const ReadPlan& plan, std::optional<Select> select, bool has_projection) {
  if (!select) return Status::Ok();
  if (has_projection && *select != Select::kSpecificAttributes) {
    return Status::Validation("Cannot specify the ProjectionExpression when choosing to get " +
                              std::string(dynamo::ToWire(*select)));
  }
  if (*select == Select::kSpecificAttributes && !has_projection) {
    return Status::Validation("Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression");
  }
  if (*select == Select::kAllProjectedAttributes && !plan.index) {
    return Status::Validation(
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (*select == Select::kAllAttributes && plan.index && !plan.index->local &&
      plan.index->projection.projection_type != dynamo::ProjectionType::kAll) {
    return Status::Validation(
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
        "for global secondary index " +
        plan.index->name + " because its projection type is not ALL");
  }
  return Status::Ok();
}

// Positions `it` on the first entry to read. The iterator has no bounds (a pooled one):
// the plan's range [lower, upper) is checked by the reader, InRange below.
void Position(const ReadPlan& plan, rocksdb::Iterator* it) {
  if (plan.forward) {
    if (plan.start_after) {
      it->Seek(*plan.start_after);
      if (it->Valid() && it->key() == rocksdb::Slice(*plan.start_after)) it->Next();
    } else {
      it->Seek(plan.lower);
    }
  } else {
    const std::string& from = plan.start_after ? *plan.start_after : plan.upper;
    it->SeekForPrev(from);  // the last key at or before `from`, which is excluded
    if (it->Valid() && it->key() == rocksdb::Slice(from)) it->Prev();
  }
}

// Whether the iterator's key is still inside the plan's range (reading forwards, below
// `upper`; backwards, at or above `lower`).
bool InRange(const ReadPlan& plan, const rocksdb::Slice& key) {
  return plan.forward ? key.compare(rocksdb::Slice(plan.upper)) < 0
                      : key.compare(rocksdb::Slice(plan.lower)) >= 0;
}

}  // namespace

// The shared range read: iterates, applies Limit, the 1 MB page limit, the filter and the
// projection, and computes read capacity from the bytes read. Rows are decoded into the
// items already in `response` (see Backend::QueryInto), reusing their storage.
// `table` names the table as the request did (its name or its ARN), for ConsumedCapacity.
static Status ExecuteRead(EngineCore& core, const ReadPlan& plan, const std::string& table,
                          dynamo::ReturnConsumedCapacity capacity_mode,
                          dynamo::QueryResponse* response) {
  std::vector<Item> rows = std::move(response->items);
  *response = dynamo::QueryResponse();
  IT_ASSIGN_OR_RETURN(IteratorPool::Lease it, core.item_iterators().Take());
  // Rows are decoded into rows[kept] (the next result slot) unless they are only counted
  // or projected, which decode into a scratch item.
  const bool in_place = !plan.count_only && !plan.projection;
  Item scratch;
  size_t kept = 0;
  size_t bytes = 0;
  for (Position(plan, it.get()); it->Valid() && InRange(plan, it->key());
       plan.forward ? it->Next() : it->Prev()) {
    if (in_place && kept == rows.size()) rows.emplace_back();
    Item& item = in_place ? rows[kept] : scratch;
    size_t size = 0;
    IT_RETURN_IF_ERROR(
        DecodeItemInto(std::string_view(it->value().data(), it->value().size()), &item, &size));
    bytes += size;
    if (plan.fetch_table) {
      std::optional<Item> full;
      IT_RETURN_IF_ERROR(core.ReadItem(BaseKeyOf(*plan.table, item), &full));
      if (!full) continue;  // deleted since the entry was read
      bytes += dynamo::ItemSize(*full);
      item = std::move(*full);
    }
    ++response->scanned_count;
    const bool at_limit =
        (plan.limit > 0 && response->scanned_count >= plan.limit) || bytes >= kMaxPageBytes;
    if (at_limit) response->last_evaluated_key = KeyOf(*plan.table, plan.index, item);
    if (!plan.filter || plan.filter->Evaluate(&item)) {
      ++response->count;
      if (plan.projection) {
        if (kept == rows.size()) rows.emplace_back();
        rows[kept] = ApplyProjection(item, *plan.projection);
      }
      if (!plan.count_only) ++kept;
    }
    if (at_limit) break;
  }
  IT_RETURN_IF_ERROR(it->status().ok() ? Status::Ok() : Status::IOError(it->status().ToString()));
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(kept), rows.end());
  response->items = std::move(rows);
  double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  if (!plan.consistent) units /= 2;
  if (plan.index && capacity_mode != dynamo::ReturnConsumedCapacity::kNone) {
    response->consumed_capacity =
        EngineCore::RenderCapacity(capacity_mode, plan.metrics, table, 0,
                                   {{plan.index->name, {units, plan.index->local}}}, true);
  } else {  // the metrics count the same units either way
    response->consumed_capacity =
        EngineCore::RenderCapacity(capacity_mode, plan.metrics, table, units, {}, true);
  }
  plan.metrics->returned_items.fetch_add(response->count, std::memory_order_relaxed);
  return Status::Ok();
}

namespace {

// Turns a resolved key condition into the plan's key range.
Status PlanKeyRange(const KeyCondition& kc, ReadPlan* plan) {
  const KeyAttr& hash = plan->index ? plan->index->hash : plan->table->hash;
  const std::optional<KeyAttr>& range = plan->index ? plan->index->range : plan->table->range;
  if (kc.hash_attribute != hash.name) {
    if (range && kc.hash_attribute == range->name && kc.range && kc.range->attribute == hash.name) {
      return Status::Validation("Query key condition not supported");
    }
    return Status::Validation("Query condition missed key schema element: " + hash.name);
  }
  if (kc.hash_value.type() != dynamo::ToAttrType(hash.type)) {
    return Status::Validation(
        "One or more parameter values were invalid: Condition parameter type does not match schema "
        "type");
  }
  const uint8_t index_id = plan->index ? plan->index->id : kBaseIndexId;
  const std::string prefix = PartitionPrefix(plan->table->id, index_id, kc.hash_value);
  plan->lower = prefix;
  plan->upper = PrefixSuccessor(prefix);
  if (!kc.range) return Status::Ok();
  if (!range) return Status::Validation("Query key condition not supported");
  if (kc.range->attribute != range->name) {
    return Status::Validation("Query condition missed key schema element: " + range->name);
  }
  const auto type = dynamo::ToAttrType(range->type);
  if (kc.range->value.type() != type ||
      (kc.range->op == KeyCondition::Op::kBetween && kc.range->value2.type() != type)) {
    return Status::Validation(
        "One or more parameter values were invalid: Condition parameter type does not match schema "
        "type");
  }
  std::string v = prefix;
  AppendKeyValue(kc.range->value, &v);
  switch (kc.range->op) {
    case KeyCondition::Op::kEq:
      plan->lower = v;
      plan->upper = PrefixSuccessor(v);
      break;
    case KeyCondition::Op::kLt:
      plan->upper = v;
      break;
    case KeyCondition::Op::kLe:
      plan->upper = PrefixSuccessor(v);
      break;
    case KeyCondition::Op::kGt:
      plan->lower = PrefixSuccessor(v);
      break;
    case KeyCondition::Op::kGe:
      plan->lower = v;
      break;
    case KeyCondition::Op::kBetween: {
      std::string hi = prefix;
      AppendKeyValue(kc.range->value2, &hi);
      if (hi < v) {  // the encoding preserves order
        return Status::Validation(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: AttributeValue: " +
            kc.range->value.DebugString() +
            ", upper bound operand: AttributeValue: " + kc.range->value2.DebugString());
      }
      plan->lower = v;
      plan->upper = PrefixSuccessor(hi);
      break;
    }
    case KeyCondition::Op::kBeginsWith: {
      if (type == dynamo::AttrType::kN) {
        return Status::Validation(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
      }
      std::string p = prefix;
      AppendKeyPrefix(type == dynamo::AttrType::kS ? kc.range->value.s() : kc.range->value.b(), &p);
      plan->lower = p;
      plan->upper = PrefixSuccessor(p);
      break;
    }
  }
  return Status::Ok();
}

Status ResolveIndex(const TableDesc& t, const std::optional<std::string>& index_name,
                    bool consistent, ReadPlan* plan) {
  plan->table = &t;
  if (!index_name) return Status::Ok();
  plan->index = t.FindIndex(*index_name);
  if (!plan->index)
    return Status::Validation("The table does not have the specified index: " + *index_name);
  if (consistent && !plan->index->local)
    return Status::Validation("Consistent reads are not supported on global secondary indexes");
  if (plan->index->backfilling) {
    return Status::Validation("Cannot read from backfilling global secondary index: " +
                              *index_name);
  }
  return Status::Ok();
}

// Whether a read of a local secondary index needs its items' attributes from the table:
// all attributes asked for, or a projection or filter naming an attribute the index does
// not project. Reads of a GSI never fetch (DynamoDB cannot).
bool NeedsTableFetch(const ReadPlan& plan, std::optional<Select> select,
                     const ProjectionPaths* projection, const Condition* filter) {
  const IndexDesc* index = plan.index;
  if (!index || !index->local || index->projection.projection_type == dynamo::ProjectionType::kAll)
    return false;
  if (select == Select::kAllAttributes) return true;
  if (projection) {
    for (const Path& path : projection->paths) {
      if (!path.empty() && !index->Projects(path.front().name, *plan.table)) return true;
    }
  }
  if (filter) {
    for (const std::string& attr : filter->TopLevelAttributes()) {
      if (!index->Projects(attr, *plan.table)) return true;
    }
  }
  return false;
}

Status CheckLimit(const std::optional<int32_t>& limit) {
  if (limit && *limit < 1) {
    return Status::Validation("1 validation error detected: Value '" + std::to_string(*limit) +
                              "' at 'limit' failed to satisfy constraint: Member must have value "
                              "greater than or equal to 1");
  }
  return Status::Ok();
}

}  // namespace

Status Engine::QueryInto(const dynamo::QueryRequest& r, dynamo::QueryResponse* response) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return QueryInto(t, response); });
  return core_->Metered(r.table_name, [&]() -> Status {
    IT_RETURN_IF_ERROR(CheckLimit(r.limit));
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    ReadPlan plan;
    plan.metrics = table.metrics();
    IT_RETURN_IF_ERROR(ResolveIndex(table.desc(), r.index_name, r.consistent_read, &plan));
    if (!r.key_condition_expression) {
      return Status::Validation(
          "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
          "request.");
    }
    ExpressionResolver resolver(r.expression_attribute_names, r.expression_attribute_values);
    IT_ASSIGN_OR_RETURN(auto key_ast, core_->expressions().ParseCondition(
                                          *r.key_condition_expression, "KeyConditionExpression"));
    const KeyAttr& hash_key = plan.index ? plan.index->hash : plan.table->hash;
    const auto& range_key = plan.index ? plan.index->range : plan.table->range;
    IT_ASSIGN_OR_RETURN(
        KeyCondition kc,
        resolver.ResolveKeyCondition(*key_ast, hash_key.name, range_key ? range_key->name : ""));
    IT_ASSIGN_OR_RETURN(auto filter, core_->ResolveOptionalCondition(
                                         r.filter_expression, "FilterExpression", &resolver));
    std::optional<ProjectionPaths> projection;
    if (r.projection_expression) {
      IT_ASSIGN_OR_RETURN(auto ast, core_->expressions().ParseProjection(*r.projection_expression));
      IT_ASSIGN_OR_RETURN(projection, resolver.ResolveProjection(*ast));
    }
    IT_RETURN_IF_ERROR(resolver.CheckAllUsed());
    IT_RETURN_IF_ERROR(CheckSelect(plan, r.select, projection.has_value()));
    if (filter) {
      for (const std::string& attr : filter->TopLevelAttributes()) {
        if (attr == hash_key.name || (range_key && attr == range_key->name)) {
          return Status::Validation(
              "Filter Expression can only contain non-primary key attributes: Primary key "
              "attribute: " +
              attr);
        }
      }
    }
    IT_RETURN_IF_ERROR(PlanKeyRange(kc, &plan));
    if (r.exclusive_start_key) {
      IT_ASSIGN_OR_RETURN(std::string start,
                          EncodeStartKey(table.desc(), plan.index, *r.exclusive_start_key));
      const std::string partition = PartitionPrefix(
          table.desc().id, plan.index ? plan.index->id : kBaseIndexId, kc.hash_value);
      if (!std::string_view(start).starts_with(partition)) {
        return Status::Validation(
            "The provided starting key is outside query boundaries based on provided conditions");
      }
      if (start < plan.lower || start >= plan.upper) {
        return Status::Validation(
            "The provided starting key does not match the range key predicate");
      }
      plan.start_after = std::move(start);
    }
    plan.forward = r.scan_index_forward;
    plan.limit = r.limit.value_or(0);
    plan.filter = filter.get();
    plan.projection = projection ? &*projection : nullptr;
    plan.count_only =
        r.select.value_or(DefaultSelect(plan, projection.has_value())) == Select::kCount;
    plan.consistent = r.consistent_read;
    plan.fetch_table = NeedsTableFetch(plan, r.select, plan.projection, plan.filter);
    return ExecuteRead(*core_, plan, r.table_name, r.return_consumed_capacity, response);
  });
}

Status Engine::ScanInto(const dynamo::ScanRequest& r, dynamo::ScanResponse* response) {
  // Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
  if (dynamo::legacy::Uses(r))
    return dynamo::legacy::Apply(r, [&](const auto& t) { return ScanInto(t, response); });
  return core_->Metered(r.table_name, [&]() -> Status {
    IT_RETURN_IF_ERROR(CheckLimit(r.limit));
    if (r.segment.has_value() != r.total_segments.has_value()) {
      return Status::Validation(r.segment
                                    ? "The TotalSegments parameter is required but was not "
                                      "present in the request when Segment parameter is present"
                                    : "The Segment parameter is required but was not present "
                                      "in the request when parameter TotalSegments is present");
    }
    const int64_t total = r.total_segments.value_or(1);
    const int64_t segment = r.segment.value_or(0);
    if (total < 1 || total > 1000000) {
      return Status::Validation(
          "1 validation error detected: Value '" + std::to_string(total) +
          "' at 'totalSegments' failed to satisfy constraint: Member must have "
          "value less than or equal to 1000000 and greater than or equal to 1");
    }
    if (segment < 0 || segment >= total) {
      return Status::Validation(
          "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
          "Segment: " +
          std::to_string(segment) + " is not less than TotalSegments: " + std::to_string(total));
    }
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    ReadPlan plan;
    plan.metrics = table.metrics();
    IT_RETURN_IF_ERROR(ResolveIndex(table.desc(), r.index_name, r.consistent_read, &plan));
    ExpressionResolver resolver(r.expression_attribute_names, r.expression_attribute_values);
    IT_ASSIGN_OR_RETURN(auto filter, core_->ResolveOptionalCondition(
                                         r.filter_expression, "FilterExpression", &resolver));
    std::optional<ProjectionPaths> projection;
    if (r.projection_expression) {
      IT_ASSIGN_OR_RETURN(auto ast, core_->expressions().ParseProjection(*r.projection_expression));
      IT_ASSIGN_OR_RETURN(projection, resolver.ResolveProjection(*ast));
    }
    IT_RETURN_IF_ERROR(CheckExpressionMapsUsed(r.filter_expression || r.projection_expression,
                                               r.expression_attribute_names,
                                               r.expression_attribute_values));
    IT_RETURN_IF_ERROR(resolver.CheckAllUsed());
    IT_RETURN_IF_ERROR(CheckSelect(plan, r.select, projection.has_value()));
    // Segments are contiguous ranges of the 32-bit partition hash.
    HashSegmentBounds(table.desc().id, plan.index ? plan.index->id : kBaseIndexId, segment, total,
                      &plan.lower, &plan.upper);
    if (r.exclusive_start_key) {
      IT_ASSIGN_OR_RETURN(std::string start,
                          EncodeStartKey(table.desc(), plan.index, *r.exclusive_start_key));
      if (start < plan.lower || start >= plan.upper) {
        return Status::Validation(
            "The provided Exclusive start key does not map to the provided Segment and "
            "TotalSegments "
            "values.");
      }
      plan.start_after = std::move(start);
    }
    plan.limit = r.limit.value_or(0);
    plan.filter = filter.get();
    plan.projection = projection ? &*projection : nullptr;
    plan.count_only =
        r.select.value_or(DefaultSelect(plan, projection.has_value())) == Select::kCount;
    plan.consistent = r.consistent_read;
    plan.fetch_table = NeedsTableFetch(plan, r.select, plan.projection, plan.filter);
    return ExecuteRead(*core_, plan, r.table_name, r.return_consumed_capacity, response);
  });
}

// Query and Scan have one implementation each, into a response (QueryInto, ScanInto).
Result<dynamo::QueryResponse> Engine::Query(const dynamo::QueryRequest& r) {
  dynamo::QueryResponse response;
  IT_RETURN_IF_ERROR(QueryInto(r, &response));
  return response;
}

Result<dynamo::ScanResponse> Engine::Scan(const dynamo::ScanRequest& r) {
  dynamo::ScanResponse response;
  IT_RETURN_IF_ERROR(ScanInto(r, &response));
  return response;
}

}  // namespace issuetracker::engine
