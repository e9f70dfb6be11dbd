// hopsoctl: the admin CLI. Every command is in one of the *_commands.cc
// tables; this file only dispatches and turns the result into an exit code.
#include <iostream>
#include <string>
#include <vector>

#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"

int main(int argc, char** argv) {
  using namespace hopso::ctl;
  std::vector<Command> commands;
  for (auto group : {AuthCommands, DirectoryCommands, MeetingCommands, DocumentCommands,
                     StoreCommands, AttendanceCommands, PollCommands, SpeakerCommands, SigningCommands,
                     DemoCommands}) {
    for (Command& command : group()) commands.push_back(std::move(command));
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<Invocation> invocation = ParseCommandLine(args, commands);
  if (!invocation.ok()) {
    std::cerr << ErrorLine(invocation.status()) << "\nrun \"hopsoctl help\" for usage\n";
    return ExitCode(invocation.status());
  }
  if (invocation->help) {
    std::cout << HelpText(*invocation, commands);
    return 0;
  }
  const absl::Status status = invocation->command->run();
  if (!status.ok()) {
    std::cerr << ErrorLine(status) << "\n";
    if (ExitCode(status) == kExitUsage) {
      std::cerr << "run \"hopsoctl " << invocation->command->name << " --help\" for usage\n";
    }
  }
  return ExitCode(status);
}
