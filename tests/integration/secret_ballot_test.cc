// Secret ballots (bỏ phiếu kín) across the layers: while the poll is open
// only the turnout is visible; after close every receipt is in the published
// list and the list recounts to the result; and from a full copy of the
// database nothing — no column, id, join, row order or timestamp — links a
// voter to a choice. The test knows who chose what and tries.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

#ifndef HOPSOCTL_PATH
#error "HOPSOCTL_PATH must name the hopsoctl binary"
#endif

namespace hopso::integration {
namespace {

using Voting = v1::VotingService::Stub;
using Code = absl::StatusCode;

// The receipt and the voter row's reference the brief defines for a ballot.
std::string ExpectedReceipt(const std::string& poll_id, const std::string& ballot_id) {
  return server::Base32Encode(
      server::Sha256(absl::StrCat("hopso-receipt", poll_id, ballot_id)).substr(0, 10));
}
std::string BallotRef(const std::string& poll_id, const std::string& ballot_id) {
  return server::Sha256(absl::StrCat("hopso-voter", poll_id, ballot_id));
}

// Kendall's tau of `order` (a permutation of 0..n-1) against 0..n-1.
double KendallTau(const std::vector<int>& order) {
  const size_t n = order.size();
  int64_t concordant = 0;
  int64_t discordant = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) (order[i] < order[j] ? concordant : discordant)++;
  }
  const int64_t pairs = concordant + discordant;
  return pairs == 0 ? 0 : static_cast<double>(concordant - discordant) / static_cast<double>(pairs);
}

int FixedPoints(const std::vector<int>& a, const std::vector<int>& b) {
  int same = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) same += a[i] == b[i];
  return same;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

size_t Occurrences(absl::string_view haystack, absl::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != absl::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// A cell as the bytes an attacker would compare: text and blobs as they are,
// numbers in decimal.
std::string CellBytes(const SqlValue& value) {
  switch (value.type) {
    case SQLITE_INTEGER:
      return absl::StrCat(value.integer);
    case SQLITE_FLOAT:
      return absl::StrCat(value.real);
    case SQLITE_NULL:
      return "";
    default:
      return value.bytes;
  }
}

class SecretBallotTest : public HopsodTest {
 protected:
  void Convene(int members) {
    AssemblyOptions options;
    options.members = members;
    absl::StatusOr<std::unique_ptr<Assembly>> assembly = MakeAssembly(*server_, options);
    ASSERT_OK(assembly);
    a_ = *std::move(assembly);
    ASSERT_OK(MarkPresent(a_->cast.secretary, a_->id(), a_->Members()));
  }

  absl::StatusOr<v1::Poll> CreateAndOpen(v1::CreatePollRequest request) {
    request.set_meeting_id(a_->id());
    request.set_agenda_item_id(a_->item_id);
    request.set_secrecy(v1::POLL_SECRECY_SECRET);
    ASSIGN_OR_RETURN(v1::Poll poll,
                     Call(*VotingStub(a_->cast.chair), &Voting::CreatePoll, request));
    return PollCall(a_->cast.chair, &Voting::OpenPoll, poll);
  }

  std::unique_ptr<Assembly> a_;
};

TEST_F(SecretBallotTest, OnlyTurnoutShowsUntilCloseThenEveryReceiptIsPublished) {
  ASSERT_NO_FATAL_FAILURE(Convene(9));
  std::vector<Client*> members = a_->Members();
  v1::CreatePollRequest request;
  request.set_title("Lấy phiếu tín nhiệm đối với Giám đốc Sở Tài chính");
  request.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(request));
  EXPECT_EQ(poll.secrecy(), v1::POLL_SECRECY_SECRET);
  EXPECT_EQ(poll.eligible(), 9);
  ASSERT_OK_AND_ASSIGN(v1::Meeting opened, GetMeeting(a_->cast.chair, a_->id()));
  Watcher watcher(a_->cast.chair, a_->id(), opened.last_event_seq());

  const std::vector<std::string> choices = {"yes", "no",  "yes", "yes",    "abstain",
                                            "yes", "yes", "no",  "abstain"};
  std::vector<std::string> ballot_ids;
  std::vector<std::string> receipts;
  for (size_t i = 0; i < choices.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("voter ", i + 1));
    ballot_ids.push_back(NewBallotId());
    ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse cast,
                         CastBallot(*members[i], poll, ballot_ids[i], {choices[i]}));
    EXPECT_EQ(cast.receipt(), ExpectedReceipt(poll.id(), ballot_ids[i]));
    EXPECT_EQ(cast.receipt().size(), 16u);
    EXPECT_FALSE(cast.replaced());
    receipts.push_back(cast.receipt());

    // The stream says that this member voted, not what, and not by whom
    // the event was caused.
    ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event, NextEventWith(watcher, [&](const auto& e) {
                           return e.body().has_ballots_cast();
                         }));
    EXPECT_EQ(event.actor_user_id(), "");
    const v1::BallotsCast& batch = event.body().ballots_cast();
    EXPECT_EQ(batch.poll_id(), poll.id());
    EXPECT_EQ(batch.voted(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(batch.eligible(), 9);
    EXPECT_EQ(batch.ballots_size(), 0);
    EXPECT_EQ(batch.counts_size(), 0);
    ASSERT_EQ(batch.voter_user_ids_size(), 1);
    EXPECT_EQ(batch.voter_user_ids(0), members[i]->user.id());
    const std::string body = event.body().SerializeAsString();
    EXPECT_FALSE(absl::StrContains(body, cast.receipt()));
    EXPECT_FALSE(absl::StrContains(body, ballot_ids[i]));

    // Everyone, the chair included, sees the turnout and no counts.
    for (Client* reader : {&a_->cast.chair, &a_->cast.secretary, members[i]}) {
      ASSERT_OK_AND_ASSIGN(v1::Poll seen, PollCall(*reader, &Voting::GetPoll, poll));
      EXPECT_EQ(seen.voted(), static_cast<int64_t>(i + 1));
      EXPECT_EQ(seen.counts_size(), 0);
      EXPECT_FALSE(seen.has_result());
    }
  }
  EXPECT_TRUE(IsRefused(PollCall(a_->cast.chair, &Voting::ListBallots, poll).status(),
                        Code::kFailedPrecondition));

  // A retry returns the same receipt and changes nothing; a second ballot is
  // refused.
  ASSERT_OK_AND_ASSIGN(v1::Meeting before_retry, GetMeeting(a_->cast.chair, a_->id()));
  ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse retried,
                       CastBallot(*members[0], poll, ballot_ids[0], {choices[0]}));
  EXPECT_EQ(retried.receipt(), receipts[0]);
  EXPECT_FALSE(retried.replaced());
  EXPECT_TRUE(IsRefused(CastBallot(*members[0], poll, NewBallotId(), {"no"}).status(),
                        Code::kAlreadyExists, {"already voted"}));
  ASSERT_OK_AND_ASSIGN(v1::Meeting after_retry, GetMeeting(a_->cast.chair, a_->id()));
  EXPECT_EQ(after_retry.last_event_seq(), before_retry.last_event_seq());
  ASSERT_OK_AND_ASSIGN(v1::Poll seen, PollCall(a_->cast.chair, &Voting::GetPoll, poll));
  EXPECT_EQ(seen.voted(), 9);

  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  const v1::PollResult& result = closed.result();
  EXPECT_EQ(result.outcome(), v1::POLL_OUTCOME_PASSED) << "5 of 9 is more than half";
  EXPECT_EQ(result.ballots(), 9);
  EXPECT_EQ(result.abstentions(), 2);
  EXPECT_EQ(result.required(), 5);

  // The published list: every receipt, by receipt, without voters; its
  // recount is the result; each voter finds their own choice by receipt.
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(*members[3], &Voting::ListBallots, poll));
  ASSERT_EQ(list.ballots_size(), 9);
  std::map<std::string, int64_t> recount;
  std::map<std::string, std::string> by_receipt;
  std::vector<std::string> published;
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    EXPECT_EQ(ballot.voter_user_id(), "");
    EXPECT_EQ(ballot.voter_name(), "");
    EXPECT_EQ(ballot.on_behalf_of_user_id(), "");
    ASSERT_EQ(ballot.option_ids_size(), 1);
    ++recount[ballot.option_ids(0)];
    by_receipt[ballot.receipt()] = ballot.option_ids(0);
    published.push_back(ballot.receipt());
  }
  EXPECT_TRUE(std::is_sorted(published.begin(), published.end()));
  for (size_t i = 0; i < receipts.size(); ++i) {
    EXPECT_EQ(by_receipt[receipts[i]], choices[i]) << "receipt of voter " << i + 1;
  }
  std::map<std::string, int64_t> counted;
  for (const v1::OptionCount& count : result.counts()) {
    if (count.votes() > 0) counted[count.option_id()] = count.votes();
  }
  EXPECT_EQ(recount, counted);
  EXPECT_EQ(recount, (std::map<std::string, int64_t>{{"yes", 5}, {"no", 2}, {"abstain", 2}}));
  std::vector<std::string> names;
  for (Client* member : members) names.push_back(member->user.full_name());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::vector<std::string>(list.voter_names().begin(), list.voter_names().end()), names);

  // `hopsoctl poll verify` recounts the published list against the result
  // and finds a voter's receipt; a receipt that is not there fails it.
  auto verify = [&](const std::string& receipt) {
    return RunCommand({HOPSOCTL_PATH, "poll", "verify", "--meeting", a_->id(), "--poll", poll.id(),
                       "--receipt", receipt, "--server", server_->address(), "--data_dir",
                       server_->data_dir(), "--token", members[5]->token});
  };
  ASSERT_OK_AND_ASSIGN(CommandResult verified, verify(receipts[5]));
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_TRUE(absl::StrContains(verified.output, receipts[5])) << verified.output;
  ASSERT_OK_AND_ASSIGN(verified, verify(ExpectedReceipt(poll.id(), NewBallotId())));
  EXPECT_EQ(verified.exit_code, 3) << verified.output;

  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(a_->cast.chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  ASSERT_TRUE(log.back().body().has_poll_changed());
  EXPECT_EQ(log.back().body().poll_changed().change(), v1::PollChanged::CHANGE_CLOSED);
  for (const v1::MeetingEvent& event : log) {
    const std::string body = event.body().SerializeAsString();
    for (const std::string& receipt : receipts) {
      EXPECT_FALSE(absl::StrContains(body, receipt)) << "event " << event.seq();
    }
  }
}

TEST_F(SecretBallotTest, ASecretBallotChangesOnlyWithItsFirstBallotId) {
  ASSERT_NO_FATAL_FAILURE(Convene(3));
  std::vector<Client*> members = a_->Members();
  v1::CreatePollRequest request;
  request.set_title("Bầu Trưởng ban tổ chức");
  request.set_kind(v1::POLL_KIND_SINGLE_CHOICE);
  request.add_option_labels("Võ Thị Hằng");
  request.add_option_labels("Đinh Công Tráng");
  request.set_allow_change(true);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(request));
  const std::string id = NewBallotId();
  ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse first, CastBallot(*members[0], poll, id, {"1"}));
  ASSERT_OK_AND_ASSIGN(v1::CastBallotResponse second, CastBallot(*members[0], poll, id, {"2"}));
  EXPECT_TRUE(second.replaced());
  EXPECT_EQ(second.receipt(), first.receipt());
  // The server cannot find the old ballot from another id: it says how to
  // change it instead of counting twice.
  ASSERT_OK_AND_ASSIGN(v1::Poll before, PollCall(a_->cast.chair, &Voting::GetPoll, poll));
  EXPECT_TRUE(IsRefused(CastBallot(*members[0], poll, NewBallotId(), {"1"}).status(),
                        Code::kFailedPrecondition, {"ballot id", "ballot_id"}));
  ASSERT_OK_AND_ASSIGN(v1::Poll after, PollCall(a_->cast.chair, &Voting::GetPoll, poll));
  EXPECT_EQ(after.voted(), before.voted());
  EXPECT_EQ(after.voted(), 1);
  ASSERT_OK(CastBallot(*members[1], poll, NewBallotId(), {"2"}));
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(*members[0], &Voting::ListBallots, poll));
  ASSERT_EQ(list.ballots_size(), 2);
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    EXPECT_EQ(std::vector<std::string>(ballot.option_ids().begin(), ballot.option_ids().end()),
              std::vector<std::string>{"2"});
  }
  EXPECT_EQ(closed.result().ballots(), 2);
  EXPECT_EQ(std::vector<std::string>(closed.result().chosen_option_ids().begin(),
                                     closed.result().chosen_option_ids().end()),
            std::vector<std::string>{"2"});
}

TEST_F(SecretBallotTest, NothingInACopyOfTheDatabaseLinksAVoterToAChoice) {
  constexpr int kVoters = 12;
  ASSERT_NO_FATAL_FAILURE(Convene(kVoters));
  // The voters vote one after another in the order of their user ids, voter
  // i for candidate f(i), each candidate chosen once. If the rows kept the
  // order of arrival, or a column followed it, the i-th row would name the
  // i-th voter's choice.
  std::vector<Client*> voters = a_->Members();
  std::sort(voters.begin(), voters.end(),
            [](const Client* x, const Client* y) { return x->user.id() < y->user.id(); });
  auto option_of = [](int i) { return absl::StrCat((5 * i + 3) % kVoters + 1); };
  v1::CreatePollRequest request;
  request.set_title("Giới thiệu nhân sự ứng cử Ủy viên Ủy ban nhân dân tỉnh");
  request.set_kind(v1::POLL_KIND_SINGLE_CHOICE);
  for (const char* name : {"Nguyễn Văn Hải", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thu Hà",
                           "Hoàng Đức Thắng", "Vũ Thị Mai", "Đặng Quốc Bảo", "Bùi Thanh Hương",
                           "Đỗ Văn Long", "Hồ Thị Ngọc", "Ngô Quang Vinh", "Dương Thị Yến"}) {
    request.add_option_labels(name);
  }
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(request));
  std::vector<std::string> ballot_ids;
  std::vector<std::string> receipts;
  for (int i = 0; i < kVoters; ++i) {
    ballot_ids.push_back(NewBallotId());
    ASSERT_OK_AND_ASSIGN(
        v1::CastBallotResponse cast,
        CastBallot(*voters[static_cast<size_t>(i)], poll, ballot_ids.back(), {option_of(i)}));
    receipts.push_back(cast.receipt());
  }
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  const int64_t vote_from = closed.open_time().unix_micros() - 1'000'000;
  const int64_t vote_to = closed.close_time().unix_micros() + 1'000'000;

  // Closing folded the write-ahead log (where pages sat in the order ballots
  // arrived) into the file and truncated it: the file is the whole story.
  const std::string wal = server_->db_path() + "-wal";
  if (std::filesystem::exists(wal)) {
    EXPECT_EQ(std::filesystem::file_size(wal), 0u) << "the WAL still holds earlier page images";
  }
  const std::string copy = absl::StrCat(server_->scratch_dir(), "/attacker-copy.db");
  std::filesystem::copy_file(server_->db_path(), copy);
  if (std::filesystem::exists(wal) && std::filesystem::file_size(wal) > 0) {
    std::filesystem::copy_file(wal, copy + "-wal");
  }
  auto query = [&](const std::string& sql, const std::vector<std::string>& params = {}) {
    absl::StatusOr<std::vector<SqlRow>> rows = QueryDatabase(copy, sql, params);
    EXPECT_OK(rows) << sql;
    return rows.ok() ? *rows : std::vector<SqlRow>();
  };
  auto columns_of = [&](const std::string& table) {
    std::vector<std::string> names;
    for (const SqlRow& row : query("SELECT name FROM pragma_table_info(?1)", {table})) {
      names.push_back(row[0].bytes);
    }
    return names;
  };
  // Which voter a row belongs to, as only the voters themselves know: the
  // row holding voter i's receipt (secret_ballots) or user id (poll_voters).
  auto voter_of = [&](const SqlRow& row, const std::vector<std::string>& keys) {
    for (const SqlValue& cell : row) {
      for (size_t i = 0; i < keys.size(); ++i) {
        if (cell.bytes == keys[i]) return static_cast<int>(i);
      }
    }
    return -1;
  };
  std::vector<std::string> voter_ids;
  for (Client* voter : voters) voter_ids.push_back(voter->user.id());

  // The poll's rows in the order SQLite keeps them (no ORDER BY).
  const std::vector<std::string> ballot_columns = columns_of("secret_ballots");
  const std::vector<std::string> voter_columns = columns_of("poll_voters");
  ASSERT_FALSE(ballot_columns.empty());
  ASSERT_FALSE(voter_columns.empty());
  std::vector<SqlRow> ballots;
  for (SqlRow& row : query("SELECT * FROM secret_ballots")) {
    if (voter_of(row, {poll.id()}) == 0) ballots.push_back(std::move(row));
  }
  std::vector<SqlRow> voter_rows;
  for (SqlRow& row : query("SELECT * FROM poll_voters")) {
    if (voter_of(row, {poll.id()}) == 0) voter_rows.push_back(std::move(row));
  }
  ASSERT_EQ(ballots.size(), static_cast<size_t>(kVoters));
  ASSERT_EQ(voter_rows.size(), static_cast<size_t>(kVoters));

  // 1. Columns: nothing on a ballot names a person or a time.
  for (const std::string& column : ballot_columns) {
    const std::string name = absl::AsciiStrToLower(column);
    for (const char* word : {"user", "voter", "principal", "caster", "member", "time", "date",
                             "seq", "order", "created", "rowid"}) {
      EXPECT_FALSE(absl::StrContains(name, word)) << "secret_ballots." << column;
    }
  }

  // 2. Cells: no ballot holds a voter's id or name, a ballot id, or the voter
  // row's reference (raw or hex); each holds exactly one receipt.
  std::vector<int> ballot_order;  // voter index of each ballot, in storage order
  for (const SqlRow& row : ballots) {
    for (const SqlValue& cell : row) {
      const std::string bytes = CellBytes(cell);
      for (int i = 0; i < kVoters; ++i) {
        const Client& voter = *voters[static_cast<size_t>(i)];
        const std::string ref = BallotRef(poll.id(), ballot_ids[static_cast<size_t>(i)]);
        for (const std::string& secret :
             {voter.user.id(), voter.user.username(), voter.user.full_name(),
              ballot_ids[static_cast<size_t>(i)], ref, server::HexEncode(ref)}) {
          EXPECT_FALSE(absl::StrContains(bytes, secret)) << "a ballot cell holds " << secret;
        }
      }
    }
    ballot_order.push_back(voter_of(row, receipts));
    ASSERT_GE(ballot_order.back(), 0) << "a ballot row without a receipt of ours";
  }

  // 3. Times: no number in a ballot or a voter row of this poll falls in the
  // time of the vote (as micro-, milli- or plain seconds), no text is a date.
  const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone());
  for (const std::vector<SqlRow>* rows : {&ballots, &voter_rows}) {
    for (const SqlRow& row : *rows) {
      for (const SqlValue& cell : row) {
        int64_t number = 0;
        if (cell.type == SQLITE_INTEGER) number = cell.integer;
        if (cell.type == SQLITE_FLOAT) number = static_cast<int64_t>(cell.real);
        if (cell.type == SQLITE_TEXT && !absl::SimpleAtoi(cell.bytes, &number)) number = 0;
        for (int64_t scale : {1, 1000, 1000000}) {
          EXPECT_FALSE(number >= vote_from / scale && number <= vote_to / scale)
              << number << " is a time of the vote";
        }
        EXPECT_FALSE(absl::StrContains(cell.bytes, today)) << cell.bytes;
      }
    }
  }

  // 4. Joins: no pair of columns matches some voters with some ballots. (A
  // column equal on every row, the poll id, matches all with all: nothing.)
  for (size_t v = 0; v < voter_columns.size(); ++v) {
    for (size_t b = 0; b < ballot_columns.size(); ++b) {
      int matches = 0;
      for (const SqlRow& voter : voter_rows) {
        for (const SqlRow& ballot : ballots) {
          const std::string x = CellBytes(voter[v]);
          const std::string y = CellBytes(ballot[b]);
          // Containment only for values long enough not to match by chance.
          const bool linked = x == y || (std::min(x.size(), y.size()) >= 8 &&
                                         (absl::StrContains(x, y) || absl::StrContains(y, x)));
          matches += !x.empty() && linked;
        }
      }
      EXPECT_TRUE(matches == 0 || matches == kVoters * kVoters)
          << "poll_voters." << voter_columns[v] << " and secret_ballots." << ballot_columns[b]
          << " pair " << matches << " voters and ballots";
    }
  }

  // 5. Order: neither the order the ballots are stored in nor the order of
  // any column follows the order of the votes, or the order the voter rows
  // are stored in (within chance: a random order of 12 has |tau| >= 0.9, or
  // more than 8 of 12 in place, with a probability near 1e-6).
  std::vector<int> voter_order;
  for (const SqlRow& row : voter_rows) voter_order.push_back(voter_of(row, voter_ids));
  std::vector<int> vote_order(kVoters);
  for (int i = 0; i < kVoters; ++i) vote_order[static_cast<size_t>(i)] = i;
  auto expect_unrelated = [&](const std::vector<int>& order, const std::string& what) {
    EXPECT_LT(std::abs(KendallTau(order)), 0.9) << what << " follows the order of the votes";
    EXPECT_LE(FixedPoints(order, vote_order), 8) << what;
    EXPECT_LE(FixedPoints(order, voter_order), 8) << what << " pairs up with the voter rows";
  };
  expect_unrelated(ballot_order, "the storage order of secret_ballots");
  for (size_t c = 0; c < ballot_columns.size(); ++c) {
    std::vector<size_t> rows(ballots.size());
    for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
    std::stable_sort(rows.begin(), rows.end(), [&](size_t x, size_t y) {
      const SqlValue& a = ballots[x][c];
      const SqlValue& b = ballots[y][c];
      return a.type == SQLITE_INTEGER && b.type == SQLITE_INTEGER ? a.integer < b.integer
                                                                  : a.bytes < b.bytes;
    });
    std::vector<int> order;
    std::set<std::string> distinct;
    for (size_t r : rows) {
      order.push_back(ballot_order[r]);
      distinct.insert(CellBytes(ballots[r][c]));
    }
    if (distinct.size() < ballots.size()) continue;  // not an order of the rows
    expect_unrelated(order, absl::StrCat("secret_ballots ordered by ", ballot_columns[c]));
  }

  // 6. Every table: a ballot id is stored nowhere (voter rows keep only its
  // hash), a receipt nowhere but on its ballot, and the event log's batches
  // of this poll carry no choices.
  for (const SqlRow& table : query("SELECT name FROM sqlite_master WHERE type = 'table'")) {
    const std::string& name = table[0].bytes;
    for (const SqlRow& row : query(absl::StrCat("SELECT * FROM \"", name, "\""))) {
      for (const SqlValue& cell : row) {
        for (int i = 0; i < kVoters; ++i) {
          EXPECT_FALSE(absl::StrContains(cell.bytes, ballot_ids[static_cast<size_t>(i)]))
              << name << " holds a ballot id";
          if (name != "secret_ballots") {
            EXPECT_FALSE(absl::StrContains(cell.bytes, receipts[static_cast<size_t>(i)]))
                << name << " holds a receipt";
          }
        }
      }
    }
  }
  int batches = 0;
  for (const SqlRow& row :
       query("SELECT body FROM meeting_events WHERE meeting_id = ?1", {a_->id()})) {
    v1::EventBody body;
    ASSERT_TRUE(body.ParseFromString(row[0].bytes));
    if (!body.has_ballots_cast() || body.ballots_cast().poll_id() != poll.id()) continue;
    ++batches;
    EXPECT_EQ(body.ballots_cast().ballots_size(), 0);
    EXPECT_EQ(body.ballots_cast().counts_size(), 0);
  }
  EXPECT_EQ(batches, kVoters);

  // 7. The raw file, free pages and all: no ballot id; each receipt at most
  // in its row and in the receipt index (a third copy would be a leftover of
  // a page as it was while ballots arrived); their places in the file do not
  // follow the order of the votes either.
  const std::string file = ReadWholeFile(copy);
  ASSERT_FALSE(file.empty());
  std::vector<std::pair<size_t, int>> first_seen;
  for (int i = 0; i < kVoters; ++i) {
    EXPECT_EQ(file.find(ballot_ids[static_cast<size_t>(i)]), std::string::npos);
    const std::string& receipt = receipts[static_cast<size_t>(i)];
    EXPECT_GE(Occurrences(file, receipt), 1u);
    EXPECT_LE(Occurrences(file, receipt), 2u) << "receipt " << receipt;
    first_seen.emplace_back(file.find(receipt), i);
  }
  std::sort(first_seen.begin(), first_seen.end());
  std::vector<int> file_order;
  for (const auto& [offset, voter] : first_seen) file_order.push_back(voter);
  expect_unrelated(file_order, "the receipts' places in the file");

  // The voters can still check their own vote: each receipt is published
  // with the choice its voter made.
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(a_->cast.guest, &Voting::ListBallots, poll));
  std::map<std::string, std::string> published;
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    ASSERT_EQ(ballot.option_ids_size(), 1);
    published[ballot.receipt()] = ballot.option_ids(0);
  }
  ASSERT_EQ(published.size(), static_cast<size_t>(kVoters));
  for (int i = 0; i < kVoters; ++i) {
    EXPECT_EQ(published[receipts[static_cast<size_t>(i)]], option_of(i));
  }

  // Resealing rewrote rows, not history: the file is sound and every
  // meeting's chain still verifies offline.
  const std::vector<SqlRow> integrity = query("PRAGMA integrity_check");
  ASSERT_EQ(integrity.size(), 1u);
  EXPECT_EQ(integrity[0][0].bytes, "ok");
  ASSERT_OK_AND_ASSIGN(int exit_code, server_->Stop());
  ASSERT_EQ(exit_code, 0);
  ASSERT_OK_AND_ASSIGN(CommandResult audit, RunCommand({HOPSOCTL_PATH, "audit", "verify",
                                                        "--data_dir", server_->data_dir()}));
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

TEST_F(SecretBallotTest, BatchesNameTheirVotersSortedNotInTheOrderTheyArrived) {
  constexpr int kVoters = 12;
  ASSERT_NO_FATAL_FAILURE(Convene(kVoters));
  std::vector<Client*> members = a_->Members();
  // The last member is away and has given their vote to the first delegate.
  ASSERT_OK(MarkAttendance(a_->cast.secretary, a_->id(), members.back()->user.id(),
                           v1::ATTENDANCE_STATUS_ABSENT, "Ốm"));
  ASSERT_OK(
      GiveProxy(a_->cast.secretary, a_->id(), members.back()->user.id(), members[1]->user.id()));
  v1::CreatePollRequest request;
  request.set_title("Bỏ phiếu kín thông qua danh sách khen thưởng");
  request.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll, CreateAndOpen(request));
  ASSERT_EQ(poll.eligible(), kVoters);
  ASSERT_OK_AND_ASSIGN(v1::Meeting opened, GetMeeting(a_->cast.chair, a_->id()));
  // Everyone votes at once, the proxy holder twice, so that batches hold
  // several voters.
  std::vector<absl::StatusOr<v1::CastBallotResponse>> results(kVoters);
  {
    std::latch start(kVoters);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < static_cast<size_t>(kVoters); ++i) {
      threads.emplace_back([&, i] {
        const bool by_proxy = i + 1 == static_cast<size_t>(kVoters);
        Client& caster = by_proxy ? *members[1] : *members[i];
        start.arrive_and_wait();
        results[i] = CastBallot(caster, poll, NewBallotId(), {i % 2 == 0 ? "yes" : "no"},
                                by_proxy ? members[i]->user.id() : "");
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  std::set<std::string> receipts;
  for (const auto& result : results) {
    ASSERT_OK(result);
    receipts.insert(result->receipt());
  }
  EXPECT_EQ(receipts.size(), static_cast<size_t>(kVoters));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> events,
                       ReadLog(a_->cast.chair, a_->id(), opened.last_event_seq()));
  std::multiset<std::string> logged;
  int64_t voted = 0;
  for (const v1::MeetingEvent& event : events) {
    ASSERT_TRUE(event.body().has_ballots_cast()) << event.DebugString();
    const v1::BallotsCast& batch = event.body().ballots_cast();
    EXPECT_EQ(event.actor_user_id(), "");
    EXPECT_EQ(batch.ballots_size(), 0);
    EXPECT_EQ(batch.counts_size(), 0);
    EXPECT_TRUE(std::is_sorted(batch.voter_user_ids().begin(), batch.voter_user_ids().end()));
    logged.insert(batch.voter_user_ids().begin(), batch.voter_user_ids().end());
    EXPECT_EQ(batch.voted(), voted + batch.voter_user_ids_size());
    voted = batch.voted();
  }
  std::multiset<std::string> everyone;
  for (Client* member : members) everyone.insert(member->user.id());
  EXPECT_EQ(logged, everyone) << "each principal once, the proxy's giver included";
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(a_->cast.chair, &Voting::ClosePoll, poll));
  EXPECT_EQ(closed.result().ballots(), kVoters);
  ASSERT_OK_AND_ASSIGN(v1::BallotList list, PollCall(a_->cast.chair, &Voting::ListBallots, poll));
  std::set<std::string> published;
  for (const v1::PublishedBallot& ballot : list.ballots()) published.insert(ballot.receipt());
  EXPECT_EQ(published, receipts);
}

}  // namespace
}  // namespace hopso::integration
