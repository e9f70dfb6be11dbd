#include "server/ctl/command.h"

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gtest/gtest.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"

namespace hopso::ctl {
namespace {

std::vector<Command> TestCommands() {
  return {
      {.name = "agenda add",
       .summary = "add an item",
       .required = {"meeting", "title"},
       .optional = {"minutes", "index"},
       .run = [] { return absl::OkStatus(); }},
      {.name = "agenda show", .summary = "show", .required = {"meeting"}},
      {.name = "init", .summary = "offline", .required = {"data_dir"}, .connects = false},
      {.name = "resolve", .summary = "resolve", .required = {"payload"}, .arguments = {"payload"}},
      {.name = "attendance",
       .summary = "show attendance",
       .required = {"meeting"},
       .arguments = {"meeting"}},
      {.name = "attendance mark",
       .summary = "mark",
       .required = {"meeting", "user", "status"},
       .optional = {"reason", "late"},
       .arguments = {"meeting", "user", "status"}},
      {.name = "poll create",
       .summary = "create",
       .required = {"meeting", "title"},
       .optional = {"option"},
       .arguments = {"meeting"}},
      {.name = "poll vote",
       .summary = "vote",
       .required = {"meeting", "poll", "option"},
       .optional = {"for"},
       .arguments = {"meeting", "poll", "option"}},
  };
}

class ParseCommandLineTest : public testing::Test {
 protected:
  const std::vector<Command> commands_ = TestCommands();
  absl::FlagSaver saver_;  // each test starts from the default flag values
};

TEST_F(ParseCommandLineTest, FindsCommandAndSetsFlagsInAnyPosition) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(
      {"--server", "10.0.0.1:7443", "agenda", "--meeting=m1", "add", "--title", "Khai mạc",
       "--minutes", "15", "--index=-1", "--insecure"},
      commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  ASSERT_NE(inv->command, nullptr);
  EXPECT_EQ(inv->command->name, "agenda add");
  EXPECT_FALSE(inv->help);
  EXPECT_EQ(absl::GetFlag(FLAGS_server), "10.0.0.1:7443");
  EXPECT_EQ(absl::GetFlag(FLAGS_meeting), "m1");
  EXPECT_EQ(absl::GetFlag(FLAGS_title), "Khai mạc");
  EXPECT_EQ(absl::GetFlag(FLAGS_minutes), 15);
  EXPECT_EQ(absl::GetFlag(FLAGS_index), -1);
  EXPECT_TRUE(absl::GetFlag(FLAGS_insecure));
}

TEST_F(ParseCommandLineTest, NegativeValueAfterFlagIsItsValue) {
  absl::StatusOr<Invocation> inv =
      ParseCommandLine({"agenda", "add", "--meeting", "m", "--title", "t", "--index", "-1"},
                       commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_index), -1);
}

TEST_F(ParseCommandLineTest, DashesInFlagNamesAreUnderscores) {
  const std::vector<Command> commands = {{.name = "init",
                                         .summary = "offline",
                                         .required = {"data_dir"},
                                         .optional = {"admin_username"},
                                         .connects = false}};
  absl::StatusOr<Invocation> inv =
      ParseCommandLine({"init", "--data-dir", "var", "--admin-username=quan.tri"}, commands);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_data_dir), "var");
  EXPECT_EQ(absl::GetFlag(FLAGS_admin_username), "quan.tri");
}

TEST_F(ParseCommandLineTest, NoPrefixTurnsBoolFlagOff) {
  absl::SetFlag(&FLAGS_insecure, true);
  ASSERT_TRUE(ParseCommandLine({"agenda", "show", "--meeting=m", "--noinsecure"}, commands_).ok());
  EXPECT_FALSE(absl::GetFlag(FLAGS_insecure));
}

TEST_F(ParseCommandLineTest, HelpForms) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"help", "agenda", "add"}, {"agenda", "add", "--help"}, {"agenda", "add", "-h"}}) {
    SCOPED_TRACE(args.back());
    absl::StatusOr<Invocation> inv = ParseCommandLine(args, commands_);
    ASSERT_TRUE(inv.ok()) << inv.status();
    EXPECT_TRUE(inv->help);
    ASSERT_NE(inv->command, nullptr);
    EXPECT_EQ(inv->command->name, "agenda add");
    // Help is given even though the required flags are missing.
    const std::string text = HelpText(*inv, commands_);
    EXPECT_NE(text.find("--title=VALUE"), std::string::npos) << text;
  }
}

TEST_F(ParseCommandLineTest, GroupHelpListsItsCommands) {
  absl::StatusOr<Invocation> inv = ParseCommandLine({"agenda", "--help"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, nullptr);
  const std::string text = HelpText(*inv, commands_);
  EXPECT_NE(text.find("agenda add"), std::string::npos);
  EXPECT_NE(text.find("agenda show"), std::string::npos);
  EXPECT_EQ(text.find("init"), std::string::npos);
}

TEST_F(ParseCommandLineTest, UsageErrors) {
  const struct {
    std::vector<std::string> args;
    std::string message;
  } kCases[] = {
      {{}, "no command given"},
      {{"agenda"}, "\"agenda\" needs a subcommand"},
      {{"agenda", "fly"}, "unknown command \"agenda fly\""},
      {{"agenda", "show", "--meeting=m", "--colour=red"}, "unknown flag --colour"},
      {{"agenda", "show", "--meeting=m", "--title=x"}, "\"agenda show\" does not take --title"},
      {{"agenda", "add", "--meeting=m"}, "\"agenda add\" needs --title"},
      {{"agenda", "add", "--meeting=m", "--title=t", "--minutes=lots"}, "--minutes: "},
      {{"agenda", "show", "--meeting"}, "--meeting needs a value"},
      {{"init", "--data_dir=d", "--server=x:1"}, "\"init\" does not take --server"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.message);
    absl::StatusOr<Invocation> inv = ParseCommandLine(c.args, commands_);
    ASSERT_FALSE(inv.ok());
    EXPECT_EQ(ExitCode(inv.status()), kExitUsage);
    EXPECT_NE(inv.status().message().find(c.message), absl::string_view::npos)
        << inv.status().message();
  }
}

TEST_F(ParseCommandLineTest, WordAfterNameSetsTheArgumentFlag) {
  absl::StatusOr<Invocation> inv =
      ParseCommandLine({"resolve", "HOPSO:k3xq7m2pa9dt.3fa2c1d0", "--insecure"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  ASSERT_NE(inv->command, nullptr);
  EXPECT_EQ(inv->command->name, "resolve");
  EXPECT_EQ(absl::GetFlag(FLAGS_payload), "HOPSO:k3xq7m2pa9dt.3fa2c1d0");

  inv = ParseCommandLine({"resolve", "--payload=k3xq7m2pa9dt"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_payload), "k3xq7m2pa9dt");

  inv = ParseCommandLine({"resolve", "--help"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_NE(HelpText(*inv, commands_).find("usage: hopsoctl resolve PAYLOAD"), std::string::npos);

  // Commands without an argument still take no extra words.
  inv = ParseCommandLine({"agenda", "show", "m1"}, commands_);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("unknown command \"agenda show m1\""),
            absl::string_view::npos);
  inv = ParseCommandLine({"resolve"}, commands_);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("\"resolve\" needs --payload"), absl::string_view::npos);
}

TEST_F(ParseCommandLineTest, WordsSetTheArgumentsInOrder) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(
      {"attendance", "mark", "m1", "--reason", "Đi công tác", "u7", "absent"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command->name, "attendance mark");
  EXPECT_EQ(absl::GetFlag(FLAGS_meeting), "m1");
  EXPECT_EQ(absl::GetFlag(FLAGS_user), "u7");
  EXPECT_EQ(absl::GetFlag(FLAGS_status), "absent");
  EXPECT_EQ(absl::GetFlag(FLAGS_reason), "Đi công tác");

  // The shorter name with its one argument; "mark" alone is not a meeting.
  inv = ParseCommandLine({"attendance", "m2"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command->name, "attendance");
  EXPECT_EQ(absl::GetFlag(FLAGS_meeting), "m2");
  inv = ParseCommandLine({"attendance", "mark", "m1", "u7"}, commands_);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("\"attendance mark\" needs --status"),
            absl::string_view::npos)
      << inv.status().message();
  inv = ParseCommandLine({"attendance", "mark", "m1", "u7", "absent", "extra"}, commands_);
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(ExitCode(inv.status()), kExitUsage);

  inv = ParseCommandLine({"attendance", "mark", "--help"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_NE(HelpText(*inv, commands_).find("usage: hopsoctl attendance mark MEETING USER STATUS"),
            std::string::npos)
      << HelpText(*inv, commands_);
  inv = ParseCommandLine({"help", "attendance"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_NE(HelpText(*inv, commands_).find("see also:\n  attendance mark\n"), std::string::npos)
      << HelpText(*inv, commands_);
}

TEST_F(ParseCommandLineTest, RepeatedFlagKeepsEveryValueWhole) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(
      {"poll", "create", "m1", "--title", "Bầu Trưởng ban", "--option", "Sở Văn hóa, Thể thao",
       "--option=Sở Y tế"},
      commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_option).values,
            (std::vector<std::string>{"Sở Văn hóa, Thể thao", "Sở Y tế"}));

  // The last argument, repeated, takes every word left.
  inv = ParseCommandLine({"poll", "vote", "m1", "p1", "1", "3", "--for", "u2"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command->name, "poll vote");
  EXPECT_EQ(absl::GetFlag(FLAGS_poll), "p1");
  EXPECT_EQ(absl::GetFlag(FLAGS_option).values, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(absl::GetFlag(FLAGS_for), "u2");
  inv = ParseCommandLine({"poll", "vote", "--help"}, commands_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_NE(HelpText(*inv, commands_).find("usage: hopsoctl poll vote MEETING POLL OPTION..."),
            std::string::npos);
  inv = ParseCommandLine({"poll", "vote", "m1", "p1"}, commands_);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("needs --option"), absl::string_view::npos);
}

TEST_F(ParseCommandLineTest, DoubleDashEndsFlags) {
  absl::StatusOr<Invocation> inv = ParseCommandLine({"--", "agenda", "--help"}, commands_);
  ASSERT_FALSE(inv.ok());
  EXPECT_NE(inv.status().message().find("unknown command \"agenda --help\""),
            absl::string_view::npos);
}

TEST(ExitStatusTest, CodesAndErrorLine) {
  EXPECT_EQ(ExitCode(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCode(absl::PermissionDeniedError("no")), kExitFailure);
  EXPECT_EQ(ExitCode(UsageError("bad")), kExitUsage);
  EXPECT_EQ(ExitCode(WithExitCode(absl::DataLossError("x"), kExitAuditFailed)), kExitAuditFailed);
  EXPECT_EQ(ErrorLine(absl::PermissionDeniedError("not yours")),
            "hopsoctl: PERMISSION_DENIED: not yours");
  EXPECT_EQ(ErrorLine(UsageError("missing --id")), "hopsoctl: missing --id");
}

}  // namespace
}  // namespace hopso::ctl
