// The issue status workflow.
//
//   Open ──► In Progress ──► In Review ──► Closed
//    ▲  ◄──      │       ◄──     │              │
//    └───────────┴──(reopen)─────┴──────────────┘
//
// Allowed transitions:
//   Open        -> In Progress                 (start work)
//   In Progress -> In Review                   (ready for review)
//   In Progress -> Open                        (stop work)
//   In Review   -> Closed                      (accept)
//   In Review   -> In Progress                 (changes requested)
//   Closed      -> Open                        (reopen)
// Everything else — skipping a step (Open -> Closed, Open -> In Review, In Progress ->
// Closed), moving backwards from Closed other than reopening, or "moving" to the current
// status — is rejected with Conflict naming the allowed next statuses.
//
// "Open issues" (the ones a team's current_workload counts) are those not Closed.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "common/status.h"
#include "tracker/model.h"
#include "tracker/permissions.h"

namespace issuetracker::tracker {

bool IsAllowedTransition(IssueStatus from, IssueStatus to);

// The statuses an issue in `from` may move to, in workflow order.
std::vector<IssueStatus> NextStatuses(IssueStatus from);

// OK, or Conflict: "Cannot move an issue from Open to Closed; from Open it may move to: In
// Progress".
Status CheckTransition(IssueStatus from, IssueStatus to);

// The permission a transition needs: kCloseIssue into Closed, kReopenIssue out of Closed,
// kTransitionIssue otherwise.
Action TransitionAction(IssueStatus from, IssueStatus to);

// Whether an issue in `status` counts towards its team's current_workload.
inline bool CountsAsOpen(IssueStatus status) { return status != IssueStatus::kClosed; }

}  // namespace issuetracker::tracker
