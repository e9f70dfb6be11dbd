#include "server/ctl/qr_image.h"

#include <png.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hopso::ctl {
namespace {

// Dark at (row, col) of the symbol with its quiet zone around it.
bool DarkWithMargin(const pdf::QrSymbol& symbol, int row, int col) {
  row -= kQuietZoneModules;
  col -= kQuietZoneModules;
  return row >= 0 && col >= 0 && row < symbol.size && col < symbol.size && symbol.Dark(row, col);
}

}  // namespace

std::string TerminalQr(const pdf::QrSymbol& symbol) {
  const int n = symbol.size + 2 * kQuietZoneModules;
  std::string out;
  for (int row = 0; row < n; row += 2) {
    for (int col = 0; col < n; ++col) {
      const bool top = !DarkWithMargin(symbol, row, col);
      const bool bottom = row + 1 < n && !DarkWithMargin(symbol, row + 1, col);
      out += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    out += '\n';
  }
  return out;
}

absl::Status WriteQrPng(const pdf::QrSymbol& symbol, int scale, const std::string& path) {
  const int n = (symbol.size + 2 * kQuietZoneModules) * scale;
  std::vector<png_byte> pixels(static_cast<size_t>(n) * n);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const bool dark = DarkWithMargin(symbol, y / scale, x / scale);
      pixels[static_cast<size_t>(y) * n + x] = dark ? 0 : 255;
    }
  }
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(n);
  image.height = static_cast<png_uint_32>(n);
  image.format = PNG_FORMAT_GRAY;
  if (png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), 0, nullptr) == 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", image.message));
  }
  return absl::OkStatus();
}

}  // namespace hopso::ctl
