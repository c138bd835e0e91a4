#include "tenancy/ids.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace issuetracker::tenancy {
namespace {

struct Case {
  std::string text;
  bool valid;
  std::string expected_message_part = "";
};

TEST(CompanyIdTest, TableDriven) {
  const Case cases[] = {
      {"COMPANY001", true},
      {"SYNTH-000001", true},
      {"ACME_CORP", true},
      {"A1", true},
      {std::string(64, 'A'), true},
      {std::string(65, 'A'), false, "2 to 64"},
      {"A", false, "2 to 64"},
      {"", false, "2 to 64"},
      {"COMPANY#001", false, "'#'"},
      {"COMPANY001#ISSUE#ISS-001", false, "'#'"},
      {"company001", false, "upper-case"},
      {"-COMPANY", false, "start"},
      {"COMPANY 001", false, "only upper-case"},
      {"COMPANY.001", false, "only upper-case"},
      {"COMPANY/001", false, "only upper-case"},
      {"POOLED", false, "reserved"},
      {"PLATINUM-TEMPLATE", false, "reserved"},
      {std::string("COMP\0ANY", 8), false, "only upper-case"},
  };
  for (const Case& c : cases) {
    auto id = CompanyId::Parse(c.text);
    EXPECT_EQ(id.ok(), c.valid) << c.text;
    if (id.ok()) {
      EXPECT_EQ(id->str(), c.text);
    } else {
      EXPECT_EQ(id.status().code(), Code::kValidation);
      EXPECT_NE(id.status().message().find(c.expected_message_part), std::string::npos)
          << id.status().message();
      EXPECT_NE(id.status().message().find("company id"), std::string::npos);
    }
  }
}

TEST(SequentialIdTest, TableDriven) {
  const Case cases[] = {
      {"ISS-001", true},
      {"ISS-012", true},
      {"ISS-999", true},
      {"ISS-1000", true},
      {"ISS-12345", true},
      {"ISS-999999999999", true},
      {"ISS-000", false},
      {"ISS-1", false},
      {"ISS-01", false},
      {"ISS-0001", false},
      {"ISS-", false},
      {"ISS001", false},
      {"iss-001", false},
      {"ISS-001#", false},
      {"ISS-00A", false},
      {"ISS-1234567890123", false},
      {"TEAM-001", false},
      {" ISS-001", false},
      {"COMPANY001#ISSUE#ISS-001", false, "'#'"},
  };
  for (const Case& c : cases) {
    auto id = IssueId::Parse(c.text);
    EXPECT_EQ(id.ok(), c.valid) << c.text;
    if (!id.ok() && !c.expected_message_part.empty()) {
      EXPECT_NE(id.status().message().find(c.expected_message_part), std::string::npos);
    }
  }
}

TEST(SequentialIdTest, FromSequenceRoundTrips) {
  for (uint64_t n : std::vector<uint64_t>{1, 9, 10, 99, 100, 999, 1000, 12345, kMaxSequence}) {
    IssueId id = IssueId::FromSequence(n);
    EXPECT_EQ(id.sequence(), n);
    auto parsed = IssueId::Parse(id.str());
    ASSERT_TRUE(parsed.ok()) << id.str();
    EXPECT_EQ(*parsed, id);
  }
  EXPECT_EQ(IssueId::FromSequence(1).str(), "ISS-001");
  EXPECT_EQ(TeamId::FromSequence(2).str(), "TEAM-002");
  EXPECT_EQ(CommentId::FromSequence(11111).str(), "CMT-11111");
  EXPECT_FALSE(TeamId::Parse("ISS-001").ok());
  EXPECT_FALSE(CommentId::Parse("TEAM-001").ok());
}

TEST(UserEmailTest, TableDriven) {
  const Case cases[] = {
      {"john@techstart.com", true},
      {"first.last+tag@mail.example.co.uk", true},
      {"a_b%c-d@x-y.io", true},
      {"platform-admin@issuetracker.invalid", true},
      {"john@localhost", false, "two labels"},
      {"john", false, "exactly one '@'"},
      {"john@@techstart.com", false, "exactly one '@'"},
      {"jo@hn@techstart.com", false, "exactly one '@'"},
      {"@techstart.com", false, "1 to 64"},
      {"john@", false, "domain"},
      {".john@techstart.com", false, "dots"},
      {"jo..hn@techstart.com", false, "dots"},
      {"john.@techstart.com", false, "dots"},
      {"john@-techstart.com", false, "domain"},
      {"john@techstart..com", false, "domain"},
      {"jo hn@techstart.com", false, "only letters"},
      {"john#COMPANY002@techstart.com", false, "'#'"},
      {"john@techstart.com#", false, "'#'"},
      {"jo\"hn@techstart.com", false, "only letters"},
      {std::string(65, 'a') + "@x.com", false, "1 to 64"},
      {"a@" + std::string(250, 'b') + ".com", false, "1 to 254"},
  };
  for (const Case& c : cases) {
    auto email = UserEmail::Parse(c.text);
    EXPECT_EQ(email.ok(), c.valid) << c.text;
    if (!email.ok()) {
      EXPECT_NE(email.status().message().find(c.expected_message_part), std::string::npos)
          << c.text << ": " << email.status().message();
    }
  }
}

TEST(UserEmailTest, LowerCases) {
  auto email = UserEmail::Parse("John.Smith@TechStart.COM");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(email->str(), "john.smith@techstart.com");
  EXPECT_EQ(*email, UserEmail::Parse("john.smith@techstart.com").value());
}

TEST(IdsTest, HostileInputIsQuotedSafely) {
  auto id = CompanyId::Parse(std::string("EVIL\n\x01#") + std::string(200, 'X'));
  ASSERT_FALSE(id.ok());
  const std::string& msg = id.status().message();
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_NE(msg.find("\\x0a"), std::string::npos);
  EXPECT_LT(msg.size(), 200u);
}

TEST(TierAndRoleTest, NamesRoundTrip) {
  for (Tier t : {Tier::kBasic, Tier::kPremium, Tier::kPlatinum}) {
    EXPECT_EQ(ParseTier(TierName(t)).value(), t);
  }
  for (Role r : {Role::kUser, Role::kAdmin, Role::kSuperAdmin, Role::kRootUser}) {
    EXPECT_EQ(ParseRole(RoleName(r)).value(), r);
  }
  EXPECT_EQ(RoleName(Role::kSuperAdmin), "Super Admin");
  EXPECT_EQ(RoleName(Role::kRootUser), "Root User");
  EXPECT_FALSE(ParseTier("basic").ok());
  EXPECT_FALSE(ParseRole("admin").ok());
  EXPECT_LT(Role::kUser, Role::kAdmin);
  EXPECT_LT(Role::kAdmin, Role::kSuperAdmin);
  EXPECT_LT(Role::kSuperAdmin, Role::kRootUser);
}

}  // namespace
}  // namespace issuetracker::tenancy
