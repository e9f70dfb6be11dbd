#include "server/ctl/command.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"

namespace hopso::ctl {

const std::vector<std::string> kConnectionFlags = {"server", "ca_file", "insecure", "token",
                                                   "data_dir"};

namespace {

bool Contains(const std::vector<std::string>& names, absl::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool Accepts(const Command& command, absl::string_view flag) {
  return Contains(command.required, flag) || Contains(command.optional, flag) ||
         (command.connects && Contains(kConnectionFlags, flag));
}

struct FlagArg {
  absl::CommandLineFlag* flag;
  std::string value;
};

// Reads the flag at args[*i], taking the next argument as its value when a
// non-bool flag has no "=value".
absl::StatusOr<FlagArg> ReadFlag(const std::vector<std::string>& args, size_t* i) {
  absl::string_view arg = args[*i];
  arg.remove_prefix(absl::StartsWith(arg, "--") ? 2 : 1);
  std::string name(arg);
  std::optional<std::string> value;
  if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
    name = std::string(arg.substr(0, eq));
    value = std::string(arg.substr(eq + 1));
  }
  // Flag names are snake_case; --allow-change is read as --allow_change.
  std::replace(name.begin(), name.end(), '-', '_');
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag == nullptr && !value && absl::StartsWith(name, "no")) {
    flag = absl::FindCommandLineFlag(name.substr(2));
    if (flag != nullptr && flag->IsOfType<bool>()) return FlagArg{flag, "false"};
    flag = nullptr;
  }
  if (flag == nullptr) return UsageError(absl::StrCat("unknown flag --", name));
  if (!value) {
    if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (*i + 1 < args.size()) {
      value = args[++*i];
    } else {
      return UsageError(absl::StrCat("--", name, " needs a value"));
    }
  }
  return FlagArg{flag, *std::move(value)};
}

bool IsRepeated(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  return flag != nullptr && flag->IsOfType<RepeatedFlag>();
}

// Whether `count` words after the command's name fit its arguments.
bool TakesWords(const Command& command, size_t count) {
  return count <= command.arguments.size() ||
         (!command.arguments.empty() && IsRepeated(command.arguments.back()));
}

bool InTopic(const Command& command, absl::string_view topic) {
  return topic.empty() || command.name == topic || absl::StartsWith(command.name, absl::StrCat(topic, " "));
}

void AppendFlagLine(std::string* out, absl::string_view name, bool required) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  absl::StrAppend(out, "  --", name);
  if (flag == nullptr) {
    absl::StrAppend(out, "\n");
    return;
  }
  if (!flag->IsOfType<bool>()) absl::StrAppend(out, "=VALUE");
  absl::StrAppend(out, "\n      ", flag->Help());
  if (required) {
    absl::StrAppend(out, " (required)");
  } else if (!flag->DefaultValue().empty() && flag->DefaultValue() != "false") {
    absl::StrAppend(out, " (default: ", flag->DefaultValue(), ")");
  }
  absl::StrAppend(out, "\n");
}

}  // namespace

absl::StatusOr<Invocation> ParseCommandLine(const std::vector<std::string>& args,
                                            const std::vector<Command>& commands) {
  std::vector<std::string> words;
  std::vector<FlagArg> flags;
  bool help = false;
  bool only_words = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_words || arg.size() < 2 || arg[0] != '-') {
      words.push_back(arg);
    } else if (arg == "--") {
      only_words = true;
    } else if (arg == "--help" || arg == "-help" || arg == "-h") {
      help = true;
    } else {
      absl::StatusOr<FlagArg> flag = ReadFlag(args, &i);
      if (!flag.ok()) return flag.status();
      flags.push_back(*std::move(flag));
    }
  }
  if (!words.empty() && words.front() == "help") {
    help = true;
    words.erase(words.begin());
  }
  const std::string name = absl::StrJoin(words, " ");
  Invocation invocation{.help = help, .topic = name};
  size_t name_words = 0;
  for (const Command& command : commands) {
    const std::vector<std::string> spelled = absl::StrSplit(command.name, ' ');
    if (spelled.size() > words.size() || spelled.size() <= name_words ||
        !std::equal(spelled.begin(), spelled.end(), words.begin())) {
      continue;
    }
    if (TakesWords(command, words.size() - spelled.size())) {
      invocation = {.command = &command, .help = help, .topic = command.name};
      name_words = spelled.size();
    }
  }
  if (invocation.command == nullptr) {
    const bool is_topic = std::any_of(commands.begin(), commands.end(),
                                      [&](const Command& c) { return InTopic(c, name); });
    if (!is_topic) return UsageError(absl::StrCat("unknown command \"", name, "\""));
    if (!help) {
      return UsageError(name.empty() ? "no command given"
                                     : absl::StrCat("\"", name, "\" needs a subcommand"));
    }
    return invocation;
  }
  const Command& command = *invocation.command;
  for (size_t i = name_words; i < words.size(); ++i) {
    const size_t n = std::min(i - name_words, command.arguments.size() - 1);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(command.arguments[n]);
    if (flag == nullptr) {
      return absl::InternalError(absl::StrCat("no flag --", command.arguments[n]));
    }
    flags.push_back({flag, words[i]});
  }
  if (help) return invocation;

  // A repeated flag's values, joined as its parser takes them.
  absl::flat_hash_map<std::string, std::string> repeated;
  std::vector<std::string> given;
  for (FlagArg& arg : flags) {
    const std::string flag_name(arg.flag->Name());
    if (!Accepts(command, flag_name)) {
      return UsageError(absl::StrCat("\"", command.name, "\" does not take --", flag_name));
    }
    std::string value = std::move(arg.value);
    if (arg.flag->IsOfType<RepeatedFlag>()) {
      auto [it, first] = repeated.try_emplace(flag_name, value);
      if (!first) value = absl::StrCat(it->second, "\n", value);
      it->second = value;
    }
    std::string error;
    if (!arg.flag->ParseFrom(value, &error)) {
      return UsageError(absl::StrCat("--", flag_name, ": ", error));
    }
    given.push_back(flag_name);
  }
  for (const std::string& flag_name : command.required) {
    if (!Contains(given, flag_name)) {
      return UsageError(absl::StrCat("\"", command.name, "\" needs --", flag_name));
    }
  }
  return invocation;
}

std::string HelpText(const Invocation& invocation, const std::vector<Command>& commands) {
  std::string out;
  if (const Command* command = invocation.command) {
    absl::StrAppend(&out, "usage: hopsoctl ", command->name);
    for (const std::string& flag : command->arguments) {
      const std::string word =
          absl::StrCat(absl::AsciiStrToUpper(flag), IsRepeated(flag) ? "..." : "");
      absl::StrAppend(&out, " ", Contains(command->required, flag) ? word
                                                                   : absl::StrCat("[", word, "]"));
    }
    for (const std::string& flag : command->required) {
      if (!Contains(command->arguments, flag)) absl::StrAppend(&out, " --", flag, "=...");
    }
    if (!command->optional.empty() || command->connects) absl::StrAppend(&out, " [flags]");
    absl::StrAppend(&out, "\n\n", command->summary, "\n");
    if (!command->required.empty() || !command->optional.empty()) {
      absl::StrAppend(&out, "\nflags:\n");
      for (const std::string& flag : command->required) AppendFlagLine(&out, flag, true);
      for (const std::string& flag : command->optional) AppendFlagLine(&out, flag, false);
    }
    if (command->connects) {
      absl::StrAppend(&out, "\nconnection flags:\n");
      for (const std::string& flag : kConnectionFlags) AppendFlagLine(&out, flag, false);
    }
    std::string more;
    for (const Command& other : commands) {
      if (&other != command && InTopic(other, command->name)) {
        absl::StrAppend(&more, "  ", other.name, "\n");
      }
    }
    if (!more.empty()) absl::StrAppend(&out, "\nsee also:\n", more);
    return out;
  }
  absl::StrAppend(&out, "usage: hopsoctl COMMAND [flags]   (hopsoctl COMMAND --help for its flags)\n",
                  "\ncommands:\n");
  for (const Command& command : commands) {
    if (!InTopic(command, invocation.topic)) continue;
    std::string padded = command.name;
    padded.resize(std::max<size_t>(padded.size() + 2, 22), ' ');
    absl::StrAppend(&out, "  ", padded, command.summary, "\n");
  }
  absl::StrAppend(&out, "\nconnection flags:\n");
  for (const std::string& flag : kConnectionFlags) AppendFlagLine(&out, flag, false);
  absl::StrAppend(&out,
                  "\nexit codes: 0 ok, 1 failure (gRPC status on stderr), 2 usage error, "
                  "3 audit found a broken chain or a recount found a difference\n");
  return out;
}

}  // namespace hopso::ctl
