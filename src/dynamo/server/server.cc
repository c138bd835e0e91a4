#include "dynamo/server/server.h"

namespace issuetracker::dynamo::server {

net::ServerOptions DynamoServerOptions::DefaultHttpOptions() {
  net::ServerOptions o;
  o.max_body_bytes = kMaxRequestBytes;
  return o;
}

Result<std::unique_ptr<DynamoServer>> DynamoServer::Start(Backend& backend,
                                                          DynamoServerOptions options) {
  return Serve(std::make_unique<Endpoint>(backend, std::move(options.endpoint)),
               std::move(options.http));
}

Result<std::unique_ptr<DynamoServer>> DynamoServer::Start(DatabasePool& databases,
                                                          DynamoServerOptions options) {
  return Serve(std::make_unique<Endpoint>(databases, std::move(options.endpoint)),
               std::move(options.http));
}

Result<std::unique_ptr<DynamoServer>> DynamoServer::Serve(std::unique_ptr<Endpoint> endpoint,
                                                          net::ServerOptions http) {
  std::unique_ptr<DynamoServer> server(new DynamoServer());
  server->endpoint_ = std::move(endpoint);
  const Endpoint* handler = server->endpoint_.get();
  http.offload = [handler](const net::Request& request) { return handler->ShouldOffload(request); };
  http.error_responder = &Endpoint::ShapeServerError;
  IT_ASSIGN_OR_RETURN(server->http_,
                      net::Server::Start(std::move(http), [handler](const net::Request& request,
                                                                    net::Response& response) {
                        handler->Handle(request, response);
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
