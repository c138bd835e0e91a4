// Tracker: the domain's repositories over one backend and layout, bundled.
//
//   Tracker tracker(backend, layout);
//   auto ctx = tracker.auth().SignIn({email, company});        // or AdminAccess
//   auto issue = tracker.issues().Create(*ctx, {.title = "Login page slow"});
//
// Every repository call takes the tenancy::TenantContext first; there is no other way in,
// and every call re-validates it (session.h): writes in their own transaction, reads
// against storage at most `sessions.read_recheck_interval_micros` old.
//
// Thread-safety: safe to use from many threads. Its only mutable state is the cache of
// session validations (session.h), which is internally synchronised.
#pragma once

#include "common/clock.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"
#include "tracker/authenticator.h"
#include "tracker/comment_repository.h"
#include "tracker/company_repository.h"
#include "tracker/issue_repository.h"
#include "tracker/session.h"
#include "tracker/store.h"
#include "tracker/team_repository.h"
#include "tracker/user_repository.h"

namespace issuetracker::tracker {

struct TrackerOptions {
  SessionCheckOptions sessions;
  tenancy::LifecycleOptions lifecycle;
};

class Tracker {
 public:
  // `backend`, `layout` and `clock` must outlive the tracker.
  Tracker(dynamo::Backend& backend, const tenancy::Layout& layout,
          const Clock& clock = *SystemClock::Default(), TrackerOptions options = {})
      : sessions_(backend, layout, clock, options.sessions),
        store_{&backend, &layout, &clock, &sessions_},
        companies_(store_, options.lifecycle),
        users_(store_),
        teams_(store_),
        issues_(store_),
        comments_(store_),
        auth_(store_) {}

  CompanyRepository& companies() { return companies_; }
  UserRepository& users() { return users_; }
  TeamRepository& teams() { return teams_; }
  IssueRepository& issues() { return issues_; }
  CommentRepository& comments() { return comments_; }
  Authenticator& auth() { return auth_; }
  const Store& store() const { return store_; }

 private:
  SessionChecks sessions_;
  Store store_;
  CompanyRepository companies_;
  UserRepository users_;
  TeamRepository teams_;
  IssueRepository issues_;
  CommentRepository comments_;
  Authenticator auth_;
};

}  // namespace issuetracker::tracker
