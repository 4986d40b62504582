#include "iam/internal/qr_png.h"

#include <qrencode.h>

#include <memory>

#include "common/gzip.h"

namespace ot::iam::internal {
namespace {

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

void AppendU32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

// length | type | data | CRC-32 of type and data (PNG spec §5.3).
void AppendChunk(std::string* out, std::string_view type, std::string_view data) {
  AppendU32(out, static_cast<uint32_t>(data.size()));
  std::string body(type);
  body.append(data);
  out->append(body);
  AppendU32(out, Crc32(body));
}

}  // namespace

Result<QrMatrix> EncodeQr(std::string_view text) {
  std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (code == nullptr) {
    return Status(Error::kInvalidInput, "The text does not fit in a QR code.");
  }
  QrMatrix m;
  m.size = code->width;
  m.dark.resize(static_cast<size_t>(m.size) * static_cast<size_t>(m.size));
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

std::string RenderPng(const QrMatrix& qr, int scale, int quiet) {
  const int modules = qr.size + 2 * quiet;
  const uint32_t px = static_cast<uint32_t>(modules * scale);

  std::string raw;  // one filter byte (0 = None) then one gray byte per pixel, per row
  raw.reserve(static_cast<size_t>(px + 1) * px);
  std::string row;
  for (int my = 0; my < modules; ++my) {
    row.assign(1, '\0');
    for (int mx = 0; mx < modules; ++mx) {
      const int x = mx - quiet, y = my - quiet;
      const bool dark = x >= 0 && y >= 0 && x < qr.size && y < qr.size && qr.at(x, y);
      row.append(static_cast<size_t>(scale), dark ? '\x00' : '\xff');
    }
    for (int i = 0; i < scale; ++i) raw.append(row);
  }

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  AppendU32(&ihdr, px);
  AppendU32(&ihdr, px);
  ihdr.append(std::string("\x08\x00\x00\x00\x00", 5));  // depth 8, grayscale, deflate, no interlace
  AppendChunk(&png, "IHDR", ihdr);
  AppendChunk(&png, "IDAT", ZlibCompress(raw, 9));
  AppendChunk(&png, "IEND", "");
  return png;
}

Result<std::string> QrCodePng(std::string_view text) {
  OT_ASSIGN_OR_RETURN(QrMatrix m, EncodeQr(text));
  return RenderPng(m);
}

}  // namespace ot::iam::internal
