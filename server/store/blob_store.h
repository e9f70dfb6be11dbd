// Content-addressed files: DIR/blobs/ab/cdef… named by the SHA-256 of their
// bytes, written to a temporary file, fsynced and renamed, so a blob either
// exists whole or not at all; the same content is stored once.
#ifndef HOPSO_SERVER_STORE_BLOB_STORE_H_
#define HOPSO_SERVER_STORE_BLOB_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hopso::server {

class BlobStore {
 public:
  // Creates DIR/blobs and DIR/tmp when missing.
  static absl::StatusOr<BlobStore> Open(const std::string& dir);

  // A fresh path under DIR/tmp on the same filesystem, for writing a file
  // that Adopt will move in.
  std::string TempPath(absl::string_view purpose) const;

  // Adopt
  //
  // Hashes the complete file at `path` (under DIR/tmp), fsyncs it and moves
  // it to its content address; returns the raw 32-byte SHA-256. When that
  // content is already stored, `path` is removed instead.
  absl::StatusOr<std::string> Adopt(const std::string& path) const;

  // Where the blob with this raw SHA-256 lives; NOT_FOUND when absent.
  absl::StatusOr<std::string> PathOf(absl::string_view sha256) const;

  // Hashes a file (raw 32-byte SHA-256) and returns its size too.
  static absl::StatusOr<std::pair<std::string, int64_t>> HashFile(const std::string& path);

  const std::string& dir() const { return dir_; }

 private:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}
  std::string BlobPath(absl::string_view hex) const;

  std::string dir_;
};

// FsyncFile / FsyncDir
//
// Make a file's bytes, or a directory's entries, durable.
absl::Status FsyncFile(const std::string& path);
absl::Status FsyncDir(const std::string& path);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_STORE_BLOB_STORE_H_
