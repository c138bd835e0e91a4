// DynamoServer: the DynamoDB-compatible endpoint (endpoint.h) on the HTTP server core
// (net/server.h), with DynamoDB's limits: request bodies up to 16 MiB (what one
// BatchWriteItem may transmit), headers up to 16 KiB, the core's read, idle and write
// timeouts, keep-alive, one serving thread per core, and the long operations (table
// restores and backups, and the first request of a database still to be opened) on a pool
// of their own so that they delay no other connection.
// `issuetracker dynamodb` runs one; the tests start one on a free port.
//
// Thread-safety: Stop() and the accessors may be called from any thread.
#pragma once

#include <memory>

#include "common/result.h"
#include "dynamo/backend.h"
#include "dynamo/server/endpoint.h"
#include "net/server.h"

namespace issuetracker::dynamo::server {

// DynamoDB's request size limit: one BatchWriteItem transmits at most 16 MB.
inline constexpr size_t kMaxRequestBytes = 16u << 20;

struct DynamoServerOptions {
  // Address, port (0: a free one), threads, limits and timeouts. Defaults: DynamoDB's
  // (DefaultHttpOptions()). The handler-related fields (offload, error_responder) are set
  // by Start.
  net::ServerOptions http = DefaultHttpOptions();
  EndpointOptions endpoint;

  // The server core's defaults with DynamoDB's body limit.
  static net::ServerOptions DefaultHttpOptions();
};

class DynamoServer {
 public:
  // Starts serving `backend` (not owned; must outlive the server). Fails as
  // net::Server::Start does (bad address, port in use).
  static Result<std::unique_ptr<DynamoServer>> Start(Backend& backend, DynamoServerOptions options);
  // Starts serving each caller from its database in `databases` (not owned; must outlive
  // the server; close it after Stop()).
  static Result<std::unique_ptr<DynamoServer>> Start(DatabasePool& databases,
                                                     DynamoServerOptions options);
  // Stops (gracefully) if still running.
  ~DynamoServer();

  uint16_t port() const { return http_->port(); }
  // "http://127.0.0.1:8000".
  std::string url() const;
  net::Server& http() { return *http_; }
  // Graceful: finishes the requests in flight (see net::Server::Stop). Once it returns no
  // handler runs, so the backend may be closed.
  void Stop() { http_->Stop(); }

 private:
  DynamoServer() = default;
  static Result<std::unique_ptr<DynamoServer>> Serve(std::unique_ptr<Endpoint> endpoint,
                                                     net::ServerOptions http);
  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<net::Server> http_;
};

}  // namespace issuetracker::dynamo::server
