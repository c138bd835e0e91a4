#include "http/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace issuetracker::http {
namespace {

TEST(MetricsTest, CountersWithLabelsExactOutput) {
  MetricsRegistry registry;
  MetricFamily* requests =
      registry
          .AddCounter("http_requests_total", "Requests by route and status.", {"route", "status"})
          .value();
  requests->CounterWith({"/v1/issues", "200"}).Increment();
  requests->CounterWith({"/v1/issues", "200"}).Increment(2);
  requests->CounterWith({"/v1/issues/{id}", "404"}).Increment();
  requests->CounterWith({"/healthz", "200"}).Increment(0.5);
  MetricFamily* up = registry.AddGauge("up", "Whether the service is up.").value();
  up->GaugeWith({}).Set(1);
  EXPECT_EQ(registry.Expose(),
            "# HELP http_requests_total Requests by route and status.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{route=\"/healthz\",status=\"200\"} 0.5\n"
            "http_requests_total{route=\"/v1/issues\",status=\"200\"} 3\n"
            "http_requests_total{route=\"/v1/issues/{id}\",status=\"404\"} 1\n"
            "# HELP up Whether the service is up.\n"
            "# TYPE up gauge\n"
            "up 1\n");
}

TEST(MetricsTest, EscapingOfLabelValuesAndHelp) {
  MetricsRegistry registry;
  MetricFamily* f =
      registry
          .AddCounter("errors_total", "Errors.\nWith a \\ backslash and \"quotes\".", {"detail"})
          .value();
  f->CounterWith({"a \"quoted\" \\ value\nnext line"}).Increment();
  EXPECT_EQ(registry.Expose(),
            "# HELP errors_total Errors.\\nWith a \\\\ backslash and \"quotes\".\n"
            "# TYPE errors_total counter\n"
            "errors_total{detail=\"a \\\"quoted\\\" \\\\ value\\nnext line\"} 1\n");
}

TEST(MetricsTest, HistogramExactOutput) {
  MetricsRegistry registry;
  MetricFamily* latency =
      registry.AddHistogram("request_seconds", "Latency.", {"route"}, {0.005, 0.1, 1}).value();
  Histogram& h = latency->HistogramWith({"/v1/issues"});
  h.Observe(0.001);
  h.Observe(0.005);  // on a bound: counted in that bucket (le is inclusive)
  h.Observe(0.05);
  h.Observe(3);
  EXPECT_EQ(registry.Expose(),
            "# HELP request_seconds Latency.\n"
            "# TYPE request_seconds histogram\n"
            "request_seconds_bucket{route=\"/v1/issues\",le=\"0.005\"} 2\n"
            "request_seconds_bucket{route=\"/v1/issues\",le=\"0.1\"} 3\n"
            "request_seconds_bucket{route=\"/v1/issues\",le=\"1\"} 3\n"
            "request_seconds_bucket{route=\"/v1/issues\",le=\"+Inf\"} 4\n"
            "request_seconds_sum{route=\"/v1/issues\"} 3.056\n"
            "request_seconds_count{route=\"/v1/issues\"} 4\n");
}

TEST(MetricsTest, HistogramWithoutLabelsAndEmptyFamilies) {
  MetricsRegistry registry;
  MetricFamily* sizes = registry.AddHistogram("body_bytes", "Sizes.", {}, {100, 1000}).value();
  sizes->HistogramWith({}).Observe(5000);
  (void)registry.AddCounter("never_total", "Never incremented.", {"x"}).value();
  EXPECT_EQ(registry.Expose(),
            "# HELP body_bytes Sizes.\n"
            "# TYPE body_bytes histogram\n"
            "body_bytes_bucket{le=\"100\"} 0\n"
            "body_bytes_bucket{le=\"1000\"} 0\n"
            "body_bytes_bucket{le=\"+Inf\"} 1\n"
            "body_bytes_sum 5000\n"
            "body_bytes_count 1\n"
            "# HELP never_total Never incremented.\n"
            "# TYPE never_total counter\n");
}

TEST(MetricsTest, SpecialValues) {
  MetricsRegistry registry;
  MetricFamily* g = registry.AddGauge("g", "G.", {"k"}).value();
  g->GaugeWith({"inf"}).Set(INFINITY);
  g->GaugeWith({"nan"}).Set(NAN);
  g->GaugeWith({"neg"}).Set(-2.25);
  g->GaugeWith({"big"}).Set(1e21);
  EXPECT_EQ(registry.Expose(),
            "# HELP g G.\n# TYPE g gauge\n"
            "g{k=\"big\"} 1e+21\n"
            "g{k=\"inf\"} +Inf\n"
            "g{k=\"nan\"} NaN\n"
            "g{k=\"neg\"} -2.25\n");
}

TEST(MetricsTest, RegistrationIsValidated) {
  MetricsRegistry registry;
  EXPECT_FALSE(registry.AddCounter("9starts_with_digit", "x").ok());
  EXPECT_FALSE(registry.AddCounter("has-dash", "x").ok());
  EXPECT_FALSE(registry.AddCounter("", "x").ok());
  EXPECT_TRUE(registry.AddCounter("ns:sub_total", "x").ok());
  EXPECT_FALSE(registry.AddCounter("ns:sub_total", "again").ok());
  EXPECT_FALSE(registry.AddCounter("a_total", "x", {"__reserved"}).ok());
  EXPECT_FALSE(registry.AddCounter("b_total", "x", {"a:b"}).ok());
  EXPECT_FALSE(registry.AddCounter("c_total", "x", {"x", "x"}).ok());
  EXPECT_TRUE(registry.AddCounter("d_total", "x", {"le"}).ok());  // only reserved for histograms
  EXPECT_FALSE(registry.AddHistogram("h1", "x", {"le"}).ok());
  EXPECT_FALSE(registry.AddHistogram("h2", "x", {}, {}).ok());
  EXPECT_FALSE(registry.AddHistogram("h3", "x", {}, {1, 1}).ok());
  EXPECT_FALSE(registry.AddHistogram("h4", "x", {}, {2, 1}).ok());
  EXPECT_FALSE(registry.AddHistogram("h5", "x", {}, {1, NAN}).ok());
  EXPECT_TRUE(registry.AddHistogram("h6", "x", {}, {1, INFINITY}).ok());  // +Inf is implicit
}

TEST(MetricsTest, SeriesReferencesAreStableAndUpdatesAreAtomic) {
  MetricsRegistry registry;
  MetricFamily* f = registry.AddCounter("hits_total", "Hits.", {"company"}).value();
  MetricFamily* h = registry.AddHistogram("lat", "Latency.", {"company"}).value();
  Counter& first = f->CounterWith({"COMPANY001"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      // Each thread creates its own series (exercising concurrent insertion) and hammers
      // a shared one.
      Counter& own = f->CounterWith({"C" + std::to_string(t)});
      Histogram& lat = h->HistogramWith({"COMPANY001"});
      for (int i = 0; i < 10000; ++i) {
        f->CounterWith({"COMPANY001"}).Increment();
        own.Increment();
        lat.Observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(first.value(), 80000);
  EXPECT_EQ(&first, &f->CounterWith({"COMPANY001"}));
  EXPECT_EQ(f->CounterWith({"C3"}).value(), 10000);
  const std::string text = registry.Expose();
  EXPECT_NE(text.find("lat_count{company=\"COMPANY001\"} 80000\n"), std::string::npos);
  EXPECT_NE(text.find("lat_bucket{company=\"COMPANY001\",le=\"0.001\"} 80000\n"),
            std::string::npos);
}

}  // namespace
}  // namespace issuetracker::http
