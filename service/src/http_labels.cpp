// Labels over HTTP: `POST /api/articles/{id}/labels` (JSON) and the article
// page's form. Both write through Store::write_labels, the code `newsd
// label` uses, on a connection of their own beside the daemon's writer.
#include "http_internal.hpp"

namespace newsd::service::http {
namespace {

constexpr std::size_t kMaxLabelBody = 4096;
constexpr const char* kDefaultAuthor = "web";

// Labels change what the model learns, so they are never open to whoever
// reaches the port: without a token nobody can write. (With one, the
// pre-routing check has let only its holders through, and the login
// cookie is SameSite=Strict, so another site cannot post with it.)
std::optional<LabelAnswer> refused(const State& state) {
  if (!state.options.http.token.empty()) return std::nullopt;
  return LabelAnswer{403, "labels over HTTP need a token: set [http] token"};
}

Result<LabelPost> from_json(std::int64_t id, const std::string& body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail(Errc::invalid_argument, "the body is not a JSON object");
  LabelPost post{id, {}, false, kDefaultAuthor};
  for (const auto& [key, value] : json.items()) {
    if (key == "tag" && value.is_string()) {
      post.tag = value.get<std::string>();
    } else if (key == "remove" && value.is_boolean()) {
      post.remove = value.get<bool>();
    } else if (key == "by" && value.is_string()) {
      post.by = value.get<std::string>();
    } else {
      return fail(Errc::invalid_argument,
                  "field '" + key + "': expected \"tag\" (string), \"remove\" (boolean) or \"by\" (string)");
    }
  }
  if (post.tag.empty()) return fail(Errc::invalid_argument, "field 'tag' is required");
  return post;
}

}  // namespace

LabelAnswer post_label(State& state, const LabelPost& post) {
  if (auto no = refused(state)) return *no;
  if (auto problem = store::label_problem(post.tag)) return {400, "tag '" + post.tag + "': " + *problem};
  // The author is one token too: a user name, not free text.
  if (auto problem = store::label_problem(post.by)) return {400, "by: " + *problem};
  const store::LabelEdit edit{post.article_id, post.tag, "", post.remove};
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto edits = std::span(&edit, 1);
  auto written =
      state.options.postgresql_url.empty()
          ? store::Store::write_labels(state.options.db, edits, post.by, now, state.options.busy_timeout)
          : store::Store::write_labels(
                config::StoreConfig{.backend = config::StoreBackend::postgresql,
                                    .url = state.options.postgresql_url,
                                    .busy_timeout = std::chrono::ceil<config::Seconds>(state.options.busy_timeout)},
                edits, post.by, now);
  if (!written) {
    // A write that waited past the busy timeout is worth retrying.
    const int status = written.error().code == Errc::database ? 503 : status_for(written.error());
    return {status, written.error().message};
  }
  if (!written->unknown_articles.empty()) return {404, "no article with id " + std::to_string(post.article_id)};
  return {200, ""};
}

void add_label_api_route(httplib::Server& server, State& state) {
  server.Post(R"(/api/articles/([^/]+)/labels)", [&state](const httplib::Request& req, httplib::Response& res) {
    if (auto no = refused(state)) return send_error(res, no->status, no->message);
    const auto id = parse_id(req.matches[1].str());
    if (!id) return send_error(res, 400, "article id must be a positive integer");
    if (!req.get_header_value("Content-Type").starts_with("application/json"))
      return send_error(res, 415, "send the label as Content-Type: application/json");
    if (req.body.size() > kMaxLabelBody) return send_error(res, 413, "a label body is at most 4096 bytes");
    auto post = from_json(*id, req.body);
    if (!post) return send_error(res, 400, post.error().message);
    const auto answer = post_label(state, *post);
    if (answer.status != 200) return send_error(res, answer.status, answer.message);
    send_json(res,
              {{"article_id", post->article_id}, {"tag", post->tag}, {"removed", post->remove}, {"set_by", post->by}});
  });
}

}  // namespace newsd::service::http
