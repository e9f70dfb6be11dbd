// hopsoctl's subcommands as data: a table of commands, the parsing of a
// command line against it, and the help texts generated from it.
#ifndef HOPSO_SERVER_CTL_COMMAND_H_
#define HOPSO_SERVER_CTL_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hopso::ctl {

// Command
//
// One subcommand. `required` and `optional` name its flags (without "--");
// commands that talk to hopsod (`connects`) also take the connection flags
// (kConnectionFlags). `arguments` name some of its flags that the words after
// the command's name may also set, in order, as in `hopsoctl resolve
// HOPSO:...` or `hopsoctl attendance mark MEETING USER present`; when the last
// is a RepeatedFlag it takes every remaining word.
// Example:
//   {.name = "org create", .summary = "create an organisation",
//    .required = {"name"}, .run = CreateOrg}
struct Command {
  std::string name;
  std::string summary;
  std::vector<std::string> required = {};
  std::vector<std::string> optional = {};
  bool connects = true;
  std::function<absl::Status()> run = nullptr;
  std::vector<std::string> arguments = {};
};

// Flags every connecting command takes.
extern const std::vector<std::string> kConnectionFlags;

// The command groups, each defined beside its handlers.
std::vector<Command> AuthCommands();
std::vector<Command> DirectoryCommands();
std::vector<Command> MeetingCommands();
std::vector<Command> DocumentCommands();
std::vector<Command> StoreCommands();
std::vector<Command> DemoCommands();
std::vector<Command> AttendanceCommands();
std::vector<Command> PollCommands();
std::vector<Command> SpeakerCommands();
std::vector<Command> SigningCommands();

// Invocation
//
// What a command line asks for: a command to run, or help (about `command`
// when set, else about the commands whose names start with `topic`).
struct Invocation {
  const Command* command = nullptr;
  bool help = false;
  std::string topic;
};

// ParseCommandLine
//
// Finds the command named by the words in `args` (argv without the program
// name), the longest name that the first words spell whose `arguments` take
// the words left over, and sets the absl flags given, as --flag=value, --flag
// value, --bool_flag or --nobool_flag (dashes in a name read as
// underscores), before or after the words (a
// RepeatedFlag given several times keeps every value, in order). `help`,
// `--help` and `-h` ask for help. A UsageError for an unknown command or
// flag, a flag the command does not take, a value that does not parse, or a
// missing required flag.
absl::StatusOr<Invocation> ParseCommandLine(const std::vector<std::string>& args,
                                            const std::vector<Command>& commands);

// HelpText
//
// Usage for `invocation`: the command's synopsis and flags (and the commands
// whose names continue its name), or the list of commands under its topic
// (all of them for an empty topic).
std::string HelpText(const Invocation& invocation, const std::vector<Command>& commands);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_COMMAND_H_
