#include "pdf/screen.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qpdf/Pl_Discard.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <podofo/podofo.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "pdf/internal/layout.h"
#include "pdf/internal/podofo_status.h"
#include "pdf/text.h"

namespace hopso::pdf {
namespace {

// File descriptor of the result pipe in the child.
constexpr int kResultFd = 3;
constexpr size_t kMaxWarnings = 10;
constexpr size_t kMaxTitleBytes = 1000;
// Readers accept "%PDF-" anywhere in the first kilobyte.
constexpr size_t kHeaderWindow = 1024;

// What the child found, sent to the parent over the pipe as "key=value"
// lines with C-escaped values.
struct ChildResult {
  // ok, damaged, encrypted, too_many_pages, out_of_memory or internal.
  std::string kind = "internal";
  std::string detail;
  int pages = 0;
  bool has_signatures = false;
  std::string title;
  std::string page_geometry;
  std::vector<std::string> warnings;
};

std::string Serialize(const ChildResult& r) {
  std::string out = absl::StrCat("kind=", r.kind, "\ndetail=", absl::CEscape(r.detail),
                                 "\npages=", r.pages, "\nsigned=", r.has_signatures ? 1 : 0,
                                 "\ntitle=", absl::CEscape(r.title),
                                 "\ngeometry=", absl::CEscape(r.page_geometry), "\n");
  for (const std::string& w : r.warnings) absl::StrAppend(&out, "warning=", absl::CEscape(w), "\n");
  // The end marker tells a complete result from one cut short by a crash.
  out += "end=1\n";
  return out;
}

bool Parse(const std::string& text, ChildResult* r) {
  bool complete = false;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) return false;
    const absl::string_view key = line.substr(0, eq);
    std::string value;
    if (!absl::CUnescape(line.substr(eq + 1), &value)) return false;
    if (key == "kind") r->kind = value;
    if (key == "detail") r->detail = value;
    if (key == "pages" && !absl::SimpleAtoi(value, &r->pages)) return false;
    if (key == "signed") r->has_signatures = value == "1";
    if (key == "title") r->title = value;
    if (key == "geometry") r->page_geometry = value;
    if (key == "warning") r->warnings.push_back(value);
    if (key == "end") complete = true;
  }
  return complete;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string TruncateUtf8(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

// Makes PoDoFo parse every object of a lazily loaded document, which is
// where deep nesting and broken objects bite.
void ParseEveryObject(PoDoFo::PdfMemDocument& doc) {
  for (PoDoFo::PdfObject* object : doc.GetObjects()) {
    if (object != nullptr) object->GetDataType();
  }
}

// "W H R;" per page: the size as displayed (crop box, else media box, in
// points to 0.01; width and height swapped by a quarter turn) and the
// rotation, which is all that annotation coordinates depend on.
std::string PageGeometry(const std::vector<QPDFPageObjectHelper>& pages) {
  std::string out;
  for (QPDFPageObjectHelper page : pages) {
    const QPDFObjectHandle::Rectangle box = page.getCropBox().getArrayAsRectangle();
    QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
    const int rotation =
        rotate.isInteger() ? ((rotate.getIntValueAsInt() % 360) + 360) % 360 : 0;
    double width = std::abs(box.urx - box.llx);
    double height = std::abs(box.ury - box.lly);
    if (rotation == 90 || rotation == 270) std::swap(width, height);
    absl::StrAppend(&out, absl::StrFormat("%.2f %.2f %d;", width, height, rotation));
  }
  return out;
}

class DiscardContents : public QPDFObjectHandle::ParserCallbacks {
 public:
  void handleObject(QPDFObjectHandle) override {}
  void handleEOF() override {}
};

// The screening itself, in the child. Catches everything: an exception that
// escaped would abort, and an abort reads as "crashed the reader".
ChildResult Screen(const std::string& path, const std::string& normalised_path,
                   const ScreenLimits& limits) {
  ChildResult r;
  try {
    // qpdf first, as `qpdf --check` does it: open (repairing what it can),
    // write every object to nowhere decoding every stream, parse every page's
    // content. Exceptions are errors; repairs are warnings and tolerated.
    QPDF qpdf;
    qpdf.setSuppressWarnings(true);
    try {
      qpdf.processFile(path.c_str());
    } catch (const QPDFExc& e) {
      if (e.getErrorCode() == qpdf_e_password) {
        r.kind = "encrypted";
        return r;
      }
      throw;
    }
    if (qpdf.isEncrypted()) {
      r.kind = "encrypted";
      return r;
    }
    const std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(qpdf).getAllPages();
    r.pages = static_cast<int>(pages.size());
    if (r.pages > limits.max_pages) {
      r.kind = "too_many_pages";
      return r;
    }
    {
      QPDFWriter check(qpdf);
      Pl_Discard discard;
      check.setOutputPipeline(&discard);
      check.setDecodeLevel(qpdf_dl_all);
      check.write();
    }
    DiscardContents contents;
    for (size_t i = 0; i < pages.size(); ++i) {
      try {
        QPDFPageObjectHelper(pages[i]).parseContents(&contents);
      } catch (const QPDFExc& e) {
        r.kind = "damaged";
        r.detail = absl::StrCat("page ", i + 1, ": ", e.getMessageDetail());
        return r;
      }
    }
    r.page_geometry = PageGeometry(pages);
    for (const QPDFExc& warning : qpdf.getWarnings()) {
      if (r.warnings.size() == kMaxWarnings) break;
      r.warnings.push_back(warning.getMessageDetail());
    }

    // PoDoFo reads the upload as it is: a signed upload is stored byte for
    // byte and later opened by PoDoFo to add signatures, and a file that
    // defeats the reader is refused whether signed or not.
    PoDoFo::PdfMemDocument upload;
    upload.Load(path.c_str());
    ParseEveryObject(upload);
    r.has_signatures = internal::HasSignatures(upload);
    const PoDoFo::PdfString title = upload.GetInfo()->GetTitle();
    if (title.IsValid()) {
      absl::StatusOr<std::string> nfc = NormalizeNfc(title.GetStringUtf8());
      if (nfc.ok()) r.title = TruncateUtf8(*std::move(nfc), kMaxTitleBytes);
    }

    if (!r.has_signatures) {
      QPDFWriter writer(qpdf, normalised_path.c_str());
      writer.setObjectStreamMode(qpdf_o_disable);
      // The same upload must normalise to the same bytes, or the blob store
      // would keep identical documents twice: no time-based /ID.
      writer.setDeterministicID(true);
      writer.write();
      // The server will open this copy in-process (to stamp or sign it):
      // prove here that PoDoFo reads it.
      PoDoFo::PdfMemDocument normalised;
      normalised.Load(normalised_path.c_str());
      ParseEveryObject(normalised);
    }
    r.kind = "ok";
  } catch (const QPDFExc& e) {
    r.kind = "damaged";
    r.detail = e.getMessageDetail();
  } catch (const PoDoFo::PdfError& e) {
    const absl::Status status = internal::PdfErrorToStatus(e, "PoDoFo");
    if (status.code() == absl::StatusCode::kFailedPrecondition) {
      r.kind = "encrypted";
    } else if (status.code() == absl::StatusCode::kResourceExhausted) {
      r.kind = "out_of_memory";
    } else {
      r.kind = "damaged";
      r.detail = PoDoFo::PdfError::ErrorMessage(e.GetError());
    }
  } catch (const std::bad_alloc&) {
    r.kind = "out_of_memory";
  } catch (const std::exception& e) {
    r.kind = "damaged";
    r.detail = e.what();
  } catch (...) {
    r.kind = "damaged";
    r.detail = "unreadable";
  }
  return r;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool SetLimit(int resource, rlim_t value) {
  rlimit current;
  if (getrlimit(resource, &current) != 0) return false;
  // An unprivileged process can lower but not raise its hard limit.
  const rlim_t limit = current.rlim_max == RLIM_INFINITY ? value : std::min(value, current.rlim_max);
  const rlimit wanted = {limit, limit};
  return setrlimit(resource, &wanted) == 0;
}

// Bytes of address space in use, from /proc/self/statm (in pages).
int64_t AddressSpaceInUse() {
  const int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buffer[128] = {};
  const ssize_t n = read(fd, buffer, sizeof(buffer) - 1);
  close(fd);
  int64_t pages = 0;
  if (n <= 0 || !absl::SimpleAtoi(absl::string_view(buffer, strcspn(buffer, " ")), &pages)) {
    return 0;
  }
  return pages * sysconf(_SC_PAGESIZE);
}

// The child: sandbox, screen, report, exit. Never returns.
[[noreturn]] void RunChild(int result_fd, pid_t parent, const std::string& path,
                           const std::string& normalised_path, const ScreenLimits& limits) {
  // Die with the server rather than outlive it.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);

  // Default signal handling: a crash must end this process, not run a
  // handler the server installed.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }

  // Only the result pipe stays open, as fd 3; 0-2 are /dev/null so nothing
  // the libraries print can reach the server's stdout or stderr.
  const int result = fcntl(result_fd, F_DUPFD, 10);
  const int null = open("/dev/null", O_RDWR);
  if (result < 0 || null < 0) _exit(2);
  for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
  if (dup2(result, kResultFd) != kResultFd) _exit(2);
  if (close_range(kResultFd + 1, ~0U, 0) != 0) {
    for (int fd = kResultFd + 1; fd < 65536; ++fd) close(fd);
  }

  ChildResult r;
  const int64_t cpu_seconds =
      static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(limits.time_limit))) + 1;
  const bool limited =
      SetLimit(RLIMIT_CORE, 0) && SetLimit(RLIMIT_CPU, static_cast<rlim_t>(cpu_seconds)) &&
      SetLimit(RLIMIT_STACK, static_cast<rlim_t>(limits.stack_bytes)) &&
      SetLimit(RLIMIT_FSIZE, static_cast<rlim_t>(4 * limits.max_bytes)) &&
      SetLimit(RLIMIT_NOFILE, 64) &&
      SetLimit(RLIMIT_AS, static_cast<rlim_t>(AddressSpaceInUse() + limits.memory_bytes));
  if (!limited) {
    r.detail = absl::StrCat("setting resource limits: ", std::strerror(errno));
  } else {
    internal::SilencePodofo();
    r = Screen(path, normalised_path, limits);
  }
  WriteAll(kResultFd, Serialize(r));
  _exit(0);
}

std::string Megabytes(int64_t bytes) {
  const double mb = static_cast<double>(bytes) / (1 << 20);
  return mb == std::floor(mb) ? absl::StrCat(static_cast<int64_t>(mb)) : absl::StrCat(mb);
}

std::string Seconds(absl::Duration d) {
  return absl::StrCat(absl::ToDoubleSeconds(d));
}

}  // namespace

absl::StatusOr<ScreenReport> ScreenUpload(const std::string& path, const ScreenLimits& limits) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no file at ", path));
    return absl::InternalError(absl::StrCat("stat ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError("the upload is not a file");
  if (st.st_size > limits.max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the file is over ", Megabytes(limits.max_bytes), " MB"));
  }

  // Not-a-PDF is told apart cheaply and safely here: reading bytes is not
  // parsing them.
  {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
    std::string head(kHeaderWindow, '\0');
    const ssize_t n = read(fd, head.data(), head.size());
    close(fd);
    head.resize(n > 0 ? static_cast<size_t>(n) : 0);
    if (head.find("%PDF-") == std::string::npos) {
      return absl::InvalidArgumentError("the file is not a PDF");
    }
  }

  const std::string normalised_path = absl::StrCat(path, ".normalised.pdf");
  unlink(normalised_path.c_str());
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(err)));
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(fds[1], parent, path, normalised_path, limits);
  }
  close(fds[1]);

  // Read the result until the child closes the pipe or time runs out.
  const absl::Time deadline = absl::Now() + limits.time_limit;
  std::string output;
  bool timed_out = false;
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd p = {fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // Re-check the deadline.
    char buffer[4096];
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
    // A hostile child cannot fill our memory: results are small.
    if (output.size() > (1 << 20)) break;
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int wait_status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid, &wait_status, 0);
  } while (waited < 0 && errno == EINTR);

  auto fail = [&](absl::Status status) -> absl::StatusOr<ScreenReport> {
    unlink(normalised_path.c_str());
    return status;
  };
  const std::string too_long = absl::StrCat("the PDF took too long to read (over ",
                                            Seconds(limits.time_limit), " s); it may be malformed");
  if (timed_out) return fail(absl::InvalidArgumentError(too_long));
  if (waited == pid && WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    if (sig == SIGXCPU) return fail(absl::InvalidArgumentError(too_long));
    if (sig == SIGXFSZ) {
      return fail(absl::ResourceExhaustedError(absl::StrCat(
          "the normalised PDF would be over ", Megabytes(4 * limits.max_bytes), " MB")));
    }
    return fail(absl::InvalidArgumentError(
        absl::StrCat("the PDF crashed the reader (signal ", sig, ", ", sigdescr_np(sig),
                     "); it is malformed or hostile and was not accepted")));
  }
  ChildResult r;
  if (!Parse(output, &r)) {
    return fail(absl::InternalError(
        waited == pid && WIFEXITED(wait_status)
            ? absl::StrCat("screening ended without a result (exit status ",
                           WEXITSTATUS(wait_status), ")")
            : "screening ended without a result"));
  }
  if (r.kind == "damaged") {
    return fail(absl::InvalidArgumentError(absl::StrCat("the PDF is damaged: ", r.detail)));
  }
  if (r.kind == "encrypted") {
    return fail(absl::FailedPreconditionError(
        "encrypted PDFs are not accepted; remove the password and upload again"));
  }
  if (r.kind == "too_many_pages") {
    return fail(absl::ResourceExhaustedError(absl::StrCat(
        "the PDF has more than ", limits.max_pages, " pages (it has ", r.pages, ")")));
  }
  if (r.kind == "out_of_memory") {
    return fail(absl::ResourceExhaustedError(
        absl::StrCat("reading the PDF needed more than ", Megabytes(limits.memory_bytes),
                     " MB of memory; it may be malformed")));
  }
  if (r.kind != "ok") {
    return fail(absl::InternalError(absl::StrCat("screening failed: ", r.detail)));
  }
  ScreenReport report;
  report.pages = r.pages;
  report.title = std::move(r.title);
  report.has_signatures = r.has_signatures;
  report.page_geometry = std::move(r.page_geometry);
  report.warnings = std::move(r.warnings);
  if (!r.has_signatures) report.normalised_path = normalised_path;
  return report;
}

}  // namespace hopso::pdf
