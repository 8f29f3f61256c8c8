#include "normalizers.hpp"

namespace newsd::parse {
namespace {

using Getter = const icu::Normalizer2* (*)(UErrorCode&);

const icu::Normalizer2* lookup(Getter get) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = get(status);
  return U_SUCCESS(status) ? n : nullptr;
}

}  // namespace

// ICU's getters are thread-safe by themselves, through a once-flag inside
// libicuuc. The function-local statics make the pointer's publication visible
// in newsd's own code as well, where ThreadSanitizer (scripts/test-tsan.sh)
// can see it: it cannot see into the uninstrumented library, and took a
// worker's first use of the normalizer another worker had built for a race.
const icu::Normalizer2* nfc_normalizer() {
  static const icu::Normalizer2* const instance = lookup(&icu::Normalizer2::getNFCInstance);
  return instance;
}

const icu::Normalizer2* nfd_normalizer() {
  static const icu::Normalizer2* const instance = lookup(&icu::Normalizer2::getNFDInstance);
  return instance;
}

}  // namespace newsd::parse
