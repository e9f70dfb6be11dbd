#include "server/ctl/poll_text.h"

#include "gtest/gtest.h"
#include "server/ctl/exit_status.h"
#include "server/domain/polls.h"

namespace hopso::ctl {
namespace {

TEST(ParseMajorityRuleTest, FractionsAndBases) {
  const struct {
    const char* text;
    int p, q;
    bool strict;
    v1::MajorityBase base;
  } kCases[] = {
      {"more than 1/2 of votes-cast", 1, 2, true, v1::MAJORITY_BASE_VOTES_CAST},
      {"at least 2/3 of all-members", 2, 3, false, v1::MAJORITY_BASE_ALL_MEMBERS},
      {"at least 2/3 of all members", 2, 3, false, v1::MAJORITY_BASE_ALL_MEMBERS},
      {"more than 1/2 of votes-cast-excluding-abstentions", 1, 2, true,
       v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS},
      {"more than 1/2 of votes_cast_excluding_abstentions", 1, 2, true,
       v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS},
      {"hơn 1/2 of present", 1, 2, true, v1::MAJORITY_BASE_PRESENT},
      {"ít nhất 3/4 of Present", 3, 4, false, v1::MAJORITY_BASE_PRESENT},
      {"more than 1/2", 1, 2, true, v1::MAJORITY_BASE_VOTES_CAST},
      {"  2/3  of all-members ", 2, 3, false, v1::MAJORITY_BASE_ALL_MEMBERS},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<v1::MajorityRule> rule = ParseMajorityRule(c.text);
    ASSERT_TRUE(rule.ok()) << rule.status();
    EXPECT_EQ(rule->fraction().numerator(), c.p);
    EXPECT_EQ(rule->fraction().denominator(), c.q);
    EXPECT_EQ(rule->fraction().strict(), c.strict);
    EXPECT_EQ(rule->base(), c.base);
    EXPECT_EQ(rule->tie(), v1::TIE_RULE_UNSPECIFIED);
  }
}

TEST(ParseMajorityRuleTest, BadRulesNameTheProblem) {
  const struct {
    const char* text;
    const char* message;
  } kCases[] = {
      {"more than half of votes-cast", "cannot read the fraction \"more than half\""},
      {"more than 1/2 of everyone", "unknown majority base \"everyone\""},
      {"more than 3/2 of present", "0 < p <= q <= 1000"},
      {"at least 0/3 of present", "0 < p <= q <= 1000"},
      {"", "cannot read the fraction"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<v1::MajorityRule> rule = ParseMajorityRule(c.text);
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(rule.status().message().find(c.message), absl::string_view::npos)
        << rule.status().message();
  }
}

TEST(ParseFractionTest, BareFractionTakesTheStrictness) {
  EXPECT_FALSE(ParseFraction("2/3", false)->strict());
  EXPECT_TRUE(ParseFraction("1/2", true)->strict());
  // Words win over --strict.
  EXPECT_FALSE(ParseFraction("at least 1/2", true)->strict());
  EXPECT_TRUE(ParseFraction("more than 1/2", false)->strict());
}

TEST(ParseKindsTest, KindsAndTies) {
  EXPECT_EQ(*ParsePollKind("yesno"), v1::POLL_KIND_YES_NO_ABSTAIN);
  EXPECT_EQ(*ParsePollKind("single"), v1::POLL_KIND_SINGLE_CHOICE);
  EXPECT_EQ(*ParsePollKind("multiple"), v1::POLL_KIND_MULTIPLE_CHOICE);
  EXPECT_EQ(*ParsePollKind("election"), v1::POLL_KIND_ELECTION);
  EXPECT_NE(ParsePollKind("referendum").status().message().find("use yesno, single"),
            absl::string_view::npos);
  EXPECT_EQ(*ParseTieRule("fails"), v1::TIE_RULE_FAILS);
  EXPECT_EQ(*ParseTieRule("chair"), v1::TIE_RULE_CHAIR_DECIDES);
  EXPECT_FALSE(ParseTieRule("coin").ok());
}

TEST(RuleTextTest, BothLanguages) {
  v1::MajorityRule rule = *ParseMajorityRule("at least 2/3 of all-members");
  EXPECT_EQ(RuleText(rule, "vi"), "ít nhất 2/3 tổng số thành viên");
  EXPECT_EQ(RuleText(rule, "en"), "at least 2/3 of all members");
}

TEST(PadRightTest, CountsLettersNotBytes) {
  EXPECT_EQ(PadRight("Đồng ý", 8), "Đồng ý  ");
  EXPECT_EQ(PadRight("abc", 2), "abc");
}

// A closed named yes/no poll with its ballots and the result the server would
// publish for them.
class RecountTest : public testing::Test {
 protected:
  void SetUp() override {
    v1::CreatePollRequest create;
    create.set_title("Thông qua dự toán ngân sách năm 2027");
    create.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
    create.set_secrecy(v1::POLL_SECRECY_SECRET);
    absl::StatusOr<v1::Poll> poll = server::BuildPoll(create);
    ASSERT_TRUE(poll.ok()) << poll.status();
    v1::Poll& p = *list_.mutable_poll();
    p = *poll;
    p.set_id("p1");
    p.set_state(v1::POLL_STATE_CLOSED);
    p.set_eligible(5);
    server::TallyInput input;
    input.eligible = 5;
    input.members = 6;
    int n = 0;
    for (const char* choice : {"yes", "yes", "yes", "no", "abstain"}) {
      v1::PublishedBallot* ballot = list_.add_ballots();
      ballot->set_receipt(absl::StrCat("RECEIPT", n++, "AAAAAAAAA"));
      ballot->add_option_ids(choice);
      list_.add_voter_names(absl::StrCat("Đại biểu ", n));
      input.ballots.push_back({choice});
    }
    p.set_voted(5);
    *p.mutable_result() = server::ComputeResult(p, input);
  }

  v1::BallotList list_;
};

TEST_F(RecountTest, MatchingListPassesAndFindsTheReceipt) {
  absl::StatusOr<std::string> report = RecountBallots(list_, "", "RECEIPT3AAAAAAAAA");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_NE(report->find("Đồng ý"), std::string::npos) << *report;
  EXPECT_NE(report->find("3 = công bố / published 3: OK"), std::string::npos) << *report;
  EXPECT_NE(report->find("RECEIPT3AAAAAAAAA có trong danh sách"), std::string::npos) << *report;
}

TEST_F(RecountTest, MissingReceiptIsNotFound) {
  absl::StatusOr<std::string> report = RecountBallots(list_, "", "NOTTHEREAAAAAAAA");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ExitCode(report.status()), kExitAuditFailed);
}

TEST_F(RecountTest, ChangedCountIsDataLoss) {
  list_.mutable_poll()->mutable_result()->mutable_counts(0)->set_votes(4);
  absl::StatusOr<std::string> report = RecountBallots(list_, "", "");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ExitCode(report.status()), kExitAuditFailed);
  EXPECT_NE(report.status().message().find("\"Đồng ý\": 3 votes recounted, the result says 4"),
            absl::string_view::npos)
      << report.status();
}

TEST_F(RecountTest, ChangedOutcomeIsDataLoss) {
  list_.mutable_poll()->mutable_result()->set_outcome(v1::POLL_OUTCOME_FAILED);
  EXPECT_EQ(RecountBallots(list_, "", "").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RecountTest, MoreBallotsThanVotersIsDataLoss) {
  list_.mutable_voter_names()->RemoveLast();
  absl::StatusOr<std::string> report = RecountBallots(list_, "", "");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(report.status().message().find("5 ballots are published but 4 voters are named"),
            absl::string_view::npos)
      << report.status();
}

TEST_F(RecountTest, InvalidOrRepeatedBallotIsDataLoss) {
  v1::BallotList bad = list_;
  bad.mutable_ballots(0)->add_option_ids("no");  // yes and no on one ballot
  EXPECT_EQ(RecountBallots(bad, "", "").status().code(), absl::StatusCode::kDataLoss);
  bad = list_;
  bad.mutable_ballots(1)->set_receipt(bad.ballots(0).receipt());
  EXPECT_EQ(RecountBallots(bad, "", "").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hopso::ctl
