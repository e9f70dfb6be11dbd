// login, logout, whoami, pair.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pdf/composer.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/files.h"
#include "server/ctl/flags.h"
#include "server/ctl/format.h"
#include "server/ctl/qr_image.h"
#include "server/ctl/users.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

absl::Status Login() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::LoginResponse response;
  ASSIGN_OR_RETURN(Client user, client.Login(absl::GetFlag(FLAGS_username),
                                             absl::GetFlag(FLAGS_password), &response));
  RETURN_IF_ERROR(SaveTokenFile(user.token()));
  std::cout << "logged in as " << response.user().username() << " (" << response.user().full_name()
            << ", " << UserRoleName(response.user().role()) << ") until "
            << FormatMeetingTime(response.expire_time().unix_micros()) << "\ntoken saved in "
            << TokenFilePath() << "\n";
  return absl::OkStatus();
}

absl::Status Logout() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  if (client.token().empty()) return absl::UnauthenticatedError("not logged in");
  RETURN_IF_ERROR(client.Call(&v1::AuthService::Stub::Logout, v1::LogoutRequest()).status());
  // Forget the saved token only if it is the session just ended.
  absl::StatusOr<std::string> saved = ReadFile(TokenFilePath());
  if (saved.ok() && absl::StripAsciiWhitespace(*saved) == client.token()) {
    RETURN_IF_ERROR(RemoveTokenFile());
  }
  std::cout << "logged out\n";
  return absl::OkStatus();
}

absl::Status WhoAmI() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(v1::WhoAmIResponse response,
                   client.Call(&v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  const v1::User& user = response.user();
  std::cout << "user:         " << user.username() << " (" << user.id() << ")\n"
            << "name:         " << user.full_name() << "\n"
            << "title, unit:  " << user.title() << ", " << user.unit() << "\n"
            << "role:         " << UserRoleName(user.role()) << "\n"
            << "organisation: " << user.organization_id() << "\n"
            << "session ends: " << FormatMeetingTime(response.session_expire_time().unix_micros())
            << "\n";
  return absl::OkStatus();
}

absl::Status Pair() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(v1::User user, FindUser(client, absl::GetFlag(FLAGS_username)));
  v1::CreatePairingCodeRequest request;
  request.set_user_id(user.id());
  request.set_server_address(absl::GetFlag(FLAGS_address).empty() ? ServerFromFlags()
                                                                   : absl::GetFlag(FLAGS_address));
  ASSIGN_OR_RETURN(v1::PairingCode code,
                   client.Call(&v1::AuthService::Stub::CreatePairingCode, request));
  // Level M: the payload is long (the fingerprint alone is 64 characters) and
  // a screen shows it sharply; the printed codes use Q.
  ASSIGN_OR_RETURN(pdf::QrSymbol symbol, pdf::EncodeQr(code.payload(), pdf::QrLevel::kM));
  if (const std::string png = absl::GetFlag(FLAGS_png); !png.empty()) {
    RETURN_IF_ERROR(WriteQrPng(symbol, /*scale=*/8, png));
  }
  std::cout << TerminalQr(symbol) << "\n"
            << "user:     " << code.user().username() << " (" << code.user().full_name() << ")\n"
            << "payload:  " << code.payload() << "\n"
            << "valid until " << FormatMeetingTime(code.expire_time().unix_micros(), true)
            << ", once\n";
  if (absl::StartsWith(request.server_address(), "127.") ||
      absl::StartsWith(request.server_address(), "localhost")) {
    std::cerr << "note: tablets cannot reach " << request.server_address()
              << "; pass --address with the address they dial\n";
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> AuthCommands() {
  return {
      {.name = "login",
       .summary = "log in and save the session token in ~/.config/hopso/token",
       .required = {"username", "password"},
       .run = Login},
      {.name = "logout", .summary = "end the session", .run = Logout},
      {.name = "whoami", .summary = "show who the token belongs to", .run = WhoAmI},
      {.name = "pair",
       .summary = "a one-time QR code (10 minutes) that logs a tablet in as USERNAME "
                  "(secretary or admin): shown in the terminal, payload and expiry printed",
       .required = {"username"},
       .optional = {"address", "png"},
       .run = Pair,
       .arguments = {"username"}},
  };
}

}  // namespace hopso::ctl
