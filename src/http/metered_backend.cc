#include "http/metered_backend.h"

#include <type_traits>

#include "dynamo/extensions.h"

namespace issuetracker::http {

namespace {

using namespace dynamo;  // NOLINT: this file only forwards DynamoDB's operations

thread_local const CompanyMeter* current_meter = nullptr;

// TOTAL gives CapacityUnits; the split by reads and writes follows the operation.
void Add(const CompanyMeter* m, const ConsumedCapacity& c, bool write) {
  double read = c.read_capacity_units;
  double written = c.write_capacity_units;
  if (read == 0 && written == 0) (write ? written : read) = c.capacity_units;
  m->read_units->Increment(read);
  m->write_units->Increment(written);
}
void Add(const CompanyMeter* m, const std::optional<ConsumedCapacity>& c, bool write) {
  if (c) Add(m, *c, write);
}
void Add(const CompanyMeter* m, const std::vector<ConsumedCapacity>& cs, bool write) {
  for (const ConsumedCapacity& c : cs) Add(m, c, write);
}

template <typename Req>
constexpr bool IsWrite() {
  return std::is_same_v<Req, PutItemRequest> || std::is_same_v<Req, UpdateItemRequest> ||
         std::is_same_v<Req, DeleteItemRequest> || std::is_same_v<Req, BatchWriteItemRequest> ||
         std::is_same_v<Req, TransactWriteItemsRequest>;
}

size_t Returned(const GetItemResponse& r) { return r.item ? 1 : 0; }
size_t Returned(const QueryResponse& r) { return r.items.size(); }
size_t Returned(const BatchGetItemResponse& r) {
  size_t n = 0;
  for (const auto& [table, items] : r.responses) n += items.size();
  return n;
}
size_t Returned(const TransactGetItemsResponse& r) { return r.responses.size(); }
template <typename T>
size_t Returned(const T&) {
  return 0;
}

// Runs `call` on a copy of `request` that asks for consumed capacity, and meters it.
template <typename Req, typename Call>
auto Metered(const Req& request, Call call) -> decltype(call(request)) {
  const CompanyMeter* m = current_meter;
  if (m == nullptr) return call(request);
  if (request.return_consumed_capacity != ReturnConsumedCapacity::kNone) {
    auto result = call(request);
    if (result.ok()) {
      Add(m, result->consumed_capacity, IsWrite<Req>());
      m->returned_items->Increment(static_cast<double>(Returned(*result)));
    }
    return result;
  }
  Req copy = request;
  copy.return_consumed_capacity = ReturnConsumedCapacity::kTotal;
  auto result = call(copy);
  if (result.ok()) {
    Add(m, result->consumed_capacity, IsWrite<Req>());
    m->returned_items->Increment(static_cast<double>(Returned(*result)));
  }
  return result;
}

class MeteredBackend : public Backend, public TableMetricsSource {
 public:
  explicit MeteredBackend(Backend& inner) : inner_(inner) {}

  Result<CreateTableResponse> CreateTable(const CreateTableRequest& r) override {
    return inner_.CreateTable(r);
  }
  Result<DescribeTableResponse> DescribeTable(const DescribeTableRequest& r) override {
    return inner_.DescribeTable(r);
  }
  Result<ListTablesResponse> ListTables(const ListTablesRequest& r) override {
    return inner_.ListTables(r);
  }
  Result<DeleteTableResponse> DeleteTable(const DeleteTableRequest& r) override {
    return inner_.DeleteTable(r);
  }
  Result<UpdateTableResponse> UpdateTable(const UpdateTableRequest& r) override {
    return inner_.UpdateTable(r);
  }
  Status TagResource(const TagResourceRequest& r) override { return inner_.TagResource(r); }
  Status UntagResource(const UntagResourceRequest& r) override { return inner_.UntagResource(r); }
  Result<ListTagsOfResourceResponse> ListTagsOfResource(
      const ListTagsOfResourceRequest& r) override {
    return inner_.ListTagsOfResource(r);
  }

  Result<PutItemResponse> PutItem(const PutItemRequest& r) override {
    return Metered(r, [this](const PutItemRequest& q) { return inner_.PutItem(q); });
  }
  Result<GetItemResponse> GetItem(const GetItemRequest& r) override {
    return Metered(r, [this](const GetItemRequest& q) { return inner_.GetItem(q); });
  }
  Result<UpdateItemResponse> UpdateItem(const UpdateItemRequest& r) override {
    return Metered(r, [this](const UpdateItemRequest& q) { return inner_.UpdateItem(q); });
  }
  Result<DeleteItemResponse> DeleteItem(const DeleteItemRequest& r) override {
    return Metered(r, [this](const DeleteItemRequest& q) { return inner_.DeleteItem(q); });
  }
  Result<QueryResponse> Query(const QueryRequest& r) override {
    return Metered(r, [this](const QueryRequest& q) { return inner_.Query(q); });
  }
  Result<ScanResponse> Scan(const ScanRequest& r) override {
    return Metered(r, [this](const ScanRequest& q) { return inner_.Scan(q); });
  }
  Result<BatchGetItemResponse> BatchGetItem(const BatchGetItemRequest& r) override {
    return Metered(r, [this](const BatchGetItemRequest& q) { return inner_.BatchGetItem(q); });
  }
  Result<BatchWriteItemResponse> BatchWriteItem(const BatchWriteItemRequest& r) override {
    return Metered(r, [this](const BatchWriteItemRequest& q) { return inner_.BatchWriteItem(q); });
  }
  Result<TransactWriteItemsResponse> TransactWriteItems(
      const TransactWriteItemsRequest& r) override {
    return Metered(
        r, [this](const TransactWriteItemsRequest& q) { return inner_.TransactWriteItems(q); });
  }
  Result<TransactGetItemsResponse> TransactGetItems(const TransactGetItemsRequest& r) override {
    return Metered(r,
                   [this](const TransactGetItemsRequest& q) { return inner_.TransactGetItems(q); });
  }

  Result<UpdateContinuousBackupsResponse> UpdateContinuousBackups(
      const UpdateContinuousBackupsRequest& r) override {
    return inner_.UpdateContinuousBackups(r);
  }
  Result<DescribeContinuousBackupsResponse> DescribeContinuousBackups(
      const DescribeContinuousBackupsRequest& r) override {
    return inner_.DescribeContinuousBackups(r);
  }
  Result<RestoreTableToPointInTimeResponse> RestoreTableToPointInTime(
      const RestoreTableToPointInTimeRequest& r) override {
    return inner_.RestoreTableToPointInTime(r);
  }
  Result<CreateBackupResponse> CreateBackup(const CreateBackupRequest& r) override {
    return inner_.CreateBackup(r);
  }
  Result<DescribeBackupResponse> DescribeBackup(const DescribeBackupRequest& r) override {
    return inner_.DescribeBackup(r);
  }
  Result<ListBackupsResponse> ListBackups(const ListBackupsRequest& r) override {
    return inner_.ListBackups(r);
  }
  Result<DeleteBackupResponse> DeleteBackup(const DeleteBackupRequest& r) override {
    return inner_.DeleteBackup(r);
  }
  Result<RestoreTableFromBackupResponse> RestoreTableFromBackup(
      const RestoreTableFromBackupRequest& r) override {
    return inner_.RestoreTableFromBackup(r);
  }
  Result<ListStreamsResponse> ListStreams(const ListStreamsRequest& r) override {
    return inner_.ListStreams(r);
  }
  Result<DescribeStreamResponse> DescribeStream(const DescribeStreamRequest& r) override {
    return inner_.DescribeStream(r);
  }
  Result<GetShardIteratorResponse> GetShardIterator(const GetShardIteratorRequest& r) override {
    return inner_.GetShardIterator(r);
  }
  Result<GetRecordsResponse> GetRecords(const GetRecordsRequest& r) override {
    return inner_.GetRecords(r);
  }

  Result<DescribeTableMetricsResponse> DescribeTableMetrics(
      const DescribeTableMetricsRequest& r) override {
    TableMetricsSource* source = FindTableMetrics(inner_);
    if (source == nullptr) {
      return Status(Code::kUnknownOperation, "The backend keeps no table metrics");
    }
    return source->DescribeTableMetrics(r);
  }

 protected:
  Backend& inner_;
};

// With the embedded engine's extensions, forwarded (Query/ScanInto metered too).
class MeteredEngineBackend final : public MeteredBackend, public Extensions {
 public:
  MeteredEngineBackend(Backend& inner, Extensions& extensions)
      : MeteredBackend(inner), extensions_(extensions) {}

  Result<ImportItemsResponse> ImportItems(const ImportItemsRequest& r) override {
    return extensions_.ImportItems(r);
  }
  Result<RestoreKeyPrefixToPointInTimeResponse> RestoreKeyPrefixToPointInTime(
      const RestoreKeyPrefixToPointInTimeRequest& r) override {
    return extensions_.RestoreKeyPrefixToPointInTime(r);
  }
  Status QueryInto(const QueryRequest& r, QueryResponse* response) override {
    const CompanyMeter* m = current_meter;
    if (m == nullptr) return extensions_.QueryInto(r, response);
    QueryRequest copy = r;
    if (copy.return_consumed_capacity == ReturnConsumedCapacity::kNone) {
      copy.return_consumed_capacity = ReturnConsumedCapacity::kTotal;
    }
    Status s = extensions_.QueryInto(copy, response);
    if (s.ok()) {
      Add(m, response->consumed_capacity, false);
      m->returned_items->Increment(static_cast<double>(response->items.size()));
    }
    return s;
  }
  Status ScanInto(const ScanRequest& r, ScanResponse* response) override {
    return extensions_.ScanInto(r, response);
  }

 private:
  Extensions& extensions_;
};

}  // namespace

MeteringScope::MeteringScope(const CompanyMeter* meter) : previous_(current_meter) {
  current_meter = meter;
}

MeteringScope::~MeteringScope() { current_meter = previous_; }

std::unique_ptr<dynamo::Backend> WrapWithMetering(dynamo::Backend& inner) {
  if (Extensions* extensions = FindExtensions(inner)) {
    return std::make_unique<MeteredEngineBackend>(inner, *extensions);
  }
  return std::make_unique<MeteredBackend>(inner);
}

}  // namespace issuetracker::http
