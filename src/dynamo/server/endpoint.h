// Endpoint: the DynamoDB JSON protocol over any dynamo::Backend, as a pure HTTP handler
// (net::Handler): it never sees a socket. The embedded engine served by it is a local
// DynamoDB that the AWS CLI, the SDKs, boto3 and GUIs such as dynamodb-admin use as they
// use DynamoDB (docs/dynamodb-endpoint.md).
//
// What a request gets, in DynamoDB's order (each answer as DynamoDB gives it):
//   - GET (any path): 200 "healthy: dynamodb.<region>.amazonaws.com " (the health check
//     some harnesses poll; DynamoDB's text, trailing space included);
//   - OPTIONS with an Origin: the CORS preflight answer (DynamoDB allows browsers);
//   - a method other than POST, or a body whose Content-Type is neither
//     application/x-amz-json-1.0 nor application/json: 404 "<UnknownOperationException/>";
//   - a body that is not JSON: SerializationException;
//   - an X-Amz-Target naming no operation (DynamoDB_20120810.* or
//     DynamoDBStreams_20120810.*): UnknownOperationException;
//   - authentication (sigv4_auth.h): MissingAuthenticationTokenException,
//     IncompleteSignatureException, and with access keys configured
//     InvalidSignatureException, UnrecognizedClientException;
//   - the caller's database (databases.h): UnrecognizedClientException for an access key
//     that cannot name one, InternalServerError when it cannot be opened;
//   - then the operation: decoded by the wire codec (SerializationException,
//     ValidationException), served by that database, its response or error encoded.
// Every answer carries x-amzn-RequestId (52 characters, as DynamoDB's) and, with a body,
// x-amz-crc32 (the CRC-32 of the body, which botocore and the JS SDK check); errors are
// HTTP 400 (500 InternalServerError, 503 ServiceUnavailable) with DynamoDB's
// {"__type": ..., "message": ...}.
//
// Thread-safety: Handle may be called from many threads at once (as the backend's).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "dynamo/backend.h"
#include "dynamo/server/databases.h"
#include "dynamo/server/sigv4_auth.h"
#include "net/http_types.h"

namespace issuetracker::dynamo::server {

struct EndpointOptions {
  // The region in the health answer and that verified credentials must be scoped to.
  std::string region = "us-east-1";
  // Access keys whose signatures are verified; empty: local mode (AuthOptions).
  std::map<std::string, std::string> access_keys;
  std::chrono::seconds max_clock_skew{15 * 60};
  // The clock signatures are checked against (tests skew it). Unset: the system clock.
  std::function<std::chrono::system_clock::time_point()> now;
};

class Endpoint {
 public:
  // Serves every caller from `backend` (not owned; must outlive the endpoint).
  Endpoint(Backend& backend, EndpointOptions options);
  // Serves each caller from its database in `databases` (not owned; must outlive the
  // endpoint).
  Endpoint(DatabasePool& databases, EndpointOptions options);

  // The net::Handler: answers `request` in `response` (which arrives reset).
  void Handle(const net::Request& request, net::Response& response) const;

  // The body of an error the HTTP server answers by itself (net::ErrorResponder): 413 for a
  // request over DynamoDB's size limit gets no body, as DynamoDB answers; the others a
  // text body naming the problem. Every one carries x-amzn-RequestId and x-amz-crc32.
  static void ShapeServerError(int status, std::string_view detail, net::Response& response);

  // Whether `request` names an operation that may take seconds (a table restore or
  // backup, whose time grows with the table), to be run off the I/O threads
  // (net::ServerOptions::offload).
  static bool IsLongRunning(const net::Request& request);
  // IsLongRunning, or a request whose database is still to be opened (tens to hundreds of
  // milliseconds, once per database): what DynamoServer runs off the I/O threads.
  bool ShouldOffload(const net::Request& request) const;

  const EndpointOptions& options() const { return options_; }

 private:
  Endpoint(std::unique_ptr<DatabasePool> own, DatabasePool* databases, EndpointOptions options);
  void Serve(const net::Request& request, net::Response& response) const;

  std::unique_ptr<DatabasePool> own_databases_;  // the first constructor's
  DatabasePool* const databases_;
  const EndpointOptions options_;
  const RequestAuthenticator authenticator_;
  const std::string health_text_;
};

// A DynamoDB request id: 52 characters of [A-Z0-9], random.
std::string NewRequestId();

// The value of x-amz-crc32 for `body`: its CRC-32 (zlib's) in decimal.
std::string Crc32Header(std::string_view body);

}  // namespace issuetracker::dynamo::server
