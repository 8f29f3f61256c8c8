#include "newsd/base/charset.hpp"

#include <iconv.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
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

// ICU compares charset labels ignoring case and punctuation; lookups in the
// spelling table below do the same.
std::string label_key(std::string_view label) {
  std::string key;
  for (char c : label)
    if (std::isalnum(static_cast<unsigned char>(c))) key += ascii_lower(c);
  return key;
}

// Spellings publishers use (mostly Python's codec aliases) that neither
// ICU's alias table nor glibc iconv's knows, mapped to one that one of them
// does. Label aliases only: the byte mappings are ICU's or glibc's.
struct Spelling {
  std::string_view key;  // label_key() of the publisher's spelling
  std::string_view name;
};
constexpr std::array kSpellings{
    // MS-DOS Arabic
    Spelling{"cp720", "ibm-720"},
    Spelling{"dos720", "ibm-720"},
    // Python's mac_latin2 is Mac Central European
    Spelling{"maclatin2", "x-mac-ce"},
    Spelling{"xmaclatin2", "x-mac-ce"},
    Spelling{"maccenteuro", "x-mac-ce"},
};

struct IconvCloser {
  void operator()(iconv_t cd) const { iconv_close(cd); }
};
using IconvPtr = std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser>;

IconvPtr open_iconv(const std::string& name) {
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  return IconvPtr(cd == reinterpret_cast<iconv_t>(-1) ? nullptr : cd);
}

bool icu_knows(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(name.c_str(), &status));
  return U_SUCCESS(status) && conv != nullptr;
}

// The characters of charset names (RFC 2978's mime-charset, plus the '.',
// ':' and parentheses of some IANA names). Anything else, '/' and ',' in
// particular, would reach iconv's "//TRANSLIT" and ICU's ",swaplfnl"
// option syntax, or glibc's "the locale's charset" for an empty name.
bool is_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'+-^_`{}~.:()").find(c) != std::string_view::npos;
}

// Which library decodes a label, and under which name.
struct Codec {
  enum class Backend { icu, iconv } backend = Backend::icu;
  std::string name;
};

// The spellings of `label` worth trying, most literal first: as written; the
// IANA registry's "cs" aliases without their prefix (csKOI8U is KOI8-U,
// csIBM01140 is IBM01140); Python's "macgreek" as ICU's "x-mac-greek" and
// glibc's "mac-greek"; the table above.
std::vector<std::string> spellings(std::string_view label) {
  std::vector<std::string> out{std::string(label)};
  const std::string key = label_key(label);
  if (key.starts_with("cs") && key.size() > 2) out.push_back(key.substr(2));
  if (key.starts_with("mac") && key.size() > 3) {
    out.push_back("x-mac-" + key.substr(3));
    out.push_back("mac-" + key.substr(3));
  }
  for (const Spelling& s : kSpellings)
    if (s.key == key) out.emplace_back(s.name);
  return out;
}

// ICU first (its converters carry the IANA/WINDOWS names reported to users),
// then glibc iconv, which has some ICU lacks (KOI8-T).
std::optional<Codec> resolve(std::string_view label) {
  if (label.empty() || label.size() > 64 || !std::ranges::all_of(label, is_label_char)) return std::nullopt;
  const std::vector<std::string> names = spellings(label);
  for (const std::string& name : names)
    if (icu_knows(name)) return Codec{Codec::Backend::icu, name};
  for (const std::string& name : names)
    if (open_iconv(name)) return Codec{Codec::Backend::iconv, name};
  return std::nullopt;
}

std::string canonical_name(const Codec& codec) {
  // glibc has no notion of a preferred name: the one that opened it is used.
  if (codec.backend == Codec::Backend::iconv) return ascii_lower(codec.name);
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(codec.name.c_str(), &status));
  if (U_FAILURE(status) || !conv) return ascii_lower(codec.name);
  const char* icu_name = ucnv_getName(conv.get(), &status);
  if (U_FAILURE(status) || icu_name == nullptr) return ascii_lower(codec.name);
  // Prefer the MIME/IANA spelling users (and Python's codecs) know over
  // ICU's internal name ("ibm-9448_X100-1995" is windows-1256; ibm-437 is
  // IBM437, not ICU's WINDOWS name "windows-437"); then the WINDOWS name
  // ("x-mac-greek"); then IBM's ("ibm-1125") for code pages the registry
  // does not list. A standard name is used only if it opens this very
  // converter: ICU tags ibm-874's alias "TIS-620" as IANA, but "TIS-620"
  // opens windows-874.
  for (const char* standard : {"MIME", "IANA", "WINDOWS", "IBM"}) {
    UErrorCode s = U_ZERO_ERROR;
    const char* std_name = ucnv_getStandardName(icu_name, standard, &s);
    if (U_FAILURE(s) || std_name == nullptr) continue;
    ConverterPtr named(ucnv_open(std_name, &s));
    const char* named_icu = U_SUCCESS(s) && named ? ucnv_getName(named.get(), &s) : nullptr;
    if (U_SUCCESS(s) && named_icu != nullptr && std::string_view(named_icu) == icu_name) return ascii_lower(std_name);
  }
  return ascii_lower(icu_name);
}

// glibc's iconv counterpart of ICU's conversion: invalid or truncated
// sequences become U+FFFD, one per byte skipped.
std::string iconv_to_utf8(iconv_t cd, std::string_view bytes, bool& had_errors) {
  std::string out;
  std::array<char, 4096> chunk{};
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  while (in_left > 0) {
    char* dst = chunk.data();
    std::size_t dst_left = chunk.size();
    const std::size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
    out.append(chunk.data(), chunk.size() - dst_left);
    if (rc != static_cast<std::size_t>(-1) || errno == E2BIG) continue;
    // EILSEQ (no mapping) or EINVAL (sequence cut at the end): skip a byte.
    out += "\xEF\xBF\xBD";
    had_errors = true;
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  // A stateful encoding may owe a closing sequence.
  char* dst = chunk.data();
  std::size_t dst_left = chunk.size();
  iconv(cd, nullptr, nullptr, &dst, &dst_left);
  out.append(chunk.data(), chunk.size() - dst_left);
  return out;
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
      // HTML is mostly ASCII (markup): skip it eight bytes at a time.
      ++p;
      std::uint64_t word;
      while (end - p >= 8 && (std::memcpy(&word, p, 8), (word & 0x8080808080808080ULL) == 0)) p += 8;
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

bool is_known(std::string_view label) { return resolve(label).has_value(); }

std::string canonical_name(std::string_view label) {
  const auto codec = resolve(label);
  return codec ? canonical_name(*codec) : ascii_lower(label);
}

Result<Decoded> to_utf8(std::string_view bytes, std::string_view label) {
  Decoded out;
  const auto codec = resolve(label);
  if (!codec) return fail(Errc::encoding, "unknown charset '" + std::string(label) + "'");
  out.encoding = canonical_name(*codec);
  // Strip a BOM only when it names the encoding being decoded; ICU's
  // endian-neutral "UTF-16"/"UTF-32" converters consume it themselves.
  if (auto bom = sniff_bom(bytes); bom && canonical_name(*bom) == out.encoding) {
    bytes.remove_prefix(bom_length(bytes));
  }
  if ((out.encoding == "utf-8" || out.encoding == "us-ascii") && is_valid_utf8(bytes)) {
    out.text.assign(bytes);  // fast path: nothing to convert
    return out;
  }

  if (codec->backend == Codec::Backend::iconv) {
    IconvPtr cd = open_iconv(codec->name);
    if (!cd) return fail(Errc::encoding, "iconv cannot open '" + codec->name + "'");
    out.text = iconv_to_utf8(cd.get(), bytes, out.had_errors);
    return out;
  }

  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(codec->name.c_str(), &status));
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
