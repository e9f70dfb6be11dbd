// What most integration tests set up through the API: an organisation with
// its people logged in, meetings in a chosen state, and WatchMeeting streams.
#ifndef HOPSO_TESTS_INTEGRATION_FIXTURES_H_
#define HOPSO_TESTS_INTEGRATION_FIXTURES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "hopso/v1/annotation.grpc.pb.h"
#include "hopso/v1/attendance.grpc.pb.h"
#include "hopso/v1/document.grpc.pb.h"
#include "hopso/v1/speaker.grpc.pb.h"
#include "hopso/v1/voting.grpc.pb.h"
#include "pdf/meeting_pdfs.h"
#include "server/store/store.h"
#include "server/util/status_macros.h"
#include "tests/integration/hopsod_process.h"

// ASSERT_OK(status), EXPECT_OK(status), ASSERT_OK_AND_ASSIGN(lhs, statusor):
// Debian's Abseil ships no status matchers.
#define EXPECT_OK(expr) EXPECT_TRUE(::hopso::integration::StatusIsOk(expr))
#define ASSERT_OK(expr) ASSERT_TRUE(::hopso::integration::StatusIsOk(expr))
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  HOPSO_ASSERT_OK_AND_ASSIGN_IMPL_(HOPSO_CONCAT_(hopso_assert_statusor_, __LINE__), lhs, expr)
#define HOPSO_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr)       \
  auto statusor = (expr);                                           \
  ASSERT_TRUE(::hopso::integration::StatusIsOk(statusor.status())); \
  lhs = *std::move(statusor)

namespace hopso::integration {

inline ::testing::AssertionResult StatusIsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status;
}
template <typename T>
::testing::AssertionResult StatusIsOk(const absl::StatusOr<T>& status_or) {
  return StatusIsOk(status_or.status());
}

// IsRefused
//
// Success when `status` has `code` and a message that names what went wrong:
// it contains (ignoring case) at least one of `words`, or, with no words, is
// not empty. Example:
//   EXPECT_TRUE(IsRefused(CheckIn(...).status(), absl::StatusCode::kPermissionDenied,
//                         {"another meeting"}));
::testing::AssertionResult IsRefused(const absl::Status& status, absl::StatusCode code,
                                     const std::vector<absl::string_view>& words = {});

// NamesNumber: `text` has `n` as a whole number (not as part of another).
bool NamesNumber(absl::string_view text, int64_t n);

// HopsodTest
//
// A fixture whose every test gets its own server on a fresh data directory.
class HopsodTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<HopsodProcess>> server = HopsodProcess::Start();
    ASSERT_OK(server);
    server_ = *std::move(server);
  }

  std::unique_ptr<HopsodProcess> server_;
};

// Call
//
// One unary call with a fresh context: the response, or the call's status.
// Example:
//   absl::StatusOr<v1::Meeting> meeting =
//       Call(*client.meetings, &v1::MeetingService::Stub::GetMeeting, request);
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(Stub& stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  grpc::ClientContext context;
  Response response;
  const grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return ToAbslStatus(status);
  return response;
}

// Cast
//
// An organisation and its people, each logged in: the admin, a secretary
// (thư ký) who creates the meetings, and three members who take the chair,
// delegate and guest roles in them.
struct Cast {
  v1::Organization org;
  Client admin;
  Client secretary;
  Client chair;
  Client delegate;
  Client guest;
};

// MakeCast
//
// Creates the organisation `org_name` and its users (usernames start with
// `prefix`, so that several casts fit in one server), and logs them in.
absl::StatusOr<Cast> MakeCast(const HopsodProcess& server, absl::string_view org_name,
                              absl::string_view prefix);

// NewUser
//
// `admin` creates a user with password kPassword.
absl::StatusOr<v1::User> NewUser(Client& admin, absl::string_view organization_id,
                                 absl::string_view username, absl::string_view full_name,
                                 v1::UserRole role);

// What MakeMeeting does beyond its defaults.
struct MeetingExtras {
  // Invited as delegates too, before the meeting is published.
  std::vector<std::string> delegate_ids;
  // The scheduled start; unset: 24 hours from now.
  std::optional<absl::Time> start;
};

// MakeMeeting
//
// The cast's secretary creates a meeting, adds two agenda items, invites the
// chair, the delegate and the guest (and `extras.delegate_ids`), and brings
// it to `state` (published and archived by the secretary, started and ended
// by the chair).
absl::StatusOr<v1::Meeting> MakeMeeting(Cast& cast, v1::MeetingState state,
                                        absl::string_view title = "Họp giao ban tháng",
                                        const MeetingExtras& extras = {});

// Reads the meeting through `client`.
absl::StatusOr<v1::Meeting> GetMeeting(Client& client, absl::string_view meeting_id);
absl::StatusOr<v1::Agenda> GetAgenda(Client& client, absl::string_view meeting_id);
absl::StatusOr<v1::Agenda> AddAgendaItem(Client& client, absl::string_view meeting_id,
                                         absl::string_view title, absl::string_view parent_id = "");

// Watcher
//
// One WatchMeeting stream. Example:
//   Watcher watcher(delegate, meeting.id(), /*after_seq=*/0);
//   v1::MeetingEvent event;
//   while (watcher.Next(&event)) { ... }
//   absl::Status ended = watcher.Finish();
class Watcher {
 public:
  Watcher(Client& client, absl::string_view meeting_id, int64_t after_seq);
  // Cancels and finishes a stream still open, e.g. after a failed ASSERT.
  ~Watcher();

  // The next event; false once the stream has ended (then call Finish()).
  bool Next(v1::MeetingEvent* event);
  // Cancels the call, as a tablet losing its connection would.
  void Cancel() { context_.TryCancel(); }
  // The stream's final status; after Cancel(), CANCELLED. Call it once.
  absl::Status Finish();

 private:
  bool finished_ = false;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::MeetingEvent>> reader_;
};

// ToStoredEvent
//
// The event as the store keeps it, for ChainHash(). The body is serialized
// again: the server serialized it with the same generated code.
server::StoredEvent ToStoredEvent(const v1::MeetingEvent& event);

// CheckChain
//
// OK when `events` carry contiguous seqs and each hash chains to the one
// before it, starting from `previous_hash` (the hash of the event before the
// first, or GenesisHash()).
absl::Status CheckChain(absl::string_view previous_hash,
                        const std::vector<v1::MeetingEvent>& events);

// --- Documents ---------------------------------------------------------------

// The chunk size uploads use unless told otherwise.
inline constexpr size_t kUploadChunkBytes = 1 << 20;

// Documents
//
// A DocumentService stub on the client's channel.
std::unique_ptr<v1::DocumentService::Stub> Documents(Client& client);

// UploadRequest
//
// A StartUploadRequest under a fresh upload id that declares `bytes` (their
// size and SHA-256) as a new document of the meeting.
v1::StartUploadRequest UploadRequest(absl::string_view meeting_id, absl::string_view title,
                                     absl::string_view filename, absl::string_view bytes);

// SendChunks
//
// One UploadChunks stream carrying bytes [from, bytes.size()) of `bytes`, in
// chunks of `chunk_bytes` at their offsets: the state the server returned, or
// the stream's status.
absl::StatusOr<v1::UploadState> SendChunks(Client& client, absl::string_view upload_id,
                                           absl::string_view bytes, int64_t from = 0,
                                           size_t chunk_bytes = kUploadChunkBytes);

// Upload / UploadDocument
//
// StartUpload with `request`, SendChunks of `bytes`, FinishUpload: the new
// document (or version), or the status of the first step that failed, its
// message prefixed with the step's name.
absl::StatusOr<v1::Document> Upload(Client& client, const v1::StartUploadRequest& request,
                                    absl::string_view bytes,
                                    size_t chunk_bytes = kUploadChunkBytes);
absl::StatusOr<v1::Document> UploadDocument(Client& client, absl::string_view meeting_id,
                                            absl::string_view title, absl::string_view bytes,
                                            absl::string_view agenda_item_id = "");

// Downloaded / Download
//
// A Download stream read to its end, or until `stop_after` bytes have arrived
// when it is not negative (the call is cancelled then, as a tablet losing its
// connection would). The chunks must be contiguous from `offset`: DATA_LOSS
// otherwise. The first chunk's size_bytes and sha256 are kept.
struct Downloaded {
  int64_t size_bytes = 0;
  std::string sha256;
  std::string data;
  std::vector<size_t> chunk_sizes;
};
absl::StatusOr<Downloaded> Download(Client& client, absl::string_view document_id,
                                    absl::string_view sha256 = "", int64_t offset = 0,
                                    int64_t stop_after = -1);

// The meeting's documents that `client` may see, over all pages.
absl::StatusOr<std::vector<v1::Document>> ListDocuments(Client& client,
                                                        absl::string_view meeting_id);

// StoredBlobs
//
// The files of the server's blob store (DATA_DIR/blobs/ab/cdef..., named by
// the hex SHA-256 of their content), as "abcdef..." names.
std::vector<std::string> StoredBlobs(const HopsodProcess& server);

// DemoPdf
//
// The bytes of a Vietnamese administrative document of `pages` pages from
// pdf::WriteDemoDocument, about `title`. Throws (failing the test) when it
// cannot be written.
std::string DemoPdf(const HopsodProcess& server, absl::string_view title, int pages,
                    pdf::DemoDocKind kind = pdf::DemoDocKind::kToTrinh);

// ScratchFile
//
// Writes `bytes` to a new file in the server's scratch directory (for the
// command-line oracles) and returns its path.
std::string ScratchFile(const HopsodProcess& server, absl::string_view bytes,
                        absl::string_view suffix = ".pdf");

// --- Annotations -------------------------------------------------------------

// An AnnotationService stub on the client's channel.
std::unique_ptr<v1::AnnotationService::Stub> Annotations(Client& client);

// ExportAnnotatedCopy read to its end as Download() reads a download.
absl::StatusOr<Downloaded> ExportAnnotatedCopy(Client& client,
                                               const v1::ExportAnnotatedCopyRequest& request);

// --- Attendance, polls and requests to speak ----------------------------------

std::unique_ptr<v1::AttendanceService::Stub> AttendanceStub(Client& client);
std::unique_ptr<v1::VotingService::Stub> VotingStub(Client& client);
std::unique_ptr<v1::SpeakerService::Stub> SpeakerStub(Client& client);

// Assembly
//
// A meeting with `members` members: the cast's chair and delegate and
// `members - 2` more delegates, all logged in, plus the cast's secretary and
// guest. Built by MakeAssembly.
struct Assembly {
  Cast cast;
  // The delegates beyond cast.delegate.
  std::vector<Client> others;
  v1::Meeting meeting;
  // The agenda's first item, made current.
  std::string item_id;

  const std::string& id() const { return meeting.id(); }
  // The chair, cast.delegate, then the others: everyone who votes and counts
  // for quorum.
  std::vector<Client*> Members();
};

struct AssemblyOptions {
  int members = 5;
  // The scheduled start; unset: 24 hours from now (nobody arrives late).
  std::optional<absl::Time> start;
};

// MakeAssembly
//
// The organisation and its people (MakeCast), the meeting (MakeMeeting) in
// progress, and its first item made current by the chair.
absl::StatusOr<std::unique_ptr<Assembly>> MakeAssembly(const HopsodProcess& server,
                                                       const AssemblyOptions& options = {});

// The calls most tests make, each with a fresh context.
absl::StatusOr<v1::AttendanceRecord> CheckIn(Client& client, absl::string_view meeting_id,
                                             absl::string_view room_code, bool online = false);
absl::StatusOr<v1::AttendanceRecord> MarkAttendance(Client& secretary, absl::string_view meeting_id,
                                                    absl::string_view user_id,
                                                    v1::AttendanceStatus status,
                                                    absl::string_view reason = "",
                                                    bool late = false);
absl::StatusOr<v1::Attendance> GetAttendance(Client& client, absl::string_view meeting_id);
// The secretary marks every one of `people` present.
absl::Status MarkPresent(Client& secretary, absl::string_view meeting_id,
                         const std::vector<Client*>& people);
absl::StatusOr<v1::Proxy> GiveProxy(Client& secretary, absl::string_view meeting_id,
                                    absl::string_view giver_id, absl::string_view holder_id);

// A VotingService call that names a poll: OpenPoll, ClosePoll, GetPoll,
// ListBallots, GetMyVotingRights.
template <typename Response>
absl::StatusOr<Response> PollCall(Client& client,
                                  grpc::Status (v1::VotingService::Stub::*method)(
                                      grpc::ClientContext*, const v1::PollRequest&, Response*),
                                  const v1::Poll& poll) {
  v1::PollRequest request;
  request.set_meeting_id(poll.meeting_id());
  request.set_poll_id(poll.id());
  return Call(*VotingStub(client), method, request);
}
absl::StatusOr<v1::CastBallotResponse> CastBallot(Client& voter, const v1::Poll& poll,
                                                  absl::string_view ballot_id,
                                                  const std::vector<std::string>& option_ids,
                                                  absl::string_view on_behalf_of = "");
// A ballot id as a tablet makes one: 16 random bytes, base64url (22 characters).
std::string NewBallotId();

// ReadLog
//
// The meeting's events after `after_seq` up to its head at the time of the
// call, read through WatchMeeting.
absl::StatusOr<std::vector<v1::MeetingEvent>> ReadLog(Client& client, absl::string_view meeting_id,
                                                      int64_t after_seq = 0);

// NextEventWith
//
// Reads `watcher` until an event for which `wanted` holds, which it returns
// (skipping the others); an error when the stream ends first.
absl::StatusOr<v1::MeetingEvent> NextEventWith(
    Watcher& watcher, const std::function<bool(const v1::MeetingEvent&)>& wanted);

// --- SQLite, read directly -----------------------------------------------------

// One cell as SQLite returned it.
struct SqlValue {
  int type = 0;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // text or blob
};
using SqlRow = std::vector<SqlValue>;

// QueryDatabase
//
// Runs `sql` with ?1, ?2, ... bound to `params` (as text) on the SQLite file
// at `path`, opened read-only (the server may be running on it), and returns
// every row.
absl::StatusOr<std::vector<SqlRow>> QueryDatabase(const std::string& path, const std::string& sql,
                                                  const std::vector<std::string>& params = {});

}  // namespace hopso::integration

#endif  // HOPSO_TESTS_INTEGRATION_FIXTURES_H_
