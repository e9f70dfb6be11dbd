// Who may call what, and in which meeting state, kept as data so that the
// permission test can walk the whole table.
#ifndef HOPSO_SERVER_DOMAIN_PERMISSIONS_H_
#define HOPSO_SERVER_DOMAIN_PERMISSIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "hopso/v1/common.pb.h"

namespace hopso::server {

using v1::MeetingRole;
using v1::MeetingState;
using v1::UserRole;

// The authenticated caller of an RPC.
struct Caller {
  std::string user_id;
  std::string organization_id;
  UserRole role = v1::USER_ROLE_UNSPECIFIED;
  std::string session_hash;
  // The network address the call came from (the gRPC peer without its
  // port), e.g. "ipv4:192.168.1.20", for throttling unauthenticated calls.
  std::string peer;
};

constexpr uint32_t Bit(int value) { return 1u << value; }

// One row: a meeting-scoped RPC, the meeting roles that may call it and the
// meeting states in which it may be called.
struct MeetingRule {
  absl::string_view rpc;  // method name in hopso.v1.MeetingService
  uint32_t roles;        // bits of MeetingRole
  uint32_t states;       // bits of MeetingState
};

// One row: an RPC outside any meeting and the user roles that may call it.
// `scope` narrows it further (see CheckUserAction).
enum class UserScope {
  kAny,           // any of `roles`, anywhere
  kOwnOrg,        // the target organisation must be the caller's (admins: any)
  kSelfOrOwnOrg,  // the caller themself, or `roles` within their organisation
};
struct UserRule {
  absl::string_view rpc;  // "Service/Method"
  uint32_t roles;        // bits of UserRole
  UserScope scope;
};

std::span<const MeetingRule> MeetingRules();
std::span<const UserRule> UserRules();

// CheckMeetingAction
//
// OK when `role` (the caller's role in the meeting, UNSPECIFIED if none) may
// call `rpc` in `state`. PERMISSION_DENIED when the role may not call it at
// all (delegates and guests see nothing of a draft meeting);
// FAILED_PRECONDITION, with the state, when the role may but not now.
absl::Status CheckMeetingAction(absl::string_view rpc, MeetingRole role, MeetingState state);

// CheckUserAction
//
// OK when `caller` may call `rpc` on something in `target_org` (and, for
// kSelfOrOwnOrg, about user `target_user`); else PERMISSION_DENIED.
absl::Status CheckUserAction(absl::string_view rpc, const Caller& caller,
                             absl::string_view target_org, absl::string_view target_user = {});

absl::string_view MeetingRoleName(MeetingRole role);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_PERMISSIONS_H_
