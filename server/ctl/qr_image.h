// A QR symbol for people: as text for a terminal, or as a PNG file.
#ifndef HOPSO_SERVER_CTL_QR_IMAGE_H_
#define HOPSO_SERVER_CTL_QR_IMAGE_H_

#include <string>

#include "absl/status/status.h"
#include "pdf/composer.h"

namespace hopso::ctl {

// The light modules a QR symbol needs around it (ISO/IEC 18004).
inline constexpr int kQuietZoneModules = 4;

// TerminalQr
//
// The symbol with its quiet zone as lines of UTF-8 half blocks, two module
// rows per line, light modules drawn (for the usual light-on-dark terminal,
// as `qrencode -t UTF8` draws them).
std::string TerminalQr(const pdf::QrSymbol& symbol);

// WriteQrPng
//
// The symbol with its quiet zone as a greyscale PNG, `scale` pixels per module.
absl::Status WriteQrPng(const pdf::QrSymbol& symbol, int scale, const std::string& path);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_QR_IMAGE_H_
