#include "newsd/base/error.hpp"

namespace newsd {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::io: return "io";
    case Errc::parse: return "parse";
    case Errc::encoding: return "encoding";
    case Errc::network: return "network";
    case Errc::http_status: return "http_status";
    case Errc::too_large: return "too_large";
    case Errc::timeout: return "timeout";
    case Errc::database: return "database";
    case Errc::config: return "config";
    case Errc::not_found: return "not_found";
    case Errc::unsupported: return "unsupported";
    case Errc::internal: return "internal";
    case Errc::locked: return "locked";
    case Errc::dns: return "dns";
    case Errc::connect: return "connect";
    case Errc::tls: return "tls";
    case Errc::robots: return "robots";
    case Errc::refused: return "refused";
    case Errc::blocked: return "blocked";
  }
  return "internal";
}

std::string Error::describe() const {
  std::string out(to_string(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace newsd
