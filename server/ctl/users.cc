#include "server/ctl/users.h"

#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {

absl::StatusOr<v1::User> FindUser(const Client& client, absl::string_view username) {
  ASSIGN_OR_RETURN(v1::WhoAmIResponse me,
                   client.Call(&v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  if (me.user().username() == username) return me.user();
  std::vector<std::string> orgs;
  if (me.user().role() == v1::USER_ROLE_ADMIN) {
    RETURN_IF_ERROR(client.ForEachPage(&v1::DirectoryService::Stub::ListOrganizations,
                                       v1::ListOrganizationsRequest(),
                                       [&](const v1::ListOrganizationsResponse& page) {
                                         for (const v1::Organization& org : page.organizations())
                                           orgs.push_back(org.id());
                                       }));
  } else {
    orgs.push_back(me.user().organization_id());
  }
  std::optional<v1::User> found;
  for (const std::string& org : orgs) {
    v1::ListUsersRequest request;
    request.set_organization_id(org);
    RETURN_IF_ERROR(client.ForEachPage(&v1::DirectoryService::Stub::ListUsers, request,
                                       [&](const v1::ListUsersResponse& page) {
                                         for (const v1::User& u : page.users()) {
                                           if (u.username() == username) found = u;
                                         }
                                       }));
    if (found) return *found;
  }
  return absl::NotFoundError(absl::StrCat("no user '", username, "' among those you may see"));
}

absl::StatusOr<std::string> ParticipantId(const Client& client, absl::string_view meeting_id,
                                          absl::string_view who) {
  absl::flat_hash_set<std::string> ids;
  v1::ListParticipantsRequest request;
  request.set_meeting_id(std::string(meeting_id));
  RETURN_IF_ERROR(client.ForEachPage(&v1::MeetingService::Stub::ListParticipants, request,
                                     [&](const v1::ListParticipantsResponse& page) {
                                       for (const v1::Participant& p : page.participants()) {
                                         ids.insert(p.user_id());
                                       }
                                     }));
  if (ids.contains(who)) return std::string(who);
  absl::StatusOr<v1::User> user = FindUser(client, who);
  if (!user.ok()) {
    return absl::NotFoundError(absl::StrCat("'", who, "' is neither a participant's user id nor ",
                                            "a username you may look up (", user.status().message(),
                                            ")"));
  }
  if (!ids.contains(user->id())) {
    return absl::NotFoundError(
        absl::StrCat(user->full_name(), " (", who, ") does not take part in meeting ", meeting_id));
  }
  return user->id();
}

}  // namespace hopso::ctl
