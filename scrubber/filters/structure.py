"""Filters that judge a block by its shape alone, in any language."""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

from .._accel import COMPILED
from ..model import Block, Verdict
from ..pipeline import judges_all

__all__ = ["link_strip", "markup_line", "symbols_only"]

_MARKUP = regex.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>|<!--.*?-->", regex.I)

_BARS = "|｜丨¦•·"  # the bars and dots that separate the items of a strip
_IN_BARS = re.escape(_BARS)  # (inside a class, for either engine)
_STRIP_SEP = regex.compile(rf"\s*[{_IN_BARS}]\s*|\s+/\s+|\s{{2,}}")
# Every separator holds one of these (stdlib ``\s`` is str whitespace, which
# includes all of regex's ``\s``): most lines have none and need no split.
_MAYBE_SEP = re.compile(rf"[{_IN_BARS}\s]")
# What every separator holds, unlike a single space: a bar or dot, a slash
# after a space, or two spaces. Most lines of prose have none. (Spelled as one
# class first, so that the engine skips to its characters.)
_SEP_SEED = re.compile(rf"[{_IN_BARS}\s](?:(?<=[{_IN_BARS}])|[\s/])")
# A strip's items are at most this long. Every separator holds white space or
# a bar, so a text with a longer run of other characters holds a longer item:
# the compiled scan passes it over (``_strips_all``).
_LONGEST_ITEM = 12
_COMPILED_SEED = getattr(COMPILED, "sep_seed", None)
_COMPILED_SEEDS = getattr(COMPILED, "sep_seed_blocks", None)
_COMPILED_FEATURE_IS = getattr(COMPILED, "feature_is", None)
_COMPILED_TEXT_HOLDS = getattr(COMPILED, "text_holds", None)


def _has_sep_seed(text: str) -> bool:
    """Does ``text`` hold a match of ``_SEP_SEED``? (One compiled pass when built:
    the regex stops at every space.)"""
    if _COMPILED_SEED is not None:
        return _COMPILED_SEED(text, _BARS)
    return _SEP_SEED.search(text) is not None


def symbols_only(block: Block, doc) -> Verdict | None:
    """Drop blocks with no letter or digit at all: separators such as ``-``, ``|``, ``—``.

    Drop: ``-``, ``———``, ``| |``.  Keep: ``1``, ``OK``, ``好``.
    """
    if block.features.get("alnum", 1) == 0:
        return Verdict.drop("separator", "no letters or digits: a separator or decoration",
                            evidence=block.text[:20])
    return None


def link_strip(block: Block, doc) -> Verdict | None:
    """Drop a strip of short items joined by ``|``, ``·`` or ``/``: a menu or footer nav.

    Drop: ``关于我们 | 网站地图 | 联系我们 | 广告服务``, ``Home · World · Sport · Tech``.
    Keep: ``他说：北京 | 上海的房价都在涨，这是事实。`` (items are not all short).
    """
    if block.features.get("full_stop"):  # checked first: no split needed
        return None
    if _MAYBE_SEP.search(block.text) is None:
        return None  # one part only
    parts = [p for p in _STRIP_SEP.split(block.text) if p]
    if len(parts) < 3:
        return None
    if (all(len(p) <= _LONGEST_ITEM for p in parts)
            and sum(len(p) <= 8 for p in parts) >= len(parts) * 0.75):
        return Verdict.drop("nav", "a strip of short links separated by | or ·",
                            evidence=f"{len(parts)} items")
    return None


def markup_line(block: Block, doc) -> Verdict | None:
    """Drop a line of plain text that is only HTML tags (markup leaked into a scrape).

    Drop: ``<div class="pic_img">``.  Keep: ``a < b and c > d`` (not tags).
    """
    if "<" not in block.text:
        return None
    rest = _MARKUP.sub("", block.text)
    if rest != block.text and not regex.search(r"[\p{L}\p{N}]", rest):
        return Verdict.drop("markup", "HTML tags only, no text", evidence=block.text[:40])
    return None


# -- whole-document versions (``Pipeline.judge`` calls them once per document) ----


@judges_all(symbols_only)
def _symbols_all(doc, todo: Sequence[int]) -> dict[int, Verdict]:
    blocks = doc.blocks
    if _COMPILED_FEATURE_IS is not None and type(todo) is list:  # the first test, compiled
        picked = _COMPILED_FEATURE_IS(blocks, todo, "alnum", 0.0, 1)
    else:
        picked = [i for i in todo if blocks[i].features.get("alnum", 1) == 0]
    return {i: v for i in picked if (v := symbols_only(blocks[i], doc)) is not None}


@judges_all(link_strip)
def _strips_all(doc, todo: Sequence[int]) -> dict[int, Verdict]:
    """Only lines holding a separator can be strips (most prose has single spaces
    only): the others are passed over without a split. A strip has three items
    or more, so two separators, which start at two places a seed does: the
    compiled scan asks for two (a name's one dot, "迈克尔·乔丹", is not enough),
    and passes over a text holding a run longer than an item can be."""
    blocks = doc.blocks
    if _COMPILED_SEEDS is not None and type(todo) is list:  # the first two tests, compiled
        seeded = _COMPILED_SEEDS(blocks, todo, _BARS, 2, _LONGEST_ITEM)
    else:
        seed = _has_sep_seed
        seeded = [i for i in todo if not blocks[i].features.get("full_stop")
                  and seed(blocks[i].text)]
    return {i: v for i in seeded if (v := link_strip(blocks[i], doc)) is not None}


@judges_all(markup_line)
def _markup_all(doc, todo: Sequence[int]) -> dict[int, Verdict]:
    blocks = doc.blocks
    if _COMPILED_TEXT_HOLDS is not None and type(todo) is list:  # the first test, compiled
        picked = _COMPILED_TEXT_HOLDS(blocks, todo, "<")
    else:
        picked = [i for i in todo if "<" in blocks[i].text]
    return {i: v for i in picked if (v := markup_line(blocks[i], doc)) is not None}
