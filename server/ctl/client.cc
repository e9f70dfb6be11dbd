#include "server/ctl/client.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/ctl/files.h"
#include "server/ctl/flags.h"

namespace hopso::ctl {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:7443";

std::string EnvOr(const char* name, absl::string_view fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

// hopsod's self-signed certificate names localhost; a client dialling a
// loopback IP checks the certificate against that name.
bool IsLoopbackIp(absl::string_view server) {
  return absl::StartsWith(server, "127.") || absl::StartsWith(server, "[::1]");
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> CredentialsFromFlags() {
  if (absl::GetFlag(FLAGS_insecure)) return grpc::InsecureChannelCredentials();
  std::string ca_file = absl::GetFlag(FLAGS_ca_file);
  if (ca_file.empty() && !absl::GetFlag(FLAGS_data_dir).empty()) {
    ca_file = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/tls/server.crt");
  }
  grpc::SslCredentialsOptions options;
  if (!ca_file.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(ca_file);
    if (!pem.ok()) return pem.status();
    options.pem_root_certs = *std::move(pem);
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::string> TokenFromFlags() {
  if (!absl::GetFlag(FLAGS_token).empty()) return absl::GetFlag(FLAGS_token);
  if (std::string token = EnvOr("HOPSO_TOKEN", ""); !token.empty()) return token;
  absl::StatusOr<std::string> saved = ReadFile(TokenFilePath());
  if (absl::IsNotFound(saved.status())) return std::string();
  if (!saved.ok()) return saved.status();
  return std::string(absl::StripAsciiWhitespace(*saved));
}

}  // namespace

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

Client::Client(std::shared_ptr<grpc::Channel> channel, std::string token)
    : channel_(std::move(channel)),
      token_(std::move(token)),
      auth_(v1::AuthService::NewStub(channel_)),
      directory_(v1::DirectoryService::NewStub(channel_)),
      meeting_(v1::MeetingService::NewStub(channel_)),
      document_(v1::DocumentService::NewStub(channel_)),
      attendance_(v1::AttendanceService::NewStub(channel_)),
      voting_(v1::VotingService::NewStub(channel_)),
      speaker_(v1::SpeakerService::NewStub(channel_)),
      signing_(v1::SigningService::NewStub(channel_)) {}

std::string ServerFromFlags() {
  return absl::GetFlag(FLAGS_server).empty() ? EnvOr("HOPSO_SERVER", kDefaultServer)
                                             : absl::GetFlag(FLAGS_server);
}

absl::StatusOr<Client> Client::FromFlags() {
  const std::string server = ServerFromFlags();
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = CredentialsFromFlags();
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  if (!absl::GetFlag(FLAGS_insecure) && IsLoopbackIp(server)) {
    args.SetSslTargetNameOverride("localhost");
  }
  absl::StatusOr<std::string> token = TokenFromFlags();
  if (!token.ok()) return token.status();
  return Client(grpc::CreateCustomChannel(server, *credentials, args), *std::move(token));
}

absl::StatusOr<Client> Client::Login(absl::string_view username, absl::string_view password,
                                     v1::LoginResponse* response) const {
  v1::LoginRequest request;
  request.set_username(std::string(username));
  request.set_password(std::string(password));
  absl::StatusOr<v1::LoginResponse> login = Call(&v1::AuthService::Stub::Login, request);
  if (!login.ok()) {
    return absl::Status(login.status().code(),
                        absl::StrCat("login as ", username, ": ", login.status().message()));
  }
  if (response != nullptr) *response = *login;
  return Client(channel_, login->token());
}

absl::Status Client::Watch(const v1::WatchMeetingRequest& request, grpc::ClientContext* context,
                           const std::function<void(const v1::MeetingEvent&)>& on_event) const {
  PrepareContext(context, std::nullopt);
  std::unique_ptr<grpc::ClientReader<v1::MeetingEvent>> reader =
      meeting_->WatchMeeting(context, request);
  v1::MeetingEvent event;
  while (reader->Read(&event)) on_event(event);
  return FromGrpc(reader->Finish());
}

absl::StatusOr<v1::UploadState> Client::UploadChunks(
    const std::function<absl::StatusOr<bool>(v1::UploadChunk*)>& next) const {
  grpc::ClientContext context;
  PrepareContext(&context, std::nullopt);
  v1::UploadState state;
  std::unique_ptr<grpc::ClientWriter<v1::UploadChunk>> writer =
      document_->UploadChunks(&context, &state);
  v1::UploadChunk chunk;
  while (true) {
    chunk.Clear();
    absl::StatusOr<bool> more = next(&chunk);
    if (!more.ok()) {
      context.TryCancel();
      writer->Finish();  // cancelled by us: the status says nothing
      return more.status();
    }
    // A failed Write means the server has ended the stream: Finish says why.
    if (!*more || !writer->Write(chunk)) break;
  }
  writer->WritesDone();
  if (grpc::Status status = writer->Finish(); !status.ok()) return FromGrpc(status);
  return state;
}

absl::Status Client::Download(
    const v1::DownloadRequest& request,
    const std::function<absl::Status(const v1::DownloadChunk&)>& on_chunk) const {
  grpc::ClientContext context;
  PrepareContext(&context, std::nullopt);
  std::unique_ptr<grpc::ClientReader<v1::DownloadChunk>> reader =
      document_->Download(&context, request);
  v1::DownloadChunk chunk;
  while (reader->Read(&chunk)) {
    if (absl::Status status = on_chunk(chunk); !status.ok()) {
      context.TryCancel();
      reader->Finish();  // cancelled by us: the status says nothing
      return status;
    }
  }
  return FromGrpc(reader->Finish());
}

void Client::PrepareContext(grpc::ClientContext* context,
                            std::optional<std::chrono::seconds> deadline) const {
  if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  if (deadline) context->set_deadline(std::chrono::system_clock::now() + *deadline);
}

std::string TokenFilePath() {
  return absl::StrCat(EnvOr("HOME", "."), "/.config/hopso/token");
}

absl::Status SaveTokenFile(absl::string_view token) {
  const std::filesystem::path path = TokenFilePath();
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    return absl::UnknownError(
        absl::StrCat("cannot create ", path.parent_path().string(), ": ", error.message()));
  }
  // The directory holds a credential: only its owner may look inside.
  std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all, error);
  return WriteFile(path, absl::StrCat(token, "\n"), 0600);
}

absl::Status RemoveTokenFile() {
  const std::string path = TokenFilePath();
  if (std::remove(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnknownError(absl::StrCat("cannot remove ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace hopso::ctl
