// The windows speak Vietnamese once it is installed, through the contexts
// tr() really uses at run time (lupdate alone gets them wrong for classes in
// `namespace hopso::client`), and switch language without a restart.
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include <gtest/gtest.h>

#include "client/i18n/language.h"
#include "client/model/meeting_list_model.h"
#include "client/net/connection.h"
#include "client/ui/login_window.h"
#include "client/ui/messages.h"
#include "client/ui/offline_banner.h"

namespace hopso::client {
namespace {

class TranslatedUi : public ::testing::Test {
 protected:
  void TearDown() override { installLanguage(QStringLiteral("en")); }
};

TEST_F(TranslatedUi, VietnameseEverywhere) {
  ASSERT_TRUE(installLanguage(QStringLiteral("vi")));
  LoginWindow login;
  auto signIn = login.findChild<QPushButton*>(QStringLiteral("signIn"));
  EXPECT_EQ(signIn->text(), QStringLiteral("Đăng nhập"));
  login.findChild<QLineEdit*>(QStringLiteral("address"))->setText(QStringLiteral("hopso.vn"));
  login.signIn();
  EXPECT_EQ(login.errorText(), QStringLiteral("Hãy nhập tên đăng nhập."));

  OfflineBanner banner;
  EXPECT_TRUE(banner.text().startsWith(QStringLiteral("Ngoại tuyến — "))) <<
      banner.text().toStdString();
  EXPECT_EQ(Messages::login(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad"), {}),
            QStringLiteral("Sai tên đăng nhập hoặc mật khẩu."));
  // Strings of the other client parts, each through its own context.
  EXPECT_EQ(MeetingListModel::stateText(v1::MEETING_STATE_IN_PROGRESS),
            QStringLiteral("Đang diễn ra"));
  EXPECT_TRUE(statusMessage(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"))
                  .startsWith(QStringLiteral("Không kết nối được máy chủ")))
      << statusMessage(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")).toStdString();
}

TEST_F(TranslatedUi, SwitchesLanguageInPlace) {
  ASSERT_TRUE(installLanguage(QStringLiteral("en")));
  LoginWindow login;
  auto signIn = login.findChild<QPushButton*>(QStringLiteral("signIn"));
  EXPECT_EQ(signIn->text(), QStringLiteral("Sign in"));
  ASSERT_TRUE(installLanguage(QStringLiteral("vi")));
  // LanguageChange is delivered through the event loop.
  QCoreApplication::sendPostedEvents(nullptr, QEvent::LanguageChange);
  EXPECT_EQ(signIn->text(), QStringLiteral("Đăng nhập"));
  EXPECT_EQ(login.windowTitle(), QStringLiteral("Hopso — Đăng nhập"));
}

}  // namespace
}  // namespace hopso::client
