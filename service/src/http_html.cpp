#include "http_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "newsd/parse/dates.hpp"
#include "newsd/service/http_json.hpp"

namespace newsd::service::http {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string safe_href(std::string_view url) {
  auto lower = std::string(url.substr(0, 8));
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.starts_with("http://") || lower.starts_with("https://") ? escape(url) : "#";
}

std::string_view direction(std::string_view lang) {
  static constexpr std::array<std::string_view, 8> kRtl{"ar", "fa", "ur", "he", "ps", "ckb", "yi", "sd"};
  if (lang.empty()) return "auto";
  const auto base = lang.substr(0, lang.find('-'));
  return std::ranges::find(kRtl, base) != kRtl.end() ? "rtl" : "ltr";
}

std::string lang_attrs(std::string_view lang) {
  std::string out;
  if (!lang.empty()) out += " lang=\"" + escape(lang) + "\"";
  out += " dir=\"" + std::string(direction(lang)) + "\"";
  return out;
}

std::string page(std::string_view title, std::string_view active, std::string_view body) {
  std::string nav;
  for (const auto& [href, label] : {std::pair{"/", "Search"}, {"/feeds", "Feeds"}, {"/trends", "Trends"}}) {
    nav += fmt::format("<a href=\"{}\"{}>{}</a>", href, active == label ? " aria-current=\"page\"" : "", label);
  }
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/newsd.css\">"
      "<script src=\"/static/newsd.js\" defer></script><title>{} — newsd</title></head>\n"
      "<body><header><span class=\"brand\">newsd</span><nav>{}</nav></header>\n<main>\n{}\n</main></body></html>\n",
      escape(title), nav, body);
}

namespace {

constexpr std::array<const char*, 8> kColors{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                             "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr int kWidth = 480, kHeight = 290, kLeft = 36, kRight = 10, kTop = 12, kBottom = 58, kLegendColumn = 148;

}  // namespace

std::string trend_svg(const std::vector<store::TagDayCount>& counts, int days, std::size_t max_series) {
  // Day labels, oldest first, and each tag's total to pick the top series.
  // The axis starts at the first day with articles, so a long window over a
  // young archive is not a flat line with a spike at its end.
  auto first = trend_start(days);
  if (!counts.empty()) {
    if (auto earliest = parse::parse_iso8601_date(counts.front().day); earliest && *earliest > first) {
      days -= static_cast<int>(std::chrono::floor<std::chrono::days>(*earliest - first).count());
      first = *earliest;
    }
  }
  std::vector<std::string> labels;
  for (int i = 0; i < days; ++i) labels.push_back(parse::format_iso8601(first + std::chrono::days{i}).substr(0, 10));
  std::map<std::string, std::int64_t> totals;
  std::map<std::string, std::map<std::string, std::int64_t>> by_tag;
  std::int64_t peak = 1;
  for (const auto& c : counts) {
    totals[c.tag] += c.articles;
    by_tag[c.tag][c.day] += c.articles;
    peak = std::max(peak, c.articles);
  }
  std::vector<std::pair<std::string, std::int64_t>> ranked(totals.begin(), totals.end());
  std::ranges::sort(ranked, [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (ranked.size() > max_series) ranked.resize(max_series);

  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x = [&](int i) { return kLeft + (days == 1 ? plot_w / 2 : plot_w * i / (days - 1)); };
  auto y = [&](std::int64_t n) { return kTop + plot_h - plot_h * static_cast<double>(n) / static_cast<double>(peak); };
  std::string svg = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"Articles per day\" "
      "xmlns=\"http://www.w3.org/2000/svg\">",
      kWidth, kHeight);
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>", kLeft, kTop + plot_h,
                     kWidth - kRight, kTop + plot_h);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#555\">{}</text>", kLeft - 4,
                     kTop + 10, peak);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#555\">0</text>", kLeft - 4,
                     kTop + plot_h);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#555\">{}</text>", kLeft, kTop + plot_h + 16,
                     labels.front());
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#555\">{}</text>",
                     kWidth - kRight, kTop + plot_h + 16, labels.back());
  for (std::size_t s = 0; s < ranked.size(); ++s) {
    const auto& per_day = by_tag[ranked[s].first];
    std::string points;
    for (int i = 0; i < days; ++i) {
      const auto it = per_day.find(labels[static_cast<std::size_t>(i)]);
      points += fmt::format("{:.1f},{:.1f} ", x(i), y(it == per_day.end() ? 0 : it->second));
    }
    svg += fmt::format(
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
        kColors[s % kColors.size()], points, escape(ranked[s].first));
    // Legend: three per row, two rows.
    const int column = kLeft + kLegendColumn * static_cast<int>(s % 3);
    const int row = kHeight - 26 + 18 * static_cast<int>(s / 3);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>", column, row - 9,
                       kColors[s % kColors.size()]);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#222\">{}</text>", column + 14, row,
                       escape(ranked[s].first));
  }
  if (ranked.empty()) {
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" fill=\"#555\">no tagged articles in this "
        "period</text>",
        kWidth / 2, kHeight / 2);
  }
  return svg + "</svg>";
}

}  // namespace newsd::service::http
