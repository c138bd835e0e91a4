// Test support: temporary directories and the storage backends the behaviour suite runs
// against. Every backend here implements dynamo::Backend; suites parameterised over
// BackendKinds() run the same cases against each:
//   - "embedded": the engine, in-process;
//   - "loopback": the engine behind an in-process HTTP server that serves the DynamoDB JSON
//     protocol (wire::Dispatch), reached through the client backend: every call crosses
//     the codec, the signer and the connection pool both ways;
//   - "dynalite": the client backend against dynalite (tools/dynalite, Node.js);
//   - "moto": the client backend against moto's server (the machine's Python with moto);
//   - "endpoint": the client backend against `issuetracker dynamodb` (our own endpoint,
//     src/dynamo/server, on the embedded engine) run as a real child process, with the
//     extra flags in $IT_ENDPOINT_FLAGS (such as --in-memory).
// The servers (the peers and the endpoint) are started once per test binary, on a loopback
// port they pick, and stopped when it ends; every backend made on them starts from an empty
// server (all tables gone, and on the endpoint all backups).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dynamo/backend.h"
#include "tests/temp_dir.h"

namespace issuetracker::testing {

// Every backend kind, in the order above.
std::vector<std::string> BackendKinds();

// Whether a kind is a DynamoDB implementation other than ours (whose documented departures
// the suite marks).
bool IsPeer(const std::string& kind);

// Whether a kind is a server process shared by the binary's tests (a peer or "endpoint").
bool IsServerProcess(const std::string& kind);

// Opens a backend of the given kind storing its data under `dir` (an empty server for the
// peers). nullptr, with the reason in *unavailable, when the kind cannot run here (its
// peer is not installed). Aborts the test binary on any other failure.
std::unique_ptr<dynamo::Backend> MakeBackend(const std::string& kind, const std::string& dir,
                                             std::string* unavailable);

// The backend the tenancy and tracker tests use: the kind named by $IT_TEST_BACKEND
// ("embedded" when unset). When that kind cannot run here, every test of the binary is
// reported skipped with the reason (a global test environment checks it first).
std::unique_ptr<dynamo::Backend> MakeTestBackend(const std::string& dir);
// $IT_TEST_BACKEND, or "embedded".
std::string TestBackendKind();
// How many rounds a test runs: `peer` when the test backend is a peer DynamoDB (moto
// serves one request at a time, so there every racing operation waits for all the
// others'), `own` on ours.
int RoundsFor(int own, int peer);

// The base URL of a running server process ("dynalite", "moto", "endpoint"), starting it
// if needed; empty (with *unavailable set) when it cannot run here.
std::string PeerUrl(const std::string& kind, std::string* unavailable);

}  // namespace issuetracker::testing
