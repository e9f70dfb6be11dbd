#include "client/net/server_trust.h"

#include <QSslKey>
#include <QSslServer>
#include <QTest>

#include <atomic>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

namespace hopso::client {
namespace {

// A self-signed certificate naming localhost and 127.0.0.1, like the one
// hopsod makes on its first start, and its key (test only).
constexpr char kCertPem[] = R"(-----BEGIN CERTIFICATE-----
MIIBnjCCAUOgAwIBAgIUVskaNZM7O6+BPcTCKfc3TJ5YexYwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKaG9wc28gdGVzdDAgFw0yNjExMzAwOTU1MzRaGA8yMTI2MTEw
NjA5NTUzNFowFTETMBEGA1UEAwwKaG9wc28gdGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABEkVyU8qk2+wxJJeibkElEtizAHyymy0OpAOMtdJbh2p4C1Em59o
MJulvB6UNXms/xmflYTRsIhtb8adqrABWnOjbzBtMB0GA1UdDgQWBBSY3a7ivmJV
AowvgzXroD4oe6rLzTAfBgNVHSMEGDAWgBSY3a7ivmJVAowvgzXroD4oe6rLzTAP
BgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAKBggq
hkjOPQQDAgNJADBGAiEApwRzyc6nudUXKd3P1BeeDz8s/G3q4UclxDy3SxzetK4C
IQDAApj4L9bSP5g4EH3lbmiUTqngP+ew0rXmIiLf2hNS9Q==
-----END CERTIFICATE-----
)";
constexpr char kKeyPem[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgo0uRS3av4whZtfwn
l+SJbPU66XNrtexNqE8XvluYLzihRANCAARJFclPKpNvsMSSXom5BJRLYswB8sps
tDqQDjLXSW4dqeAtRJufaDCbpbwelDV5rP8Zn5WE0bCIbW/GnaqwAVpz
-----END PRIVATE KEY-----
)";
// sha256sum of the DER (openssl x509 -outform der | sha256sum).
constexpr char kFingerprint[] = "76e2385a40b17833a511fd2967fbdc879c0b69405304a68833f6704f216f6a23";

QSslCertificate testCertificate() { return QSslCertificate(QByteArray(kCertPem)); }

TEST(ServerTrust, FingerprintIsSha256OfDer) {
  EXPECT_EQ(certificateFingerprint(testCertificate()), QByteArray(kFingerprint));
  EXPECT_EQ(formatFingerprint("76e2385a"), "76:E2:38:5A");
}

TEST(ServerTrust, AddressParts) {
  const struct {
    const char* address;
    const char* host;
    bool loopback;
  } cases[] = {
      {"127.0.0.1:7443", "127.0.0.1", true},  {"127.3.4.5:1", "127.3.4.5", true},
      {"localhost:7443", "localhost", true},  {"[::1]:7443", "::1", true},
      {"10.0.0.5:7443", "10.0.0.5", false},   {"hopso.tinh.gov.vn:7443", "hopso.tinh.gov.vn", false},
      {"[2001:db8::1]:7443", "2001:db8::1", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    EXPECT_EQ(hostOf(c.address), QString(c.host));
    EXPECT_EQ(isLoopbackAddress(c.address), c.loopback);
  }
}

TEST(ServerTrust, JsonRoundTripForEveryMode) {
  ServerTrust pinned = ServerTrust::pinned("hopso.tinh.gov.vn:7443", testCertificate());
  ServerTrust ca;
  ca.address = "hopso.tinh.gov.vn:7443";
  ca.mode = ServerTrust::CaFile;
  ca.caFile = "/etc/ssl/sở-tài-chính.pem";
  ServerTrust insecure;
  insecure.address = "127.0.0.1:7443";
  insecure.mode = ServerTrust::Insecure;
  for (const ServerTrust& trust : {pinned, ca, insecure}) {
    SCOPED_TRACE(trust.mode);
    std::optional<ServerTrust> back = ServerTrust::fromJson(trust.toJson());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, trust);
  }
  EXPECT_EQ(pinned.fingerprintSha256, QByteArray(kFingerprint));
}

TEST(ServerTrust, EditedPinIsNotTrusted) {
  QJsonObject json = ServerTrust::pinned("h:1", testCertificate()).toJson();
  json["fingerprint_sha256"] = QString(64, u'0');
  EXPECT_FALSE(ServerTrust::fromJson(json).has_value());
  json = ServerTrust::pinned("h:1", testCertificate()).toJson();
  json["mode"] = "trust-me";
  EXPECT_FALSE(ServerTrust::fromJson(json).has_value());
}

TEST(FetchServerCertificate, ReturnsWhatTheServerPresents) {
  QSslServer server;
  QSslConfiguration config = QSslConfiguration::defaultConfiguration();
  config.setLocalCertificate(testCertificate());
  config.setPrivateKey(QSslKey(QByteArray(kKeyPem), QSsl::Ec));
  server.setSslConfiguration(config);
  ASSERT_TRUE(server.listen(QHostAddress::LocalHost));
  const QString address = QStringLiteral("127.0.0.1:%1").arg(server.serverPort());
  // The handshake needs this thread's event loop for the server side, so the
  // (blocking) client runs on another thread.
  QString error;
  std::optional<ServerTrust> trust;
  std::atomic<bool> done = false;
  std::thread client([&] {
    trust = pinServer(address, kFingerprint, &error, 20000);
    done = true;
  });
  EXPECT_TRUE(QTest::qWaitFor([&] { return done.load(); }, 30000));
  client.join();
  ASSERT_TRUE(trust.has_value()) << error.toStdString();
  EXPECT_EQ(trust->mode, ServerTrust::Pinned);
  EXPECT_EQ(trust->fingerprintSha256, QByteArray(kFingerprint));
  EXPECT_EQ(trust->address, address);

  // Another expected fingerprint (a pairing code from elsewhere): refused,
  // with both fingerprints named.
  error.clear();
  trust.reset();
  done = false;
  std::thread mismatch([&] {
    trust = pinServer(address, QByteArray(64, 'b'), &error, 20000);
    done = true;
  });
  EXPECT_TRUE(QTest::qWaitFor([&] { return done.load(); }, 30000));
  mismatch.join();
  EXPECT_FALSE(trust.has_value());
  EXPECT_TRUE(error.contains(formatFingerprint(kFingerprint))) << error.toStdString();
}

TEST(FetchServerCertificate, ClearErrorWhenNothingListens) {
  QString error;
  EXPECT_TRUE(fetchServerCertificate("127.0.0.1:1", 5000, &error).isNull());
  EXPECT_TRUE(error.contains("127.0.0.1:1")) << error.toStdString();
  error.clear();
  EXPECT_TRUE(fetchServerCertificate("no port here", 5000, &error).isNull());
  EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace hopso::client
