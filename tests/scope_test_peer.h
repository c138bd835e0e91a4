// Test support: company scopes for unit tests that exercise tenancy::Layout without a
// backend. Production code gets scopes only from a tenant context or the administrative
// path (tenancy/layout.h); the build's layering check fails when this peer is used outside
// tests.
#pragma once

#include <string>

#include "tenancy/layout.h"

namespace issuetracker::testing {

class ScopeTestPeer {
 public:
  static tenancy::CompanyScope Make(tenancy::CompanyId company, tenancy::Tier tier,
                                    std::string incarnation = "test-incarnation") {
    return tenancy::CompanyScope(std::move(company), tier, std::move(incarnation));
  }
};

}  // namespace issuetracker::testing
