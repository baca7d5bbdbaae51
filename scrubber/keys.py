"""Match keys: the normalised form of text that rules are written against.

``match_key("（責任編輯：汇率）") == "(责任编辑:汇率)"``: NFKC folds full-width
forms and compatibility characters, OpenCC folds Traditional to Simplified,
and ``casefold`` folds case. NFKC can change meaning (``①`` -> ``1``), so a
key is only ever matched, never shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import regex

__all__ = ["has_han", "match_key", "match_keys"]

_HAN = regex.compile(r"\p{Han}")
_SPACES = regex.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


@lru_cache(maxsize=1)
def _t2s():  # the converter is immutable; loading it once is not state that changes results
    import opencc

    return opencc.OpenCC("t2s")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def _fold(text: str) -> str:
    # Lone surrogates (from badly decoded input) cannot reach OpenCC's UTF-8.
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).casefold()


def match_key(text: str) -> str:
    """The key of one piece of text."""
    text = _fold(text)
    if has_han(text):
        text = _t2s().convert(text)
    return text.strip()


def match_keys(texts: Sequence[str]) -> list[str]:
    """Keys of many texts with one OpenCC call for the whole document."""
    folded = [_fold(t).replace("\n", " ") for t in texts]
    joined = "\n".join(folded)
    if has_han(joined):
        converted = _t2s().convert(joined).split("\n")
        if len(converted) == len(folded):
            folded = converted
        else:  # pragma: no cover - OpenCC never touches newlines, but be safe
            folded = [_t2s().convert(t) for t in folded]
    return [k.strip() for k in folded]
