// Helpers for the expression tests: terse value builders and one-call
// parse + resolve + evaluate wrappers that return DynamoDB's error text.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "common/fuzz_seed.h"
#include "dynamo/attribute_value.h"
#include "engine/expression.h"

namespace issuetracker::engine::testing {

using dynamo::AttributeValue;
using dynamo::Item;

inline AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
inline AttributeValue N(std::string_view n) { return AttributeValue::N(n); }
inline AttributeValue B(std::string b) { return AttributeValue::B(std::move(b)); }
inline AttributeValue Bool(bool b) { return AttributeValue::Bool(b); }
inline AttributeValue Null() { return AttributeValue::Null(); }
inline AttributeValue L(std::initializer_list<AttributeValue> l) {
  return AttributeValue::L(dynamo::AttributeList(l));
}
inline AttributeValue M(std::initializer_list<std::pair<std::string, AttributeValue>> m) {
  return AttributeValue::M(dynamo::AttributeMap(m));
}
inline AttributeValue SS(std::vector<std::string> v) {
  AttributeValue out = AttributeValue::SS(std::move(v));
  out.Normalize();
  return out;
}
inline AttributeValue NS(std::initializer_list<std::string_view> v) {
  std::vector<dynamo::Number> nums;
  for (std::string_view n : v) nums.push_back(AttributeValue::N(n).n());
  AttributeValue out = AttributeValue::NS(std::move(nums));
  out.Normalize();
  return out;
}
inline AttributeValue BS(std::vector<std::string> v) {
  AttributeValue out = AttributeValue::BS(std::move(v));
  out.Normalize();
  return out;
}

// Records an expression text as a seed of the "expression" fuzz target (fuzz/): its first
// byte names the request parameter, as fuzz/expression_fuzzer.cc reads it.
inline void SaveExpressionSeed(std::string_view kind, std::string_view text) {
  const char letter = kind == "UpdateExpression"         ? 'U'
                      : kind == "ProjectionExpression"   ? 'P'
                      : kind == "KeyConditionExpression" ? 'K'
                      : kind == "FilterExpression"       ? 'F'
                                                         : 'C';
  SaveFuzzSeed("expression", std::string(1, letter) + std::string(text));
}

// The message of a failed status, or "OK".
inline std::string Message(const Status& s) { return s.ok() ? "OK" : s.message(); }

// Parses and resolves a condition; "OK" or the error message.
inline std::string ConditionError(std::string_view text, const dynamo::ExpressionNames& names,
                                  const dynamo::ExpressionValues& values,
                                  std::string_view kind = "ConditionExpression") {
  SaveExpressionSeed(kind, text);
  ExpressionCache cache;
  auto ast = cache.ParseCondition(text, kind);
  if (!ast.ok()) return Message(ast.status());
  ExpressionResolver resolver(names, values);
  auto cond = resolver.ResolveCondition(**ast);
  return cond.ok() ? "OK" : Message(cond.status());
}

// Parses, resolves and evaluates a condition against `item` (nullptr: no item). Fails
// the calling test on a parse or resolve error.
inline bool Holds(std::string_view text, const Item* item, const dynamo::ExpressionValues& values,
                  const dynamo::ExpressionNames& names = {}) {
  SaveExpressionSeed("FilterExpression", text);
  ExpressionCache cache;
  auto ast = cache.ParseCondition(text, "FilterExpression");
  if (!ast.ok()) {
    ADD_FAILURE() << text << ": " << ast.status().message();
    return false;
  }
  ExpressionResolver resolver(names, values);
  auto cond = resolver.ResolveCondition(**ast);
  if (!cond.ok()) {
    ADD_FAILURE() << text << ": " << cond.status().message();
    return false;
  }
  return (*cond)->Evaluate(item);
}

}  // namespace issuetracker::engine::testing
