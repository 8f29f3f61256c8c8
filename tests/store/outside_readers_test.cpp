// Programs other than newsd reading its database: the real sqlite3 shell
// with the newsd_fts.so extension, a user who may not write the database
// directory, and a plain copy of the .db file.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "cli_run.hpp"

namespace newsd::store::testing {
namespace {

std::string sh_quote(const std::string& s) { return "'" + s + "'"; }

// The environment for a program that loads newsd_fts: the module is built
// with the sanitizers when the tests are, and their runtimes must then come
// first in the process.
std::string module_env() {
#ifdef NEWSD_SANITIZER_RUNTIMES
  return "LD_PRELOAD='" NEWSD_SANITIZER_RUNTIMES "' ASAN_OPTIONS=detect_leaks=0 ";
#else
  return "";
#endif
}

// newsd_fts.so without its suffix: SQLite finds it from its stem, as documented.
std::string module_stem() { return std::filesystem::path(NEWSD_FTS_MODULE).replace_extension().string(); }

// The sqlite3 shell with newsd_fts loaded.
Run sqlite3_shell(const std::filesystem::path& db, const std::string& sql) {
  const std::string module = module_stem();
  return run_command(module_env() + "sqlite3 -readonly -batch " + sh_quote(db.string()) + " -cmd " +
                     sh_quote(".load " + module) + " \"" + sql + "\"");
}

std::vector<std::int64_t> ids_in(const std::string& lines) {
  std::vector<std::int64_t> ids;
  std::size_t start = 0;
  while (start < lines.size()) {
    const auto end = lines.find('\n', start);
    const auto line = lines.substr(start, end - start);
    if (!line.empty()) ids.push_back(std::stoll(line));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::int64_t> search_ids(const std::string& args) {
  std::vector<std::int64_t> ids;
  for (const auto& line : json_lines(newsd("search --json " + args).out)) ids.push_back(line["id"].get<std::int64_t>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(CliTest, TheSqliteShellSearchesWithTheNewsdExtension) {
  // بالمغرب: the text holds والمغرب and the title المغرب; only the newsd
  // tokenizer's clitic stripping makes them one word.
  const auto shell = sqlite3_shell(db_path_, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'بالمغرب'");
  ASSERT_EQ(shell.status, 0) << shell.out;
  EXPECT_EQ(ids_in(shell.out), search_ids("بالمغرب " + db_arg_));
  EXPECT_EQ(ids_in(shell.out), std::vector<std::int64_t>{1});
  const auto french =
      sqlite3_shell(db_path_, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'cyberattaques'");
  EXPECT_EQ(ids_in(french.out), search_ids("cyberattaques " + db_arg_)) << french.out;
  // Without the extension the shell cannot read the index at all.
  const auto plain = run_command("sqlite3 -readonly " + sh_quote(db_path_.string()) +
                                 " \"SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'x'\"");
  EXPECT_NE(plain.out.find("no such tokenizer: newsd"), std::string::npos) << plain.out;
}

TEST_F(CliTest, PythonSearchesWithTheNewsdExtension) {
  // Debian's python3 (pyenv builds may lack extension loading).
  const std::string python = "/usr/bin/python3";
  if (run_command(python + " -c 'import sqlite3; sqlite3.Connection.enable_load_extension'").status != 0) {
    GTEST_SKIP() << python << " cannot load SQLite extensions";
  }
  const std::string script =
      "import sqlite3, sys\n"
      "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
      "db.enable_load_extension(True)\n"
      "db.load_extension(sys.argv[2])\n"
      "q = 'SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?'\n"
      "for (rowid,) in db.execute(q, (sys.argv[3],)): print(rowid)\n";
  std::ofstream(dir_ / "search.py") << script;
  const auto run = run_command(module_env() + python + " " + sh_quote((dir_ / "search.py").string()) + " " +
                               sh_quote(db_path_.string()) + " " + sh_quote(module_stem()) + " بالمغرب");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(ids_in(run.out), search_ids("بالمغرب " + db_arg_));
}

// Runs newsd as a user who cannot write `dir_`: `nobody` when the tests run
// as root (root ignores permissions), else the current user.
class ReadOnlyDirTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (::geteuid() == 0) {
      if (run_command("command -v setpriv").status != 0) GTEST_SKIP() << "running as root without setpriv";
      as_reader_ = "setpriv --reuid=nobody --regid=nogroup --clear-groups ";
    }
  }
  void TearDown() override {
    ::chmod(dir_.c_str(), 0755);
    CliTest::TearDown();
  }
  store::testing::Run reader_newsd(const std::string& args) {
    return run_command(as_reader_ + NEWSD_BINARY + " " + args);
  }
  std::string as_reader_;
};

TEST_F(ReadOnlyDirTest, ReadOnlyCommandsWorkWhenTheDirectoryIsNotWritable) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
  // The daemon is stopped: no -wal/-shm file, and none can be created.
  ASSERT_FALSE(std::filesystem::exists(db_path_.string() + "-shm"));
  auto search = reader_newsd("search --json المغرب " + db_arg_);
  ASSERT_EQ(search.status, 0) << search.out;
  EXPECT_EQ(json_lines(search.out).size(), 1u) << search.out;
  for (const char* command : {"show 1 ", "feeds ", "stats "}) {
    auto run = reader_newsd(command + db_arg_);
    EXPECT_EQ(run.status, 0) << command << run.out;
  }
  EXPECT_FALSE(std::filesystem::exists(db_path_.string() + "-shm"));
}

TEST_F(ReadOnlyDirTest, AReaderSharesTheWalOfARunningWriter) {
  Store writer = open_store();  // as the daemon would hold it: -wal and -shm exist
  const auto feed = add_feed(writer, "https://c.example/feed");
  write(writer, {article(feed, "https://c.example/3", "الرباط تستضيف القمة", "انعقدت القمة في الرباط.")});
  ASSERT_TRUE(std::filesystem::exists(db_path_.string() + "-wal"));
  ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
  auto search = reader_newsd("search --json الرباط " + db_arg_);
  ASSERT_EQ(search.status, 0) << search.out;
  EXPECT_EQ(json_lines(search.out).size(), 1u) << search.out;  // the commit still in the WAL is seen
}

TEST_F(CliTest, ACheckpointLeavesEveryArticleInTheDatabaseFile) {
  Store writer = open_store();
  Store reader = *Store::open_readonly(db_path_);  // keeps SQLite from checkpointing when the writer closes
  const auto feed = add_feed(writer, "https://c.example/feed");
  write(writer, {article(feed, "https://c.example/3", "الرباط تستضيف القمة", "انعقدت القمة في الرباط.")});
  ASSERT_TRUE(writer.checkpoint(WalCheckpoint::truncate).has_value());
  EXPECT_EQ(std::filesystem::file_size(db_path_.string() + "-wal"), 0u);
  const auto copy = dir_ / "copy.db";
  std::filesystem::copy_file(db_path_, copy);
  EXPECT_EQ(search_ids("--db " + sh_quote(copy.string())), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(StoreTest, AfterOnceTheDatabaseFileAloneHoldsEveryArticle) {
  const std::filesystem::path source = NEWSD_SOURCE_DIR;
  std::ofstream(dir_ / "newsd.toml") << "[classify]\ntaxonomy = \""
                                     << (source / "config/taxonomy/default.toml").string()
                                     << "\"\n[store]\npath = \"newsd.db\"\n[[feeds]]\nurl = \"file:"
                                     << (source / "samples/maghreb-defense.rss").string() << "\"\n";
  // A reader holding the database open (a search, Datasette) keeps SQLite
  // from checkpointing by itself when newsd closes it.
  open_store();
  Store reader = *Store::open_readonly(db_path_);
  auto once = newsd("once --config " + sh_quote((dir_ / "newsd.toml").string()));
  ASSERT_EQ(once.status, 0) << once.out;
  const auto stored = search_ids("--db " + sh_quote(db_path_.string()));
  ASSERT_EQ(stored.size(), 6u) << once.out;
  const auto copy = dir_ / "copy.db";
  std::filesystem::copy_file(db_path_, copy);  // the .db file without its -wal
  EXPECT_EQ(search_ids("--db " + sh_quote(copy.string())), stored);
}

}  // namespace
}  // namespace newsd::store::testing
