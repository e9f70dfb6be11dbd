// poll: create, open, close, show, list, vote and verify (biểu quyết).
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"
#include "server/ctl/poll_text.h"
#include "server/ctl/users.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using VotingStub = v1::VotingService::Stub;
using PollMethod = grpc::Status (VotingStub::*)(grpc::ClientContext*, const v1::PollRequest&,
                                                v1::Poll*);

v1::PollRequest PollFromFlags() {
  v1::PollRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_poll_id(absl::GetFlag(FLAGS_poll));
  return request;
}

// The member `who` names (user id, full name, or a username the caller may
// look up) among those whose votes the caller casts in `poll`.
absl::StatusOr<std::string> PrincipalId(const Client& client, const v1::Poll& poll,
                                        const std::string& who) {
  v1::PollRequest request;
  request.set_meeting_id(poll.meeting_id());
  request.set_poll_id(poll.id());
  ASSIGN_OR_RETURN(v1::MyVotingRights rights, client.Call(&VotingStub::GetMyVotingRights, request));
  std::vector<std::string> names;
  for (const v1::VotingRight& right : rights.rights()) {
    if (right.principal_user_id() == who || right.principal_name() == who) {
      return right.principal_user_id();
    }
    names.push_back(right.principal_name());
  }
  // Members cannot list users: a username works for those who can.
  absl::StatusOr<std::string> id = ParticipantId(client, poll.meeting_id(), who);
  if (id.ok()) return id;
  return absl::NotFoundError(absl::StrCat("--for ", who, ": not one of the members whose votes ",
                                          "you cast in this poll (", absl::StrJoin(names, ", "),
                                          ")"));
}

absl::Status CreatePoll() {
  absl::StatusOr<v1::PollKind> kind = ParsePollKind(absl::GetFlag(FLAGS_kind));
  if (!kind.ok()) return UsageError(absl::StrCat("--kind: ", kind.status().message()));
  v1::CreatePollRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_agenda_item_id(absl::GetFlag(FLAGS_item));
  request.set_title(absl::GetFlag(FLAGS_title));
  request.set_kind(*kind);
  request.set_secrecy(absl::GetFlag(FLAGS_secret) ? v1::POLL_SECRECY_SECRET
                                                  : v1::POLL_SECRECY_NAMED);
  for (const std::string& label : absl::GetFlag(FLAGS_option).values) {
    request.add_option_labels(label);
  }
  request.set_allow_abstain(absl::GetFlag(FLAGS_allow_abstain));
  request.set_min_choices(absl::GetFlag(FLAGS_min));
  request.set_max_choices(absl::GetFlag(FLAGS_max));
  request.set_seats(absl::GetFlag(FLAGS_seats));
  request.set_allow_change(absl::GetFlag(FLAGS_allow_change));
  // Unset, the server's default applies; a tie rule alone goes with the
  // default fraction and base.
  if (const std::string rule = absl::GetFlag(FLAGS_rule); !rule.empty()) {
    absl::StatusOr<v1::MajorityRule> parsed = ParseMajorityRule(rule);
    if (!parsed.ok()) return UsageError(absl::StrCat("--rule: ", parsed.status().message()));
    *request.mutable_rule() = *parsed;
  }
  if (const std::string tie = absl::GetFlag(FLAGS_tie); !tie.empty()) {
    absl::StatusOr<v1::TieRule> parsed = ParseTieRule(tie);
    if (!parsed.ok()) return UsageError(absl::StrCat("--tie: ", parsed.status().message()));
    if (!request.has_rule()) {
      ASSIGN_OR_RETURN(*request.mutable_rule(), ParseMajorityRule("more than 1/2 of votes-cast"));
    }
    request.mutable_rule()->set_tie(*parsed);
  }
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(v1::Poll poll, client.Call(&VotingStub::CreatePoll, request));
  std::cout << poll.id() << "\n";
  return absl::OkStatus();
}

std::function<absl::Status()> ShowAfter(PollMethod method) {
  return [method]() -> absl::Status {
    ASSIGN_OR_RETURN(Client client, Client::FromFlags());
    ASSIGN_OR_RETURN(v1::Poll poll, client.Call(method, PollFromFlags()));
    std::cout << PollText(poll);
    return absl::OkStatus();
  };
}

absl::Status ListPolls() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ListPollsRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_agenda_item_id(absl::GetFlag(FLAGS_item));
  ASSIGN_OR_RETURN(v1::ListPollsResponse response, client.Call(&VotingStub::ListPolls, request));
  for (const v1::Poll& poll : response.polls()) std::cout << PollLine(poll) << "\n";
  return absl::OkStatus();
}

absl::Status Vote() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(v1::Poll poll, client.Call(&VotingStub::GetPoll, PollFromFlags()));
  v1::CastBallotRequest request;
  request.set_meeting_id(poll.meeting_id());
  request.set_poll_id(poll.id());
  // 128 random bits: unguessable, and the same id on a retry is the same ballot.
  request.set_ballot_id(absl::GetFlag(FLAGS_ballot_id).empty()
                            ? server::Base64UrlEncode(server::RandomBytes(16))
                            : absl::GetFlag(FLAGS_ballot_id));
  if (const std::string who = absl::GetFlag(FLAGS_for); !who.empty()) {
    ASSIGN_OR_RETURN(*request.mutable_on_behalf_of(), PrincipalId(client, poll, who));
  }
  // An option may be named by its id or by its label ("Đồng ý").
  for (const std::string& word : absl::GetFlag(FLAGS_option).values) {
    std::string id = word;
    for (const v1::PollOption& option : poll.options()) {
      if (option.id() != word && option.label() == word) id = option.id();
    }
    request.add_option_ids(id);
  }
  ASSIGN_OR_RETURN(v1::CastBallotResponse cast, client.Call(&VotingStub::CastBallot, request));
  std::cout << "ballot id: " << cast.ballot_id() << "\n";
  if (!cast.receipt().empty()) {
    std::cout << "biên nhận / receipt: " << cast.receipt()
              << "  (giữ lại để kiểm tra sau khi đóng / keep it to check after the close)\n";
  }
  if (cast.replaced()) std::cout << "đã thay phiếu trước / replaced your earlier ballot\n";
  return absl::OkStatus();
}

absl::Status Verify() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(v1::BallotList list, client.Call(&VotingStub::ListBallots, PollFromFlags()));
  // The chair's own ballot decides a tie under TIE_RULE_CHAIR_DECIDES.
  std::string chair;
  v1::ListParticipantsRequest participants;
  participants.set_meeting_id(list.poll().meeting_id());
  RETURN_IF_ERROR(client.ForEachPage(&v1::MeetingService::Stub::ListParticipants, participants,
                                     [&](const v1::ListParticipantsResponse& page) {
                                       for (const v1::Participant& p : page.participants()) {
                                         if (p.role() == v1::MEETING_ROLE_CHAIR)
                                           chair = p.user_id();
                                       }
                                     }));
  std::cout << PollText(list.poll());
  ASSIGN_OR_RETURN(std::string report, RecountBallots(list, chair, absl::GetFlag(FLAGS_receipt)));
  std::cout << report;
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> PollCommands() {
  return {
      {.name = "poll create",
       .summary = "prepare a poll on an agenda item (chair or secretary); prints its id",
       .required = {"meeting", "item", "title", "kind"},
       .optional = {"option", "secret", "rule", "tie", "seats", "min", "max", "allow_change",
                    "allow_abstain"},
       .run = CreatePoll,
       .arguments = {"meeting"}},
      {.name = "poll open",
       .summary = "open a poll: who may vote is fixed now; needs quorum (chair)",
       .required = {"meeting", "poll"},
       .run = ShowAfter(&VotingStub::OpenPoll),
       .arguments = {"meeting", "poll"}},
      {.name = "poll close",
       .summary = "close a poll and show its result with the reasons (chair)",
       .required = {"meeting", "poll"},
       .run = ShowAfter(&VotingStub::ClosePoll),
       .arguments = {"meeting", "poll"}},
      {.name = "poll show",
       .summary = "a poll: options, rule, votes so far, and once closed its result",
       .required = {"meeting", "poll"},
       .run = ShowAfter(&VotingStub::GetPoll),
       .arguments = {"meeting", "poll"}},
      {.name = "poll list",
       .summary = "the meeting's polls (or --item's): id, state, kind, secrecy, voted, title",
       .required = {"meeting"},
       .optional = {"item"},
       .run = ListPolls,
       .arguments = {"meeting"}},
      {.name = "poll vote",
       .summary = "cast a ballot: OPTION ids or labels, for yourself or --for a member whose "
                  "proxy you hold; prints the ballot id (and a secret ballot's receipt)",
       .required = {"meeting", "poll", "option"},
       .optional = {"for", "ballot_id"},
       .run = Vote,
       .arguments = {"meeting", "poll", "option"}},
      {.name = "poll verify",
       .summary = "recount a closed poll from its published ballots, apart from the server's "
                  "result, and find --receipt among them; exit 3 on any difference",
       .required = {"meeting", "poll"},
       .optional = {"receipt"},
       .run = Verify,
       .arguments = {"meeting", "poll"}},
  };
}

}  // namespace hopso::ctl
