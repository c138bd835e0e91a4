#include "tracker/workflow.h"

#include <gtest/gtest.h>

namespace issuetracker::tracker {
namespace {

using S = IssueStatus;

TEST(WorkflowTest, TransitionTable) {
  struct Case {
    S from;
    S to;
    bool allowed;
  };
  const Case cases[] = {
      {S::kOpen, S::kOpen, false},          {S::kOpen, S::kInProgress, true},
      {S::kOpen, S::kInReview, false},      {S::kOpen, S::kClosed, false},
      {S::kInProgress, S::kOpen, true},     {S::kInProgress, S::kInProgress, false},
      {S::kInProgress, S::kInReview, true}, {S::kInProgress, S::kClosed, false},
      {S::kInReview, S::kOpen, false},      {S::kInReview, S::kInProgress, true},
      {S::kInReview, S::kInReview, false},  {S::kInReview, S::kClosed, true},
      {S::kClosed, S::kOpen, true},         {S::kClosed, S::kInProgress, false},
      {S::kClosed, S::kInReview, false},    {S::kClosed, S::kClosed, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsAllowedTransition(c.from, c.to), c.allowed)
        << StatusName(c.from) << " -> " << StatusName(c.to);
    Status s = CheckTransition(c.from, c.to);
    EXPECT_EQ(s.ok(), c.allowed);
    if (!c.allowed) {
      EXPECT_EQ(s.code(), Code::kConflict);
    }
  }
}

TEST(WorkflowTest, HappyPathAndReopen) {
  S s = S::kOpen;
  for (S next : {S::kInProgress, S::kInReview, S::kClosed, S::kOpen}) {
    ASSERT_TRUE(CheckTransition(s, next).ok());
    s = next;
  }
}

TEST(WorkflowTest, MessageNamesAllowedStatuses) {
  Status s = CheckTransition(S::kOpen, S::kClosed);
  EXPECT_EQ(s.message(),
            "Cannot move an issue from Open to Closed; from Open it may move to: In Progress");
  EXPECT_EQ(NextStatuses(S::kInReview), (std::vector<S>{S::kInProgress, S::kClosed}));
}

TEST(WorkflowTest, PermissionPerTransition) {
  EXPECT_EQ(TransitionAction(S::kInReview, S::kClosed), Action::kCloseIssue);
  EXPECT_EQ(TransitionAction(S::kClosed, S::kOpen), Action::kReopenIssue);
  EXPECT_EQ(TransitionAction(S::kOpen, S::kInProgress), Action::kTransitionIssue);
  EXPECT_EQ(TransitionAction(S::kInReview, S::kInProgress), Action::kTransitionIssue);
}

TEST(WorkflowTest, OpenMeansNotClosed) {
  EXPECT_TRUE(CountsAsOpen(S::kOpen));
  EXPECT_TRUE(CountsAsOpen(S::kInProgress));
  EXPECT_TRUE(CountsAsOpen(S::kInReview));
  EXPECT_FALSE(CountsAsOpen(S::kClosed));
}

}  // namespace
}  // namespace issuetracker::tracker
