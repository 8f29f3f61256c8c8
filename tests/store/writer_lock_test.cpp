// One writer per database: Store::open holds an advisory lock that a second
// writer, in another process or this one, cannot take; readers never need it.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "child_process.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(StoreTest, SecondWriterProcessIsToldWhoHoldsTheDatabaseUntilTheHolderIsKilled) {
  {
    Store create = open_store();  // the file exists before the child opens it
  }
  const std::filesystem::path db = db_path_;
  HoldingChild holder([&db] {
    auto store = Store::open(db, config::StoreConfig{});
    return std::make_pair(store ? std::string() : store.error().describe(),
                          store ? std::make_optional(std::move(*store)) : std::nullopt);
  });
  ASSERT_EQ(holder.report(), "");

  auto second = Store::open(db_path_, config::StoreConfig{});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, Errc::locked);
  EXPECT_THAT(second.error().message,
              HasSubstr(db_path_.string() + " is in use by pid " + std::to_string(holder.pid()) + " ("));
  EXPECT_THAT(second.error().message, HasSubstr(" since 20"));

  auto reader = Store::open_readonly(db_path_);
  ASSERT_TRUE(reader.has_value()) << reader.error().describe();
  EXPECT_TRUE(reader->counts().has_value());

  holder.kill();
  // The holder's lock file is still there, naming a dead process: the lock,
  // not the file, decides.
  EXPECT_TRUE(std::filesystem::exists(db_path_.string() + ".lock"));
  auto after = Store::open(db_path_, config::StoreConfig{});
  ASSERT_TRUE(after.has_value()) << after.error().describe();
  EXPECT_TRUE(after->ensure_feed("https://example.com/feed.xml", "").has_value());
}

TEST_F(StoreTest, SecondWriterInTheSameProcessIsLockedOutUntilTheFirstIsDestroyed) {
  std::optional<Store> first(open_store());
  auto second = Store::open(db_path_, config::StoreConfig{});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, Errc::locked);
  EXPECT_THAT(second.error().message, HasSubstr("pid " + std::to_string(::getpid())));

  // A move hands the lock over: the moved-from Store releases nothing.
  Store moved = std::move(*first);
  first.reset();
  auto third = Store::open(db_path_, config::StoreConfig{});
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().code, Errc::locked);

  auto elsewhere = Store::open(dir_ / "other.db", config::StoreConfig{});
  ASSERT_TRUE(elsewhere.has_value()) << elsewhere.error().describe();
  Store assigned = std::move(*elsewhere);
  assigned = std::move(moved);  // takes this database's lock along, releases other.db's
  auto fourth = Store::open(db_path_, config::StoreConfig{});
  ASSERT_FALSE(fourth.has_value());
  EXPECT_EQ(fourth.error().code, Errc::locked);
  EXPECT_TRUE(Store::open(dir_ / "other.db", config::StoreConfig{}).has_value());

  { Store last = std::move(assigned); }
  auto reopened = Store::open(db_path_, config::StoreConfig{});
  EXPECT_TRUE(reopened.has_value()) << reopened.error().describe();
}

TEST_F(StoreTest, WriterLockHolderNamesTheWriterOnlyWhileItHoldsTheLock) {
  EXPECT_FALSE(writer_lock_holder(db_path_).has_value()) << "no lock file yet";
  {
    Store writer = open_store();
    const auto holder = writer_lock_holder(db_path_);
    ASSERT_TRUE(holder.has_value());
    EXPECT_EQ(holder->pid, ::getpid());
    EXPECT_EQ(holder->program, program_invocation_short_name);
    EXPECT_TRUE(holder->on_this_host);
    EXPECT_FALSE(holder->host.empty());
  }
  // The record of the writer that just closed is still in the file.
  EXPECT_TRUE(std::filesystem::exists(db_path_.string() + ".lock"));
  EXPECT_FALSE(writer_lock_holder(db_path_).has_value());
}

// Someone holds the lock with `record` in the lock file (a fixture under
// tests/data/store/lock_records/): what writer_lock_holder() makes of it.
class HeldLockRecord : public StoreTest {
 protected:
  WriterLockHolder holder_with(const std::string& fixture) {
    const auto lock = db_path_.string() + ".lock";
    std::filesystem::copy_file(std::filesystem::path(NEWSD_SOURCE_DIR) / "tests/data/store/lock_records" / fixture,
                               lock, std::filesystem::copy_options::overwrite_existing);
    fd_ = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::flock(fd_, LOCK_EX | LOCK_NB), 0);
    auto holder = writer_lock_holder(db_path_);
    EXPECT_TRUE(holder.has_value()) << "the lock is held";
    return holder.value_or(WriterLockHolder{});
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    StoreTest::TearDown();
  }
  int fd_ = -1;
};

TEST_F(HeldLockRecord, APidThatIsNotANumberIsNoPid) {
  const auto h = holder_with("pid_not_a_number.lock");
  EXPECT_EQ(h.pid, 0);
  EXPECT_EQ(h.program, "newsd");
  EXPECT_FALSE(h.on_this_host) << "a record without a host is not this host's";
}

TEST_F(HeldLockRecord, AHolderOnAnotherHostIsNotSignallable) {
  const auto h = holder_with("other_host.lock");
  EXPECT_EQ(h.pid, 4242);
  EXPECT_EQ(h.host, "another-machine.invalid");
  EXPECT_FALSE(h.on_this_host);
}

TEST_F(HeldLockRecord, ANegativePidAndKilobytesOfGarbageGiveNoPid) {
  const auto h = holder_with("negative_pid_long_garbage.lock");
  EXPECT_EQ(h.pid, 0);
  EXPECT_FALSE(h.on_this_host);
}

}  // namespace
}  // namespace newsd::store::testing
