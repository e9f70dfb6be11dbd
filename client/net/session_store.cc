#include "client/net/session_store.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <google/protobuf/util/json_util.h>

#include "client/net/api.h"

namespace hopso::client {

std::shared_ptr<Connection> Session::connect(QString* error) const {
  std::shared_ptr<Connection> connection = Connection::create(trust, error);
  if (connection) connection->setToken(token);
  return connection;
}

SessionStore::SessionStore(const QString& dir) {
  const QString base =
      dir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : dir;
  m_path = QDir(base).filePath(QStringLiteral("session.json"));
}

bool SessionStore::save(const Session& session, QString* error) const {
  std::string user;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(session.user, &user, options);
  QJsonObject json;
  json["version"] = 1;
  json["trust"] = session.trust.toJson();
  json["token"] = session.token;
  json["user"] = QJsonDocument::fromJson(QByteArray::fromStdString(user)).object();
  json["expire_unix_micros"] = QString::number(session.expireUnixMicros);

  if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
    if (error) *error = QStringLiteral("cannot create %1").arg(QFileInfo(m_path).absolutePath());
    return false;
  }
  QSaveFile file(m_path);
  // The token is as good as a password: readable by this user only, from the
  // moment the temporary file exists (QSaveFile renames it into place).
  if (!file.open(QIODevice::WriteOnly) ||
      !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
    if (error) *error = file.errorString();
    file.cancelWriting();
    return false;
  }
  file.write(QJsonDocument(json).toJson(QJsonDocument::Indented));
  if (!file.commit()) {
    if (error) *error = file.errorString();
    return false;
  }
  qCInfo(lcNet) << "session saved to" << m_path;
  return true;
}

std::optional<Session> SessionStore::load() const {
  QFile file(m_path);
  if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
  QJsonParseError parseError;
  const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
  if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
    qCWarning(lcNet) << "ignoring unreadable session file" << m_path << parseError.errorString();
    return std::nullopt;
  }
  const QJsonObject json = doc.object();
  std::optional<ServerTrust> trust = ServerTrust::fromJson(json["trust"].toObject());
  const QString token = json["token"].toString();
  if (!trust || token.isEmpty()) {
    qCWarning(lcNet) << "ignoring incomplete session file" << m_path;
    return std::nullopt;
  }
  Session session;
  session.trust = *trust;
  session.token = token;
  session.expireUnixMicros = json["expire_unix_micros"].toString().toLongLong();
  const QByteArray user = QJsonDocument(json["user"].toObject()).toJson(QJsonDocument::Compact);
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(user.toStdString(), &session.user, options)
           .ok()) {
    qCWarning(lcNet) << "ignoring session file with an unreadable user" << m_path;
    return std::nullopt;
  }
  return session;
}

bool SessionStore::clear() const { return !QFile::exists(m_path) || QFile::remove(m_path); }

}  // namespace hopso::client
