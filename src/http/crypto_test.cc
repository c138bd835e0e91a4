#include "http/crypto.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "http/encoding.h"

namespace issuetracker::http {
namespace {

TEST(CryptoTest, KnownAnswers) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // FIPS 180-2 appendix B.1.
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, PreparedKeyMatchesOneShotAcrossThreads) {
  const HmacSha256Key key("Jefe");
  EXPECT_EQ(HexEncode(key.Mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const HmacSha256Key long_key(std::string(200, 'k'));  // longer than a block: hashed first
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string data = "msg-" + std::to_string(t) + "-" + std::to_string(i);
        if (long_key.Mac(data) != HmacSha256(std::string(200, 'k'), data)) mismatches++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  HmacSha256Key moved = HmacSha256Key("Jefe");
  EXPECT_EQ(moved.Mac("x"), HmacSha256("Jefe", "x"));
}

TEST(CryptoTest, RandomBytesAndConstantTimeEquals) {
  Result<std::string> a = RandomBytes(32);
  Result<std::string> b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(ConstantTimeEquals(*a, *a));
  EXPECT_FALSE(ConstantTimeEquals(*a, *b));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace issuetracker::http
