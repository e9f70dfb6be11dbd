#include "pdf/internal/test_tools.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "pdf/text.h"

extern char** environ;

namespace hopso::pdf::testing {

CommandResult RunCommand(const std::vector<std::string>& argv, bool merge_stderr) {
  CommandResult result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (merge_stderr) {
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawn_error != 0) {
    close(fds[0]);
    return result;
  }
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

bool NoChildrenLeft() { return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

ScopedTempDir::ScopedTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/hopso_pdf_XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScopedTempDir::~ScopedTempDir() {
  if (std::getenv("HOPSO_KEEP_TEST_FILES") != nullptr) {
    std::fprintf(stderr, "test files kept in %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScopedTempDir::File(const std::string& name) const {
  return absl::StrCat(path_, "/", name);
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteFileOrDie(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

std::string PdfToText(const std::string& pdf_path, int page) {
  std::vector<std::string> argv = {"pdftotext", "-enc", "UTF-8"};
  if (page > 0) {
    for (const char* flag : {"-f", "-l"}) {
      argv.push_back(flag);
      argv.push_back(absl::StrCat(page));
    }
  }
  argv.push_back(pdf_path);
  argv.push_back("-");
  CommandResult result = RunCommand(argv);
  if (result.exit_code != 0) return "";
  absl::StatusOr<std::string> nfc = NormalizeNfc(result.output);
  return nfc.ok() ? *nfc : "";
}

std::vector<std::string> Words(const std::string& text) {
  return absl::StrSplit(text, absl::ByAnyChar(" \n\f"), absl::SkipEmpty());
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

std::vector<std::string> PageSizes(const std::string& pdf_path) {
  // "Page    2 size: 841.89 x 595.276 pts (A4)"
  std::vector<std::string> sizes;
  CommandResult result = RunCommand({"pdfinfo", "-f", "1", "-l", "9999", pdf_path});
  for (absl::string_view line : absl::StrSplit(result.output, '\n')) {
    const size_t at = line.find(" size: ");
    if (!absl::StartsWith(line, "Page ") || at == absl::string_view::npos) continue;
    absl::string_view size = line.substr(at + 7);
    size = size.substr(0, size.find(" pts"));
    sizes.emplace_back(size);
  }
  return sizes;
}

std::vector<FontRow> PdfFonts(const std::string& pdf_path) {
  // name                                 type              encoding         emb sub uni object ID
  // ------------------------------------ ----------------- ---------------- --- --- --- ---------
  // ABCDEF+LiberationSerif               CID TrueType      Identity-H       yes yes yes      7  0
  std::vector<FontRow> rows;
  CommandResult result = RunCommand({"pdffonts", pdf_path});
  if (result.exit_code != 0) return rows;
  std::vector<std::string> lines = absl::StrSplit(result.output, '\n', absl::SkipEmpty());
  for (size_t i = 2; i < lines.size(); ++i) {
    std::vector<std::string> fields = absl::StrSplit(lines[i], ' ', absl::SkipEmpty());
    // The last five fields are emb sub uni objnum gen; type may have spaces.
    if (fields.size() < 7) continue;
    const size_t n = fields.size();
    FontRow row;
    row.name = fields[0];
    for (size_t f = 1; f + 6 < n; ++f) absl::StrAppend(&row.type, f > 1 ? " " : "", fields[f]);
    row.embedded = fields[n - 5] == "yes";
    row.subset = fields[n - 4] == "yes";
    row.unicode = fields[n - 3] == "yes";
    rows.push_back(row);
  }
  return rows;
}

int PageCount(const std::string& pdf_path) {
  CommandResult result = RunCommand({"qpdf", "--show-npages", pdf_path});
  int pages = -1;
  if (result.exit_code != 0 ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(result.output), &pages)) {
    return -1;
  }
  return pages;
}

bool QpdfCheck(const std::string& pdf_path, std::string* output) {
  CommandResult result = RunCommand({"qpdf", "--check", pdf_path}, /*merge_stderr=*/true);
  if (output != nullptr) *output = result.output;
  return result.exit_code == 0;
}

namespace {

// Renders one page (or a crop of it) and runs zbarimg with `zbar_flags`.
std::string RenderAndScan(const std::string& pdf_path, int page, int dpi, const Crop& crop,
                          const std::vector<std::string>& zbar_flags) {
  char dir_template[] = "/tmp/hopso_qr_XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return "";
  const std::string prefix = absl::StrCat(dir_template, "/page");
  std::vector<std::string> argv = {"pdftoppm", "-r", absl::StrCat(dpi), "-f", absl::StrCat(page),
                                   "-l", absl::StrCat(page), "-singlefile", "-png"};
  if (crop.width > 0) {
    for (const auto& [flag, value] : {std::pair<const char*, int>{"-x", crop.x},
                                      {"-y", crop.y},
                                      {"-W", crop.width},
                                      {"-H", crop.height}}) {
      argv.push_back(flag);
      argv.push_back(absl::StrCat(value));
    }
  }
  argv.push_back(pdf_path);
  argv.push_back(prefix);
  std::string output;
  if (RunCommand(argv).exit_code == 0) {
    std::vector<std::string> zbar = {"zbarimg", "-q"};
    zbar.insert(zbar.end(), zbar_flags.begin(), zbar_flags.end());
    zbar.push_back(prefix + ".png");
    output = RunCommand(zbar).output;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_template, ignored);
  return output;
}

}  // namespace

std::vector<std::string> DecodeQrCodes(const std::string& pdf_path, int page, int dpi,
                                       const Crop& crop) {
  std::vector<std::string> payloads;
  const std::string output = RenderAndScan(pdf_path, page, dpi, crop, {});
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "QR-Code:")) payloads.emplace_back(line);
  }
  return payloads;
}

std::string QrOrientation(const std::string& pdf_path, int page, int dpi, const Crop& crop) {
  // <symbol type='QR-Code' quality='1' orientation='UP'>
  const std::string xml = RenderAndScan(pdf_path, page, dpi, crop, {"--xml"});
  const size_t at = xml.find("orientation='");
  if (at == std::string::npos) return "";
  const size_t start = at + 13;
  return xml.substr(start, xml.find('\'', start) - start);
}

std::vector<FoundSignature> FindSignatures(const std::string& pdf) {
  static const std::regex kByteRange(R"(/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\])");
  const int64_t size = static_cast<int64_t>(pdf.size());
  std::vector<FoundSignature> out;
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), kByteRange);
       it != std::sregex_iterator(); ++it) {
    FoundSignature s;
    for (int i = 0; i < 4; ++i) s.range[i] = std::stoll((*it)[i + 1].str());
    const int64_t gap = s.range[0] + s.range[1];
    if (s.range[1] == 0) continue;  // a placeholder
    if (gap + 2 > s.range[2] || s.range[2] + s.range[3] > size) continue;
    s.signed_bytes = pdf.substr(s.range[0], s.range[1]) + pdf.substr(s.range[2], s.range[3]);
    // Between the ranges: "<hex>", zero-padded after the DER.
    std::string der = absl::HexStringToBytes(pdf.substr(gap + 1, s.range[2] - gap - 2));
    // The outer SEQUENCE's own length says where the padding starts.
    if (der.size() > 4 && static_cast<unsigned char>(der[0]) == 0x30) {
      const unsigned char l = static_cast<unsigned char>(der[1]);
      size_t total = 0;
      if (l < 0x80) {
        total = 2 + l;
      } else {
        const int n = l & 0x7f;
        size_t len = 0;
        for (int i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(der[2 + i]);
        total = 2 + n + len;
      }
      der.resize(std::min(total, der.size()));
    }
    s.cms_der = std::move(der);
    out.push_back(std::move(s));
  }
  return out;
}

void WriteRawPdf(const std::string& path, const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    absl::StrAppend(&pdf, i + 1, " 0 obj\n", objects[i], "\nendobj\n");
  }
  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", objects.size() + 1, "\n0000000000 65535 f \n");
  for (size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  absl::StrAppend(&pdf, "trailer\n<< /Size ", objects.size() + 1,
                  " /Root 1 0 R >>\nstartxref\n", xref, "\n%%EOF\n");
  WriteFileOrDie(path, pdf);
}

namespace {

std::vector<std::string> SimplePdfObjects(const std::string& text, const std::string& prefix,
                                          const std::string& catalog_extra,
                                          const std::string& page_extra) {
  const std::string content =
      absl::StrCat(prefix, "BT /F1 14 Tf 72 760 Td (", text, ") Tj ET\n");
  return {
      absl::StrCat("<< /Type /Catalog /Pages 2 0 R ", catalog_extra, ">>"),
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                   "/Resources << /Font << /F1 5 0 R >> >> ",
                   page_extra, ">>"),
      absl::StrCat("<< /Length ", content.size(), " >>\nstream\n", content, "endstream"),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
}

}  // namespace

void WriteSimplePdf(const std::string& path, const std::string& text, const std::string& prefix) {
  WriteRawPdf(path, SimplePdfObjects(text, prefix, "", ""));
}

void WriteSignedLookingPdf(const std::string& path) {
  std::vector<std::string> objects =
      SimplePdfObjects("Signed elsewhere", "", "/AcroForm << /Fields [6 0 R] /SigFlags 3 >> ",
                       "/Annots [6 0 R] ");
  objects.push_back(
      "<< /FT /Sig /T (Signature1) /V 7 0 R /Type /Annot /Subtype /Widget /F 132 "
      "/Rect [0 0 0 0] /P 3 0 R >>");
  objects.push_back(
      "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
      "/ByteRange [0 10 20 30] /Contents <3082000100> /M (D:20250312090000+07'00') >>");
  WriteRawPdf(path, objects);
}

}  // namespace hopso::pdf::testing
