// MeteredBackend: a dynamo::Backend decorator that attributes the capacity each data-plane
// call consumes (and the items it returns) to the company whose request made it — the
// spec's monitoring ("capacity consumption ... and who caused them") per company rather
// than per table.
//
// The REST service marks the thread that handles a company's request with a CompanyMeter
// (MeteringScope); every data-plane call made on that thread while the scope lives asks the
// backend for its consumed capacity (ReturnConsumedCapacity TOTAL, unless the caller asked
// already) and adds read units, write units and returned items to that meter. Calls made
// outside a scope pass straight through. What the caller receives is unchanged, except
// that the consumed capacity is filled in.
//
// The decorator offers dynamo::Extensions exactly when the wrapped backend does
// (WrapWithMetering), so callers' fallbacks stay what they were; its TableMetricsSource
// forwards to the wrapped backend's, or answers UnknownOperation when that keeps none.
//
// Thread-safety: as the wrapped backend; the meters are atomics.
#pragma once

#include <memory>

#include "dynamo/backend.h"
#include "http/metrics.h"

namespace issuetracker::http {

// One company's counters (owned by the service's metrics registry).
struct CompanyMeter {
  Counter* read_units = nullptr;
  Counter* write_units = nullptr;
  Counter* returned_items = nullptr;
};

// Marks the current thread as working for `meter` (nullptr: nobody) until destroyed.
class MeteringScope {
 public:
  explicit MeteringScope(const CompanyMeter* meter);
  ~MeteringScope();
  MeteringScope(const MeteringScope&) = delete;
  MeteringScope& operator=(const MeteringScope&) = delete;

 private:
  const CompanyMeter* previous_;
};

// A metering decorator of `inner` (which must outlive it).
std::unique_ptr<dynamo::Backend> WrapWithMetering(dynamo::Backend& inner);

}  // namespace issuetracker::http
