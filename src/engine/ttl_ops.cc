// Time to live (UpdateTimeToLive, DescribeTimeToLive; the Expirer part deletes expired
// items), and the account-level DescribeLimits and DescribeEndpoints.
#include "engine/core.h"
#include "engine/engine.h"
#include "engine/expirer.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {

Status ValidateTtlAttributeName(const std::string& name) {
  if (name.empty()) {
    return Status::Validation(
        "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed "
        "to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (name.size() > 255) {
    return Status::Validation("1 validation error detected: Value '" + name +
                              "' at 'timeToLiveSpecification.attributeName' failed to satisfy "
                              "constraint: Member must have length less than or equal to 255");
  }
  return Status::Ok();
}

// DynamoDB's limits for an account and a table in a region (its documented defaults).
constexpr int64_t kAccountMaxCapacityUnits = 80000;
constexpr int64_t kTableMaxCapacityUnits = 40000;

}  // namespace

Result<dynamo::UpdateTimeToLiveResponse> Engine::UpdateTimeToLive(
    const dynamo::UpdateTimeToLiveRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return UpdateTimeToLive(named); });
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  const dynamo::TimeToLiveSpecification& spec = r.time_to_live_specification;
  IT_RETURN_IF_ERROR(ValidateTtlAttributeName(spec.attribute_name));
  auto change = [&](TableDesc* d) -> Status {
    if (spec.enabled) {
      if (d->ttl_attribute) return Status::Validation("TimeToLive is already enabled");
      d->ttl_attribute = spec.attribute_name;
      return Status::Ok();
    }
    if (!d->ttl_attribute) return Status::Validation("TimeToLive is already disabled");
    if (*d->ttl_attribute != spec.attribute_name) {
      return Status::Validation(
          "TimeToLive is active on a different AttributeName: current AttributeName is " +
          *d->ttl_attribute);
    }
    d->ttl_attribute.reset();
    return Status::Ok();
  };
  // The marker that lets the expirer find the table goes in the descriptor's batch.
  auto also = [&](const TableDesc&, const TableDesc& after, rocksdb::WriteBatch* batch) {
    if (after.ttl_attribute)
      return FromRocks(batch->Put(core_->catalog_cf(), TtlMarkerKey(after.id), after.name));
    return FromRocks(batch->Delete(core_->catalog_cf(), TtlMarkerKey(after.id)));
  };
  IT_RETURN_IF_ERROR(core_->ChangeDescriptor(r.table_name, change, nullptr, also));
  dynamo::UpdateTimeToLiveResponse response;
  response.time_to_live_specification = spec;
  return response;
}

Result<dynamo::DescribeTimeToLiveResponse> Engine::DescribeTimeToLive(
    const dynamo::DescribeTimeToLiveRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return DescribeTimeToLive(named); });
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
  dynamo::DescribeTimeToLiveResponse response;
  auto& d = response.time_to_live_description;
  if (table.desc().ttl_attribute) {
    d.time_to_live_status = dynamo::TimeToLiveStatus::kEnabled;
    d.attribute_name = table.desc().ttl_attribute;
  } else {
    d.time_to_live_status = dynamo::TimeToLiveStatus::kDisabled;
  }
  return response;
}

Result<dynamo::DescribeLimitsResponse> Engine::DescribeLimits(
    const dynamo::DescribeLimitsRequest&) {
  dynamo::DescribeLimitsResponse response;
  response.account_max_read_capacity_units = kAccountMaxCapacityUnits;
  response.account_max_write_capacity_units = kAccountMaxCapacityUnits;
  response.table_max_read_capacity_units = kTableMaxCapacityUnits;
  response.table_max_write_capacity_units = kTableMaxCapacityUnits;
  return response;
}

Result<dynamo::DescribeEndpointsResponse> Engine::DescribeEndpoints(
    const dynamo::DescribeEndpointsRequest&) {
  dynamo::DescribeEndpointsResponse response;
  const std::string& address = core_->options().endpoint_address;
  response.endpoints.push_back(
      {address.empty() ? "dynamodb." + core_->options().region + ".amazonaws.com" : address, 1440});
  return response;
}

Result<int64_t> Engine::ExpireItemsNow() { return expirer_->RunPass(); }

}  // namespace issuetracker::engine
