//===- ResolveBindings.h - match --input/--output specs to a signature --------===//
//
// The second half of the binding grammar of TensorIO.h: each `[NAME=]...` spec goes to
// the signature entry it names, unnamed ones to the next position. Shared by the tools
// that take `--input=` / `--output=` / `--expected-output=` lists (kiln-run).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_TENSORIO_RESOLVEBINDINGS_H
#define KILN_LIB_TENSORIO_RESOLVEBINDINGS_H

#include "lib/tensorio/TensorIO.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln::io {

/// Parses every spec given to `--<flag>=` (with `allowRandom` as in parseBinding) and
/// assigns it to a position of `names`, the model's `noun`s ("input", "output"): by name
/// when it has one, else to the next unnamed position. `chosen[i]` is the binding of
/// position i, if any. Errors name the flag and spec: an unknown name (listing the known
/// ones), too many positional specs, or one position bound twice.
bool resolveBindings(const std::vector<std::string> &specs, bool allowRandom,
                     const std::vector<std::string> &names, const std::string &flag,
                     const std::string &noun, std::vector<std::optional<Binding>> &chosen,
                     std::string &error);

} // namespace kiln::io

#endif // KILN_LIB_TENSORIO_RESOLVEBINDINGS_H
