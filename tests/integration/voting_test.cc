// Polls across the layers: named yes/no polls with live counts and a result
// that explains itself, elections and multiple choice, proxies voting twice,
// the chair deciding a tie, every kind of bad ballot refused with nothing
// stored, racing retries and a close racing ballots, and acknowledged ballots
// surviving a SIGKILL.
#include <algorithm>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

#ifndef HOPSOCTL_PATH
#error "HOPSOCTL_PATH must name the hopsoctl binary"
#endif

namespace hopso::integration {
namespace {

using Voting = v1::VotingService::Stub;
using Code = absl::StatusCode;
using Options = std::vector<std::string>;

class VotingTest : public HopsodTest {
 protected:
  // An assembly of `members` members, all present but those in `absent`
  // (indices into Members()), with the guest present too.
  void Convene(int members, std::vector<size_t> absent = {}) {
    AssemblyOptions options;
    options.members = members;
    absl::StatusOr<std::unique_ptr<Assembly>> assembly = MakeAssembly(*server_, options);
    ASSERT_OK(assembly);
    a_ = *std::move(assembly);
    std::vector<Client*> present = {&a_->cast.guest};
    std::vector<Client*> all = a_->Members();
    for (size_t i = 0; i < all.size(); ++i) {
      if (std::find(absent.begin(), absent.end(), i) == absent.end()) present.push_back(all[i]);
    }
    ASSERT_OK(MarkPresent(a_->cast.secretary, a_->id(), present));
  }

  v1::CreatePollRequest PollRequest(absl::string_view title, v1::PollKind kind,
                                    const Options& labels = {}) {
    v1::CreatePollRequest request;
    request.set_meeting_id(a_->id());
    request.set_agenda_item_id(a_->item_id);
    request.set_title(std::string(title));
    request.set_kind(kind);
    request.set_secrecy(v1::POLL_SECRECY_NAMED);
    for (const std::string& label : labels) request.add_option_labels(label);
    return request;
  }

  absl::StatusOr<v1::Poll> CreateAndOpen(const v1::CreatePollRequest& request) {
    ASSIGN_OR_RETURN(v1::Poll poll,
                     Call(*VotingStub(a_->cast.chair), &Voting::CreatePoll, request));
    return PollCall(a_->cast.chair, &Voting::OpenPoll, poll);
  }

  // What a refused ballot must leave as it was: the poll with its turnout
  // and counts, the head of the log, and the published ballots once closed.
  std::string State(const v1::Poll& poll) {
    absl::StatusOr<v1::Poll> now = PollCall(a_->cast.chair, &Voting::GetPoll, poll);
    absl::StatusOr<v1::Meeting> meeting = GetMeeting(a_->cast.chair, a_->id());
    if (!now.ok() || !meeting.ok()) {
      ADD_FAILURE() << now.status() << " " << meeting.status();
      return "";
    }
    std::string state = absl::StrCat(now->DebugString(), "head ", meeting->last_event_seq());
    if (now->state() == v1::POLL_STATE_CLOSED) {
      absl::StatusOr<v1::BallotList> ballots = PollCall(a_->cast.chair, &Voting::ListBallots, poll);
      EXPECT_OK(ballots);
      if (ballots.ok()) absl::StrAppend(&state, ballots->DebugString());
    }
    return state;
  }

  static std::map<std::string, int64_t> CountsOf(
      const google::protobuf::RepeatedPtrField<v1::OptionCount>& counts) {
    std::map<std::string, int64_t> out;
    for (const v1::OptionCount& count : counts) out[count.option_id()] = count.votes();
    return out;
  }

  static bool IsBallotsCastFor(const v1::MeetingEvent& event, const v1::Poll& poll) {
    return event.body().has_ballots_cast() && event.body().ballots_cast().poll_id() == poll.id();
  }

  static std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
    return {ids.begin(), ids.end()};
  }

  std::unique_ptr<Assembly> a_;
};

// Explanation text in `language`, or "" (with a failure) when missing.
std::string Explanation(const v1::PollResult& result, absl::string_view language) {
  for (const v1::LocalizedText& text : result.explanation()) {
    if (text.language() == language) return text.text();
  }
  ADD_FAILURE() << "no explanation in " << language;
  return "";
}

TEST_F(VotingTest, NamedPollCountsLiveAndExplainsItsResult) {
  // Ten members, one of them away.
  ASSERT_NO_FATAL_FAILURE(Convene(10, {9}));
  std::vector<Client*> members = a_->Members();
  Client& chair = a_->cast.chair;

  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(chair, a_->id()));
  ASSERT_OK_AND_ASSIGN(v1::Poll poll,
                       Call(*VotingStub(chair), &Voting::CreatePoll,
                            PollRequest("Thông qua Nghị quyết về kế hoạch đầu tư công năm 2026",
                                        v1::POLL_KIND_YES_NO_ABSTAIN)));
  EXPECT_EQ(poll.state(), v1::POLL_STATE_DRAFT);
  EXPECT_EQ(poll.created_by(), chair.user.id());
  ASSERT_EQ(poll.options_size(), 3);
  EXPECT_EQ(poll.options(0).id(), "yes");
  EXPECT_EQ(poll.options(0).label(), "Đồng ý");
  EXPECT_EQ(poll.options(1).id(), "no");
  EXPECT_EQ(poll.options(1).label(), "Không đồng ý");
  EXPECT_EQ(poll.options(2).id(), "abstain");
  EXPECT_EQ(poll.options(2).label(), "Không biểu quyết");
  EXPECT_TRUE(poll.options(2).abstention());
  EXPECT_EQ(poll.rule().fraction().numerator(), 1);
  EXPECT_EQ(poll.rule().fraction().denominator(), 2);
  EXPECT_TRUE(poll.rule().fraction().strict());
  EXPECT_EQ(poll.rule().base(), v1::MAJORITY_BASE_VOTES_CAST);
  // Before it closes there is nothing to list.
  EXPECT_TRUE(IsRefused(PollCall(chair, &Voting::ListBallots, poll).status(),
                        Code::kFailedPrecondition, {"close"}));

  ASSERT_OK_AND_ASSIGN(poll, PollCall(chair, &Voting::OpenPoll, poll));
  EXPECT_EQ(poll.state(), v1::POLL_STATE_OPEN);
  EXPECT_EQ(poll.eligible(), 9);
  EXPECT_GT(poll.open_time().unix_micros(), 0);
  EXPECT_TRUE(IsRefused(PollCall(chair, &Voting::ListBallots, poll).status(),
                        Code::kFailedPrecondition, {"close"}));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> events,
                       ReadLog(chair, a_->id(), before.last_event_seq()));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].body().poll_changed().change(), v1::PollChanged::CHANGE_CREATED);
  EXPECT_EQ(events[1].body().poll_changed().change(), v1::PollChanged::CHANGE_OPENED);
  EXPECT_EQ(events[1].body().poll_changed().poll().eligible(), 9);
  EXPECT_EQ(events[1].actor_user_id(), chair.user.id());

  // Six for, two against, one abstains; each count streams as it lands.
  Watcher watcher(a_->cast.guest, a_->id(), events.back().seq());
  const Options choices = {"yes", "yes", "no", "yes", "abstain", "yes", "no", "yes", "yes"};
  std::map<std::string, int64_t> running = {{"yes", 0}, {"no", 0}, {"abstain", 0}};
  for (size_t i = 0; i < choices.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("ballot ", i + 1));
    const std::string ballot_id = NewBallotId();
    ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse cast,
                         CastBallot(*members[i], poll, ballot_id, {choices[i]}));
    EXPECT_EQ(cast.poll_id(), poll.id());
    EXPECT_EQ(cast.ballot_id(), ballot_id);
    EXPECT_EQ(cast.receipt(), "") << "named polls have no receipts";
    EXPECT_FALSE(cast.replaced());
    ++running[choices[i]];
    ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event, NextEventWith(watcher, [&](const auto& e) {
                           return IsBallotsCastFor(e, poll);
                         }));
    const v1::BallotsCast& batch = event.body().ballots_cast();
    EXPECT_EQ(batch.voted(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(batch.eligible(), 9);
    ASSERT_EQ(batch.ballots_size(), 1);
    EXPECT_EQ(batch.ballots(0).voter_user_id(), members[i]->user.id());
    EXPECT_EQ(batch.ballots(0).on_behalf_of_user_id(), "");
    EXPECT_EQ(Ids(batch.ballots(0).option_ids()), Options{choices[i]});
    EXPECT_EQ(CountsOf(batch.counts()), running);
    EXPECT_EQ(batch.voter_user_ids_size(), 0);
    ASSERT_OK_AND_ASSIGN(v1::Poll seen, PollCall(a_->cast.guest, &Voting::GetPoll, poll));
    EXPECT_EQ(seen.voted(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(CountsOf(seen.counts()), running);
  }

  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(closed.state(), v1::POLL_STATE_CLOSED);
  EXPECT_GE(closed.close_time().unix_micros(), closed.open_time().unix_micros());
  const v1::PollResult& result = closed.result();
  EXPECT_EQ(result.outcome(), v1::POLL_OUTCOME_PASSED);
  EXPECT_EQ(CountsOf(result.counts()),
            (std::map<std::string, int64_t>{{"yes", 6}, {"no", 2}, {"abstain", 1}}));
  ASSERT_EQ(result.counts_size(), 3);
  EXPECT_EQ(result.counts(0).option_id(), "yes") << "in the poll's option order";
  EXPECT_EQ(result.ballots(), 9);
  EXPECT_EQ(result.abstentions(), 1);
  EXPECT_EQ(result.eligible(), 9);
  EXPECT_EQ(result.members(), 10);
  EXPECT_EQ(result.base(), 9) << "votes cast, abstentions included";
  EXPECT_EQ(result.required(), 5) << "more than 1/2 of 9";
  EXPECT_EQ(Ids(result.chosen_option_ids()), Options{"yes"});
  EXPECT_FALSE(result.tie_decided());
  for (absl::string_view language : {"vi", "en"}) {
    SCOPED_TRACE(language);
    const std::string text = Explanation(result, language);
    EXPECT_TRUE(NamesNumber(text, 6)) << text;
    EXPECT_TRUE(NamesNumber(text, 9)) << text;
    EXPECT_TRUE(NamesNumber(text, 5)) << text;
    EXPECT_NE(text.find("1/2"), std::string::npos) << text;
  }
  EXPECT_NE(Explanation(result, "vi").find("Thông qua"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(v1::MeetingEvent closing, NextEventWith(watcher, [&](const auto& e) {
                         return e.body().has_poll_changed();
                       }));
  EXPECT_EQ(closing.body().poll_changed().change(), v1::PollChanged::CHANGE_CLOSED);
  EXPECT_EQ(closing.body().poll_changed().poll().result().SerializeAsString(),
            result.SerializeAsString());

  // The published list: every ballot with its voter, and who voted.
  ASSERT_OK_AND_ASSIGN(v1::BallotList list,
                       PollCall(a_->cast.delegate, &Voting::ListBallots, poll));
  ASSERT_EQ(list.ballots_size(), 9);
  std::map<std::string, std::string> voted_for;
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    EXPECT_EQ(ballot.receipt(), "");
    ASSERT_EQ(ballot.option_ids_size(), 1);
    voted_for[ballot.voter_user_id()] = ballot.option_ids(0);
  }
  for (size_t i = 0; i < choices.size(); ++i)
    EXPECT_EQ(voted_for[members[i]->user.id()], choices[i]);
  EXPECT_EQ(list.voter_names_size(), 9);
  EXPECT_TRUE(std::is_sorted(list.voter_names().begin(), list.voter_names().end()));

  // At least 2/3 of all ten members: seven needed, six is not enough.
  v1::CreatePollRequest strict =
      PollRequest("Sửa đổi Quy chế làm việc", v1::POLL_KIND_YES_NO_ABSTAIN);
  strict.mutable_rule()->mutable_fraction()->set_numerator(2);
  strict.mutable_rule()->mutable_fraction()->set_denominator(3);
  strict.mutable_rule()->set_base(v1::MAJORITY_BASE_ALL_MEMBERS);
  strict.mutable_rule()->set_tie(v1::TIE_RULE_FAILS);
  ASSERT_OK_AND_ASSIGN(v1::Poll second, CreateAndOpen(strict));
  for (size_t i = 0; i < 9; ++i) {
    ASSERT_OK(CastBallot(*members[i], second, NewBallotId(), {i < 6 ? "yes" : "no"}));
  }
  ASSERT_OK_AND_ASSIGN(closed, PollCall(chair, &Voting::ClosePoll, second));
  EXPECT_EQ(closed.result().outcome(), v1::POLL_OUTCOME_FAILED);
  EXPECT_EQ(closed.result().base(), 10);
  EXPECT_EQ(closed.result().required(), 7);
  EXPECT_EQ(closed.result().chosen_option_ids_size(), 0);
  for (absl::string_view language : {"vi", "en"}) {
    const std::string text = Explanation(closed.result(), language);
    EXPECT_TRUE(NamesNumber(text, 6)) << text;
    EXPECT_TRUE(NamesNumber(text, 10)) << text;
    EXPECT_TRUE(NamesNumber(text, 7)) << text;
    EXPECT_NE(text.find("2/3"), std::string::npos) << text;
  }

  // The whole record chains, and hopsoctl agrees offline.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  int batches = 0;
  for (const v1::MeetingEvent& event : log) batches += event.body().has_ballots_cast();
  EXPECT_EQ(batches, 18) << "one batch per ballot when voters wait for each other";
  watcher.Cancel();
  ASSERT_OK_AND_ASSIGN(int exit_code, server_->Stop());
  ASSERT_EQ(exit_code, 0);
  ASSERT_OK_AND_ASSIGN(CommandResult audit, RunCommand({HOPSOCTL_PATH, "audit", "verify",
                                                        "--data_dir", server_->data_dir()}));
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

TEST_F(VotingTest, ElectionsAndMultipleChoiceThroughTheApi) {
  ASSERT_NO_FATAL_FAILURE(Convene(9));
  std::vector<Client*> members = a_->Members();
  Client& chair = a_->cast.chair;

  // Two seats, four candidates, abstention allowed.
  v1::CreatePollRequest election =
      PollRequest("Bầu Tổ thư ký kỳ họp", v1::POLL_KIND_ELECTION,
                  {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"});
  election.set_seats(2);
  election.set_allow_abstain(true);
  election.set_secrecy(v1::POLL_SECRECY_SECRET);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(election));
  ASSERT_EQ(poll.options_size(), 5);
  EXPECT_EQ(poll.options(0).id(), "1");
  EXPECT_EQ(poll.options(0).label(), "Nguyễn Văn An");
  EXPECT_EQ(poll.options(3).id(), "4");
  EXPECT_EQ(poll.options(4).id(), "abstain");
  EXPECT_TRUE(poll.options(4).abstention());
  EXPECT_EQ(poll.max_choices(), 2);
  std::string state = State(poll);
  for (const Options& bad :
       std::vector<Options>{{"1", "2", "3"}, {"abstain", "1"}, {}, {"1", "1"}, {"5"}, {"yes"}}) {
    SCOPED_TRACE(absl::StrJoin(bad, ","));
    EXPECT_TRUE(IsRefused(CastBallot(*members[0], poll, NewBallotId(), bad).status(),
                          Code::kInvalidArgument, {"option", "choice", "choose"}));
  }
  EXPECT_EQ(State(poll), state);
  const std::vector<Options> ballots = {{"1", "2"}, {"2", "1"}, {"1", "3"}, {"1", "2"}, {"2", "3"},
                                        {"1", "2"}, {"1"},      {"4"},      {"abstain"}};
  for (size_t i = 0; i < ballots.size(); ++i) {
    ASSERT_OK(CastBallot(*members[i], poll, NewBallotId(), ballots[i]));
  }
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(
      CountsOf(closed.result().counts()),
      (std::map<std::string, int64_t>{{"1", 6}, {"2", 5}, {"3", 2}, {"4", 1}, {"abstain", 1}}));
  EXPECT_EQ(closed.result().ballots(), 9);
  EXPECT_EQ(closed.result().abstentions(), 1);
  EXPECT_EQ(closed.result().required(), 5);
  EXPECT_EQ(Ids(closed.result().chosen_option_ids()), (Options{"1", "2"}));
  EXPECT_EQ(closed.result().outcome(), v1::POLL_OUTCOME_PASSED);

  // Two or three of four works, no abstention option.
  v1::CreatePollRequest multiple = PollRequest(
      "Chọn các công trình trọng điểm ưu tiên bố trí vốn", v1::POLL_KIND_MULTIPLE_CHOICE,
      {"Đường tỉnh 623", "Cầu Trà Khúc 3", "Bệnh viện đa khoa tỉnh", "Kè sông Vệ"});
  multiple.set_min_choices(2);
  multiple.set_max_choices(3);
  ASSERT_OK_AND_ASSIGN(poll, CreateAndOpen(multiple));
  EXPECT_EQ(poll.options_size(), 4);
  state = State(poll);
  for (const Options& bad :
       std::vector<Options>{{"1"}, {"1", "2", "3", "4"}, {"abstain"}, {"2", "0"}}) {
    SCOPED_TRACE(absl::StrJoin(bad, ","));
    EXPECT_TRUE(IsRefused(CastBallot(*members[0], poll, NewBallotId(), bad).status(),
                          Code::kInvalidArgument, {"option", "choose"}));
  }
  EXPECT_EQ(State(poll), state);
  const std::vector<Options> picks = {{"1", "2"}, {"1", "2", "3"}, {"3", "1"},
                                      {"2", "3"}, {"1", "4"},      {"1", "2"},
                                      {"2", "4"}, {"4", "1", "2"}, {"3", "4"}};
  for (size_t i = 0; i < picks.size(); ++i) {
    ASSERT_OK(CastBallot(*members[i], poll, NewBallotId(), picks[i]));
  }
  ASSERT_OK_AND_ASSIGN(closed, PollCall(chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(CountsOf(closed.result().counts()),
            (std::map<std::string, int64_t>{{"1", 6}, {"2", 6}, {"3", 4}, {"4", 4}}));
  EXPECT_EQ(Ids(closed.result().chosen_option_ids()), (Options{"1", "2"}));
  EXPECT_EQ(closed.result().outcome(), v1::POLL_OUTCOME_PASSED);
  // The named list gives each ballot's choices sorted.
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(a_->cast.guest, &Voting::ListBallots, poll));
  std::map<std::string, Options> by_voter;
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    by_voter[ballot.voter_user_id()] = Ids(ballot.option_ids());
  }
  EXPECT_EQ(by_voter[members[2]->user.id()], (Options{"1", "3"}));
  EXPECT_EQ(by_voter[members[7]->user.id()], (Options{"1", "2", "4"}));

  // One of several, where nobody gets more than half.
  v1::CreatePollRequest single =
      PollRequest("Chọn địa điểm tổ chức Hội nghị", v1::POLL_KIND_SINGLE_CHOICE,
                  {"Hội trường tỉnh", "Nhà văn hóa Lao động", "Trung tâm Hội nghị"});
  ASSERT_OK_AND_ASSIGN(poll, CreateAndOpen(single));
  const Options one_each = {"1", "1", "1", "1", "2", "2", "2", "3", "3"};
  for (size_t i = 0; i < one_each.size(); ++i) {
    ASSERT_OK(CastBallot(*members[i], poll, NewBallotId(), {one_each[i]}));
  }
  EXPECT_TRUE(IsRefused(CastBallot(*members[0], poll, NewBallotId(), {"1", "2"}).status(),
                        Code::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(closed, PollCall(chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(closed.result().outcome(), v1::POLL_OUTCOME_FAILED) << "4 of 9 is not more than half";
  EXPECT_EQ(closed.result().chosen_option_ids_size(), 0);
  EXPECT_EQ(closed.result().required(), 5);
}

TEST_F(VotingTest, ProxyHolderVotesTwiceAndEachVoteCountsOnce) {
  // d4 is away and has given their vote to d1.
  ASSERT_NO_FATAL_FAILURE(Convene(5, {4}));
  std::vector<Client*> members = a_->Members();
  Client& d1 = *members[1];
  Client& d2 = *members[2];
  Client& d4 = *members[4];
  ASSERT_OK(GiveProxy(a_->cast.secretary, a_->id(), d4.user.id(), d1.user.id()));
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(PollRequest("Thông qua biên bản kỳ họp trước",
                                                                v1::POLL_KIND_YES_NO_ABSTAIN)));
  EXPECT_EQ(poll.eligible(), 5) << "four present, one by proxy";
  ASSERT_OK_AND_ASSIGN(v1::MyVotingRights rights, PollCall(d1, &Voting::GetMyVotingRights, poll));
  ASSERT_EQ(rights.rights_size(), 2);
  std::map<std::string, bool> used;
  for (const v1::VotingRight& right : rights.rights())
    used[right.principal_user_id()] = right.voted();
  EXPECT_EQ(used, (std::map<std::string, bool>{{d1.user.id(), false}, {d4.user.id(), false}}));
  ASSERT_OK_AND_ASSIGN(rights, PollCall(d2, &Voting::GetMyVotingRights, poll));
  ASSERT_EQ(rights.rights_size(), 1);
  EXPECT_EQ(rights.rights(0).principal_user_id(), d2.user.id());

  const std::string own = NewBallotId();
  const std::string theirs = NewBallotId();
  ASSERT_OK(CastBallot(d1, poll, own, {"yes"}));
  ASSERT_OK(CastBallot(d1, poll, theirs, {"no"}, d4.user.id()));
  const std::string state = State(poll);
  // Retries change nothing; nobody else casts d4's vote, not even d4, who
  // arrives after the poll opened.
  ASSERT_OK(CastBallot(d1, poll, own, {"yes"}));
  ASSERT_OK(CastBallot(d1, poll, theirs, {"no"}, d4.user.id()));
  EXPECT_TRUE(IsRefused(CastBallot(d2, poll, NewBallotId(), {"yes"}, d4.user.id()).status(),
                        Code::kPermissionDenied, {"do not hold"}));
  EXPECT_TRUE(IsRefused(CastBallot(d2, poll, NewBallotId(), {"yes"}, d1.user.id()).status(),
                        Code::kPermissionDenied, {"do not hold"}));
  ASSERT_OK(MarkPresent(a_->cast.secretary, a_->id(), {&d4}));
  const std::string after_arrival = State(poll);
  EXPECT_TRUE(IsRefused(CastBallot(d4, poll, NewBallotId(), {"yes"}).status(),
                        Code::kPermissionDenied, {"proxy"}));
  EXPECT_EQ(State(poll), after_arrival);
  ASSERT_OK_AND_ASSIGN(v1::Poll now, PollCall(d2, &Voting::GetPoll, poll));
  EXPECT_EQ(now.voted(), 2);
  ASSERT_OK_AND_ASSIGN(rights, PollCall(d1, &Voting::GetMyVotingRights, poll));
  for (const v1::VotingRight& right : rights.rights()) EXPECT_TRUE(right.voted());

  ASSERT_OK(CastBallot(*members[0], poll, NewBallotId(), {"yes"}));
  ASSERT_OK(CastBallot(d2, poll, NewBallotId(), {"yes"}));
  // Who votes was fixed at open: leaving the room afterwards keeps the vote.
  v1::CheckOutRequest out;
  out.set_meeting_id(a_->id());
  ASSERT_OK(Call(*AttendanceStub(*members[3]), &v1::AttendanceService::Stub::CheckOut, out));
  ASSERT_OK(CastBallot(*members[3], poll, NewBallotId(), {"abstain"}));
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(CountsOf(closed.result().counts()),
            (std::map<std::string, int64_t>{{"yes", 3}, {"no", 1}, {"abstain", 1}}));
  EXPECT_EQ(closed.result().ballots(), 5);
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(d4, &Voting::ListBallots, poll));
  ASSERT_EQ(list.ballots_size(), 5);
  int by_proxy = 0;
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    if (ballot.on_behalf_of_user_id().empty()) continue;
    ++by_proxy;
    EXPECT_EQ(ballot.voter_user_id(), d1.user.id());
    EXPECT_EQ(ballot.on_behalf_of_user_id(), d4.user.id());
    EXPECT_EQ(Ids(ballot.option_ids()), Options{"no"});
  }
  EXPECT_EQ(by_proxy, 1);
}

TEST_F(VotingTest, BadBallotsAreRefusedAndStoreNothing) {
  // d4 is away when the poll opens.
  ASSERT_NO_FATAL_FAILURE(Convene(5, {4}));
  std::vector<Client*> members = a_->Members();
  Client& chair = a_->cast.chair;
  Client& d1 = *members[1];
  Client& d2 = *members[2];
  Client& d4 = *members[4];
  ASSERT_OK_AND_ASSIGN(v1::Poll poll,
                       Call(*VotingStub(chair), &Voting::CreatePoll,
                            PollRequest("Thông qua danh mục dự án", v1::POLL_KIND_YES_NO_ABSTAIN)));
  // Who may create and open polls.
  EXPECT_TRUE(IsRefused(Call(*VotingStub(d1), &Voting::CreatePoll,
                             PollRequest("Không được tạo", v1::POLL_KIND_YES_NO_ABSTAIN))
                            .status(),
                        Code::kPermissionDenied));
  std::string state = State(poll);
  EXPECT_TRUE(IsRefused(CastBallot(d1, poll, NewBallotId(), {"yes"}).status(),
                        Code::kFailedPrecondition, {"not open"}));
  for (Client* caller : {&d1, &a_->cast.secretary, &a_->cast.guest}) {
    EXPECT_TRUE(
        IsRefused(PollCall(*caller, &Voting::OpenPoll, poll).status(), Code::kPermissionDenied));
  }
  EXPECT_EQ(State(poll), state);

  ASSERT_OK_AND_ASSIGN(poll, PollCall(chair, &Voting::OpenPoll, poll));
  EXPECT_EQ(poll.eligible(), 4);
  EXPECT_TRUE(IsRefused(PollCall(chair, &Voting::OpenPoll, poll).status(),
                        Code::kFailedPrecondition, {"already open"}));
  ASSERT_OK(MarkPresent(a_->cast.secretary, a_->id(), {&d4}));
  state = State(poll);
  struct Bad {
    std::string name;
    Client* voter;
    std::string ballot_id;
    Options options;
    std::string on_behalf_of;
    Code code;
    std::vector<absl::string_view> words;  // the message names one of them
  };
  const std::string good_id = NewBallotId();
  const Bad bads[] = {
      {"a guest", &a_->cast.guest, good_id, {"yes"}, "", Code::kPermissionDenied, {"no vote"}},
      {"the secretary",
       &a_->cast.secretary,
       good_id,
       {"yes"},
       "",
       Code::kPermissionDenied,
       {"no vote"}},
      {"a delegate away when it opened",
       &d4,
       good_id,
       {"yes"},
       "",
       Code::kPermissionDenied,
       {"no vote"}},
      {"for someone whose proxy the caller does not hold",
       &d1,
       good_id,
       {"yes"},
       d2.user.id(),
       Code::kPermissionDenied,
       {"do not hold"}},
      {"for the chair",
       &d1,
       good_id,
       {"yes"},
       chair.user.id(),
       Code::kPermissionDenied,
       {"do not hold"}},
      {"an option not in the poll",
       &d1,
       good_id,
       {"maybe"},
       "",
       Code::kInvalidArgument,
       {"not an option"}},
      {"an option of choice polls",
       &d1,
       good_id,
       {"1"},
       "",
       Code::kInvalidArgument,
       {"not an option"}},
      {"two choices",
       &d1,
       good_id,
       {"yes", "no"},
       "",
       Code::kInvalidArgument,
       {"exactly 1", "at most 1", "one"}},
      {"no choice", &d1, good_id, {}, "", Code::kInvalidArgument, {"nothing", "at least"}},
      {"abstain with another",
       &d1,
       good_id,
       {"abstain", "yes"},
       "",
       Code::kInvalidArgument,
       {"abstain"}},
      {"the same choice twice",
       &d1,
       good_id,
       {"yes", "yes"},
       "",
       Code::kInvalidArgument,
       {"twice"}},
      {"no ballot id", &d1, "", {"yes"}, "", Code::kInvalidArgument, {"ballot_id"}},
      {"a short ballot id",
       &d1,
       "abcdefghij0123456789x",
       {"yes"},
       "",
       Code::kInvalidArgument,
       {"ballot_id"}},
      {"a ballot id too long",
       &d1,
       std::string(65, 'a'),
       {"yes"},
       "",
       Code::kInvalidArgument,
       {"ballot_id"}},
      {"a ballot id with a space",
       &d1,
       "abcdefghij 0123456789xyz",
       {"yes"},
       "",
       Code::kInvalidArgument,
       {"ballot_id"}},
      {"a ballot id with a slash",
       &d1,
       "abcdefghij/0123456789xyz",
       {"yes"},
       "",
       Code::kInvalidArgument,
       {"ballot_id"}},
  };
  for (const Bad& bad : bads) {
    SCOPED_TRACE(bad.name);
    EXPECT_TRUE(IsRefused(
        CastBallot(*bad.voter, poll, bad.ballot_id, bad.options, bad.on_behalf_of).status(),
        bad.code, bad.words));
  }
  v1::Poll unknown = poll;
  unknown.set_id("zzzzzzzzzzzzzzzz");
  EXPECT_TRUE(
      IsRefused(CastBallot(d1, unknown, good_id, {"yes"}).status(), Code::kNotFound, {"poll"}));
  EXPECT_EQ(State(poll), state) << "no refused ballot is stored";
  ASSERT_OK_AND_ASSIGN(v1::MyVotingRights rights, PollCall(d1, &Voting::GetMyVotingRights, poll));
  ASSERT_EQ(rights.rights_size(), 1);
  EXPECT_FALSE(rights.rights(0).voted());

  // The limits of a ballot id, accepted: 22 and 64 characters.
  ASSERT_OK(CastBallot(d2, poll, "Abcdefghij-0123456789_", {"no"}));
  ASSERT_OK(CastBallot(*members[3], poll, std::string(64, 'Z'), {"no"}));

  // A retry of the same ballot is the same ballot: no second vote, no event.
  ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse cast, CastBallot(d1, poll, good_id, {"yes"}));
  state = State(poll);
  ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse again, CastBallot(d1, poll, good_id, {"yes"}));
  EXPECT_EQ(again.SerializeAsString(), cast.SerializeAsString());
  EXPECT_EQ(State(poll), state);
  // Another ballot from the same voter, or the same id with other choices.
  EXPECT_TRUE(IsRefused(CastBallot(d1, poll, NewBallotId(), {"no"}).status(), Code::kAlreadyExists,
                        {"already voted"}));
  EXPECT_TRUE(IsRefused(CastBallot(d1, poll, good_id, {"no"}).status(), Code::kAlreadyExists,
                        {"already voted"}));
  EXPECT_EQ(State(poll), state);
  ASSERT_OK_AND_ASSIGN(v1::Poll now, PollCall(d1, &Voting::GetPoll, poll));
  EXPECT_EQ(now.voted(), 3);
  EXPECT_EQ(CountsOf(now.counts()),
            (std::map<std::string, int64_t>{{"yes", 1}, {"no", 2}, {"abstain", 0}}));

  // Closed: nothing more comes in, and only the chair closes.
  EXPECT_TRUE(IsRefused(PollCall(d1, &Voting::ClosePoll, poll).status(), Code::kPermissionDenied));
  ASSERT_OK(PollCall(chair, &Voting::ClosePoll, poll));
  state = State(poll);
  EXPECT_TRUE(IsRefused(CastBallot(chair, poll, NewBallotId(), {"yes"}).status(),
                        Code::kFailedPrecondition, {"closed"}));
  EXPECT_TRUE(IsRefused(CastBallot(d1, poll, good_id, {"yes"}).status(), Code::kFailedPrecondition,
                        {"closed"}));
  EXPECT_TRUE(IsRefused(PollCall(chair, &Voting::ClosePoll, poll).status(),
                        Code::kFailedPrecondition, {"already closed"}));
  EXPECT_EQ(State(poll), state);
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(chair, &Voting::ListBallots, poll));
  EXPECT_EQ(list.ballots_size(), 3);
}

TEST_F(VotingTest, ChangingABallotReplacesItWhenThePollAllowsIt) {
  ASSERT_NO_FATAL_FAILURE(Convene(3));
  std::vector<Client*> members = a_->Members();
  v1::CreatePollRequest request =
      PollRequest("Điều chỉnh thời gian họp", v1::POLL_KIND_YES_NO_ABSTAIN);
  request.set_allow_change(true);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(request));
  EXPECT_TRUE(poll.allow_change());
  ASSERT_OK(CastBallot(*members[0], poll, NewBallotId(), {"yes"}));
  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(*members[0], a_->id()));
  Watcher watcher(*members[2], a_->id(), before.last_event_seq());
  ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse changed,
                       CastBallot(*members[0], poll, NewBallotId(), {"no"}));
  EXPECT_TRUE(changed.replaced());
  ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event, NextEventWith(watcher, [&](const auto& e) {
                         return IsBallotsCastFor(e, poll);
                       }));
  EXPECT_EQ(event.body().ballots_cast().voted(), 1);
  ASSERT_EQ(event.body().ballots_cast().ballots_size(), 1);
  EXPECT_TRUE(event.body().ballots_cast().ballots(0).replaced());
  EXPECT_EQ(CountsOf(event.body().ballots_cast().counts()),
            (std::map<std::string, int64_t>{{"yes", 0}, {"no", 1}, {"abstain", 0}}));
  // The same id with other choices changes it too.
  const std::string id = NewBallotId();
  ASSERT_OK(CastBallot(*members[1], poll, id, {"yes"}));
  ASSERT_OK_AND_ASSIGN(changed, CastBallot(*members[1], poll, id, {"abstain"}));
  EXPECT_TRUE(changed.replaced());
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(CountsOf(closed.result().counts()),
            (std::map<std::string, int64_t>{{"yes", 0}, {"no", 1}, {"abstain", 1}}));
  EXPECT_EQ(closed.result().ballots(), 2);
}

TEST_F(VotingTest, RacingRetriesAreOneBallotAndSurviveAKill) {
  constexpr int kVoters = 12;
  ASSERT_NO_FATAL_FAILURE(Convene(kVoters));
  std::vector<Client*> members = a_->Members();
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(PollRequest("Thông qua Tờ trình số 45/TTr-UBND",
                                                                v1::POLL_KIND_YES_NO_ABSTAIN)));
  ASSERT_OK_AND_ASSIGN(v1::Meeting opened, GetMeeting(a_->cast.chair, a_->id()));
  // Every tablet sends its ballot twice at the same moment, as a retry over
  // a flaky link would: both land in the same or in adjacent batches.
  std::vector<std::string> ids;
  std::vector<std::string> choices;
  for (int i = 0; i < kVoters; ++i) {
    ids.push_back(NewBallotId());
    choices.push_back(i % 3 == 2 ? "no" : "yes");
  }
  std::vector<absl::StatusOr<v1::CastBallotResponse>> results(2 * kVoters);
  {
    std::latch start(2 * kVoters);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2 * kVoters; ++t) {
      threads.emplace_back([&, t] {
        const size_t i = static_cast<size_t>(t / 2);
        start.arrive_and_wait();
        results[static_cast<size_t>(t)] = CastBallot(*members[i], poll, ids[i], {choices[i]});
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (int t = 0; t < 2 * kVoters; t += 2) {
    ASSERT_OK(results[static_cast<size_t>(t)]);
    ASSERT_OK(results[static_cast<size_t>(t + 1)]);
    EXPECT_EQ(results[static_cast<size_t>(t)]->ballot_id(),
              results[static_cast<size_t>(t + 1)]->ballot_id());
    EXPECT_FALSE(results[static_cast<size_t>(t)]->replaced());
    EXPECT_FALSE(results[static_cast<size_t>(t + 1)]->replaced());
  }
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> events,
                       ReadLog(a_->cast.chair, a_->id(), opened.last_event_seq()));
  std::map<std::string, int> logged;
  int64_t voted = 0;
  for (const v1::MeetingEvent& event : events) {
    ASSERT_TRUE(IsBallotsCastFor(event, poll)) << event.DebugString();
    for (const auto& ballot : event.body().ballots_cast().ballots())
      ++logged[ballot.voter_user_id()];
    EXPECT_GT(event.body().ballots_cast().voted(), voted) << "a batch of nothing new";
    voted = event.body().ballots_cast().voted();
  }
  EXPECT_EQ(voted, kVoters);
  EXPECT_EQ(logged.size(), static_cast<size_t>(kVoters));
  for (const auto& [voter, times] : logged) EXPECT_EQ(times, 1) << voter;
  EXPECT_EQ(CountsOf(events.back().body().ballots_cast().counts()),
            (std::map<std::string, int64_t>{{"yes", 8}, {"no", 4}, {"abstain", 0}}));

  // Acknowledged means committed: a SIGKILL loses none of them.
  server_->Kill9();
  ASSERT_OK(server_->Launch(server_->port()));
  Client chair = server_->Connect(a_->cast.chair.token);
  ASSERT_OK_AND_ASSIGN(v1::Poll now, PollCall(chair, &Voting::GetPoll, poll));
  EXPECT_EQ(now.voted(), kVoters);
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(closed.result().ballots(), kVoters);
  EXPECT_EQ(CountsOf(closed.result().counts()),
            (std::map<std::string, int64_t>{{"yes", 8}, {"no", 4}, {"abstain", 0}}));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
}

TEST_F(VotingTest, ClosingWhileBallotsArriveCountsExactlyTheAcknowledgedOnes) {
  constexpr int kVoters = 12;
  ASSERT_NO_FATAL_FAILURE(Convene(kVoters));
  std::vector<Client*> members = a_->Members();
  ASSERT_OK_AND_ASSIGN(v1::Poll poll,
                       CreateAndOpen(PollRequest("Kéo dài thời gian họp thêm 30 phút",
                                                 v1::POLL_KIND_YES_NO_ABSTAIN)));
  // A few ballots are in before the race.
  for (size_t i = 0; i < 3; ++i) ASSERT_OK(CastBallot(*members[i], poll, NewBallotId(), {"yes"}));
  std::vector<absl::StatusOr<v1::CastBallotResponse>> results(kVoters);
  absl::StatusOr<v1::Poll> closed;
  {
    std::latch start(kVoters - 3 + 1);
    std::vector<std::thread> threads;
    for (size_t i = 3; i < static_cast<size_t>(kVoters); ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        results[i] = CastBallot(*members[i], poll, NewBallotId(), {"no"});
      });
    }
    threads.emplace_back([&] {
      start.arrive_and_wait();
      closed = PollCall(a_->cast.chair, &Voting::ClosePoll, poll);
    });
    for (std::thread& thread : threads) thread.join();
  }
  ASSERT_OK(closed);
  std::set<std::string> acknowledged;
  for (size_t i = 0; i < 3; ++i) acknowledged.insert(members[i]->user.id());
  for (size_t i = 3; i < static_cast<size_t>(kVoters); ++i) {
    if (results[i].ok()) {
      acknowledged.insert(members[i]->user.id());
    } else {
      EXPECT_TRUE(IsRefused(results[i].status(), Code::kFailedPrecondition, {"closed"}));
    }
  }
  EXPECT_EQ(closed->result().ballots(), static_cast<int64_t>(acknowledged.size()));
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(a_->cast.chair, &Voting::ListBallots, poll));
  std::set<std::string> listed;
  for (const v1::PublishedBallot& ballot : list.ballots()) listed.insert(ballot.voter_user_id());
  EXPECT_EQ(listed, acknowledged) << "every acknowledged ballot counted, no refused one";
  ASSERT_OK_AND_ASSIGN(v1::Poll now, PollCall(a_->cast.chair, &Voting::GetPoll, poll));
  EXPECT_EQ(now.voted(), static_cast<int64_t>(acknowledged.size()));
}

TEST_F(VotingTest, TheChairDecidesATieWhenTheRuleSaysSo) {
  ASSERT_NO_FATAL_FAILURE(Convene(5));
  std::vector<Client*> members = a_->Members();
  v1::CreatePollRequest request =
      PollRequest("Chọn phương án điều chỉnh quy hoạch", v1::POLL_KIND_YES_NO_ABSTAIN);
  request.mutable_rule()->mutable_fraction()->set_numerator(1);
  request.mutable_rule()->mutable_fraction()->set_denominator(2);
  request.mutable_rule()->mutable_fraction()->set_strict(true);
  request.mutable_rule()->set_base(v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS);
  request.mutable_rule()->set_tie(v1::TIE_RULE_CHAIR_DECIDES);
  // Not for secret polls, where nobody knows the chair's ballot; nothing is
  // created.
  v1::ListPollsRequest list_polls;
  list_polls.set_meeting_id(a_->id());
  ASSERT_OK_AND_ASSIGN(v1::ListPollsResponse before,
                       Call(*VotingStub(a_->cast.chair), &Voting::ListPolls, list_polls));
  v1::CreatePollRequest secret = request;
  secret.set_secrecy(v1::POLL_SECRECY_SECRET);
  EXPECT_TRUE(IsRefused(Call(*VotingStub(a_->cast.chair), &Voting::CreatePoll, secret).status(),
                        Code::kInvalidArgument, {"tie"}));
  v1::CreatePollRequest untitled = request;
  untitled.clear_title();
  EXPECT_TRUE(IsRefused(Call(*VotingStub(a_->cast.chair), &Voting::CreatePoll, untitled).status(),
                        Code::kInvalidArgument, {"title"}));
  v1::CreatePollRequest too_many_seats =
      PollRequest("Bầu bổ sung", v1::POLL_KIND_ELECTION, {"Nguyễn Văn An", "Trần Thị Bình"});
  too_many_seats.set_seats(3);
  EXPECT_TRUE(
      IsRefused(Call(*VotingStub(a_->cast.chair), &Voting::CreatePoll, too_many_seats).status(),
                Code::kInvalidArgument, {"seats"}));
  ASSERT_OK_AND_ASSIGN(v1::ListPollsResponse after,
                       Call(*VotingStub(a_->cast.chair), &Voting::ListPolls, list_polls));
  EXPECT_EQ(after.polls_size(), before.polls_size());

  // Two for (the chair among them), two against, one abstains: exactly half.
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(request));
  const Options choices = {"yes", "yes", "no", "no", "abstain"};
  for (size_t i = 0; i < choices.size(); ++i) {
    ASSERT_OK(CastBallot(*members[i], poll, NewBallotId(), {choices[i]}));
  }
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(closed.result().base(), 4) << "yes + no";
  EXPECT_TRUE(closed.result().tie_decided());
  EXPECT_EQ(closed.result().outcome(), v1::POLL_OUTCOME_PASSED) << "the chair voted yes";
}

TEST_F(VotingTest, AMeetingWithAnOpenPollCannotEnd) {
  ASSERT_NO_FATAL_FAILURE(Convene(3));
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(PollRequest("Thông qua biên bản phiên trước",
                                                                v1::POLL_KIND_YES_NO_ABSTAIN)));
  v1::MeetingLifecycleRequest end;
  end.set_meeting_id(a_->id());
  // Ballots and ClosePoll need a meeting in progress, so the poll would stay open for ever.
  EXPECT_TRUE(
      IsRefused(Call(*a_->cast.chair.meetings, &v1::MeetingService::Stub::EndMeeting, end).status(),
                Code::kFailedPrecondition, {"Thông qua biên bản phiên trước"}));
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, GetMeeting(a_->cast.chair, a_->id()));
  EXPECT_EQ(meeting.state(), v1::MEETING_STATE_IN_PROGRESS);
  ASSERT_OK(PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  ASSERT_OK(Call(*a_->cast.chair.meetings, &v1::MeetingService::Stub::EndMeeting, end));
}

}  // namespace
}  // namespace hopso::integration
