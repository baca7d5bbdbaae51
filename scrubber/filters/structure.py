"""Filters that judge a block by its shape alone, in any language."""

from __future__ import annotations

from ..model import Block, Verdict

__all__ = ["symbols_only"]


def symbols_only(block: Block, doc) -> Verdict | None:
    """Drop blocks with no letter or digit at all: separators such as ``-``, ``|``, ``—``.

    Drop: ``-``, ``———``, ``| |``.  Keep: ``1``, ``OK``, ``好``.
    """
    if block.features.get("alnum", 1) == 0:
        return Verdict.drop("separator", "no letters or digits: a separator or decoration",
                            evidence=block.text[:20])
    return None
