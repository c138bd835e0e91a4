#include "dynamo/partiql/execute.h"

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

// The WHERE clause of a SELECT split into a Query's key condition (partition key equality,
// one sort key condition) and filter; without key conditions, a Scan with the whole clause
// as filter.
struct SelectPlan {
  std::vector<const Node*> key_conditions;
  std::vector<const Node*> filter;
};

SelectPlan PlanSelect(const SelectStatement& s, const KeyNames& keys) {
  SelectPlan plan;
  auto& [key_conditions, filter] = plan;
  if (s.where) {
    const Node* hash_eq = nullptr;
    const Node* range_cond = nullptr;
    for (const Node* c : Conjuncts(*s.where)) {
      if (!hash_eq && EqualityOn(*c, keys.hash)) {
        hash_eq = c;
      } else if (!range_cond && keys.range && IsSortKeyCondition(*c, *keys.range)) {
        range_cond = c;
      } else {
        filter.push_back(c);
      }
    }
    // A Query's filter may not name key attributes: a WHERE clause with more conditions on
    // them than the key condition holds is answered by a Scan.
    bool filter_on_keys = false;
    for (const Node* c : filter) {
      filter_on_keys =
          filter_on_keys || Mentions(*c, keys.hash) || (keys.range && Mentions(*c, *keys.range));
    }
    if (hash_eq && !filter_on_keys) {
      key_conditions.push_back(hash_eq);
      if (range_cond) key_conditions.push_back(range_cond);
    } else {
      filter = {&*s.where};
    }
  }
  return plan;
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
  const auto [key_conditions, filter] = PlanSelect(s, keys);
  QueryResponse page;
  if (!key_conditions.empty()) {
    QueryRequest q;
    q.table_name = s.table;
    q.index_name = s.index;
    IT_ASSIGN_OR_RETURN(q.key_condition_expression, render.RenderAll(key_conditions));
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
    IT_ASSIGN_OR_RETURN(page, backend.Query(q));
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
