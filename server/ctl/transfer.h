// Moving document files over DocumentService: resumable uploads under an
// upload id derived from what is uploaded, and resumable downloads checked
// against the version's SHA-256. Shared by the document commands and the demo.
#ifndef HOPSO_SERVER_CTL_TRANSFER_H_
#define HOPSO_SERVER_CTL_TRANSFER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/document.pb.h"
#include "server/ctl/client.h"

namespace hopso::ctl {

// Dropped streams are resumed this many times before giving up.
inline constexpr int kTransferRetries = 5;

// UploadSpec
//
// A local file and where it goes: a new document of the meeting (or of one
// of its agenda items), or a new version of `document_id`.
struct UploadSpec {
  std::string path;
  std::string meeting_id;
  std::string agenda_item_id = {};
  std::string document_id = {};
  std::string title = {};
  int64_t chunk_bytes = 1 << 20;
  // Progress lines (percent, MB/s) on stderr.
  bool show_progress = false;
};

// PendingUpload
//
// An upload opened on the server for a local file.
struct PendingUpload {
  UploadSpec spec;
  std::string upload_id;
  int64_t size_bytes = 0;
  std::string sha256;  // raw 32 bytes
  // What the server held when StartUpload answered.
  int64_t received_bytes = 0;
};

// UploadIdFor
//
// The upload id of `spec` for the file with this `sha256`, uploaded by
// `user_id`: a hash of all of them, so running the same upload again (after a
// crash, a lost answer, Ctrl-C) finds the bytes the server already has.
std::string UploadIdFor(absl::string_view user_id, const UploadSpec& spec,
                        absl::string_view sha256);

// StartFileUpload
//
// Hashes the file and calls StartUpload with its size and SHA-256 under
// UploadIdFor (the caller's user id from WhoAmI).
absl::StatusOr<PendingUpload> StartFileUpload(const Client& client, const UploadSpec& spec);

// SendFileBytes
//
// One UploadChunks stream with the file's bytes [from, to), in chunks of
// spec.chunk_bytes. Returns the server's state when the stream ends.
absl::StatusOr<v1::UploadState> SendFileBytes(const Client& client, const PendingUpload& upload,
                                              int64_t from, int64_t to);

// FinishFileUpload
//
// Asks the server how much it has (GetUpload), sends the rest, resuming a
// dropped stream from the server's count up to kTransferRetries times with
// growing pauses, then FinishUpload. `resumed_from`, when given, is set to
// where the first stream started (0 for a fresh upload). With
// spec.show_progress, says where it resumes and how it goes on stderr.
absl::StatusOr<v1::Document> FinishFileUpload(const Client& client, const PendingUpload& upload,
                                              int64_t* resumed_from = nullptr);

// UploadFile
//
// StartFileUpload then FinishFileUpload.
absl::StatusOr<v1::Document> UploadFile(const Client& client, const UploadSpec& spec);

struct DownloadedFile {
  int64_t size_bytes = 0;
  std::string sha256;  // raw 32 bytes, checked
};

// DownloadFile
//
// Downloads a version of a document (`sha256` raw, empty for the current one)
// into `path`: bytes go to `path`.part, continuing from its size when it
// exists (a download cut short, even by a crash, resumes; `show_progress`
// says so on stderr, with the progress), dropped streams resume up to
// kTransferRetries times; once complete the file is checked
// against the SHA-256 the server announced and renamed to `path`. DATA_LOSS
// on a mismatch, after removing `path`.part so that the next try starts
// afresh.
absl::StatusOr<DownloadedFile> DownloadFile(const Client& client, absl::string_view document_id,
                                            absl::string_view sha256, const std::string& path,
                                            bool show_progress = false);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_TRANSFER_H_
