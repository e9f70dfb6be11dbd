#include "server/services/voting_handler.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/attendance.h"
#include "server/domain/fraction.h"
#include "server/domain/polls.h"
#include "server/services/attendance_handler.h"
#include "server/services/meeting_handler.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

constexpr int kReceiptBytes = 10;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

absl::Status CheckBallotId(absl::string_view id) {
  const bool ok =
      id.size() >= 22 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char ch) {
        return absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
      });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "ballot_id must be 22 to 64 characters of A-Z, a-z, 0-9, '-' or '_' (at least 16 random "
      "bytes, chosen by the client)");
}

// The poll, which must belong to the meeting.
absl::StatusOr<v1::Poll> PollIn(Transaction& tx, absl::string_view meeting_id,
                                absl::string_view poll_id) {
  RETURN_IF_ERROR(RequireId("poll_id", poll_id));
  absl::StatusOr<v1::Poll> poll = tx.GetPoll(poll_id);
  if ((!poll.ok() && poll.status().code() == absl::StatusCode::kNotFound) ||
      (poll.ok() && poll->meeting_id() != meeting_id)) {
    return absl::NotFoundError(absl::StrCat("poll ", poll_id, " is not in this meeting"));
  }
  return poll;
}

bool IsSecret(const v1::Poll& poll) { return poll.secrecy() == v1::POLL_SECRECY_SECRET; }

// Every valid ballot of the poll: voter rows for named polls, the secret
// ballots (which name nobody) for secret ones.
absl::StatusOr<std::vector<Choices>> BallotsOf(Transaction& tx, const v1::Poll& poll) {
  std::vector<Choices> ballots;
  if (IsSecret(poll)) {
    ASSIGN_OR_RETURN(std::vector<SecretBallotRecord> secret, tx.ListSecretBallots(poll.id()));
    for (const SecretBallotRecord& b : secret) ballots.push_back(DecodeChoices(b.choices));
  } else {
    ASSIGN_OR_RETURN(std::vector<VoterRecord> voters, tx.ListVoters(poll.id()));
    for (const VoterRecord& v : voters) ballots.push_back(DecodeChoices(v.choices));
  }
  return ballots;
}

// Fills what the store does not keep: how many have voted and the counts
// (live for named polls; for secret polls only the result's, once closed).
absl::Status FillTallies(Transaction& tx, v1::Poll& poll) {
  ASSIGN_OR_RETURN(int64_t voted, tx.CountVoters(poll.id()));
  poll.set_voted(voted);
  poll.clear_counts();
  if (poll.state() == v1::POLL_STATE_CLOSED) {
    *poll.mutable_counts() = poll.result().counts();
  } else if (poll.state() == v1::POLL_STATE_OPEN && !IsSecret(poll)) {
    ASSIGN_OR_RETURN(std::vector<Choices> ballots, BallotsOf(tx, poll));
    for (v1::OptionCount& count : CountChoices(poll, ballots)) {
      *poll.add_counts() = std::move(count);
    }
  }
  return absl::OkStatus();
}

absl::Status RecordPollChange(Transaction& tx, const Caller& c, v1::PollChanged::Change change,
                              const v1::Poll& poll, int64_t now) {
  v1::EventBody body;
  body.mutable_poll_changed()->set_change(change);
  *body.mutable_poll_changed()->mutable_poll() = poll;
  return tx.AppendEvent(poll.meeting_id(), c.user_id, now, body).status();
}

std::string QuorumShortfall(const v1::Quorum& q) {
  return absl::StrCat(
      "quorum is not reached: ", q.present(), " of ", q.members(), " members present",
      q.represented() > 0 ? absl::StrCat(" and ", q.represented(), " represented by proxy") : "",
      ", ", q.required(), " needed (", DescribeFraction(q.rule(), "en"),
      "); a poll can be opened only with quorum");
}

// The ballots of one poll in one group-commit batch, for its one BallotsCast.
struct PollBatch {
  v1::Poll poll;
  std::set<std::string> casters;
  std::vector<v1::BallotsCast::NamedBallot> named;
  std::vector<std::string> principals;
};

absl::Status RecordBallotsCast(Transaction& tx, PollBatch& batch) {
  const v1::Poll& poll = batch.poll;
  v1::EventBody body;
  v1::BallotsCast* cast = body.mutable_ballots_cast();
  cast->set_poll_id(poll.id());
  ASSIGN_OR_RETURN(int64_t voted, tx.CountVoters(poll.id()));
  cast->set_voted(voted);
  cast->set_eligible(poll.eligible());
  std::string actor;
  if (IsSecret(poll)) {
    // Sorted, so the log does not keep the order of arrival; no actor, so it
    // does not single out one voter of the batch either.
    std::sort(batch.principals.begin(), batch.principals.end());
    for (const std::string& id : batch.principals) cast->add_voter_user_ids(id);
  } else {
    for (v1::BallotsCast::NamedBallot& b : batch.named) *cast->add_ballots() = std::move(b);
    ASSIGN_OR_RETURN(std::vector<Choices> ballots, BallotsOf(tx, poll));
    for (v1::OptionCount& count : CountChoices(poll, ballots)) {
      *cast->add_counts() = std::move(count);
    }
    if (batch.casters.size() == 1) actor = *batch.casters.begin();
  }
  return tx.AppendEvent(poll.meeting_id(), actor, NowMicros(), body).status();
}

// Stores one ballot of `principal` cast by `caster`; sets `out` and reports
// whether anything changed (a retry of the same ballot changes nothing).
absl::StatusOr<bool> StoreBallot(Transaction& tx, const v1::Poll& poll, absl::string_view principal,
                                 absl::string_view caster, absl::string_view ballot_id,
                                 const Choices& choices, int64_t now, v1::CastBallotResponse& out) {
  const std::string encoded = EncodeChoices(choices);
  absl::StatusOr<VoterRecord> existing = tx.GetVoter(poll.id(), principal);
  if (!existing.ok() && existing.status().code() != absl::StatusCode::kNotFound) {
    return existing.status();
  }
  const absl::Status already = absl::AlreadyExistsError(
      principal == caster
          ? "you have already voted in this poll"
          : absl::StrCat("the vote of ", principal, " has already been cast in this poll"));
  VoterRecord voter{std::string(poll.id()), std::string(principal), std::string(caster), "", "", 0};
  if (!IsSecret(poll)) {
    voter.ballot_ref = std::string(ballot_id);
    voter.choices = encoded;
    voter.cast_micros = now;
    if (!existing.ok()) {
      RETURN_IF_ERROR(tx.InsertVoter(voter));
      return true;
    }
    if (existing->ballot_ref == ballot_id && existing->choices == encoded) return false;
    if (!poll.allow_change()) return already;
    RETURN_IF_ERROR(tx.UpdateVoter(voter));
    out.set_replaced(true);
    return true;
  }

  // Secret: the voter row says that, not what; the ballot says what, not who.
  const std::string receipt = SecretBallotReceipt(poll.id(), ballot_id);
  out.set_receipt(receipt);
  const SecretBallotRecord ballot{std::string(poll.id()), receipt, encoded};
  voter.ballot_ref = SecretVoterRef(poll.id(), ballot_id);
  if (!existing.ok()) {
    RETURN_IF_ERROR(tx.InsertVoter(voter));
    absl::Status inserted = tx.InsertSecretBallot(ballot);
    if (inserted.code() == absl::StatusCode::kAlreadyExists) {
      return absl::InvalidArgumentError(
          "this ballot_id is already used in this poll; send your ballot with a new random "
          "ballot_id");
    }
    RETURN_IF_ERROR(inserted);
    return true;
  }
  if (existing->ballot_ref != voter.ballot_ref) {
    if (!poll.allow_change()) return already;
    // Only the voter's own ballot id finds their earlier ballot: nothing else
    // links them to it.
    return absl::FailedPreconditionError(
        "to change a secret ballot, send it again with the ballot_id of your first ballot in "
        "this poll");
  }
  ASSIGN_OR_RETURN(SecretBallotRecord earlier, tx.GetSecretBallot(poll.id(), receipt));
  if (earlier.choices == encoded) return false;
  if (!poll.allow_change()) return already;
  RETURN_IF_ERROR(tx.DeleteSecretBallot(poll.id(), receipt));
  RETURN_IF_ERROR(tx.InsertSecretBallot(ballot));
  out.set_replaced(true);
  return true;
}

}  // namespace

std::string SecretBallotReceipt(absl::string_view poll_id, absl::string_view ballot_id) {
  return Base32Encode(
      Sha256(absl::StrCat("hopso-receipt", poll_id, ballot_id)).substr(0, kReceiptBytes));
}

std::string SecretVoterRef(absl::string_view poll_id, absl::string_view ballot_id) {
  return Sha256(absl::StrCat("hopso-voter", poll_id, ballot_id));
}

absl::Status VotingHandler::CreatePoll(const Caller& c, const v1::CreatePollRequest& req,
                                       v1::Poll* out) {
  RETURN_IF_ERROR(RequireId("agenda_item_id", req.agenda_item_id()));
  RETURN_IF_ERROR(ValidateText("title", req.title(), {.max_chars = 500}));
  for (int i = 0; i < req.option_labels_size(); ++i) {
    RETURN_IF_ERROR(ValidateText(absl::StrCat("option_labels[", i, "]"), req.option_labels(i),
                                 {.max_chars = 300}));
  }
  ASSIGN_OR_RETURN(v1::Poll poll, BuildPoll(req));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "CreatePoll", req.meeting_id()).status());
    ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, tx.ListAgendaItems(req.meeting_id()));
    if (std::none_of(items.begin(), items.end(), [&](const v1::AgendaItem& item) {
          return item.id() == req.agenda_item_id();
        })) {
      return absl::NotFoundError(
          absl::StrCat("agenda item ", req.agenda_item_id(), " is not in this agenda"));
    }
    poll.set_id(NewId());
    poll.set_meeting_id(req.meeting_id());
    poll.set_agenda_item_id(req.agenda_item_id());
    poll.set_state(v1::POLL_STATE_DRAFT);
    poll.set_created_by(c.user_id);
    poll.mutable_create_time()->set_unix_micros(now);
    RETURN_IF_ERROR(tx.InsertPoll(poll));
    RETURN_IF_ERROR(RecordPollChange(tx, c, v1::PollChanged::CHANGE_CREATED, poll, now));
    *out = poll;
    return absl::OkStatus();
  });
}

absl::Status VotingHandler::OpenPoll(const Caller& c, const v1::PollRequest& req, v1::Poll* out) {
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "OpenPoll", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Poll poll, PollIn(tx, req.meeting_id(), req.poll_id()));
    if (poll.state() == v1::POLL_STATE_OPEN) {
      return absl::FailedPreconditionError("this poll is already open");
    }
    if (poll.state() != v1::POLL_STATE_DRAFT) {
      return absl::FailedPreconditionError("this poll is closed; create a new poll to vote again");
    }
    ASSIGN_OR_RETURN(AttendanceSnapshot attendance, LoadAttendance(tx, req.meeting_id()));
    if (!attendance.quorum.reached()) {
      return absl::FailedPreconditionError(QuorumShortfall(attendance.quorum));
    }
    std::vector<VotingRightRecord> rights;
    for (VotingRightGrant& grant : VotingRightsAtOpen(attendance.states, attendance.proxies)) {
      rights.push_back(VotingRightRecord{poll.id(), std::move(grant.principal_user_id),
                                         std::move(grant.caster_user_id)});
    }
    RETURN_IF_ERROR(tx.InsertVotingRights(rights));
    poll.set_eligible(static_cast<int64_t>(rights.size()));
    poll.set_state(v1::POLL_STATE_OPEN);
    poll.mutable_open_time()->set_unix_micros(now);
    RETURN_IF_ERROR(tx.UpdatePoll(poll));
    RETURN_IF_ERROR(FillTallies(tx, poll));
    RETURN_IF_ERROR(RecordPollChange(tx, c, v1::PollChanged::CHANGE_OPENED, poll, now));
    *out = poll;
    return absl::OkStatus();
  });
}

absl::Status VotingHandler::ClosePoll(const Caller& c, const v1::PollRequest& req, v1::Poll* out) {
  const int64_t now = NowMicros();
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "ClosePoll", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Poll poll, PollIn(tx, req.meeting_id(), req.poll_id()));
    if (poll.state() == v1::POLL_STATE_DRAFT) {
      return absl::FailedPreconditionError("this poll is not open yet; open it first");
    }
    if (poll.state() != v1::POLL_STATE_OPEN) {
      return absl::FailedPreconditionError("this poll is already closed");
    }
    ASSIGN_OR_RETURN(AttendanceSnapshot attendance, LoadAttendance(tx, req.meeting_id()));
    TallyInput input;
    ASSIGN_OR_RETURN(input.ballots, BallotsOf(tx, poll));
    input.eligible = poll.eligible();
    input.members =
        std::count_if(attendance.participants.begin(), attendance.participants.end(),
                      [](const v1::Participant& p) { return IsVotingMember(p.role()); });
    if (!IsSecret(poll)) {
      // Only the chair closes a poll, so the caller's own ballot is the chair's.
      absl::StatusOr<VoterRecord> chair = tx.GetVoter(poll.id(), c.user_id);
      if (chair.ok()) input.chair_ballot = DecodeChoices(chair->choices);
    }
    *poll.mutable_result() = ComputeResult(poll, input);
    poll.set_state(v1::POLL_STATE_CLOSED);
    poll.mutable_close_time()->set_unix_micros(now);
    RETURN_IF_ERROR(tx.UpdatePoll(poll));
    if (IsSecret(poll)) RETURN_IF_ERROR(tx.ResealSecretPoll(poll.id()));
    RETURN_IF_ERROR(FillTallies(tx, poll));
    RETURN_IF_ERROR(RecordPollChange(tx, c, v1::PollChanged::CHANGE_CLOSED, poll, now));
    *out = poll;
    return absl::OkStatus();
  }));
  if (IsSecret(*out)) {
    // The write-ahead log still holds the pages as ballots arrived; fold it
    // in so the files keep only the resealed order. Best effort: the poll is
    // closed either way.
    if (absl::Status forgot = store_.ForgetHistory(); !forgot.ok()) {
      std::fprintf(stderr, "hopsod: after closing secret poll %s: %s\n", out->id().c_str(),
                   forgot.ToString().c_str());
    }
  }
  return absl::OkStatus();
}

absl::Status VotingHandler::GetPoll(const Caller& c, const v1::PollRequest& req, v1::Poll* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetPoll", req.meeting_id()).status());
    ASSIGN_OR_RETURN(*out, PollIn(tx, req.meeting_id(), req.poll_id()));
    return FillTallies(tx, *out);
  });
}

absl::Status VotingHandler::ListPolls(const Caller& c, const v1::ListPollsRequest& req,
                                      v1::ListPollsResponse* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "ListPolls", req.meeting_id()).status());
    ASSIGN_OR_RETURN(std::vector<v1::Poll> polls,
                     tx.ListPolls(req.meeting_id(), req.agenda_item_id()));
    for (v1::Poll& poll : polls) {
      RETURN_IF_ERROR(FillTallies(tx, poll));
      *out->add_polls() = std::move(poll);
    }
    return absl::OkStatus();
  });
}

void VotingHandler::CastBallot(const Caller& c, const v1::CastBallotRequest& req, CastReply reply) {
  auto out = std::make_shared<v1::CastBallotResponse>();
  if (absl::Status checked = CheckBallotId(req.ballot_id()); !checked.ok()) {
    reply(checked, *out);
    return;
  }
  const int64_t now = NowMicros();
  writer_.Submit(
      [c, req, now, out](Transaction& tx, GroupWriter::Batch& batch) -> absl::Status {
        RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "CastBallot", req.meeting_id()).status());
        ASSIGN_OR_RETURN(v1::Poll poll, PollIn(tx, req.meeting_id(), req.poll_id()));
        if (poll.state() == v1::POLL_STATE_DRAFT) {
          return absl::FailedPreconditionError("this poll is not open yet");
        }
        if (poll.state() != v1::POLL_STATE_OPEN) {
          return absl::FailedPreconditionError("this poll is closed; no more ballots are taken");
        }
        const std::string principal = req.on_behalf_of().empty() ? c.user_id : req.on_behalf_of();
        absl::StatusOr<VotingRightRecord> right = tx.GetVotingRight(poll.id(), principal);
        if (!right.ok() && right.status().code() != absl::StatusCode::kNotFound) {
          return right.status();
        }
        if (!right.ok() || right->caster_user_id != c.user_id) {
          if (principal != c.user_id) {
            return absl::PermissionDeniedError(
                absl::StrCat("you do not hold the vote of ", principal, " in this poll"));
          }
          return absl::PermissionDeniedError(
              right.ok() ? "your vote in this poll is cast by the holder of your proxy"
                         : "you have no vote in this poll: voters were fixed when it opened "
                           "(members present and holders of proxies)");
        }
        const std::vector<std::string> option_ids(req.option_ids().begin(), req.option_ids().end());
        ASSIGN_OR_RETURN(Choices choices, NormalizeChoices(poll, option_ids));
        out->set_poll_id(poll.id());
        out->set_ballot_id(req.ballot_id());
        ASSIGN_OR_RETURN(bool changed, StoreBallot(tx, poll, principal, c.user_id, req.ballot_id(),
                                                   choices, now, *out));
        if (!changed) return absl::OkStatus();  // a retry: same answer, no event

        const std::string key = absl::StrCat("ballots:", poll.id());
        PollBatch& state = batch.State<PollBatch>(key);
        state.poll = poll;
        state.casters.insert(c.user_id);
        state.principals.push_back(principal);
        if (!IsSecret(poll)) {
          v1::BallotsCast::NamedBallot& named = state.named.emplace_back();
          named.set_voter_user_id(c.user_id);
          if (principal != c.user_id) named.set_on_behalf_of_user_id(principal);
          for (const std::string& option : choices) named.add_option_ids(option);
          named.set_replaced(out->replaced());
        }
        batch.AtEnd(key, [&state](Transaction& tx) { return RecordBallotsCast(tx, state); });
        return absl::OkStatus();
      },
      [out, reply = std::move(reply)](absl::Status status) { reply(status, *out); });
}

absl::Status VotingHandler::GetMyVotingRights(const Caller& c, const v1::PollRequest& req,
                                              v1::MyVotingRights* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetMyVotingRights", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Poll poll, PollIn(tx, req.meeting_id(), req.poll_id()));
    out->set_poll_id(poll.id());
    ASSIGN_OR_RETURN(std::vector<VotingRightRecord> rights,
                     tx.ListVotingRightsOf(poll.id(), c.user_id));
    for (const VotingRightRecord& r : rights) {
      v1::VotingRight* right = out->add_rights();
      right->set_principal_user_id(r.principal_user_id);
      ASSIGN_OR_RETURN(UserRecord user, tx.GetUser(r.principal_user_id));
      right->set_principal_name(user.user.full_name());
      absl::StatusOr<VoterRecord> voter = tx.GetVoter(poll.id(), r.principal_user_id);
      if (!voter.ok() && voter.status().code() != absl::StatusCode::kNotFound) {
        return voter.status();
      }
      right->set_voted(voter.ok());
    }
    return absl::OkStatus();
  });
}

absl::Status VotingHandler::ListBallots(const Caller& c, const v1::PollRequest& req,
                                        v1::BallotList* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "ListBallots", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Poll poll, PollIn(tx, req.meeting_id(), req.poll_id()));
    if (poll.state() != v1::POLL_STATE_CLOSED) {
      return absl::FailedPreconditionError(
          "the ballots are published when the poll closes; this poll is not closed yet");
    }
    RETURN_IF_ERROR(FillTallies(tx, poll));
    absl::flat_hash_map<std::string, std::string> names;
    auto name_of = [&](const std::string& user_id) -> absl::StatusOr<std::string> {
      auto it = names.find(user_id);
      if (it != names.end()) return it->second;
      ASSIGN_OR_RETURN(UserRecord user, tx.GetUser(user_id));
      return names[user_id] = user.user.full_name();
    };
    ASSIGN_OR_RETURN(std::vector<VoterRecord> voters, tx.ListVoters(poll.id()));
    std::vector<std::string> voter_names;
    for (const VoterRecord& v : voters) {
      ASSIGN_OR_RETURN(std::string name, name_of(v.principal_user_id));
      voter_names.push_back(std::move(name));
    }
    std::sort(voter_names.begin(), voter_names.end());
    if (IsSecret(poll)) {
      ASSIGN_OR_RETURN(std::vector<SecretBallotRecord> ballots, tx.ListSecretBallots(poll.id()));
      std::sort(ballots.begin(), ballots.end(),
                [](const SecretBallotRecord& a, const SecretBallotRecord& b) {
                  return a.receipt < b.receipt;
                });
      for (const SecretBallotRecord& b : ballots) {
        v1::PublishedBallot* published = out->add_ballots();
        published->set_receipt(b.receipt);
        for (const std::string& option : DecodeChoices(b.choices)) {
          published->add_option_ids(option);
        }
      }
    } else {
      std::vector<v1::PublishedBallot> published;
      for (const VoterRecord& v : voters) {
        v1::PublishedBallot& b = published.emplace_back();
        b.set_voter_user_id(v.caster_user_id);
        ASSIGN_OR_RETURN(*b.mutable_voter_name(), name_of(v.caster_user_id));
        if (v.principal_user_id != v.caster_user_id) {
          b.set_on_behalf_of_user_id(v.principal_user_id);
        }
        for (const std::string& option : DecodeChoices(v.choices)) b.add_option_ids(option);
      }
      std::sort(published.begin(), published.end(),
                [](const v1::PublishedBallot& a, const v1::PublishedBallot& b) {
                  return std::tie(a.voter_name(), a.voter_user_id(), a.on_behalf_of_user_id()) <
                         std::tie(b.voter_name(), b.voter_user_id(), b.on_behalf_of_user_id());
                });
      for (v1::PublishedBallot& b : published) *out->add_ballots() = std::move(b);
    }
    *out->mutable_poll() = std::move(poll);
    for (std::string& name : voter_names) out->add_voter_names(std::move(name));
    return absl::OkStatus();
  });
}

}  // namespace hopso::server
