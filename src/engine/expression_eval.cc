// Evaluation of resolved conditions against items, and ApplyProjection.
//
// This is the hot path of Query and Scan filters: placeholders are already bound to
// pointers into the request's values, and operands are looked up in the item without
// copying; only size() materializes a (small) number.
#include <algorithm>
#include <optional>

#include "engine/expression_internal.h"

namespace issuetracker::engine {

using dynamo::AttributeValue;
using dynamo::AttrType;
using dynamo::Item;

namespace {

// Walks the first `length` steps of `path`; ItemT is Item or const Item.
template <typename ItemT>
auto Walk(ItemT& item, const Path& path, size_t length) -> decltype(&item.begin()->second) {
  if (length == 0 || length > path.size()) return nullptr;
  auto top = item.find(path[0].name);
  if (top == item.end()) return nullptr;
  auto* cur = &top->second;
  for (size_t i = 1; i < length; ++i) {
    const PathElement& step = path[i];
    if (step.is_index()) {
      if (!cur->is(AttrType::kL) || static_cast<size_t>(step.index) >= cur->l().size()) {
        return nullptr;
      }
      cur = &cur->l()[step.index];
    } else {
      if (!cur->is(AttrType::kM)) return nullptr;
      auto it = cur->m().find(step.name);
      if (it == cur->m().end()) return nullptr;
      cur = &it->second;
    }
  }
  return cur;
}

}  // namespace

const AttributeValue* LookupPath(const Item& item, const Path& path) {
  return Walk(item, path, path.size());
}

const AttributeValue* LookupPathPrefix(const Item& item, const Path& path, size_t length) {
  return Walk(item, path, length);
}

AttributeValue* LookupPathMutable(Item& item, const Path& path, size_t length) {
  return Walk(item, path, length);
}

bool OrderValues(const AttributeValue& a, const AttributeValue& b, int* order) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case AttrType::kS: {
      // std::string compares as unsigned bytes, which is UTF-8 code point order.
      int c = a.s().compare(b.s());
      *order = c < 0 ? -1 : (c > 0 ? 1 : 0);
      return true;
    }
    case AttrType::kB: {
      int c = a.b().compare(b.b());
      *order = c < 0 ? -1 : (c > 0 ? 1 : 0);
      return true;
    }
    case AttrType::kN: {
      auto c = a.n() <=> b.n();
      *order = c < 0 ? -1 : (c > 0 ? 1 : 0);
      return true;
    }
    default:
      return false;
  }
}

namespace {

// size(): bytes of S and B, elements of sets, lists and maps; undefined otherwise.
std::optional<int64_t> SizeOf(const AttributeValue& v) {
  switch (v.type()) {
    case AttrType::kS:
      return static_cast<int64_t>(v.s().size());
    case AttrType::kB:
      return static_cast<int64_t>(v.b().size());
    case AttrType::kM:
    case AttrType::kL:
    case AttrType::kSS:
    case AttrType::kNS:
    case AttrType::kBS:
      return static_cast<int64_t>(v.ElementCount());
    default:
      return std::nullopt;
  }
}

bool Contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case AttrType::kS:
      return needle.is(AttrType::kS) && haystack.s().find(needle.s()) != std::string::npos;
    case AttrType::kB:
      return needle.is(AttrType::kB) && haystack.b().find(needle.b()) != std::string::npos;
    case AttrType::kSS: {
      if (!needle.is(AttrType::kS)) return false;
      const auto& v = haystack.ss();
      return std::find(v.begin(), v.end(), needle.s()) != v.end();
    }
    case AttrType::kNS: {
      if (!needle.is(AttrType::kN)) return false;
      const auto& v = haystack.ns();
      return std::find(v.begin(), v.end(), needle.n()) != v.end();
    }
    case AttrType::kBS: {
      if (!needle.is(AttrType::kB)) return false;
      const auto& v = haystack.bs();
      return std::find(v.begin(), v.end(), needle.b()) != v.end();
    }
    case AttrType::kL: {
      const auto& v = haystack.l();
      return std::find(v.begin(), v.end(), needle) != v.end();
    }
    default:
      return false;
  }
}

bool BeginsWith(const AttributeValue& v, const AttributeValue& prefix) {
  if (v.type() != prefix.type()) return false;
  if (v.is(AttrType::kS)) return v.s().starts_with(prefix.s());
  if (v.is(AttrType::kB)) return v.b().starts_with(prefix.b());
  return false;
}

bool CompareHolds(CompareOp op, const AttributeValue* a, const AttributeValue* b) {
  // DynamoDB: values of different types are never equal, and a missing attribute is
  // equal to nothing, so `<>` holds whenever `=` does not.
  if (op == CompareOp::kEq || op == CompareOp::kNe) {
    bool equal = a != nullptr && b != nullptr && *a == *b;
    return op == CompareOp::kEq ? equal : !equal;
  }
  int order = 0;
  if (a == nullptr || b == nullptr || !OrderValues(*a, *b, &order)) return false;
  switch (op) {
    case CompareOp::kLt:
      return order < 0;
    case CompareOp::kLe:
      return order <= 0;
    case CompareOp::kGt:
      return order > 0;
    default:
      return order >= 0;  // kGe
  }
}

class Evaluator {
 public:
  explicit Evaluator(const Item* item) : item_(item) {}

  bool Eval(const RCondition& c) const {
    switch (c.kind) {
      case RCondition::Kind::kAnd:
        for (const RCondition& child : c.children) {
          if (!Eval(child)) return false;
        }
        return true;
      case RCondition::Kind::kOr:
        for (const RCondition& child : c.children) {
          if (Eval(child)) return true;
        }
        return false;
      case RCondition::Kind::kNot:
        return !Eval(c.children[0]);
      default:
        return EvalLeaf(c);
    }
  }

 private:
  // The operand's value, or nullptr when undefined (missing attribute, size() of a type
  // without a size). `scratch` holds a computed size().
  const AttributeValue* Operand(const ROperand& op, AttributeValue* scratch) const {
    switch (op.kind) {
      case ROperand::Kind::kValue:
        return op.value;
      case ROperand::Kind::kPath:
        return item_ ? LookupPath(*item_, op.path) : nullptr;
      case ROperand::Kind::kSize: {
        const AttributeValue* v =
            op.value != nullptr ? op.value : (item_ ? LookupPath(*item_, op.path) : nullptr);
        if (v == nullptr) return nullptr;
        std::optional<int64_t> size = SizeOf(*v);
        if (!size) return nullptr;
        *scratch = AttributeValue::N(*size);
        return scratch;
      }
    }
    return nullptr;
  }

  bool EvalLeaf(const RCondition& c) const {
    AttributeValue s0, s1, s2;
    const AttributeValue* a = Operand(c.operands[0], &s0);
    switch (c.kind) {
      case RCondition::Kind::kCompare:
        return CompareHolds(c.op, a, Operand(c.operands[1], &s1));
      case RCondition::Kind::kBetween: {
        const AttributeValue* lo = Operand(c.operands[1], &s1);
        const AttributeValue* hi = Operand(c.operands[2], &s2);
        return CompareHolds(CompareOp::kGe, a, lo) && CompareHolds(CompareOp::kLe, a, hi);
      }
      case RCondition::Kind::kIn:
        if (a == nullptr) return false;
        for (size_t i = 1; i < c.operands.size(); ++i) {
          const AttributeValue* v = Operand(c.operands[i], &s1);
          if (v != nullptr && *v == *a) return true;
        }
        return false;
      case RCondition::Kind::kExists:
        return a != nullptr;
      case RCondition::Kind::kNotExists:
        return a == nullptr;
      case RCondition::Kind::kType:
        return a != nullptr && a->is(c.type);
      case RCondition::Kind::kBeginsWith: {
        const AttributeValue* b = Operand(c.operands[1], &s1);
        return a != nullptr && b != nullptr && BeginsWith(*a, *b);
      }
      case RCondition::Kind::kContains: {
        const AttributeValue* b = Operand(c.operands[1], &s1);
        return a != nullptr && b != nullptr && Contains(*a, *b);
      }
      default:
        return false;
    }
  }

  const Item* item_;
};

// ---------------------------------------------------------------- projection

// Finds or inserts `key` in the sorted `keys`, keeping `children` parallel.
template <typename K>
ProjectionTree::Node* Child(std::vector<K>& keys, std::vector<ProjectionTree::Node>& children,
                            const K& key) {
  auto it = std::lower_bound(keys.begin(), keys.end(), key);
  auto pos = it - keys.begin();
  if (it == keys.end() || *it != key) {
    keys.insert(it, key);
    children.insert(children.begin() + pos, ProjectionTree::Node());
  }
  return &children[pos];
}

void AddPath(ProjectionTree::Node* node, const Path& path) {
  for (const PathElement& step : path) {
    node = step.is_index() ? Child(node->indexes, node->index_children, step.index)
                           : Child(node->names, node->name_children, step.name);
  }
  node->leaf = true;
}

// Copies the parts of `src` selected by `node` into `*out`; false when nothing is
// selected (DynamoDB leaves out maps and lists that would come out empty).
bool Project(const AttributeValue& src, const ProjectionTree::Node& node, AttributeValue* out) {
  if (node.leaf) {
    *out = src;
    return true;
  }
  if (src.is(AttrType::kM) && !node.names.empty()) {
    dynamo::AttributeMap m;
    for (size_t i = 0; i < node.names.size(); ++i) {
      auto it = src.m().find(node.names[i]);
      AttributeValue v;
      if (it != src.m().end() && Project(it->second, node.name_children[i], &v)) {
        m.emplace(node.names[i], std::move(v));
      }
    }
    if (m.empty()) return false;
    *out = AttributeValue::M(std::move(m));
    return true;
  }
  if (src.is(AttrType::kL) && !node.indexes.empty()) {
    // Selected list elements are returned compacted, in index order.
    dynamo::AttributeList l;
    for (size_t i = 0; i < node.indexes.size(); ++i) {
      size_t index = static_cast<size_t>(node.indexes[i]);
      if (index >= src.l().size()) break;
      AttributeValue v;
      if (Project(src.l()[index], node.index_children[i], &v)) l.push_back(std::move(v));
    }
    if (l.empty()) return false;
    *out = AttributeValue::L(std::move(l));
    return true;
  }
  return false;
}

}  // namespace

bool ConditionImpl::Evaluate(const Item* item) const { return Evaluator(item).Eval(root_); }

std::shared_ptr<const ProjectionTree> BuildProjectionTree(const std::vector<Path>& paths) {
  auto tree = std::make_shared<ProjectionTree>();
  for (const Path& path : paths) {
    if (path.size() != 1) tree->top_level_only = false;
    AddPath(&tree->root, path);
  }
  return tree;
}

Item ApplyProjection(const Item& item, const ProjectionPaths& projection) {
  std::shared_ptr<const ProjectionTree> tree = projection.tree;
  if (tree == nullptr) tree = BuildProjectionTree(projection.paths);
  Item out;
  const ProjectionTree::Node& root = tree->root;
  for (size_t i = 0; i < root.names.size(); ++i) {
    auto it = item.find(root.names[i]);
    if (it == item.end()) continue;
    if (tree->top_level_only) {
      out.emplace(root.names[i], it->second);
      continue;
    }
    AttributeValue v;
    if (Project(it->second, root.name_children[i], &v)) out.emplace(root.names[i], std::move(v));
  }
  return out;
}

namespace {

void CollectTopLevel(const RCondition& c, std::vector<std::string>* out) {
  for (const ROperand& o : c.operands) {
    if ((o.kind == ROperand::Kind::kPath || o.kind == ROperand::Kind::kSize) && !o.path.empty() &&
        !o.path.front().is_index() &&
        std::find(out->begin(), out->end(), o.path.front().name) == out->end()) {
      out->push_back(o.path.front().name);
    }
  }
  for (const RCondition& child : c.children) CollectTopLevel(child, out);
}

}  // namespace

std::vector<std::string> ConditionImpl::TopLevelAttributes() const {
  std::vector<std::string> out;
  CollectTopLevel(root_, &out);
  return out;
}

}  // namespace issuetracker::engine
