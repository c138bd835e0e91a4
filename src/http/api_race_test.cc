// Races with real threads: the tokens of a user demoted or disabled mid-flight, and a company
// offboarded while its requests run. A request that starts after the change has committed
// must fail (401), and what the successful requests wrote is exactly what is stored.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "http/api_test_util.h"

namespace issuetracker::http::testing {
namespace {

using Users = SampleUsers;
using Clock = std::chrono::steady_clock;

struct Outcome {
  Clock::time_point started;
  int status;
};

// Runs `request` on `threads` threads until `stop`, recording when each started and its
// status.
class Hammer {
 public:
  Hammer(int threads, std::function<Reply()> request) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, request] {
        while (!stop_.load()) {
          Clock::time_point started = Clock::now();
          Reply r = request();
          std::lock_guard lock(mu_);
          outcomes_.push_back({started, r.status});
        }
      });
    }
  }
  ~Hammer() { Stop(); }
  // Waits (up to 30 s, so that a loaded machine only slows the test down) until `n`
  // requests that started after `since` have finished.
  void WaitForFinished(int n, Clock::time_point since = Clock::time_point::min()) {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        int done = 0;
        for (const Outcome& o : outcomes_) done += o.started > since;
        if (done >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::vector<Outcome> Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    return outcomes_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Outcome> outcomes_;
  std::vector<std::thread> threads_;
};

int Count(const std::vector<Outcome>& outcomes, int status) {
  int n = 0;
  for (const Outcome& o : outcomes) n += o.status == status;
  return n;
}

// Every request started after `changed` got `status`.
void ExpectAfter(const std::vector<Outcome>& outcomes, Clock::time_point changed, int status) {
  int after = 0;
  for (const Outcome& o : outcomes) {
    if (o.started <= changed) continue;
    ++after;
    EXPECT_EQ(o.status, status);
  }
  EXPECT_GT(after, 0) << "no request ran after the change";
}

int CountItems(ApiFixture& f, const std::string& table, std::string_view needle) {
  dynamo::ScanRequest scan;
  scan.table_name = table;
  scan.consistent_read = true;
  auto page = f.engine().Scan(scan);
  if (!page.ok()) return 0;
  int n = 0;
  for (const dynamo::Item& item : page->items) {
    n += dynamo::ItemDebugString(item).find(needle) != std::string::npos;
  }
  return n;
}

TEST(ApiRaces, AnAdminDemotedMidFlight) {
  ApiFixture f;
  const std::string john = f.Token("COMPANY001", Users::kAdmin1);  // Admin
  const std::string super = f.Token("COMPANY001", Users::kSuper1);
  std::atomic<int> n{0};
  Hammer hammer(3, [&] {
    return f.Call(
        "POST", "/v1/teams", john,
        R"({"team_name":"T)" + std::to_string(n++) + R"(","team_lead":"john@techstart.com"})");
  });
  hammer.WaitForFinished(3);
  Reply demoted = f.CallIfMatch("PUT", "/v1/users/john@techstart.com/role", super,
                                "/v1/users/john@techstart.com", R"({"user_role":"User"})");
  ASSERT_EQ(demoted.status, 200) << demoted.body;
  const Clock::time_point changed = Clock::now();
  hammer.WaitForFinished(3, changed);
  std::vector<Outcome> outcomes = hammer.Stop();
  ExpectAfter(outcomes, changed, 401);
  EXPECT_GT(Count(outcomes, 201), 0);
  EXPECT_EQ(Count(outcomes, 201) + Count(outcomes, 401), static_cast<int>(outcomes.size()));
  // Exactly the teams whose creation succeeded exist (plus the sample's TEAM-001).
  EXPECT_EQ(CountItems(f, "IssueTracker-Teams-Pooled", "COMPANY001#TEAM#"),
            Count(outcomes, 201) + 1);
  // A token with the new role works again.
  EXPECT_EQ(f.Call("GET", "/v1/me", f.Token("COMPANY001", Users::kAdmin1, "User")).status, 200);
}

TEST(ApiRaces, AUserDisabledMidFlight) {
  ApiFixture f;
  const std::string sarah = f.Token("COMPANY001", Users::kUser1);
  const std::string admin = f.Token("COMPANY001", Users::kAdmin1);
  Hammer writers(2,
                 [&] { return f.Call("POST", "/v1/issues", sarah, R"({"title":"from sarah"})"); });
  Hammer readers(1, [&] { return f.Call("GET", "/v1/issues/ISS-001", sarah); });
  writers.WaitForFinished(3);
  readers.WaitForFinished(3);
  Reply disabled = f.CallIfMatch("PUT", "/v1/users/sarah@techstart.com/status", admin,
                                 "/v1/users/sarah@techstart.com", R"({"user_status":"disabled"})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  const Clock::time_point changed = Clock::now();
  writers.WaitForFinished(3, changed);
  readers.WaitForFinished(3, changed);
  std::vector<Outcome> writes = writers.Stop();
  std::vector<Outcome> reads = readers.Stop();
  ExpectAfter(writes, changed, 401);
  ExpectAfter(reads, changed, 401);
  EXPECT_GT(Count(writes, 201), 0);
  EXPECT_EQ(CountItems(f, "IssueTracker-Issues-Pooled", "from sarah"), Count(writes, 201));
}

TEST(ApiRaces, ACompanyOffboardedWhileItsRequestsRun) {
  ApiFixture f;
  const std::string lisa = f.Token("COMPANY002", Users::kUser2);
  const std::string mike = f.Token("COMPANY002", Users::kAdmin2);
  std::atomic<int> n{0};
  Hammer issues(2, [&] {
    return f.Call("POST", "/v1/issues", lisa, R"({"title":"late"})",
                  {{"Idempotency-Key", "k" + std::to_string(n++)}});
  });
  Hammer comments(1, [&] {
    return f.Call("POST", "/v1/issues/ISS-001/comments", mike, R"({"content":"still here"})");
  });
  // The other company goes on undisturbed.
  const std::string sarah = f.Token("COMPANY001", Users::kUser1);
  Hammer neighbour(1, [&] { return f.Call("GET", "/v1/issues/ISS-001", sarah); });
  issues.WaitForFinished(3);
  comments.WaitForFinished(3);
  ASSERT_EQ(f.Call("DELETE", "/v1/companies/COMPANY002", f.PlatformToken()).status, 204);
  const Clock::time_point changed = Clock::now();
  issues.WaitForFinished(3, changed);
  comments.WaitForFinished(3, changed);
  neighbour.WaitForFinished(3, changed);
  std::vector<Outcome> created = issues.Stop();
  std::vector<Outcome> commented = comments.Stop();
  std::vector<Outcome> neighbours = neighbour.Stop();
  ExpectAfter(created, changed, 401);
  ExpectAfter(commented, changed, 401);
  EXPECT_EQ(Count(neighbours, 200), static_cast<int>(neighbours.size()));
  // Nothing of the company is left: no items, no idempotency records.
  for (const char* table :
       {"IssueTracker-Issues-Pooled", "IssueTracker-Teams-Pooled", "IssueTracker-Comments-Pooled",
        "IssueTracker-Users-Pooled", "IssueTracker-IdempotencyKeys"}) {
    EXPECT_EQ(CountItems(f, table, "COMPANY002"), 0) << table;
  }
  EXPECT_EQ(f.Call("GET", "/v1/issues", lisa).status, 401);
}

}  // namespace
}  // namespace issuetracker::http::testing
