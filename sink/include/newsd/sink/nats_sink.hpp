#pragma once
/// `type = "nats"`: each article published to NATS JetStream (Debian's
/// libnats, nats.c) on the subject its template gives, with header
/// `Nats-Msg-Id: <article id>`, so JetStream's duplicate window drops a
/// message published again after a lost ack or a restart. deliver()
/// succeeds only on the stream's publish ack. The client reconnects by
/// itself, forever; while the server is down deliver() fails and the drain
/// loop waits and tries again, the cursor staying where it was.
#include <memory>
#include <string>
#include <string_view>

#include "newsd/sink/sink.hpp"

namespace newsd::sink {

/// The subject for one article: `{lang}` and `{topic}` in `tmpl` replaced
/// by `lang` ("und" if empty) and `topic` ("none" if empty). Characters a
/// subject token may not hold (`.`, `*`, `>`, whitespace, controls,
/// non-ASCII) become `_`: language and tags come from untrusted pages.
std::string render_subject(std::string_view tmpl, std::string_view lang, std::string_view topic);

/// The subjects a stream created for `tmpl` captures: each placeholder as `*`.
std::string subject_filter(std::string_view tmpl);

class NatsSink : public Sink {
 public:
  /// Sets up the connection; a server that is not up yet is not an error
  /// (the client keeps trying in the background). Errc::invalid_argument
  /// for options the client refuses.
  static Result<std::unique_ptr<NatsSink>> connect(const config::SinkConfig& cfg);
  ~NatsSink() override;
  NatsSink(const NatsSink&) = delete;
  NatsSink& operator=(const NatsSink&) = delete;

  /// Errc::network while disconnected, Errc::timeout without an ack in
  /// `timeout`, Errc::unsupported when no stream captures the subject.
  Result<void> deliver(const Delivery& d) override;

 private:
  struct Impl;
  explicit NatsSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::sink
