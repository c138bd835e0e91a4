// Fault injection: the client backend against a DynamoDB endpoint that misbehaves for a
// while. An in-process stub serves the DynamoDB protocol over the embedded engine and, for
// its first requests, answers at random with throttling errors, 500 and 503, replies slower
// than the client's timeout, connections dropped before or after applying the request, and
// BatchWriteItem results with unprocessed items. The test proves that the client retries,
// that its delays stay within the backoff bounds, that slow replies time out, and that no
// write is lost or applied twice.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "dynamo/client/client.h"
#include "dynamo/wire/codec.h"
#include "dynamo/wire/dispatch.h"
#include "tenancy/store_util.h"
#include "tests/backend_factory.h"
#include "tests/stub_server.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using Clock = std::chrono::steady_clock;
using dynamo::AttributeValue;

enum class Fault {
  kNone,
  kThrottle,
  kInternal,
  kUnavailable,
  kSlow,
  kDropBefore,
  kDropAfter,
  kPartialBatch
};

constexpr auto kRequestTimeout = std::chrono::milliseconds(150);
constexpr auto kSlowReply = std::chrono::milliseconds(1000);
constexpr int kFaultyRequests = 400;  // the first requests may fail; later ones never do
constexpr int kMaxAttempts = 10;

// One request as the stub saw it.
struct Seen {
  std::string target;
  std::string body;
  Fault fault;
  bool applied;
  Clock::time_point at;
};

class FaultyEndpoint {
 public:
  explicit FaultyEndpoint(dynamo::Backend& engine)
      : engine_(engine), server_([this](const StubRequest& r) { return Handle(r); }, 4) {}

  std::string url() const { return server_.url(); }
  std::vector<Seen> log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

 private:
  Fault Pick(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    if (++count_ > kFaultyRequests || target.ends_with(".CreateTable") ||
        target.ends_with(".DescribeTable")) {
      return Fault::kNone;
    }
    std::uniform_int_distribution<int> d(0, 99);
    int x = d(rng_);
    if (x < 6) return Fault::kThrottle;
    if (x < 11) return Fault::kInternal;
    if (x < 16) return Fault::kUnavailable;
    if (x < 20) return Fault::kSlow;
    if (x < 26) return Fault::kDropBefore;
    if (x < 32) return Fault::kDropAfter;
    if (x < 45 && target.ends_with(".BatchWriteItem")) return Fault::kPartialBatch;
    return Fault::kNone;
  }

  StubAction Handle(const StubRequest& r) {
    const Fault fault = Pick(r.target);
    Seen seen{r.target, r.body, fault, false, Clock::now()};
    StubAction action;
    switch (fault) {
      case Fault::kThrottle:
        action = Error(Status(Code::kProvisionedThroughputExceeded, "slow down"));
        break;
      case Fault::kInternal:
        action = Error(Status::Internal("injected"));
        break;
      case Fault::kUnavailable:
        action = StubAction::Reply(503, "<html>Service Unavailable</html>");
        break;
      case Fault::kDropBefore:
        action = StubAction::Drop();
        break;
      case Fault::kPartialBatch:
        action = PartialBatch(r.body);
        seen.applied = true;
        break;
      default: {
        dynamo::wire::Reply reply = dynamo::wire::Dispatch(engine_, r.target, r.body);
        seen.applied = reply.http_status == 200;
        action = StubAction::Reply(reply.http_status, std::move(reply.body));
        if (fault == Fault::kSlow) action.delay = kSlowReply;
        if (fault == Fault::kDropAfter) action = StubAction::Drop();
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    log_.push_back(std::move(seen));
    return action;
  }

  static StubAction Error(const Status& s) {
    dynamo::wire::ErrorReply e = dynamo::wire::EncodeError(s);
    return StubAction::Reply(e.http_status, std::move(e.body));
  }

  // Applies the first half of each table's writes and returns the rest as unprocessed.
  StubAction PartialBatch(const std::string& body) {
    dynamo::BatchWriteItemRequest request;
    EXPECT_TRUE(dynamo::wire::Decode(body, &request).ok());
    dynamo::BatchWriteItemResponse response;
    for (auto& [table, writes] : request.request_items) {
      size_t keep = writes.size() / 2;
      auto& rest = response.unprocessed_items[table];
      rest.assign(writes.begin() + static_cast<long>(keep), writes.end());
      writes.resize(keep);
      if (rest.empty()) response.unprocessed_items.erase(table);
    }
    std::erase_if(request.request_items, [](const auto& kv) { return kv.second.empty(); });
    if (!request.request_items.empty()) {
      EXPECT_TRUE(engine_.BatchWriteItem(request).ok());
    }
    return StubAction::Reply(200, dynamo::wire::Encode(response));
  }

  dynamo::Backend& engine_;
  std::mutex mu_;  // guards the members below
  std::mt19937 rng_{20240115};
  int count_ = 0;
  std::vector<Seen> log_;
  StubServer server_;  // last: stopped first
};

TEST(ClientFaultTest, RetriesWithinBoundsAndNeverLosesOrDoublesAWrite) {
  TempDir dir;
  std::string unavailable;
  std::unique_ptr<dynamo::Backend> engine = MakeBackend("embedded", dir.path(), &unavailable);
  ASSERT_TRUE(engine->CreateTable(TableRequest("Items", "id")).ok());
  FaultyEndpoint endpoint(*engine);

  std::mutex delays_mu;
  std::vector<std::chrono::milliseconds> delays;
  dynamo::client::ClientOptions o;
  o.endpoint = *dynamo::client::ParseEndpoint(endpoint.url());
  o.credentials = {"AKID", "secret", "", "test"};
  o.http.request_timeout = kRequestTimeout;
  o.retry.max_attempts = kMaxAttempts;
  o.retry.base_delay = std::chrono::milliseconds(2);
  o.retry.throttling_base_delay = std::chrono::milliseconds(10);
  o.retry.max_backoff = std::chrono::milliseconds(40);
  o.retry.quota_capacity = 1'000'000;
  o.retry.jitter_seed = 5;
  o.retry.sleep = [&](std::chrono::milliseconds d) {
    {
      std::lock_guard<std::mutex> lock(delays_mu);
      delays.push_back(d);
    }
    std::this_thread::sleep_for(d);
  };
  auto opened = dynamo::client::DynamoClient::Open(o);
  ASSERT_TRUE(opened.ok());
  dynamo::client::DynamoClient& client = **opened;

  // The workload, on four threads: puts, transactions (a put and a counter increment each),
  // counter updates that may not be repeated, and batches.
  constexpr int kPuts = 120, kTransactions = 40, kUpdates = 40, kBatches = 8;
  std::atomic<int> next{0};
  std::mutex results_mu;
  std::map<std::string, Status> update_results;  // update id -> outcome
  std::atomic<int> failures{0};
  auto work = [&] {
    for (int i; (i = next.fetch_add(1)) < kPuts + kTransactions + kUpdates + kBatches;) {
      Status s;
      if (i < kPuts) {
        dynamo::PutItemRequest put{"Items",
                                   MakeItem({{"id", S("p" + std::to_string(i))}, {"v", N(i)}})};
        s = client.PutItem(put).status();
      } else if (i < kPuts + kTransactions) {
        const int t = i - kPuts;
        dynamo::TransactWriteItemsRequest txn;
        dynamo::TransactWriteItem put, add;
        put.put = dynamo::TransactPut{
            "Items", MakeItem({{"id", S("t" + std::to_string(t))}}), std::nullopt, {}, {}, {}};
        add.update = dynamo::TransactUpdate{"Items",
                                            MakeItem({{"id", S("txn-counter")}}),
                                            "ADD #n :one",
                                            std::nullopt,
                                            {{"#n", "n"}},
                                            {{":one", N(1)}},
                                            {}};
        txn.transact_items = {put, add};
        s = client.TransactWriteItems(txn).status();
      } else if (i < kPuts + kTransactions + kUpdates) {
        const std::string id = "u" + std::to_string(i);
        dynamo::UpdateItemRequest u;
        u.table_name = "Items";
        u.key = MakeItem({{"id", S("update-counter")}});
        u.update_expression = "ADD #n :one SET #last = :id";
        u.expression_attribute_names = {{"#n", "n"}, {"#last", "last"}};
        u.expression_attribute_values = {{":one", N(1)}, {":id", S(id)}};
        Status r = client.UpdateItem(u).status();
        std::lock_guard<std::mutex> lock(results_mu);
        update_results[id] = r;
        continue;
      } else {
        const int b = i - kPuts - kTransactions - kUpdates;
        std::vector<dynamo::WriteRequest> writes;
        for (int k = 0; k < 25; ++k) {
          writes.push_back({MakeItem({{"id", S("b" + std::to_string(b * 25 + k))}}), std::nullopt});
        }
        s = tenancy::BatchWriteAll(client, {{"Items", std::move(writes)}});
      }
      if (!s.ok()) {
        ADD_FAILURE() << "call " << i << " failed: " << s.ToString();
        failures.fetch_add(1);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);

  // Nothing lost: every put, transaction and batch item is there, as written.
  auto get = [&](const std::string& id) {
    dynamo::GetItemRequest g{"Items", MakeItem({{"id", S(id)}}), true};
    auto r = engine->GetItem(g);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->item : std::nullopt;
  };
  for (int i = 0; i < kPuts; ++i) {
    auto item = get("p" + std::to_string(i));
    ASSERT_TRUE(item) << i;
    EXPECT_EQ(item->at("v"), N(i));
  }
  for (int t = 0; t < kTransactions; ++t) EXPECT_TRUE(get("t" + std::to_string(t))) << t;
  for (int b = 0; b < kBatches * 25; ++b) EXPECT_TRUE(get("b" + std::to_string(b))) << b;
  // Nothing doubled: the transactions' counter counts each transaction once, although
  // several were answered late or not at all and sent again (same ClientRequestToken).
  EXPECT_EQ(get("txn-counter")->at("n"), N(kTransactions));

  const std::vector<Seen> log = endpoint.log();
  // Updates that add may not be repeated once they may have been applied: each was applied
  // at most once, and exactly once when the client reported success.
  std::map<std::string, int> applied_updates;
  for (const Seen& s : log) {
    if (!s.applied || !s.target.ends_with(".UpdateItem")) continue;
    dynamo::UpdateItemRequest u;
    ASSERT_TRUE(dynamo::wire::Decode(s.body, &u).ok());
    ++applied_updates[u.expression_attribute_values.at(":id").s()];
  }
  int applied_total = 0;
  for (const auto& [id, outcome] : update_results) {
    const int applied = applied_updates[id];
    EXPECT_LE(applied, 1) << id;
    if (outcome.ok()) {
      EXPECT_EQ(applied, 1) << id;
    } else {
      // Only an ambiguous failure may be reported, and it names the uncertainty.
      EXPECT_EQ(outcome.code(), Code::kIOError) << outcome.ToString();
      EXPECT_NE(outcome.message().find("may or may not have been applied"), std::string::npos);
    }
    applied_total += applied;
  }
  auto counter = get("update-counter");
  ASSERT_TRUE(counter);
  EXPECT_EQ(counter->at("n"), N(applied_total));

  // The faults happened and were retried: every kind was injected, and the stub saw more
  // requests than the workload made calls.
  std::map<Fault, int> seen;
  for (const Seen& s : log) ++seen[s.fault];
  for (Fault f : {Fault::kThrottle, Fault::kInternal, Fault::kUnavailable, Fault::kSlow,
                  Fault::kDropBefore, Fault::kDropAfter, Fault::kPartialBatch}) {
    EXPECT_GT(seen[f], 0) << static_cast<int>(f);
  }
  EXPECT_GT(log.size(), static_cast<size_t>(kPuts + kTransactions + kUpdates + kBatches));

  // Bounded attempts: no request body was sent more than kMaxAttempts times (a retry sends
  // the same body; a transaction's attempts share their token).
  std::map<std::string, int> attempts;
  for (const Seen& s : log) ++attempts[s.target + s.body];
  for (const auto& [body, n] : attempts) EXPECT_LE(n, kMaxAttempts) << body.substr(0, 200);

  // Backoff bounds: every delay within [0, max_backoff], some long and some short (jitter).
  ASSERT_FALSE(delays.empty());
  for (auto d : delays) {
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d, o.retry.max_backoff);
  }
  // Timeouts: after a slow reply the same request came again once the client's timeout
  // expired (plus at most one backoff), long before the slow reply would have arrived.
  int timed_out = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].fault != Fault::kSlow) continue;
    for (size_t j = i + 1; j < log.size(); ++j) {
      if (log[j].target != log[i].target || log[j].body != log[i].body) continue;
      auto gap = log[j].at - log[i].at;
      // (The stub stamps a request once it has read it; the client starts its clock before
      // writing, hence the allowance.)
      EXPECT_GE(gap, kRequestTimeout - std::chrono::milliseconds(30));
      EXPECT_LT(gap, kRequestTimeout + o.retry.max_backoff + std::chrono::milliseconds(500));
      EXPECT_LT(gap, kSlowReply);
      ++timed_out;
      break;
    }
  }
  EXPECT_GT(timed_out, 0);
}

TEST(ClientFaultTest, ConnectionRefusedIsRetriedThenReported) {
  // A port nothing listens on (a stub started and stopped).
  std::string url;
  {
    StubServer gone([](const StubRequest&) { return StubAction::Reply(200, "{}"); });
    url = gone.url();
  }
  dynamo::client::ClientOptions o;
  o.endpoint = *dynamo::client::ParseEndpoint(url);
  o.credentials = {"AKID", "secret", "", "test"};
  o.retry.max_attempts = 4;
  int sleeps = 0;
  o.retry.sleep = [&sleeps](std::chrono::milliseconds) { ++sleeps; };
  auto client = dynamo::client::DynamoClient::Open(o);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->ListTables({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIOError);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(sleeps, 3);  // four attempts, three waits
}

}  // namespace
}  // namespace issuetracker::testing
