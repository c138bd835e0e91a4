#include "tracker/workflow.h"

#include <string>

namespace issuetracker::tracker {

bool IsAllowedTransition(IssueStatus from, IssueStatus to) {
  using S = IssueStatus;
  switch (from) {
    case S::kOpen:
      return to == S::kInProgress;
    case S::kInProgress:
      return to == S::kInReview || to == S::kOpen;
    case S::kInReview:
      return to == S::kClosed || to == S::kInProgress;
    case S::kClosed:
      return to == S::kOpen;
  }
  return false;
}

std::vector<IssueStatus> NextStatuses(IssueStatus from) {
  std::vector<IssueStatus> next;
  for (IssueStatus to : {IssueStatus::kOpen, IssueStatus::kInProgress, IssueStatus::kInReview,
                         IssueStatus::kClosed}) {
    if (IsAllowedTransition(from, to)) next.push_back(to);
  }
  return next;
}

Status CheckTransition(IssueStatus from, IssueStatus to) {
  if (IsAllowedTransition(from, to)) return Status::Ok();
  std::string msg = "Cannot move an issue from ";
  msg += StatusName(from);
  msg += " to ";
  msg += StatusName(to);
  msg += "; from ";
  msg += StatusName(from);
  msg += " it may move to: ";
  bool first = true;
  for (IssueStatus next : NextStatuses(from)) {
    if (!first) msg += ", ";
    msg += StatusName(next);
    first = false;
  }
  return Status::Conflict(msg);
}

Action TransitionAction(IssueStatus from, IssueStatus to) {
  if (to == IssueStatus::kClosed) return Action::kCloseIssue;
  if (from == IssueStatus::kClosed) return Action::kReopenIssue;
  return Action::kTransitionIssue;
}

}  // namespace issuetracker::tracker
