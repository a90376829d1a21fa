// Reads a scenario file (TOML) into a World. The first problem found is returned as one line,
// "file:line:column: message", with a suggestion where one can be guessed. Never throws.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sim/core/result.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim {

struct LoadOptions {
  std::optional<std::uint64_t> seed;  // overrides [scenario] seed
};

Result<std::unique_ptr<World>> load_scenario_file(const std::string& path, const LoadOptions& options = {},
                                                  const Registry& registry = default_registry());
// The same from text; `path` is used in messages only.
Result<std::unique_ptr<World>> load_scenario_text(std::string_view text, const std::string& path,
                                                  const LoadOptions& options = {},
                                                  const Registry& registry = default_registry());

}  // namespace wiresim
