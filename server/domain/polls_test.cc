#include "server/domain/polls.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/domain/fraction.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

constexpr auto kPassed = v1::POLL_OUTCOME_PASSED;
constexpr auto kFailed = v1::POLL_OUTCOME_FAILED;
constexpr auto kPartial = v1::POLL_OUTCOME_PARTIAL;
constexpr auto kVotesCast = v1::MAJORITY_BASE_VOTES_CAST;
constexpr auto kExcludingAbstentions = v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS;
constexpr auto kPresent = v1::MAJORITY_BASE_PRESENT;
constexpr auto kAllMembers = v1::MAJORITY_BASE_ALL_MEMBERS;
constexpr auto kTieFails = v1::TIE_RULE_FAILS;
constexpr auto kChairDecides = v1::TIE_RULE_CHAIR_DECIDES;

v1::MajorityRule Rule(int32_t p, int32_t q, bool strict, v1::MajorityBase base,
                      v1::TieRule tie = kTieFails) {
  v1::MajorityRule rule;
  *rule.mutable_fraction() = MakeFraction(p, q, strict);
  rule.set_base(base);
  rule.set_tie(tie);
  return rule;
}

v1::CreatePollRequest Request(v1::PollKind kind, std::vector<std::string> labels = {}) {
  v1::CreatePollRequest request;
  request.set_title("Thông qua Nghị quyết số 12/NQ-HĐND");
  request.set_kind(kind);
  request.set_secrecy(v1::POLL_SECRECY_NAMED);
  for (std::string& label : labels) request.add_option_labels(std::move(label));
  return request;
}

v1::Poll Build(const v1::CreatePollRequest& request) {
  absl::StatusOr<v1::Poll> poll = BuildPoll(request);
  EXPECT_TRUE(poll.ok()) << poll.status();
  return poll.ok() ? *poll : v1::Poll();
}

v1::Poll YesNo(const v1::MajorityRule& rule) {
  v1::CreatePollRequest request = Request(v1::POLL_KIND_YES_NO_ABSTAIN);
  *request.mutable_rule() = rule;
  return Build(request);
}

// Candidates or options "A", "B", ... (ids "1", "2", ...).
v1::Poll Choice(v1::PollKind kind, int options, const v1::MajorityRule& rule, int seats = 0,
                bool allow_abstain = true) {
  std::vector<std::string> labels;
  for (int i = 0; i < options; ++i) labels.push_back(std::string(1, static_cast<char>('A' + i)));
  v1::CreatePollRequest request = Request(kind, labels);
  *request.mutable_rule() = rule;
  request.set_seats(seats);
  request.set_allow_abstain(allow_abstain);
  return Build(request);
}

std::vector<Choices> YesNoBallots(int yes, int no, int abstain) {
  std::vector<Choices> ballots;
  for (int i = 0; i < yes; ++i) ballots.push_back({kYesOption});
  for (int i = 0; i < no; ++i) ballots.push_back({kNoOption});
  for (int i = 0; i < abstain; ++i) ballots.push_back({kAbstainOption});
  return ballots;
}

// `count` ballots over options "1", "2", ... with `votes[i]` votes for option
// i+1, spread round-robin so that no ballot names an option twice; ballots
// left empty abstain. Every ballot is checked against the poll, so each row
// is a vote that could really happen.
std::vector<Choices> Spread(const v1::Poll& poll, int count, const std::vector<int>& votes) {
  std::vector<Choices> ballots(count);
  int cursor = 0;
  for (size_t i = 0; i < votes.size(); ++i) {
    for (int v = 0; v < votes[i]; ++v) ballots[(cursor++) % count].push_back(absl::StrCat(i + 1));
  }
  for (Choices& ballot : ballots) {
    if (ballot.empty()) ballot.push_back(kAbstainOption);
    absl::StatusOr<Choices> normalized = NormalizeChoices(poll, ballot);
    EXPECT_TRUE(normalized.ok()) << EncodeChoices(ballot) << ": " << normalized.status();
    if (normalized.ok()) ballot = *normalized;
  }
  return ballots;
}

std::string Text(const v1::PollResult& result, absl::string_view language) {
  for (const v1::LocalizedText& text : result.explanation()) {
    if (text.language() == language) return text.text();
  }
  return "";
}

void ExpectContains(const std::string& text, const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    EXPECT_NE(text.find(part), std::string::npos) << "“" << part << "” not in: " << text;
  }
}

// Both explanations, valid UTF-8 that survives the wire, each a full text.
void ExpectExplained(const v1::PollResult& result) {
  ASSERT_EQ(result.explanation_size(), 2);
  EXPECT_EQ(result.explanation(0).language(), "vi");
  EXPECT_EQ(result.explanation(1).language(), "en");
  v1::PollResult parsed;
  ASSERT_TRUE(parsed.ParseFromString(result.SerializeAsString()));
  for (int i = 0; i < 2; ++i) {
    const std::string& text = result.explanation(i).text();
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    EXPECT_EQ(parsed.explanation(i).text(), text);
    EXPECT_GT(text.size(), 40u);
  }
}

TEST(ComputeResult, YesNoRules) {
  struct Case {
    std::string name;
    v1::MajorityRule rule;
    int yes, no, abstain;
    int64_t eligible, members;
    std::optional<Choices> chair;
    v1::PollOutcome outcome;
    int64_t base, required;
    bool tie_decided;
    std::vector<std::string> vi, en;  // parts each explanation must contain
  };
  const v1::MajorityRule kHalfOfCast = Rule(1, 2, true, kVotesCast);
  const v1::MajorityRule kHalfWithoutAbstentions = Rule(1, 2, true, kExcludingAbstentions);
  const v1::MajorityRule kChairRule = Rule(1, 2, true, kExcludingAbstentions, kChairDecides);
  const Case kCases[] = {
      {"more than 1/2 of votes cast, abstentions not counted: 5 yes 4 no 3 abstain passes",
       kHalfWithoutAbstentions, 5, 4, 3, 12, 15, std::nullopt, kPassed, 9, 5, false,
       {"Thông qua:", "5 đồng ý, 4 không đồng ý, 3 không biểu quyết",
        "hơn 1/2 số phiếu biểu quyết, không tính phiếu không biểu quyết (9)",
        "ít nhất 5 phiếu"},
       {"Adopted:", "5 yes, 4 no, 3 abstaining (12 votes in all)",
        "more than 1/2 of the votes cast, abstentions not counted (9)", "at least 5 votes"}},
      {"more than 1/2 of votes cast, abstentions counted: the same ballots fail", kHalfOfCast, 5,
       4, 3, 12, 15, std::nullopt, kFailed, 12, 7, false,
       {"Không thông qua:", "hơn 1/2 số phiếu biểu quyết (12)", "ít nhất 7 phiếu"},
       {"Not adopted:", "more than 1/2 of the votes cast (12)", "at least 7 votes"}},
      {"at least 2/3 of all members: 8 yes of 12 members passes", Rule(2, 3, false, kAllMembers),
       8, 1, 0, 9, 12, std::nullopt, kPassed, 12, 8, false,
       {"Thông qua:", "ít nhất 2/3 tổng số thành viên (12)", "ít nhất 8 phiếu"},
       {"Adopted:", "at least 2/3 of all members (12)", "at least 8 votes"}},
      {"at least 2/3 of all members: 7 yes and no one against still fails",
       Rule(2, 3, false, kAllMembers), 7, 0, 0, 7, 12, std::nullopt, kFailed, 12, 8, false,
       {"Không thông qua:", "7 đồng ý, 0 không đồng ý"}, {"Not adopted:", "7 yes, 0 no"}},
      {"absolute majority of those present: 6 of 10 present passes", Rule(1, 2, true, kPresent),
       6, 1, 1, 10, 12, std::nullopt, kPassed, 10, 6, false,
       {"hơn 1/2 số thành viên có mặt, kể cả được ủy quyền (10)"},
       {"more than 1/2 of the members present, proxies included (10)"}},
      {"absolute majority of those present: 5 yes of 10 present fails though no one is against",
       Rule(1, 2, true, kPresent), 5, 0, 0, 10, 12, std::nullopt, kFailed, 10, 6, true,
       {"đúng bằng 1/2 (5 trên 10), chưa phải hơn 1/2: hòa"},
       {"exactly 1/2 (5 of 10), not more than 1/2: a tie, which under the rule fails"}},
      {"tie: strict threshold hit exactly fails", kHalfWithoutAbstentions, 5, 5, 2, 12, 12,
       std::nullopt, kFailed, 10, 6, true,
       {"Phiếu đồng ý đúng bằng 1/2 (5 trên 10)", "hòa thì không thông qua"},
       {"The yes votes: exactly 1/2 (5 of 10)", "a tie, which under the rule fails"}},
      {"tie: non-strict threshold hit exactly passes, no tie", Rule(1, 2, false,
       kExcludingAbstentions), 5, 5, 2, 12, 12, std::nullopt, kPassed, 10, 5, false,
       {"ít nhất 1/2"}, {"at least 1/2"}},
      {"tie: the chair decides yes", kChairRule, 5, 5, 0, 10, 10, Choices{kYesOption}, kPassed,
       10, 6, true, {"Thông qua:", "chủ tọa biểu quyết đồng ý nên thông qua"},
       {"Adopted:", "decided by the chair, who voted yes"}},
      {"tie: the chair decides no", kChairRule, 5, 5, 0, 10, 10, Choices{kNoOption}, kFailed, 10,
       6, true, {"Không thông qua:", "chủ tọa biểu quyết không đồng ý"},
       {"Not adopted:", "decided by the chair, who voted no"}},
      {"tie: the chair did not vote", kChairRule, 5, 5, 0, 10, 10, std::nullopt, kFailed, 10, 6,
       true, {"chủ tọa không biểu quyết đồng ý hay không đồng ý"},
       {"the chair voted neither yes nor no"}},
      {"tie: the chair abstained", kChairRule, 5, 5, 1, 11, 11, Choices{kAbstainOption}, kFailed,
       10, 6, true, {"chủ tọa không biểu quyết"}, {"the chair voted neither"}},
      {"chair decides only ties: a clear majority stands against the chair", kChairRule, 6, 4, 0,
       10, 10, Choices{kNoOption}, kPassed, 10, 6, false, {"Thông qua:"}, {"Adopted:"}},
      {"zero votes cast (base votes cast)", kHalfOfCast, 0, 0, 0, 10, 12, std::nullopt, kFailed,
       0, 1, false,
       {"Không thông qua: không có phiếu nào được bỏ.", "mà ở đây bằng 0"},
       {"Not adopted: no votes were cast.", "which is 0 here, so nothing passes"}},
      {"zero votes cast (base all members)", Rule(1, 2, true, kAllMembers), 0, 0, 0, 10, 12,
       std::nullopt, kFailed, 12, 7, false, {"không có phiếu nào được bỏ", "(12)"},
       {"no votes were cast", "(12)", "at least 7 votes"}},
      {"everyone abstains, abstentions counted", kHalfOfCast, 0, 0, 5, 5, 5, std::nullopt,
       kFailed, 5, 3, false, {"0 đồng ý, 0 không đồng ý, 5 không biểu quyết"},
       {"0 yes, 0 no, 5 abstaining (5 votes in all)"}},
      {"everyone abstains, abstentions not counted: nothing to count", kHalfWithoutAbstentions,
       0, 0, 5, 5, 5, std::nullopt, kFailed, 0, 1, false, {"mà ở đây bằng 0"},
       {"which is 0 here"}},
      {"one vote: the singular in English", kHalfOfCast, 1, 0, 0, 1, 1, std::nullopt, kPassed, 1,
       1, false, {"ít nhất 1 phiếu"}, {"(1 vote in all)", "at least 1 vote needed"}},
      {"unanimous at least 3/4 of present", Rule(3, 4, false, kPresent), 8, 0, 0, 8, 9,
       std::nullopt, kPassed, 8, 6, false, {"ít nhất 3/4"}, {"at least 3/4"}},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::Poll poll = YesNo(c.rule);
    TallyInput input{.ballots = YesNoBallots(c.yes, c.no, c.abstain),
                     .eligible = c.eligible,
                     .members = c.members,
                     .chair_ballot = c.chair};
    v1::PollResult r = ComputeResult(poll, input);
    EXPECT_EQ(r.outcome(), c.outcome);
    EXPECT_EQ(r.base(), c.base);
    EXPECT_EQ(r.required(), c.required);
    EXPECT_EQ(r.tie_decided(), c.tie_decided);
    EXPECT_EQ(r.ballots(), c.yes + c.no + c.abstain);
    EXPECT_EQ(r.abstentions(), c.abstain);
    EXPECT_EQ(r.eligible(), c.eligible);
    EXPECT_EQ(r.members(), c.members);
    ASSERT_EQ(r.counts_size(), 3);
    EXPECT_EQ(r.counts(0).option_id(), kYesOption);
    EXPECT_EQ(r.counts(0).votes(), c.yes);
    EXPECT_EQ(r.counts(1).votes(), c.no);
    EXPECT_EQ(r.counts(2).votes(), c.abstain);
    EXPECT_EQ(absl::StrJoin(r.chosen_option_ids(), ","), c.outcome == kPassed ? "yes" : "");
    EXPECT_EQ(r.tied_option_ids_size(), 0);
    ExpectExplained(r);
    ExpectContains(Text(r, "vi"), c.vi);
    ExpectContains(Text(r, "en"), c.en);
  }
}

TEST(ComputeResult, ChoicePollsAndElections) {
  struct Case {
    std::string name;
    v1::PollKind kind;
    int options;
    int seats;
    v1::MajorityRule rule;
    int ballots;
    std::vector<int> votes;  // per option, in order
    v1::PollOutcome outcome;
    int64_t required;
    std::string chosen, tied;  // ids, comma separated
    bool tie_decided;
    std::vector<std::string> vi, en;
  };
  constexpr auto kSingle = v1::POLL_KIND_SINGLE_CHOICE;
  constexpr auto kMultiple = v1::POLL_KIND_MULTIPLE_CHOICE;
  constexpr auto kElection = v1::POLL_KIND_ELECTION;
  const v1::MajorityRule kHalf = Rule(1, 2, true, kVotesCast);
  const v1::MajorityRule kThird = Rule(1, 3, false, kVotesCast);
  const Case kCases[] = {
      {"single choice: a clear winner", kSingle, 3, 0, kHalf, 10, {6, 3, 1}, kPassed, 6, "1", "",
       false, {"Đã chọn được phương án:", "Được chọn: “A”.", "“A” 6, “B” 3, “C” 1"},
       {"An option was chosen:", "Chosen: “A”.", "(10 votes in all)"}},
      {"single choice: the most votes but short of the majority", kSingle, 3, 0, kHalf, 11,
       {5, 3, 3}, kFailed, 6, "", "", false, {"Không chọn được phương án nào"},
       {"No option was chosen", "at least 6 votes needed"}},
      {"single choice: tie at the top", kSingle, 2, 0, kHalf, 10, {5, 5}, kFailed, 6, "", "1,2",
       true, {"“A” và “B” hòa nhau, mỗi phương án 5 phiếu"},
       {"“A” and “B” tie with 5 votes each, so none is chosen"}},
      {"single choice: tie at the top above a low threshold", kSingle, 3, 0, kThird, 10,
       {4, 4, 2}, kFailed, 4, "", "1,2", true, {"hòa nhau"}, {"tie with 4 votes each"}},
      {"single choice: the top option exactly on a strict threshold", kSingle, 3, 0, kHalf, 10,
       {5, 3, 2}, kFailed, 6, "", "", true,
       {"“A” đúng bằng 1/2 (5 trên 10), chưa phải hơn 1/2 nên không được chọn."},
       {"“A”: exactly 1/2 (5 of 10), not more than 1/2, so not chosen."}},
      {"single choice: abstentions never win", kSingle, 2, 0, kHalf, 10, {1, 1}, kFailed, 6, "",
       "", false, {"“Không biểu quyết” 8"}, {"“Không biểu quyết” 8"}},
      {"single choice: a winner among votes without abstentions", kSingle, 2, 0,
       Rule(1, 2, true, kExcludingAbstentions), 10, {2, 1}, kPassed, 2, "1", "", false,
       {"(3)"}, {"(3)"}},
      {"multiple choice: adopts every option meeting the rule, by votes", kMultiple, 4, 0, kHalf,
       10, {6, 8, 5, 2}, kPassed, 6, "2,1", "", true,
       {"Được thông qua: “B” và “A”.", "“C” đúng bằng 1/2"},
       {"Adopted: “B” and “A”.", "“C”: exactly 1/2 (5 of 10)"}},
      {"multiple choice: equal votes keep the option order", kMultiple, 3, 0, kHalf, 10,
       {7, 7, 9}, kPassed, 6, "3,1,2", "", false, {"“C”, “A” và “B”"}, {"“C”, “A” and “B”"}},
      {"multiple choice: no option reaches the majority", kMultiple, 3, 0, kHalf, 10, {4, 3, 2},
       kFailed, 6, "", "", false, {"Không phương án nào được thông qua"}, {"No option adopted"}},
      {"election: more candidates than seats, every seat filled", kElection, 5, 2, kHalf, 10,
       {8, 7, 3, 1, 1}, kPassed, 6, "1,2", "", false,
       {"Đã bầu đủ số ghế", "Trúng cử: “A” và “B” (2/2 ghế)."},
       {"All seats filled", "Elected: “A” and “B” (2 of 2 seats)."}},
      {"election: a tie for the last seat leaves it open", kElection, 4, 2, kHalf, 20,
       {15, 12, 12, 1}, kPartial, 11, "1", "2,3", true,
       {"Chỉ bầu được một phần số ghế", "Trúng cử: “A” (1/2 ghế).",
        "“B” và “C” hòa nhau ở ghế cuối cùng, mỗi người 12 phiếu"},
       {"Some seats filled", "Elected: “A” (1 of 2 seats).",
        "“B” and “C” tie for the last seat with 12 votes each, so it stays open."}},
      {"election: a tie for the only seat elects no one", kElection, 3, 1, kThird, 12,
       {5, 5, 2}, kFailed, 4, "", "1,2", true, {"Không bầu được ai"}, {"No one elected"}},
      {"election: too few reach the majority", kElection, 4, 3, kHalf, 10, {8, 6, 4, 3},
       kPartial, 6, "1,2", "", false, {"(2/3 ghế)"}, {"(2 of 3 seats)"}},
      {"election: a tie among those below the seats does not matter", kElection, 4, 2, kHalf, 12,
       {10, 9, 2, 2}, kPassed, 7, "1,2", "", false, {"Trúng cử"}, {"Elected"}},
      {"election: a tie above the last seat does not matter", kElection, 4, 2, kHalf, 12,
       {9, 9, 3, 2}, kPassed, 7, "1,2", "", false, {"Trúng cử"}, {"Elected"}},
      {"election: nobody reaches the majority", kElection, 4, 2, kHalf, 10, {5, 4, 4, 3}, kFailed,
       6, "", "", true, {"Không bầu được ai", "“A” đúng bằng 1/2"},
       {"No one elected", "“A”: exactly 1/2"}},
      {"election: abstentions not counted in the base", kElection, 3, 2,
       Rule(1, 2, true, kExcludingAbstentions), 12, {5, 4, 0}, kPartial, 5, "1", "", false,
       {"“Không biểu quyết” 3", "(9)"}, {"abstentions not counted (9)"}},
      {"election: the same ballots with abstentions in the base", kElection, 3, 2, kHalf, 12,
       {5, 4, 0}, kFailed, 7, "", "", false, {"(12)"}, {"(12)"}},
      {"election: zero votes cast", kElection, 3, 1, kHalf, 0, {0, 0, 0}, kFailed, 1, "", "",
       false, {"không có phiếu nào được bỏ"}, {"no votes were cast"}},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::Poll poll = Choice(c.kind, c.options, c.rule, c.seats);
    TallyInput input{.ballots = c.ballots > 0 ? Spread(poll, c.ballots, c.votes)
                                              : std::vector<Choices>{},
                     .eligible = 12,
                     .members = 15,
                     .chair_ballot = std::nullopt};
    v1::PollResult r = ComputeResult(poll, input);
    EXPECT_EQ(r.outcome(), c.outcome);
    EXPECT_EQ(r.required(), c.required);
    EXPECT_EQ(absl::StrJoin(r.chosen_option_ids(), ","), c.chosen);
    EXPECT_EQ(absl::StrJoin(r.tied_option_ids(), ","), c.tied);
    EXPECT_EQ(r.tie_decided(), c.tie_decided);
    EXPECT_EQ(r.ballots(), c.ballots);
    ASSERT_EQ(r.counts_size(), poll.options_size());
    for (size_t i = 0; i < c.votes.size(); ++i) EXPECT_EQ(r.counts(i).votes(), c.votes[i]);
    ExpectExplained(r);
    ExpectContains(Text(r, "vi"), c.vi);
    ExpectContains(Text(r, "en"), c.en);
  }
}

TEST(ComputeResult, ExplanationCarriesEveryNumber) {
  v1::Poll poll = YesNo(Rule(1, 2, true, kVotesCast));
  v1::PollResult r = ComputeResult(poll, {.ballots = YesNoBallots(7, 3, 2),
                                          .eligible = 13,
                                          .members = 15,
                                          .chair_ballot = std::nullopt});
  EXPECT_EQ(Text(r, "vi"),
            "Thông qua: 7 đồng ý, 3 không đồng ý, 2 không biểu quyết (tổng 12 phiếu). Quy tắc: "
            "hơn 1/2 số phiếu biểu quyết (12), tức là cần ít nhất 7 phiếu.");
  EXPECT_EQ(Text(r, "en"),
            "Adopted: 7 yes, 3 no, 2 abstaining (12 votes in all). Rule: more than 1/2 of the "
            "votes cast (12), so at least 7 votes needed.");
}

TEST(BuildPoll, FillsDefaults) {
  v1::Poll yes_no = Build(Request(v1::POLL_KIND_YES_NO_ABSTAIN));
  EXPECT_EQ(yes_no.state(), v1::POLL_STATE_DRAFT);
  EXPECT_EQ(yes_no.title(), "Thông qua Nghị quyết số 12/NQ-HĐND");
  EXPECT_TRUE(yes_no.id().empty());
  EXPECT_TRUE(yes_no.meeting_id().empty());
  ASSERT_EQ(yes_no.options_size(), 3);
  EXPECT_EQ(yes_no.options(0).id(), "yes");
  EXPECT_EQ(yes_no.options(0).label(), "Đồng ý");
  EXPECT_EQ(yes_no.options(1).id(), "no");
  EXPECT_EQ(yes_no.options(1).label(), "Không đồng ý");
  EXPECT_EQ(yes_no.options(2).id(), "abstain");
  EXPECT_EQ(yes_no.options(2).label(), "Không biểu quyết");
  EXPECT_FALSE(yes_no.options(0).abstention());
  EXPECT_TRUE(yes_no.options(2).abstention());
  EXPECT_EQ(yes_no.min_choices(), 1);
  EXPECT_EQ(yes_no.max_choices(), 1);
  EXPECT_EQ(yes_no.rule().fraction().numerator(), 1);
  EXPECT_EQ(yes_no.rule().fraction().denominator(), 2);
  EXPECT_TRUE(yes_no.rule().fraction().strict());
  EXPECT_EQ(yes_no.rule().base(), kVotesCast);
  EXPECT_EQ(yes_no.rule().tie(), kTieFails);

  v1::CreatePollRequest single = Request(v1::POLL_KIND_SINGLE_CHOICE, {"Phương án 1", "Phương án 2"});
  single.set_allow_abstain(true);
  single.set_allow_change(true);
  single.set_secrecy(v1::POLL_SECRECY_SECRET);
  v1::Poll s = Build(single);
  ASSERT_EQ(s.options_size(), 3);
  EXPECT_EQ(s.options(0).id(), "1");
  EXPECT_EQ(s.options(0).label(), "Phương án 1");
  EXPECT_EQ(s.options(1).id(), "2");
  EXPECT_EQ(s.options(2).id(), "abstain");
  EXPECT_EQ(s.options(2).label(), "Không biểu quyết");
  EXPECT_TRUE(s.options(2).abstention());
  EXPECT_TRUE(s.allow_change());
  EXPECT_EQ(s.secrecy(), v1::POLL_SECRECY_SECRET);
  EXPECT_EQ(s.min_choices(), 1);
  EXPECT_EQ(s.max_choices(), 1);

  v1::Poll multiple = Build(Request(v1::POLL_KIND_MULTIPLE_CHOICE, {"a", "b", "c", "d"}));
  EXPECT_EQ(multiple.options_size(), 4);
  EXPECT_EQ(multiple.min_choices(), 1);
  EXPECT_EQ(multiple.max_choices(), 4);

  v1::CreatePollRequest election = Request(v1::POLL_KIND_ELECTION, {"Nguyễn Văn A", "Trần Thị B", "Lê Văn C"});
  election.set_seats(2);
  v1::Poll e = Build(election);
  EXPECT_EQ(e.seats(), 2);
  EXPECT_EQ(e.min_choices(), 1);
  EXPECT_EQ(e.max_choices(), 2);

  v1::CreatePollRequest one = Request(v1::POLL_KIND_ELECTION, {"Nguyễn Văn A"});
  one.set_seats(1);
  EXPECT_EQ(Build(one).options_size(), 1);

  v1::CreatePollRequest partial_rule = Request(v1::POLL_KIND_YES_NO_ABSTAIN);
  *partial_rule.mutable_rule() = Rule(2, 3, false, kAllMembers, v1::TIE_RULE_UNSPECIFIED);
  v1::Poll p = Build(partial_rule);
  EXPECT_EQ(p.rule().tie(), kTieFails);
  EXPECT_EQ(p.rule().base(), kAllMembers);
  EXPECT_EQ(p.rule().fraction().numerator(), 2);

  v1::CreatePollRequest chair = Request(v1::POLL_KIND_YES_NO_ABSTAIN);
  *chair.mutable_rule() = Rule(1, 2, true, kExcludingAbstentions, kChairDecides);
  EXPECT_EQ(Build(chair).rule().tie(), kChairDecides);
}

TEST(BuildPoll, RefusesBadRequestsNamingTheField) {
  struct Case {
    std::string name;
    v1::CreatePollRequest request;
    std::string field;
  };
  auto with = [](v1::CreatePollRequest r, auto change) {
    change(r);
    return r;
  };
  using R = v1::CreatePollRequest&;
  const auto kYesNo = Request(v1::POLL_KIND_YES_NO_ABSTAIN);
  const auto kSingle = Request(v1::POLL_KIND_SINGLE_CHOICE, {"A", "B"});
  const auto kMultiple = Request(v1::POLL_KIND_MULTIPLE_CHOICE, {"A", "B", "C"});
  const auto kElection = with(Request(v1::POLL_KIND_ELECTION, {"A", "B", "C"}),
                              [](R r) { r.set_seats(2); });
  std::vector<std::string> many;
  for (int i = 0; i < 201; ++i) many.push_back(absl::StrCat("Phương án ", i));
  const Case kCases[] = {
      {"no title", with(kYesNo, [](R r) { r.clear_title(); }), "title"},
      {"blank title", with(kYesNo, [](R r) { r.set_title("   "); }), "title"},
      {"title too long", with(kYesNo, [](R r) { r.set_title(std::string(501, 'x')); }), "title"},
      {"no kind", with(kYesNo, [](R r) { r.clear_kind(); }), "kind"},
      {"no secrecy", with(kYesNo, [](R r) { r.clear_secrecy(); }), "secrecy"},
      {"yes/no with labels", with(kYesNo, [](R r) { r.add_option_labels("Có"); }),
       "option_labels"},
      {"single choice with one option", Request(v1::POLL_KIND_SINGLE_CHOICE, {"A"}),
       "option_labels"},
      {"single choice with no options", Request(v1::POLL_KIND_SINGLE_CHOICE), "option_labels"},
      {"more than 200 options", Request(v1::POLL_KIND_MULTIPLE_CHOICE, many), "option_labels"},
      {"election without candidates", with(Request(v1::POLL_KIND_ELECTION), [](R r) {
         r.set_seats(1);
       }), "option_labels"},
      {"an empty label", Request(v1::POLL_KIND_SINGLE_CHOICE, {"A", ""}), "option_labels[1]"},
      {"a repeated label", Request(v1::POLL_KIND_SINGLE_CHOICE, {"A", "B", "A"}),
       "option_labels[2]: “A” is the same as option_labels[0]"},
      {"single choice with max 2", with(kSingle, [](R r) { r.set_max_choices(2); }),
       "max_choices"},
      {"yes/no with min 2", with(kYesNo, [](R r) { r.set_min_choices(2); }), "min_choices"},
      {"multiple: max above the options", with(kMultiple, [](R r) { r.set_max_choices(4); }),
       "max_choices"},
      {"multiple: negative max", with(kMultiple, [](R r) { r.set_max_choices(-1); }),
       "max_choices"},
      {"multiple: min above max", with(kMultiple, [](R r) {
         r.set_min_choices(3);
         r.set_max_choices(2);
       }), "min_choices"},
      {"multiple: negative min", with(kMultiple, [](R r) { r.set_min_choices(-1); }),
       "min_choices"},
      {"seats on a yes/no poll", with(kYesNo, [](R r) { r.set_seats(1); }), "seats"},
      {"election without seats", with(kElection, [](R r) { r.set_seats(0); }), "seats"},
      {"election with more seats than candidates", with(kElection, [](R r) { r.set_seats(4); }),
       "seats"},
      {"election with max other than seats", with(kElection, [](R r) { r.set_max_choices(3); }),
       "max_choices"},
      {"election with min above seats", with(kElection, [](R r) { r.set_min_choices(3); }),
       "min_choices"},
      {"a fraction above one", with(kYesNo, [](R r) {
         *r.mutable_rule() = Rule(3, 2, false, kVotesCast);
       }), "rule.fraction"},
      {"a rule without a fraction", with(kYesNo, [](R r) {
         r.mutable_rule()->set_base(kVotesCast);
       }), "rule.fraction"},
      {"a rule without a base", with(kYesNo, [](R r) {
         *r.mutable_rule() = Rule(1, 2, true, v1::MAJORITY_BASE_UNSPECIFIED);
       }), "rule.base"},
      {"chair decides on a single choice poll", with(kSingle, [](R r) {
         *r.mutable_rule() = Rule(1, 2, true, kVotesCast, kChairDecides);
       }), "rule.tie"},
      {"chair decides on a secret yes/no poll", with(kYesNo, [](R r) {
         r.set_secrecy(v1::POLL_SECRECY_SECRET);
         *r.mutable_rule() = Rule(1, 2, true, kVotesCast, kChairDecides);
       }), "rule.tie"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<v1::Poll> poll = BuildPoll(c.request);
    ASSERT_FALSE(poll.ok());
    EXPECT_EQ(poll.status().code(), absl::StatusCode::kInvalidArgument) << poll.status();
    EXPECT_NE(poll.status().message().find(c.field), std::string::npos) << poll.status();
  }
}

TEST(NormalizeChoices, SortsAndChecksABallot) {
  v1::CreatePollRequest multiple_request =
      Request(v1::POLL_KIND_MULTIPLE_CHOICE, {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"});
  multiple_request.set_min_choices(2);
  multiple_request.set_max_choices(3);
  multiple_request.set_allow_abstain(true);
  const v1::Poll multiple = Build(multiple_request);
  const v1::Poll yes_no = Build(Request(v1::POLL_KIND_YES_NO_ABSTAIN));
  v1::CreatePollRequest election_request = Request(v1::POLL_KIND_ELECTION, {"A", "B", "C"});
  election_request.set_seats(2);
  const v1::Poll election = Build(election_request);
  const v1::Poll single = Build(Request(v1::POLL_KIND_SINGLE_CHOICE, {"A", "B"}));
  struct Case {
    std::string name;
    const v1::Poll* poll;
    std::vector<std::string> ids;
    std::string expected;  // the normalized choices, or a part of the error
    bool ok;
  };
  const Case kCases[] = {
      {"in the poll's option order", &multiple, {"10", "3", "1"}, "1,3,10", true},
      {"the fewest allowed", &multiple, {"2", "1"}, "1,2", true},
      {"abstaining alone", &multiple, {"abstain"}, "abstain", true},
      {"yes", &yes_no, {"yes"}, "yes", true},
      {"abstain on a yes/no poll", &yes_no, {"abstain"}, "abstain", true},
      {"election: one candidate", &election, {"3"}, "3", true},
      {"election: as many as seats", &election, {"3", "1"}, "1,3", true},
      {"an unknown option", &multiple, {"1", "11"}, "“11” is not an option of this poll", false},
      {"an option of another kind of poll", &yes_no, {"1"}, "“1” is not an option", false},
      {"no abstention option on this poll", &single, {"abstain"}, "“abstain” is not an option",
       false},
      {"the same option twice", &multiple, {"1", "2", "1"}, "option “A” is chosen twice", false},
      {"abstain mixed with an option", &multiple, {"abstain", "1", "2"},
       "abstaining (Không biểu quyết) must be the only choice", false},
      {"abstain mixed on a yes/no poll", &yes_no, {"yes", "abstain"}, "only choice", false},
      {"too many", &multiple, {"1", "2", "3", "4"}, "choose at most 3 options; this ballot has 4",
       false},
      {"too few", &multiple, {"1"}, "choose at least 2 options; this ballot has 1", false},
      {"nothing chosen", &multiple, {}, "chooses nothing; choose at least 2 options (or abstain)",
       false},
      {"nothing chosen on a single choice poll", &single, {}, "choose 1 option", false},
      {"yes and no", &yes_no, {"yes", "no"}, "choose exactly 1 option; this ballot has 2", false},
      {"election: more candidates than seats", &election, {"1", "2", "3"},
       "choose at most 2 options", false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<Choices> choices = NormalizeChoices(*c.poll, c.ids);
    ASSERT_EQ(choices.ok(), c.ok) << choices.status();
    if (c.ok) {
      EXPECT_EQ(EncodeChoices(*choices), c.expected);
    } else {
      EXPECT_EQ(choices.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(choices.status().message().find(c.expected), std::string::npos)
          << choices.status();
    }
  }
}

TEST(EncodeChoices, RoundTrips) {
  for (const Choices& choices : {Choices{}, Choices{"yes"}, Choices{"1", "3", "10"}}) {
    EXPECT_EQ(DecodeChoices(EncodeChoices(choices)), choices);
  }
  EXPECT_EQ(EncodeChoices({"1", "3"}), "1,3");
  EXPECT_EQ(EncodeChoices({}), "");
}

TEST(IsAbstention, OnlyTheAbstentionOptionAlone) {
  const v1::Poll poll = YesNo(Rule(1, 2, true, kVotesCast));
  EXPECT_TRUE(IsAbstention(poll, {"abstain"}));
  EXPECT_FALSE(IsAbstention(poll, {"yes"}));
  EXPECT_FALSE(IsAbstention(poll, {}));
  EXPECT_FALSE(IsAbstention(poll, {"abstain", "yes"}));
}

TEST(CountChoices, CountsEveryOptionInTheOrderOfThePoll) {
  const v1::Poll poll = Choice(v1::POLL_KIND_MULTIPLE_CHOICE, 3, Rule(1, 2, true, kVotesCast));
  const std::vector<Choices> ballots = {{"1", "3"}, {"3"}, {"abstain"}, {"2", "3"}};
  std::vector<v1::OptionCount> counts = CountChoices(poll, ballots);
  std::vector<std::string> got;
  for (const v1::OptionCount& c : counts) got.push_back(absl::StrCat(c.option_id(), "=", c.votes()));
  EXPECT_EQ(absl::StrJoin(got, " "), "1=1 2=1 3=3 abstain=1");
}

}  // namespace
}  // namespace hopso::server
