// Layout: opaque page tokens for paginated list queries.
//
// Token format (base64url without padding of):
//   'P' 0x01 | kind u8 | step varint | fingerprint u64 LE | has_key u8 |
//   [count varint | (name_len varint name value_len varint value)*]
// The fingerprint binds the token to the company, its incarnation and tier, the query kind and the
// partitions the query reads. It is not a secret: safety comes from CheckStartKey, which admits
// only start keys inside the plan's own partitions, so even a hand-made token reads nothing else.
#include <cstdint>
#include <set>

#include "tenancy/layout.h"
#include "tenancy/layout_internal.h"
#include "tenancy/schema_names.h"

namespace issuetracker::tenancy {

using dynamo::AttrType;
using dynamo::Item;
using internal::S;

namespace {

constexpr size_t kMaxKeyValueLength = 2048;
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Base64UrlEncode leaves at most 4 bits over, all zero: a dangling character or stray
  // low bits would make a second spelling of the same bytes.
  if (bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    *out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out += static_cast<char>(v);
}

// Only the shortest form, the one PutVarint writes (no final zero byte after the first,
// no bits beyond the 64th).
bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    unsigned char c = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(c & 0x7f) << shift;
    if ((c & 0x80) == 0) return !(c == 0 && shift > 0) && !(shift == 63 && c > 1);
  }
  return false;
}

bool GetBytes(std::string_view* in, std::string* out) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size() || n > kMaxKeyValueLength) return false;
  out->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

void PutBytes(std::string* out, std::string_view bytes) {
  PutVarint(out, bytes.size());
  *out += bytes;
}

// FNV-1a over the query's identity.
uint64_t Fingerprint(const CompanyScope& scope, const QueryPlan& plan) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // separator
    h *= 1099511628211ULL;
  };
  mix(scope.company_id().str());
  mix(TierName(scope.tier()));
  mix(scope.incarnation());
  mix(std::string(1, static_cast<char>(plan.kind)));
  for (const QueryStep& step : plan.steps) {
    for (const auto& [name, value] : step.bound) {
      mix(name);
      mix(value.is(AttrType::kS) ? value.s() : value.DebugString());
    }
  }
  return h;
}

Status BadToken(std::string_view why) {
  return Status::Validation("Invalid page token: " + std::string(why));
}

// The type tag a pooled composite key attribute carries, or empty.
std::string_view CompositeTag(std::string_view name) {
  if (name == attr::kCompanyIssueId) return kIssueTag;
  if (name == attr::kCompanyTeamId) return kTeamTag;
  if (name == attr::kCompanyCommentId) return kCommentTag;
  if (name == attr::kCompanyUserId) return kUserTag;
  return {};
}

// Checks one start-key attribute whose value is an id of a known kind.
Status CheckIdAttribute(std::string_view name, const std::string& value) {
  Status s;
  if (name == attr::kIssueId)
    s = IssueId::Parse(value).status();
  else if (name == attr::kTeamId)
    s = TeamId::Parse(value).status();
  else if (name == attr::kCommentId)
    s = CommentId::Parse(value).status();
  else if (name == attr::kEmail)
    s = UserEmail::Parse(value).status();
  if (!s.ok()) return BadToken("malformed " + std::string(name));
  return Status::Ok();
}

}  // namespace

std::string Layout::EncodePageToken(const CompanyScope& scope, const QueryPlan& plan,
                                    const PageCursor& cursor) const {
  std::string raw = "P";
  raw += '\x01';
  raw += static_cast<char>(plan.kind);
  PutVarint(&raw, cursor.step);
  uint64_t fp = Fingerprint(scope, plan);
  for (int i = 0; i < 8; ++i) raw += static_cast<char>((fp >> (8 * i)) & 0xff);
  raw += cursor.start_key ? '\x01' : '\x00';
  if (cursor.start_key) {
    PutVarint(&raw, cursor.start_key->size());
    for (const auto& [name, value] : *cursor.start_key) {
      PutBytes(&raw, name);
      PutBytes(&raw, value.is(AttrType::kS) ? value.s() : std::string());
    }
  }
  return Base64UrlEncode(raw);
}

Result<PageCursor> Layout::DecodePageToken(const CompanyScope& scope, const QueryPlan& plan,
                                           std::string_view token) const {
  if (token.empty() || token.size() > kMaxPageTokenLength) return BadToken("wrong length");
  std::optional<std::string> raw = Base64UrlDecode(token);
  if (!raw) return BadToken("not base64url");
  std::string_view in(*raw);
  if (in.size() < 3 || in[0] != 'P' || in[1] != '\x01') return BadToken("unknown format");
  if (static_cast<uint8_t>(in[2]) != static_cast<uint8_t>(plan.kind)) {
    return BadToken("it belongs to another query");
  }
  in.remove_prefix(3);
  PageCursor cursor;
  uint64_t step;
  if (!GetVarint(&in, &step) || step >= plan.steps.size()) return BadToken("bad position");
  cursor.step = static_cast<size_t>(step);
  if (in.size() < 9) return BadToken("truncated");
  uint64_t fp = 0;
  for (int i = 0; i < 8; ++i) fp |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  if (fp != Fingerprint(scope, plan)) return BadToken("it belongs to another query or company");
  char has_key = in[8];
  in.remove_prefix(9);
  if (has_key == '\x01') {
    uint64_t count;
    if (!GetVarint(&in, &count) || count > 8) return BadToken("bad start key");
    Item key;
    for (uint64_t i = 0; i < count; ++i) {
      std::string name, value;
      if (!GetBytes(&in, &name) || !GetBytes(&in, &value)) return BadToken("bad start key");
      // Written in the key's (name) order, each name once.
      if (!key.empty() && !dynamo::AttributeNameLess()(key.rbegin()->first, name)) {
        return BadToken("bad start key");
      }
      key.emplace_hint(key.end(), std::move(name), S(std::move(value)));
    }
    IT_RETURN_IF_ERROR(CheckStartKey(scope, plan, plan.steps[cursor.step], key));
    cursor.start_key = std::move(key);
  } else if (has_key != '\x00') {
    return BadToken("unknown format");
  }
  if (!in.empty()) return BadToken("trailing bytes");
  return cursor;
}

Status Layout::CheckStartKey(const CompanyScope& scope, const QueryPlan& plan,
                             const QueryStep& step, const Item& key) const {
  std::set<std::string> expected(plan.start_key_attributes.begin(),
                                 plan.start_key_attributes.end());
  if (key.size() != expected.size()) return BadToken("start key has the wrong attributes");
  for (const auto& [name, value] : key) {
    if (!expected.contains(name)) return BadToken("start key has the wrong attributes");
    const std::string& v = value.s();
    if (v.empty()) return BadToken("empty start key attribute");
    auto bound = step.bound.find(name);
    if (bound != step.bound.end() && !(bound->second == value)) {
      return BadToken("start key lies outside the query's partition");
    }
    if (name == attr::kCompanyId && v != scope.company_id().str()) {
      return BadToken("start key belongs to another company");
    }
    std::string_view tag = CompositeTag(name);
    if (!tag.empty()) {
      auto parts = SplitCompositeKey(v, tag);
      if (!parts || parts->first != scope.company_id().str()) {
        return BadToken("start key belongs to another company");
      }
    }
    IT_RETURN_IF_ERROR(CheckIdAttribute(name, v));
  }
  return Status::Ok();
}

}  // namespace issuetracker::tenancy
