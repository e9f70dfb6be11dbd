#include "server/domain/permissions.h"

#include "absl/strings/str_cat.h"
#include "server/domain/meeting_lifecycle.h"

namespace hopso::server {
namespace {

constexpr uint32_t kChair = Bit(v1::MEETING_ROLE_CHAIR);
constexpr uint32_t kSecretary = Bit(v1::MEETING_ROLE_SECRETARY);
constexpr uint32_t kDelegate = Bit(v1::MEETING_ROLE_DELEGATE);
constexpr uint32_t kGuest = Bit(v1::MEETING_ROLE_GUEST);
constexpr uint32_t kEveryone = kChair | kSecretary | kDelegate | kGuest;

constexpr uint32_t kDraft = Bit(v1::MEETING_STATE_DRAFT);
constexpr uint32_t kPublished = Bit(v1::MEETING_STATE_PUBLISHED);
constexpr uint32_t kInProgress = Bit(v1::MEETING_STATE_IN_PROGRESS);
constexpr uint32_t kEnded = Bit(v1::MEETING_STATE_ENDED);
constexpr uint32_t kArchived = Bit(v1::MEETING_STATE_ARCHIVED);
constexpr uint32_t kAnyState = kDraft | kPublished | kInProgress | kEnded | kArchived;
// The agenda and the participant list can still change while the meeting runs.
constexpr uint32_t kEditable = kDraft | kPublished | kInProgress;

constexpr MeetingRule kMeetingRules[] = {
    {"GetMeeting", kEveryone, kAnyState},
    {"UpdateMeeting", kSecretary, kDraft | kPublished},
    {"PublishMeeting", kSecretary, kDraft},
    {"StartMeeting", kChair, kPublished},
    {"EndMeeting", kChair, kInProgress},
    {"ArchiveMeeting", kSecretary, kEnded},
    {"GetAgenda", kEveryone, kAnyState},
    {"AddAgendaItem", kSecretary | kChair, kEditable},
    {"UpdateAgendaItem", kSecretary | kChair, kEditable},
    {"MoveAgendaItem", kSecretary | kChair, kEditable},
    {"RemoveAgendaItem", kSecretary | kChair, kEditable},
    {"SetCurrentItem", kChair, kInProgress},
    {"AddParticipant", kSecretary, kEditable},
    {"RemoveParticipant", kSecretary, kEditable},
    {"ListParticipants", kEveryone, kAnyState},
    {"WatchMeeting", kEveryone, kAnyState},
    // DocumentService. Confidential documents are narrowed further by the
    // document's own reader list (see document_handler.cc).
    {"StartUpload", kSecretary, kEditable},
    {"UploadChunks", kSecretary, kEditable},
    {"GetUpload", kSecretary, kEditable},
    {"FinishUpload", kSecretary, kEditable},
    {"Download", kEveryone, kAnyState},
    {"GetDocument", kEveryone, kAnyState},
    {"ListDocuments", kEveryone, kAnyState},
    {"AttachDocument", kSecretary, kEditable},
    {"SetConfidentiality", kSecretary, kEditable},
    {"GetQrCode", kEveryone, kAnyState},
    {"ResolveQr", kEveryone, kAnyState},
    {"StampDocument", kSecretary, kEditable},
    {"GenerateHandout", kSecretary, kEditable},
    {"GeneratePoster", kSecretary, kEditable},
    // AnnotationService: whoever may read a document may annotate it, and
    // sees their own annotations and the shared ones of others.
    {"SaveAnnotations", kEveryone, kAnyState},
    {"ListAnnotations", kEveryone, kAnyState},
    {"ExportAnnotatedCopy", kEveryone, kAnyState},
    // AttendanceService. CheckOut of someone else is the secretary's (the
    // handler checks); everyone may check themself out.
    {"GetRoomCode", kChair | kSecretary, kPublished | kInProgress},
    {"CheckIn", kEveryone, kPublished | kInProgress},
    {"MarkAttendance", kSecretary, kPublished | kInProgress},
    {"CheckOut", kEveryone, kPublished | kInProgress},
    {"GiveProxy", kSecretary, kPublished | kInProgress},
    {"RevokeProxy", kSecretary, kPublished | kInProgress},
    {"GetAttendance", kEveryone, kAnyState},
    {"GetAttendanceRules", kEveryone, kAnyState},
    {"SetAttendanceRules", kSecretary, kEditable},
    // VotingService. Who may cast which vote is the poll's rights snapshot.
    {"CreatePoll", kChair | kSecretary, kEditable},
    {"OpenPoll", kChair, kInProgress},
    {"ClosePoll", kChair, kInProgress},
    {"GetPoll", kEveryone, kAnyState},
    {"ListPolls", kEveryone, kAnyState},
    {"ListBallots", kEveryone, kAnyState},
    {"GetMyVotingRights", kEveryone, kAnyState},
    {"CastBallot", kEveryone, kInProgress},
    // SpeakerService. EndFloor: the chair or the speaker (the handler checks).
    {"RequestToSpeak", kEveryone, kInProgress},
    {"WithdrawRequest", kEveryone, kInProgress},
    {"ListSpeakers", kEveryone, kAnyState},
    {"GiveFloor", kChair, kInProgress},
    {"EndFloor", kEveryone, kInProgress},
    // SigningService. The minutes are drafted from the start of the meeting
    // and signed after its end; who signs is the request's signer (the
    // handler checks).
    {"SetMinutesText", kSecretary, kInProgress | kEnded},
    {"GenerateMinutes", kSecretary, kInProgress | kEnded},
    {"GetMinutes", kEveryone, kAnyState},
    {"RequestSignatures", kSecretary, kEnded},
    {"ListSignatureRequests", kEveryone, kAnyState},
    {"SignDocument", kEveryone, kEnded | kArchived},
    {"DeclineSignature", kEveryone, kEnded | kArchived},
};

constexpr uint32_t kAdmin = Bit(v1::USER_ROLE_ADMIN);
constexpr uint32_t kOrgSecretary = Bit(v1::USER_ROLE_SECRETARY);
constexpr uint32_t kMember = Bit(v1::USER_ROLE_MEMBER);
constexpr uint32_t kAnyUser = kAdmin | kOrgSecretary | kMember;

constexpr UserRule kUserRules[] = {
    {"AuthService/Logout", kAnyUser, UserScope::kAny},
    {"AuthService/WhoAmI", kAnyUser, UserScope::kAny},
    // Pairing logs a tablet in as the user: only their organisation's
    // secretaries (and admins) may hand out a code.
    {"AuthService/CreatePairingCode", kAdmin | kOrgSecretary, UserScope::kOwnOrg},
    {"DirectoryService/CreateOrganization", kAdmin, UserScope::kAny},
    {"DirectoryService/GetOrganization", kAnyUser, UserScope::kOwnOrg},
    {"DirectoryService/ListOrganizations", kAnyUser, UserScope::kAny},
    {"DirectoryService/CreateUser", kAdmin, UserScope::kAny},
    {"DirectoryService/GetUser", kAdmin | kOrgSecretary, UserScope::kSelfOrOwnOrg},
    {"DirectoryService/ListUsers", kAdmin | kOrgSecretary, UserScope::kOwnOrg},
    {"DirectoryService/SetPassword", kAdmin, UserScope::kSelfOrOwnOrg},
    {"DirectoryService/ImportUsers", kAdmin, UserScope::kAny},
    // Secretaries (thư ký) create meetings for their own organisation.
    {"MeetingService/CreateMeeting", kOrgSecretary, UserScope::kOwnOrg},
    {"MeetingService/ListMeetings", kAnyUser, UserScope::kAny},
    // Signing set-up is the admins'; the PIN is its owner's alone (the
    // handler uses the caller's own key for SetPin and ChangePin).
    {"SigningService/InitCertificateAuthority", kAdmin, UserScope::kOwnOrg},
    {"SigningService/GetCertificateAuthority", kAnyUser, UserScope::kAny},
    {"SigningService/CreateSigningKey", kAdmin, UserScope::kOwnOrg},
    {"SigningService/AttachCertificate", kAdmin, UserScope::kOwnOrg},
    {"SigningService/ResetPin", kAdmin, UserScope::kOwnOrg},
    {"SigningService/GetSigningKey", kAdmin, UserScope::kOwnOrg},
};

}  // namespace

std::span<const MeetingRule> MeetingRules() { return kMeetingRules; }
std::span<const UserRule> UserRules() { return kUserRules; }

absl::string_view MeetingRoleName(MeetingRole role) {
  switch (role) {
    case v1::MEETING_ROLE_CHAIR: return "chair";
    case v1::MEETING_ROLE_SECRETARY: return "secretary";
    case v1::MEETING_ROLE_DELEGATE: return "delegate";
    case v1::MEETING_ROLE_GUEST: return "guest";
    default: return "not a participant";
  }
}

absl::Status CheckMeetingAction(absl::string_view rpc, MeetingRole role, MeetingState state) {
  for (const MeetingRule& rule : kMeetingRules) {
    if (rule.rpc != rpc) continue;
    const bool sees_drafts = role == v1::MEETING_ROLE_CHAIR || role == v1::MEETING_ROLE_SECRETARY;
    if (role == v1::MEETING_ROLE_UNSPECIFIED) {
      return absl::PermissionDeniedError("you are not a participant of this meeting");
    }
    if (state == v1::MEETING_STATE_DRAFT && !sees_drafts) {
      return absl::PermissionDeniedError("this meeting has not been published yet");
    }
    if ((rule.roles & Bit(role)) == 0) {
      return absl::PermissionDeniedError(
          absl::StrCat(rpc, " is not allowed for the meeting's ", MeetingRoleName(role)));
    }
    if ((rule.states & Bit(state)) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(rpc, " is not possible while the meeting is ", StateName(state)));
    }
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat("no permission rule for ", rpc));
}

absl::Status CheckUserAction(absl::string_view rpc, const Caller& caller,
                             absl::string_view target_org, absl::string_view target_user) {
  for (const UserRule& rule : kUserRules) {
    if (rule.rpc != rpc) continue;
    const bool self = !target_user.empty() && target_user == caller.user_id;
    const bool role_ok = (rule.roles & Bit(caller.role)) != 0;
    const bool org_ok = caller.role == v1::USER_ROLE_ADMIN || target_org == caller.organization_id;
    bool allowed = false;
    switch (rule.scope) {
      case UserScope::kAny: allowed = role_ok; break;
      case UserScope::kOwnOrg: allowed = role_ok && org_ok; break;
      case UserScope::kSelfOrOwnOrg: allowed = self || (role_ok && org_ok); break;
    }
    if (allowed) return absl::OkStatus();
    return absl::PermissionDeniedError(absl::StrCat("you may not call ", rpc, " here"));
  }
  return absl::InternalError(absl::StrCat("no permission rule for ", rpc));
}

}  // namespace hopso::server
