// A metrics registry exposed in the Prometheus text format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): counters, gauges and
// histograms, each a family with fixed label names whose series are looked up by label
// values.
//
// Costs: looking up a series takes a shared lock on its family (an exclusive one the first
// time); callers on hot paths look a series up once and keep the reference, which stays
// valid as long as the registry. Updating a series is lock-free (atomics).
//
// Output: families in registration order, each with its # HELP and # TYPE lines (also
// when it has no series yet), then its series ordered by label values. Label values are
// escaped (backslash, double quote, newline), as is HELP text (backslash, newline).
// Values print as integers when they are integral, else in the shortest form that reads
// back exactly; +Inf, -Inf and NaN as Prometheus spells them.
//
// Thread-safety: all members are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace issuetracker::http {

// The Content-Type of Expose()'s output.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// A value that only goes up (requests served, errors, capacity units consumed).
class Counter {
 public:
  // REQUIRES: by >= 0 (a negative increment is ignored).
  void Increment(double by = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down (open connections, items stored).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted in cumulative buckets with upper bounds (le), plus their sum and
// count (latencies in seconds, sizes in bytes).
class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void Observe(double v);

  // For exposition: per-bucket (non-cumulative) counts, the last for +Inf; and the sum.
  std::vector<uint64_t> BucketCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double>* bounds_;                // owned by the family; ascending, finite
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_->size() + 1
  std::atomic<double> sum_{0};
};

// Latency bucket bounds in seconds, from 100 microseconds to 10 seconds.
std::vector<double> DefaultLatencyBuckets();

enum class MetricType : uint8_t { kCounter, kGauge, kHistogram };

// One metric family: a name, help text, label names and its series.
class MetricFamily {
 public:
  // The series for these label values (one per label name, in order), created on first
  // use. REQUIRES: values.size() == label_names().size() (checked by assert; in release
  // builds missing values are empty and extra values ignored).
  Counter& CounterWith(std::initializer_list<std::string_view> values);
  Gauge& GaugeWith(std::initializer_list<std::string_view> values);
  Histogram& HistogramWith(std::initializer_list<std::string_view> values);
  // REQUIRES: type() matches the accessor used above (assert; wrong type returns a
  // detached dummy series).

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  friend class MetricsRegistry;
  struct Series;
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> bounds);
  Series& Find(std::span<const std::string_view> values);
  void Expose(std::string& out) const;

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;             // histograms only
  mutable std::shared_mutex mu_;                 // guards series_
  std::vector<std::unique_ptr<Series>> series_;  // sorted by label values
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();

  // Registers a family. kValidation for an invalid or already registered metric name
  // ([a-zA-Z_:][a-zA-Z0-9_:]*), an invalid or duplicate label name ([a-zA-Z_][a-zA-Z0-9_]*,
  // not starting with "__"; "le" is reserved for histograms), or histogram bounds that are
  // empty, not finite or not strictly increasing (+Inf is implicit).
  Result<MetricFamily*> AddCounter(std::string name, std::string help,
                                   std::vector<std::string> label_names = {});
  Result<MetricFamily*> AddGauge(std::string name, std::string help,
                                 std::vector<std::string> label_names = {});
  Result<MetricFamily*> AddHistogram(std::string name, std::string help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds = DefaultLatencyBuckets());

  // Every family in the text format.
  std::string Expose() const;

 private:
  Result<MetricFamily*> Add(std::string name, std::string help, MetricType type,
                            std::vector<std::string> label_names, std::vector<double> bounds);

  mutable std::mutex mu_;  // guards families_
  std::vector<std::unique_ptr<MetricFamily>> families_;
};

}  // namespace issuetracker::http
