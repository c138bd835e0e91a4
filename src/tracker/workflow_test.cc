#include "tracker/workflow.h"

#include <gtest/gtest.h>

namespace issuetracker::tracker {
namespace {

using St = IssueStatus;

TEST(WorkflowTest, TransitionTable) {
  struct Case {
    St from;
    St to;
    bool allowed;
  };
  const Case cases[] = {
      {St::kOpen, St::kOpen, false},          {St::kOpen, St::kInProgress, true},
      {St::kOpen, St::kInReview, false},      {St::kOpen, St::kClosed, false},
      {St::kInProgress, St::kOpen, true},     {St::kInProgress, St::kInProgress, false},
      {St::kInProgress, St::kInReview, true}, {St::kInProgress, St::kClosed, false},
      {St::kInReview, St::kOpen, false},      {St::kInReview, St::kInProgress, true},
      {St::kInReview, St::kInReview, false},  {St::kInReview, St::kClosed, true},
      {St::kClosed, St::kOpen, true},         {St::kClosed, St::kInProgress, false},
      {St::kClosed, St::kInReview, false},    {St::kClosed, St::kClosed, false},
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
  St s = St::kOpen;
  for (St next : {St::kInProgress, St::kInReview, St::kClosed, St::kOpen}) {
    ASSERT_TRUE(CheckTransition(s, next).ok());
    s = next;
  }
}

TEST(WorkflowTest, MessageNamesAllowedStatuses) {
  Status s = CheckTransition(St::kOpen, St::kClosed);
  EXPECT_EQ(s.message(),
            "Cannot move an issue from Open to Closed; from Open it may move to: In Progress");
  EXPECT_EQ(NextStatuses(St::kInReview), (std::vector<St>{St::kInProgress, St::kClosed}));
}

TEST(WorkflowTest, PermissionPerTransition) {
  EXPECT_EQ(TransitionAction(St::kInReview, St::kClosed), Action::kCloseIssue);
  EXPECT_EQ(TransitionAction(St::kClosed, St::kOpen), Action::kReopenIssue);
  EXPECT_EQ(TransitionAction(St::kOpen, St::kInProgress), Action::kTransitionIssue);
  EXPECT_EQ(TransitionAction(St::kInReview, St::kInProgress), Action::kTransitionIssue);
}

TEST(WorkflowTest, OpenMeansNotClosed) {
  EXPECT_TRUE(CountsAsOpen(St::kOpen));
  EXPECT_TRUE(CountsAsOpen(St::kInProgress));
  EXPECT_TRUE(CountsAsOpen(St::kInReview));
  EXPECT_FALSE(CountsAsOpen(St::kClosed));
}

}  // namespace
}  // namespace issuetracker::tracker
