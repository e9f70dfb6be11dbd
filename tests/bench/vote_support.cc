#include "vote_support.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

ABSL_FLAG(int, voters, 1000, "voters (delegates) in the meeting");
ABSL_FLAG(int, channels, 10, "channels (connections) the voters' calls are spread over");
ABSL_FLAG(int, rounds, 5, "measured A B pairs");
ABSL_FLAG(std::string, transport, "tls", "how to reach hopsod: tls (its default) or plain");

namespace hopso::bench {
namespace {

// Set-up calls in flight at once (adding participants, pairing sessions).
constexpr int kSetUpInFlight = 64;

constexpr char kSecretaryPassword[] = "thư-ký bầu cử";
constexpr char kChairPassword[] = "chủ-tọa bầu cử";

// Vietnamese names for the imported delegates, varied by index.
constexpr const char* kFamilyNames[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng",
                                        "Huỳnh",  "Phan", "Vũ", "Võ",   "Đặng"};
constexpr const char* kGivenNames[] = {"Văn An",  "Thị Bình", "Minh Châu",  "Quốc Dũng", "Thu Hà",
                                       "Đức Huy", "Ngọc Lan", "Thanh Long", "Hữu Phúc",  "Thị Yến"};

}  // namespace

int PrepareLoadGenerator() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<int>(limit.rlim_cur);
}

absl::StatusOr<int64_t> ResidentKb(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmRSS:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, "kB");
    int64_t kb = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kb)) return kb;
  }
  return absl::NotFoundError(absl::StrCat("no VmRSS for process ", pid));
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100 * values.size()));
  rank = std::clamp<size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + rank, values.end());
  return values[rank];
}

double Ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::vector<CallRecord> RunCalls(int n, int in_flight, const IssueCall& issue,
                                 absl::Duration deadline) {
  std::vector<CallRecord> records(n);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(n);
  absl::Mutex mu;
  int next = std::min(n, std::max(1, in_flight));
  int finished = 0;
  std::function<void(int)> start = [&](int i) {
    contexts[i] = std::make_unique<grpc::ClientContext>();
    contexts[i]->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    records[i].start = Clock::now();
    issue(i, contexts[i].get(), [&, i](grpc::Status status) {
      records[i].end = Clock::now();
      records[i].status = std::move(status);
      int follow = -1;
      {
        absl::MutexLock lock(&mu);
        ++finished;
        if (next < n) follow = next++;
      }
      if (follow >= 0) start(follow);
    });
  };
  const int first = next;
  for (int i = 0; i < first; ++i) start(i);
  absl::MutexLock lock(&mu);
  auto all_finished = [&] { return finished == n; };
  mu.Await(absl::Condition(&all_finished));
  return records;
}

absl::Status FirstError(const std::vector<CallRecord>& calls, absl::string_view what) {
  for (const CallRecord& call : calls) {
    if (!call.status.ok()) return FromGrpc(call.status, what);
  }
  return absl::OkStatus();
}

void Authorize(grpc::ClientContext* context, const std::string& token) {
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

absl::StatusOr<Hopsod> StartHopsod(const std::string& data_dir, const std::string& listen,
                                   const std::string& log_path) {
  const std::string transport = absl::GetFlag(FLAGS_transport);
  if (transport != "tls" && transport != "plain") {
    return absl::InvalidArgumentError(
        absl::StrCat("--transport must be tls or plain, not ", transport));
  }
  std::vector<std::string> args = {absl::GetFlag(FLAGS_hopsod), "--data_dir", data_dir, "--listen",
                                   listen};
  if (transport == "plain") args.push_back("--insecure");
  absl::StatusOr<Server> server =
      StartServer(std::move(args), "hopsod", absl::GetFlag(FLAGS_server_cpu), log_path);
  if (!server.ok()) return server.status();
  Hopsod hopsod{std::move(*server), "", nullptr};
  if (transport == "tls") {
    absl::StatusOr<std::string> cert = ReadFile(data_dir + "/tls/server.crt");
    if (!cert.ok()) return cert.status();
    hopsod.root_pem = *cert;
  }
  hopsod.channel = Connect(hopsod.server.address, hopsod.root_pem, -1);
  if (!hopsod.channel->WaitForConnected(absl::ToChronoTime(absl::Now() + kCallDeadline))) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to hopsod at ", hopsod.server.address));
  }
  return hopsod;
}

absl::StatusOr<Hopsod> StartFreshHopsod(const std::string& tmp, const std::string& data_dir,
                                        const std::string& admin_password,
                                        const std::string& log_path) {
  absl::Status init = InitDataDir(absl::GetFlag(FLAGS_hopsoctl), data_dir, admin_password,
                                  tmp + "/hopsoctl.log");
  if (!init.ok()) return init;
  return StartHopsod(data_dir, "127.0.0.1:0", log_path);
}

absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> Channels(const Hopsod& hopsod,
                                                                     int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    channels.push_back(Connect(hopsod.server.address, hopsod.root_pem, i));
    channels.back()->GetState(/*try_to_connect=*/true);
  }
  // All connect at once; then wait for each.
  const auto by = absl::ToChronoTime(absl::Now() + absl::Minutes(5));
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(by)) {
      return absl::UnavailableError(
          absl::StrCat("cannot open ", count, " connections to ", hopsod.server.address));
    }
  }
  return channels;
}

absl::StatusOr<Assembly> MakeAssembly(const Hopsod& hopsod, const std::string& admin_password,
                                      int voters) {
  Assembly assembly;
  absl::StatusOr<std::string> admin = Login(*hopsod.channel, "admin", admin_password);
  if (!admin.ok()) return admin.status();
  assembly.admin_token = *admin;
  const Person people[] = {
      {"thuky.lan", "Lê Thị Lan", "Chánh Văn phòng", "Văn phòng Hội đồng nhân dân tỉnh",
       v1::USER_ROLE_SECRETARY, kSecretaryPassword},
      {"chutoa.hung", "Phạm Quốc Hùng", "Chủ tịch Hội đồng nhân dân tỉnh", "Hội đồng nhân dân tỉnh",
       v1::USER_ROLE_MEMBER, kChairPassword},
  };
  auto cast = CreateOrganization(hopsod.channel, assembly.admin_token,
                                 "Hội đồng nhân dân tỉnh Quảng Nam", people);
  if (!cast.ok()) return cast.status();
  assembly.organization_id = cast->first.id();
  assembly.chair_id = cast->second[1].id();
  absl::StatusOr<std::string> token = Login(*hopsod.channel, "thuky.lan", kSecretaryPassword);
  if (!token.ok()) return token.status();
  assembly.secretary_token = *token;
  token = Login(*hopsod.channel, "chutoa.hung", kChairPassword);
  if (!token.ok()) return token.status();
  assembly.chair_token = *token;

  auto directory = v1::DirectoryService::NewStub(hopsod.channel);
  v1::ImportUsersRequest import;
  import.set_organization_id(assembly.organization_id);
  std::string csv = "username,full_name,title,unit,phone,email\n";
  for (int i = 0; i < voters; ++i) {
    absl::StrAppend(&csv, "daibieu.", i, ",", kFamilyNames[i % 10], " ", kGivenNames[(i / 10) % 10],
                    ",Đại biểu HĐND tỉnh,Tổ đại biểu số ", 1 + i % 18, ",,\n");
  }
  import.set_csv(csv);
  v1::ImportUsersResponse imported;
  absl::Status status = Call(
      "ImportUsers", assembly.admin_token,
      [&](auto* c, const auto& q, auto* r) { return directory->ImportUsers(c, q, r); }, import,
      &imported, absl::Minutes(5));
  if (!status.ok()) return status;
  if (imported.users_size() != voters) {
    return absl::InternalError(
        absl::StrCat("imported ", imported.users_size(), " users of ", voters));
  }
  for (const v1::User& user : imported.users()) assembly.voter_ids.push_back(user.id());

  // Sessions: a pairing code per voter, redeemed as a tablet would.
  auto auth = v1::AuthService::NewStub(hopsod.channel);
  std::vector<v1::CreatePairingCodeRequest> code_requests(voters);
  std::vector<v1::PairingCode> codes(voters);
  std::vector<CallRecord> calls = RunCalls(
      voters, kSetUpInFlight,
      [&](int i, grpc::ClientContext* context, std::function<void(grpc::Status)> done) {
        Authorize(context, assembly.admin_token);
        code_requests[i].set_user_id(assembly.voter_ids[i]);
        code_requests[i].set_server_address(hopsod.server.address);
        auth->async()->CreatePairingCode(context, &code_requests[i], &codes[i], std::move(done));
      });
  if (status = FirstError(calls, "CreatePairingCode"); !status.ok()) return status;
  std::vector<v1::RedeemPairingCodeRequest> redeem_requests(voters);
  std::vector<v1::LoginResponse> sessions(voters);
  calls =
      RunCalls(voters, kSetUpInFlight,
               [&](int i, grpc::ClientContext* context, std::function<void(grpc::Status)> done) {
                 redeem_requests[i].set_code(codes[i].code());
                 auth->async()->RedeemPairingCode(context, &redeem_requests[i], &sessions[i],
                                                  std::move(done));
               });
  if (status = FirstError(calls, "RedeemPairingCode"); !status.ok()) return status;
  for (const v1::LoginResponse& session : sessions)
    assembly.voter_tokens.push_back(session.token());
  return assembly;
}

absl::StatusOr<VoteMeeting> StartVoteMeeting(const Hopsod& hopsod, const Assembly& assembly,
                                             const std::string& title) {
  auto meetings = v1::MeetingService::NewStub(hopsod.channel);
  absl::StatusOr<v1::Meeting> meeting =
      CreateMeeting(hopsod.channel, assembly.secretary_token, assembly.organization_id, title,
                    "Hội trường lớn, trụ sở Hội đồng nhân dân tỉnh");
  if (!meeting.ok()) return meeting.status();
  VoteMeeting result{meeting->id(), ""};

  v1::AddAgendaItemRequest item;
  item.set_meeting_id(result.meeting_id);
  item.set_title("Biểu quyết thông qua Nghị quyết về kế hoạch đầu tư công trung hạn");
  item.set_presenter("Giám đốc Sở Kế hoạch và Đầu tư");
  item.set_planned_minutes(30);
  item.set_index(-1);
  v1::Agenda agenda;
  absl::Status status = Call(
      "AddAgendaItem", assembly.secretary_token,
      [&](auto* c, const auto& q, auto* r) { return meetings->AddAgendaItem(c, q, r); }, item,
      &agenda);
  if (!status.ok()) return status;
  result.agenda_item_id = agenda.items(0).id();

  // The chair first, then every voter as a delegate.
  const int people = static_cast<int>(assembly.voter_ids.size()) + 1;
  std::vector<v1::AddParticipantRequest> invites(people);
  std::vector<v1::Participant> participants(people);
  std::vector<CallRecord> calls = RunCalls(
      people, kSetUpInFlight,
      [&](int i, grpc::ClientContext* context, std::function<void(grpc::Status)> done) {
        Authorize(context, assembly.secretary_token);
        invites[i].set_meeting_id(result.meeting_id);
        invites[i].set_user_id(i == 0 ? assembly.chair_id : assembly.voter_ids[i - 1]);
        invites[i].set_role(i == 0 ? v1::MEETING_ROLE_CHAIR : v1::MEETING_ROLE_DELEGATE);
        meetings->async()->AddParticipant(context, &invites[i], &participants[i], std::move(done));
      });
  if (status = FirstError(calls, "AddParticipant"); !status.ok()) return status;

  v1::MeetingLifecycleRequest lifecycle;
  lifecycle.set_meeting_id(result.meeting_id);
  v1::Meeting changed;
  status = Call(
      "PublishMeeting", assembly.secretary_token,
      [&](auto* c, const auto& q, auto* r) { return meetings->PublishMeeting(c, q, r); }, lifecycle,
      &changed);
  if (!status.ok()) return status;
  status = Call(
      "StartMeeting", assembly.chair_token,
      [&](auto* c, const auto& q, auto* r) { return meetings->StartMeeting(c, q, r); }, lifecycle,
      &changed);
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<CallRecord>> CheckInAll(
    const Hopsod& hopsod, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
    const Assembly& assembly, const std::string& meeting_id) {
  auto attendance = v1::AttendanceService::NewStub(hopsod.channel);
  v1::GetRoomCodeRequest code_request;
  code_request.set_meeting_id(meeting_id);
  v1::RoomCode code;
  absl::Status status = Call(
      "GetRoomCode", assembly.chair_token,
      [&](auto* c, const auto& q, auto* r) { return attendance->GetRoomCode(c, q, r); },
      code_request, &code);
  if (!status.ok()) return status;

  std::vector<std::unique_ptr<v1::AttendanceService::Stub>> stubs;
  for (const auto& channel : channels) stubs.push_back(v1::AttendanceService::NewStub(channel));
  const int voters = static_cast<int>(assembly.voter_ids.size());
  std::vector<v1::CheckInRequest> requests(voters);
  for (v1::CheckInRequest& request : requests) {
    request.set_meeting_id(meeting_id);
    request.set_room_code(code.payload());
  }
  std::vector<v1::AttendanceRecord> records(voters);
  return RunCalls(voters, voters,
                  [&](int i, grpc::ClientContext* context, std::function<void(grpc::Status)> done) {
                    Authorize(context, assembly.voter_tokens[i]);
                    stubs[i % stubs.size()]->async()->CheckIn(context, &requests[i], &records[i],
                                                              std::move(done));
                  });
}

absl::StatusOr<ConvenedVoters> ConveneVoters(const Hopsod& hopsod,
                                             const std::string& admin_password, int voters,
                                             int channel_count, const std::string& title) {
  ConvenedVoters convened;
  ASSIGN_OR_RETURN(convened.assembly, MakeAssembly(hopsod, admin_password, voters));
  ASSIGN_OR_RETURN(convened.meeting, StartVoteMeeting(hopsod, convened.assembly, title));
  ASSIGN_OR_RETURN(convened.channels, Channels(hopsod, channel_count));
  ASSIGN_OR_RETURN(std::vector<CallRecord> check_ins,
                   CheckInAll(hopsod, convened.channels, convened.assembly,
                              convened.meeting.meeting_id));
  RETURN_IF_ERROR(FirstError(check_ins, "CheckIn"));
  return convened;
}

absl::StatusOr<int64_t> LastEventSeq(const Hopsod& hopsod, const Assembly& assembly,
                                     const std::string& meeting_id) {
  auto meetings = v1::MeetingService::NewStub(hopsod.channel);
  v1::GetMeetingRequest request;
  request.set_id(meeting_id);
  v1::Meeting meeting;
  absl::Status status = Call(
      "GetMeeting", assembly.chair_token,
      [&](auto* c, const auto& q, auto* r) { return meetings->GetMeeting(c, q, r); }, request,
      &meeting);
  if (!status.ok()) return status;
  return meeting.last_event_seq();
}

absl::StatusOr<v1::Poll> CreatePoll(const Hopsod& hopsod, const Assembly& assembly,
                                    const VoteMeeting& meeting, const std::string& title,
                                    v1::PollSecrecy secrecy) {
  auto voting = v1::VotingService::NewStub(hopsod.channel);
  v1::CreatePollRequest request;
  request.set_meeting_id(meeting.meeting_id);
  request.set_agenda_item_id(meeting.agenda_item_id);
  request.set_title(title);
  request.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  request.set_secrecy(secrecy);
  v1::Poll poll;
  absl::Status status = Call(
      "CreatePoll", assembly.chair_token,
      [&](auto* c, const auto& q, auto* r) { return voting->CreatePoll(c, q, r); }, request, &poll);
  if (!status.ok()) return status;
  return poll;
}

namespace {

absl::StatusOr<v1::Poll> PollCall(const Hopsod& hopsod, const Assembly& assembly,
                                  const VoteMeeting& meeting, const std::string& poll_id,
                                  bool open) {
  auto voting = v1::VotingService::NewStub(hopsod.channel);
  v1::PollRequest request;
  request.set_meeting_id(meeting.meeting_id);
  request.set_poll_id(poll_id);
  v1::Poll poll;
  absl::Status status = Call(
      open ? "OpenPoll" : "ClosePoll", assembly.chair_token,
      [&](auto* c, const auto& q, auto* r) {
        return open ? voting->OpenPoll(c, q, r) : voting->ClosePoll(c, q, r);
      },
      request, &poll);
  if (!status.ok()) return status;
  return poll;
}

}  // namespace

absl::StatusOr<v1::Poll> OpenPoll(const Hopsod& hopsod, const Assembly& assembly,
                                  const VoteMeeting& meeting, const std::string& poll_id) {
  return PollCall(hopsod, assembly, meeting, poll_id, /*open=*/true);
}

absl::StatusOr<v1::Poll> ClosePoll(const Hopsod& hopsod, const Assembly& assembly,
                                   const VoteMeeting& meeting, const std::string& poll_id) {
  return PollCall(hopsod, assembly, meeting, poll_id, /*open=*/false);
}

std::string ChoiceOf(int voter) {
  const int r = voter % 10;
  return r < 7 ? "yes" : r < 9 ? "no" : "abstain";
}

Storm CastAll(pid_t server, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
              const Assembly& assembly, const VoteMeeting& meeting, const std::string& poll_id,
              absl::Duration deadline) {
  std::vector<std::unique_ptr<v1::VotingService::Stub>> stubs;
  for (const auto& channel : channels) stubs.push_back(v1::VotingService::NewStub(channel));
  const int voters = static_cast<int>(assembly.voter_ids.size());
  Storm storm;
  storm.requests.resize(voters);
  for (int i = 0; i < voters; ++i) {
    v1::CastBallotRequest& request = storm.requests[i];
    request.set_meeting_id(meeting.meeting_id);
    request.set_poll_id(poll_id);
    request.set_ballot_id(server::Base64UrlEncode(server::RandomBytes(16)));
    request.add_option_ids(ChoiceOf(i));
  }
  std::vector<v1::CastBallotResponse> responses(voters);
  const absl::StatusOr<double> server_before = CpuSeconds(server);
  const double load_before = OwnCpuSeconds();
  storm.calls = RunCalls(
      voters, voters,
      [&](int i, grpc::ClientContext* context, std::function<void(grpc::Status)> done) {
        Authorize(context, assembly.voter_tokens[i]);
        stubs[i % stubs.size()]->async()->CastBallot(context, &storm.requests[i], &responses[i],
                                                     std::move(done));
      },
      deadline);
  const double load_cpu = OwnCpuSeconds() - load_before;
  const absl::StatusOr<double> server_after = CpuSeconds(server);
  Clock::time_point first = Clock::time_point::max(), last = Clock::time_point::min(),
                    end = Clock::time_point::min();
  std::vector<double> latencies;
  for (const CallRecord& call : storm.calls) {
    first = std::min(first, call.start);
    end = std::max(end, call.end);
    if (!call.status.ok()) continue;
    ++storm.acked;
    last = std::max(last, call.end);
    latencies.push_back(Ms(call.start, call.end));
  }
  if (storm.acked > 0) {
    storm.acked_per_second = storm.acked / (Ms(first, last) / 1000);
    storm.p99_ms = Percentile(latencies, 99);
  }
  const double wall_seconds = Ms(first, end) / 1000;
  if (wall_seconds > 0) {
    storm.load_busy = load_cpu / wall_seconds;
    // A killed server (B8) has no figure.
    if (server_before.ok() && server_after.ok()) {
      storm.server_busy = (*server_after - *server_before) / wall_seconds;
    }
  }
  return storm;
}

absl::StatusOr<Storm> PollStorm(const Hopsod& hopsod,
                                const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                const Assembly& assembly, const VoteMeeting& meeting,
                                const std::string& title, v1::PollSecrecy secrecy) {
  absl::StatusOr<v1::Poll> poll = CreatePoll(hopsod, assembly, meeting, title, secrecy);
  if (!poll.ok()) return poll.status();
  if (absl::StatusOr<v1::Poll> opened = OpenPoll(hopsod, assembly, meeting, poll->id());
      !opened.ok()) {
    return opened.status();
  }
  Storm storm = CastAll(hopsod.server.process->pid(), channels, assembly, meeting, poll->id());
  if (absl::Status status = FirstError(storm.calls, "CastBallot"); !status.ok()) return status;
  absl::StatusOr<v1::Poll> closed = ClosePoll(hopsod, assembly, meeting, poll->id());
  if (!closed.ok()) return closed.status();
  if (closed->result().ballots() != storm.acked) {
    return absl::DataLossError(absl::StrCat("the poll counted ", closed->result().ballots(),
                                            " ballots; ", storm.acked, " were acknowledged"));
  }
  return storm;
}

// One WatchMeeting stream through the callback API.
// WatchMeeting's full name: tablets call it with the generated request but
// read its answers as TabletEvent (see tablet_event.proto).
constexpr char kWatchMeeting[] = "/hopso.v1.MeetingService/WatchMeeting";

// One WatchMeeting stream through the callback API, made as the generated
// stub makes it but with the lean answer type.
class Tablets::Tablet final : public grpc::ClientReadReactor<TabletEvent> {
 public:
  Tablet(Tablets* owner, int index, grpc::Channel& channel, const grpc::internal::RpcMethod& method,
         const std::string& token, const std::string& meeting_id, int64_t after_seq)
      : owner_(owner), index_(index) {
    Authorize(&context_, token);
    request_.set_meeting_id(meeting_id);
    request_.set_after_seq(after_seq);
    grpc::internal::ClientCallbackReaderFactory<TabletEvent>::Create(&channel, method, &context_,
                                                                     &request_, this);
    StartRead(&event_);
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    owner_->Received(*this, event_, Clock::now());
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override { owner_->Ended(index_, status); }

 private:
  friend class Tablets;

  Tablets* const owner_;
  const int index_;
  grpc::ClientContext context_;
  v1::WatchMeetingRequest request_;
  TabletEvent event_;
  // Its own lock, so that a thousand tablets do not queue on one.
  absl::Mutex mu_;
  std::vector<SeenEvent> history_ ABSL_GUARDED_BY(mu_);
  const Armed* matched_for_ ABSL_GUARDED_BY(mu_) = nullptr;
  SeenEvent match_ ABSL_GUARDED_BY(mu_);
};

Tablets::Tablets(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                 const std::vector<std::string>& tokens, const std::string& meeting_id,
                 int64_t after_seq, int count) {
  std::vector<grpc::internal::RpcMethod> methods;
  for (const auto& channel : channels) {
    methods.emplace_back(kWatchMeeting, grpc::internal::RpcMethod::SERVER_STREAMING, channel);
  }
  for (int i = 0; i < count; ++i) {
    const size_t c = i % channels.size();
    tablets_.push_back(new Tablet(this, i, *channels[c], methods[c], tokens[i % tokens.size()],
                                  meeting_id, after_seq));
  }
}

Tablets::~Tablets() {
  for (Tablet* tablet : tablets_) tablet->Cancel();
  {
    absl::MutexLock lock(&mu_);
    auto all_ended = [this] { return ended_ == static_cast<int>(tablets_.size()); };
    mu_.Await(absl::Condition(&all_ended));
  }
  for (Tablet* tablet : tablets_) delete tablet;
}

void Tablets::Arm(std::function<bool(const SeenEvent&)> match) {
  armed_list_.push_back(std::make_unique<Armed>(Armed{std::move(match)}));
  absl::MutexLock lock(&mu_);
  match_count_ = 0;
  armed_.store(armed_list_.back().get(), std::memory_order_release);
}

absl::StatusOr<std::vector<SeenEvent>> Tablets::Wait(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    auto done = [this] { return match_count_ == static_cast<int>(tablets_.size()) || ended_ > 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
      return absl::DeadlineExceededError(absl::StrCat(match_count_, " of ", tablets_.size(),
                                                      " tablets saw the event within ",
                                                      absl::FormatDuration(timeout)));
    }
    if (ended_ > 0) {
      return absl::Status(first_end_.code(),
                          absl::StrCat(ended_, " streams ended: ", first_end_.message()));
    }
    armed_.store(nullptr, std::memory_order_release);
  }
  std::vector<SeenEvent> matches;
  for (Tablet* tablet : tablets_) {
    absl::MutexLock lock(&tablet->mu_);
    matches.push_back(tablet->match_);
  }
  return matches;
}

std::vector<SeenEvent> Tablets::History(int i) {
  absl::MutexLock lock(&tablets_[i]->mu_);
  return tablets_[i]->history_;
}

void Tablets::ClearHistory() {
  for (Tablet* tablet : tablets_) {
    absl::MutexLock lock(&tablet->mu_);
    tablet->history_.clear();
  }
}

void Tablets::Received(Tablet& tablet, const TabletEvent& event, Clock::time_point at) {
  SeenEvent seen;
  seen.at = at;
  if (event.body().has_poll_changed()) {
    seen.kind = v1::EventBody::kPollChanged;
    seen.poll_change = static_cast<v1::PollChanged::Change>(event.body().poll_changed().change());
    seen.poll_id = event.body().poll_changed().poll().id();
  } else if (event.body().has_ballots_cast()) {
    seen.kind = v1::EventBody::kBallotsCast;
    seen.poll_id = event.body().ballots_cast().poll_id();
    seen.voted = event.body().ballots_cast().voted();
  }
  // The fields not read are kept as unknown fields, so this is the whole event.
  seen.bytes = event.ByteSizeLong();
  const Armed* armed = armed_.load(std::memory_order_acquire);
  bool matched = false;
  {
    absl::MutexLock lock(&tablet.mu_);
    if (armed != nullptr && tablet.matched_for_ != armed && armed->match(seen)) {
      tablet.matched_for_ = armed;
      tablet.match_ = seen;
      matched = true;
    }
    tablet.history_.push_back(std::move(seen));
  }
  if (matched) {
    absl::MutexLock lock(&mu_);
    // A match for what was armed before is not one for what is armed now.
    if (armed_.load(std::memory_order_relaxed) == armed) ++match_count_;
  }
}

void Tablets::Ended(int index, const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  if (ended_++ == 0) first_end_ = FromGrpc(status, absl::StrCat("tablet ", index));
}

std::function<bool(const SeenEvent&)> PollChange(const std::string& poll_id,
                                                 v1::PollChanged::Change change) {
  return [poll_id, change](const SeenEvent& seen) {
    return seen.kind == v1::EventBody::kPollChanged && seen.poll_change == change &&
           seen.poll_id == poll_id;
  };
}

absl::StatusOr<std::string> ChildLine(std::vector<std::string> args, absl::string_view prefix,
                                      const std::string& log_path) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Spawn(std::move(args), absl::GetFlag(FLAGS_server_cpu), log_path);
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> line = (*child)->WaitForLine(prefix);
  if (!line.ok()) return line.status();
  if (absl::Status status = (*child)->Wait(); !status.ok()) return status;
  return line;
}

absl::StatusOr<std::unique_ptr<RawSqlite>> RawSqlite::Open(const std::string& path,
                                                           const char* schema) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", message));
  }
  std::unique_ptr<RawSqlite> raw(new RawSqlite(db));
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", schema}) {
    if (absl::Status status = raw->Exec(sql); !status.ok()) return status;
  }
  return raw;
}

RawSqlite::~RawSqlite() {
  for (sqlite3_stmt* statement : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

absl::Status RawSqlite::Error(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", sqlite3_errmsg(db_)));
}

absl::Status RawSqlite::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(sql);
  return absl::OkStatus();
}

absl::StatusOr<int> RawSqlite::Prepare(const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) return Error(sql);
  statements_.push_back(statement);
  return static_cast<int>(statements_.size()) - 1;
}

absl::Status RawSqlite::Run(int statement, const std::vector<std::string>& params) {
  sqlite3_stmt* stmt = statements_[statement];
  sqlite3_reset(stmt);
  for (size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i) + 1, params[i].data(),
                      static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
  }
  if (sqlite3_step(stmt) != SQLITE_DONE) return Error(sqlite3_sql(stmt));
  return absl::OkStatus();
}

absl::StatusOr<std::string> IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::DataLossError(absl::StrCat("cannot open ", path, ": ", message));
  }
  std::string result;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      if (!result.empty()) result += "; ";
      result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
  } else {
    result = sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

}  // namespace hopso::bench
