// Benchmark B2 (shared/design/BENCHMARKS.md): a 50 MB PDF streamed with
// DocumentService.Download to 1 and to 20 clients at once, each client on a
// channel (connection) of its own, against hopsod over TLS (its default).
//
// The PDF is what a secretary uploads when she scans a thick dossier: A4
// pages at 200 dpi in 8-bit grey, each page one image of noise, so that
// nothing compresses. It goes through the real upload path (StartUpload,
// UploadChunks, FinishUpload, so screening and normalisation), and what is
// measured is the download of the stored version.
//
// The ceiling is a raw TCP server in this program that sendfile()s the same
// stored bytes to every connection and closes it; its clients read until
// EOF. It is plain TCP, with no framing, no TLS and no user-space copy on the
// sending side. Both servers are child processes pinned to one cpu with
// taskset; this process, the load generator (a thread per client, blocking
// reads), is expected on the other cpu (scripts/bench runs it under taskset).
// Server CPU comes from /proc/PID/stat (utime + stime) around each run.
//
//   taskset -c 0 bench_b2 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
//
// With --sendfile_listen the program is the sendfile server instead.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench_support.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/document.grpc.pb.h"
#include "openssl/evp.h"
#include "server/util/random_id.h"

ABSL_FLAG(std::vector<std::string>, transports, std::vector<std::string>({"tls"}),
          "hopsod transports to measure: tls, plain (the ceiling is always plain TCP)");
ABSL_FLAG(std::vector<std::string>, clients, std::vector<std::string>({"1", "20"}),
          "client counts to measure");
ABSL_FLAG(int, rounds, 5, "measured A B pairs per client count");
ABSL_FLAG(int, pdf_mb, 50, "size of the PDF, in MB (10^6 bytes)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3),
          "length of each measured run: every client downloads the whole file again and "
          "again until then, and the run ends with the last download");
ABSL_FLAG(std::string, sendfile_listen, "", "run as the sendfile server on this IPv4 host:port");
ABSL_FLAG(std::string, sendfile_path, "", "sendfile server: the file every connection gets");

namespace hopso::bench {
namespace {

namespace v1 = ::hopso::v1;

constexpr char kAdminPassword[] = "quản-trị B2";
constexpr char kSecretaryPassword[] = "thư-ký B2";
constexpr char kDelegatePassword[] = "đại-biểu B2";

// Chunks as the integration tests send them; hopsod takes up to 4 MiB, but
// gRPC's default 4 MiB message limit would refuse a full 4 MiB of data.
constexpr size_t kUploadChunkBytes = 1 << 20;
// Screening a 50 MB file on a busy, pinned cpu takes a while.
constexpr absl::Duration kFinishUploadDeadline = absl::Minutes(3);
// One whole upload or download, however many clients share the server's cpu.
constexpr absl::Duration kTransferDeadline = absl::Minutes(5);
constexpr size_t kReadBufferBytes = 1 << 20;

// A4 at 200 dpi, 8-bit grey: 3.87 MB a page.
constexpr int kScanWidth = 1654;
constexpr int kScanHeight = 2339;

constexpr double kMB = 1e6;
constexpr double kGB = 1e9;

// ScanPdf
//
// A PDF of about `target_bytes`: whole pages of kScanWidth x kScanHeight
// noise (deterministic, incompressible), each drawn over its A4 page. Written
// by hand: the objects are few and a byte-exact xref is easy.
std::string ScanPdf(int64_t target_bytes) {
  const int64_t page_bytes = int64_t{kScanWidth} * kScanHeight;
  const int pages = static_cast<int>(std::max<int64_t>(1, (target_bytes + page_bytes / 2) /
                                                              page_bytes));
  std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;  // of objects 1, 2, ...
  auto object = [&](absl::string_view body) {
    offsets.push_back(pdf.size());
    absl::StrAppend(&pdf, offsets.size(), " 0 obj\n", body, "\nendobj\n");
  };
  std::string kids;
  for (int i = 0; i < pages; ++i) absl::StrAppend(&kids, i == 0 ? "" : " ", 3 + 3 * i, " 0 R");
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object(absl::StrCat("<< /Type /Pages /Kids [", kids, "] /Count ", pages, " >>"));
  std::mt19937_64 noise(2025);
  const std::string content = "q 595.28 0 0 841.89 0 0 cm /Scan Do Q\n";
  for (int i = 0; i < pages; ++i) {
    const int page = 3 + 3 * i;
    object(absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
                        "/Resources << /XObject << /Scan ",
                        page + 2, " 0 R >> >> /Contents ", page + 1, " 0 R >>"));
    object(absl::StrCat("<< /Length ", content.size(), " >>\nstream\n", content, "endstream"));
    std::string pixels(page_bytes, '\0');
    for (int64_t at = 0; at < page_bytes; at += 8) {
      const uint64_t word = noise();
      std::memcpy(pixels.data() + at, &word, std::min<int64_t>(8, page_bytes - at));
    }
    object(absl::StrCat("<< /Type /XObject /Subtype /Image /Width ", kScanWidth, " /Height ",
                        kScanHeight, " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ",
                        page_bytes, " >>\nstream\n", pixels, "\nendstream"));
  }
  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", offsets.size() + 1, "\n0000000000 65535 f \n");
  for (size_t offset : offsets) absl::StrAppend(&pdf, absl::StrFormat("%010d 00000 n \n", offset));
  absl::StrAppend(&pdf, "trailer\n<< /Size ", offsets.size() + 1,
                  " /Root 1 0 R >>\nstartxref\n", xref, "\n%%EOF\n");
  return pdf;
}

// What every download must deliver: the stored version.
struct Expected {
  int64_t size_bytes = 0;
  std::string sha256;
};

// Verifier
//
// Counts the bytes of one download and, when asked, hashes them and hands
// them on; Finish() says whether all of them, and only them, arrived.
class Verifier {
 public:
  Verifier(const Expected& expected, bool hash,
           std::function<void(absl::string_view)> sink = nullptr)
      : expected_(expected), sink_(std::move(sink)) {
    if (hash) {
      sha_.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr);
    }
  }

  const Expected& expected() const { return expected_; }
  int64_t received() const { return received_; }

  void Add(absl::string_view data) {
    received_ += static_cast<int64_t>(data.size());
    if (sha_ != nullptr) EVP_DigestUpdate(sha_.get(), data.data(), data.size());
    if (sink_) sink_(data);
  }

  absl::Status Finish(absl::string_view what) {
    if (received_ != expected_.size_bytes) {
      return absl::DataLossError(absl::StrCat(what, ": received ", received_, " bytes of ",
                                              expected_.size_bytes));
    }
    if (sha_ != nullptr) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      EVP_DigestFinal_ex(sha_.get(), digest, &length);
      if (absl::string_view(reinterpret_cast<const char*>(digest), length) != expected_.sha256) {
        return absl::DataLossError(absl::StrCat(what, ": the SHA-256 of the bytes differs"));
      }
    }
    return absl::OkStatus();
  }

 private:
  const Expected& expected_;
  const std::function<void(absl::string_view)> sink_;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha_{nullptr, &EVP_MD_CTX_free};
  int64_t received_ = 0;
};

// DownloadFromHopso
//
// One Download stream of the current version, read to its end: the first
// chunk must announce the expected size and hash, every chunk must start
// where the previous one ended, and the stream must end OK.
absl::Status DownloadFromHopso(v1::DocumentService::Stub& stub, const std::string& token,
                               const std::string& document_id, Verifier& verifier) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + kTransferDeadline));
  v1::DownloadRequest request;
  request.set_document_id(document_id);
  std::unique_ptr<grpc::ClientReader<v1::DownloadChunk>> reader = stub.Download(&context, request);
  v1::DownloadChunk chunk;  // reused, so its buffer is too
  absl::Status problem;
  bool first = true;
  while (reader->Read(&chunk)) {
    if (first && (chunk.size_bytes() != verifier.expected().size_bytes ||
                  chunk.sha256() != verifier.expected().sha256)) {
      problem.Update(absl::DataLossError("Download: the first chunk announces another version"));
    }
    if (chunk.offset() != verifier.received()) {
      problem.Update(absl::DataLossError(absl::StrCat(
          "Download: a chunk at offset ", chunk.offset(), " after ", verifier.received(),
          " bytes")));
    }
    first = false;
    verifier.Add(chunk.data());
  }
  absl::Status status = FromGrpc(reader->Finish(), "Download");
  if (!status.ok()) return status;
  if (!problem.ok()) return problem;
  return verifier.Finish("Download");
}

absl::StatusOr<sockaddr_in> ParseIpv4(absl::string_view host_port) {
  const size_t colon = host_port.rfind(':');
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  int port = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(host_port.substr(colon + 1), &port) || port < 0 || port > 65535 ||
      inet_pton(AF_INET, std::string(host_port.substr(0, colon)).c_str(), &address.sin_addr) !=
          1) {
    return absl::InvalidArgumentError(absl::StrCat("not an IPv4 host:port: ", host_port));
  }
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// DownloadFromSendfile
//
// One connection to the sendfile server, read until it closes.
absl::Status DownloadFromSendfile(const sockaddr_in& address, std::vector<char>& buffer,
                                  Verifier& verifier) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to the sendfile server: ",
                                               strerror(error)));
  }
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return absl::UnavailableError(absl::StrCat("read from the sendfile server: ",
                                                 strerror(error)));
    }
    if (n == 0) break;
    verifier.Add(absl::string_view(buffer.data(), n));
  }
  close(fd);
  return verifier.Finish("sendfile download");
}

// One side of the comparison: a server child and how a client downloads the
// whole file from it once.
struct Target {
  std::string name;
  pid_t pid = 0;
  std::function<absl::Status(int client, Verifier& verifier)> download;
};

struct RunStats {
  double mb_per_second = 0;
  double server_cpu_per_gb = 0;
  // Share of one cpu the server used during the run.
  double server_busy = 0;
  double load_cpu_per_gb = 0;
};

// Run
//
// `clients` threads, each downloading the whole file again and again until
// `duration` has passed (at least once); the run ends with the last download.
// With `hash`, client 0 checks the SHA-256 of its first download.
absl::StatusOr<RunStats> Run(const Target& target, int clients, absl::Duration duration,
                             const Expected& expected, bool hash) {
  absl::StatusOr<double> server_before = CpuSeconds(target.pid);
  if (!server_before.ok()) return server_before.status();
  const double load_before = OwnCpuSeconds();
  const Clock::time_point start = Clock::now();
  const Clock::time_point stop_at = start + absl::ToChronoNanoseconds(duration);
  absl::Mutex mu;
  absl::Status error;
  int64_t downloads = 0;
  std::vector<std::thread> threads;
  for (int client = 0; client < clients; ++client) {
    threads.emplace_back([&, client] {
      int64_t done = 0;
      do {
        Verifier verifier(expected, hash && client == 0 && done == 0);
        absl::Status status = target.download(client, verifier);
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          error.Update(absl::Status(status.code(),
                                    absl::StrCat(target.name, " client ", client, ": ",
                                                 status.message())));
          return;
        }
        ++done;
      } while (Clock::now() < stop_at);
      absl::MutexLock lock(&mu);
      downloads += done;
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!error.ok()) return error;
  absl::StatusOr<double> server_after = CpuSeconds(target.pid);
  if (!server_after.ok()) return server_after.status();
  const double load_cpu = OwnCpuSeconds() - load_before;
  const double bytes = static_cast<double>(expected.size_bytes) * downloads;
  RunStats stats;
  stats.mb_per_second = bytes / kMB / seconds;
  stats.server_cpu_per_gb = (*server_after - *server_before) / (bytes / kGB);
  stats.server_busy = (*server_after - *server_before) / seconds;
  stats.load_cpu_per_gb = load_cpu / (bytes / kGB);
  return stats;
}

struct Measurement {
  int clients = 0;
  std::vector<RunStats> hopso;
  std::vector<RunStats> ceiling;
};

// Measure
//
// Connects `clients` channels to hopsod, warms both servers up with one
// download per client (client 0 checking the SHA-256), then alternates
// hopsod and sendfile runs.
absl::StatusOr<Measurement> Measure(const std::string& transport, int clients,
                                    const Server& hopsod, const Server& sendfile,
                                    const std::string& root_pem, const std::string& token,
                                    const std::string& document_id, const Expected& expected) {
  std::vector<std::unique_ptr<v1::DocumentService::Stub>> stubs;
  const auto connect_by = absl::ToChronoTime(absl::Now() + kCallDeadline);
  for (int i = 0; i < clients; ++i) {
    auto channel = Connect(hopsod.address, root_pem, i);
    if (!channel->WaitForConnected(connect_by)) {
      return absl::UnavailableError(absl::StrCat(transport, ": cannot connect to hopsod"));
    }
    stubs.push_back(v1::DocumentService::NewStub(channel));
  }
  absl::StatusOr<sockaddr_in> sendfile_address = ParseIpv4(sendfile.address);
  if (!sendfile_address.ok()) return sendfile_address.status();
  std::vector<std::vector<char>> buffers(clients, std::vector<char>(kReadBufferBytes));

  const Target hopso_target{"hopsod", hopsod.process->pid(),
                            [&](int client, Verifier& verifier) {
                              return DownloadFromHopso(*stubs[client], token, document_id,
                                                       verifier);
                            }};
  const Target ceiling_target{"sendfile", sendfile.process->pid(),
                              [&](int client, Verifier& verifier) {
                                return DownloadFromSendfile(*sendfile_address, buffers[client],
                                                            verifier);
                              }};
  for (const Target* target : {&hopso_target, &ceiling_target}) {
    absl::StatusOr<RunStats> warm =
        Run(*target, clients, absl::ZeroDuration(), expected, /*hash=*/true);
    if (!warm.ok()) return warm.status();
  }

  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  Measurement measurement;
  measurement.clients = clients;
  for (int round = 1; round <= absl::GetFlag(FLAGS_rounds); ++round) {
    absl::StatusOr<RunStats> a = Run(hopso_target, clients, duration, expected, false);
    if (!a.ok()) return a.status();
    absl::StatusOr<RunStats> b = Run(ceiling_target, clients, duration, expected, false);
    if (!b.ok()) return b.status();
    absl::PrintF("B2 %s %d client%s round %d: hopsod %.0f MB/s, %.2f CPU s/GB (%.0f%% of its cpu)"
                 " | sendfile %.0f MB/s, %.2f CPU s/GB (%.0f%%) | load %.2f vs %.2f CPU s/GB"
                 " | ratio %.3f\n",
                 transport, clients, clients == 1 ? "" : "s", round, a->mb_per_second,
                 a->server_cpu_per_gb, 100 * a->server_busy, b->mb_per_second,
                 b->server_cpu_per_gb, 100 * b->server_busy, a->load_cpu_per_gb,
                 b->load_cpu_per_gb, a->mb_per_second / b->mb_per_second);
    fflush(stdout);
    measurement.hopso.push_back(*a);
    measurement.ceiling.push_back(*b);
  }
  return measurement;
}

std::string Summary(const std::string& transport, const Measurement& m,
                    const std::string& pinning) {
  std::vector<double> ratios, hopso_rate, ceiling_rate, hopso_cpu, ceiling_cpu, hopso_load,
      ceiling_load;
  for (size_t i = 0; i < m.hopso.size(); ++i) {
    ratios.push_back(m.hopso[i].mb_per_second / m.ceiling[i].mb_per_second);
    hopso_rate.push_back(m.hopso[i].mb_per_second);
    ceiling_rate.push_back(m.ceiling[i].mb_per_second);
    hopso_cpu.push_back(m.hopso[i].server_cpu_per_gb);
    ceiling_cpu.push_back(m.ceiling[i].server_cpu_per_gb);
    hopso_load.push_back(m.hopso[i].load_cpu_per_gb);
    ceiling_load.push_back(m.ceiling[i].load_cpu_per_gb);
  }
  return absl::StrFormat(
      "B2 ratio=%.2f min=%.2f max=%.2f | %d client%s: %.0f MB/s vs sendfile %.0f MB/s; "
      "hopsod %.2f CPU s/GB vs sendfile %.2f; clients %.2f vs %.2f CPU s/GB "
      "(hopsod over %s, sendfile over plain TCP; %s)",
      Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()), m.clients, m.clients == 1 ? "" : "s",
      Median(hopso_rate), Median(ceiling_rate), Median(hopso_cpu), Median(ceiling_cpu),
      Median(hopso_load), Median(ceiling_load),
      transport == "tls" ? "TLS" : "plain TCP (--insecure)", pinning);
}

// The stored document every client downloads.
struct Stored {
  std::string document_id;
  Expected expected;
  int pages = 0;
};

absl::Status Upload(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                    const std::string& meeting_id, const std::string& pdf, v1::Document* document) {
  auto documents = v1::DocumentService::NewStub(channel);
  v1::StartUploadRequest start;
  start.set_upload_id(absl::StrCat("bench-b2-", server::NewId()));
  start.set_meeting_id(meeting_id);
  start.set_title("Hồ sơ Đề án quy hoạch tỉnh thời kỳ 2021 - 2030 (bản quét)");
  start.set_filename("ho-so-de-an-quy-hoach-ban-quet.pdf");
  start.set_size_bytes(static_cast<int64_t>(pdf.size()));
  start.set_sha256(server::Sha256(pdf));
  v1::UploadState state;
  absl::Status status = Call(
      "StartUpload", token,
      [&](auto* c, const auto& q, auto* r) { return documents->StartUpload(c, q, r); }, start,
      &state);
  if (!status.ok()) return status;

  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + kTransferDeadline));
  std::unique_ptr<grpc::ClientWriter<v1::UploadChunk>> writer =
      documents->UploadChunks(&context, &state);
  v1::UploadChunk chunk;
  chunk.set_upload_id(start.upload_id());
  for (size_t offset = 0; offset < pdf.size(); offset += kUploadChunkBytes) {
    chunk.set_offset(static_cast<int64_t>(offset));
    chunk.set_data(pdf.substr(offset, kUploadChunkBytes));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  status = FromGrpc(writer->Finish(), "UploadChunks");
  if (!status.ok()) return status;
  if (state.received_bytes() != static_cast<int64_t>(pdf.size())) {
    return absl::InternalError(absl::StrCat("UploadChunks: the server has ",
                                            state.received_bytes(), " of ", pdf.size(),
                                            " bytes"));
  }

  v1::FinishUploadRequest finish;
  finish.set_upload_id(start.upload_id());
  return Call(
      "FinishUpload", token,
      [&](auto* c, const auto& q, auto* r) { return documents->FinishUpload(c, q, r); }, finish,
      document, kFinishUploadDeadline);
}

// SetUp
//
// Through the real API: an organisation with a secretary and a delegate, a
// published meeting, and the scanned PDF uploaded by the secretary. The
// delegate downloads the stored (normalised) version once, checking its
// SHA-256, into `stored_path` for the sendfile server.
absl::StatusOr<Stored> SetUp(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& pdf, const std::string& stored_path) {
  absl::StatusOr<std::string> admin = Login(*channel, "admin", kAdminPassword);
  if (!admin.ok()) return admin.status();
  const Person people[] = {
      {"thuky.lan", "Phạm Thị Lan", "Phó Chánh Văn phòng", "Văn phòng UBND tỉnh",
       v1::USER_ROLE_SECRETARY, kSecretaryPassword},
      {"daibieu.hung", "Lê Quang Hưng", "Giám đốc", "Sở Xây dựng", v1::USER_ROLE_MEMBER,
       kDelegatePassword},
  };
  auto cast = CreateOrganization(channel, *admin, "Ủy ban nhân dân tỉnh Quảng Nam", people);
  if (!cast.ok()) return cast.status();
  const auto& [org, users] = *cast;
  absl::StatusOr<std::string> secretary = Login(*channel, "thuky.lan", kSecretaryPassword);
  if (!secretary.ok()) return secretary.status();
  absl::StatusOr<v1::Meeting> meeting = CreateMeeting(
      channel, *secretary, org.id(), "Hội nghị thẩm định Đề án quy hoạch tỉnh",
      "Hội trường lớn, trụ sở Ủy ban nhân dân tỉnh");
  if (!meeting.ok()) return meeting.status();
  absl::Status status = InviteAndPublish(channel, *secretary, meeting->id(), {users[1].id()});
  if (!status.ok()) return status;

  v1::Document document;
  status = Upload(channel, *secretary, meeting->id(), pdf, &document);
  if (!status.ok()) return status;
  if (document.versions_size() == 0) return absl::InternalError("FinishUpload: no version");
  Stored stored;
  stored.document_id = document.id();
  stored.expected.size_bytes = document.versions(0).size_bytes();
  stored.expected.sha256 = document.versions(0).sha256();
  stored.pages = document.versions(0).page_count();

  absl::StatusOr<std::string> delegate = Login(*channel, "daibieu.hung", kDelegatePassword);
  if (!delegate.ok()) return delegate.status();
  std::ofstream out(stored_path, std::ios::binary | std::ios::trunc);
  Verifier verifier(stored.expected, /*hash=*/true,
                    [&out](absl::string_view data) { out.write(data.data(), data.size()); });
  status = DownloadFromHopso(*v1::DocumentService::NewStub(channel), *delegate, stored.document_id,
                             verifier);
  if (!status.ok()) return status;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", stored_path));
  return stored;
}

int RunSendfileServer() {
  // Blocked before any thread starts, so that only the signalfd sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);

  const std::string listen_address = absl::GetFlag(FLAGS_sendfile_listen);
  const std::string path = absl::GetFlag(FLAGS_sendfile_path);
  const int file = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat file_stat;
  if (signal_fd < 0 || file < 0 || fstat(file, &file_stat) != 0) {
    std::fprintf(stderr, "sendfile: cannot open %s: %s\n", path.c_str(), strerror(errno));
    return 1;
  }
  const off_t size = file_stat.st_size;
  absl::StatusOr<sockaddr_in> address = ParseIpv4(listen_address);
  if (!address.ok()) {
    std::fprintf(stderr, "sendfile: %s\n", address.status().ToString().c_str());
    return 1;
  }
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  socklen_t length = sizeof(*address);
  if (bind(listener, reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0 ||
      listen(listener, SOMAXCONN) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&*address), &length) != 0) {
    std::fprintf(stderr, "sendfile: cannot listen on %s: %s\n", listen_address.c_str(),
                 strerror(errno));
    return 1;
  }
  absl::PrintF("sendfile listening on %s:%d (plain tcp)\n",
               listen_address.substr(0, listen_address.rfind(':')), ntohs(address->sin_port));
  fflush(stdout);

  while (true) {
    pollfd fds[2] = {{listener, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "sendfile: poll: %s\n", strerror(errno));
      return 1;
    }
    if (fds[1].revents != 0) return 0;
    const int connection = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    // A thread per connection, blocked in sendfile: the kernel does the work.
    std::thread([connection, file, size] {
      off_t offset = 0;
      while (offset < size) {
        const ssize_t n = sendfile(connection, file, &offset, size - offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
      }
      close(connection);
    }).detach();
  }
}

absl::Status RunBenchmark() {
  const std::string hopsod = absl::GetFlag(FLAGS_hopsod);
  const std::string hopsoctl = absl::GetFlag(FLAGS_hopsoctl);
  if (hopsod.empty() || hopsoctl.empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  std::vector<int> client_counts;
  for (const std::string& text : absl::GetFlag(FLAGS_clients)) {
    int clients = 0;
    if (!absl::SimpleAtoi(text, &clients) || clients < 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad client count ", text));
    }
    client_counts.push_back(clients);
  }
  for (const std::string& transport : absl::GetFlag(FLAGS_transports)) {
    if (transport != "tls" && transport != "plain") {
      return absl::InvalidArgumentError(absl::StrCat("unknown transport ", transport));
    }
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  absl::StatusOr<std::string> scratch = MakeScratchDir("b2");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  const std::string stored_path = tmp + "/stored.pdf";
  std::filesystem::create_directory(data_dir);
  const int server_cpu = absl::GetFlag(FLAGS_server_cpu);
  const std::string pinning = Pinning(server_cpu);

  absl::Status status = [&]() -> absl::Status {
    absl::Status result = InitDataDir(hopsoctl, data_dir, kAdminPassword, tmp + "/hopsoctl.log");
    if (!result.ok()) return result;
    const std::string pdf = ScanPdf(int64_t{absl::GetFlag(FLAGS_pdf_mb)} * 1'000'000);

    Stored stored;
    std::vector<std::string> closing;
    for (const std::string& transport : absl::GetFlag(FLAGS_transports)) {
      const bool tls = transport == "tls";
      std::vector<std::string> args = {hopsod, "--data_dir", data_dir, "--listen",
                                       "127.0.0.1:0"};
      if (!tls) args.push_back("--insecure");
      absl::StatusOr<Server> server = StartServer(
          args, "hopsod", server_cpu, absl::StrCat(tmp, "/hopsod-", transport, ".log"));
      if (!server.ok()) return server.status();
      std::string root_pem;
      if (tls) {
        absl::StatusOr<std::string> cert = ReadFile(data_dir + "/tls/server.crt");
        if (!cert.ok()) return cert.status();
        root_pem = *cert;
      }
      auto channel = Connect(server->address, root_pem, -1);
      if (stored.document_id.empty()) {
        absl::StatusOr<Stored> set_up = SetUp(channel, pdf, stored_path);
        if (!set_up.ok()) return set_up.status();
        stored = *std::move(set_up);
        absl::PrintF("B2: a %d-page scan of %.1f MB uploaded, stored as %.1f MB; Download to"
                     " %s clients (each on its own channel), %d x (%s hopsod, %s sendfile)"
                     " per count, whole downloads; MB = 10^6 bytes; %s; logs in %s\n",
                     stored.pages, pdf.size() / kMB, stored.expected.size_bytes / kMB,
                     absl::StrJoin(absl::GetFlag(FLAGS_clients), " and "),
                     absl::GetFlag(FLAGS_rounds),
                     absl::FormatDuration(absl::GetFlag(FLAGS_duration)),
                     absl::FormatDuration(absl::GetFlag(FLAGS_duration)), pinning, tmp);
        fflush(stdout);
      }
      absl::StatusOr<std::string> token = Login(*channel, "daibieu.hung", kDelegatePassword);
      if (!token.ok()) return token.status();
      absl::StatusOr<Server> sendfile = StartServer(
          {self, "--sendfile_listen=127.0.0.1:0",
           absl::StrCat("--sendfile_path=", stored_path)},
          "sendfile", server_cpu, absl::StrCat(tmp, "/sendfile-", transport, ".log"));
      if (!sendfile.ok()) return sendfile.status();
      absl::PrintF("B2 %s: hopsod on %s, sendfile on %s\n", transport, server->address,
                   sendfile->address);
      fflush(stdout);

      for (int clients : client_counts) {
        absl::StatusOr<Measurement> measurement =
            Measure(transport, clients, *server, *sendfile, root_pem, *token,
                    stored.document_id, stored.expected);
        if (!measurement.ok()) return measurement.status();
        closing.push_back(Summary(transport, *measurement, pinning));
      }
      result = sendfile->process->Stop();
      if (!result.ok()) return result;
      result = server->process->Stop();
      if (!result.ok()) return result;
    }
    for (const std::string& line : closing) absl::PrintF("%s\n", line);
    return absl::OkStatus();
  }();
  if (status.ok() && !absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(tmp);
  return status;
}

}  // namespace
}  // namespace hopso::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (!absl::GetFlag(FLAGS_sendfile_listen).empty()) return hopso::bench::RunSendfileServer();
  return hopso::bench::ExitCode("bench_b2", hopso::bench::RunBenchmark());
}
