"""Match keys: the normalised form of text that rules are written against.

``match_key("（責任編輯：汇率）") == "(责任编辑:汇率)"``: NFKC folds full-width
forms and compatibility characters, OpenCC folds Traditional to Simplified,
and ``casefold`` folds case. NFKC can change meaning (``①`` -> ``1``), so a
key is only ever matched, never shown.
"""

from __future__ import annotations

import re
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
    """Keys of many texts, folded as one document: one pass of each step.

    Same keys as ``[match_key(t) for t in texts]``. The texts are joined with
    newlines and every folding step runs once over the join: the surrogate
    and NFKC steps and ``casefold`` work character by character (a newline
    never composes with its neighbours, and no character folds to a newline),
    and whitespace runs are collapsed within each line only, so the newlines
    still separate the texts afterwards.
    """
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1 or "\r" in joined:
        return _match_keys_each(texts)  # line breaks inside a text: fold one by one
    if not joined.isascii():
        joined = _nfkc_lines(_SURROGATE.sub("\ufffd", joined))
    if "  " in joined or _ODD_SPACES.search(joined):  # else every run is one space already
        joined = _LINE_SPACES.sub(" ", joined)
    joined = joined.casefold()
    if has_han(joined):
        joined = _t2s().convert(joined)
    folded = joined.split("\n")
    if len(folded) != len(texts):  # pragma: no cover - OpenCC never touches newlines
        return _match_keys_each(texts)
    return [k.strip() for k in folded]


# Whitespace runs as ``_SPACES`` sees them, except the newlines that join
# texts: regex's ``\s`` spelled out (the tests check it is the same set), for
# the stdlib engine, which scans a class of literals faster.
_LINE_SPACES = re.compile(
    "[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "\u200b-\u200d\u2060\ufeff]+")
# The same characters but the plain space. Collapsing runs changes nothing in a
# text whose only such characters are single spaces (HTML blocks: the walk has
# collapsed their whitespace), and one scan for these finds that out without
# a match per space.
_ODD_SPACES = re.compile(_LINE_SPACES.pattern.replace(" ", ""))
# Full-width punctuation in almost every Chinese line, with its NFKD form.
# Replacing a character by its full compatibility decomposition never changes
# the NFKC of a text (NFKC composes the full decomposition), and a few
# ``str.replace`` calls are much quicker than NFKC's own slow path.
_COMMON_COMPAT = tuple(
    (c, unicodedata.normalize("NFKD", c)) for c in "，：）（！？；．／…｜～－\u3000")


def _nfkc_lines(joined: str) -> str:
    """``unicodedata.normalize("NFKC", joined)`` for newline-joined texts."""
    if unicodedata.is_normalized("NFKC", joined):
        return joined
    for c, decomposed in _COMMON_COMPAT:
        if c in joined:
            joined = joined.replace(c, decomposed)
    if unicodedata.is_normalized("NFKC", joined):
        return joined
    # Lines normalise independently (see match_keys): only the few that need it.
    return "\n".join(line if unicodedata.is_normalized("NFKC", line)
                     else unicodedata.normalize("NFKC", line) for line in joined.split("\n"))


def _match_keys_each(texts: Sequence[str]) -> list[str]:
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
