#include "common/gzip.h"

#include <libdeflate.h>
#include <zlib.h>

namespace ot {

std::string GzipCompress(std::string_view data, int level) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  OT_CHECK(c != nullptr);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  OT_CHECK(n > 0);
  out.resize(n);
  return out;
}

bool LooksGzipped(std::string_view data) {
  return data.size() >= 2 && static_cast<uint8_t>(data[0]) == 0x1f &&
         static_cast<uint8_t>(data[1]) == 0x8b;
}

bool InflateGzipMember(std::string_view data, size_t max_bytes, std::string* out,
                       size_t* consumed) {
  // A gzip member ends with ISIZE, its inflated length mod 2^32: when the member fills `data`,
  // that is the exact output size; otherwise the guess is wrong and libdeflate says so.
  if (data.size() < 18) return false;
  const auto* tail = reinterpret_cast<const unsigned char*>(data.data() + data.size() - 4);
  size_t size =
      size_t{tail[0]} | size_t{tail[1]} << 8 | size_t{tail[2]} << 16 | size_t{tail[3]} << 24;
  if (size > max_bytes) return false;
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> d(libdeflate_alloc_decompressor());
  if (d == nullptr) return false;
  out->resize(size);
  size_t in = 0, produced = 0;
  libdeflate_result r = libdeflate_gzip_decompress_ex(d.get(), data.data(), data.size(),
                                                      out->data(), out->size(), &in, &produced);
  if (r != LIBDEFLATE_SUCCESS) return false;
  out->resize(produced);
  *consumed = in;
  return true;
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_bytes) {
  // The common case — one member, nothing after it — goes through libdeflate.
  std::string fast;
  size_t consumed = 0;
  if (InflateGzipMember(data, max_bytes, &fast, &consumed) && consumed == data.size()) {
    return fast;
  }
  // zlib streams any size and handles concatenated members; libdeflate needs the output size.
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return Status(Error::kInternal, "inflateInit2 failed");
  }
  std::string out;
  out.resize(std::min<size_t>(std::max<size_t>(data.size() * 4, 4096), max_bytes + 1));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  size_t produced = 0;
  Status status;
  while (true) {
    if (produced == out.size()) {
      if (out.size() > max_bytes) {
        status = Status(Error::kRequestTooLarge,
                        "decompressed body exceeds " + std::to_string(max_bytes) + " bytes");
        break;
      }
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out.size() - produced);
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      if (!LooksGzipped(std::string_view(reinterpret_cast<const char*>(zs.next_in), zs.avail_in))) {
        break;  // trailing garbage after the last member is ignored, as gunzip does with zeros
      }
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      status = Status(Error::kValidation, "gzip data is truncated");
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      status = Status(Error::kValidation,
                      std::string("gzip data is corrupt: ") + (zs.msg ? zs.msg : "inflate error"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  if (produced > max_bytes) {
    return Status(Error::kRequestTooLarge,
                  "decompressed body exceeds " + std::to_string(max_bytes) + " bytes");
  }
  out.resize(produced);
  return out;
}

GzipInflater::GzipInflater() : zs_(new z_stream{}), buffer_(64 << 10, '\0') {
  OT_CHECK(inflateInit2(static_cast<z_stream*>(zs_), 16 + MAX_WBITS) == Z_OK);
}

GzipInflater::~GzipInflater() {
  auto* zs = static_cast<z_stream*>(zs_);
  inflateEnd(zs);
  delete zs;
}

Status GzipInflater::Step(std::string_view& input, std::string_view& out) {
  auto* zs = static_cast<z_stream*>(zs_);
  size_t chunk = std::min<size_t>(input.size(), 1u << 30);
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs->avail_in = static_cast<uInt>(chunk);
  zs->next_out = reinterpret_cast<Bytef*>(buffer_.data());
  zs->avail_out = static_cast<uInt>(buffer_.size());
  int rc = inflate(zs, Z_NO_FLUSH);
  input.remove_prefix(chunk - zs->avail_in);
  out = std::string_view(buffer_.data(), buffer_.size() - zs->avail_out);
  if (rc == Z_STREAM_END) {
    done_ = true;
    return Status::Ok();
  }
  if (rc == Z_OK || (rc == Z_BUF_ERROR && !out.empty())) return Status::Ok();
  if (rc == Z_BUF_ERROR) {  // no progress possible: the input ended inside the member
    input = {};
    return Status::Ok();
  }
  return Status(Error::kValidation,
                std::string("gzip data is corrupt: ") + (zs->msg ? zs->msg : "inflate error"));
}

std::string ZlibCompress(std::string_view data, int level) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  OT_CHECK(c != nullptr);
  std::string out(libdeflate_zlib_compress_bound(c, data.size()), '\0');
  size_t n = libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  OT_CHECK(n > 0);
  out.resize(n);
  return out;
}

Result<std::string> ZlibDecompress(std::string_view data, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status(Error::kInternal, "inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  Status status;
  char buf[16384];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > max_bytes) {
      status =
          Status(Error::kValidation, "zlib data exceeds " + std::to_string(max_bytes) + " bytes");
      break;
    }
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      status = Status(Error::kValidation, "zlib data is truncated");
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      status = Status(Error::kValidation,
                      std::string("zlib data is corrupt: ") + (zs.msg ? zs.msg : "inflate error"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  return out;
}

uint32_t Crc32(std::string_view data, uint32_t crc) {
  return libdeflate_crc32(crc, data.data(), data.size());
}

}  // namespace ot
