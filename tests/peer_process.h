// PeerProcess: a DynamoDB implementation that no one here wrote (dynalite, moto), run as a
// child process on a loopback port it picks and prints, for the tests of the client
// backend. The child exits when this process's end of its standard input closes, so it
// ends with the test binary even when the binary crashes.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace issuetracker::testing {

class PeerProcess {
 public:
  // Starts `argv` and reads the port from the first line of its standard output, waiting
  // up to `timeout_ms`. nullptr (with *error set) when it cannot.
  static std::unique_ptr<PeerProcess> Start(const std::vector<std::string>& argv, int timeout_ms,
                                            std::string* error);
  // Stops the child (closes its stdin, then SIGTERM, then SIGKILL) and reaps it.
  ~PeerProcess();

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  PeerProcess() = default;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  uint16_t port_ = 0;
};

// The repository's root directory (for tools/).
std::string SourceDir();

}  // namespace issuetracker::testing
