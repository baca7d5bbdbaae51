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

import regex

from .keys import match_keys
from .model import Block, Role

__all__ = ["blocks_from_text", "measure", "text_lines"]

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
# Sentence punctuation; "." "," ":" between digits (28.8, 1,000, 10:23) are not.
# Besides CJK and Latin marks: Arabic-script ، ؛ ؟ ۔ (Arabic, Persian, Urdu),
# Devanagari/Bengali danda । ॥, Armenian ։, Ethiopic ። ፣, Myanmar ။ ၊, Khmer ។,
# Tibetan །, full-width ． and half-width ｡ ､.
_PUNCT = regex.compile(r"[，。！？；、!?;：…،؛؟۔।॥։።፣။၊។།．｡､]|(?<!\d)[,.:]|[,.:](?!\d)")
# Counting runs and joining them is the same count as findall of single
# characters, with far fewer match objects.
_CJK_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
_ALNUM_RUN = regex.compile(r"[\p{L}\p{N}]+")
_SENTENCE_END = regex.compile(
    r"(?:[。！？!?…;；.」”』\"'؟۔।॥։።။។།．｡]|[。！？!?.][）)])\s*$")
_FULL_STOP = regex.compile(r"(?:[。.۔।॥։።။។．｡]|[。.!?！？][」”』\"'）)])\s*$")
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
    # Line numbers of each block, counted once over the input.
    numbers, line, pos = [], 1, 0
    for start in lines:
        line += text.count("\n", pos, start)
        pos = start
        numbers.append(line)
    return tuple(
        Block(
            index=i,
            text=t,
            key=k,
            role=Role.LINE,
            path=f"line {line}",
            span=s,
            features=measure(t),
        )
        for i, (t, k, s, line) in enumerate(zip(texts, keys, spans, numbers))
    )
