"""Nothing is lost: properties of scrub over many generated inputs.

In text mode every input line lands in exactly one of body or boilerplate, in order, with
its original characters (only surrounding whitespace and blank lines go, see
``scrubber.blocks.text_lines``), and ``scrub`` never raises on str or bytes.

Inputs come from hypothesis when it is installed (``pip install ".[test]"``)
and, always, from a seeded random generator over the same pieces, so the
properties are checked even without it.
"""

from __future__ import annotations

import json
import random

import pytest

import scrubber
from scrubber import Article, Verdict
from scrubber.blocks import text_lines

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - the test extra installs it
    st = None

ZH = [
    "据新华社报道,今年一季度全国港口完成货物吞吐量40亿吨,同比增长百分之六。",
    "交通运输部表示,外贸集装箱运输保持较快增长。",
    "港口吞吐量创新高",
    "業內人士認為，隨著航線恢復，二季度吞吐量有望繼續增長。",
    "他说：“我们还需要时间。”",
    "评论区里有人说，注册公司的流程比以前简单多了。",
]
BOILER = [
    "（责任编辑：汇率）", "(责任编辑:汇率)", "責任編輯：王小明", "本文来源：经济日报",
    "原标题：某某",
    "记者 张三", "2025年05月13日 10:23", "其次,在网点的设置上,北京共有70个网点。...[详细]",
    "更多>>", "[查看全文]", "学院:想赚钱?了解一下。立即注册", "扫码关注公众号", "分享到：",
    "上一篇：港口新闻", "相关新闻", "版权所有 © 2025", "免责声明：本文仅代表作者观点。",
    "京ICP备12345678号", "发表评论", "首页 | 新闻 | 体育 | 财经", "<div class=\"x\">",
    "By Jane Doe", "Read more", "Related", "Share this", "Sign up for our newsletter",
    "© 2025 Example Ltd. All rights reserved.", "https://example.com/a.html",
]
EN = [
    "The council voted on Tuesday to extend the program by two years.",
    "Officials said the reservoir would stay open to anglers.",
    "Harbour City Opens Its First Floating Solar Farm",
    "Share prices rose, and readers who sign up early get a discount.",
]
SEPARATORS = ["-", "—", "|", "***", "==", "·"]
PADDING = ["", "", "", " ", "  ", "\t", "\u3000", " \t "]
NEWLINES = ["\n", "\n", "\n", "\r\n", "\r"]
ODD = ["\x00", "\ufeff", "\u200b", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "①", "ｆｕｌｌ", "𠀀"]
POOL = ZH + BOILER + EN + SEPARATORS


# -- the properties -----------------------------------------------------------

def check_article(art: Article) -> None:
    n = len(art.blocks)
    assert len(art.verdicts) == n
    for i, (b, v) in enumerate(zip(art.blocks, art.verdicts, strict=False)):
        assert b.index == i
        assert isinstance(v, Verdict)
        assert isinstance(v.rule, str) and v.rule
        assert isinstance(v.reason, str) and v.reason
    body = [b.index for b in art.paragraphs]
    removed = [r.index for r in art.boilerplate]
    assert not set(body) & set(removed)
    assert sorted(body + removed) == list(range(n))
    assert body == sorted(body) and removed == sorted(removed)
    # joining both back by position gives every block's text, in order
    by_index = {b.index: b.text for b in art.paragraphs}
    by_index.update({r.index: r.text for r in art.boilerplate})
    assert [by_index[i] for i in range(n)] == [b.text for b in art.blocks]
    kept = [b.text for b, v in zip(art.blocks, art.verdicts, strict=True) if v.keep]
    assert art.text == "\n".join(kept)


def check_text(source: str) -> Article:
    """Text mode: the blocks are exactly the input's non-blank lines, with spans."""
    check_article(scrubber.scrub(source))  # auto: may be taken for HTML, must not raise
    art = scrubber.scrub(source, kind="text")
    check_article(art)
    assert "\n".join(b.text for b in art.blocks) == "\n".join(text_lines(source))
    for b in art.blocks:
        assert b.span is not None
        start, end = b.span
        assert source[start:end] == b.text
    return art


def check_bytes(data: bytes, kind: str = "auto") -> Article:
    art = scrubber.scrub(data, kind=kind)
    check_article(art)
    assert art.encoding is not None
    return art


def check_round_trip(art: Article) -> None:
    d = art.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert Article.from_dict(d).to_dict() == d


# -- a seeded generator (always runs) -------------------------------------------

def random_document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 30)):
        r = rng.random()
        if r < 0.15:
            line = ""
        elif r < 0.25:
            chars = [*ODD, " ", "a", "中", ","]
            line = "".join(rng.choice(chars) for _ in range(rng.randint(1, 8)))
        elif r < 0.35:
            line = rng.choice(POOL) + rng.choice(ODD) + rng.choice(POOL)
        else:
            line = rng.choice(POOL)
        lines.append(rng.choice(PADDING) + line + rng.choice(PADDING))
    out = ""
    for line in lines:
        out += line + rng.choice(NEWLINES)
    return out if rng.random() < 0.5 else out.rstrip("\r\n")


SEEDS = range(300)


@pytest.mark.parametrize("seed", SEEDS)
def test_partition_seeded(seed):
    rng = random.Random(seed)
    source = random_document(rng)
    art = check_text(source)
    if seed % 10 == 0:
        check_round_trip(art)
    encoding = rng.choice(["utf-8", "gb18030", "utf-16", "big5"])
    try:
        data = source.encode(encoding)
    except UnicodeEncodeError:
        data = source.encode("utf-8")
    check_bytes(data)


@pytest.mark.parametrize("seed", range(100))
def test_random_bytes_never_raise(seed):
    rng = random.Random(10_000 + seed)
    data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 400)))
    check_bytes(data)


@pytest.mark.parametrize(
    "source",
    [
        "", "\n", "\r\n\r\n", "\x00", "\x00\x00\n\x00", "\t\t", "\ufeff", "\u2028\u2029",
        "-\n-\n-", "立即注册", "（责任编辑：汇率）", "a" * 10_000, "中" * 10_000 + "。",
        "\n".join(BOILER), "\r".join(ZH), "<p>not really html</p>\n正文。",
        "<html><body><p>正文第一段，很长很长。</p><p>（责任编辑：汇率）</p></body></html>",
        "<!doctype html><html>", "<html><body>\x00<p>\x00</p><script>x</script>",
        "<div><div><div>" * 200, "<p>" + "\n".join(POOL) + "</p>",
    ],
)
def test_edge_cases(source):
    check_round_trip(check_text(source))
    check_bytes(source.encode("utf-8"))


# Lone surrogates: Python str allows them (e.g. from surrogateescape decoding).
SURROGATES = ["abc\ud800def", "中文\udc80测试。", "\ud83d", "（责任编辑：汇率\udfff）"]


@pytest.mark.parametrize("source", SURROGATES)
def test_lone_surrogates_never_raise(source):
    check_text(source)


# -- hypothesis ---------------------------------------------------------------

if st is not None:
    line = st.one_of(
        st.sampled_from(POOL),
        st.text(max_size=40),
        st.lists(st.sampled_from(list("中文汇率，。,.:：[]-—|() \t") + ODD), max_size=20).map(
            "".join),
        st.tuples(st.sampled_from(POOL), st.text(max_size=10), st.sampled_from(POOL)).map(
            "".join),
    )
    padded = st.tuples(st.sampled_from(PADDING), line, st.sampled_from(PADDING)).map("".join)
    documents = st.lists(st.tuples(padded, st.sampled_from(NEWLINES)), max_size=30).map(
        lambda parts: "".join(a + b for a, b in parts))
    SETTINGS = settings(max_examples=300, deadline=None,
                        suppress_health_check=[HealthCheck.too_slow])

    @SETTINGS
    @given(documents)
    def test_partition_hypothesis(source):
        check_round_trip(check_text(source))

    @SETTINGS
    @given(st.text(max_size=300))
    def test_any_text_never_raises(source):
        check_text(source)

    @SETTINGS
    @given(st.binary(max_size=600))
    def test_any_bytes_never_raise(data):
        check_bytes(data)

    @SETTINGS
    @given(documents, st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]))
    def test_encoded_documents_never_raise(source, encoding):
        try:
            data = source.encode(encoding)
        except UnicodeEncodeError:
            data = source.encode("utf-8", "replace")
        check_bytes(data)

    @SETTINGS
    @given(documents, st.sampled_from(["utf-8-sig", "utf-16"]))
    def test_bom_documents_decode_exactly(source, encoding):
        # a byte-order mark decides the encoding, so the blocks are the text lines
        art = check_bytes(source.encode(encoding), kind="text")
        assert [b.text for b in art.blocks] == text_lines(source)


else:  # pragma: no cover

    def test_hypothesis_missing():
        pytest.skip("hypothesis is not installed; the seeded generator ran instead")


@pytest.mark.parametrize("source", SURROGATES)
def test_lone_surrogates_in_markup_keep_the_text_after_them(source):
    """HTML in a str with a lone surrogate: the surrogate becomes U+FFFD and
    the text after it stays (libxml2 given the str itself dropped it)."""
    from scrubber import scrub

    page = f"<html><body><article><p>{source}</p></article></body></html>"
    article = scrub(page, kind="html")
    shown = "".join(b.text for b in article.blocks)  # kept and removed
    expected = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in source)
    assert expected in shown
