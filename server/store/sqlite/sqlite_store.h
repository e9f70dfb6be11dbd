// The embedded default backend: one SQLite file in WAL mode with
// synchronous=FULL and foreign keys on; migrations applied at open.
#ifndef HOPSO_SERVER_STORE_SQLITE_SQLITE_STORE_H_
#define HOPSO_SERVER_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace hopso::server {

// OpenSqliteStore
//
// Opens (creating if needed) the database at `path` and brings its schema up
// to date. FAILED_PRECONDITION when the file was written by a newer Hopso
// (its schema version is above the ones this binary knows); UNAVAILABLE when
// the file cannot be opened or written.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// The schema version this binary brings a database to.
int SqliteSchemaVersion();

}  // namespace hopso::server

#endif  // HOPSO_SERVER_STORE_SQLITE_SQLITE_STORE_H_
