// The endpoint over loopback HTTP: the client backend (codec, SigV4, connection pool)
// against DynamoServer on the engine, local and verified authentication, the size limit.
#include "dynamo/server/server.h"

#include <gtest/gtest.h>

#include <thread>

#include "dynamo/client/client.h"
#include "net/test_client.h"
#include "tests/backend_factory.h"

namespace issuetracker::dynamo::server {
namespace {

class DynamoServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string unavailable;
    engine_ = testing::MakeBackend("embedded", dir_.path(), &unavailable);
    ASSERT_NE(engine_, nullptr) << unavailable;
  }

  void Start(std::map<std::string, std::string> keys = {}) {
    DynamoServerOptions o;
    o.http.threads = 2;
    o.endpoint.access_keys = std::move(keys);
    auto s = DynamoServer::Start(*engine_, std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }

  std::unique_ptr<client::DynamoClient> Client(const std::string& key = "AKID",
                                               const std::string& secret = "SECRET") {
    client::ClientOptions o;
    o.endpoint = *client::ParseEndpoint(server_->url());
    o.credentials = {key, secret, "", "test"};
    o.retry.max_attempts = 1;
    auto c = client::DynamoClient::Open(o);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }

  static CreateTableRequest Table() {
    CreateTableRequest r;
    r.table_name = "Issues";
    r.attribute_definitions = {{"pk", ScalarType::kS}, {"team", ScalarType::kS}};
    r.key_schema = {{"pk", KeyType::kHash}};
    GlobalSecondaryIndex gsi;
    gsi.index_name = "TeamIndex";
    gsi.key_schema = {{"team", KeyType::kHash}, {"pk", KeyType::kRange}};
    gsi.projection.projection_type = ProjectionType::kAll;
    r.global_secondary_indexes.push_back(gsi);
    r.billing_mode = BillingMode::kPayPerRequest;
    return r;
  }

  testing::TempDir dir_;
  std::unique_ptr<Backend> engine_;  // the embedded engine
  std::unique_ptr<DynamoServer> server_;
};

TEST_F(DynamoServerTest, TheClientBackendWorksThroughIt) {
  Start();
  auto c = Client();
  ASSERT_TRUE(c->CreateTable(Table()).ok());
  // Several threads, each on its own kept-alive connection.
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        PutItemRequest put;
        put.table_name = "Issues";
        put.item = {{"pk", AttributeValue::S("i" + std::to_string(t * 50 + i))},
                    {"team", AttributeValue::S(t % 2 ? "odd" : "even")}};
        EXPECT_TRUE(c->PutItem(put).ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  QueryRequest q;
  q.table_name = "Issues";
  q.index_name = "TeamIndex";
  q.key_condition_expression = "team = :t";
  q.expression_attribute_values = {{":t", AttributeValue::S("odd")}};
  auto result = c->Query(q);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->count, 100);
  GetItemRequest get;
  get.table_name = "Issues";
  get.key = {{"pk", AttributeValue::S("i57")}};
  auto item = c->GetItem(get);
  ASSERT_TRUE(item.ok());
  ASSERT_TRUE(item->item);
  EXPECT_EQ(item->item->at("team").s(), "odd");
  // Errors arrive as the backend's own Status.
  get.table_name = "Missing";
  EXPECT_EQ(c->GetItem(get).status().code(), Code::kResourceNotFound);
  EXPECT_GE(server_->http().stats().requests, 203u);
}

TEST_F(DynamoServerTest, VerifiedModeAcceptsOnlyKnownKeysAndGoodSignatures) {
  Start({{"AKID", "SECRET"}});
  EXPECT_TRUE(Client()->ListTables({}).ok());
  EXPECT_EQ(Client("AKID", "WRONG")->ListTables({}).status().code(), Code::kInvalidSignature);
  EXPECT_EQ(Client("OTHER", "SECRET")->ListTables({}).status().code(), Code::kUnrecognizedClient);
}

TEST_F(DynamoServerTest, HealthCheckAndSizeLimitOverRawHttp) {
  Start();
  net::testing::TestConnection c(server_->port());
  auto health = c.Get("/");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "healthy: dynamodb.us-east-1.amazonaws.com ");
  // Over 16 MiB: refused before the body is read, with DynamoDB's empty 413.
  net::testing::TestConnection big(server_->port());
  ASSERT_TRUE(
      big.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-amz-json-1.0\r\n"
               "X-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: " +
               std::to_string(kMaxRequestBytes + 1) + "\r\n\r\n{"));
  auto refused = big.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  EXPECT_TRUE(refused->body.empty());
  EXPECT_TRUE(refused->headers.Contains("x-amzn-RequestId"));
}

TEST_F(DynamoServerTest, StopFinishesTheRequestInFlight) {
  Start();
  auto c = Client();
  ASSERT_TRUE(c->CreateTable(Table()).ok());
  UpdateContinuousBackupsRequest pitr;
  pitr.table_name = "Issues";
  pitr.point_in_time_recovery_enabled = true;
  ASSERT_TRUE(c->UpdateContinuousBackups(pitr).ok());
  for (int i = 0; i < 200; ++i) {
    PutItemRequest put;
    put.table_name = "Issues";
    put.item = {{"pk", AttributeValue::S("i" + std::to_string(i))},
                {"team", AttributeValue::S("t")}};
    ASSERT_TRUE(c->PutItem(put).ok());
  }
  // A restore (run on the offload pool) races with Stop(): it is answered, not cut.
  RestoreTableToPointInTimeRequest restore;
  restore.source_table_name = "Issues";
  restore.target_table_name = "Restored";
  restore.use_latest_restorable_time = true;
  Result<RestoreTableToPointInTimeResponse> restored = Status::Internal("not run");
  std::thread t([&] { restored = c->RestoreTableToPointInTime(restore); });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Stop();
  t.join();
  if (restored.ok()) {
    EXPECT_EQ(restored->table_description.table_name, "Restored");
  } else {
    // Stop() came first: the connection was refused or closed before the request was read.
    EXPECT_EQ(restored.status().code(), Code::kIOError) << restored.status().ToString();
  }
  // Whatever happened, the engine is consistent and closes cleanly.
  DescribeTableRequest d;
  d.table_name = "Issues";
  EXPECT_TRUE(engine_->DescribeTable(d).ok());
}

}  // namespace
}  // namespace issuetracker::dynamo::server
