#include "cli_common.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <iostream>

#include "newsd/base/log.hpp"
#include "newsd/classify/model.hpp"
#include "newsd/parse/html_select.hpp"

namespace newsd::cli {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("newsd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern(std::getenv("JOURNAL_STREAM") ? "%l %v" : "%Y-%m-%dT%H:%M:%S.%e %l %v");
  if (!log::set_level(level)) log::set_level("info");
}

std::optional<config::Config> load_config_or_report(const std::filesystem::path& path,
                                                    const config::LoadOptions& options) {
  auto cfg = config::load_config(path, options);
  if (!cfg) {
    std::cerr << cfg.error().message << '\n';
    return std::nullopt;
  }
  return std::move(*cfg);
}

config::LoadOptions strict_load_options() {
  config::LoadOptions options;
  options.check_selector = [](std::string_view selector) -> std::string {
    auto parsed = parse::parse_selector(selector);
    return parsed ? std::string() : parsed.error().message;
  };
  options.check_model = [](const std::filesystem::path& model) -> std::string {
    auto loaded = classify::Model::load(model);
    return loaded ? std::string() : loaded.error().message;
  };
  return options;
}

std::filesystem::path default_config_path() {
  if (const char* env = std::getenv("NEWSD_CONFIG"); env && *env) return env;
  if (std::filesystem::exists("/etc/newsd/newsd.toml")) return "/etc/newsd/newsd.toml";
  return "config/newsd.toml";
}

}  // namespace newsd::cli
