// Finding people by the names a person types: a username, or a user id.
#ifndef HOPSO_SERVER_CTL_USERS_H_
#define HOPSO_SERVER_CTL_USERS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/ctl/client.h"

namespace hopso::ctl {

// FindUser
//
// The user called `username` among those the caller may list: their own
// organisation's, or for an admin, every organisation's. NOT_FOUND otherwise.
absl::StatusOr<v1::User> FindUser(const Client& client, absl::string_view username);

// ParticipantId
//
// The user id of the participant of `meeting_id` that `who` names: their user
// id, or their username (looked up with FindUser). NOT_FOUND when `who` is
// neither, or names someone outside the meeting.
absl::StatusOr<std::string> ParticipantId(const Client& client, absl::string_view meeting_id,
                                          absl::string_view who);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_USERS_H_
