#include "dynamo/partiql/parser.h"

#include <gtest/gtest.h>

#include "common/fuzz_seed.h"
#include "dynamo/partiql/execute.h"
#include "dynamo/partiql/render.h"

namespace issuetracker::dynamo::partiql {
namespace {

Statement MustParse(std::string_view text, const std::vector<AttributeValue>& params = {}) {
  SaveFuzzSeed("partiql", text);
  auto s = Parse(text, params);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? std::move(s).value() : Statement{};
}

std::string ErrorOf(std::string_view text, const std::vector<AttributeValue>& params = {}) {
  SaveFuzzSeed("partiql", text);
  auto s = Parse(text, params);
  EXPECT_FALSE(s.ok()) << text;
  return s.ok() ? "" : s.status().message();
}

std::string Where(const Node& n) {
  Renderer r;
  auto text = r.Render(n);
  return text.ok() ? *text : text.status().message();
}

TEST(PartiqlParserTest, OrderByKeysWithDirections) {
  auto s = std::get<SelectStatement>(
      MustParse(R"(SELECT * FROM T WHERE pk IN ['a', 'b'] ORDER BY pk DESC, "n" asc)"));
  ASSERT_EQ(s.order_by.size(), 2u);
  EXPECT_EQ(s.order_by[0].attribute, "pk");
  EXPECT_TRUE(s.order_by[0].descending);
  EXPECT_EQ(s.order_by[1].attribute, "n");
  EXPECT_FALSE(s.order_by[1].descending);
  EXPECT_TRUE(std::get<SelectStatement>(MustParse("SELECT * FROM T")).order_by.empty());
  EXPECT_NE(ErrorOf("SELECT * FROM T WHERE pk = 1 ORDER pk").find("Expected BY"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT * FROM T WHERE pk = 1 ORDER BY a.b").find("not document paths"),
            std::string::npos);
  ErrorOf("SELECT * FROM T WHERE pk = 1 ORDER BY pk DESC DESC");
}

TEST(PartiqlParserTest, SelectWithProjectionIndexAndWhere) {
  auto s = std::get<SelectStatement>(MustParse(
      R"(SELECT a, "b-c".d[2], e['k'] FROM "Tab"."Idx" WHERE pk = 'x' AND n BETWEEN 1 AND 5)"));
  EXPECT_EQ(s.table, "Tab");
  EXPECT_EQ(*s.index, "Idx");
  ASSERT_EQ(s.projection.size(), 3u);
  EXPECT_EQ(s.projection[1], (Path{{"b-c", -1}, {"d", -1}, {"", 2}}));
  EXPECT_EQ(s.projection[2], (Path{{"e", -1}, {"k", -1}}));
  EXPECT_EQ(Where(*s.where), "(#p0 = :v0) AND (#p1 BETWEEN :v1 AND :v2)");
}

TEST(PartiqlParserTest, ConditionsRenderAsExpressions) {
  struct Case {
    std::string where;
    std::string expected;
  } cases[] = {
      {"a <> 1 OR NOT b >= -2.5", "(#p0 <> :v0) OR (NOT (#p1 >= :v1))"},
      {"a != 'x'", "#p0 <> :v0"},
      {"a IN [1, 2, 3]", "#p0 IN (:v0, :v1, :v2)"},
      {"a IN (1)", "#p0 IN (:v0)"},
      {"begins_with(a, 'x') AND contains(\"b\", 2)",
       "(begins_with(#p0, :v0)) AND (contains(#p1, :v1))"},
      {"a IS MISSING", "attribute_not_exists(#p0)"},
      {"a IS NOT MISSING", "attribute_exists(#p0)"},
      {"a IS NULL", "attribute_type(#p0, :v0)"},
      {"attribute_exists(a.b[1])", "attribute_exists(#p0.#p1[1])"},
      {"(a = 1 OR a = 2) AND size(b) > 3", "((#p0 = :v0) OR (#p0 = :v1)) AND (size(#p1) > :v2)"},
  };
  for (const Case& c : cases) {
    auto s = std::get<SelectStatement>(MustParse("SELECT * FROM t WHERE " + c.where));
    EXPECT_EQ(Where(*s.where), c.expected) << c.where;
  }
}

TEST(PartiqlParserTest, LiteralsAndParameters) {
  auto s = std::get<InsertStatement>(
      MustParse("INSERT INTO t VALUE {'pk': ?, 'n': 12.5e1, 's': 'it''s', 'b': TRUE, 'z': NULL, "
                "'l': [1, 'a', [2]], 'm': {'x': {'y': FALSE}}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>, "
                "'gone': MISSING}",
                {AttributeValue::S("key")}));
  EXPECT_EQ(s.item.at("pk"), AttributeValue::S("key"));
  EXPECT_EQ(s.item.at("n"), AttributeValue::N("125"));
  EXPECT_EQ(s.item.at("s"), AttributeValue::S("it's"));
  EXPECT_EQ(s.item.at("b"), AttributeValue::Bool(true));
  EXPECT_EQ(s.item.at("z"), AttributeValue::Null());
  EXPECT_EQ(s.item.at("l").l().size(), 3u);
  EXPECT_EQ(s.item.at("m").m().at("x").m().at("y"), AttributeValue::Bool(false));
  EXPECT_EQ(s.item.at("ss"), AttributeValue::SS({"a", "b"}));
  EXPECT_TRUE(s.item.at("ns").is(AttrType::kNS));
  EXPECT_FALSE(s.item.contains("gone"));
}

TEST(PartiqlParserTest, UpdateAndDelete) {
  auto u = std::get<UpdateStatement>(
      MustParse("update \"t\" set a = a + 1, b.c = 'x' set s = set_add(s, <<'q'>>) remove d, e[0] "
                "where pk = ? and sk = 2 returning all new *",
                {AttributeValue::S("k")}));
  EXPECT_EQ(u.table, "t");
  ASSERT_EQ(u.sets.size(), 3u);
  EXPECT_EQ(u.sets[0].value.kind, Node::Kind::kArith);
  EXPECT_EQ(u.removes.size(), 2u);
  EXPECT_EQ(u.returning, ReturnValue::kAllNew);
  auto d =
      std::get<DeleteStatement>(MustParse("DELETE FROM t WHERE pk = 'a' RETURNING ALL OLD *;"));
  EXPECT_EQ(d.returning, ReturnValue::kAllOld);
  auto e = std::get<ExistsStatement>(MustParse("EXISTS(SELECT * FROM t WHERE pk = 'a')"));
  EXPECT_EQ(e.select.table, "t");
}

TEST(PartiqlParserTest, ErrorMessages) {
  const std::string kMalformed = "Statement wasn't well formed, can't be processed: ";
  struct Case {
    std::string statement;
    std::string message;
  } cases[] = {
      {"", kMalformed + "Expected data manipulation"},
      {"CREATE TABLE t", kMalformed + "Expected data manipulation"},
      {"SELECT * t", kMalformed + "Expected FROM"},
      {"SELECT * FROM", kMalformed + "Expected identifier, found end of statement"},
      {"SELECT * FROM t WHERE", kMalformed + "Unexpected end of statement"},
      {"SELECT * FROM t WHERE a = 'x", kMalformed + "Unterminated string"},
      {"SELECT * FROM \"t WHERE a = 1", kMalformed + "Unterminated quoted identifier"},
      {"SELECT * FROM t WHERE a", kMalformed + "Expected a comparison"},
      {"SELECT * FROM t WHERE a = 1 extra", kMalformed + "Unexpected token: extra"},
      {"SELECT * FROM t WHERE a BETWEEN 1 2", kMalformed + "Expected AND in BETWEEN"},
      {"SELECT * FROM t WHERE a IN 1", kMalformed + "Expected a list after IN"},
      {"SELECT * FROM t WHERE a IS 1", kMalformed + "Expected MISSING or NULL after IS"},
      {"SELECT * FROM t WHERE a = #", kMalformed + "Unexpected character '#'"},
      {"INSERT t VALUE {}", kMalformed + "Expected INTO"},
      {"INSERT INTO t VALUES {}", kMalformed + "Expected VALUE"},
      {"INSERT INTO t VALUE 1", kMalformed + "Expected a map literal after VALUE"},
      {"INSERT INTO t VALUE {'a' 1}", kMalformed + "Expected ':', found 1"},
      {"INSERT INTO t VALUE {1: 1}", kMalformed + "Expected a string as map key"},
      {"INSERT INTO t VALUE {'a': <<>>}", kMalformed + "A set literal must not be empty"},
      {"INSERT INTO t VALUE {'a': <<1, 'x'>>}",
       kMalformed + "Set elements must all be strings, numbers or binaries of one type"},
      {"UPDATE t WHERE a = 1", kMalformed + "Expected SET or REMOVE"},
      {"UPDATE t SET a = 1", kMalformed + "Expected WHERE"},
      {"UPDATE t SET a = 1 WHERE pk = 1 RETURNING SOME",
       kMalformed + "Expected ALL or MODIFIED after RETURNING"},
      {"DELETE FROM t WHERE pk = 1 RETURNING ALL NEW *",
       kMalformed + "DELETE supports only RETURNING ALL OLD *"},
      {"DELETE t WHERE a = 1", kMalformed + "Expected FROM"},
      {"SELECT * FROM t WHERE a[x] = 1", kMalformed + "Expected a list index"},
      {"SELECT * FROM t WHERE a = 1 AND b = ?",
       "Number of parameters in request and statement don't match."},
      {"SELECT * FROM t WHERE a = TRUE AND MISSING = 1",
       kMalformed + "MISSING is not a value here"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.statement), c.message) << c.statement;
  EXPECT_EQ(ErrorOf("SELECT * FROM t", {AttributeValue::N(1)}),
            "Number of parameters in request and statement don't match.");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE a = 1e999999"),
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range")
      << "the number's own error";
}

TEST(PartiqlParserTest, DeepNestingIsRejectedNotOverflowed) {
  std::string deep =
      "SELECT * FROM t WHERE " + std::string(500, '(') + "a = 1" + std::string(500, ')');
  EXPECT_NE(ErrorOf(deep).find("nested too deeply"), std::string::npos);
  std::string list =
      "INSERT INTO t VALUE {'a': " + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_NE(ErrorOf(list).find("nested too deeply"), std::string::npos);
}

TEST(PartiqlNextTokenTest, RoundTripsAndRejectsGarbage) {
  Item key;
  key.emplace("pk", AttributeValue::S("a:b"));
  key.emplace("n", AttributeValue::N(-12));
  key.emplace("bin", AttributeValue::B(std::string("\0\xff", 2)));
  auto back = DecodeNextToken(EncodeNextToken(key));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, key);
  for (std::string bad : {"", "zz", "abc", "3a", "313a61"}) {
    EXPECT_EQ(DecodeNextToken(bad).status().message(), "The provided NextToken is not valid")
        << bad;
  }
}

}  // namespace
}  // namespace issuetracker::dynamo::partiql
