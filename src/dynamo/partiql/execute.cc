#include "dynamo/partiql/execute.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "dynamo/partiql/parser.h"
#include "dynamo/partiql/render.h"

namespace issuetracker::dynamo::partiql {
namespace {

constexpr std::string_view kDuplicateItem = "Duplicate primary key exists in table";

// The key attributes of a table or one of its indexes.
struct KeyNames {
  std::string hash;
  std::optional<std::string> range;
};

KeyNames KeysOf(const std::vector<KeySchemaElement>& schema) {
  KeyNames keys;
  for (const KeySchemaElement& k : schema) {
    if (k.key_type == KeyType::kHash) {
      keys.hash = k.attribute_name;
    } else {
      keys.range = k.attribute_name;
    }
  }
  return keys;
}

// The key schema of `table` (or of its index), from DescribeTable.
Result<KeyNames> DescribeKeys(Backend& backend, const std::string& table,
                              const std::optional<std::string>& index) {
  DescribeTableRequest request;
  request.table_name = table;
  IT_ASSIGN_OR_RETURN(DescribeTableResponse described, backend.DescribeTable(request));
  if (!index) return KeysOf(described.table.key_schema);
  for (const auto& gsi : described.table.global_secondary_indexes) {
    if (gsi.index_name == *index) return KeysOf(gsi.key_schema);
  }
  for (const auto& lsi : described.table.local_secondary_indexes) {
    if (lsi.index_name == *index) return KeysOf(lsi.key_schema);
  }
  return Status::Validation("The table does not have the specified index: " + *index);
}

// The full primary key the WHERE clause gives by equalities, and its other conditions.
struct KeyedWhere {
  Item key;
  std::vector<const Node*> rest;
};

Result<KeyedWhere> SplitKey(const Node& where, const KeyNames& keys) {
  KeyedWhere out;
  for (const Node* c : Conjuncts(where)) {
    bool used = false;
    for (const std::string* name : {&keys.hash, keys.range ? &*keys.range : nullptr}) {
      if (name == nullptr || out.key.contains(*name)) continue;
      if (auto v = EqualityOn(*c, *name)) {
        out.key.emplace(*name, std::move(*v));
        used = true;
        break;
      }
    }
    if (!used) out.rest.push_back(c);
  }
  if (!out.key.contains(keys.hash) || (keys.range && !out.key.contains(*keys.range))) {
    return Status::Validation(
        "Where clause does not contain a mandatory equality on all key attributes");
  }
  return out;
}

// ---------------------------------------------------------------------------- SELECT

// The partition key values a condition selects when it names only the partition key:
// `pk = v`, `pk IN [v, ...]`, or such conditions ORed (`pk = a OR pk = b`); nullopt for
// any other condition.
std::optional<std::vector<AttributeValue>> PartitionValues(const Node& c, const std::string& hash) {
  if (auto v = EqualityOn(c, hash)) return std::vector<AttributeValue>{std::move(*v)};
  if (c.kind == Node::Kind::kIn && !c.negated && c.children[0].kind == Node::Kind::kPath &&
      c.children[0].path.size() == 1 && c.children[0].path[0].name == hash &&
      c.children[0].path[0].index < 0) {
    std::vector<AttributeValue> values;
    for (size_t i = 1; i < c.children.size(); ++i) {
      if (c.children[i].kind != Node::Kind::kValue) return std::nullopt;
      values.push_back(c.children[i].value);
    }
    return values;
  }
  if (c.kind == Node::Kind::kOr) {
    auto left = PartitionValues(c.children[0], hash);
    auto right = left ? PartitionValues(c.children[1], hash) : std::nullopt;
    if (!right) return std::nullopt;
    left->insert(left->end(), right->begin(), right->end());
    return left;
  }
  return std::nullopt;
}

// Partition key values in key order (numbers by value, strings and binaries by bytes).
bool KeyValueLess(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return a.type() < b.type();
  if (a.is(AttrType::kN)) return a.n() < b.n();
  return a.is(AttrType::kS) ? a.s() < b.s() : a.b() < b.b();
}

// How a SELECT runs: Queries of the listed partitions (in this order) with an optional
// sort key condition and a filter, or, without a partition key condition, a Scan with the
// whole WHERE clause as filter.
struct SelectPlan {
  std::vector<AttributeValue> partitions;  // empty: a Scan
  const Node* range_condition = nullptr;
  std::vector<const Node*> filter;
  bool forward = true;  // the sort key's direction within a partition
};

Result<SelectPlan> PlanSelect(const SelectStatement& s, const KeyNames& keys) {
  SelectPlan plan;
  if (s.where) {
    std::optional<std::vector<AttributeValue>> partitions;
    for (const Node* c : Conjuncts(*s.where)) {
      if (!partitions && (partitions = PartitionValues(*c, keys.hash))) continue;
      if (!plan.range_condition && keys.range && IsSortKeyCondition(*c, *keys.range)) {
        plan.range_condition = c;
      } else {
        plan.filter.push_back(c);
      }
    }
    // A Query's filter may not name key attributes: a WHERE clause with more conditions on
    // them than the key condition holds is answered by a Scan.
    bool filter_on_keys = false;
    for (const Node* c : plan.filter) {
      filter_on_keys =
          filter_on_keys || Mentions(*c, keys.hash) || (keys.range && Mentions(*c, *keys.range));
    }
    if (partitions && !partitions->empty() && !filter_on_keys) {
      plan.partitions = std::move(*partitions);
    } else {
      plan.range_condition = nullptr;
      plan.filter = {&*s.where};
    }
  }
  // ORDER BY names key attributes of what is read, and needs partitions to order.
  bool hash_descending = false;
  for (const OrderKey& key : s.order_by) {
    if (key.attribute != keys.hash && key.attribute != keys.range.value_or("")) {
      return Status::Validation("ORDER BY can only name key attributes of the table or index: " +
                                key.attribute + " is not one");
    }
    if (key.attribute == keys.hash) {
      hash_descending = key.descending;
    } else {
      plan.forward = !key.descending;
    }
  }
  if (!s.order_by.empty() && plan.partitions.empty()) {
    return Status::Validation(
        "Must have WHERE clause in the statement when using ORDER BY clause: an equality or IN "
        "condition on the partition key");
  }
  // Partitions are read once each, in key order (ASC unless ORDER BY says DESC).
  std::stable_sort(plan.partitions.begin(), plan.partitions.end(), KeyValueLess);
  plan.partitions.erase(std::unique(plan.partitions.begin(), plan.partitions.end(),
                                    [](const AttributeValue& a, const AttributeValue& b) {
                                      return !KeyValueLess(a, b) && !KeyValueLess(b, a);
                                    }),
                        plan.partitions.end());
  if (hash_descending) std::reverse(plan.partitions.begin(), plan.partitions.end());
  return plan;
}

// Adds `more` (one of several Queries of a statement) to `total`.
void AddCapacity(std::optional<ConsumedCapacity>* total, std::optional<ConsumedCapacity> more) {
  if (!more) return;
  if (!*total) {
    *total = std::move(more);
    return;
  }
  ConsumedCapacity& t = **total;
  t.capacity_units += more->capacity_units;
  t.read_capacity_units += more->read_capacity_units;
  if (more->table) {
    if (!t.table) t.table.emplace();
    t.table->capacity_units += more->table->capacity_units;
    t.table->read_capacity_units += more->table->read_capacity_units;
  }
  for (const auto& [name, c] : more->global_secondary_indexes) {
    Capacity& into = t.global_secondary_indexes[name];
    into.capacity_units += c.capacity_units;
    into.read_capacity_units += c.read_capacity_units;
  }
}

Result<ExecuteStatementResponse> RunSelect(Backend& backend, const SelectStatement& s,
                                           const ExecuteStatementRequest& r) {
  IT_ASSIGN_OR_RETURN(KeyNames keys, DescribeKeys(backend, s.table, s.index));
  Renderer render;
  std::optional<std::string> projection;
  if (!s.projection.empty()) {
    std::string text;
    for (const Path& p : s.projection) text += (text.empty() ? "" : ", ") + render.PathText(p);
    projection = std::move(text);
  }
  std::optional<Item> start;
  if (r.next_token) {
    IT_ASSIGN_OR_RETURN(Item key, DecodeNextToken(*r.next_token));
    start = std::move(key);
  }
  IT_ASSIGN_OR_RETURN(const SelectPlan plan, PlanSelect(s, keys));
  const auto& filter = plan.filter;
  QueryResponse page;
  if (!plan.partitions.empty()) {
    // One Query per partition key value, in the plan's order, within one Limit: a page
    // ends at the Limit or where a Query's own page ends, and its NextToken (the last
    // evaluated key, which holds the partition key) says which partition to go on with.
    size_t first = 0;
    if (start) {
      const auto found = start->find(keys.hash);
      while (found != start->end() && first < plan.partitions.size() &&
             !(plan.partitions[first] == found->second)) {
        ++first;
      }
      if (found == start->end() || first == plan.partitions.size()) {
        return Status::Validation(
            "The provided starting key is invalid: it is not in a "
            "partition the statement reads");
      }
    }
    Renderer query_render = render;
    Node hash_eq;
    hash_eq.kind = Node::Kind::kCompare;
    hash_eq.op = "=";
    hash_eq.children.resize(2);
    hash_eq.children[0].kind = Node::Kind::kPath;
    hash_eq.children[0].path = {PathStep{keys.hash, -1}};
    std::vector<const Node*> key_conditions = {&hash_eq};
    if (plan.range_condition) key_conditions.push_back(plan.range_condition);
    std::optional<ConsumedCapacity> capacity;
    std::optional<int32_t> remaining = r.limit;
    for (size_t i = first; i < plan.partitions.size(); ++i) {
      hash_eq.children[1].value = plan.partitions[i];
      Renderer each = query_render;
      QueryRequest q;
      q.table_name = s.table;
      q.index_name = s.index;
      IT_ASSIGN_OR_RETURN(q.key_condition_expression, each.RenderAll(key_conditions));
      if (!filter.empty()) {
        IT_ASSIGN_OR_RETURN(q.filter_expression, each.RenderAll(filter));
      }
      q.projection_expression = projection;
      q.limit = remaining;
      if (i == first) q.exclusive_start_key = start;
      q.scan_index_forward = plan.forward;
      q.consistent_read = r.consistent_read;
      q.return_consumed_capacity = r.return_consumed_capacity;
      q.expression_attribute_names = std::move(each.names);
      q.expression_attribute_values = std::move(each.values);
      IT_ASSIGN_OR_RETURN(QueryResponse part, backend.Query(q));
      for (Item& item : part.items) page.items.push_back(std::move(item));
      page.count += part.count;
      page.scanned_count += part.scanned_count;
      AddCapacity(&capacity, std::move(part.consumed_capacity));
      if (remaining) *remaining -= part.scanned_count;
      if (part.last_evaluated_key) {
        // The Limit or the page size ended this Query, and with it the page (as at any
        // Limit, the next page may turn out empty).
        page.last_evaluated_key = std::move(part.last_evaluated_key);
        break;
      }
    }
    page.consumed_capacity = std::move(capacity);
  } else {
    ScanRequest q;
    q.table_name = s.table;
    q.index_name = s.index;
    if (!filter.empty()) {
      IT_ASSIGN_OR_RETURN(q.filter_expression, render.RenderAll(filter));
    }
    q.projection_expression = projection;
    q.limit = r.limit;
    q.exclusive_start_key = start;
    q.consistent_read = r.consistent_read;
    q.return_consumed_capacity = r.return_consumed_capacity;
    q.expression_attribute_names = render.names;
    q.expression_attribute_values = render.values;
    IT_ASSIGN_OR_RETURN(page, backend.Scan(q));
  }
  ExecuteStatementResponse out;
  out.items = std::move(page.items);
  out.consumed_capacity = std::move(page.consumed_capacity);
  if (page.last_evaluated_key) {
    out.next_token = EncodeNextToken(*page.last_evaluated_key);
    out.last_evaluated_key = std::move(page.last_evaluated_key);
  }
  return out;
}

// --------------------------------------------------------------------------- writes

// Each write statement as the request of the Backend operation it maps to.
Result<PutItemRequest> InsertRequest(Backend& backend, const InsertStatement& s) {
  IT_ASSIGN_OR_RETURN(KeyNames keys, DescribeKeys(backend, s.table, std::nullopt));
  PutItemRequest put;
  put.table_name = s.table;
  put.item = s.item;
  put.condition_expression = "attribute_not_exists(#p0)";
  put.expression_attribute_names["#p0"] = keys.hash;
  return put;
}

// The update expression of UPDATE's SET and REMOVE actions.
Result<std::string> UpdateText(const UpdateStatement& s, Renderer& render) {
  std::vector<std::string> set, remove, add, del;
  for (const SetAction& a : s.sets) {
    const std::string path = render.PathText(a.path);
    const Node& v = a.value;
    if (v.kind == Node::Kind::kCall && (v.op == "set_add" || v.op == "set_delete")) {
      if (v.children.size() != 2 || v.children[0].kind != Node::Kind::kPath ||
          v.children[0].path != a.path) {
        return Status::Validation(v.op + " takes the updated attribute and a set: SET a = " + v.op +
                                  "(a, <<...>>)");
      }
      IT_ASSIGN_OR_RETURN(std::string operand, render.Render(v.children[1]));
      (v.op == "set_add" ? add : del).push_back(path + " " + operand);
      continue;
    }
    IT_ASSIGN_OR_RETURN(std::string value, render.Render(v));
    set.push_back(path + " = " + value);
  }
  for (const Path& p : s.removes) remove.push_back(render.PathText(p));
  std::string out;
  auto clause = [&out](std::string_view keyword, const std::vector<std::string>& parts) {
    if (parts.empty()) return;
    out += (out.empty() ? "" : " ") + std::string(keyword);
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : " ") + parts[i];
  };
  clause("SET", set);
  clause("REMOVE", remove);
  clause("ADD", add);
  clause("DELETE", del);
  return out;
}

// The condition of an UPDATE or EXISTS: the item exists and the WHERE clause's other
// conditions hold.
Result<std::string> ExistsCondition(const KeyNames& keys, const std::vector<const Node*>& rest,
                                    Renderer& render) {
  Node exists;
  exists.kind = Node::Kind::kIsMissing;
  exists.negated = true;
  Node path;
  path.kind = Node::Kind::kPath;
  path.path = {PathStep{keys.hash, -1}};
  exists.children.push_back(std::move(path));
  std::vector<const Node*> all = {&exists};
  all.insert(all.end(), rest.begin(), rest.end());
  return render.RenderAll(all);
}

Result<UpdateItemRequest> UpdateRequest(Backend& backend, const UpdateStatement& s) {
  IT_ASSIGN_OR_RETURN(KeyNames keys, DescribeKeys(backend, s.table, std::nullopt));
  IT_ASSIGN_OR_RETURN(KeyedWhere where, SplitKey(s.where, keys));
  Renderer render;
  UpdateItemRequest u;
  u.table_name = s.table;
  u.key = std::move(where.key);
  IT_ASSIGN_OR_RETURN(u.update_expression, UpdateText(s, render));
  IT_ASSIGN_OR_RETURN(u.condition_expression, ExistsCondition(keys, where.rest, render));
  u.expression_attribute_names = std::move(render.names);
  u.expression_attribute_values = std::move(render.values);
  u.return_values = s.returning;
  return u;
}

Result<DeleteItemRequest> DeleteRequest(Backend& backend, const DeleteStatement& s) {
  IT_ASSIGN_OR_RETURN(KeyNames keys, DescribeKeys(backend, s.table, std::nullopt));
  IT_ASSIGN_OR_RETURN(KeyedWhere where, SplitKey(s.where, keys));
  Renderer render;
  DeleteItemRequest d;
  d.table_name = s.table;
  d.key = std::move(where.key);
  if (!where.rest.empty()) {
    IT_ASSIGN_OR_RETURN(d.condition_expression, render.RenderAll(where.rest));
  }
  d.expression_attribute_names = std::move(render.names);
  d.expression_attribute_values = std::move(render.values);
  d.return_values = s.returning;
  return d;
}

// The GetItem of a SELECT that names one item by its full key (batches, transactions).
Result<GetItemRequest> KeyedGet(Backend& backend, const SelectStatement& s) {
  static constexpr std::string_view kNeedsKey =
      "Select statements within BatchExecuteStatement and ExecuteTransaction must specify an "
      "equality condition on all key attributes";
  if (s.index) return Status::Validation(std::string(kNeedsKey));
  IT_ASSIGN_OR_RETURN(KeyNames keys, DescribeKeys(backend, s.table, std::nullopt));
  if (!s.where) return Status::Validation(std::string(kNeedsKey));
  auto where = SplitKey(*s.where, keys);
  if (!where.ok() || !where->rest.empty()) return Status::Validation(std::string(kNeedsKey));
  Renderer render;
  GetItemRequest g;
  g.table_name = s.table;
  g.key = std::move(where->key);
  if (!s.projection.empty()) {
    std::string text;
    for (const Path& p : s.projection) text += (text.empty() ? "" : ", ") + render.PathText(p);
    g.projection_expression = std::move(text);
  }
  g.expression_attribute_names = std::move(render.names);
  return g;
}

Status DuplicateItem() { return Status(Code::kDuplicateItem, kDuplicateItem); }

// Runs one parsed statement of ExecuteStatement.
Result<ExecuteStatementResponse> Run(Backend& backend, const Statement& statement,
                                     const ExecuteStatementRequest& r) {
  ExecuteStatementResponse out;
  auto returned = [&out](std::optional<Item>& attributes) {
    if (attributes && !attributes->empty()) out.items.push_back(std::move(*attributes));
  };
  if (const auto* s = std::get_if<SelectStatement>(&statement)) return RunSelect(backend, *s, r);
  if (const auto* s = std::get_if<InsertStatement>(&statement)) {
    IT_ASSIGN_OR_RETURN(PutItemRequest put, InsertRequest(backend, *s));
    put.return_consumed_capacity = r.return_consumed_capacity;
    auto result = backend.PutItem(put);
    if (!result.ok()) {
      if (result.status().code() == Code::kConditionalCheckFailed) return DuplicateItem();
      return result.status();
    }
    out.consumed_capacity = std::move(result->consumed_capacity);
    return out;
  }
  if (const auto* s = std::get_if<UpdateStatement>(&statement)) {
    IT_ASSIGN_OR_RETURN(UpdateItemRequest u, UpdateRequest(backend, *s));
    u.return_consumed_capacity = r.return_consumed_capacity;
    u.return_values_on_condition_check_failure = r.return_values_on_condition_check_failure;
    IT_ASSIGN_OR_RETURN(UpdateItemResponse result, backend.UpdateItem(u));
    returned(result.attributes);
    out.consumed_capacity = std::move(result.consumed_capacity);
    return out;
  }
  if (const auto* s = std::get_if<DeleteStatement>(&statement)) {
    IT_ASSIGN_OR_RETURN(DeleteItemRequest d, DeleteRequest(backend, *s));
    d.return_consumed_capacity = r.return_consumed_capacity;
    d.return_values_on_condition_check_failure = r.return_values_on_condition_check_failure;
    IT_ASSIGN_OR_RETURN(DeleteItemResponse result, backend.DeleteItem(d));
    returned(result.attributes);
    out.consumed_capacity = std::move(result.consumed_capacity);
    return out;
  }
  return Status::Validation("EXISTS can only be used in ExecuteTransaction");
}

bool IsRead(const Statement& s) { return std::holds_alternative<SelectStatement>(s); }

// The BatchStatementError code of a failed statement.
std::string BatchErrorCode(Code code) {
  switch (code) {
    case Code::kConditionalCheckFailed:
      return "ConditionalCheckFailed";
    case Code::kDuplicateItem:
      return "DuplicateItem";
    case Code::kResourceNotFound:
      return "ResourceNotFound";
    case Code::kTransactionConflict:
      return "TransactionConflict";
    case Code::kProvisionedThroughputExceeded:
      return "ProvisionedThroughputExceeded";
    case Code::kThrottling:
      return "ThrottlingError";
    case Code::kRequestLimitExceeded:
      return "RequestLimitExceeded";
    case Code::kItemCollectionSizeLimitExceeded:
      return "ItemCollectionSizeLimitExceeded";
    case Code::kAccessDenied:
      return "AccessDenied";
    case Code::kValidation:
      return "ValidationError";
    default:
      return "InternalServerError";
  }
}

std::string TableOf(const Statement& s) {
  return std::visit(
      [](const auto& v) -> std::string {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, ExistsStatement>) {
          return v.select.table;
        } else {
          return v.table;
        }
      },
      s);
}

}  // namespace

Result<ExecuteStatementResponse> ExecuteStatement(Backend& backend,
                                                  const ExecuteStatementRequest& request) {
  if (request.limit && *request.limit < 1) {
    return Status::Validation(
        "1 validation error detected: Value '" + std::to_string(*request.limit) +
        "' at 'limit' failed to satisfy constraint: Member must have value greater than or "
        "equal to 1");
  }
  IT_ASSIGN_OR_RETURN(Statement statement, Parse(request.statement, request.parameters));
  return Run(backend, statement, request);
}

Result<BatchExecuteStatementResponse> BatchExecuteStatement(
    Backend& backend, const BatchExecuteStatementRequest& request) {
  const size_t n = request.statements.size();
  if (n == 0 || n > 25) {
    return Status::Validation(
        "1 validation error detected: Value at 'statements' failed to satisfy constraint: "
        "Member must have length " +
        std::string(n == 0 ? "greater than or equal to 1" : "less than or equal to 25"));
  }
  BatchExecuteStatementResponse out;
  out.responses.resize(n);
  std::vector<std::optional<Statement>> parsed(n);
  std::optional<bool> reads;
  for (size_t i = 0; i < n; ++i) {
    const BatchStatementRequest& s = request.statements[i];
    auto statement = Parse(s.statement, s.parameters);
    if (!statement.ok()) {
      out.responses[i].error =
          BatchStatementError{"ValidationError", statement.status().message(), std::nullopt};
      continue;
    }
    if (std::holds_alternative<ExistsStatement>(*statement)) {
      out.responses[i].error = BatchStatementError{
          "ValidationError", "EXISTS can only be used in ExecuteTransaction", std::nullopt};
      continue;
    }
    if (reads && *reads != IsRead(*statement)) {
      return Status::Validation(
          "Statements in a BatchExecuteStatement must be either all reads or all writes");
    }
    reads = IsRead(*statement);
    parsed[i] = std::move(statement).value();
  }
  for (size_t i = 0; i < n; ++i) {
    if (!parsed[i]) continue;
    const BatchStatementRequest& s = request.statements[i];
    BatchStatementResponse& response = out.responses[i];
    response.table_name = TableOf(*parsed[i]);
    Status status;
    if (const auto* select = std::get_if<SelectStatement>(&*parsed[i])) {
      auto get = KeyedGet(backend, *select);
      if (get.ok()) {
        get->consistent_read = s.consistent_read;
        auto result = backend.GetItem(*get);
        if (result.ok()) {
          response.item = std::move(result->item);
        } else {
          status = result.status();
        }
      } else {
        status = get.status();
      }
    } else {
      ExecuteStatementRequest single;
      single.return_values_on_condition_check_failure = s.return_values_on_condition_check_failure;
      auto result = Run(backend, *parsed[i], single);
      if (!result.ok()) status = result.status();
    }
    if (!status.ok()) {
      std::optional<Item> item;
      if (const auto* detail = status.DetailAs<ConditionalCheckFailedDetail>()) item = detail->item;
      response.error =
          BatchStatementError{BatchErrorCode(status.code()), status.message(), std::move(item)};
    }
  }
  return out;
}

namespace {

// One write statement of ExecuteTransaction as a TransactWriteItem.
Result<TransactWriteItem> TransactItem(Backend& backend, const Statement& statement,
                                       ReturnValuesOnConditionCheckFailure on_failure) {
  TransactWriteItem item;
  if (const auto* s = std::get_if<InsertStatement>(&statement)) {
    IT_ASSIGN_OR_RETURN(PutItemRequest put, InsertRequest(backend, *s));
    item.put = TransactPut{put.table_name,
                           std::move(put.item),
                           put.condition_expression,
                           std::move(put.expression_attribute_names),
                           {},
                           on_failure};
  } else if (const auto* s = std::get_if<UpdateStatement>(&statement)) {
    IT_ASSIGN_OR_RETURN(UpdateItemRequest u, UpdateRequest(backend, *s));
    if (s->returning != ReturnValue::kNone) {
      return Status::Validation("RETURNING is not supported in ExecuteTransaction");
    }
    item.update = TransactUpdate{u.table_name,
                                 std::move(u.key),
                                 u.update_expression.value_or(""),
                                 u.condition_expression,
                                 std::move(u.expression_attribute_names),
                                 std::move(u.expression_attribute_values),
                                 on_failure};
  } else if (const auto* s = std::get_if<DeleteStatement>(&statement)) {
    IT_ASSIGN_OR_RETURN(DeleteItemRequest d, DeleteRequest(backend, *s));
    if (s->returning != ReturnValue::kNone) {
      return Status::Validation("RETURNING is not supported in ExecuteTransaction");
    }
    item.delete_item = TransactDelete{d.table_name,
                                      std::move(d.key),
                                      d.condition_expression,
                                      std::move(d.expression_attribute_names),
                                      std::move(d.expression_attribute_values),
                                      on_failure};
  } else if (const auto* s = std::get_if<ExistsStatement>(&statement)) {
    if (s->select.index || !s->select.where || !s->select.projection.empty()) {
      return Status::Validation("EXISTS takes SELECT * FROM a table WHERE its full key is given");
    }
    IT_ASSIGN_OR_RETURN(KeyNames keys, DescribeKeys(backend, s->select.table, std::nullopt));
    IT_ASSIGN_OR_RETURN(KeyedWhere where, SplitKey(*s->select.where, keys));
    Renderer render;
    IT_ASSIGN_OR_RETURN(std::string condition, ExistsCondition(keys, where.rest, render));
    item.condition_check = TransactConditionCheck{s->select.table,          std::move(where.key),
                                                  std::move(condition),     std::move(render.names),
                                                  std::move(render.values), on_failure};
  }
  return item;
}

// TransactionCanceledException with INSERTs' failed conditions reported as DuplicateItem.
Status WithDuplicateItems(const Status& status, const std::vector<bool>& inserts) {
  const auto* detail = status.DetailAs<TransactionCanceledDetail>();
  if (detail == nullptr || detail->reasons.size() != inserts.size()) return status;
  auto out = std::make_shared<TransactionCanceledDetail>(*detail);
  std::string codes;
  for (size_t i = 0; i < out->reasons.size(); ++i) {
    CancellationReason& reason = out->reasons[i];
    if (inserts[i] && reason.code == "ConditionalCheckFailed") {
      reason.code = "DuplicateItem";
      reason.message = std::string(kDuplicateItem);
      reason.item.reset();
    }
    codes += (i ? ", " : "") + reason.code;
  }
  return Status(status.code(),
                "Transaction cancelled, please refer cancellation reasons for specific reasons [" +
                    codes + "]",
                std::move(out));
}

}  // namespace

Result<ExecuteTransactionResponse> ExecuteTransaction(Backend& backend,
                                                      const ExecuteTransactionRequest& request) {
  const size_t n = request.transact_statements.size();
  if (n == 0 || n > 100) {
    return Status::Validation(
        "1 validation error detected: Value at 'transactStatements' failed to satisfy "
        "constraint: Member must have length " +
        std::string(n == 0 ? "greater than or equal to 1" : "less than or equal to 100"));
  }
  std::vector<Statement> statements;
  for (const ParameterizedStatement& s : request.transact_statements) {
    IT_ASSIGN_OR_RETURN(Statement statement, Parse(s.statement, s.parameters));
    if (!statements.empty() && IsRead(statements[0]) != IsRead(statement)) {
      return Status::Validation(
          "Transactions must consist of either read statements or write statements, not both");
    }
    statements.push_back(std::move(statement));
  }
  ExecuteTransactionResponse out;
  if (IsRead(statements[0])) {
    TransactGetItemsRequest get;
    get.return_consumed_capacity = request.return_consumed_capacity;
    for (const Statement& s : statements) {
      IT_ASSIGN_OR_RETURN(GetItemRequest g, KeyedGet(backend, std::get<SelectStatement>(s)));
      get.transact_items.push_back(TransactGet{g.table_name, std::move(g.key),
                                               g.projection_expression,
                                               std::move(g.expression_attribute_names)});
    }
    IT_ASSIGN_OR_RETURN(TransactGetItemsResponse result, backend.TransactGetItems(get));
    out.responses = std::move(result.responses);
    out.consumed_capacity = std::move(result.consumed_capacity);
    return out;
  }
  TransactWriteItemsRequest write;
  write.client_request_token = request.client_request_token;
  write.return_consumed_capacity = request.return_consumed_capacity;
  std::vector<bool> inserts;
  for (size_t i = 0; i < n; ++i) {
    IT_ASSIGN_OR_RETURN(
        TransactWriteItem item,
        TransactItem(backend, statements[i],
                     request.transact_statements[i].return_values_on_condition_check_failure));
    write.transact_items.push_back(std::move(item));
    inserts.push_back(std::holds_alternative<InsertStatement>(statements[i]));
  }
  auto result = backend.TransactWriteItems(write);
  if (!result.ok()) return WithDuplicateItems(result.status(), inserts);
  out.consumed_capacity = std::move(result->consumed_capacity);
  return out;
}

// --------------------------------------------------------------------------- NextToken

namespace {
constexpr char kHex[] = "0123456789abcdef";

void AppendField(std::string* out, std::string_view field) {
  *out += std::to_string(field.size()) + ":";
  out->append(field);
}

bool ReadField(std::string_view* in, std::string* field) {
  const size_t colon = in->find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9) return false;
  size_t length = 0;
  for (char c : in->substr(0, colon)) {
    if (c < '0' || c > '9') return false;
    length = length * 10 + static_cast<size_t>(c - '0');
  }
  in->remove_prefix(colon + 1);
  if (length > in->size()) return false;
  *field = std::string(in->substr(0, length));
  in->remove_prefix(length);
  return true;
}
}  // namespace

std::string EncodeNextToken(const Item& key) {
  std::string raw;
  for (const auto& [name, value] : key) {
    AppendField(&raw, name);
    switch (value.type()) {
      case AttrType::kS:
        raw += "S";
        AppendField(&raw, value.s());
        break;
      case AttrType::kN:
        raw += "N";
        AppendField(&raw, value.n().ToString());
        break;
      default:
        raw += "B";
        AppendField(&raw, value.is(AttrType::kB) ? value.b() : "");
        break;
    }
  }
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Result<Item> DecodeNextToken(std::string_view token) {
  const Status invalid = Status::Validation("The provided NextToken is not valid");
  if (token.empty() || token.size() % 2 != 0) return invalid;
  std::string raw;
  for (size_t i = 0; i < token.size(); i += 2) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = digit(token[i]), lo = digit(token[i + 1]);
    if (hi < 0 || lo < 0) return invalid;
    raw += static_cast<char>(hi * 16 + lo);
  }
  Item key;
  std::string_view in = raw;
  while (!in.empty()) {
    std::string name, text;
    if (!ReadField(&in, &name) || in.empty()) return invalid;
    const char type = in[0];
    in.remove_prefix(1);
    if (!ReadField(&in, &text)) return invalid;
    if (type == 'S') {
      key.insert_or_assign(name, AttributeValue::S(std::move(text)));
    } else if (type == 'N') {
      auto n = Number::Parse(text);
      if (!n.ok()) return invalid;
      key.insert_or_assign(name, AttributeValue::N(std::move(n).value()));
    } else if (type == 'B') {
      key.insert_or_assign(name, AttributeValue::B(std::move(text)));
    } else {
      return invalid;
    }
  }
  return key;
}

}  // namespace issuetracker::dynamo::partiql
