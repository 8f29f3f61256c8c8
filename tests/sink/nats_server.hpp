#pragma once
// A real nats-server with JetStream on 127.0.0.1, started by the test on a
// free port with its store in a temp dir, and a libnats JetStream client
// that reads what the sinks published.
#include <arpa/inet.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "service/process.hpp"

namespace newsd::sink::testing {

/// nats-server from $PATH, else Debian's /usr/sbin (not on a user's PATH).
inline std::filesystem::path nats_server_binary() {
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    for (std::size_t start = 0; start <= dirs.size();) {
      const auto end = std::min(dirs.find(':', start), dirs.size());
      const auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / "nats-server";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  for (const char* dir : {"/usr/sbin", "/usr/local/sbin", "/usr/local/bin"}) {
    const auto candidate = std::filesystem::path(dir) / "nats-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("nats-server not found (scripts/install-deps.sh installs it)");
}

/// A loopback port nobody listens on right now.
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return open;
}

/// `nats-server -js -a 127.0.0.1 -p PORT -sd DIR`; start() and stop() may be
/// repeated (same port, same store: a restart keeps the stream).
class NatsServer {
 public:
  explicit NatsServer(std::filesystem::path dir) : dir_(std::move(dir)), port_(free_port()) { start(); }
  ~NatsServer() { stop(); }

  void start() {
    ++runs_;
    process_ = std::make_unique<newsd::testing::Process>(
        std::vector<std::string>{nats_server_binary().string(), "-js", "-a", "127.0.0.1", "-p", std::to_string(port_),
                                 "-sd", (dir_ / "jetstream").string()},
        dir_ / ("nats-" + std::to_string(runs_)));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (!port_open(port_)) {
      if (std::chrono::steady_clock::now() > deadline || !process_->running())
        throw std::runtime_error("nats-server did not start: " + process_->stderr_text());
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  }
  void stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds{10});
    process_.reset();
  }
  [[nodiscard]] std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  std::filesystem::path dir_;
  int port_;
  int runs_ = 0;
  std::unique_ptr<newsd::testing::Process> process_;
};

/// A durable pull consumer on `subjects` of `stream`: each fetched message
/// is acked, so a message is received once unless the stream holds it twice.
class JetStreamReader {
 public:
  JetStreamReader(const std::string& url, const std::string& stream, const std::string& subjects) {
    if (natsConnection_ConnectTo(&nc_, url.c_str()) != NATS_OK) throw std::runtime_error("cannot connect to " + url);
    if (natsConnection_JetStream(&js_, nc_, nullptr) != NATS_OK) throw std::runtime_error("no JetStream context");
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    jsErrCode code{};
    if (js_PullSubscribe(&sub_, js_, subjects.c_str(), "newsd-test", nullptr, &so, &code) != NATS_OK)
      throw std::runtime_error(std::string("cannot subscribe: ") + nats_GetLastError(nullptr));
  }
  ~JetStreamReader() {
    natsSubscription_Destroy(sub_);
    jsCtx_Destroy(js_);
    natsConnection_Destroy(nc_);
  }

  struct Message {
    std::string subject;
    std::string msg_id;  ///< the Nats-Msg-Id header
    std::string body;
  };

  /// Everything available now (waits up to `wait` for each batch).
  std::vector<Message> fetch_all(std::chrono::milliseconds wait = std::chrono::milliseconds{500}) {
    std::vector<Message> out;
    while (true) {
      natsMsgList list{};
      jsErrCode code{};
      if (natsSubscription_Fetch(&list, sub_, 100, wait.count(), &code) != NATS_OK) break;
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        const char* id = nullptr;
        natsMsgHeader_Get(m, "Nats-Msg-Id", &id);
        out.push_back({natsMsg_GetSubject(m), id ? id : "",
                       std::string(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m)))});
        natsMsg_Ack(m, nullptr);
      }
      natsMsgList_Destroy(&list);
    }
    return out;
  }

 private:
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  natsSubscription* sub_ = nullptr;
};

}  // namespace newsd::sink::testing
