#include "http/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace issuetracker::http {
namespace {

bool ValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool ValidLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void AppendValue(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN");
  } else if (std::isinf(v)) {
    out.append(v > 0 ? "+Inf" : "-Inf");
  } else {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, end);
  }
}

void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '"' && escape_quote) {
      out.append("\\\"");
    } else {
      out.push_back(c);
    }
  }
}

// "{a="x",b="y"" without the closing brace (so "le" can follow), or "" with no labels.
void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values) {
  for (size_t i = 0; i < names.size(); ++i) {
    out.push_back(i == 0 ? '{' : ',');
    out.append(names[i]).append("=\"");
    AppendEscaped(out, values[i], true);
    out.push_back('"');
  }
}

void AppendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const std::vector<std::string>& names, const std::vector<std::string>& values,
                  double value) {
  out.append(name).append(suffix);
  AppendLabels(out, names, values);
  if (!names.empty()) out.push_back('}');
  out.push_back(' ');
  AppendValue(out, value);
  out.push_back('\n');
}

// Orders label-value lists (stored strings against looked-up views).
bool ValuesLess(const std::vector<std::string>& a, std::span<const std::string_view> b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](std::string_view x, std::string_view y) { return x < y; });
}
bool ValuesEqual(const std::vector<std::string>& a, std::span<const std::string_view> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](std::string_view x, std::string_view y) { return x == y; });
}

}  // namespace

void Counter::Increment(double by) {
  if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
}

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds->size() + 1)) {}

void Histogram::Observe(double v) {
  // Bucket i counts observations <= bounds[i] (and > bounds[i-1]); the last is +Inf.
  const size_t i =
      static_cast<size_t>(std::lower_bound(bounds_->begin(), bounds_->end(), v) - bounds_->begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> out(bounds_->size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

struct MetricFamily::Series {
  std::vector<std::string> values;
  Counter counter;
  Gauge gauge;
  std::unique_ptr<Histogram> histogram;
};

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type,
                           std::vector<std::string> label_names, std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

MetricFamily::Series& MetricFamily::Find(std::span<const std::string_view> given) {
  assert(given.size() == label_names_.size());
  // Normalise the count (release builds): pad with empty values or drop extras.
  std::vector<std::string_view> padded;
  std::span<const std::string_view> values = given;
  if (given.size() != label_names_.size()) {
    padded.assign(given.begin(), given.begin() + std::min(given.size(), label_names_.size()));
    padded.resize(label_names_.size());
    values = padded;
  }
  const auto less = [](const std::unique_ptr<Series>& s, std::span<const std::string_view> v) {
    return ValuesLess(s->values, v);
  };
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = std::lower_bound(series_.begin(), series_.end(), values, less);
    if (it != series_.end() && ValuesEqual((*it)->values, values)) return **it;
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = std::lower_bound(series_.begin(), series_.end(), values, less);
  if (it != series_.end() && ValuesEqual((*it)->values, values)) return **it;
  auto series = std::make_unique<Series>();
  series->values.assign(values.begin(), values.end());
  if (type_ == MetricType::kHistogram) series->histogram = std::make_unique<Histogram>(&bounds_);
  return **series_.insert(it, std::move(series));
}

Counter& MetricFamily::CounterWith(std::initializer_list<std::string_view> values) {
  assert(type_ == MetricType::kCounter);
  return Find(std::span<const std::string_view>(values.begin(), values.size())).counter;
}

Gauge& MetricFamily::GaugeWith(std::initializer_list<std::string_view> values) {
  assert(type_ == MetricType::kGauge);
  return Find(std::span<const std::string_view>(values.begin(), values.size())).gauge;
}

Histogram& MetricFamily::HistogramWith(std::initializer_list<std::string_view> values) {
  assert(type_ == MetricType::kHistogram);
  Series& s = Find(std::span<const std::string_view>(values.begin(), values.size()));
  if (!s.histogram) {  // wrong family type in a release build: a series nobody exposes
    static thread_local std::vector<double> no_bounds;
    static thread_local Histogram dummy(&no_bounds);
    return dummy;
  }
  return *s.histogram;
}

void MetricFamily::Expose(std::string& out) const {
  static constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};
  out.append("# HELP ").append(name_).push_back(' ');
  AppendEscaped(out, help_, false);
  out.append("\n# TYPE ").append(name_).push_back(' ');
  out.append(kTypeNames[static_cast<int>(type_)]).push_back('\n');
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& s : series_) {
    if (type_ == MetricType::kCounter) {
      AppendSample(out, name_, "", label_names_, s->values, s->counter.value());
    } else if (type_ == MetricType::kGauge) {
      AppendSample(out, name_, "", label_names_, s->values, s->gauge.value());
    } else {
      const std::vector<uint64_t> counts = s->histogram->BucketCounts();
      uint64_t cumulative = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        out.append(name_).append("_bucket");
        AppendLabels(out, label_names_, s->values);
        out.append(label_names_.empty() ? "{le=\"" : ",le=\"");
        AppendValue(out, i < bounds_.size() ? bounds_[i] : INFINITY);
        out.append("\"} ");
        AppendValue(out, static_cast<double>(cumulative));
        out.push_back('\n');
      }
      AppendSample(out, name_, "_sum", label_names_, s->values, s->histogram->sum());
      AppendSample(out, name_, "_count", label_names_, s->values, static_cast<double>(cumulative));
    }
  }
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Result<MetricFamily*> MetricsRegistry::Add(std::string name, std::string help, MetricType type,
                                           std::vector<std::string> label_names,
                                           std::vector<double> bounds) {
  if (!ValidMetricName(name)) return Status::Validation("invalid metric name: " + name);
  for (size_t i = 0; i < label_names.size(); ++i) {
    const std::string& l = label_names[i];
    if (!ValidLabelName(l)) return Status::Validation("invalid label name: " + l);
    if (type == MetricType::kHistogram && l == "le") {
      return Status::Validation("label \"le\" is reserved for histogram buckets");
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<long>(i), l) !=
        label_names.begin() + static_cast<long>(i)) {
      return Status::Validation("duplicate label name: " + l);
    }
  }
  if (type == MetricType::kHistogram) {
    if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
    if (bounds.empty()) return Status::Validation("a histogram needs bucket bounds");
    for (size_t i = 0; i < bounds.size(); ++i) {
      if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        return Status::Validation("histogram bounds must be finite and strictly increasing");
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) {
    if (f->name() == name) return Status::Validation("metric already registered: " + name);
  }
  families_.push_back(std::unique_ptr<MetricFamily>(new MetricFamily(
      std::move(name), std::move(help), type, std::move(label_names), std::move(bounds))));
  return families_.back().get();
}

Result<MetricFamily*> MetricsRegistry::AddCounter(std::string name, std::string help,
                                                  std::vector<std::string> label_names) {
  return Add(std::move(name), std::move(help), MetricType::kCounter, std::move(label_names), {});
}

Result<MetricFamily*> MetricsRegistry::AddGauge(std::string name, std::string help,
                                                std::vector<std::string> label_names) {
  return Add(std::move(name), std::move(help), MetricType::kGauge, std::move(label_names), {});
}

Result<MetricFamily*> MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                    std::vector<std::string> label_names,
                                                    std::vector<double> bounds) {
  return Add(std::move(name), std::move(help), MetricType::kHistogram, std::move(label_names),
             std::move(bounds));
}

std::string MetricsRegistry::Expose() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) f->Expose(out);
  return out;
}

}  // namespace issuetracker::http
