#include "client/net/session_store.h"

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace hopso::client {
namespace {

Session sampleSession() {
  Session s;
  s.trust.address = "127.0.0.1:7443";
  s.trust.mode = ServerTrust::Insecure;
  s.token = "tok_3fa2c1d0";
  s.user.set_id("u1");
  s.user.set_username("lan.nguyen");
  s.user.set_full_name("Nguyễn Thị Lan");
  s.user.set_role(v1::USER_ROLE_SECRETARY);
  s.expireUnixMicros = 1795000000000000;
  return s;
}

int modeOf(const QString& path) {
  struct stat st;
  return stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

TEST(SessionStore, RoundTripPrivateFile) {
  QTemporaryDir dir;
  SessionStore store(dir.filePath("nested/app"));
  EXPECT_FALSE(store.load().has_value());
  QString error;
  ASSERT_TRUE(store.save(sampleSession(), &error)) << error.toStdString();
  EXPECT_EQ(modeOf(store.filePath()), 0600);

  std::optional<Session> back = SessionStore(dir.filePath("nested/app")).load();
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->trust, sampleSession().trust);
  EXPECT_EQ(back->token, "tok_3fa2c1d0");
  EXPECT_EQ(back->user.full_name(), "Nguyễn Thị Lan");
  EXPECT_EQ(back->user.role(), v1::USER_ROLE_SECRETARY);
  EXPECT_EQ(back->expireUnixMicros, 1795000000000000);

  // Overwriting keeps it private and leaves no temporary file.
  Session other = sampleSession();
  other.token = "tok_new";
  ASSERT_TRUE(store.save(other));
  EXPECT_EQ(modeOf(store.filePath()), 0600);
  EXPECT_EQ(QDir(dir.filePath("nested/app")).entryList(QDir::Files | QDir::Hidden),
            QStringList{"session.json"});
  EXPECT_EQ(store.load()->token, "tok_new");

  EXPECT_TRUE(store.clear());
  EXPECT_FALSE(QFile::exists(store.filePath()));
  EXPECT_FALSE(store.load().has_value());
  EXPECT_TRUE(store.clear()) << "nothing left is fine";
}

TEST(SessionStore, UnreadableFilesCountAsLoggedOut) {
  QTemporaryDir dir;
  SessionStore store(dir.path());
  for (const char* contents : {"", "{", "[]", R"({"token":"x"})",
                               R"({"token":"","trust":{"address":"a:1","mode":"insecure"}})"}) {
    SCOPED_TRACE(contents);
    QFile file(store.filePath());
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(contents);
    file.close();
    EXPECT_FALSE(store.load().has_value());
  }
}

TEST(SessionStore, DefaultsToAppData) {
  QStandardPaths::setTestModeEnabled(true);
  SessionStore store;
  EXPECT_TRUE(store.filePath().startsWith(
      QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
  QStandardPaths::setTestModeEnabled(false);
}

TEST(Session, ConnectCarriesTheToken) {
  std::shared_ptr<Connection> c = sampleSession().connect();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->token(), "tok_3fa2c1d0");
  Session bad = sampleSession();
  bad.trust.address = "192.0.2.1:7443";  // insecure to a remote address
  QString error;
  EXPECT_EQ(bad.connect(&error), nullptr);
  EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace hopso::client
