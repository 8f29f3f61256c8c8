#pragma once
// One pass of the real engine over a config's feeds, as `newsd once` runs it:
// the helper the ingest tests share.
#include <gtest/gtest.h>

#include "newsd/ingest/engine.hpp"

namespace newsd::testing {

/// Starts the engine on `cfg` and runs it once. A failed start is a test
/// failure and gives an empty report.
inline ingest::IngestReport ingest_once(const config::Config& cfg) {
  auto engine = ingest::Engine::start(cfg);
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().describe());
  if (!engine) return {};
  ingest::RunControl control;
  control.once = true;
  return (*engine)->run(control);
}

}  // namespace newsd::testing
