// Client CPU per request: what the client backend's calling thread spends on one GetItem and
// one 20-item Query (encode, sign, send, receive, decode) against an in-process stub server
// on loopback that answers canned DynamoDB responses. Only the calling thread's CPU time is
// counted (the server runs on its own thread). The reference, measured in the same run, is
// the bare HTTP exchange through the same connection pool (same bodies, no codec, no
// signature), so the ratio is the price of the DynamoDB layer over the transport.
//
//   client_bench [--requests=20000]
#include <time.h>

#include <cstdio>

#include "bench/bench_util.h"
#include "dynamo/client/client.h"
#include "dynamo/wire/codec.h"
#include "tests/stub_server.h"

namespace issuetracker::bench {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// An issue as the tracker stores it (about 500 bytes, 16 attributes).
Item IssueItem(int n) {
  Item item;
  const std::string id = "ISS-" + std::to_string(1000 + n);
  item["company_issue_id"] = AttributeValue::S("COMPANY001#ISSUE#" + id);
  item["company_id"] = AttributeValue::S("COMPANY001");
  item["issue_id"] = AttributeValue::S(id);
  item["title"] = AttributeValue::S("Login page not loading on mobile Safari after the update");
  item["description"] = AttributeValue::S(
      "Users report a blank page after signing in on iOS 17; the console shows a CSP error "
      "for the analytics script. Happens on about a third of sessions.");
  item["status"] = AttributeValue::S("In Progress");
  item["priority"] = AttributeValue::S("High");
  item["assigned_user"] = AttributeValue::S("john@devcorp.com");
  item["assigned_team"] = AttributeValue::S("TEAM-001");
  item["reporter"] = AttributeValue::S("lisa@devcorp.com");
  item["created_date"] = AttributeValue::S("2024-01-15T10:30:00Z");
  item["updated_date"] = AttributeValue::S("2024-01-16T14:20:00Z");
  item["due_date"] = AttributeValue::S("2024-01-20");
  item["labels"] = AttributeValue::SS({"bug", "frontend", "mobile"});
  item["estimate_hours"] = AttributeValue::N(8);
  item["version"] = AttributeValue::N(n + 1);
  return item;
}

template <typename Fn>
double CpuMicrosPerCall(int n, Fn&& call) {
  for (int i = 0; i < n / 10; ++i) call();  // warm up: connection, caches, allocator
  const double start = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) call();
  return (ThreadCpuSeconds() - start) * 1e6 / n;
}

int Main(int argc, char** argv) {
  const int requests = static_cast<int>(Flag(argc, argv, "requests", 20000));

  dynamo::GetItemResponse get_response;
  get_response.item = IssueItem(1);
  dynamo::QueryResponse query_response;
  for (int i = 0; i < 20; ++i) query_response.items.push_back(IssueItem(i));
  query_response.count = query_response.scanned_count = 20;
  const std::string get_body = dynamo::wire::Encode(get_response);
  const std::string query_body = dynamo::wire::Encode(query_response);

  testing::StubServer server([&](const testing::StubRequest& r) {
    return testing::StubAction::Reply(200, r.target.ends_with(".Query") ? query_body : get_body);
  });
  dynamo::client::ClientOptions o;
  o.endpoint = *dynamo::client::ParseEndpoint(server.url());
  o.credentials = {"AKIDBENCH", "bench-secret", "", "bench"};
  o.count_consumed_capacity = false;  // the canned responses carry none
  auto client = dynamo::client::DynamoClient::Open(o);
  if (!client.ok()) return 1;

  dynamo::GetItemRequest get;
  get.table_name = "IssueTracker-Issues-Pooled";
  get.key["company_issue_id"] = AttributeValue::S("COMPANY001#ISSUE#ISS-1001");
  get.consistent_read = true;
  dynamo::QueryRequest query;
  query.table_name = "IssueTracker-Issues-Pooled";
  query.index_name = "CompanyStatusIndex";
  query.key_condition_expression = "#pk = :pk AND #sk = :sk";
  query.expression_attribute_names = {{"#pk", "company_id"}, {"#sk", "status"}};
  query.expression_attribute_values = {{":pk", AttributeValue::S("COMPANY001")},
                                       {":sk", AttributeValue::S("In Progress")}};
  query.limit = 20;

  bool ok = true;
  const double get_us = CpuMicrosPerCall(requests, [&] {
    auto r = (*client)->GetItem(get);
    ok = ok && r.ok() && r->item;
  });
  const double query_us = CpuMicrosPerCall(requests / 2, [&] {
    auto r = (*client)->Query(query);
    ok = ok && r.ok() && r->items.size() == 20;
  });
  // Reference: the same exchanges as bare HTTP on the same kind of pool.
  auto pool = dynamo::client::ConnectionPool::Create(o.endpoint, {});
  const std::string get_request = dynamo::wire::Encode(get);
  const std::string query_request = dynamo::wire::Encode(query);
  auto raw = [&](std::string_view target, const std::string& body) {
    dynamo::client::HttpRequest h;
    h.body = body;
    h.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", target}};
    auto r = (*pool)->Send(h);
    ok = ok && r.ok() && r->status == 200;
  };
  const double raw_get_us =
      CpuMicrosPerCall(requests, [&] { raw("DynamoDB_20120810.GetItem", get_request); });
  const double raw_query_us =
      CpuMicrosPerCall(requests / 2, [&] { raw("DynamoDB_20120810.Query", query_request); });
  // Where the time goes: the codec alone, and signing alone.
  const double decode_query_us = CpuMicrosPerCall(requests / 2, [&] {
    dynamo::QueryResponse r;
    ok = ok && dynamo::wire::Decode(query_body, &r).ok() && r.items.size() == 20;
  });
  const double decode_get_us = CpuMicrosPerCall(requests, [&] {
    dynamo::GetItemResponse r;
    ok = ok && dynamo::wire::Decode(get_body, &r).ok();
  });
  const double encode_query_us =
      CpuMicrosPerCall(requests, [&] { ok = ok && !dynamo::wire::Encode(query).empty(); });
  dynamo::client::Signer signer("us-east-1", "dynamodb");
  dynamo::client::SigningInput signing;
  signing.headers = {{"host", "127.0.0.1"},
                     {"content-type", "application/x-amz-json-1.0"},
                     {"x-amz-target", "DynamoDB_20120810.Query"}};
  signing.payload = query_request;
  const double sign_us = CpuMicrosPerCall(requests, [&] {
    ok = ok && !signer.Sign(signing, o.credentials, std::chrono::system_clock::now())
                    .authorization.empty();
  });
  if (!ok) {
    std::fprintf(stderr, "a request failed\n");
    return 1;
  }
  std::printf("client CPU per request (calling thread, %d requests, loopback stub server)\n",
              requests);
  std::printf("  GetItem (1 item, %zu-byte response):     %6.2f us  (target <= 15 us)\n",
              get_body.size(), get_us);
  std::printf("  Query (20 items, %zu-byte response):  %6.2f us  (target <= 40 us)\n",
              query_body.size(), query_us);
  std::printf("reference, bare HTTP exchange on the same pool (no codec, no SigV4):\n");
  std::printf("  GetItem-sized: %6.2f us   Query-sized: %6.2f us\n", raw_get_us, raw_query_us);
  std::printf("ratio client/bare: GetItem %.2fx, Query %.2fx\n", get_us / raw_get_us,
              query_us / raw_query_us);
  std::printf(
      "parts: decode GetItem response %.2f us, decode Query response %.2f us, encode "
      "Query request %.2f us, SigV4 %.2f us\n",
      decode_get_us, decode_query_us, encode_query_us, sign_us);
  return 0;
}

}  // namespace
}  // namespace issuetracker::bench

int main(int argc, char** argv) { return issuetracker::bench::Main(argc, argv); }
