// The Store interface: everything the handlers keep, behind transactions.
// Backends (sqlite/ now, postgres/ later) implement it; no SQL lives above
// this line.
#ifndef HOPSO_SERVER_STORE_STORE_H_
#define HOPSO_SERVER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/annotation.pb.h"
#include "hopso/v1/directory.pb.h"
#include "hopso/v1/document.pb.h"
#include "hopso/v1/meeting.pb.h"

namespace hopso::server {

struct UserRecord {
  v1::User user;
  // "scrypt$N$r$p$salt$hash", or empty when no password is set.
  std::string password_hash;
  int failed_logins = 0;
  int64_t locked_until_micros = 0;
};

struct SessionRecord {
  std::string token_hash;  // SHA-256 of the token; the token itself is never kept
  std::string user_id;
  int64_t create_micros = 0;
  int64_t expire_micros = 0;
};

// One row of a meeting's event log, exactly as stored: `body` is the
// serialized hopso.v1.EventBody the hash was computed over.
struct StoredEvent {
  std::string meeting_id;
  int64_t seq = 0;
  int64_t time_micros = 0;
  std::string actor_user_id;
  std::string body;
  std::string hash;
};

// Where the event log of a meeting ends; kept with the meeting so that
// removing the newest events is noticed too.
struct ChainHead {
  int64_t seq = 0;
  std::string hash;
};

// An upload in progress; its bytes sit in the blob store's tmp directory.
struct UploadRecord {
  std::string id;
  std::string user_id;
  std::string meeting_id;
  std::string agenda_item_id;
  std::string document_id;  // set when the upload adds a version
  std::string title;
  std::string filename;
  int64_t size_bytes = 0;
  std::string sha256;  // declared by the client, raw 32 bytes
  int64_t create_micros = 0;
};

// What a QR code points to. Empty ids and hash mean "the meeting" or "the
// agenda item"; a document's code names one version by its hash.
struct QrRecord {
  std::string code;
  std::string meeting_id;
  std::string agenda_item_id;
  std::string document_id;
  std::string sha256;
  int page = 0;  // 1-based page the code opens at; 0 for none
};

// A one-time pairing code (see AuthService.CreatePairingCode).
struct PairingRecord {
  std::string code_hash;  // SHA-256 of the code
  std::string user_id;
  std::string created_by;
  int64_t create_micros = 0;
  int64_t expire_micros = 0;
  int64_t used_micros = 0;  // 0 until redeemed
};

// Keyset pagination: rows after `after` (an opaque key from the previous
// page's last row), at most `limit` of them.
struct PageQuery {
  std::string after;
  int limit = 50;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next;  // empty on the last page
};

// Transaction
//
// One database transaction. Getters return NOT_FOUND naming the missing
// thing; inserts of an existing key return ALREADY_EXISTS.
class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual absl::Status InsertOrganization(const v1::Organization& org) = 0;
  virtual absl::StatusOr<v1::Organization> GetOrganization(absl::string_view id) = 0;
  virtual absl::StatusOr<Page<v1::Organization>> ListOrganizations(const PageQuery& page) = 0;

  virtual absl::Status InsertUser(const v1::User& user, absl::string_view password_hash) = 0;
  virtual absl::StatusOr<UserRecord> GetUser(absl::string_view id) = 0;
  virtual absl::StatusOr<UserRecord> GetUserByUsername(absl::string_view username) = 0;
  virtual absl::StatusOr<Page<v1::User>> ListUsers(absl::string_view organization_id,
                                                   const PageQuery& page) = 0;
  virtual absl::Status SetPasswordHash(absl::string_view user_id, absl::string_view hash) = 0;
  virtual absl::Status SetLoginThrottle(absl::string_view user_id, int failed_logins,
                                        int64_t locked_until_micros) = 0;

  virtual absl::Status InsertSession(const SessionRecord& session) = 0;
  virtual absl::StatusOr<SessionRecord> GetSession(absl::string_view token_hash) = 0;
  virtual absl::Status DeleteSession(absl::string_view token_hash) = 0;
  // Removes the user's sessions except `keep_token_hash`; returns their hashes.
  virtual absl::StatusOr<std::vector<std::string>> DeleteUserSessions(
      absl::string_view user_id, absl::string_view keep_token_hash) = 0;

  // Meeting rows leave `my_role` unset and `last_event_seq` from the chain head.
  virtual absl::Status InsertMeeting(const v1::Meeting& meeting) = 0;
  virtual absl::StatusOr<v1::Meeting> GetMeeting(absl::string_view id) = 0;
  virtual absl::Status UpdateMeeting(const v1::Meeting& meeting) = 0;
  // Meetings `user_id` takes part in: not yet ended first (soonest start
  // first), then ended and archived ones (latest first). `now_micros` decides
  // which are past; it is fixed in the page key so pages stay consistent.
  virtual absl::StatusOr<Page<v1::Meeting>> ListMeetingsOf(absl::string_view user_id,
                                                           const PageQuery& page) = 0;
  virtual absl::StatusOr<std::vector<std::string>> ListMeetingIds() = 0;

  virtual absl::Status UpsertParticipant(absl::string_view meeting_id, absl::string_view user_id,
                                         v1::MeetingRole role) = 0;
  virtual absl::Status DeleteParticipant(absl::string_view meeting_id,
                                         absl::string_view user_id) = 0;
  // UNSPECIFIED when the user is not a participant.
  virtual absl::StatusOr<v1::MeetingRole> GetParticipantRole(absl::string_view meeting_id,
                                                             absl::string_view user_id) = 0;
  virtual absl::StatusOr<Page<v1::Participant>> ListParticipants(absl::string_view meeting_id,
                                                                 const PageQuery& page) = 0;

  // Rows in no particular order; hand them to Agenda.
  virtual absl::StatusOr<std::vector<v1::AgendaItem>> ListAgendaItems(
      absl::string_view meeting_id) = 0;
  // Inserts or updates `items` and deletes `removed_ids`.
  virtual absl::Status SaveAgendaItems(absl::string_view meeting_id,
                                       const std::vector<v1::AgendaItem>& items,
                                       const std::vector<std::string>& removed_ids) = 0;

  // Documents come back with their versions (newest first) and readers.
  virtual absl::Status InsertDocument(const v1::Document& document) = 0;
  // Updates title, agenda item, confidentiality and readers; not versions.
  virtual absl::Status UpdateDocument(const v1::Document& document) = 0;
  // `page_geometry` identifies the version's page sizes and rotations (empty
  // when unknown); annotations follow a new version only when it keeps them.
  virtual absl::Status InsertDocumentVersion(absl::string_view document_id,
                                             const v1::DocumentVersion& version,
                                             absl::string_view page_geometry) = 0;
  // The page_geometry the version was stored with; NOT_FOUND without such a version.
  virtual absl::StatusOr<std::string> GetPageGeometry(absl::string_view document_id,
                                                      int version) = 0;
  virtual absl::StatusOr<v1::Document> GetDocument(absl::string_view id) = 0;
  virtual absl::StatusOr<Page<v1::Document>> ListDocuments(absl::string_view meeting_id,
                                                           const PageQuery& page) = 0;

  virtual absl::Status InsertUpload(const UploadRecord& upload) = 0;
  virtual absl::StatusOr<UploadRecord> GetUpload(absl::string_view id) = 0;
  virtual absl::Status DeleteUpload(absl::string_view id) = 0;
  // Uploads started before `micros`, for cleaning up abandoned ones.
  virtual absl::StatusOr<std::vector<UploadRecord>> ListUploadsBefore(int64_t micros) = 0;

  // ALREADY_EXISTS when that target has a code already.
  virtual absl::Status InsertQrCode(const QrRecord& qr) = 0;
  virtual absl::StatusOr<QrRecord> GetQrCode(absl::string_view code) = 0;
  virtual absl::StatusOr<QrRecord> FindQrCode(const QrRecord& target) = 0;

  // Annotations come back with author_user_id, author_name and update_time
  // filled from the store.
  virtual absl::StatusOr<v1::Annotation> GetAnnotation(absl::string_view id) = 0;
  // Inserts or replaces the annotation with `a.id()`, its author being
  // `a.author_user_id()`.
  virtual absl::Status PutAnnotation(const v1::Annotation& a) = 0;
  // The annotations of `document_id` drawn on one of `versions` that are
  // `viewer_id`'s own or shared, tombstones only when `include_deleted`;
  // ordered by version, then id.
  virtual absl::StatusOr<std::vector<v1::Annotation>> ListAnnotations(
      absl::string_view document_id, const std::vector<int>& versions,
      absl::string_view viewer_id, bool include_deleted) = 0;

  virtual absl::Status InsertPairingCode(const PairingRecord& code) = 0;
  virtual absl::StatusOr<PairingRecord> GetPairingCode(absl::string_view code_hash) = 0;
  virtual absl::Status MarkPairingCodeUsed(absl::string_view code_hash, int64_t used_micros) = 0;

  // AppendEvent
  //
  // Appends to the meeting's log with the next sequence number and the chain
  // hash, in this transaction. Listeners hear of it only after commit.
  virtual absl::StatusOr<StoredEvent> AppendEvent(absl::string_view meeting_id,
                                                  absl::string_view actor_user_id,
                                                  int64_t time_micros,
                                                  const v1::EventBody& body) = 0;
  // Events with seq > after_seq in order, at most `limit`.
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadEvents(absl::string_view meeting_id,
                                                              int64_t after_seq, int limit) = 0;
  virtual absl::StatusOr<ChainHead> GetChainHead(absl::string_view meeting_id) = 0;
};

// Store
//
// Example:
//   RETURN_IF_ERROR(store.Write([&](Transaction& tx) -> absl::Status {
//     RETURN_IF_ERROR(tx.UpdateMeeting(meeting));
//     return tx.AppendEvent(...).status();
//   }));
class Store {
 public:
  using EventListener = std::function<void(const std::vector<StoredEvent>&)>;

  virtual ~Store() = default;

  // Write
  //
  // Runs `fn` in a read-write transaction and commits when it returns OK
  // (then returns OK only once the commit is durable); rolls back otherwise
  // and returns its status. Nothing half-written survives either way.
  virtual absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) = 0;

  // Read
  //
  // Runs `fn` on a consistent read-only snapshot; writes inside fail.
  virtual absl::Status Read(const std::function<absl::Status(Transaction&)>& fn) = 0;

  // SetEventListener
  //
  // `listener` hears of every event after its transaction commits, in
  // commit order. Set it before serving.
  virtual void SetEventListener(EventListener listener) = 0;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_STORE_STORE_H_
