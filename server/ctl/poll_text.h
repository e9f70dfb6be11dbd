// Polls, majority rules and results as hopsoctl reads them from the command
// line and prints them (Vietnamese first, then English), and the independent
// recount of a closed poll's published ballots (`poll verify`).
#ifndef HOPSO_SERVER_CTL_POLL_TEXT_H_
#define HOPSO_SERVER_CTL_POLL_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/attendance.pb.h"
#include "hopso/v1/voting.pb.h"

namespace hopso::ctl {

// ParseFraction
//
// "more than 1/2", "at least 2/3", "hơn 1/2", "ít nhất 2/3", or a bare "2/3"
// (strict when `bare_strict`). INVALID_ARGUMENT for anything else or a
// fraction outside 0 < p <= q <= 1000.
absl::StatusOr<v1::Fraction> ParseFraction(absl::string_view text, bool bare_strict);

// ParseMajorityRule
//
// "<fraction> of <base>", the base one of votes-cast,
// votes-cast-excluding-abstentions, present, all-members (spaces or
// underscores for the dashes); without " of <base>": votes cast. The tie rule
// is left unset.
absl::StatusOr<v1::MajorityRule> ParseMajorityRule(absl::string_view text);

// fails|chair.
absl::StatusOr<v1::TieRule> ParseTieRule(absl::string_view text);

// yesno|single|multiple|election.
absl::StatusOr<v1::PollKind> ParsePollKind(absl::string_view text);

// The label of option `id` of `poll`, or the id when there is no such option.
std::string OptionLabel(const v1::Poll& poll, absl::string_view id);

// "biểu quyết tán thành (yes/no)", ...
std::string PollKindLabel(v1::PollKind kind);
// "công khai (named)" / "bỏ phiếu kín (secret)".
std::string SecrecyLabel(v1::PollSecrecy secrecy);
// "nháp (draft)", "đang mở (open)", "đã đóng (closed)".
std::string PollStateLabel(v1::PollState state);
// "THÔNG QUA (passed)", ...
std::string OutcomeLabel(v1::PollOutcome outcome);

// RuleText
//
// The rule in `language` ("vi" or "en"), e.g. "hơn 1/2 số phiếu biểu quyết"
// / "more than 1/2 of the votes cast".
std::string RuleText(const v1::MajorityRule& rule, absl::string_view language);

// PollLine
//
// One line for `poll list`: id, state, kind, secrecy, voted/eligible, title.
std::string PollLine(const v1::Poll& poll);

// PollText
//
// A poll in full: title, kind, secrecy, rule, options (id and label), state,
// votes so far, and once closed its result (ResultText).
std::string PollText(const v1::Poll& poll);

// ResultText
//
// A closed poll's result: votes per option, ballots and abstentions, the
// outcome, what was chosen, and the explanation in Vietnamese then English.
std::string ResultText(const v1::Poll& poll);

// RecountBallots
//
// Recounts a closed poll from its published ballots alone, apart from the
// server's result: every ballot's choices are valid for the poll; as many
// ballots as voter names and as the poll's `voted`; the votes per option,
// the ballots and the abstentions counted here equal the published ones; and
// the outcome, base, required votes, chosen and tied options computed again
// with the domain's rules (ComputeResult) equal the published ones.
// `chair_user_id` finds the chair's ballot for a chair-decides tie rule.
// With a `receipt`, also that it is among the published ballots. Returns the
// report lines; DATA_LOSS naming the first difference, or NOT_FOUND for a
// missing receipt (both marked to end hopsoctl with kExitAuditFailed).
absl::StatusOr<std::string> RecountBallots(const v1::BallotList& list,
                                           absl::string_view chair_user_id,
                                           absl::string_view receipt);

// PadRight
//
// `text` followed by spaces up to `width` letters (UTF-8 code points, as a
// terminal shows precomposed Vietnamese).
std::string PadRight(absl::string_view text, size_t width);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_POLL_TEXT_H_
