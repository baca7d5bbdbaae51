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

import codecs
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add, sub
from typing import Any

import regex

from ._accel import COMPILED
from .keys import match_keys
from .model import Block, Role, blocks_from_columns

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
    return list(map(len, ascii_bytes.translate(None, delete).split(b"\n")))


# The other characters are counted the same way, on bytes. The common ones
# (``_COMMON``: punctuation, symbols, Latin-1, full-width forms) are encoded
# one byte each with a charmap codec, which drops every other character (in C,
# no Python code per character); the features of each common character are
# looked up once, at import, with the patterns of ``measure``. Characters that
# are neither ASCII nor common are mostly Han, kana and hangul: in the ranges
# of ``_CJK_LIKE``, checked at import, every character is a CJK letter (CJK,
# alphanumeric, no punctuation), so their number is what is left. Any other
# character (Cyrillic, emoji...) is found by ``_OUTSIDER`` and counted with the
# patterns; text with many of those takes the regex path instead.
_COMMON = "".join((
    "".join(map(chr, range(0xA0, 0x100))),  # Latin-1
    "".join(map(chr, range(0x2010, 0x2028))), "‰‱′″‹›※",  # general punctuation
    "".join(map(chr, range(0x3000, 0x3021))),  # CJK punctuation
    "".join(map(chr, range(0xFF01, 0xFF21))), "".join(map(chr, range(0xFF3B, 0xFF41))),
    "".join(map(chr, range(0xFF5B, 0xFF66))),  # full-width punctuation and digits
    "ー・℃№™→←↑↓①②③④⑤⑥⑦⑧⑨⑩─│■□▲△▼▽◆○◎●★",
    "".join(c for c in _PUNCT_CHARS if not c.isascii()),
))
_COMMON = "".join(dict.fromkeys(_COMMON))  # once each, in order
# One byte per character, all 256 in use (a free byte would stand for U+FFFE).
# Byte 10 stays the newline, so the encoded lines split as the text's do, and
# byte 0 the NUL character: ``charmap_build`` makes its quick table (not a
# dict lookup per character) only for tables that start with it. NUL is ASCII:
# the per-class tables below delete it.
if len(_COMMON) != 254:  # pragma: no cover - a slip when editing the list
    raise AssertionError(f"_COMMON must have 254 characters, not {len(_COMMON)}")
_TABLE = "\0" + _COMMON[:9] + "\n" + _COMMON[9:]
_CHARMAP = codecs.charmap_build(_TABLE)
_BYTE_OF = {c: b for b, c in enumerate(_TABLE) if c not in "\0\n"}


def _common_bytes(chars: str) -> bytes:
    """The bytes ``_CHARMAP`` encodes ``chars`` to (those of them in ``_COMMON``)."""
    return bytes(_BYTE_OF[c] for c in chars if c in _BYTE_OF)


def _delete_but(keep: bytes) -> bytes:
    """A ``bytes.translate`` deletion table keeping ``keep`` and the newline."""
    return bytes(b for b in range(256) if b not in keep and b != 10)


_COMMON_DELETE = {
    "any": _delete_but(_common_bytes(_COMMON)),
    "cjk": _delete_but(_common_bytes("".join(_CJK.findall(_COMMON)))),
    "alnum": _delete_but(_common_bytes("".join(_ALNUM.findall(_COMMON)))),
    "punct": _delete_but(_common_bytes(_PUNCT_CHARS)),
}


def _cjk_letters_only(first: int, last: int) -> bool:
    """Every character from ``first`` to ``last`` is CJK and alphanumeric, none punctuation."""
    chars = "".join(map(chr, range(first, last + 1)))
    return bool(_CJK_RUN.fullmatch(chars) and _ALNUM_RUN.fullmatch(chars)
                and not _PUNCT.search(chars))


# Unicode ranges of CJK letters only: kana, Han, hangul syllables (each kept if
# the installed ``regex`` agrees).
_CJK_LIKE = "".join(f"{chr(a)}-{chr(b)}" for a, b in (
    (0x3041, 0x3096), (0x30A1, 0x30FA), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3))
    if _cjk_letters_only(a, b))
# One character per match: quicker to scan for than runs, and outsiders are few.
_OUTSIDER = re.compile(f"[^\\x00-\\x7f{re.escape(_COMMON)}{_CJK_LIKE}]")
_MANY_OUTSIDERS = 500  # per document, before the regex path is quicker


def _measure_stripped(texts: list[str], frozen: bool = False) -> list[Mapping[str, float]]:
    """:func:`measure_lines` for texts known to be non-empty, stripped and
    without line breaks (the lines of :func:`blocks_from_text`): compiled
    when ``_cwalk`` was built, else :func:`_measure_stripped_py`. ``frozen``:
    compiled, each text's features in a ``_cwalk.Features`` (a read-only
    mapping, equal to the dict; decision 75), not a dict."""
    global _FAST_MEASURE
    if _FAST_MEASURE is _UNSET:
        _FAST_MEASURE = _compiled_measure()
    if _FAST_MEASURE is not None:
        return _FAST_MEASURE(texts, frozen)
    return _measure_stripped_py(texts)


_UNSET = object()
_FAST_MEASURE = _UNSET  # resolved on first use (html, which loads _cwalk, imports this module)


def _measure_stripped_py(texts: list[str]) -> list[dict[str, float]]:
    """The pure-Python :func:`_measure_stripped`, in a few passes over the whole
    document (no Python code per character)."""
    joined = "\n".join(texts)
    n = len(texts)
    ascii_bytes = joined.encode("ascii", "ignore")  # the ASCII characters, lines kept
    alnums = _byte_counts(ascii_bytes, _DELETE_BUT_ALNUM)
    puncts = _byte_counts(ascii_bytes, _DELETE_BUT_PUNCT)
    if joined.isascii():
        cjks = [0] * n
    else:
        cjks, alnums, puncts = _other_counts(texts, joined, ascii_bytes, alnums, puncts)
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


def _other_counts(texts: list[str], joined: str, ascii_bytes: bytes, alnums: list[int],
                  puncts: list[int]) -> tuple[list[int], list[int], list[int]]:
    """CJK, alphanumeric and punctuation counts per line: the ASCII ones given,
    plus those of the other characters of ``joined`` (see ``_COMMON``)."""
    outsiders = list(_OUTSIDER.finditer(joined))
    if len(outsiders) > _MANY_OUTSIDERS:
        rest = _ASCII_RUN.sub("", joined)  # the other characters, lines kept
        cjks = _counts(_NOT_CJK, rest)
        alnums = list(map(add, alnums, _counts(_NOT_ALNUM, rest)))
        puncts = list(map(add, puncts, _counts(_NOT_PUNCT_CHAR, rest)))
        return cjks, alnums, puncts
    common = codecs.charmap_encode(joined, "ignore", _CHARMAP)[0]
    # Per line: the characters neither ASCII nor common, taken as CJK letters.
    others = map(sub, map(len, texts), map(len, ascii_bytes.split(b"\n")))
    letters = list(map(sub, others, _byte_counts(common, _COMMON_DELETE["any"])))
    cjks = list(map(add, letters, _byte_counts(common, _COMMON_DELETE["cjk"])))
    alnums = list(map(add, alnums, map(add, letters,
                                       _byte_counts(common, _COMMON_DELETE["alnum"]))))
    puncts = list(map(add, puncts, _byte_counts(common, _COMMON_DELETE["punct"])))
    if outsiders:  # count them as what they are, not as CJK letters
        starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        for m in outsiders:
            i = bisect_right(starts, m.start()) - 1
            c = m.group()
            cjks[i] -= _CJK.match(c) is None
            alnums[i] -= _ALNUM.match(c) is None
            puncts[i] += c in _PUNCT_CHARS
    return cjks, alnums, puncts


def measure_lines(texts: list[str]) -> list[dict[str, float]]:
    """``[measure(t) for t in texts]`` for stripped one-line texts, counted in a
    few passes over the whole document instead of five regex calls per line.

    Joined with newlines, the lines keep their own characters, and a
    character next to a newline has no digit neighbour there, as at the edge
    of its own line, so the ``_PUNCT`` lookarounds see the same. Without
    trailing whitespace the end patterns reduce to the last two characters.
    """
    return _measured(texts)


def _measured(texts: list[str], frozen: bool = False) -> list[Mapping[str, float]]:
    """:func:`measure_lines`; ``frozen``: the features of stripped one-line texts
    as ``_cwalk.Features`` where it was built (``html._parse_page``, decision 75)."""
    if _STRIPPED_LINES is not None and type(texts) is list:  # the test below, compiled
        if not _STRIPPED_LINES(texts):
            return [measure(t) for t in texts]
    elif any(not t or "\n" in t or "\r" in t or t[-1].isspace() for t in texts):
        return [measure(t) for t in texts]
    return _measure_stripped(texts, frozen)


_STRIPPED_LINES = getattr(COMPILED, "stripped_lines", None)


def text_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped: what the blocks partition."""
    return [s for s in (m.group(0).strip() for m in _LINE.finditer(text)) if s]


def blocks_from_text(text: str) -> tuple[Block, ...]:
    """One block per non-blank line, keeping its span in ``text``."""
    texts, spans, numbers = _lines(text) if "\r" in text else _SPLIT_LINES(text)
    keys = match_keys(texts)
    features = _measure_stripped(texts, True)
    n = len(texts)
    return tuple(blocks_from_columns(n, (
        range(n), texts, keys, repeat(Role.LINE), _line_labels(numbers), spans,
        features, repeat(None), repeat(()))))


def _line_labels_py(numbers: list[int]) -> list[str]:
    """The paths of plain-text blocks: ``line N`` for line number N."""
    return [f"line {n}" for n in numbers]


#: :func:`_line_labels_py`, compiled (``_cwalk.line_labels``) when the module was built
_line_labels = getattr(COMPILED, "line_labels", None) or _line_labels_py


def _lines(text: str) -> tuple[list[str], list[tuple[int, int]], list[int]]:
    """The non-blank lines of ``text`` (lines end at ``\r`` or ``\n``), stripped,
    with their spans in ``text`` and their line numbers (counted in ``\n``)."""
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
    # Line numbers of each block, counted once over the input.
    numbers, line, pos = [], 1, 0
    for start in lines:
        line += text.count("\n", pos, start)
        pos = start
        numbers.append(line)
    return texts, spans, numbers


def _lines_split(text: str) -> tuple[list[str], list[tuple[int, int]], list[int]]:
    """:func:`_lines` for text without ``\r``: the lines are ``text.split("\n")``,
    line N the N-th of them. Each step is one ``map`` or ``compress`` over all
    lines, instead of a regex match and a few Python statements per line."""
    lines = text.split("\n")
    stripped = list(map(str.strip, lines))
    offsets = accumulate(map(_plus_one, map(len, lines)), initial=0)  # where each line starts
    kept = list(compress(lines, stripped))  # blank lines strip to "", which is false
    texts = list(compress(stripped, stripped))
    leads = map(sub, map(len, kept), map(len, map(str.lstrip, kept)))
    starts = list(map(add, compress(offsets, stripped), leads))
    spans = list(zip(starts, map(add, starts, map(len, texts))))
    return texts, spans, list(compress(range(1, len(lines) + 1), stripped))


_plus_one = (1).__add__

#: :func:`_lines_split`, compiled (``_cwalk.split_lines``) when the module was built
_SPLIT_LINES = getattr(COMPILED, "split_lines", None) or _lines_split


# -- the compiled twin of ``_measure_stripped`` ---------------------------------
# ``_cwalk.measure_stripped`` reads each character once and looks up what it
# counts as in a table of feature bits, built here from the patterns above
# (so both versions share one definition of every class). The bits are those
# of ``_cwalk.pyx``'s ``F_*`` names.
_DIGIT = regex.compile(r"\d")  # what _PUNCT's lookarounds take for a digit
_CLASS_BITS = ((_CJK, 1), (_ALNUM, 2), (_DIGIT, 16))
_SET_BITS = ((_PUNCT_CHARS, 4), (",.:", 8), (_SENTENCE_LAST, 32), (_SENTENCE_STOPS, 64),
             (_SENTENCE_CLOSERS, 128), (_FULL_LAST, 256), (_FULL_STOPS, 512),
             (_FULL_CLOSERS, 1024))


@lru_cache(maxsize=4096)  # a pure function of one code point; characters past the BMP are rare
def _bits_of(code: int) -> int:
    """The feature bits of one character."""
    c = chr(code)
    return (sum(bit for pattern, bit in _CLASS_BITS if pattern.match(c))
            + sum(bit for chars, bit in _SET_BITS if c in chars))


def bmp_bits(classes: Iterable[tuple[int, Any]]) -> bytes:
    """A byte per BMP character: the sum of the ``bit`` of each ``(bit, pattern)``
    whose pattern matches the character. Each pattern runs once over all the BMP
    characters; it must judge each character on its own (a single character, or
    a run of one class: a run sets the bit on each of its characters). The bits
    are distinct, so the sums carry nothing over. The byte tables of the
    compiled twins (``core._class_table``, ``html._cjk_break_table``) are built
    this way, from the very patterns their Python versions use."""
    every = "".join(map(chr, range(0x10000)))
    table = 0
    for bit, pattern in classes:
        mask = bytearray(0x10000)
        for m in pattern.finditer(every):
            mask[m.start():m.end()] = b"\1" * (m.end() - m.start())
        table += int.from_bytes(mask, "little") * bit
    return table.to_bytes(0x10000, "little")


@lru_cache(maxsize=1)  # built once, on first use; never changes
def _feature_table() -> array:
    """The feature bits of every BMP character, one unsigned 16-bit entry each.

    Each class is found by one scan of all the characters (the patterns are
    single characters, so each is judged on its own), not 65,536 calls."""
    every = "".join(map(chr, range(0x10000)))
    table = array("H", bytes(2 * 0x10000))
    for pattern, bit in _CLASS_BITS:
        for m in pattern.finditer(every):
            table[m.start()] |= bit
    for chars, bit in _SET_BITS:
        for c in set(chars):
            table[ord(c)] |= bit
    return table


def _compiled_measure():
    """``_cwalk.measure_stripped`` with its tables, or ``None`` (not built, or
    ``SCRUBBER_PURE`` set)."""
    from ._accel import COMPILED as _COMPILED

    fn = getattr(_COMPILED, "measure_stripped", None)
    if fn is None:
        return None
    return lambda texts, frozen=False: fn(texts, _feature_table(), _bits_of, frozen)
