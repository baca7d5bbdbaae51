"""Fast paths of plain-text mode give exactly the results of the plain ones.

Lines, features, keys, language and roles of a document are computed in
whole-document passes (``str.split``, byte tables, a charmap codec, blocks
built column by column). Each is checked here against the straightforward
version on varied and random input.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from scrubber.blocks import (
    _COMMON,
    _MANY_OUTSIDERS,
    _OUTSIDER,
    _SPLIT_LINES,
    _lines,
    _lines_split,
    _measure_stripped,
    blocks_from_text,
    measure,
    text_lines,
)
from scrubber.keys import has_han as _HAS_HAN
from scrubber.model import Block, Role, blocks_from_columns, with_roles

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Characters of every kind the fast paths tell apart: ASCII, the common table,
# the CJK letter ranges and their edges, and outsiders (other scripts, marks,
# symbols, astral characters, lone surrogates, white space of every kind).
CJK_EDGES = "\u3040\u3041\u3096\u3097\u30a0\u30a1\u30fa\u30fb\u33ff\u3400\u4dbf\u4dc0" \
            "\u4dff\u4e00\u9fff\ua000\uabff\uac00\ud7a3\ud7a4\u3005\u3006\u3007"
OUTSIDERS = "Жжяαβ한ㄅㄆ😀𠀀𝟘\U0001d7ce١٢٣߀०१٫٬\u0301\u0308\u200b\u2028\u2029\u202f" \
            "\u3021\u303b\u309d\u30fd\uff21\uff41\uff66\uffe5\ufffd\ud800\udfff⺀⼀ヵヶ"
SPACES = " \t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u3000"
ALPHABET = ("abcXYZ019,.:;!?()'\"-/ " + _COMMON + CJK_EDGES + OUTSIDERS
            + "中文字漢語ひらがなカタカナ한국어" * 3 + "，。：" * 5)


def _random_lines(rng: random.Random, n: int, alphabet: str = ALPHABET) -> list[str]:
    out = []
    for _ in range(n):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))).strip()
        if line:
            out.append(line)
    return out


def _fixture_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".txt", ".html") and path.is_file():
            lines += text_lines(path.read_text(encoding="utf-8", errors="replace"))
    return lines


def test_common_table_is_non_ascii_and_unique():
    assert len(_COMMON) == len(set(_COMMON)) == 254
    assert not any(c.isascii() for c in _COMMON)


def test_outsider_is_everything_else():
    """An outsider is any character neither ASCII, nor common, nor in a CJK letter range."""
    from scrubber.blocks import _CJK_LIKE

    assert _CJK_LIKE.count("-") == 5  # the installed regex agrees on every range
    every = "".join(chr(c) for c in range(0x110000))
    found = set(_OUTSIDER.findall(every))
    expected = {c for c in every if not c.isascii() and c not in _COMMON
                and not any(a <= ord(c) <= b for a, b in (
                    (0x3041, 0x3096), (0x30A1, 0x30FA), (0x3400, 0x4DBF),
                    (0x4E00, 0x9FFF), (0xAC00, 0xD7A3)))}
    assert found == expected


@pytest.mark.parametrize("seed", range(40))
def test_measure_stripped_equals_measure_on_random_lines(seed):
    rng = random.Random(seed)
    lines = _random_lines(rng, rng.randint(1, 60))
    assert _measure_stripped(lines) == [measure(t) for t in lines]


@pytest.mark.parametrize("alphabet", [_COMMON, CJK_EDGES, OUTSIDERS, "中，。a1.2,3:4" + OUTSIDERS])
def test_measure_stripped_on_every_kind_of_character(alphabet):
    lines = [c for c in alphabet if c.strip()]
    lines += [f"中{c}文" for c in alphabet] + [f"1{c}2" for c in alphabet]
    lines += [f"a{c}." for c in alphabet] + [alphabet.replace(" ", "x")]
    lines = [t.strip() for t in lines if t.strip()]
    assert _measure_stripped(lines) == [measure(t) for t in lines]


def test_measure_stripped_with_many_outsiders():
    """Past ``_MANY_OUTSIDERS`` the regex path counts; same results."""
    rng = random.Random(7)
    lines = _random_lines(rng, 400, "Жжя αβ😀 中文，1.2" + OUTSIDERS)
    assert len(_OUTSIDER.findall("\n".join(lines))) > _MANY_OUTSIDERS
    assert _measure_stripped(lines) == [measure(t) for t in lines]
    few = lines[:20]
    assert len(_OUTSIDER.findall("\n".join(few))) <= _MANY_OUTSIDERS
    assert _measure_stripped(few) == [measure(t) for t in few]


def test_measure_stripped_on_fixtures():
    lines = _fixture_lines()
    assert _measure_stripped(lines) == [measure(t) for t in lines]


# -- lines ----------------------------------------------------------------------------

LINE_TEXTS = ["", "\n", "\n\n", "a", "a\n", "\na", " a \n\n b\t\n", "\u3000\u3000正文\u3000\n",
              "x\x0by\n\x0c\n\x1cz\x1d", "a\x85b\u2028c\n", "\ufeffbom\n", " \t \n  \n",
              "一\n\n\n二\n 三 \n\t四"]


@pytest.mark.parametrize("text", LINE_TEXTS)
def test_lines_split_equals_lines(text):
    assert _lines_split(text) == _lines(text)
    assert _SPLIT_LINES(text) == _lines(text)  # compiled when the module was built


@pytest.mark.parametrize("seed", range(20))
def test_lines_split_equals_lines_on_random_text(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice("ab中 \n\n" + SPACES) for _ in range(rng.randint(0, 400)))
    assert _lines_split(text) == _lines(text)
    assert _SPLIT_LINES(text) == _lines(text)
    wide = "".join(rng.choice("a😀 \n\u2028\u3000" + OUTSIDERS) for _ in range(rng.randint(0, 400)))
    assert _SPLIT_LINES(wide) == _lines_split(wide) == _lines(wide)


def test_blocks_from_text_with_carriage_returns():
    text = "a\r\nb\rc\n\r\nd  \r e"
    blocks = blocks_from_text(text)
    assert [b.text for b in blocks] == text_lines(text) == ["a", "b", "c", "d", "e"]
    assert [b.path for b in blocks] == ["line 1", "line 2", "line 2", "line 4", "line 4"]
    assert [text[slice(*b.span)] for b in blocks] == [b.text for b in blocks]


@pytest.mark.parametrize("text", [*LINE_TEXTS, "\n".join(_fixture_lines()[:300])])
def test_blocks_from_text_equals_block_by_block(text):
    """Each block as the obvious code builds it: line, span, number, key and features."""
    from scrubber.keys import match_key

    expected = []
    texts, spans, numbers = _lines(text)
    for i, (t, span, number) in enumerate(zip(texts, spans, numbers)):
        expected.append(Block(index=i, text=t, key=match_key(t), role=Role.LINE,
                              path=f"line {number}", span=span, features=measure(t)))
    assert list(blocks_from_text(text)) == expected


# -- blocks built column by column ----------------------------------------------------


def test_blocks_from_columns_equals_constructor():
    rows = [(3, "t", "k", Role.LINE, "p", (1, 2), {"units": 1.0}, "li", ("div a",)),
            (0, "", "", Role.TITLE, None, None, {}, None, ())]
    built = blocks_from_columns(len(rows), list(zip(*rows)))
    assert built == [Block(*row) for row in rows]
    assert all(type(b) is Block for b in built)
    for b, row in zip(built, rows):
        assert tuple(getattr(b, f.name) for f in fields(Block)) == row
    assert blocks_from_columns(0, [()] * 9) == []
    with pytest.raises(ValueError):
        blocks_from_columns(1, [()] * 8)


def test_compiled_block_building_is_the_python_one():
    """``_cwalk.fill_objects`` (slots written at their offsets) builds the blocks
    ``_blocks_from_columns_py`` builds: the same fields, the same objects in them
    (not copies), frozen as ever, and nothing leaked or freed early."""
    import gc
    import sys

    from scrubber import model

    if model._FILL is None:
        pytest.skip("the compiled module is not built")
    shared = {"units": 2.0}
    rows = [(i, f"t{i}", f"k{i}", Role.LINE if i % 2 else Role.TITLE, f"/p[{i}]",
             (i, i + 1) if i % 3 else None, shared if i % 2 else {"units": float(i)},
             "p" if i % 4 else None, ("div a", "p") if i % 5 else ()) for i in range(500)]
    before = sys.getrefcount(shared)
    fast = model.blocks_from_columns(len(rows), [iter(c) for c in zip(*rows)])
    ref = model._blocks_from_columns_py(len(rows), list(zip(*rows)))
    assert fast == ref
    assert all(type(b) is Block for b in fast)
    assert sys.getrefcount(shared) - before == 2 * 250  # one per block holding it, each list
    assert all(a.features is b.features for a, b in zip(fast, ref))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast[0].text = "changed"
    assert replace(fast[1], role=Role.PARAGRAPH) == replace(ref[1], role=Role.PARAGRAPH)
    del fast, ref
    gc.collect()
    assert sys.getrefcount(shared) == before
    with pytest.raises(ValueError, match="column 2"):
        model.blocks_from_columns(3, [range(3), "abc", "ab", *([[None] * 3] * 6)])
    from scrubber import _cwalk

    assert _cwalk.slot_offsets(Block, ("text", "no_such_field")) is None


def test_with_roles_is_replace():
    blocks = [Block(i, f"t{i}", "k", Role.LINE, "p", (i, i + 1), {"units": i}, "p", ("div",))
              for i in range(5)]
    roles = [Role.TITLE, Role.PARAGRAPH, Role.LIST_ITEM, Role.HEADING, Role.LINE]
    expected = [replace(b, role=r) for b, r in zip(blocks, roles)]
    assert with_roles(blocks, roles) == expected
    assert with_roles(blocks, iter([*roles, Role.TITLE])) == expected  # (an iterator, longer)
    assert with_roles(tuple(blocks), roles) == expected  # (not a list: the columns)
    got = with_roles(blocks, roles)
    assert all(type(b) is Block and a.features is b.features and a.context is b.context
               for a, b in zip(blocks, got))

    @dataclasses.dataclass(frozen=True, slots=True)
    class Marked(Block):
        mark: str = "m"

    odd = [*blocks[:2], Marked(9, "t", "k")]  # (not exactly Blocks: the columns again)
    assert with_roles(odd, roles[:3]) == [
        Block(**{f.name: getattr(b, f.name) for f in fields(Block)} | {"role": r})
        for b, r in zip(odd, roles)]
    with pytest.raises(ValueError):  # (fewer roles than blocks: both paths refuse)
        with_roles(blocks, roles[:2])
    from scrubber import model

    with pytest.raises(ValueError, match="column 3"):
        model._blocks_from_columns_py(5, [list(c) for c in zip(*(
            dataclasses.astuple(b) for b in blocks))][:3] + [iter(roles[:4])] + [[None] * 5] * 5)


def test_compiled_columns_by_index_and_repeat_and_copies():
    """``fill_objects`` reads lists and tuples by index and an endless repeat
    once, as the iterators would give them (a short list or a bounded repeat
    still fails); ``copy_objects`` copies every slot (the same objects) but
    one, holds its references and frees them with the copies."""
    import gc
    import itertools
    import sys

    from scrubber import model

    if model._FILL is None:
        pytest.skip("the compiled module is not built")
    shared = {"units": 1.0}
    n = 40
    cols = [range(n), tuple(f"t{i}" for i in range(n)), [f"k{i}" for i in range(n)],
            itertools.repeat(Role.LINE), [f"/p[{i}]" for i in range(n)],
            itertools.repeat(None, n + 5), [shared] * n, itertools.repeat("p"),
            itertools.repeat(())]
    fast = model.blocks_from_columns(n, list(cols))
    cols[3], cols[5], cols[7], cols[8] = (itertools.repeat(Role.LINE), itertools.repeat(None),
                                          itertools.repeat("p"), itertools.repeat(()))
    assert fast == model._blocks_from_columns_py(n, cols)
    for bad in ([None] * (n - 1), tuple([None] * (n - 1)), itertools.repeat(None, n - 1)):
        with pytest.raises(ValueError, match="column 5"):
            model.blocks_from_columns(n, [*cols[:5], bad, *cols[6:]])
    before = sys.getrefcount(shared)
    roles = [Role.PARAGRAPH] * n
    copies = model._COPY(Block, model._OFFSETS, fast, model._ROLE_AT, roles)
    assert copies == [replace(b, role=Role.PARAGRAPH) for b in fast]
    assert sys.getrefcount(shared) - before == n
    with pytest.raises(dataclasses.FrozenInstanceError):
        copies[0].role = Role.LINE
    assert model._COPY(Block, model._OFFSETS, [*fast, "x"], model._ROLE_AT, roles) is None
    with pytest.raises(ValueError):
        model._COPY(Block, model._OFFSETS, fast, model._ROLE_AT, roles[:-1])
    with pytest.raises(ValueError):
        model._COPY(Block, model._OFFSETS, fast, len(model._OFFSETS), roles)
    del copies
    gc.collect()
    assert sys.getrefcount(shared) == before


# -- match keys -----------------------------------------------------------------------


def _every_char() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_odd_chars_are_the_odd_spaces():
    from scrubber.keys import _ODD_CHARS, _ODD_SPACES

    assert set(_ODD_CHARS) == set("".join(_ODD_SPACES.findall(_every_char())))


def test_nfkc_output_holds_no_other_odd_space():
    """After NFKC only ``_ODD_AFTER_NFKC`` can be left of the odd spaces."""
    import unicodedata

    from scrubber.keys import _ODD_AFTER_NFKC, _ODD_CHARS, _nfkc_lines

    folded = [c for c in _ODD_CHARS if c not in _ODD_AFTER_NFKC and c != "\r"]
    assert folded and all(unicodedata.normalize("NFKC", c) != c for c in folded)
    rng = random.Random(3)
    for _ in range(200):
        text = "".join(rng.choice(_ODD_CHARS + "a中，\u0301\u0308 \n") for _ in range(20))
        out = _nfkc_lines(text.replace("\r", ""))
        assert not any(c in out for c in folded), repr(text)


TRAD_LINES = ["這個時候，我們來說說。", "深沈的回覆", "打坏了", "破釜沈舟", "英哩", "瞭解到",
              "甦醒", "衹得", "藉口", "後來", "乾隆皇帝", "著名的書", "什么", "皇后", "𠀀𡃁",
              "豐", "\uf900\uf901", "⼀⼆"]
SIMP_LINES = ["这个时候，我们来说说。", "今天天气很好", "深沉", "回复", "OpenAI 发布", "ABC def",
              "沈阳", "覆盖", "坏人", "像"]


@pytest.mark.parametrize("seed", range(30))
def test_match_keys_equals_one_by_one_on_random_documents(seed):
    from scrubber.keys import match_key, match_keys

    rng = random.Random(seed)
    pool = TRAD_LINES + SIMP_LINES + _random_lines(rng, 20, ALPHABET + SPACES * 3)
    weights = [rng.random() for _ in pool]
    texts = [t.strip() or "x" for t in rng.choices(pool, weights, k=rng.randint(1, 80))]
    texts += [" ".join(rng.choice(SPACES) + t for t in texts[:3])]
    assert match_keys(texts) == [match_key(t) for t in texts]


@pytest.mark.parametrize("scan", ["compiled", "python"])
def test_t2s_lines_equals_convert(scan, monkeypatch):
    import scrubber.keys as keys
    from scrubber.keys import _t2s, _t2s_lines

    if scan == "python":
        monkeypatch.setattr(keys, "_FLAGGED_LINES", None)
    elif keys._FLAGGED_LINES is None:
        pytest.skip("the compiled module is not built")
    rng = random.Random(5)
    docs = [TRAD_LINES, SIMP_LINES, SIMP_LINES * 9 + TRAD_LINES[:1], TRAD_LINES * 3 + SIMP_LINES,
            [""], ["後"], ["", "後", ""], [*SIMP_LINES, ""]]
    for _ in range(50):
        docs.append(rng.choices(TRAD_LINES + SIMP_LINES * rng.randint(1, 20), k=rng.randint(1, 60)))
    for lines in docs:
        joined = "\n".join(lines)
        assert _t2s_lines(joined) == _t2s().convert(joined)


def test_t2s_if_han_is_t2s_lines_when_the_text_holds_han(monkeypatch):
    # match_keys looks for t2s's own characters first instead of scanning for
    # \p{Han}; only a character past the BMP that is not Han asks has_han.
    import scrubber.keys as keys

    asked: list[str] = []
    monkeypatch.setattr(keys, "has_han", lambda text: asked.append(text) or _HAS_HAN(text))
    texts = ["plain ascii", "café, naïve", "emoji only \U0001F600 here", "後來 \U0001F600",
             "\U0001F600 then 後來", "\U0001F600 then 今天", "今天天气很好", "𠀀 astral han",
             "\U0001F600\n𠀀", "かな only", "\n".join(TRAD_LINES), "\n".join(SIMP_LINES), ""]
    for text in texts:
        asked.clear()
        want = keys._t2s_lines(text) if _HAS_HAN(text) else text
        assert keys._t2s_if_han(text) == want, text
        first = keys._t2s_finder().search(text)
        assert bool(asked) == (first is not None and not _HAS_HAN(first.group())), text


def test_no_han_character_comes_before_the_first_han_limit():
    import regex

    import scrubber.keys as keys

    han = regex.compile(r"\p{Han}")
    assert not any(han.match(chr(c)) for c in range(keys._FIRST_HAN))
    assert han.match(chr(keys._FIRST_HAN))  # (the limit is not loose either)


def _keys_with(request, monkeypatch, names: tuple[str, ...]):
    """``scrubber.keys`` with its compiled helpers ``names``, or with each of
    them ``None`` (its Python path), as ``request.param`` says."""
    import scrubber.keys as keys

    if request.param == "compiled" and getattr(keys, names[0]) is None:
        pytest.skip("the compiled module is not built")
    if request.param == "python":
        for name in names:
            monkeypatch.setattr(keys, name, None)
    return keys


@pytest.fixture(params=["compiled", "python"])
def keys_scan(request, monkeypatch):
    """``scrubber.keys`` with its range scan compiled, or with the regex instead."""
    return _keys_with(request, monkeypatch, ("_ANY_BETWEEN",))


def test_maybe_han_finds_any_character_past_the_limit(keys_scan):
    keys = keys_scan
    limit = chr(keys._FIRST_HAN)
    rng = random.Random(11)
    below = "aé—“”\u2e7f\u00ff\u0100"
    for n in [0, 1, 255, 256, 257, 600, 1000]:
        for pos in [None, 0, n // 2, n - 1]:
            chars = [rng.choice(below) for _ in range(n)]
            if pos is not None and n:
                chars[pos] = rng.choice([limit, "中", "\uffff", "😀", "𠀀"])
            for text in ("".join(chars), "x" * 300 + "".join(chars)):  # other offsets in runs
                want = any(c >= limit for c in text)
                assert keys._maybe_han(text) is want, (n, pos)
    assert keys._maybe_han("plain latin-1 café") is False


def test_lone_surrogates_replaced_as_the_pattern_replaces_them(keys_scan):
    keys = keys_scan
    rng = random.Random(12)
    pool = "aé中，\ud7ff\ue000\uffff😀"  # neighbours of the surrogate range, astral
    for n in [0, 1, 255, 256, 257, 700]:
        for bad in [None, "\ud800", "\udfff", "\udc00"]:
            chars = [rng.choice(pool) for _ in range(n)]
            if bad and n:
                chars[rng.randrange(n)] = bad
            text = "".join(chars)
            assert keys._no_surrogates(text) == keys._SURROGATE.sub("\ufffd", text)
    plain = "中文，没有代理项"
    assert keys._no_surrogates(plain) is plain


@pytest.fixture(params=["compiled", "python"])
def keys_table(request, monkeypatch):
    """``scrubber.keys`` with its character table scans compiled, or without them."""
    return _keys_with(request, monkeypatch,
                      ("_TABLE_FLAGS", "_CASEFOLD", "_FLAGGED_LINES", "_REPLACE_CHARS",
                       "_MARKED_SEGMENTS"))


def test_char_table_marks_every_character_nfkc_or_casefold_changes():
    import unicodedata

    import scrubber.keys as keys

    table = keys._char_table()
    assert len(table) == 0x10000
    for c in range(0x10000):
        ch, flags = chr(c), table[c]
        assert bool(flags & keys._UPPER) == ("A" <= ch <= "Z"), hex(c)
        if not flags & keys._FOLD:
            assert ch.casefold() == ch or "A" <= ch <= "Z", hex(c)
        if not flags & keys._NFKC:
            assert unicodedata.combining(ch) == 0, hex(c)
            assert unicodedata.normalize("NFKC", ch) == ch, hex(c)
            if unicodedata.normalize("NFKD", ch) != ch and not 0xAC00 <= c <= 0xD7A3:
                # (é: composes back alone; Hangul syllables: the test below)
                first = unicodedata.normalize("NFD", ch)[0]
                assert unicodedata.combining(first) == 0, hex(c)
                assert table[ord(first)] & keys._NFKC == 0 or first == ch, hex(c)
    for c in (0x1100, 0x1161, 0x11A8, 0xD800, 0xDFFF, 0x0301, 0xFF0C, 0x3131, 0x212B, 0x0344):
        assert table[c] & keys._NFKC, hex(c)
    for c in (ord("中"), ord("a"), ord("。"), ord("、"), ord("é"), ord("ü"), ord("が"), ord("ῷ"),
              0xAC00, 0xD7A3):
        assert not table[c] & keys._NFKC, hex(c)


def test_hangul_syllables_stay_as_they_are_beside_unmarked_characters():
    """Decision 73: NFKC composes Hangul only from the conjoining jamo
    (U+1100-U+11FF), which are all marked, so a text of syllables and other
    unmarked characters is NFKC already and the syllables are not marked; a
    syllable before a trailing jamo is composed with it, and the jamo is marked."""
    import unicodedata

    import scrubber.keys as keys

    table = keys._char_table()
    syllables = [chr(c) for c in range(0xAC00, 0xD7A4)]
    assert not any(table[ord(s)] & keys._NFKC for s in syllables)
    assert all(table[c] & keys._NFKC for c in range(0x1100, 0x1200))
    # every character that NFKC makes a conjoining jamo of is marked
    for c in range(0x10000):
        if not table[c] & keys._NFKC and not 0xD800 <= c < 0xE000:
            nfkd = unicodedata.normalize("NFKD", chr(c))
            assert 0xAC00 <= c <= 0xD7A3 or not any(0x1100 <= ord(j) < 0x1200 for j in nfkd), hex(c)
    unmarked = [chr(c) for c in range(0x10000) if not table[c] & keys._NFKC
                and c != 10 and not 0xD800 <= c < 0xE000 and not 0xAC00 <= c <= 0xD7A3]
    assert unicodedata.is_normalized("NFKC", "".join(syllables))
    rng = random.Random(73)
    for n in [*rng.sample(unmarked, 300), "a", "中", "é", "が", " "]:
        assert unicodedata.is_normalized("NFKC", n.join(syllables[::37]) + n), hex(ord(n))
    for _ in range(3000):
        text = "".join(rng.choices(syllables, k=8) + rng.choices(unmarked, k=4))
        assert unicodedata.is_normalized("NFKC", "".join(rng.sample(text, len(text)))), text
    assert unicodedata.normalize("NFKC", "가\u11a8") == "각"  # (the jamo is marked)
    assert unicodedata.normalize("NFKC", "\u1100\u1161") == "가"


def test_unmarked_characters_that_decompose_stay_as_they_are_beside_others():
    """Decision 62: a character with a canonical decomposition that NFKC
    composes back alone (``é``, ``が``) is not marked. Beside any unmarked
    character, before or after, and in runs of such characters, NFKC leaves
    it as it is; beside a combining mark (marked) it would not be."""
    import random
    import unicodedata

    import scrubber.keys as keys

    table = keys._char_table()
    unmarked = [chr(c) for c in range(0x10000) if not table[c] & keys._NFKC
                and c != 10 and not 0xD800 <= c < 0xE000]
    soft = [c for c in unmarked if unicodedata.normalize("NFKD", c) != c]
    assert len(soft) > 800 and "é" in soft and "が" in soft
    # the first characters of their decompositions, and some plain ones, as neighbours
    firsts = sorted({unicodedata.normalize("NFD", c)[0] for c in soft} | set(soft[::7]))
    rng = random.Random(62)
    neighbours = firsts + rng.sample(unmarked, 400)
    for c in soft:
        text = "".join(n + c for n in neighbours) + c
        assert unicodedata.is_normalized("NFKC", text), hex(ord(c))
    for _ in range(3000):
        text = "".join(rng.choices(soft, k=8) + rng.choices(unmarked, k=4))
        text = "".join(rng.sample(text, len(text)))
        assert unicodedata.is_normalized("NFKC", text), text
    assert not unicodedata.is_normalized("NFKC", "é\u0323")  # (the mark is marked)
    assert table[0x0323] & keys._NFKC


def test_every_canonical_pair_second_in_the_bmp_is_marked():
    """A starter composes only with the second character of a canonical pair:
    each one in the BMP must be marked, whatever plane its composite is in
    (the table is built from the BMP's decompositions only)."""
    import sys
    import unicodedata

    import scrubber.keys as keys

    table = keys._char_table()
    seen = 0
    for c in range(sys.maxunicode + 1):
        dec = unicodedata.decomposition(chr(c))
        if dec and not dec.startswith("<") and len(parts := dec.split()) == 2:
            second = int(parts[1], 16)
            seen += 1
            assert second > 0xFFFF or table[second] & keys._NFKC, (hex(c), hex(second))
    assert seen > 900  # (the decompositions were read)


def test_table_scans_equal_nfkc_and_casefold_on_random_text(keys_table):
    import unicodedata

    keys = keys_table
    rng = random.Random(13)
    pools = ["中文，：）（！？；．／…｜～－\u3000abc", "abcXYZ@[`{中文，。的", "aZé中，ÄßﬀΣ\u0301\u3000Ａ가\u1161😀𝐀K\u212a",
             "abcXYZé@[", "abXY😀é中", "ABC中文\u0b47\u0b3e\u1100\u1161"]
    for pool in pools:
        for n in [0, 1, 2, 63, 64, 65, 200, 700]:
            for _ in range(3):
                text = "".join(rng.choice(pool) for _ in range(n))
                assert keys._casefold(text) == text.casefold(), text
                assert keys._nfkc_unchanged(text) == unicodedata.is_normalized("NFKC", text), text
                lines = "\n".join(text[i:i + 7] for i in range(0, len(text), 7))
                assert keys._nfkc_lines(lines) == unicodedata.normalize("NFKC", lines), lines


def test_compiled_casefold_copies_only_what_changes():
    import scrubber.keys as keys

    if keys._CASEFOLD is None:
        pytest.skip("the compiled module is not built")
    table, fold, upper = keys._char_table(), keys._FOLD, keys._UPPER
    lower = "中文 abc，没有大写"
    assert keys._CASEFOLD(lower, table, fold, upper) is lower
    assert keys._CASEFOLD("中文 GDP 增长", table, fold, upper) == "中文 gdp 增长"
    assert keys._CASEFOLD("Straße ÄRGER", table, fold, upper) == "strasse ärger"
    assert keys._CASEFOLD("中文 😀 Ｄ𐐀X", table, fold, upper) == "中文 😀 ｄ𐐨x"  # (past the BMP)
    assert keys._CASEFOLD("ΣΑΣ", table, fold, upper) == "σασ"
    with pytest.raises(ValueError):
        keys._TABLE_FLAGS("abc", bytes(256), keys._NFKC)


def test_replace_chars_is_the_replace_loop():
    import scrubber.keys as keys

    if keys._REPLACE_CHARS is None:
        pytest.skip("the compiled module is not built")
    which, by = keys._COMMON_WHICH, keys._COMMON_BY
    rng = random.Random(15)
    for pool in ["中文，：）（！？；．／…｜～－\u3000", "ab，…é", "，😀\n", "é，"]:
        for n in [0, 1, 2, 50, 300]:
            text = "".join(rng.choice(pool) for _ in range(n))
            want = text
            for c, decomposed in keys._COMMON_COMPAT:
                want = want.replace(c, decomposed)
            got = keys._REPLACE_CHARS(text, which, by)
            assert got == want and got.isascii() == want.isascii(), text
    plain = "没有要换的字"
    assert keys._REPLACE_CHARS(plain, which, by) is plain
    assert keys._REPLACE_CHARS("é，", which, by) == "é,"  # (one-byte characters out)
    with pytest.raises(ValueError):
        keys._REPLACE_CHARS("，", bytes(256), by)
    with pytest.raises(ValueError):
        keys._REPLACE_CHARS("：", which, by[:1])  # which names a replacement not given


def test_flagged_lines_are_the_lines_holding_a_marked_character():
    import scrubber.keys as keys

    if keys._FLAGGED_LINES is None:
        pytest.skip("the compiled module is not built")
    table = keys._char_table()
    text = "plain\n中文，句子\n\nﬁne\n😀\nlast ①"
    spans = keys._FLAGGED_LINES(text, table, keys._NFKC)
    got = [text[a:b] for a, b in zip(spans[::2], spans[1::2])]
    assert got == ["中文，句子", "ﬁne", "😀", "last ①"]
    assert keys._FLAGGED_LINES("", table, keys._NFKC) == []
    assert keys._FLAGGED_LINES("①", table, keys._NFKC) == [0, 1]
    rng = random.Random(14)
    for pool in ["ab\n中，", "ab\n\n中①", "a\n😀é", "\n①"]:
        for n in [1, 2, 63, 64, 65, 130, 500]:
            text = "".join(rng.choice(pool) for _ in range(n))
            want, at = [], 0
            for line in text.split("\n"):
                if any(ord(c) > 0xFFFF or table[ord(c)] & keys._NFKC for c in line):
                    want += (at, at + len(line))
                at += len(line) + 1
            assert keys._FLAGGED_LINES(text, table, keys._NFKC) == want, text


# Characters NFKC treats each its own way: starters it never touches,
# letters it composes back alone (é, が), combining marks (and é + U+0323),
# a starter that is the second of a canonical pair (U+0CD5, Kannada: ೀ is
# U+0CBF U+0CD5), the conjoining Hangul jamo and syllables (가 + U+11A8 is 각),
# compatibility characters (ﬁ, ①, ™, Ａ, ½, the compatibility jamo ㄱ ㅏ),
# characters past the BMP (𝐀 is A), newlines.
_NFKC_POOL = [*"ab中。é\u0301\u0323\u0308が\u3099\u0cbf\u0cd5\u1100\u1161\u11a8가각ﬁ①™Ａ½ㄱㅏ",
              "𝐀", "😀", "\n", " ", "e", "\u0344"]


def test_marked_segments_is_the_reference():
    """``_cwalk.marked_segments`` gives what ``keys._marked_segments_py`` gives:
    around each marked character, the piece from the unmarked one before it to
    the next unmarked one after it, touching pieces joined."""
    import scrubber.keys as keys

    if keys._MARKED_SEGMENTS is None:
        pytest.skip("the compiled module is not built")
    table = keys._char_table()
    rng = random.Random(74)
    for n in [0, 1, 2, 3, 63, 64, 65, 200]:
        for _ in range(60):
            text = "".join(rng.choices(_NFKC_POOL, k=n))
            want = keys._marked_segments_py(text, table, keys._NFKC)
            assert keys._MARKED_SEGMENTS(text, table, keys._NFKC) == want, repr(text)
            for a, b in zip(want[0::2], want[1::2]):
                assert a == 0 or not table[ord(text[a - 1])] & keys._NFKC or a == b - 1
                assert b == len(text) or (ord(text[b]) < 0x10000
                                          and not table[ord(text[b])] & keys._NFKC)
    assert keys._MARKED_SEGMENTS("a①b①①c", table, keys._NFKC) == [0, 5]  # (touching)
    assert keys._MARKED_SEGMENTS("a①bc①", table, keys._NFKC) == [0, 2, 3, 5]
    assert keys._MARKED_SEGMENTS("①", table, keys._NFKC) == [0, 1]
    assert keys._MARKED_SEGMENTS("中文", table, keys._NFKC) == []


def test_nfkc_piece_by_piece_is_nfkc_of_the_whole(keys_table):
    """Decision 74: NFKC of a text is NFKC of its pieces cut before each
    character the table leaves unmarked, so ``_nfkc_lines`` normalises only
    the pieces around the marked ones, on texts mixing every kind of
    character NFKC treats its own way, and on long lines holding one."""
    import unicodedata

    keys = keys_table
    rng = random.Random(741)
    for n in [1, 2, 3, 5, 8, 20, 100]:
        for _ in range(400):
            text = "".join(rng.choices(_NFKC_POOL, k=n))
            assert keys._nfkc_lines(text) == unicodedata.normalize("NFKC", text), repr(text)
    long_line = "中文的句子，" * 2000
    for odd in ("™", "é\u0323", "가\u11a8", "\u0cbf\u0cd5", "ㄱㅏ", "Ａ"):
        text = long_line + odd + long_line + "\n" + odd
        assert keys._nfkc_lines(text) == unicodedata.normalize("NFKC", text), odd


def _counting_t2s(monkeypatch, keys) -> tuple[Any, list[str]]:
    """The real converter, and the texts given to the one ``keys`` now calls
    (the tables built from the converter once per process are built first,
    so that a test run alone counts only its own calls)."""
    real = keys._t2s()
    keys._t2s_finder()
    keys._t2s_table()
    calls: list[str] = []

    class Counting:
        def convert(self, text):
            calls.append(text)
            return real.convert(text)

    monkeypatch.setattr(keys, "_t2s", lambda: Counting())
    return real, calls


def test_t2s_lines_gives_up_when_most_lines_change(monkeypatch):
    """Without the compiled scan, the whole-document shortcut of ``_t2s_lines``
    is taken after every eighth line to convert, when they are more than half
    of the lines up to there (as counted from the start): a long Simplified
    opening keeps it from firing."""
    import scrubber.keys as keys

    monkeypatch.setattr(keys, "_FLAGGED_LINES", None)
    real, calls = _counting_t2s(monkeypatch, keys)
    trad = ["後來", "著名的書", "乾隆皇帝", "瞭解到"]
    for simp, n_trad in [(0, 16), (5, 16), (9, 16), (200, 40), (15, 8), (16, 8), (17, 8)]:
        lines = ["今天天气很好"] * simp + [trad[i % 4] for i in range(n_trad)]
        joined = "\n".join(lines)
        calls.clear()
        assert keys._t2s_lines(joined) == real.convert(joined)
        # the lines up to the k-th line to convert are simp + k; the shortcut
        # fires at the first k = 8, 16, ... with 2k > simp + k
        gives_up = any(2 * k > simp + k for k in range(8, n_trad + 1, 8))
        assert calls == ([joined] if gives_up else ["\n".join(lines[simp:])]), (simp, n_trad)


def test_t2s_flagged_converts_all_when_the_lines_to_convert_hold_most_characters(monkeypatch):
    """With the compiled scan, ``_t2s_lines`` converts the whole text in one
    call when the lines holding a character t2s may change hold more than
    half of its characters, else those lines only."""
    import scrubber.keys as keys

    if keys._FLAGGED_LINES is None:
        pytest.skip("the compiled module is not built")
    real, calls = _counting_t2s(monkeypatch, keys)
    for simp, n_trad in [(0, 3), (1, 1), (2, 1), (3, 1), (4, 1), (5, 3), (40, 9), (9, 40)]:
        lines = ["今天天气很好"] * simp + ["著名的書籍"] * n_trad + ["plain"]
        joined = "\n".join(lines)
        calls.clear()
        assert keys._t2s_lines(joined) == real.convert(joined)
        changing = sum(len(line) for line in lines if keys._t2s_finder().search(line))
        whole = 2 * changing > len(joined)
        assert calls == ([joined] if whole else ["\n".join(lines[simp:simp + n_trad])]), \
            (simp, n_trad)
    calls.clear()
    assert keys._t2s_lines("今天\n天气") == "今天\n天气" and calls == []


def _t2s_dictionaries(tmp_path: Path) -> list[Path]:
    """The installed OpenCC's t2s dictionaries, dumped as text with its opencc_dict."""
    import json
    import subprocess

    import opencc

    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    if not (share / "t2s.json").is_file() or not tool.is_file():
        pytest.skip("this OpenCC does not ship its dictionaries and opencc_dict")
    config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))

    def files(node):
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                yield node["file"]
            for v in node.values():
                yield from files(v)
        elif isinstance(node, list):
            for v in node:
                yield from files(v)

    out = []
    for name in sorted(set(files(config))):
        dumped = tmp_path / (name + ".txt")
        subprocess.run([str(tool), "-i", str(share / name), "-o", str(dumped), "-f", "ocd2",
                        "-t", "text"], check=True, capture_output=True)
        out.append(dumped)
    return out


def test_every_entry_t2s_changes_holds_a_finder_character(tmp_path):
    """What lets ``_t2s_lines`` leave lines alone: each dictionary entry that t2s
    changes (alone, as it would in a line) holds a character of ``_t2s_finder``."""
    from scrubber.keys import _t2s, _t2s_finder

    convert, finder = _t2s().convert, _t2s_finder()
    keys = []
    for path in _t2s_dictionaries(tmp_path):
        keys += [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(keys) > 5000
    changed = [k for k in keys if convert(k) != k]
    assert changed and all(finder.search(k) for k in changed)
    # and nothing else changes: no BMP character outside the finder does
    others = [chr(c) for c in range(0x10000)
              if c != 10 and not 0xD800 <= c < 0xE000 and not finder.match(chr(c))]
    assert convert("\n".join(others)) == "\n".join(others)


def test_t2s_dictionaries_hold_no_ascii(tmp_path):
    """What lets ``fold_keys`` leave only some runs of a line to t2s (decision 69):
    no entry of t2s's dictionaries, and no conversion it gives, holds an ASCII
    character (the keys' white space and common punctuation are ASCII), so t2s
    converts a key's runs of non-ASCII characters each on its own."""
    entries = []
    for path in _t2s_dictionaries(tmp_path):
        for line in path.read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            entries.append((key, values.split(" ")))
    assert len(entries) > 5000
    assert not [k for k, vs in entries if any(c.isascii() or c.isspace() for c in k)]
    assert not [vs for k, vs in entries if any(c.isascii() or c.isspace() for v in vs for c in v)]


def test_in_phrases_are_the_characters_phrases_convert_otherwise(tmp_path):
    """What lets ``fold_keys`` convert a line character by character: every entry of
    t2s's dictionaries converts as its characters do alone, but at the
    characters of ``_IN_PHRASES``; and each of those is one some entry needs."""
    from scrubber.keys import _IN_PHRASES, _t2s

    convert = _t2s().convert
    keys = []
    for path in _t2s_dictionaries(tmp_path):
        keys += [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(keys) > 5000
    otherwise = set()
    for key in keys:
        whole, alone = convert(key), [convert(c) for c in key]
        if whole == "".join(alone):
            continue
        if len(whole) != len(key) or any(len(a) != 1 for a in alone):
            otherwise |= set(key)  # (not one for one: the whole entry)
        else:
            otherwise |= {c for c, a, w in zip(key, alone, whole) if a != w}
    assert otherwise == set(_IN_PHRASES)
    assert len(_IN_PHRASES) == len(set(_IN_PHRASES))


def test_phrase_neighbours_are_those_of_the_phrases_converting_otherwise(tmp_path):
    """``keys._PHRASE_NEIGHBOURS``: per character of ``_IN_PHRASES``, exactly the
    characters next to it in the entries of t2s's dictionaries that convert
    otherwise than their characters alone (what lets ``fold_keys`` convert a
    run without such a pair character by character, decision 72)."""
    from scrubber.keys import _IN_PHRASES, _PHRASE_NEIGHBOURS, _t2s

    convert = _t2s().convert
    keys = []
    for path in _t2s_dictionaries(tmp_path):
        keys += [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()]
    before, after = {c: set() for c in _IN_PHRASES}, {c: set() for c in _IN_PHRASES}
    otherwise = [k for k in keys if convert(k) != "".join(convert(c) for c in k)]
    assert len(otherwise) > 300
    for key in otherwise:
        assert len(key) > 1 and any(c in _IN_PHRASES for c in key), key
        for i, c in enumerate(key):
            if c in _IN_PHRASES:
                before[c].update(key[i - 1:i])
                after[c].update(key[i + 1:i + 2])
    assert set(_PHRASE_NEIGHBOURS) == set(_IN_PHRASES)
    for c, (b, a) in _PHRASE_NEIGHBOURS.items():
        assert (set(b), set(a)) == (before[c], after[c]), c
        assert len(b) == len(set(b)) and len(a) == len(set(a))
    # each of them t2s makes one BMP character alone (fold_keys converts it so)
    assert all(len(convert(c)) == 1 and ord(convert(c)) < 0x10000 for c in _IN_PHRASES)


def test_runs_without_a_phrase_pair_are_folded_in_the_pass(tmp_path):
    """Given the pairs, ``fold_keys`` converts a run holding one of
    ``_IN_PHRASES`` itself, character by character, unless one of them stands
    next to a neighbour of ``_PHRASE_NEIGHBOURS``: every entry of t2s's
    dictionaries, alone and among other characters, gets ``match_key``'s key,
    and only runs with such a pair are left for OpenCC."""
    import scrubber.keys as keys

    if keys._FOLD_KEYS is None:
        pytest.skip("the compiled module is not built")
    keys.match_keys(["乾隆"])  # (the t2s characters known)
    entries = []
    for path in _t2s_dictionaries(tmp_path):
        entries += [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(25)
    filler = "什么中文这个國際新聞沈阳回来，, a"
    texts = [*entries, *(e + "，" + rng.choice(entries) for e in entries)]
    texts += ["".join(rng.choices(filler, k=2)) + e + "".join(rng.choices(filler, k=2))
              for e in entries]
    texts += ["什么", "怎么样", "沈阳市", "辽宁省沈阳市", "乾燥", "反覆", "回覆：乾隆", "覆信",
              "深沈", "俱乐部", "么麼", "這個計畫", "畫面", "A 乾隆 B 什么"]
    assert keys.match_keys(texts) == [keys.match_key(t) for t in texts]
    table = keys._key_table(keys._HAN_BITS[0])
    pairs = keys._phrase_pairs()
    probe = ["什么", "辽宁省沈阳市", "乾燥", "回覆", "覆信", "深沈", "畫面", "這個計畫", "a 乾隆 b 什么"]
    got, slow, runs = keys._FOLD_KEYS(probe, table, keys._COMMON_WHICH, keys._COMMON_BY,
                                      keys._T2S_ALONE[0], pairs)
    assert slow == []
    assert got[:3] == ["什么", "辽宁省沈阳市", "干燥"]
    assert got[6] == "画面"
    left = {(j, a, b) for j, a, b in zip(runs[0::3], runs[1::3], runs[2::3])}
    assert left == {(3, 0, 2), (4, 0, 2), (5, 0, 2), (7, 0, 4), (8, 2, 4)}
    # without the pairs, every run holding one of _IN_PHRASES is left, as before
    _, _, all_runs = keys._FOLD_KEYS(probe, table, keys._COMMON_WHICH, keys._COMMON_BY,
                                     keys._T2S_ALONE[0])
    assert len(all_runs) // 3 == 10
    with pytest.raises(ValueError):  # (not a hash set of codes)
        keys._FOLD_KEYS(probe, table, keys._COMMON_WHICH, keys._COMMON_BY,
                        keys._T2S_ALONE[0], pairs[:5])


def test_text_without_han_does_not_load_opencc(monkeypatch):
    """The phrase pairs ask OpenCC, so ``match_keys`` takes them only once t2s's
    characters are known (a text with Han has loaded OpenCC by then): keys of
    text without Han never build the converter."""
    import scrubber.keys as keys

    monkeypatch.setattr(keys, "_HAN_BITS", [None])
    for cached in (keys._t2s, keys._phrase_pairs):
        cached.cache_clear()
    try:
        assert keys.match_keys(["Hello World", "café  au lait", "1,000"]) == [
            "hello world", "café au lait", "1,000"]
        assert keys._t2s.cache_info().currsize == 0
        assert keys._phrase_pairs.cache_info().currsize == 0
    finally:
        for cached in (keys._t2s, keys._phrase_pairs):
            cached.cache_clear()


def test_phrase_pairs_are_not_used_when_opencc_converts_a_phrase_character_otherwise(
        monkeypatch):
    """``fold_keys`` converts a run's ``_IN_PHRASES`` characters one for one; an
    OpenCC that makes one of them two characters (or none) alone gets no pairs,
    and every run holding one goes to OpenCC again (decision 72)."""
    import scrubber.keys as keys

    real = keys._t2s()

    class TwoForQian:
        def convert(self, text):
            return real.convert(text).replace("干", "干干")

    keys._phrase_pairs.cache_clear()
    try:
        assert keys._phrase_pairs() is not None
        keys._phrase_pairs.cache_clear()
        monkeypatch.setattr(keys, "_t2s", lambda: TwoForQian())
        assert keys._phrase_pairs() is None
    finally:
        monkeypatch.undo()
        keys._phrase_pairs.cache_clear()
    assert keys._phrase_pairs() is not None


# -- language guess -------------------------------------------------------------------

LANG_ALPHABET = (ALPHABET + "們這個來說為與會對時國還經發過當後從進問開關門實點體動裡嗎麼學長頭"
                 "们这个来说为与会对时国还经发过当后从进问开关门实点体动里吗么学长头"
                 "\u212a\u017fſKİı ÀéÿÆ" + "the and of to is " * 3)


def _pattern_counts(sample: str) -> tuple[int, ...]:
    from scrubber.core import _HAN, _HANGUL, _KANA, _LATIN, _LETTER, _SIMP, _TRAD, _count

    rest = "".join(c for c in sample if not c.isascii())
    return (_count(_HAN, rest), _count(_KANA, rest), _count(_HANGUL, rest),
            _count(_LETTER, rest), _count(_LATIN, rest), _count(_TRAD, rest),
            _count(_SIMP, rest))


def test_detect_table_is_a_charmap_table():
    from scrubber.core import _DETECT_TABLE, _HAN_RANGES

    assert _DETECT_TABLE[0] == "\0" and len(_DETECT_TABLE) == len(set(_DETECT_TABLE)) <= 256
    assert not any(c.isascii() for c in _DETECT_TABLE[1:])
    assert _HAN_RANGES == "\u3400-\u4dbf\u4e00-\u9fff"  # the installed regex agrees


@pytest.mark.parametrize("seed", range(60))
def test_counts_by_table_equal_pattern_counts(seed):
    from scrubber.core import _counts_by_table

    rng = random.Random(seed)
    weights = [rng.random() ** 3 for _ in LANG_ALPHABET]
    sample = "".join(rng.choices(LANG_ALPHABET, weights, k=rng.randint(1, 3000)))
    others = sum(not c.isascii() for c in sample)
    counts = _counts_by_table(sample, others)
    if counts is not None:
        assert counts == _pattern_counts(sample)


needs_compiled_counts = pytest.mark.skipif(
    __import__("scrubber.core", fromlist=["_CLASS_COUNTS"])._CLASS_COUNTS is None,
    reason="the compiled module was not built")


@needs_compiled_counts
@pytest.mark.parametrize("seed", range(60))
def test_compiled_counts_equal_pattern_counts(seed):
    """``_cwalk.class_counts`` (any number of outsiders, characters past the BMP
    counted apart) gives the pattern counts."""
    from scrubber.core import _counts_compiled

    rng = random.Random(seed)
    alphabet = LANG_ALPHABET + OUTSIDERS + "𠀀𡃁𪚲\U0002b740😀ｱｶﾞ"
    weights = [rng.random() ** 3 for _ in alphabet]
    sample = "".join(rng.choices(alphabet, weights, k=rng.randint(0, 3000)))
    assert _counts_compiled(sample)[0] == _pattern_counts(sample)


@needs_compiled_counts
def test_compiled_counts_over_the_whole_bmp():
    """Every BMP character, all at once and in random pieces (so that a wrong
    bit for any one character shows in some piece), and Latin-1-only text."""
    from scrubber.core import _counts_compiled

    every = "".join(map(chr, range(0x80, 0x10000)))
    assert _counts_compiled(every)[0] == _pattern_counts(every)
    rng = random.Random(1)
    for _ in range(300):
        piece = "".join(rng.choices(every, k=200))
        assert _counts_compiled(piece)[0] == _pattern_counts(piece)
    for text in ["", "abc", "café ÀéÿÆ ſ", "\xa0\xff" * 10]:
        assert _counts_compiled(text)[0] == _pattern_counts(text)
    from scrubber._accel import COMPILED

    with pytest.raises(ValueError):  # (a table short of the BMP is refused, not read past)
        COMPILED.class_counts("中文", bytes(0xFFFF))


@needs_compiled_counts
@pytest.mark.parametrize("text", ["", "abc", "A-Z a-z @[`{", "café ÀéÿÆ ſ 1", "中文 ABC xyz",
                                  "😀 Zz\x00\x7f", "".join(map(chr, range(0x100))),
                                  "".join(map(chr, range(0x100))) + "中"])
def test_compiled_counts_count_ascii_characters_and_letters(text):
    from scrubber.core import _DELETE_BUT_LETTERS, _counts_compiled

    ascii_bytes = text.encode("ascii", "ignore")
    assert _counts_compiled(text)[1:] == (len(ascii_bytes),
                                          len(ascii_bytes.translate(None, _DELETE_BUT_LETTERS)))


@pytest.mark.parametrize("seed", range(60))
def test_detect_language_equals_pattern_version(seed):
    from scrubber.core import _DELETE_BUT_LETTERS, _detect_by_patterns, detect_language

    rng = random.Random(seed)
    parts = ["中文的句子。", "這個時候們", "这个时候们", "カタカナ", "ひらがな", "한국어", "the cat and ",
             "Ωμέγα ", "Жизнь ", "café ", "😀", "\u212a", "1,000。", "\n"]
    weights = [rng.random() ** 2 for _ in parts]
    doc = "".join(rng.choices(parts, weights, k=rng.randint(1, 4000)))
    sample = doc[:20000]
    letters = len(sample.encode("ascii", "ignore").translate(None, _DELETE_BUT_LETTERS))
    assert detect_language(doc) == _detect_by_patterns(sample, letters)


# -- roles ----------------------------------------------------------------------------

ROLE_LINES = ["1. 第一条", "１、第二", "(3) 三", "（4）四", "一、总则", "十二、附则", "• item", "- dash",
              "-dash", "٣. arabic digit", "𝟙. math digit", "标题", "短标题：", "这是一个比较长的段落，"
              "里面有句号。", "Title Case Line", "x", "", "中文标题", "A much longer English line, "
              "with commas, and a full stop.", "问：", "…", "●重点", "◆ 要点"]


@pytest.mark.parametrize("loop", ["compiled", "python"])
@pytest.mark.parametrize("seed", range(30))
def test_assign_roles_equals_reference(seed, loop, monkeypatch):
    import scrubber.core as core
    from scrubber.core import _assign_roles_reference, assign_roles
    from scrubber.model import Verdict

    if loop == "python":
        monkeypatch.setattr(core, "_LINE_ROLES", None)
    elif core._LINE_ROLES is None:
        pytest.skip("the compiled module is not built")

    rng = random.Random(seed)
    texts = rng.choices(ROLE_LINES + _fixture_lines()[:200], k=rng.randint(1, 50))
    blocks = list(blocks_from_text("\n".join(t for t in texts if t.strip())))
    for i in rng.sample(range(len(blocks)), k=len(blocks) // 4):  # some HTML-like roles
        blocks[i] = replace(blocks[i], role=rng.choice(list(Role)))
    keep, drop = Verdict.body("body", "kept"), Verdict.drop("x", "dropped")
    verdicts = [keep if rng.random() < 0.7 else drop for _ in blocks]
    assert assign_roles(tuple(blocks), verdicts) == _assign_roles_reference(tuple(blocks), verdicts)
    no_units = tuple(replace(b, features={}) for b in blocks)
    assert assign_roles(no_units, verdicts) == _assign_roles_reference(no_units, verdicts)
    # features of other types (ints, bools), texts ending in white space
    odd = tuple(replace(b, text=b.text + rng.choice(["", " ", "。 ", "\u3000", "：\n"]),
                        features={k: (int(v) if k != "full_stop" else bool(v))
                                  for k, v in b.features.items()}) for b in blocks)
    assert assign_roles(odd, verdicts) == _assign_roles_reference(odd, verdicts)


def test_line_labels_are_the_f_strings():
    from scrubber import blocks

    rng = random.Random(13)
    numbers = [0, 1, 9, 10, 99, 100, 10**12, 2**62] + [rng.randint(1, 10**6) for _ in range(500)]
    want = [f"line {n}" for n in numbers]
    assert blocks._line_labels_py(numbers) == want
    got = blocks._line_labels(numbers)
    assert got == want and all(g.isascii() for g in got)
    assert [b.path for b in blocks_from_text("a\n\n b\n")] == ["line 1", "line 3"]


def test_heading_end_is_the_regex():
    """``_heading_end`` reads the last character: regex's ``\\s`` is a part of
    ``str.isspace``, so only a text ending in white space needs the regex."""
    import regex

    from scrubber.core import _HEADING_END, _heading_end

    spaces = [c for c in map(chr, range(0x110000)) if regex.match(r"\s", c, regex.V0)]
    assert spaces and all(c.isspace() for c in spaces)
    rng = random.Random(21)
    pool = ["标题", "。", "，", ",", ":", "…", ".", "x", " ", "\u3000", "\n", "\x1c", "\u2028", "；"]
    texts = ["", "。", " ", "标题：", "标题： ", "标题：\n", "标题\x1c", "。\x1c"]
    texts += ["".join(rng.choices(pool, k=rng.randint(1, 6))) for _ in range(3000)]
    for text in texts:
        assert _heading_end(text) == (_HEADING_END.search(text) is not None), repr(text)


@pytest.mark.parametrize("scan", ["compiled", "python"])
def test_holds_odd_space_is_any_of_the_characters(scan, monkeypatch):
    """``keys._holds_odd_space``: one table scan for ``any(c in text for c in odd)``;
    a character past the BMP (not in the table) answers yes."""
    import scrubber.keys as keys

    if scan == "python":
        monkeypatch.setattr(keys, "_TABLE_FLAGS", None)
    elif keys._TABLE_FLAGS is None:
        pytest.skip("the compiled module is not built")
    rng = random.Random(22)
    pool = ["a", "中", " ", "\t", "\xa0", "\u3000", "\u2009", "\ufeff", "\r", "é", "\n"]
    for odd in (keys._ODD_ASCII, keys._ODD_AFTER_NFKC):
        for _ in range(2000):
            text = "".join(rng.choices(pool, k=rng.randint(0, 6)))
            assert keys._holds_odd_space(text, odd) == any(c in text for c in odd), repr(text)
        assert keys._holds_odd_space("a😀b", odd) is (scan == "compiled")


@pytest.mark.parametrize("han", ["unknown", "known"])
def test_fold_keys_are_match_key(han, monkeypatch):
    """``match_keys`` with ``_cwalk.fold_keys``: every key is ``match_key`` of its
    text, whether the characters t2s changes are known yet or not."""
    import scrubber.keys as keys

    if keys._FOLD_KEYS is None:
        pytest.skip("the compiled module is not built")
    if han == "unknown":
        monkeypatch.setattr(keys, "_HAN_BITS", [None])
    else:
        for cached in (keys._t2s_changing, keys._t2s_finder, keys._t2s_table):
            cached.cache_clear()  # (the first of them sets the bits when it runs)
        keys._t2s_finder()
        assert keys._HAN_BITS[0] is not None
    rng = random.Random(23)
    pool = [*"aZQ z 中文後來乾，：（）…～－。．é\u0301ßİ計畫回覆深沈於這國", "\u3000", "\t", "\xa0", "\u200b",
            "\ufeff", "\x1c", "\x85", "😀", "𠀀", "\ud800", "ﬁ", "①", "Ａ", "  ", "\u2028"]
    texts = ["".join(rng.choices(pool, k=rng.randint(0, 9))) for _ in range(3000)]
    texts += ["Hello World", "今天，天气很好。", "  lead", "trail  ", "", " ", "\u3000中\u3000"]
    texts += ["Hello World", "今天，天气很好。", "  lead", "trail  ", "", " ", "\u3000中\u3000",
              "a\nB", "A\rb", "a  b", "ABC", "abc", "中文", "後來", "a，b：c…",
              "計畫", "回覆", "乾隆", "深沈", "國際新聞，這個", " 這個　國際 ",
              "乾隆,計畫 回覆", "什么？這個乾坤", "於菟 ABC 深沈", "A計畫B", "回覆：「乾隆」",
              "計畫　回覆", "這個計畫的回覆很深沈。乾坤", "後來乾隆"]
    want = [keys.match_key(t) for t in texts]
    assert keys.match_keys(texts) == want
    fast, slow, runs = keys._FOLD_KEYS(texts, keys._key_table(keys._HAN_BITS[0]),
                                       keys._COMMON_WHICH, keys._COMMON_BY, keys._T2S_ALONE[0])
    assert len(fast) == len(texts) and 300 < len(slow) < len(texts) - 300
    slow_set = set(slow)
    assert all((k is None) == (i in slow_set) for i, k in enumerate(fast))
    assert {i for i, t in enumerate(texts) if "\n" in t or "\r" in t} <= slow_set
    assert (texts.index("中文") in slow_set) is (han == "unknown")
    # Traditional characters are converted in the pass once t2s's are known,
    # but for those some phrase converts otherwise (decision 67)
    for text in ("後來", "國際新聞，這個", " 這個　國際 "):
        assert (texts.index(text) in slow_set) is (han == "unknown"), text
    assert fast[texts.index("國際新聞，這個")] in (None, "国际新闻,这个")
    # whose runs are left in the key as they are, for t2s itself (decision 69)
    assert len(runs) % 3 == 0 and (runs == []) is (han == "unknown")
    spans = {}
    for j, a, b in zip(runs[0::3], runs[1::3], runs[2::3]):
        spans.setdefault(j, []).append((a, b))
    for j, cut in spans.items():
        assert j not in slow_set and fast[j] is not None
        assert all(0 <= a < b <= len(fast[j]) for a, b in cut) and cut == sorted(cut)
        for a, b in cut:  # a whole run of non-ASCII characters, holding a phrase character
            assert not any(c.isascii() for c in fast[j][a:b])
            assert a == 0 or fast[j][a - 1].isascii()
            assert b == len(fast[j]) or fast[j][b].isascii()
            assert any(c in keys._IN_PHRASES for c in fast[j][a:b])
    for text in ("計畫", "回覆", "乾隆", "深沈"):
        i = texts.index(text)
        assert (i in slow_set) is (han == "unknown"), text
        if han == "known":
            assert fast[i] == text and spans[i] == [(0, len(text))], text
    mixed = texts.index("a，b：c…")
    assert mixed not in spans
    assert fast[texts.index("abc")] is texts[texts.index("abc")]  # a key that is its text


def test_fold_keys_refuses_a_common_character_without_replacement():
    """A table marking a common character that ``which`` gives no replacement
    is refused, for a line with a phrase character and one without (no
    common character has one byte)."""
    import scrubber.keys as keys

    if keys._FOLD_KEYS is None:
        pytest.skip("the compiled module is not built")
    keys.match_keys(["乾隆"])  # (the t2s characters known)
    table = keys._key_table(keys._HAN_BITS[0])
    which = bytearray(keys._COMMON_WHICH)
    for text, common in (("中…文", "…"), ("中，文", "，"), ("乾隆，好", "，")):
        assert table[ord(common)] & keys._K_COMMON, repr(common)
        got = keys._FOLD_KEYS([text], table, bytes(which), keys._COMMON_BY, keys._T2S_ALONE[0])
        if any(c in keys._IN_PHRASES for c in text):  # (its run left for t2s)
            assert got[2] == [0, 0, 2] and got[0][0].startswith(text[:2]), text
        else:
            assert got[0][0] == keys.match_key(text), text
        broken = bytearray(which)
        broken[ord(common)] = 0
        with pytest.raises(ValueError):
            keys._FOLD_KEYS([text], table, bytes(broken), keys._COMMON_BY, keys._T2S_ALONE[0])


def test_put_runs_is_the_reference():
    """``_cwalk.put_runs``, the compiled loop of ``keys._put_runs_py``."""
    import scrubber.keys as keys

    if keys._PUT_RUNS is None:
        pytest.skip("the compiled module is not built")
    rng = random.Random(24)
    for _ in range(500):
        texts = ["".join(rng.choices("ab中文乾 ,😀", k=rng.randint(0, 8))) for _ in range(5)]
        runs, converted = [], []
        for j in sorted(rng.sample(range(5), rng.randint(0, 5))):
            cuts = sorted(rng.sample(range(len(texts[j]) + 1), 2 * rng.randint(0, 2))
                          if len(texts[j]) >= 3 else [])
            for a, b in zip(cuts[0::2], cuts[1::2]):
                runs += (j, a, b)
                converted.append("".join(rng.choices("干隆x😀", k=rng.randint(0, 3))))
        want, got = list(texts), list(texts)
        keys._put_runs_py(want, runs, converted)
        keys._PUT_RUNS(got, runs, converted)
        assert got == want, (texts, runs, converted)
    with pytest.raises(ValueError):
        keys._PUT_RUNS(["abc"], [0, 2, 1], ["x"])  # a run backwards
    with pytest.raises(ValueError):
        keys._PUT_RUNS(["abc"], [0, 0, 1], [])  # no string for the run


def test_key_table_spaces_are_the_line_spaces():
    import scrubber.keys as keys

    table = keys._key_table(None)
    spaces = {chr(c) for c in range(0x10000) if table[c] & (keys._K_ODD | keys._K_SPACE)}
    assert spaces - {"\u3000", "\ufeff"} == {
        chr(c) for c in range(0x10000)
        if c not in (10, 13) and keys._LINE_SPACES.fullmatch(chr(c))} - {"\u3000", "\ufeff"}
    known = keys._key_table(keys._HAN_BITS[0] or bytes(0x2000))
    assert {chr(c) for c in range(0x10000) if known[c] & (keys._K_ODD | keys._K_SPACE)} == {
        chr(c) for c in range(0x10000) if c not in (10, 13) and keys._LINE_SPACES.fullmatch(chr(c))}
    # white space str.strip strips but no key collapses: hard
    for c in map(chr, range(0x10000)):
        if c.isspace() and c not in spaces:
            assert table[ord(c)] & keys._K_HARD, repr(c)


def test_simplified_text_makes_the_t2s_characters_known(monkeypatch):
    """The first text with Han in it, Simplified too, has t2s's characters
    worked out (to find what t2s changes); from then on Chinese texts t2s
    leaves alone take the compiled path of ``match_keys``."""
    import scrubber.keys as keys

    def forget():
        for cached in (keys._t2s_changing, keys._t2s_finder, keys._t2s_table):
            cached.cache_clear()

    monkeypatch.setattr(keys, "_HAN_BITS", [None])
    forget()
    try:
        texts = ["今天天气很好。", "我们去公园。"]
        assert keys.match_keys(texts) == [keys.match_key(t) for t in texts]
        assert keys._HAN_BITS[0] is not None
        if keys._FOLD_KEYS is not None:
            _, slow, _ = keys._FOLD_KEYS(texts, keys._key_table(keys._HAN_BITS[0]),
                                      keys._COMMON_WHICH, keys._COMMON_BY)
            assert slow == []
    finally:
        forget()  # (worked out again into the real list)
