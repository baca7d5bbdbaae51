"""Explicit display normalisers, off by default.

Each is ``f(text) -> (new_text, count)`` with ``count`` the number of
changes, so an Article can report what each one changed
(``Article.changes``). Judging never depends on them: filters read match keys.

>>> zh_punctuation("据报道,OpenAI(开放人工智能)称:好")
('据报道，OpenAI（开放人工智能）称：好', 3)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import regex

__all__ = ["NORMALISERS", "s2t", "t2s", "whitespace", "zh_punctuation"]

_FULL = {",": "，", "?": "？", ":": "：", "!": "！", ";": "；"}
# ASCII punctuation right after a Han character (or a closing CJK quote) and
# not inside a number (1,000) or a URL (http://).
_PUNCT_AFTER_HAN = regex.compile(r"(?<=[\p{Han}”」』》）])([,?:!;]+)(?![\d/])")
_PAREN_HAN = regex.compile(r"\(([^()\n]*\p{Han}[^()\n]*)\)")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_ZERO_WIDTH = regex.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE_RUN = regex.compile(r"[ \t\u00a0\u3000]{2,}|[\t\u00a0]")


def zh_punctuation(text: str) -> tuple[str, int]:
    """ASCII ``, ? : ! ;`` after a Han character, and ``()`` around Han text, to full width."""
    n1 = 0

    def full(m: regex.Match[str]) -> str:
        nonlocal n1
        n1 += len(m.group(1))
        return "".join(_FULL[c] for c in m.group(1))

    text = _PUNCT_AFTER_HAN.sub(full, text)
    text, n2 = _PAREN_HAN.subn(lambda m: f"（{m.group(1)}）", text)
    return text, n1 + n2


def whitespace(text: str) -> tuple[str, int]:
    """Remove zero-width characters and soft hyphens; collapse runs of spaces and tabs."""
    text, n1 = _ZERO_WIDTH.subn("", text)
    text, n2 = _SPACE_RUN.subn(" ", text)
    stripped = text.strip()
    return stripped, n1 + n2 + (stripped != text)


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> tuple[str, int]:
    if _SURROGATE.search(text):  # OpenCC cannot take lone surrogates; leave such text alone
        return text, 0
    new = _converter(config).convert(text)
    if new == text:
        return text, 0
    return new, sum(a != b for a, b in zip(text, new)) + abs(len(new) - len(text))


def t2s(text: str) -> tuple[str, int]:
    """Traditional to Simplified Chinese (OpenCC ``t2s``)."""
    return _convert("t2s", text)


def s2t(text: str) -> tuple[str, int]:
    """Simplified to Traditional Chinese (OpenCC ``s2t``)."""
    return _convert("s2t", text)


NORMALISERS: dict[str, Callable[[str], tuple[str, int]]] = {
    "zh_punctuation": zh_punctuation,
    "whitespace": whitespace,
    "t2s": t2s,
    "s2t": s2t,
}
