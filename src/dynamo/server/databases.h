// DatabasePool: the databases an endpoint serves. Like DynamoDB Local, the endpoint keeps a
// separate database per access key and region (the caller's credential scope), so that
// parallel test workers that sign with different keys never see each other's tables,
// backups or streams; or, shared, one database for every caller (`--shared-db`).
//
// A per-caller database is named "<access key>_<region>" (DatabaseName) and opened on the
// first request that needs it, by the pool's opener (the CLI opens the engine in
// <data dir>/<name>, on disk or in memory). Names are safe as directory names: an access
// key must be 1 to 128 letters and digits (DynamoDB Local's rule since its version 2), a
// region 1 to 64 letters, digits and dashes; anything else (a '/', "..", a '_') is
// answered with DynamoDB's error before any file is touched.
//
// At most max_open databases are open at once: opening one more first closes the least
// recently used database that no request is using (it is reopened, data intact, when next
// needed). When every open database is in use, the bound is exceeded for that moment
// rather than a request failing.
//
// Concurrency: the first requests of a new caller that arrive together open its database
// once (the others wait for that open and share it); a database is never closed while a
// request holds it (a Lease); closing and reopening one name never overlap.
//
// Thread-safety: Acquire may be called from many threads at once. Close requires that no
// Lease is held (call it after the server has stopped: no request is in flight).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "common/status.h"
#include "dynamo/backend.h"
#include "dynamo/server/sigv4_auth.h"

namespace issuetracker::dynamo::server {

// Opens the database `name` ("<access key>_<region>", or "shared") for `caller` (empty
// fields for the shared database). Called at most once at a time per name.
using DatabaseOpener =
    std::function<Result<std::unique_ptr<Backend>>(const std::string& name, const Caller& caller)>;

struct DatabasePoolOptions {
  // One database for every caller, opened by Create (so that an unusable store fails at
  // startup). Otherwise one per access key and region, opened on first use.
  bool shared = false;
  // Per-caller mode: the bound on open databases (at least 1).
  size_t max_open = 64;
  DatabaseOpener open;
};

// The name of the database of `caller`, or DynamoDB's error when the access key or the
// region cannot name one (UnrecognizedClientException "The Access Key ID or security token
// is invalid.", as DynamoDB Local answers a key that is not alphanumeric;
// InvalidSignatureException for a region that is not one).
Result<std::string> DatabaseName(const Caller& caller);

// The name of the shared database.
inline constexpr char kSharedDatabase[] = "shared";

class DatabasePool {
 private:
  struct Slot;

 public:
  // A database in use by one request: it stays open while the lease lives.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) = delete;
    ~Lease();
    Backend& operator*() const { return *backend_; }
    Backend* operator->() const { return backend_; }

   private:
    friend class DatabasePool;
    Lease(DatabasePool* pool, std::shared_ptr<Slot> slot, Backend* backend);
    DatabasePool* pool_;
    std::shared_ptr<Slot> slot_;
    Backend* backend_;
  };

  struct Stats {
    size_t open = 0;      // databases open now
    uint64_t opened = 0;  // opens so far (reopens included)
    uint64_t closed = 0;  // closes of least recently used databases so far
  };

  // A pool as `options` say. In shared mode opens the database now and fails as the
  // opener does.
  static Result<std::unique_ptr<DatabasePool>> Create(DatabasePoolOptions options);
  // A shared pool over `backend` (not owned; must outlive the pool).
  static std::unique_ptr<DatabasePool> Of(Backend& backend);

  // Closes every database (Close()).
  ~DatabasePool();
  DatabasePool(const DatabasePool&) = delete;
  DatabasePool& operator=(const DatabasePool&) = delete;

  // The database of `caller`, opened if needed. DatabaseName's errors; the opener's as
  // InternalServerError naming the database (the next request tries again).
  Result<Lease> Acquire(const Caller& caller);

  // Whether Acquire(caller) would find its database open (or fail at once on a bad name),
  // rather than open it.
  bool IsOpen(const Caller& caller) const;

  // Closes every open database, one after the other. REQUIRES: no Lease is held.
  void Close();

  bool shared() const { return options_.shared; }
  Stats stats() const;

 private:
  explicit DatabasePool(DatabasePoolOptions options) : options_(std::move(options)) {}
  Result<Lease> AcquireSlot(const std::string& name, const Caller& caller);
  void Release(Slot& slot);
  // Counts one more open database, first closing least recently used idle ones while
  // max_open are open.
  void ReserveRoom();

  const DatabasePoolOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;  // guarded by mu_; never erased
  // Guarded by mu_:
  uint64_t clock_ = 0;   // orders uses, for LRU
  size_t open_ = 0;      // open or being opened
  uint64_t opened_ = 0;  // Stats
  uint64_t closed_ = 0;
};

}  // namespace issuetracker::dynamo::server
