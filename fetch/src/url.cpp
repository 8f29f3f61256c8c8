#include "url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "newsd/base/ascii.hpp"

namespace newsd::fetch::detail {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// Returns the part, or empty when the URL does not have it.
std::string get_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

Result<UrlHandle> parse(const std::string& url, unsigned extra_flags = 0) {
  UrlHandle u(curl_url());
  if (!u) return fail(Errc::internal, "curl_url failed");
  // NON_SUPPORT_SCHEME: parse ftp:// and friends too, so they are reported as
  // unsupported rather than as malformed.
  const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME | extra_flags);
  if (rc != CURLUE_OK)
    return fail(Errc::invalid_argument, std::string("bad URL (") + curl_url_strerror(rc) + "): " + url);
  return u;
}

}  // namespace

Result<UrlParts> split_url(const std::string& url) {
  // URLENCODE: libcurl would otherwise put raw UTF-8 bytes on the request
  // line, which strict servers reject.
  auto u = parse(url, CURLU_URLENCODE);
  if (!u) return std::unexpected(u.error());
  UrlParts parts;
  parts.url = get_part(u->get(), CURLUPART_URL);
  parts.scheme = ascii_lower(get_part(u->get(), CURLUPART_SCHEME));
  parts.host = ascii_lower(get_part(u->get(), CURLUPART_HOST));
  const std::string port = get_part(u->get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  parts.origin = parts.scheme + "://" + parts.host + (port.empty() ? "" : ":" + port);
  // libcurl normalizes an empty path to "/", so the path is never empty.
  parts.path_and_query = get_part(u->get(), CURLUPART_PATH);
  if (const std::string query = get_part(u->get(), CURLUPART_QUERY); !query.empty()) {
    parts.path_and_query.append(1, '?').append(query);
  }
  return parts;
}

Result<Response> read_file_url(const std::string& url, std::size_t max_body_bytes) {
  auto u = parse(url);
  if (!u) return std::unexpected(u.error());
  // libcurl's parser already rejects file URLs naming a host other than
  // localhost (CURLUE_BAD_FILE_URL), so only a local path is left here.
  const std::filesystem::path path = get_part(u->get(), CURLUPART_PATH, CURLU_URLDECODE);

  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return fail(Errc::not_found, "no such file: " + url);
  if (ec) return fail(Errc::io, "cannot stat " + path.string() + ": " + ec.message());
  if (std::filesystem::is_directory(status)) return fail(Errc::io, "is a directory: " + url);
  const auto declared = std::filesystem::file_size(path, ec);
  if (!ec && declared > max_body_bytes) return fail(Errc::too_large, "file over the max_body_bytes limit: " + url);

  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open " + path.string());
  Response response;
  response.url = url;
  response.final_url = url;
  response.status = 200;
  // Read in chunks rather than trusting the size from stat: the file may
  // have grown since, or be a FIFO / procfs file that reports no size.
  if (!ec) response.body.reserve(static_cast<std::size_t>(declared));
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    response.body.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (response.body.size() > max_body_bytes)
      return fail(Errc::too_large, "file over the max_body_bytes limit: " + url);
  }
  if (in.bad()) return fail(Errc::io, "read error on " + path.string());
  return response;
}

}  // namespace newsd::fetch::detail
