#include "dynamo/wire/fast_decode.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <map>
#include <vector>

#include "dynamo/wire/json_writer.h"

namespace issuetracker::dynamo::wire {
namespace {

namespace json = boost::json;
using ec_t = boost::system::error_code;

// What a response's top-level members are decoded into; null members are skipped.
struct Targets {
  std::vector<Item>* items = nullptr;
  int32_t* count = nullptr;
  int32_t* scanned_count = nullptr;
  std::optional<Item>* last_evaluated_key = nullptr;
  std::optional<Item>* item = nullptr;
  std::optional<ConsumedCapacity>* consumed_capacity = nullptr;
};

class Handler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  explicit Handler(const Targets& t) : t_(t) {}

  Status status() const { return status_; }

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_comment_part(json::string_view, ec_t&) { return true; }
  bool on_comment(json::string_view, ec_t&) { return true; }
  bool on_number_part(json::string_view, ec_t&) { return true; }

  bool on_key_part(json::string_view s, std::size_t, ec_t&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, ec_t& ec) {
    std::string_view key(s.data(), s.size());
    if (!key_.empty()) {
      key_.append(s.data(), s.size());
      key = key_;
    }
    bool ok = OnKey(key, ec);
    key_.clear();
    return ok;
  }
  bool on_string_part(json::string_view s, std::size_t, ec_t&) {
    str_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, ec_t& ec) {
    std::string_view text(s.data(), s.size());
    if (!str_.empty()) {
      str_.append(s.data(), s.size());
      text = str_;
    }
    bool ok = OnString(text, ec);
    str_.clear();
    return ok;
  }

  bool on_object_begin(ec_t& ec);
  bool on_object_end(std::size_t, ec_t&) { return Pop(); }
  bool on_array_begin(ec_t& ec);
  bool on_array_end(std::size_t, ec_t&) { return Pop(); }
  bool on_int64(int64_t v, json::string_view, ec_t& ec) {
    return OnNumber(static_cast<double>(v), v, ec);
  }
  bool on_uint64(uint64_t v, json::string_view, ec_t& ec) {
    return OnNumber(static_cast<double>(v), static_cast<int64_t>(std::min<uint64_t>(v, INT64_MAX)),
                    ec);
  }
  bool on_double(double v, json::string_view, ec_t& ec) {
    return OnNumber(v, static_cast<int64_t>(v), ec);
  }
  bool on_bool(bool b, ec_t& ec);
  bool on_null(ec_t&) {
    if (top().kind == Kind::kValue) top().member = Member::kNone;
    return true;
  }

 private:
  enum class Kind : uint8_t {
    kTop,          // the response object
    kItemList,     // Items: [ item, ... ]
    kItem,         // attribute name -> AttributeValue
    kValue,        // one AttributeValue: {"S": ...}
    kList,         // L: [ AttributeValue, ... ]
    kStrings,      // SS / BS: [ "..." ]
    kNumbers,      // NS: [ "1" ]
    kCapacity,     // ConsumedCapacity or Capacity
    kCapacityMap,  // index name -> Capacity
    kSkip,         // a member we do not read
  };
  // The member a key announced, in the current frame.
  enum class Member : uint8_t {
    kNone,
    kItems,
    kCount,
    kScannedCount,
    kLastEvaluatedKey,
    kItem,
    kConsumedCapacity,
    kS,
    kN,
    kB,
    kBool,
    kNull,
    kM,
    kL,
    kSS,
    kNS,
    kBS,
    kTableName,
    kCapacityUnits,
    kReadUnits,
    kWriteUnits,
    kTable,
    kLocalIndexes,
    kIndexes,
    kUnknown,
  };
  struct Frame {
    Kind kind;
    Member member = Member::kNone;
    void* target = nullptr;  // what the frame fills (by kind)
    bool binary = false;     // kStrings: BS
    int depth = 0;           // kSkip
  };

  Frame& top() { return stack_.back(); }
  void Push(Kind kind, void* target, bool binary = false) {
    stack_.push_back(Frame{kind, Member::kNone, target, binary, 0});
  }
  bool Pop() {
    if (stack_.empty()) return true;
    if (top().kind == Kind::kSkip && --top().depth > 0) return true;
    stack_.pop_back();
    if (!stack_.empty()) top().member = Member::kNone;
    return true;
  }
  bool Fail(ec_t& ec, Status s) {
    if (status_.ok()) status_ = std::move(s);
    ec = json::error::extra_data;  // any error stops the parser; status_ says which
    return false;
  }
  bool TypeError(ec_t& ec) {
    return Fail(ec, Status(Code::kSerialization, "Unexpected value type in payload"));
  }

  bool OnKey(std::string_view key, ec_t& ec);
  bool OnString(std::string_view text, ec_t& ec);
  bool OnNumber(double d, int64_t i, ec_t& ec);

  const Targets t_;
  std::vector<Frame> stack_;
  std::string key_, str_;  // parts of a key or string split across input buffers
  Status status_;
};

bool Handler::OnKey(std::string_view key, ec_t&) {
  Frame& f = top();
  switch (f.kind) {
    case Kind::kTop:
      // Members this response type does not have are skipped like unknown ones.
      f.member = key == "Items" && t_.items                           ? Member::kItems
                 : key == "Count" && t_.count                         ? Member::kCount
                 : key == "ScannedCount" && t_.scanned_count          ? Member::kScannedCount
                 : key == "LastEvaluatedKey" && t_.last_evaluated_key ? Member::kLastEvaluatedKey
                 : key == "Item" && t_.item                           ? Member::kItem
                 : key == "ConsumedCapacity" && t_.consumed_capacity  ? Member::kConsumedCapacity
                                                                      : Member::kUnknown;
      return true;
    case Kind::kItem: {
      auto* map = static_cast<AttributeMap*>(f.target);
      // Our encoder writes names in order, so the hint is right and insertion is O(1).
      auto it = map->try_emplace(map->end(), std::string(key));
      f.member = Member::kNone;
      key_.clear();
      stack_.push_back(Frame{Kind::kValue, Member::kNone, &it->second, false, 0});
      // The AttributeValue's own object begins next: mark the frame as not yet opened.
      stack_.back().depth = -1;
      return true;
    }
    case Kind::kValue: {
      AttrType type;
      if (!ParseTypeName(key, &type)) {
        f.member = Member::kUnknown;
        return true;
      }
      static constexpr Member kByType[] = {Member::kS,    Member::kN, Member::kB, Member::kBool,
                                           Member::kNull, Member::kM, Member::kL, Member::kSS,
                                           Member::kNS,   Member::kBS};
      f.member = kByType[static_cast<size_t>(type)];
      return true;
    }
    case Kind::kCapacity:
      f.member = key == "TableName"                ? Member::kTableName
                 : key == "CapacityUnits"          ? Member::kCapacityUnits
                 : key == "ReadCapacityUnits"      ? Member::kReadUnits
                 : key == "WriteCapacityUnits"     ? Member::kWriteUnits
                 : key == "Table"                  ? Member::kTable
                 : key == "LocalSecondaryIndexes"  ? Member::kLocalIndexes
                 : key == "GlobalSecondaryIndexes" ? Member::kIndexes
                                                   : Member::kUnknown;
      return true;
    case Kind::kCapacityMap: {
      auto* map = static_cast<std::map<std::string, Capacity>*>(f.target);
      stack_.push_back(Frame{Kind::kCapacity, Member::kNone, &(*map)[std::string(key)], true, -1});
      return true;
    }
    default:
      return true;
  }
}

bool Handler::on_object_begin(ec_t& ec) {
  if (stack_.empty()) {
    Push(Kind::kTop, nullptr);
    return true;
  }
  Frame& f = top();
  if (f.depth == -1) {  // the object a kValue / kCapacity frame was pushed for
    f.depth = 0;
    return true;
  }
  switch (f.kind) {
    case Kind::kSkip:
      ++f.depth;
      return true;
    case Kind::kTop:
      if (f.member == Member::kLastEvaluatedKey) {
        Push(Kind::kItem, &t_.last_evaluated_key->emplace());
      } else if (f.member == Member::kItem) {
        Push(Kind::kItem, &t_.item->emplace());
      } else if (f.member == Member::kConsumedCapacity) {
        Push(Kind::kCapacity, &t_.consumed_capacity->emplace());
      } else if (f.member == Member::kItems || f.member == Member::kCount ||
                 f.member == Member::kScannedCount) {
        return TypeError(ec);
      } else {
        stack_.push_back(Frame{Kind::kSkip, Member::kNone, nullptr, false, 1});
      }
      return true;
    case Kind::kItemList: {
      auto* items = static_cast<std::vector<Item>*>(f.target);
      Push(Kind::kItem, &items->emplace_back());
      return true;
    }
    case Kind::kList: {
      auto* list = static_cast<AttributeList*>(f.target);
      stack_.push_back(Frame{Kind::kValue, Member::kNone, &list->emplace_back(), false, 0});
      return true;
    }
    case Kind::kValue: {
      auto* value = static_cast<AttributeValue*>(f.target);
      if (f.member == Member::kM) {
        Push(Kind::kItem, &value->EmplaceM());
      } else if (f.member == Member::kUnknown) {
        stack_.push_back(Frame{Kind::kSkip, Member::kNone, nullptr, false, 1});
      } else {
        return TypeError(ec);
      }
      return true;
    }
    case Kind::kCapacity: {
      if (f.member == Member::kTable && !f.binary) {
        auto* cc = static_cast<ConsumedCapacity*>(f.target);
        stack_.push_back(Frame{Kind::kCapacity, Member::kNone, &cc->table.emplace(), true, 0});
      } else if (f.member == Member::kIndexes && !f.binary) {
        auto* cc = static_cast<ConsumedCapacity*>(f.target);
        Push(Kind::kCapacityMap, &cc->global_secondary_indexes);
      } else if (f.member == Member::kLocalIndexes && !f.binary) {
        auto* cc = static_cast<ConsumedCapacity*>(f.target);
        Push(Kind::kCapacityMap, &cc->local_secondary_indexes);
      } else {
        stack_.push_back(Frame{Kind::kSkip, Member::kNone, nullptr, false, 1});
      }
      return true;
    }
    default:
      return TypeError(ec);
  }
}

bool Handler::on_array_begin(ec_t& ec) {
  if (stack_.empty()) return TypeError(ec);
  Frame& f = top();
  switch (f.kind) {
    case Kind::kSkip:
      ++f.depth;
      return true;
    case Kind::kTop:
      if (f.member == Member::kItems) {
        Push(Kind::kItemList, t_.items);
      } else if (f.member == Member::kUnknown || f.member == Member::kNone) {
        stack_.push_back(Frame{Kind::kSkip, Member::kNone, nullptr, false, 1});
      } else {
        return TypeError(ec);
      }
      return true;
    case Kind::kValue: {
      auto* value = static_cast<AttributeValue*>(f.target);
      switch (f.member) {
        case Member::kL:
          Push(Kind::kList, &value->EmplaceL());
          return true;
        case Member::kSS:
          Push(Kind::kStrings, &value->EmplaceSS());
          return true;
        case Member::kBS:
          Push(Kind::kStrings, &value->EmplaceBS(), true);
          return true;
        case Member::kNS:
          Push(Kind::kNumbers, &value->EmplaceNS());
          return true;
        case Member::kUnknown:
          stack_.push_back(Frame{Kind::kSkip, Member::kNone, nullptr, false, 1});
          return true;
        default:
          return TypeError(ec);
      }
    }
    case Kind::kCapacity:
      stack_.push_back(Frame{Kind::kSkip, Member::kNone, nullptr, false, 1});
      return true;
    default:
      return TypeError(ec);
  }
}

bool Handler::OnString(std::string_view text, ec_t& ec) {
  Frame& f = top();
  if (f.depth == -1) return TypeError(ec);  // an AttributeValue must be an object
  switch (f.kind) {
    case Kind::kValue: {
      auto* value = static_cast<AttributeValue*>(f.target);
      switch (f.member) {
        case Member::kS:
          value->EmplaceS().assign(text);
          return true;
        case Member::kN: {
          auto n = Number::Parse(text);
          if (!n.ok()) return Fail(ec, n.status());
          value->EmplaceN() = std::move(n).value();
          return true;
        }
        case Member::kB: {
          std::string error = DecodeBase64(text, &value->EmplaceB());
          if (!error.empty()) return Fail(ec, Status(Code::kSerialization, error));
          return true;
        }
        case Member::kUnknown:
          return true;
        default:
          return TypeError(ec);
      }
    }
    case Kind::kStrings: {
      auto* set = static_cast<std::vector<std::string>*>(f.target);
      if (!f.binary) {
        set->emplace_back(text);
        return true;
      }
      std::string error = DecodeBase64(text, &set->emplace_back());
      if (!error.empty()) return Fail(ec, Status(Code::kSerialization, error));
      return true;
    }
    case Kind::kNumbers: {
      auto n = Number::Parse(text);
      if (!n.ok()) return Fail(ec, n.status());
      static_cast<std::vector<Number>*>(f.target)->push_back(std::move(n).value());
      return true;
    }
    case Kind::kCapacity:
      if (f.member == Member::kTableName && !f.binary) {
        static_cast<ConsumedCapacity*>(f.target)->table_name.assign(text);
      }
      return true;
    case Kind::kTop:
      if (f.member == Member::kCount || f.member == Member::kScannedCount ||
          f.member == Member::kItems) {
        return TypeError(ec);
      }
      return true;
    default:
      return true;
  }
}

bool Handler::OnNumber(double d, int64_t i, ec_t& ec) {
  Frame& f = top();
  if (f.depth == -1) return TypeError(ec);
  if (f.kind == Kind::kTop) {
    int32_t n = static_cast<int32_t>(std::clamp<int64_t>(i, INT32_MIN, INT32_MAX));
    if (f.member == Member::kCount) *t_.count = n;
    if (f.member == Member::kScannedCount) *t_.scanned_count = n;
    if (f.member == Member::kItems || f.member == Member::kLastEvaluatedKey ||
        f.member == Member::kItem || f.member == Member::kConsumedCapacity) {
      return TypeError(ec);
    }
    return true;
  }
  if (f.kind == Kind::kCapacity) {
    // ConsumedCapacity and Capacity share the three unit members' layout order.
    double* units[3];
    if (f.binary) {
      auto* c = static_cast<Capacity*>(f.target);
      units[0] = &c->capacity_units, units[1] = &c->read_capacity_units;
      units[2] = &c->write_capacity_units;
    } else {
      auto* c = static_cast<ConsumedCapacity*>(f.target);
      units[0] = &c->capacity_units, units[1] = &c->read_capacity_units;
      units[2] = &c->write_capacity_units;
    }
    if (f.member == Member::kCapacityUnits) *units[0] = d;
    if (f.member == Member::kReadUnits) *units[1] = d;
    if (f.member == Member::kWriteUnits) *units[2] = d;
    return true;
  }
  if (f.kind == Kind::kValue && f.member != Member::kUnknown && f.member != Member::kNone) {
    return TypeError(ec);
  }
  return true;
}

bool Handler::on_bool(bool b, ec_t& ec) {
  Frame& f = top();
  if (f.depth == -1) return TypeError(ec);
  if (f.kind != Kind::kValue) return true;
  auto* value = static_cast<AttributeValue*>(f.target);
  if (f.member == Member::kBool) {
    value->EmplaceBool(b);
  } else if (f.member == Member::kNull) {
    value->EmplaceNull();
  } else if (f.member != Member::kUnknown) {
    return TypeError(ec);
  }
  return true;
}

Status Run(std::string_view json, const Targets& targets) {
  json::parse_options options;
  options.max_depth = 160;
  json::basic_parser<Handler> parser(options, targets);
  ec_t ec;
  parser.write_some(false, json.data(), json.size(), ec);
  if (!parser.handler().status().ok()) return parser.handler().status();
  if (ec) return Status(Code::kSerialization, "Malformed JSON: " + ec.message());
  return Status::Ok();
}

}  // namespace

Status DecodeStreaming(std::string_view json, QueryResponse* r) {
  *r = QueryResponse{};
  return Run(json, Targets{&r->items, &r->count, &r->scanned_count, &r->last_evaluated_key, nullptr,
                           &r->consumed_capacity});
}

Status DecodeStreaming(std::string_view json, GetItemResponse* r) {
  *r = GetItemResponse{};
  return Run(json, Targets{nullptr, nullptr, nullptr, nullptr, &r->item, &r->consumed_capacity});
}

}  // namespace issuetracker::dynamo::wire
