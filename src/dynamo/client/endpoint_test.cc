#include "dynamo/client/endpoint.h"

#include <gtest/gtest.h>

namespace issuetracker::dynamo::client {
namespace {

TEST(EndpointTest, ParsesUrls) {
  auto e = ParseEndpoint("http://127.0.0.1:8000");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->https);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8000);
  EXPECT_EQ(e->HostHeader(), "127.0.0.1:8000");
  e = ParseEndpoint("https://dynamodb.eu-west-1.amazonaws.com/");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->https);
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->HostHeader(), "dynamodb.eu-west-1.amazonaws.com");
  e = ParseEndpoint("http://[::1]:4567");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->HostHeader(), "[::1]:4567");
  EXPECT_EQ(e->Url(), "http://[::1]:4567");
}

TEST(EndpointTest, RejectsWhatIsNotAnEndpoint) {
  for (const char* bad : {"ftp://x", "localhost:8000", "http://", "http://h:0", "http://h:70000",
                          "http://h:x", "http://h/path", "http://h:", "http://[::1"}) {
    auto e = ParseEndpoint(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), Code::kValidation);
    }
  }
}

TEST(EndpointTest, AwsEndpoints) {
  EXPECT_EQ(AwsEndpoint("eu-central-1").Url(), "https://dynamodb.eu-central-1.amazonaws.com");
  EXPECT_EQ(AwsEndpoint("cn-north-1").Url(), "https://dynamodb.cn-north-1.amazonaws.com.cn");
}

}  // namespace
}  // namespace issuetracker::dynamo::client
