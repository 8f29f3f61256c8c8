// The .deb an administrator installs: built by cpack from this build tree,
// unpacked with dpkg-deb into a temporary root, and its own newsd run on its
// own config and data (found beside the binary, bin/../share/newsd).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "packaging/shell.hpp"
#include "support/daemon_test_util.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;

// The package the `packaging.build_deb` ctest fixture built (run directly,
// the test builds it if it is missing), unpacked once for this file's tests.
class Package : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_tool("dpkg-deb") || !have_tool("dpkg-shlibdeps")) return;  // each test skips
    dir_ = new TempDir("newsd-deb");
    deb_ = find_deb();
    if (deb_.empty()) {
      built_ = new Ran(run_shell("cd " + shell_quote(NEWSD_BUILD_DIR) + " && " + shell_quote(NEWSD_CPACK) +
                                 " -G DEB -B " + shell_quote(NEWSD_DEB_DIR)));
      deb_ = find_deb();
    }
    root_ = dir_->path() / "root";
    if (!deb_.empty()) run_shell("dpkg-deb -x " + shell_quote(deb_.string()) + " " + shell_quote(root_.string()));
  }
  static fs::path find_deb() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(NEWSD_DEB_DIR, ec)) {
      if (entry.path().extension() == ".deb") return entry.path();
    }
    return {};
  }
  static void TearDownTestSuite() {
    delete built_;
    delete dir_;
    built_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (dir_ == nullptr) GTEST_SKIP() << "dpkg-dev not installed";
    ASSERT_FALSE(deb_.empty()) << (built_ != nullptr ? built_->output : "no .deb in " NEWSD_DEB_DIR);
  }

  static Ran installed_newsd(const std::string& args) {
    // No NEWSD_TAXONOMY: the taxonomy must come from the unpacked root.
    return run_shell("env -u NEWSD_TAXONOMY -u NEWSD_CONFIG " + shell_quote((root_ / "usr/bin/newsd").string()) + " " +
                     args);
  }

  static inline TempDir* dir_ = nullptr;
  static inline Ran* built_ = nullptr;
  static inline fs::path deb_;
  static inline fs::path root_;
};

TEST_F(Package, IsNamedForDebianAndDeclaresItsLibraries) {
  EXPECT_TRUE(deb_.filename().string().starts_with("newsd_0.1.0_")) << deb_;
  const Ran field = run_shell("dpkg-deb -f " + shell_quote(deb_.string()) + " Depends");
  ASSERT_EQ(field.exit_code, 0) << field.output;
  // dpkg-shlibdeps found the shared libraries the binary links.
  for (const char* lib : {"libcurl", "libsqlite3", "libicu", "libsystemd"})
    EXPECT_NE(field.output.find(lib), std::string::npos) << lib << " in " << field.output;
}

TEST_F(Package, PutsEveryFileInItsStandardPlace) {
  for (const char* file :
       {"usr/bin/newsd", "usr/lib/systemd/system/newsd.service", "usr/lib/sysusers.d/newsd.conf",
        "usr/lib/tmpfiles.d/newsd.conf", "etc/newsd/newsd.toml", "usr/share/newsd/taxonomy/default.toml",
        "usr/share/newsd/taxonomy/countries.toml", "usr/share/man/man1/newsd.1", "usr/share/man/man5/newsd.toml.5",
        "usr/share/bash-completion/completions/newsd", "usr/share/doc/newsd/newsd.toml.example",
        "usr/share/doc/newsd/LICENSE"}) {
    EXPECT_TRUE(fs::is_regular_file(root_ / file)) << file;
  }
  // The SQLite extension sits in the library directory itself (multiarch on
  // Debian), where `.load newsd_fts` finds it through the loader's path.
  bool extension = false;
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "usr/lib")) {
    if (entry.path().filename() == "newsd_fts.so") {
      extension = entry.path().parent_path().filename() != "newsd";
    }
  }
  EXPECT_TRUE(extension) << "newsd_fts.so is not in usr/lib/<arch>/";
}

TEST_F(Package, CreatesTheUserEnablesNothingAndKeepsTheConfigAsAConffile) {
  const fs::path control = dir_->path() / "control";
  ASSERT_EQ(run_shell("dpkg-deb -e " + shell_quote(deb_.string()) + " " + shell_quote(control.string())).exit_code, 0);
  std::ifstream conffiles(control / "conffiles");
  std::string line;
  ASSERT_TRUE(std::getline(conffiles, line));
  EXPECT_EQ(line, "/etc/newsd/newsd.toml");
  std::ifstream in(control / "postinst");
  const std::string postinst{std::istreambuf_iterator<char>(in), {}};
  EXPECT_NE(postinst.find("systemd-sysusers newsd.conf"), std::string::npos) << postinst;
  EXPECT_NE(postinst.find("systemd-tmpfiles --create newsd.conf"), std::string::npos) << postinst;
  // No command (comments aside) enables or starts the service.
  std::istringstream lines(postinst);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(' ') != std::string::npos && line[line.find_first_not_of(' ')] == '#') continue;
    EXPECT_EQ(line.find("enable"), std::string::npos) << line;
    EXPECT_EQ(line.find("start"), std::string::npos) << line;
  }
  EXPECT_EQ(fs::status(control / "postinst").permissions() & fs::perms::owner_exec, fs::perms::owner_exec);
}

TEST_F(Package, InstalledNewsdAcceptsTheInstalledConfigWithTheInstalledTaxonomy) {
  const std::string config = shell_quote((root_ / "etc/newsd/newsd.toml").string());
  const Ran ok = installed_newsd("check-config --config " + config);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("store /var/lib/newsd/newsd.db"), std::string::npos) << ok.output;

  // Proof that the taxonomy read was the unpacked one: break it and see the
  // error name its path under the root.
  const fs::path taxonomy = root_ / "usr/share/newsd/taxonomy/default.toml";
  const fs::path kept = dir_->path() / "default.toml.orig";
  fs::copy_file(taxonomy, kept);
  std::ofstream(taxonomy) << "[settings\n";
  const Ran broken = installed_newsd("check-config --config " + config);
  fs::copy_file(kept, taxonomy, fs::copy_options::overwrite_existing);
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find(taxonomy.string() + ":1:"), std::string::npos) << broken.output;
}

TEST_F(Package, TheShippedUnitRunsTheShippedBinaryOnTheShippedConfig) {
  std::ifstream in(root_ / "usr/lib/systemd/system/newsd.service");
  const std::string unit{std::istreambuf_iterator<char>(in), {}};
  EXPECT_NE(unit.find("ExecStart=/usr/bin/newsd run --config /etc/newsd/newsd.toml"), std::string::npos) << unit;
}

}  // namespace
}  // namespace newsd::testing
