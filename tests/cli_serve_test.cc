// `make run` with the real binary on the embedded default: provision, seed --sample, verify,
// `token issue`, then `serve` in the foreground on a port it picks: the welcome's URL and
// first curl work, another company's token gets 404, and SIGTERM stops it cleanly.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/test_client.h"
#include "tests/backend_factory.h"
#include "tests/child_process.h"

extern char** environ;

namespace issuetracker::testing {
namespace {

CommandRun Issuetracker(const std::string& args) {
  return RunCommand(IT_ISSUETRACKER_BINARY, args);
}

// `issuetracker serve` as a child process whose stdout and stderr are read through a pipe.
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv;
    std::string binary = IT_ISSUETRACKER_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  bool started() const { return pid_ > 0; }

  // Reads output until it contains `needle` or `timeout` passes; whether it appeared.
  bool WaitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return output_.find(needle) != std::string::npos;
      output_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  // Sends `signal` and waits (up to `timeout`) for the exit; its exit code, -1 if none.
  int StopWith(int signal, std::chrono::milliseconds timeout) {
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        WaitFor("\x01", std::chrono::milliseconds(200));  // the rest of the output
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
};

// The text after `prefix` in `text` up to the first of `ends` ("" when absent).
std::string After(const std::string& text, const std::string& prefix, const std::string& ends) {
  size_t at = text.find(prefix);
  if (at == std::string::npos) return {};
  at += prefix.size();
  return text.substr(at, text.find_first_of(ends, at) - at);
}

std::optional<net::testing::TestResponse> Get(uint16_t port, const std::string& target,
                                              const std::string& token) {
  net::testing::TestConnection c(port);
  if (!c.connected()) return std::nullopt;
  if (!c.Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
              "\r\n\r\n")) {
    return std::nullopt;
  }
  return c.ReadResponse();
}

TEST(CliServeTest, TheMakeRunFlowServesAndStopsOnSigterm) {
  TempDir dir;
  const std::string data = "--data-dir " + dir.path() + "/data ";
  for (const char* step : {"provision", "seed --sample", "verify"}) {
    CommandRun run = Issuetracker(data + step);
    ASSERT_EQ(run.exit_code, 0) << step << ": " << run.output;
  }
  CommandRun lisa = Issuetracker(data + "token issue --company COMPANY002 --user lisa@devcorp.com");
  ASSERT_EQ(lisa.exit_code, 0) << lisa.output;
  const std::string other_token = lisa.output.substr(0, lisa.output.find('\n'));
  CommandRun nobody = Issuetracker(data + "token issue --company COMPANY001 --user x@nowhere.com");
  EXPECT_NE(nobody.exit_code, 0) << nobody.output;

  ServeProcess serve({"--data-dir", dir.path() + "/data", "serve", "--port", "0", "--threads", "2",
                      "--request-log", "off"});
  ASSERT_TRUE(serve.started());
  ASSERT_TRUE(serve.WaitFor("/v1/issues\n", std::chrono::seconds(30))) << serve.output();
  const std::string port_text = After(serve.output(), "listening on http://127.0.0.1:", " \n");
  const int port = std::atoi(port_text.c_str());
  ASSERT_GT(port, 0) << serve.output();
  const std::string token = After(serve.output(), "Authorization: Bearer ", "'");
  ASSERT_FALSE(token.empty()) << serve.output();

  auto issues = Get(static_cast<uint16_t>(port), "/v1/issues", token);
  ASSERT_TRUE(issues.has_value());
  EXPECT_EQ(issues->status, 200) << issues->body;
  EXPECT_NE(issues->body.find("\"ISS-001\""), std::string::npos) << issues->body;
  auto other = Get(static_cast<uint16_t>(port), "/v1/issues/ISS-001", other_token);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->status, 200) << other->body;  // DevCorp's own ISS-001, not TechStart's
  EXPECT_NE(other->body.find("dark mode"), std::string::npos) << other->body;
  auto team = Get(static_cast<uint16_t>(port), "/v1/teams/TEAM-001", other_token);
  ASSERT_TRUE(team.has_value());
  EXPECT_EQ(team->status, 404) << team->body;  // TechStart's team
  auto ready = Get(static_cast<uint16_t>(port), "/readyz", "");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200);

  EXPECT_EQ(serve.StopWith(SIGTERM, std::chrono::seconds(30)), 0) << serve.output();
  EXPECT_NE(serve.output().find("stopped on signal 15"), std::string::npos) << serve.output();
  // The database is closed and whole: the data layer's checks pass on it again.
  CommandRun verify = Issuetracker(data + "verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace issuetracker::testing
