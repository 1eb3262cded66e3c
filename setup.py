"""Build the Cython kernels in ext/ into the tradeindex package.

Environment switches (read at build time):
  TRADEINDEX_REQUIRE_OPENMP=1  a compiler without OpenMP is a build error (CI sets it)
  TRADEINDEX_PORTABLE=1        no -march=native: baseline x86-64 code, for wheels
  TRADEINDEX_DEBUG=1           Cython bounds/initialisation checks on, -O0 -g
  TRADEINDEX_SANITIZE=address  compile and link with -fsanitize=address -fno-omit-frame-pointer -g
                               (any -fsanitize= list, e.g. address,undefined); run the tests with
                               the runtime preloaded, see tests/sanitize.sh and docs/testing.md
"""
import os
import shlex
import subprocess
import sysconfig
import tempfile
import warnings
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = Path(__file__).parent
OPENMP_PROBE = r"""
#include <omp.h>
int main(void) {
    int n = 0;
    #pragma omp parallel reduction(+:n)
    n += 1;
    return omp_get_max_threads() > 0 && n > 0 ? 0 : 1;
}
"""
PLAIN_PROBE = "int main(void) { return 0; }\n"


def _flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _compiles(source, flags):
    """True when the Python build's C compiler compiles and links `source` with `flags`."""
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "probe.c")
        src.write_text(source)
        cmd = cc + [str(src), "-o", str(Path(tmp, "probe")), *flags]
        try:
            return subprocess.run(cmd, capture_output=True).returncode == 0
        except OSError:
            return False


def compiler_flags():
    debug, portable = _flag("TRADEINDEX_DEBUG"), _flag("TRADEINDEX_PORTABLE")
    cflags = ["-O0", "-g"] if debug else ["-O3"]
    sanitize = os.environ.get("TRADEINDEX_SANITIZE", "").strip()
    if sanitize:  # -O1 keeps the reports' stack traces exact (unless the debug build set -O0)
        cflags = (cflags if debug else ["-O1", "-g"]) + [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer"]
    if not portable and _compiles(PLAIN_PROBE, ["-march=native"]):
        cflags.append("-march=native")
    openmp = _compiles(OPENMP_PROBE, ["-fopenmp"])
    if openmp:
        cflags.append("-fopenmp")
    elif _flag("TRADEINDEX_REQUIRE_OPENMP"):
        raise RuntimeError(
            "TRADEINDEX_REQUIRE_OPENMP=1 but the C compiler cannot build an OpenMP program "
            "with -fopenmp; install an OpenMP-capable compiler (e.g. gcc) or unset the variable"
        )
    else:
        warnings.warn(
            "tradeindex: the C compiler has no usable OpenMP; kernels are built serial "
            "(tradeindex.show_config() reports it)", stacklevel=1)
    ldflags = (["-fopenmp"] if openmp else []) + [f for f in cflags if f.startswith("-fsanitize=")]
    return cflags, ldflags, debug


def extensions():
    cflags, ldflags, debug = compiler_flags()
    macros = [
        ("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
        ("TRADEINDEX_CFLAGS", '"%s"' % " ".join(cflags)),
    ]
    exts = [
        Extension(
            "tradeindex." + pyx.stem,
            [str(pyx.relative_to(HERE))],
            include_dirs=[numpy.get_include(), "ext"],
            define_macros=macros,
            extra_compile_args=cflags,
            extra_link_args=ldflags,
        )
        for pyx in sorted((HERE / "ext").glob("*.pyx"))
    ]
    directives = {
        "language_level": 3,
        "boundscheck": debug,
        "wraparound": False,
        "initializedcheck": debug,
        "cdivision": True,
        "embedsignature": True,
    }
    return cythonize(exts, compiler_directives=directives, include_path=["ext"])


setup(ext_modules=extensions())
