// The sinks' pure rules: subjects from untrusted language and tag values,
// the webhook signature, backoff, and the [[sinks]] / [outbox] config.
#include <gtest/gtest.h>

#include "newsd/config/config.hpp"
#include "newsd/sink/article_json.hpp"
#include "newsd/sink/drain.hpp"
#include "newsd/sink/nats_sink.hpp"
#include "newsd/sink/webhook_sink.hpp"

namespace newsd::sink {
namespace {

using std::chrono::seconds;

const std::filesystem::path kData = std::filesystem::path(NEWSD_TEST_DATA) / "sink";

TEST(Subject, PlaceholdersTakeTheArticlesLanguageAndTopic) {
  EXPECT_EQ(render_subject("news.{lang}", "ar", "defense"), "news.ar");
  EXPECT_EQ(render_subject("news.topic.{topic}", "ar", "cyber"), "news.topic.cyber");
  EXPECT_EQ(render_subject("news.{lang}.{topic}.{lang}", "fr", "diplomacy"), "news.fr.diplomacy.fr");
  EXPECT_EQ(render_subject("news.{lang}.{topic}", "", ""), "news.und.none");
}

TEST(Subject, HostileValuesCannotAddTokensOrWildcards) {
  // A page's declared language is untrusted: dots would add subject levels,
  // '*' and '>' are wildcards, spaces and controls end the subject.
  EXPECT_EQ(render_subject("news.{lang}", "en.>", ""), "news.en__");
  EXPECT_EQ(render_subject("news.{lang}", "a b\r\nPUB x", ""), "news.a_b__PUB_x");
  EXPECT_EQ(render_subject("news.{lang}", "*", ""), "news._");
  EXPECT_EQ(render_subject("news.{topic}", "",
                           "d\xC3\xA9"
                           "fense"),
            "news.d__fense");
  // A value holding a placeholder is not expanded again.
  EXPECT_EQ(render_subject("news.{lang}.{topic}", "{topic}", "x"), "news.{topic}.x");
}

TEST(Subject, AStreamCapturesTheTemplatesSubjects) {
  EXPECT_EQ(subject_filter("news.{lang}"), "news.*");
  EXPECT_EQ(subject_filter("news.topic.{topic}"), "news.topic.*");
  EXPECT_EQ(subject_filter("news.all"), "news.all");
}

TEST(Signature, IsHmacSha256InHex) {
  // RFC 4231, test case 2.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_NE(webhook_signature("Jefe", "what do ya want for nothing!"),
            webhook_signature("Jefe", "what do ya want for nothing?"));
}

TEST(Backoff, DoublesFromTheFirstDelayUpToTheMaximum) {
  EXPECT_EQ(backoff_delay(1, seconds{2}, seconds{60}), seconds{2});
  EXPECT_EQ(backoff_delay(2, seconds{2}, seconds{60}), seconds{4});
  EXPECT_EQ(backoff_delay(5, seconds{2}, seconds{60}), seconds{32});
  EXPECT_EQ(backoff_delay(6, seconds{2}, seconds{60}), seconds{60});
  EXPECT_EQ(backoff_delay(1000, seconds{2}, seconds{60}), seconds{60});
  EXPECT_EQ(backoff_delay(3, seconds{0}, seconds{60}), seconds{0});
}

TEST(SinkConfig, EachTypeReadsItsKeys) {
  auto cfg = config::load_config(kData / "sinks_valid.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->store.outbox.max_rows, 5000);
  ASSERT_EQ(cfg->sinks.size(), 4u);
  const auto& nats = cfg->sinks[0];
  EXPECT_EQ(nats.type, config::SinkType::nats);
  EXPECT_EQ(nats.subject, "news.topic.{topic}");
  EXPECT_EQ(nats.stream, "NEWS");
  EXPECT_EQ(nats.timeout, seconds{5});
  const auto& hook = cfg->sinks[1];
  EXPECT_EQ(hook.type, config::SinkType::webhook);
  EXPECT_EQ(hook.max_attempts, 3);
  EXPECT_EQ(hook.retry_backoff, seconds{2});
  EXPECT_EQ(hook.max_backoff, seconds{60});
  // Relative paths resolve against the config's directory; "-" is standard output.
  EXPECT_EQ(cfg->sinks[2].path, kData / "stream/articles.jsonl");
  EXPECT_EQ(cfg->sinks[3].path, "-");
}

TEST(SinkConfig, PrintedConfigLoadsBackWithItsSinks) {
  auto cfg = config::load_config(kData / "sinks_valid.toml");
  ASSERT_TRUE(cfg);
  const std::string text = config::to_toml(*cfg);
  auto back = config::parse_config(text, kData / "printed.toml");
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  EXPECT_EQ(back->sinks, cfg->sinks);
  EXPECT_EQ(back->store.outbox.max_rows, 5000);
}

TEST(SinkConfig, ProblemsAreReportedAtTheirLine) {
  auto cfg = config::load_config(kData / "sinks_invalid.toml");
  ASSERT_FALSE(cfg);
  const std::string& m = cfg.error().message;
  const std::string file = (kData / "sinks_invalid.toml").string();
  for (const std::string& expected : {
           file + ":2:12: 'outbox.max_rows' must be between 1 and",
           file + ":4:1: a [[sinks]] entry needs a 'name'",
           file + ":11:7: 'sinks.url' of a webhook sink must be http:// or https://",
           file + ":12:10: 'sinks.secret' of a webhook sink needs 16 characters or more",
           file + ":13:8: 'sinks.path' does not apply to type = \"webhook\"",
           file + ":16:8: sink 'hook' is listed twice",
           file + ":23:7: 'sinks.url' of a nats sink must be nats:// or tls://",
           file + ":24:11: 'sinks.subject' may hold only",
           file + ":29:17: 'sinks.retry_backoff' cannot exceed 'sinks.max_backoff'",
           file + ":34:8: 'sinks.type' must be \"nats\", \"webhook\" or \"jsonl\"",
       }) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
  }
}

TEST(SinkConfig, AJsonlSinkNeedsAPath) {
  auto cfg = config::parse_config("[[sinks]]\nname = \"x\"\ntype = \"jsonl\"\n", "t.toml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("t.toml:1:1: a jsonl sink needs a 'path'"), std::string::npos)
      << cfg.error().message;
}

TEST(ArticleJson, IsTheApiShape) {
  store::ArticleView a;
  a.id = 7;
  a.title = "T";
  a.lang = "ar";
  a.tags.push_back({"defense", "topic", 0.9, "rule"});
  const auto j = article_json(a);
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["lang"], "ar");
  EXPECT_EQ(j["tags"][0]["name"], "defense");
  EXPECT_TRUE(j["published_at"].is_null());
  const auto d = make_delivery(a);
  EXPECT_EQ(d.article_id, 7);
  EXPECT_EQ(d.topic, "defense");
  EXPECT_EQ(nlohmann::json::parse(d.body), j);
}

}  // namespace
}  // namespace newsd::sink
