#include "server/domain/polls.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "server/domain/fraction.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

constexpr int kMaxOptions = 200;
constexpr char kYesLabel[] = "Đồng ý";
constexpr char kNoLabel[] = "Không đồng ý";
constexpr char kAbstainLabel[] = "Không biểu quyết";

v1::PollOption Option(std::string id, std::string label, bool abstention) {
  v1::PollOption option;
  option.set_id(std::move(id));
  option.set_label(std::move(label));
  option.set_abstention(abstention);
  return option;
}

bool OneChoiceKind(v1::PollKind kind) {
  return kind == v1::POLL_KIND_YES_NO_ABSTAIN || kind == v1::POLL_KIND_SINGLE_CHOICE;
}

int64_t BaseSize(v1::MajorityBase base, int64_t ballots, int64_t abstentions, int64_t eligible,
                 int64_t members) {
  switch (base) {
    case v1::MAJORITY_BASE_VOTES_CAST: return ballots;
    case v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS: return ballots - abstentions;
    case v1::MAJORITY_BASE_PRESENT: return eligible;
    case v1::MAJORITY_BASE_ALL_MEMBERS: return members;
    default: return 0;
  }
}

// The explanation's message catalogue: one table of phrases per language,
// filled in with absl::Substitute ($0, $1, ...).
struct Catalogue {
  absl::string_view language;
  absl::string_view vote_one, vote_many;  // $0 votes
  absl::string_view and_word;             // "A, B and C"
  // Outcomes, by kind.
  absl::string_view adopted, not_adopted;                // yes/no, multiple choice
  absl::string_view option_chosen, no_option_chosen;     // single choice
  absl::string_view options_adopted, no_option_adopted;  // multiple choice
  absl::string_view all_elected, some_elected, none_elected;
  // "<outcome>: <details>."
  absl::string_view no_ballots;
  absl::string_view yes_no_counts;  // $0 yes, $1 no, $2 abstaining, $3 votes in all
  absl::string_view option_counts;  // $0 "“A” 5, “B” 3", $1 votes in all
  absl::string_view chosen;         // $0 labels
  absl::string_view adopted_list;   // $0 labels
  absl::string_view elected;        // $0 labels, $1 filled, $2 seats
  // The rule: $0 fraction, $1 base name, $2 base size, $3 votes required.
  absl::string_view rule, rule_zero_base;
  absl::string_view base_votes_cast, base_excluding_abstentions, base_present, base_all_members;
  // Ties. threshold: $0 who, $1 "p/q", $2 count, $3 base, $4 the fraction described.
  absl::string_view yes_subject, threshold;
  absl::string_view tie_fails, tie_chair_yes, tie_chair_no, tie_chair_none, threshold_not_chosen;
  absl::string_view top_tie;        // $0 labels, $1 votes each
  absl::string_view last_seat_tie;  // $0 labels, $1 votes each
};

constexpr Catalogue kVietnamese{
    .language = "vi",
    .vote_one = "$0 phiếu",
    .vote_many = "$0 phiếu",
    .and_word = " và ",
    .adopted = "Thông qua",
    .not_adopted = "Không thông qua",
    .option_chosen = "Đã chọn được phương án",
    .no_option_chosen = "Không chọn được phương án nào",
    .options_adopted = "Có phương án được thông qua",
    .no_option_adopted = "Không phương án nào được thông qua",
    .all_elected = "Đã bầu đủ số ghế",
    .some_elected = "Chỉ bầu được một phần số ghế",
    .none_elected = "Không bầu được ai",
    .no_ballots = "không có phiếu nào được bỏ",
    .yes_no_counts = "$0 đồng ý, $1 không đồng ý, $2 không biểu quyết (tổng $3)",
    .option_counts = "$0 (tổng $1)",
    .chosen = "Được chọn: $0.",
    .adopted_list = "Được thông qua: $0.",
    .elected = "Trúng cử: $0 ($1/$2 ghế).",
    .rule = "Quy tắc: $0 $1 ($2), tức là cần ít nhất $3.",
    .rule_zero_base = "Quy tắc: $0 $1, mà ở đây bằng 0 nên không có gì được thông qua.",
    .base_votes_cast = "số phiếu biểu quyết",
    .base_excluding_abstentions = "số phiếu biểu quyết, không tính phiếu không biểu quyết",
    .base_present = "số thành viên có mặt, kể cả được ủy quyền",
    .base_all_members = "tổng số thành viên",
    .yes_subject = "Phiếu đồng ý",
    .threshold = "$0 đúng bằng $1 ($2 trên $3), chưa phải $4",
    .tie_fails = ": hòa, theo quy tắc hòa thì không thông qua.",
    .tie_chair_yes = ": hòa, chủ tọa biểu quyết đồng ý nên thông qua.",
    .tie_chair_no = ": hòa, chủ tọa biểu quyết không đồng ý nên không thông qua.",
    .tie_chair_none =
        ": hòa, chủ tọa không biểu quyết đồng ý hay không đồng ý nên không thông qua.",
    .threshold_not_chosen = " nên không được chọn.",
    .top_tie = "$0 hòa nhau, mỗi phương án $1, nên không phương án nào được chọn.",
    .last_seat_tie = "$0 hòa nhau ở ghế cuối cùng, mỗi người $1, nên ghế đó còn trống.",
};

constexpr Catalogue kEnglish{
    .language = "en",
    .vote_one = "$0 vote",
    .vote_many = "$0 votes",
    .and_word = " and ",
    .adopted = "Adopted",
    .not_adopted = "Not adopted",
    .option_chosen = "An option was chosen",
    .no_option_chosen = "No option was chosen",
    .options_adopted = "Options adopted",
    .no_option_adopted = "No option adopted",
    .all_elected = "All seats filled",
    .some_elected = "Some seats filled",
    .none_elected = "No one elected",
    .no_ballots = "no votes were cast",
    .yes_no_counts = "$0 yes, $1 no, $2 abstaining ($3 in all)",
    .option_counts = "$0 ($1 in all)",
    .chosen = "Chosen: $0.",
    .adopted_list = "Adopted: $0.",
    .elected = "Elected: $0 ($1 of $2 seats).",
    .rule = "Rule: $0 $1 ($2), so at least $3 needed.",
    .rule_zero_base = "Rule: $0 $1, which is 0 here, so nothing passes.",
    .base_votes_cast = "of the votes cast",
    .base_excluding_abstentions = "of the votes cast, abstentions not counted",
    .base_present = "of the members present, proxies included",
    .base_all_members = "of all members",
    .yes_subject = "The yes votes",
    .threshold = "$0: exactly $1 ($2 of $3), not $4",
    .tie_fails = ": a tie, which under the rule fails.",
    .tie_chair_yes = ": a tie, decided by the chair, who voted yes: adopted.",
    .tie_chair_no = ": a tie, decided by the chair, who voted no: not adopted.",
    .tie_chair_none = ": a tie, and the chair voted neither yes nor no: not adopted.",
    .threshold_not_chosen = ", so not chosen.",
    .top_tie = "$0 tie with $1 each, so none is chosen.",
    .last_seat_tie = "$0 tie for the last seat with $1 each, so it stays open.",
};

enum class TieNote { kNone, kFails, kChairYes, kChairNo, kChairNone };

// What ComputeResult decided, for the explanation.
struct Facts {
  const v1::Poll* poll = nullptr;
  const v1::PollResult* result = nullptr;
  int64_t yes = 0, no = 0, abstaining = 0;
  TieNote yes_no_tie = TieNote::kNone;
  // Options whose count sits exactly on a strict threshold and so lost.
  std::vector<int> on_threshold;
  // Options tied at the top (single choice) or for the last seat.
  std::vector<int> tied;
  int64_t tied_votes = 0;
};

std::string Votes(const Catalogue& c, int64_t n) {
  return absl::Substitute(n == 1 ? c.vote_one : c.vote_many, n);
}

std::string Quoted(const v1::PollOption& option) { return absl::StrCat("“", option.label(), "”"); }

std::string Labels(const Catalogue& c, const v1::Poll& poll, std::span<const int> indices) {
  std::string out;
  for (size_t i = 0; i < indices.size(); ++i) {
    if (i > 0) out += i + 1 == indices.size() ? std::string(c.and_word) : ", ";
    out += Quoted(poll.options(indices[i]));
  }
  return out;
}

std::vector<int> IndicesOf(const v1::Poll& poll,
                           const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::vector<int> indices;
  for (const std::string& id : ids) {
    for (int i = 0; i < poll.options_size(); ++i) {
      if (poll.options(i).id() == id) indices.push_back(i);
    }
  }
  return indices;
}

absl::string_view BaseName(const Catalogue& c, v1::MajorityBase base) {
  switch (base) {
    case v1::MAJORITY_BASE_VOTES_CAST: return c.base_votes_cast;
    case v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS: return c.base_excluding_abstentions;
    case v1::MAJORITY_BASE_PRESENT: return c.base_present;
    default: return c.base_all_members;
  }
}

std::string Explain(const Catalogue& c, const Facts& f) {
  const v1::Poll& poll = *f.poll;
  const v1::PollResult& r = *f.result;
  const v1::Fraction& fraction = poll.rule().fraction();
  const bool passed = r.outcome() == v1::POLL_OUTCOME_PASSED;
  absl::string_view outcome;
  switch (poll.kind()) {
    case v1::POLL_KIND_YES_NO_ABSTAIN: outcome = passed ? c.adopted : c.not_adopted; break;
    case v1::POLL_KIND_SINGLE_CHOICE:
      outcome = passed ? c.option_chosen : c.no_option_chosen;
      break;
    case v1::POLL_KIND_MULTIPLE_CHOICE:
      outcome = passed ? c.options_adopted : c.no_option_adopted;
      break;
    default:
      outcome = passed                                    ? c.all_elected
                : r.outcome() == v1::POLL_OUTCOME_PARTIAL ? c.some_elected
                                                          : c.none_elected;
  }
  std::string details;
  if (r.ballots() == 0) {
    details = std::string(c.no_ballots);
  } else if (poll.kind() == v1::POLL_KIND_YES_NO_ABSTAIN) {
    details = absl::Substitute(c.yes_no_counts, f.yes, f.no, f.abstaining, Votes(c, r.ballots()));
  } else {
    std::vector<std::string> parts;
    for (int i = 0; i < poll.options_size(); ++i) {
      parts.push_back(absl::StrCat(Quoted(poll.options(i)), " ", r.counts(i).votes()));
    }
    details = absl::Substitute(c.option_counts, absl::StrJoin(parts, ", "), Votes(c, r.ballots()));
  }
  std::vector<std::string> sentences = {absl::StrCat(outcome, ": ", details, ".")};

  const std::vector<int> chosen = IndicesOf(poll, r.chosen_option_ids());
  if (!chosen.empty()) {
    const std::string labels = Labels(c, poll, chosen);
    switch (poll.kind()) {
      case v1::POLL_KIND_SINGLE_CHOICE:
        sentences.push_back(absl::Substitute(c.chosen, labels));
        break;
      case v1::POLL_KIND_MULTIPLE_CHOICE:
        sentences.push_back(absl::Substitute(c.adopted_list, labels));
        break;
      case v1::POLL_KIND_ELECTION:
        sentences.push_back(absl::Substitute(c.elected, labels, chosen.size(), poll.seats()));
        break;
      default: break;
    }
  }

  const std::string rule = DescribeFraction(fraction, c.language);
  if (r.base() > 0) {
    sentences.push_back(absl::Substitute(c.rule, rule, BaseName(c, poll.rule().base()), r.base(),
                                         Votes(c, r.required())));
  } else {
    sentences.push_back(absl::Substitute(c.rule_zero_base, rule, BaseName(c, poll.rule().base())));
  }

  const std::string ratio = absl::StrCat(fraction.numerator(), "/", fraction.denominator());
  if (f.yes_no_tie != TieNote::kNone) {
    absl::string_view consequence = f.yes_no_tie == TieNote::kFails      ? c.tie_fails
                                    : f.yes_no_tie == TieNote::kChairYes ? c.tie_chair_yes
                                    : f.yes_no_tie == TieNote::kChairNo  ? c.tie_chair_no
                                                                         : c.tie_chair_none;
    sentences.push_back(absl::StrCat(
        absl::Substitute(c.threshold, c.yes_subject, ratio, f.yes, r.base(), rule), consequence));
  }
  for (int i : f.on_threshold) {
    sentences.push_back(absl::StrCat(absl::Substitute(c.threshold, Quoted(poll.options(i)), ratio,
                                                      r.counts(i).votes(), r.base(), rule),
                                     c.threshold_not_chosen));
  }
  if (!f.tied.empty()) {
    absl::string_view format = poll.kind() == v1::POLL_KIND_ELECTION ? c.last_seat_tie : c.top_tie;
    sentences.push_back(absl::Substitute(format, Labels(c, poll, f.tied), Votes(c, f.tied_votes)));
  }
  return absl::StrJoin(sentences, " ");
}

}  // namespace

absl::StatusOr<v1::Poll> BuildPoll(const v1::CreatePollRequest& request) {
  RETURN_IF_ERROR(ValidateText("title", request.title(), {.max_chars = 500}));
  v1::Poll poll;
  poll.set_agenda_item_id(request.agenda_item_id());
  poll.set_title(request.title());
  poll.set_kind(request.kind());
  poll.set_secrecy(request.secrecy());
  poll.set_allow_change(request.allow_change());
  poll.set_state(v1::POLL_STATE_DRAFT);
  const v1::PollKind kind = request.kind();
  if (kind != v1::POLL_KIND_YES_NO_ABSTAIN && kind != v1::POLL_KIND_SINGLE_CHOICE &&
      kind != v1::POLL_KIND_MULTIPLE_CHOICE && kind != v1::POLL_KIND_ELECTION) {
    return absl::InvalidArgumentError(
        "kind: choose yes/no, single choice, multiple choice or election");
  }
  if (request.secrecy() != v1::POLL_SECRECY_NAMED && request.secrecy() != v1::POLL_SECRECY_SECRET) {
    return absl::InvalidArgumentError("secrecy: choose a named or a secret poll");
  }
  if (kind != v1::POLL_KIND_ELECTION && request.seats() != 0) {
    return absl::InvalidArgumentError("seats: only elections have seats");
  }

  const int labels = request.option_labels_size();
  if (kind == v1::POLL_KIND_YES_NO_ABSTAIN) {
    if (labels > 0) {
      return absl::InvalidArgumentError(
          "option_labels: a yes/no poll has fixed options (Đồng ý, Không đồng ý, Không biểu "
          "quyết); leave option_labels empty");
    }
    *poll.add_options() = Option(kYesOption, kYesLabel, false);
    *poll.add_options() = Option(kNoOption, kNoLabel, false);
    *poll.add_options() = Option(kAbstainOption, kAbstainLabel, true);
  } else {
    const int min_labels = kind == v1::POLL_KIND_ELECTION ? 1 : 2;
    if (labels < min_labels || labels > kMaxOptions) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option_labels: this poll needs ", min_labels, " to ", kMaxOptions,
          kind == v1::POLL_KIND_ELECTION ? " candidates" : " options", ", got ", labels));
    }
    absl::flat_hash_map<std::string, int> seen;
    for (int i = 0; i < labels; ++i) {
      const std::string& label = request.option_labels(i);
      const std::string field = absl::StrCat("option_labels[", i, "]");
      RETURN_IF_ERROR(ValidateText(field, label, {.max_chars = 300}));
      if (auto [it, inserted] = seen.emplace(label, i); !inserted) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": “", label, "” is the same as option_labels[", it->second, "]"));
      }
      *poll.add_options() = Option(absl::StrCat(i + 1), label, false);
    }
    if (request.allow_abstain()) {
      *poll.add_options() = Option(kAbstainOption, kAbstainLabel, true);
    }
  }

  if (OneChoiceKind(kind)) {
    if ((request.min_choices() != 0 && request.min_choices() != 1) ||
        (request.max_choices() != 0 && request.max_choices() != 1)) {
      return absl::InvalidArgumentError(
          "min_choices, max_choices: this kind of poll takes exactly one choice; leave them unset");
    }
    poll.set_min_choices(1);
    poll.set_max_choices(1);
  } else if (kind == v1::POLL_KIND_MULTIPLE_CHOICE) {
    const int max = request.max_choices() == 0 ? labels : request.max_choices();
    const int min = request.min_choices() == 0 ? 1 : request.min_choices();
    if (max < 1 || max > labels) {
      return absl::InvalidArgumentError(absl::StrCat(
          "max_choices: must be 1 to the number of options (", labels, "), got ", max));
    }
    if (min < 1 || min > max) {
      return absl::InvalidArgumentError(
          absl::StrCat("min_choices: must be 1 to max_choices (", max, "), got ", min));
    }
    poll.set_min_choices(min);
    poll.set_max_choices(max);
  } else {
    if (request.seats() < 1 || request.seats() > labels) {
      return absl::InvalidArgumentError(
          absl::StrCat("seats: an election fills 1 to the number of candidates (", labels,
                       ") seats, got ", request.seats()));
    }
    if (request.max_choices() != 0 && request.max_choices() != request.seats()) {
      return absl::InvalidArgumentError(
          absl::StrCat("max_choices: an election's ballot chooses up to `seats` (", request.seats(),
                       ") candidates; leave max_choices unset"));
    }
    const int min = request.min_choices() == 0 ? 1 : request.min_choices();
    if (min < 1 || min > request.seats()) {
      return absl::InvalidArgumentError(
          absl::StrCat("min_choices: must be 1 to seats (", request.seats(), "), got ", min));
    }
    poll.set_seats(request.seats());
    poll.set_min_choices(min);
    poll.set_max_choices(request.seats());
  }

  v1::MajorityRule& rule = *poll.mutable_rule();
  if (request.has_rule()) {
    rule = request.rule();
    if (rule.tie() == v1::TIE_RULE_UNSPECIFIED) rule.set_tie(v1::TIE_RULE_FAILS);
  } else {
    *rule.mutable_fraction() = MakeFraction(1, 2, /*strict=*/true);
    rule.set_base(v1::MAJORITY_BASE_VOTES_CAST);
    rule.set_tie(v1::TIE_RULE_FAILS);
  }
  RETURN_IF_ERROR(ValidateFraction("rule.fraction", rule.fraction()));
  if (!v1::MajorityBase_IsValid(rule.base()) || rule.base() == v1::MAJORITY_BASE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "rule.base: choose what the majority is of: votes cast, votes cast without abstentions, "
        "members present or all members");
  }
  if (!v1::TieRule_IsValid(rule.tie())) {
    return absl::InvalidArgumentError("rule.tie: choose what a tie means: fails or chair decides");
  }
  if (rule.tie() == v1::TIE_RULE_CHAIR_DECIDES &&
      (kind != v1::POLL_KIND_YES_NO_ABSTAIN || request.secrecy() != v1::POLL_SECRECY_NAMED)) {
    return absl::InvalidArgumentError(
        "rule.tie: the chair can decide a tie only in a named yes/no poll (a secret ballot "
        "does not show how the chair voted)");
  }
  return poll;
}

absl::StatusOr<Choices> NormalizeChoices(const v1::Poll& poll,
                                         std::span<const std::string> option_ids) {
  std::vector<int> indices;
  bool abstains = false;
  for (const std::string& id : option_ids) {
    int index = -1;
    for (int i = 0; i < poll.options_size(); ++i) {
      if (poll.options(i).id() == id) index = i;
    }
    if (index < 0) {
      return absl::InvalidArgumentError(absl::StrCat("“", id, "” is not an option of this poll"));
    }
    if (std::find(indices.begin(), indices.end(), index) != indices.end()) {
      return absl::InvalidArgumentError(absl::StrCat("option “", poll.options(index).label(),
                                                     "” is chosen twice; choose each option once"));
    }
    abstains |= poll.options(index).abstention();
    indices.push_back(index);
  }
  if (abstains && indices.size() > 1) {
    return absl::InvalidArgumentError(
        "abstaining (Không biểu quyết) must be the only choice on a ballot");
  }
  if (!abstains) {
    // Yes/no and single choice polls take one choice whatever the stored
    // bounds say; elections up to one per seat.
    const int64_t min = OneChoiceKind(poll.kind()) ? 1 : std::max(1, poll.min_choices());
    const int64_t max = OneChoiceKind(poll.kind())              ? 1
                        : poll.kind() == v1::POLL_KIND_ELECTION ? poll.seats()
                                                                : poll.max_choices();
    const int64_t n = static_cast<int64_t>(indices.size());
    if (n == 0) {
      const bool can_abstain = std::any_of(poll.options().begin(), poll.options().end(),
                                           [](const v1::PollOption& o) { return o.abstention(); });
      return absl::InvalidArgumentError(
          absl::StrCat("the ballot chooses nothing; choose ", min == max ? "" : "at least ", min,
                       min == 1 ? " option" : " options", can_abstain ? " (or abstain)" : ""));
    }
    if (n < min || n > max) {
      const int64_t bound = n < min ? min : max;
      return absl::InvalidArgumentError(absl::StrCat("choose ",
                                                     min == max ? "exactly "
                                                     : n < min  ? "at least "
                                                                : "at most ",
                                                     bound, bound == 1 ? " option" : " options",
                                                     "; this ballot has ", n));
    }
  }
  std::sort(indices.begin(), indices.end());
  Choices choices;
  for (int i : indices) choices.push_back(poll.options(i).id());
  return choices;
}

std::string EncodeChoices(const Choices& choices) { return absl::StrJoin(choices, ","); }

Choices DecodeChoices(absl::string_view encoded) {
  if (encoded.empty()) return {};
  return absl::StrSplit(encoded, ',');
}

bool IsAbstention(const v1::Poll& poll, const Choices& choices) {
  if (choices.size() != 1) return false;
  for (const v1::PollOption& option : poll.options()) {
    if (option.id() == choices[0]) return option.abstention();
  }
  return false;
}

std::vector<v1::OptionCount> CountChoices(const v1::Poll& poll, std::span<const Choices> ballots) {
  std::vector<v1::OptionCount> counts(poll.options_size());
  absl::flat_hash_map<absl::string_view, int> index;
  for (int i = 0; i < poll.options_size(); ++i) {
    counts[i].set_option_id(poll.options(i).id());
    index.emplace(poll.options(i).id(), i);
  }
  for (const Choices& ballot : ballots) {
    for (const std::string& id : ballot) {
      if (auto it = index.find(id); it != index.end()) {
        counts[it->second].set_votes(counts[it->second].votes() + 1);
      }
    }
  }
  return counts;
}

v1::PollResult ComputeResult(const v1::Poll& poll, const TallyInput& input) {
  v1::PollResult result;
  for (v1::OptionCount& count : CountChoices(poll, input.ballots)) {
    *result.add_counts() = std::move(count);
  }
  const int64_t ballots = static_cast<int64_t>(input.ballots.size());
  const int64_t abstentions =
      std::count_if(input.ballots.begin(), input.ballots.end(),
                    [&](const Choices& ballot) { return IsAbstention(poll, ballot); });
  const int64_t base =
      BaseSize(poll.rule().base(), ballots, abstentions, input.eligible, input.members);
  const v1::Fraction& fraction = poll.rule().fraction();
  const int64_t required = RequiredCount(fraction, base);
  result.set_ballots(ballots);
  result.set_abstentions(abstentions);
  result.set_eligible(input.eligible);
  result.set_members(input.members);
  result.set_base(base);
  result.set_required(required);

  const auto votes = [&](int i) { return result.counts(i).votes(); };
  const auto meets = [&](int i) { return base > 0 && votes(i) >= required; };
  // A strict rule met exactly: the case the tie rule decides.
  const auto on_threshold = [&](int i) {
    return fraction.strict() && OnThreshold(fraction, votes(i), base);
  };

  Facts facts;
  facts.poll = &poll;
  facts.result = &result;
  // Options that can win, by votes and then in the poll's order.
  std::vector<int> ranked;
  for (int i = 0; i < poll.options_size(); ++i) {
    if (!poll.options(i).abstention()) ranked.push_back(i);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](int a, int b) { return votes(a) > votes(b); });
  std::vector<int> chosen;
  v1::PollOutcome outcome = v1::POLL_OUTCOME_FAILED;

  switch (poll.kind()) {
    case v1::POLL_KIND_YES_NO_ABSTAIN: {
      int yes = -1;
      for (int i = 0; i < poll.options_size(); ++i) {
        const std::string& id = poll.options(i).id();
        if (id == kYesOption) {
          yes = i;
          facts.yes = votes(i);
        } else if (id == kNoOption) {
          facts.no = votes(i);
        } else if (poll.options(i).abstention()) {
          facts.abstaining += votes(i);
        }
      }
      if (yes < 0) break;
      bool passed = meets(yes);
      if (!passed && on_threshold(yes)) {
        result.set_tie_decided(true);
        facts.yes_no_tie = TieNote::kFails;
        if (poll.rule().tie() == v1::TIE_RULE_CHAIR_DECIDES) {
          const std::optional<Choices>& chair = input.chair_ballot;
          const bool chair_yes = chair && *chair == Choices{kYesOption};
          const bool chair_no = chair && *chair == Choices{kNoOption};
          passed = chair_yes;
          facts.yes_no_tie = chair_yes  ? TieNote::kChairYes
                             : chair_no ? TieNote::kChairNo
                                        : TieNote::kChairNone;
        }
      }
      if (passed) {
        chosen.push_back(yes);
        outcome = v1::POLL_OUTCOME_PASSED;
      }
      break;
    }
    case v1::POLL_KIND_SINGLE_CHOICE: {
      if (ranked.empty()) break;
      const int top = ranked[0];
      std::vector<int> tops;
      for (int i : ranked) {
        if (votes(i) == votes(top)) tops.push_back(i);
      }
      if (tops.size() > 1 && votes(top) > 0 && (meets(top) || on_threshold(top))) {
        facts.tied = tops;
        facts.tied_votes = votes(top);
        result.set_tie_decided(true);
      } else if (meets(top)) {
        chosen.push_back(top);
        outcome = v1::POLL_OUTCOME_PASSED;
      } else if (on_threshold(top)) {
        facts.on_threshold.push_back(top);
        result.set_tie_decided(true);
      }
      break;
    }
    case v1::POLL_KIND_MULTIPLE_CHOICE: {
      for (int i : ranked) {
        if (meets(i)) {
          chosen.push_back(i);
        } else if (on_threshold(i)) {
          facts.on_threshold.push_back(i);
          result.set_tie_decided(true);
        }
      }
      if (!chosen.empty()) outcome = v1::POLL_OUTCOME_PASSED;
      break;
    }
    case v1::POLL_KIND_ELECTION: {
      const size_t seats = static_cast<size_t>(std::max(0, poll.seats()));
      std::vector<int> qualified;
      for (int i : ranked) {
        if (meets(i)) qualified.push_back(i);
      }
      if (qualified.size() > seats && seats > 0 &&
          votes(qualified[seats - 1]) == votes(qualified[seats])) {
        // A tie for the last seat: those above the tie are elected, the
        // tied ones listed, and the seat stays open.
        const int64_t tied_votes = votes(qualified[seats - 1]);
        for (int i : qualified) {
          (votes(i) > tied_votes ? chosen : facts.tied).push_back(i);
        }
        facts.tied_votes = tied_votes;
        result.set_tie_decided(true);
      } else {
        qualified.resize(std::min(qualified.size(), seats));
        chosen = qualified;
      }
      if (chosen.size() < seats) {
        for (int i : ranked) {
          if (on_threshold(i)) {
            facts.on_threshold.push_back(i);
            result.set_tie_decided(true);
          }
        }
      }
      outcome = chosen.size() == seats && seats > 0 ? v1::POLL_OUTCOME_PASSED
                : chosen.empty()                    ? v1::POLL_OUTCOME_FAILED
                                                    : v1::POLL_OUTCOME_PARTIAL;
      break;
    }
    default: break;
  }

  result.set_outcome(outcome);
  for (int i : chosen) result.add_chosen_option_ids(poll.options(i).id());
  for (int i : facts.tied) result.add_tied_option_ids(poll.options(i).id());
  for (const Catalogue* catalogue : {&kVietnamese, &kEnglish}) {
    v1::LocalizedText& text = *result.add_explanation();
    text.set_language(std::string(catalogue->language));
    text.set_text(Explain(*catalogue, facts));
  }
  return result;
}

std::string DescribeMajorityBase(v1::MajorityBase base, absl::string_view language) {
  return std::string(BaseName(language == "en" ? kEnglish : kVietnamese, base));
}

}  // namespace hopso::server
