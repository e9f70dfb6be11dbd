#include "pdf/internal/podofo_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace hopso::pdf::internal {

absl::Status PdfErrorToStatus(const PoDoFo::PdfError& error, absl::string_view doing) {
  const PoDoFo::EPdfError code = error.GetError();
  const char* message = PoDoFo::PdfError::ErrorMessage(code);
  const std::string detail = message != nullptr && *message != '\0'
                                 ? std::string(message)
                                 : std::string(PoDoFo::PdfError::ErrorName(code));
  switch (code) {
    case PoDoFo::ePdfError_FileNotFound:
      return absl::NotFoundError(absl::StrCat(doing, ": the file cannot be opened"));
    case PoDoFo::ePdfError_InvalidPassword:
    case PoDoFo::ePdfError_CannotEncryptedForUpdate:
    case PoDoFo::ePdfError_InvalidEncryptionDict:
      return absl::FailedPreconditionError(
          absl::StrCat(doing, ": encrypted PDFs are not accepted"));
    case PoDoFo::ePdfError_OutOfMemory:
      return absl::ResourceExhaustedError(absl::StrCat(doing, ": out of memory"));
    case PoDoFo::ePdfError_UnexpectedEOF:
    case PoDoFo::ePdfError_BrokenFile:
    case PoDoFo::ePdfError_PageNotFound:
    case PoDoFo::ePdfError_NoPdfFile:
    case PoDoFo::ePdfError_NoXRef:
    case PoDoFo::ePdfError_NoTrailer:
    case PoDoFo::ePdfError_NoNumber:
    case PoDoFo::ePdfError_NoObject:
    case PoDoFo::ePdfError_NoEOFToken:
    case PoDoFo::ePdfError_InvalidTrailerSize:
    case PoDoFo::ePdfError_InvalidLinearization:
    case PoDoFo::ePdfError_InvalidDataType:
    case PoDoFo::ePdfError_InvalidXRef:
    case PoDoFo::ePdfError_InvalidXRefStream:
    case PoDoFo::ePdfError_InvalidXRefType:
    case PoDoFo::ePdfError_InvalidPredictor:
    case PoDoFo::ePdfError_InvalidHexString:
    case PoDoFo::ePdfError_InvalidStream:
    case PoDoFo::ePdfError_InvalidStreamLength:
    case PoDoFo::ePdfError_InvalidKey:
    case PoDoFo::ePdfError_InvalidName:
    case PoDoFo::ePdfError_InvalidContentStream:
    case PoDoFo::ePdfError_UnsupportedFilter:
    case PoDoFo::ePdfError_MissingEndStream:
    case PoDoFo::ePdfError_Flate:
      return absl::InvalidArgumentError(
          absl::StrCat(doing, ": the PDF is damaged (", detail, ")"));
    default:
      return absl::InternalError(absl::StrCat(doing, ": PDF library error (", detail, ")"));
  }
}

void SilencePodofo() {
  static const bool silenced = [] {
    PoDoFo::PdfError::EnableDebug(false);
    PoDoFo::PdfError::EnableLogging(false);
    return true;
  }();
  (void)silenced;
}

}  // namespace hopso::pdf::internal
