#include "net/http_types.h"

#include <gtest/gtest.h>

namespace issuetracker::net {
namespace {

TEST(HeadersTest, FindIsCaseInsensitiveAndReturnsTheFirst) {
  Headers h;
  h.Add("Content-Type", "application/json");
  h.Add("X-Dup", "one");
  h.Add("x-dup", "two");
  EXPECT_EQ(h.Find("content-type"), "application/json");
  EXPECT_EQ(h.Find("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(h.Find("X-DUP"), "one");
  EXPECT_FALSE(h.Find("Content-Length").has_value());
  EXPECT_FALSE(h.Find("Content-Typ").has_value());
}

TEST(HeadersTest, SetReplacesEveryFieldOfTheName) {
  Headers h;
  h.Add("A", "1");
  h.Add("a", "2");
  h.Add("B", "3");
  h.Set("A", "4");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.Find("a"), "4");
  EXPECT_EQ(h.Remove("b"), 1u);
  EXPECT_EQ(h.Remove("b"), 0u);
}

TEST(HeadersTest, HasTokenSplitsCommaLists) {
  Headers h;
  h.Add("Connection", "keep-alive, Upgrade");
  h.Add("connection", " CLOSE ");
  EXPECT_TRUE(h.HasToken("Connection", "upgrade"));
  EXPECT_TRUE(h.HasToken("Connection", "close"));
  EXPECT_TRUE(h.HasToken("Connection", "keep-alive"));
  EXPECT_FALSE(h.HasToken("Connection", "keep"));
  EXPECT_FALSE(h.HasToken("Upgrade", "close"));
}

TEST(PercentDecodeTest, Table) {
  struct Case {
    std::string_view in;
    bool plus_as_space;
    std::optional<std::string> out;
  };
  const Case cases[] = {
      {"abc", false, "abc"},
      {"a%20b", false, "a b"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"%2f%2F", false, "//"},
      {"%", false, std::nullopt},
      {"%2", false, std::nullopt},
      {"ab%", false, std::nullopt},
      {"%zz", false, std::nullopt},
      {"%00x", false, std::string("\0x", 2)},
      {"", false, ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PercentDecode(c.in, c.plus_as_space), c.out) << c.in;
  }
}

TEST(ParseTargetTest, Table) {
  struct Case {
    std::string_view target;
    bool ok;
    std::string_view path;
    std::string_view query;
    size_t params;
  };
  const Case cases[] = {
      {"/", true, "/", "", 0},
      {"/v1/issues?limit=10&cursor=a%3Db", true, "/v1/issues", "limit=10&cursor=a%3Db", 2},
      {"/a%2Fb", true, "/a%2Fb", "", 0},
      {"/p?", true, "/p", "", 0},
      {"/p?a&&b=", true, "/p", "a&&b=", 2},
      {"http://example.com/x?y=1", true, "/x", "y=1", 1},
      {"http://example.com", true, "/", "", 0},
      {"http://example.com?q=1", true, "/", "q=1", 1},
      {"*", true, "*", "", 0},
      {"", false, "", "", 0},
      {"x/y", false, "", "", 0},
      {"http:///path", false, "", "", 0},
      {"/p?a=%zz", false, "", "", 0},
  };
  for (const Case& c : cases) {
    Request r;
    ASSERT_EQ(ParseTarget(c.target, r), c.ok) << c.target;
    if (!c.ok) continue;
    EXPECT_EQ(r.path, c.path) << c.target;
    EXPECT_EQ(r.query, c.query) << c.target;
    EXPECT_EQ(r.query_params.size(), c.params) << c.target;
  }
}

TEST(ParseTargetTest, QueryParamsAreDecoded) {
  Request r;
  ASSERT_TRUE(ParseTarget("/s?q=a+b%26c&empty&x=1&x=2", r));
  EXPECT_EQ(r.FindQueryParam("q"), "a b&c");
  EXPECT_EQ(r.FindQueryParam("empty"), "");
  EXPECT_EQ(r.FindQueryParam("x"), "1");
  EXPECT_FALSE(r.FindQueryParam("missing").has_value());
}

TEST(RequestTest, ClearKeepsTheConnectionFields) {
  Request r;
  r.remote_address = "127.0.0.1";
  r.remote_port = 4000;
  r.body = "x";
  r.headers.Add("A", "b");
  r.Clear();
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.headers.empty());
  EXPECT_EQ(r.remote_address, "127.0.0.1");
  EXPECT_EQ(r.remote_port, 4000);
}

TEST(StatusReasonTest, KnownAndUnknown) {
  EXPECT_EQ(StatusReason(404), "Not Found");
  EXPECT_EQ(StatusReason(431), "Request Header Fields Too Large");
  EXPECT_EQ(StatusReason(299), "Unknown");
  EXPECT_EQ(MethodName(Method::kPatch), "PATCH");
}

}  // namespace
}  // namespace issuetracker::net
