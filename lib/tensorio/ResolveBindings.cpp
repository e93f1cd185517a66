//===- ResolveBindings.cpp - match --input/--output specs to a signature ------===//
//
// Same rules and messages as kiln-interpret's binding of inputs and outputs, so both
// tools accept the same command lines.
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/ResolveBindings.h"

#include <algorithm>

namespace kiln::io {

bool resolveBindings(const std::vector<std::string> &specs, bool allowRandom,
                     const std::vector<std::string> &names, const std::string &flag,
                     const std::string &noun, std::vector<std::optional<Binding>> &chosen,
                     std::string &error) {
  chosen.assign(names.size(), std::nullopt);
  size_t nextPositional = 0;
  for (const std::string &spec : specs) {
    Binding binding;
    std::string where = "--" + flag + "=" + spec;
    if (!parseBinding(spec, allowRandom, binding, error)) {
      error = where + ": " + error;
      return false;
    }
    size_t index;
    if (binding.name.empty()) {
      index = nextPositional++;
      if (index >= names.size()) {
        error = where + ": the model has only " + std::to_string(names.size()) + " " + noun +
                (names.size() == 1 ? "" : "s");
        return false;
      }
    } else {
      auto it = std::find(names.begin(), names.end(), binding.name);
      if (it == names.end()) {
        std::string known;
        for (const std::string &n : names) {
          known += (known.empty() ? "" : ", ") + n;
        }
        error = where + ": the model has no " + noun + " named '" + binding.name + "' (" + noun +
                "s: " + (known.empty() ? "none" : known) + ")";
        return false;
      }
      index = static_cast<size_t>(it - names.begin());
    }
    if (chosen[index]) {
      error = where + ": " + noun + " '" + names[index] + "' is bound twice";
      return false;
    }
    chosen[index] = binding;
  }
  return true;
}

} // namespace kiln::io
