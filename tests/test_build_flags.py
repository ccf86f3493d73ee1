"""Build flags of the compiled engine: the Cython kernels are compiled without fused multiply-adds
(``-ffp-contract=off`` in CMakeLists.txt), so that on targets whose baseline has FMA (the aarch64 and arm64
wheels, ``-march=native`` builds) they still agree bit for bit with the reference. Checked by compiling one
kernel module here with the project's flags plus ``-mfma`` (needs gcc and Cython in the environment; skipped
without them, e.g. in a wheel-only install)."""
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ROOT / "src" / "bk_fast" / "_kernels"


def _cmake_c_flags():
    """The extra C flags CMakeLists.txt gives every kernel (target_compile_options lines)."""
    text = (ROOT / "CMakeLists.txt").read_text()
    flags = []
    for m in re.finditer(r"target_compile_options\(\$\{_name\}\s+PRIVATE\s+([^)]*)\)", text):
        flags += m.group(1).split()
    return flags


def _has_fma() -> bool:
    try:
        with open("/proc/cpuinfo") as fh:
            return " fma " in fh.read()
    except OSError:
        return False


def test_kernels_are_built_without_contraction():
    """The flag itself (the check below needs a compiler; this one runs everywhere)."""
    assert "-ffp-contract=off" in _cmake_c_flags()


@pytest.mark.skipif(shutil.which("gcc") is None or not Path(sys.executable).with_name("cython").exists()
                    or not _has_fma(), reason="needs gcc, Cython in this environment and an FMA CPU")
def test_cython_kernels_not_fma_contracted_on_fma_targets(tmp_path):
    """_bom.pyx compiled with the project's flags plus -mfma (as on an FMA target) equals the reference: without
    -ffp-contract=off gcc fused ``req[v] + x * mult[e]`` and 56 of 200 random explosions differed in the last
    bit (509.5693498571634 vs 509.56934985716344; a packaging audit)."""
    cython = Path(sys.executable).with_name("cython")
    shutil.copy(KERNELS / "_bom.pyx", tmp_path / "_bomfma.pyx")
    subprocess.run([str(cython), "-3", "-X", "language_level=3,cdivision=True,boundscheck=False,"
                    "wraparound=False,initializedcheck=False", str(tmp_path / "_bomfma.pyx")], check=True,
                   capture_output=True)
    so = tmp_path / ("_bomfma" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(["gcc", "-shared", "-fPIC", "-O3", "-DNDEBUG", "-mfma",
                    "-DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION", *_cmake_c_flags(),
                    "-I" + sysconfig.get_paths()["include"], "-I" + np.get_include(),
                    str(tmp_path / "_bomfma.c"), "-o", str(so)], check=True, capture_output=True)
    sys.path.insert(0, str(tmp_path))
    try:
        import _bomfma
    finally:
        sys.path.pop(0)
    from bk_fast._kernels.reference.bom import bom_propagate as ref

    # A -> X (1), A -> Y (1), X -> Z (0.1), Y -> Z (0.7): codes 0=A, 1=X, 2=Y, 3=Z in low-level-code order
    indptr = np.array([0, 2, 3, 4, 4], np.int64)
    indices = np.array([1, 2, 3, 3], np.int64)
    mult = np.array([1.0, 1.0, 0.1, 0.7])
    edge_parent = np.array([0, 0, 1, 2], np.int64)
    level_ptr = np.array([0, 1, 3, 4], np.int64)
    bad = []
    for q in np.random.default_rng(0).uniform(0, 1000, 50):
        out = []
        for fn in (_bomfma.bom_propagate, ref):
            req = np.array([q, 0, 0, 0.0])
            touched = np.array([1, 0, 0, 0], np.uint8)
            fn(indptr, indices, mult, edge_parent, level_ptr, req, touched)
            out.append(req[3])
        if out[0] != out[1]:
            bad.append((q, out))
    assert not bad, f"{len(bad)}/50 FMA-contracted results differ from the reference, e.g. {bad[0]}"
