#include "tests/integration/fixtures.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/store/event_chain.h"
#include "server/util/status_macros.h"

namespace hopso::integration {
namespace {

absl::Status Annotate(absl::string_view what, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

absl::Status Lifecycle(Client& client,
                       grpc::Status (v1::MeetingService::Stub::*method)(
                           grpc::ClientContext*, const v1::MeetingLifecycleRequest&, v1::Meeting*),
                       absl::string_view meeting_id) {
  v1::MeetingLifecycleRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*client.meetings, method, request).status();
}

}  // namespace

absl::StatusOr<v1::User> NewUser(Client& admin, absl::string_view organization_id,
                                 absl::string_view username, absl::string_view full_name,
                                 v1::UserRole role) {
  v1::CreateUserRequest request;
  request.mutable_user()->set_organization_id(std::string(organization_id));
  request.mutable_user()->set_username(std::string(username));
  request.mutable_user()->set_full_name(std::string(full_name));
  request.mutable_user()->set_role(role);
  request.set_password(kPassword);
  absl::StatusOr<v1::User> user =
      Call(*admin.directory, &v1::DirectoryService::Stub::CreateUser, request);
  if (!user.ok()) return Annotate(absl::StrCat("CreateUser ", username), user.status());
  return user;
}

absl::StatusOr<Cast> MakeCast(const HopsodProcess& server, absl::string_view org_name,
                              absl::string_view prefix) {
  Cast cast;
  ASSIGN_OR_RETURN(cast.admin, server.Login(kAdminUsername));
  v1::CreateOrganizationRequest org;
  org.set_name(std::string(org_name));
  ASSIGN_OR_RETURN(
      cast.org, Call(*cast.admin.directory, &v1::DirectoryService::Stub::CreateOrganization, org));
  struct Person {
    Client* client;
    absl::string_view role_name;
    absl::string_view full_name;
    v1::UserRole role;
  };
  const Person people[] = {
      {&cast.secretary, "secretary", "Nguyễn Thị Thư", v1::USER_ROLE_SECRETARY},
      {&cast.chair, "chair", "Trần Văn Chủ", v1::USER_ROLE_MEMBER},
      {&cast.delegate, "delegate", "Lê Thị Đại Biểu", v1::USER_ROLE_MEMBER},
      {&cast.guest, "guest", "Phạm Quốc Khách", v1::USER_ROLE_MEMBER},
  };
  for (const Person& person : people) {
    const std::string username = absl::StrCat(prefix, person.role_name);
    RETURN_IF_ERROR(
        NewUser(cast.admin, cast.org.id(), username, person.full_name, person.role).status());
    ASSIGN_OR_RETURN(*person.client, server.Login(username));
  }
  return cast;
}

absl::StatusOr<v1::Meeting> MakeMeeting(Cast& cast, v1::MeetingState state,
                                        absl::string_view title) {
  v1::CreateMeetingRequest create;
  create.set_organization_id(cast.org.id());
  create.set_title(std::string(title));
  create.set_place("Phòng họp số 1, tầng 3");
  const int64_t start = absl::ToUnixMicros(absl::Now() + absl::Hours(24));
  create.mutable_start_time()->set_unix_micros(start);
  create.mutable_end_time()->set_unix_micros(start + absl::ToInt64Microseconds(absl::Hours(2)));
  absl::StatusOr<v1::Meeting> meeting =
      Call(*cast.secretary.meetings, &v1::MeetingService::Stub::CreateMeeting, create);
  if (!meeting.ok()) return Annotate("CreateMeeting", meeting.status());
  const std::string& id = meeting->id();
  RETURN_IF_ERROR(
      Annotate("AddAgendaItem", AddAgendaItem(cast.secretary, id, "Khai mạc").status()));
  RETURN_IF_ERROR(
      Annotate("AddAgendaItem", AddAgendaItem(cast.secretary, id, "Thảo luận").status()));
  const std::pair<Client*, v1::MeetingRole> invited[] = {
      {&cast.chair, v1::MEETING_ROLE_CHAIR},
      {&cast.delegate, v1::MEETING_ROLE_DELEGATE},
      {&cast.guest, v1::MEETING_ROLE_GUEST},
  };
  for (const auto& [client, role] : invited) {
    v1::AddParticipantRequest add;
    add.set_meeting_id(id);
    add.set_user_id(client->user.id());
    add.set_role(role);
    RETURN_IF_ERROR(Annotate(
        "AddParticipant",
        Call(*cast.secretary.meetings, &v1::MeetingService::Stub::AddParticipant, add).status()));
  }
  using Stub = v1::MeetingService::Stub;
  const struct {
    v1::MeetingState reached;
    Client* by;
    grpc::Status (Stub::*method)(grpc::ClientContext*, const v1::MeetingLifecycleRequest&,
                                 v1::Meeting*);
  } steps[] = {
      {v1::MEETING_STATE_PUBLISHED, &cast.secretary, &Stub::PublishMeeting},
      {v1::MEETING_STATE_IN_PROGRESS, &cast.chair, &Stub::StartMeeting},
      {v1::MEETING_STATE_ENDED, &cast.chair, &Stub::EndMeeting},
      {v1::MEETING_STATE_ARCHIVED, &cast.secretary, &Stub::ArchiveMeeting},
  };
  for (const auto& step : steps) {
    if (step.reached > state) break;
    RETURN_IF_ERROR(Annotate(absl::StrCat("moving the meeting to state ", step.reached),
                             Lifecycle(*step.by, step.method, id)));
  }
  return GetMeeting(cast.secretary, id);
}

absl::StatusOr<v1::Meeting> GetMeeting(Client& client, absl::string_view meeting_id) {
  v1::GetMeetingRequest request;
  request.set_id(std::string(meeting_id));
  return Call(*client.meetings, &v1::MeetingService::Stub::GetMeeting, request);
}

absl::StatusOr<v1::Agenda> GetAgenda(Client& client, absl::string_view meeting_id) {
  v1::GetAgendaRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*client.meetings, &v1::MeetingService::Stub::GetAgenda, request);
}

absl::StatusOr<v1::Agenda> AddAgendaItem(Client& client, absl::string_view meeting_id,
                                         absl::string_view title, absl::string_view parent_id) {
  v1::AddAgendaItemRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_parent_id(std::string(parent_id));
  request.set_title(std::string(title));
  request.set_index(-1);
  return Call(*client.meetings, &v1::MeetingService::Stub::AddAgendaItem, request);
}

Watcher::Watcher(Client& client, absl::string_view meeting_id, int64_t after_seq) {
  v1::WatchMeetingRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_after_seq(after_seq);
  reader_ = client.meetings->WatchMeeting(&context_, request);
}

Watcher::~Watcher() {
  if (finished_) return;
  Cancel();
  v1::MeetingEvent ignored;
  while (Next(&ignored)) {
  }
  Finish().IgnoreError();
}

bool Watcher::Next(v1::MeetingEvent* event) { return reader_->Read(event); }

absl::Status Watcher::Finish() {
  finished_ = true;
  return ToAbslStatus(reader_->Finish());
}

server::StoredEvent ToStoredEvent(const v1::MeetingEvent& event) {
  server::StoredEvent stored;
  stored.meeting_id = event.meeting_id();
  stored.seq = event.seq();
  stored.time_micros = event.time().unix_micros();
  stored.actor_user_id = event.actor_user_id();
  stored.body = event.body().SerializeAsString();
  stored.hash = event.hash();
  return stored;
}

absl::Status CheckChain(absl::string_view previous_hash,
                        const std::vector<v1::MeetingEvent>& events) {
  std::string previous(previous_hash);
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::MeetingEvent& event = events[i];
    if (i > 0 && event.seq() != events[i - 1].seq() + 1) {
      return absl::DataLossError(
          absl::StrCat("event ", event.seq(), " follows event ", events[i - 1].seq()));
    }
    if (server::ChainHash(previous, ToStoredEvent(event)) != event.hash()) {
      return absl::DataLossError(
          absl::StrCat("event ", event.seq(), " does not chain to the one before it"));
    }
    previous = event.hash();
  }
  return absl::OkStatus();
}

}  // namespace hopso::integration
