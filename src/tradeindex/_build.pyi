# Type stub of the compiled module ext/_build.pyx (what the kernels were built with).
openmp: bool
cflags: str
simd: str
thread_limit: int

def max_threads() -> int: ...
