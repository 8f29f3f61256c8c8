#include "url.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <idn2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
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
  if (rc != CURLUE_OK) {
    return fail_permanently(Errc::invalid_argument, std::string("bad URL (") + curl_url_strerror(rc) + "): " + url);
  }
  return u;
}

bool is_ascii(std::string_view s) {
  return std::ranges::all_of(s, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// libcurl converts an IDN host itself only when the process runs under a
// UTF-8 locale (it calls idn2_lookup_ul); newsd runs under "C". Converting
// from UTF-8 here works in any locale and leaves number formatting alone.
Result<std::string> to_punycode(const std::string& host, const std::string& url) {
  char* ascii = nullptr;
  const int rc = idn2_to_ascii_8z(host.c_str(), &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK) {
    return fail_permanently(Errc::invalid_argument,
                            std::string("bad internationalized host name (") + idn2_strerror(rc) + "): " + url);
  }
  std::string out(ascii);
  idn2_free(ascii);
  return out;
}

Result<std::filesystem::path> file_path(const std::string& url) {
  auto u = parse(url);
  if (!u) return std::unexpected(u.error());
  // libcurl's parser already rejects file URLs naming a host other than
  // localhost (CURLUE_BAD_FILE_URL), so only a local path is left here.
  return std::filesystem::path(get_part(u->get(), CURLUPART_PATH, CURLU_URLDECODE));
}

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

Result<UrlParts> split_url(const std::string& url) {
  // URLENCODE: libcurl would otherwise put raw UTF-8 bytes on the request
  // line, which strict servers reject.
  auto u = parse(url, CURLU_URLENCODE);
  if (!u) return std::unexpected(u.error());
  UrlParts parts;
  parts.scheme = ascii_lower(get_part(u->get(), CURLUPART_SCHEME));
  parts.host = ascii_lower(get_part(u->get(), CURLUPART_HOST));
  if (!is_ascii(parts.host)) {
    auto ascii = to_punycode(parts.host, url);
    if (!ascii) return std::unexpected(ascii.error());
    parts.host = std::move(*ascii);
    curl_url_set(u->get(), CURLUPART_HOST, parts.host.c_str(), 0);
  }
  parts.url = get_part(u->get(), CURLUPART_URL);
  const std::string port = get_part(u->get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  parts.host_port = parts.host + (port.empty() ? "" : ":" + port);
  parts.origin = parts.scheme + "://" + parts.host_port;
  // libcurl normalizes an empty path to "/", so the path is never empty.
  parts.path_and_query = get_part(u->get(), CURLUPART_PATH);
  if (const std::string query = get_part(u->get(), CURLUPART_QUERY); !query.empty()) {
    parts.path_and_query.append(1, '?').append(query);
  }
  return parts;
}

Result<void> check_under_feed_directory(const std::string& url, const std::string& feed_url) {
  auto target = file_path(url);
  if (!target) return std::unexpected(target.error());
  auto feed = file_path(feed_url);
  if (!feed) return std::unexpected(feed.error());
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::canonical(feed->parent_path(), ec);
  if (ec) {
    return fail_permanently(Errc::refused,
                            "refused " + url + ": the directory of its feed " + feed_url + " cannot be resolved");
  }
  // weakly_canonical: a missing target still has its `..` and symlinked
  // parents resolved, and then fails as not found when read.
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(*target, ec);
  const auto [dir_end, inside_end] = std::ranges::mismatch(dir, resolved);
  if (ec || dir_end != dir.end() || inside_end == resolved.end()) {
    return fail_permanently(Errc::refused, "refused " + url + ": a file: link from a feed must stay inside " +
                                               dir.string() + ", the directory of " + feed_url);
  }
  return {};
}

Result<Response> read_file_url(const std::string& url, std::size_t max_body_bytes) {
  auto path = file_path(url);
  if (!path) return std::unexpected(path.error());

  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
  // writer forever. Nothing is read before fstat says it is a regular file.
  const int fd = ::open(path->c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return fail(Errc::not_found, "no such file: " + url);
    return fail(Errc::io, "cannot open " + path->string() + ": " + std::strerror(err));
  }
  const FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(Errc::io, "cannot stat " + path->string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fail_permanently(Errc::refused, "not a regular file, refused: " + url);
  const auto declared = static_cast<std::size_t>(st.st_size);
  if (declared > max_body_bytes) return fail_permanently(Errc::too_large, "file over the max_body_bytes limit: " + url);

  Response response;
  response.url = url;
  response.final_url = url;
  response.status = 200;
  response.body.reserve(declared);
  // Read to the end rather than trusting the size from fstat: the file may
  // have grown since.
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io, "read error on " + path->string() + ": " + std::strerror(errno));
    }
    response.body.append(chunk, static_cast<std::size_t>(n));
    if (response.body.size() > max_body_bytes) {
      return fail_permanently(Errc::too_large, "file over the max_body_bytes limit: " + url);
    }
  }
  return response;
}

}  // namespace newsd::fetch::detail

namespace newsd::fetch {

std::string politeness_key(const std::string& url) {
  auto parts = detail::split_url(url);
  if (!parts || parts->scheme == "file") return {};
  return parts->host_port;
}

}  // namespace newsd::fetch
