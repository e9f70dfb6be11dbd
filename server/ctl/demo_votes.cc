#include "server/ctl/demo_votes.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/ctl/attendance_text.h"
#include "server/ctl/files.h"
#include "server/ctl/poll_text.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using AttendanceStub = v1::AttendanceService::Stub;
using VotingStub = v1::VotingService::Stub;
using SpeakerStub = v1::SpeakerService::Stub;

// The demo's roles by position in the cast's delegates (see DemoRoom).
constexpr size_t kProxyHolder = 1;
size_t Absent(const DemoCast& cast) { return cast.delegates.size() - 1; }
size_t Online(const DemoCast& cast) { return cast.delegates.size() - 2; }

absl::Status Expect(const absl::Status& status, absl::StatusCode code, absl::string_view what) {
  if (status.code() == code) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, " got ", status.ToString(), ", expected ",
                                          absl::StatusCodeToString(code)));
}

std::string NewBallotId() { return server::Base64UrlEncode(server::RandomBytes(16)); }

// One vote of the demo: who casts it, for whom (empty: themself).
struct Voter {
  const Client* client;
  std::string name;
  std::string on_behalf_of;
  std::string on_behalf_of_name;
};

std::vector<Voter> Voters(const DemoRoom& room, const DemoCast& cast) {
  std::vector<Voter> voters = {{&room.chair, cast.chair.full_name, "", ""}};
  for (size_t i = 0; i < cast.delegates.size(); ++i) {
    if (i == Absent(cast)) continue;
    voters.push_back({&room.delegates[i], cast.delegates[i].full_name, "", ""});
  }
  voters.push_back({&room.delegates[kProxyHolder], cast.delegates[kProxyHolder].full_name,
                    room.delegate_ids[Absent(cast)], cast.delegates[Absent(cast)].full_name});
  return voters;
}

}  // namespace

absl::StatusOr<DemoRoom> EnterDemoRoom(const Client& client, const Client& secretary,
                                       const Client& chair, const DemoCast& cast) {
  // The roles (see DemoRoom) and the two speakers of HoldDebate need six.
  if (cast.delegates.size() < 6) {
    return absl::InvalidArgumentError("the demo's roll call needs at least 6 delegates");
  }
  ASSIGN_OR_RETURN(v1::WhoAmIResponse chair_me,
                   chair.Call(&v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  DemoRoom room{secretary, chair, chair_me.user().id(), {}, {}};
  for (const DemoAccount& delegate : cast.delegates) {
    v1::LoginResponse login;
    ASSIGN_OR_RETURN(Client logged_in, client.Login(delegate.username, delegate.password, &login));
    room.delegates.push_back(std::move(logged_in));
    room.delegate_ids.push_back(login.user().id());
  }
  return room;
}

absl::Status TakeAttendance(const DemoRoom& room, const DemoCast& cast,
                            const std::string& meeting_id, const std::string& out,
                            Transcript& transcript) {
  v1::GetRoomCodeRequest get_code;
  get_code.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::RoomCode code, room.secretary.Call(&AttendanceStub::GetRoomCode, get_code));
  transcript.Say(
      absl::StrCat("Điểm danh / roll call: màn hình phòng họp hiện mã / the room's "
                   "screen shows the code ",
                   code.code(), " (QR ", code.payload(), "), đổi mỗi / changing every ",
                   code.step_seconds(), " s"));

  v1::CheckInRequest check_in;
  check_in.set_meeting_id(meeting_id);
  check_in.set_room_code("ZZZZ2222");
  RETURN_IF_ERROR(Expect(room.delegates[0].Call(&AttendanceStub::CheckIn, check_in).status(),
                         absl::StatusCode::kPermissionDenied, "checking in with a wrong code"));
  transcript.Say(
      "  mã sai bị từ chối / a wrong code is refused: PERMISSION_DENIED (as it should be)");

  auto scan = [&](const Client& who, absl::string_view name, bool typed) -> absl::Status {
    check_in.set_room_code(typed ? code.code() : code.payload());
    ASSIGN_OR_RETURN(v1::AttendanceRecord record, who.Call(&AttendanceStub::CheckIn, check_in));
    transcript.Say(absl::StrCat(
        "  ", name, typed ? " gõ mã / types the code: " : " quét mã QR / scans the QR code: ",
        AttendanceStatusLabel(record.status())));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(scan(room.chair, cast.chair.full_name, false));
  for (size_t i = 0; i < cast.delegates.size(); ++i) {
    if (i == Absent(cast) || i == Online(cast)) continue;
    RETURN_IF_ERROR(scan(room.delegates[i], cast.delegates[i].full_name, i % 3 == 2));
  }

  v1::MarkAttendanceRequest mark;
  mark.set_meeting_id(meeting_id);
  mark.set_user_id(room.delegate_ids[Online(cast)]);
  mark.set_status(v1::ATTENDANCE_STATUS_ONLINE);
  mark.set_reason("Dự họp trực tuyến từ điểm cầu huyện Nam Trà My");
  RETURN_IF_ERROR(room.secretary.Call(&AttendanceStub::MarkAttendance, mark).status());
  transcript.Say(absl::StrCat("  Thư ký ghi / the secretary records ",
                              cast.delegates[Online(cast)].full_name, ": ",
                              AttendanceStatusLabel(mark.status()), " - ", mark.reason()));
  mark.set_user_id(room.delegate_ids[Absent(cast)]);
  mark.set_status(v1::ATTENDANCE_STATUS_ABSENT);
  mark.set_reason("Đi công tác tại Hà Nội");
  RETURN_IF_ERROR(room.secretary.Call(&AttendanceStub::MarkAttendance, mark).status());
  transcript.Say(absl::StrCat("  Thư ký ghi / the secretary records ",
                              cast.delegates[Absent(cast)].full_name, ": ",
                              AttendanceStatusLabel(mark.status()), " - ", mark.reason()));

  v1::GiveProxyRequest proxy;
  proxy.set_meeting_id(meeting_id);
  proxy.set_giver_user_id(room.delegate_ids[Absent(cast)]);
  proxy.set_holder_user_id(room.delegate_ids[kProxyHolder]);
  ASSIGN_OR_RETURN(v1::Proxy given, room.secretary.Call(&AttendanceStub::GiveProxy, proxy));
  transcript.Say(absl::StrCat("  Ủy quyền / proxy: ", given.giver_name(),
                              " ủy quyền biểu quyết cho / gives their vote to ",
                              given.holder_name()));

  v1::GetAttendanceRequest get;
  get.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::Attendance attendance,
                   room.delegates[0].Call(&AttendanceStub::GetAttendance, get));
  const std::string table = AttendanceText(attendance);
  transcript.Say(table);
  RETURN_IF_ERROR(WriteFile(absl::StrCat(out, "/attendance.txt"), table));
  const v1::Quorum& quorum = attendance.quorum();
  const int members = static_cast<int>(cast.delegates.size()) + 1;
  if (quorum.members() != members || quorum.present() != members - 1 || quorum.represented() != 1 ||
      !quorum.reached()) {
    return absl::InternalError(absl::StrCat("after the roll call the quorum should be ",
                                            members - 1, "/", members,
                                            " +1 and reached: ", QuorumText(quorum)));
  }
  return absl::OkStatus();
}

absl::Status HoldDebate(const DemoRoom& room, const std::string& meeting_id,
                        Transcript& transcript) {
  const size_t speaker = 3;
  v1::RequestToSpeakRequest ask;
  ask.set_meeting_id(meeting_id);
  ask.set_kind(v1::SPEAK_KIND_CONTRIBUTION);
  ask.set_topic("Nguồn thu từ đất và chi đầu tư phát triển năm 2027");
  ASSIGN_OR_RETURN(v1::SpeakRequest request,
                   room.delegates[speaker].Call(&SpeakerStub::RequestToSpeak, ask));
  ask.set_kind(v1::SPEAK_KIND_QUESTION);
  ask.set_topic("Tiến độ giải ngân vốn đầu tư công");
  ASSIGN_OR_RETURN(v1::SpeakRequest question,
                   room.delegates[speaker + 1].Call(&SpeakerStub::RequestToSpeak, ask));
  transcript.Say(absl::StrCat("Đăng ký phát biểu / requests to speak: ", request.full_name(), " (",
                              SpeakKindLabel(request.kind()), "), ", question.full_name(), " (",
                              SpeakKindLabel(question.kind()), ")"));
  v1::GiveFloorRequest floor;
  floor.set_meeting_id(meeting_id);
  floor.set_request_id(request.id());
  floor.set_limit_seconds(60);
  ASSIGN_OR_RETURN(v1::SpeakRequest speaking, room.chair.Call(&SpeakerStub::GiveFloor, floor));
  transcript.Say(absl::StrCat("Chủ tọa mời / the chair gives the floor to ", speaking.full_name(),
                              " (", speaking.limit_seconds(), " s)"));
  v1::SpeakRequestRef ref;
  ref.set_meeting_id(meeting_id);
  ref.set_request_id(request.id());
  ASSIGN_OR_RETURN(v1::SpeakRequest done,
                   room.delegates[speaker].Call(&SpeakerStub::EndFloor, ref));
  ref.set_request_id(question.id());
  RETURN_IF_ERROR(room.delegates[speaker + 1].Call(&SpeakerStub::WithdrawRequest, ref).status());
  transcript.Say(absl::StrCat("  ", done.full_name(), " phát biểu xong / is done; ",
                              question.full_name(), " rút đăng ký / withdraws"));
  v1::ListSpeakersRequest list;
  list.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::SpeakerQueue queue, room.chair.Call(&SpeakerStub::ListSpeakers, list));
  transcript.Say(absl::StrCat("Danh sách phát biểu / speakers:\n", SpeakerQueueText(queue)));
  return absl::OkStatus();
}

DemoPoll NamedBudgetPoll() {
  DemoPoll poll;
  poll.create.set_title("Thông qua dự toán thu, chi ngân sách nhà nước năm 2027");
  poll.create.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  poll.create.set_secrecy(v1::POLL_SECRECY_NAMED);
  // More than half of the votes cast; on exactly half the chair's side wins.
  v1::MajorityRule* rule = poll.create.mutable_rule();
  rule->mutable_fraction()->set_numerator(1);
  rule->mutable_fraction()->set_denominator(2);
  rule->mutable_fraction()->set_strict(true);
  rule->set_base(v1::MAJORITY_BASE_VOTES_CAST);
  rule->set_tie(v1::TIE_RULE_CHAIR_DECIDES);
  poll.votes = {"yes",     "yes", "yes", "yes", "no",  "yes",
                "abstain", "yes", "no",  "yes", "yes", "yes"};
  return poll;
}

DemoPoll SecretRestructuringPoll() {
  DemoPoll poll;
  poll.create.set_title("Thông qua Đề án sắp xếp đơn vị hành chính cấp xã giai đoạn 2026 - 2030");
  poll.create.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  poll.create.set_secrecy(v1::POLL_SECRECY_SECRET);
  // At least two thirds of all members, present or not.
  v1::MajorityRule* rule = poll.create.mutable_rule();
  rule->mutable_fraction()->set_numerator(2);
  rule->mutable_fraction()->set_denominator(3);
  rule->mutable_fraction()->set_strict(false);
  rule->set_base(v1::MAJORITY_BASE_ALL_MEMBERS);
  rule->set_tie(v1::TIE_RULE_FAILS);
  poll.votes = {"yes",     "yes", "no", "yes",     "no",  "yes",
                "abstain", "yes", "no", "abstain", "yes", "yes"};
  return poll;
}

absl::StatusOr<std::string> RunPoll(const DemoRoom& room, const DemoCast& cast, DemoPoll spec,
                                    const std::string& meeting_id, const std::string& item_id,
                                    Transcript& transcript) {
  spec.create.set_meeting_id(meeting_id);
  spec.create.set_agenda_item_id(item_id);
  ASSIGN_OR_RETURN(v1::Poll poll, room.chair.Call(&VotingStub::CreatePoll, spec.create));
  v1::PollRequest ref;
  ref.set_meeting_id(meeting_id);
  ref.set_poll_id(poll.id());
  ASSIGN_OR_RETURN(poll, room.chair.Call(&VotingStub::OpenPoll, ref));
  const bool secret = poll.secrecy() == v1::POLL_SECRECY_SECRET;
  transcript.Say(absl::StrCat("Chủ tọa mở biểu quyết / the chair opens the poll \"", poll.title(),
                              "\"\n  ", PollKindLabel(poll.kind()), ", ",
                              SecrecyLabel(poll.secrecy()), "; ", RuleText(poll.rule(), "vi"),
                              " / ", RuleText(poll.rule(), "en"), "; ", poll.eligible(),
                              " quyền biểu quyết / voting rights"));

  ASSIGN_OR_RETURN(v1::MyVotingRights rights,
                   room.delegates[kProxyHolder].Call(&VotingStub::GetMyVotingRights, ref));
  if (rights.rights_size() != 2) {
    return absl::InternalError(
        absl::StrCat("the proxy holder should have 2 voting rights, has ", rights.rights_size()));
  }
  transcript.Say(absl::StrCat("  ", cast.delegates[kProxyHolder].full_name,
                              " có 2 quyền biểu quyết / holds 2 voting rights (",
                              rights.rights(0).principal_name(), ", ",
                              rights.rights(1).principal_name(), ")"));

  v1::CastBallotRequest cast_ballot;
  cast_ballot.set_meeting_id(meeting_id);
  cast_ballot.set_poll_id(poll.id());
  cast_ballot.set_ballot_id(NewBallotId());
  cast_ballot.add_option_ids("yes");
  RETURN_IF_ERROR(
      Expect(room.delegates[Absent(cast)].Call(&VotingStub::CastBallot, cast_ballot).status(),
             absl::StatusCode::kPermissionDenied, "the absent delegate voting"));
  transcript.Say(absl::StrCat("  ", cast.delegates[Absent(cast)].full_name,
                              " (vắng, đã ủy quyền / absent, gave a proxy) thử bỏ phiếu / tries to "
                              "vote: PERMISSION_DENIED (as it should be)"));

  const std::vector<Voter> voters = Voters(room, cast);
  std::vector<std::string> receipts;
  for (size_t i = 0; i < voters.size(); ++i) {
    const Voter& voter = voters[i];
    const std::string& choice = spec.votes[i % spec.votes.size()];
    cast_ballot.set_ballot_id(NewBallotId());
    cast_ballot.set_on_behalf_of(voter.on_behalf_of);
    cast_ballot.clear_option_ids();
    cast_ballot.add_option_ids(choice);
    ASSIGN_OR_RETURN(v1::CastBallotResponse response,
                     voter.client->Call(&VotingStub::CastBallot, cast_ballot));
    const std::string whose = voter.on_behalf_of.empty() ? voter.name
                                                         : absl::StrCat(voter.name, " thay / for ",
                                                                        voter.on_behalf_of_name);
    if (secret) {
      receipts.push_back(response.receipt());
      transcript.Say(absl::StrCat("  ", whose,
                                  " bỏ phiếu kín / casts a secret ballot, biên nhận / "
                                  "receipt ",
                                  response.receipt()));
    } else {
      transcript.Say(absl::StrCat("  ", whose, ": ", OptionLabel(poll, choice)));
    }
  }
  // Sent again after a lost answer: the same ballot, the same receipt, no second vote.
  ASSIGN_OR_RETURN(v1::CastBallotResponse again,
                   voters.back().client->Call(&VotingStub::CastBallot, cast_ballot));
  if (secret && again.receipt() != receipts.back()) {
    return absl::InternalError("a retried secret ballot got a different receipt");
  }

  ASSIGN_OR_RETURN(poll, room.chair.Call(&VotingStub::ClosePoll, ref));
  transcript.Say(
      absl::StrCat("Chủ tọa kết thúc biểu quyết / the chair closes the poll\n", ResultText(poll)));

  // A delegate recounts from what is published, apart from the server's result.
  ASSIGN_OR_RETURN(v1::BallotList list, room.delegates[0].Call(&VotingStub::ListBallots, ref));
  ASSIGN_OR_RETURN(std::string recount,
                   RecountBallots(list, room.chair_id, secret ? receipts.front() : ""));
  if (secret) {
    absl::flat_hash_set<std::string> published;
    for (const v1::PublishedBallot& ballot : list.ballots()) published.insert(ballot.receipt());
    for (const std::string& receipt : receipts) {
      if (!published.contains(receipt)) {
        return absl::DataLossError(absl::StrCat("receipt ", receipt, " is not published"));
      }
    }
    absl::StrAppend(&recount, "  ", receipts.size(), "/", receipts.size(),
                    " biên nhận của người bỏ phiếu có trong danh sách / voters' receipts are in "
                    "the published list: OK\n");
  }
  transcript.Say(recount);
  return absl::StrCat(PollText(list.poll()), recount);
}

}  // namespace hopso::ctl
