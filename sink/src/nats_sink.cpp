#include "newsd/sink/nats_sink.hpp"

#include <nats/nats.h>

#include "newsd/base/log.hpp"

namespace newsd::sink {
namespace {

bool subject_safe(unsigned char c) { return c > ' ' && c < 0x7f && c != '.' && c != '*' && c != '>'; }

std::string token(std::string_view value, std::string_view fallback) {
  if (value.empty()) return std::string(fallback);
  std::string out;
  for (const char c : value) out += subject_safe(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// One pass over the template, so a value that looks like a placeholder is
// not expanded again.
std::string replace_placeholders(std::string_view tmpl, std::string_view lang, std::string_view topic) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    const std::string_view rest = tmpl.substr(i);
    if (rest.starts_with("{lang}")) {
      out += lang;
      i += 6;
    } else if (rest.starts_with("{topic}")) {
      out += topic;
      i += 7;
    } else {
      out += tmpl[i++];
    }
  }
  return out;
}

std::string describe(natsStatus s, jsErrCode code) {
  std::string text = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') text += std::string(": ") + last;
  if (code != 0) text += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  return text;
}

Errc errc_of(natsStatus s) {
  switch (s) {
    case NATS_TIMEOUT: return Errc::timeout;
    case NATS_NOT_FOUND:
    case NATS_NO_RESPONDERS: return Errc::unsupported;
    default: return Errc::network;
  }
}

// Connect may finish in the background (retry on failed connect); nothing
// to do when it does: deliver() notices the connection is up.
void on_connected(natsConnection*, void*) {}

}  // namespace

std::string render_subject(std::string_view tmpl, std::string_view lang, std::string_view topic) {
  return replace_placeholders(tmpl, token(lang, "und"), token(topic, "none"));
}

std::string subject_filter(std::string_view tmpl) { return replace_placeholders(tmpl, "*", "*"); }

struct NatsSink::Impl {
  config::SinkConfig cfg;
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  bool stream_ready = false;

  ~Impl() {
    jsCtx_Destroy(js);
    if (nc != nullptr) {
      natsConnection_Close(nc);
      natsConnection_Destroy(nc);
    }
    natsOptions_Destroy(opts);
  }

  // The configured stream exists, or is created over the template's
  // subjects. Without `stream`, the operator's own stream must capture them.
  Result<void> ensure_stream() {
    if (stream_ready || cfg.stream.empty()) return {};
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js, cfg.stream.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND) {
      jsStreamConfig sc;
      jsStreamConfig_Init(&sc);
      const std::string filter = subject_filter(cfg.subject);
      const char* subjects[] = {filter.c_str()};
      sc.Name = cfg.stream.c_str();
      sc.Subjects = subjects;
      sc.SubjectsLen = 1;
      sc.Storage = js_FileStorage;
      s = js_AddStream(&info, js, &sc, nullptr, &code);
      if (s == NATS_OK)
        log::info("sink.nats_stream_created", {{"sink", cfg.name}, {"stream", cfg.stream}, {"subjects", filter}});
    }
    jsStreamInfo_Destroy(info);
    if (s != NATS_OK) return fail(errc_of(s), "stream " + cfg.stream + ": " + describe(s, code));
    stream_ready = true;
    return {};
  }
};

NatsSink::NatsSink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NatsSink::~NatsSink() = default;

Result<std::unique_ptr<NatsSink>> NatsSink::connect(const config::SinkConfig& cfg) {
  auto impl = std::make_unique<Impl>();
  impl->cfg = cfg;
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.timeout).count();
  natsStatus s = natsOptions_Create(&impl->opts);
  if (s == NATS_OK) s = natsOptions_SetURL(impl->opts, cfg.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(impl->opts, ("newsd sink " + cfg.name).c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(impl->opts, timeout_ms);
  // Reconnect forever, every half second: the outbox holds what cannot be
  // sent meanwhile, so nothing is buffered in the client.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(impl->opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(impl->opts, 500);
  if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(impl->opts, true, on_connected, nullptr);
  if (s != NATS_OK) return fail(Errc::invalid_argument, "nats sink " + cfg.name + ": " + describe(s, {}));
  s = natsConnection_Connect(&impl->nc, impl->opts);
  if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
    return fail(Errc::invalid_argument, "nats sink " + cfg.name + ": " + describe(s, {}));
  }
  if (s == NATS_NOT_YET_CONNECTED) log::warn("sink.nats_not_connected", {{"sink", cfg.name}, {"url", cfg.url}});
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = timeout_ms;
  s = natsConnection_JetStream(&impl->js, impl->nc, &jo);
  if (s != NATS_OK) return fail(Errc::invalid_argument, "nats sink " + cfg.name + ": " + describe(s, {}));
  return std::unique_ptr<NatsSink>(new NatsSink(std::move(impl)));
}

Result<void> NatsSink::deliver(const Delivery& d) {
  Impl& n = *impl_;
  if (natsConnection_Status(n.nc) != NATS_CONN_STATUS_CONNECTED) {
    return fail(Errc::network, "not connected to " + n.cfg.url);
  }
  if (auto ok = n.ensure_stream(); !ok) return ok;
  const std::string subject = render_subject(n.cfg.subject, d.lang, d.topic);
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, d.body.data(), static_cast<int>(d.body.size()));
  if (s != NATS_OK) return fail(Errc::internal, "nats message: " + describe(s, {}));
  const std::string id = std::to_string(d.article_id);
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = id.c_str();  // sent as the Nats-Msg-Id header
  po.MaxWait = std::chrono::duration_cast<std::chrono::milliseconds>(n.cfg.timeout).count();
  jsPubAck* ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_PublishMsg(&ack, n.js, msg, &po, &code);
  natsMsg_Destroy(msg);
  if (s == NATS_OK && ack != nullptr && ack->Duplicate) {
    log::debug("sink.nats_duplicate", {{"sink", n.cfg.name}, {"article", d.article_id}});
  }
  jsPubAck_Destroy(ack);
  if (s == NATS_NO_RESPONDERS) n.stream_ready = false;  // the stream was deleted: create it again
  if (s != NATS_OK) return fail(errc_of(s), subject + ": " + describe(s, code));
  return {};
}

}  // namespace newsd::sink
