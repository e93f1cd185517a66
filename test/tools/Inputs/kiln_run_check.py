"""Helpers for test/tools/kiln-run-run.test: make the chain model's inputs and
references, and check kiln-run's outputs and profile with numpy.

The chain test artifact (test/unit/runtime/TestArtifacts.h) computes
z = (x + y) * scale[i % 16] with scale[i] = 0.5 + 0.25 * i, and copies scale out.
"""
import json
import sys

import numpy as np

SCALE = np.array([0.5 + 0.25 * i for i in range(16)], dtype=np.float32)


def chain(x, y):
    flat = (x + y).reshape(-1)
    return (flat * np.resize(SCALE, flat.size)).reshape(x.shape).astype(np.float32)


def main():
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "inputs":
        rng = np.random.default_rng(0)
        x = rng.standard_normal((10, 100)).astype(np.float32)
        y = rng.standard_normal((10, 100)).astype(np.float32)
        np.save(f"{d}/x.npy", x)
        np.save(f"{d}/y.npy", y)
        z = chain(x, y)
        np.save(f"{d}/ref.npy", z)
        bad = z.copy()
        bad[4, 2] += 1.0
        np.save(f"{d}/bad.npy", bad)
        np.save(f"{d}/x64.npy", x.astype(np.float64))
        np.save(f"{d}/short.npy", x[:, :99])
    elif cmd == "outputs":
        x, y = np.load(f"{d}/x.npy"), np.load(f"{d}/y.npy")
        z = np.load(f"{d}/z.npy")
        assert z.dtype == np.float32 and z.shape == (10, 100), (z.dtype, z.shape)
        assert np.array_equal(z, chain(x, y)), "z differs"
        s = np.load(f"{d}/scale.npy")
        assert np.array_equal(s, SCALE), s
        print("outputs ok")
    elif cmd == "profile":
        trace = json.load(open(f"{d}/trace.json"))
        events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
        runs = [e for e in events if e["cat"] == "run"]
        kernels = [e for e in events if e["cat"] == "kernel"]
        assert len(runs) == 3 and len(kernels) == 6, (len(runs), len(kernels))
        for run in runs:
            inside = [k for k in kernels if k["args"]["run"] == run["args"]["run"]]
            assert [k["name"] for k in inside] == ["add_0 (Add)", "mul_0 (Mul)"], inside
            for k in inside:  # kernels nest in their run, in order, without overlap
                assert run["ts"] - 0.01 <= k["ts"], (run, k)
                assert k["ts"] + k["dur"] <= run["ts"] + run["dur"] + 0.01, (run, k)
            assert inside[0]["ts"] + inside[0]["dur"] <= inside[1]["ts"] + 0.01
        assert min(e["ts"] for e in events) == 0
        print("profile ok:", len(runs), "runs,", len(kernels), "kernel events")


if __name__ == "__main__":
    main()
