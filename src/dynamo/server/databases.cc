#include "dynamo/server/databases.h"

#include <vector>

namespace issuetracker::dynamo::server {

struct DatabasePool::Slot {
  std::string name;
  // Held while the database is opened or closed, so that the two never overlap and the
  // first requests of a caller open it once.
  std::mutex mu;
  std::unique_ptr<Backend> owned;  // guarded by mu; null for DatabasePool::Of's backend
  Backend* backend = nullptr;      // guarded by mu; set while open
  // Guarded by the pool's mu_:
  bool is_open = false;    // open and not being closed
  int users = 0;           // leases, acquirers on their way, a closer's pin
  uint64_t last_used = 0;  // the pool's clock_ at the last acquire or release
};

namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

Result<std::string> DatabaseName(const Caller& caller) {
  const std::string& key = caller.access_key;
  bool key_ok = !key.empty() && key.size() <= 128;
  for (char c : key) key_ok = key_ok && IsAlnum(c);
  if (!key_ok) {
    return Status(Code::kUnrecognizedClient, "The Access Key ID or security token is invalid.");
  }
  const std::string& region = caller.region;
  bool region_ok = !region.empty() && region.size() <= 64;
  for (char c : region) region_ok = region_ok && (IsAlnum(c) || c == '-');
  if (!region_ok) {
    return Status(Code::kInvalidSignature, "Credential should be scoped to a valid region. ");
  }
  return key + "_" + region;
}

// ------------------------------------------------------------------------------ Lease

DatabasePool::Lease::Lease(DatabasePool* pool, std::shared_ptr<Slot> slot, Backend* backend)
    : pool_(pool), slot_(std::move(slot)), backend_(backend) {}

DatabasePool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), slot_(std::move(other.slot_)), backend_(other.backend_) {
  other.pool_ = nullptr;
}

DatabasePool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(*slot_);
}

// ------------------------------------------------------------------------------- pool

Result<std::unique_ptr<DatabasePool>> DatabasePool::Create(DatabasePoolOptions options) {
  if (!options.open) return Status::Validation("DatabasePool: no opener");
  if (options.max_open == 0) options.max_open = 1;
  std::unique_ptr<DatabasePool> pool(new DatabasePool(std::move(options)));
  if (pool->shared()) {
    auto lease = pool->AcquireSlot(kSharedDatabase, Caller{});
    if (!lease.ok()) return lease.status();
  }
  return pool;
}

std::unique_ptr<DatabasePool> DatabasePool::Of(Backend& backend) {
  DatabasePoolOptions options;
  options.shared = true;
  std::unique_ptr<DatabasePool> pool(new DatabasePool(std::move(options)));
  auto slot = std::make_shared<Slot>();
  slot->name = kSharedDatabase;
  slot->backend = &backend;
  slot->is_open = true;
  pool->slots_.emplace(kSharedDatabase, std::move(slot));
  pool->open_ = 1;
  return pool;
}

DatabasePool::~DatabasePool() { Close(); }

Result<DatabasePool::Lease> DatabasePool::Acquire(const Caller& caller) {
  if (shared()) return AcquireSlot(kSharedDatabase, caller);
  IT_ASSIGN_OR_RETURN(std::string name, DatabaseName(caller));
  return AcquireSlot(name, caller);
}

bool DatabasePool::IsOpen(const Caller& caller) const {
  if (shared()) return true;
  Result<std::string> name = DatabaseName(caller);
  if (!name.ok()) return true;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(*name);
  return it != slots_.end() && it->second->is_open;
}

Result<DatabasePool::Lease> DatabasePool::AcquireSlot(const std::string& name,
                                                      const Caller& caller) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<Slot>& s = slots_[name];
    if (!s) {
      s = std::make_shared<Slot>();
      s->name = name;
    }
    slot = s;
    ++slot->users;  // from here on the database is not closed under us
    slot->last_used = ++clock_;
  }
  std::unique_lock<std::mutex> slot_lock(slot->mu);
  if (slot->backend == nullptr) {
    if (!shared()) ReserveRoom();
    Result<std::unique_ptr<Backend>> opened = options_.open(name, caller);
    if (!opened.ok()) {
      slot_lock.unlock();
      {
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
      }
      Release(*slot);
      return Status::Internal("Cannot open the database " + name + ": " +
                              opened.status().ToString());
    }
    slot->owned = std::move(opened).value();
    slot->backend = slot->owned.get();
    std::lock_guard<std::mutex> lock(mu_);
    slot->is_open = true;
    if (shared()) ++open_;
    ++opened_;
  }
  Backend* backend = slot->backend;
  slot_lock.unlock();
  return Lease(this, std::move(slot), backend);
}

void DatabasePool::Release(Slot& slot) {
  std::lock_guard<std::mutex> lock(mu_);
  --slot.users;
  slot.last_used = ++clock_;
}

void DatabasePool::ReserveRoom() {
  while (true) {
    std::shared_ptr<Slot> victim;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (open_ < options_.max_open) {
        ++open_;
        return;
      }
      for (const auto& [name, slot] : slots_) {
        if (slot->is_open && slot->users == 0 && (!victim || slot->last_used < victim->last_used)) {
          victim = slot;
        }
      }
      if (!victim) {  // every open database is in use: exceed the bound for now
        ++open_;
        return;
      }
      // Pinned: no other closer picks it; a request for it waits on its mutex and reopens.
      ++victim->users;
      victim->is_open = false;
    }
    {
      std::lock_guard<std::mutex> slot_lock(victim->mu);
      victim->backend = nullptr;
      victim->owned.reset();  // closes the database cleanly
    }
    std::lock_guard<std::mutex> lock(mu_);
    --victim->users;
    --open_;
    ++closed_;
  }
}

void DatabasePool::Close() {
  std::vector<std::shared_ptr<Slot>> slots;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, slot] : slots_) {
      if (slot->is_open) slots.push_back(slot);
      slot->is_open = false;
    }
  }
  for (const auto& slot : slots) {
    std::lock_guard<std::mutex> slot_lock(slot->mu);
    slot->backend = nullptr;
    slot->owned.reset();
  }
  std::lock_guard<std::mutex> lock(mu_);
  open_ = 0;
}

DatabasePool::Stats DatabasePool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{open_, opened_, closed_};
}

}  // namespace issuetracker::dynamo::server
