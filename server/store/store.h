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
#include "hopso/v1/attendance.pb.h"
#include "hopso/v1/directory.pb.h"
#include "hopso/v1/document.pb.h"
#include "hopso/v1/meeting.pb.h"
#include "hopso/v1/signing.pb.h"
#include "hopso/v1/speaker.pb.h"
#include "hopso/v1/voting.pb.h"

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

// A meeting's attendance rules and the secret its room codes are made from.
struct MeetingRulesRecord {
  v1::AttendanceRules rules;
  std::string room_secret;  // 32 random bytes
};

// One voting right of an open poll, fixed when it opened.
struct VotingRightRecord {
  std::string poll_id;
  std::string principal_user_id;  // whose vote it is
  std::string caster_user_id;     // who casts it (the principal or their proxy holder)
};

// A right that has been used. Named polls: `ballot_ref` is the client's
// ballot id, `choices` the encoded choices and `cast_micros` the time.
// Secret polls: `ballot_ref` is SHA-256("hopso-voter" || poll id || ballot
// id), so that a retry is recognised, and `choices` is empty and
// `cast_micros` 0: nothing here says what was voted.
struct VoterRecord {
  std::string poll_id;
  std::string principal_user_id;
  std::string caster_user_id;
  std::string ballot_ref;
  std::string choices;
  int64_t cast_micros = 0;
};

// A secret ballot: what was voted and its receipt, nothing about who or when.
struct SecretBallotRecord {
  std::string poll_id;
  std::string receipt;
  std::string choices;
};

// The organisation CA: its certificate and the PINs of the token holding its
// key.
struct CaRecord {
  std::string organization_id;
  std::string token_label;
  std::string token_pin;
  std::string so_pin;
  std::string certificate_der;
  int64_t create_micros = 0;
};

// A signer's key: `key` as the API shows it (pin_tries_left not stored),
// the token's SO PIN, the certificate chain above the signer (PEM, may be
// empty) and the wrong PINs given since the last good one.
struct SigningKeyRecord {
  v1::SigningKey key;
  std::string so_pin;
  std::string chain_pem;
  int failed_pins = 0;
};

// Where a signature goes in the document: PDF points, bottom-left origin.
struct SignatureBoxRecord {
  int page = 0;
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct SignatureRequestRecord {
  v1::SignatureRequest request;
  SignatureBoxRecord box;
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

  // Nested
  //
  // Runs `fn` inside a savepoint of this transaction: when it fails, its own
  // writes are undone and the transaction goes on; returns its status.
  virtual absl::Status Nested(const std::function<absl::Status(Transaction&)>& fn) = 0;

  // Attendance rules and room secret; every meeting has them (migration 0004
  // gives existing meetings defaults and a random secret). An empty
  // room_secret keeps the stored one (a random one when there is none);
  // rules out of range (quorum not in 0..1, negative limits) are
  // INVALID_ARGUMENT, a missing meeting NOT_FOUND.
  virtual absl::Status PutMeetingRules(absl::string_view meeting_id,
                                       const MeetingRulesRecord& rules) = 0;
  virtual absl::StatusOr<MeetingRulesRecord> GetMeetingRules(absl::string_view meeting_id) = 0;

  // Attendance records come back with full_name and role filled from the
  // user and participant rows. NOT_FOUND when nothing is recorded.
  virtual absl::StatusOr<v1::AttendanceRecord> GetAttendanceRecord(absl::string_view meeting_id,
                                                                   absl::string_view user_id) = 0;
  // Inserts or replaces the record of (meeting_id, user_id).
  virtual absl::Status PutAttendanceRecord(const v1::AttendanceRecord& record) = 0;
  // Every recorded row of the meeting, by user id.
  virtual absl::StatusOr<std::vector<v1::AttendanceRecord>> ListAttendance(
      absl::string_view meeting_id) = 0;

  // Active proxies, one per giver (ALREADY_EXISTS for a second). The schema
  // refuses chains and more than the rules' max_proxies_per_holder with
  // FAILED_PRECONDITION, whatever the caller checked before.
  virtual absl::Status InsertProxy(const v1::Proxy& proxy) = 0;
  // NOT_FOUND when the giver has no active proxy.
  virtual absl::Status DeleteProxy(absl::string_view meeting_id, absl::string_view giver_id) = 0;
  // With giver_name and holder_name, by giver id.
  virtual absl::StatusOr<std::vector<v1::Proxy>> ListProxies(absl::string_view meeting_id) = 0;

  // Polls keep their definition, state, times, eligible and result; `voted`
  // and `counts` are not stored (GetPoll leaves them 0 and empty).
  virtual absl::Status InsertPoll(const v1::Poll& poll) = 0;
  virtual absl::Status UpdatePoll(const v1::Poll& poll) = 0;
  virtual absl::StatusOr<v1::Poll> GetPoll(absl::string_view poll_id) = 0;
  // The meeting's polls (of one item when `agenda_item_id` is not empty), by
  // creation time.
  virtual absl::StatusOr<std::vector<v1::Poll>> ListPolls(absl::string_view meeting_id,
                                                          absl::string_view agenda_item_id) = 0;

  virtual absl::Status InsertVotingRights(const std::vector<VotingRightRecord>& rights) = 0;
  // NOT_FOUND when `principal` has no right in the poll.
  virtual absl::StatusOr<VotingRightRecord> GetVotingRight(absl::string_view poll_id,
                                                           absl::string_view principal_id) = 0;
  // The rights `caster_id` casts, by principal.
  virtual absl::StatusOr<std::vector<VotingRightRecord>> ListVotingRightsOf(
      absl::string_view poll_id, absl::string_view caster_id) = 0;

  // One voter row per right: the schema refuses a second (ALREADY_EXISTS),
  // a voter without a right or cast by someone else than the right's caster
  // (FAILED_PRECONDITION), and choices or a time on a secret poll's row
  // (FAILED_PRECONDITION).
  virtual absl::Status InsertVoter(const VoterRecord& voter) = 0;
  // Replaces ballot_ref, choices and cast_micros of an existing row
  // (NOT_FOUND without one).
  virtual absl::Status UpdateVoter(const VoterRecord& voter) = 0;
  virtual absl::StatusOr<VoterRecord> GetVoter(absl::string_view poll_id,
                                               absl::string_view principal_id) = 0;
  // By principal id.
  virtual absl::StatusOr<std::vector<VoterRecord>> ListVoters(absl::string_view poll_id) = 0;
  virtual absl::StatusOr<int64_t> CountVoters(absl::string_view poll_id) = 0;

  // The store gives each secret ballot a random key, so the order rows are
  // kept in follows nothing. ALREADY_EXISTS for a receipt used in the poll.
  virtual absl::Status InsertSecretBallot(const SecretBallotRecord& ballot) = 0;
  virtual absl::StatusOr<SecretBallotRecord> GetSecretBallot(absl::string_view poll_id,
                                                             absl::string_view receipt) = 0;
  // NOT_FOUND when the receipt is not in the poll.
  virtual absl::Status DeleteSecretBallot(absl::string_view poll_id,
                                          absl::string_view receipt) = 0;
  // By receipt.
  virtual absl::StatusOr<std::vector<SecretBallotRecord>> ListSecretBallots(
      absl::string_view poll_id) = 0;
  // ResealSecretPoll
  //
  // Rewrites the poll's secret ballots (under new random keys) and its voter
  // rows (by principal), with secure_delete on, so that where rows sit in the
  // file says nothing about the order they arrived in. Called when a secret
  // poll closes.
  virtual absl::Status ResealSecretPoll(absl::string_view poll_id) = 0;

  virtual absl::Status InsertSpeakRequest(const v1::SpeakRequest& request) = 0;
  // Replaces the request with request.id() (NOT_FOUND without one).
  virtual absl::Status UpdateSpeakRequest(const v1::SpeakRequest& request) = 0;
  // With full_name filled.
  virtual absl::StatusOr<v1::SpeakRequest> GetSpeakRequest(absl::string_view id) = 0;
  // The requests on one agenda item, in no particular order (see
  // OrderSpeakerQueue), with full_name filled.
  virtual absl::StatusOr<std::vector<v1::SpeakRequest>> ListSpeakRequests(
      absl::string_view meeting_id, absl::string_view agenda_item_id) = 0;

  // ALREADY_EXISTS when the organisation has a CA.
  virtual absl::Status InsertCa(const CaRecord& ca) = 0;
  virtual absl::StatusOr<CaRecord> GetCa(absl::string_view organization_id) = 0;

  // Inserts or replaces the user's key row.
  virtual absl::Status PutSigningKey(const SigningKeyRecord& key) = 0;
  virtual absl::StatusOr<SigningKeyRecord> GetSigningKey(absl::string_view user_id) = 0;

  // The meeting's minutes without signatures; NOT_FOUND before the first
  // SetMinutesText or generation.
  virtual absl::Status PutMinutes(const v1::Minutes& minutes) = 0;
  virtual absl::StatusOr<v1::Minutes> GetMinutes(absl::string_view meeting_id) = 0;

  // Signature requests: one per (meeting, order). ALREADY_EXISTS for a
  // second with the same order.
  virtual absl::Status InsertSignatureRequest(const SignatureRequestRecord& r) = 0;
  // Replaces the request's body and state (NOT_FOUND without one).
  virtual absl::Status UpdateSignatureRequest(const v1::SignatureRequest& r) = 0;
  virtual absl::StatusOr<SignatureRequestRecord> GetSignatureRequest(absl::string_view id) = 0;
  // The meeting's requests by order.
  virtual absl::StatusOr<std::vector<SignatureRequestRecord>> ListSignatureRequests(
      absl::string_view meeting_id) = 0;
  // The user's requests in every meeting, newest first.
  virtual absl::StatusOr<std::vector<SignatureRequestRecord>> ListSignatureRequestsOf(
      absl::string_view signer_user_id) = 0;
  // Removes the meeting's requests (a new round after a decline).
  virtual absl::Status DeleteSignatureRequests(absl::string_view meeting_id) = 0;

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

  // ForgetHistory
  //
  // Folds the write-ahead log into the database file and truncates it, so no
  // earlier image of a page is left in the files (after a secret poll
  // closes). Waits for readers for a while; UNAVAILABLE if they never let go.
  virtual absl::Status ForgetHistory() = 0;

  // SetEventListener
  //
  // `listener` hears of every event after its transaction commits, in
  // commit order. Set it before serving.
  virtual void SetEventListener(EventListener listener) = 0;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_STORE_STORE_H_
