"""Timing a compiled kiln artifact with `kiln-run --benchmark`, for the scripts in bench/."""
import os
import re
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
