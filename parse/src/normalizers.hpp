#pragma once
// ICU's normalizers, shared by both halves of parse/ (dates, extracted text).

#include <unicode/normalizer2.h>

namespace newsd::parse {

/// ICU's NFC normalizer, looked up once per process; nullptr when ICU's data
/// is missing (the caller then keeps its text as it is). Safe on any thread.
const icu::Normalizer2* nfc_normalizer();

/// The same for NFD.
const icu::Normalizer2* nfd_normalizer();

}  // namespace newsd::parse
