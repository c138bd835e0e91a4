#include "dynamo/server/server.h"

namespace issuetracker::dynamo::server {

net::ServerOptions DynamoServerOptions::DefaultHttpOptions() {
  net::ServerOptions o;
  o.max_body_bytes = kMaxRequestBytes;
  return o;
}

Result<std::unique_ptr<DynamoServer>> DynamoServer::Start(Backend& backend,
                                                          DynamoServerOptions options) {
  std::unique_ptr<DynamoServer> server(new DynamoServer());
  server->endpoint_ = std::make_unique<Endpoint>(backend, std::move(options.endpoint));
  options.http.offload = &Endpoint::IsLongRunning;
  options.http.error_responder = &Endpoint::ShapeServerError;
  const Endpoint* endpoint = server->endpoint_.get();
  IT_ASSIGN_OR_RETURN(server->http_, net::Server::Start(std::move(options.http),
                                                        [endpoint](const net::Request& request,
                                                                   net::Response& response) {
                                                          endpoint->Handle(request, response);
                                                        }));
  return server;
}

DynamoServer::~DynamoServer() {
  if (http_) http_->Stop();
}

std::string DynamoServer::url() const {
  const std::string& address = http_->address();
  const bool v6 = address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(http_->port());
}

}  // namespace issuetracker::dynamo::server
