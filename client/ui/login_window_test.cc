#include "client/ui/login_window.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <gtest/gtest.h>

#include "client/ui/trust_dialog.h"

namespace hopso::client {
namespace {

// A loopback port where nothing listens: a real "server down".
QString deadAddress() {
  QTcpServer probe;
  EXPECT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
  const quint16 port = probe.serverPort();
  probe.close();
  return QStringLiteral("127.0.0.1:%1").arg(port);
}

bool waitUntil(const std::function<bool()>& condition, int timeoutMs = 20000) {
  QDeadlineTimer deadline(timeoutMs);
  while (!condition()) {
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
  return true;
}

void type(LoginWindow& window, const char* field, const QString& text) {
  auto edit = window.findChild<QLineEdit*>(QString::fromLatin1(field));
  ASSERT_NE(edit, nullptr) << field;
  edit->setText(text);
}

TEST(LoginWindow, NormalizesAddresses) {
  struct Case {
    const char* typed;
    const char* expected;
  };
  const Case cases[] = {
      {"hopso.tinh.gov.vn", "hopso.tinh.gov.vn:7443"},
      {"  10.0.0.5:8443 ", "10.0.0.5:8443"},
      {"[::1]:7443", "[::1]:7443"},
      {"localhost:1", "localhost:1"},
      {"host:0", ""},
      {"host:70000", ""},
      {"https://hopso.vn", ""},
      {"hop so", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.typed);
    EXPECT_EQ(LoginWindow::normalizeAddress(QString::fromUtf8(c.typed)),
              QString::fromUtf8(c.expected));
  }
}

TEST(LoginWindow, ValidatesFieldsBeforeAnyNetwork) {
  LoginWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  auto signIn = window.findChild<QPushButton*>(QStringLiteral("signIn"));
  ASSERT_NE(signIn, nullptr);

  QTest::mouseClick(signIn, Qt::LeftButton);
  EXPECT_TRUE(window.errorText().contains(QStringLiteral("server address"))) <<
      window.errorText().toStdString();
  EXPECT_EQ(window.focusWidget(), window.findChild<QLineEdit*>(QStringLiteral("address")));

  type(window, "address", QStringLiteral("https://hopso.vn/login"));
  signIn->click();
  EXPECT_TRUE(window.errorText().contains(QStringLiteral("is not a server address")));

  type(window, "address", QStringLiteral("hopso.tinh.gov.vn"));
  signIn->click();
  EXPECT_EQ(window.errorText(), QStringLiteral("Enter your username."));
  EXPECT_EQ(window.focusWidget(), window.findChild<QLineEdit*>(QStringLiteral("username")));

  type(window, "username", QStringLiteral("thao.vo"));
  signIn->click();
  EXPECT_EQ(window.errorText(), QStringLiteral("Enter your password."));
  EXPECT_FALSE(window.isBusy());
  EXPECT_EQ(window.address(), QStringLiteral("hopso.tinh.gov.vn:7443"));
}

TEST(LoginWindow, UnreachableServerIsSaidInWords) {
  LoginWindow window;
  window.show();
  const QString address = deadAddress();
  type(window, "address", address);
  type(window, "username", QStringLiteral("thao.vo"));
  type(window, "password", QStringLiteral("DaiBieu-Thao-2026"));
  // No trust yet: the tablet first fetches the certificate, which fails.
  window.signIn();
  ASSERT_TRUE(waitUntil([&] { return !window.isBusy() && !window.errorText().isEmpty(); }));
  EXPECT_TRUE(window.errorText().startsWith(QStringLiteral("Cannot reach the server ") + address))
      << window.errorText().toStdString();
  EXPECT_EQ(window.trustDialog(), nullptr);

  // With a trust (no TLS on loopback) the Login call itself fails the same way.
  ServerTrust trust;
  trust.address = address;
  trust.mode = ServerTrust::Insecure;
  window.setTrust(trust);
  window.signIn();
  ASSERT_TRUE(waitUntil([&] { return !window.isBusy(); }));
  EXPECT_TRUE(window.errorText().contains(QStringLiteral("Cannot reach the server ") + address))
      << window.errorText().toStdString();
}

TEST(LoginWindow, PairingNeedsAPairingCode) {
  LoginWindow window;
  window.pairWith(QStringLiteral("HOPSO:k3xq7m2pa9dt.3fa2c1d0"));
  EXPECT_EQ(window.errorText(), QStringLiteral("This QR code is not a Hopso pairing code."));
  window.pairWith(QStringLiteral("HOPSO-PAIR:ABCDEFGH@hopso.tinh.gov.vn:7443#"));
  ASSERT_TRUE(waitUntil([&] { return !window.isBusy(); }));
  EXPECT_TRUE(window.errorText().contains(QStringLiteral("no certificate fingerprint")))
      << window.errorText().toStdString();
}

}  // namespace
}  // namespace hopso::client
