#include "server/store/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "server/util/random_id.h"

namespace hopso::server {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

absl::Status FsyncFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) return Errno("cannot fsync", path);
  return absl::OkStatus();
}

absl::Status FsyncDir(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) return Errno("cannot fsync", path);
  return absl::OkStatus();
}

absl::StatusOr<BlobStore> BlobStore::Open(const std::string& dir) {
  std::error_code ec;
  for (const char* sub : {"/blobs", "/tmp"}) {
    std::filesystem::create_directories(dir + sub, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot create ", dir, sub, ": ", ec.message()));
    }
  }
  return BlobStore(dir);
}

std::string BlobStore::TempPath(absl::string_view purpose) const {
  return absl::StrCat(dir_, "/tmp/", purpose, "-", NewId());
}

std::string BlobStore::BlobPath(absl::string_view hex) const {
  return absl::StrCat(dir_, "/blobs/", hex.substr(0, 2), "/", hex.substr(2));
}

absl::StatusOr<std::pair<std::string, int64_t>> BlobStore::HashFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string buffer(1 << 20, '\0');
  int64_t size = 0;
  while (true) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return Errno("cannot read", path);
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    size += n;
  }
  close(fd);
  std::string digest(32, '\0');
  EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(digest.data()), nullptr);
  return std::make_pair(digest, size);
}

absl::StatusOr<std::string> BlobStore::Adopt(const std::string& path) const {
  absl::StatusOr<std::pair<std::string, int64_t>> hashed = HashFile(path);
  if (!hashed.ok()) return hashed.status();
  const std::string sha = hashed->first;
  const std::string hex = HexEncode(sha);
  const std::string target = BlobPath(hex);
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    std::filesystem::remove(path, ec);
    return sha;
  }
  absl::Status synced = FsyncFile(path);
  if (!synced.ok()) return synced;
  const std::string shard = absl::StrCat(dir_, "/blobs/", hex.substr(0, 2));
  std::filesystem::create_directories(shard, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", shard, ": ", ec.message()));
  if (rename(path.c_str(), target.c_str()) != 0) return Errno("cannot move a blob to", target);
  synced = FsyncDir(shard);
  if (!synced.ok()) return synced;
  return sha;
}

absl::StatusOr<std::string> BlobStore::PathOf(absl::string_view sha256) const {
  if (sha256.size() != 32) return absl::InvalidArgumentError("a SHA-256 has 32 bytes");
  std::string path = BlobPath(HexEncode(sha256));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat("blob ", HexEncode(sha256), " is not stored"));
  }
  return path;
}

}  // namespace hopso::server
