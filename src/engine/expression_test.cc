// Parsing, text checks, placeholder resolution and static checks of DynamoDB
// expressions, and the parse cache. Expected messages are DynamoDB's.
#include "engine/expression.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "engine/expression_test_util.h"

namespace issuetracker::engine {
namespace {

using namespace ::issuetracker::engine::testing;  // NOLINT: test helpers

struct ErrorCase {
  std::string text;
  std::string error;  // "OK" when the expression is valid
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.text; }

// The values and names the condition cases may refer to.
const dynamo::ExpressionValues& ConditionValues() {
  static const dynamo::ExpressionValues* values = new dynamo::ExpressionValues{
      {":s", S("abc")},   {":s2", S("abd")},      {":n", N("5")},
      {":n2", N("7")},    {":b", B("\x01\x02")},  {":bool", Bool(true)},
      {":null", Null()},  {":l", L({N("1")})},    {":m", M({{"x", N("1")}})},
      {":ss", SS({"a"})}, {":ns", NS({"1"})},     {":bs", BS({"\x01"})},
      {":tS", S("S")},    {":tBad", S("STRING")},
  };
  return *values;
}

const dynamo::ExpressionNames& ConditionNames() {
  static const dynamo::ExpressionNames* names =
      new dynamo::ExpressionNames{{"#a", "a"}, {"#status", "status"}, {"#dot", "x.y"}};
  return *names;
}

// ---------------------------------------------------------------- conditions

class ConditionErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConditionErrorTest, MatchesDynamoDb) {
  EXPECT_EQ(ConditionError(GetParam().text, ConditionNames(), ConditionValues()), GetParam().error);
}

const std::string kSyntax = "Invalid ConditionExpression: Syntax error; ";

INSTANTIATE_TEST_SUITE_P(
    Valid, ConditionErrorTest,
    ::testing::Values(
        ErrorCase{"a = :s", "OK"}, ErrorCase{"a <> :s", "OK"}, ErrorCase{"a < :s", "OK"},
        ErrorCase{"a <= :n", "OK"}, ErrorCase{"a > :b", "OK"}, ErrorCase{"a >= :n", "OK"},
        ErrorCase{":s = a", "OK"}, ErrorCase{"a = b", "OK"}, ErrorCase{"a.b.c = :s", "OK"},
        ErrorCase{"a[2] = :s", "OK"}, ErrorCase{"a[1][0].b = :s", "OK"},
        ErrorCase{"#a.#status = :s", "OK"}, ErrorCase{"a BETWEEN :n AND :n2", "OK"},
        ErrorCase{"a between :n and :n2", "OK"}, ErrorCase{"a IN (:s)", "OK"},
        ErrorCase{"a IN (:s, :s2, b, c.d)", "OK"}, ErrorCase{"NOT a = :s", "OK"},
        ErrorCase{"not not a = :s", "OK"}, ErrorCase{"a = :s AND b = :s OR c = :s", "OK"},
        ErrorCase{"(a = :s)", "OK"}, ErrorCase{"(a) = :s", "OK"},
        ErrorCase{"(a = :s) and (b = :s or (c = :s))", "OK"},
        ErrorCase{"attribute_exists(a)", "OK"}, ErrorCase{"attribute_not_exists(#a)", "OK"},
        ErrorCase{"attribute_type(a, :tS)", "OK"}, ErrorCase{"begins_with(a, :s)", "OK"},
        ErrorCase{"begins_with(a, :b)", "OK"}, ErrorCase{"contains(a, :n)", "OK"},
        ErrorCase{"contains(a, b)", "OK"}, ErrorCase{"size(a) > :n", "OK"},
        ErrorCase{":n < size(a.b[1])", "OK"}, ErrorCase{"size(a) = size(b)", "OK"},
        ErrorCase{"size(:s) = :n", "OK"}, ErrorCase{"(attribute_exists(a))", "OK"},
        ErrorCase{"a=:s", "OK"}, ErrorCase{"\ta\n=\r:s ", "OK"},
        ErrorCase{"a . b [ 1 ] = :s", "OK"}, ErrorCase{"a_1.B2 = :s", "OK"},
        ErrorCase{"a = :s AND (b = :s)", "OK"}));

INSTANTIATE_TEST_SUITE_P(
    SyntaxErrors, ConditionErrorTest,
    ::testing::Values(
        ErrorCase{"", "Invalid ConditionExpression: The expression can not be empty;"},
        ErrorCase{"a = = b", kSyntax + "token: \"=\", near: \"= = b\""},
        ErrorCase{"a == b", kSyntax + "token: \"=\", near: \"== b\""},
        ErrorCase{"a =", kSyntax + "token: \"<EOF>\", near: \"=\""},
        ErrorCase{"a", kSyntax + "token: \"<EOF>\", near: \"a\""},
        ErrorCase{"   ", kSyntax + "token: \"<EOF>\", near: \"   \""},
        ErrorCase{"a = :s AND", kSyntax + "token: \"<EOF>\", near: \"AND\""},
        ErrorCase{"a = :s)", kSyntax + "token: \")\", near: \":s)\""},
        ErrorCase{"(a = :s", kSyntax + "token: \"<EOF>\", near: \":s\""},
        ErrorCase{"a = :s b", kSyntax + "token: \"b\", near: \":s b\""},
        ErrorCase{"a BETWEEN :n :n2", kSyntax + "token: \":n2\", near: \":n :n2\""},
        ErrorCase{"a IN :s", kSyntax + "token: \":s\", near: \"IN :s\""},
        ErrorCase{"a IN ()", kSyntax + "token: \")\", near: \"()\""},
        ErrorCase{"a[x] = :s", kSyntax + "token: \"x\", near: \"[x]\""},
        ErrorCase{"a[01] = :s", kSyntax + "token: \"1\", near: \"01]\""},
        ErrorCase{"a[-1] = :s", kSyntax + "token: \"-\", near: \"[-1\""},
        ErrorCase{"a. = :s", kSyntax + "token: \"=\", near: \". = :s\""},
        ErrorCase{"a.:s = :s", kSyntax + "token: \":s\", near: \".:s =\""},
        ErrorCase{"a = #", kSyntax + "token: \"#\", near: \"= #\""},
        ErrorCase{"a = :", kSyntax + "token: \":\", near: \"= :\""},
        ErrorCase{"a ! b", kSyntax + "token: \"!\", near: \"a ! b\""},
        ErrorCase{"a = \"x\"", kSyntax + "token: \"\"\", near: \"= \"x\""},
        ErrorCase{"a > 4", kSyntax + "token: \"4\", near: \"> 4\""},
        ErrorCase{"_a = :s", kSyntax + "token: \"_\", near: \"_a\""},
        ErrorCase{"a = :s AND OR b = :s", kSyntax + "token: \"OR\", near: \"AND OR b\""},
        ErrorCase{"NOT", kSyntax + "token: \"<EOF>\", near: \"NOT\""},
        ErrorCase{"things are not gonna be ok",
                  kSyntax + "token: \"are\", near: \"things are not\""},
        ErrorCase{"(size(a))[0] > a", kSyntax + "token: \"[\", near: \")[0\""},
        ErrorCase{"a = :s + :n", kSyntax + "token: \"+\", near: \":s + :n\""},
        ErrorCase{"and = :s", kSyntax + "token: \"and\", near: \"and =\""},
        ErrorCase{"a.in = :s", kSyntax + "token: \"in\", near: \".in =\""},
        ErrorCase{"a = :s é", kSyntax + "token: \"é\", near: \":s é\""}));

INSTANTIATE_TEST_SUITE_P(
    TextErrors, ConditionErrorTest,
    ::testing::Values(
        ErrorCase{"status = :s",
                  "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved "
                  "keyword: status"},
        ErrorCase{"a.Size = :s",
                  "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved "
                  "keyword: Size"},
        ErrorCase{"attribute_exists(Comment)",
                  "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved "
                  "keyword: Comment"},
        ErrorCase{"a[99999999999] = :s",
                  "Invalid ConditionExpression: List index is not within the allowable range; "
                  "index: [99999999999]"},
        ErrorCase{"a[2147483648] = :s",
                  "Invalid ConditionExpression: List index is not within the allowable range; "
                  "index: [2147483648]"},
        ErrorCase{"a[2147483647] = :s", "OK"},
        ErrorCase{"((a = :s))",
                  "Invalid ConditionExpression: The expression has redundant parentheses;"},
        ErrorCase{"((a)) = :s",
                  "Invalid ConditionExpression: The expression has redundant parentheses;"},
        ErrorCase{"a = :s and ((b = :s))",
                  "Invalid ConditionExpression: The expression has redundant parentheses;"},
        ErrorCase{"Begins_with(a, :s)",
                  "Invalid ConditionExpression: Invalid function name; function: Begins_with"},
        ErrorCase{"foo(a) = :s",
                  "Invalid ConditionExpression: Invalid function name; function: foo"},
        ErrorCase{"size(a)",
                  "Invalid ConditionExpression: The function is not allowed to be used this way "
                  "in an expression; function: size"},
        ErrorCase{"attribute_exists(a) = :s",
                  "Invalid ConditionExpression: The function is not allowed to be used this way "
                  "in an expression; function: attribute_exists"},
        ErrorCase{"a IN (:s, begins_with(a, :s))",
                  "Invalid ConditionExpression: The function is not allowed to be used this way "
                  "in an expression; function: begins_with"},
        ErrorCase{"if_not_exists(a, :s) = :s",
                  "Invalid ConditionExpression: The function is not allowed in a condition "
                  "expression; function: if_not_exists"},
        ErrorCase{"begins_with(a)",
                  "Invalid ConditionExpression: Incorrect number of operands for operator or "
                  "function; operator or function: begins_with, number of operands: 1"},
        ErrorCase{"size(a, b) > :n",
                  "Invalid ConditionExpression: Incorrect number of operands for operator or "
                  "function; operator or function: size, number of operands: 2"},
        // Text checks come in written order, before placeholders are looked at.
        ErrorCase{"#undefined = :s AND status = :s",
                  "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved "
                  "keyword: status"}));

INSTANTIATE_TEST_SUITE_P(
    ResolveErrors, ConditionErrorTest,
    ::testing::Values(
        ErrorCase{"#n = :s",
                  "Invalid ConditionExpression: An expression attribute name used in the "
                  "document path is not defined; attribute name: #n"},
        ErrorCase{"a = :undefined",
                  "Invalid ConditionExpression: An expression attribute value used in "
                  "expression is not defined; attribute value: :undefined"},
        ErrorCase{"a = a",
                  "Invalid ConditionExpression: The first operand must be distinct from the "
                  "remaining operands for this operator or function; operator: =, first "
                  "operand: [a]"},
        ErrorCase{"#a.b[1] < a.b[1]",
                  "Invalid ConditionExpression: The first operand must be distinct from the "
                  "remaining operands for this operator or function; operator: <, first "
                  "operand: [a, b, [1]]"},
        ErrorCase{"a BETWEEN :n AND a",
                  "Invalid ConditionExpression: The first operand must be distinct from the "
                  "remaining operands for this operator or function; operator: BETWEEN, first "
                  "operand: [a]"},
        ErrorCase{"a IN (:s, a)",
                  "Invalid ConditionExpression: The first operand must be distinct from the "
                  "remaining operands for this operator or function; operator: IN, first "
                  "operand: [a]"},
        ErrorCase{"contains(a, #a)",
                  "Invalid ConditionExpression: The first operand must be distinct from the "
                  "remaining operands for this operator or function; operator: contains, first "
                  "operand: [a]"},
        ErrorCase{"a < :bool",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: <, operand type: BOOL"},
        ErrorCase{":ss >= a",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: >=, operand type: SS"},
        ErrorCase{"a = :ss", "OK"}, ErrorCase{"a <> :m", "OK"},
        ErrorCase{"a BETWEEN :l AND :l",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: BETWEEN, operand type: L"},
        ErrorCase{"a BETWEEN :n AND :s",
                  "Invalid ConditionExpression: The BETWEEN operator requires same data type "
                  "for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, "
                  "upper bound operand: AttributeValue: {S:abc}"},
        ErrorCase{"a BETWEEN :n2 AND :n",
                  "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be "
                  "greater than or equal to lower bound; lower bound operand: AttributeValue: "
                  "{N:7}, upper bound operand: AttributeValue: {N:5}"},
        ErrorCase{"a BETWEEN :s2 AND :s",
                  "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be "
                  "greater than or equal to lower bound; lower bound operand: AttributeValue: "
                  "{S:abd}, upper bound operand: AttributeValue: {S:abc}"},
        ErrorCase{"a BETWEEN :n AND :n", "OK"},
        ErrorCase{"begins_with(a, :n)",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: begins_with, operand type: N"},
        ErrorCase{"begins_with(:ss, a)",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: begins_with, operand type: SS"},
        ErrorCase{"attribute_type(a, :n)",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: attribute_type, operand type: N"},
        ErrorCase{"attribute_type(a, b)",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: attribute_type, operand type: "
                  "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
        ErrorCase{"attribute_type(a, :tBad)",
                  "Invalid ConditionExpression: Invalid attribute type name found; type: "
                  "STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
        ErrorCase{"attribute_exists(:s)",
                  "Invalid ConditionExpression: Operator or function requires a document path; "
                  "operator or function: attribute_exists"},
        ErrorCase{"attribute_not_exists(size(a))",
                  "Invalid ConditionExpression: Operator or function requires a document path; "
                  "operator or function: attribute_not_exists"},
        ErrorCase{"size(:n) > :n",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: size, operand type: N"},
        ErrorCase{"size(:bool) > :n",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: size, operand type: BOOL"},
        ErrorCase{"size(size(a)) > :n",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: size, operand type: N"},
        ErrorCase{"begins_with(size(a), :s)",
                  "Invalid ConditionExpression: Incorrect operand type for operator or "
                  "function; operator or function: begins_with, operand type: N"}));

TEST(ConditionLimitsTest, InTakesAtMostOneHundredOperands) {
  dynamo::ExpressionValues values;
  std::string list;
  for (int i = 0; i <= 100; ++i) {
    values[":v" + std::to_string(i)] = N(std::to_string(i));
    if (i > 0) list += ", ";
    list += ":v" + std::to_string(i);
  }
  EXPECT_EQ(ConditionError("a IN (" + list + ")", {}, values),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
  std::string hundred = list.substr(0, list.rfind(','));
  EXPECT_EQ(ConditionError("a IN (" + hundred + ")", {}, values), "OK");
}

TEST(ConditionLimitsTest, PathsNestAtMost32Levels) {
  std::string path = "a";
  for (int i = 1; i < 32; ++i) path += ".a";
  EXPECT_EQ(ConditionError(path + " = :s", {}, ConditionValues()), "OK");
  EXPECT_EQ(ConditionError(path + "[0] = :s", {}, ConditionValues()),
            "Invalid ConditionExpression: The document path has too many nesting levels; "
            "nesting levels: 33");
}

TEST(ConditionLimitsTest, ExpressionsAreAtMost4096Bytes) {
  std::string text = "a = :s";
  text += std::string(4096 - text.size(), ' ');
  EXPECT_EQ(ConditionError(text, {}, ConditionValues()), "OK");
  EXPECT_EQ(ConditionError(text + " ", {}, ConditionValues()),
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097");
}

TEST(ConditionLimitsTest, NestingDynamoDbAcceptsParses) {
  // 149 levels of "a<b or (...)": 299 operators, within DynamoDB's 300.
  std::string text = "a<b ";
  for (int i = 0; i < 149; ++i) text += "or (a<b ";
  text += std::string(149, ')');
  EXPECT_EQ(ConditionError(text, {}, ConditionValues()), "OK");
}

TEST(ConditionLimitsTest, DeepNestingIsRejectedWithoutExhaustingTheStack) {
  std::string text = std::string(2000, '(') + "a = :s" + std::string(2000, ')');
  std::string error = ConditionError(text, {}, ConditionValues());
  EXPECT_EQ(error.rfind("Invalid ConditionExpression: ", 0), 0u) << error;
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  error = ConditionError(nots + "a = :s", {}, ConditionValues());
  EXPECT_EQ(error.rfind("Invalid ConditionExpression: Syntax error;", 0), 0u) << error;
}

TEST(ConditionKindTest, MessagesNameTheRequestParameter) {
  EXPECT_EQ(ConditionError("a = = b", {}, {}, "FilterExpression"),
            "Invalid FilterExpression: Syntax error; token: \"=\", near: \"= = b\"");
  EXPECT_EQ(ConditionError("", {}, {}, "KeyConditionExpression"),
            "Invalid KeyConditionExpression: The expression can not be empty;");
}

// ---------------------------------------------------------------- reserved words

TEST(ReservedWordsTest, MatchesDynamoDbListInAnyCase) {
  for (const char* w : {"ABORT", "abort", "Status", "name", "DATA", "size", "zone", "year",
                        "COMMENT", "connection", "user", "value", "ttl", "INNTER", "flattern"}) {
    EXPECT_TRUE(IsReservedWord(w)) << w;
  }
  for (const char* w : {"", "a", "pk", "sk", "title", "abortx", "statuses", "my_status", "ZONES",
                        "issue", "issue_id", "company", "attribute_exists"}) {
    EXPECT_FALSE(IsReservedWord(w)) << w;
  }
}

// ---------------------------------------------------------------- unused placeholders

TEST(UnusedPlaceholdersTest, ReportsUnusedNamesThenValues) {
  dynamo::ExpressionNames names{{"#a", "a"}, {"#b", "b"}, {"#c", "c"}};
  dynamo::ExpressionValues values{{":a", S("x")}, {":b", S("y")}, {":c", S("z")}};
  ExpressionCache cache;
  ExpressionResolver resolver(names, values);
  auto ast = cache.ParseCondition("#a = :a", "ConditionExpression");
  ASSERT_TRUE(ast.ok());
  ASSERT_TRUE(resolver.ResolveCondition(**ast).ok());
  EXPECT_EQ(Message(resolver.CheckAllUsed()),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}");

  auto update = cache.ParseUpdate("SET #b = :b, #c = :a");
  ASSERT_TRUE(update.ok());
  ASSERT_TRUE(resolver.ResolveUpdate(**update).ok());
  EXPECT_EQ(Message(resolver.CheckAllUsed()),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:c}");

  auto projection = cache.ParseProjection("a, b");
  ASSERT_TRUE(projection.ok());
  ASSERT_TRUE(resolver.ResolveProjection(**projection).ok());
  auto filter = cache.ParseCondition("c = :c", "FilterExpression");
  ASSERT_TRUE(filter.ok());
  ASSERT_TRUE(resolver.ResolveCondition(**filter).ok());
  EXPECT_TRUE(resolver.CheckAllUsed().ok());
}

TEST(UnusedPlaceholdersTest, NothingSuppliedIsNothingUnused) {
  dynamo::ExpressionNames names;
  dynamo::ExpressionValues values;
  ExpressionResolver resolver(names, values);
  EXPECT_TRUE(resolver.CheckAllUsed().ok());
}

// ---------------------------------------------------------------- projections

class ProjectionErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ProjectionErrorTest, MatchesDynamoDb) {
  dynamo::ExpressionNames names{{"#a", "a"}, {"#c", "c"}, {"#idx", "[3]"}};
  dynamo::ExpressionValues values;
  SaveExpressionSeed("ProjectionExpression", GetParam().text);
  ExpressionCache cache;
  auto ast = cache.ParseProjection(GetParam().text);
  std::string got;
  if (!ast.ok()) {
    got = Message(ast.status());
  } else {
    ExpressionResolver resolver(names, values);
    got = Message(resolver.ResolveProjection(**ast).status());
  }
  EXPECT_EQ(got, GetParam().error);
}

const std::string kProjection = "Invalid ProjectionExpression: ";

INSTANTIATE_TEST_SUITE_P(
    All, ProjectionErrorTest,
    ::testing::Values(
        ErrorCase{"a", "OK"}, ErrorCase{"a, b, c", "OK"}, ErrorCase{"a.b, a.c, a.d[1]", "OK"},
        ErrorCase{"#a, b[1], b[2].c", "OK"}, ErrorCase{"#idx, c", "OK"},
        ErrorCase{"", kProjection + "The expression can not be empty;"},
        ErrorCase{"a,", kProjection + "Syntax error; token: \"<EOF>\", near: \",\""},
        ErrorCase{"a b", kProjection + "Syntax error; token: \"b\", near: \"a b\""},
        ErrorCase{"(a)", kProjection + "Syntax error; token: \"(\", near: \"(a\""},
        ErrorCase{":a", kProjection + "Syntax error; token: \":a\", near: \":a\""},
        ErrorCase{"size(a)", kProjection + "Syntax error; token: \"(\", near: \"size(a\""},
        ErrorCase{"a, name",
                  kProjection + "Attribute name is a reserved keyword; reserved keyword: name"},
        ErrorCase{"#b", kProjection +
                            "An expression attribute name used in the document path is not "
                            "defined; attribute name: #b"},
        ErrorCase{"a, #a", kProjection +
                               "Two document paths overlap with each other; must remove or "
                               "rewrite one of these paths; path one: [a], path two: [a]"},
        ErrorCase{"a.b, a", kProjection +
                                "Two document paths overlap with each other; must remove or "
                                "rewrite one of these paths; path one: [a, b], path two: [a]"},
        ErrorCase{"a[1], a.b", kProjection +
                                   "Two document paths conflict with each other; must remove or "
                                   "rewrite one of these paths; path one: [a, [1]], path two: "
                                   "[a, b]"},
        ErrorCase{"#c.#idx, c[3]",
                  kProjection +
                      "Two document paths conflict with each other; must remove or rewrite one "
                      "of these paths; path one: [c, [3]], path two: [c, [3]]"}));

// ---------------------------------------------------------------- cache

TEST(ExpressionCacheTest, SecondParseIsAHit) {
  ExpressionCache cache;
  auto first = cache.ParseCondition("a = :v", "ConditionExpression");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(cache.hits(), 0u);
  auto second = cache.ParseCondition("a = :v", "ConditionExpression");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(first->get(), second->get());
  // The kind is part of the key: messages differ between kinds.
  ASSERT_TRUE(cache.ParseCondition("a = :v", "FilterExpression").ok());
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_TRUE(cache.ParseUpdate("SET a = :v").ok());
  ASSERT_TRUE(cache.ParseUpdate("SET a = :v").ok());
  ASSERT_TRUE(cache.ParseProjection("a, b").ok());
  ASSERT_TRUE(cache.ParseProjection("a, b").ok());
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.size(), 4u);
}

TEST(ExpressionCacheTest, ErrorsAreNotCached) {
  ExpressionCache cache;
  EXPECT_FALSE(cache.ParseCondition("a = = b", "ConditionExpression").ok());
  EXPECT_FALSE(cache.ParseCondition("a = = b", "ConditionExpression").ok());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.hits(), 0u);
}

TEST(ExpressionCacheTest, StaysWithinCapacity) {
  ExpressionCache cache(3);
  for (int i = 0; i < 10; ++i) {
    std::string text = "a";
    text += std::to_string(i);
    ASSERT_TRUE(cache.ParseProjection(text).ok());
    EXPECT_LE(cache.size(), 3u);
  }
  // The newest entries survive.
  ASSERT_TRUE(cache.ParseProjection("a9").ok());
  EXPECT_EQ(cache.hits(), 1u);
  ExpressionCache none(0);
  ASSERT_TRUE(none.ParseProjection("a").ok());
  EXPECT_EQ(none.size(), 0u);
}

TEST(ExpressionCacheTest, SharedAcrossThreads) {
  ExpressionCache cache(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 200; ++i) {
        std::string text = "a";
        text += std::to_string((i + t) % 32);
        text += " = :v";
        auto ast = cache.ParseCondition(text, "FilterExpression");
        EXPECT_TRUE(ast.ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(cache.size(), 16u);
}

TEST(PathToStringTest, RendersDocumentPaths) {
  Path p = {PathElement{"a"}, PathElement{"b"}, PathElement{"", 2}, PathElement{"c"}};
  EXPECT_EQ(PathToString(p), "a.b[2].c");
  EXPECT_EQ(PathToString({PathElement{"x"}}), "x");
}

}  // namespace
}  // namespace issuetracker::engine
