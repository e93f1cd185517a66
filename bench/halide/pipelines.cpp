// The fused loop and row-reduction pipelines of bench/halide.py written in Halide 14 and
// scheduled by one of its autoschedulers (JIT-compiled for this CPU, one thread):
//
//   softmax    y[r, c] = exp(x[r, c] - max_c x[r, :]) / sum_c exp(x[r, c] - max_c x[r, :])
//   layernorm  y[r, c] = (x[r, c] - mean_r) / sqrt(var_r + 1e-5) * g[c] + b[c]
//   gelu       y[r, c] = gelu_erf(x[r, c] + b[c]) + res[r, c]
//
//   halide-pipelines PIPELINE ROWS COLS RUNS AUTOSCHEDULER(Mullapudi2016|Adams2019|Li2018)
//
// prints "median_ms MS" (the median of RUNS timed realizations after two warm-ups).
// Built by bench/halide.py with g++ against Debian's libhalide14-0-dev.
#include "Halide.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace Halide;

int main(int argc, char **argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s softmax|layernorm|gelu ROWS COLS RUNS AUTOSCHEDULER\n",
                 argv[0]);
    return 2;
  }
  std::string which = argv[1];
  int rows = std::atoi(argv[2]), cols = std::atoi(argv[3]), runs = std::atoi(argv[4]);
  std::string scheduler = argv[5];
  std::string plugin = scheduler == "Mullapudi2016" ? "mullapudi2016"
                       : scheduler == "Adams2019"   ? "adams2019"
                                                    : "li2018";
  load_plugin("/usr/lib/x86_64-linux-gnu/halide14/libautoschedule_" + plugin + ".so");

  Buffer<float> x(cols, rows), res(cols, rows), g(cols), b(cols), out(cols, rows);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (float *p = x.begin(); p != x.end(); ++p) *p = normal(rng);
  for (float *p = res.begin(); p != res.end(); ++p) *p = normal(rng);
  for (float *p = g.begin(); p != g.end(); ++p) *p = normal(rng);
  for (float *p = b.begin(); p != b.end(); ++p) *p = normal(rng);

  ImageParam in(Float(32), 2, "x"), resIn(Float(32), 2, "res"), gIn(Float(32), 1, "g"),
      bIn(Float(32), 1, "b");
  Var c("c"), r("r");
  RDom k(0, cols);
  Func y("y");
  if (which == "softmax") {
    Func mx("mx"), e("e"), s("s");
    mx(r) = maximum(in(k, r));
    e(c, r) = exp(in(c, r) - mx(r));
    s(r) = sum(e(k, r));
    y(c, r) = e(c, r) / s(r);
  } else if (which == "layernorm") {
    Func mean("mean"), var("var");
    mean(r) = sum(in(k, r)) / cols;
    Expr d = in(k, r) - mean(r);
    var(r) = sum(d * d) / cols;
    y(c, r) = (in(c, r) - mean(r)) / sqrt(var(r) + 1e-5f) * gIn(c) + bIn(c);
  } else if (which == "gelu") {
    Expr v = in(c, r) + bIn(c);
    y(c, r) = 0.5f * v * (1.0f + erf(v * 0.70710678f)) + resIn(c, r);
  } else {
    std::fprintf(stderr, "unknown pipeline %s\n", which.c_str());
    return 2;
  }
  in.dim(0).set_estimate(0, cols).dim(1).set_estimate(0, rows);
  resIn.dim(0).set_estimate(0, cols).dim(1).set_estimate(0, rows);
  gIn.dim(0).set_estimate(0, cols);
  bIn.dim(0).set_estimate(0, cols);
  y.set_estimate(c, 0, cols).set_estimate(r, 0, rows);
  Pipeline p(y);
  Target target = get_host_target();
  // One core, the L3 of this machine, the autoschedulers' default balance.
  p.auto_schedule(scheduler, target, MachineParams(1, 32 * 1024 * 1024, 40));
  p.compile_jit(target);
  in.set(x);
  resIn.set(res);
  gIn.set(g);
  bIn.set(b);
  std::vector<double> ms;
  for (int i = 0; i < runs + 2; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    p.realize(out);
    auto t1 = std::chrono::steady_clock::now();
    if (i >= 2) {
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf("median_ms %.4f min_ms %.4f p90_ms %.4f\n", ms[ms.size() / 2], ms.front(),
              ms[(ms.size() - 1) * 9 / 10]);
  return 0;
}
