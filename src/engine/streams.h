// Streams: the part of the engine behind DynamoDB Streams (Engine's operations in
// stream_ops.cc) and the change log's upkeep: the background trimmer that drops records
// past retention (trimmer.cc). Internal.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/core.h"

namespace issuetracker::engine {

class Streams {
 public:
  explicit Streams(EngineCore& core) : core_(core) {}
  // Stops the trimmer.
  ~Streams();
  Streams(const Streams&) = delete;
  Streams& operator=(const Streams&) = delete;

  // Starts the background trimmer (a pass every trim_interval_seconds).
  void StartTrimmer();
  // One trimming pass: for each table, one range tombstone over its records older than
  // its retention (all of them for a deleted table), so it never blocks writers.
  Status Trim();

 private:
  void RunTrimmer();

  EngineCore& core_;
  std::mutex mu_;  // with wake_: wakes the trimmer for shutdown
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread trimmer_;
};

}  // namespace issuetracker::engine
