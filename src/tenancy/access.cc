#include "tenancy/access.h"

namespace issuetracker::tenancy {

std::vector<TableGrant> CompanyGrants(const SchemaCatalog& catalog, const CompanyId& company_id,
                                      Tier tier) {
  const Layout& layout = catalog.layout();
  const std::string company = company_id.str();
  // Composite keys start with the company and the delimiter, which no id contains, so the
  // pattern cannot reach a company whose id merely starts the same way.
  const std::string composite = company + "#*";
  std::vector<TableGrant> grants;
  grants.push_back({layout.SystemTableName(SystemTable::kCompanyManagement), false, {company}});
  if (tier == Tier::kPlatinum) {
    // Only its directory stubs ("<COMPANY>#LOGIN#<incarnation>#<email>"), never a pooled
    // user key of its id.
    const std::string stubs = company + "#" + std::string(kLoginTag) + "#*";
    grants.push_back({layout.PooledTableName(Entity::kUser), false, {stubs}});
    for (const TableSpec& spec : catalog.SiloTables(company_id)) {
      grants.push_back({spec.name, true, {}});
    }
    return grants;
  }
  for (Entity e : {Entity::kIssue, Entity::kTeam, Entity::kComment, Entity::kUser}) {
    grants.push_back({layout.PooledTableName(e), false, {composite, company}});
  }
  return grants;
}

}  // namespace issuetracker::tenancy
