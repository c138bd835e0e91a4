#include "dynamo/backend.h"

#include "dynamo/extensions.h"
#include "dynamo/partiql/execute.h"

namespace issuetracker::dynamo {

namespace {
Status Unsupported(std::string_view operation) {
  return Status(Code::kUnknownOperation,
                "This backend does not implement the operation " + std::string(operation));
}
}  // namespace

Result<UpdateTimeToLiveResponse> Backend::UpdateTimeToLive(const UpdateTimeToLiveRequest&) {
  return Unsupported("UpdateTimeToLive");
}
Result<DescribeTimeToLiveResponse> Backend::DescribeTimeToLive(const DescribeTimeToLiveRequest&) {
  return Unsupported("DescribeTimeToLive");
}
Result<DescribeLimitsResponse> Backend::DescribeLimits(const DescribeLimitsRequest&) {
  return Unsupported("DescribeLimits");
}
Result<DescribeEndpointsResponse> Backend::DescribeEndpoints(const DescribeEndpointsRequest&) {
  return Unsupported("DescribeEndpoints");
}

Extensions* FindExtensions(Backend& backend) { return dynamic_cast<Extensions*>(&backend); }

TableMetricsSource* FindTableMetrics(Backend& backend) {
  return dynamic_cast<TableMetricsSource*>(&backend);
}

Status QueryInto(Backend& backend, const QueryRequest& request, QueryResponse* response) {
  if (Extensions* extensions = FindExtensions(backend)) {
    return extensions->QueryInto(request, response);
  }
  auto result = backend.Query(request);
  if (!result.ok()) return result.status();
  *response = std::move(result).value();
  return Status::Ok();
}

Status ScanInto(Backend& backend, const ScanRequest& request, ScanResponse* response) {
  if (Extensions* extensions = FindExtensions(backend)) {
    return extensions->ScanInto(request, response);
  }
  auto result = backend.Scan(request);
  if (!result.ok()) return result.status();
  *response = std::move(result).value();
  return Status::Ok();
}

Result<ExecuteStatementResponse> Backend::ExecuteStatement(const ExecuteStatementRequest& request) {
  return partiql::ExecuteStatement(*this, request);
}
Result<BatchExecuteStatementResponse> Backend::BatchExecuteStatement(
    const BatchExecuteStatementRequest& request) {
  return partiql::BatchExecuteStatement(*this, request);
}
Result<ExecuteTransactionResponse> Backend::ExecuteTransaction(
    const ExecuteTransactionRequest& request) {
  return partiql::ExecuteTransaction(*this, request);
}

}  // namespace issuetracker::dynamo
