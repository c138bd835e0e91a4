#include "dynamo/backend.h"

namespace issuetracker::dynamo {

Status Backend::QueryInto(const QueryRequest& request, QueryResponse* response) {
  auto result = Query(request);
  if (!result.ok()) return result.status();
  *response = std::move(result).value();
  return Status::Ok();
}

Status Backend::ScanInto(const ScanRequest& request, ScanResponse* response) {
  auto result = Scan(request);
  if (!result.ok()) return result.status();
  *response = std::move(result).value();
  return Status::Ok();
}

}  // namespace issuetracker::dynamo
