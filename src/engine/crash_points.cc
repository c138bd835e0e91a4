#include "engine/crash_points.h"

#include <array>
#include <mutex>

namespace issuetracker::engine {

std::string_view CrashPointName(CrashPoint point) {
  static constexpr std::array<std::string_view, kCrashPointCount> kNames = {
#define IT_CRASH_POINT_NAME(id, name, durable) name,
      IT_ENGINE_CRASH_POINTS(IT_CRASH_POINT_NAME)
#undef IT_CRASH_POINT_NAME
  };
  const auto i = static_cast<size_t>(point);
  return i < kNames.size() ? kNames[i] : std::string_view("?");
}

#ifdef IT_CRASH_POINTS
namespace {
std::mutex handler_mu;
std::function<void(CrashPoint)> handler;  // guarded by handler_mu
}  // namespace

void SetCrashPointHandler(std::function<void(CrashPoint)> h) {
  std::lock_guard<std::mutex> lock(handler_mu);
  handler = std::move(h);
}

void ReachCrashPoint(CrashPoint point) {
  std::function<void(CrashPoint)> h;
  {
    std::lock_guard<std::mutex> lock(handler_mu);
    h = handler;
  }
  if (h) h(point);
}
#endif

}  // namespace issuetracker::engine
