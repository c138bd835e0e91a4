#include "tests/backend_factory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#include "dynamo/client/client.h"
#include "dynamo/wire/dispatch.h"
#include "engine/engine.h"
#include "tests/forwarding_backend.h"
#include "tests/peer_process.h"
#include "tests/stub_server.h"

namespace issuetracker::testing {

std::vector<std::string> BackendKinds() {
  return {"embedded", "loopback", "dynalite", "moto", "endpoint"};
}

bool IsPeer(const std::string& kind) { return kind == "dynalite" || kind == "moto"; }

bool IsServerProcess(const std::string& kind) { return IsPeer(kind) || kind == "endpoint"; }

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

std::unique_ptr<engine::Engine> OpenEngine(const std::string& dir) {
  engine::EngineOptions options;
  options.path = dir + "/db";
  options.block_cache_bytes = 8u << 20;
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) Die("cannot open engine: " + engine.status().ToString());
  return std::move(engine).value();
}

dynamo::client::ClientOptions PeerClientOptions(const std::string& url) {
  dynamo::client::ClientOptions o;
  auto endpoint = dynamo::client::ParseEndpoint(url);
  if (!endpoint.ok()) Die(endpoint.status().ToString());
  o.endpoint = *endpoint;
  o.region = "us-east-1";
  o.credentials = {"AKIDTESTS", "test-secret", "", "tests"};
  o.retry.max_attempts = 3;  // moto answers some inputs with HTTP 500 (docs/compatibility.md)
  o.retry.base_delay = std::chrono::milliseconds(5);
  o.retry.throttling_base_delay = std::chrono::milliseconds(20);
  o.http.request_timeout = std::chrono::milliseconds(30000);
  return o;
}

// A python3 that can import moto, or empty: $IT_MOTO_PYTHON, the one on PATH (the machine
// image's, through pyenv), pyenv's installed versions, the system's.
std::string FindMotoPython() {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("IT_MOTO_PYTHON")) candidates.push_back(p);
  candidates.push_back("python3");
  if (const char* home = std::getenv("HOME")) {
    std::error_code ec;
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(home) + "/.pyenv/versions", ec)) {
      candidates.push_back((e.path() / "bin/python3").string());
    }
  }
  candidates.push_back("/usr/bin/python3");
  for (const auto& c : candidates) {
    std::string command = c + " -c 'import moto.server, flask' >/dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return c;
  }
  return {};
}

struct Peers {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<PeerProcess>> running;
  std::map<std::string, std::string> unavailable;
  std::unique_ptr<TempDir> endpoint_dir;  // the endpoint's data; removed after it stops
};

Peers& peers() {
  static Peers* p = new Peers();  // stopped by PeerEnvironment::TearDown
  return *p;
}

std::unique_ptr<PeerProcess> LaunchPeer(const std::string& kind, std::string* error) {
  std::vector<std::string> argv;
  if (kind == "dynalite") {
    const std::string dir = SourceDir() + "/tools/dynalite";
    if (!std::filesystem::exists(dir + "/node_modules/dynalite/package.json")) {
      *error = "dynalite is not installed in tools/dynalite (scripts/install-deps installs it)";
      return nullptr;
    }
    if (std::system("command -v node >/dev/null 2>&1") != 0) {
      *error = "Node.js (node) is not installed";
      return nullptr;
    }
    argv = {"node", dir + "/serve.js"};
  } else if (kind == "moto") {
    std::string python = FindMotoPython();
    if (python.empty()) {
      *error = "moto is not installed (no python3 here imports moto.server and flask)";
      return nullptr;
    }
    argv = {python, SourceDir() + "/tools/moto/serve.py"};
  } else if (kind == "endpoint") {
    if (!std::filesystem::exists(IT_ISSUETRACKER_BINARY)) {
      *error = std::string(IT_ISSUETRACKER_BINARY) + " is not built";
      return nullptr;
    }
    if (!peers().endpoint_dir) peers().endpoint_dir = std::make_unique<TempDir>();
    argv = {IT_ISSUETRACKER_BINARY, "dynamodb", "--port", "0", "--print-port", "--threads", "2"};
    // More flags for the endpoint, such as --in-memory (space-separated).
    bool in_memory = false;
    if (const char* more = std::getenv("IT_ENDPOINT_FLAGS")) {
      std::istringstream words(more);
      for (std::string word; words >> word;) {
        in_memory = in_memory || word == "--in-memory";
        argv.push_back(word);
      }
    }
    if (!in_memory) {  // --in-memory takes no directory
      argv.push_back("--data-dir");
      argv.push_back(peers().endpoint_dir->path() + "/db");
    }
  } else {
    *error = "unknown peer " + kind;
    return nullptr;
  }
  std::string why;
  auto process = PeerProcess::Start(argv, 30000, &why);
  if (!process) *error = kind + " did not start: " + why;
  return process;
}

// Empties a peer: moto through its reset API, others by deleting every table.
void Reset(const std::string& kind, const std::string& url, dynamo::Backend& client) {
  if (kind == "moto") {
    auto pool = dynamo::client::ConnectionPool::Create(*dynamo::client::ParseEndpoint(url), {});
    auto r = (*pool)->Send({"/moto-api/reset", {}, ""});
    if (!r.ok() || r->status != 200) Die("cannot reset moto: " + r.status().ToString());
    return;
  }
  if (kind == "endpoint") {
    // Backups outlive their tables on the engine: every one goes too.
    while (true) {
      auto backups = client.ListBackups({});
      if (!backups.ok()) Die("cannot list backups: " + backups.status().ToString());
      if (backups->backup_summaries.empty()) break;
      for (const auto& b : backups->backup_summaries) {
        dynamo::DeleteBackupRequest d;
        d.backup_arn = b.backup_arn;
        if (auto r = client.DeleteBackup(d); !r.ok() && !r.status().Is(Code::kBackupNotFound)) {
          Die("cannot delete a backup: " + r.status().ToString());
        }
      }
    }
  }
  while (true) {
    auto list = client.ListTables({});
    if (!list.ok()) Die("cannot list " + kind + " tables: " + list.status().ToString());
    if (list->table_names.empty()) return;
    for (const auto& t : list->table_names) {
      auto d = client.DeleteTable({t});
      if (!d.ok() && !d.status().Is(Code::kResourceNotFound) &&
          !d.status().Is(Code::kResourceInUse)) {
        Die("cannot delete " + kind + " table " + t + ": " + d.status().ToString());
      }
    }
  }
}

class PeerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const std::string kind = TestBackendKind();
    if (!IsServerProcess(kind)) return;
    std::string unavailable;
    if (PeerUrl(kind, &unavailable).empty()) {
      GTEST_SKIP() << "IT_TEST_BACKEND=" << kind << " cannot run here: " << unavailable;
    }
  }
  void TearDown() override {
    std::lock_guard<std::mutex> lock(peers().mu);
    peers().running.clear();
    peers().endpoint_dir.reset();
  }
};

const bool kEnvironmentRegistered =
    (::testing::AddGlobalTestEnvironment(new PeerEnvironment()), true);

}  // namespace

std::string PeerUrl(const std::string& kind, std::string* unavailable) {
  Peers& p = peers();
  std::lock_guard<std::mutex> lock(p.mu);
  if (auto it = p.running.find(kind); it != p.running.end()) return it->second->url();
  if (auto it = p.unavailable.find(kind); it != p.unavailable.end()) {
    *unavailable = it->second;
    return {};
  }
  std::string error;
  auto process = LaunchPeer(kind, &error);
  if (!process) {
    p.unavailable[kind] = error;
    *unavailable = error;
    return {};
  }
  std::string url = process->url();
  p.running[kind] = std::move(process);
  return url;
}

std::unique_ptr<dynamo::Backend> MakeBackend(const std::string& kind, const std::string& dir,
                                             std::string* unavailable) {
  if (kind == "embedded") return OpenEngine(dir);
  if (kind == "loopback") {
    std::shared_ptr<engine::Engine> engine = OpenEngine(dir);
    auto server = std::make_shared<StubServer>(
        [engine](const StubRequest& r) {
          dynamo::wire::Reply reply = dynamo::wire::Dispatch(*engine, r.target, r.body);
          return StubAction::Reply(reply.http_status, std::move(reply.body));
        },
        2);
    auto client = dynamo::client::DynamoClient::Open(PeerClientOptions(server->url()));
    if (!client.ok()) Die(client.status().ToString());
    std::shared_ptr<dynamo::Backend> c = std::move(client).value();
    dynamo::Backend* target = c.get();
    // Released in order: the client, the server (joining its threads), the engine.
    return std::make_unique<ForwardingBackend>(
        target, std::vector<std::shared_ptr<void>>{c, server, engine});
  }
  if (IsServerProcess(kind)) {
    std::string url = PeerUrl(kind, unavailable);
    if (url.empty()) return nullptr;
    auto client = dynamo::client::DynamoClient::Open(PeerClientOptions(url));
    if (!client.ok()) Die(client.status().ToString());
    Reset(kind, url, **client);
    return std::move(client).value();
  }
  Die("unknown backend kind: " + kind);
}

std::string TestBackendKind() {
  const char* kind = std::getenv("IT_TEST_BACKEND");
  return kind && *kind ? kind : "embedded";
}

int RoundsFor(int own, int peer) { return IsPeer(TestBackendKind()) ? peer : own; }

std::unique_ptr<dynamo::Backend> MakeTestBackend(const std::string& dir) {
  std::string unavailable;
  auto backend = MakeBackend(TestBackendKind(), dir, &unavailable);
  if (!backend) Die("IT_TEST_BACKEND=" + TestBackendKind() + " cannot run: " + unavailable);
  return backend;
}

}  // namespace issuetracker::testing
