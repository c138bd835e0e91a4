// Test support: commands and servers run as child processes of a test.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace issuetracker::testing {

// What a command printed (standard output and error together) and its exit status.
struct CommandRun {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string output;
};

// Runs `binary args` through the shell until it ends.
CommandRun RunCommand(const std::string& binary, const std::string& args);

// A test of this binary run as a child process that a test kills, in a fresh process (an
// execve of /proc/self/exe): a forked copy of a process that has used RocksDB would inherit
// its thread pools without their threads, and any lock one of them held at the fork (a
// forked child that opens a database can wait for ever). The child reports on a pipe.
struct SelfTestChild {
  pid_t pid = -1;    // -1 when it could not be started
  int read_fd = -1;  // the pipe's read end, for the caller to read and close
};
// Runs `test_name` ("Suite.DISABLED_Name": disabled, so that it runs only so) with
// `variable` in its environment carrying `value` and the pipe's write end.
SelfTestChild SpawnSelfTest(const std::string& test_name, const std::string& variable,
                            const std::string& value);
// In such a child: the value and the pipe descriptor its parent passed, or nullopt when
// `variable` is not set (the test was not started by SpawnSelfTest).
struct SelfTestArgs {
  std::string value;
  int fd = -1;
};
std::optional<SelfTestArgs> GetSelfTestArgs(const char* variable);

// A server started as `argv` (argv[0] the binary) in `cwd` ("" for the test's own), which
// prints the port it listens on as the first line of its standard output (`--print-port`);
// its standard error goes to `stderr_file`. Killed with SIGKILL when destroyed unless it
// was waited for.
class PortPrintingProcess {
 public:
  PortPrintingProcess(std::vector<std::string> argv, const std::string& stderr_file,
                      const std::string& cwd = "");
  ~PortPrintingProcess();
  PortPrintingProcess(const PortPrintingProcess&) = delete;
  PortPrintingProcess& operator=(const PortPrintingProcess&) = delete;

  // 0 when the process printed no port within 30 s.
  int port() const { return port_; }
  // Sends SIGTERM and waits: the exit status (-1 if it did not exit normally).
  int Terminate();
  // Waits for the process to end: the exit status (-1 if it did not exit normally).
  int Wait();
  // What it wrote to standard error so far.
  std::string Stderr() const;

 private:
  std::string stderr_file_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool reaped_ = false;
};

}  // namespace issuetracker::testing
