// hopsod: the Hopso server.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "pdf/timestamp.h"
#include "server/services/grpc_services.h"
#include "server/signing/token.h"
#include "server/store/blob_store.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/tls_setup.h"
#include "server/util/thread_pool.h"

ABSL_FLAG(std::string, data_dir, "var", "Directory for the database, blobs and TLS files.");
ABSL_FLAG(std::string, listen, "127.0.0.1:7443",
          "host:port to listen on; port 0 picks a free one. Use 0.0.0.0:7443 for tablets.");
ABSL_FLAG(bool, insecure, false, "Serve without TLS (only on a loopback address).");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain (default: self-signed in data_dir/tls).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert.");
ABSL_FLAG(int, threads, 8, "Worker threads for database work.");
ABSL_FLAG(std::string, pkcs11_module, hopso::server::signing::kSoftHsmModule,
          "PKCS#11 module holding the signing keys. With SoftHSM2 (the default) the tokens live "
          "in data_dir/tokens unless SOFTHSM2_CONF says otherwise.");
ABSL_FLAG(std::string, tsa_url, "",
          "RFC 3161 timestamp authority (http://...); signatures are PAdES B-T with it, B-B "
          "without.");
ABSL_FLAG(std::string, trusted_roots, "",
          "PEM file of CA certificates VerifyDocument trusts besides the organisations' own CAs "
          "(outside CAs, the timestamp authority's root).");
ABSL_FLAG(int, max_pin_tries, 5, "Wrong PINs in a row before a signing key locks.");

namespace hopso::server {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "hopsod: %s\n", message.c_str());
  return 1;
}

bool IsLoopback(absl::string_view host) {
  return host == "localhost" || absl::StartsWith(host, "127.") || host == "[::1]" || host == "::1";
}

int Run(const sigset_t& stop_signals) {
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return Fail(absl::StrCat("--listen must be host:port, got '", listen, "'"));
  }
  const std::string host = listen.substr(0, colon);
  if (absl::GetFlag(FLAGS_insecure) && !IsLoopback(host)) {
    return Fail(absl::StrCat("--insecure is only allowed on a loopback address, not '", host,
                             "': tablets must talk TLS"));
  }

  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec || access(data_dir.c_str(), W_OK) != 0) {
    return Fail(absl::StrCat("data directory '", data_dir, "' is not writable",
                             ec ? ": " + ec.message() : ""));
  }
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(data_dir + "/hopso.db");
  if (!store.ok()) return Fail(std::string(store.status().message()));

  std::shared_ptr<grpc::ServerCredentials> creds;
  std::string mode = "insecure";
  AuthOptions auth_options;
  if (absl::GetFlag(FLAGS_insecure)) {
    creds = grpc::InsecureServerCredentials();
  } else {
    absl::StatusOr<TlsIdentity> tls = LoadOrCreateTlsIdentity(
        data_dir, absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key));
    if (!tls.ok()) return Fail(std::string(tls.status().message()));
    // Pairing codes carry it, so a tablet that scans one trusts this server only.
    absl::StatusOr<std::string> fingerprint = CertificateFingerprint(tls->cert_pem);
    if (!fingerprint.ok()) return Fail(std::string(fingerprint.status().message()));
    auth_options.tls_fingerprint = *fingerprint;
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({tls->key_pem, tls->cert_pem});
    creds = grpc::SslServerCredentials(options);
    mode = "tls";
  }

  absl::StatusOr<BlobStore> blobs = BlobStore::Open(data_dir);
  if (!blobs.ok()) return Fail(std::string(blobs.status().message()));

  SigningOptions signing_options;
  signing_options.pkcs11_module = absl::GetFlag(FLAGS_pkcs11_module);
  signing_options.max_pin_tries = std::max(1, absl::GetFlag(FLAGS_max_pin_tries));
  signing_options.tsa_url = absl::GetFlag(FLAGS_tsa_url);
  if (!signing_options.tsa_url.empty()) {
    if (absl::Status ok = pdf::HttpTimestampAuthority::Create(signing_options.tsa_url).status();
        !ok.ok()) {
      return Fail(absl::StrCat("--tsa_url: ", ok.message()));
    }
  }
  if (const std::string roots = absl::GetFlag(FLAGS_trusted_roots); !roots.empty()) {
    absl::StatusOr<std::vector<std::string>> der = signing::ReadCertificateBundle(roots);
    if (!der.ok()) return Fail(absl::StrCat("--trusted_roots: ", der.status().message()));
    signing_options.extra_trusted_roots_der = *std::move(der);
  }
  if (signing_options.pkcs11_module == signing::kSoftHsmModule) {
    if (absl::Status ok = signing::PrepareSoftHsm(data_dir + "/tokens"); !ok.ok()) {
      return Fail(std::string(ok.message()));
    }
  }

  ThreadPool pool(std::max(1, absl::GetFlag(FLAGS_threads)));
  HopsoServices services(**store, *blobs, pool, DocumentOptions(), auth_options,
                         std::move(signing_options));
  if (absl::Status cleaned = services.RemoveAbandonedUploads(); !cleaned.ok()) {
    std::fprintf(stderr, "hopsod: could not remove abandoned uploads: %s\n",
                 std::string(cleaned.message()).c_str());
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(listen, creds, &selected_port);
  // Tablets on flaky Wi-Fi: ping idle connections so dead streams are noticed
  // within a minute, and let clients ping us as often as every 10 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // gRPC sets SO_REUSEPORT by default: a second hopsod would then share the
  // port silently, each with its own view of live streams.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(8 << 20);
  services.RegisterWith(builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || selected_port == 0) {
    return Fail(absl::StrCat("cannot listen on ", listen,
                             ": the port is taken or the address is not on this machine"));
  }
  std::fprintf(stdout, "hopsod listening on %s:%d (%s)\n", host.c_str(), selected_port,
               mode.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "hopsod: data in %s, schema version %d\n", data_dir.c_str(),
               SqliteSchemaVersion());

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::fprintf(stderr, "hopsod: %s received, shutting down\n", strsignal(signal));
    // Streams end first, with a status telling tablets to resume elsewhere;
    // unary calls in flight get five seconds to finish.
    services.BeginShutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  });
  server->Wait();
  stopper.join();
  std::fprintf(stderr, "hopsod: stopped\n");
  return 0;
}

}  // namespace
}  // namespace hopso::server

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Hopso meeting server.\n  hopsod --data_dir var --listen 0.0.0.0:7443");
  // Blocked before any thread exists (gRPC starts some early), so that every
  // thread inherits the mask and only the stopper thread receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil is built with deadlock detection on; it costs every lock
  // a graph update, and our lock order is fixed by design (see event_hub.h).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return hopso::server::Run(stop_signals);
}
