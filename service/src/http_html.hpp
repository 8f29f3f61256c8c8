#pragma once
// HTML building blocks for the web reader: escaping (every stored string is
// untrusted), text direction per language, the page frame and the SVG
// trend chart.
#include <string>
#include <string_view>
#include <vector>

#include "newsd/store/store.hpp"

namespace newsd::service::http {

/// Escapes &, <, >, " and ' (text and attribute values alike).
std::string escape(std::string_view text);
/// An href for an untrusted URL: the escaped URL if it is http(s), else "#".
std::string safe_href(std::string_view url);
/// "rtl" for Arabic-script and Hebrew languages, "ltr" for others, "auto" when unknown.
std::string_view direction(std::string_view lang);
/// ` lang="ar" dir="rtl"` for an element holding text in `lang`.
std::string lang_attrs(std::string_view lang);

/// A whole page: head (CSP-clean: external CSS and JS only), the nav with
/// `active` marked, then `body`.
std::string page(std::string_view title, std::string_view active, std::string_view body);

/// Articles per day for the top `max_series` tags, as an inline SVG line
/// chart (presentation attributes only, no style attribute, so the CSP
/// needs no 'unsafe-inline'), from the first day `days` ago to today.
std::string trend_svg(const std::vector<store::TagDayCount>& counts, int days, std::size_t max_series);

}  // namespace newsd::service::http
