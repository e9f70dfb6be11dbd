#include "server/ctl/transfer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/store/blob_store.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using DocumentStub = v1::DocumentService::Stub;

// FinishUpload screens the file in a sandbox and may convert it with
// LibreOffice (up to two minutes): far more than an ordinary call.
constexpr std::chrono::seconds kFinishDeadline{300};
constexpr absl::Duration kFirstPause = absl::Milliseconds(500);

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Progress on stderr: rewritten in place on a terminal, otherwise a line
// every few seconds, and always a last line with the average speed.
class ProgressMeter {
 public:
  ProgressMeter(std::string label, bool enabled)
      : label_(std::move(label)), enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1) {}

  // Starts measuring at byte `at` of `total` (speed counts from here), and
  // says so when `at` is not the beginning.
  void Start(int64_t at, int64_t total) {
    total_ = total;
    start_at_ = at;
    start_time_ = absl::Now();
    // The first line waits a little too: a speed over one chunk means nothing.
    last_print_ = start_time_;
    if (enabled_ && at > 0) {
      std::fprintf(stderr, "%s: resuming from byte %lld of %lld\n", label_.c_str(),
                   static_cast<long long>(at), static_cast<long long>(total));
    }
  }

  void Update(int64_t at) {
    const absl::Time now = absl::Now();
    if (!enabled_ || now - last_print_ < (tty_ ? absl::Milliseconds(200) : absl::Seconds(2))) {
      return;
    }
    last_print_ = now;
    Print(at, tty_ ? "\r" : "\n");
  }

  void Done(int64_t at) {
    if (enabled_) Print(at, "\n");
  }

 private:
  void Print(int64_t at, const char* end) {
    const double seconds = std::max(absl::ToDoubleSeconds(absl::Now() - start_time_), 1e-3);
    const double percent = total_ > 0 ? 100.0 * static_cast<double>(at) / total_ : 100.0;
    std::string line = absl::StrFormat("%s: %3.0f%%  %.1f of %.1f MB  %.1f MB/s", label_, percent,
                                       at / 1e6, total_ / 1e6, (at - start_at_) / 1e6 / seconds);
    // On a terminal the line is rewritten: pad over a longer previous one.
    if (tty_) line.resize(std::max<size_t>(line.size(), 72), ' ');
    std::fprintf(stderr, "%s%s", line.c_str(), end);
    std::fflush(stderr);
  }

  const std::string label_;
  const bool enabled_;
  const bool tty_;
  int64_t total_ = 0;
  int64_t start_at_ = 0;
  absl::Time start_time_ = absl::Now();
  absl::Time last_print_ = start_time_;
};

// Errors after which the same transfer, resumed where the server stands,
// may well succeed.
bool IsTransient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

absl::Duration PauseBefore(int retry) { return kFirstPause * (1 << retry); }

void SayRetry(absl::string_view what, const absl::Status& failure, int retry) {
  std::fprintf(stderr, "%s: %s; resuming in %s (retry %d of %d)\n", std::string(what).c_str(),
               failure.ToString().c_str(), absl::FormatDuration(PauseBefore(retry)).c_str(),
               retry + 1, kTransferRetries);
}

std::string BaseName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

absl::StatusOr<v1::UploadState> SendRange(const Client& client, const PendingUpload& upload,
                                          int64_t from, int64_t to, ProgressMeter* meter) {
  if (from < 0 || to > upload.size_bytes || from > to) {
    return absl::InvalidArgumentError(
        absl::StrCat("bytes [", from, ", ", to, ") of a ", upload.size_bytes, "-byte file"));
  }
  Fd fd(open(upload.spec.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError("open", upload.spec.path);
  const int64_t chunk_bytes = std::max<int64_t>(upload.spec.chunk_bytes, 1);
  int64_t position = from;
  return client.UploadChunks([&](v1::UploadChunk* chunk) -> absl::StatusOr<bool> {
    if (position >= to) return false;
    const int64_t n = std::min(chunk_bytes, to - position);
    std::string* data = chunk->mutable_data();
    data->resize(static_cast<size_t>(n));
    for (int64_t done = 0; done < n;) {
      const ssize_t got = pread(fd.get(), data->data() + done, n - done, position + done);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return ErrnoError("read", upload.spec.path);
      if (got == 0) {
        return absl::FailedPreconditionError(
            absl::StrCat(upload.spec.path, " shrank while it was being uploaded"));
      }
      done += got;
    }
    chunk->set_upload_id(upload.upload_id);
    chunk->set_offset(position);
    position += n;
    if (meter != nullptr) meter->Update(position);
    return true;
  });
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoError("write", path);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Size of the file at `path`, 0 when there is none.
absl::StatusOr<int64_t> SizeOrZero(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) return static_cast<int64_t>(st.st_size);
  if (errno == ENOENT) return 0;
  return ErrnoError("stat", path);
}

}  // namespace

std::string UploadIdFor(absl::string_view user_id, const UploadSpec& spec,
                        absl::string_view sha256) {
  // NUL separators: no field can move bytes into its neighbour.
  const std::string key = absl::StrCat(
      user_id, std::string(1, '\0'), spec.meeting_id, std::string(1, '\0'), spec.agenda_item_id,
      std::string(1, '\0'), spec.document_id, std::string(1, '\0'), spec.title,
      std::string(1, '\0'), BaseName(spec.path), std::string(1, '\0'), sha256);
  return absl::StrCat("ctl-", server::HexEncode(server::Sha256(key)).substr(0, 40));
}

absl::StatusOr<PendingUpload> StartFileUpload(const Client& client, const UploadSpec& spec) {
  ASSIGN_OR_RETURN(auto hashed, server::BlobStore::HashFile(spec.path));
  ASSIGN_OR_RETURN(v1::WhoAmIResponse me,
                   client.Call(&v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  PendingUpload upload{.spec = spec,
                       .upload_id = UploadIdFor(me.user().id(), spec, hashed.first),
                       .size_bytes = hashed.second,
                       .sha256 = hashed.first};
  v1::StartUploadRequest request;
  request.set_upload_id(upload.upload_id);
  request.set_meeting_id(spec.meeting_id);
  request.set_agenda_item_id(spec.agenda_item_id);
  request.set_document_id(spec.document_id);
  request.set_title(spec.title);
  request.set_filename(BaseName(spec.path));
  request.set_size_bytes(upload.size_bytes);
  request.set_sha256(upload.sha256);
  ASSIGN_OR_RETURN(v1::UploadState state, client.Call(&DocumentStub::StartUpload, request));
  upload.received_bytes = state.received_bytes();
  return upload;
}

absl::StatusOr<v1::UploadState> SendFileBytes(const Client& client, const PendingUpload& upload,
                                              int64_t from, int64_t to) {
  return SendRange(client, upload, from, to, nullptr);
}

absl::StatusOr<v1::Document> FinishFileUpload(const Client& client, const PendingUpload& upload,
                                              int64_t* resumed_from) {
  const std::string label = absl::StrCat("upload ", BaseName(upload.spec.path));
  ProgressMeter meter(label, upload.spec.show_progress);
  v1::GetUploadRequest get;
  get.set_upload_id(upload.upload_id);
  bool started = false;
  for (int retry = 0;; ++retry) {
    absl::Status failure;
    bool stream_failed = false;
    absl::StatusOr<v1::UploadState> state = client.Call(&DocumentStub::GetUpload, get);
    if (state.ok()) {
      if (!started) {
        started = true;
        if (resumed_from != nullptr) *resumed_from = state->received_bytes();
        meter.Start(state->received_bytes(), upload.size_bytes);
      }
      if (state->received_bytes() >= upload.size_bytes) break;
      absl::StatusOr<v1::UploadState> sent =
          SendRange(client, upload, state->received_bytes(), upload.size_bytes, &meter);
      if (sent.ok() && sent->received_bytes() >= upload.size_bytes) break;
      stream_failed = true;
      failure = sent.ok() ? absl::UnavailableError(
                                absl::StrCat("the stream ended with ", sent->received_bytes(),
                                             " of ", upload.size_bytes, " bytes received"))
                          : sent.status();
    } else {
      failure = state.status();
    }
    // A wrong offset means something else moved the upload on (an earlier
    // stream that had not ended yet): GetUpload says where it stands now.
    const bool retriable =
        IsTransient(failure) || (stream_failed && absl::IsFailedPrecondition(failure));
    if (!retriable || retry == kTransferRetries) return failure;
    SayRetry(label, failure, retry);
    absl::SleepFor(PauseBefore(retry));
  }
  meter.Done(upload.size_bytes);
  v1::FinishUploadRequest finish;
  finish.set_upload_id(upload.upload_id);
  return client.Call(&DocumentStub::FinishUpload, finish, kFinishDeadline);
}

absl::StatusOr<v1::Document> UploadFile(const Client& client, const UploadSpec& spec) {
  ASSIGN_OR_RETURN(PendingUpload upload, StartFileUpload(client, spec));
  return FinishFileUpload(client, upload);
}

absl::StatusOr<DownloadedFile> DownloadFile(const Client& client, absl::string_view document_id,
                                            absl::string_view sha256, const std::string& path,
                                            bool show_progress) {
  const std::string part = absl::StrCat(path, ".part");
  ProgressMeter meter(absl::StrCat("download ", BaseName(path)), show_progress);
  DownloadedFile result;
  v1::DownloadRequest request;
  request.set_document_id(std::string(document_id));
  request.set_sha256(std::string(sha256));
  bool announced = false;  // size and hash known from a first chunk
  int64_t position = 0;
  for (int retry = 0;; ++retry) {
    ASSIGN_OR_RETURN(position, SizeOrZero(part));
    request.set_offset(position);
    Fd fd(open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (fd.get() < 0) return ErrnoError("create", part);
    bool first = true;
    absl::Status status =
        client.Download(request, [&](const v1::DownloadChunk& chunk) -> absl::Status {
          if (first) {
            first = false;
            if (chunk.sha256().size() != 32) {
              return absl::DataLossError("the first chunk of the download carries no SHA-256");
            }
            if (!request.sha256().empty() && chunk.sha256() != request.sha256()) {
              return absl::DataLossError(
                  absl::StrCat("asked for version ", server::HexEncode(request.sha256()),
                               " but the server sends ", server::HexEncode(chunk.sha256())));
            }
            // Pinned from now on: a retry must not switch to a newer version.
            request.set_sha256(chunk.sha256());
            result.sha256 = chunk.sha256();
            result.size_bytes = chunk.size_bytes();
            if (!announced) meter.Start(position, result.size_bytes);
            announced = true;
          }
          if (chunk.offset() != position) {
            return absl::DataLossError(absl::StrCat("the server sent bytes from ", chunk.offset(),
                                                    " where ", position, " was expected"));
          }
          RETURN_IF_ERROR(WriteAll(fd.get(), chunk.data(), part));
          position += static_cast<int64_t>(chunk.data().size());
          meter.Update(position);
          return absl::OkStatus();
        });
    if (status.ok()) {
      if (fsync(fd.get()) != 0) return ErrnoError("sync", part);
      break;
    }
    if (!IsTransient(status) || retry == kTransferRetries) {
      if (position > 0 && (absl::IsOutOfRange(status) || absl::IsInvalidArgument(status))) {
        return absl::Status(status.code(),
                            absl::StrCat(status.message(), " (", part, " already holds ", position,
                                         " bytes: remove it to download afresh)"));
      }
      return status;
    }
    SayRetry(absl::StrCat("download ", BaseName(path)), status, retry);
    absl::SleepFor(PauseBefore(retry));
  }
  if (!announced) return absl::DataLossError("the server ended the download without any chunk");
  meter.Done(position);
  ASSIGN_OR_RETURN(auto hashed, server::BlobStore::HashFile(part));
  if (hashed.second != result.size_bytes || hashed.first != result.sha256) {
    std::remove(part.c_str());
    return absl::DataLossError(absl::StrCat(
        "downloaded ", hashed.second, " bytes with SHA-256 ", server::HexEncode(hashed.first),
        ", expected ", result.size_bytes, " bytes with SHA-256 ", server::HexEncode(result.sha256),
        "; removed ", part, " so that the next try starts afresh"));
  }
  if (rename(part.c_str(), path.c_str()) != 0) return ErrnoError("rename to", path);
  return result;
}

}  // namespace hopso::ctl
