#include "http/request_log.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

namespace issuetracker::http {
namespace {

RequestLogRecord Sample() {
  RequestLogRecord r;
  r.request_id = "0f8a1c2e-0000-4000-8000-000000000001";
  r.company = "COMPANY001";
  r.user = "user@company1.com";
  r.method = "GET";
  r.route = "/v1/issues/{id}";
  r.path = "/v1/issues/ISS-001";
  r.status = 200;
  r.latency_us = 412;
  r.response_bytes = 733;
  r.remote_address = "127.0.0.1";
  return r;
}

// Whether `text` has the shape of `pattern`, where 'd' stands for any digit.
bool MatchesShape(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool ok = pattern[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == pattern[i];
    if (!ok) return false;
  }
  return true;
}

TEST(RequestLogTest, FieldsExact) {
  EXPECT_EQ(RequestLogFields(Sample()),
            "\"request_id\":\"0f8a1c2e-0000-4000-8000-000000000001\",\"company\":\"COMPANY001\","
            "\"user\":\"user@company1.com\",\"method\":\"GET\",\"route\":\"/v1/issues/{id}\","
            "\"path\":\"/v1/issues/ISS-001\",\"status\":200,\"latency_us\":412,\"bytes\":733,"
            "\"remote\":\"127.0.0.1\"");
  RequestLogRecord anonymous;
  anonymous.status = 401;
  EXPECT_EQ(RequestLogFields(anonymous), "\"status\":401,\"latency_us\":0,\"bytes\":0");
}

TEST(RequestLogTest, OneJsonObjectPerLineWithUtcTimestamp) {
  std::vector<std::string> lines;
  auto logger = RequestLogger::ForLines([&](std::string_view l) { lines.emplace_back(l); });
  RequestLogRecord r = Sample();
  r.path = "/v1/{}\"}\n{\"forged\":1";  // braces (fmt syntax), quotes and a newline
  logger->Log(r);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  EXPECT_TRUE(MatchesShape(lines[0].substr(0, 36), "{\"ts\":\"dddd-dd-ddTdd:dd:dd.ddddddZ\","))
      << lines[0];
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(lines[0], ec);
  ASSERT_FALSE(ec) << lines[0];
  EXPECT_EQ(v.at("path").as_string(), "/v1/{}\"}\n{\"forged\":1");
  EXPECT_EQ(v.at("company").as_string(), "COMPANY001");
  EXPECT_EQ(v.at("status").as_int64(), 200);
  EXPECT_FALSE(v.as_object().contains("forged"));
}

TEST(RequestLogTest, FileLoggerAppendsLinesFromManyThreads) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("it_request_log_" + std::to_string(::getpid()) + ".log"))
                               .string();
  std::filesystem::remove(path);
  {
    auto logger = RequestLogger::Create({.path = path});
    ASSERT_TRUE(logger.ok()) << logger.status().ToString();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 250; ++i) (*logger)->Log(Sample());
      });
    }
    for (auto& t : threads) t.join();
  }  // destruction flushes
  std::ifstream in(path);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    (void)boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    ++count;
  }
  EXPECT_EQ(count, 1000);
  // A file where a directory should be: the log cannot be opened.
  { std::ofstream(path) << "x"; }
  Result<std::unique_ptr<RequestLogger>> bad = RequestLogger::Create({.path = path + "/y.log"});
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kIOError);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace issuetracker::http
