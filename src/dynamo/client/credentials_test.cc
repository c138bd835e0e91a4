#include "dynamo/client/credentials.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

namespace issuetracker::dynamo::client {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("creds-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_ / ".aws");
    vars_["HOME"] = dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  AwsEnvironment Env() {
    return AwsEnvironment{[this](std::string_view name) -> std::optional<std::string> {
      auto it = vars_.find(std::string(name));
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    }};
  }
  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / relative) << text;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> vars_;
};

TEST_F(CredentialsTest, EnvironmentComesFirstWithItsSessionToken) {
  Write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = F\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  vars_["AWS_SESSION_TOKEN"] = "ENVTOKEN";
  vars_["AWS_PROFILE"] = "other";  // the environment's keys still win, as in the SDKs
  auto c = ResolveCredentials(Env());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->secret_access_key, "ENVSECRET");
  EXPECT_EQ(c->session_token, "ENVTOKEN");
  EXPECT_EQ(c->source, "environment");
}

TEST_F(CredentialsTest, PartialEnvironmentIsAnError) {
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  auto c = ResolveCredentials(Env());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY");
}

TEST_F(CredentialsTest, SharedCredentialsFileProfiles) {
  Write(".aws/credentials",
        "# comment\n[default]\naws_access_key_id=DEFKEY\naws_secret_access_key=DEFSECRET\n\n"
        "[dev]\naws_access_key_id = DEVKEY  \naws_secret_access_key = DEVSECRET\n"
        "aws_session_token = DEVTOKEN\n");
  auto c = ResolveCredentials(Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "DEFKEY");
  EXPECT_EQ(c->session_token, "");
  vars_["AWS_PROFILE"] = "dev";
  c = ResolveCredentials(Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "DEVKEY");
  EXPECT_EQ(c->session_token, "DEVTOKEN");
  EXPECT_EQ(c->source, "shared credentials file (profile dev)");
}

TEST_F(CredentialsTest, ConfigFileAfterCredentialsFileAndCustomPaths) {
  Write("conf",
        "[default]\nregion = eu-west-1\n[profile ci]\naws_access_key_id = CIKEY\n"
        "aws_secret_access_key = CISECRET\nregion=ap-south-1\n");
  Write("creds", "[other]\naws_access_key_id = X\naws_secret_access_key = Y\n");
  vars_["AWS_CONFIG_FILE"] = (dir_ / "conf").string();
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "creds").string();
  vars_["AWS_PROFILE"] = "ci";
  auto c = ResolveCredentials(Env());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "CIKEY");
  EXPECT_EQ(c->source, "shared config file (profile ci)");
  EXPECT_EQ(ResolveRegion(Env()), "ap-south-1");
  vars_.erase("AWS_PROFILE");
  EXPECT_EQ(ResolveRegion(Env()), "eu-west-1");
  vars_["AWS_DEFAULT_REGION"] = "us-west-2";
  EXPECT_EQ(ResolveRegion(Env()), "us-west-2");
  vars_["AWS_REGION"] = "ca-central-1";
  EXPECT_EQ(ResolveRegion(Env()), "ca-central-1");
}

TEST_F(CredentialsTest, MissingProfileAndNoCredentials) {
  vars_["AWS_PROFILE"] = "nope";
  auto c = ResolveCredentials(Env());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "The config profile (nope) could not be found");
  vars_.erase("AWS_PROFILE");
  c = ResolveCredentials(Env());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("Unable to locate credentials"), std::string::npos);
  EXPECT_FALSE(ResolveRegion(Env()));
}

TEST(IniTest, SectionsCommentsAndNestedValues) {
  const char* text =
      "[profile a]\nregion = x\ns3 =\n  max_concurrent_requests = 20\n; c\n[profile   b]\nk=v\n";
  auto a = FindIniSection(text, "profile a");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0], std::make_pair(std::string("region"), std::string("x")));
  auto b = FindIniSection(text, "profile b");
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)[0].second, "v");
  EXPECT_FALSE(FindIniSection(text, "profile c"));
}

}  // namespace
}  // namespace issuetracker::dynamo::client
