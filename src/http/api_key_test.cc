#include "http/api_key.h"

#include <gtest/gtest.h>

#include <set>

namespace issuetracker::http {
namespace {

TEST(ApiKeyTest, GeneratedKeysHaveTheFormatAndAreUnique) {
  std::set<std::string> keys;
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    Result<GeneratedApiKey> k = GenerateApiKey();
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->key.size(), 4u + 16u + 1u + 43u);
    EXPECT_EQ(k->key.substr(0, 4), "itk_");
    EXPECT_EQ(ApiKeyIdOf(k->key), k->key_id);
    keys.insert(k->key);
    ids.insert(k->key_id);
  }
  EXPECT_EQ(keys.size(), 200u);
  EXPECT_EQ(ids.size(), 200u);
}

TEST(ApiKeyTest, KeyIdOfRefusesWhatIsNotAKey) {
  const std::string good = GenerateApiKey()->key;
  std::string upper_id = good;
  upper_id[5] = 'G';
  std::string bad_sep = good;
  bad_sep[20] = '-';
  std::string bad_secret = good;
  bad_secret[30] = '+';
  std::string bad_tail = good;
  bad_tail.back() = 'B';
  // (bad_tail: the last of 43 base64url characters of 32 bytes has 2 unused, zero bits.)
  for (const std::string& s : {std::string(), good.substr(1), good + "x", "xtk_" + good.substr(4),
                               upper_id, bad_sep, bad_secret, bad_tail}) {
    EXPECT_FALSE(ApiKeyIdOf(s).has_value()) << s;
  }
}

TEST(ApiKeyTest, HashAndVerify) {
  Result<ApiKeyHasher> hasher = ApiKeyHasher::Create("pepper-pepper-pepper");
  ASSERT_TRUE(hasher.ok());
  const GeneratedApiKey k = GenerateApiKey().value();
  const std::string stored = hasher->Hash(k.key);
  EXPECT_EQ(stored.substr(0, 12), "hmac-sha256:");
  EXPECT_EQ(stored.size(), 12u + 64u);
  EXPECT_EQ(stored.find(k.key), std::string::npos);
  EXPECT_TRUE(hasher->Verify(k.key, stored));
  std::string wrong = k.key;
  wrong.back() = wrong.back() == 'A' ? 'Q' : 'A';
  EXPECT_FALSE(hasher->Verify(wrong, stored));
  EXPECT_FALSE(hasher->Verify(GenerateApiKey()->key, stored));
  EXPECT_FALSE(hasher->Verify(k.key, stored.substr(0, stored.size() - 1)));
  EXPECT_FALSE(hasher->Verify(k.key, ""));
  // Another pepper gives another hash: a stolen table is useless without the pepper.
  Result<ApiKeyHasher> other = ApiKeyHasher::Create("another-pepper-value");
  EXPECT_NE(other->Hash(k.key), stored);
  EXPECT_FALSE(other->Verify(k.key, stored));
}

TEST(ApiKeyTest, KnownAnswerAndShortPepper) {
  EXPECT_FALSE(ApiKeyHasher::Create("Jefe").ok());  // under 16 bytes
  Result<ApiKeyHasher> hasher = ApiKeyHasher::Create("key-key-key-key-");
  ASSERT_TRUE(hasher.ok());
  // printf itk_x | openssl dgst -sha256 -hmac key-key-key-key-
  EXPECT_EQ(hasher->Hash("itk_x"),
            "hmac-sha256:14a1c65dc695f065635295d2baed48efe641a85794c74d2475beacd65d3abbbc");
}

}  // namespace
}  // namespace issuetracker::http
