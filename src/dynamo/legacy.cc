#include "dynamo/legacy.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dynamo/wire_names.h"

namespace issuetracker::dynamo::legacy {
namespace {

// ------------------------------------------------------------------------ placeholders

// Generates placeholders for attribute names and values into a request's expression maps,
// with a prefix no placeholder already in the maps starts with.
class Placeholders {
 public:
  Placeholders(ExpressionNames* names, ExpressionValues* values) : names_(names), values_(values) {
    auto taken = [&](const std::string& p) {
      if (names_) {
        for (const auto& [key, unused] : *names_)
          if (key.size() > p.size() && key.compare(1, p.size(), p) == 0) return true;
      }
      if (values_) {
        for (const auto& [key, unused] : *values_)
          if (key.size() > p.size() && key.compare(1, p.size(), p) == 0) return true;
      }
      return false;
    };
    while (taken(prefix_)) prefix_ += "x";
  }

  // "#lgc3" for `attribute` (the same placeholder for the same attribute).
  std::string Name(const std::string& attribute) {
    auto it = by_attribute_.find(attribute);
    if (it != by_attribute_.end()) return it->second;
    std::string p = "#" + prefix_ + std::to_string(next_name_++);
    (*names_)[p] = attribute;
    by_attribute_.emplace(attribute, p);
    return p;
  }
  // ":lgc3" bound to `value`.
  std::string Value(const AttributeValue& value) {
    std::string p = ":" + prefix_ + std::to_string(next_value_++);
    (*values_)[p] = value;
    return p;
  }

 private:
  ExpressionNames* names_;
  ExpressionValues* values_;
  std::string prefix_ = "lgc";
  std::map<std::string, std::string> by_attribute_;
  int next_name_ = 0;
  int next_value_ = 0;
};

// ------------------------------------------------------------------ parameter mixing

// DynamoDB's error for a request mixing the two styles; `legacy` and `expression` list
// the parameters present, in DynamoDB's order.
Status CheckMixing(const std::vector<std::string_view>& legacy,
                   const std::vector<std::string_view>& expression) {
  if (legacy.empty() || expression.empty()) return Status::Ok();
  auto join = [](const std::vector<std::string_view>& v) {
    std::string out;
    for (std::string_view s : v) {
      if (!out.empty()) out += ", ";
      out += s;
    }
    return out;
  };
  return Status::Validation(
      "Can not use both expression and non-expression parameters in the same request: "
      "Non-expression parameters: {" +
      join(legacy) + "} Expression parameters: {" + join(expression) + "}");
}

// ExpressionAttributeNames/Values given while the request has no expression at all.
Status CheckMapsWithoutExpressions(bool any_expression, bool any_value_expression,
                                   const ExpressionNames& names, const ExpressionValues* values) {
  if (!any_value_expression && values != nullptr && !values->empty()) {
    return Status::Validation(
        "ExpressionAttributeValues can only be specified when using expressions");
  }
  if (!any_expression && !names.empty()) {
    return Status::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  return Status::Ok();
}

// ------------------------------------------------------------------------- conditions

bool IsOneOf(AttrType t, std::initializer_list<AttrType> types) {
  for (AttrType u : types)
    if (t == u) return true;
  return false;
}

// The argument count an operator takes: [min, max].
std::pair<size_t, size_t> ArgumentCount(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::kNull:
    case ComparisonOperator::kNotNull:
      return {0, 0};
    case ComparisonOperator::kIn:
      return {1, SIZE_MAX};
    case ComparisonOperator::kBetween:
      return {2, 2};
    default:
      return {1, 1};
  }
}

bool TypeAllowed(ComparisonOperator op, AttrType t) {
  using enum AttrType;
  switch (op) {
    case ComparisonOperator::kEq:  // DynamoDB compares values of every type, lists, maps
    case ComparisonOperator::kNe:  // and booleans included (its documentation says fewer)
    case ComparisonOperator::kNull:
    case ComparisonOperator::kNotNull:
      return true;
    case ComparisonOperator::kBeginsWith:
      return IsOneOf(t, {kS, kB});
    default:
      return IsOneOf(t, {kS, kN, kB});
  }
}

// a > b for two scalar values of the same type (S, N or B).
bool Greater(const AttributeValue& a, const AttributeValue& b) {
  switch (a.type()) {
    case AttrType::kS:
      return a.s() > b.s();
    case AttrType::kN:
      return (a.n() <=> b.n()) > 0;
    case AttrType::kB:
      return a.b() > b.b();
    default:
      return false;
  }
}

// DynamoDB's checks of one condition's operator and arguments (filters, key conditions and
// Expected alike).
Status CheckArguments(ComparisonOperator op, const std::vector<AttributeValue>& args) {
  const auto [min, max] = ArgumentCount(op);
  if (args.size() < min || args.size() > max) {
    return InvalidParameter("Invalid number of argument(s) for the " + std::string(ToWire(op)) +
                            " ComparisonOperator");
  }
  for (const AttributeValue& v : args) {
    if (v.type() != args[0].type()) {
      return InvalidParameter("AttributeValues inside AttributeValueList must be of same type");
    }
  }
  for (const AttributeValue& v : args) {
    if (!TypeAllowed(op, v.type())) {
      return InvalidParameter("ComparisonOperator " + std::string(ToWire(op)) +
                              " is not valid for " + std::string(TypeName(v.type())) +
                              " AttributeValue type");
    }
  }
  if (op == ComparisonOperator::kBetween && Greater(args[0], args[1])) {
    return Status::Validation(
        "The BETWEEN condition was provided a range where the lower bound is greater than the "
        "upper bound");
  }
  return Status::Ok();
}

// The expression of one condition on attribute `name`.
std::string ConditionText(const std::string& name, ComparisonOperator op,
                          const std::vector<AttributeValue>& args, Placeholders& p) {
  const std::string n = p.Name(name);
  auto binary = [&](std::string_view symbol) {
    return n + " " + std::string(symbol) + " " + p.Value(args[0]);
  };
  switch (op) {
    case ComparisonOperator::kEq:
      return binary("=");
    case ComparisonOperator::kNe:
      return binary("<>");
    case ComparisonOperator::kLe:
      return binary("<=");
    case ComparisonOperator::kLt:
      return binary("<");
    case ComparisonOperator::kGe:
      return binary(">=");
    case ComparisonOperator::kGt:
      return binary(">");
    case ComparisonOperator::kNotNull:
      return "attribute_exists(" + n + ")";
    case ComparisonOperator::kNull:
      return "attribute_not_exists(" + n + ")";
    case ComparisonOperator::kContains:
      return "contains(" + n + ", " + p.Value(args[0]) + ")";
    case ComparisonOperator::kNotContains:
      return "NOT contains(" + n + ", " + p.Value(args[0]) + ")";
    case ComparisonOperator::kBeginsWith:
      return "begins_with(" + n + ", " + p.Value(args[0]) + ")";
    case ComparisonOperator::kBetween: {
      // Operands of + are unsequenced: number the placeholders in order explicitly.
      const std::string low = p.Value(args[0]);
      const std::string high = p.Value(args[1]);
      return n + " BETWEEN " + low + " AND " + high;
    }
    case ComparisonOperator::kIn: {
      std::string out = n + " IN (";
      for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0) out += ", ";
        out += p.Value(args[i]);
      }
      return out + ")";
    }
  }
  return n;
}

// Joins condition texts with AND / OR, each in parentheses.
std::string Join(const std::vector<std::string>& parts, std::optional<ConditionalOperator> op) {
  if (parts.size() == 1) return parts[0];
  const std::string glue = op == ConditionalOperator::kOr ? " OR " : " AND ";
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += glue;
    out += "(" + part + ")";
  }
  return out;
}

// QueryFilter / ScanFilter -> a filter expression.
Result<std::string> FilterText(const Conditions& filter, std::optional<ConditionalOperator> op,
                               Placeholders& p) {
  std::vector<std::string> parts;
  for (const auto& [name, condition] : filter) {
    IT_RETURN_IF_ERROR(
        CheckArguments(condition.comparison_operator, condition.attribute_value_list));
    parts.push_back(
        ConditionText(name, condition.comparison_operator, condition.attribute_value_list, p));
  }
  return Join(parts, op);
}

// KeyConditions -> a key condition expression.
Result<std::string> KeyConditionText(const Conditions& conditions, Placeholders& p) {
  std::vector<std::string> parts;
  for (const auto& [name, condition] : conditions) {
    switch (condition.comparison_operator) {
      case ComparisonOperator::kEq:
      case ComparisonOperator::kLe:
      case ComparisonOperator::kLt:
      case ComparisonOperator::kGe:
      case ComparisonOperator::kGt:
      case ComparisonOperator::kBeginsWith:
      case ComparisonOperator::kBetween:
        break;
      default:
        return Status::Validation("Attempted conditional constraint is not an indexable operation");
    }
    IT_RETURN_IF_ERROR(
        CheckArguments(condition.comparison_operator, condition.attribute_value_list));
    parts.push_back(
        ConditionText(name, condition.comparison_operator, condition.attribute_value_list, p));
  }
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += " AND ";
    out += part;
  }
  return out;
}

// Expected -> a condition expression.
Result<std::string> ExpectedText(const ExpectedMap& expected, std::optional<ConditionalOperator> op,
                                 Placeholders& p) {
  std::vector<std::string> parts;
  for (const auto& [name, e] : expected) {
    if (e.attribute_value_list && e.value) {
      return InvalidParameter(
          "Value and AttributeValueList cannot be used together for Attribute: " + name);
    }
    if (e.comparison_operator) {
      const ComparisonOperator cmp = *e.comparison_operator;
      const std::string cmp_name(ToWire(cmp));
      if (e.exists) {
        return InvalidParameter(
            "Exists and ComparisonOperator cannot be used together for Attribute: " + name);
      }
      if (cmp != ComparisonOperator::kNull && cmp != ComparisonOperator::kNotNull &&
          !e.attribute_value_list && !e.value) {
        return InvalidParameter(
            "Value or AttributeValueList must be used with ComparisonOperator: " + cmp_name +
            " for Attribute: " + name);
      }
      std::vector<AttributeValue> args;
      if (e.attribute_value_list) args = *e.attribute_value_list;
      if (e.value) args.push_back(*e.value);
      IT_RETURN_IF_ERROR(CheckArguments(cmp, args));
      // In Expected, NOT_CONTAINS is false for a missing attribute (so is CONTAINS), as
      // DynamoDB evaluates it; filters keep the item.
      if (cmp == ComparisonOperator::kNotContains) {
        parts.push_back("attribute_exists(" + p.Name(name) + ") AND " +
                        ConditionText(name, cmp, args, p));
      } else {
        parts.push_back(ConditionText(name, cmp, args, p));
      }
      continue;
    }
    if (e.attribute_value_list) {
      return InvalidParameter(
          "AttributeValueList can only be used with a ComparisonOperator for Attribute: " + name);
    }
    const bool exists = e.exists.value_or(true);
    if (exists && !e.value) {
      return InvalidParameter(std::string("Value must be provided when Exists is ") +
                              (e.exists ? "true" : "null") + " for Attribute: " + name);
    }
    if (!exists && e.value) {
      return InvalidParameter("Value cannot be used when Exists is false for Attribute: " + name);
    }
    if (exists) {
      parts.push_back(ConditionText(name, ComparisonOperator::kEq, {*e.value}, p));
    } else {
      parts.push_back(ConditionText(name, ComparisonOperator::kNull, {}, p));
    }
  }
  return Join(parts, op);
}

// AttributeUpdates -> an update expression.
Result<std::string> UpdateText(const std::map<std::string, AttributeValueUpdate>& updates,
                               Placeholders& p) {
  std::vector<std::string> set, remove, add, del;
  for (const auto& [name, u] : updates) {
    const AttributeAction action = u.action.value_or(AttributeAction::kPut);
    if (!u.value) {
      if (action != AttributeAction::kDelete) {
        return InvalidParameter(
            "Only DELETE action is allowed when no attribute value is specified");
      }
      remove.push_back(p.Name(name));
      continue;
    }
    const AttrType type = u.value->type();
    switch (action) {
      case AttributeAction::kPut:
        set.push_back(p.Name(name) + " = " + p.Value(*u.value));
        break;
      case AttributeAction::kDelete:
        if (!IsOneOf(type, {AttrType::kSS, AttrType::kNS, AttrType::kBS})) {
          return InvalidParameter("DELETE action with value is not supported for the type " +
                                  std::string(TypeName(type)));
        }
        del.push_back(p.Name(name) + " " + p.Value(*u.value));
        break;
      case AttributeAction::kAdd:
        if (type == AttrType::kL) {
          // ADD appends to a list (creating it when missing), which only SET can express.
          const std::string n = p.Name(name);
          const std::string empty = p.Value(AttributeValue::L({}));
          const std::string tail = p.Value(*u.value);
          set.push_back(n + " = list_append(if_not_exists(" + n + ", " + empty + "), " + tail +
                        ")");
        } else if (IsOneOf(type, {AttrType::kN, AttrType::kSS, AttrType::kNS, AttrType::kBS})) {
          add.push_back(p.Name(name) + " " + p.Value(*u.value));
        } else {
          return InvalidParameter("ADD action is not supported for the type " +
                                  std::string(TypeName(type)));
        }
        break;
    }
  }
  std::string out;
  auto clause = [&out](std::string_view keyword, const std::vector<std::string>& parts) {
    if (parts.empty()) return;
    if (!out.empty()) out += " ";
    out += keyword;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : " ") + parts[i];
  };
  clause("SET", set);
  clause("REMOVE", remove);
  clause("ADD", add);
  clause("DELETE", del);
  return out;
}

// AttributesToGet -> a projection expression.
Result<std::string> ProjectionText(const AttributeNames& names, Placeholders& p) {
  if (names.empty()) {
    return Status::Validation(
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1");
  }
  std::set<std::string_view> seen;
  std::string out;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      return InvalidParameter("Duplicate value in attribute name: " + name);
    }
    if (!out.empty()) out += ", ";
    out += p.Name(name);
  }
  return out;
}

// The Select rules that involve AttributesToGet.
Status CheckSelect(std::optional<Select> select, bool has_attributes_to_get) {
  if (!select || !has_attributes_to_get) return Status::Ok();
  switch (*select) {
    case Select::kAllAttributes:
      return Status::Validation(
          "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES");
    case Select::kAllProjectedAttributes:
      return Status::Validation(
          "Cannot specify the AttributesToGet when choosing to get ALL_PROJECTED_ATTRIBUTES");
    case Select::kCount:
      return Status::Validation(
          "Cannot specify the AttributesToGet when choosing to get only the Count");
    case Select::kSpecificAttributes:
      return Status::Ok();
  }
  return Status::Ok();
}

Status CheckConditionalOperator(std::optional<ConditionalOperator> op, size_t conditions) {
  if (!op) return Status::Ok();
  if (conditions == 0) {
    return Status::Validation("ConditionalOperator cannot be used without Filter or Expected");
  }
  return Status::Ok();
}

// Appends `name` to `list` when `present`.
void Present(std::vector<std::string_view>* list, bool present, std::string_view name) {
  if (present) list->push_back(name);
}

}  // namespace

// ------------------------------------------------------------------------------ Uses

bool Uses(const GetItemRequest& r) { return r.attributes_to_get.has_value(); }
bool Uses(const PutItemRequest& r) {
  return !r.expected.empty() || r.conditional_operator.has_value();
}
bool Uses(const UpdateItemRequest& r) {
  return !r.attribute_updates.empty() || !r.expected.empty() || r.conditional_operator;
}
bool Uses(const DeleteItemRequest& r) {
  return !r.expected.empty() || r.conditional_operator.has_value();
}
bool Uses(const QueryRequest& r) {
  return r.attributes_to_get || !r.key_conditions.empty() || !r.query_filter.empty() ||
         r.conditional_operator;
}
bool Uses(const ScanRequest& r) {
  return r.attributes_to_get || !r.scan_filter.empty() || r.conditional_operator;
}
bool Uses(const BatchGetItemRequest& r) {
  for (const auto& [table, keys] : r.request_items)
    if (keys.attributes_to_get) return true;
  return false;
}

// ------------------------------------------------------------------------- Translate

Status Translate(GetItemRequest* r) {
  std::vector<std::string_view> legacy, expression;
  Present(&legacy, r->attributes_to_get.has_value(), "AttributesToGet");
  Present(&expression, r->projection_expression.has_value(), "ProjectionExpression");
  IT_RETURN_IF_ERROR(CheckMixing(legacy, expression));
  IT_RETURN_IF_ERROR(CheckMapsWithoutExpressions(!expression.empty(), true,
                                                 r->expression_attribute_names, nullptr));
  if (r->attributes_to_get) {
    Placeholders p(&r->expression_attribute_names, nullptr);
    IT_ASSIGN_OR_RETURN(r->projection_expression, ProjectionText(*r->attributes_to_get, p));
    r->attributes_to_get.reset();
  }
  return Status::Ok();
}

Status Translate(BatchGetItemRequest* r) {
  for (auto& [table, keys] : r->request_items) {
    std::vector<std::string_view> legacy, expression;
    Present(&legacy, keys.attributes_to_get.has_value(), "AttributesToGet");
    Present(&expression, keys.projection_expression.has_value(), "ProjectionExpression");
    IT_RETURN_IF_ERROR(CheckMixing(legacy, expression));
    IT_RETURN_IF_ERROR(CheckMapsWithoutExpressions(!expression.empty(), true,
                                                   keys.expression_attribute_names, nullptr));
    if (keys.attributes_to_get) {
      Placeholders p(&keys.expression_attribute_names, nullptr);
      IT_ASSIGN_OR_RETURN(keys.projection_expression, ProjectionText(*keys.attributes_to_get, p));
      keys.attributes_to_get.reset();
    }
  }
  return Status::Ok();
}

namespace {

// Put and Delete share their legacy parameters.
template <typename Request>
Status TranslateConditional(Request* r) {
  std::vector<std::string_view> legacy, expression;
  Present(&legacy, !r->expected.empty(), "Expected");
  Present(&legacy, r->conditional_operator.has_value(), "ConditionalOperator");
  Present(&expression, r->condition_expression.has_value(), "ConditionExpression");
  IT_RETURN_IF_ERROR(CheckMixing(legacy, expression));
  IT_RETURN_IF_ERROR(CheckMapsWithoutExpressions(false, false, r->expression_attribute_names,
                                                 &r->expression_attribute_values));
  IT_RETURN_IF_ERROR(CheckConditionalOperator(r->conditional_operator, r->expected.size()));
  Placeholders p(&r->expression_attribute_names, &r->expression_attribute_values);
  IT_ASSIGN_OR_RETURN(r->condition_expression,
                      ExpectedText(r->expected, r->conditional_operator, p));
  r->expected.clear();
  r->conditional_operator.reset();
  return Status::Ok();
}

}  // namespace

Status Translate(PutItemRequest* r) { return TranslateConditional(r); }
Status Translate(DeleteItemRequest* r) { return TranslateConditional(r); }

Status Translate(UpdateItemRequest* r) {
  std::vector<std::string_view> legacy, expression;
  Present(&legacy, !r->attribute_updates.empty(), "AttributeUpdates");
  Present(&legacy, !r->expected.empty(), "Expected");
  Present(&legacy, r->conditional_operator.has_value(), "ConditionalOperator");
  Present(&expression, r->update_expression.has_value(), "UpdateExpression");
  Present(&expression, r->condition_expression.has_value(), "ConditionExpression");
  IT_RETURN_IF_ERROR(CheckMixing(legacy, expression));
  IT_RETURN_IF_ERROR(CheckMapsWithoutExpressions(false, false, r->expression_attribute_names,
                                                 &r->expression_attribute_values));
  IT_RETURN_IF_ERROR(CheckConditionalOperator(r->conditional_operator, r->expected.size()));
  Placeholders p(&r->expression_attribute_names, &r->expression_attribute_values);
  if (!r->attribute_updates.empty()) {
    IT_ASSIGN_OR_RETURN(std::string update, UpdateText(r->attribute_updates, p));
    if (!update.empty()) r->update_expression = std::move(update);
    r->attribute_updates.clear();
  }
  if (!r->expected.empty()) {
    IT_ASSIGN_OR_RETURN(r->condition_expression,
                        ExpectedText(r->expected, r->conditional_operator, p));
    r->expected.clear();
  }
  r->conditional_operator.reset();
  return Status::Ok();
}

Status Translate(QueryRequest* r) {
  std::vector<std::string_view> legacy, expression;
  Present(&legacy, r->attributes_to_get.has_value(), "AttributesToGet");
  Present(&legacy, !r->query_filter.empty(), "QueryFilter");
  Present(&legacy, r->conditional_operator.has_value(), "ConditionalOperator");
  // KeyConditions may accompany a FilterExpression or ProjectionExpression.
  Present(&legacy, !r->key_conditions.empty() && r->key_condition_expression, "KeyConditions");
  Present(&expression, r->projection_expression.has_value(), "ProjectionExpression");
  Present(&expression, r->filter_expression.has_value(), "FilterExpression");
  Present(&expression, r->key_condition_expression.has_value(), "KeyConditionExpression");
  IT_RETURN_IF_ERROR(CheckMixing(legacy, expression));
  IT_RETURN_IF_ERROR(CheckMapsWithoutExpressions(
      !expression.empty(), r->filter_expression || r->key_condition_expression,
      r->expression_attribute_names, &r->expression_attribute_values));
  IT_RETURN_IF_ERROR(CheckConditionalOperator(r->conditional_operator, r->query_filter.size()));
  IT_RETURN_IF_ERROR(CheckSelect(r->select, r->attributes_to_get.has_value()));
  Placeholders p(&r->expression_attribute_names, &r->expression_attribute_values);
  if (!r->key_conditions.empty()) {
    IT_ASSIGN_OR_RETURN(r->key_condition_expression, KeyConditionText(r->key_conditions, p));
    r->key_conditions.clear();
  }
  if (!r->query_filter.empty()) {
    IT_ASSIGN_OR_RETURN(r->filter_expression,
                        FilterText(r->query_filter, r->conditional_operator, p));
    r->query_filter.clear();
  }
  if (r->attributes_to_get) {
    IT_ASSIGN_OR_RETURN(r->projection_expression, ProjectionText(*r->attributes_to_get, p));
    r->attributes_to_get.reset();
  }
  r->conditional_operator.reset();
  return Status::Ok();
}

Status Translate(ScanRequest* r) {
  std::vector<std::string_view> legacy, expression;
  Present(&legacy, r->attributes_to_get.has_value(), "AttributesToGet");
  Present(&legacy, !r->scan_filter.empty(), "ScanFilter");
  Present(&legacy, r->conditional_operator.has_value(), "ConditionalOperator");
  Present(&expression, r->projection_expression.has_value(), "ProjectionExpression");
  Present(&expression, r->filter_expression.has_value(), "FilterExpression");
  IT_RETURN_IF_ERROR(CheckMixing(legacy, expression));
  IT_RETURN_IF_ERROR(CheckMapsWithoutExpressions(false, false, r->expression_attribute_names,
                                                 &r->expression_attribute_values));
  IT_RETURN_IF_ERROR(CheckConditionalOperator(r->conditional_operator, r->scan_filter.size()));
  IT_RETURN_IF_ERROR(CheckSelect(r->select, r->attributes_to_get.has_value()));
  Placeholders p(&r->expression_attribute_names, &r->expression_attribute_values);
  if (!r->scan_filter.empty()) {
    IT_ASSIGN_OR_RETURN(r->filter_expression,
                        FilterText(r->scan_filter, r->conditional_operator, p));
    r->scan_filter.clear();
  }
  if (r->attributes_to_get) {
    IT_ASSIGN_OR_RETURN(r->projection_expression, ProjectionText(*r->attributes_to_get, p));
    r->attributes_to_get.reset();
  }
  r->conditional_operator.reset();
  return Status::Ok();
}

Status LegacyUpdateError(const Status& s) {
  if (s.code() == Code::kValidation &&
      s.message() == "An operand in the update expression has an incorrect data type") {
    return Status::Validation(
        "One or more parameter values were invalid: Type mismatch for attribute to update");
  }
  return s;
}

}  // namespace issuetracker::dynamo::legacy
