#include "client/net/connection.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace hopso::client {
namespace {

ServerTrust trust(const char* address, ServerTrust::Mode mode) {
  ServerTrust t;
  t.address = address;
  t.mode = mode;
  return t;
}

TEST(Connection, InsecureOnlyToLoopback) {
  QString error;
  EXPECT_NE(Connection::create(trust("127.0.0.1:7443", ServerTrust::Insecure), &error), nullptr);
  EXPECT_NE(Connection::create(trust("localhost:7443", ServerTrust::Insecure), &error), nullptr);
  EXPECT_EQ(Connection::create(trust("10.1.2.3:7443", ServerTrust::Insecure), &error), nullptr);
  EXPECT_TRUE(error.contains("TLS")) << error.toStdString();
}

TEST(Connection, RefusesUnusableTrust) {
  QString error;
  ServerTrust pinned = trust("hopso.example:7443", ServerTrust::Pinned);
  pinned.pinnedCertPem = "not a certificate";
  EXPECT_EQ(Connection::create(pinned, &error), nullptr);
  EXPECT_FALSE(error.isEmpty());

  QTemporaryDir dir;
  ServerTrust ca = trust("hopso.example:7443", ServerTrust::CaFile);
  ca.caFile = dir.filePath("thiếu.pem");
  error.clear();
  EXPECT_EQ(Connection::create(ca, &error), nullptr);
  EXPECT_TRUE(error.contains(ca.caFile)) << error.toStdString();

  QFile garbage(dir.filePath("rác.pem"));
  ASSERT_TRUE(garbage.open(QIODevice::WriteOnly));
  garbage.write("-----BEGIN NOTHING-----\n");
  garbage.close();
  ca.caFile = garbage.fileName();
  error.clear();
  EXPECT_EQ(Connection::create(ca, &error), nullptr);
  EXPECT_TRUE(error.contains(ca.caFile)) << error.toStdString();

  error.clear();
  EXPECT_EQ(Connection::create(trust("", ServerTrust::Insecure), &error), nullptr);
  EXPECT_FALSE(error.isEmpty());
}

TEST(Connection, KeepsTheToken) {
  std::shared_ptr<Connection> c = Connection::create(trust("127.0.0.1:1", ServerTrust::Insecure));
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->token().isEmpty());
  c->setToken("abc");
  EXPECT_EQ(c->token(), "abc");
  // Logging out forgets the token even when the server cannot be told.
  EXPECT_FALSE(c->logout().ok());
  EXPECT_TRUE(c->token().isEmpty());
}

TEST(Connection, FailsFastWhenNothingListens) {
  std::shared_ptr<Connection> c = Connection::create(trust("127.0.0.1:1", ServerTrust::Insecure));
  ASSERT_NE(c, nullptr);
  CallResult<v1::LoginResponse> r = c->login("lan.nguyen", "mật khẩu");
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(isTransient(r.status));
  EXPECT_TRUE(c->token().isEmpty());
  EXPECT_FALSE(c->waitForReady(std::chrono::milliseconds(200)));
}

TEST(StatusMessage, HumanSentences) {
  EXPECT_TRUE(statusMessage(grpc::Status::OK).isEmpty());
  EXPECT_FALSE(statusMessage(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connect failed"))
                   .contains("connect failed"))
      << "transport details are not for the user";
  // The server's messages are written for people (and may be Vietnamese).
  const grpc::Status denied(grpc::StatusCode::PERMISSION_DENIED,
                            "Chỉ thư ký mới được tải tài liệu lên");
  EXPECT_EQ(statusMessage(denied), QString::fromUtf8("Chỉ thư ký mới được tải tài liệu lên"));
  EXPECT_FALSE(statusMessage(grpc::Status(grpc::StatusCode::INTERNAL, "")).isEmpty());
  EXPECT_TRUE(isTransient(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "")));
  EXPECT_FALSE(isTransient(denied));
}

}  // namespace
}  // namespace hopso::client
