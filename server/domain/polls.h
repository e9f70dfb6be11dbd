// Polls as pure rules: building a poll from a request, checking a ballot's
// choices, and the result of a closed poll with its reasons.
#ifndef HOPSO_SERVER_DOMAIN_POLLS_H_
#define HOPSO_SERVER_DOMAIN_POLLS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hopso/v1/voting.pb.h"

namespace hopso::server {

// The option ids of yes/no polls and of the abstention option.
inline constexpr char kYesOption[] = "yes";
inline constexpr char kNoOption[] = "no";
inline constexpr char kAbstainOption[] = "abstain";

// A ballot's choices: option ids in the poll's option order, without
// repeats (one canonical form, so equal ballots compare and encode equal).
using Choices = std::vector<std::string>;

// BuildPoll
//
// The poll a CreatePollRequest describes, in state DRAFT, with its title,
// agenda item, kind, secrecy and allow_change, without id, meeting, creator
// or times (the handler sets those). Fills defaults: rule "more than 1/2 of
// votes cast, ties fail" when no rule is given, tie "fails" when a rule
// leaves it unset; yes/no options "yes", "no", "abstain" labelled "Đồng ý",
// "Không đồng ý", "Không biểu quyết"; option ids "1", "2", ... in the order
// given, plus "abstain" (labelled "Không biểu quyết") when allow_abstain;
// yes/no and single choice: min = max = 1; multiple choice: min 1 and max
// the number of options unless given; election: max_choices = seats,
// min_choices 1 unless given. Validates the title and labels (ValidateText).
// INVALID_ARGUMENT, naming the field, for: no title or kind or secrecy;
// yes/no with option labels; single and multiple choice with fewer than 2
// options, elections with no candidate, or more than 200; an empty or
// repeated label; min/max other than 1 for yes/no and single choice, or out
// of 1..options (multiple choice) or 1..seats (elections); seats on anything
// but an election, or out of 1..candidates; a bad fraction; a rule without
// a base; TIE_RULE_CHAIR_DECIDES on anything but a named yes/no poll.
absl::StatusOr<v1::Poll> BuildPoll(const v1::CreatePollRequest& request);

// NormalizeChoices
//
// The choices of a ballot for `poll`, in the poll's option order, checked. INVALID_ARGUMENT
// with a message a voter understands for: an option not in the poll; the
// same option twice; the abstention option together with others; no choice;
// fewer than min_choices or more than max_choices (not counting an
// abstention, which is always exactly one choice); yes/no polls need exactly
// one of yes, no, abstain.
absl::StatusOr<Choices> NormalizeChoices(const v1::Poll& poll,
                                         std::span<const std::string> option_ids);

// "1,3" and back. Option ids never contain commas.
std::string EncodeChoices(const Choices& choices);
Choices DecodeChoices(absl::string_view encoded);

// IsAbstention: the ballot is the abstention option alone.
bool IsAbstention(const v1::Poll& poll, const Choices& choices);

// CountChoices
//
// Votes per option, every option of the poll in its order.
std::vector<v1::OptionCount> CountChoices(const v1::Poll& poll, std::span<const Choices> ballots);

struct TallyInput {
  // Valid ballots, normalized.
  std::vector<Choices> ballots;
  // Voting rights fixed at open; members of the meeting.
  int64_t eligible = 0;
  int64_t members = 0;
  // Named polls: the chair's own ballot, when they voted (for
  // TIE_RULE_CHAIR_DECIDES).
  std::optional<Choices> chair_ballot;
};

// DescribeMajorityBase
//
// The base as the explanations name it, after the fraction: "tổng số thành
// viên" / "of all members". `language` is "vi" or "en".
std::string DescribeMajorityBase(v1::MajorityBase base, absl::string_view language);

// ComputeResult
//
// The result of `poll` over `input`: counts, the base and the votes
// required, the chosen and tied options, the outcome, and an explanation in
// Vietnamese and English that names the outcome, the counts, the rule, the
// base and the votes required, e.g.
//   "Thông qua: 7 đồng ý, 3 không đồng ý, 2 không biểu quyết (tổng 12 phiếu).
//    Quy tắc: hơn 1/2 số phiếu biểu quyết (12), tức là cần ít nhất 7 phiếu."
//   "Adopted: 7 yes, 3 no, 2 abstaining (12 votes in all). Rule: more than
//    1/2 of the votes cast (12), so at least 7 votes needed."
//
// Yes/no: passes when yes meets the rule of the base. Single choice: the top
// option wins when it meets the rule and no other option has as many votes
// (options tied at the top are listed in tied_option_ids). Multiple choice:
// every option meeting the rule is chosen (by votes, then option order).
// Election: candidates meeting the rule fill the seats by votes; a tie for
// the last seat leaves it open (the tied ones listed) and the outcome
// PARTIAL (FAILED when no seat is filled). Abstention options never win.
// With no ballots (or a base of 0) nothing passes. A strict rule met exactly
// (OnThreshold) is a tie: TIE_RULE_FAILS fails; TIE_RULE_CHAIR_DECIDES
// follows the chair's ballot, and fails when the chair did not vote yes or
// no. tie_decided is set whenever a tie (on the threshold, at the top or for
// the last seat) decided the outcome.
v1::PollResult ComputeResult(const v1::Poll& poll, const TallyInput& input);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_POLLS_H_
