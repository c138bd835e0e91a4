// `issuetracker dynamodb`: the store served over the DynamoDB JSON protocol
// (dynamo/server), so that the AWS CLI, the SDKs, boto3 and dynamodb-admin work with it as
// with DynamoDB (docs/dynamodb-endpoint.md). Like DynamoDB Local it keeps a database per
// access key and region under the data directory (<dir>/<key>_<region>, opened on first
// use), or one for everyone with --shared-db (the data directory itself, as every other
// command opens it); --in-memory keeps them in memory only. Runs until SIGINT or SIGTERM,
// then finishes the requests in flight and closes every database.
#include <fmt/core.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "dynamo/client/credentials.h"
#include "dynamo/server/server.h"
#include "engine/engine.h"

namespace issuetracker::cli {
namespace {

struct DynamodbFlags {
  std::string listen = "127.0.0.1";
  uint16_t port = 8000;
  int threads = 0;
  std::vector<std::string> access_keys;  // ID:SECRET
  std::string access_keys_file;
  bool print_port = false;
  bool shared_db = false;
  bool in_memory = false;
  size_t max_open_databases = 32;
  // How often the time-to-live expirer of each database looks for expired items.
  int64_t ttl_interval_seconds = engine::EngineOptions().ttl_interval_seconds;
};

// Where per-caller databases live in memory (a directory of the in-memory file system).
constexpr char kMemoryRoot[] = "/in-memory";

// Each per-caller database's block cache; the shared database keeps the engine's default.
constexpr size_t kPerCallerBlockCacheBytes = 16u << 20;

// Whether `dir` is an engine database (RocksDB's CURRENT file).
bool IsDatabase(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / "CURRENT", ec);
}

// Refuses a data directory laid out for the other mode: per-caller databases are
// subdirectories <key>_<region>; a shared one is the directory itself.
Status CheckLayout(const std::string& dir, bool shared) {
  std::error_code ec;
  if (!shared && IsDatabase(dir)) {
    return Status::Validation(
        dir +
        " holds a single database (as `issuetracker --data-dir` and `dynamodb --shared-db` "
        "write it), not one per access key: serve it with --shared-db");
  }
  if (shared && !IsDatabase(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.is_directory(ec) && IsDatabase(entry.path()) &&
          entry.path().filename().string().find('_') != std::string::npos) {
        return Status::Validation(dir + " holds databases per access key (such as " +
                                  entry.path().filename().string() +
                                  "): serve it without --shared-db, or name another directory");
      }
    }
  }
  return Status::Ok();
}

// What is served: the embedded engine's databases (on disk or in memory), or one other
// backend the options name (shared by every caller).
struct Store {
  std::unique_ptr<rocksdb::Env> memory;  // --in-memory: the file system of every database
  std::unique_ptr<engine::CustomEnv> memory_env;
  std::unique_ptr<dynamo::server::DatabasePool> databases;
  std::string description;
};

Result<Store> OpenStore(const GlobalOptions& options, const DynamodbFlags& flags,
                        const std::string& region) {
  IT_ASSIGN_OR_RETURN(StoreSpec spec, ParseStore(options));
  Store store;
  dynamo::server::DatabasePoolOptions o;
  o.max_open = flags.max_open_databases;
  o.shared = flags.shared_db;
  if (spec.kind != StoreSpec::Kind::kEmbedded) {
    if (flags.in_memory) return Status::Validation("--in-memory serves the embedded engine only");
    // Another DynamoDB: one backend for every caller.
    o.shared = true;
    o.open = [&options](const std::string&, const dynamo::server::Caller&) {
      return OpenBackend(options);
    };
    store.description = spec.Describe() + " (shared by every access key)";
    IT_ASSIGN_OR_RETURN(store.databases, dynamo::server::DatabasePool::Create(std::move(o)));
    return store;
  }
  std::string root = spec.location;
  if (flags.in_memory) {
    if (options.data_dir_given || !options.store.empty()) {
      return Status::Validation("--in-memory writes no files: it takes no --data-dir or --store");
    }
    store.memory.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    store.memory_env = std::make_unique<engine::CustomEnv>(nullptr, store.memory->GetFileSystem());
    root = kMemoryRoot;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) return Status::IOError("cannot create " + root + ": " + ec.message());
    IT_RETURN_IF_ERROR(CheckLayout(root, o.shared));
  }
  engine::Env* env = store.memory_env.get();
  const bool shared = o.shared;
  const int64_t ttl_interval = flags.ttl_interval_seconds;
  o.open = [root, env, shared, region, ttl_interval](
               const std::string& name,
               const dynamo::server::Caller& caller) -> Result<std::unique_ptr<dynamo::Backend>> {
    engine::EngineOptions e;
    e.env = env;
    e.ttl_interval_seconds = ttl_interval;
    if (shared) {
      e.path = env != nullptr ? root + "/" + name : root;
      e.region = region;
    } else {
      e.path = root + "/" + name;
      e.region = caller.region;
      e.block_cache_bytes = kPerCallerBlockCacheBytes;
    }
    IT_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(e));
    return std::unique_ptr<dynamo::Backend>(std::move(engine));
  };
  const std::string where = flags.in_memory ? std::string("in memory (no files)") : root;
  store.description = shared ? "one database shared by every access key, " + where
                             : "a database per access key and region, " + where;
  IT_ASSIGN_OR_RETURN(store.databases, dynamo::server::DatabasePool::Create(std::move(o)));
  return store;
}

Result<std::map<std::string, std::string>> AccessKeys(const DynamodbFlags& flags) {
  std::map<std::string, std::string> keys;
  if (!flags.access_keys_file.empty()) {
    IT_ASSIGN_OR_RETURN(keys, dynamo::server::LoadAccessKeys(flags.access_keys_file));
  }
  for (const std::string& text : flags.access_keys) {
    IT_ASSIGN_OR_RETURN(auto key, dynamo::server::ParseAccessKey(text));
    keys[key.first] = key.second;
  }
  return keys;
}

// Per access key, each verified key names its database: one that cannot would be refused on
// every request.
Status KeysNameDatabases(const std::map<std::string, std::string>& keys, const std::string& region,
                         const DynamodbFlags& flags) {
  if (flags.shared_db) return Status::Ok();
  for (const auto& [id, secret] : keys) {
    if (!dynamo::server::DatabaseName({id, region}).ok()) {
      return Status::Validation("access key '" + id +
                                "' cannot name a database (letters and digits only, at most "
                                "128): use another key, or --shared-db");
    }
  }
  return Status::Ok();
}

int RunDynamodb(const GlobalOptions& options, const DynamodbFlags& flags) {
  const std::string region =
      !options.region.empty()
          ? options.region
          : dynamo::client::ResolveRegion(dynamo::client::AwsEnvironment::Process())
                .value_or("us-east-1");
  auto keys = AccessKeys(flags);
  if (!keys.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: {}\n", keys.status().ToString());
    return 2;
  }
  if (Status named = KeysNameDatabases(*keys, region, flags); !named.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: {}\n", named.message());
    return 2;
  }
  auto store = OpenStore(options, flags, region);
  if (!store.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: cannot open the store: {}\n",
               store.status().ToString());
    return 1;
  }
  dynamo::server::DynamoServerOptions o;
  o.http.address = flags.listen;
  o.http.port = flags.port;
  o.http.threads = flags.threads;
  o.endpoint.region = region;
  o.endpoint.access_keys = *keys;
  const size_t key_count = keys->size();
  auto server = dynamo::server::DynamoServer::Start(*store->databases, std::move(o));
  if (!server.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: cannot listen on {}:{}: {}\n", flags.listen,
               flags.port, server.status().ToString());
    return 1;
  }
  const std::string url = (*server)->url();
  net::RunUntilSignal((*server)->http(), [&] {
    // Messages go to standard error; standard output carries only the port (--print-port),
    // for scripts that start the endpoint on --port 0.
    if (flags.print_port) {
      fmt::print("{}\n", (*server)->port());
      std::fflush(stdout);
    }
    fmt::print(stderr,
               "issuetracker dynamodb: serving {} at {} (region {}, {}, {} threads)\n"
               "Try: aws dynamodb list-tables --endpoint-url {}\n"
               "Stop with Ctrl-C (SIGINT) or SIGTERM.\n",
               store->description, url, region,
               key_count == 0 ? std::string("local mode: any well-formed signature accepted")
                              : fmt::format("signatures verified for {} access key(s)", key_count),
               flags.threads == 0 ? std::thread::hardware_concurrency()
                                  : static_cast<unsigned>(flags.threads),
               url);
  });
  // Stop() has finished every request in flight: no handler runs, no database is in use.
  server->reset();
  const auto stats = store->databases->stats();
  store->databases->Close();
  fmt::print(stderr, "issuetracker dynamodb: stopped; the store is closed ({} database(s))\n",
             stats.open);
  return 0;
}

}  // namespace

void AddDynamodbCommand(CLI::App& app, const GlobalOptions& options) {
  auto flags = std::make_shared<DynamodbFlags>();
  CLI::App* cmd = app.add_subcommand(
      "dynamodb",
      "Serve the store over the DynamoDB API (JSON protocol, Streams included) for the AWS CLI, "
      "the SDKs and tools such as dynamodb-admin");
  cmd->add_option("--listen", flags->listen, "Address to listen on (IPv4 or IPv6)")
      ->capture_default_str();
  cmd->add_option("--port", flags->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Serving threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--access-key", flags->access_keys,
                  "ACCESS_KEY_ID:SECRET_ACCESS_KEY whose SigV4 signatures are verified "
                  "(repeatable). Without keys any well-formed signature is accepted, as "
                  "DynamoDB Local does");
  cmd->add_option("--access-keys-file", flags->access_keys_file,
                  "File of access keys to verify: lines 'ID SECRET', or an AWS credentials file")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--print-port", flags->print_port,
                "Print the port listened on as the first line of standard output");
  cmd->add_flag("--shared-db", flags->shared_db,
                "One database for every access key and region: the data directory itself, as "
                "the other commands open it. Default: like DynamoDB Local, a database per access "
                "key and region, DATA_DIR/<key>_<region>, opened on first use");
  cmd->add_flag("--in-memory", flags->in_memory,
                "Keep every database in memory (no files; lost when the process ends), per "
                "access key or with --shared-db");
  cmd->add_option("--max-open-databases", flags->max_open_databases,
                  "Bound on databases open at once; beyond it the least recently used idle one "
                  "is closed (and reopened when next used)")
      ->check(CLI::Range(size_t{1}, size_t{100000}))
      ->capture_default_str();
  cmd->add_option("--ttl-interval", flags->ttl_interval_seconds,
                  "Seconds between the time-to-live expirer's passes: an expired item is deleted "
                  "at most this long (plus one pass) after it expires. Tests set 1")
      ->check(CLI::Range(int64_t{1}, int64_t{86400}))
      ->capture_default_str();
  cmd->callback([&options, flags] {
    if (int rc = RunDynamodb(options, *flags); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace issuetracker::cli
