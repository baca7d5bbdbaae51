"""The optional compiled module ``_cwalk``, loaded once for every module that uses it.

It holds compiled twins of a few hot functions (the HTML walk, the features
of lines, the ancestor paths of blocks); each keeps its pure-Python reference,
used when the module was not built, and tests compare the two.
"""

from __future__ import annotations

import os
from types import ModuleType


def load() -> ModuleType | None:
    """The compiled module, or ``None`` when it was not built (or ``SCRUBBER_PURE`` is set)."""
    if os.environ.get("SCRUBBER_PURE"):
        return None
    try:
        from . import _cwalk
    except Exception:  # not built, or built against an lxml whose layout differs
        return None
    return _cwalk


COMPILED = load()
