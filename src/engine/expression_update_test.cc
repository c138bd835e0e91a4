// UpdateExpression: parsing, static checks and application, table-driven.
#include <gtest/gtest.h>

#include <string>

#include "engine/expression.h"
#include "engine/expression_test_util.h"

namespace issuetracker::engine {
namespace {

using namespace ::issuetracker::engine::testing;  // NOLINT: test helpers

const std::string kBig = "9.9999999999999999999999999999999999999E+125";

const dynamo::ExpressionValues& UpdateValues() {
  static const dynamo::ExpressionValues* values = new dynamo::ExpressionValues{
      {":s", S("x")},
      {":s2", S("y")},
      {":n", N("5")},
      {":one", N("1")},
      {":two", N("2")},
      {":p1", N("0.1")},
      {":p2", N("0.2")},
      {":big", N(kBig)},
      {":ss", SS({"c", "d"})},
      {":ss_b", SS({"b"})},
      {":ss_ab", SS({"a", "b"})},
      {":ss1", SS({"a"})},
      {":ns", NS({"1", "2"})},
      {":bs", BS({"\x01"})},
      {":l", L({N("9")})},
      {":empty_l", L({})},
      {":m", M({{"k", S("v")}})},
      {":null", Null()},
      {":bool", Bool(true)},
      {":b", B("\x01")},
  };
  return *values;
}

const dynamo::ExpressionNames& UpdateNames() {
  static const dynamo::ExpressionNames* names =
      new dynamo::ExpressionNames{{"#a", "a"}, {"#c", "c"}, {"#d", "[3]"}, {"#dot", "x.y"}};
  return *names;
}

// Parses, resolves and applies `text` to `*item`; "OK" or the error message.
std::string ApplyUpdate(std::string_view text, Item* item) {
  SaveExpressionSeed("UpdateExpression", text);
  ExpressionCache cache;
  auto ast = cache.ParseUpdate(text);
  if (!ast.ok()) return Message(ast.status());
  ExpressionResolver resolver(UpdateNames(), UpdateValues());
  auto update = resolver.ResolveUpdate(**ast);
  if (!update.ok()) return Message(update.status());
  return Message((*update)->Apply(item));
}

struct UpdateCase {
  std::string text;
  Item before;
  Item after;
};

void PrintTo(const UpdateCase& c, std::ostream* os) { *os << c.text; }

class UpdateApplyTest : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateApplyTest, Applies) {
  Item item = GetParam().before;
  ASSERT_EQ(ApplyUpdate(GetParam().text, &item), "OK");
  EXPECT_EQ(item, GetParam().after) << dynamo::ItemDebugString(item);
}

INSTANTIATE_TEST_SUITE_P(
    Set, UpdateApplyTest,
    ::testing::Values(
        UpdateCase{"SET a = :s", {}, {{"a", S("x")}}},
        UpdateCase{"set a = :s", {{"a", N("1")}}, {{"a", S("x")}}},
        UpdateCase{"SET #a = :s, #dot = :n", {}, {{"a", S("x")}, {"x.y", N("5")}}},
        UpdateCase{"SET a.b = :s", {{"a", M({})}}, {{"a", M({{"b", S("x")}})}}},
        UpdateCase{"SET a.b.c = :s",
                   {{"a", M({{"b", M({{"d", N("1")}})}})}},
                   {{"a", M({{"b", M({{"c", S("x")}, {"d", N("1")}})}})}}},
        UpdateCase{"SET a = b", {{"b", N("5")}}, {{"a", N("5")}, {"b", N("5")}}},
        UpdateCase{
            "SET a = b, b = a", {{"a", N("1")}, {"b", N("2")}}, {{"a", N("2")}, {"b", N("1")}}},
        UpdateCase{"SET a = a + :one", {{"a", N("5")}}, {{"a", N("6")}}},
        UpdateCase{"SET a = :p1 + :p2", {}, {{"a", N("0.3")}}},
        UpdateCase{"SET a = a - :n", {{"a", N("1")}}, {{"a", N("-4")}}},
        UpdateCase{"SET a = (a + :one)", {{"a", N("5")}}, {{"a", N("6")}}},
        UpdateCase{"SET a = (a) + :one", {{"a", N("5")}}, {{"a", N("6")}}},
        UpdateCase{"SET a = if_not_exists(a, :n)", {}, {{"a", N("5")}}},
        UpdateCase{"SET a = if_not_exists(a, :n)", {{"a", N("1")}}, {{"a", N("1")}}},
        UpdateCase{"SET a = if_not_exists(b, :n) + :one", {}, {{"a", N("6")}}},
        UpdateCase{"SET a = if_not_exists(b, a)", {{"a", N("1")}}, {{"a", N("1")}}},
        UpdateCase{
            "SET l = list_append(l, :l)", {{"l", L({N("1")})}}, {{"l", L({N("1"), N("9")})}}},
        UpdateCase{
            "SET l = list_append(:l, l)", {{"l", L({N("1")})}}, {{"l", L({N("9"), N("1")})}}},
        UpdateCase{"SET l = list_append(if_not_exists(l, :empty_l), :l)", {}, {{"l", L({N("9")})}}},
        UpdateCase{"SET l[1] = :s",
                   {{"l", L({S("a"), S("b"), S("c")})}},
                   {{"l", L({S("a"), S("x"), S("c")})}}},
        // Past the end appends, in index order.
        UpdateCase{"SET l[10] = :s", {{"l", L({S("a")})}}, {{"l", L({S("a"), S("x")})}}},
        UpdateCase{"SET l[5] = :s, l[3] = :s2",
                   {{"l", L({S("a")})}},
                   {{"l", L({S("a"), S("y"), S("x")})}}},
        UpdateCase{"SET l[0].k = :s",
                   {{"l", L({M({{"k", S("old")}})})}},
                   {{"l", L({M({{"k", S("x")}})})}}},
        UpdateCase{"SET m = :m, s = :ss", {}, {{"m", M({{"k", S("v")}})}, {"s", SS({"c", "d"})}}},
        // The nested-update example of DynamoDB's behaviour (values from the old item;
        // list appends in index order).
        UpdateCase{"set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] "
                   ":ss1, c[6] :two",
                   {{"a", S("key")},
                    {"b", M({{"a", N("1")}, {"b", N("2")}, {"c", N("3")}})},
                    {"c", L({N("1"), N("3")})}},
                   {{"a", S("key")},
                    {"b", M({{"a", S("key")}, {"b", N("2")}, {"c", N("4")}})},
                    {"c", L({N("1"), S("key"), N("3"), N("-1"), N("2"), SS({"a"})})}}}));

INSTANTIATE_TEST_SUITE_P(
    Remove, UpdateApplyTest,
    ::testing::Values(
        UpdateCase{"REMOVE a", {{"a", N("1")}, {"b", N("2")}}, {{"b", N("2")}}},
        UpdateCase{"REMOVE a", {}, {}},
        UpdateCase{"REMOVE a, b", {{"a", N("1")}, {"b", N("2")}}, {}},
        UpdateCase{
            "REMOVE a.b", {{"a", M({{"b", N("1")}, {"c", N("2")}})}}, {{"a", M({{"c", N("2")}})}}},
        UpdateCase{"REMOVE a.b", {{"a", M({})}}, {{"a", M({})}}},
        UpdateCase{
            "REMOVE l[1]", {{"l", L({S("a"), S("b"), S("c")})}}, {{"l", L({S("a"), S("c")})}}},
        // Indexes name the original positions.
        UpdateCase{"REMOVE l[0], l[2]",
                   {{"l", L({S("a"), S("b"), S("c"), S("d")})}},
                   {{"l", L({S("b"), S("d")})}}},
        UpdateCase{"REMOVE l[2], l[0]",
                   {{"l", L({S("a"), S("b"), S("c"), S("d")})}},
                   {{"l", L({S("b"), S("d")})}}},
        UpdateCase{"REMOVE l[9]", {{"l", L({S("a")})}}, {{"l", L({S("a")})}}},
        UpdateCase{"REMOVE l[0][1], l[1]",
                   {{"l", L({L({S("x"), S("y"), S("z")}), S("q"), S("r")})}},
                   {{"l", L({L({S("x"), S("z")}), S("r")})}}},
        UpdateCase{"REMOVE l[0] SET l[1] = :s",
                   {{"l", L({S("a"), S("b"), S("c")})}},
                   {{"l", L({S("x"), S("c")})}}},
        UpdateCase{"REMOVE l[0] SET l[1].k = :s",
                   {{"l", L({S("a"), M({{"k", S("old")}})})}},
                   {{"l", L({M({{"k", S("x")}})})}}},
        UpdateCase{"REMOVE a, b SET c = a", {{"a", N("1")}, {"b", N("2")}}, {{"c", N("1")}}}));

INSTANTIATE_TEST_SUITE_P(
    AddDelete, UpdateApplyTest,
    ::testing::Values(
        UpdateCase{"ADD n :n", {}, {{"n", N("5")}}},
        UpdateCase{"ADD n :n", {{"n", N("1")}}, {{"n", N("6")}}},
        UpdateCase{"ADD n :p2", {{"n", N("0.1")}}, {{"n", N("0.3")}}},
        UpdateCase{"add n :one, m :two", {{"n", N("-1")}}, {{"n", N("0")}, {"m", N("2")}}},
        UpdateCase{"ADD s :ss", {{"s", SS({"a", "b"})}}, {{"s", SS({"a", "b", "c", "d"})}}},
        UpdateCase{"ADD s :ss_b", {{"s", SS({"a", "b"})}}, {{"s", SS({"a", "b"})}}},
        UpdateCase{"ADD s :ss", {}, {{"s", SS({"c", "d"})}}},
        UpdateCase{"ADD m.n :one", {{"m", M({})}}, {{"m", M({{"n", N("1")}})}}},
        UpdateCase{"ADD ns :ns", {{"ns", NS({"2", "3"})}}, {{"ns", NS({"1", "2", "3"})}}},
        UpdateCase{"ADD ns :ns", {{"ns", NS({"2.0"})}}, {{"ns", NS({"1", "2"})}}},
        UpdateCase{"ADD bs :bs", {{"bs", BS({"\x02"})}}, {{"bs", BS({"\x01", "\x02"})}}},
        UpdateCase{"ADD l[3] :one", {{"l", L({S("a")})}}, {{"l", L({S("a"), N("1")})}}},
        UpdateCase{"DELETE s :ss_b", {{"s", SS({"a", "b"})}}, {{"s", SS({"a"})}}},
        // A set emptied by DELETE is removed.
        UpdateCase{"DELETE s :ss_ab", {{"s", SS({"a", "b"})}, {"t", N("1")}}, {{"t", N("1")}}},
        UpdateCase{"DELETE s :ss", {}, {}},
        UpdateCase{"DELETE s :ss", {{"s", SS({"a", "b"})}}, {{"s", SS({"a", "b"})}}},
        UpdateCase{"DELETE ns :ns", {{"ns", NS({"1", "2", "3"})}}, {{"ns", NS({"3"})}}},
        UpdateCase{"DELETE ns :ns", {{"ns", NS({"1.0", "3"})}}, {{"ns", NS({"3"})}}},
        UpdateCase{"DELETE bs :bs", {{"bs", BS({"\x01", "\x02"})}}, {{"bs", BS({"\x02"})}}},
        UpdateCase{"DELETE m.s :ss_b", {{"m", M({{"s", SS({"b"})}})}}, {{"m", M({})}}},
        UpdateCase{"SET a = :s REMOVE b ADD c :one DELETE d :ss_b",
                   {{"b", N("1")}, {"d", SS({"b", "z"})}},
                   {{"a", S("x")}, {"c", N("1")}, {"d", SS({"z"})}}},
        UpdateCase{"DELETE d :ss_b ADD c :one REMOVE b SET a = :s",
                   {{"b", N("1")}, {"d", SS({"b", "z"})}},
                   {{"a", S("x")}, {"c", N("1")}, {"d", SS({"z"})}}}));

// ---------------------------------------------------------------- errors

struct UpdateErrorCase {
  std::string text;
  Item before;
  std::string error;
};

void PrintTo(const UpdateErrorCase& c, std::ostream* os) { *os << c.text; }

class UpdateErrorTest : public ::testing::TestWithParam<UpdateErrorCase> {};

TEST_P(UpdateErrorTest, Rejects) {
  Item item = GetParam().before;
  EXPECT_EQ(ApplyUpdate(GetParam().text, &item), GetParam().error);
  EXPECT_EQ(item, GetParam().before) << "a failed update must leave the item alone";
}

const std::string kPathError =
    "The document path provided in the update expression is invalid for update";
const std::string kTypeError = "An operand in the update expression has an incorrect data type";
const std::string kMissing =
    "The provided expression refers to an attribute that does not exist in the item";

INSTANTIATE_TEST_SUITE_P(
    OnItem, UpdateErrorTest,
    ::testing::Values(UpdateErrorCase{"SET a.b = :s", {}, kPathError},
                      UpdateErrorCase{"SET a.b = :s", {{"a", S("q")}}, kPathError},
                      UpdateErrorCase{"SET a[0] = :s", {{"a", M({})}}, kPathError},
                      UpdateErrorCase{"SET a.b = :s", {{"a", L({})}}, kPathError},
                      UpdateErrorCase{"SET l[1].k = :s", {{"l", L({S("a")})}}, kPathError},
                      UpdateErrorCase{"REMOVE a.b", {}, kPathError},
                      UpdateErrorCase{"REMOVE a[0]", {{"a", M({})}}, kPathError},
                      UpdateErrorCase{"ADD a.b :one", {{"a", N("1")}}, kPathError},
                      UpdateErrorCase{"DELETE a.b :ss", {}, kPathError},
                      UpdateErrorCase{"SET a = b", {}, kMissing},
                      UpdateErrorCase{"SET a = b + :one", {}, kMissing},
                      UpdateErrorCase{"SET a = :one - b.c", {{"b", M({})}}, kMissing},
                      UpdateErrorCase{"SET a = list_append(b, :l)", {}, kMissing},
                      UpdateErrorCase{"SET a = b + :one", {{"b", S("q")}}, kTypeError},
                      UpdateErrorCase{
                          "SET a = b + c", {{"b", N("1")}, {"c", Bool(true)}}, kTypeError},
                      UpdateErrorCase{"SET a = list_append(b, :l)", {{"b", S("q")}}, kTypeError},
                      UpdateErrorCase{"SET a = list_append(:l, b)", {{"b", M({})}}, kTypeError},
                      UpdateErrorCase{"ADD a :one", {{"a", S("q")}}, kTypeError},
                      UpdateErrorCase{"ADD a :ss", {{"a", NS({"1"})}}, kTypeError},
                      UpdateErrorCase{"ADD a :one", {{"a", SS({"a"})}}, kTypeError},
                      UpdateErrorCase{"ADD a :ss", {{"a", L({})}}, kTypeError},
                      UpdateErrorCase{"DELETE a :ss", {{"a", NS({"1"})}}, kTypeError},
                      UpdateErrorCase{"DELETE a :ss", {{"a", S("q")}}, kTypeError},
                      // DynamoDB's order: a parent of the wrong type, then operand types, then
                      // missing parents and attributes.
                      UpdateErrorCase{"SET c = d, a.b = :s", {{"a", S("q")}}, kPathError},
                      UpdateErrorCase{"SET a.b = :s, c = e + :one", {{"e", S("q")}}, kTypeError},
                      UpdateErrorCase{"SET c = d, a.b = :s", {}, kPathError}));

TEST(UpdateNumberTest, ArithmeticIsExactAndOverflowIsReported) {
  Item item{{"a", N("0.1")}};
  ASSERT_EQ(ApplyUpdate("SET a = a + :p2, b = :p2 - :p1", &item), "OK");
  EXPECT_EQ(item, (Item{{"a", N("0.3")}, {"b", N("0.1")}}));
  EXPECT_EQ(item.at("a").n().ToString(), "0.3");

  Status overflow = N(kBig).n().Add(N(kBig).n()).status();
  ASSERT_FALSE(overflow.ok());
  Item before{{"a", N(kBig)}};
  item = before;
  EXPECT_EQ(ApplyUpdate("SET b = :big + :big", &item), overflow.message());
  EXPECT_EQ(ApplyUpdate("ADD a :big", &item), overflow.message());
  EXPECT_EQ(ApplyUpdate("SET b = a + :big", &item), overflow.message());
  EXPECT_EQ(item, before);
}

TEST(UpdatePathsTest, ListsWrittenPathsInOrder) {
  ExpressionCache cache;
  auto ast = cache.ParseUpdate("SET a = :s REMOVE b.c ADD d[1] :n DELETE #dot.z :ss");
  ASSERT_TRUE(ast.ok());
  ExpressionResolver resolver(UpdateNames(), UpdateValues());
  auto update = resolver.ResolveUpdate(**ast);
  ASSERT_TRUE(update.ok()) << update.status().message();
  std::vector<std::string> got;
  for (const Path& p : (*update)->Paths()) got.push_back(PathToString(p));
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b.c", "d[1]", "x.y.z"}));
}

// ---------------------------------------------------------------- static errors

struct StaticCase {
  std::string text;
  std::string error;
};

void PrintTo(const StaticCase& c, std::ostream* os) { *os << c.text; }

class UpdateStaticTest : public ::testing::TestWithParam<StaticCase> {};

TEST_P(UpdateStaticTest, Rejects) {
  Item item;
  std::string got = ApplyUpdate(GetParam().text, &item);
  if (GetParam().error.back() == ' ') {  // a prefix
    EXPECT_EQ(got.rfind(GetParam().error, 0), 0u) << got;
  } else {
    EXPECT_EQ(got, GetParam().error);
  }
}

const std::string kU = "Invalid UpdateExpression: ";
const std::string kSyntaxPrefix = kU + "Syntax error; ";
const std::string kOperandType =
    kU + "Incorrect operand type for operator or function; operator or function: ";

INSTANTIATE_TEST_SUITE_P(
    Syntax, UpdateStaticTest,
    ::testing::Values(
        StaticCase{"", kU + "The expression can not be empty;"},
        StaticCase{"SET MyStr = myNum + 1", kSyntaxPrefix + "token: \"1\", near: \"+ 1\""},
        StaticCase{"SET MyStr = myNum Mystr2 myNum2",
                   kSyntaxPrefix + "token: \"Mystr2\", near: \"myNum Mystr2 myNum2\""},
        StaticCase{"SET MyStr = my Num", kSyntaxPrefix + "token: \"Num\", near: \"my Num\""},
        StaticCase{"whatever", kSyntaxPrefix}, StaticCase{"set a", kSyntaxPrefix},
        StaticCase{"add a", kSyntaxPrefix}, StaticCase{"delete a", kSyntaxPrefix},
        StaticCase{"set a=set", kSyntaxPrefix}, StaticCase{"remove a = b", kSyntaxPrefix},
        StaticCase{"add a = b", kSyntaxPrefix}, StaticCase{"delete a = b", kSyntaxPrefix},
        StaticCase{"delete a b", kSyntaxPrefix},
        StaticCase{"delete a if_not_exist(b)", kSyntaxPrefix},
        StaticCase{"add abort b", kSyntaxPrefix},
        StaticCase{"add a if_not_exist(b)", kSyntaxPrefix}, StaticCase{"remove a b", kSyntaxPrefix},
        StaticCase{"set a b", kSyntaxPrefix}, StaticCase{"set :a = b", kSyntaxPrefix},
        StaticCase{"add :a b", kSyntaxPrefix}, StaticCase{"delete :a b", kSyntaxPrefix},
        StaticCase{"remove :a", kSyntaxPrefix}, StaticCase{"set a = b / c", kSyntaxPrefix},
        StaticCase{"set a = b * c", kSyntaxPrefix},
        StaticCase{"set a[1] = \"eight\"", kSyntaxPrefix},
        StaticCase{"set a[1] = 1", kSyntaxPrefix},
        StaticCase{"SET a = if_not_exist(a, 100)", kSyntaxPrefix},
        StaticCase{"SET if_not_exist(a, b) = a", kSyntaxPrefix},
        StaticCase{"set (a = (b + c))", kSyntaxPrefix},
        StaticCase{"set a = (b.c).d + e", kSyntaxPrefix},
        StaticCase{"set a = (b.c)[0] + e", kSyntaxPrefix},
        StaticCase{"set a = b + c + d", kSyntaxPrefix}, StaticCase{"SET a = :s,", kSyntaxPrefix},
        StaticCase{"SET a = :s REMOVE", kSyntaxPrefix},
        StaticCase{"SET a = ((b))", kU + "The expression has redundant parentheses;"}));

INSTANTIATE_TEST_SUITE_P(
    TextAndResolve, UpdateStaticTest,
    ::testing::Values(
        StaticCase{" set #c = :s set abOrt = :s ",
                   kU + "Attribute name is a reserved keyword; reserved keyword: abOrt"},
        StaticCase{" remove Absolute ",
                   kU + "Attribute name is a reserved keyword; reserved keyword: Absolute"},
        StaticCase{"set a = #c set c = :s",
                   kU + "The \"SET\" section can only be used once in an update expression;"},
        StaticCase{"remove #a set b = :s remove c",
                   kU + "The \"REMOVE\" section can only be used once in an update expression;"},
        StaticCase{"add #a :n set b = :s add c :n",
                   kU + "The \"ADD\" section can only be used once in an update expression;"},
        StaticCase{"delete #a :ss set b = :s delete c :ss",
                   kU + "The \"DELETE\" section can only be used once in an update expression;"},
        StaticCase{"set #c = if_not_exist(:s) set c = d",
                   kU + "Invalid function name; function: if_not_exist"},
        StaticCase{"SET a = size(b)",
                   kU + "The function is not allowed in an update expression; function: size"},
        StaticCase{"SET a = attribute_exists(b)",
                   kU + "The function is not allowed in an update expression; function: "
                        "attribute_exists"},
        StaticCase{"SET #x = :s",
                   kU + "An expression attribute name used in the document path is not "
                        "defined; attribute name: #x"},
        StaticCase{"SET a = :undefined",
                   kU + "An expression attribute value used in expression is not defined; "
                        "attribute value: :undefined"},
        StaticCase{"SET a = if_not_exists(c)",
                   kU + "Incorrect number of operands for operator or function; operator or "
                        "function: if_not_exists, number of operands: 1"},
        StaticCase{"SET a = list_append(c)",
                   kU + "Incorrect number of operands for operator or function; operator or "
                        "function: list_append, number of operands: 1"},
        StaticCase{"SET a = if_not_exists(:s, c)",
                   kU + "Operator or function requires a document path; operator or function: "
                        "if_not_exists"},
        StaticCase{"SET a = if_not_exists(if_not_exists(a, b), c)",
                   kU + "Operator or function requires a document path; operator or function: "
                        "if_not_exists"},
        StaticCase{"SET a = if_not_exists(b, b)",
                   kU + "The first operand must be distinct from the remaining operands for this "
                        "operator or function; operator: if_not_exists, first operand: [b]"},
        StaticCase{"SET a = list_append(:s, a)", kOperandType + "list_append, operand type: S"},
        StaticCase{"SET a = list_append(a, :n)", kOperandType + "list_append, operand type: N"},
        StaticCase{"SET a = list_append(:m, a)", kOperandType + "list_append, operand type: M"},
        StaticCase{"SET a = a + :s", kOperandType + "+, operand type: S"},
        StaticCase{"SET a = :s - a", kOperandType + "-, operand type: S"},
        StaticCase{"SET a = a + :ss", kOperandType + "+, operand type: SS"},
        StaticCase{"SET a = :l - :n", kOperandType + "-, operand type: L"},
        StaticCase{"ADD a :s", kU + "Incorrect operand type for operator or function; operator: "
                                    "ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
        StaticCase{"ADD a :l", kU + "Incorrect operand type for operator or function; operator: "
                                    "ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"},
        StaticCase{"ADD a :m", kU + "Incorrect operand type for operator or function; operator: "
                                    "ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"},
        StaticCase{"ADD a :null",
                   kU + "Incorrect operand type for operator or function; operator: ADD, operand "
                        "type: NULL, typeSet: ALLOWED_FOR_ADD_OPERAND"},
        StaticCase{"ADD a :bool",
                   kU + "Incorrect operand type for operator or function; operator: ADD, operand "
                        "type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND"},
        StaticCase{"ADD a :b", kU + "Incorrect operand type for operator or function; operator: "
                                    "ADD, operand type: BINARY, typeSet: ALLOWED_FOR_ADD_OPERAND"},
        StaticCase{"DELETE a :n",
                   kU + "Incorrect operand type for operator or function; operator: DELETE, "
                        "operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
        StaticCase{"DELETE a :s",
                   kU + "Incorrect operand type for operator or function; operator: DELETE, "
                        "operand type: STRING, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
        StaticCase{"SET a = :s, a = :s2",
                   kU + "Two document paths overlap with each other; must remove or rewrite one "
                        "of these paths; path one: [a], path two: [a]"},
        StaticCase{"SET a.b = :s REMOVE a",
                   kU + "Two document paths overlap with each other; must remove or rewrite one "
                        "of these paths; path one: [a, b], path two: [a]"},
        StaticCase{"ADD #a :n REMOVE a[1]",
                   kU + "Two document paths overlap with each other; must remove or rewrite one "
                        "of these paths; path one: [a], path two: [a, [1]]"},
        // An overlap is reported before an earlier conflict, and before operand checks.
        StaticCase{"set d[1] = :s, d.b = :s, c[1].a = :s, #c = if_not_exists(:s)",
                   kU + "Two document paths overlap with each other; must remove or rewrite one "
                        "of these paths; path one: [c, [1], a], path two: [c]"},
        StaticCase{"set #c[3].#d = :s, #c[3] = :s",
                   kU + "Two document paths overlap with each other; must remove or rewrite one "
                        "of these paths; path one: [c, [3], [3]], path two: [c, [3]]"},
        StaticCase{"set #c[3].#d = :s, #c.#d[3] = :s",
                   kU + "Two document paths conflict with each other; must remove or rewrite one "
                        "of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]"},
        StaticCase{"remove a.#c set a[1] = :s",
                   kU + "Two document paths conflict with each other; must remove or rewrite one "
                        "of these paths; path one: [a, c], path two: [a, [1]]"},
        StaticCase{"SET a.b = :s, a.c = :s, a[0].b = :s",
                   kU + "Two document paths conflict with each other; must remove or rewrite one "
                        "of these paths; path one: [a, b], path two: [a, [0], b]"}));

TEST(UpdateSyntaxTest, AcceptsDynamoDbForms) {
  for (const char* text :
       {"set a = (b + c)", "set a = (b) + c", "SET a = if_not_exists(a, b) + b",
        "set a = ((b.c.d)+(e))", "SET a=:s,b=:s", "SET a = :s REMOVE b ADD c :n DELETE d :ss",
        "ADD c :n,d :n", "REMOVE a, b.c, d[1][2].e", "set a = list_append(b, if_not_exists(c, :l))",
        "  SET\ta\n=\r:s  "}) {
    SaveExpressionSeed("UpdateExpression", text);
    ExpressionCache cache;
    auto ast = cache.ParseUpdate(text);
    EXPECT_TRUE(ast.ok()) << text << ": " << ast.status().message();
  }
}

}  // namespace
}  // namespace issuetracker::engine
