// demo seed (load the demo organisation, people and a published meeting) and
// demo play (run a whole meeting through the API while a delegate watches).
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/demo_documents.h"
#include "server/ctl/demo_minutes.h"
#include "server/ctl/demo_script.h"
#include "server/ctl/demo_votes.h"
#include "server/ctl/files.h"
#include "server/ctl/flags.h"
#include "server/ctl/format.h"
#include "server/ctl/meeting_text.h"
#include "server/ctl/transfer.h"
#include "server/domain/meeting_lifecycle.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using MeetingStub = v1::MeetingService::Stub;

constexpr char kPlace[] = "Phòng họp số 1, Trụ sở UBND tỉnh, 62 Hùng Vương, TP. Tam Kỳ";
// How long the watcher may lag behind the last event before play gives up.
constexpr absl::Duration kWatcherCatchUp = absl::Seconds(30);

DemoMeetingSpec SeedMeeting() {
  return {"Phiên họp thường kỳ UBND tỉnh tháng 12/2026", kPlace, "2026-12-03T08:00",
          "2026-12-03T11:30"};
}

DemoMeetingSpec PlayMeeting() {
  return {"Phiên họp thường kỳ UBND tỉnh tháng 12/2026 (diễn tập / rehearsal)", kPlace,
          "2026-12-03T08:00", "2026-12-03T11:30"};
}

void SayLogins(const DemoCast& cast, Transcript& transcript) {
  transcript.Say("Tài khoản demo / demo accounts (username, password):");
  // printf pads bytes, not letters: the roles are padded by hand.
  auto say = [&](absl::string_view role, const DemoAccount& a) {
    transcript.Say(absl::StrFormat("  %s %-14s %-20s %s, %s, %s", role, a.username, a.password,
                                   a.full_name, a.title, a.unit));
  };
  say("thư ký  ", cast.secretary);
  say("chủ tọa ", cast.chair);
  for (const DemoAccount& delegate : cast.delegates) say("đại biểu", delegate);
}

absl::StatusOr<std::string> FindOrganization(const Client& admin, absl::string_view name) {
  std::string id;
  RETURN_IF_ERROR(admin.ForEachPage(&v1::DirectoryService::Stub::ListOrganizations,
                                    v1::ListOrganizationsRequest(),
                                    [&](const v1::ListOrganizationsResponse& page) {
                                      for (const v1::Organization& org : page.organizations()) {
                                        if (org.name() == name) id = org.id();
                                      }
                                    }));
  return id;
}

absl::Status Seed() {
  ASSIGN_OR_RETURN(std::string csv, ReadFile(absl::GetFlag(FLAGS_csv)));
  ASSIGN_OR_RETURN(DemoCast cast, ReadDemoCast(csv, absl::GetFlag(FLAGS_chair)));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(Client admin, client.Login(absl::GetFlag(FLAGS_admin_username),
                                              absl::GetFlag(FLAGS_admin_password)));
  Transcript transcript;
  // Each step checks whether an earlier, interrupted run already did it, so
  // seeding again finishes the job instead of skipping a half-made demo.
  ASSIGN_OR_RETURN(std::string org_id, FindOrganization(admin, kDemoOrganization));
  if (org_id.empty()) {
    v1::CreateOrganizationRequest create_org;
    create_org.set_name(std::string(kDemoOrganization));
    ASSIGN_OR_RETURN(v1::Organization org,
                     admin.Call(&v1::DirectoryService::Stub::CreateOrganization, create_org));
    org_id = org.id();
    transcript.Say(absl::StrCat("Quản trị viên tạo tổ chức / admin creates the organisation \"",
                                org.name(), "\" (", org.id(), ")"));
  }
  absl::StatusOr<Client> secretary = client.Login(cast.secretary.username, cast.secretary.password);
  if (!secretary.ok()) {
    // The import is all or nothing: no secretary means no users yet.
    v1::ImportUsersRequest import;
    import.set_organization_id(org_id);
    import.set_csv(csv);
    ASSIGN_OR_RETURN(v1::ImportUsersResponse imported,
                     admin.Call(&v1::DirectoryService::Stub::ImportUsers, import));
    transcript.Say(absl::StrCat("Quản trị viên nhập / admin imports ", imported.users_size(),
                                " users from ", absl::GetFlag(FLAGS_csv)));
    secretary = client.Login(cast.secretary.username, cast.secretary.password);
    RETURN_IF_ERROR(secretary.status());
  }
  std::string published_id;
  RETURN_IF_ERROR(secretary->ForEachPage(&v1::MeetingService::Stub::ListMeetings,
                                         v1::ListMeetingsRequest(),
                                         [&](const v1::ListMeetingsResponse& page) {
                                           for (const v1::Meeting& m : page.meetings()) {
                                             if (m.title() == SeedMeeting().title &&
                                                 m.state() != v1::MEETING_STATE_DRAFT) {
                                               published_id = m.id();
                                             }
                                           }
                                         }));
  if (!published_id.empty()) {
    transcript.Say(absl::StrCat("demo: meeting already seeded: ", published_id));
  } else {
    ASSIGN_OR_RETURN(DemoMeeting demo,
                     PrepareDemoMeeting(*secretary, cast, SeedMeeting(), transcript));
    published_id = demo.meeting.id();
  }
  RETURN_IF_ERROR(UploadDemoDocuments(*secretary, published_id, transcript));
  ASSIGN_OR_RETURN(Client chair, client.Login(cast.chair.username, cast.chair.password));
  RETURN_IF_ERROR(SetUpDemoSigning(admin, org_id, *secretary, chair, transcript));
  transcript.Say(absl::StrCat("demo meeting: ", published_id));
  SayLogins(cast, transcript);
  return absl::OkStatus();
}

// Watcher
//
// Follows a meeting as one participant on its own thread, from event 1,
// recording every event received.
class Watcher {
 public:
  struct Received {
    v1::MeetingEvent event;
    std::string summary;
  };

  Watcher(Client client, std::string meeting_id, std::string name, Transcript& transcript)
      : client_(std::move(client)),
        meeting_id_(std::move(meeting_id)),
        name_(std::move(name)),
        transcript_(transcript),
        thread_([this] { Run(); }) {}

  ~Watcher() { Stop().IgnoreError(); }

  // WaitFor
  //
  // True once event `seq` has arrived; false when the stream ended first or
  // `timeout` passed.
  bool WaitFor(int64_t seq, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto arrived_or_ended = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return ended_ || (!received_.empty() && received_.back().event.seq() >= seq);
    };
    mu_.AwaitWithTimeout(absl::Condition(&arrived_or_ended), timeout);
    return !received_.empty() && received_.back().event.seq() >= seq;
  }

  // Stop
  //
  // Cancels the stream and returns how it ended (CANCELLED is the normal end).
  absl::Status Stop() {
    if (thread_.joinable()) {
      context_.TryCancel();
      thread_.join();
    }
    absl::MutexLock lock(&mu_);
    return status_;
  }

  std::vector<Received> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }

 private:
  void Run() {
    v1::WatchMeetingRequest request;
    request.set_meeting_id(meeting_id_);
    request.set_after_seq(0);
    EventDescriber describer;
    absl::Status status = client_.Watch(request, &context_, [&](const v1::MeetingEvent& event) {
      Received received{event, describer.Summary(event)};
      transcript_.Say(absl::StrFormat("    [%s nhận / receives #%d] %s", name_, event.seq(),
                                      received.summary));
      absl::MutexLock lock(&mu_);
      received_.push_back(std::move(received));
    });
    absl::MutexLock lock(&mu_);
    status_ = status;
    ended_ = true;
  }

  const Client client_;
  const std::string meeting_id_;
  const std::string name_;
  Transcript& transcript_;
  grpc::ClientContext context_;
  absl::Mutex mu_;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;  // last: starts once everything above is ready
};

// Waits until the watcher has event `seq`; DEADLINE_EXCEEDED saying how its
// stream ended otherwise.
absl::Status AwaitWatcher(Watcher& watcher, int64_t seq) {
  if (watcher.WaitFor(seq, kWatcherCatchUp)) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat("the watcher did not receive event ", seq,
                                                  "; its stream ended with ",
                                                  watcher.Stop().ToString()));
}

// Every event 1..last, each once, in order.
absl::Status CheckComplete(const std::vector<Watcher::Received>& received, int64_t last) {
  for (size_t i = 0; i < received.size(); ++i) {
    const int64_t expected = static_cast<int64_t>(i) + 1;
    if (received[i].event.seq() != expected) {
      return absl::DataLossError(absl::StrCat("the watcher expected event ", expected, " but got ",
                                              received[i].event.seq()));
    }
  }
  if (static_cast<int64_t>(received.size()) != last) {
    return absl::DataLossError(absl::StrCat("the watcher received ", received.size(),
                                            " events, the meeting has ", last));
  }
  return absl::OkStatus();
}

template <typename Method>
absl::Status Lifecycle(const Client& client, Method method, const std::string& id) {
  v1::MeetingLifecycleRequest request;
  request.set_meeting_id(id);
  return client.Call(method, request).status();
}

absl::StatusOr<std::string> Json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return std::string(absl::StripTrailingAsciiWhitespace(json));
}

absl::Status WriteResults(const std::string& dir, const Client& secretary,
                          const v1::Meeting& meeting, const std::vector<Watcher::Received>& events) {
  v1::GetAgendaRequest get_agenda;
  get_agenda.set_meeting_id(meeting.id());
  ASSIGN_OR_RETURN(v1::Agenda agenda, secretary.Call(&MeetingStub::GetAgenda, get_agenda));
  v1::ListParticipantsResponse participants;
  v1::ListParticipantsRequest list;
  list.set_meeting_id(meeting.id());
  RETURN_IF_ERROR(secretary.ForEachPage(&MeetingStub::ListParticipants, list,
                                        [&](const v1::ListParticipantsResponse& page) {
                                          participants.MergeFrom(page);
                                        }));
  participants.clear_next_page_token();
  ASSIGN_OR_RETURN(std::string meeting_json, Json(meeting));
  ASSIGN_OR_RETURN(std::string agenda_json, Json(agenda));
  ASSIGN_OR_RETURN(std::string participants_json, Json(participants));
  RETURN_IF_ERROR(WriteFile(absl::StrCat(dir, "/meeting.json"),
                            absl::StrCat("{\"meeting\": ", meeting_json, ",\n\"agenda\": ",
                                         agenda_json, ",\n\"participants\": ", participants_json,
                                         "\n}\n")));
  std::string lines;
  for (const Watcher::Received& r : events) {
    absl::StrAppend(&lines, r.event.seq(), "\t", server::HexEncode(r.event.hash()), "\t",
                    FormatMeetingTime(r.event.time().unix_micros(), /*with_seconds=*/true), "\t",
                    EventKind(r.event), "\t", r.summary, "\n");
  }
  return WriteFile(absl::StrCat(dir, "/events.txt"), lines);
}

// The confidential document must stay invisible to the watching delegate
// and visible to the chair it was opened to.
absl::Status ShowDocumentAccess(const Client& secretary, const Client& chair,
                                const Client& delegate, const std::string& meeting_id,
                                absl::string_view delegate_name, Transcript& transcript) {
  ASSIGN_OR_RETURN(std::vector<v1::Document> all, ListAllDocuments(secretary, meeting_id));
  ASSIGN_OR_RETURN(std::vector<v1::Document> chair_sees, ListAllDocuments(chair, meeting_id));
  ASSIGN_OR_RETURN(std::vector<v1::Document> delegate_sees, ListAllDocuments(delegate, meeting_id));
  auto find = [](const std::vector<v1::Document>& documents) -> const v1::Document* {
    for (const v1::Document& d : documents) {
      if (d.title() == kConfidentialTitle) return &d;
    }
    return nullptr;
  };
  const v1::Document* secret = find(all);
  if (secret == nullptr || find(chair_sees) == nullptr || find(delegate_sees) != nullptr) {
    return absl::InternalError(absl::StrCat(
        "the confidential document should be listed for the secretary and the chair only; "
        "listed for the secretary: ", secret != nullptr, ", the chair: ",
        find(chair_sees) != nullptr, ", the delegate: ", find(delegate_sees) != nullptr));
  }
  v1::GetDocumentRequest get;
  get.set_id(secret->id());
  absl::Status hidden = delegate.Call(&v1::DocumentService::Stub::GetDocument, get).status();
  if (!absl::IsNotFound(hidden)) {
    return absl::InternalError(absl::StrCat("a delegate asking for the confidential document got ",
                                            hidden.ToString(), ", expected NOT_FOUND"));
  }
  transcript.Say(absl::StrCat("Thư ký thấy / the secretary sees ", all.size(),
                              " documents, chủ tọa / the chair ", chair_sees.size(), ", đại biểu ",
                              delegate_name, " ", delegate_sees.size(),
                              "; the delegate asking for the confidential one by id gets ",
                              absl::StatusCodeToString(hidden.code()), " (as it should be)"));
  return absl::OkStatus();
}

using GenerateMethod = grpc::Status (v1::DocumentService::Stub::*)(
    grpc::ClientContext*, const v1::GenerateMeetingPdfRequest&, v1::Document*);

// The secretary generates the PDF; the delegate downloads it to `path`.
absl::Status GenerateAndFetch(const Client& secretary, const Client& delegate,
                              const std::string& meeting_id, GenerateMethod method,
                              absl::string_view what, const std::string& path,
                              Transcript& transcript) {
  v1::GenerateMeetingPdfRequest request;
  request.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::Document d, secretary.Call(method, request));
  if (d.versions().empty()) return absl::InternalError("the generated document has no version");
  ASSIGN_OR_RETURN(DownloadedFile file,
                   DownloadFile(delegate, d.id(), d.versions(0).sha256(), path));
  transcript.Say(absl::StrCat("Thư ký in / the secretary generates the ", what, " \"", d.title(),
                              "\" (", d.versions(0).page_count(), " trang / pages); the delegate "
                              "downloads it to ", path, ": ", file.size_bytes,
                              " bytes, sha256 verified ",
                              server::HexEncode(file.sha256).substr(0, 16), "…"));
  return absl::OkStatus();
}

// Handout and poster into `out`, the meeting's QR code resolved by the
// delegate, and DIR/documents.txt.
absl::Status PrintMeetingPapers(const Client& secretary, const Client& delegate,
                                const std::string& meeting_id, const std::string& out,
                                Transcript& transcript) {
  RETURN_IF_ERROR(GenerateAndFetch(secretary, delegate, meeting_id,
                                   &v1::DocumentService::Stub::GenerateHandout,
                                   "handout (chương trình)", absl::StrCat(out, "/handout.pdf"),
                                   transcript));
  RETURN_IF_ERROR(GenerateAndFetch(secretary, delegate, meeting_id,
                                   &v1::DocumentService::Stub::GeneratePoster,
                                   "poster (áp phích)", absl::StrCat(out, "/poster.pdf"),
                                   transcript));
  v1::GetQrCodeRequest get_qr;
  get_qr.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::QrCode qr, delegate.Call(&v1::DocumentService::Stub::GetQrCode, get_qr));
  v1::ResolveQrRequest resolve;
  resolve.set_payload(qr.payload());
  ASSIGN_OR_RETURN(v1::QrTarget target,
                   delegate.Call(&v1::DocumentService::Stub::ResolveQr, resolve));
  if (target.meeting_id() != meeting_id || !target.document_id().empty()) {
    return absl::InternalError(absl::StrCat("the meeting's QR code ", qr.payload(),
                                            " resolves to meeting ", target.meeting_id(),
                                            " document ", target.document_id()));
  }
  transcript.Say(absl::StrCat("Mã QR của phiên họp / the meeting's QR code ", qr.payload(),
                              " resolves, for the delegate, to meeting ", target.meeting_id()));

  ASSIGN_OR_RETURN(std::vector<v1::Document> documents, ListAllDocuments(secretary, meeting_id));
  std::string lines;
  for (const v1::Document& d : documents) {
    if (d.versions().empty()) continue;
    absl::StrAppend(&lines, d.id(), "\t", d.title(), "\t", d.versions(0).page_count(), "\t",
                    server::HexEncode(d.versions(0).sha256()), "\n");
  }
  return WriteFile(absl::StrCat(out, "/documents.txt"), lines);
}

absl::Status Play() {
  const std::string out = absl::GetFlag(FLAGS_out);
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create ", out, ": ", error.message()));
  ASSIGN_OR_RETURN(std::string csv, ReadFile(absl::GetFlag(FLAGS_csv)));
  ASSIGN_OR_RETURN(DemoCast cast, ReadDemoCast(csv, absl::GetFlag(FLAGS_chair)));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const DemoAccount& watcher_account = cast.delegates.front();
  ASSIGN_OR_RETURN(Client secretary, client.Login(cast.secretary.username, cast.secretary.password));
  ASSIGN_OR_RETURN(Client chair, client.Login(cast.chair.username, cast.chair.password));
  ASSIGN_OR_RETURN(Client delegate, client.Login(watcher_account.username, watcher_account.password));
  Transcript transcript;
  transcript.Say(absl::StrCat("Đăng nhập / logged in: thư ký ", cast.secretary.full_name,
                              ", chủ tọa ", cast.chair.full_name, ", đại biểu ",
                              watcher_account.full_name));

  ASSIGN_OR_RETURN(DemoMeeting demo, PrepareDemoMeeting(secretary, cast, PlayMeeting(), transcript));
  const std::string& id = demo.meeting.id();
  // Delegates may watch only once the meeting is published.
  Watcher watcher(delegate, id, watcher_account.full_name, transcript);
  RETURN_IF_ERROR(AwaitWatcher(watcher, demo.meeting.last_event_seq()));
  transcript.Say(absl::StrCat("Đại biểu ", watcher_account.full_name,
                              " đã nhận lại toàn bộ sự kiện, theo dõi trực tiếp / replayed ",
                              demo.meeting.last_event_seq(), " events, now following live"));

  RETURN_IF_ERROR(UploadDemoDocuments(secretary, id, transcript));
  RETURN_IF_ERROR(ShowDocumentAccess(secretary, chair, delegate, id, watcher_account.full_name,
                                     transcript));
  RETURN_IF_ERROR(PrintMeetingPapers(secretary, delegate, id, out, transcript));

  RETURN_IF_ERROR(Lifecycle(chair, &MeetingStub::StartMeeting, id));
  transcript.Say(absl::StrCat("Chủ tọa ", cast.chair.full_name,
                              " khai mạc phiên họp / starts the meeting"));
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(id);
  current.set_item_id(demo.agenda.items(0).id());
  absl::Status denied = delegate.Call(&MeetingStub::SetCurrentItem, current).status();
  if (!absl::IsPermissionDenied(denied)) {
    return absl::InternalError(absl::StrCat("a delegate moving the agenda got ", denied.ToString(),
                                            ", expected PERMISSION_DENIED"));
  }
  transcript.Say(absl::StrCat("Đại biểu thử chuyển mục / a delegate tries to move the agenda: ",
                              absl::StatusCodeToString(denied.code()), " (as it should be)"));
  ASSIGN_OR_RETURN(DemoRoom room, EnterDemoRoom(client, secretary, chair, cast));
  RETURN_IF_ERROR(TakeAttendance(room, cast, id, out, transcript));
  std::string results = absl::StrCat("Kết quả biểu quyết / poll results\n",
                                     demo.meeting.title(), " (", id, ")\n");
  for (const v1::AgendaItem& item : demo.agenda.items()) {
    current.set_item_id(item.id());
    RETURN_IF_ERROR(chair.Call(&MeetingStub::SetCurrentItem, current).status());
    transcript.Say(absl::StrCat("Chủ tọa chuyển sang mục / chair moves to item ", item.number(),
                                ": ", item.title()));
    std::optional<DemoPoll> poll;
    if (item.title() == kBudgetItem) {
      RETURN_IF_ERROR(HoldDebate(room, id, transcript));
      poll = NamedBudgetPoll();
    } else if (item.title() == kRestructuringItem) {
      poll = SecretRestructuringPoll();
    }
    if (poll) {
      ASSIGN_OR_RETURN(std::string result,
                       RunPoll(room, cast, *std::move(poll), id, item.id(), transcript));
      absl::StrAppend(&results, "\n", item.number(), " ", item.title(), "\n", result);
    }
  }
  RETURN_IF_ERROR(WriteFile(absl::StrCat(out, "/results.txt"), results));
  RETURN_IF_ERROR(Lifecycle(chair, &MeetingStub::EndMeeting, id));
  transcript.Say("Chủ tọa bế mạc phiên họp / chair ends the meeting");

  v1::GetMeetingRequest get;
  get.set_id(id);
  ASSIGN_OR_RETURN(v1::Meeting meeting, secretary.Call(&MeetingStub::GetMeeting, get));
  const int64_t last = meeting.last_event_seq();
  RETURN_IF_ERROR(AwaitWatcher(watcher, last));
  watcher.Stop().IgnoreError();  // cancelled by us: its status says nothing
  RETURN_IF_ERROR(SignDemoMinutes(secretary, chair, id, out, transcript));
  const std::vector<Watcher::Received> received = watcher.received();
  RETURN_IF_ERROR(WriteResults(out, secretary, meeting, received));
  RETURN_IF_ERROR(CheckComplete(received, last));
  transcript.Say(absl::StrCat("Phiên họp ", id, ": ", server::StateName(meeting.state()), ", ",
                              last, " events; the watcher received each of 1..", last,
                              " exactly once\nwrote ", out, "/meeting.json, ", out,
                              "/events.txt, ", out, "/documents.txt, ", out, "/attendance.txt, ",
                              out, "/results.txt, ", out, "/handout.pdf, ", out,
                              "/poster.pdf and ", out, "/minutes.pdf"));
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> DemoCommands() {
  return {
      {.name = "demo seed",
       .summary = "load the demo organisation, its people (from --csv) and a published meeting "
                  "with its documents; finishes an interrupted seeding and does nothing once "
                  "seeded",
       .required = {"csv", "admin_password"},
       .optional = {"admin_username", "chair"},
       .run = Seed},
      {.name = "demo play",
       .summary = "play a whole demo meeting, documents, roll call and votes included, as its "
                  "secretary, chair and delegates while one delegate watches; writes "
                  "meeting.json, events.txt, documents.txt, attendance.txt, results.txt, "
                  "handout.pdf and poster.pdf in --out",
       .required = {"csv", "out"},
       .optional = {"chair"},
       .run = Play},
  };
}

}  // namespace hopso::ctl
