#include "common/clock.h"

#include <chrono>

namespace issuetracker {

int64_t SystemClock::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const Clock* SystemClock::Default() {
  static const SystemClock kClock;
  return &kClock;
}

}  // namespace issuetracker
