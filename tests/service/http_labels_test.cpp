// Labels over HTTP: the API's POST and the article page's form on a real
// HttpServer over a real archive whose writer holds the lock, as in
// `newsd run`; never open without a token; hostile bodies refused.
#include "http_fixture.hpp"

namespace newsd::service::testing {
namespace {

const httplib::Headers kAuth = {{"Authorization", "Bearer s3cret"}};

class HttpLabels : public HttpTest {
 protected:
  httplib::Result post_json(const std::string& path, const std::string& body, const httplib::Headers& headers = kAuth) {
    return client_->Post(path, headers, body, "application/json");
  }
  nlohmann::json labels_of(std::int64_t id) {
    auto res = get("/api/articles/" + std::to_string(id), kAuth);
    EXPECT_TRUE(res && res->status == 200);
    return res ? nlohmann::json::parse(res->body)["labels"] : nlohmann::json();
  }
};

TEST_F(HttpLabels, WithoutATokenNobodyCanWriteAndThePageHasNoForm) {
  start();
  auto res = post_json("/api/articles/1/labels", R"({"tag": "cyber"})", {});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(res->body.find("set [http] token"), std::string::npos) << res->body;
  auto page = get("/articles/1");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body.find("/articles/1/labels"), std::string::npos);
  auto form = client_->Post("/articles/1/labels", "tag=cyber&action=set", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 403);
  EXPECT_TRUE(labels_of(1).empty());
}

TEST_F(HttpLabels, TheApiSetsAndRemovesALabelBesideTheWriter) {
  start("s3cret");
  auto anonymous = post_json("/api/articles/1/labels", R"({"tag": "cyber"})", {});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);

  auto set = post_json("/api/articles/1/labels", R"({"tag": "cyber"})");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(nlohmann::json::parse(set->body),
            (nlohmann::json{{"article_id", 1}, {"tag", "cyber"}, {"removed", false}, {"set_by", "web"}}));
  auto labels = labels_of(1);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0]["tag"], "cyber");
  EXPECT_EQ(labels[0]["set_by"], "web");

  auto removed = post_json("/api/articles/1/labels", R"({"tag": "cyber", "remove": true, "by": "rim"})");
  ASSERT_TRUE(removed);
  ASSERT_EQ(removed->status, 200) << removed->body;
  labels = labels_of(1);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0]["removed"], true);
  EXPECT_EQ(labels[0]["set_by"], "rim");
}

TEST_F(HttpLabels, HostileBodiesAndPathsAreRefusedAndWriteNothing) {
  start("s3cret");
  const std::pair<std::string, int> cases[] = {
      {"not json", 400},
      {"[\"cyber\"]", 400},
      {R"({"tag": 7})", 400},
      {R"({"tag": "cyber", "admin": true})", 400},
      {R"({"remove": true})", 400},
      {R"({"tag": "two words"})", 400},
      {R"({"tag": "a,b"})", 400},
      {R"({"tag": "\u0000"})", 400},
      {R"({"tag": "cyber", "by": "Robert'); DROP TABLE labels;--"})", 400},
      {R"({"tag": ")" + std::string(101, 'x') + R"("})", 400},
      {R"({"tag": "cyber", "by": ")" + std::string(5000, 'x') + R"("})", 413},
  };
  for (const auto& [body, status] : cases) {
    auto res = post_json("/api/articles/1/labels", body);
    ASSERT_TRUE(res) << body;
    EXPECT_EQ(res->status, status) << body << " -> " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json") << body;
  }
  auto form_encoded = client_->Post("/api/articles/1/labels", kAuth, "tag=cyber", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form_encoded);
  EXPECT_EQ(form_encoded->status, 415);
  const std::pair<std::string, int> paths[] = {{"/api/articles/999/labels", 404},
                                               {"/api/articles/0/labels", 400},
                                               {"/api/articles/x/labels", 400},
                                               {"/api/articles/99999999999999999999/labels", 400}};
  for (const auto& [path, status] : paths) {
    auto res = post_json(path, R"({"tag": "cyber"})");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, status) << path << " -> " << res->body;
  }
  EXPECT_TRUE(labels_of(1).empty());
}

TEST_F(HttpLabels, TheArticlePageFormLabelsAndComesBack) {
  start("s3cret");
  auto page = get("/articles/2", kAuth);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<form class=\"label\" method=\"post\" action=\"/articles/2/labels\">"), std::string::npos)
      << page->body;
  auto posted =
      client_->Post("/articles/2/labels", kAuth, "tag=diplomacy&action=set", "application/x-www-form-urlencoded");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303);
  EXPECT_EQ(posted->get_header_value("Location"), "/articles/2");
  page = get("/articles/2", kAuth);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<td>diplomacy</td><td>topic</td><td>1.00</td><td>label</td>"), std::string::npos)
      << page->body;
  auto bad = client_->Post("/articles/2/labels", kAuth, "tag=diplomacy&action=delete-all",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto labels = labels_of(2);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0]["set_by"], "web");
}

}  // namespace
}  // namespace newsd::service::testing
