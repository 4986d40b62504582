#pragma once

// The QRCodePNG of CreateVirtualMFADevice (iam.md §2.5): libqrencode lays out the modules, we
// write the image as an 8-bit grayscale PNG (black modules on white, with a quiet zone).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot::iam::internal {

// A QR symbol: size × size modules, row-major, true = dark.
struct QrMatrix {
  int size = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<size_t>(y * size + x)]; }
};

// Encodes `text` as 8-bit data at error-correction level M, in the smallest version that fits.
// kInvalidInput when it does not fit any version.
Result<QrMatrix> EncodeQr(std::string_view text);

// A PNG of `qr`: every module `scale` × `scale` pixels, `quiet` white modules of margin.
std::string RenderPng(const QrMatrix& qr, int scale = 4, int quiet = 4);

// EncodeQr then RenderPng.
Result<std::string> QrCodePng(std::string_view text);

}  // namespace ot::iam::internal
