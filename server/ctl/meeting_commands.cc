// meeting, agenda, participant and watch commands.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"
#include "server/ctl/format.h"
#include "server/ctl/meeting_text.h"
#include "server/domain/meeting_lifecycle.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using MeetingStub = v1::MeetingService::Stub;
using LifecycleMethod = grpc::Status (MeetingStub::*)(grpc::ClientContext*,
                                                      const v1::MeetingLifecycleRequest&,
                                                      v1::Meeting*);

absl::StatusOr<int64_t> TimeFlag(const absl::Flag<std::string>& flag, absl::string_view name) {
  absl::StatusOr<int64_t> micros = ParseMeetingTime(absl::GetFlag(flag));
  if (!micros.ok()) return UsageError(absl::StrCat("--", name, ": ", micros.status().message()));
  return micros;
}

absl::Status CreateMeeting() {
  ASSIGN_OR_RETURN(int64_t start, TimeFlag(FLAGS_start, "start"));
  ASSIGN_OR_RETURN(int64_t end, TimeFlag(FLAGS_end, "end"));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::CreateMeetingRequest request;
  request.set_organization_id(absl::GetFlag(FLAGS_org));
  request.set_title(absl::GetFlag(FLAGS_title));
  request.set_place(absl::GetFlag(FLAGS_place));
  request.mutable_start_time()->set_unix_micros(start);
  request.mutable_end_time()->set_unix_micros(end);
  ASSIGN_OR_RETURN(v1::Meeting meeting, client.Call(&MeetingStub::CreateMeeting, request));
  std::cout << meeting.id() << "\n";
  return absl::OkStatus();
}

absl::Status ListMeetings() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  return client.ForEachPage(
      &MeetingStub::ListMeetings, v1::ListMeetingsRequest(),
      [](const v1::ListMeetingsResponse& page) {
        for (const v1::Meeting& m : page.meetings()) {
          std::cout << absl::StrJoin({m.id(), FormatMeetingTime(m.start_time().unix_micros()),
                                      std::string(server::StateName(m.state())),
                                      MeetingRoleLabel(m.my_role()), m.title()},
                                     "\t")
                    << "\n";
        }
      });
}

absl::Status GetMeeting() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetMeetingRequest request;
  request.set_id(absl::GetFlag(FLAGS_id));
  ASSIGN_OR_RETURN(v1::Meeting meeting, client.Call(&MeetingStub::GetMeeting, request));
  std::cout << MeetingText(meeting);
  return absl::OkStatus();
}

std::function<absl::Status()> Lifecycle(LifecycleMethod method) {
  return [method]() -> absl::Status {
    ASSIGN_OR_RETURN(Client client, Client::FromFlags());
    v1::MeetingLifecycleRequest request;
    request.set_meeting_id(absl::GetFlag(FLAGS_id));
    ASSIGN_OR_RETURN(v1::Meeting meeting, client.Call(method, request));
    std::cout << meeting.id() << " is now " << server::StateName(meeting.state()) << "\n";
    return absl::OkStatus();
  };
}

absl::Status SetCurrentItem() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::SetCurrentItemRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_id));
  request.set_item_id(absl::GetFlag(FLAGS_item));
  ASSIGN_OR_RETURN(v1::Meeting meeting, client.Call(&MeetingStub::SetCurrentItem, request));
  std::cout << "current item: " << meeting.current_item_id() << "\n";
  return absl::OkStatus();
}

absl::Status ShowAgenda() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetAgendaRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  ASSIGN_OR_RETURN(v1::Agenda agenda, client.Call(&MeetingStub::GetAgenda, request));
  std::cout << AgendaText(agenda);
  return absl::OkStatus();
}

absl::Status AddAgendaItem() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::AddAgendaItemRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_parent_id(absl::GetFlag(FLAGS_parent));
  request.set_title(absl::GetFlag(FLAGS_title));
  request.set_presenter(absl::GetFlag(FLAGS_presenter));
  request.set_planned_minutes(absl::GetFlag(FLAGS_minutes));
  request.set_index(absl::GetFlag(FLAGS_index));
  ASSIGN_OR_RETURN(v1::Agenda agenda, client.Call(&MeetingStub::AddAgendaItem, request));
  const v1::AgendaItem* added = AddedItem(agenda, request.parent_id(), request.index());
  if (added == nullptr) return absl::InternalError("the new item is not in the returned agenda");
  std::cout << added->id() << "\n";
  return absl::OkStatus();
}

absl::Status MoveAgendaItem() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::MoveAgendaItemRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_item_id(absl::GetFlag(FLAGS_item));
  request.set_new_parent_id(absl::GetFlag(FLAGS_parent));
  request.set_new_index(absl::GetFlag(FLAGS_index));
  ASSIGN_OR_RETURN(v1::Agenda agenda, client.Call(&MeetingStub::MoveAgendaItem, request));
  std::cout << AgendaText(agenda);
  return absl::OkStatus();
}

absl::Status RemoveAgendaItem() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::RemoveAgendaItemRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_item_id(absl::GetFlag(FLAGS_item));
  ASSIGN_OR_RETURN(v1::Agenda agenda, client.Call(&MeetingStub::RemoveAgendaItem, request));
  std::cout << AgendaText(agenda);
  return absl::OkStatus();
}

absl::Status AddParticipant() {
  absl::StatusOr<v1::MeetingRole> role = ParseMeetingRole(absl::GetFlag(FLAGS_role));
  if (!role.ok()) return UsageError(role.status().message());
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::AddParticipantRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_user_id(absl::GetFlag(FLAGS_user));
  request.set_role(*role);
  ASSIGN_OR_RETURN(v1::Participant p, client.Call(&MeetingStub::AddParticipant, request));
  std::cout << p.user_id() << "\t" << p.full_name() << "\t" << MeetingRoleLabel(p.role()) << "\n";
  return absl::OkStatus();
}

absl::Status ListParticipants() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ListParticipantsRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  return client.ForEachPage(
      &MeetingStub::ListParticipants, request, [](const v1::ListParticipantsResponse& page) {
        for (const v1::Participant& p : page.participants()) {
          std::cout << absl::StrJoin({p.user_id(), MeetingRoleLabel(p.role()), p.full_name(),
                                      p.title(), p.unit()},
                                     "\t")
                    << "\n";
        }
      });
}

absl::Status RemoveParticipant() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::RemoveParticipantRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_user_id(absl::GetFlag(FLAGS_user));
  return client.Call(&MeetingStub::RemoveParticipant, request).status();
}

absl::Status Watch() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::WatchMeetingRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_after_seq(absl::GetFlag(FLAGS_after));
  EventDescriber describer;
  grpc::ClientContext context;
  return client.Watch(request, &context, [&](const v1::MeetingEvent& event) {
    // Flushed per line: whoever reads a pipe sees each event as it happens.
    std::cout << describer.Line(event) << std::endl;
  });
}

Command LifecycleCommand(std::string verb, LifecycleMethod method, std::string who) {
  return {.name = absl::StrCat("meeting ", verb),
          .summary = absl::StrCat(verb, " a meeting (", who, ")"),
          .required = {"id"},
          .run = Lifecycle(method)};
}

}  // namespace

std::vector<Command> MeetingCommands() {
  return {
      {.name = "meeting create",
       .summary = "create a draft meeting (secretary); prints its id",
       .required = {"org", "title", "start", "end"},
       .optional = {"place"},
       .run = CreateMeeting},
      {.name = "meeting list",
       .summary = "meetings you take part in: id, start, state, your role, title",
       .run = ListMeetings},
      {.name = "meeting get", .summary = "show a meeting", .required = {"id"}, .run = GetMeeting},
      LifecycleCommand("publish", &MeetingStub::PublishMeeting, "secretary; draft -> published"),
      LifecycleCommand("start", &MeetingStub::StartMeeting, "chair; published -> in progress"),
      LifecycleCommand("end", &MeetingStub::EndMeeting, "chair; in progress -> ended"),
      LifecycleCommand("archive", &MeetingStub::ArchiveMeeting, "secretary; ended -> archived"),
      {.name = "meeting current",
       .summary = "move the meeting to an agenda item (chair; --item= clears it)",
       .required = {"id", "item"},
       .run = SetCurrentItem},
      {.name = "agenda show",
       .summary = "the agenda: number, id, title, presenter, minutes",
       .required = {"meeting"},
       .run = ShowAgenda},
      {.name = "agenda add",
       .summary = "add an item, or a sub-item with --parent; prints its id",
       .required = {"meeting", "title"},
       .optional = {"parent", "presenter", "minutes", "index"},
       .run = AddAgendaItem},
      {.name = "agenda move",
       .summary = "move an item (with its sub-items) under --parent at --index",
       .required = {"meeting", "item", "index"},
       .optional = {"parent"},
       .run = MoveAgendaItem},
      {.name = "agenda remove",
       .summary = "remove an item and its sub-items",
       .required = {"meeting", "item"},
       .run = RemoveAgendaItem},
      {.name = "participant add",
       .summary = "invite a user with a meeting role, or change their role (secretary)",
       .required = {"meeting", "user", "role"},
       .run = AddParticipant},
      {.name = "participant list",
       .summary = "the meeting's participants: user id, role, name, title, unit",
       .required = {"meeting"},
       .run = ListParticipants},
      {.name = "participant remove",
       .summary = "remove a participant (secretary)",
       .required = {"meeting", "user"},
       .run = RemoveParticipant},
      {.name = "watch",
       .summary = "follow a meeting's events live: seq, time, kind, summary",
       .required = {"meeting"},
       .optional = {"after"},
       .run = Watch},
  };
}

}  // namespace hopso::ctl
