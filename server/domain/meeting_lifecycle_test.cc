#include "server/domain/meeting_lifecycle.h"

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

constexpr MeetingState kAllStates[] = {v1::MEETING_STATE_DRAFT, v1::MEETING_STATE_PUBLISHED,
                                       v1::MEETING_STATE_IN_PROGRESS, v1::MEETING_STATE_ENDED,
                                       v1::MEETING_STATE_ARCHIVED};

TEST(NextState, WalksTheLifecycleInOrder) {
  MeetingState s = v1::MEETING_STATE_DRAFT;
  for (LifecycleAction a : {LifecycleAction::kPublish, LifecycleAction::kStart,
                            LifecycleAction::kEnd, LifecycleAction::kArchive}) {
    absl::StatusOr<MeetingState> next = NextState(s, a);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(*next, static_cast<MeetingState>(s + 1));
    s = *next;
  }
  EXPECT_EQ(s, v1::MEETING_STATE_ARCHIVED);
}

TEST(NextState, EveryOtherTransitionIsFailedPreconditionWithAReason) {
  int allowed = 0;
  for (MeetingState from : kAllStates) {
    for (LifecycleAction a : {LifecycleAction::kPublish, LifecycleAction::kStart,
                              LifecycleAction::kEnd, LifecycleAction::kArchive}) {
      absl::StatusOr<MeetingState> next = NextState(from, a);
      if (next.ok()) {
        ++allowed;
        continue;
      }
      EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_NE(next.status().message().find(StateName(from)), std::string::npos)
          << next.status();
    }
  }
  EXPECT_EQ(allowed, 4);
  EXPECT_EQ(NextState(v1::MEETING_STATE_DRAFT, LifecycleAction::kStart).status().message(),
            "cannot start a meeting that is draft; only a published meeting can be");
}

}  // namespace
}  // namespace hopso::server
