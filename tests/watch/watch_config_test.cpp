// `[[watch]]` in the config: typed, validated with file:line:col pointing at
// the value at fault (a query that does not parse points at the query
// string), listed by config_keys() and written back by to_toml(). Also
// hostile queries: deep nesting, huge queries, control characters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "newsd/config/config.hpp"
#include "newsd/config/config_keys.hpp"
#include "newsd/watch/watch_set.hpp"

namespace newsd::watch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kData = fs::path(NEWSD_TEST_DATA) / "watch";

config::LoadOptions watch_options() {
  config::LoadOptions o;
  o.check_watch_query = query_problem;
  return o;
}

TEST(WatchConfig, WatchesAreReadInOrderAndTheTagDefaultsToTheName) {
  auto cfg = config::load_config(kData / "watches.toml", watch_options());
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->watches.size(), 3u);
  EXPECT_EQ(cfg->watches[0].name, "maghreb-drones");
  EXPECT_EQ(cfg->watches[0].tag, "drones-maghreb");
  EXPECT_EQ(cfg->watches[1].query, "missile NEAR/3 test");
  EXPECT_EQ(cfg->watches[1].tag, "missile-tests");
  EXPECT_TRUE(WatchSet::compile(cfg->watches).has_value());
}

TEST(WatchConfig, EveryBadWatchIsReportedAtItsValue) {
  auto cfg = config::load_config(kData / "watch-query-errors.toml", watch_options());
  ASSERT_FALSE(cfg);
  const std::string file = fs::absolute(kData / "watch-query-errors.toml").lexically_normal().string();
  const std::string& m = cfg.error().message;
  EXPECT_THAT(m, HasSubstr(file + ":5:9: 'watch.query' of watch 'leading-not': NOT needs a term before it"));
  EXPECT_THAT(m, HasSubstr(file + ":7:1: a [[watch]] entry needs a 'name' and a 'query'"));
  EXPECT_THAT(m, HasSubstr(file + ":12:9: 'watch.query' of watch 'dangling-or': OR needs a term after it"));
  EXPECT_THAT(m, HasSubstr(file + ":15:8: watch 'leading-not' is listed twice"));
  EXPECT_THAT(m, HasSubstr(file + ":20:9: 'watch.query' of watch 'near-group': NEAR/3 joins two words or phrases"));
  EXPECT_THAT(m, HasSubstr(file + ":25:1: unknown key 'watch.tagg'"));
  EXPECT_THAT(m, HasSubstr(file + ":29:9: 'watch.query' of watch 'no-words': the query holds no word and no filter"));
}

TEST(WatchConfig, KeysAreListedAndWrittenBack) {
  const auto keys = config::config_keys();
  for (const char* key : {"watch", "watch.name", "watch.query", "watch.tag"}) {
    EXPECT_NE(std::ranges::find(keys, key), keys.end()) << key;
  }
  auto cfg = config::load_config(kData / "watches.toml", watch_options());
  ASSERT_TRUE(cfg) << cfg.error().message;
  auto again = config::parse_config(config::to_toml(*cfg), kData / "resolved.toml", watch_options());
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_EQ(again->watches.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(again->watches[i].name, cfg->watches[i].name);
    EXPECT_EQ(again->watches[i].query, cfg->watches[i].query);
    EXPECT_EQ(again->watches[i].tag, cfg->watches[i].tag);
  }
}

TEST(WatchQuery, HostileQueriesAreRefusedOrBounded) {
  EXPECT_THAT(query_problem(std::string(4000, '(') + "a"), HasSubstr("nested more than 16 deep"));
  EXPECT_THAT(query_problem(std::string(5000, 'a')), HasSubstr("5000 bytes, at most 4096"));
  EXPECT_THAT(query_problem("missile NEAR/101 test"), HasSubstr("NEAR/n takes a distance from 0 to 100"));
  EXPECT_THAT(query_problem("missile NEAR/99999999999999999999 test"), HasSubstr("from 0 to 100"));
  EXPECT_THAT(query_problem("a NEAR/2 b NEAR/2 c"), HasSubstr("joins two words or phrases"));
  EXPECT_THAT(query_problem("topic:"), HasSubstr("needs a value"));
  EXPECT_THAT(query_problem(std::string("\0\x01\x7f", 3)), HasSubstr("holds no word"));
  EXPECT_EQ(query_problem(std::string("drones\0Morocco", 14)), "");
  EXPECT_EQ(query_problem(std::string(16, '(') + "a"), "");

  // The longest query accepted: a 4096-byte OR chain compiles into one flat
  // node and is evaluated on an article without recursion per term.
  std::string ors = "w0";
  for (int i = 1; ors.size() + 8 < 4096; ++i) ors += " OR w" + std::to_string(i);
  auto set = WatchSet::compile({{"long", ors, "long"}});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->match(ArticleTerms("", "w7 w700"), {}).size(), 1u);
  EXPECT_TRUE(set->match(ArticleTerms("", "nothing here"), {}).empty());

  // A query whose every word is an operator-like word is text, not syntax.
  auto words = WatchSet::compile({{"ops", "NEAR and or not NEAR/x", "ops"}});
  ASSERT_TRUE(words.has_value()) << words.error().message;
  EXPECT_EQ(words->match(ArticleTerms("", "near and or not near x"), {}).size(), 1u);
}

TEST(WatchQuery, CompileNamesTheWatchWhoseQueryFails) {
  auto set = WatchSet::compile({{"good", "drones", "good"}, {"bad", "drones AND", "bad"}});
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code, Errc::config);
  EXPECT_EQ(set.error().message, "watch 'bad': AND needs a term after it");
}

}  // namespace
}  // namespace newsd::watch
