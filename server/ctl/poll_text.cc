#include "server/ctl/poll_text.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "server/ctl/exit_status.h"
#include "server/domain/fraction.h"
#include "server/domain/polls.h"

namespace hopso::ctl {
namespace {

struct BaseName {
  v1::MajorityBase base;
  absl::string_view flag;  // as --rule spells it
};

constexpr BaseName kBases[] = {
    {v1::MAJORITY_BASE_VOTES_CAST, "votes-cast"},
    {v1::MAJORITY_BASE_VOTES_CAST_EXCLUDING_ABSTENTIONS, "votes-cast-excluding-abstentions"},
    {v1::MAJORITY_BASE_PRESENT, "present"},
    {v1::MAJORITY_BASE_ALL_MEMBERS, "all-members"},
};

struct KindName {
  v1::PollKind kind;
  absl::string_view flag;
  absl::string_view label;
};

constexpr KindName kKinds[] = {
    {v1::POLL_KIND_YES_NO_ABSTAIN, "yesno", "biểu quyết tán thành (yes/no)"},
    {v1::POLL_KIND_SINGLE_CHOICE, "single", "chọn một phương án (single choice)"},
    {v1::POLL_KIND_MULTIPLE_CHOICE, "multiple", "chọn nhiều phương án (multiple choice)"},
    {v1::POLL_KIND_ELECTION, "election", "bầu cử (election)"},
};

std::string Labels(const v1::Poll& poll,
                   const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::vector<std::string> labels;
  for (const std::string& id : ids) labels.push_back(OptionLabel(poll, id));
  return absl::StrJoin(labels, "; ");
}

size_t Letters(absl::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

size_t LabelWidth(const v1::Poll& poll) {
  size_t width = 0;
  for (const v1::PollOption& option : poll.options()) {
    width = std::max(width, Letters(option.label()));
  }
  return width + 2;
}

// "  Đồng ý          9" for each option.
std::string CountLines(const v1::Poll& poll,
                       const google::protobuf::RepeatedPtrField<v1::OptionCount>& counts) {
  const size_t width = LabelWidth(poll);
  std::string out;
  for (const v1::OptionCount& count : counts) {
    absl::StrAppend(&out, "  ", PadRight(OptionLabel(poll, count.option_id()), width),
                    count.votes(), "\n");
  }
  return out;
}

absl::Status Mismatch(absl::string_view what) {
  return WithExitCode(
      absl::DataLossError(absl::StrCat("kiểm phiếu lại không khớp / the recount does not match "
                                       "the published result: ",
                                       what)),
      kExitAuditFailed);
}

std::string Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return absl::StrCat("[", absl::StrJoin(ids, ","), "]");
}

}  // namespace

absl::StatusOr<v1::Fraction> ParseFraction(absl::string_view text, bool bare_strict) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  bool strict = bare_strict;
  for (auto [prefix, is_strict] : {std::pair<absl::string_view, bool>{"more than ", true},
                                   {"hơn ", true},
                                   {"at least ", false},
                                   {"ít nhất ", false}}) {
    if (absl::ConsumePrefix(&rest, prefix)) {
      strict = is_strict;
      break;
    }
  }
  const size_t slash = rest.find('/');
  int32_t p = 0;
  int32_t q = 0;
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(rest.substr(0, slash)), &p) ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(rest.substr(slash + 1)), &q)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the fraction \"", text,
                     "\": use \"more than 1/2\", \"at least 2/3\" or \"P/Q\" (hơn / ít nhất)"));
  }
  v1::Fraction fraction = server::MakeFraction(p, q, strict);
  if (absl::Status valid = server::ValidateFraction("fraction", fraction); !valid.ok()) {
    return valid;
  }
  return fraction;
}

absl::StatusOr<v1::MajorityRule> ParseMajorityRule(absl::string_view text) {
  v1::MajorityRule rule;
  absl::string_view fraction = text;
  std::string base = "votes-cast";
  if (size_t of = text.rfind(" of "); of != absl::string_view::npos) {
    fraction = text.substr(0, of);
    base =
        absl::StrReplaceAll(absl::AsciiStrToLower(absl::StripAsciiWhitespace(text.substr(of + 4))),
                            {{" ", "-"}, {"_", "-"}});
  }
  auto parsed = ParseFraction(fraction, /*bare_strict=*/false);
  if (!parsed.ok()) return parsed.status();
  *rule.mutable_fraction() = *parsed;
  for (const BaseName& name : kBases) {
    if (name.flag == base) rule.set_base(name.base);
  }
  if (rule.base() == v1::MAJORITY_BASE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown majority base \"", base,
                     "\": use votes-cast, votes-cast-excluding-abstentions, present or "
                     "all-members, as in \"more than 1/2 of votes-cast\""));
  }
  return rule;
}

absl::StatusOr<v1::TieRule> ParseTieRule(absl::string_view text) {
  if (text == "fails") return v1::TIE_RULE_FAILS;
  if (text == "chair") return v1::TIE_RULE_CHAIR_DECIDES;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown tie rule \"", text, "\": use fails or chair"));
}

absl::StatusOr<v1::PollKind> ParsePollKind(absl::string_view text) {
  for (const KindName& kind : kKinds) {
    if (kind.flag == text) return kind.kind;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown poll kind \"", text, "\": use yesno, single, multiple or election"));
}

std::string PollKindLabel(v1::PollKind kind) {
  for (const KindName& name : kKinds) {
    if (name.kind == kind) return std::string(name.label);
  }
  return "?";
}

std::string SecrecyLabel(v1::PollSecrecy secrecy) {
  switch (secrecy) {
    case v1::POLL_SECRECY_NAMED: return "công khai (named)";
    case v1::POLL_SECRECY_SECRET: return "bỏ phiếu kín (secret)";
    default: return "?";
  }
}

std::string PollStateLabel(v1::PollState state) {
  switch (state) {
    case v1::POLL_STATE_DRAFT: return "nháp (draft)";
    case v1::POLL_STATE_OPEN: return "đang mở (open)";
    case v1::POLL_STATE_CLOSED: return "đã đóng (closed)";
    default: return "?";
  }
}

std::string OutcomeLabel(v1::PollOutcome outcome) {
  switch (outcome) {
    case v1::POLL_OUTCOME_PASSED: return "THÔNG QUA (passed)";
    case v1::POLL_OUTCOME_FAILED: return "KHÔNG THÔNG QUA (failed)";
    case v1::POLL_OUTCOME_PARTIAL: return "MỘT PHẦN (partial)";
    default: return "?";
  }
}

std::string RuleText(const v1::MajorityRule& rule, absl::string_view language) {
  const bool vi = language == "vi";
  std::string text = absl::StrCat(server::DescribeFraction(rule.fraction(), language), " ",
                                  server::DescribeMajorityBase(rule.base(), language));
  if (rule.tie() == v1::TIE_RULE_CHAIR_DECIDES) {
    absl::StrAppend(&text, vi ? ", hòa thì theo ý kiến chủ tọa" : ", a tie goes the chair's way");
  }
  return text;
}

std::string PollLine(const v1::Poll& poll) {
  absl::string_view kind = "?";
  for (const KindName& name : kKinds) {
    if (name.kind == poll.kind()) kind = name.flag;
  }
  return absl::StrCat(poll.id(), "\t", PollStateLabel(poll.state()), "\t", kind, "\t",
                      poll.secrecy() == v1::POLL_SECRECY_SECRET ? "secret" : "named", "\t",
                      poll.voted(), "/", poll.eligible(), "\t", poll.title());
}

std::string PollText(const v1::Poll& poll) {
  std::string out = absl::StrCat("Biểu quyết / poll:  ", poll.title(), " (", poll.id(), ")\n",
                                 "Mục / agenda item:  ", poll.agenda_item_id(), "\n",
                                 "Hình thức / kind:   ", PollKindLabel(poll.kind()), ", ",
                                 SecrecyLabel(poll.secrecy()), "\n",
                                 "Quy tắc / rule:     ", RuleText(poll.rule(), "vi"), " / ",
                                 RuleText(poll.rule(), "en"), "\n");
  if (poll.kind() == v1::POLL_KIND_ELECTION) {
    absl::StrAppend(&out, "Số ghế / seats:     ", poll.seats(), "\n");
  } else if (poll.kind() == v1::POLL_KIND_MULTIPLE_CHOICE) {
    absl::StrAppend(&out, "Chọn / choose:      ", poll.min_choices(), "-", poll.max_choices(),
                    "\n");
  }
  absl::StrAppend(&out, "Phương án / options:\n");
  for (const v1::PollOption& option : poll.options()) {
    absl::StrAppend(&out, "  ", PadRight(option.id(), 9), option.label(), "\n");
  }
  absl::StrAppend(&out, "Trạng thái / state: ", PollStateLabel(poll.state()));
  if (poll.state() != v1::POLL_STATE_DRAFT) {
    absl::StrAppend(&out, ", ", poll.voted(), "/", poll.eligible(), " đã bỏ phiếu / voted");
  }
  absl::StrAppend(&out, poll.allow_change() ? ", được sửa phiếu / ballots may change" : "", "\n");
  if (poll.state() == v1::POLL_STATE_CLOSED) {
    absl::StrAppend(&out, ResultText(poll));
  } else if (!poll.counts().empty()) {
    absl::StrAppend(&out, "Số phiếu đến giờ / votes so far:\n", CountLines(poll, poll.counts()));
  }
  return out;
}

std::string ResultText(const v1::Poll& poll) {
  const v1::PollResult& result = poll.result();
  std::string out = absl::StrCat("Kết quả / result: ", OutcomeLabel(result.outcome()), "\n",
                                 CountLines(poll, result.counts()));
  absl::StrAppend(&out, "  ", result.ballots(), " phiếu / ballots (", result.abstentions(),
                  " không biểu quyết / abstaining), ", result.eligible(),
                  " quyền biểu quyết / voting rights, ", result.members(),
                  " thành viên / members; cần / required ", result.required(), " của / of ",
                  result.base(), "\n");
  if (poll.kind() != v1::POLL_KIND_YES_NO_ABSTAIN && !result.chosen_option_ids().empty()) {
    absl::StrAppend(
        &out, "  ",
        poll.kind() == v1::POLL_KIND_ELECTION ? "trúng cử / elected: " : "được chọn / chosen: ",
        Labels(poll, result.chosen_option_ids()), "\n");
  }
  if (!result.tied_option_ids().empty()) {
    absl::StrAppend(&out, "  hòa phiếu / tied: ", Labels(poll, result.tied_option_ids()), "\n");
  }
  // Vietnamese first, then English, then anything else.
  for (absl::string_view language : {"vi", "en"}) {
    for (const v1::LocalizedText& text : result.explanation()) {
      if (text.language() == language) absl::StrAppend(&out, "  ", text.text(), "\n");
    }
  }
  for (const v1::LocalizedText& text : result.explanation()) {
    if (text.language() != "vi" && text.language() != "en") {
      absl::StrAppend(&out, "  ", text.text(), "\n");
    }
  }
  return out;
}

absl::StatusOr<std::string> RecountBallots(const v1::BallotList& list,
                                           absl::string_view chair_user_id,
                                           absl::string_view receipt) {
  const v1::Poll& poll = list.poll();
  const v1::PollResult& published = poll.result();
  const bool secret = poll.secrecy() == v1::POLL_SECRECY_SECRET;
  if (poll.state() != v1::POLL_STATE_CLOSED) {
    return absl::FailedPreconditionError("the poll is not closed: nothing is published yet");
  }
  server::TallyInput input;
  input.eligible = published.eligible();
  input.members = published.members();
  absl::flat_hash_set<std::string> receipts;
  absl::flat_hash_map<std::string, int64_t> counts;
  int64_t abstentions = 0;
  for (int i = 0; i < list.ballots_size(); ++i) {
    const v1::PublishedBallot& ballot = list.ballots(i);
    const std::string which =
        absl::StrCat("ballot ", i + 1, " (", secret ? ballot.receipt() : ballot.voter_name(), ")");
    if (secret && (ballot.receipt().empty() || !ballot.voter_user_id().empty())) {
      return Mismatch(absl::StrCat(which, " of a secret poll should have a receipt and no voter"));
    }
    if (!secret && ballot.voter_user_id().empty()) {
      return Mismatch(absl::StrCat(which, " of a named poll has no voter"));
    }
    if (secret && !receipts.insert(ballot.receipt()).second) {
      return Mismatch(absl::StrCat("the receipt ", ballot.receipt(), " is published twice"));
    }
    const std::vector<std::string> ids(ballot.option_ids().begin(), ballot.option_ids().end());
    absl::StatusOr<server::Choices> choices = server::NormalizeChoices(poll, ids);
    if (!choices.ok()) {
      return Mismatch(absl::StrCat(which, " is not valid: ", choices.status().message()));
    }
    for (const std::string& id : *choices) ++counts[id];
    if (server::IsAbstention(poll, *choices)) ++abstentions;
    const bool chairs_own = ballot.on_behalf_of_user_id().empty() ||
                            ballot.on_behalf_of_user_id() == ballot.voter_user_id();
    if (!secret && !chair_user_id.empty() && ballot.voter_user_id() == chair_user_id &&
        chairs_own) {
      input.chair_ballot = *choices;
    }
    input.ballots.push_back(*std::move(choices));
  }
  const int64_t ballots = list.ballots_size();
  if (ballots != list.voter_names_size()) {
    return Mismatch(absl::StrCat(ballots, " ballots are published but ", list.voter_names_size(),
                                 " voters are named"));
  }
  if (ballots != poll.voted() || ballots != published.ballots()) {
    return Mismatch(absl::StrCat(ballots, " ballots are published, the poll says ", poll.voted(),
                                 " voted and the result counts ", published.ballots()));
  }
  if (abstentions != published.abstentions()) {
    return Mismatch(absl::StrCat(abstentions, " abstentions recounted, ", published.abstentions(),
                                 " published"));
  }
  if (published.counts_size() != poll.options_size()) {
    return Mismatch(absl::StrCat("the result counts ", published.counts_size(),
                                 " options, the poll has ", poll.options_size()));
  }
  std::string out =
      absl::StrCat("Kiểm phiếu lại / recount of \"", poll.title(), "\" (", poll.id(), ") from ",
                   ballots, " phiếu công bố / published ballots, ", list.voter_names_size(),
                   " người đã bỏ phiếu / voters named: OK\n");
  const size_t width = LabelWidth(poll);
  for (int i = 0; i < poll.options_size(); ++i) {
    const v1::PollOption& option = poll.options(i);
    const v1::OptionCount& count = published.counts(i);
    const int64_t recounted = counts[option.id()];
    if (count.option_id() != option.id() || count.votes() != recounted) {
      return Mismatch(absl::StrCat("\"", option.label(), "\": ", recounted,
                                   " votes recounted, the result says ", count.votes(),
                                   " for option ", count.option_id()));
    }
    absl::StrAppend(&out, "  ", PadRight(option.label(), width), recounted,
                    " = công bố / published ", count.votes(), ": OK\n");
  }
  const v1::PollResult again = server::ComputeResult(poll, input);
  if (again.outcome() != published.outcome() || again.base() != published.base() ||
      again.required() != published.required() ||
      Ids(again.chosen_option_ids()) != Ids(published.chosen_option_ids()) ||
      Ids(again.tied_option_ids()) != Ids(published.tied_option_ids()) ||
      again.tie_decided() != published.tie_decided()) {
    return Mismatch(absl::StrCat(
        "recomputed: ", OutcomeLabel(again.outcome()), ", base ", again.base(), ", required ",
        again.required(), ", chosen ", Ids(again.chosen_option_ids()), ", tied ",
        Ids(again.tied_option_ids()), "; published: ", OutcomeLabel(published.outcome()), ", base ",
        published.base(), ", required ", published.required(), ", chosen ",
        Ids(published.chosen_option_ids()), ", tied ", Ids(published.tied_option_ids())));
  }
  absl::StrAppend(&out, "  Kết quả tính lại / recomputed outcome: ", OutcomeLabel(again.outcome()),
                  ", cần / required ", again.required(), " của / of ", again.base(),
                  " = công bố / published: OK\n");
  if (!receipt.empty()) {
    if (!receipts.contains(receipt)) {
      return WithExitCode(
          absl::NotFoundError(absl::StrCat("biên nhận / receipt ", receipt,
                                           " is not in the published ballots of poll ", poll.id())),
          kExitAuditFailed);
    }
    absl::StrAppend(&out, "  Biên nhận / receipt ", receipt,
                    " có trong danh sách công bố / is in the published list: OK\n");
  }
  return out;
}

std::string OptionLabel(const v1::Poll& poll, absl::string_view id) {
  for (const v1::PollOption& option : poll.options()) {
    if (option.id() == id) return option.label();
  }
  return std::string(id);
}

std::string PadRight(absl::string_view text, size_t width) {
  std::string out(text);
  for (size_t n = Letters(text); n < width; ++n) out += ' ';
  return out;
}

}  // namespace hopso::ctl
