// speakers: the queue of requests to speak and the floor.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "server/ctl/attendance_text.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using SpeakerStub = v1::SpeakerService::Stub;
using RefMethod = grpc::Status (SpeakerStub::*)(grpc::ClientContext*, const v1::SpeakRequestRef&,
                                                v1::SpeakRequest*);

absl::Status ListSpeakers() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ListSpeakersRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_agenda_item_id(absl::GetFlag(FLAGS_item));
  ASSIGN_OR_RETURN(v1::SpeakerQueue queue, client.Call(&SpeakerStub::ListSpeakers, request));
  std::cout << SpeakerQueueText(queue);
  return absl::OkStatus();
}

absl::Status RequestToSpeak() {
  absl::StatusOr<v1::SpeakKind> kind = ParseSpeakKind(absl::GetFlag(FLAGS_kind));
  if (!kind.ok()) return UsageError(kind.status().message());
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::RequestToSpeakRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_kind(*kind);
  request.set_topic(absl::GetFlag(FLAGS_topic));
  ASSIGN_OR_RETURN(v1::SpeakRequest r, client.Call(&SpeakerStub::RequestToSpeak, request));
  std::cout << r.id() << "\n";
  return absl::OkStatus();
}

absl::Status GiveFloor() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GiveFloorRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_request_id(absl::GetFlag(FLAGS_request));
  request.set_limit_seconds(absl::GetFlag(FLAGS_limit));
  ASSIGN_OR_RETURN(v1::SpeakRequest r, client.Call(&SpeakerStub::GiveFloor, request));
  std::cout << SpeakRequestLine(r) << "\n";
  return absl::OkStatus();
}

std::function<absl::Status()> OnRequest(RefMethod method) {
  return [method]() -> absl::Status {
    ASSIGN_OR_RETURN(Client client, Client::FromFlags());
    v1::SpeakRequestRef request;
    request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
    request.set_request_id(absl::GetFlag(FLAGS_request));
    ASSIGN_OR_RETURN(v1::SpeakRequest r, client.Call(method, request));
    std::cout << SpeakRequestLine(r) << "\n";
    return absl::OkStatus();
  };
}

}  // namespace

std::vector<Command> SpeakerCommands() {
  return {
      {.name = "speakers",
       .summary = "the queue of requests to speak on the current item (or --item): id, state, "
                  "kind, name, topic, seconds used/given",
       .required = {"meeting"},
       .optional = {"item"},
       .run = ListSpeakers,
       .arguments = {"meeting"}},
      {.name = "speakers request",
       .summary = "ask to speak on the current item (đăng ký phát biểu); prints the request id",
       .required = {"meeting"},
       .optional = {"kind", "topic"},
       .run = RequestToSpeak,
       .arguments = {"meeting"}},
      {.name = "speakers floor",
       .summary = "give REQUEST the floor, ending the current speaker's (chair)",
       .required = {"meeting", "request"},
       .optional = {"limit"},
       .run = GiveFloor,
       .arguments = {"meeting", "request"}},
      {.name = "speakers end",
       .summary = "end REQUEST's turn (chair or the speaker); the time used is recorded",
       .required = {"meeting", "request"},
       .run = OnRequest(&SpeakerStub::EndFloor),
       .arguments = {"meeting", "request"}},
      {.name = "speakers withdraw",
       .summary = "withdraw a waiting REQUEST (its requester or the chair)",
       .required = {"meeting", "request"},
       .run = OnRequest(&SpeakerStub::WithdrawRequest),
       .arguments = {"meeting", "request"}},
  };
}

}  // namespace hopso::ctl
