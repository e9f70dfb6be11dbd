// HttpTimestampAuthority against tests/tools/test_tsa.py, a local RFC 3161
// responder that answers with the openssl CLI; the tokens are checked with
// `openssl ts -verify` and by reading their TSTInfo.
#include "pdf/timestamp.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/openssl_util.h"
#include "pdf/internal/test_tools.h"

extern char** environ;

namespace hopso::pdf {
namespace {

using ::hopso::pdf::internal::Asn1Bytes;
using ::hopso::pdf::internal::FromDer;
using ::hopso::pdf::internal::OpenSslStringPtr;
using ::hopso::pdf::internal::Pkcs7Ptr;
using ::hopso::pdf::internal::TstInfoPtr;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::testing::HasSubstr;

// test_tsa.py running as a child; stopped (SIGTERM) and reaped on
// destruction.
class TestTsa {
 public:
  // Starts the responder with `flags` and waits for its "PORT <n>" line.
  explicit TestTsa(const std::vector<std::string>& flags) {
    const std::string script = HOPSO_SOURCE_DIR "/tests/tools/test_tsa.py";
    std::vector<std::string> argv = {"python3", script, "--port", "0", "--dir", dir_.path()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    if (posix_spawnp(&pid_, "python3", &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    // Blocks until the line comes, or EOF when the script dies first.
    std::string line;
    for (char c; read(fds[0], &c, 1) == 1 && c != '\n';) line.push_back(c);
    close(fds[0]);
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "PORT ") || !absl::SimpleAtoi(rest, &port_)) port_ = 0;
  }
  ~TestTsa() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  TestTsa(const TestTsa&) = delete;
  TestTsa& operator=(const TestTsa&) = delete;

  int port() const { return port_; }  // 0: it did not start
  // `path` selects what test_tsa.py does: "/tsa" answers plainly,
  // "/tamper-imprint" and "/tamper-nonce" answer another request.
  std::string Url(const std::string& scheme = "http", const std::string& path = "/tsa") const {
    return absl::StrCat(scheme, "://127.0.0.1:", port_, path);
  }
  std::string File(const std::string& name) const { return dir_.File(name); }

 private:
  ScopedTempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// What the tests read from a token's TSTInfo.
struct TokenInfo {
  std::string imprint;
  std::string hash_algorithm;  // short name, e.g. "SHA256"
  std::string policy;          // dotted
  std::string nonce;           // hex
  int certificates = 0;        // in the token's SignedData
};

std::optional<TokenInfo> ReadToken(const std::string& der) {
  const Pkcs7Ptr token(FromDer(d2i_PKCS7, der));
  if (token == nullptr || !PKCS7_type_is_signed(token.get())) return std::nullopt;
  const TstInfoPtr info(PKCS7_to_TS_TST_INFO(token.get()));
  if (info == nullptr) return std::nullopt;
  TokenInfo out;
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
  out.imprint = std::string(Asn1Bytes(TS_MSG_IMPRINT_get_msg(imprint)));
  const ASN1_OBJECT* algo = nullptr;
  X509_ALGOR_get0(&algo, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  out.hash_algorithm = OBJ_nid2sn(OBJ_obj2nid(algo));
  char oid[64];
  OBJ_obj2txt(oid, sizeof(oid), TS_TST_INFO_get_policy_id(info.get()), 1);
  out.policy = oid;
  if (const ASN1_INTEGER* nonce = TS_TST_INFO_get_nonce(info.get()); nonce != nullptr) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(nonce, nullptr);
    const OpenSslStringPtr hex(BN_bn2hex(bn));
    out.nonce = hex.get();
    BN_free(bn);
  }
  STACK_OF(X509)* certs = token->d.sign->cert;
  out.certificates = certs != nullptr ? sk_X509_num(certs) : 0;
  return out;
}

// The data contains NULs and non-ASCII bytes: it is bytes, not text.
constexpr char kRawData[] = "Biên bản họp\0\x01\xff signature value";
const std::string kData(kRawData, sizeof(kRawData) - 1);
// SHA-256 of kData, worked out apart (sha256sum): the imprint a token over
// kData must carry.
const std::string kDataSha256 =
    absl::HexStringToBytes("ba2d6cc65f7e3bbbd2c85d7d70c3aa8b974f128413ba8d6f62b8ce3dff9a15a0");

class HttpTimestampAuthorityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { tsa_ = new TestTsa({}); }
  static void TearDownTestSuite() {
    delete tsa_;
    tsa_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(tsa_->port(), 0) << "test_tsa.py did not start"; }

  // `openssl ts -verify` of `token` over kData, with the TSA certificate
  // given as untrusted (needed when the token does not carry it) or not.
  testing::CommandResult OpenSslVerify(const std::string& token, bool give_tsa_cert) {
    const std::string data = dir_.File("data.bin");
    const std::string der = dir_.File("token.der");
    WriteFileOrDie(data, kData);
    WriteFileOrDie(der, token);
    std::vector<std::string> argv = {
        "openssl", "ts", "-verify",   "-data",   data,
        "-in",     der,  "-token_in", "-CAfile", tsa_->File("tsa-ca.pem")};
    if (give_tsa_cert) {
      argv.push_back("-untrusted");
      argv.push_back(tsa_->File("tsa.pem"));
    }
    return RunCommand(argv, /*merge_stderr=*/true);
  }

  static TestTsa* tsa_;
  ScopedTempDir dir_;
};

TestTsa* HttpTimestampAuthorityTest::tsa_ = nullptr;

TEST_F(HttpTimestampAuthorityTest, TokenVerifiesWithOpenSsl) {
  auto authority = HttpTimestampAuthority::Create(tsa_->Url());
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::StatusOr<std::string> token = (*authority)->Timestamp(kData);
  ASSERT_TRUE(token.ok()) << token.status();
  // The token carries the TSA certificate; only the CA is trusted.
  const auto verify = OpenSslVerify(*token, /*give_tsa_cert=*/false);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output, HasSubstr("Verification: OK"));
  const std::optional<TokenInfo> info = ReadToken(*token);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->imprint == kDataSha256);
  EXPECT_EQ(info->hash_algorithm, "SHA256");
  EXPECT_EQ(info->policy, "1.2.3.4.1");
  EXPECT_FALSE(info->nonce.empty());
  EXPECT_GE(info->certificates, 1);
}

TEST_F(HttpTimestampAuthorityTest, OtherDataDoesNotVerify) {
  auto authority = HttpTimestampAuthority::Create(tsa_->Url());
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::StatusOr<std::string> token = (*authority)->Timestamp(kData + "!");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_NE(OpenSslVerify(*token, /*give_tsa_cert=*/true).exit_code, 0);
}

TEST_F(HttpTimestampAuthorityTest, EachRequestHasItsOwnNonce) {
  auto authority = HttpTimestampAuthority::Create(tsa_->Url());
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::StatusOr<std::string> first = (*authority)->Timestamp(kData);
  const absl::StatusOr<std::string> second = (*authority)->Timestamp(kData);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(ReadToken(*first)->nonce, ReadToken(*second)->nonce);
}

TEST_F(HttpTimestampAuthorityTest, WithoutCertificateTheVerifierNeedsIt) {
  auto authority =
      HttpTimestampAuthority::Create(tsa_->Url(), absl::Seconds(10), /*want_certificate=*/false);
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::StatusOr<std::string> token = (*authority)->Timestamp(kData);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(ReadToken(*token)->certificates, 0);
  EXPECT_NE(OpenSslVerify(*token, /*give_tsa_cert=*/false).exit_code, 0);
  const auto verify = OpenSslVerify(*token, /*give_tsa_cert=*/true);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST(HttpTimestampAuthorityErrorsTest, HttpErrorIsUnavailable) {
  TestTsa failing({"--fail"});
  ASSERT_NE(failing.port(), 0);
  auto authority = HttpTimestampAuthority::Create(failing.Url());
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::Status status = (*authority)->Timestamp(kData).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr(failing.Url()));
  EXPECT_THAT(status.message(), HasSubstr("500"));
}

// A reply that is a valid token, but for another request: refused.
TEST_F(HttpTimestampAuthorityTest, WrongImprintIsUnavailable) {
  auto authority = HttpTimestampAuthority::Create(tsa_->Url("http", "/tamper-imprint"));
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::Status status = (*authority)->Timestamp(kData).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("imprint mismatch")) << status;
}

TEST_F(HttpTimestampAuthorityTest, WrongNonceIsUnavailable) {
  auto authority = HttpTimestampAuthority::Create(tsa_->Url("http", "/tamper-nonce"));
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::Status status = (*authority)->Timestamp(kData).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("nonce mismatch")) << status;
}

TEST(HttpTimestampAuthorityErrorsTest, UnreachablePortIsUnavailableWithinTheTimeout) {
  // A port bound but not listening: connections to it are refused, and no
  // other process can take it meanwhile.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = absl::StrCat("http://127.0.0.1:", ntohs(addr.sin_port), "/tsa");
  auto authority = HttpTimestampAuthority::Create(url, absl::Seconds(1));
  ASSERT_TRUE(authority.ok()) << authority.status();
  const absl::Time start = absl::Now();
  const absl::Status status = (*authority)->Timestamp(kData).status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  close(fd);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr(url));
}

TEST(HttpTimestampAuthorityErrorsTest, BadUrlIsInvalidArgument) {
  for (const char* url : {"", "ftp://tsa.example/", "tsa.example/tsr", "127.0.0.1:8080", "http://",
                          "https://[::1/"}) {
    const auto authority = HttpTimestampAuthority::Create(url);
    EXPECT_EQ(authority.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
  EXPECT_TRUE(HttpTimestampAuthority::Create("HTTP://tsa.example:8080/tsr?x=1").ok());
}

// https: the server's certificate must chain to a trusted CA (here the test
// CA, trusted through SSL_CERT_FILE) and name the host.
TEST(HttpTimestampAuthorityErrorsTest, HttpsChecksTheServerCertificate) {
  TestTsa tls({"--tls"});
  ASSERT_NE(tls.port(), 0);
  auto authority = HttpTimestampAuthority::Create(tls.Url("https"));
  ASSERT_TRUE(authority.ok()) << authority.status();
  // The system trust store does not know the test CA.
  const char* old = getenv("SSL_CERT_FILE");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  setenv("SSL_CERT_FILE", "/nonexistent", 1);
  const absl::Status untrusted = (*authority)->Timestamp(kData).status();
  EXPECT_EQ(untrusted.code(), absl::StatusCode::kUnavailable) << untrusted;
  EXPECT_THAT(untrusted.message(), HasSubstr("certificate verify failed")) << untrusted;
  setenv("SSL_CERT_FILE", tls.File("tsa-ca.pem").c_str(), 1);
  const absl::StatusOr<std::string> token = (*authority)->Timestamp(kData);
  if (saved) {
    setenv("SSL_CERT_FILE", saved->c_str(), 1);
  } else {
    unsetenv("SSL_CERT_FILE");
  }
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_TRUE(ReadToken(*token)->imprint == kDataSha256);
}

}  // namespace
}  // namespace hopso::pdf
