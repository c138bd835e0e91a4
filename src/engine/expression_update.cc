// UpdateImpl::Apply: SET, REMOVE, ADD and DELETE on one item.
//
// DynamoDB semantics (Developer Guide, "Update expressions"):
//  - every value is computed from the item as it was before the update, so
//    `SET a = b, b = a` swaps;
//  - list indexes name the elements the list had before the update: REMOVE a[1], a[3]
//    removes the original second and fourth elements, and SET past the end of a list
//    appends, in index order;
//  - ADD on a missing attribute creates it; DELETE emptying a set removes the attribute;
//  - a path whose parent is missing or not a map / list is invalid for update.
// Problems are reported in DynamoDB's order: a parent of the wrong type, then a wrong
// operand type, then (clause by clause from the last) a missing parent and an operand
// attribute that does not exist, then number overflow.
#include <algorithm>
#include <optional>

#include "engine/expression_internal.h"

namespace issuetracker::engine {
namespace {

using dynamo::AttributeValue;
using dynamo::AttrType;
using dynamo::Item;
using dynamo::Number;
using Kind = UpdateActionAst::Kind;

Status TypeError() {
  return Status::Validation("An operand in the update expression has an incorrect data type");
}
Status PathError() {
  return Status::Validation(
      "The document path provided in the update expression is invalid for update");
}
Status MissingError() {
  return Status::Validation(
      "The provided expression refers to an attribute that does not exist in the item");
}

enum class Parent : uint8_t { kTop, kOk, kMissing, kWrongType };

// Whether the container the last step of `path` writes into exists and has the right
// type (a map before a name, a list before an index).
Parent CheckParent(const Item& item, const Path& path) {
  if (path.size() == 1) return Parent::kTop;
  const AttributeValue* parent = LookupPathPrefix(item, path, path.size() - 1);
  if (parent == nullptr) return Parent::kMissing;
  AttrType want = path.back().is_index() ? AttrType::kL : AttrType::kM;
  return parent->is(want) ? Parent::kOk : Parent::kWrongType;
}

// What one action will do, worked out before anything is written.
struct Planned {
  Parent parent = Parent::kTop;
  enum class Write : uint8_t { kNone, kSet, kRemove } write = Write::kNone;
  AttributeValue value;
  bool missing_operand = false;  // a SET operand names a missing attribute
  Status number_error;           // arithmetic overflow, reported last
};

struct EvalState {
  bool missing = false;
  Status number_error;
};

// Computes a SET value from `item`; nullopt when it depends on a missing attribute or on
// failed arithmetic (recorded in `st`). Type errors return at once.
Status EvalValue(const RValue& v, const Item& item, std::optional<AttributeValue>* out,
                 EvalState* st) {
  switch (v.kind) {
    case RValue::Kind::kValue:
      *out = *v.value;
      return Status::Ok();
    case RValue::Kind::kPath: {
      const AttributeValue* p = LookupPath(item, v.path);
      if (p == nullptr) {
        st->missing = true;
        out->reset();
      } else {
        *out = *p;
      }
      return Status::Ok();
    }
    case RValue::Kind::kIfNotExists: {
      const AttributeValue* p = LookupPath(item, v.args[0].path);
      if (p == nullptr) return EvalValue(v.args[1], item, out, st);
      *out = *p;
      return Status::Ok();
    }
    default:
      break;
  }
  AttrType want = v.kind == RValue::Kind::kListAppend ? AttrType::kL : AttrType::kN;
  std::optional<AttributeValue> a, b;
  IT_RETURN_IF_ERROR(EvalValue(v.args[0], item, &a, st));
  if (a && !a->is(want)) return TypeError();
  IT_RETURN_IF_ERROR(EvalValue(v.args[1], item, &b, st));
  if (b && !b->is(want)) return TypeError();
  out->reset();
  if (!a || !b) return Status::Ok();
  if (v.kind == RValue::Kind::kListAppend) {
    dynamo::AttributeList list = std::move(a->l());
    for (AttributeValue& e : b->l()) list.push_back(std::move(e));
    *out = AttributeValue::L(std::move(list));
    return Status::Ok();
  }
  Result<Number> r = v.kind == RValue::Kind::kPlus ? a->n().Add(b->n()) : a->n().Subtract(b->n());
  if (!r.ok()) {
    if (st->number_error.ok()) st->number_error = r.status();
    return Status::Ok();
  }
  *out = AttributeValue::N(std::move(r).value());
  return Status::Ok();
}

bool SameElement(const std::string& a, const std::string& b) { return a == b; }
bool SameElement(const Number& a, const Number& b) { return (a <=> b) == 0; }

template <typename T>
void AppendAll(std::vector<T>* to, const std::vector<T>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

template <typename T>
void EraseAll(std::vector<T>* from, const std::vector<T>& remove) {
  auto gone = [&](const T& x) {
    return std::any_of(remove.begin(), remove.end(), [&](const T& r) { return SameElement(x, r); });
  };
  from->erase(std::remove_if(from->begin(), from->end(), gone), from->end());
}

bool IsSet(AttrType t) { return t == AttrType::kSS || t == AttrType::kNS || t == AttrType::kBS; }

// ADD: number addition or set union; creates the attribute when missing.
Status PlanAdd(const AttributeValue* cur, const AttributeValue& operand, Planned* p) {
  p->write = Planned::Write::kSet;
  if (cur == nullptr) {
    p->value = operand;
  } else if (cur->is(AttrType::kN) && operand.is(AttrType::kN)) {
    Result<Number> sum = cur->n().Add(operand.n());
    if (!sum.ok()) {
      p->number_error = sum.status();
      p->write = Planned::Write::kNone;
      return Status::Ok();
    }
    p->value = AttributeValue::N(std::move(sum).value());
  } else if (cur->type() == operand.type() && IsSet(cur->type())) {
    p->value = *cur;
    switch (cur->type()) {
      case AttrType::kSS:
        AppendAll(&p->value.ss(), operand.ss());
        break;
      case AttrType::kNS:
        AppendAll(&p->value.ns(), operand.ns());
        break;
      default:
        AppendAll(&p->value.bs(), operand.bs());
        break;
    }
  } else {
    return TypeError();
  }
  p->value.Normalize();
  return Status::Ok();
}

// DELETE: set difference; nothing when the attribute is missing; removes it when the
// set becomes empty (DynamoDB stores no empty sets).
Status PlanDelete(const AttributeValue* cur, const AttributeValue& operand, Planned* p) {
  if (cur == nullptr) return Status::Ok();
  if (cur->type() != operand.type() || !IsSet(cur->type())) return TypeError();
  p->value = *cur;
  switch (cur->type()) {
    case AttrType::kSS:
      EraseAll(&p->value.ss(), operand.ss());
      break;
    case AttrType::kNS:
      EraseAll(&p->value.ns(), operand.ns());
      break;
    default:
      EraseAll(&p->value.bs(), operand.bs());
      break;
  }
  p->write = p->value.ElementCount() == 0 ? Planned::Write::kRemove : Planned::Write::kSet;
  return Status::Ok();
}

Status PlanAction(const RAction& a, const Item& item, Planned* p) {
  const AttributeValue* cur = nullptr;
  if (p->parent == Parent::kTop || p->parent == Parent::kOk) cur = LookupPath(item, a.path);
  switch (a.kind) {
    case Kind::kSet: {
      EvalState st;
      std::optional<AttributeValue> v;
      IT_RETURN_IF_ERROR(EvalValue(a.value, item, &v, &st));
      p->missing_operand = st.missing;
      p->number_error = st.number_error;
      if (v) {
        p->value = std::move(*v);
        p->value.Normalize();
        p->write = Planned::Write::kSet;
      }
      return Status::Ok();
    }
    case Kind::kRemove:
      p->write = Planned::Write::kRemove;
      return Status::Ok();
    case Kind::kAdd:
      return PlanAdd(cur, *a.value.value, p);
    case Kind::kDelete:
      return PlanDelete(cur, *a.value.value, p);
  }
  return Status::Ok();
}

// Writes into lists, grouped by list: removals and overwrites use the original
// positions, appends (indexes past the end) follow in index order.
struct ListGroup {
  Path parent;
  std::vector<std::pair<int32_t, Planned*>> ops;
};

void ApplyListGroup(Item* item, ListGroup& group) {
  AttributeValue* parent = LookupPathMutable(*item, group.parent, group.parent.size());
  if (parent == nullptr || !parent->is(AttrType::kL)) return;  // checked before writing
  dynamo::AttributeList& list = parent->l();
  size_t n = list.size();
  std::vector<bool> removed(n, false);
  std::vector<std::pair<int32_t, Planned*>> appended;
  for (auto& [index, p] : group.ops) {
    size_t i = static_cast<size_t>(index);
    if (p->write == Planned::Write::kRemove) {
      if (i < n) removed[i] = true;
    } else if (i < n) {
      list[i] = std::move(p->value);
    } else {
      appended.emplace_back(index, p);
    }
  }
  std::stable_sort(appended.begin(), appended.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  dynamo::AttributeList out;
  out.reserve(n + appended.size());
  for (size_t i = 0; i < n; ++i) {
    if (!removed[i]) out.push_back(std::move(list[i]));
  }
  for (auto& [index, p] : appended) out.push_back(std::move(p->value));
  list = std::move(out);
}

void ApplyWrites(const std::vector<RAction>& actions, std::vector<Planned>& plan, Item* item) {
  std::vector<ListGroup> groups;
  for (size_t i = 0; i < actions.size(); ++i) {
    Planned& p = plan[i];
    if (p.write == Planned::Write::kNone) continue;
    const Path& path = actions[i].path;
    bool remove = p.write == Planned::Write::kRemove;
    if (path.size() == 1) {
      if (remove) {
        item->erase(path[0].name);
      } else {
        item->insert_or_assign(path[0].name, std::move(p.value));
      }
      continue;
    }
    if (path.back().is_index()) {
      Path parent(path.begin(), path.end() - 1);
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const ListGroup& g) { return g.parent == parent; });
      if (it == groups.end()) it = groups.insert(groups.end(), ListGroup{std::move(parent), {}});
      it->ops.emplace_back(path.back().index, &p);
      continue;
    }
    // Map writes first: they do not move list elements, so list positions stay original.
    AttributeValue* parent = LookupPathMutable(*item, path, path.size() - 1);
    if (parent == nullptr || !parent->is(AttrType::kM)) continue;  // checked before writing
    if (remove) {
      parent->m().erase(path.back().name);
    } else {
      parent->m().insert_or_assign(path.back().name, std::move(p.value));
    }
  }
  // Deepest lists first, so that a list's position in an enclosing list is still the
  // original one when it is looked up.
  std::stable_sort(groups.begin(), groups.end(), [](const ListGroup& a, const ListGroup& b) {
    return a.parent.size() > b.parent.size();
  });
  for (ListGroup& g : groups) ApplyListGroup(item, g);
}

}  // namespace

UpdateImpl::UpdateImpl(std::vector<RAction> actions, int clause_count)
    : actions_(std::move(actions)), clause_count_(clause_count) {
  paths_.reserve(actions_.size());
  for (const RAction& a : actions_) paths_.push_back(a.path);
}

Status UpdateImpl::Apply(Item* item) const {
  std::vector<Planned> plan(actions_.size());
  for (size_t i = 0; i < actions_.size(); ++i) {
    plan[i].parent = CheckParent(*item, actions_[i].path);
    if (plan[i].parent == Parent::kWrongType) return PathError();
  }
  for (size_t i = 0; i < actions_.size(); ++i) {
    IT_RETURN_IF_ERROR(PlanAction(actions_[i], *item, &plan[i]));
  }
  for (int clause = clause_count_ - 1; clause >= 0; --clause) {
    for (size_t i = 0; i < actions_.size(); ++i) {
      if (actions_[i].clause == clause && plan[i].parent == Parent::kMissing) return PathError();
    }
    for (size_t i = 0; i < actions_.size(); ++i) {
      if (actions_[i].clause == clause && plan[i].missing_operand) return MissingError();
    }
  }
  for (const Planned& p : plan) IT_RETURN_IF_ERROR(p.number_error);
  ApplyWrites(actions_, plan, item);
  return Status::Ok();
}

}  // namespace issuetracker::engine
