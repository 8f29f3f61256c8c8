#include "newsd/sink/drain.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "newsd/base/log.hpp"
#include "newsd/base/thread_name.hpp"
#include "newsd/store/outbox.hpp"

namespace newsd::sink {
namespace {

using std::chrono::seconds;

constexpr int kReadBatch = 100;

store::TimePoint now_s() { return std::chrono::time_point_cast<seconds>(std::chrono::system_clock::now()); }

}  // namespace

seconds backoff_delay(int failures, seconds first, seconds max) {
  if (failures <= 1) return std::min(first, max);
  seconds delay = first;
  for (int i = 1; i < failures && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

struct Drain::Impl {
  config::SinkConfig cfg;
  std::unique_ptr<Sink> sink;
  store::Outbox outbox;
  store::Store reader;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::atomic<std::int64_t> lag{0};
  std::atomic<bool> failing{false};
  bool told_elsewhere = false;  ///< sink.claimed_elsewhere logged since this drain last held the claim
  std::thread thread;

  Impl(config::SinkConfig c, std::unique_ptr<Sink> s, store::Outbox o, store::Store r)
      : cfg(std::move(c)), sink(std::move(s)), outbox(std::move(o)), reader(std::move(r)) {}

  // Waits `d`, or less if stop is requested; true when stopping.
  bool wait(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return wake.wait_for(lock, d, [this] { return stopping; });
  }
  bool stop_requested() {
    std::lock_guard lock(mutex);
    return stopping;
  }

  enum class Outcome { delivered, dead_lettered, skipped, stopped };

  // Tries one article until it is delivered, given up (webhooks: a dead
  // letter after max_attempts) or the drain stops. `max_attempts` = 0:
  // never give up.
  Outcome deliver(std::int64_t article_id, int max_attempts) {
    for (int attempt = 1;; ++attempt) {
      auto view = reader.article(article_id);
      Result<void> sent = view ? Result<void>{} : std::unexpected(view.error());
      if (view && !*view) {
        log::warn("sink.article_gone", {{"sink", cfg.name}, {"article", article_id}});
        return Outcome::skipped;
      }
      if (view) sent = sink->deliver(make_delivery(**view));
      if (sent) {
        failing = false;
        return Outcome::delivered;
      }
      failing = true;
      const std::string error = sent.error().describe();
      log::warn("sink.delivery_failed",
                {{"sink", cfg.name}, {"article", article_id}, {"attempt", attempt}, {"error", error}});
      (void)outbox.record_error(cfg.name, error, now_s());
      if (max_attempts > 0 && attempt >= max_attempts) {
        store::DeadLetter letter{cfg.name, article_id, attempt, error, now_s(), false};
        if (auto filed = outbox.add_dead_letter(letter); !filed) {
          log::error("sink.dead_letter_failed", {{"sink", cfg.name}, {"error", filed.error().describe()}});
          if (wait(std::chrono::seconds{1})) return Outcome::stopped;
          continue;  // keep the article rather than lose it
        }
        log::error("sink.dead_letter", {{"sink", cfg.name}, {"article", article_id}, {"attempts", attempt}});
        return Outcome::dead_lettered;
      }
      if (wait(backoff_delay(attempt, cfg.retry_backoff, cfg.max_backoff))) return Outcome::stopped;
    }
  }

  [[nodiscard]] int attempts_before_dead_letter() const {
    return cfg.type == config::SinkType::webhook ? cfg.max_attempts : 0;
  }

  // Dead letters `newsd sinks retry` asked for: one more round of attempts each.
  void retry_dead_letters() {
    auto letters = outbox.dead_letters(cfg.name, true);
    if (!letters) return;
    for (const auto& letter : *letters) {
      const Outcome outcome = deliver(letter.article_id, attempts_before_dead_letter());
      if (outcome == Outcome::stopped) return;
      if (outcome != Outcome::dead_lettered) (void)outbox.remove_dead_letter(cfg.name, letter.article_id);
      if (outcome == Outcome::delivered) (void)outbox.advance(cfg.name, 0, 1, 0, now_s());
    }
  }

  // Takes (or keeps) the claim on this sink. `claimed` says whether the
  // drain may deliver: false while another process holds the sink (it
  // delivers meanwhile) or the cursor could not be read. Returns the cursor
  // to go on from when it was (re)read: the claim is fresh, or the last
  // read failed.
  std::optional<std::int64_t> reclaim(bool& claimed) {
    auto fresh = outbox.claim(cfg.name);
    if (!fresh) {
      const bool elsewhere = fresh.error().code == Errc::locked;
      if (!elsewhere) {
        log::warn("sink.claim_failed", {{"sink", cfg.name}, {"error", fresh.error().describe()}});
      } else if (!told_elsewhere) {
        log::info("sink.claimed_elsewhere", {{"sink", cfg.name}});
        told_elsewhere = true;
      }
      claimed = false;
      return std::nullopt;
    }
    if (claimed && !*fresh) return std::nullopt;
    auto cursor = outbox.cursor(cfg.name);
    if (!cursor) {
      log::error("sink.cursor_failed", {{"sink", cfg.name}, {"error", cursor.error().describe()}});
      claimed = false;
      return std::nullopt;
    }
    claimed = true;
    told_elsewhere = false;
    log::info("sink.started", {{"sink", cfg.name}, {"type", config::to_string(cfg.type)}, {"cursor", *cursor}});
    return *cursor;
  }

  void run() {
    name_this_thread("newsd-sink");
    std::int64_t at = 0;
    bool claimed = false;
    while (!stop_requested()) {
      // Claimed before every batch: the claim is lost with the connection,
      // and whoever held it meanwhile may have moved the cursor on.
      // Delivery stays at least once: an article sent but whose cursor
      // update did not land (a crash, a lost connection) is sent again by
      // the next claimant, and during the moment a lost connection takes to
      // be noticed two drains can each have one article in flight. The
      // article id, every message's idempotency key, drops those repeats.
      if (auto from = reclaim(claimed)) at = *from;
      if (!claimed) {
        if (wait(std::chrono::seconds{1})) return;
        continue;
      }
      retry_dead_letters();
      auto rows = outbox.read_after(at, kReadBatch);
      if (!rows) {
        log::warn("sink.outbox_read_failed", {{"sink", cfg.name}, {"error", rows.error().describe()}});
        if (wait(std::chrono::seconds{1})) return;
        continue;
      }
      if (auto last = outbox.last_seq(); last) lag = *last - at;
      if (rows->empty()) {
        if (wait(kIdlePoll)) return;
        continue;
      }
      // Rows after a cursor are only ever deleted by the outbox bound.
      std::int64_t missed = rows->front().seq - at - 1;
      if (missed > 0) log::warn("sink.missed", {{"sink", cfg.name}, {"rows", missed}});
      for (const auto& row : *rows) {
        const Outcome outcome = deliver(row.article_id, attempts_before_dead_letter());
        if (outcome == Outcome::stopped) return;
        auto moved = outbox.advance(cfg.name, row.seq, outcome == Outcome::delivered ? 1 : 0, missed, now_s());
        if (!moved) {
          // The article went out but the cursor did not move: it is sent
          // again after a restart, and its id lets the receiver drop it.
          log::error("sink.cursor_failed", {{"sink", cfg.name}, {"error", moved.error().describe()}});
        }
        missed = 0;
        at = row.seq;
        if (auto last = outbox.last_seq(); last) lag = *last - at;
      }
      if (auto trimmed = outbox.trim(); !trimmed) {
        log::warn("sink.trim_failed", {{"sink", cfg.name}, {"error", trimmed.error().describe()}});
      }
    }
  }
};

Drain::Drain(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<Drain>> Drain::start(const config::SinkConfig& cfg, const config::StoreConfig& store,
                                            std::unique_ptr<Sink> sink) {
  auto outbox = store::Outbox::open(store);
  if (!outbox) return std::unexpected(outbox.error());
  auto reader = store::Store::open_readonly(store);
  if (!reader) return std::unexpected(reader.error());
  auto impl = std::make_unique<Impl>(cfg, std::move(sink), std::move(*outbox), std::move(*reader));
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<Drain>(new Drain(std::move(impl)));
}

Drain::~Drain() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  log::info("sink.stopped", {{"sink", impl_->cfg.name}});
}

const config::SinkConfig& Drain::config() const { return impl_->cfg; }
std::int64_t Drain::lag() const { return impl_->lag; }
bool Drain::failing() const { return impl_->failing; }

Result<std::unique_ptr<SinkRunner>> SinkRunner::start(const config::Config& cfg) {
  auto runner = std::unique_ptr<SinkRunner>(new SinkRunner(cfg.store));
  if (auto ok = runner->reconfigure(cfg); !ok) return std::unexpected(ok.error());
  return runner;
}

void SinkRunner::start_drain(const config::SinkConfig& cfg) {
  auto sink = make_sink(cfg);
  if (!sink) {
    log::error("sink.start_failed", {{"sink", cfg.name}, {"error", sink.error().describe()}});
    return;
  }
  auto drain = Drain::start(cfg, store_, std::move(*sink));
  if (!drain) {
    log::error("sink.start_failed", {{"sink", cfg.name}, {"error", drain.error().describe()}});
    return;
  }
  drains_[cfg.name] = std::move(*drain);
}

Result<void> SinkRunner::reconfigure(const config::Config& cfg) {
  // Register first: a new sink's cursor starts after the newest row, and
  // the writer appends for it from its next batch on.
  std::vector<std::string> names;
  for (const auto& s : cfg.sinks) names.push_back(s.name);
  auto outbox = store::Outbox::open(store_);
  if (!outbox) return std::unexpected(outbox.error());
  if (auto ok = outbox->register_sinks(names); !ok) return ok;
  for (auto it = drains_.begin(); it != drains_.end();) {
    const auto wanted = std::ranges::find(cfg.sinks, it->first, &config::SinkConfig::name);
    if (wanted == cfg.sinks.end() || !(*wanted == it->second->config()))
      it = drains_.erase(it);
    else
      ++it;
  }
  for (const auto& s : cfg.sinks) {
    if (!drains_.contains(s.name)) start_drain(s);
  }
  return {};
}

SinksStatus SinkRunner::status() const {
  SinksStatus s;
  for (const auto& [name, drain] : drains_) {
    ++s.sinks;
    if (drain->failing()) ++s.failing;
    s.max_lag = std::max(s.max_lag, drain->lag());
  }
  return s;
}

}  // namespace newsd::sink
