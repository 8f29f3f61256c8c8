#pragma once
// What write_articles works out from a record before writing it, worked out
// ahead (prepare_record(), on the producer's thread) and checked against the
// record when the writer takes it.
#include <string>

#include "fingerprint.hpp"
#include "newsd/store/store.hpp"
#include "tokenizer.hpp"

namespace newsd::store {

struct PreparedRecord {
  /// The fields it was prepared from: it applies to a record only while
  /// they are byte for byte the same (matches()).
  std::string url, canonical_url, entry_key, title, text;
  std::string key;                      ///< record_key(): the dedup key the article is stored under
  Fingerprint print;                    ///< fingerprint(document_tokens(text))
  ColumnTerms title_terms, text_terms;  ///< what the FTS5 tokenizer emits for each column

  bool matches(const ArticleRecord& rec) const {
    return rec.text == text && rec.title == title && rec.url == url && rec.canonical_url == canonical_url &&
           rec.entry_key == entry_key;
  }
};

}  // namespace newsd::store
