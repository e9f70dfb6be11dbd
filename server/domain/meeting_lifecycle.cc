#include "server/domain/meeting_lifecycle.h"

#include "absl/strings/str_cat.h"

namespace hopso::server {
namespace {

struct Transition {
  LifecycleAction action;
  absl::string_view verb;
  MeetingState from;
  MeetingState to;
};

constexpr Transition kTransitions[] = {
    {LifecycleAction::kPublish, "publish", v1::MEETING_STATE_DRAFT, v1::MEETING_STATE_PUBLISHED},
    {LifecycleAction::kStart, "start", v1::MEETING_STATE_PUBLISHED, v1::MEETING_STATE_IN_PROGRESS},
    {LifecycleAction::kEnd, "end", v1::MEETING_STATE_IN_PROGRESS, v1::MEETING_STATE_ENDED},
    {LifecycleAction::kArchive, "archive", v1::MEETING_STATE_ENDED, v1::MEETING_STATE_ARCHIVED},
};

}  // namespace

absl::string_view StateName(MeetingState state) {
  switch (state) {
    case v1::MEETING_STATE_DRAFT: return "draft";
    case v1::MEETING_STATE_PUBLISHED: return "published";
    case v1::MEETING_STATE_IN_PROGRESS: return "in progress";
    case v1::MEETING_STATE_ENDED: return "ended";
    case v1::MEETING_STATE_ARCHIVED: return "archived";
    default: return "unknown";
  }
}

absl::StatusOr<MeetingState> NextState(MeetingState from, LifecycleAction action) {
  for (const Transition& t : kTransitions) {
    if (t.action != action) continue;
    if (t.from == from) return t.to;
    return absl::FailedPreconditionError(absl::StrCat("cannot ", t.verb, " a meeting that is ",
                                                      StateName(from), "; only a ",
                                                      StateName(t.from), " meeting can be"));
  }
  return absl::InternalError("unknown lifecycle action");
}

}  // namespace hopso::server
