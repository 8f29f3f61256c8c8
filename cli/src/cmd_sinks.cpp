// `newsd sinks`: each sink's cursor, lag, deliveries, last error and dead
// letters, read from the database (so it works beside the daemon and
// without it); `newsd sinks retry NAME` asks the daemon's drain loop to
// try that sink's dead letters again.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "cmd_query_common.hpp"
#include "commands.hpp"
#include "newsd/service/http_json.hpp"
#include "newsd/store/outbox.hpp"

namespace newsd::cli {
namespace {

using nlohmann::json;

// The outbox connection reads and, for `retry`, writes one column; it
// takes no writer lock (store/outbox.hpp).
std::optional<store::Outbox> open_outbox(const query::DbOptions& db, std::string_view command, CommandContext& ctx) {
  auto store_cfg = query::resolve_store(db, ctx);
  if (!store_cfg) return std::nullopt;
  auto outbox = store::Outbox::open(*store_cfg);
  if (!outbox) {
    std::cerr << "newsd " << command << ": " << outbox.error().message << '\n';
    ctx.exit_code = 1;
    return std::nullopt;
  }
  return std::move(*outbox);
}

json sink_json(const store::SinkProgress& s, const std::vector<store::DeadLetter>& letters) {
  json dead = json::array();
  for (const auto& d : letters) {
    dead.push_back({{"article_id", d.article_id},
                    {"attempts", d.attempts},
                    {"error", d.error},
                    {"failed_at", service::time_json(d.failed_at)},
                    {"retry_requested", d.retry_requested}});
  }
  return {{"name", s.name},
          {"cursor", s.cursor},
          {"lag", s.lag},
          {"delivered", s.delivered},
          {"missed", s.missed},
          {"last_error", s.last_error.empty() ? json(nullptr) : json(s.last_error)},
          {"last_error_at", service::time_json(s.last_error_at)},
          {"last_delivered_at", service::time_json(s.last_delivered_at)},
          {"dead_letters", dead}};
}

void print_sink(const store::SinkProgress& s, const std::vector<store::DeadLetter>& letters) {
  std::cout << fmt::format("{:<20}  {:>8}  {:>6}  {:>9}  {:>6}  {:>4}  {}\n", s.name, s.cursor, s.lag, s.delivered,
                           s.missed, letters.size(),
                           s.last_delivered_at ? query::short_time(s.last_delivered_at) : "never");
  if (!s.last_error.empty()) {
    std::cout << "      last error (" << query::short_time(s.last_error_at) << "): " << query::clip(s.last_error, 200)
              << '\n';
  }
  for (const auto& d : letters) {
    std::cout << "      dead letter: article " << d.article_id << ", " << d.attempts << " attempts, "
              << query::short_time(d.failed_at) << (d.retry_requested ? ", retry requested" : "") << ": "
              << query::clip(d.error, 160) << '\n';
  }
}

void list_sinks(store::Outbox& outbox, bool as_json, CommandContext& ctx) {
  auto status = outbox.status();
  if (!status) {
    std::cerr << "newsd sinks: " << status.error().message << '\n';
    ctx.exit_code = 1;
    return;
  }
  if (!as_json) {
    std::cout << fmt::format("{:<20}  {:>8}  {:>6}  {:>9}  {:>6}  {:>4}  {}\n", "SINK", "CURSOR", "LAG", "DELIVERED",
                             "MISSED", "DEAD", "LAST DELIVERY");
  }
  json sinks = json::array();
  for (const auto& s : status->sinks) {
    auto letters = outbox.dead_letters(s.name);
    if (!letters) {
      std::cerr << "newsd sinks: " << letters.error().message << '\n';
      ctx.exit_code = 1;
      return;
    }
    if (as_json)
      sinks.push_back(sink_json(s, *letters));
    else
      print_sink(s, *letters);
  }
  if (as_json) {
    json out = {{"outbox", {{"rows", status->rows}, {"last_seq", status->last_seq}, {"dropped", status->dropped}}},
                {"sinks", sinks}};
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  std::cout << "outbox: " << status->rows << " rows waiting, newest seq " << status->last_seq << ", " << status->dropped
            << " dropped by [outbox] max_rows\n";
}

void add_retry_command(CLI::App& sinks, CommandContext& ctx) {
  struct Options {
    query::DbOptions db;
    std::string name;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = sinks.add_subcommand("retry", "Send a sink's dead letters again (the running daemon picks them up)");
  cmd->add_option("name", o->name, "The sink's name, as in [[sinks]]")->required();
  query::add_db_options(*cmd, o->db);
  cmd->callback([o, &ctx] {
    setup_logging("warn");
    auto outbox = open_outbox(o->db, "sinks retry", ctx);
    if (!outbox) return;
    auto queued = outbox->request_retry(o->name);
    if (!queued) {
      std::cerr << "newsd sinks retry: " << queued.error().message << '\n';
      ctx.exit_code = queued.error().code == Errc::not_found ? 2 : 1;
      return;
    }
    std::cout << *queued << " dead letter(s) of " << o->name
              << " queued for another round of attempts; `newsd sinks` shows what became of them\n";
  });
}

}  // namespace

void add_sinks_command(CLI::App& app, CommandContext& ctx) {
  struct Options {
    query::DbOptions db;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("sinks", "List the sinks of new articles: cursor, lag, deliveries, last error, dead letters");
  cmd->add_flag("--json", o->json, "One JSON object: the outbox and every sink");
  query::add_db_options(*cmd, o->db);
  add_retry_command(*cmd, ctx);
  cmd->callback([o, cmd, &ctx] {
    if (!cmd->get_subcommands().empty()) return;  // `sinks retry` did the work
    setup_logging("warn");
    auto outbox = open_outbox(o->db, "sinks", ctx);
    if (!outbox) return;
    list_sinks(*outbox, o->json, ctx);
  });
}

}  // namespace newsd::cli
