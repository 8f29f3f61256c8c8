#pragma once
// A real PostgreSQL 15 server for the tests that run against the PostgreSQL
// store: a cluster in a temp dir, listening only on 127.0.0.1 on a free
// port, started by the first test that asks for it and stopped when the
// test program ends (a GoogleTest global Environment). When the tests run
// as root (CI), initdb and postgres run as `nobody`, since PostgreSQL
// refuses to run as root; the cluster's directory is handed to that user.
//
// ctest runs every test in a process of its own, so the cluster is
// initdb'ed once per machine into a template directory (under a file lock)
// and each process copies it: a copy and a start take a fraction of a
// second, initdb two.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace newsd::testing {

class PgServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";
  static constexpr const char* kUser = "newsd";

  /// The server, started on first use; ADD_FAILURE and nullptr when it cannot start.
  static PgServer* get() {
    static std::unique_ptr<PgServer> server = start();
    started() = server != nullptr;
    return server.get();
  }
  /// Whether get() started a server in this process (the Environment stops it).
  static bool& started() {
    static bool value = false;
    return value;
  }

  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  ~PgServer() { stop(); }

  /// libpq URI of database `db` on this server.
  std::string url(const std::string& db) const {
    return "postgresql://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }

  /// A new, empty database named `name` (dropped first if it exists); its URI.
  std::string create_database(const std::string& name) {
    pqxx::connection admin(url("postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + tx.quote_name(name) +
            " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
            "LC_CTYPE 'C'");
    return url(name);
  }

  void drop_database(const std::string& name) {
    pqxx::connection admin(url("postgres"));
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + admin.quote_name(name) + " WITH (FORCE)");
  }

  void stop() {
    if (dir_.empty()) return;
    run(pg_ctl() + " stop -m fast -w >/dev/null 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }

 private:
  PgServer() = default;

  static std::string as_server_user(const std::string& command) {
    return ::geteuid() == 0 ? "runuser -u nobody -- " + command : command;
  }
  static int run(const std::string& command) { return std::system(command.c_str()); }

  std::string pg_ctl() const {
    return as_server_user(std::string(kBin) + "/pg_ctl -D '" + (dir_ / "data").string() + "'");
  }

  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  // The machine's initdb'ed cluster, made once: initdb into a scratch
  // directory, renamed into place when complete, under a lock so that
  // parallel test processes wait for the first one.
  static std::filesystem::path template_cluster() {
    const auto base = std::filesystem::temp_directory_path();
    const auto ready = base / ("newsd-pg15-template-" + std::to_string(::geteuid()));
    if (std::filesystem::exists(ready / "PG_VERSION")) return ready;
    const int lock = ::open((ready.string() + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lock < 0) return {};
    ::flock(lock, LOCK_EX);
    if (!std::filesystem::exists(ready / "PG_VERSION")) {
      const auto scratch = base / ("newsd-pg15-initdb-" + std::to_string(::getpid()));
      std::filesystem::remove_all(scratch);
      std::filesystem::create_directories(scratch);
      if (::geteuid() == 0) run("chown nobody '" + scratch.string() + "'");
      const int rc =
          run(as_server_user(std::string(kBin) + "/initdb -D '" + (scratch / "data").string() + "' -U " + kUser +
                             " -A trust -E UTF8 --locale=C --no-sync --no-instructions "
                             ">/dev/null 2>&1"));
      if (rc == 0) std::filesystem::rename(scratch / "data", ready);
      std::filesystem::remove_all(scratch);
    }
    ::close(lock);
    return std::filesystem::exists(ready / "PG_VERSION") ? ready : std::filesystem::path{};
  }

  static std::unique_ptr<PgServer> start() {
    if (!std::filesystem::exists(std::string(kBin) + "/postgres")) {
      ADD_FAILURE() << "PostgreSQL 15 is not installed (scripts/install-deps.sh installs postgresql-15)";
      return nullptr;
    }
    const auto cluster = template_cluster();
    if (cluster.empty()) {
      ADD_FAILURE() << "initdb failed";
      return nullptr;
    }
    std::unique_ptr<PgServer> server(new PgServer);
    server->dir_ = std::filesystem::temp_directory_path() / ("newsd-pg-" + std::to_string(::getpid()));
    std::filesystem::remove_all(server->dir_);
    std::filesystem::create_directories(server->dir_);
    run("cp -a '" + cluster.string() + "' '" + (server->dir_ / "data").string() + "'");
    if (::geteuid() == 0) run("chown -R nobody '" + server->dir_.string() + "'");
    // The port is free when chosen and taken a moment later: another
    // process may get it in between, so a failed start tries another one.
    for (int attempt = 0; attempt < 5; ++attempt) {
      server->port_ = free_port();
      // Durability off: a test cluster is thrown away, and fsync would make
      // every commit wait for the disk under a loaded CI machine.
      const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(server->port_) + " -k '" +
                                  server->dir_.string() +
                                  "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                                  "-c shared_buffers=16MB -c max_connections=40";
      if (run(server->pg_ctl() + " -o \"" + options + "\" -l '" + (server->dir_ / "log").string() +
              "' -w -t 60 start >/dev/null 2>&1") == 0) {
        return server;
      }
    }
    ADD_FAILURE() << "PostgreSQL did not start; see " << (server->dir_ / "log");
    server->dir_.clear();  // keep the log for the failure message
    return nullptr;
  }

  std::filesystem::path dir_;
  int port_ = 0;
};

/// Stops the server at the end of the test program, if a test started it.
class PgServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (PgServer::started()) PgServer::get()->stop();
  }
};

inline ::testing::Environment* const kPgServerEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgServerEnvironment);

}  // namespace newsd::testing
