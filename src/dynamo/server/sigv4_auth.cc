#include "dynamo/server/sigv4_auth.h"

#include <openssl/crypto.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "dynamo/client/sigv4.h"

namespace issuetracker::dynamo::server {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kService = "dynamodb";
constexpr std::string_view kTerminator = "aws4_request";

Status Incomplete(std::string message) { return Status(Code::kIncompleteSignature, message); }
Status Invalid(std::string message) { return Status(Code::kInvalidSignature, message); }
Status Unrecognized() {
  return Status(Code::kUnrecognizedClient,
                "The security token included in the request is invalid.");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// "20240115T083000Z" -> seconds since the epoch, or nullopt.
std::optional<std::time_t> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return timegm(&tm);
}

// An IMF-fixdate ("Mon, 15 Jan 2024 08:30:00 GMT") -> seconds since the epoch, or nullopt.
std::optional<std::time_t> ParseHttpDate(std::string_view s) {
  std::tm tm{};
  std::string text(s);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

std::string AmzDateOf(std::time_t t) {
  return client::AmzDate(std::chrono::system_clock::from_time_t(t));
}

}  // namespace

// What a request's Authorization header (or presigning query) says.
struct RequestAuthenticator::Parsed {
  std::string algorithm;
  std::string credential;
  std::string signed_headers;
  std::string signature;
  std::string amz_date;  // the date as ISO-8601 basic, whichever header gave it
  std::time_t date = 0;
  bool from_query = false;
};

RequestAuthenticator::RequestAuthenticator(AuthOptions options) : options_(std::move(options)) {}

Status RequestAuthenticator::Check(const net::Request& request,
                                   std::chrono::system_clock::time_point now,
                                   Caller* caller) const {
  const std::optional<std::string_view> header = request.headers.Find("Authorization");
  const bool query_auth = request.FindQueryParam("X-Amz-Algorithm").has_value();
  if (header && query_auth) {
    return Invalid(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP "
        "header.");
  }
  if ((!header && !query_auth) || (header && !Trim(*header).starts_with("AWS4-"))) {
    return Status(Code::kMissingAuthenticationToken, "Request is missing Authentication Token");
  }
  Parsed p;
  std::string date_text;
  if (header) {
    const std::string_view value = Trim(*header);
    const size_t space = value.find(' ');
    p.algorithm = std::string(value.substr(0, space));
    std::map<std::string_view, std::string_view> params;
    if (space != std::string_view::npos) {
      for (std::string_view part : Split(value.substr(space + 1), ',')) {
        part = Trim(part);
        if (part.empty()) continue;
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos) {
          return Incomplete("'" + std::string(part) +
                            "' not a valid key=value pair (missing equal-sign) in Authorization "
                            "header: '" +
                            std::string(value) + "'.");
        }
        params.emplace(part.substr(0, eq), part.substr(eq + 1));
      }
    }
    std::string missing;
    for (std::string_view name : {"Credential", "Signature", "SignedHeaders"}) {
      auto it = params.find(name);
      if (it == params.end() || (it->second.empty() && name != "SignedHeaders")) {
        missing += "Authorization header requires '" + std::string(name) + "' parameter. ";
      }
    }
    const auto amz_date = request.headers.Find("X-Amz-Date");
    const auto http_date = request.headers.Find("Date");
    if (!amz_date && !http_date) {
      missing +=
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if (!missing.empty()) return Incomplete(missing + "Authorization=" + std::string(value));
    p.credential = std::string(params["Credential"]);
    p.signed_headers = std::string(params["SignedHeaders"]);
    p.signature = std::string(params["Signature"]);
    if (amz_date) {
      date_text = std::string(*amz_date);
      if (auto t = ParseAmzDate(date_text)) p.date = *t;
    } else {
      date_text = std::string(*http_date);
      if (auto t = ParseHttpDate(date_text)) p.date = *t;
    }
  } else {
    p.from_query = true;
    std::string missing;
    for (std::string_view name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
                                  "X-Amz-SignedHeaders", "X-Amz-Date"}) {
      auto v = request.FindQueryParam(name);
      if (!v || v->empty()) {
        missing += "AWS query-string parameters must include '" + std::string(name) + "'. ";
      }
    }
    if (!missing.empty()) return Incomplete(missing + "Re-examine the query-string parameters.");
    p.algorithm = std::string(*request.FindQueryParam("X-Amz-Algorithm"));
    p.credential = std::string(*request.FindQueryParam("X-Amz-Credential"));
    p.signed_headers = std::string(*request.FindQueryParam("X-Amz-SignedHeaders"));
    p.signature = std::string(*request.FindQueryParam("X-Amz-Signature"));
    date_text = std::string(*request.FindQueryParam("X-Amz-Date"));
    if (auto t = ParseAmzDate(date_text)) p.date = *t;
  }
  if (p.date == 0) {
    return Incomplete("Date must be in ISO-8601 'basic format'. Got '" + date_text +
                      "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  p.amz_date = AmzDateOf(p.date);
  if (p.algorithm != kAlgorithm) {
    return Incomplete("Unsupported AWS 'algorithm': '" + p.algorithm +
                      "' (only AWS4-HMAC-SHA256 for now). ");
  }
  std::string_view credential = p.credential;
  while (credential.ends_with('/')) credential.remove_suffix(1);  // DynamoDB ignores them
  if (Split(credential, '/').size() != 5) {
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        p.credential + "'");
  }
  p.credential = std::string(credential);
  if (verifying()) IT_RETURN_IF_ERROR(Verify(request, p, now));
  if (caller != nullptr) {
    const std::vector<std::string_view> scope = Split(p.credential, '/');
    caller->access_key = std::string(scope[0]);
    caller->region = std::string(scope[2]);
  }
  return Status::Ok();
}

std::optional<Caller> PeekCaller(const net::Request& request) {
  std::string_view credential;
  if (const auto header = request.headers.Find("Authorization")) {
    const size_t at = header->find("Credential=");
    if (at == std::string_view::npos) return std::nullopt;
    credential = header->substr(at + 11);
    credential = credential.substr(0, credential.find_first_of(", "));
  } else if (const auto query = request.FindQueryParam("X-Amz-Credential")) {
    credential = *query;
  } else {
    return std::nullopt;
  }
  const std::vector<std::string_view> scope = Split(credential, '/');
  if (scope.size() < 3) return std::nullopt;
  return Caller{std::string(scope[0]), std::string(scope[2])};
}

Status RequestAuthenticator::Verify(const net::Request& request, const Parsed& p,
                                    std::chrono::system_clock::time_point now) const {
  const std::time_t now_t = std::chrono::system_clock::to_time_t(now);
  const auto skew = static_cast<std::time_t>(options_.max_clock_skew.count());
  const std::string minutes = std::to_string(options_.max_clock_skew.count() / 60);
  if (p.date < now_t - skew) {
    return Invalid("Signature expired: " + p.amz_date + " is now earlier than " +
                   AmzDateOf(now_t - skew) + " (" + AmzDateOf(now_t) + " - " + minutes + " min.)");
  }
  if (p.date > now_t + skew) {
    return Invalid("Signature not yet current: " + p.amz_date + " is still later than " +
                   AmzDateOf(now_t + skew) + " (" + AmzDateOf(now_t) + " + " + minutes + " min.)");
  }
  std::vector<std::string_view> names = Split(p.signed_headers, ';');
  bool host_signed = false;
  for (std::string_view n : names) host_signed |= net::EqualsIgnoreCase(n, "host");
  if (!host_signed) return Invalid("'Host' must be a 'SignedHeader' in the AWS Authorization.");

  const std::vector<std::string_view> scope = Split(p.credential, '/');
  std::string problems;
  if (scope[2] != options_.region) {
    problems +=
        "Credential should be scoped to a valid region, not '" + std::string(scope[2]) + "'. ";
  }
  if (scope[3] != kService) {
    problems += "Credential should be scoped to correct service: '" + std::string(kService) + "'. ";
  }
  if (scope[4] != kTerminator) {
    problems += "Credential should be scoped with a valid terminator: '" +
                std::string(kTerminator) + "', not '" + std::string(scope[4]) + "'. ";
  }
  const std::string_view day = std::string_view(p.amz_date).substr(0, 8);
  if (scope[1] != day) {
    problems +=
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
        "from HTTP: '" +
        std::string(scope[1]) + "' != '" + std::string(day) + "', from '" + p.amz_date + "'.";
  }
  if (!problems.empty()) {
    while (problems.ends_with(' ')) problems.pop_back();
    return Invalid(problems);
  }
  auto secret = options_.secrets.find(std::string(scope[0]));
  if (secret == options_.secrets.end()) return Unrecognized();
  if (request.headers.Contains("X-Amz-Security-Token") ||
      request.FindQueryParam("X-Amz-Security-Token")) {
    return Unrecognized();
  }

  // The canonical request from exactly the headers the client signed, as received.
  client::CanonicalHeaders headers;
  for (std::string_view name : names) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool found = false;
    for (const net::Header& h : request.headers) {
      if (net::EqualsIgnoreCase(h.name, lower)) {
        headers.emplace_back(lower, h.value);
        found = true;
      }
    }
    if (!found) headers.emplace_back(lower, std::string_view());
  }
  std::string query;
  if (p.from_query) {
    // The presigning parameters minus the signature itself, as sent.
    for (std::string_view pair : Split(request.query, '&')) {
      if (pair.starts_with("X-Amz-Signature=") || pair.empty()) continue;
      if (!query.empty()) query += '&';
      query.append(pair);
    }
  } else {
    query = request.query;
  }
  const std::string canonical = client::BuildCanonicalRequest(
      request.method_text, request.path, query, std::move(headers), request.body);
  const std::string scope_text = std::string(day) + "/" + options_.region + "/" +
                                 std::string(kService) + "/" + std::string(kTerminator);
  const std::string string_to_sign = client::StringToSign(p.amz_date, scope_text, canonical);
  const std::string expected = client::SignatureOf(SigningKey(secret->second, day), string_to_sign);
  if (expected.size() != p.signature.size() ||
      CRYPTO_memcmp(expected.data(), p.signature.data(), expected.size()) != 0) {
    return Invalid(
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.\n\nThe Canonical String for this request should have been\n'" +
        canonical + "'\n\nThe String-to-Sign should have been\n'" + string_to_sign + "'\n");
  }
  return Status::Ok();
}

std::string RequestAuthenticator::SigningKey(const std::string& secret,
                                             std::string_view date) const {
  std::string cache_key = secret;
  cache_key += '\n';
  cache_key.append(date);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(cache_key);
  if (it != keys_.end()) return it->second;
  if (keys_.size() > 1024) keys_.clear();  // a new day for every key: bounded anyway
  std::string key = client::DeriveSigningKey(secret, date, options_.region, kService);
  keys_.emplace(std::move(cache_key), key);
  return key;
}

Result<std::pair<std::string, std::string>> ParseAccessKey(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::Validation("An access key is ACCESS_KEY_ID:SECRET_ACCESS_KEY, not '" +
                              std::string(text.substr(0, colon)) +
                              (colon == text.npos ? "" : ":…") + "'");
  }
  return std::make_pair(std::string(text.substr(0, colon)), std::string(text.substr(colon + 1)));
}

Result<std::map<std::string, std::string>> LoadAccessKeys(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError("Cannot read the access keys file " + path);
  std::map<std::string, std::string> keys;
  std::string line;
  std::string pending_id, pending_secret;
  bool ini = false;
  int number = 0;
  auto flush = [&] {
    if (!pending_id.empty() && !pending_secret.empty()) keys[pending_id] = pending_secret;
    pending_id.clear();
    pending_secret.clear();
  };
  while (std::getline(in, line)) {
    ++number;
    std::string_view l = Trim(line);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty() || l.front() == '#' || l.front() == ';') continue;
    if (l.front() == '[') {
      ini = true;
      flush();
      continue;
    }
    const size_t eq = l.find('=');
    if (ini || eq != std::string_view::npos) {
      ini = true;
      if (eq == std::string_view::npos) continue;
      std::string_view name = Trim(l.substr(0, eq)), value = Trim(l.substr(eq + 1));
      if (name == "aws_access_key_id") pending_id = std::string(value);
      if (name == "aws_secret_access_key") pending_secret = std::string(value);
      continue;
    }
    std::string_view id, secret;
    const size_t space = l.find_first_of(" \t");
    if (space != std::string_view::npos) {
      id = l.substr(0, space);
      secret = Trim(l.substr(space + 1));
    } else if (auto parsed = ParseAccessKey(l); parsed.ok()) {
      keys[parsed->first] = parsed->second;
      continue;
    }
    if (id.empty() || secret.empty()) {
      return Status::Validation(path + ":" + std::to_string(number) +
                                ": expected ACCESS_KEY_ID SECRET_ACCESS_KEY");
    }
    keys[std::string(id)] = std::string(secret);
  }
  flush();
  if (keys.empty()) return Status::Validation(path + " holds no access key");
  return keys;
}

}  // namespace issuetracker::dynamo::server
