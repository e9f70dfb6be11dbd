// The logged-in session kept across restarts: server, trust, token, user.
#ifndef HOPSO_CLIENT_NET_SESSION_STORE_H_
#define HOPSO_CLIENT_NET_SESSION_STORE_H_

#include <QString>

#include <memory>
#include <optional>

#include "client/net/connection.h"
#include "client/net/server_trust.h"
#include "hopso/v1/directory.pb.h"

namespace hopso::client {

// Session
//
// What a restarted tablet needs to carry on without asking for a password.
struct Session {
  ServerTrust trust;
  QString token;
  v1::User user;
  // When the server said the token expires (0 when unknown).
  qint64 expireUnixMicros = 0;

  // A Connection for `trust` carrying `token`; nullptr (and *error) as
  // Connection::create.
  std::shared_ptr<Connection> connect(QString* error = nullptr) const;
};

// SessionStore
//
// One JSON file, session.json, in `dir` (default: AppDataLocation), written
// atomically (QSaveFile) with mode 0600 since it holds a bearer token.
// Example:
//   SessionStore store;
//   store.save(session);            // after login
//   std::optional<Session> s = store.load();   // on start
//   store.clear();                  // on logout
class SessionStore {
 public:
  explicit SessionStore(const QString& dir = {});

  QString filePath() const { return m_path; }

  bool save(const Session& session, QString* error = nullptr) const;
  // nullopt when there is none or it cannot be read (then it is ignored, as
  // if logged out).
  std::optional<Session> load() const;
  // Removes the file; true when none is left.
  bool clear() const;

 private:
  QString m_path;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_NET_SESSION_STORE_H_
