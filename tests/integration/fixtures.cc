#include "tests/integration/fixtures.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "pdf/internal/test_tools.h"
#include "server/store/event_chain.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::integration {
namespace {

absl::Status Annotate(absl::string_view what, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

absl::Status Lifecycle(Client& client,
                       grpc::Status (v1::MeetingService::Stub::*method)(
                           grpc::ClientContext*, const v1::MeetingLifecycleRequest&, v1::Meeting*),
                       absl::string_view meeting_id) {
  v1::MeetingLifecycleRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*client.meetings, method, request).status();
}

}  // namespace

::testing::AssertionResult IsRefused(const absl::Status& status, absl::StatusCode code,
                                     const std::vector<absl::string_view>& words) {
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << absl::StatusCodeToString(code) << ", got " << status;
  }
  if (status.message().empty()) return ::testing::AssertionFailure() << "no message: " << status;
  if (words.empty()) return ::testing::AssertionSuccess();
  const std::string message = absl::AsciiStrToLower(status.message());
  for (absl::string_view word : words) {
    if (absl::StrContains(message, absl::AsciiStrToLower(word))) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "the message of " << status << " names none of: " << absl::StrJoin(words, ", ");
}

bool NamesNumber(absl::string_view text, int64_t n) {
  const std::string digits = absl::StrCat(n);
  for (size_t at = text.find(digits); at != absl::string_view::npos;
       at = text.find(digits, at + 1)) {
    const size_t end = at + digits.size();
    if ((at == 0 || !absl::ascii_isdigit(text[at - 1])) &&
        (end == text.size() || !absl::ascii_isdigit(text[end]))) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<v1::User> NewUser(Client& admin, absl::string_view organization_id,
                                 absl::string_view username, absl::string_view full_name,
                                 v1::UserRole role) {
  v1::CreateUserRequest request;
  request.mutable_user()->set_organization_id(std::string(organization_id));
  request.mutable_user()->set_username(std::string(username));
  request.mutable_user()->set_full_name(std::string(full_name));
  request.mutable_user()->set_role(role);
  request.set_password(kPassword);
  absl::StatusOr<v1::User> user =
      Call(*admin.directory, &v1::DirectoryService::Stub::CreateUser, request);
  if (!user.ok()) return Annotate(absl::StrCat("CreateUser ", username), user.status());
  return user;
}

absl::StatusOr<Cast> MakeCast(const HopsodProcess& server, absl::string_view org_name,
                              absl::string_view prefix) {
  Cast cast;
  ASSIGN_OR_RETURN(cast.admin, server.Login(kAdminUsername));
  v1::CreateOrganizationRequest org;
  org.set_name(std::string(org_name));
  ASSIGN_OR_RETURN(
      cast.org, Call(*cast.admin.directory, &v1::DirectoryService::Stub::CreateOrganization, org));
  struct Person {
    Client* client;
    absl::string_view role_name;
    absl::string_view full_name;
    v1::UserRole role;
  };
  const Person people[] = {
      {&cast.secretary, "secretary", "Nguyễn Thị Thư", v1::USER_ROLE_SECRETARY},
      {&cast.chair, "chair", "Trần Văn Chủ", v1::USER_ROLE_MEMBER},
      {&cast.delegate, "delegate", "Lê Thị Đại Biểu", v1::USER_ROLE_MEMBER},
      {&cast.guest, "guest", "Phạm Quốc Khách", v1::USER_ROLE_MEMBER},
  };
  for (const Person& person : people) {
    const std::string username = absl::StrCat(prefix, person.role_name);
    RETURN_IF_ERROR(
        NewUser(cast.admin, cast.org.id(), username, person.full_name, person.role).status());
    ASSIGN_OR_RETURN(*person.client, server.Login(username));
  }
  return cast;
}

absl::StatusOr<v1::Meeting> MakeMeeting(Cast& cast, v1::MeetingState state, absl::string_view title,
                                        const MeetingExtras& extras) {
  v1::CreateMeetingRequest create;
  create.set_organization_id(cast.org.id());
  create.set_title(std::string(title));
  create.set_place("Phòng họp số 1, tầng 3");
  const int64_t start = absl::ToUnixMicros(extras.start.value_or(absl::Now() + absl::Hours(24)));
  create.mutable_start_time()->set_unix_micros(start);
  create.mutable_end_time()->set_unix_micros(start + absl::ToInt64Microseconds(absl::Hours(2)));
  absl::StatusOr<v1::Meeting> meeting =
      Call(*cast.secretary.meetings, &v1::MeetingService::Stub::CreateMeeting, create);
  if (!meeting.ok()) return Annotate("CreateMeeting", meeting.status());
  const std::string& id = meeting->id();
  RETURN_IF_ERROR(
      Annotate("AddAgendaItem", AddAgendaItem(cast.secretary, id, "Khai mạc").status()));
  RETURN_IF_ERROR(
      Annotate("AddAgendaItem", AddAgendaItem(cast.secretary, id, "Thảo luận").status()));
  const std::pair<Client*, v1::MeetingRole> invited[] = {
      {&cast.chair, v1::MEETING_ROLE_CHAIR},
      {&cast.delegate, v1::MEETING_ROLE_DELEGATE},
      {&cast.guest, v1::MEETING_ROLE_GUEST},
  };
  std::vector<std::pair<std::string, v1::MeetingRole>> participants;
  for (const auto& [client, role] : invited) participants.emplace_back(client->user.id(), role);
  for (const std::string& user_id : extras.delegate_ids) {
    participants.emplace_back(user_id, v1::MEETING_ROLE_DELEGATE);
  }
  for (const auto& [user_id, role] : participants) {
    v1::AddParticipantRequest add;
    add.set_meeting_id(id);
    add.set_user_id(user_id);
    add.set_role(role);
    RETURN_IF_ERROR(Annotate(
        "AddParticipant",
        Call(*cast.secretary.meetings, &v1::MeetingService::Stub::AddParticipant, add).status()));
  }
  using Stub = v1::MeetingService::Stub;
  const struct {
    v1::MeetingState reached;
    Client* by;
    grpc::Status (Stub::*method)(grpc::ClientContext*, const v1::MeetingLifecycleRequest&,
                                 v1::Meeting*);
  } steps[] = {
      {v1::MEETING_STATE_PUBLISHED, &cast.secretary, &Stub::PublishMeeting},
      {v1::MEETING_STATE_IN_PROGRESS, &cast.chair, &Stub::StartMeeting},
      {v1::MEETING_STATE_ENDED, &cast.chair, &Stub::EndMeeting},
      {v1::MEETING_STATE_ARCHIVED, &cast.secretary, &Stub::ArchiveMeeting},
  };
  for (const auto& step : steps) {
    if (step.reached > state) break;
    RETURN_IF_ERROR(Annotate(absl::StrCat("moving the meeting to state ", step.reached),
                             Lifecycle(*step.by, step.method, id)));
  }
  return GetMeeting(cast.secretary, id);
}

absl::StatusOr<v1::Meeting> GetMeeting(Client& client, absl::string_view meeting_id) {
  v1::GetMeetingRequest request;
  request.set_id(std::string(meeting_id));
  return Call(*client.meetings, &v1::MeetingService::Stub::GetMeeting, request);
}

absl::StatusOr<v1::Agenda> GetAgenda(Client& client, absl::string_view meeting_id) {
  v1::GetAgendaRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*client.meetings, &v1::MeetingService::Stub::GetAgenda, request);
}

absl::StatusOr<v1::Agenda> AddAgendaItem(Client& client, absl::string_view meeting_id,
                                         absl::string_view title, absl::string_view parent_id) {
  v1::AddAgendaItemRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_parent_id(std::string(parent_id));
  request.set_title(std::string(title));
  request.set_index(-1);
  return Call(*client.meetings, &v1::MeetingService::Stub::AddAgendaItem, request);
}

Watcher::Watcher(Client& client, absl::string_view meeting_id, int64_t after_seq) {
  v1::WatchMeetingRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_after_seq(after_seq);
  reader_ = client.meetings->WatchMeeting(&context_, request);
}

Watcher::~Watcher() {
  if (finished_) return;
  Cancel();
  v1::MeetingEvent ignored;
  while (Next(&ignored)) {
  }
  Finish().IgnoreError();
}

bool Watcher::Next(v1::MeetingEvent* event) { return reader_->Read(event); }

absl::Status Watcher::Finish() {
  finished_ = true;
  return ToAbslStatus(reader_->Finish());
}

server::StoredEvent ToStoredEvent(const v1::MeetingEvent& event) {
  server::StoredEvent stored;
  stored.meeting_id = event.meeting_id();
  stored.seq = event.seq();
  stored.time_micros = event.time().unix_micros();
  stored.actor_user_id = event.actor_user_id();
  stored.body = event.body().SerializeAsString();
  stored.hash = event.hash();
  return stored;
}

absl::Status CheckChain(absl::string_view previous_hash,
                        const std::vector<v1::MeetingEvent>& events) {
  std::string previous(previous_hash);
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::MeetingEvent& event = events[i];
    if (i > 0 && event.seq() != events[i - 1].seq() + 1) {
      return absl::DataLossError(
          absl::StrCat("event ", event.seq(), " follows event ", events[i - 1].seq()));
    }
    if (server::ChainHash(previous, ToStoredEvent(event)) != event.hash()) {
      return absl::DataLossError(
          absl::StrCat("event ", event.seq(), " does not chain to the one before it"));
    }
    previous = event.hash();
  }
  return absl::OkStatus();
}

std::unique_ptr<v1::DocumentService::Stub> Documents(Client& client) {
  return v1::DocumentService::NewStub(client.channel);
}

v1::StartUploadRequest UploadRequest(absl::string_view meeting_id, absl::string_view title,
                                     absl::string_view filename, absl::string_view bytes) {
  v1::StartUploadRequest request;
  request.set_upload_id(server::NewId());
  request.set_meeting_id(std::string(meeting_id));
  request.set_title(std::string(title));
  request.set_filename(std::string(filename));
  request.set_size_bytes(static_cast<int64_t>(bytes.size()));
  request.set_sha256(server::Sha256(bytes));
  return request;
}

absl::StatusOr<v1::UploadState> SendChunks(Client& client, absl::string_view upload_id,
                                           absl::string_view bytes, int64_t from,
                                           size_t chunk_bytes) {
  std::unique_ptr<v1::DocumentService::Stub> stub = Documents(client);
  grpc::ClientContext context;
  v1::UploadState state;
  std::unique_ptr<grpc::ClientWriter<v1::UploadChunk>> writer =
      stub->UploadChunks(&context, &state);
  // At least one chunk, even an empty one: the first names the upload.
  size_t at = static_cast<size_t>(from);
  do {
    v1::UploadChunk chunk;
    if (at == static_cast<size_t>(from)) chunk.set_upload_id(std::string(upload_id));
    chunk.set_offset(static_cast<int64_t>(at));
    const size_t n = std::min(chunk_bytes, bytes.size() - std::min(at, bytes.size()));
    chunk.set_data(std::string(bytes.substr(std::min(at, bytes.size()), n)));
    at += n;
    // false: the server has ended the call; Finish() says why.
    if (!writer->Write(chunk)) break;
  } while (at < bytes.size());
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return ToAbslStatus(status);
  return state;
}

absl::StatusOr<v1::Document> Upload(Client& client, const v1::StartUploadRequest& request,
                                    absl::string_view bytes, size_t chunk_bytes) {
  std::unique_ptr<v1::DocumentService::Stub> stub = Documents(client);
  absl::StatusOr<v1::UploadState> started =
      Call(*stub, &v1::DocumentService::Stub::StartUpload, request);
  if (!started.ok()) return Annotate("StartUpload", started.status());
  absl::StatusOr<v1::UploadState> sent =
      SendChunks(client, request.upload_id(), bytes, started->received_bytes(), chunk_bytes);
  if (!sent.ok()) return Annotate("UploadChunks", sent.status());
  v1::FinishUploadRequest finish;
  finish.set_upload_id(request.upload_id());
  absl::StatusOr<v1::Document> document =
      Call(*stub, &v1::DocumentService::Stub::FinishUpload, finish);
  if (!document.ok()) return Annotate("FinishUpload", document.status());
  return document;
}

absl::StatusOr<v1::Document> UploadDocument(Client& client, absl::string_view meeting_id,
                                            absl::string_view title, absl::string_view bytes,
                                            absl::string_view agenda_item_id) {
  v1::StartUploadRequest request =
      UploadRequest(meeting_id, title, absl::StrCat(title, ".pdf"), bytes);
  request.set_agenda_item_id(std::string(agenda_item_id));
  return Upload(client, request, bytes);
}

namespace {

// Reads a stream of DownloadChunks (Download, ExportAnnotatedCopy) as
// Download() describes.
absl::StatusOr<Downloaded> ReadChunks(grpc::ClientContext& context,
                                      grpc::ClientReader<v1::DownloadChunk>& reader, int64_t offset,
                                      int64_t stop_after) {
  Downloaded downloaded;
  absl::Status problem;
  bool stopped = false;
  v1::DownloadChunk chunk;
  while (reader.Read(&chunk)) {
    const int64_t expected = offset + static_cast<int64_t>(downloaded.data.size());
    if (chunk.offset() != expected) {
      problem = absl::DataLossError(
          absl::StrCat("a chunk at offset ", chunk.offset(), " where ", expected, " was due"));
      break;
    }
    if (downloaded.chunk_sizes.empty()) {
      downloaded.size_bytes = chunk.size_bytes();
      downloaded.sha256 = chunk.sha256();
    }
    downloaded.chunk_sizes.push_back(chunk.data().size());
    downloaded.data += chunk.data();
    if (stop_after >= 0 && static_cast<int64_t>(downloaded.data.size()) >= stop_after) {
      stopped = true;
      break;
    }
  }
  if (!problem.ok() || stopped) {
    context.TryCancel();
    while (reader.Read(&chunk)) {
    }
    reader.Finish();  // CANCELLED, or OK when the stream had just ended
    if (!problem.ok()) return problem;
    return downloaded;
  }
  const grpc::Status status = reader.Finish();
  if (!status.ok()) return ToAbslStatus(status);
  if (downloaded.chunk_sizes.empty()) {
    return absl::DataLossError("the stream ended without a chunk (the first carries the size)");
  }
  return downloaded;
}

}  // namespace

absl::StatusOr<Downloaded> Download(Client& client, absl::string_view document_id,
                                    absl::string_view sha256, int64_t offset, int64_t stop_after) {
  std::unique_ptr<v1::DocumentService::Stub> stub = Documents(client);
  grpc::ClientContext context;
  v1::DownloadRequest request;
  request.set_document_id(std::string(document_id));
  request.set_sha256(std::string(sha256));
  request.set_offset(offset);
  std::unique_ptr<grpc::ClientReader<v1::DownloadChunk>> reader = stub->Download(&context, request);
  return ReadChunks(context, *reader, offset, stop_after);
}

absl::StatusOr<std::vector<v1::Document>> ListDocuments(Client& client,
                                                        absl::string_view meeting_id) {
  std::unique_ptr<v1::DocumentService::Stub> stub = Documents(client);
  std::vector<v1::Document> documents;
  v1::ListDocumentsRequest request;
  request.set_meeting_id(std::string(meeting_id));
  do {
    ASSIGN_OR_RETURN(v1::ListDocumentsResponse page,
                     Call(*stub, &v1::DocumentService::Stub::ListDocuments, request));
    for (v1::Document& document : *page.mutable_documents()) {
      documents.push_back(std::move(document));
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return documents;
}

std::vector<std::string> StoredBlobs(const HopsodProcess& server) {
  std::vector<std::string> blobs;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(
           absl::StrCat(server.data_dir(), "/blobs"), error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file()) continue;
    const std::filesystem::path& path = it->path();
    blobs.push_back(absl::StrCat(path.parent_path().filename().string(), path.filename().string()));
  }
  std::sort(blobs.begin(), blobs.end());
  return blobs;
}

std::string DemoPdf(const HopsodProcess& server, absl::string_view title, int pages,
                    pdf::DemoDocKind kind) {
  pdf::DemoDocSpec spec;
  spec.header.organisation = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM";
  spec.header.number = "Số: 125/TTr-UBND";
  spec.header.place_and_date = "Quảng Nam, ngày 12 tháng 3 năm 2025";
  spec.kind = kind;
  spec.title = std::string(title);
  spec.pages = pages;
  const std::string path = absl::StrCat(server.scratch_dir(), "/demo-", server::NewId(), ".pdf");
  const absl::Status written = pdf::WriteDemoDocument(spec, path);
  if (!written.ok()) throw std::runtime_error(written.ToString());
  return pdf::testing::ReadFileOrDie(path);
}

std::string ScratchFile(const HopsodProcess& server, absl::string_view bytes,
                        absl::string_view suffix) {
  const std::string path = absl::StrCat(server.scratch_dir(), "/scratch-", server::NewId(), suffix);
  pdf::testing::WriteFileOrDie(path, std::string(bytes));
  return path;
}

// --- Annotations -------------------------------------------------------------

std::unique_ptr<v1::AnnotationService::Stub> Annotations(Client& client) {
  return v1::AnnotationService::NewStub(client.channel);
}

absl::StatusOr<Downloaded> ExportAnnotatedCopy(Client& client,
                                               const v1::ExportAnnotatedCopyRequest& request) {
  std::unique_ptr<v1::AnnotationService::Stub> stub = Annotations(client);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::DownloadChunk>> reader =
      stub->ExportAnnotatedCopy(&context, request);
  return ReadChunks(context, *reader, 0, -1);
}

// --- Attendance, polls and requests to speak ----------------------------------

std::unique_ptr<v1::AttendanceService::Stub> AttendanceStub(Client& client) {
  return v1::AttendanceService::NewStub(client.channel);
}

std::unique_ptr<v1::VotingService::Stub> VotingStub(Client& client) {
  return v1::VotingService::NewStub(client.channel);
}

std::unique_ptr<v1::SpeakerService::Stub> SpeakerStub(Client& client) {
  return v1::SpeakerService::NewStub(client.channel);
}

std::vector<Client*> Assembly::Members() {
  std::vector<Client*> members = {&cast.chair, &cast.delegate};
  for (Client& other : others) members.push_back(&other);
  return members;
}

absl::StatusOr<std::unique_ptr<Assembly>> MakeAssembly(const HopsodProcess& server,
                                                       const AssemblyOptions& options) {
  auto assembly = std::make_unique<Assembly>();
  ASSIGN_OR_RETURN(assembly->cast, MakeCast(server, "Ủy ban nhân dân tỉnh Quảng Ngãi", ""));
  MeetingExtras extras;
  extras.start = options.start;
  for (int i = 1; i + 2 <= options.members; ++i) {
    const std::string username = absl::StrCat("daibieu", i);
    ASSIGN_OR_RETURN(v1::User user,
                     NewUser(assembly->cast.admin, assembly->cast.org.id(), username,
                             absl::StrCat("Đại biểu Nguyễn Văn ", i), v1::USER_ROLE_MEMBER));
    ASSIGN_OR_RETURN(Client client, server.Login(username));
    extras.delegate_ids.push_back(user.id());
    assembly->others.push_back(std::move(client));
  }
  ASSIGN_OR_RETURN(assembly->meeting, MakeMeeting(assembly->cast, v1::MEETING_STATE_IN_PROGRESS,
                                                  "Kỳ họp thường lệ", extras));
  ASSIGN_OR_RETURN(v1::Agenda agenda, GetAgenda(assembly->cast.secretary, assembly->id()));
  assembly->item_id = agenda.items(0).id();
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(assembly->id());
  current.set_item_id(assembly->item_id);
  ASSIGN_OR_RETURN(assembly->meeting, Call(*assembly->cast.chair.meetings,
                                           &v1::MeetingService::Stub::SetCurrentItem, current));
  return assembly;
}

absl::StatusOr<v1::AttendanceRecord> CheckIn(Client& client, absl::string_view meeting_id,
                                             absl::string_view room_code, bool online) {
  v1::CheckInRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_room_code(std::string(room_code));
  request.set_online(online);
  return Call(*AttendanceStub(client), &v1::AttendanceService::Stub::CheckIn, request);
}

absl::StatusOr<v1::AttendanceRecord> MarkAttendance(Client& secretary, absl::string_view meeting_id,
                                                    absl::string_view user_id,
                                                    v1::AttendanceStatus status,
                                                    absl::string_view reason, bool late) {
  v1::MarkAttendanceRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_user_id(std::string(user_id));
  request.set_status(status);
  request.set_reason(std::string(reason));
  request.set_late(late);
  return Call(*AttendanceStub(secretary), &v1::AttendanceService::Stub::MarkAttendance, request);
}

absl::StatusOr<v1::Attendance> GetAttendance(Client& client, absl::string_view meeting_id) {
  v1::GetAttendanceRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*AttendanceStub(client), &v1::AttendanceService::Stub::GetAttendance, request);
}

absl::Status MarkPresent(Client& secretary, absl::string_view meeting_id,
                         const std::vector<Client*>& people) {
  for (Client* person : people) {
    RETURN_IF_ERROR(Annotate(
        absl::StrCat("MarkAttendance ", person->user.username()),
        MarkAttendance(secretary, meeting_id, person->user.id(), v1::ATTENDANCE_STATUS_PRESENT)
            .status()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Proxy> GiveProxy(Client& secretary, absl::string_view meeting_id,
                                    absl::string_view giver_id, absl::string_view holder_id) {
  v1::GiveProxyRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_giver_user_id(std::string(giver_id));
  request.set_holder_user_id(std::string(holder_id));
  return Call(*AttendanceStub(secretary), &v1::AttendanceService::Stub::GiveProxy, request);
}

absl::StatusOr<v1::CastBallotResponse> CastBallot(Client& voter, const v1::Poll& poll,
                                                  absl::string_view ballot_id,
                                                  const std::vector<std::string>& option_ids,
                                                  absl::string_view on_behalf_of) {
  v1::CastBallotRequest request;
  request.set_meeting_id(poll.meeting_id());
  request.set_poll_id(poll.id());
  request.set_ballot_id(std::string(ballot_id));
  request.set_on_behalf_of(std::string(on_behalf_of));
  for (const std::string& option : option_ids) request.add_option_ids(option);
  return Call(*VotingStub(voter), &v1::VotingService::Stub::CastBallot, request);
}

std::string NewBallotId() { return server::Base64UrlEncode(server::RandomBytes(16)); }

absl::StatusOr<std::vector<v1::MeetingEvent>> ReadLog(Client& client, absl::string_view meeting_id,
                                                      int64_t after_seq) {
  ASSIGN_OR_RETURN(v1::Meeting meeting, GetMeeting(client, meeting_id));
  std::vector<v1::MeetingEvent> events;
  if (meeting.last_event_seq() <= after_seq) return events;
  Watcher watcher(client, meeting_id, after_seq);
  v1::MeetingEvent event;
  while (events.empty() || events.back().seq() < meeting.last_event_seq()) {
    if (!watcher.Next(&event)) {
      return Annotate(absl::StrCat("the log ended before event ", meeting.last_event_seq()),
                      watcher.Finish());
    }
    events.push_back(event);
  }
  return events;
}

absl::StatusOr<v1::MeetingEvent> NextEventWith(
    Watcher& watcher, const std::function<bool(const v1::MeetingEvent&)>& wanted) {
  v1::MeetingEvent event;
  while (watcher.Next(&event)) {
    if (wanted(event)) return event;
  }
  const absl::Status ended = watcher.Finish();
  return absl::DataLossError(
      absl::StrCat("the stream ended before the event awaited: ", ended.ToString()));
}

absl::StatusOr<std::vector<SqlRow>> QueryDatabase(const std::string& path, const std::string& sql,
                                                  const std::vector<std::string>& params) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    absl::Status status =
        absl::InternalError(absl::StrCat("open ", path, ": ", sqlite3_errmsg(db)));
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* stmt = nullptr;
  std::vector<SqlRow> rows;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  for (size_t i = 0; rc == SQLITE_OK && i < params.size(); ++i) {
    rc = sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].data(),
                           static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
  }
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      SqlRow row(static_cast<size_t>(sqlite3_column_count(stmt)));
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        SqlValue& value = row[static_cast<size_t>(c)];
        value.type = sqlite3_column_type(stmt, c);
        value.integer = sqlite3_column_int64(stmt, c);
        value.real = sqlite3_column_double(stmt, c);
        const void* bytes = value.type == SQLITE_TEXT
                                ? static_cast<const void*>(sqlite3_column_text(stmt, c))
                                : sqlite3_column_blob(stmt, c);
        if (bytes != nullptr) {
          value.bytes.assign(static_cast<const char*>(bytes),
                             static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
        }
      }
      rows.push_back(std::move(row));
    }
  }
  absl::Status status = rc == SQLITE_DONE
                            ? absl::OkStatus()
                            : absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!status.ok()) return status;
  return rows;
}

}  // namespace hopso::integration
