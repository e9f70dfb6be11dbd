#include "server/domain/attendance.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/domain/fraction.h"
#include "server/util/status_macros.h"

namespace hopso::server {
namespace {

const ParticipantState* Find(std::span<const ParticipantState> participants,
                             absl::string_view user_id) {
  for (const ParticipantState& p : participants) {
    if (p.user_id == user_id) return &p;
  }
  return nullptr;
}

bool IsPresentMember(const ParticipantState* p) {
  return p != nullptr && IsVotingMember(p->role) && IsPresent(p->status);
}

std::string Proxies(int64_t n) { return n == 1 ? "1 proxy" : absl::StrCat(n, " proxies"); }

// How messages name a participant: their full name when known.
std::string NameOf(std::span<const ParticipantState> participants, absl::string_view user_id) {
  for (const ParticipantState& p : participants) {
    if (p.user_id == user_id && !p.full_name.empty()) return p.full_name;
  }
  return std::string(user_id);
}

}  // namespace

bool IsVotingMember(v1::MeetingRole role) {
  return role == v1::MEETING_ROLE_CHAIR || role == v1::MEETING_ROLE_DELEGATE;
}

bool IsPresent(v1::AttendanceStatus status) {
  return status == v1::ATTENDANCE_STATUS_PRESENT || status == v1::ATTENDANCE_STATUS_ONLINE;
}

v1::AttendanceRules DefaultAttendanceRules() {
  v1::AttendanceRules rules;
  *rules.mutable_quorum() = MakeFraction(1, 2, /*strict=*/true);
  rules.set_max_proxies_per_holder(1);
  rules.set_proxies_count_for_quorum(false);
  rules.set_speaking_limit_seconds(300);
  return rules;
}

absl::Status ValidateAttendanceRules(const v1::AttendanceRules& rules) {
  RETURN_IF_ERROR(ValidateFraction("quorum", rules.quorum()));
  if (rules.max_proxies_per_holder() < 0 || rules.max_proxies_per_holder() > 10) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_proxies_per_holder: must be 0 (no proxies) to 10, got ",
                     rules.max_proxies_per_holder()));
  }
  if (rules.speaking_limit_seconds() < 0 || rules.speaking_limit_seconds() > 7200) {
    return absl::InvalidArgumentError(
        absl::StrCat("speaking_limit_seconds: must be 0 (no limit) to 7200, got ",
                     rules.speaking_limit_seconds()));
  }
  return absl::OkStatus();
}

v1::Quorum ComputeQuorum(const v1::AttendanceRules& rules,
                         std::span<const ParticipantState> participants,
                         std::span<const v1::Proxy> proxies) {
  int32_t members = 0;
  int32_t present = 0;
  for (const ParticipantState& p : participants) {
    if (!IsVotingMember(p.role)) continue;
    ++members;
    if (IsPresent(p.status)) ++present;
  }
  // A set, so that a member is represented once however many rows name them.
  absl::flat_hash_set<std::string> represented;
  for (const v1::Proxy& proxy : proxies) {
    const ParticipantState* giver = Find(participants, proxy.giver_user_id());
    if (giver == nullptr || !IsVotingMember(giver->role) || IsPresent(giver->status)) continue;
    if (!IsPresentMember(Find(participants, proxy.holder_user_id()))) continue;
    represented.insert(giver->user_id);
  }
  v1::Quorum quorum;
  quorum.set_members(members);
  quorum.set_present(present);
  quorum.set_represented(static_cast<int32_t>(represented.size()));
  quorum.set_required(static_cast<int32_t>(RequiredCount(rules.quorum(), members)));
  const int64_t counted = present + (rules.proxies_count_for_quorum() ? quorum.represented() : 0);
  quorum.set_reached(members > 0 && counted >= quorum.required());
  *quorum.mutable_rule() = rules.quorum();
  return quorum;
}

absl::Status CheckNewProxy(const v1::AttendanceRules& rules, absl::string_view giver,
                           absl::string_view holder, std::span<const ParticipantState> participants,
                           std::span<const v1::Proxy> proxies) {
  const std::string giver_name = NameOf(participants, giver);
  const std::string holder_name = NameOf(participants, holder);
  if (giver == holder) {
    return absl::InvalidArgumentError(
        absl::StrCat(giver_name, " cannot give a proxy to themself; choose another delegate"));
  }
  if (rules.max_proxies_per_holder() <= 0) {
    return absl::FailedPreconditionError(
        "this meeting does not allow proxies (at most 0 per holder)");
  }
  const ParticipantState* g = Find(participants, giver);
  const ParticipantState* h = Find(participants, holder);
  for (const auto& [who, p] : {std::pair{&giver_name, g}, std::pair{&holder_name, h}}) {
    if (p == nullptr || !IsVotingMember(p->role)) {
      return absl::FailedPreconditionError(absl::StrCat(
          *who, " is not a member of this meeting (only the chair and delegates vote), so ",
          "cannot take part in a proxy"));
    }
  }
  int64_t held = 0;
  for (const v1::Proxy& proxy : proxies) {
    if (proxy.giver_user_id() == giver) {
      return absl::AlreadyExistsError(
          absl::StrCat(giver_name, " has already given a proxy to ",
                       NameOf(participants, proxy.holder_user_id()), "; revoke it first"));
    }
  }
  if (IsPresent(g->status)) {
    return absl::FailedPreconditionError(
        absl::StrCat(giver_name,
                     " is present and votes themself; only an absent member gives a proxy"));
  }
  if (!IsPresent(h->status)) {
    return absl::FailedPreconditionError(
        absl::StrCat(holder_name, " is not present; a proxy goes to a member who is present"));
  }
  for (const v1::Proxy& proxy : proxies) {
    if (proxy.holder_user_id() == giver) {
      return absl::FailedPreconditionError(
          absl::StrCat(giver_name, " holds a proxy from ",
                       NameOf(participants, proxy.giver_user_id()),
                       " and cannot pass it on: proxies do not form chains"));
    }
    if (proxy.giver_user_id() == holder) {
      return absl::FailedPreconditionError(
          absl::StrCat(holder_name, " has given their own proxy to ",
                       NameOf(participants, proxy.holder_user_id()),
                       " and cannot hold one: proxies do not form chains"));
    }
    if (proxy.holder_user_id() == holder) ++held;
  }
  if (held >= rules.max_proxies_per_holder()) {
    return absl::FailedPreconditionError(
        absl::StrCat(holder_name, " already holds ", Proxies(held),
                     ", the most this meeting allows"));
  }
  return absl::OkStatus();
}

std::vector<VotingRightGrant> VotingRightsAtOpen(std::span<const ParticipantState> participants,
                                                 std::span<const v1::Proxy> proxies) {
  std::vector<VotingRightGrant> grants;
  absl::flat_hash_set<std::string> principals;
  for (const ParticipantState& p : participants) {
    if (IsPresentMember(&p) && principals.insert(p.user_id).second) {
      grants.push_back({p.user_id, p.user_id});
    }
  }
  for (const v1::Proxy& proxy : proxies) {
    const ParticipantState* giver = Find(participants, proxy.giver_user_id());
    if (giver == nullptr || !IsVotingMember(giver->role)) continue;
    if (!IsPresentMember(Find(participants, proxy.holder_user_id()))) continue;
    // A present giver already votes themself; a second proxy row for the
    // same giver (which the schema forbids) would not add a vote either.
    if (!principals.insert(giver->user_id).second) continue;
    grants.push_back({giver->user_id, proxy.holder_user_id()});
  }
  std::sort(grants.begin(), grants.end(), [](const VotingRightGrant& a, const VotingRightGrant& b) {
    return a.principal_user_id < b.principal_user_id;
  });
  return grants;
}

std::vector<v1::Proxy> ProxiesEndedByArrival(absl::string_view user_id,
                                             std::span<const v1::Proxy> proxies) {
  std::vector<v1::Proxy> ended;
  for (const v1::Proxy& proxy : proxies) {
    if (proxy.giver_user_id() == user_id) ended.push_back(proxy);
  }
  return ended;
}

v1::AttendanceRecord CheckIn(const v1::AttendanceRecord& before, v1::AttendanceStatus status,
                             v1::CheckInMethod method, int64_t now_micros,
                             int64_t meeting_start_micros, absl::string_view recorded_by) {
  v1::AttendanceRecord after = before;
  if (IsPresent(before.status())) {
    // A repeated scan changes nothing (and so records nothing).
    if (before.status() == status) return before;
  } else {
    // Someone back after leaving keeps their first arrival's lateness.
    if (before.status() != v1::ATTENDANCE_STATUS_LEFT) {
      after.set_late(meeting_start_micros > 0 && now_micros > meeting_start_micros);
    }
    after.mutable_arrive_time()->set_unix_micros(now_micros);
    after.clear_leave_time();
    after.clear_reason();
  }
  after.set_status(status);
  after.set_method(method);
  after.set_recorded_by(std::string(recorded_by));
  after.mutable_update_time()->set_unix_micros(now_micros);
  return after;
}

absl::StatusOr<v1::AttendanceRecord> CheckOut(const v1::AttendanceRecord& before,
                                              int64_t now_micros, absl::string_view recorded_by) {
  if (!IsPresent(before.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(before.full_name().empty() ? before.user_id() : before.full_name(),
                     " is not present, so cannot check out"));
  }
  v1::AttendanceRecord after = before;
  after.set_status(v1::ATTENDANCE_STATUS_LEFT);
  after.mutable_leave_time()->set_unix_micros(now_micros);
  after.set_recorded_by(std::string(recorded_by));
  after.mutable_update_time()->set_unix_micros(now_micros);
  return after;
}

}  // namespace hopso::server
