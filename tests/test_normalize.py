"""Explicit display normalisers: in/out tables, and how scrub reports them."""

from __future__ import annotations

import pytest

import scrubber
from scrubber.normalize import NORMALISERS, s2t, t2s, whitespace, zh_punctuation

ZH_PUNCTUATION = [
    # (input, output, count)
    ("据报道,OpenAI(开放人工智能)称:好", "据报道，OpenAI（开放人工智能）称：好", 3),
    ("北京,上海", "北京，上海", 1),
    ("你好?", "你好？", 1),
    ("真的!", "真的！", 1),
    ("他说;好", "他说；好", 1),
    ("(注)", "（注）", 1),
    ("“好”,他说", "“好”，他说", 1),
    ("网址:http://example.com/a", "网址：http://example.com/a", 1),
    # numbers, times, URLs and Latin text stay as they are
    ("共有1,000人", "共有1,000人", 0),
    ("价格为1,299元", "价格为1,299元", 0),
    ("时间10:30", "时间10:30", 0),
    ("详见 https://example.com/a?x=1,2", "详见 https://example.com/a?x=1,2", 0),
    ("见http://example.com/news,2025", "见http://example.com/news,2025", 0),
    ("Hello, world: fine!", "Hello, world: fine!", 0),
    ("f(x) = 1,2,3", "f(x) = 1,2,3", 0),
    ("已经是全角，没问题。", "已经是全角，没问题。", 0),
    ("", "", 0),
]

WHITESPACE = [
    ("a\u200bb", "ab", 1),  # zero-width space
    ("co\u00adop", "coop", 1),  # soft hyphen
    ("\ufeffx", "x", 1),  # stray BOM
    ("a  b", "a b", 1),
    ("a\tb", "a b", 1),
    ("中\u3000\u3000文", "中 文", 1),
    ("a \u00a0b", "a b", 1),
    ("ab", "ab", 0),
    ("一句 话", "一句 话", 0),
    ("", "", 0),
]

T2S = [
    ("責任編輯", "责任编辑"),
    ("這個問題", "这个问题"),
    ("［詳細］", "［详细］"),
    ("简体中文", "简体中文"),
    ("English stays", "English stays"),
]

S2T = [
    ("责任编辑", "責任編輯"),
    ("头发", "頭髮"),
    ("English stays", "English stays"),
]


@pytest.mark.parametrize(("text", "out", "count"), ZH_PUNCTUATION)
def test_zh_punctuation(text, out, count):
    assert zh_punctuation(text) == (out, count)


@pytest.mark.parametrize(("text", "out", "count"), WHITESPACE)
def test_whitespace(text, out, count):
    assert whitespace(text) == (out, count)


def test_whitespace_strips_ends():
    new, count = whitespace("  ab\t")
    assert new == "ab" and count > 0


@pytest.mark.parametrize(("text", "out"), T2S)
def test_t2s(text, out):
    new, count = t2s(text)
    assert new == out
    assert (count > 0) == (new != text)


@pytest.mark.parametrize(("text", "out"), S2T)
def test_s2t(text, out):
    new, count = s2t(text)
    assert new == out
    assert (count > 0) == (new != text)


@pytest.mark.parametrize("name", sorted(NORMALISERS))
@pytest.mark.parametrize(
    "text", [row[0] for row in ZH_PUNCTUATION + WHITESPACE] + [row[0] for row in T2S + S2T]
)
def test_count_is_zero_exactly_when_unchanged(name, text):
    new, count = NORMALISERS[name](text)
    assert isinstance(new, str) and isinstance(count, int)
    assert (count == 0) == (new == text)


@pytest.mark.parametrize("name", ["zh_punctuation", "whitespace"])
@pytest.mark.parametrize("text", [row[0] for row in ZH_PUNCTUATION + WHITESPACE])
def test_idempotent(name, text):
    once, _ = NORMALISERS[name](text)
    assert NORMALISERS[name](once) == (once, 0)


def test_registry_names():
    assert {"zh_punctuation", "whitespace", "t2s", "s2t"} <= set(NORMALISERS)


# -- through scrub ------------------------------------------------------------

DOC = (
    "港口吞吐量创新高\n"
    "据新华社报道,今年一季度全国港口完成货物吞吐量40亿吨,同比增长百分之六。\n"
    "交通运输部表示,外贸集装箱运输保持较快增长,部分港口出现了排队等泊的情况。\n"
    "业内人士认为,随着航线恢复,二季度吞吐量有望继续保持增长势头,但需关注运价波动。\n"
    "（责任编辑：汇率）\n"
)


def test_scrub_reports_changes():
    plain = scrubber.scrub(DOC)
    art = scrubber.scrub(DOC, normalize=["zh_punctuation"])
    assert plain.changes == ()
    assert art.changes, "zh_punctuation should have changed the ASCII commas"
    for c in art.changes:
        assert c.normaliser == "zh_punctuation"
        assert c.before != c.after and c.count > 0
        assert plain.blocks[c.index].text == c.before
        assert art.blocks[c.index].text == c.after
    assert "，" in art.text and "," not in art.text
    assert sum(c.count for c in art.changes) >= 6


def test_normalising_does_not_change_judging():
    plain = scrubber.scrub(DOC)
    art = scrubber.scrub(DOC, normalize=["zh_punctuation", "whitespace"])
    assert [b.key for b in art.blocks] == [b.key for b in plain.blocks]
    assert [(v.keep, v.rule) for v in art.verdicts] == [(v.keep, v.rule) for v in plain.verdicts]
    assert art.editor == plain.editor == "汇率"


def test_changes_survive_to_dict():
    art = scrubber.scrub(DOC, normalize=["zh_punctuation"])
    back = scrubber.Article.from_dict(art.to_dict())
    assert back.changes == art.changes


def test_unknown_normaliser_is_an_error():
    with pytest.raises(scrubber.ScrubberError, match="unknown normaliser"):
        scrubber.scrub(DOC, normalize=["nope"])
