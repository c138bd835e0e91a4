// Page tokens come from clients: DecodePageToken must accept exactly the spellings
// EncodePageToken writes (tenancy/page_token.cc has the format), and refuse every other
// one with ValidationException rather than read a second meaning into it.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/fuzz_seed.h"
#include "tenancy/layout.h"
#include "tests/scope_test_peer.h"

namespace issuetracker::tenancy {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The test's own base64url (no padding), to build raw tokens by hand.
std::string Encode64(std::string_view raw) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::string Decode64(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    buffer = (buffer << 6) | static_cast<uint32_t>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

std::string Entry(std::string_view name, std::string_view value) {
  return std::string(1, static_cast<char>(name.size())) + std::string(name) +
         static_cast<char>(value.size()) + std::string(value);
}

class PageTokenTest : public ::testing::Test {
 protected:
  Result<PageCursor> Decode(const std::string& token) {
    SaveFuzzSeed("page_token", token);
    return layout_.DecodePageToken(scope_, plan_, token);
  }
  // The raw token of plan_ at step 0 with the given key entries (count included).
  std::string RawWithKey(std::string_view count_and_entries) {
    return good_raw_.substr(0, kKeyAt) + std::string(count_and_entries);
  }

  Layout layout_{SchemaConfig{}};
  CompanyScope scope_ = issuetracker::testing::ScopeTestPeer::Make(
      CompanyId::Parse("COMPANY001").value(), Tier::kBasic);
  std::vector<std::string> statuses_{"Open", "In Progress", "In Review", "Closed"};
  QueryPlan plan_ = layout_.IssuesByCompany(scope_, statuses_);
  Item key_{{"company_id", AttributeValue::S("COMPANY001")},
            {"company_issue_id", AttributeValue::S("COMPANY001#ISSUE#ISS-042")},
            {"status", AttributeValue::S("Open")}};
  std::string good_ = layout_.EncodePageToken(scope_, plan_, PageCursor{0, key_});
  std::string good_raw_ = Decode64(good_);
  std::string no_key_ = layout_.EncodePageToken(scope_, plan_, PageCursor{0, std::nullopt});
  // 'P' 0x01 kind step(1) fingerprint(8) has_key(1), then the key's count.
  static constexpr size_t kStepAt = 3;
  static constexpr size_t kKeyAt = 13;
};

TEST_F(PageTokenTest, AcceptsOnlyTheEncodersSpelling) {
  const std::string entries = Entry("company_id", "COMPANY001") +
                              Entry("company_issue_id", "COMPANY001#ISSUE#ISS-042") +
                              Entry("status", "Open");
  ASSERT_EQ(good_raw_, RawWithKey("\x03" + entries));
  ASSERT_EQ(Encode64(good_raw_), good_);
  ASSERT_TRUE(Decode(good_).ok());

  std::string step_long = good_raw_;
  step_long.replace(kStepAt, 1, std::string("\x80\x00", 2));
  std::string name_long = RawWithKey("\x03" + std::string("\x8a\x00", 2) + entries.substr(1));
  struct Case {
    std::string name, token;
  } cases[] = {
      {"step as a two-byte varint", Encode64(step_long)},
      {"count as a two-byte varint", Encode64(RawWithKey(std::string("\x83\x00", 2) + entries))},
      {"name length as a two-byte varint", Encode64(name_long)},
      {"names out of order",
       Encode64(RawWithKey("\x03" + Entry("company_issue_id", "COMPANY001#ISSUE#ISS-042") +
                           Entry("company_id", "COMPANY001") + Entry("status", "Open")))},
      {"a name twice", Encode64(RawWithKey("\x04" + entries + Entry("status", "Open")))},
      {"a dangling character", good_ + "A"},  // good_ spells 3n bytes in 4n characters
      {"trailing bytes", Encode64(good_raw_ + std::string(1, '\0'))},
  };
  for (const auto& c : cases) {
    auto r = Decode(c.token);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), Code::kValidation) << c.name;
    EXPECT_TRUE(r.status().message().starts_with("Invalid page token: ")) << c.name;
  }
  ASSERT_EQ(good_.size() % 4, 0u);
  // Stray low bits in the last character spell the same bytes a second way (the 13 bytes
  // of no_key_ leave 4 bits over).
  ASSERT_TRUE(Decode(no_key_).ok());
  std::string stray = no_key_;
  stray.back() = kAlphabet[kAlphabet.find(no_key_.back()) | 1];
  ASSERT_EQ(Decode64(stray), Decode64(no_key_));
  EXPECT_EQ(Decode(stray).status().code(), Code::kValidation);
}

// decode ok => EncodePageToken(decoded) == token, over random changes of the text and of
// the raw bytes of tokens with and without a start key.
TEST_F(PageTokenTest, DecodeRoundTripsWhatItAccepts) {
  const std::string tokens[] = {good_, no_key_};
  std::mt19937 rng(13);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string token = tokens[rng() % 2];
    if (rng() % 2) {
      token[rng() % token.size()] = kAlphabet[rng() % kAlphabet.size()];
    } else {
      std::string raw = Decode64(token);
      const size_t at = kStepAt + rng() % (raw.size() - kStepAt);
      if (rng() % 2) {
        raw[at] = static_cast<char>(rng() % 3 ? raw[at] ^ (1 << rng() % 8) : rng() % 4);
      } else {
        raw.insert(at, 1, static_cast<char>(rng() % 2 ? 0x80 : 0x00));
      }
      token = Encode64(raw);
    }
    auto cursor = layout_.DecodePageToken(scope_, plan_, token);  // not a seed each
    if (!cursor.ok()) {
      EXPECT_EQ(cursor.status().code(), Code::kValidation);
      continue;
    }
    ++accepted;
    EXPECT_EQ(layout_.EncodePageToken(scope_, plan_, *cursor), token);
  }
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace issuetracker::tenancy
