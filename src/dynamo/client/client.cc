#include "dynamo/client/client.h"

#include <cctype>
#include <random>

#include "dynamo/partiql/parser.h"

namespace issuetracker::dynamo::client {

using wire::Operation;

// What a call needs beyond its request: the tables it names (for metrics), whether it
// reads, the ReturnConsumedCapacity the caller asked for (nullopt: the operation has none),
// and whether it may be sent again after possibly reaching the server.
struct DynamoClient::CallInfo {
  std::vector<std::string_view> tables;
  bool reads = false;
  std::optional<ReturnConsumedCapacity> capacity;
  bool idempotent = true;
  bool data_plane = true;
};

namespace {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Appends `"name":value_json` as the last member of the JSON object in *body.
void AppendMember(std::string* body, std::string_view name, std::string_view value_json) {
  body->pop_back();  // '}'
  if (body->size() > 1) body->push_back(',');
  body->push_back('"');
  body->append(name);
  body->append("\":");
  body->append(value_json);
  body->push_back('}');
}

// A random (version 4) UUID, for ClientRequestToken.
std::string RandomToken() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buffer;
}

// The consumed capacity of a response, taken out of it when `strip`.
template <typename Response>
std::vector<ConsumedCapacity> TakeCapacity(Response& r, bool strip) {
  std::vector<ConsumedCapacity> out;
  if constexpr (requires { r.consumed_capacity.has_value(); }) {
    if (r.consumed_capacity) out.push_back(*r.consumed_capacity);
    if (strip) r.consumed_capacity.reset();
  } else if constexpr (requires { r.consumed_capacity.size(); }) {
    out = r.consumed_capacity;
    if (strip) r.consumed_capacity.clear();
  }
  return out;
}

template <typename Response>
int64_t ReturnedItems(const Response& r) {
  if constexpr (std::is_same_v<Response, GetItemResponse>) {
    return r.item ? 1 : 0;
  } else if constexpr (std::is_same_v<Response, QueryResponse>) {
    return r.count;
  } else if constexpr (std::is_same_v<Response, BatchGetItemResponse>) {
    int64_t n = 0;
    for (const auto& [table, items] : r.responses) n += static_cast<int64_t>(items.size());
    return n;
  } else if constexpr (std::is_same_v<Response, ExecuteStatementResponse>) {
    return static_cast<int64_t>(r.items.size());
  } else if constexpr (std::is_same_v<Response, TransactGetItemsResponse> ||
                       std::is_same_v<Response, ExecuteTransactionResponse>) {
    int64_t n = 0;
    for (const auto& item : r.responses) n += item.item ? 1 : 0;
    return n;
  } else {
    return 0;
  }
}

bool IsThrottle(Code c) {
  return c == Code::kThrottling || c == Code::kProvisionedThroughputExceeded ||
         c == Code::kRequestLimitExceeded;
}

}  // namespace

bool IsIdempotentUpdate(std::string_view expression) {
  for (size_t i = 0; i < expression.size(); ++i) {
    char c = expression[i];
    if (c == '+' || c == '-') return false;
    // The ADD clause and list_append, as whole words (not inside other names).
    const bool word_start =
        i == 0 ||
        !(std::isalnum(static_cast<unsigned char>(expression[i - 1])) || expression[i - 1] == '_' ||
          expression[i - 1] == '#' || expression[i - 1] == ':');
    if (!word_start) continue;
    auto word_at = [&](std::string_view w) {
      if (expression.size() - i < w.size()) return false;
      for (size_t k = 0; k < w.size(); ++k) {
        if (std::toupper(static_cast<unsigned char>(expression[i + k])) != w[k]) return false;
      }
      size_t end = i + w.size();
      return end == expression.size() ||
             !(std::isalnum(static_cast<unsigned char>(expression[end])) || expression[end] == '_');
    };
    if (word_at("ADD") || word_at("LIST_APPEND")) return false;
  }
  return true;
}

DynamoClient::DynamoClient(ClientOptions options, std::unique_ptr<ConnectionPool> pool)
    : options_(std::move(options)),
      pool_(std::move(pool)),
      signer_(options_.region, "dynamodb"),
      host_header_(options_.endpoint.HostHeader()),
      retry_(options_.retry),
      opened_at_(NowSeconds()) {}

DynamoClient::~DynamoClient() = default;

Result<std::unique_ptr<DynamoClient>> DynamoClient::Open(ClientOptions options) {
  IT_ASSIGN_OR_RETURN(auto pool, ConnectionPool::Create(options.endpoint, options.http));
  return std::unique_ptr<DynamoClient>(new DynamoClient(std::move(options), std::move(pool)));
}

Result<std::string> DynamoClient::Exchange(Operation op, const std::string& body,
                                           const CallInfo& info, double* latency_ms) {
  const std::string_view target = wire::Target(op);
  SigningInput signing;
  signing.headers = {{"host", host_header_},
                     {"content-type", std::string(wire::kContentType)},
                     {"x-amz-target", std::string(target)}};
  signing.payload = body;
  int last_cost = 0;
  for (int attempt = 1;; ++attempt) {
    SignedHeaders signed_headers =
        signer_.Sign(signing, options_.credentials, std::chrono::system_clock::now());
    HttpRequest request;
    request.body = body;
    request.headers = {{"Content-Type", wire::kContentType},
                       {"X-Amz-Target", target},
                       {"X-Amz-Date", signed_headers.amz_date},
                       {"Authorization", signed_headers.authorization},
                       {"User-Agent", options_.user_agent}};
    if (!signed_headers.security_token.empty()) {
      request.headers.emplace_back("X-Amz-Security-Token", signed_headers.security_token);
    }
    const auto start = std::chrono::steady_clock::now();
    Result<HttpResponse> response = pool_->Send(request);
    Status failure;
    if (!response.ok()) {
      failure = response.status();
    } else if (response->status != 200) {
      failure = wire::DecodeError(response->status, response->body);
    } else {
      *latency_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      retry_.OnSuccess(last_cost);
      return std::move(response->body);
    }
    CountAttempt(info, failure);
    std::optional<std::chrono::milliseconds> delay =
        retry_.NextDelay(ClassifyForRetry(failure, info.idempotent), attempt, &last_cost);
    if (!delay) {
      const auto* transport = failure.DetailAs<TransportDetail>();
      if (transport && transport->maybe_delivered && !info.idempotent) {
        return Status(Code::kIOError,
                      std::string(wire::OperationName(op)) +
                          " may or may not have been applied (not retried, since repeating it "
                          "could apply it twice): " +
                          failure.message(),
                      failure.detail() ? std::shared_ptr<const StatusDetail>(
                                             std::make_shared<TransportDetail>(*transport))
                                       : nullptr);
      }
      return failure;
    }
    retry_.Sleep(*delay);
  }
}

void DynamoClient::CountAttempt(const CallInfo& info, const Status& failure) {
  if (!info.data_plane) return;
  std::lock_guard<std::mutex> lock(metrics_mu_);
  for (std::string_view table : info.tables) {
    auto it = tables_.find(table);
    if (it == tables_.end()) it = tables_.emplace(std::string(table), TableCounters{}).first;
    TableMetrics& m = it->second.metrics;
    ++m.requests;
    const Code code = failure.code();
    if (IsThrottle(code)) {
      ++m.throttled_requests;
    } else if (code == Code::kConditionalCheckFailed) {
      ++m.conditional_check_failed_requests;
      ++m.user_errors;  // a 400-class rejection (TableMetrics::user_errors)
    } else if (code == Code::kTransactionConflict) {
      ++m.transaction_conflicts;
    } else if (HttpStatusFor(code) >= 500) {
      ++m.system_errors;
    } else {
      ++m.user_errors;
      if (const auto* canceled = failure.DetailAs<TransactionCanceledDetail>()) {
        for (const auto& reason : canceled->reasons) {
          if (reason.code == "TransactionConflict") ++m.transaction_conflicts;
        }
      }
    }
  }
}

void DynamoClient::CountSuccess(const CallInfo& info, double latency_ms,
                                const std::vector<ConsumedCapacity>& capacity, int64_t items) {
  if (!info.data_plane) return;
  std::lock_guard<std::mutex> lock(metrics_mu_);
  auto counters = [this](std::string_view table) -> TableCounters& {
    auto it = tables_.find(table);
    if (it == tables_.end()) it = tables_.emplace(std::string(table), TableCounters{}).first;
    return it->second;
  };
  for (std::string_view table : info.tables) {
    TableCounters& c = counters(table);
    ++c.metrics.requests;
    ++c.successes;
    c.latency_total_ms += latency_ms;
    c.metrics.successful_request_latency_max_ms =
        std::max(c.metrics.successful_request_latency_max_ms, latency_ms);
  }
  if (!info.tables.empty()) counters(info.tables.front()).metrics.returned_item_count += items;
  for (const ConsumedCapacity& cc : capacity) {
    std::string_view table = cc.table_name.empty() && !info.tables.empty()
                                 ? info.tables.front()
                                 : std::string_view(cc.table_name);
    TableMetrics& m = counters(table).metrics;
    if (info.reads) {
      m.consumed_read_capacity_units +=
          cc.read_capacity_units > 0 ? cc.read_capacity_units : cc.capacity_units;
    } else {
      m.consumed_write_capacity_units +=
          cc.write_capacity_units > 0 ? cc.write_capacity_units : cc.capacity_units;
    }
  }
}

template <typename Response, typename Request>
Result<Response> DynamoClient::Call(Operation op, const Request& request, const CallInfo& info,
                                    std::string_view extra_members) {
  std::string body;
  body.reserve(256);
  wire::EncodeTo(request, &body);
  const bool inject = options_.count_consumed_capacity && info.capacity &&
                      *info.capacity == ReturnConsumedCapacity::kNone;
  if (inject) AppendMember(&body, "ReturnConsumedCapacity", "\"TOTAL\"");
  if (!extra_members.empty()) {
    body.pop_back();
    if (body.size() > 1) body.push_back(',');
    body.append(extra_members);
    body.push_back('}');
  }
  double latency_ms = 0;
  IT_ASSIGN_OR_RETURN(std::string payload, Exchange(op, body, info, &latency_ms));
  Response response;
  if (Status s = wire::Decode(payload, &response); !s.ok()) {
    return Status::Internal("Malformed " + std::string(wire::OperationName(op)) +
                            " response: " + s.ToString());
  }
  if (info.data_plane) {
    CountSuccess(info, latency_ms, TakeCapacity(response, inject), ReturnedItems(response));
  }
  return response;
}

// ------------------------------------------------------------------------ control plane

namespace {
DynamoClient::CallInfo ControlPlane(std::string_view table = {}) {
  DynamoClient::CallInfo info;
  if (!table.empty()) info.tables.push_back(table);
  info.data_plane = false;
  return info;
}
}  // namespace

Result<CreateTableResponse> DynamoClient::CreateTable(const CreateTableRequest& r) {
  return Call<CreateTableResponse>(Operation::kCreateTable, r, ControlPlane(r.table_name));
}
Result<DescribeTableResponse> DynamoClient::DescribeTable(const DescribeTableRequest& r) {
  return Call<DescribeTableResponse>(Operation::kDescribeTable, r, ControlPlane(r.table_name));
}
Result<ListTablesResponse> DynamoClient::ListTables(const ListTablesRequest& r) {
  return Call<ListTablesResponse>(Operation::kListTables, r, ControlPlane());
}
Result<DeleteTableResponse> DynamoClient::DeleteTable(const DeleteTableRequest& r) {
  return Call<DeleteTableResponse>(Operation::kDeleteTable, r, ControlPlane(r.table_name));
}
Result<UpdateTableResponse> DynamoClient::UpdateTable(const UpdateTableRequest& r) {
  return Call<UpdateTableResponse>(Operation::kUpdateTable, r, ControlPlane(r.table_name));
}

Status DynamoClient::TagResource(const TagResourceRequest& r) {
  double latency = 0;
  return Exchange(Operation::kTagResource, wire::Encode(r), ControlPlane(), &latency).status();
}
Status DynamoClient::UntagResource(const UntagResourceRequest& r) {
  double latency = 0;
  return Exchange(Operation::kUntagResource, wire::Encode(r), ControlPlane(), &latency).status();
}
Result<ListTagsOfResourceResponse> DynamoClient::ListTagsOfResource(
    const ListTagsOfResourceRequest& r) {
  return Call<ListTagsOfResourceResponse>(Operation::kListTagsOfResource, r, ControlPlane());
}

// --------------------------------------------------------------------------- data plane

Result<PutItemResponse> DynamoClient::PutItem(const PutItemRequest& r) {
  return Call<PutItemResponse>(Operation::kPutItem, r,
                               {{r.table_name}, false, r.return_consumed_capacity, true, true});
}
Result<GetItemResponse> DynamoClient::GetItem(const GetItemRequest& r) {
  return Call<GetItemResponse>(Operation::kGetItem, r,
                               {{r.table_name}, true, r.return_consumed_capacity, true, true});
}
Result<UpdateItemResponse> DynamoClient::UpdateItem(const UpdateItemRequest& r) {
  bool idempotent = !r.update_expression || IsIdempotentUpdate(*r.update_expression);
  // Legacy AttributeUpdates: ADD adds to numbers, sets and lists.
  for (const auto& [name, update] : r.attribute_updates) {
    if (update.action == AttributeAction::kAdd) idempotent = false;
  }
  return Call<UpdateItemResponse>(
      Operation::kUpdateItem, r,
      {{r.table_name}, false, r.return_consumed_capacity, idempotent, true});
}
Result<DeleteItemResponse> DynamoClient::DeleteItem(const DeleteItemRequest& r) {
  return Call<DeleteItemResponse>(Operation::kDeleteItem, r,
                                  {{r.table_name}, false, r.return_consumed_capacity, true, true});
}
Result<QueryResponse> DynamoClient::Query(const QueryRequest& r) {
  return Call<QueryResponse>(Operation::kQuery, r,
                             {{r.table_name}, true, r.return_consumed_capacity, true, true});
}
Result<ScanResponse> DynamoClient::Scan(const ScanRequest& r) {
  return Call<ScanResponse>(Operation::kScan, r,
                            {{r.table_name}, true, r.return_consumed_capacity, true, true});
}
Result<BatchGetItemResponse> DynamoClient::BatchGetItem(const BatchGetItemRequest& r) {
  CallInfo info{{}, true, r.return_consumed_capacity, true, true};
  for (const auto& [table, keys] : r.request_items) info.tables.push_back(table);
  return Call<BatchGetItemResponse>(Operation::kBatchGetItem, r, info);
}
Result<BatchWriteItemResponse> DynamoClient::BatchWriteItem(const BatchWriteItemRequest& r) {
  CallInfo info{{}, false, r.return_consumed_capacity, true, true};
  for (const auto& [table, writes] : r.request_items) info.tables.push_back(table);
  return Call<BatchWriteItemResponse>(Operation::kBatchWriteItem, r, info);
}

namespace {
std::string_view TableOf(const TransactWriteItem& item) {
  if (item.put) return item.put->table_name;
  if (item.update) return item.update->table_name;
  if (item.delete_item) return item.delete_item->table_name;
  if (item.condition_check) return item.condition_check->table_name;
  return {};
}
void AddTable(std::vector<std::string_view>* tables, std::string_view table) {
  if (table.empty()) return;
  for (std::string_view t : *tables) {
    if (t == table) return;
  }
  tables->push_back(table);
}
}  // namespace

Result<TransactWriteItemsResponse> DynamoClient::TransactWriteItems(
    const TransactWriteItemsRequest& r) {
  CallInfo info{{}, false, r.return_consumed_capacity, true, true};
  for (const auto& item : r.transact_items) AddTable(&info.tables, TableOf(item));
  // Every attempt of this call carries the same token: a retry after a lost response is
  // answered from DynamoDB's idempotency record instead of being applied again.
  std::string token;
  if (!r.client_request_token) token = "\"ClientRequestToken\":\"" + RandomToken() + "\"";
  return Call<TransactWriteItemsResponse>(Operation::kTransactWriteItems, r, info, token);
}
Result<TransactGetItemsResponse> DynamoClient::TransactGetItems(const TransactGetItemsRequest& r) {
  CallInfo info{{}, true, r.return_consumed_capacity, true, true};
  for (const auto& get : r.transact_items) AddTable(&info.tables, get.table_name);
  return Call<TransactGetItemsResponse>(Operation::kTransactGetItems, r, info);
}

// ------------------------------------------------------------------------------ PartiQL

namespace {
// The table a statement names, for the per-table counts ("" when it does not parse: the
// server answers the error).
std::string StatementTable(const std::string& statement,
                           const std::vector<AttributeValue>& parameters) {
  auto parsed = partiql::Parse(statement, parameters);
  if (!parsed.ok()) return {};
  return std::visit(
      [](const auto& s) -> std::string {
        if constexpr (requires { s.select; }) {
          return s.select.table;
        } else {
          return s.table;
        }
      },
      *parsed);
}
// Whether a statement only reads (a retry cannot apply anything twice).
bool IsSelect(std::string_view statement) {
  while (!statement.empty() && std::isspace(static_cast<unsigned char>(statement[0]))) {
    statement.remove_prefix(1);
  }
  if (statement.size() < 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    if (std::toupper(static_cast<unsigned char>(statement[i])) != "SELECT"[i]) return false;
  }
  return true;
}
}  // namespace

Result<ExecuteStatementResponse> DynamoClient::ExecuteStatement(const ExecuteStatementRequest& r) {
  const std::string table = StatementTable(r.statement, r.parameters);
  const bool reads = IsSelect(r.statement);
  CallInfo info{{}, reads, r.return_consumed_capacity, reads, true};
  AddTable(&info.tables, table);
  return Call<ExecuteStatementResponse>(Operation::kExecuteStatement, r, info);
}
Result<BatchExecuteStatementResponse> DynamoClient::BatchExecuteStatement(
    const BatchExecuteStatementRequest& r) {
  std::vector<std::string> tables;
  bool reads = true;
  for (const auto& s : r.statements) {
    tables.push_back(StatementTable(s.statement, s.parameters));
    reads = reads && IsSelect(s.statement);
  }
  CallInfo info{{}, reads, r.return_consumed_capacity, reads, true};
  for (const std::string& t : tables) AddTable(&info.tables, t);
  return Call<BatchExecuteStatementResponse>(Operation::kBatchExecuteStatement, r, info);
}
Result<ExecuteTransactionResponse> DynamoClient::ExecuteTransaction(
    const ExecuteTransactionRequest& r) {
  std::vector<std::string> tables;
  bool reads = true;
  for (const auto& s : r.transact_statements) {
    tables.push_back(StatementTable(s.statement, s.parameters));
    reads = reads && IsSelect(s.statement);
  }
  CallInfo info{{}, reads, r.return_consumed_capacity, true, true};
  for (const std::string& t : tables) AddTable(&info.tables, t);
  // As TransactWriteItems: one token for every attempt makes a retry safe.
  std::string token;
  if (!r.client_request_token) token = "\"ClientRequestToken\":\"" + RandomToken() + "\"";
  return Call<ExecuteTransactionResponse>(Operation::kExecuteTransaction, r, info, token);
}

// ------------------------------------------------------------------ backups and streams

Result<UpdateContinuousBackupsResponse> DynamoClient::UpdateContinuousBackups(
    const UpdateContinuousBackupsRequest& r) {
  return Call<UpdateContinuousBackupsResponse>(Operation::kUpdateContinuousBackups, r,
                                               ControlPlane(r.table_name));
}
Result<DescribeContinuousBackupsResponse> DynamoClient::DescribeContinuousBackups(
    const DescribeContinuousBackupsRequest& r) {
  return Call<DescribeContinuousBackupsResponse>(Operation::kDescribeContinuousBackups, r,
                                                 ControlPlane(r.table_name));
}
Result<RestoreTableToPointInTimeResponse> DynamoClient::RestoreTableToPointInTime(
    const RestoreTableToPointInTimeRequest& r) {
  CallInfo info = ControlPlane(r.target_table_name);
  info.idempotent = false;
  return Call<RestoreTableToPointInTimeResponse>(Operation::kRestoreTableToPointInTime, r, info);
}
Result<CreateBackupResponse> DynamoClient::CreateBackup(const CreateBackupRequest& r) {
  CallInfo info = ControlPlane(r.table_name);
  info.idempotent = false;
  return Call<CreateBackupResponse>(Operation::kCreateBackup, r, info);
}
Result<DescribeBackupResponse> DynamoClient::DescribeBackup(const DescribeBackupRequest& r) {
  return Call<DescribeBackupResponse>(Operation::kDescribeBackup, r, ControlPlane());
}
Result<ListBackupsResponse> DynamoClient::ListBackups(const ListBackupsRequest& r) {
  return Call<ListBackupsResponse>(Operation::kListBackups, r, ControlPlane());
}
Result<DeleteBackupResponse> DynamoClient::DeleteBackup(const DeleteBackupRequest& r) {
  return Call<DeleteBackupResponse>(Operation::kDeleteBackup, r, ControlPlane());
}
Result<RestoreTableFromBackupResponse> DynamoClient::RestoreTableFromBackup(
    const RestoreTableFromBackupRequest& r) {
  CallInfo info = ControlPlane(r.target_table_name);
  info.idempotent = false;
  return Call<RestoreTableFromBackupResponse>(Operation::kRestoreTableFromBackup, r, info);
}
Result<ListStreamsResponse> DynamoClient::ListStreams(const ListStreamsRequest& r) {
  return Call<ListStreamsResponse>(Operation::kListStreams, r, ControlPlane());
}
Result<DescribeStreamResponse> DynamoClient::DescribeStream(const DescribeStreamRequest& r) {
  return Call<DescribeStreamResponse>(Operation::kDescribeStream, r, ControlPlane());
}
Result<GetShardIteratorResponse> DynamoClient::GetShardIterator(const GetShardIteratorRequest& r) {
  return Call<GetShardIteratorResponse>(Operation::kGetShardIterator, r, ControlPlane());
}
Result<GetRecordsResponse> DynamoClient::GetRecords(const GetRecordsRequest& r) {
  return Call<GetRecordsResponse>(Operation::kGetRecords, r, ControlPlane());
}
Result<UpdateTimeToLiveResponse> DynamoClient::UpdateTimeToLive(const UpdateTimeToLiveRequest& r) {
  return Call<UpdateTimeToLiveResponse>(Operation::kUpdateTimeToLive, r,
                                        ControlPlane(r.table_name));
}
Result<DescribeTimeToLiveResponse> DynamoClient::DescribeTimeToLive(
    const DescribeTimeToLiveRequest& r) {
  return Call<DescribeTimeToLiveResponse>(Operation::kDescribeTimeToLive, r,
                                          ControlPlane(r.table_name));
}
Result<DescribeLimitsResponse> DynamoClient::DescribeLimits(const DescribeLimitsRequest& r) {
  return Call<DescribeLimitsResponse>(Operation::kDescribeLimits, r, ControlPlane());
}
Result<DescribeEndpointsResponse> DynamoClient::DescribeEndpoints(
    const DescribeEndpointsRequest& r) {
  return Call<DescribeEndpointsResponse>(Operation::kDescribeEndpoints, r, ControlPlane());
}

Result<DescribeTableMetricsResponse> DynamoClient::DescribeTableMetrics(
    const DescribeTableMetricsRequest& r) {
  // A table that does not exist has no metrics (ResourceNotFoundException, as DescribeTable).
  IT_RETURN_IF_ERROR(DescribeTable({r.table_name}).status());
  DescribeTableMetricsResponse out;
  std::lock_guard<std::mutex> lock(metrics_mu_);
  auto it = tables_.find(r.table_name);
  if (it != tables_.end()) {
    out.metrics = it->second.metrics;
    if (it->second.successes > 0) {
      out.metrics.successful_request_latency_avg_ms =
          it->second.latency_total_ms / static_cast<double>(it->second.successes);
    }
  }
  out.metrics.table_name = r.table_name;
  out.metrics.since = opened_at_;
  return out;
}

}  // namespace issuetracker::dynamo::client
