#include "newsd/fetch/fetcher.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "newsd/fetch/io_loop.hpp"

namespace newsd::fetch {

using namespace std::chrono_literals;

namespace {

constexpr auto kPollSlice = 100ms;  // cancelled() is checked at least this often

/// Results handed from the I/O thread to the thread inside `fetch`, so that
/// `done` runs where the caller expects it and may take its time.
struct Mailbox {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::pair<std::size_t, Result<Response>>> results;
};

}  // namespace

struct Fetcher::Impl {
  explicit Impl(const config::FetchConfig& cfg) : loop(cfg) {}
  IoLoop loop;
};

Fetcher::Fetcher(const config::FetchConfig& cfg) : impl_(std::make_unique<Impl>(cfg)) {}

Fetcher::~Fetcher() = default;

void Fetcher::fetch(std::span<const Request> requests, const Completion& done, const std::function<bool()>& cancelled) {
  // Shared: if `done` throws, fetch returns while the loop still holds the
  // callbacks of the requests not yet completed.
  auto mailbox = std::make_shared<Mailbox>();
  std::vector<std::pair<Request, IoLoop::Callback>> batch;
  batch.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    batch.emplace_back(requests[i], [mailbox, i](Result<Response> result) {
      {
        std::lock_guard lock(mailbox->mutex);
        mailbox->results.emplace_back(i, std::move(result));
      }
      mailbox->ready.notify_one();
    });
  }
  impl_->loop.submit_all(std::move(batch));

  bool cancel_sent = false;
  for (std::size_t remaining = requests.size(); remaining > 0;) {
    std::deque<std::pair<std::size_t, Result<Response>>> arrived;
    {
      std::unique_lock lock(mailbox->mutex);
      mailbox->ready.wait_for(lock, kPollSlice, [&] { return !mailbox->results.empty(); });
      arrived.swap(mailbox->results);
    }
    for (auto& [index, result] : arrived) {
      --remaining;
      done(index, std::move(result));
    }
    if (!cancel_sent && remaining > 0 && cancelled && cancelled()) {
      // The loop belongs to this Fetcher, so cancelling all of it cancels
      // exactly this call's requests.
      impl_->loop.cancel_all();
      cancel_sent = true;
    }
  }
}

std::vector<Result<Response>> Fetcher::fetch_all(std::span<const Request> requests) {
  std::vector<std::optional<Result<Response>>> slots(requests.size());
  fetch(requests, [&](std::size_t index, Result<Response> result) { slots[index] = std::move(result); });
  std::vector<Result<Response>> out;
  out.reserve(slots.size());
  for (auto& slot : slots) out.push_back(slot ? std::move(*slot) : fail(Errc::internal, "request never completed"));
  return out;
}

FetchStats Fetcher::stats() const { return impl_->loop.stats(); }

void Fetcher::set_resolve_overrides(std::vector<std::string> entries) {
  impl_->loop.set_resolve_overrides(std::move(entries));
}

void Fetcher::reconfigure(const config::FetchConfig& cfg) { impl_->loop.reconfigure(cfg); }

}  // namespace newsd::fetch
