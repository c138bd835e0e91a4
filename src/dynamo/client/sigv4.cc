#include "dynamo/client/sigv4.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace issuetracker::dynamo::client {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(const unsigned char* bytes, size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    out->push_back(kHex[bytes[i] >> 4]);
    out->push_back(kHex[bytes[i] & 0xF]);
  }
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

// RFC 3986 §5.2.4 dot-segment removal, also dropping empty segments (AWS wants repeated
// slashes collapsed), as botocore's normalize_url_path.
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (!segment.empty() && segment != ".") {
      if (segment == "..") {
        if (!out.empty()) out.pop_back();
      } else {
        out.push_back(segment);
      }
    }
    start = end + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

// Percent-encodes everything but unreserved characters and '/' (Python's quote(s, '/~')).
std::string UriEncodePath(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[c >> 4]);
      out.push_back("0123456789ABCDEF"[c & 0xF]);
    }
  }
  return out;
}

// The query's pairs sorted by key, then value (botocore keeps the sent encoding).
std::string CanonicalQuery(std::string_view query) {
  if (query.empty()) return {};
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      pairs.emplace_back(pair, std::string_view());
    } else {
      pairs.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += '&';
    out += pairs[i].first;
    out += '=';
    out += pairs[i].second;
  }
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Trims and collapses inner whitespace runs to one space.
void AppendTrimmed(std::string_view value, std::string* out) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    any = true;
    out->push_back(c);
  }
}

bool Unsigned(std::string_view lower_name) {
  return lower_name == "user-agent" || lower_name == "expect" || lower_name == "x-amzn-trace-id";
}

}  // namespace

std::string HexSha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string out;
  out.reserve(64);
  AppendHex(digest, sizeof(digest), &out);
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[20];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

Signer::Signer(std::string region, std::string service)
    : region_(std::move(region)), service_(std::move(service)) {}

std::string Signer::CanonicalRequest(const SigningInput& input, std::string_view amz_date,
                                     std::string_view security_token) const {
  // Lowercased names with their values, plus the headers signing adds.
  std::vector<std::pair<std::string, std::string_view>> headers;
  headers.reserve(input.headers.size() + 2);
  for (const auto& [name, value] : input.headers) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (Unsigned(lower)) continue;
    headers.emplace_back(std::move(lower), value);
  }
  headers.emplace_back("x-amz-date", amz_date);
  if (!security_token.empty()) headers.emplace_back("x-amz-security-token", security_token);
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string out;
  out.reserve(256 + input.payload.size() / 64);
  out.append(input.method);
  out += '\n';
  out += UriEncodePath(NormalizePath(input.path));
  out += '\n';
  out += CanonicalQuery(input.query);
  out += '\n';
  std::string signed_names;
  for (size_t i = 0; i < headers.size(); ++i) {
    const bool repeat = i > 0 && headers[i].first == headers[i - 1].first;
    if (repeat) {
      out.back() = ',';  // replace the newline: same header, next value
    } else {
      if (!signed_names.empty()) signed_names += ';';
      signed_names += headers[i].first;
      out += headers[i].first;
      out += ':';
    }
    AppendTrimmed(headers[i].second, &out);
    out += '\n';
  }
  out += '\n';
  out += signed_names;
  out += '\n';
  out += HexSha256(input.payload);
  return out;
}

std::string Signer::SigningKey(const std::string& secret, std::string_view date) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_secret_ != secret || cached_date_ != date) {
    std::string k = Hmac("AWS4" + secret, date);
    k = Hmac(k, region_);
    k = Hmac(k, service_);
    cached_key_ = Hmac(k, "aws4_request");
    cached_secret_ = secret;
    cached_date_ = std::string(date);
  }
  return cached_key_;
}

SignedHeaders Signer::Sign(const SigningInput& input, const Credentials& credentials,
                           std::chrono::system_clock::time_point now) const {
  SignedHeaders result;
  result.amz_date = AmzDate(now);
  result.security_token = credentials.session_token;
  const std::string_view date = std::string_view(result.amz_date).substr(0, 8);
  const std::string scope = std::string(date) + "/" + region_ + "/" + service_ + "/aws4_request";

  std::string canonical = CanonicalRequest(input, result.amz_date, result.security_token);
  std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + result.amz_date + "\n" + scope + "\n" + HexSha256(canonical);
  std::string key = SigningKey(credentials.secret_access_key, date);
  std::string signature_bytes = Hmac(key, string_to_sign);
  std::string signature;
  AppendHex(reinterpret_cast<const unsigned char*>(signature_bytes.data()), signature_bytes.size(),
            &signature);

  // The signed header names are the canonical request's second-to-last line.
  size_t last = canonical.rfind('\n');
  size_t before = canonical.rfind('\n', last - 1);
  std::string_view signed_names = std::string_view(canonical).substr(before + 1, last - before - 1);

  result.authorization.reserve(200);
  result.authorization = "AWS4-HMAC-SHA256 Credential=";
  result.authorization += credentials.access_key_id;
  result.authorization += '/';
  result.authorization += scope;
  result.authorization += ", SignedHeaders=";
  result.authorization += signed_names;
  result.authorization += ", Signature=";
  result.authorization += signature;
  return result;
}

}  // namespace issuetracker::dynamo::client
