#include "client/ui/offline_banner.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <gtest/gtest.h>

#include "client/net/api.h"

namespace hopso::client {
namespace {

TEST(OfflineBanner, FollowsTheApisOnlineState) {
  // A real call to a loopback port where nothing listens makes the Api
  // offline, as a dropped Wi-Fi would.
  QTcpServer probe;
  ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
  ServerTrust trust;
  trust.address = QStringLiteral("127.0.0.1:%1").arg(probe.serverPort());
  trust.mode = ServerTrust::Insecure;
  probe.close();
  QString error;
  std::shared_ptr<Connection> connection = Connection::create(trust, &error);
  ASSERT_NE(connection, nullptr) << error.toStdString();
  Api api(connection);

  QWidget window;
  auto banner = new OfflineBanner(&window);
  QObject::connect(&api, &Api::onlineChanged, banner, &OfflineBanner::setOnline);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  EXPECT_TRUE(banner->isHidden());

  QSignalSpy spy(&api, &Api::onlineChanged);
  api.run<CallResult<v1::WhoAmIResponse>>(
      &window, [connection] { return connection->whoAmI(std::chrono::milliseconds(3000)); },
      nullptr);
  ASSERT_TRUE(spy.wait(20000));
  EXPECT_FALSE(spy.first().first().toBool());
  EXPECT_FALSE(banner->isHidden());
  EXPECT_FALSE(banner->isOnline());
  EXPECT_TRUE(banner->text().startsWith(QStringLiteral("Offline"))) << banner->text().toStdString();

  // Back online (as Api reports after a successful probe) hides it again.
  banner->setOnline(true);
  EXPECT_TRUE(banner->isHidden());
}

}  // namespace
}  // namespace hopso::client
