#include "newsd/base/charset.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "newsd/base/ascii.hpp"

namespace newsd::charset {
namespace {

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// Records that the to-Unicode callback substituted something, then lets ICU's
// default substitution (U+FFFD) proceed.
struct SubstituteContext {
  bool hit = false;
};

void note_and_substitute(const void* context, UConverterToUnicodeArgs* args, const char* bytes, int32_t length,
                         UConverterCallbackReason reason, UErrorCode* err) {
  if (reason <= UCNV_IRREGULAR) {
    static_cast<SubstituteContext*>(const_cast<void*>(context))->hit = true;
  }
  UCNV_TO_U_CALLBACK_SUBSTITUTE(nullptr, args, bytes, length, reason, err);
}

}  // namespace

std::optional<std::string> sniff_bom(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.starts_with(p); };
  if (starts("\xEF\xBB\xBF")) return "UTF-8";
  if (starts(std::string_view("\xFF\xFE\x00\x00", 4))) return "UTF-32LE";
  if (starts(std::string_view("\x00\x00\xFE\xFF", 4))) return "UTF-32BE";
  if (starts("\xFF\xFE")) return "UTF-16LE";
  if (starts("\xFE\xFF")) return "UTF-16BE";
  return std::nullopt;
}

std::size_t bom_length(std::string_view b) {
  auto name = sniff_bom(b);
  if (!name) return 0;
  if (*name == "UTF-8") return 3;
  if (name->starts_with("UTF-32")) return 4;
  return 2;
}

std::optional<std::string> detect(std::string_view bytes, std::size_t max_probe) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&status));
  if (U_FAILURE(status)) return std::nullopt;
  const auto probe = bytes.substr(0, max_probe);
  ucsdet_setText(det.get(), probe.data(), static_cast<int32_t>(probe.size()), &status);
  // Markup is mostly ASCII and would drown the signal in the text itself.
  ucsdet_enableInputFilter(det.get(), true);
  const UCharsetMatch* match = ucsdet_detect(det.get(), &status);
  if (U_FAILURE(status) || match == nullptr) return std::nullopt;
  const int32_t confidence = ucsdet_getConfidence(match, &status);
  const char* name = ucsdet_getName(match, &status);
  if (U_FAILURE(status) || name == nullptr || confidence < 10) return std::nullopt;
  return std::string(name);
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else
      return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    // Reject overlong forms, surrogates and code points past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += n + 1;
  }
  return true;
}

bool is_known(std::string_view label) {
  if (label.empty()) return false;
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(std::string(label).c_str(), &status));
  return U_SUCCESS(status) && conv != nullptr;
}

std::string canonical_name(std::string_view label) {
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(std::string(label).c_str(), &status));
  if (U_FAILURE(status) || !conv) return ascii_lower(label);
  const char* icu_name = ucnv_getName(conv.get(), &status);
  if (U_FAILURE(status) || icu_name == nullptr) return ascii_lower(label);
  // Prefer the IANA/WHATWG spelling users know over ICU's internal name
  // ("ibm-9448_X100-1995" is windows-1256).
  for (const char* standard : {"MIME", "WINDOWS", "IANA"}) {
    UErrorCode s = U_ZERO_ERROR;
    const char* std_name = ucnv_getStandardName(icu_name, standard, &s);
    if (U_SUCCESS(s) && std_name != nullptr) return ascii_lower(std_name);
  }
  return ascii_lower(icu_name);
}

Result<Decoded> to_utf8(std::string_view bytes, std::string_view label) {
  Decoded out;
  out.encoding = canonical_name(label);
  // Strip a BOM only when it names the encoding being decoded; ICU's
  // endian-neutral "UTF-16"/"UTF-32" converters consume it themselves.
  if (auto bom = sniff_bom(bytes); bom && canonical_name(*bom) == out.encoding) {
    bytes.remove_prefix(bom_length(bytes));
  }
  if ((out.encoding == "utf-8" || out.encoding == "us-ascii") && is_valid_utf8(bytes)) {
    out.text.assign(bytes);  // fast path: nothing to convert
    return out;
  }

  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(std::string(label).c_str(), &status));
  if (U_FAILURE(status) || !conv) {
    return fail(Errc::encoding, "unknown charset '" + std::string(label) + "'");
  }
  SubstituteContext ctx;
  ucnv_setToUCallBack(conv.get(), note_and_substitute, &ctx, nullptr, nullptr, &status);

  UErrorCode utf8_status = U_ZERO_ERROR;
  ConverterPtr utf8(ucnv_open("UTF-8", &utf8_status));
  if (U_FAILURE(utf8_status)) return fail(Errc::internal, "ICU has no UTF-8 converter");

  out.text.resize(bytes.size() * 3 + 16);
  for (;;) {
    char* target = out.text.data();
    const char* source = bytes.data();
    status = U_ZERO_ERROR;
    ucnv_resetToUnicode(conv.get());
    ucnv_resetFromUnicode(utf8.get());
    ucnv_convertEx(utf8.get(), conv.get(), &target, target + out.text.size(), &source, source + bytes.size(), nullptr,
                   nullptr, nullptr, nullptr, true, true, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.text.resize(out.text.size() * 2);
      ctx.hit = false;
      continue;
    }
    if (U_FAILURE(status)) {
      return fail(Errc::encoding, std::string("conversion from ") + out.encoding + " failed: " + u_errorName(status));
    }
    out.text.resize(static_cast<std::size_t>(target - out.text.data()));
    break;
  }
  out.had_errors = ctx.hit;
  return out;
}

}  // namespace newsd::charset
