// Clock: the source of wall-clock time, injectable so tests can control it.
#pragma once

#include <atomic>
#include <cstdint>

namespace issuetracker {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch. Thread-safe.
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1000000; }
};

// The system's real-time clock. Thread-safe; stateless.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  // A process-wide instance (stateless, so sharing it is safe).
  static const Clock* Default();
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros) : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(std::memory_order_acquire); }
  void AdvanceMicros(int64_t delta) { now_.fetch_add(delta, std::memory_order_acq_rel); }
  void SetMicros(int64_t t) { now_.store(t, std::memory_order_release); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace issuetracker
