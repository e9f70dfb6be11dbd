#include "server/services/grpc_services.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"
#include "server/services/status_convert.h"

namespace hopso::server {
namespace {

// Events read from the database at a time when a stream catches up.
constexpr int kReplayBatch = 256;

void LogCall(absl::string_view method, absl::string_view user, const absl::Status& status,
             absl::Duration took) {
  std::fprintf(stderr, "%s\n",
               absl::StrFormat("rpc %s user=%s status=%s %.2fms", method,
                               user.empty() ? "-" : user, absl::StatusCodeToString(status.code()),
                               absl::ToDoubleMilliseconds(took))
                   .c_str());
}

std::string AuthorizationOf(const grpc::CallbackServerContext* ctx) {
  auto it = ctx->client_metadata().find("authorization");
  return it == ctx->client_metadata().end() ? std::string()
                                            : std::string(it->second.data(), it->second.size());
}

// Context shared by every call of one HopsoServices.
struct CallEnv {
  ThreadPool& pool;
  AuthHandler& auth;
};

// Runs `fn(caller)` on the pool and finishes the call with its status. With
// `authenticate` false (Login), `fn` gets an empty Caller.
template <typename Fn>
grpc::ServerUnaryReactor* Serve(CallEnv env, grpc::CallbackServerContext* ctx,
                                const char* method, bool authenticate, Fn fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const absl::Time start = absl::Now();
  env.pool.Schedule([env, reactor, method, authenticate, start, fn = std::move(fn),
                     authorization = AuthorizationOf(ctx)]() mutable {
    absl::Status status;
    std::string user;
    if (authenticate) {
      absl::StatusOr<Caller> caller = env.auth.Authenticate(authorization);
      if (caller.ok()) {
        user = caller->user_id;
        status = fn(*caller);
      } else {
        status = caller.status();
      }
    } else {
      status = fn(Caller{});
    }
    LogCall(method, user, status, absl::Now() - start);
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

#define HOPSO_SERVE(Service, Method, Req, Resp, call)                                         \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Req* req,      \
                                   v1::Resp* resp) override {                                 \
    return Serve(env_, ctx, #Service "/" #Method, true,                                       \
                 [this, req, resp](const Caller& caller) { return call; });                   \
  }

}  // namespace

class HopsoServices::Auth final : public v1::AuthService::CallbackService {
 public:
  Auth(CallEnv env, AuthHandler& h) : env_(env), h_(h) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* ctx, const v1::LoginRequest* req,
                                  v1::LoginResponse* resp) override {
    return Serve(env_, ctx, "AuthService/Login", false,
                 [this, req, resp](const Caller&) { return h_.Login(*req, resp); });
  }
  HOPSO_SERVE(AuthService, Logout, LogoutRequest, LogoutResponse, h_.Logout(caller))
  HOPSO_SERVE(AuthService, WhoAmI, WhoAmIRequest, WhoAmIResponse, h_.WhoAmI(caller, resp))

 private:
  CallEnv env_;
  AuthHandler& h_;
};

class HopsoServices::Directory final : public v1::DirectoryService::CallbackService {
 public:
  Directory(CallEnv env, DirectoryHandler& h) : env_(env), h_(h) {}

  HOPSO_SERVE(DirectoryService, CreateOrganization, CreateOrganizationRequest, Organization,
              h_.CreateOrganization(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, GetOrganization, GetOrganizationRequest, Organization,
              h_.GetOrganization(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, ListOrganizations, ListOrganizationsRequest,
              ListOrganizationsResponse, h_.ListOrganizations(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, CreateUser, CreateUserRequest, User, h_.CreateUser(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, GetUser, GetUserRequest, User, h_.GetUser(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, ListUsers, ListUsersRequest, ListUsersResponse,
              h_.ListUsers(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, SetPassword, SetPasswordRequest, SetPasswordResponse,
              h_.SetPassword(caller, *req, resp))
  HOPSO_SERVE(DirectoryService, ImportUsers, ImportUsersRequest, ImportUsersResponse,
              h_.ImportUsers(caller, *req, resp))

 private:
  CallEnv env_;
  DirectoryHandler& h_;
};

// One WatchMeeting stream: replays from after_seq, then follows live. At most
// one write is in flight; what to send next is always "the event after the
// last one sent", found in the hub's window or read from the store, so a slow
// tablet costs a position, not a queue.
class WatchReactor final : public grpc::ServerWriteReactor<v1::MeetingEvent>,
                           public EventSubscriber {
 public:
  WatchReactor(CallEnv env, Store& store, EventHub& hub, MeetingHandler& meetings,
               grpc::CallbackServerContext* ctx, const v1::WatchMeetingRequest* req)
      : env_(env), store_(store), hub_(hub), meeting_id_(req->meeting_id()),
        start_(absl::Now()), sent_seq_initial_(req->after_seq()), sent_seq_(req->after_seq()) {
    Ref();  // held by the start task
    env_.pool.Schedule([this, &meetings, authorization = AuthorizationOf(ctx)] {
      Start(meetings, authorization);
      Unref();
    });
  }

  void OnCommitted(int64_t head_seq) override {
    absl::MutexLock lock(&mu_);
    head_seq_ = std::max(head_seq_, head_seq);
    PumpLocked();
  }

  void OnShutdown() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::UnavailableError("the server is shutting down; reconnect and resume"));
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::CancelledError("the stream was closed"));
      return;
    }
    sent_seq_ = in_flight_->seq();
    in_flight_.reset();
    if (pending_finish_) {
      FinishLocked(*pending_finish_);
      return;
    }
    PumpLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::CancelledError("the client went away"));
  }

  void OnDone() override {
    bool subscribed;
    {
      absl::MutexLock lock(&mu_);
      subscribed = subscribed_;
    }
    if (subscribed) hub_.Unsubscribe(meeting_id_, this);
    Unref();
  }

 private:
  void Start(MeetingHandler& meetings, const std::string& authorization) {
    {
      // Subscribe before reading the head, so no commit can fall between the
      // two unnoticed; nothing is sent before `started_`.
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      subscribed_ = hub_.Subscribe(meeting_id_, this);
    }
    absl::StatusOr<Caller> caller = env_.auth.Authenticate(authorization);
    absl::StatusOr<int64_t> head;
    if (!caller.ok()) {
      head = caller.status();
    } else {
      user_ = caller->user_id;
      head = sent_seq_initial_ < 0 ? absl::InvalidArgumentError("after_seq must not be negative")
                                   : meetings.CheckWatch(*caller, meeting_id_);
    }
    LogCall("MeetingService/WatchMeeting", user_, head.status(), absl::Now() - start_);
    absl::MutexLock lock(&mu_);
    if (head.ok() && !subscribed_) head = absl::UnavailableError("the server is shutting down");
    if (head.ok() && *head < sent_seq_initial_) {
      head = absl::OutOfRangeError(absl::StrCat("after_seq ", sent_seq_initial_,
                                                " is beyond the meeting's last event ", *head));
    }
    if (!head.ok()) {
      FinishLocked(head.status());
      return;
    }
    head_seq_ = std::max(head_seq_, *head);
    started_ = true;
    PumpLocked();
  }

  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!started_ || finished_ || writing_ || loading_ || sent_seq_ >= head_seq_) return;
    const int64_t next = sent_seq_ + 1;
    while (!backlog_.empty() && backlog_.front()->seq() < next) backlog_.pop_front();
    std::shared_ptr<const v1::MeetingEvent> event;
    if (!backlog_.empty() && backlog_.front()->seq() == next) {
      event = backlog_.front();
      backlog_.pop_front();
    } else {
      event = hub_.Lookup(meeting_id_, next);
    }
    if (event == nullptr) {
      LoadLocked(next - 1);
      return;
    }
    in_flight_ = std::move(event);
    writing_ = true;
    StartWrite(in_flight_.get());
  }

  // Reads the next batch from the store off the reactor thread.
  void LoadLocked(int64_t after) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    loading_ = true;
    Ref();
    env_.pool.Schedule([this, after] {
      std::vector<StoredEvent> events;
      absl::Status status = store_.Read([&](Transaction& tx) -> absl::Status {
        absl::StatusOr<std::vector<StoredEvent>> read = tx.ReadEvents(meeting_id_, after, kReplayBatch);
        if (!read.ok()) return read.status();
        events = std::move(*read);
        return absl::OkStatus();
      });
      {
        absl::MutexLock lock(&mu_);
        loading_ = false;
        if (!status.ok() || events.empty() || events.front().seq != after + 1) {
          FinishLocked(status.ok() ? absl::DataLossError("the meeting's event log has a gap")
                                   : status);
        } else {
          backlog_.clear();
          for (const StoredEvent& e : events) {
            backlog_.push_back(std::make_shared<const v1::MeetingEvent>(EventHub::ToProto(e)));
          }
          PumpLocked();
        }
      }
      Unref();
    });
  }

  void FinishLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (writing_) {
      // Finish after the write in flight completes.
      if (!pending_finish_) pending_finish_ = status;
      return;
    }
    finished_ = true;
    Finish(ToGrpcStatus(status));
  }

  CallEnv env_;
  Store& store_;
  EventHub& hub_;
  const std::string meeting_id_;
  std::string user_;
  const absl::Time start_;
  const int64_t sent_seq_initial_;

  absl::Mutex mu_;
  bool subscribed_ ABSL_GUARDED_BY(mu_) = false;
  int64_t sent_seq_ ABSL_GUARDED_BY(mu_);
  int64_t head_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool loading_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const v1::MeetingEvent> in_flight_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<const v1::MeetingEvent>> backlog_ ABSL_GUARDED_BY(mu_);
};

class HopsoServices::Meetings final : public v1::MeetingService::CallbackService {
 public:
  Meetings(CallEnv env, Store& store, EventHub& hub, MeetingHandler& h)
      : env_(env), store_(store), hub_(hub), h_(h) {}

  HOPSO_SERVE(MeetingService, CreateMeeting, CreateMeetingRequest, Meeting,
              h_.CreateMeeting(caller, *req, resp))
  HOPSO_SERVE(MeetingService, GetMeeting, GetMeetingRequest, Meeting, h_.GetMeeting(caller, *req, resp))
  HOPSO_SERVE(MeetingService, ListMeetings, ListMeetingsRequest, ListMeetingsResponse,
              h_.ListMeetings(caller, *req, resp))
  HOPSO_SERVE(MeetingService, UpdateMeeting, UpdateMeetingRequest, Meeting,
              h_.UpdateMeeting(caller, *req, resp))
  HOPSO_SERVE(MeetingService, PublishMeeting, MeetingLifecycleRequest, Meeting,
              h_.ChangeState(caller, "PublishMeeting", LifecycleAction::kPublish, *req, resp))
  HOPSO_SERVE(MeetingService, StartMeeting, MeetingLifecycleRequest, Meeting,
              h_.ChangeState(caller, "StartMeeting", LifecycleAction::kStart, *req, resp))
  HOPSO_SERVE(MeetingService, EndMeeting, MeetingLifecycleRequest, Meeting,
              h_.ChangeState(caller, "EndMeeting", LifecycleAction::kEnd, *req, resp))
  HOPSO_SERVE(MeetingService, ArchiveMeeting, MeetingLifecycleRequest, Meeting,
              h_.ChangeState(caller, "ArchiveMeeting", LifecycleAction::kArchive, *req, resp))
  HOPSO_SERVE(MeetingService, GetAgenda, GetAgendaRequest, Agenda, h_.GetAgenda(caller, *req, resp))
  HOPSO_SERVE(MeetingService, AddAgendaItem, AddAgendaItemRequest, Agenda,
              h_.AddAgendaItem(caller, *req, resp))
  HOPSO_SERVE(MeetingService, UpdateAgendaItem, UpdateAgendaItemRequest, Agenda,
              h_.UpdateAgendaItem(caller, *req, resp))
  HOPSO_SERVE(MeetingService, MoveAgendaItem, MoveAgendaItemRequest, Agenda,
              h_.MoveAgendaItem(caller, *req, resp))
  HOPSO_SERVE(MeetingService, RemoveAgendaItem, RemoveAgendaItemRequest, Agenda,
              h_.RemoveAgendaItem(caller, *req, resp))
  HOPSO_SERVE(MeetingService, SetCurrentItem, SetCurrentItemRequest, Meeting,
              h_.SetCurrentItem(caller, *req, resp))
  HOPSO_SERVE(MeetingService, AddParticipant, AddParticipantRequest, Participant,
              h_.AddParticipant(caller, *req, resp))
  HOPSO_SERVE(MeetingService, RemoveParticipant, RemoveParticipantRequest,
              RemoveParticipantResponse, h_.RemoveParticipant(caller, *req, resp))
  HOPSO_SERVE(MeetingService, ListParticipants, ListParticipantsRequest, ListParticipantsResponse,
              h_.ListParticipants(caller, *req, resp))

  grpc::ServerWriteReactor<v1::MeetingEvent>* WatchMeeting(
      grpc::CallbackServerContext* ctx, const v1::WatchMeetingRequest* req) override {
    return new WatchReactor(env_, store_, hub_, h_, ctx, req);
  }

 private:
  CallEnv env_;
  Store& store_;
  EventHub& hub_;
  MeetingHandler& h_;
};

HopsoServices::HopsoServices(Store& store, ThreadPool& pool)
    : store_(store), pool_(pool), auth_(store), directory_(store, auth_), meetings_(store) {
  store_.SetEventListener([this](const std::vector<StoredEvent>& events) { hub_.Publish(events); });
  CallEnv env{pool_, auth_};
  auth_service_ = std::make_unique<Auth>(env, auth_);
  directory_service_ = std::make_unique<Directory>(env, directory_);
  meeting_service_ = std::make_unique<Meetings>(env, store_, hub_, meetings_);
}

HopsoServices::~HopsoServices() { store_.SetEventListener(nullptr); }

void HopsoServices::RegisterWith(grpc::ServerBuilder& builder) {
  builder.RegisterService(auth_service_.get());
  builder.RegisterService(directory_service_.get());
  builder.RegisterService(meeting_service_.get());
}

void HopsoServices::BeginShutdown() { hub_.Shutdown(); }

}  // namespace hopso::server
