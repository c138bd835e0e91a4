// StubServer: an in-process HTTP/1.1 server on 127.0.0.1 (a port the system picks) whose
// every answer a test decides: a reply, a reply after a delay, or a dropped connection.
// Stands in for a DynamoDB endpoint in client tests, fault injection and benchmarks.
//
// Requests are served on the server's own threads, in the order each connection sends
// them; the handler may be called from several server threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace issuetracker::testing {

struct StubRequest {
  std::string target;  // X-Amz-Target
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased
};

struct StubAction {
  enum class Kind : uint8_t {
    kReply,  // answer (after `delay`)
    kDrop,   // close the connection without answering (after `delay`)
  };
  Kind kind = Kind::kReply;
  int status = 200;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
  bool close_after = false;  // answer with Connection: close and close

  static StubAction Reply(int status, std::string body) {
    StubAction a;
    a.status = status;
    a.body = std::move(body);
    return a;
  }
  static StubAction Drop(std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
    StubAction a;
    a.kind = Kind::kDrop;
    a.delay = delay;
    return a;
  }
};

// PEM files of a certificate chain and its private key, for a TLS stub.
struct TlsFiles {
  std::string certificate_chain;
  std::string private_key;
};

class StubServer {
 public:
  using Handler = std::function<StubAction(const StubRequest&)>;

  // Starts listening; aborts the test binary when it cannot.
  explicit StubServer(Handler handler, int threads = 1, const TlsFiles* tls = nullptr);
  // Stops accepting, closes every connection and joins the server threads.
  ~StubServer();
  StubServer(const StubServer&) = delete;
  StubServer& operator=(const StubServer&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" (https with TLS).
  std::string url() const;
  uint64_t connections_accepted() const { return accepted_->load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool tls_ = false;
  std::shared_ptr<std::atomic<uint64_t>> accepted_;
};

}  // namespace issuetracker::testing
