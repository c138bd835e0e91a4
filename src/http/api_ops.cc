// The operations endpoints (/healthz, /readyz, /metrics, /openapi.json) and the service's
// metrics.
#include "dynamo/extensions.h"
#include "http/api_internal.h"
#include "http/openapi.h"

namespace issuetracker::http {

namespace {

MetricFamily* Must(Result<MetricFamily*> family) {
  // The names below are constants that satisfy the registry's rules.
  return family.ok() ? *family : nullptr;
}

std::string_view RouteLabel(size_t index) {
  if (index >= static_cast<size_t>(RouteId::kCount)) return "unmatched";
  return AllRoutes()[index].pattern;
}

std::string_view MethodLabel(size_t index) {
  if (index >= static_cast<size_t>(RouteId::kCount)) return "any";
  return net::MethodName(AllRoutes()[index].method);
}

}  // namespace

ApiMetrics::ApiMetrics(MetricsRegistry& r)
    : requests(Must(r.AddCounter("it_http_requests_total", "REST requests by route and status",
                                 {"route", "method", "status"}))),
      latency(Must(r.AddHistogram("it_http_request_duration_seconds",
                                  "REST request latency in the handler, by route", {"route"}))),
      throttled(Must(r.AddCounter("it_http_throttled_requests_total",
                                  "Requests refused by the rate limit or the monthly quota",
                                  {"company", "reason"}))),
      errors(
          Must(r.AddCounter("it_http_errors_total", "Error responses by problem code", {"code"}))),
      company_rcu(
          Must(r.AddCounter("it_company_consumed_read_capacity_units_total",
                            "Read capacity units consumed by a company's requests", {"company"}))),
      company_wcu(
          Must(r.AddCounter("it_company_consumed_write_capacity_units_total",
                            "Write capacity units consumed by a company's requests", {"company"}))),
      company_items(Must(r.AddCounter("it_company_returned_items_total",
                                      "Items read by a company's requests", {"company"}))),
      table_items(
          Must(r.AddGauge("it_table_item_count", "Items in a table (DescribeTable)", {"table"}))),
      table_rcu(Must(r.AddGauge("it_table_consumed_read_capacity_units",
                                "Read capacity units a table consumed since the backend started",
                                {"table"}))),
      table_wcu(Must(r.AddGauge("it_table_consumed_write_capacity_units",
                                "Write capacity units a table consumed since the backend started",
                                {"table"}))),
      table_throttled(
          Must(r.AddGauge("it_table_throttled_requests",
                          "Throttled requests of a table since the backend started", {"table"}))),
      table_errors(
          Must(r.AddGauge("it_table_system_errors",
                          "System errors of a table since the backend started", {"table"}))) {}

Counter& ApiMetrics::Requests(RouteId route, int status) {
  const size_t r = static_cast<size_t>(route);
  const size_t s = status >= 100 && status < 600 ? static_cast<size_t>(status - 100) : 399;
  std::atomic<Counter*>& slot = by_status_[r][s];
  Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    counter = &requests->CounterWith({RouteLabel(r), MethodLabel(r), std::to_string(s + 100)});
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

Histogram& ApiMetrics::Latency(RouteId route) {
  const size_t r = static_cast<size_t>(route);
  Histogram* h = latency_[r].load(std::memory_order_acquire);
  if (h == nullptr) {
    h = &latency->HistogramWith({RouteLabel(r)});
    latency_[r].store(h, std::memory_order_release);
  }
  return *h;
}

const CompanyMeter* ApiMetrics::MeterFor(const std::string& company) {
  {
    std::shared_lock lock(meters_mu_);
    auto it = meters_.find(company);
    if (it != meters_.end()) return it->second.get();
  }
  auto meter = std::make_unique<CompanyMeter>();
  meter->read_units = &company_rcu->CounterWith({company});
  meter->write_units = &company_wcu->CounterWith({company});
  meter->returned_items = &company_items->CounterWith({company});
  std::unique_lock lock(meters_mu_);
  auto [it, inserted] = meters_.emplace(company, std::move(meter));
  return it->second.get();
}

namespace {

// Table gauges, read from the backend when /metrics is scraped.
void RefreshTableMetrics(ApiService::State& state) {
  const std::string& prefix = state.tracker.store().layout->config().table_prefix;
  dynamo::ListTablesRequest list;
  dynamo::TableMetricsSource* source = dynamo::FindTableMetrics(state.backend);
  while (true) {
    auto names = state.backend.ListTables(list);
    if (!names.ok()) return;
    for (const std::string& table : names->table_names) {
      if (!table.starts_with(prefix)) continue;
      if (auto d = state.backend.DescribeTable({table}); d.ok()) {
        state.metrics.table_items->GaugeWith({table}).Set(static_cast<double>(d->table.item_count));
      }
      if (source == nullptr) continue;
      if (auto m = source->DescribeTableMetrics({table}); m.ok()) {
        state.metrics.table_rcu->GaugeWith({table}).Set(m->metrics.consumed_read_capacity_units);
        state.metrics.table_wcu->GaugeWith({table}).Set(m->metrics.consumed_write_capacity_units);
        state.metrics.table_throttled->GaugeWith({table}).Set(
            static_cast<double>(m->metrics.throttled_requests));
        state.metrics.table_errors->GaugeWith({table}).Set(
            static_cast<double>(m->metrics.system_errors));
      }
    }
    if (!names->last_evaluated_table_name) return;
    list.exclusive_start_table_name = names->last_evaluated_table_name;
  }
}

}  // namespace

Status HandleOps(Call& call) {
  switch (call.match.route->id) {
    case RouteId::kHealthz:
      WriteJson(call, 200, "{\"status\":\"ok\"}");
      return Status::Ok();
    case RouteId::kReadyz: {
      if (!call.state.ready.load()) {
        return ApiError(503, "unavailable", "The server is shutting down");
      }
      dynamo::DescribeTableRequest probe{
          call.state.tracker.store()
              .layout->SystemTableName(tenancy::SystemTable::kCompanyManagement)
              .str()};
      if (!call.state.backend.DescribeTable(probe).ok()) {
        return ApiError(503, "unavailable", "The storage backend is not ready (run provision)");
      }
      WriteJson(call, 200, "{\"status\":\"ready\"}");
      return Status::Ok();
    }
    case RouteId::kMetrics:
      RefreshTableMetrics(call.state);
      call.resp.status = 200;
      call.resp.headers.Set("Content-Type", kPrometheusContentType);
      call.resp.body = call.state.registry.Expose();
      return Status::Ok();
    case RouteId::kOpenApi:
      WriteJson(call, 200, std::string(OpenApiDocument()));
      return Status::Ok();
    default:
      return ApiError(404, "route_not_found", "No such resource");
  }
}

}  // namespace issuetracker::http
