//===- TileSizes.h - tile-size rules shared by the CPU passes ----*- C++ -*-===//
//
// Work-item tiles (kiln-cpu-tile-work-items) and cache tiles (the matmul schedule of
// kiln-cpu-vectorize-contractions) follow one rule, so that tiles divide the loops and
// every register tile inside them stays static (vectorizable).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_CPU_TILESIZES_H
#define KILN_CODEGEN_CPU_TILESIZES_H

#include <cstdint>

namespace kiln {

/// `size` itself when it is at most `limit`; else the largest tile <= `limit` dividing
/// `size` that is a multiple of `quantum`, else of 16, else of 8 (each only if smaller
/// than `quantum`), else any divisor >= limit / 4;
/// else `limit` (the last tile is then partial).
int64_t evenTile(int64_t size, int64_t limit, int64_t quantum);

} // namespace kiln

#endif // KILN_CODEGEN_CPU_TILESIZES_H
