// SchemaCatalog: the tables of spec/database-setup.md as code.
//
// The seven shared tables (three system tables and four pooled tables) and the four silo
// tables each Platinum company gets, with their keys, attribute types, global secondary
// indexes and projections, on-demand billing, the Standard table class, default encryption
// (an AWS owned key: no SSESpecification), the tags Project=IssueTrackingSaaS and
// Environment=<configured>, and whether point-in-time recovery is wanted.
//
// Point-in-time recovery is wanted on every table that holds customer data: CompanyManagement,
// ApiKeys, the four pooled tables and every silo table. CompanyStackMapping is derived from
// onboarding (it lists the silo tables, which can be listed again) and does not get it.
//
// The spec's "PLATINUM-TEMPLATE" tables are the templates themselves, kept here as code
// (SiloTables) rather than created as empty tables.
//
// Thread-safety: immutable; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dynamo/types.h"
#include "tenancy/ids.h"
#include "tenancy/layout.h"

namespace issuetracker::tenancy {

struct IndexSpec {
  std::string name;
  std::string partition_key;
  std::optional<std::string> sort_key;
  dynamo::ProjectionType projection = dynamo::ProjectionType::kAll;
};

struct TableSpec {
  TableName name;
  std::string partition_key;
  std::optional<std::string> sort_key;
  std::vector<IndexSpec> indexes;
  bool point_in_time_recovery = true;
  // The time-to-live attribute (epoch seconds) the store deletes expired items by, if any.
  std::optional<std::string> time_to_live_attribute;
};

inline constexpr std::string_view kProjectTagValue = "IssueTrackingSaaS";

class SchemaCatalog {
 public:
  // `layout` must outlive the catalog.
  explicit SchemaCatalog(const Layout& layout) : layout_(layout) {}

  // The seven shared tables, in the order of the spec's "Test 1: All Tables Created".
  std::vector<TableSpec> SharedTables() const;
  // The service's own tables, beside the spec's seven: IdempotencyKeys (partition
  // company_id, sort idempotency_key; no PITR: its records expire after a day, and time to
  // live on expires_at deletes them), where the REST service keeps Idempotency-Key records
  // (docs/schema.md).
  std::vector<TableSpec> ServiceTables() const;
  // The four silo tables of a Platinum company (Issues, Teams, Comments, Users).
  std::vector<TableSpec> SiloTables(const CompanyId& company) const;

  // The CreateTable request for `spec`: key schema, attribute definitions for every key
  // attribute (all strings), GSIs, PAY_PER_REQUEST, STANDARD class and the tags.
  dynamo::CreateTableRequest CreateRequest(const TableSpec& spec) const;
  // Project=IssueTrackingSaaS, Environment=<configured>.
  std::vector<dynamo::Tag> Tags() const;

  const Layout& layout() const { return layout_; }

 private:
  const Layout& layout_;
};

// How an existing table differs from its spec, one human-readable line per difference
// (key schema, key attribute types, indexes and their keys and projections, billing mode,
// table class). Empty when the table matches. Tags and point-in-time recovery are settings
// provisioning applies, not drift.
std::vector<std::string> CompareTable(const TableSpec& spec, const dynamo::TableDescription& table);

}  // namespace issuetracker::tenancy
