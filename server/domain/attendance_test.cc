#include "server/domain/attendance.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/domain/fraction.h"

namespace hopso::server {
namespace {

constexpr auto kPresent = v1::ATTENDANCE_STATUS_PRESENT;
constexpr auto kOnline = v1::ATTENDANCE_STATUS_ONLINE;
constexpr auto kAbsent = v1::ATTENDANCE_STATUS_ABSENT;
constexpr auto kLeft = v1::ATTENDANCE_STATUS_LEFT;
constexpr auto kNone = v1::ATTENDANCE_STATUS_UNSPECIFIED;
constexpr auto kChair = v1::MEETING_ROLE_CHAIR;
constexpr auto kDelegate = v1::MEETING_ROLE_DELEGATE;
constexpr auto kSecretary = v1::MEETING_ROLE_SECRETARY;
constexpr auto kGuest = v1::MEETING_ROLE_GUEST;

ParticipantState P(std::string id, v1::MeetingRole role, v1::AttendanceStatus status) {
  return {std::move(id), role, status};
}

// A chair and delegates: `present` of them present (p1, p2, ...; the chair
// is p1), the other members absent (a1, a2, ...).
std::vector<ParticipantState> Members(int present, int absent) {
  std::vector<ParticipantState> out;
  for (int i = 1; i <= present; ++i) {
    out.push_back(P(absl::StrCat("p", i), i == 1 ? kChair : kDelegate, kPresent));
  }
  for (int i = 1; i <= absent; ++i) out.push_back(P(absl::StrCat("a", i), kDelegate, kAbsent));
  return out;
}

v1::Proxy Proxy(std::string giver, std::string holder) {
  v1::Proxy proxy;
  proxy.set_giver_user_id(std::move(giver));
  proxy.set_holder_user_id(std::move(holder));
  return proxy;
}

v1::AttendanceRules Rules(int32_t p, int32_t q, bool strict, bool proxies_count = false,
                          int32_t max_proxies = 1) {
  v1::AttendanceRules rules = DefaultAttendanceRules();
  *rules.mutable_quorum() = MakeFraction(p, q, strict);
  rules.set_proxies_count_for_quorum(proxies_count);
  rules.set_max_proxies_per_holder(max_proxies);
  return rules;
}

TEST(Roles, ChairAndDelegatesAreMembersAndPresentMeansInTheRoomOrOnline) {
  EXPECT_TRUE(IsVotingMember(kChair));
  EXPECT_TRUE(IsVotingMember(kDelegate));
  EXPECT_FALSE(IsVotingMember(kSecretary));
  EXPECT_FALSE(IsVotingMember(kGuest));
  EXPECT_FALSE(IsVotingMember(v1::MEETING_ROLE_UNSPECIFIED));
  EXPECT_TRUE(IsPresent(kPresent));
  EXPECT_TRUE(IsPresent(kOnline));
  EXPECT_FALSE(IsPresent(kAbsent));
  EXPECT_FALSE(IsPresent(kLeft));
  EXPECT_FALSE(IsPresent(kNone));
}

TEST(ComputeQuorum, FollowsTheRule) {
  struct Case {
    std::string name;
    v1::AttendanceRules rules;
    std::vector<ParticipantState> participants;
    std::vector<v1::Proxy> proxies;
    int32_t members, present, represented, required;
    bool reached;
  };
  auto with = [](std::vector<ParticipantState> base, std::vector<ParticipantState> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  const Case kCases[] = {
      {"more than 1/2: exactly half present (6 of 12) is not quorum", Rules(1, 2, true),
       Members(6, 6), {}, 12, 6, 0, 7, false},
      {"more than 1/2: 7 of 12 present is quorum", Rules(1, 2, true), Members(7, 5), {}, 12, 7,
       0, 7, true},
      {"more than 1/2 of 11: 6 present is quorum", Rules(1, 2, true), Members(6, 5), {}, 11, 6,
       0, 6, true},
      {"more than 1/2 of 11: 5 present is not", Rules(1, 2, true), Members(5, 6), {}, 11, 5, 0,
       6, false},
      {"at least 1/2: exactly half present (6 of 12) is quorum", Rules(1, 2, false),
       Members(6, 6), {}, 12, 6, 0, 6, true},
      {"at least 1/2: 5 of 12 is not", Rules(1, 2, false), Members(5, 7), {}, 12, 5, 0, 6,
       false},
      {"at least 2/3: 8 of 12 is quorum", Rules(2, 3, false), Members(8, 4), {}, 12, 8, 0, 8,
       true},
      {"at least 2/3: 7 of 12 is not", Rules(2, 3, false), Members(7, 5), {}, 12, 7, 0, 8,
       false},
      {"more than 2/3: exactly 2/3 (8 of 12) is not", Rules(2, 3, true), Members(8, 4), {}, 12,
       8, 0, 9, false},
      {"secretary and guests are neither members nor counted as present", Rules(1, 2, true),
       with(Members(2, 2), {P("sec", kSecretary, kPresent), P("guest", kGuest, kPresent)}),
       {}, 4, 2, 0, 3, false},
      {"online counts as present; left, absent and unrecorded do not", Rules(1, 2, true),
       {P("c", kChair, kPresent), P("d1", kDelegate, kOnline), P("d2", kDelegate, kLeft),
        P("d3", kDelegate, kAbsent), P("d4", kDelegate, kNone)},
       {}, 5, 2, 0, 3, false},
      {"a meeting without members never has quorum", Rules(1, 2, false),
       {P("sec", kSecretary, kPresent)}, {}, 0, 0, 0, 1, false},
      {"proxy counts towards quorum when the rules say so (6 + 1 of 12)",
       Rules(1, 2, true, /*proxies_count=*/true), Members(6, 6), {Proxy("a1", "p2")}, 12, 6, 1,
       7, true},
      {"proxy does not count when the rules say not (6 + 1 of 12)", Rules(1, 2, true),
       Members(6, 6), {Proxy("a1", "p2")}, 12, 6, 1, 7, false},
      {"a represented member is counted once, however many rows name them",
       Rules(1, 2, true, true), Members(5, 7), {Proxy("a1", "p2"), Proxy("a1", "p3")}, 12, 5, 1,
       7, false},
      {"a present giver is counted once, as present, not again as represented",
       Rules(1, 2, true, true), Members(6, 6), {Proxy("p3", "p2")}, 12, 6, 0, 7, false},
      {"a proxy whose holder is absent represents nobody", Rules(1, 2, true, true),
       Members(6, 6), {Proxy("a1", "a2")}, 12, 6, 0, 7, false},
      {"a proxy whose holder left represents nobody", Rules(1, 2, true, true),
       with(Members(6, 5), {P("gone", kDelegate, kLeft)}), {Proxy("a1", "gone")}, 12, 6, 0, 7,
       false},
      {"a proxy from a guest represents nobody", Rules(1, 2, true, true),
       with(Members(6, 6), {P("guest", kGuest, kAbsent)}), {Proxy("guest", "p2")}, 12, 6, 0, 7,
       false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::Quorum q = ComputeQuorum(c.rules, c.participants, c.proxies);
    EXPECT_EQ(q.members(), c.members);
    EXPECT_EQ(q.present(), c.present);
    EXPECT_EQ(q.represented(), c.represented);
    EXPECT_EQ(q.required(), c.required);
    EXPECT_EQ(q.reached(), c.reached);
    EXPECT_EQ(q.rule().numerator(), c.rules.quorum().numerator());
    EXPECT_EQ(q.rule().denominator(), c.rules.quorum().denominator());
    EXPECT_EQ(q.rule().strict(), c.rules.quorum().strict());
  }
}

// Every meeting of 1 to 20 members, every attendance, under 1/2, 2/3 and
// 3/4, strict or not: quorum exactly when present/members meets the rule.
TEST(ComputeQuorum, MatchesTheDefinitionOnEveryBoundary) {
  for (auto [p, q] : {std::pair{1, 2}, std::pair{2, 3}, std::pair{3, 4}}) {
    for (bool strict : {false, true}) {
      for (int members = 1; members <= 20; ++members) {
        for (int present = 0; present <= members; ++present) {
          SCOPED_TRACE(absl::StrCat(strict ? "more than " : "at least ", p, "/", q, ": ",
                                    present, " of ", members));
          v1::Quorum quorum =
              ComputeQuorum(Rules(p, q, strict), Members(present, members - present), {});
          const bool expected =
              strict ? present * q > p * members : present * q >= p * members;
          EXPECT_EQ(quorum.reached(), expected);
          EXPECT_EQ(quorum.present(), present);
        }
      }
    }
  }
}

TEST(CheckNewProxy, AppliesEveryProxyRule) {
  const std::vector<ParticipantState> kParticipants = {
      P("chair", kChair, kPresent),   P("d1", kDelegate, kPresent),
      P("d2", kDelegate, kOnline),    P("d3", kDelegate, kAbsent),
      P("d4", kDelegate, kAbsent),    P("d5", kDelegate, kNone),
      P("d6", kDelegate, kLeft),      P("sec", kSecretary, kPresent),
      P("guest", kGuest, kPresent),   P("guest2", kGuest, kAbsent),
  };
  struct Case {
    std::string name;
    int32_t max_proxies;
    std::string giver, holder;
    std::vector<v1::Proxy> proxies;
    absl::StatusCode code;
    std::string message;
  };
  const Case kCases[] = {
      {"absent member to present member", 1, "d3", "d1", {}, absl::StatusCode::kOk, ""},
      {"unrecorded member to an online member", 1, "d5", "d2", {}, absl::StatusCode::kOk, ""},
      {"member who left to the chair", 1, "d6", "chair", {}, absl::StatusCode::kOk, ""},
      {"second proxy allowed when the limit is 2", 2, "d3", "d1", {Proxy("d4", "d1")},
       absl::StatusCode::kOk, ""},
      {"to themself", 1, "d3", "d3", {}, absl::StatusCode::kInvalidArgument, "themself"},
      {"proxies not allowed (limit 0)", 0, "d3", "d1", {}, absl::StatusCode::kFailedPrecondition,
       "does not allow proxies"},
      {"giver is the secretary", 1, "sec", "d1", {}, absl::StatusCode::kFailedPrecondition,
       "sec is not a member"},
      {"giver is a guest", 1, "guest2", "d1", {}, absl::StatusCode::kFailedPrecondition,
       "guest2 is not a member"},
      {"giver is not a participant", 1, "stranger", "d1", {},
       absl::StatusCode::kFailedPrecondition, "stranger is not a member"},
      {"holder is a guest", 1, "d3", "guest", {}, absl::StatusCode::kFailedPrecondition,
       "guest is not a member"},
      {"giver already gave one", 1, "d3", "d2", {Proxy("d3", "d1")},
       absl::StatusCode::kAlreadyExists, "d3 has already given a proxy to d1"},
      {"giver is present", 1, "d2", "d1", {}, absl::StatusCode::kFailedPrecondition,
       "d2 is present"},
      {"holder is absent", 1, "d3", "d4", {}, absl::StatusCode::kFailedPrecondition,
       "d4 is not present"},
      {"holder has left", 1, "d3", "d6", {}, absl::StatusCode::kFailedPrecondition,
       "d6 is not present"},
      {"chain: the giver holds a proxy", 1, "d6", "d1", {Proxy("d4", "d6")},
       absl::StatusCode::kFailedPrecondition, "d6 holds a proxy from d4"},
      {"chain: the holder has given a proxy", 1, "d3", "d1", {Proxy("d1", "d2")},
       absl::StatusCode::kFailedPrecondition, "d1 has given their own proxy to d2"},
      {"holder at the limit of 1", 1, "d3", "d1", {Proxy("d4", "d1")},
       absl::StatusCode::kFailedPrecondition,
       "d1 already holds 1 proxy, the most this meeting allows"},
      {"holder at the limit of 2", 2, "d3", "d1", {Proxy("d4", "d1"), Proxy("d5", "d1")},
       absl::StatusCode::kFailedPrecondition,
       "d1 already holds 2 proxies, the most this meeting allows"},
      {"another holder's proxies do not count against this one", 1, "d3", "d1",
       {Proxy("d4", "d2")}, absl::StatusCode::kOk, ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::AttendanceRules rules = Rules(1, 2, true, false, c.max_proxies);
    absl::Status status = CheckNewProxy(rules, c.giver, c.holder, kParticipants, c.proxies);
    EXPECT_EQ(status.code(), c.code) << status;
    EXPECT_NE(status.message().find(c.message), std::string::npos) << status;
  }
}

std::string Grants(const std::vector<VotingRightGrant>& grants) {
  std::string out;
  for (const VotingRightGrant& g : grants) {
    if (!out.empty()) out += " ";
    out += g.principal_user_id + "<" + g.caster_user_id;
  }
  return out;
}

TEST(VotingRightsAtOpen, PresentMembersAndProxiesWithPresentHolders) {
  struct Case {
    std::string name;
    std::vector<ParticipantState> participants;
    std::vector<v1::Proxy> proxies;
    std::string expected;  // "principal<caster ...", sorted by principal
  };
  const Case kCases[] = {
      {"present and online members vote for themselves",
       {P("b", kDelegate, kOnline), P("a", kChair, kPresent), P("c", kDelegate, kAbsent)},
       {},
       "a<a b<b"},
      {"secretary and guests have no vote",
       {P("a", kChair, kPresent), P("sec", kSecretary, kPresent), P("g", kGuest, kPresent)},
       {},
       "a<a"},
      {"a proxy gives its present holder a second vote",
       {P("a", kChair, kPresent), P("b", kDelegate, kPresent), P("c", kDelegate, kAbsent)},
       {Proxy("c", "b")},
       "a<a b<b c<b"},
      {"one holder with two proxies casts three votes",
       {P("a", kChair, kPresent), P("c", kDelegate, kAbsent), P("d", kDelegate, kLeft)},
       {Proxy("c", "a"), Proxy("d", "a")},
       "a<a c<a d<a"},
      {"a proxy whose holder is absent gives no vote",
       {P("a", kChair, kPresent), P("b", kDelegate, kAbsent), P("c", kDelegate, kAbsent)},
       {Proxy("c", "b")},
       "a<a"},
      {"a present giver votes once, themself",
       {P("a", kChair, kPresent), P("b", kDelegate, kPresent)},
       {Proxy("b", "a")},
       "a<a b<b"},
      {"a proxy row twice still gives one vote",
       {P("a", kChair, kPresent), P("b", kDelegate, kPresent), P("c", kDelegate, kAbsent)},
       {Proxy("c", "a"), Proxy("c", "b")},
       "a<a b<b c<a"},
      {"nobody present, nobody votes", {P("a", kChair, kAbsent)}, {}, ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Grants(VotingRightsAtOpen(c.participants, c.proxies)), c.expected);
  }
}

TEST(ProxiesEndedByArrival, EndsTheProxyTheArrivingMemberGave) {
  const std::vector<v1::Proxy> proxies = {Proxy("c", "a"), Proxy("d", "a"), Proxy("e", "c")};
  std::vector<v1::Proxy> ended = ProxiesEndedByArrival("c", proxies);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].giver_user_id(), "c");
  EXPECT_EQ(ended[0].holder_user_id(), "a");
  EXPECT_TRUE(ProxiesEndedByArrival("a", proxies).empty());
}

v1::AttendanceRecord Record(v1::AttendanceStatus status, int64_t arrive = 0, bool late = false,
                            int64_t leave = 0, std::string reason = "") {
  v1::AttendanceRecord r;
  r.set_meeting_id("m");
  r.set_user_id("u");
  r.set_status(status);
  r.set_late(late);
  if (arrive) r.mutable_arrive_time()->set_unix_micros(arrive);
  if (leave) r.mutable_leave_time()->set_unix_micros(leave);
  r.set_reason(std::move(reason));
  return r;
}

TEST(CheckIn, RecordsArrivalAndLateness) {
  constexpr int64_t kStart = 1'000'000'000;
  struct Case {
    std::string name;
    v1::AttendanceRecord before;
    v1::AttendanceStatus status;
    int64_t now;
    int64_t start;
    v1::AttendanceStatus expected_status;
    int64_t expected_arrive;
    bool expected_late;
    bool changed;
  };
  const Case kCases[] = {
      {"first check-in before the start is on time", Record(kNone), kPresent, kStart - 5,
       kStart, kPresent, kStart - 5, false, true},
      {"exactly at the start is on time", Record(kNone), kPresent, kStart, kStart, kPresent,
       kStart, false, true},
      {"after the start is late", Record(kNone), kPresent, kStart + 1, kStart, kPresent,
       kStart + 1, true, true},
      {"online after the start is late", Record(kNone), kOnline, kStart + 9, kStart, kOnline,
       kStart + 9, true, true},
      {"without a scheduled start nobody is late", Record(kNone), kPresent, kStart, 0, kPresent,
       kStart, false, true},
      {"absent with a reason who arrives", Record(kAbsent, 0, false, 0, "ốm"), kPresent,
       kStart + 7, kStart, kPresent, kStart + 7, true, true},
      {"scanning again changes nothing", Record(kPresent, kStart - 3), kPresent, kStart + 50,
       kStart, kPresent, kStart - 3, false, false},
      {"present to online keeps the arrival", Record(kPresent, kStart - 3), kOnline,
       kStart + 50, kStart, kOnline, kStart - 3, false, true},
      {"back after leaving keeps the first arrival's lateness",
       Record(kLeft, kStart - 3, false, kStart + 10), kPresent, kStart + 20, kStart, kPresent,
       kStart + 20, false, true},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::AttendanceRecord after = CheckIn(c.before, c.status, v1::CHECK_IN_METHOD_ROOM_CODE,
                                         c.now, c.start, "u");
    EXPECT_EQ(after.status(), c.expected_status);
    EXPECT_EQ(after.arrive_time().unix_micros(), c.expected_arrive);
    EXPECT_EQ(after.late(), c.expected_late);
    EXPECT_EQ(after.meeting_id(), "m");
    EXPECT_EQ(after.user_id(), "u");
    EXPECT_EQ(after.SerializeAsString() != c.before.SerializeAsString(), c.changed);
    if (c.changed) {
      EXPECT_EQ(after.leave_time().unix_micros(), 0);
      EXPECT_EQ(after.reason(), "");
      EXPECT_EQ(after.method(), v1::CHECK_IN_METHOD_ROOM_CODE);
      EXPECT_EQ(after.recorded_by(), "u");
      EXPECT_EQ(after.update_time().unix_micros(), c.now);
    }
  }
}

TEST(CheckOut, OnlyThosePresentLeave) {
  struct Case {
    std::string name;
    v1::AttendanceStatus before;
    bool ok;
  };
  const Case kCases[] = {
      {"present", kPresent, true}, {"online", kOnline, true},  {"absent", kAbsent, false},
      {"left already", kLeft, false}, {"never checked in", kNone, false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<v1::AttendanceRecord> after = CheckOut(Record(c.before, 5), 99, "sec");
    ASSERT_EQ(after.ok(), c.ok) << after.status();
    if (c.ok) {
      EXPECT_EQ(after->status(), kLeft);
      EXPECT_EQ(after->arrive_time().unix_micros(), 5);
      EXPECT_EQ(after->leave_time().unix_micros(), 99);
      EXPECT_EQ(after->recorded_by(), "sec");
    } else {
      EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_NE(after.status().message().find("not present"), std::string::npos);
    }
  }
}

TEST(ValidateAttendanceRules, NamesTheFieldOutOfRange) {
  EXPECT_TRUE(ValidateAttendanceRules(DefaultAttendanceRules()).ok());
  struct Case {
    std::string name;
    void (*change)(v1::AttendanceRules&);
    std::string field;
  };
  const Case kCases[] = {
      {"quorum unset", [](v1::AttendanceRules& r) { r.clear_quorum(); }, "quorum"},
      {"quorum above one", [](v1::AttendanceRules& r) { *r.mutable_quorum() = MakeFraction(3, 2, false); },
       "quorum"},
      {"negative proxies", [](v1::AttendanceRules& r) { r.set_max_proxies_per_holder(-1); },
       "max_proxies_per_holder"},
      {"11 proxies", [](v1::AttendanceRules& r) { r.set_max_proxies_per_holder(11); },
       "max_proxies_per_holder"},
      {"negative speaking limit", [](v1::AttendanceRules& r) { r.set_speaking_limit_seconds(-1); },
       "speaking_limit_seconds"},
      {"speaking limit over two hours",
       [](v1::AttendanceRules& r) { r.set_speaking_limit_seconds(7201); }, "speaking_limit_seconds"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::AttendanceRules rules = DefaultAttendanceRules();
    c.change(rules);
    absl::Status status = ValidateAttendanceRules(rules);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find(c.field), std::string::npos) << status;
  }
}

TEST(DefaultAttendanceRules, AreMoreThanHalfOneProxyFiveMinutes) {
  v1::AttendanceRules rules = DefaultAttendanceRules();
  EXPECT_EQ(rules.quorum().numerator(), 1);
  EXPECT_EQ(rules.quorum().denominator(), 2);
  EXPECT_TRUE(rules.quorum().strict());
  EXPECT_EQ(rules.max_proxies_per_holder(), 1);
  EXPECT_EQ(rules.speaking_limit_seconds(), 300);
}

}  // namespace
}  // namespace hopso::server
