// Endpoint: where a DynamoDB API is served ("https://dynamodb.eu-west-1.amazonaws.com",
// "http://127.0.0.1:8000").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace issuetracker::dynamo::client {

struct Endpoint {
  bool https = true;
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 443;
  // The Host header: host, with ":port" unless the port is the scheme's default.
  std::string HostHeader() const;
  // "https://host[:port]".
  std::string Url() const;
};

// Parses "http://HOST[:PORT][/]" or "https://HOST[:PORT][/]" (IPv6 in brackets).
// ValidationException for anything else (another scheme, a path, a bad port).
Result<Endpoint> ParseEndpoint(std::string_view url);

// Amazon DynamoDB's endpoint in `region`: https://dynamodb.<region>.amazonaws.com
// (amazonaws.com.cn for the China regions).
Endpoint AwsEndpoint(std::string_view region);

}  // namespace issuetracker::dynamo::client
