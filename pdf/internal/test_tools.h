// Test support for pdf/: runs the independent tools the tests use as oracles
// (poppler's pdftotext, pdffonts and pdftoppm, qpdf, zbarimg) and parses
// their output; cuts signatures out of PDF bytes for `openssl cms`.
// Test-only; never linked into the server.
#ifndef HOPSO_PDF_INTERNAL_TEST_TOOLS_H_
#define HOPSO_PDF_INTERNAL_TEST_TOOLS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hopso::pdf::testing {

struct CommandResult {
  // The exit status, or 128 + signal number when killed, or -1 when the
  // program could not be started.
  int exit_code = -1;
  std::string output;  // stdout, plus stderr when asked for
};

// RunCommand
//
// Runs argv[0] (searched on PATH) with no shell and waits for it.
CommandResult RunCommand(const std::vector<std::string>& argv, bool merge_stderr = false);

// True when this process has no child left, running or unreaped: what runs
// untrusted work in a child must reap it.
bool NoChildrenLeft();

// A fresh directory under the test temporary directory, removed with its
// contents on destruction unless HOPSO_KEEP_TEST_FILES is set.
class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& contents);

// `pdftotext -enc UTF-8` of one page (1-based) or, for 0, all pages,
// NFC-normalised; empty on failure.
std::string PdfToText(const std::string& pdf_path, int page = 0);

// Words of `text`: split at spaces, newlines and form feeds.
std::vector<std::string> Words(const std::string& text);

// How often `needle` stands in `text`, not overlapping; e.g. how many
// signatures pdfsig calls "Signature is Valid.".
int CountOccurrences(const std::string& text, const std::string& needle);

// "Page size" lines of `pdfinfo`, one "W x H" string in points per page,
// e.g. "595.276 x 841.89".
std::vector<std::string> PageSizes(const std::string& pdf_path);

// One row of `pdffonts`.
struct FontRow {
  std::string name;  // e.g. "ABCDEF+LiberationSerif"
  std::string type;  // e.g. "CID TrueType"
  bool embedded = false;
  bool subset = false;
  bool unicode = false;
};
std::vector<FontRow> PdfFonts(const std::string& pdf_path);

// Page count from `qpdf --show-npages`; -1 on failure.
int PageCount(const std::string& pdf_path);

// `qpdf --check`: true when it exits 0 (no errors, no warnings); its output
// goes to *output.
bool QpdfCheck(const std::string& pdf_path, std::string* output);

// A region of a rendered page, in pixels at the render resolution.
struct Crop {
  int x = 0;
  int y = 0;
  int width = 0;  // 0: the whole page
  int height = 0;
};

// Renders `page` (1-based) with `pdftoppm -r dpi` and returns what
// `zbarimg -q` decodes from it: the payloads of the QR codes found.
std::vector<std::string> DecodeQrCodes(const std::string& pdf_path, int page, int dpi = 150,
                                       const Crop& crop = {});

// zbar's orientation of the first QR code found as DecodeQrCodes would:
// "UP" when it reads upright, else "RIGHT", "DOWN" or "LEFT"; empty when none.
std::string QrOrientation(const std::string& pdf_path, int page, int dpi = 150,
                          const Crop& crop = {});

// One signature as the file holds it.
struct FoundSignature {
  int64_t range[4] = {0, 0, 0, 0};  // its /ByteRange
  std::string signed_bytes;         // the two ranges, joined
  std::string cms_der;              // /Contents without its zero padding
};

// FindSignatures
//
// The signatures in the PDF bytes `pdf`, in file order: one for each
// /ByteRange of four integers that lies inside the file, placeholders (a
// second length of 0) left out. Reads the bytes as text, with neither a PDF
// parser nor OpenSSL, so it can judge what a signer wrote.
std::vector<FoundSignature> FindSignatures(const std::string& pdf);

// Writes a PDF by hand (no PoDoFo) with a classic cross-reference table:
// objects[i] becomes object i + 1 (its body between "obj" and "endobj");
// object 1 must be the catalog.
void WriteRawPdf(const std::string& path, const std::vector<std::string>& objects);

// A one-page PDF of `text` (ASCII) in Helvetica, preceded by `prefix` in the
// content stream (e.g. a "cm" that it never undoes). Stands for "someone
// else's" PDF.
void WriteSimplePdf(const std::string& path, const std::string& text,
                    const std::string& prefix = "");

// Like WriteSimplePdf, with a signature field whose value is a signature
// dictionary (/ByteRange, /Contents): structurally a signed PDF, though the
// signature itself is not valid.
void WriteSignedLookingPdf(const std::string& path);

}  // namespace hopso::pdf::testing

#endif  // HOPSO_PDF_INTERNAL_TEST_TOOLS_H_
