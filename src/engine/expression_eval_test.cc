// Evaluation of conditions and filters, KeyConditionExpression resolution and
// ApplyProjection, table-driven against DynamoDB's documented semantics.
#include <gtest/gtest.h>

#include <string>

#include "engine/expression.h"
#include "engine/expression_test_util.h"

namespace issuetracker::engine {
namespace {

using namespace ::issuetracker::engine::testing;  // NOLINT: test helpers

const Item& TestItem() {
  static const Item* item = new Item{
      {"s", S("abc")},
      {"s2", S("abd")},
      {"n", N("5")},
      {"n2", N("10")},
      {"dc", N("0.30")},
      {"b", B("\x01\x02\x03")},
      {"t", Bool(true)},
      {"nul", Null()},
      {"l", L({S("x"), N("1"), M({{"k", S("v")}})})},
      {"m", M({{"nest", M({{"deep", N("42")}})}, {"str", S("hello")}})},
      {"ss", SS({"a", "b"})},
      {"ns", NS({"1", "2.5"})},
      {"bs", BS({"\x01", "\x02"})},
      {"utf", S("\xC3\xA9")},  // "é": two UTF-8 bytes
      {"empty_l", L({})},
      {"x.y", S("x")},
  };
  return *item;
}

const dynamo::ExpressionValues& EvalValues() {
  static const dynamo::ExpressionValues* values = new dynamo::ExpressionValues{
      {":s", S("abc")},
      {":s2", S("abd")},
      {":sa", S("ab")},
      {":bc", S("bc")},
      {":a", S("a")},
      {":z", S("z")},
      {":x", S("x")},
      {":v", S("v")},
      {":hel", S("hel")},
      {":n", N("5")},
      {":n5_0", N("5.0")},
      {":n10", N("10")},
      {":n3", N("3")},
      {":n42", N("42")},
      {":dc", N("0.3")},
      {":zero", N("0")},
      {":one", N("1")},
      {":two", N("2")},
      {":three", N("3")},
      {":twofive", N("2.50")},
      {":b", B("\x01\x02\x03")},
      {":bp", B("\x01\x02")},
      {":b1", B("\x01")},
      {":t", Bool(true)},
      {":f", Bool(false)},
      {":null", Null()},
      {":ss_ba", SS({"b", "a"})},
      {":m", M({{"k", S("v")}})},
      {":tS", S("S")},
      {":tN", S("N")},
      {":tSS", S("SS")},
      {":tNULL", S("NULL")},
      {":tBOOL", S("BOOL")},
      {":tM", S("M")},
      {":tL", S("L")},
  };
  return *values;
}

struct EvalCase {
  std::string text;
  bool expected;
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.text; }

class ConditionEvalTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(ConditionEvalTest, OnItem) {
  dynamo::ExpressionNames names{{"#dot", "x.y"}, {"#s", "s"}};
  bool uses_names = GetParam().text.find('#') != std::string::npos;
  EXPECT_EQ(Holds(GetParam().text, &TestItem(), EvalValues(),
                  uses_names ? names : dynamo::ExpressionNames{}),
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Comparators, ConditionEvalTest,
    ::testing::Values(
        EvalCase{"s = :s", true}, EvalCase{"s = :s2", false}, EvalCase{"s <> :s2", true},
        EvalCase{"s <> :s", false}, EvalCase{"#s = :s", true},
        // Numbers compare exactly and numerically.
        EvalCase{"n = :n5_0", true}, EvalCase{"dc = :dc", true}, EvalCase{"n < :n10", true},
        EvalCase{"n > :n10", false}, EvalCase{"n2 >= :n10", true}, EvalCase{"n <= :n3", false},
        // Strings by UTF-8 bytes, binaries by bytes.
        EvalCase{"s < :s2", true}, EvalCase{"s2 > :s", true}, EvalCase{"s <= :s", true},
        EvalCase{"s >= :s2", false}, EvalCase{"utf > :z", true}, EvalCase{"s > :sa", true},
        EvalCase{"b = :b", true}, EvalCase{"b > :bp", true}, EvalCase{"b < :b", false},
        // Different types are never equal and never ordered.
        EvalCase{"s = :n", false}, EvalCase{"s <> :n", true}, EvalCase{"s < :n", false},
        EvalCase{"s >= :n", false}, EvalCase{"n = :s", false}, EvalCase{"b = :s", false},
        EvalCase{"t = :t", true}, EvalCase{"t = :f", false}, EvalCase{"t <> :f", true},
        EvalCase{"nul = :null", true}, EvalCase{"t < nul", false}, EvalCase{"ss = :ss_ba", true},
        EvalCase{"l[2] = :m", true}, EvalCase{"m.nest.deep = :n42", true},
        EvalCase{"l[0] = :x", true}, EvalCase{"l[2].k = :v", true}, EvalCase{"#dot = :x", true},
        EvalCase{"s < s2", true}, EvalCase{"n2 > n", true},
        // Missing attributes: nothing is equal to or ordered with them.
        EvalCase{"absent = :s", false}, EvalCase{"absent <> :s", true},
        EvalCase{"absent < :s", false}, EvalCase{"absent >= :s", false},
        EvalCase{"l[5] = :x", false}, EvalCase{"m[0] = :x", false}, EvalCase{"s.x = :x", false},
        EvalCase{"l.k = :v", false}, EvalCase{"absent = gone", false},
        EvalCase{"absent <> gone", true}));

INSTANTIATE_TEST_SUITE_P(
    BetweenAndIn, ConditionEvalTest,
    ::testing::Values(
        EvalCase{"n BETWEEN :n3 AND :n10", true}, EvalCase{"n BETWEEN :n AND :n", true},
        EvalCase{"n BETWEEN :n5_0 AND :n10", true}, EvalCase{"n BETWEEN :one AND :n3", false},
        EvalCase{"n2 BETWEEN :n3 AND :n", false}, EvalCase{"s BETWEEN :a AND :z", true},
        EvalCase{"s BETWEEN :sa AND :s", true}, EvalCase{"s BETWEEN :s2 AND :z", false},
        EvalCase{"b BETWEEN :b1 AND :b", true}, EvalCase{"s BETWEEN :one AND :n10", false},
        EvalCase{"absent BETWEEN :one AND :n10", false}, EvalCase{"n BETWEEN n2 AND :n10", false},
        EvalCase{"n BETWEEN :one AND n2", true}, EvalCase{"s IN (:a, :s)", true},
        EvalCase{"n IN (:n5_0)", true}, EvalCase{"s IN (:a, :z)", false},
        EvalCase{"absent IN (:s)", false}, EvalCase{"s IN (s2, :a)", false},
        EvalCase{"s IN (:n, m.str, :s)", true}, EvalCase{"ss IN (:ss_ba)", true},
        EvalCase{":s IN (s2, s)", true}));

INSTANTIATE_TEST_SUITE_P(
    Functions, ConditionEvalTest,
    ::testing::Values(
        EvalCase{"attribute_exists(s)", true}, EvalCase{"attribute_exists(absent)", false},
        EvalCase{"attribute_exists(m.nest.deep)", true},
        EvalCase{"attribute_exists(m.nest.nope)", false},
        EvalCase{"attribute_exists(l[2].k)", true}, EvalCase{"attribute_exists(l[3])", false},
        EvalCase{"attribute_exists(nul)", true}, EvalCase{"attribute_not_exists(absent)", true},
        EvalCase{"attribute_not_exists(s)", false}, EvalCase{"attribute_type(s, :tS)", true},
        EvalCase{"attribute_type(n, :tS)", false}, EvalCase{"attribute_type(n, :tN)", true},
        EvalCase{"attribute_type(ss, :tSS)", true}, EvalCase{"attribute_type(nul, :tNULL)", true},
        EvalCase{"attribute_type(t, :tBOOL)", true}, EvalCase{"attribute_type(m, :tM)", true},
        EvalCase{"attribute_type(l, :tL)", true}, EvalCase{"attribute_type(absent, :tS)", false},
        EvalCase{"begins_with(s, :sa)", true}, EvalCase{"begins_with(s, :s)", true},
        EvalCase{"begins_with(s, :s2)", false}, EvalCase{"begins_with(b, :bp)", true},
        EvalCase{"begins_with(b, :sa)", false}, EvalCase{"begins_with(n, :sa)", false},
        EvalCase{"begins_with(absent, :sa)", false}, EvalCase{"begins_with(m.str, :hel)", true},
        EvalCase{"begins_with(s, s2)", false}, EvalCase{"contains(s, :bc)", true},
        EvalCase{"contains(s, :x)", false}, EvalCase{"contains(ss, :a)", true},
        EvalCase{"contains(ss, :z)", false}, EvalCase{"contains(ns, :twofive)", true},
        EvalCase{"contains(ns, :n3)", false}, EvalCase{"contains(ns, :sa)", false},
        EvalCase{"contains(bs, :b1)", true}, EvalCase{"contains(l, :x)", true},
        EvalCase{"contains(l, :one)", true}, EvalCase{"contains(l, :m)", true},
        EvalCase{"contains(l, :s)", false}, EvalCase{"contains(b, :bp)", true},
        EvalCase{"contains(n, :n)", false}, EvalCase{"contains(m, :s)", false},
        EvalCase{"contains(absent, :x)", false}, EvalCase{"contains(ss, s)", false},
        EvalCase{"contains(s, absent)", false}, EvalCase{"contains(:s, :bc)", true},
        EvalCase{"size(s) = :three", true}, EvalCase{"size(utf) = :two", true},
        EvalCase{"size(b) = :three", true}, EvalCase{"size(l) = :three", true},
        EvalCase{"size(m) = :two", true}, EvalCase{"size(ss) = :two", true},
        EvalCase{"size(ns) = :two", true}, EvalCase{"size(bs) = :two", true},
        EvalCase{"size(empty_l) = :zero", true}, EvalCase{"size(l) > :n", false},
        EvalCase{"size(n) = :one", false}, EvalCase{"size(t) = :one", false},
        EvalCase{"size(absent) < :n10", false}, EvalCase{"size(:s) = :three", true},
        EvalCase{"size(s) BETWEEN :one AND :n3", true}, EvalCase{"size(s) IN (:one, :n3)", true},
        EvalCase{"size(s) = size(l)", true}, EvalCase{"size(m.nest) = :one", true}));

INSTANTIATE_TEST_SUITE_P(
    Precedence, ConditionEvalTest,
    ::testing::Values(
        // OR binds loosest, then AND, then NOT.
        EvalCase{"s = :s OR n = :n10 AND t = :f", true},
        EvalCase{"(s = :s OR n = :n10) AND t = :f", false},
        EvalCase{"n = :n10 AND t = :f OR s = :s", true},
        EvalCase{"n = :n10 AND (t = :f OR s = :s)", false},
        EvalCase{"NOT s = :s2 AND n = :n", true}, EvalCase{"NOT (s = :s AND n = :n10)", true},
        EvalCase{"NOT s = :s OR n = :n", true}, EvalCase{"NOT (s = :s OR n = :n)", false},
        EvalCase{"NOT NOT s = :s", true}, EvalCase{"not attribute_exists(absent)", true},
        EvalCase{"s = :s2 OR s = :a OR n = :n", true},
        EvalCase{"s = :s AND n = :n AND t = :t", true},
        EvalCase{"s = :s AND n = :n AND t = :f", false},
        EvalCase{"s = :s2 AND absent = :x OR NOT attribute_exists(absent)", true},
        EvalCase{"(s = :s2 OR n = :n) AND (t = :t AND (begins_with(s, :sa)))", true}));

TEST(ConditionEvalTest, MissingItem) {
  const dynamo::ExpressionValues& v = EvalValues();
  EXPECT_TRUE(Holds("attribute_not_exists(a)", nullptr, v));
  EXPECT_FALSE(Holds("attribute_exists(a)", nullptr, v));
  EXPECT_TRUE(Holds("a <> :s", nullptr, v));
  EXPECT_FALSE(Holds("a = :s", nullptr, v));
  EXPECT_TRUE(Holds("NOT a = :s", nullptr, v));
  EXPECT_FALSE(Holds("size(a) >= :zero", nullptr, v));
  EXPECT_TRUE(Holds("size(:s) = :three", nullptr, v));
  Item empty;
  EXPECT_TRUE(Holds("attribute_not_exists(a)", &empty, v));
}

TEST(ConditionEvalTest, LongChainsOfAndAndOr) {
  std::string all = "s = :s";
  std::string any = "s = :a";
  for (int i = 0; i < 300; ++i) {
    all += " AND n = :n";
    any += " OR s = :z";
  }
  EXPECT_TRUE(Holds(all, &TestItem(), EvalValues()));
  EXPECT_FALSE(Holds(all + " AND t = :f", &TestItem(), EvalValues()));
  EXPECT_FALSE(Holds(any, &TestItem(), EvalValues()));
  EXPECT_TRUE(Holds(any + " OR n = :n", &TestItem(), EvalValues()));
}

TEST(ConditionEvalTest, ConditionOutlivesItsAstButNotItsValues) {
  dynamo::ExpressionValues values{{":v", N("1")}};
  dynamo::ExpressionNames names;
  ExpressionResolver resolver(names, values);
  std::unique_ptr<Condition> cond;
  {
    ExpressionCache cache;
    auto ast = cache.ParseCondition("a = :v", "FilterExpression");
    ASSERT_TRUE(ast.ok());
    auto resolved = resolver.ResolveCondition(**ast);
    ASSERT_TRUE(resolved.ok());
    cond = std::move(resolved).value();
  }
  Item item{{"a", N("1.0")}};
  EXPECT_TRUE(cond->Evaluate(&item));
}

// ---------------------------------------------------------------- key conditions

struct KeyCase {
  std::string text;
  std::string hash_key;  // empty: the schema-less overload
  std::string range_key;
  std::string expected;  // "pk=... [sk OP ...]" or the error message
};

void PrintTo(const KeyCase& c, std::ostream* os) { *os << c.text; }

std::string OpName(KeyCondition::Op op) {
  switch (op) {
    case KeyCondition::Op::kEq:
      return "=";
    case KeyCondition::Op::kLt:
      return "<";
    case KeyCondition::Op::kLe:
      return "<=";
    case KeyCondition::Op::kGt:
      return ">";
    case KeyCondition::Op::kGe:
      return ">=";
    case KeyCondition::Op::kBetween:
      return "BETWEEN";
    case KeyCondition::Op::kBeginsWith:
      return "begins_with";
  }
  return "?";
}

// Renders a KeyCondition compactly: `pk={"S":"p"} sk>{"N":"2"}`.
std::string Render(const KeyCondition& kc) {
  std::string out = kc.hash_attribute;
  out += '=';
  out += kc.hash_value.DebugString();
  if (kc.range) {
    out += ' ';
    out += kc.range->attribute;
    out += OpName(kc.range->op);
    out += kc.range->value.DebugString();
    if (kc.range->op == KeyCondition::Op::kBetween) {
      out += ',';
      out += kc.range->value2.DebugString();
    }
  }
  return out;
}

class KeyConditionTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(KeyConditionTest, Resolves) {
  const KeyCase& c = GetParam();
  dynamo::ExpressionNames names{{"#pk", "pk"}, {"#sk", "sk"}};
  dynamo::ExpressionValues values{
      {":a", S("p")}, {":b", N("2")}, {":c", N("9")}, {":s", S("pre")}, {":tS", S("S")}};
  SaveExpressionSeed("KeyConditionExpression", c.text);
  ExpressionCache cache;
  auto ast = cache.ParseCondition(c.text, "KeyConditionExpression");
  ASSERT_TRUE(ast.ok()) << ast.status().message();
  ExpressionResolver resolver(names, values);
  Result<KeyCondition> kc = c.hash_key.empty()
                                ? resolver.ResolveKeyCondition(**ast)
                                : resolver.ResolveKeyCondition(**ast, c.hash_key, c.range_key);
  EXPECT_EQ(kc.ok() ? Render(*kc) : kc.status().message(), c.expected);
}

const std::string kP = "pk={\"S\":\"p\"}";

INSTANTIATE_TEST_SUITE_P(
    Valid, KeyConditionTest,
    ::testing::Values(KeyCase{"pk = :a", "", "", kP}, KeyCase{":a = pk", "", "", kP},
                      KeyCase{"#pk = :a", "", "", kP},
                      KeyCase{"pk = :a AND sk > :b", "", "", kP + " sk>{\"N\":\"2\"}"},
                      KeyCase{"sk < :b AND pk = :a", "", "", kP + " sk<{\"N\":\"2\"}"},
                      KeyCase{":b > sk and pk = :a", "", "", kP + " sk<{\"N\":\"2\"}"},
                      KeyCase{":b <= #sk and :a = #pk", "", "", kP + " sk>={\"N\":\"2\"}"},
                      KeyCase{"pk = :a AND sk >= :b", "", "", kP + " sk>={\"N\":\"2\"}"},
                      KeyCase{"pk = :a AND sk = :b", "", "", kP + " sk={\"N\":\"2\"}"},
                      KeyCase{"pk = :a AND sk BETWEEN :b AND :c", "", "",
                              kP + " skBETWEEN{\"N\":\"2\"},{\"N\":\"9\"}"},
                      KeyCase{"pk = :a AND begins_with(sk, :s)", "", "",
                              kP + " skbegins_with{\"S\":\"pre\"}"},
                      KeyCase{"(pk = :a) AND (sk <= :b)", "", "", kP + " sk<={\"N\":\"2\"}"},
                      // With the schema, the partition key is known even when both are equalities.
                      KeyCase{"sk = :b AND pk = :a", "pk", "sk", kP + " sk={\"N\":\"2\"}"},
                      KeyCase{"pk = :a", "pk", "", kP}, KeyCase{"pk = :a", "pk", "sk", kP}));

INSTANTIATE_TEST_SUITE_P(
    Rejected, KeyConditionTest,
    ::testing::Values(
        KeyCase{"pk = :a OR sk = :b", "", "",
                "Invalid operator used in KeyConditionExpression: OR"},
        KeyCase{"pk = :a AND sk > :b OR sk < :c", "", "",
                "Invalid operator used in KeyConditionExpression: OR"},
        KeyCase{"NOT pk = :a", "", "", "Invalid operator used in KeyConditionExpression: NOT"},
        KeyCase{"pk IN (:a)", "", "", "Invalid operator used in KeyConditionExpression: IN"},
        KeyCase{"pk <> :a", "", "", "Invalid operator used in KeyConditionExpression: <>"},
        KeyCase{"attribute_exists(pk)", "", "",
                "Invalid operator used in KeyConditionExpression: attribute_exists"},
        KeyCase{"attribute_not_exists(pk)", "", "",
                "Invalid operator used in KeyConditionExpression: attribute_not_exists"},
        KeyCase{"attribute_type(pk, :tS)", "", "",
                "Invalid operator used in KeyConditionExpression: attribute_type"},
        KeyCase{"pk = :a AND contains(sk, :b)", "", "",
                "Invalid operator used in KeyConditionExpression: contains"},
        KeyCase{"size(pk) = :b", "", "",
                "KeyConditionExpressions cannot contain nested operations"},
        KeyCase{"pk = :a AND sk > size(x)", "", "",
                "KeyConditionExpressions cannot contain nested operations"},
        KeyCase{":b BETWEEN sk AND :c", "", "",
                "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
                "attribute as its first operand"},
        KeyCase{"begins_with(:s, sk) AND pk = :a", "", "",
                "Invalid condition in KeyConditionExpression: begins_with operator must have the "
                "key attribute as its first operand"},
        KeyCase{"pk = sk", "", "",
                "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                "one condition"},
        KeyCase{"begins_with(pk, sk)", "", "",
                "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                "one condition"},
        KeyCase{"pk.x = :a", "", "",
                "KeyConditionExpressions cannot have conditions on nested attributes"},
        KeyCase{"pk[0] = :a", "", "",
                "KeyConditionExpressions cannot have conditions on nested attributes"},
        KeyCase{":a = :b", "", "",
                "Invalid condition in KeyConditionExpression: No key attribute specified"},
        KeyCase{"pk = :a AND #pk = :b", "", "",
                "KeyConditionExpressions must only contain one condition per key"},
        KeyCase{"pk = :a AND sk = :b AND x = :c", "", "",
                "Conditions can be of length 1 or 2 only"},
        KeyCase{"pk > :a", "", "", "Query key condition not supported"},
        KeyCase{"pk > :a AND sk < :b", "", "", "Query key condition not supported"},
        KeyCase{"pk = :undefined", "", "",
                "Invalid KeyConditionExpression: An expression attribute value used in expression "
                "is not defined; attribute value: :undefined"},
        KeyCase{"pk = :a AND sk BETWEEN :c AND :b", "", "",
                "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                "greater than or equal to lower bound; lower bound operand: AttributeValue: {N:9}, "
                "upper bound operand: AttributeValue: {N:2}"},
        KeyCase{"sk = :b", "pk", "sk", "Query condition missed key schema element: pk"},
        KeyCase{"pk = :a AND gone = :b", "pk", "sk",
                "Query condition missed key schema element: sk"},
        KeyCase{"pk = :a AND sk = :b", "pk", "", "Query key condition not supported"},
        KeyCase{"pk > :a", "pk", "sk", "Query key condition not supported"},
        // An index keyed the gone way round.
        KeyCase{"pk = :a AND sk = :b", "sk", "pk", "sk={\"N\":\"2\"} pk={\"S\":\"p\"}"}));

// ---------------------------------------------------------------- projections

struct ProjectionCase {
  std::string text;
  Item expected;
};

void PrintTo(const ProjectionCase& c, std::ostream* os) { *os << c.text; }

const Item& ProjectionSource() {
  static const Item* item = new Item{
      {"a", S("A")},
      {"n", N("1")},
      {"b", M({{"c", N("2")}, {"d", L({S("d0"), S("d1")})}, {"e", S("E")}})},
      {"l", L({S("l0"), M({{"x", N("1")}, {"y", N("2")}}), S("l2"), S("l3")})},
  };
  return *item;
}

class ProjectionTest : public ::testing::TestWithParam<ProjectionCase> {};

TEST_P(ProjectionTest, KeepsNestedStructure) {
  dynamo::ExpressionNames names;
  dynamo::ExpressionValues values;
  SaveExpressionSeed("ProjectionExpression", GetParam().text);
  ExpressionCache cache;
  auto ast = cache.ParseProjection(GetParam().text);
  ASSERT_TRUE(ast.ok()) << ast.status().message();
  ExpressionResolver resolver(names, values);
  auto paths = resolver.ResolveProjection(**ast);
  ASSERT_TRUE(paths.ok()) << paths.status().message();
  Item got = ApplyProjection(ProjectionSource(), *paths);
  EXPECT_EQ(got, GetParam().expected) << dynamo::ItemDebugString(got);
  // Without the prebuilt tree (paths filled in by hand) the result is the same.
  ProjectionPaths bare;
  bare.paths = paths->paths;
  EXPECT_EQ(ApplyProjection(ProjectionSource(), bare), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    All, ProjectionTest,
    ::testing::Values(
        ProjectionCase{"a", {{"a", S("A")}}},
        ProjectionCase{"a, n, absent", {{"a", S("A")}, {"n", N("1")}}},
        ProjectionCase{"b.c", {{"b", M({{"c", N("2")}})}}},
        ProjectionCase{"b.e, b.c", {{"b", M({{"c", N("2")}, {"e", S("E")}})}}},
        ProjectionCase{"b.d[1]", {{"b", M({{"d", L({S("d1")})}})}}},
        ProjectionCase{"l[1].x", {{"l", L({M({{"x", N("1")}})})}}},
        ProjectionCase{"l[1].x, l[1].y", {{"l", L({M({{"x", N("1")}, {"y", N("2")}})})}}},
        ProjectionCase{"l[3], l[0]", {{"l", L({S("l0"), S("l3")})}}},
        ProjectionCase{"l[9], l[2]", {{"l", L({S("l2")})}}}, ProjectionCase{"l[9]", {}},
        ProjectionCase{"b.absent", {}}, ProjectionCase{"a.b", {}}, ProjectionCase{"l[0].x", {}},
        ProjectionCase{"b[0]", {}},
        ProjectionCase{"l[1], a", {{"a", S("A")}, {"l", L({M({{"x", N("1")}, {"y", N("2")}})})}}}));

}  // namespace
}  // namespace issuetracker::engine
