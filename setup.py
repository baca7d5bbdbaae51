"""Build of the optional compiled walk (``scrubber/_cwalk.pyx``).

Everything else about the package is in ``pyproject.toml``. The extension is
an accelerator, not a requirement: when Cython, lxml's headers or a C
compiler are missing, or the compile fails, the build goes on without it and
scrubber uses the pure-Python walk, which gives the same results
(``tests/test_cwalk.py``). Set ``SCRUBBER_PURE=1`` to build without it.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns and goes on when the extension cannot be built."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, missing headers
            self._skip(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._skip(exc)

    @staticmethod
    def _skip(exc: Exception) -> None:
        print(f"scrubber: building the compiled walk failed ({exc}); "
              "the pure-Python walk will be used", file=sys.stderr)


def extensions() -> list[Extension]:
    if os.environ.get("SCRUBBER_PURE"):
        return []
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError as exc:
        print(f"scrubber: not building the compiled walk ({exc})", file=sys.stderr)
        return []
    # The compiled twins must round as Python does: no fused multiply-adds
    # (GCC contracts a * b + c by default where the machine has them, as on ARM).
    flags = [] if os.name == "nt" else ["-ffp-contract=off"]
    ext = Extension("scrubber._cwalk", ["scrubber/_cwalk.pyx"], include_dirs=lxml.get_include(),
                    extra_compile_args=flags)
    try:
        return cythonize([ext], quiet=True)
    except Exception as exc:
        print(f"scrubber: cythonize failed ({exc})", file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
