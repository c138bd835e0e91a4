#include "dynamo/client/endpoint.h"

#include <charconv>

namespace issuetracker::dynamo::client {

std::string Endpoint::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (https ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::Url() const {
  return std::string(https ? "https://" : "http://") + HostHeader();
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [&url](std::string_view why) {
    return Status::Validation("Invalid endpoint '" + std::string(url) + "': " + std::string(why) +
                              " (expected http://HOST:PORT or https://HOST[:PORT])");
  };
  Endpoint e;
  std::string_view rest;
  if (url.starts_with("https://")) {
    e.https = true;
    e.port = 443;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    e.https = false;
    e.port = 80;
    rest = url.substr(7);
  } else {
    return bad("the scheme must be http or https");
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos) {
    return bad("no path is allowed");
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed IPv6 bracket");
    e.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after the host");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = rest.rfind(':');
    e.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (e.host.empty()) return bad("the host is missing");
  if (!port_text.empty() || rest.ends_with(':')) {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad("the port must be 1..65535");
    }
    e.port = static_cast<uint16_t>(port);
  }
  return e;
}

Endpoint AwsEndpoint(std::string_view region) {
  Endpoint e;
  e.https = true;
  e.port = 443;
  e.host = "dynamodb." + std::string(region) + ".amazonaws.com";
  if (region.starts_with("cn-")) e.host += ".cn";
  return e;
}

}  // namespace issuetracker::dynamo::client
