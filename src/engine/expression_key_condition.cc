// ExpressionResolver::ResolveKeyCondition: a Query's KeyConditionExpression.
//
// DynamoDB's rules (API Reference, Query, KeyConditionExpression): equality on the
// partition key, AND-ed with at most one condition on the sort key among
// = < <= > >= BETWEEN begins_with; each condition names one top-level key attribute and
// compares it with values. The messages are DynamoDB's; note that these carry no
// "Invalid KeyConditionExpression:" prefix, unlike the parser's.
#include "engine/expression_internal.h"

namespace issuetracker::engine {
namespace {

using dynamo::AttributeValue;

struct KeyPart {
  std::string attribute;
  KeyCondition::Op op = KeyCondition::Op::kEq;
  const AttributeValue* value = nullptr;
  const AttributeValue* value2 = nullptr;
};

// The operator name DynamoDB reports for a condition a key condition cannot use, or
// empty when the condition is allowed.
std::string_view InvalidOperatorName(const RCondition& c) {
  switch (c.kind) {
    case RCondition::Kind::kOr:
      return "OR";
    case RCondition::Kind::kNot:
      return "NOT";
    case RCondition::Kind::kIn:
      return "IN";
    case RCondition::Kind::kExists:
      return "attribute_exists";
    case RCondition::Kind::kNotExists:
      return "attribute_not_exists";
    case RCondition::Kind::kType:
      return "attribute_type";
    case RCondition::Kind::kContains:
      return "contains";
    case RCondition::Kind::kCompare:
      return c.op == CompareOp::kNe ? "<>" : "";
    default:
      return "";
  }
}

KeyCondition::Op KeyOp(CompareOp op, bool swapped) {
  switch (op) {
    case CompareOp::kLt:
      return swapped ? KeyCondition::Op::kGt : KeyCondition::Op::kLt;
    case CompareOp::kLe:
      return swapped ? KeyCondition::Op::kGe : KeyCondition::Op::kLe;
    case CompareOp::kGt:
      return swapped ? KeyCondition::Op::kLt : KeyCondition::Op::kGt;
    case CompareOp::kGe:
      return swapped ? KeyCondition::Op::kLe : KeyCondition::Op::kGe;
    default:
      return KeyCondition::Op::kEq;
  }
}

// Checks one comparison, BETWEEN or begins_with and turns it into a KeyPart.
Status ToKeyPart(const RCondition& c, std::vector<KeyPart>* parts) {
  bool between = c.kind == RCondition::Kind::kBetween;
  if ((between || c.kind == RCondition::Kind::kBeginsWith) &&
      c.operands[0].kind != ROperand::Kind::kPath) {
    return Status::Validation(std::string("Invalid condition in KeyConditionExpression: ") +
                              (between ? "BETWEEN" : "begins_with") +
                              " operator must have the key attribute as its first operand");
  }
  KeyPart part;
  size_t path_index = 0;
  bool found = false;
  for (size_t i = 0; i < c.operands.size(); ++i) {
    const ROperand& op = c.operands[i];
    if (op.kind == ROperand::Kind::kSize) {
      return Status::Validation("KeyConditionExpressions cannot contain nested operations");
    }
    if (op.kind != ROperand::Kind::kPath) continue;
    if (found) {
      return Status::Validation(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    }
    if (op.path.size() > 1) {
      return Status::Validation(
          "KeyConditionExpressions cannot have conditions on nested attributes");
    }
    found = true;
    path_index = i;
    part.attribute = op.path[0].name;
  }
  if (!found) {
    return Status::Validation(
        "Invalid condition in KeyConditionExpression: No key attribute specified");
  }
  for (const KeyPart& other : *parts) {
    if (other.attribute == part.attribute) {
      return Status::Validation("KeyConditionExpressions must only contain one condition per key");
    }
  }
  if (between) {
    part.op = KeyCondition::Op::kBetween;
    part.value = c.operands[1].value;
    part.value2 = c.operands[2].value;
  } else if (c.kind == RCondition::Kind::kBeginsWith) {
    part.op = KeyCondition::Op::kBeginsWith;
    part.value = c.operands[1].value;
  } else {
    // `:v < sk` is `sk > :v`.
    part.op = KeyOp(c.op, path_index == 1);
    part.value = c.operands[1 - path_index].value;
  }
  parts->push_back(std::move(part));
  return Status::Ok();
}

// Walks the AND-ed conditions left to right, as DynamoDB does, rejecting operators that
// a key condition cannot use.
Status CollectKeyParts(const RCondition& c, std::vector<KeyPart>* parts) {
  if (c.kind == RCondition::Kind::kAnd) {
    for (const RCondition& child : c.children) IT_RETURN_IF_ERROR(CollectKeyParts(child, parts));
    return Status::Ok();
  }
  std::string_view bad = InvalidOperatorName(c);
  if (!bad.empty()) {
    return Status::Validation("Invalid operator used in KeyConditionExpression: " +
                              std::string(bad));
  }
  return ToKeyPart(c, parts);
}

Result<std::vector<KeyPart>> KeyParts(ExpressionResolver& resolver, const ConditionAst& ast) {
  IT_ASSIGN_OR_RETURN(RCondition root, BindConditionAst(resolver, ast));
  std::vector<KeyPart> parts;
  IT_RETURN_IF_ERROR(CollectKeyParts(root, &parts));
  if (parts.size() > 2) return Status::Validation("Conditions can be of length 1 or 2 only");
  return parts;
}

KeyCondition MakeKeyCondition(const KeyPart& hash, const KeyPart* range) {
  KeyCondition out;
  out.hash_attribute = hash.attribute;
  out.hash_value = *hash.value;
  if (range != nullptr) {
    KeyCondition::Range r;
    r.attribute = range->attribute;
    r.op = range->op;
    r.value = *range->value;
    if (range->value2 != nullptr) r.value2 = *range->value2;
    out.range = std::move(r);
  }
  return out;
}

Status NotSupported() { return Status::Validation("Query key condition not supported"); }

}  // namespace

Result<KeyCondition> ExpressionResolver::ResolveKeyCondition(const ConditionAst& ast) {
  IT_ASSIGN_OR_RETURN(std::vector<KeyPart> parts, KeyParts(*this, ast));
  size_t hash = 0;
  while (hash < parts.size() && parts[hash].op != KeyCondition::Op::kEq) ++hash;
  if (hash == parts.size()) return NotSupported();
  const KeyPart* range = parts.size() == 2 ? &parts[1 - hash] : nullptr;
  return MakeKeyCondition(parts[hash], range);
}

Result<KeyCondition> ExpressionResolver::ResolveKeyCondition(const ConditionAst& ast,
                                                             std::string_view hash_key,
                                                             std::string_view range_key) {
  IT_ASSIGN_OR_RETURN(std::vector<KeyPart> parts, KeyParts(*this, ast));
  const KeyPart* hash = nullptr;
  const KeyPart* range = nullptr;
  for (const KeyPart& p : parts) {
    if (p.attribute == hash_key) {
      hash = &p;
    } else {
      range = &p;
    }
  }
  if (hash == nullptr) {
    return Status::Validation("Query condition missed key schema element: " +
                              std::string(hash_key));
  }
  if (hash->op != KeyCondition::Op::kEq) return NotSupported();
  if (range != nullptr && range->attribute != range_key) {
    if (range_key.empty()) return NotSupported();
    return Status::Validation("Query condition missed key schema element: " +
                              std::string(range_key));
  }
  return MakeKeyCondition(*hash, range);
}

}  // namespace issuetracker::engine
