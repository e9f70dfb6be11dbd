// The meeting lifecycle: draft → published → in progress → ended → archived.
#ifndef HOPSO_SERVER_DOMAIN_MEETING_LIFECYCLE_H_
#define HOPSO_SERVER_DOMAIN_MEETING_LIFECYCLE_H_

#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "hopso/v1/common.pb.h"

namespace hopso::server {

using v1::MeetingState;

enum class LifecycleAction { kPublish, kStart, kEnd, kArchive };

// NextState
//
// The state a meeting in `from` moves to on `action`, or FAILED_PRECONDITION
// saying why not, e.g. "cannot start a meeting that is a draft; publish it
// first".
absl::StatusOr<MeetingState> NextState(MeetingState from, LifecycleAction action);

// StateName
//
// Lower-case English name for messages: "draft", "in progress", ...
absl::string_view StateName(MeetingState state);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_MEETING_LIFECYCLE_H_
