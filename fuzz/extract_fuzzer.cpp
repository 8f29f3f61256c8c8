// Fuzzes extract_article() end to end: charset sniffing and decoding, libxml2
// parsing, metadata (meta tags, JSON-LD) and main-content selection, with and
// without a site rule, plus the JSON rendering; and the section-page link
// finder on the same bytes, with and without overrides.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "newsd/parse/extract.hpp"
#include "newsd/parse/html_select.hpp"
#include "newsd/parse/section_links.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const newsd::config::ExtractConfig plain;
  static const newsd::config::ExtractConfig with_rule = [] {
    newsd::config::ExtractConfig cfg;
    cfg.sites.push_back({"example.com", {"article .body", "div#content > p"}, {".ad", "[data-x=y]", "aside"}});
    return cfg;
  }();
  // The first byte picks the variant so the corpus can reach every path.
  const bool rule = size > 0 && (data[0] & 1) != 0;
  const std::string_view charset = size > 0 && (data[0] & 2) != 0 ? "windows-1256" : "";
  auto article =
      newsd::parse::extract_article(bytes, "https://www.example.com/2025/01/02/a", rule ? with_rule : plain, charset);
  if (article) (void)newsd::parse::to_json(*article);
  static const newsd::parse::SectionRules no_rules;
  static const newsd::parse::SectionRules overrides{".list li, article", {"aside", ".ad"}, "/20[0-9]{2}/"};
  (void)newsd::parse::find_section_links(bytes, "https://www.example.com/ar/military", charset,
                                         rule ? overrides : no_rules, {});
  // Selector parsing takes config text; feed it the first line.
  (void)newsd::parse::parse_selector(bytes.substr(0, bytes.find('\n')));
  return 0;
}
