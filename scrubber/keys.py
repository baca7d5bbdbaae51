"""Match keys: the normalised form of text that rules are written against.

``match_key("（責任編輯：汇率）") == "(责任编辑:汇率)"``: NFKC folds full-width
forms and compatibility characters, OpenCC folds Traditional to Simplified,
and ``casefold`` folds case. NFKC can change meaning (``①`` -> ``1``), so a
key is only ever matched, never shown.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import compress
from operator import ne

import regex

from ._accel import COMPILED

__all__ = ["has_han", "match_key", "match_keys"]

_HAN = regex.compile(r"\p{Han}")
_SPACES = regex.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


@lru_cache(maxsize=1)
def _t2s():  # the converter is immutable; loading it once is not state that changes results
    import opencc

    return opencc.OpenCC("t2s")


# Characters t2s changes only inside some phrase of its dictionary (深沈 -> 深沉,
# 回覆 -> 回复), never alone. The tests check on the installed OpenCC's
# dictionaries that every entry t2s changes holds one of these or a character
# t2s changes alone.
_PHRASE_ONLY = "哩坏沈甦瞭藉衹覆"

# Characters some phrase of t2s's dictionary converts otherwise than each of its
# characters alone would be: 乾 -> 干 alone but not in 乾隆 or 乾坤, 於 -> 于 but
# not in 於菟, 畫 -> 画 but 計畫 -> 计划, 覆 and 沈 unchanged alone but not in
# 回覆 or 深沈. A line holding none of them converts character by character:
# every other phrase of the dictionary converts as its characters do alone.
# The tests check both on the installed OpenCC's dictionaries (decision 67).
_IN_PHRASES = "么乾俱剋劄吒哩噁坏彷徵扞於昇氾沈濛甦畫瞭祕脩蒐薹藉衹袷覆計谿逕釐鉅鍊鍾陞麼麽"

# Per character of ``_IN_PHRASES``, the characters next to it (before it, after
# it) in the entries of t2s's dictionaries that convert otherwise than their
# characters alone (深沈, 回覆, 乾隆...: 410 entries in OpenCC 1.1). A run of
# non-ASCII characters in which none of ``_IN_PHRASES`` stands next to one of
# its neighbours here holds none of those entries, so t2s converts it as its
# characters one by one (decision 67's argument, entry by entry: every other
# entry converts as its characters do alone): 什么 and 沈阳 need no OpenCC, 回覆
# and 深沈 do. The tests derive the table from the installed OpenCC's
# dictionaries and compare (decision 72).
_PHRASE_NEIGHBOURS = {
    "么": ("", "麼麽"),
    "乾": ("倒子尼康旋朝李法目竺蕩蕭裏轉顛",
           "佑倒元卦嘉圖坤夕子宅安州德斷旦曜清盛綱縣象轉造連道闥陀陵隆"),
    "俱": ("傢", ""),
    "剋": ("挨", "架毒"),
    "劄": ("目", ""),
    "吒": ("哪木金", ""),
    "哩": ("海英", ""),
    "噁": ("二", "英"),
    "坏": ("一土打拉捏毛磚脫製鋼鑿陶麪", "兒土子布戶"),
    "彷": ("", "彿"),
    "徵": ("流角變魏", "之弦絃羽聲調音"),
    "扞": ("", "格"),
    "於": ("助樊浸然蒐", "世乎仲倫其則勇呼單坦崇心忠惟戲敖期梨清潛琳穆竹紅菟邑陵"),
    "昇": ("張彥志李梁溫烏申畢育胤蔣象金陳韓鶴龔", "勳卿延玟豪"),
    "氾": ("南東", "勝南國水"),
    "沈": ("墨戟擊昏暗氣沈浮消深烏耳載釜陰雁魚黑",
           "下不住冤厚吟寂得思悶沈沒沙河浮浸淪湎溺滯澱濁"
           "甸痛痼痾睡砂積筒舟船落載迷醉重降陷雁靜香鬱魚默"),
    "濛": ("八", "山"),
    "甦": ("復", "生醒"),
    "畫": ("籌計", ""),
    "瞭": ("不據明目門", "如戶然若解"),
    "祕": ("允吳李胤袁辛", "丕彭瓊"),
    "脩": ("束段肉腶", "敬炳脡脯金"),
    "蒐": ("多春茅", "于於狩獮獵田畋苗"),
    "薹": ("蒜蕓", ""),
    "藉": ("免凌憑找滑狐素茵躪醞顧", "代以助卉口喻寇手據故方條槁機此甚由着端箸草虎詞讀資"),
    "衹": ("", "得見"),
    "袷": ("", "袢"),
    "覆": ("函反名回批拜明申示稟答覆見重鈞電", "信呈命墓帳思性按文校覆金電"),
    "計": ("貲", "畫"),
    "谿": ("", "工"),
    "逕": ("七上九南水沙河烏石社", "口山聯頭"),
    "釐": ("年懷春祝逆", ""),
    "鉅": ("澤甚章", "子萬防"),
    "鍊": ("上手拉李金鉸銀鎖鐵項頸", "墜子工形條福足錘鎖"),
    "鍾": ("千李萬錢鍛黃", "公少書粟繇萬郁重鍛馗"),
    "陞": ("聯", ""),
    "麼": ("么幺篤", "些小"),
    "麽": ("么", ""),
}


#: a bitmap of ``_t2s_changing()`` once it is known (``[None]`` until then):
#: ``fold_keys`` reads it to keep Chinese texts t2s leaves alone on its path
_HAN_BITS: list[bytes | None] = [None]
#: what t2s makes of each BMP character alone, when that is another BMP character
#: (0 for the others): an ``array("H")`` of one code point per BMP character,
#: set with ``_HAN_BITS`` (``[None]`` until then). ``fold_keys`` converts by it
#: the lines holding none of ``_IN_PHRASES``, and the runs of the others that
#: hold none of ``_PHRASE_NEIGHBOURS``' pairs (``_IN_PHRASES`` too, there).
_T2S_ALONE: list[array | None] = [None]


@lru_cache(maxsize=1)
def _t2s_changing() -> frozenset[str] | None:
    """The BMP characters that can make t2s change a line: one that it changes
    alone (asked of the converter once, for every BMP character) or one of
    ``_PHRASE_ONLY``; ``None`` if the converter's answer cannot be read."""
    chars = [chr(c) for c in range(0x10000) if c != 10 and not 0xD800 <= c < 0xE000]
    converted = _t2s().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC never touches newlines
        return None
    changing = frozenset({c for c, new in zip(chars, converted) if new != c} | set(_PHRASE_ONLY))
    alone = array("H", bytes(0x20000))
    for c, new in zip(chars, converted):
        if new != c and len(new) == 1 and ord(new) < 0x10000:
            alone[ord(c)] = ord(new)
    _T2S_ALONE[0] = alone
    bits = bytearray(0x2000)
    for c in changing:
        bits[ord(c) >> 3] |= 1 << (ord(c) & 7)
    _HAN_BITS[0] = bytes(bits)
    return changing


@lru_cache(maxsize=1)
def _t2s_finder() -> re.Pattern[str]:
    """A pattern for every character that can make t2s change a line: one of
    ``_t2s_changing()``, or any character beyond the BMP.

    A line with none of them is left as it is: t2s replaces dictionary
    entries, and every entry it changes holds one of them.
    """
    changing = _t2s_changing()
    if changing is None:  # pragma: no cover - OpenCC never touches newlines
        return re.compile(r"[^\n]")  # every line may change
    return re.compile(f"[{re.escape(''.join(sorted(changing)))}\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _t2s_table() -> bytes | None:
    """``_t2s_changing()`` as ``_cwalk.flagged_lines`` reads it: 1 for each of
    those BMP characters (it takes every character past the BMP as marked, as
    the finder does); ``None`` when every line may change."""
    changing = _t2s_changing()
    if changing is None:  # pragma: no cover - OpenCC never touches newlines
        return None
    table = bytearray(0x10000)
    for c in changing:
        table[ord(c)] = 1
    return bytes(table)


# \p{Han} holds nothing before U+2E80 (the CJK Radicals Supplement), so a text
# without a character from there on holds no Han (the tests check every code
# point below it).
_FIRST_HAN = 0x2E80
_FROM_FIRST_HAN = re.compile(f"[{chr(_FIRST_HAN)}-\U0010ffff]")
_ANY_BETWEEN = getattr(COMPILED, "any_between", None)  # (a vector scan, when compiled)


def _maybe_han(text: str) -> bool:
    """Does ``text`` hold a character at or past U+2E80?"""
    if _ANY_BETWEEN is not None:
        return _ANY_BETWEEN(text, _FIRST_HAN, 0x10FFFF)
    return _FROM_FIRST_HAN.search(text) is not None


# -- a table of the BMP characters NFKC or casefold might change --------------
_NFKC = 1  # NFKC may change a text holding it (see _char_table)
_FOLD = 2  # casefold changes it (ASCII aside)
_UPPER = 4  # A-Z
_TABLE_FLAGS = getattr(COMPILED, "table_flags", None)
_CASEFOLD = getattr(COMPILED, "casefold", None)
_FLAGGED_LINES = getattr(COMPILED, "flagged_lines", None)
_MARKED_SEGMENTS = getattr(COMPILED, "marked_segments", None)  # (_marked_segments_py)


_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3  # the precomposed Hangul syllables


@lru_cache(maxsize=1)
def _char_table() -> bytes:
    """One byte per BMP character, of the bits above. Built from the installed
    ``unicodedata`` at first use (about 25 ms), like the t2s finder (decision 55).

    ``_NFKC`` marks every character that is not, on its own and beside any
    other unmarked one, left as it is by NFKC: one with a compatibility
    decomposition, or a canonical one NFKC does not compose back alone
    (:func:`_recomposes_alone`: ``é`` is not marked, decision 62), a combining
    mark (class other than 0), the second character of a canonical pair (a
    starter can compose with it), the conjoining Hangul jamo, and the
    surrogates. A text none of whose characters is marked is NFKC already:
    what decomposes composes back into itself, nothing reorders past a
    starter, and no starter composes with another. Hangul syllables are not
    marked (decision 73): NFKC composes Hangul only from the conjoining jamo
    (U+1100-U+11FF), all marked, so beside unmarked characters a syllable
    decomposes into its jamo and they compose back into it. Characters past the BMP
    are not in the table: the scans treat each as marked. (Only the BMP's
    decompositions are read for the seconds of canonical pairs; the tests
    check over all code points that no pair with a composite past the BMP
    has an unmarked second in it.)
    """
    chars = [*map(chr, range(10)), *map(chr, range(11, 0x10000))]  # (not the newline)
    joined = "\n".join(chars)
    table = bytearray(0x10000)
    nfkd = unicodedata.normalize("NFKD", joined).split("\n")
    folded = joined.casefold().split("\n")
    if len(nfkd) != len(chars) or len(folded) != len(chars):  # pragma: no cover
        return bytes([_NFKC | _FOLD] * 0x10000)  # every text takes the slow path
    for c in filter(unicodedata.combining, chars):
        table[ord(c)] |= _NFKC
    decomposing = list(compress(chars, map(ne, chars, nfkd)))  # (loops in C: 65,536)
    seconds = set()  # the seconds of canonical pairs
    for c in decomposing:
        if _HANGUL_FIRST <= ord(c) <= _HANGUL_LAST:
            continue  # Hangul syllables: their jamo are all marked below
        parts = unicodedata.decomposition(c).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    for c in decomposing:
        if not (_recomposes_alone(c, seconds) or _HANGUL_FIRST <= ord(c) <= _HANGUL_LAST):
            table[ord(c)] |= _NFKC
    for second in seconds:
        table[second] |= _NFKC
    for c in compress(chars, map(ne, chars, folded)):
        table[ord(c)] |= _UPPER if "A" <= c <= "Z" else _FOLD
    for c in range(0x1100, 0x1200):  # Hangul jamo: a leading and a vowel compose
        table[c] |= _NFKC
    for c in range(0xD800, 0xE000):
        table[c] |= _NFKC | _FOLD
    return bytes(table)


_FOLD_KEYS = getattr(COMPILED, "fold_keys", None)
# The bits of ``_key_table`` (as ``_cwalk.fold_keys`` reads them)
_K_HARD = 1  # the key needs match_keys' own steps: NFKC or casefold may change it, str.strip
#              strips it but it is no collapsed white space, a line break, a character
#              t2s may change (all from U+2E80 on while those are unknown)
_K_UPPER = 4  # A-Z
_K_ODD = 8  # white space collapsed in keys (``_LINE_SPACES``) but the space
_K_COMMON = 16  # one of ``_COMMON_COMPAT`` (replaced by its ASCII)
_K_SPACE = 32  # the space
_K_T2S = 64  # t2s makes it another character, alone and in every phrase (``_T2S_ALONE``)
_K_PHRASE = 128  # one of ``_IN_PHRASES``: its run of non-ASCII characters goes to t2s itself


def _recomposes_alone(c: str, seconds: set[int]) -> bool:
    """Is ``c`` (a character with a decomposition) one NFKC leaves as it is beside
    any unmarked character: a starter NFKC composes back into itself (``é``,
    ``ü``, ``が``), whose decomposition starts with a starter that is not the
    second of a canonical pair? Then in a text of such characters and unmarked
    ones, each decomposes into a starter and its marks, no mark moves past the
    next starter, the marks compose back onto their own starter, and no
    starter composes with the one before it (it would have to be a second).
    Hangul syllables are not (their jamo are starters, not marks; see
    :func:`_char_table` for why they are left unmarked all the same)."""
    if _HANGUL_FIRST <= ord(c) <= _HANGUL_LAST or unicodedata.combining(c):
        return False
    if unicodedata.normalize("NFKC", c) != c:
        return False
    first = unicodedata.normalize("NFD", c)[0]
    return not unicodedata.combining(first) and ord(first) not in seconds


@lru_cache(maxsize=2)
def _key_table(han_bits: bytes | None) -> bytes:
    """The bits above for each BMP character, from ``_char_table()``; with
    ``han_bits`` (a bitmap of the characters t2s changes, ``_HAN_BITS``), a
    character from U+2E80 on is hard only when t2s may change it, and not
    even then when it is one t2s makes another BMP character alone and in
    every phrase (``_K_T2S``, by ``_T2S_ALONE``); ``_IN_PHRASES`` are
    ``_K_PHRASE`` (their runs are converted by t2s itself, decision 69)."""
    hard = bytes(_K_HARD if b & (_NFKC | _FOLD) else (_K_UPPER if b & _UPPER else 0)
                 for b in range(256))
    table = bytearray(_char_table().translate(hard))
    for c in _ODD_CHARS:  # (with the space, the characters of _LINE_SPACES: the tests check)
        table[ord(c)] = _K_ODD
    table[ord(" ")] = _K_SPACE
    for c, _ in _COMMON_COMPAT:
        table[ord(c)] = _K_ODD if c in _ODD_CHARS else _K_COMMON
    for c in "\n\r\x1c\x1d\x1e\x1f":  # (str.strip strips these; a line break splits)
        table[ord(c)] = _K_HARD
    if han_bits is None:
        table[_FIRST_HAN:] = table[_FIRST_HAN:].translate(bytes(b | _K_HARD for b in range(256)))
    else:
        alone = _T2S_ALONE[0]
        for c in range(_FIRST_HAN, 0x10000):
            if han_bits[c >> 3] >> (c & 7) & 1:
                if alone is not None and alone[c] and not table[c]:
                    table[c] = _K_T2S
                else:
                    table[c] |= _K_HARD
        chars = _char_table()
        for c in _IN_PHRASES:  # (some convert alone as others do not: 么 俱 彷)
            table[ord(c)] = _K_HARD if chars[ord(c)] & (_NFKC | _FOLD) else _K_PHRASE
    return bytes(table)


def _nfkc_unchanged(text: str) -> bool:
    """``unicodedata.is_normalized("NFKC", text)``, without asking it when the
    table shows no character NFKC might change."""
    if _TABLE_FLAGS is not None and not _TABLE_FLAGS(text, _char_table(), _NFKC) & _NFKC:
        return True
    return unicodedata.is_normalized("NFKC", text)


def _casefold(text: str) -> str:
    """``text.casefold()``: A-Z lowered in one copy, and ``str.casefold`` asked
    only of the characters the table marks (Chinese text holds few or none)."""
    if _CASEFOLD is not None:
        return _CASEFOLD(text, _char_table(), _FOLD, _UPPER)
    return text.casefold()


def _no_surrogates(text: str) -> str:
    """``text`` with lone surrogates (from badly decoded input, which OpenCC's
    UTF-8 cannot take) replaced by U+FFFD; the text itself when it has none."""
    if _ANY_BETWEEN is not None and not _ANY_BETWEEN(text, 0xD800, 0xDFFF):
        return text
    return _SURROGATE.sub("\ufffd", text)


def _t2s_if_han(joined: str) -> str:
    """``_t2s_lines(joined) if has_han(joined) else joined``, without the
    ``\\p{Han}`` scan of the whole text: t2s's own finder is looked for first
    (a table class for the stdlib engine), and only a non-Han character found
    by it (past the BMP) asks whether the text holds Han at all."""
    found = _t2s_finder().search(joined)
    if found is None:
        return joined  # t2s changes nothing here, Han or not
    if _HAN.match(found.group()) is None and not has_han(joined):
        return joined
    return _t2s_lines(joined, found)


def _t2s_lines(joined: str, found: re.Match[str] | None = None) -> str:
    """``_t2s().convert(joined)`` for newline-joined lines, converting only the
    lines that hold a character t2s might change (lines convert on their own:
    no dictionary entry holds a newline). Simplified Chinese has few.
    ``found``: the finder's first match in ``joined``, when the caller has it."""
    if _FLAGGED_LINES is not None and _t2s_table() is not None:
        return _t2s_flagged(joined)
    finder = _t2s_finder()
    if found is None:
        found = finder.search(joined)
        if found is None:
            return joined
    spans: list[tuple[int, int]] = []  # of the lines to convert
    newlines, counted = 0, 0  # newlines in joined[:counted], counted on from there
    while found is not None:  # each such line found by one search
        start = joined.rfind("\n", 0, found.start()) + 1
        end = joined.find("\n", found.end())
        end = len(joined) if end < 0 else end
        spans.append((start, end))
        if len(spans) % 8 == 0:
            newlines += joined.count("\n", counted, end)
            counted = end
            if 2 * len(spans) > newlines + 1:
                return _t2s().convert(joined)  # most lines so far (Traditional): convert all
        found = finder.search(joined, end)
    converted = _t2s().convert("\n".join([joined[a:b] for a, b in spans])).split("\n")
    if len(converted) != len(spans):  # pragma: no cover - OpenCC never touches newlines
        return _t2s().convert(joined)
    return _splice(joined, [a for a, _ in spans], [b for _, b in spans], converted)


def _t2s_flagged(joined: str) -> str:
    """:func:`_t2s_lines` with the lines to convert found by the compiled scan:
    the whole text is converted in one call when they hold more than half of
    its characters (a Traditional document), else only they are."""
    spans = _FLAGGED_LINES(joined, _t2s_table(), 1)
    if not spans:
        return joined
    starts, ends = spans[::2], spans[1::2]
    if 2 * (sum(ends) - sum(starts)) > len(joined):
        return _t2s().convert(joined)
    converted = _t2s().convert("\n".join(map(joined.__getitem__, map(slice, starts, ends))))
    lines = converted.split("\n")
    if len(lines) != len(starts):  # pragma: no cover - OpenCC never touches newlines
        return _t2s().convert(joined)
    return _splice(joined, starts, ends, lines)


def _splice(joined: str, starts: Sequence[int], ends: Sequence[int], lines: Iterable[str]) -> str:
    """``joined`` with the spans ``starts[k]:ends[k]`` (in order, apart) replaced
    by ``lines`` in turn."""
    pieces, done = [], 0
    for start, end, line in zip(starts, ends, lines):
        pieces += (joined[done:start], line)
        done = end
    pieces.append(joined[done:])
    return "".join(pieces)


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def _fold(text: str) -> str:
    # Lone surrogates (from badly decoded input) cannot reach OpenCC's UTF-8.
    text = _no_surrogates(text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).casefold()


def match_key(text: str) -> str:
    """The key of one piece of text."""
    text = _fold(text)
    if has_han(text):
        text = _t2s().convert(text)
    return text.strip()


def match_keys(texts: Sequence[str]) -> list[str]:
    """Keys of many texts: ``[match_key(t) for t in texts]``.

    Compiled, each text whose key is the text itself with A-Z lowered, the
    common full-width punctuation replaced (``_COMMON_COMPAT``) and white
    space collapsed and stripped is folded in one pass of its own
    (``_cwalk.fold_keys``); the others are folded together below. Texts
    holding a character from U+2E80 on are among them until the characters
    t2s changes are known (after the first text that needs t2s); from then
    on, Traditional characters are converted in that pass too, each to what
    t2s makes of it alone, but in the runs of non-ASCII characters that hold
    one of ``_IN_PHRASES``: the pass leaves those as they are, and t2s itself
    converts them, all in one call (:func:`_t2s_runs`).
    """
    if _FOLD_KEYS is not None and type(texts) is list and texts:
        han = _HAN_BITS[0]
        # (no pairs while t2s's characters are unknown: every Han character is then
        # hard, so no run is left, and text without Han never loads OpenCC)
        keys, slow, runs = _FOLD_KEYS(texts, _key_table(han), _COMMON_WHICH, _COMMON_BY,
                                      _T2S_ALONE[0], _phrase_pairs() if han else None)
        if runs:
            slow = _t2s_runs(keys, runs, slow)
        if slow:
            for i, key in zip(slow, _match_keys_joined([texts[i] for i in slow])):
                keys[i] = key
        return keys
    return _match_keys_joined(texts)


@lru_cache(maxsize=1)
def _phrase_pairs() -> array | None:
    """``_PHRASE_NEIGHBOURS`` as ``fold_keys`` reads it: the codes ``first << 16 |
    second`` of the pairs, in a hash set (``rules.u64_set``). ``None`` (every run
    holding one of ``_IN_PHRASES`` goes to OpenCC, as before decision 72) when
    the installed OpenCC makes one of ``_IN_PHRASES`` anything but one BMP
    character alone: ``fold_keys`` converts them through ``_T2S_ALONE``."""
    from .rules import u64_set  # (rules imports this module)

    alone = _t2s().convert("\n".join(_IN_PHRASES)).split("\n")
    if len(alone) != len(_IN_PHRASES) or any(len(a) != 1 or ord(a) > 0xFFFF for a in alone):
        return None
    codes = []
    for c, (before, after) in _PHRASE_NEIGHBOURS.items():
        codes += [ord(b) << 16 | ord(c) for b in before]
        codes += [ord(c) << 16 | ord(a) for a in after]
    return u64_set(codes)


def _t2s_runs(keys: list[str | None], runs: list[int], slow: list[int]) -> list[int]:
    """The runs ``fold_keys`` left in ``keys`` (``runs``: per run, the key's
    index, the run's start and its end) converted by t2s, in one call, and put
    back in place; gives ``slow``. A run is t2s's unit of conversion: t2s
    converts a line as its runs of non-ASCII characters one by one (no entry of
    its dictionaries holds an ASCII character, and every white space and
    common punctuation mark is ASCII in a key), and a run without one of
    ``_IN_PHRASES`` as its characters one by one (decision 69)."""
    lines = runs[0::3]
    pieces = list(map(str.__getitem__, map(keys.__getitem__, lines),  # type: ignore[arg-type]
                      map(slice, runs[1::3], runs[2::3])))
    converted = _t2s().convert("\n".join(pieces)).split("\n")
    if len(converted) != len(pieces):  # pragma: no cover - OpenCC never touches newlines
        return sorted(set(slow) | set(lines))  # (their keys are made again, the slow way)
    (_PUT_RUNS or _put_runs_py)(keys, runs, converted)
    return slow


def _put_runs_py(keys: list[str | None], runs: list[int], converted: list[str]) -> None:
    """In each key ``runs`` names (per run, the key's index, the run's start
    and its end; a key's runs in order), the runs replaced by ``converted``."""
    lines, starts, ends = runs[0::3], runs[1::3], runs[2::3]
    k = 0
    while k < len(lines):  # each key's runs
        j, first = lines[k], k
        while k < len(lines) and lines[k] == j:
            k += 1
        keys[j] = _splice(keys[j], starts[first:k], ends[first:k],  # type: ignore[arg-type]
                          converted[first:k])


_PUT_RUNS = getattr(COMPILED, "put_runs", None)  # (_put_runs_py, compiled)


def _match_keys_joined(texts: Sequence[str]) -> list[str]:
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
    ascii = joined.isascii()
    if ascii:
        odd = _ODD_ASCII
    else:
        joined = _nfkc_lines(_no_surrogates(joined))
        odd = _ODD_AFTER_NFKC
    if "  " in joined or _holds_odd_space(joined, odd):  # else every run is one space already
        joined = _LINE_SPACES.sub(" ", joined)
    joined = joined.casefold() if ascii else _casefold(joined)
    # (casefold never makes ASCII text anything else, and no Han character is
    # below U+2E80: the tests check both)
    if not ascii and _maybe_han(joined):
        joined = _t2s_if_han(joined)
    folded = joined.split("\n")
    if len(folded) != len(texts):  # pragma: no cover - OpenCC never touches newlines
        return _match_keys_each(texts)
    return list(map(str.strip, folded))


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
# Which of them a text can hold: ASCII text only the ASCII ones, and NFKC
# folds the others but these to a space (and its result cannot hold a
# character NFKC maps to something else). A few ``in`` tests are much
# quicker than one scan with the class.
_ODD_CHARS = ("\t\x0b\x0c\r\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200E)))
              + "\u2028\u2029\u202f\u205f\u2060\u3000\ufeff")  # _ODD_SPACES (tests check)
_ODD_ASCII = tuple(c for c in _ODD_CHARS if c.isascii() and c != "\r")
_ODD_AFTER_NFKC = tuple(c for c in _ODD_CHARS
                        if unicodedata.normalize("NFKC", c) == c and c != "\r")
_ODD_BIT = {_ODD_ASCII: 1, _ODD_AFTER_NFKC: 2}


@lru_cache(maxsize=1)
def _odd_table() -> bytes:
    """The two tuples above as a table for ``_cwalk.table_flags`` (one scan for
    all their characters instead of one ``in`` each): bit 1 for ``_ODD_ASCII``,
    2 for ``_ODD_AFTER_NFKC``."""
    table = bytearray(0x10000)
    for odd, bit in _ODD_BIT.items():
        for c in odd:
            table[ord(c)] |= bit
    return bytes(table)


def _holds_odd_space(text: str, odd: tuple[str, ...]) -> bool:
    """``any(c in text for c in odd)`` for ``odd`` one of the two tuples above
    (a character past the BMP answers yes: the caller then collapses runs,
    which changes nothing where there are none)."""
    if _TABLE_FLAGS is not None:
        bit = _ODD_BIT[odd]
        return bool(_TABLE_FLAGS(text, _odd_table(), bit) & bit)
    return any(c in text for c in odd)
# Full-width punctuation in almost every Chinese line, with its NFKD form.
# Replacing a character by its full compatibility decomposition never changes
# the NFKC of a text (NFKC composes the full decomposition), and a few
# ``str.replace`` calls are much quicker than NFKC's own slow path.
_COMMON_COMPAT = tuple(
    (c, unicodedata.normalize("NFKD", c)) for c in "，：）（！？；．／…｜～－\u3000")


def _replacement_table(pairs: Sequence[tuple[str, str]]) -> tuple[bytes, tuple[str, ...]]:
    """``pairs`` (character, replacement) as ``_cwalk.replace_chars`` takes them:
    a byte per BMP character, 1 + the place of its pair (0: none), and the
    replacements in that order."""
    which = bytearray(0x10000)
    for k, (c, _) in enumerate(pairs, 1):
        which[ord(c)] = k
    return bytes(which), tuple(r for _, r in pairs)


_REPLACE_CHARS = getattr(COMPILED, "replace_chars", None)
_COMMON_WHICH, _COMMON_BY = _replacement_table(_COMMON_COMPAT)


def _nfkc_lines(joined: str) -> str:
    """``unicodedata.normalize("NFKC", joined)`` for newline-joined texts."""
    if _nfkc_unchanged(joined):
        return joined
    if _REPLACE_CHARS is not None:  # the loop below in one pass
        joined = _REPLACE_CHARS(joined, _COMMON_WHICH, _COMMON_BY)
    else:
        for c, decomposed in _COMMON_COMPAT:
            if c in joined:
                joined = joined.replace(c, decomposed)
    # Text normalises piece by piece, cut before any unmarked character (decision
    # 74): only the pieces around a marked one, not the lines holding one.
    if _MARKED_SEGMENTS is not None:
        spans = _MARKED_SEGMENTS(joined, _char_table(), _NFKC)
        starts, ends = spans[::2], spans[1::2]
        return _splice(joined, starts, ends, (unicodedata.normalize("NFKC", joined[a:b])
                                              for a, b in zip(starts, ends)))
    if unicodedata.is_normalized("NFKC", joined):
        return joined
    return "\n".join(line if unicodedata.is_normalized("NFKC", line)
                     else unicodedata.normalize("NFKC", line) for line in joined.split("\n"))


def _marked_segments_py(text: str, table: bytes, mask: int) -> list[int]:
    """The reference of ``_cwalk.marked_segments``: around each character
    ``table`` marks with ``mask`` (or past the BMP), the piece from the
    unmarked character before it (or the start) to the next unmarked one
    after it (or the end); touching pieces joined; a flat list of offsets."""
    def marked(c: str) -> bool:
        return ord(c) > 0xFFFF or bool(table[ord(c)] & mask)

    out: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if not marked(text[i]):
            i += 1
            continue
        start, end = max(i - 1, 0), i + 1  # (text[i - 1] is unmarked: passed over above)
        while end < n and marked(text[end]):
            end += 1
        if out and out[-1] >= start:
            out[-1] = end
        else:
            out += (start, end)
        i = end
    return out


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
