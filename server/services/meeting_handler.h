// MeetingService logic, gRPC-free: meetings, agenda, participants,
// lifecycle. Every change appends its event in the same transaction.
#ifndef HOPSO_SERVER_SERVICES_MEETING_HANDLER_H_
#define HOPSO_SERVER_SERVICES_MEETING_HANDLER_H_

#include <functional>

#include "absl/status/status.h"
#include "hopso/v1/meeting.pb.h"
#include "server/domain/agenda.h"
#include "server/domain/meeting_lifecycle.h"
#include "server/domain/permissions.h"
#include "server/store/store.h"

namespace hopso::server {

// RequireId
//
// INVALID_ARGUMENT naming `field` when `id` is empty or cannot be an id.
absl::Status RequireId(absl::string_view field, absl::string_view id);

// The meeting and the caller's role in it (UNSPECIFIED when not a participant).
struct MeetingAccess {
  v1::Meeting meeting;
  v1::MeetingRole role;
};

// LoadMeetingAccess
//
// Reads the meeting and the caller's role in it; INVALID_ARGUMENT for an
// empty or malformed id, NOT_FOUND when there is no such meeting.
absl::StatusOr<MeetingAccess> LoadMeetingAccess(Transaction& tx, const Caller& caller,
                                                absl::string_view meeting_id);

// CheckedMeetingAccess
//
// LoadMeetingAccess, then the permission table's verdict on `rpc` for that
// role in the meeting's state. Every meeting-scoped RPC goes through here.
absl::StatusOr<MeetingAccess> CheckedMeetingAccess(Transaction& tx, const Caller& caller,
                                                   absl::string_view rpc,
                                                   absl::string_view meeting_id);

class MeetingHandler {
 public:
  explicit MeetingHandler(Store& store) : store_(store) {}

  absl::Status CreateMeeting(const Caller& c, const v1::CreateMeetingRequest& req, v1::Meeting* out);
  absl::Status GetMeeting(const Caller& c, const v1::GetMeetingRequest& req, v1::Meeting* out);
  absl::Status ListMeetings(const Caller& c, const v1::ListMeetingsRequest& req,
                            v1::ListMeetingsResponse* out);
  absl::Status UpdateMeeting(const Caller& c, const v1::UpdateMeetingRequest& req, v1::Meeting* out);
  absl::Status ChangeState(const Caller& c, absl::string_view rpc, LifecycleAction action,
                           const v1::MeetingLifecycleRequest& req, v1::Meeting* out);

  absl::Status GetAgenda(const Caller& c, const v1::GetAgendaRequest& req, v1::Agenda* out);
  absl::Status AddAgendaItem(const Caller& c, const v1::AddAgendaItemRequest& req, v1::Agenda* out);
  absl::Status UpdateAgendaItem(const Caller& c, const v1::UpdateAgendaItemRequest& req,
                                v1::Agenda* out);
  absl::Status MoveAgendaItem(const Caller& c, const v1::MoveAgendaItemRequest& req, v1::Agenda* out);
  absl::Status RemoveAgendaItem(const Caller& c, const v1::RemoveAgendaItemRequest& req,
                                v1::Agenda* out);
  absl::Status SetCurrentItem(const Caller& c, const v1::SetCurrentItemRequest& req, v1::Meeting* out);

  absl::Status AddParticipant(const Caller& c, const v1::AddParticipantRequest& req,
                              v1::Participant* out);
  absl::Status RemoveParticipant(const Caller& c, const v1::RemoveParticipantRequest& req,
                                 v1::RemoveParticipantResponse* out);
  absl::Status ListParticipants(const Caller& c, const v1::ListParticipantsRequest& req,
                                v1::ListParticipantsResponse* out);

  // CheckWatch
  //
  // May the caller follow this meeting's log? Returns the current head seq.
  absl::StatusOr<int64_t> CheckWatch(const Caller& c, absl::string_view meeting_id);

 private:
  // What a meeting-scoped operation sees once the caller is allowed in.
  struct Scope {
    Transaction& tx;
    v1::Meeting& meeting;
    v1::MeetingRole role;
    int64_t now_micros;
    // Appends `body` to the meeting's log, as the caller, in this transaction.
    absl::Status Record(const Caller& caller, const v1::EventBody& body);
  };
  using ScopedFn = std::function<absl::Status(Scope&)>;

  // Loads the meeting, checks `rpc` against the permission table for the
  // caller's role and the meeting's state, then runs `fn` — in a write
  // transaction when `write`, else in a read snapshot.
  absl::Status InMeeting(const Caller& caller, absl::string_view rpc,
                         absl::string_view meeting_id, bool write, const ScopedFn& fn);

  // Runs an agenda change and records it with the agenda that results.
  absl::Status ChangeAgenda(const Caller& caller, absl::string_view rpc,
                            absl::string_view meeting_id, v1::AgendaChanged::Change change,
                            const std::function<absl::StatusOr<std::string>(
                                Agenda&, std::vector<std::string>& removed)>& edit,
                            v1::Agenda* out);

  Store& store_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_MEETING_HANDLER_H_
