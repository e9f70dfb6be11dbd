// Pairing a tablet by QR code against the real server: who may make a code,
// the payload (its certificate fingerprint checked with the openssl tool),
// one-time use, expiry, throttling of wrong codes, and `hopsoctl pair`, whose
// terminal drawing and PNG are decoded with zbarimg.
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

#ifndef HOPSOCTL_PATH
#error "HOPSOCTL_PATH must name the hopsoctl binary"
#endif

namespace hopso::integration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Auth = v1::AuthService::Stub;

constexpr char kAddress[] = "hopso.sonoivu.gov.vn:7443";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PairingTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "Sở Nội vụ tỉnh Yên Bái", ""));
  }

  absl::StatusOr<v1::PairingCode> Create(Client& by, const std::string& user_id,
                                         const std::string& address = kAddress) {
    v1::CreatePairingCodeRequest request;
    request.set_user_id(user_id);
    request.set_server_address(address);
    return Call(*by.auth, &Auth::CreatePairingCode, request);
  }

  // Redeemed by a tablet that has no session yet.
  absl::StatusOr<v1::LoginResponse> Redeem(const std::string& code) {
    Client tablet = server_->Connect();
    v1::RedeemPairingCodeRequest request;
    request.set_code(code);
    return Call(*tablet.auth, &Auth::RedeemPairingCode, request);
  }

  // Runs one SQL statement on the server's database, as another process.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(server_->db_path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  int64_t UsedTimeOf(const std::string& code) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(server_->db_path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT used_time FROM pairing_codes WHERE code_hash = ?", -1, &stmt,
                       nullptr);
    const std::string hash = server::Sha256(code);
    sqlite3_bind_blob(stmt, 1, hash.data(), static_cast<int>(hash.size()), SQLITE_TRANSIENT);
    int64_t used = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) used = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return used;
  }

  // Lowercase hex SHA-256 of the server certificate, as `openssl x509` says.
  std::string OpensslFingerprint() {
    const std::string pem = ScratchFile(*server_, server_->root_cert(), ".pem");
    absl::StatusOr<CommandResult> r = RunCommand(
        {"/usr/bin/openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha256"});
    EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->output : r.status().ToString());
    if (!r.ok()) return "";
    std::string hex(absl::StripAsciiWhitespace(r->output.substr(r->output.find('=') + 1)));
    return absl::AsciiStrToLower(absl::StrReplaceAll(hex, {{":", ""}}));
  }

  Cast cast_;
};

TEST_F(PairingTest, ASecretaryPairsADelegatesTabletOnce) {
  const absl::Time before = absl::Now();
  ASSERT_OK_AND_ASSIGN(v1::PairingCode code, Create(cast_.secretary, cast_.delegate.user.id()));
  EXPECT_GE(code.code().size(), 20u);
  EXPECT_EQ(code.user().id(), cast_.delegate.user.id());
  const std::string fingerprint = OpensslFingerprint();
  ASSERT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(code.payload(),
            absl::StrCat("HOPSO-PAIR:", code.code(), "@", kAddress, "#", fingerprint));
  const absl::Time expires = absl::FromUnixMicros(code.expire_time().unix_micros());
  EXPECT_GE(expires, before + absl::Minutes(10));
  EXPECT_LE(expires, absl::Now() + absl::Minutes(10));

  ASSERT_OK_AND_ASSIGN(v1::LoginResponse login, Redeem(code.code()));
  EXPECT_EQ(login.user().id(), cast_.delegate.user.id());
  Client tablet = server_->Connect(login.token());
  ASSERT_OK_AND_ASSIGN(v1::WhoAmIResponse me,
                       Call(*tablet.auth, &Auth::WhoAmI, v1::WhoAmIRequest()));
  EXPECT_EQ(me.user().username(), cast_.delegate.user.username());

  absl::Status again = Redeem(code.code()).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kUnauthenticated) << again;
  EXPECT_THAT(std::string(again.message()), HasSubstr("already used"));
  // Only the code's hash is kept.
  for (const std::string& file : {server_->db_path(), server_->db_path() + "-wal"}) {
    EXPECT_THAT(ReadAll(file), Not(HasSubstr(code.code()))) << file;
  }
}

TEST_F(PairingTest, TheWholeScannedPayloadRedeemsToo) {
  ASSERT_OK_AND_ASSIGN(v1::PairingCode code, Create(cast_.admin, cast_.chair.user.id()));
  ASSERT_OK_AND_ASSIGN(v1::LoginResponse login, Redeem(code.payload()));
  EXPECT_EQ(login.user().id(), cast_.chair.user.id());
}

TEST_F(PairingTest, OnlyTheOrganisationsSecretaryOrAnAdminMayMakeACode) {
  ASSERT_OK_AND_ASSIGN(Cast other, MakeCast(*server_, "Sở Y tế tỉnh Sơn La", "b."));
  EXPECT_EQ(Create(other.secretary, cast_.delegate.user.id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Create(cast_.chair, cast_.delegate.user.id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Create(cast_.delegate, cast_.delegate.user.id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_OK(Create(other.admin, cast_.delegate.user.id()));
  EXPECT_EQ(Create(cast_.secretary, "khong-co-nguoi-nay").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Create(cast_.secretary, "").status().code(), absl::StatusCode::kInvalidArgument);
  for (const std::string& address : {std::string(), std::string("host name:7443"),
                                     std::string("evil@host:7443"), std::string("a#b:1"),
                                     std::string(300, 'h')}) {
    EXPECT_EQ(Create(cast_.secretary, cast_.delegate.user.id(), address).status().code(),
              absl::StatusCode::kInvalidArgument)
        << address;
  }
  Client anonymous = server_->Connect();
  EXPECT_EQ(Create(anonymous, cast_.delegate.user.id()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(PairingTest, AnExpiredCodeIsRefused) {
  ASSERT_OK_AND_ASSIGN(v1::PairingCode code, Create(cast_.secretary, cast_.delegate.user.id()));
  // Ten minutes pass, as far as the database is concerned.
  ASSERT_NO_FATAL_FAILURE(Sql("UPDATE pairing_codes SET expire_time = create_time - 1"));
  absl::Status s = Redeem(code.code()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("expired"));
  EXPECT_EQ(UsedTimeOf(code.code()), 0);
}

TEST_F(PairingTest, WrongCodesFromOneAddressAreThrottled) {
  ASSERT_OK_AND_ASSIGN(v1::PairingCode code, Create(cast_.secretary, cast_.delegate.user.id()));
  for (int i = 0; i < 5; ++i) {
    absl::Status s = Redeem(server::Base64UrlEncode(server::RandomBytes(18))).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << i << ": " << s;
  }
  absl::Status locked = Redeem(server::Base64UrlEncode(server::RandomBytes(18))).status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted) << locked;
  EXPECT_THAT(std::string(locked.message()), HasSubstr("try again in"));
  // While locked, even the right code is not looked at, and stays unused.
  EXPECT_EQ(Redeem(code.code()).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(UsedTimeOf(code.code()), 0);
  // Passwords are throttled per account, not by this.
  EXPECT_OK(server_->Login(cast_.guest.user.username()));
}

// The terminal drawing back into a bitmap (light where a half block is
// drawn), scaled up as a PBM for zbarimg.
std::string TerminalToPbm(const std::vector<std::string>& lines) {
  std::vector<std::vector<bool>> dark;
  for (const std::string& line : lines) {
    std::vector<bool> top, bottom;
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        top.push_back(true);
        bottom.push_back(true);
        i += 1;
        continue;
      }
      const std::string glyph = line.substr(i, 3);
      top.push_back(glyph == "▄");
      bottom.push_back(glyph == "▀");
      i += 3;
    }
    dark.push_back(top);
    dark.push_back(bottom);
  }
  constexpr int kScale = 6;
  const size_t width = dark.empty() ? 0 : dark[0].size();
  std::string pbm = absl::StrCat("P1\n", width * kScale, " ", dark.size() * kScale, "\n");
  for (const std::vector<bool>& row : dark) {
    std::string line;
    for (size_t x = 0; x < width; ++x) {
      for (int s = 0; s < kScale; ++s) line += x < row.size() && row[x] ? "1 " : "0 ";
    }
    for (int s = 0; s < kScale; ++s) absl::StrAppend(&pbm, line, "\n");
  }
  return pbm;
}

// What zbarimg decodes (stdout only: it may complain about D-Bus on stderr).
std::string Zbar(const std::string& image) {
  return std::string(absl::StripAsciiWhitespace(
      pdf::testing::RunCommand({"zbarimg", "-q", "--raw", image}).output));
}

TEST_F(PairingTest, HopsoctlPairShowsAScannableCode) {
  const std::string png = absl::StrCat(server_->scratch_dir(), "/pair.png");
  auto pair = [&](const std::string& username, const std::string& token,
                  std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {HOPSOCTL_PATH, "pair", username, "--server",
                                     server_->address(), "--data_dir", server_->data_dir(),
                                     "--token", token};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  };
  ASSERT_OK_AND_ASSIGN(CommandResult result,
                       pair(cast_.delegate.user.username(), cast_.secretary.token,
                            {"--address", kAddress, "--png", png}));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::vector<std::string> qr_lines;
  std::string payload;
  for (absl::string_view line : absl::StrSplit(result.output, '\n')) {
    if (absl::ConsumePrefix(&line, "payload:  ")) payload = std::string(line);
    if (payload.empty() && (absl::StartsWith(line, "█") || absl::StartsWith(line, "▀"))) {
      qr_lines.emplace_back(line);
    }
  }
  ASSERT_TRUE(absl::StartsWith(payload, "HOPSO-PAIR:")) << result.output;
  EXPECT_THAT(payload, HasSubstr(absl::StrCat("@", kAddress, "#", OpensslFingerprint())));
  EXPECT_THAT(result.output, HasSubstr(cast_.delegate.user.full_name()));
  EXPECT_THAT(result.output, HasSubstr("valid until"));
  EXPECT_EQ(Zbar(png), payload);
  EXPECT_EQ(Zbar(ScratchFile(*server_, TerminalToPbm(qr_lines), ".pbm")), payload);
  ASSERT_OK_AND_ASSIGN(v1::LoginResponse login, Redeem(payload));
  EXPECT_EQ(login.user().id(), cast_.delegate.user.id());

  // An admin finds users in any organisation; a secretary only in theirs.
  ASSERT_OK_AND_ASSIGN(Cast other, MakeCast(*server_, "Sở Y tế tỉnh Sơn La", "b."));
  ASSERT_OK_AND_ASSIGN(result, pair(other.delegate.user.username(), cast_.admin.token));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("tablets cannot reach"));
  ASSERT_OK_AND_ASSIGN(result, pair(other.delegate.user.username(), cast_.secretary.token));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("no user"));
}

}  // namespace
}  // namespace hopso::integration
