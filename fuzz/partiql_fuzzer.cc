// Fuzz target "partiql": the PartiQL parser (dynamo/partiql/parser.h) and the rendering of
// its trees as DynamoDB expressions (dynamo/partiql/render.h), on arbitrary statements.
//
// Input: the statement text. Three parameters (a string, a number, a list) are always
// given, so statements with up to three `?` bind. Checks: no crash, leak, hang or deep
// recursion; every error is a ValidationException, as parser.h promises; parsing is a pure
// function of the text; every condition and SET value of a parsed statement renders to
// expression text or a ValidationException, with a placeholder for every name and value;
// the NextToken codec round-trips the keys it decodes.
#include <string>
#include <variant>
#include <vector>

#include "dynamo/attribute_value.h"
#include "dynamo/partiql/execute.h"
#include "dynamo/partiql/parser.h"
#include "dynamo/partiql/render.h"
#include "fuzz/fuzz_check.h"

namespace {

using issuetracker::Code;
using issuetracker::Status;
using issuetracker::dynamo::AttributeValue;
namespace partiql = issuetracker::dynamo::partiql;

void CheckError(const Status& s) { FUZZ_CHECK(s.ok() || s.code() == Code::kValidation); }

void CheckRender(const partiql::Node& node) {
  partiql::Renderer r;
  auto text = r.Render(node);
  CheckError(text.status());
  if (!text.ok()) return;
  for (const auto& [placeholder, name] : r.names) {
    FUZZ_CHECK(text->find(placeholder) != std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = issuetracker::fuzz::AsText(data, size);
  const std::vector<AttributeValue> params = {AttributeValue::S("p"), AttributeValue::N(int64_t{7}),
                                              AttributeValue::L({AttributeValue::S("x")})};
  auto first = partiql::Parse(text, params);
  CheckError(first.status());
  auto second = partiql::Parse(text, params);
  FUZZ_CHECK(first.ok() == second.ok());
  if (!first.ok()) {
    FUZZ_CHECK(first.status().message() == second.status().message());
  } else {
    std::visit(
        [](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, partiql::SelectStatement>) {
            if (s.where) CheckRender(*s.where);
          } else if constexpr (std::is_same_v<T, partiql::UpdateStatement>) {
            CheckRender(s.where);
            for (const auto& set : s.sets) CheckRender(set.value);
          } else if constexpr (std::is_same_v<T, partiql::DeleteStatement>) {
            CheckRender(s.where);
          } else if constexpr (std::is_same_v<T, partiql::ExistsStatement>) {
            if (s.select.where) CheckRender(*s.select.where);
          }
        },
        *first);
  }
  auto key = partiql::DecodeNextToken(text);
  CheckError(key.status());
  if (key.ok()) {
    auto again = partiql::DecodeNextToken(partiql::EncodeNextToken(*key));
    FUZZ_CHECK(again.ok() && *again == *key);
  }
  return 0;
}
