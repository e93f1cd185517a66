# lit configuration for kiln: every .mlir under test/ runs its RUN lines with kiln's
# tools and LLVM's FileCheck / not / split-file first on PATH.
import os

import lit.formats
import lit.util

config.name = "kiln"
config.test_format = lit.formats.ShTest(not lit.util.which("bash") is None)
config.suffixes = [".mlir", ".test"]
config.excludes = ["unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "Inputs",
                   "conformance/run_node_tests.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")

path = [config.kiln_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
config.environment["PATH"] = os.pathsep.join(path)
config.substitutions.append(("%kiln_src_root", config.kiln_src_root))
# Debian's python3 carries onnx, numpy and torch (the first python3 on PATH may not).
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%kiln_bin", config.kiln_tools_dir))
if config.kiln_have_cuda:
    config.available_features.add("cuda")
# The CUDA toolkit's assembler: PTX tests assemble what kiln emits (registers, spills,
# wgmma serialization warnings). kiln-compile finds the same one (CUDA_HOME,
# /usr/local/cuda, PATH).
cuda_root = os.environ.get("CUDA_HOME") or os.environ.get("CUDA_PATH") or "/usr/local/cuda"
ptxas = lit.util.which("ptxas", os.path.join(cuda_root, "bin")) or lit.util.which("ptxas")
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
# The fake libcuda (test/unit/runtime) with the CUDA emulator: `%emulate` runs kiln-run
# on a CUDA artifact whose kernels kiln-compile --emit=emulator built for the host, as in
# `env KILN_FAKE_CUDA_KERNELS=%t.so %emulate %t.kiln --device=cuda ...`.
fake_cuda = os.path.join(config.kiln_obj_root, "lib", "libkiln-fake-cuda.so")
if os.path.exists(fake_cuda):
    config.available_features.add("cuda-emulator")
    config.substitutions.append(("%fake_cuda", fake_cuda))
    config.substitutions.append(("%emulate", "env KILN_CUDA_DRIVER=%s kiln-run" % fake_cuda))
# kiln-make-test-artifact (built with the tests) writes artifacts around hand-written
# test kernels, so kiln-run's lit tests run before the compiler emits any.
if os.path.exists(os.path.join(config.kiln_tools_dir, "kiln-make-test-artifact")):
    config.available_features.add("test-artifacts")
