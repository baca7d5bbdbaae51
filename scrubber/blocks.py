"""Turning input into blocks, and the per-block features filters read.

Plain text: every non-blank line is one block; its display text is the line
with surrounding whitespace trimmed, and ``span`` points back into the input.
That trimming and the dropped blank lines are the only normalisation, so
``"\\n".join(block.text)`` over all blocks equals the input's non-blank lines,
stripped (:func:`text_lines`).

Features are CJK-aware: ``units`` counts a Han/Kana/Hangul character as one
and any other letter or digit as half, so a 30-character Chinese sentence
and a 12-word English one weigh about the same; no word splitting by spaces.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

import regex

from .keys import match_keys
from .model import Block, Role

__all__ = ["blocks_from_text", "measure", "measure_lines", "text_lines"]

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
# Sentence punctuation; "." "," ":" between digits (28.8, 1,000, 10:23) are not.
# Besides CJK and Latin marks: Arabic-script ، ؛ ؟ ۔ (Arabic, Persian, Urdu),
# Devanagari/Bengali danda । ॥, Armenian ։, Ethiopic ። ፣, Myanmar ။ ၊, Khmer ។,
# Tibetan །, full-width ． and half-width ｡ ､. The single-character sets below
# are shared with the whole-document fast path (``measure_lines``).
_PUNCT_CHARS = "，。！？；、!?;：…،؛؟۔।॥։።፣။၊។།．｡､"
_PUNCT = regex.compile(rf"[{_PUNCT_CHARS}]|(?<!\d)[,.:]|[,.:](?!\d)")
# Counting runs and joining them is the same count as findall of single
# characters, with far fewer match objects.
_CJK_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
_ALNUM_RUN = regex.compile(r"[\p{L}\p{N}]+")
# A sentence ends in one of _SENTENCE_ONE, or a closing bracket after a stop.
_SENTENCE_ONE = "。！？!?…;；.」”』\"'؟۔।॥։።။។།．｡"
_SENTENCE_STOP = "。！？!?."
_SENTENCE_END = regex.compile(rf"(?:[{_SENTENCE_ONE}]|[{_SENTENCE_STOP}][）)])\s*$")
# A full stop: one of _FULL_ONE, or a closing quote or bracket after an end mark.
_FULL_ONE = "。.۔।॥։።။។．｡"
_FULL_STOP_BEFORE = "。.!?！？"
_FULL_STOP = regex.compile(rf"(?:[{_FULL_ONE}]|[{_FULL_STOP_BEFORE}][」”』\"'）)])\s*$")
_LINE = regex.compile(r"[^\r\n]+")


def measure(text: str) -> dict[str, float]:
    """Length and punctuation features of one block's text."""
    join = "".join
    cjk = 0 if text.isascii() else len(join(_CJK_RUN.findall(text)))
    alnum = len(join(_ALNUM_RUN.findall(text)))
    punct = len(_PUNCT.findall(text))
    units = cjk + 0.5 * (alnum - cjk)
    # Both end patterns are at most two characters before trailing whitespace
    # (every regex \s is str whitespace): search only there.
    n = len(text)
    start = n - (n - len(text.rstrip())) - 2
    start = start if start > 0 else 0
    return {
        "chars": n,
        "cjk": cjk,
        "alnum": alnum,
        "units": units,
        "punct": punct,
        "punct_density": punct / units if units else 0.0,
        "ends_sentence": 1.0 if _SENTENCE_END.search(text, start) else 0.0,
        "full_stop": 1.0 if _FULL_STOP.search(text, start) else 0.0,
    }


# Whole-document counting (``measure_lines``): delete what a feature does not
# count, keeping the newlines that separate the lines, and take lengths.
_NOT_CJK = regex.compile(r"[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\n]+")
_NOT_ALNUM = regex.compile(r"[^\p{L}\p{N}\n]+")
# ``_PUNCT`` counts every character of this set except a [,.:] between two digits.
_NOT_PUNCT_CHAR = regex.compile(rf"[^{_PUNCT_CHARS},.:\n]+")
_DIGIT_SEP = regex.compile(r"(?<=\d)[,.:](?=\d)")
# Last characters that end a sentence (``_SENTENCE_END`` / ``_FULL_STOP`` on
# text without trailing whitespace): one character, or a closer after a stop.
_SENTENCE_LAST = frozenset(_SENTENCE_ONE)
_SENTENCE_STOPS, _SENTENCE_CLOSERS = frozenset(_SENTENCE_STOP), frozenset("）)")
_FULL_LAST = frozenset(_FULL_ONE)
_FULL_STOPS, _FULL_CLOSERS = frozenset(_FULL_STOP_BEFORE), frozenset("」”』\"'）)")


def _counts(pattern: regex.Pattern[str], joined: str) -> list[int]:
    """Per line of ``joined``, how many characters ``pattern`` does not delete."""
    return [len(s) for s in pattern.sub("", joined).split("\n")]


# The counts are split by character: ASCII characters are counted on the
# ASCII bytes of the text, deleting bytes with ``bytes.translate`` (a table
# lookup in C, no regex), and only the other characters go through the
# Unicode classes. English text is nearly all ASCII, and in Chinese text
# the ASCII runs (spaces, digits, Latin words) are many short matches less.
# Every CJK character is non-ASCII; the ASCII letters and digits are [A-Za-z0-9].
_ASCII_RUN = re.compile(r"[\x00-\x09\x0b-\x7f]+")  # every ASCII character but the newline
_KEEP_ALNUM = b"\n" + bytes(c for c in range(128) if chr(c).isascii() and chr(c).isalnum())
_KEEP_PUNCT = b"\n" + "".join(sorted({c for c in _PUNCT_CHARS + ",.:" if c.isascii()})).encode()
_DELETE_BUT_ALNUM = bytes(c for c in range(256) if c not in _KEEP_ALNUM)
_DELETE_BUT_PUNCT = bytes(c for c in range(256) if c not in _KEEP_PUNCT)


def _byte_counts(ascii_bytes: bytes, delete: bytes) -> list[int]:
    """Per line of ``ascii_bytes``, how many bytes are not in ``delete``."""
    return [len(s) for s in ascii_bytes.translate(None, delete).split(b"\n")]


def measure_lines(texts: list[str]) -> list[dict[str, float]]:
    """``[measure(t) for t in texts]`` for stripped one-line texts, counted in a
    few passes over the whole document instead of five regex calls per line.

    Joined with newlines, the lines keep their own characters, and a
    character next to a newline has no digit neighbour there, as at the edge
    of its own line, so the ``_PUNCT`` lookarounds see the same. Without
    trailing whitespace the end patterns reduce to the last two characters.
    """
    if any(not t or "\n" in t or "\r" in t or t[-1].isspace() for t in texts):
        return [measure(t) for t in texts]
    return _measure_stripped(texts)


def _measure_stripped(texts: list[str]) -> list[dict[str, float]]:
    """:func:`measure_lines` for texts known to be non-empty, stripped and
    without line breaks (the lines of :func:`blocks_from_text`)."""
    joined = "\n".join(texts)
    n = len(texts)
    ascii_bytes = joined.encode("ascii", "ignore")  # the ASCII characters, lines kept
    alnums = _byte_counts(ascii_bytes, _DELETE_BUT_ALNUM)
    puncts = _byte_counts(ascii_bytes, _DELETE_BUT_PUNCT)
    if joined.isascii():
        cjks = [0] * n
    else:
        rest = _ASCII_RUN.sub("", joined)  # the other characters, lines kept
        cjks = _counts(_NOT_CJK, rest)
        alnums = [a + b for a, b in zip(alnums, _counts(_NOT_ALNUM, rest))]
        puncts = [a + b for a, b in zip(puncts, _counts(_NOT_PUNCT_CHAR, rest))]
    if _DIGIT_SEP.search(joined):  # 28.8, 1,000: not punctuation
        starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        for m in _DIGIT_SEP.finditer(joined):
            puncts[bisect_right(starts, m.start()) - 1] -= 1
    out = []
    for text, cjk, alnum, punct in zip(texts, cjks, alnums, puncts):
        units = cjk + 0.5 * (alnum - cjk)
        last = text[-1]
        before = text[-2] if len(text) > 1 else ""
        out.append({
            "chars": len(text),
            "cjk": cjk,
            "alnum": alnum,
            "units": units,
            "punct": punct,
            "punct_density": punct / units if units else 0.0,
            "ends_sentence": 1.0 if last in _SENTENCE_LAST or (
                last in _SENTENCE_CLOSERS and before in _SENTENCE_STOPS) else 0.0,
            "full_stop": 1.0 if last in _FULL_LAST or (
                last in _FULL_CLOSERS and before in _FULL_STOPS) else 0.0,
        })
    return out


def text_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped: what the blocks partition."""
    return [s for s in (m.group(0).strip() for m in _LINE.finditer(text)) if s]


def blocks_from_text(text: str) -> tuple[Block, ...]:
    """One block per non-blank line, keeping its span in ``text``."""
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    lines: list[int] = []
    for m in _LINE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        spans.append((start, start + len(stripped)))
        texts.append(stripped)
        lines.append(start)
    keys = match_keys(texts)
    features = _measure_stripped(texts)
    # Line numbers of each block, counted once over the input.
    numbers, line, pos = [], 1, 0
    for start in lines:
        line += text.count("\n", pos, start)
        pos = start
        numbers.append(line)
    # Positional arguments: about twice as quick as keywords for a frozen
    # dataclass (the speed tests check the field order).
    line_role = Role.LINE
    return tuple(
        Block(i, t, k, line_role, f"line {line}", s, f)
        for i, (t, k, s, line, f) in enumerate(zip(texts, keys, spans, numbers, features))
    )
