"""Fast paths of plain-text mode give exactly the results of the plain ones.

Lines, features, keys, language and roles of a document are computed in
whole-document passes (``str.split``, byte tables, a charmap codec, blocks
built column by column). Each is checked here against the straightforward
version on varied and random input.
"""

from __future__ import annotations

import random
from dataclasses import fields, replace
from pathlib import Path

import pytest

from scrubber.blocks import (
    _COMMON,
    _MANY_OUTSIDERS,
    _OUTSIDER,
    _lines,
    _lines_split,
    _measure_stripped,
    blocks_from_text,
    measure,
    text_lines,
)
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


@pytest.mark.parametrize("seed", range(20))
def test_lines_split_equals_lines_on_random_text(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice("ab中 \n\n" + SPACES) for _ in range(rng.randint(0, 400)))
    assert _lines_split(text) == _lines(text)


def test_blocks_from_text_with_carriage_returns():
    text = "a\r\nb\rc\n\r\nd  \r e"
    blocks = blocks_from_text(text)
    assert [b.text for b in blocks] == text_lines(text) == ["a", "b", "c", "d", "e"]
    assert [b.path for b in blocks] == ["line 1", "line 2", "line 2", "line 4", "line 4"]
    assert [text[slice(*b.span)] for b in blocks] == [b.text for b in blocks]


@pytest.mark.parametrize("text", LINE_TEXTS + ["\n".join(_fixture_lines()[:300])])
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


def test_with_roles_is_replace():
    blocks = [Block(i, f"t{i}", "k", Role.LINE, "p", (i, i + 1), {"units": i}, "p", ("div",))
              for i in range(5)]
    roles = [Role.TITLE, Role.PARAGRAPH, Role.LIST_ITEM, Role.HEADING, Role.LINE]
    assert with_roles(blocks, roles) == [replace(b, role=r) for b, r in zip(blocks, roles)]
