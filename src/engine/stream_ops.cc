// The DynamoDB Streams read API over the change log. Each stream has one shard holding
// the table's records in stamp order (so every item's records are in commit order);
// sequence numbers are the records' stamps.
#include <rocksdb/iterator.h>

#include <ctime>

#include "engine/core.h"
#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"
#include "engine/streams.h"

namespace issuetracker::engine {

using dynamo::Item;
using dynamo::StreamViewType;

namespace {

constexpr int64_t kIteratorLifetimeMicros = 15LL * 60 * 1000000;  // DynamoDB: 15 minutes
constexpr int32_t kMaxRecords = 1000;
constexpr size_t kMaxRecordBytes = 1024 * 1024;

// One stream of a table: the current one or the last disabled one.
struct StreamInfo {
  std::string table_name;
  std::string label;
  StreamViewType view = StreamViewType::kKeysOnly;
  int64_t start = 0;
  std::optional<int64_t> end;  // set once disabled
};

std::vector<StreamInfo> StreamsOf(const TableDesc& t, int64_t now, int64_t stream_retention) {
  std::vector<StreamInfo> out;
  if (t.previous_stream && t.previous_stream->end_micros > now - stream_retention) {
    out.push_back({t.name, t.previous_stream->label, t.previous_stream->view,
                   t.previous_stream->start_micros, t.previous_stream->end_micros});
  }
  if (t.stream) {
    out.push_back({t.name, t.stream_label,
                   t.stream->stream_view_type.value_or(StreamViewType::kKeysOnly),
                   t.stream_start_micros, std::nullopt});
  }
  return out;
}

std::string ShardIdOf(const StreamInfo& s) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "shardId-%020lld-00000001", static_cast<long long>(s.start));
  return buf;
}

Status StreamNotFound(std::string_view arn) {
  return Status::ResourceNotFound("Requested resource not found: Stream: " + std::string(arn) +
                                  " not found");
}

dynamo::StreamRecord ToStreamRecord(const TableDesc& t, const StreamInfo& s, const ChangeRecord& r,
                                    const std::string& region) {
  dynamo::StreamRecord out;
  out.event_id = SequenceNumberOf(r.stamp);
  out.event_name = r.event == ChangeEvent::kInsert   ? dynamo::OperationType::kInsert
                   : r.event == ChangeEvent::kModify ? dynamo::OperationType::kModify
                                                     : dynamo::OperationType::kRemove;
  out.aws_region = region;
  if (r.by_service)
    out.user_identity = dynamo::StreamRecord::Identity{"Service", "dynamodb.amazonaws.com"};
  auto& d = out.dynamodb;
  d.approximate_creation_date_time = static_cast<double>(r.date / 1000000);
  const Item* source = r.new_image ? &*r.new_image : r.old_image ? &*r.old_image : &*r.keys;
  d.keys = KeyOf(t, nullptr, *source);
  d.sequence_number = SequenceNumberOf(r.stamp);
  d.stream_view_type = s.view;
  if (s.view == StreamViewType::kNewImage || s.view == StreamViewType::kNewAndOldImages)
    d.new_image = r.new_image;
  if (s.view == StreamViewType::kOldImage || s.view == StreamViewType::kNewAndOldImages)
    d.old_image = r.old_image;
  d.size_bytes = static_cast<int64_t>(dynamo::ItemSize(d.keys) +
                                      (d.new_image ? dynamo::ItemSize(*d.new_image) : 0) +
                                      (d.old_image ? dynamo::ItemSize(*d.old_image) : 0));
  return out;
}

}  // namespace

// Whether `arn` has a stream ARN's shape, "arn:<partition>:dynamodb:<region>:<account>:
// table/<table>/stream/<label>": DynamoDB Streams rejects anything else as invalid
// (ValidationException) before looking for the stream (ResourceNotFoundException).
static bool IsStreamArn(std::string_view arn) {
  std::string_view rest = arn;
  // The five colon-terminated fields; the partition, region and account may be anything.
  for (std::string_view field : {"arn", "*", "dynamodb", "*", "*"}) {
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos || (field != "*" && rest.substr(0, colon) != field))
      return false;
    rest.remove_prefix(colon + 1);
  }
  if (!rest.starts_with("table/")) return false;
  rest.remove_prefix(6);
  const auto stream = rest.find("/stream/");
  return stream != std::string_view::npos && stream > 0 && rest.size() > stream + 8;
}

static Status InvalidStreamArn(std::string_view arn) {
  return Status::Validation("Invalid StreamArn: " + std::string(arn));
}

// Resolves a stream ARN ("<table arn>/stream/<label>") to its table and stream.
static Result<std::pair<std::shared_ptr<const TableDesc>, StreamInfo>> FindStream(
    EngineCore& e, std::string_view arn) {
  if (!IsStreamArn(arn)) return InvalidStreamArn(arn);
  const std::string prefix = e.TableArn("");
  const auto pos = arn.find("/stream/");
  if (!arn.starts_with(prefix)) return StreamNotFound(arn);
  const std::string table(arn.substr(prefix.size(), pos - prefix.size()));
  const std::string label(arn.substr(pos + 8));
  auto ref = e.GetTable(table);
  if (!ref.ok()) return StreamNotFound(arn);
  const int64_t now = e.clock()->NowMicros();
  for (auto& s : StreamsOf(ref->desc(), now, e.options().stream_retention_seconds * 1000000)) {
    if (s.label == label) return std::make_pair(ref->desc_ptr(), s);
  }
  return StreamNotFound(arn);
}

Result<dynamo::ListStreamsResponse> Engine::ListStreams(const dynamo::ListStreamsRequest& r) {
  const int32_t limit = r.limit.value_or(100);
  if (limit < 1 || limit > 100) return Status::Validation("Limit must be between 1 and 100");
  std::vector<std::string> tables;
  if (r.table_name) {
    tables.push_back(*r.table_name);
  } else {
    dynamo::ListTablesRequest list;
    for (;;) {
      IT_ASSIGN_OR_RETURN(auto page, ListTables(list));
      tables.insert(tables.end(), page.table_names.begin(), page.table_names.end());
      if (!page.last_evaluated_table_name) break;
      list.exclusive_start_table_name = page.last_evaluated_table_name;
    }
  }
  if (r.exclusive_start_stream_arn && !IsStreamArn(*r.exclusive_start_stream_arn))
    return InvalidStreamArn(*r.exclusive_start_stream_arn);
  dynamo::ListStreamsResponse response;
  bool started = !r.exclusive_start_stream_arn;
  const int64_t now = core_->clock()->NowMicros();
  for (const auto& name : tables) {
    auto table = core_->GetTable(name);
    if (!table.ok()) {
      if (r.table_name) return TableNotFound(name);
      continue;
    }
    for (const auto& s :
         StreamsOf(table->desc(), now, core_->options().stream_retention_seconds * 1000000)) {
      const std::string arn = core_->TableArn(name) + "/stream/" + s.label;
      if (!started) {
        started = arn == *r.exclusive_start_stream_arn;
        continue;
      }
      if (static_cast<int32_t>(response.streams.size()) == limit) {
        response.last_evaluated_stream_arn = response.streams.back().stream_arn;
        return response;
      }
      response.streams.push_back({arn, name, s.label});
    }
  }
  return response;
}

Result<dynamo::DescribeStreamResponse> Engine::DescribeStream(
    const dynamo::DescribeStreamRequest& r) {
  IT_ASSIGN_OR_RETURN(auto found, FindStream(*core_, r.stream_arn));
  const auto& [desc, s] = found;
  dynamo::DescribeStreamResponse response;
  auto& d = response.stream_description;
  d.stream_arn = r.stream_arn;
  d.stream_label = s.label;
  d.stream_status = s.end ? dynamo::StreamStatus::kDisabled : dynamo::StreamStatus::kEnabled;
  d.stream_view_type = s.view;
  d.creation_request_date_time = static_cast<double>(s.start) / 1e6;
  d.table_name = desc->name;
  d.key_schema.push_back({desc->hash.name, dynamo::KeyType::kHash});
  if (desc->range) d.key_schema.push_back({desc->range->name, dynamo::KeyType::kRange});
  dynamo::Shard shard;
  shard.shard_id = ShardIdOf(s);
  shard.sequence_number_range.starting_sequence_number = SequenceNumberOf(s.start);
  if (s.end) shard.sequence_number_range.ending_sequence_number = SequenceNumberOf(*s.end);
  // Shards are listed in the order of their ids; ExclusiveStartShardId lists those after it.
  if (!r.exclusive_start_shard_id || shard.shard_id > *r.exclusive_start_shard_id)
    d.shards.push_back(shard);
  return response;
}

Result<dynamo::GetShardIteratorResponse> Engine::GetShardIterator(
    const dynamo::GetShardIteratorRequest& r) {
  IT_ASSIGN_OR_RETURN(auto found, FindStream(*core_, r.stream_arn));
  const auto& [desc, s] = found;
  if (r.shard_id != ShardIdOf(s)) {
    return Status::ResourceNotFound("Requested resource not found: Shard does not exist");
  }
  const int64_t now = core_->clock()->NowMicros();
  const int64_t horizon = std::max(s.start, now - core_->RetentionMicros(*desc));
  ShardIteratorState state{desc->name, s.label, 0, now};
  const bool needs_number =
      r.shard_iterator_type == dynamo::ShardIteratorType::kAtSequenceNumber ||
      r.shard_iterator_type == dynamo::ShardIteratorType::kAfterSequenceNumber;
  std::optional<int64_t> number;
  if (needs_number) {
    if (!r.sequence_number)
      return Status::Validation(
          "Sequence number must be specified for " +
          std::string(r.shard_iterator_type == dynamo::ShardIteratorType::kAtSequenceNumber
                          ? "AT_SEQUENCE_NUMBER"
                          : "AFTER_SEQUENCE_NUMBER"));
    number = ParseSequenceNumber(*r.sequence_number);
    if (!number) return Status::Validation("Invalid SequenceNumber: " + *r.sequence_number);
    if (*number < horizon) {
      return Status(Code::kTrimmedDataAccess,
                    "The operation attempted to read past the oldest stream record in a shard");
    }
  } else if (r.sequence_number) {
    return Status::Validation(
        "Sequence number may only be given with AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER");
  }
  switch (r.shard_iterator_type) {
    case dynamo::ShardIteratorType::kTrimHorizon:
      state.position = horizon;
      break;
    case dynamo::ShardIteratorType::kLatest:
      state.position = s.end ? *s.end : core_->change_clock().Watermark();
      break;
    case dynamo::ShardIteratorType::kAtSequenceNumber:
      state.position = *number;
      break;
    case dynamo::ShardIteratorType::kAfterSequenceNumber:
      state.position = *number + 1;
      break;
  }
  return dynamo::GetShardIteratorResponse{EncodeShardIterator(state)};
}

Result<dynamo::GetRecordsResponse> Engine::GetRecords(const dynamo::GetRecordsRequest& r) {
  const int32_t limit = r.limit.value_or(kMaxRecords);
  if (limit < 1 || limit > kMaxRecords)
    return Status::Validation("Limit must be between 1 and 1000");
  auto state = DecodeShardIterator(r.shard_iterator);
  if (!state) return Status::Validation("Invalid ShardIterator");
  const int64_t now = core_->clock()->NowMicros();
  if (now - state->created > kIteratorLifetimeMicros) {
    return Status(Code::kExpiredIterator, "Iterator expired. The iterator was created at time " +
                                              std::to_string(state->created / 1000000) +
                                              " while right now it's " +
                                              std::to_string(now / 1000000));
  }
  IT_ASSIGN_OR_RETURN(
      auto found, FindStream(*core_, core_->TableArn(state->table) + "/stream/" + state->label));
  const auto& [desc, s] = found;
  const int64_t horizon = std::max(s.start, now - core_->RetentionMicros(*desc));
  if (state->position < horizon && state->position > s.start) {
    return Status(Code::kTrimmedDataAccess,
                  "The operation attempted to read past the oldest stream record in a shard");
  }
  const int64_t from = std::max(state->position, s.start);
  // Never past a record still being committed: it would be skipped when it lands.
  const int64_t to = std::min(s.end.value_or(INT64_MAX),
                              core_->change_clock().Watermark());  // exclusive
  dynamo::GetRecordsResponse response;
  rocksdb::ReadOptions ro;
  const std::string upper_key = ChangeKey(desc->id, to);
  rocksdb::Slice upper(upper_key);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(core_->db()->NewIterator(ro, core_->changes_cf()));
  int64_t next = from;
  size_t bytes = 0;
  for (it->Seek(ChangeKey(desc->id, from)); it->Valid(); it->Next()) {
    if (static_cast<int32_t>(response.records.size()) == limit || bytes >= kMaxRecordBytes) break;
    IT_ASSIGN_OR_RETURN(ChangeRecord rec,
                        DecodeChange(std::string_view(it->key().data(), it->key().size()),
                                     std::string_view(it->value().data(), it->value().size())));
    response.records.push_back(ToStreamRecord(*desc, s, rec, core_->options().region));
    bytes += static_cast<size_t>(response.records.back().dynamodb.size_bytes);
    next = rec.stamp + 1;
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  // A disabled stream's shard is closed: once drained, no next iterator.
  const bool drained = s.end && !it->Valid() && to == *s.end;
  if (!drained)
    response.next_shard_iterator = EncodeShardIterator({desc->name, s.label, next, now});
  return response;
}

Status Engine::TrimChangeLogs() { return streams_->Trim(); }

std::string StreamLabel(int64_t start_micros) {
  const time_t secs = static_cast<time_t>(start_micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(start_micros % 1000000));
  return buf;
}

}  // namespace issuetracker::engine
