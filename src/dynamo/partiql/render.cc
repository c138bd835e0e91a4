#include "dynamo/partiql/render.h"

#include <set>

namespace issuetracker::dynamo::partiql {
namespace {

// Functions PartiQL conditions and SET values share with DynamoDB's expressions.
const std::set<std::string, std::less<>>& ExpressionFunctions() {
  static const std::set<std::string, std::less<>> kFunctions = {
      "begins_with",    "contains", "attribute_exists", "attribute_not_exists",
      "attribute_type", "size",     "list_append",      "if_not_exists"};
  return kFunctions;
}

bool IsSinglePath(const Node& node, const std::string& name) {
  return node.kind == Node::Kind::kPath && node.path.size() == 1 && node.path[0].index < 0 &&
         node.path[0].name == name;
}

}  // namespace

std::string Renderer::Name(const std::string& name) {
  auto it = by_name_.find(name);
  if (it != by_name_.end()) return it->second;
  std::string p = "#p" + std::to_string(by_name_.size());
  names[p] = name;
  by_name_.emplace(name, p);
  return p;
}

std::string Renderer::Value(const AttributeValue& value) {
  std::string p = ":v" + std::to_string(values.size());
  values[p] = value;
  return p;
}

std::string Renderer::PathText(const Path& path) {
  std::string out;
  for (const PathStep& step : path) {
    if (step.index >= 0) {
      out += "[" + std::to_string(step.index) + "]";
    } else {
      if (!out.empty()) out += ".";
      out += Name(step.name);
    }
  }
  return out;
}

Result<std::string> Renderer::Render(const Node& node) {
  auto child = [&](size_t i) { return Render(node.children[i]); };
  switch (node.kind) {
    case Node::Kind::kPath:
      return PathText(node.path);
    case Node::Kind::kValue:
      return Value(node.value);
    case Node::Kind::kAnd:
    case Node::Kind::kOr:
    case Node::Kind::kCompare:
    case Node::Kind::kArith: {
      IT_ASSIGN_OR_RETURN(std::string left, child(0));
      IT_ASSIGN_OR_RETURN(std::string right, child(1));
      if (node.kind == Node::Kind::kAnd || node.kind == Node::Kind::kOr) {
        return "(" + left + ") " + node.op + " (" + right + ")";
      }
      return left + " " + node.op + " " + right;
    }
    case Node::Kind::kNot: {
      IT_ASSIGN_OR_RETURN(std::string inner, child(0));
      return "NOT (" + inner + ")";
    }
    case Node::Kind::kBetween: {
      IT_ASSIGN_OR_RETURN(std::string subject, child(0));
      IT_ASSIGN_OR_RETURN(std::string low, child(1));
      IT_ASSIGN_OR_RETURN(std::string high, child(2));
      return subject + " BETWEEN " + low + " AND " + high;
    }
    case Node::Kind::kIn: {
      IT_ASSIGN_OR_RETURN(std::string out, child(0));
      out += " IN (";
      for (size_t i = 1; i < node.children.size(); ++i) {
        IT_ASSIGN_OR_RETURN(std::string v, child(i));
        out += (i > 1 ? ", " : "") + v;
      }
      return out + ")";
    }
    case Node::Kind::kCall: {
      if (!ExpressionFunctions().contains(node.op)) {
        return Status::Validation("Unsupported function in statement: " + node.op);
      }
      std::string out = node.op + "(";
      for (size_t i = 0; i < node.children.size(); ++i) {
        IT_ASSIGN_OR_RETURN(std::string arg, child(i));
        out += (i > 0 ? ", " : "") + arg;
      }
      return out + ")";
    }
    case Node::Kind::kIsMissing:
    case Node::Kind::kIsNull: {
      if (node.children[0].kind != Node::Kind::kPath) {
        return Status::Validation("IS MISSING and IS NULL apply to attributes only");
      }
      const std::string path = PathText(node.children[0].path);
      if (node.kind == Node::Kind::kIsMissing) {
        return node.negated ? "attribute_exists(" + path + ")"
                            : "attribute_not_exists(" + path + ")";
      }
      std::string test = "attribute_type(" + path + ", " + Value(AttributeValue::S("NULL")) + ")";
      return node.negated ? "NOT " + test : test;
    }
  }
  return Status::Validation("Unsupported expression in statement");
}

Result<std::string> Renderer::RenderAll(const std::vector<const Node*>& conditions) {
  std::string out;
  for (const Node* c : conditions) {
    IT_ASSIGN_OR_RETURN(std::string text, Render(*c));
    if (conditions.size() > 1) text = "(" + text + ")";
    out += (out.empty() ? "" : " AND ") + text;
  }
  return out;
}

std::vector<const Node*> Conjuncts(const Node& where) {
  if (where.kind != Node::Kind::kAnd) return {&where};
  std::vector<const Node*> out = Conjuncts(where.children[0]);
  std::vector<const Node*> right = Conjuncts(where.children[1]);
  out.insert(out.end(), right.begin(), right.end());
  return out;
}

std::optional<AttributeValue> EqualityOn(const Node& node, const std::string& name) {
  if (node.kind != Node::Kind::kCompare || node.op != "=") return std::nullopt;
  const Node& a = node.children[0];
  const Node& b = node.children[1];
  if (IsSinglePath(a, name) && b.kind == Node::Kind::kValue) return b.value;
  if (IsSinglePath(b, name) && a.kind == Node::Kind::kValue) return a.value;
  return std::nullopt;
}

bool IsSortKeyCondition(const Node& node, const std::string& name) {
  auto all_values = [&](size_t from) {
    for (size_t i = from; i < node.children.size(); ++i) {
      if (node.children[i].kind != Node::Kind::kValue) return false;
    }
    return true;
  };
  switch (node.kind) {
    case Node::Kind::kCompare:
      if (node.op == "<>") return false;
      return (IsSinglePath(node.children[0], name) && all_values(1)) ||
             (IsSinglePath(node.children[1], name) && node.children[0].kind == Node::Kind::kValue);
    case Node::Kind::kBetween:
      return IsSinglePath(node.children[0], name) && all_values(1);
    case Node::Kind::kCall:
      return node.op == "begins_with" && node.children.size() == 2 &&
             IsSinglePath(node.children[0], name) && all_values(1);
    default:
      return false;
  }
}

bool Mentions(const Node& node, const std::string& name) {
  if (node.kind == Node::Kind::kPath) return !node.path.empty() && node.path[0].name == name;
  for (const Node& child : node.children) {
    if (Mentions(child, name)) return true;
  }
  return false;
}

}  // namespace issuetracker::dynamo::partiql
