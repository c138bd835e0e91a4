// Small helpers shared by the benchmark programs: timing, arguments, synthetic items.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "dynamo/attribute_value.h"
#include "dynamo/types.h"
#include "tenancy/schema.h"

namespace issuetracker::bench {

inline double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// "--name=value" from argv, or the default.
inline long long Flag(int argc, char** argv, const std::string& name, long long def) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(prefix, 0) == 0) return std::atoll(argv[i] + prefix.size());
  }
  return def;
}

inline std::string FlagString(int argc, char** argv, const std::string& name,
                              const std::string& def) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(prefix, 0) == 0) return argv[i] + prefix.size();
  }
  return def;
}

// A fresh directory for the benchmark's databases (removed first).
inline std::string FreshDir(const std::string& base, const std::string& name) {
  const std::string dir = base + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The key of issue `i`: companies of 1,000 issues each.
inline std::string IssueKey(long long i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "COMPANY%05lld#ISSUE#ISS-%07lld", i / 1000, i);
  return buf;
}

// An issue item of about 400 bytes (DynamoDB item size) with the spec's attributes.
inline dynamo::Item IssueItem(long long i) {
  using dynamo::AttributeValue;
  static const char* kStatus[] = {"Open", "In Progress", "In Review", "Closed"};
  static const char* kPriority[] = {"Low", "Medium", "High", "Critical"};
  char company[32], user[48], team[16];
  std::snprintf(company, sizeof(company), "COMPANY%05lld", i / 1000);
  std::snprintf(user, sizeof(user), "user%03lld@company%05lld.com", i % 50, i / 1000);
  std::snprintf(team, sizeof(team), "TEAM-%03lld", i % 20);
  dynamo::Item item;
  item.emplace("company_issue_id", AttributeValue::S(IssueKey(i)));
  item.emplace("company_id", AttributeValue::S(company));
  item.emplace("issue_id", AttributeValue::S("ISS-" + std::to_string(i)));
  item.emplace("title", AttributeValue::S("Login page loading slowly for some users on mobile"));
  item.emplace("description", AttributeValue::S(std::string(100, 'd')));
  item.emplace("status", AttributeValue::S(kStatus[i % 4]));
  item.emplace("priority", AttributeValue::S(kPriority[(i / 4) % 4]));
  item.emplace("assigned_user", AttributeValue::S(user));
  item.emplace("assigned_team", AttributeValue::S(team));
  item.emplace("reporter", AttributeValue::S("reporter@example.com"));
  item.emplace("created_date", AttributeValue::S("2024-01-15"));
  item.emplace("updated_date", AttributeValue::S("2024-01-15"));
  item.emplace("estimated_hours", AttributeValue::N(static_cast<int64_t>(i % 40)));
  return item;
}

// The spec's IssueTracker-Issues-Pooled table (four GSIs, projection ALL) under `name`,
// from the tenancy layer's schema catalog.
inline dynamo::CreateTableRequest IssuesTable(const std::string& name) {
  const tenancy::Layout layout{tenancy::SchemaConfig{}};
  const tenancy::SchemaCatalog catalog(layout);
  for (const tenancy::TableSpec& spec : catalog.SharedTables()) {
    if (spec.name.str() != layout.PooledTableName(tenancy::Entity::kIssue).str()) continue;
    dynamo::CreateTableRequest r = catalog.CreateRequest(spec);
    r.table_name = name;
    return r;
  }
  std::fprintf(stderr, "no pooled Issues table in the schema\n");
  std::exit(1);
}

inline void PrintRatio(const char* what, double ours_us, double reference_us, double target) {
  const double ratio = ours_us / reference_us;
  std::printf("%-44s %9.2f us  vs %9.2f us  ratio %5.2fx  (target <= %.1fx: %s)\n", what, ours_us,
              reference_us, ratio, target, ratio <= target ? "met" : "MISSED");
}

}  // namespace issuetracker::bench
