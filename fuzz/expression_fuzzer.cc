// Fuzz target "expression": the engine's expression module (engine/expression.h) on
// arbitrary text: parse, resolve against placeholders, then evaluate, apply or project.
//
// Input: byte 0 picks the request parameter ('C' ConditionExpression, 'F' FilterExpression,
// 'K' KeyConditionExpression, 'U' UpdateExpression, 'P' ProjectionExpression); the rest is
// the expression text. Every "#name" in the text is given an attribute name and every
// ":value" a value (of each of the ten types in turn), so that resolution gets past the
// placeholders. Checks: no crash, leak, hang or deep recursion; every error is a
// ValidationException, as expression.h promises; parsing is a pure function of the text
// (a second parse, answered by the cache, gives the same result); conditions evaluate
// against a stored item and a missing one; updates apply to both, and the validation
// UpdateItem runs on the result before writing answers; a projection keeps nothing the
// item did not have.
#include <memory>
#include <string>

#include "dynamo/attribute_value.h"
#include "engine/expression.h"
#include "fuzz/fuzz_check.h"

namespace {

using issuetracker::Code;
using issuetracker::Status;
using issuetracker::dynamo::AttributeValue;
using issuetracker::dynamo::ExpressionNames;
using issuetracker::dynamo::ExpressionValues;
using issuetracker::dynamo::Item;
using issuetracker::engine::ExpressionCache;
using issuetracker::engine::ExpressionResolver;

void CheckError(const Status& s) { FUZZ_CHECK(s.ok() || s.code() == Code::kValidation); }

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

AttributeValue ValueOfKind(size_t i) {
  switch (i % 10) {
    case 0:
      return AttributeValue::S("abc");
    case 1:
      return AttributeValue::N(int64_t{5});
    case 2:
      return AttributeValue::B(std::string("\0\x01", 2));
    case 3:
      return AttributeValue::Bool(true);
    case 4:
      return AttributeValue::Null();
    case 5:
      return AttributeValue::M({{"a", AttributeValue::N(int64_t{1})}});
    case 6:
      return AttributeValue::L({AttributeValue::S("x"), AttributeValue::N(int64_t{2})});
    case 7:
      return AttributeValue::SS({"a", "b"});
    case 8:
      return AttributeValue::NS({issuetracker::dynamo::Number::FromInt64(1)});
    default:
      return AttributeValue::BS({"\x01"});
  }
}

// Gives each "#word" and ":word" of the text a name or a value.
void Placeholders(std::string_view text, ExpressionNames* names, ExpressionValues* values) {
  static constexpr const char* kNames[] = {"a", "b", "pk", "sk", "m", "l", "status", "size"};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '#' && text[i] != ':') continue;
    size_t end = i + 1;
    while (end < text.size() && IsWordChar(text[end])) ++end;
    std::string word(text.substr(i, end - i));
    if (text[i] == '#') {
      names->emplace(word, kNames[names->size() % std::size(kNames)]);
    } else {
      values->emplace(word, ValueOfKind(values->size()));
    }
    i = end - 1;
  }
}

Item StoredItem() {
  return Item{{"pk", AttributeValue::S("p")},
              {"sk", AttributeValue::N(int64_t{3})},
              {"a", AttributeValue::N(int64_t{10})},
              {"b", AttributeValue::S("abcdef")},
              {"m", AttributeValue::M({{"a", AttributeValue::L({AttributeValue::N(int64_t{1}),
                                                                AttributeValue::Null()})}})},
              {"l", AttributeValue::L({AttributeValue::S("x"), AttributeValue::SS({"a", "c"})})},
              {"status", AttributeValue::SS({"a", "b"})}};
}

void FuzzCondition(ExpressionCache& cache, std::string_view text, std::string_view kind,
                   ExpressionResolver& resolver) {
  auto ast = cache.ParseCondition(text, kind);
  auto again = cache.ParseCondition(text, kind);
  FUZZ_CHECK(ast.ok() == again.ok());
  if (!ast.ok()) {
    CheckError(ast.status());
    FUZZ_CHECK(ast.status().message() == again.status().message());
    return;
  }
  if (kind == "KeyConditionExpression") {
    CheckError(resolver.ResolveKeyCondition(**ast).status());
    CheckError(resolver.ResolveKeyCondition(**ast, "pk", "sk").status());
    CheckError(resolver.ResolveKeyCondition(**ast, "pk", "").status());
    return;
  }
  auto condition = resolver.ResolveCondition(**ast);
  CheckError(condition.status());
  if (!condition.ok()) return;
  const Item item = StoredItem();
  (void)(*condition)->Evaluate(&item);
  (void)(*condition)->Evaluate(nullptr);
  (void)(*condition)->TopLevelAttributes();
}

void FuzzUpdate(ExpressionCache& cache, std::string_view text, ExpressionResolver& resolver) {
  auto ast = cache.ParseUpdate(text);
  auto again = cache.ParseUpdate(text);
  FUZZ_CHECK(ast.ok() == again.ok());
  if (!ast.ok()) {
    CheckError(ast.status());
    FUZZ_CHECK(ast.status().message() == again.status().message());
    return;
  }
  auto update = resolver.ResolveUpdate(**ast);
  CheckError(update.status());
  if (!update.ok()) return;
  for (Item item : {StoredItem(), Item{}}) {
    const Status applied = (*update)->Apply(&item);
    CheckError(applied);
    // What an update leaves is what UpdateItem validates before it writes; the check must
    // answer (and never crash) whatever the update built.
    if (applied.ok()) CheckError(issuetracker::dynamo::ValidateItem(item));
  }
}

void FuzzProjection(ExpressionCache& cache, std::string_view text, ExpressionResolver& resolver) {
  auto ast = cache.ParseProjection(text);
  auto again = cache.ParseProjection(text);
  FUZZ_CHECK(ast.ok() == again.ok());
  if (!ast.ok()) {
    CheckError(ast.status());
    FUZZ_CHECK(ast.status().message() == again.status().message());
    return;
  }
  auto paths = resolver.ResolveProjection(**ast);
  CheckError(paths.status());
  if (!paths.ok()) return;
  const Item item = StoredItem();
  const Item projected = issuetracker::engine::ApplyProjection(item, *paths);
  for (const auto& [name, value] : projected) FUZZ_CHECK(item.contains(name));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = issuetracker::fuzz::AsText(data, size);
  if (in.empty()) return 0;
  const char kind = in[0];
  const std::string_view text = in.substr(1);
  ExpressionNames names;
  ExpressionValues values;
  Placeholders(text, &names, &values);
  ExpressionCache cache(4);
  ExpressionResolver resolver(names, values);
  switch (kind) {
    case 'C':
      FuzzCondition(cache, text, "ConditionExpression", resolver);
      break;
    case 'F':
      FuzzCondition(cache, text, "FilterExpression", resolver);
      break;
    case 'K':
      FuzzCondition(cache, text, "KeyConditionExpression", resolver);
      break;
    case 'U':
      FuzzUpdate(cache, text, resolver);
      break;
    case 'P':
      FuzzProjection(cache, text, resolver);
      break;
    default:
      return 0;
  }
  CheckError(resolver.CheckAllUsed());
  return 0;
}
