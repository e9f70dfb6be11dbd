#include "server/services/grpc_services.h"

#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "hopso/v1/annotation.grpc.pb.h"
#include "hopso/v1/attendance.grpc.pb.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/signing.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/document.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"
#include "hopso/v1/speaker.grpc.pb.h"
#include "hopso/v1/voting.grpc.pb.h"
#include "server/services/status_convert.h"
#include "server/services/wire.h"
#include "server/util/status_macros.h"

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

// The caller's address without its port: "ipv4:10.0.0.7:51234" -> "ipv4:10.0.0.7".
std::string PeerAddress(const grpc::CallbackServerContext* ctx) {
  std::string peer = ctx->peer();
  const size_t colon = peer.rfind(':');
  if (colon != std::string::npos && peer.find(':') != colon) peer.resize(colon);
  return peer;
}

}  // namespace

// Context shared by every call of one HopsoServices.
struct HopsoServices::CallEnv {
  ThreadPool& pool;
  AuthHandler& auth;
};

namespace {

using CallEnv = HopsoServices::CallEnv;

// One WatchMeeting stream: replays from after_seq, then follows live. At most
// one write is in flight; what to send next is always "the event after the
// last one sent", found in the hub's window or read from the store, so a slow
// tablet costs a position, not a queue.
class WatchReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                           public EventSubscriber {
 public:
  WatchReactor(CallEnv env, Store& store, EventHub& hub, MeetingHandler& meetings,
               grpc::CallbackServerContext* ctx, const v1::WatchMeetingRequest& req)
      : env_(env), store_(store), hub_(hub), meeting_id_(req.meeting_id()),
        start_(absl::Now()), sent_seq_initial_(req.after_seq()), sent_seq_(req.after_seq()) {
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
    sent_seq_ = in_flight_->seq;
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
    while (!backlog_.empty() && backlog_.front()->seq < next) backlog_.pop_front();
    std::shared_ptr<const EncodedEvent> event;
    if (!backlog_.empty() && backlog_.front()->seq == next) {
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
    StartWrite(&in_flight_->bytes);
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
            backlog_.push_back(EventHub::Encode(e));
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
  std::shared_ptr<const EncodedEvent> in_flight_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<const EncodedEvent>> backlog_ ABSL_GUARDED_BY(mu_);
};

// One UploadChunks stream: each chunk is written on the pool, the next read
// starts only after it is, so a fast client is held back by flow control
// rather than buffered in memory.
class UploadReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  UploadReactor(CallEnv env, DocumentHandler& documents, grpc::CallbackServerContext* ctx,
                grpc::ByteBuffer* response)
      : env_(env), documents_(documents), response_(response),
        authorization_(AuthorizationOf(ctx)), start_(absl::Now()) {
    StartRead(&chunk_);
  }

  void OnReadDone(bool ok) override {
    env_.pool.Schedule([this, ok] {
      absl::Status status = ok ? Take() : Close();
      if (!status.ok() || !ok) {
        LogCall("DocumentService/UploadChunks", user_, status, absl::Now() - start_);
        stream_.reset();  // releases the upload before the client hears back
        Finish(ToGrpcStatus(status));
        return;
      }
      StartRead(&chunk_);
    });
  }

  void OnDone() override { delete this; }

 private:
  absl::Status Take() {
    v1::UploadChunk chunk;
    RETURN_IF_ERROR(ParseByteBuffer(chunk_, &chunk));
    if (stream_ == nullptr) {
      ASSIGN_OR_RETURN(Caller caller, env_.auth.Authenticate(authorization_));
      user_ = caller.user_id;
      if (chunk.upload_id().empty()) {
        return absl::InvalidArgumentError("the first chunk must name its upload_id");
      }
      ASSIGN_OR_RETURN(stream_, documents_.OpenUploadStream(caller, chunk.upload_id()));
    }
    return stream_->Append(chunk);
  }

  absl::Status Close() {
    if (stream_ == nullptr) return absl::InvalidArgumentError("no chunk was sent");
    ASSIGN_OR_RETURN(v1::UploadState state, stream_->Close());
    *response_ = ToByteBuffer(state);
    return absl::OkStatus();
  }

  CallEnv env_;
  DocumentHandler& documents_;
  grpc::ByteBuffer* response_;
  const std::string authorization_;
  const absl::Time start_;
  std::string user_;
  grpc::ByteBuffer chunk_;
  std::unique_ptr<DocumentHandler::UploadStream> stream_;
};

// One download stream (Download, ExportAnnotatedCopy): reads the next chunk
// on the pool after the previous write completes, so at most one chunk per
// stream is in memory.
class DownloadReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;
  // Finds the file to send for the authenticated caller.
  using OpenFn = std::function<absl::StatusOr<DownloadSource>(const Caller&)>;

  DownloadReactor(CallEnv env, std::string method, grpc::CallbackServerContext* ctx, OpenFn open)
      : env_(env), method_(std::move(method)), open_(std::move(open)), start_(absl::Now()) {
    env_.pool.Schedule([this, authorization = AuthorizationOf(ctx)] {
      absl::Status status = Open(authorization);
      if (!status.ok()) {
        End(status);
        return;
      }
      Next();
    });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("the client went away"));
      return;
    }
    env_.pool.Schedule([this] { Next(); });
  }

  void OnDone() override {
    if (fd_ >= 0) close(fd_);
    delete this;
  }

 private:
  absl::Status Open(const std::string& authorization) {
    ASSIGN_OR_RETURN(Caller caller, env_.auth.Authenticate(authorization));
    user_ = caller.user_id;
    ASSIGN_OR_RETURN(source_, open_(caller));
    fd_ = open(source_.path.c_str(), O_RDONLY | O_CLOEXEC);
    // The open descriptor keeps a temporary file readable to the end.
    if (source_.temporary) unlink(source_.path.c_str());
    if (fd_ < 0) return absl::UnavailableError("cannot open the stored document");
    position_ = source_.offset;
    return absl::OkStatus();
  }

  // Sends the next chunk, or ends the stream after the last one. The first
  // message is sent even for an empty remainder, to carry size and hash.
  void Next() {
    if (position_ >= source_.size_bytes && sent_first_) {
      End(absl::OkStatus());
      return;
    }
    v1::DownloadChunk chunk;
    chunk.set_offset(position_);
    if (!sent_first_) {
      chunk.set_size_bytes(source_.size_bytes);
      chunk.set_sha256(source_.sha256);
      sent_first_ = true;
    }
    const size_t want =
        static_cast<size_t>(std::min<int64_t>(kChunkBytes, source_.size_bytes - position_));
    std::string* data = chunk.mutable_data();
    data->resize(want);
    size_t got = 0;
    while (got < want) {
      ssize_t n = pread(fd_, data->data() + got, want - got, position_ + got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        End(absl::DataLossError("the stored document is shorter than recorded"));
        return;
      }
      got += n;
    }
    position_ += got;
    buffer_ = ToByteBuffer(chunk);
    StartWrite(&buffer_);
  }

  void End(const absl::Status& status) {
    LogCall(method_, user_, status, absl::Now() - start_);
    Finish(ToGrpcStatus(status));
  }

  CallEnv env_;
  const std::string method_;
  const OpenFn open_;
  const absl::Time start_;
  std::string user_;
  DownloadSource source_;
  int fd_ = -1;
  int64_t position_ = 0;
  bool sent_first_ = false;
  grpc::ByteBuffer buffer_;
};

// A stream refused before it starts (its request did not parse).
class RefusedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedStream(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

// Every RPC by "Service/Method": unary ones as functions over raw buffers,
// the streaming one as a reactor factory.
class HopsoServices::Dispatcher {
 public:
  // Ends a unary call: logs it and finishes the reactor. Called once, from
  // any thread.
  using Finish = std::function<void(absl::Status)>;
  using RawUnary =
      std::function<void(const Caller&, const grpc::ByteBuffer&, grpc::ByteBuffer*, Finish)>;
  using StreamFactory = std::function<grpc::ServerWriteReactor<grpc::ByteBuffer>*(
      grpc::CallbackServerContext*, const grpc::ByteBuffer*)>;
  using ClientStreamFactory = std::function<grpc::ServerReadReactor<grpc::ByteBuffer>*(
      grpc::CallbackServerContext*, grpc::ByteBuffer*)>;

  explicit Dispatcher(CallEnv env) : env_(env) {}

  // Add
  //
  // A handler method `absl::Status H::M(const Caller&, const Req&, Resp*)`.
  template <typename H, typename Req, typename Resp>
  void Add(const std::string& name, H* handler,
           absl::Status (H::*method)(const Caller&, const Req&, Resp*)) {
    AddFn<Req, Resp>(name, /*authenticate=*/true,
                     [handler, method](const Caller& c, const Req& req, Resp* resp) {
                       return (handler->*method)(c, req, resp);
                     });
  }

  template <typename Req, typename Resp>
  void AddFn(const std::string& name, bool authenticate,
             std::function<absl::Status(const Caller&, const Req&, Resp*)> fn) {
    unary_[name] = Unary{
        [fn = std::move(fn)](const Caller& caller, const grpc::ByteBuffer& in,
                             grpc::ByteBuffer* out, const Finish& finish) {
          finish([&]() -> absl::Status {
            Req req;
            RETURN_IF_ERROR(ParseByteBuffer(in, &req));
            Resp resp;
            RETURN_IF_ERROR(fn(caller, req, &resp));
            *out = ToByteBuffer(resp);
            return absl::OkStatus();
          }());
        },
        authenticate};
  }

  // AddAsync
  //
  // A unary method whose answer comes later, from another thread (the group
  // writer's, once a batch commits), so that no pool thread waits for it.
  // The pool thread authenticates, parses and calls `fn`; `fn` copies what it
  // keeps of the request and calls `reply` exactly once.
  template <typename Req, typename Resp>
  void AddAsync(const std::string& name,
                std::function<void(const Caller&, const Req&,
                                   std::function<void(absl::Status, const Resp&)>)>
                    fn) {
    unary_[name] = Unary{
        [fn = std::move(fn)](const Caller& caller, const grpc::ByteBuffer& in,
                             grpc::ByteBuffer* out, Finish finish) {
          Req req;
          if (absl::Status parsed = ParseByteBuffer(in, &req); !parsed.ok()) {
            finish(parsed);
            return;
          }
          fn(caller, req, [out, finish = std::move(finish)](absl::Status status, const Resp& resp) {
            if (status.ok()) *out = ToByteBuffer(resp);
            finish(status);
          });
        },
        /*authenticate=*/true};
  }

  // AddStream
  //
  // A server-streaming method: its request is parsed here, and one that does
  // not parse ends the stream with INVALID_ARGUMENT before `make` is called.
  template <typename Req, typename Make>
  void AddStream(const std::string& name, Make make) {
    streams_[name] = [name, make = std::move(make)](grpc::CallbackServerContext* ctx,
                                                   const grpc::ByteBuffer* request)
        -> grpc::ServerWriteReactor<grpc::ByteBuffer>* {
      Req req;
      absl::Status parsed = ParseByteBuffer(*request, &req);
      if (!parsed.ok()) {
        LogCall(name, "", parsed, absl::ZeroDuration());
        return new RefusedStream(parsed);
      }
      return make(ctx, req);
    };
  }

  void AddClientStream(const std::string& name, ClientStreamFactory factory) {
    client_streams_[name] = std::move(factory);
  }

  bool Handles(const std::string& name) const {
    return unary_.contains(name) || streams_.contains(name) || client_streams_.contains(name);
  }

  // Runs the call on the pool: authenticate, parse, handle; logs and
  // finishes when the handler is done (maybe later, on another thread).
  grpc::ServerUnaryReactor* ServeUnary(const std::string& name, grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    const Unary& method = unary_.at(name);
    env_.pool.Schedule([this, &name, &method, reactor, request, response, start = absl::Now(),
                        authorization = AuthorizationOf(ctx), peer = PeerAddress(ctx)] {
      Caller caller;
      if (method.authenticate) {
        absl::StatusOr<Caller> authenticated = env_.auth.Authenticate(authorization);
        if (!authenticated.ok()) {
          LogCall(name, "", authenticated.status(), absl::Now() - start);
          reactor->Finish(ToGrpcStatus(authenticated.status()));
          return;
        }
        caller = *std::move(authenticated);
      }
      caller.peer = peer;
      method.fn(caller, *request, response,
                [&name, reactor, start, user = caller.user_id](absl::Status status) {
                  LogCall(name, user, status, absl::Now() - start);
                  reactor->Finish(ToGrpcStatus(status));
                });
    });
    return reactor;
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* ServeStream(const std::string& name,
                                                          grpc::CallbackServerContext* ctx,
                                                          const grpc::ByteBuffer* request) {
    return streams_.at(name)(ctx, request);
  }

  grpc::ServerReadReactor<grpc::ByteBuffer>* ServeClientStream(const std::string& name,
                                                               grpc::CallbackServerContext* ctx,
                                                               grpc::ByteBuffer* response) {
    return client_streams_.at(name)(ctx, response);
  }

 private:
  struct Unary {
    RawUnary fn;
    bool authenticate;
  };
  CallEnv env_;
  absl::flat_hash_map<std::string, Unary> unary_;
  absl::flat_hash_map<std::string, StreamFactory> streams_;
  absl::flat_hash_map<std::string, ClientStreamFactory> client_streams_;
};

namespace {

// RawService
//
// A generated service whose every method takes and returns raw buffers and
// goes through the dispatcher, found by the method names in the service's
// descriptor (the generated code numbers methods in that order).
template <typename GeneratedService>
class RawService final : public GeneratedService {
 public:
  RawService(const std::string& full_name, HopsoServices::Dispatcher& dispatcher) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      names_.push_back(absl::StrCat(service->name(), "/", method->name()));
      const std::string& name = names_.back();
      if (!dispatcher.Handles(name)) {
        std::fprintf(stderr, "hopsod: no handler for %s\n", name.c_str());
        std::abort();  // a programming error, caught by every test that starts the server
      }
      if (method->client_streaming()) {
        this->MarkMethodRawCallback(
            i, new grpc::internal::CallbackClientStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                   [&dispatcher, &name](grpc::CallbackServerContext* ctx,
                                        grpc::ByteBuffer* response) {
                     return dispatcher.ServeClientStream(name, ctx, response);
                   }));
      } else if (method->server_streaming()) {
        this->MarkMethodRawCallback(
            i, new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                   [&dispatcher, &name](grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* request) {
                     return dispatcher.ServeStream(name, ctx, request);
                   }));
      } else {
        this->MarkMethodRawCallback(
            i, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                   [&dispatcher, &name](grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) {
                     return dispatcher.ServeUnary(name, ctx, request, response);
                   }));
      }
    }
  }

 private:
  std::deque<std::string> names_;  // stable addresses for the handlers' captures
};


}  // namespace

HopsoServices::HopsoServices(Store& store, BlobStore& blobs, ThreadPool& pool,
                             DocumentOptions document_options, AuthOptions auth_options,
                             SigningOptions signing_options)
    : store_(store), pool_(pool), auth_(store, std::move(auth_options)), directory_(store, auth_),
      meetings_(store), documents_(store, blobs, std::move(document_options)),
      annotations_(store, blobs), writer_(std::make_unique<GroupWriter>(store)),
      attendance_(store, *writer_), voting_(store, *writer_), speakers_(store),
      signing_(store, blobs, documents_, std::move(signing_options)) {
  store_.SetEventListener([this](const std::vector<StoredEvent>& events) { hub_.Publish(events); });
  dispatcher_ = std::make_unique<Dispatcher>(CallEnv{pool_, auth_});
  Dispatcher& d = *dispatcher_;

  d.AddFn<v1::LoginRequest, v1::LoginResponse>(
      "AuthService/Login", /*authenticate=*/false,
      [this](const Caller&, const v1::LoginRequest& req, v1::LoginResponse* resp) {
        return auth_.Login(req, resp);
      });
  d.AddFn<v1::RedeemPairingCodeRequest, v1::LoginResponse>(
      "AuthService/RedeemPairingCode", /*authenticate=*/false,
      [this](const Caller& c, const v1::RedeemPairingCodeRequest& req, v1::LoginResponse* resp) {
        return auth_.RedeemPairingCode(c, req, resp);
      });
  d.Add("AuthService/CreatePairingCode", &auth_, &AuthHandler::CreatePairingCode);
  d.AddFn<v1::LogoutRequest, v1::LogoutResponse>(
      "AuthService/Logout", true,
      [this](const Caller& c, const v1::LogoutRequest&, v1::LogoutResponse*) {
        return auth_.Logout(c);
      });
  d.AddFn<v1::WhoAmIRequest, v1::WhoAmIResponse>(
      "AuthService/WhoAmI", true,
      [this](const Caller& c, const v1::WhoAmIRequest&, v1::WhoAmIResponse* resp) {
        return auth_.WhoAmI(c, resp);
      });

  d.Add("DirectoryService/CreateOrganization", &directory_, &DirectoryHandler::CreateOrganization);
  d.Add("DirectoryService/GetOrganization", &directory_, &DirectoryHandler::GetOrganization);
  d.Add("DirectoryService/ListOrganizations", &directory_, &DirectoryHandler::ListOrganizations);
  d.Add("DirectoryService/CreateUser", &directory_, &DirectoryHandler::CreateUser);
  d.Add("DirectoryService/GetUser", &directory_, &DirectoryHandler::GetUser);
  d.Add("DirectoryService/ListUsers", &directory_, &DirectoryHandler::ListUsers);
  d.Add("DirectoryService/SetPassword", &directory_, &DirectoryHandler::SetPassword);
  d.Add("DirectoryService/ImportUsers", &directory_, &DirectoryHandler::ImportUsers);

  MeetingHandler* m = &meetings_;
  d.Add("MeetingService/CreateMeeting", m, &MeetingHandler::CreateMeeting);
  d.Add("MeetingService/GetMeeting", m, &MeetingHandler::GetMeeting);
  d.Add("MeetingService/ListMeetings", m, &MeetingHandler::ListMeetings);
  d.Add("MeetingService/UpdateMeeting", m, &MeetingHandler::UpdateMeeting);
  for (const auto& [rpc, action] : {std::pair{"PublishMeeting", LifecycleAction::kPublish},
                                    std::pair{"StartMeeting", LifecycleAction::kStart},
                                    std::pair{"EndMeeting", LifecycleAction::kEnd},
                                    std::pair{"ArchiveMeeting", LifecycleAction::kArchive}}) {
    d.AddFn<v1::MeetingLifecycleRequest, v1::Meeting>(
        absl::StrCat("MeetingService/", rpc), true,
        [m, rpc = std::string(rpc), action = action](
            const Caller& c, const v1::MeetingLifecycleRequest& req, v1::Meeting* out) {
          return m->ChangeState(c, rpc, action, req, out);
        });
  }
  d.Add("MeetingService/GetAgenda", m, &MeetingHandler::GetAgenda);
  d.Add("MeetingService/AddAgendaItem", m, &MeetingHandler::AddAgendaItem);
  d.Add("MeetingService/UpdateAgendaItem", m, &MeetingHandler::UpdateAgendaItem);
  d.Add("MeetingService/MoveAgendaItem", m, &MeetingHandler::MoveAgendaItem);
  d.Add("MeetingService/RemoveAgendaItem", m, &MeetingHandler::RemoveAgendaItem);
  d.Add("MeetingService/SetCurrentItem", m, &MeetingHandler::SetCurrentItem);
  d.Add("MeetingService/AddParticipant", m, &MeetingHandler::AddParticipant);
  d.Add("MeetingService/RemoveParticipant", m, &MeetingHandler::RemoveParticipant);
  d.Add("MeetingService/ListParticipants", m, &MeetingHandler::ListParticipants);
  d.AddStream<v1::WatchMeetingRequest>(
      "MeetingService/WatchMeeting",
      [this](grpc::CallbackServerContext* ctx, const v1::WatchMeetingRequest& req) {
        return new WatchReactor(CallEnv{pool_, auth_}, store_, hub_, meetings_, ctx, req);
      });

  DocumentHandler* docs = &documents_;
  d.Add("DocumentService/StartUpload", docs, &DocumentHandler::StartUpload);
  d.Add("DocumentService/GetUpload", docs, &DocumentHandler::GetUpload);
  d.Add("DocumentService/FinishUpload", docs, &DocumentHandler::FinishUpload);
  d.Add("DocumentService/GetDocument", docs, &DocumentHandler::GetDocument);
  d.Add("DocumentService/ListDocuments", docs, &DocumentHandler::ListDocuments);
  d.Add("DocumentService/AttachDocument", docs, &DocumentHandler::AttachDocument);
  d.Add("DocumentService/SetConfidentiality", docs, &DocumentHandler::SetConfidentiality);
  d.Add("DocumentService/GetQrCode", docs, &DocumentHandler::GetQrCode);
  d.Add("DocumentService/ResolveQr", docs, &DocumentHandler::ResolveQr);
  d.Add("DocumentService/StampDocument", docs, &DocumentHandler::StampDocument);
  d.Add("DocumentService/GenerateHandout", docs, &DocumentHandler::GenerateHandout);
  d.Add("DocumentService/GeneratePoster", docs, &DocumentHandler::GeneratePoster);
  d.AddClientStream("DocumentService/UploadChunks",
                    [this](grpc::CallbackServerContext* ctx, grpc::ByteBuffer* response) {
                      return new UploadReactor(CallEnv{pool_, auth_}, documents_, ctx, response);
                    });
  d.AddStream<v1::DownloadRequest>(
      "DocumentService/Download",
      [this](grpc::CallbackServerContext* ctx, const v1::DownloadRequest& req) {
        return new DownloadReactor(CallEnv{pool_, auth_}, "DocumentService/Download", ctx,
                                   [this, req](const Caller& c) {
                                     return documents_.OpenDownload(c, req);
                                   });
      });

  d.Add("AnnotationService/SaveAnnotations", &annotations_, &AnnotationHandler::SaveAnnotations);
  d.Add("AnnotationService/ListAnnotations", &annotations_, &AnnotationHandler::ListAnnotations);
  d.AddStream<v1::ExportAnnotatedCopyRequest>(
      "AnnotationService/ExportAnnotatedCopy",
      [this](grpc::CallbackServerContext* ctx, const v1::ExportAnnotatedCopyRequest& req) {
        return new DownloadReactor(CallEnv{pool_, auth_}, "AnnotationService/ExportAnnotatedCopy",
                                   ctx, [this, req](const Caller& c) {
                                     return annotations_.ExportAnnotatedCopy(c, req);
                                   });
      });

  AttendanceHandler* att = &attendance_;
  d.Add("AttendanceService/GetRoomCode", att, &AttendanceHandler::GetRoomCode);
  d.AddAsync<v1::CheckInRequest, v1::AttendanceRecord>(
      "AttendanceService/CheckIn",
      [att](const Caller& c, const v1::CheckInRequest& req,
            AttendanceHandler::Reply<v1::AttendanceRecord> reply) {
        att->CheckIn(c, req, std::move(reply));
      });
  d.Add("AttendanceService/MarkAttendance", att, &AttendanceHandler::MarkAttendance);
  d.Add("AttendanceService/CheckOut", att, &AttendanceHandler::CheckOut);
  d.Add("AttendanceService/GiveProxy", att, &AttendanceHandler::GiveProxy);
  d.Add("AttendanceService/RevokeProxy", att, &AttendanceHandler::RevokeProxy);
  d.Add("AttendanceService/GetAttendance", att, &AttendanceHandler::GetAttendance);
  d.Add("AttendanceService/GetAttendanceRules", att, &AttendanceHandler::GetAttendanceRules);
  d.Add("AttendanceService/SetAttendanceRules", att, &AttendanceHandler::SetAttendanceRules);

  VotingHandler* vote = &voting_;
  d.Add("VotingService/CreatePoll", vote, &VotingHandler::CreatePoll);
  d.Add("VotingService/OpenPoll", vote, &VotingHandler::OpenPoll);
  d.Add("VotingService/ClosePoll", vote, &VotingHandler::ClosePoll);
  d.Add("VotingService/GetPoll", vote, &VotingHandler::GetPoll);
  d.Add("VotingService/ListPolls", vote, &VotingHandler::ListPolls);
  d.AddAsync<v1::CastBallotRequest, v1::CastBallotResponse>(
      "VotingService/CastBallot",
      [vote](const Caller& c, const v1::CastBallotRequest& req, VotingHandler::CastReply reply) {
        vote->CastBallot(c, req, std::move(reply));
      });
  d.Add("VotingService/GetMyVotingRights", vote, &VotingHandler::GetMyVotingRights);
  d.Add("VotingService/ListBallots", vote, &VotingHandler::ListBallots);

  SpeakerHandler* speak = &speakers_;
  d.Add("SpeakerService/RequestToSpeak", speak, &SpeakerHandler::RequestToSpeak);
  d.Add("SpeakerService/WithdrawRequest", speak, &SpeakerHandler::WithdrawRequest);
  d.Add("SpeakerService/ListSpeakers", speak, &SpeakerHandler::ListSpeakers);
  d.Add("SpeakerService/GiveFloor", speak, &SpeakerHandler::GiveFloor);
  d.Add("SpeakerService/EndFloor", speak, &SpeakerHandler::EndFloor);

  SigningHandler* sign = &signing_;
  d.Add("SigningService/InitCertificateAuthority", sign, &SigningHandler::InitCertificateAuthority);
  d.Add("SigningService/GetCertificateAuthority", sign, &SigningHandler::GetCertificateAuthority);
  d.Add("SigningService/CreateSigningKey", sign, &SigningHandler::CreateSigningKey);
  d.Add("SigningService/AttachCertificate", sign, &SigningHandler::AttachCertificate);
  d.Add("SigningService/ResetPin", sign, &SigningHandler::ResetPin);
  d.Add("SigningService/GetSigningKey", sign, &SigningHandler::GetSigningKey);
  d.Add("SigningService/SetPin", sign, &SigningHandler::SetPin);
  d.Add("SigningService/ChangePin", sign, &SigningHandler::ChangePin);
  d.Add("SigningService/SetMinutesText", sign, &SigningHandler::SetMinutesText);
  d.Add("SigningService/GenerateMinutes", sign, &SigningHandler::GenerateMinutes);
  d.Add("SigningService/GetMinutes", sign, &SigningHandler::GetMinutes);
  d.Add("SigningService/RequestSignatures", sign, &SigningHandler::RequestSignatures);
  d.Add("SigningService/ListSignatureRequests", sign, &SigningHandler::ListSignatureRequests);
  d.Add("SigningService/SignDocument", sign, &SigningHandler::SignDocument);
  d.Add("SigningService/DeclineSignature", sign, &SigningHandler::DeclineSignature);
  d.Add("SigningService/VerifyDocument", sign, &SigningHandler::VerifyDocument);

  services_.push_back(
      std::make_unique<RawService<v1::AuthService::Service>>("hopso.v1.AuthService", d));
  services_.push_back(
      std::make_unique<RawService<v1::DirectoryService::Service>>("hopso.v1.DirectoryService", d));
  services_.push_back(
      std::make_unique<RawService<v1::MeetingService::Service>>("hopso.v1.MeetingService", d));
  services_.push_back(
      std::make_unique<RawService<v1::DocumentService::Service>>("hopso.v1.DocumentService", d));
  services_.push_back(std::make_unique<RawService<v1::AnnotationService::Service>>(
      "hopso.v1.AnnotationService", d));
  services_.push_back(std::make_unique<RawService<v1::AttendanceService::Service>>(
      "hopso.v1.AttendanceService", d));
  services_.push_back(
      std::make_unique<RawService<v1::VotingService::Service>>("hopso.v1.VotingService", d));
  services_.push_back(
      std::make_unique<RawService<v1::SpeakerService::Service>>("hopso.v1.SpeakerService", d));
  services_.push_back(
      std::make_unique<RawService<v1::SigningService::Service>>("hopso.v1.SigningService", d));
}

HopsoServices::~HopsoServices() {
  // Nothing is submitted any more (the server has stopped); what is queued
  // is written, and its events still reach the hub, before the listener goes.
  writer_.reset();
  store_.SetEventListener(nullptr);
}

void HopsoServices::RegisterWith(grpc::ServerBuilder& builder) {
  for (const auto& service : services_) builder.RegisterService(service.get());
}

void HopsoServices::BeginShutdown() { hub_.Shutdown(); }

}  // namespace hopso::server
