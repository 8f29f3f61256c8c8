#pragma once
// Plain snippets with match offsets: FTS5's snippet() only marks matches by
// inserting text, so the store asks it twice, with markers and without, and
// reads the offsets off the difference.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsd::store {

/// Markers given to snippet() for the marked copy.
inline constexpr std::string_view kMatchOpen = "\x01", kMatchClose = "\x02";

/// The matches of `plain` as {start, length} in code points, read from
/// `marked` (the same snippet with kMatchOpen/kMatchClose around each
/// match). The plain text is the truth: a marker byte that the article text
/// itself contains is taken as text where it lines up with `plain`, and
/// whatever does not line up ends the reading, so a hostile text can at
/// worst shift or drop offsets, never change the snippet. Offsets always lie
/// within `plain`.
std::vector<std::pair<int, int>> snippet_matches(std::string_view marked, std::string_view plain);

}  // namespace newsd::store
