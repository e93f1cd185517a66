"""Timing for the scripts in bench/: a compiled kiln artifact with `kiln-run --benchmark`,
and the statistics every script reports."""
import os
import re
import statistics
import subprocess

_BENCH_LINE = re.compile(r"min ([\d.]+) ms, median ([\d.]+) ms, p90 ([\d.]+) ms")


def kiln_ms(binary, artifact, runs, threads=1, warmup=2, inp=None):
    """[min, median, p90] in ms of `runs` runs after `warmup`, on `threads` threads, with
    the input file `inp` (NAME=@file or @file) or seeded random inputs."""
    inputs = "--input=@" + inp if inp else "--random-inputs=1"
    out = subprocess.run([os.path.join(binary, "kiln-run"), artifact, inputs,
                          "--benchmark=%d" % runs, "--warmup=%d" % warmup,
                          "--threads=%d" % threads],
                         capture_output=True, text=True, check=True).stdout
    m = _BENCH_LINE.search(out)
    return [float(m.group(i)) for i in (1, 2, 3)]


def min_median_p90(ts):
    """[min, median, p90] of the times `ts` (an anchor timed in Python)."""
    ts = sorted(ts)
    return [ts[0], statistics.median(ts), ts[int(0.9 * (len(ts) - 1))]]


def summary(samples):
    """Over rounds of [min, median, p90]: the median of the medians, and the spread
    (p90 - min) / median over every sample."""
    med = statistics.median(x[1] for x in samples)
    lo, p90 = min(x[0] for x in samples), max(x[2] for x in samples)
    return med, (p90 - lo) / med
