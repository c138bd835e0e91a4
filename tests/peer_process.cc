#include "tests/peer_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace issuetracker::testing {

std::string SourceDir() { return IT_SOURCE_DIR; }

std::unique_ptr<PeerProcess> PeerProcess::Start(const std::vector<std::string>& argv,
                                                int timeout_ms, std::string* error) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return nullptr;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0 && !std::getenv("IT_PEER_STDERR")) dup2(devnull, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  std::unique_ptr<PeerProcess> p(new PeerProcess());
  p->pid_ = pid;
  p->stdin_fd_ = in[1];
  // Read the first line (the port).
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd pfd{out[0], POLLIN, 0};
    if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      *error = "no port printed within " + std::to_string(timeout_ms) + " ms";
      break;
    }
    char buffer[64];
    ssize_t n = read(out[0], buffer, sizeof(buffer));
    if (n <= 0) {
      *error = "exited before printing its port";
      break;
    }
    line.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  int port = line.find('\n') == std::string::npos ? 0 : std::atoi(line.c_str());
  if (port <= 0 || port > 65535) {
    if (error->empty()) *error = "printed no port: " + line;
    return nullptr;  // the destructor stops the child
  }
  p->port_ = static_cast<uint16_t>(port);
  return p;
}

PeerProcess::~PeerProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (pid_ <= 0) return;
  // Give it a moment to exit on its own, then insist.
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    if (i == 10) kill(pid_, SIGTERM);
    usleep(10'000);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

}  // namespace issuetracker::testing
