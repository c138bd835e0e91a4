// Transactions: the part of the engine behind TransactWriteItems and TransactGetItems
// (Engine's, in transact_ops.cc): the idempotency tokens DynamoDB remembers for ten
// minutes, and the steps of a write transaction. Internal.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core.h"

namespace issuetracker::engine {

// One write action, normalised across the four kinds.
struct TransactAction {
  enum class Kind { kConditionCheck, kPut, kDelete, kUpdate } kind;
  std::string table_name;
  const dynamo::Item* item = nullptr;  // Put
  const dynamo::Item* key = nullptr;   // others
  std::optional<std::string> condition;
  const std::string* update = nullptr;
  const dynamo::ExpressionNames* names = nullptr;
  const dynamo::ExpressionValues* values = nullptr;
  dynamo::ReturnValuesOnConditionCheckFailure on_failure;
};

// An action resolved against its table.
struct TransactPrepared {
  const TableDesc* table = nullptr;
  // The action's item or key breaks the table's schema or DynamoDB's item rules: the
  // transaction is cancelled with this as the action's ValidationError reason.
  Status item_error;
  std::string key;
  std::unique_ptr<Condition> condition;
  std::unique_ptr<Update> update;
  std::optional<dynamo::Item> put_item;
};

class Transactions {
 public:
  explicit Transactions(EngineCore& core) : core_(core) {}

  // A transaction's ClientRequestToken and what identifies its request.
  struct Token {
    const std::string* token = nullptr;  // none: the request has no token
    std::string fingerprint;
  };

  // ClientRequestToken handling (DynamoDB's, for 10 minutes): whether a transaction with
  // this token and fingerprint was already applied (then it must not be applied again);
  // IdempotentParameterMismatchException for the token of a different request.
  Result<bool> CheckIdempotency(const std::string& token, const std::string& fingerprint);
  // Validates an action against its table (keys, item, expressions).
  Status Prepare(const TransactAction& a, const TableDesc& t, TransactPrepared* p);
  // Locks every item, reads them, evaluates every action, and commits all of them in one
  // batch (their change records one block of stamps) — or none, with a
  // TransactionCanceledException. Adds the write capacity per table to `tallies`. With a
  // token, checks it again under the locks (sets *already_applied and applies nothing when
  // a retry finds it) and remembers it before the locks are released.
  Status Apply(const std::vector<TransactAction>& actions,
               const std::vector<TransactPrepared>& prepared, const Token& token,
               std::map<std::string, WriteTally>* tallies, bool* already_applied);

 private:
  static Status Evaluate(const TransactAction& a, const TransactPrepared& p,
                         const std::optional<dynamo::Item>& old,
                         std::optional<dynamo::Item>* result);

  // Records a committed transaction's token. REQUIRES: called before its item locks are
  // released, so that a concurrent retry finds it.
  void RememberToken(const std::string& token, const std::string& fingerprint);

  EngineCore& core_;
  std::mutex mu_;  // guards tokens_: committed ClientRequestToken -> (fingerprint, time)
  std::map<std::string, std::pair<std::string, int64_t>> tokens_;
};

}  // namespace issuetracker::engine
