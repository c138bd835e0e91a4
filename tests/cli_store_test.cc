// The issuetracker command with --store: the unchanged provision, seed --sample and verify
// against moto over HTTP (through the client backend) and against `issuetracker dynamodb`
// (the project's own endpoint, stopped with SIGTERM afterwards); provisioning against
// dynalite, which cannot host the tracker (it has no transactions, and every tracker write
// is one); and the store option's forms.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/backend_factory.h"
#include "tests/child_process.h"

namespace issuetracker::testing {
namespace {

CommandRun Issuetracker(const std::string& args) {
  return RunCommand(IT_ISSUETRACKER_BINARY, args);
}

// The line of `text` that contains `needle` ("" when none).
std::string LineWith(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return {};
  size_t start = text.rfind('\n', at);
  size_t end = text.find('\n', at);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end == std::string::npos ? std::string::npos : end - start - 1);
}

TEST(CliStoreTest, ProvisionSeedAndVerifyAgainstMoto) {
  std::string unavailable;
  const std::string url = PeerUrl("moto", &unavailable);
  if (url.empty()) GTEST_SKIP() << unavailable;
  const std::string store = "--store dynamodb:" + url;

  CommandRun provision = Issuetracker(store + " provision");
  ASSERT_EQ(provision.exit_code, 0) << provision.output;
  EXPECT_NE(provision.output.find("provision: 8 tables match the schema"), std::string::npos)
      << provision.output;

  // --store after the subcommand works the same.
  CommandRun seed = Issuetracker("seed --sample " + store);
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  EXPECT_NE(seed.output.find("Loaded the spec's sample data: 2 companies, 7 users, 2 teams, "
                             "2 issues, 2 comments"),
            std::string::npos)
      << seed.output;

  CommandRun verify = Issuetracker(store + " verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(" passed, 0 failed"), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find("Isolation 5.1 Test 1"), std::string::npos);
  // The metrics check passes from the client's own counters.
  EXPECT_NE(LineWith(verify.output, "Table metrics visible").find("PASS"), std::string::npos)
      << verify.output;

  // A second provision finds everything in place.
  CommandRun again = Issuetracker(store + " provision");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find(" created\n"), std::string::npos) << again.output;
}

// `issuetracker dynamodb` started as a user starts it (its own data directory, a free
// port), standard error kept in a file; with --shared-db, so that the data directory is the
// database the other commands open.
class EndpointProcess : public PortPrintingProcess {
 public:
  EndpointProcess(const std::string& data_dir, const std::string& stderr_file)
      : PortPrintingProcess({IT_ISSUETRACKER_BINARY, "dynamodb", "--port", "0", "--print-port",
                             "--shared-db", "--data-dir", data_dir},
                            stderr_file) {}
};

// The whole system through its own endpoint: provision, seed --sample and verify with
// --store dynamodb:http://127.0.0.1:PORT against `issuetracker dynamodb`; then SIGTERM stops
// it cleanly, and the same data directory opened directly verifies too (the store was
// closed, its lock released, nothing lost).
TEST(CliStoreTest, ProvisionSeedAndVerifyThroughTheProjectsOwnEndpoint) {
  TempDir dir;
  const std::string data = dir.path() + "/db";
  EndpointProcess endpoint(data, dir.path() + "/stderr");
  ASSERT_GT(endpoint.port(), 0);
  const std::string store = "--store dynamodb:http://127.0.0.1:" + std::to_string(endpoint.port());

  CommandRun provision = Issuetracker(store + " provision");
  ASSERT_EQ(provision.exit_code, 0) << provision.output;
  EXPECT_NE(provision.output.find("provision: 8 tables match the schema"), std::string::npos)
      << provision.output;
  // Point-in-time recovery is applied through the endpoint (DynamoDB's API has it).
  EXPECT_EQ(provision.output.find("could NOT be applied"), std::string::npos) << provision.output;
  CommandRun seed = Issuetracker("seed --sample " + store);
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  CommandRun verify = Issuetracker(store + " verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(" passed, 0 failed"), std::string::npos) << verify.output;
  EXPECT_EQ(verify.output.find("INFO"), std::string::npos) << verify.output;

  EXPECT_EQ(endpoint.Terminate(), 0);
  std::ifstream err(dir.path() + "/stderr");
  std::stringstream log;
  log << err.rdbuf();
  EXPECT_NE(log.str().find("Try: aws dynamodb list-tables --endpoint-url http://127.0.0.1:"),
            std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find("stopped; the store is closed"), std::string::npos) << log.str();
  CommandRun direct = Issuetracker("verify --data-dir " + data);
  EXPECT_EQ(direct.exit_code, 0) << direct.output;
}

TEST(CliStoreTest, DynaliteIsProvisionedButCannotHostTheTracker) {
  std::string unavailable;
  const std::string url = PeerUrl("dynalite", &unavailable);
  if (url.empty()) GTEST_SKIP() << unavailable;
  const std::string store = "--store dynamodb:" + url;

  CommandRun provision = Issuetracker(store + " provision");
  ASSERT_EQ(provision.exit_code, 0) << provision.output;
  EXPECT_NE(provision.output.find("provision: 8 tables match the schema"), std::string::npos)
      << provision.output;
  // dynalite has no continuous backups: provisioning says so and goes on.
  EXPECT_NE(provision.output.find("point-in-time recovery could NOT be applied on this backend: "
                                  "UnknownOperationException"),
            std::string::npos);
  // Every tracker write re-checks its company and user in the same TransactWriteItems,
  // which dynalite does not implement: seeding fails with its error and writes nothing.
  CommandRun seed = Issuetracker("seed --sample " + store);
  EXPECT_NE(seed.exit_code, 0) << seed.output;
  EXPECT_NE(seed.output.find("UnknownOperationException"), std::string::npos) << seed.output;
}

TEST(CliStoreTest, EmbeddedStoreAndItsShorthand) {
  TempDir dir;
  CommandRun provision = Issuetracker("provision --store embedded:" + dir.path() + "/db");
  ASSERT_EQ(provision.exit_code, 0) << provision.output;
  CommandRun seed = Issuetracker("--data-dir " + dir.path() + "/db seed --sample");
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  CommandRun verify = Issuetracker("verify --data-dir " + dir.path() + "/db");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST(CliStoreTest, BadStoresAreRejectedClearly) {
  CommandRun bad = Issuetracker("verify --store postgres://x");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("Invalid --store 'postgres://x': unknown kind of store"),
            std::string::npos)
      << bad.output;
  CommandRun conflict = Issuetracker("verify --store embedded:/tmp/a --data-dir /tmp/b");
  EXPECT_NE(conflict.exit_code, 0);
  EXPECT_NE(conflict.output.find("names another directory than --data-dir"), std::string::npos)
      << conflict.output;
  CommandRun endpoint = Issuetracker("verify --store dynamodb:ftp://x");
  EXPECT_NE(endpoint.output.find("Invalid endpoint 'ftp://x'"), std::string::npos)
      << endpoint.output;
  CommandRun no_region = Issuetracker(
      "verify --store dynamodb:aws");  // the test environment has no AWS region configured
  if (!std::getenv("AWS_REGION") && !std::getenv("AWS_DEFAULT_REGION")) {
    EXPECT_NE(no_region.output.find("dynamodb:aws needs a region"), std::string::npos)
        << no_region.output;
  }
}

}  // namespace
}  // namespace issuetracker::testing
