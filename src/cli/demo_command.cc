// `issuetracker demo`: creates the spec's IssueTracker-Issues-Pooled table (four GSIs),
// puts the spec's two sample issues and runs the spec's isolation and index queries,
// printing each result and its latency.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fmt/core.h>

#include "cli/commands.h"

namespace issuetracker::cli {

namespace {

using dynamo::AttributeValue;
using dynamo::Item;

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
AttributeValue N(int64_t n) { return AttributeValue::N(n); }
AttributeValue Labels(std::initializer_list<const char*> labels) {
  dynamo::AttributeList list;
  for (const char* l : labels) list.push_back(S(l));
  return AttributeValue::L(std::move(list));
}

constexpr char kTable[] = "IssueTracker-Issues-Pooled";

dynamo::CreateTableRequest IssuesTable() {
  dynamo::CreateTableRequest r;
  r.table_name = kTable;
  r.billing_mode = dynamo::BillingMode::kPayPerRequest;
  r.attribute_definitions = {{"company_issue_id", dynamo::ScalarType::kS}, {"company_id", dynamo::ScalarType::kS},
                             {"status", dynamo::ScalarType::kS},           {"assigned_user", dynamo::ScalarType::kS},
                             {"assigned_team", dynamo::ScalarType::kS},    {"priority", dynamo::ScalarType::kS}};
  r.key_schema = {{"company_issue_id", dynamo::KeyType::kHash}};
  for (const auto& [name, sort] : {std::pair{"CompanyStatusIndex", "status"}, {"AssigneeIndex", "assigned_user"},
                                   {"TeamIndex", "assigned_team"}, {"PriorityIndex", "priority"}}) {
    dynamo::GlobalSecondaryIndex gsi;
    gsi.index_name = name;
    gsi.key_schema = {{"company_id", dynamo::KeyType::kHash}, {sort, dynamo::KeyType::kRange}};
    r.global_secondary_indexes.push_back(gsi);
  }
  r.tags = {{"Project", "IssueTrackingSaaS"}, {"Environment", "Development"}};
  return r;
}

std::vector<Item> SampleIssues() {
  return {
      {{"company_issue_id", S("COMPANY001#ISSUE#ISS-001")},
       {"company_id", S("COMPANY001")},
       {"issue_id", S("ISS-001")},
       {"title", S("User login page loading slowly")},
       {"description", S("Users reporting that the login page takes more than 5 seconds to load")},
       {"status", S("Open")},
       {"priority", S("High")},
       {"issue_type", S("Bug")},
       {"assigned_user", S("john@techstart.com")},
       {"assigned_team", S("TEAM-001")},
       {"reporter", S("sarah@techstart.com")},
       {"created_date", S("2024-01-15")},
       {"updated_date", S("2024-01-15")},
       {"due_date", S("2024-01-20")},
       {"labels", Labels({"performance", "login", "urgent"})},
       {"estimated_hours", N(8)},
       {"story_points", N(3)}},
      {{"company_issue_id", S("COMPANY002#ISSUE#ISS-001")},
       {"company_id", S("COMPANY002")},
       {"issue_id", S("ISS-001")},
       {"title", S("Add dark mode theme option")},
       {"description", S("Users have requested a dark mode theme for better viewing experience")},
       {"status", S("In Progress")},
       {"priority", S("Medium")},
       {"issue_type", S("Feature")},
       {"assigned_user", S("mike@devcorp.com")},
       {"assigned_team", S("TEAM-002")},
       {"reporter", S("admin@devcorp.com")},
       {"created_date", S("2024-01-10")},
       {"updated_date", S("2024-01-12")},
       {"due_date", S("2024-02-01")},
       {"labels", Labels({"ui", "enhancement", "user-request"})},
       {"estimated_hours", N(16)},
       {"story_points", N(5)}},
  };
}

struct DemoQuery {
  std::string title;
  std::string index;
  std::string sort_attr;  // empty: partition only
  std::string sort_value;
};

// Runs one spec query; returns false when a foreign company's item came back.
bool RunQuery(dynamo::Backend& db, const DemoQuery& q) {
  dynamo::QueryRequest r;
  r.table_name = kTable;
  r.index_name = q.index;
  r.key_condition_expression = "company_id = :c";
  r.expression_attribute_values = {{":c", S("COMPANY001")}};
  if (!q.sort_attr.empty()) {
    *r.key_condition_expression += " AND #s = :s";
    r.expression_attribute_names = {{"#s", q.sort_attr}};
    r.expression_attribute_values[":s"] = S(q.sort_value);
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = db.Query(r);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    fmt::print("  {:<58} FAILED: {}\n", q.title, result.status().ToString());
    return false;
  }
  bool isolated = true;
  for (const auto& item : result->items) isolated &= item.at("company_id").s() == "COMPANY001";
  fmt::print("  {:<58} {} item(s), {:.3f} ms, {}\n", q.title, result->count, ms,
             isolated ? "only COMPANY001" : "LEAKED another company's data");
  for (const auto& item : result->items) {
    fmt::print("      {} | {} | {} | {}\n", item.at("issue_id").s(), item.at("title").s(), item.at("status").s(),
               item.at("priority").s());
  }
  return isolated;
}

int RunDemo(const GlobalOptions& options) {
  auto backend = OpenBackend(options);
  if (!backend.ok()) {
    fmt::print(stderr, "cannot open the database in {}: {}\n", options.data_dir, backend.status().ToString());
    return 1;
  }
  dynamo::Backend& db = **backend;
  auto created = db.CreateTable(IssuesTable());
  if (created.ok()) {
    fmt::print("Created {} with 4 GSIs in {}\n", kTable, options.data_dir);
  } else if (created.status().code() == Code::kResourceInUse) {
    fmt::print("{} already exists in {}\n", kTable, options.data_dir);
  } else {
    fmt::print(stderr, "CreateTable failed: {}\n", created.status().ToString());
    return 1;
  }
  for (const Item& issue : SampleIssues()) {
    dynamo::PutItemRequest put;
    put.table_name = kTable;
    put.item = issue;
    if (auto r = db.PutItem(put); !r.ok()) {
      fmt::print(stderr, "PutItem failed: {}\n", r.status().ToString());
      return 1;
    }
  }
  fmt::print("Put the spec's two sample issues (COMPANY001#ISSUE#ISS-001, COMPANY002#ISSUE#ISS-001)\n\n");
  fmt::print("Spec queries, all scoped to COMPANY001:\n");
  const std::vector<DemoQuery> queries = {
      {"Test 1: all issues (CompanyStatusIndex)", "CompanyStatusIndex", "", ""},
      {"Test 3: assigned to john@techstart.com (AssigneeIndex)", "AssigneeIndex", "assigned_user", "john@techstart.com"},
      {"Test 4: High priority (PriorityIndex)", "PriorityIndex", "priority", "High"},
      {"Open issues (CompanyStatusIndex, status = Open)", "CompanyStatusIndex", "status", "Open"},
      {"Issues of TEAM-001 (TeamIndex)", "TeamIndex", "assigned_team", "TEAM-001"},
  };
  bool ok = true;
  for (const auto& q : queries) ok &= RunQuery(db, q);
  fmt::print("\n{}\n", ok ? "Company isolation holds: no query returned another company's issue."
                          : "FAILURE: a query failed or crossed companies.");
  return ok ? 0 : 1;
}

}  // namespace

void AddDemoCommand(CLI::App& app, const GlobalOptions& options) {
  auto* demo = app.add_subcommand("demo", "Create the spec's pooled Issues table, put its sample issues, run its queries");
  demo->callback([&options] {
    if (int rc = RunDemo(options); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace issuetracker::cli
