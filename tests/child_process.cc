#include "tests/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace issuetracker::testing {
namespace {

int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

CommandRun RunCommand(const std::string& binary, const std::string& args) {
  std::string command = binary + " " + args + " 2>&1";
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    run.output.append(buffer.data(), n);
  run.exit_code = ExitCode(pclose(pipe));
  return run;
}

SelfTestChild SpawnSelfTest(const std::string& test_name, const std::string& variable,
                            const std::string& value) {
  SelfTestChild child;
  int fds[2];
  if (pipe(fds) != 0) return child;
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);  // only the parent reads
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back(variable + "=" + std::to_string(fds[1]) + "\n" + value);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string self = "/proc/self/exe";
  std::string filter = "--gtest_filter=" + test_name;
  std::string disabled = "--gtest_also_run_disabled_tests";
  char* argv[] = {self.data(), filter.data(), disabled.data(), nullptr};
  child.pid = fork();
  if (child.pid == 0) {  // nothing but execve between fork and exec
    execve(self.c_str(), argv, envp.data());
    _exit(127);
  }
  close(fds[1]);
  if (child.pid < 0) {
    close(fds[0]);
    return child;
  }
  child.read_fd = fds[0];
  return child;
}

std::optional<SelfTestArgs> GetSelfTestArgs(const char* variable) {
  const char* text = std::getenv(variable);
  if (text == nullptr) return std::nullopt;
  const char* newline = std::strchr(text, '\n');
  if (newline == nullptr) return std::nullopt;
  SelfTestArgs args;
  args.fd = std::atoi(std::string(text, newline).c_str());
  args.value = newline + 1;
  return args;
}

PortPrintingProcess::PortPrintingProcess(std::vector<std::string> argv,
                                         const std::string& stderr_file, const std::string& cwd)
    : stderr_file_(stderr_file) {
  int out[2];
  if (pipe(out) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    int err = open(stderr_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(out[0]);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  pollfd pfd{out[0], POLLIN, 0};
  while (poll(&pfd, 1, 30000) > 0 && read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  port_ = std::atoi(line.c_str());
}

PortPrintingProcess::~PortPrintingProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int PortPrintingProcess::Terminate() {
  kill(pid_, SIGTERM);
  return Wait();
}

int PortPrintingProcess::Wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  return ExitCode(status);
}

std::string PortPrintingProcess::Stderr() const {
  std::ifstream in(stderr_file_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace issuetracker::testing
