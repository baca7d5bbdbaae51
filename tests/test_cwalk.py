"""The compiled walk (``scrubber/_cwalk.pyx``) against the reference ``html._walk``.

Both must fill ``_Found`` identically: texts, link shares, frames (tag, path,
context, role), metadata, titles, JSON-LD, images and captions. Compared on
every HTML fixture page and on small pages built to reach each branch
(comments, entities, CDATA, namespaced and unknown tags, attributes without a
value, hidden regions, data rows, templates, ``<br>``, links, images).

The module is built by ``setup.py build_ext --inplace`` (``.ci/run`` does so).
Without it these tests skip, unless ``SCRUBBER_REQUIRE_CWALK=1`` is set, as in
CI, where a missing build is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scrubber import html
from scrubber.core import _to_text

try:
    from scrubber import _cwalk
except ImportError:  # pragma: no cover - depends on the build
    _cwalk = None
    if os.environ.get("SCRUBBER_REQUIRE_CWALK"):
        raise

pytestmark = pytest.mark.skipif(_cwalk is None, reason="the compiled walk is not built "
                                "(python setup.py build_ext --inplace)")

# The rules screen takes the compiled scan unless SCRUBBER_PURE is set.
needs_compiled_scan = pytest.mark.skipif(
    __import__("scrubber.rules", fromlist=["_LITERAL_LINES"])._LITERAL_LINES is None,
    reason="SCRUBBER_PURE is set: the rules screen does not use the compiled scan")
# ... and RuleIndex.match_lines its compiled loop likewise.
needs_compiled_match = pytest.mark.skipif(
    __import__("scrubber.rules", fromlist=["_MATCH_LINES"])._MATCH_LINES is None,
    reason="SCRUBBER_PURE is set: RuleIndex.match_lines does not use the compiled loop")
# ... and html._parse_page its compiled features loop (and so Features) likewise.
needs_compiled_layout = pytest.mark.skipif(
    __import__("scrubber.html", fromlist=["_LAYOUT_FEATURES"])._LAYOUT_FEATURES is None,
    reason="SCRUBBER_PURE is set: html._parse_page makes dicts, not Features")
# ... and DomMain its compiled element index likewise.
needs_compiled_dom = pytest.mark.skipif(
    __import__("scrubber.filters.dom", fromlist=["_COMPILED_INDEX"])._COMPILED_INDEX is None,
    reason="SCRUBBER_PURE is set: DomMain does not use the compiled element index")

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
FIELDS = ("texts", "links", "frames", "meta", "doc_title", "h1", "jsonld", "time",
          "author_link", "canonical", "images", "figure_of")


def _both(markup: str, url: str | None = "https://example.com/a/b.html"):
    found = []
    for walk in (html._walk, _cwalk.walk):
        root = html._root_of(markup)
        f = html._Found()
        walk(root, f, url)
        found.append({k: getattr(f, k) for k in FIELDS})
    return found


def _assert_same(markup: str) -> None:
    ref, compiled = _both(markup)
    for k in FIELDS:
        assert compiled[k] == ref[k], k
    assert ref["texts"], "the page should give some text"


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.iterdir()
                                        if (p / "input.html").exists()))
def test_fixture_pages(name: str) -> None:
    text, _, _ = _to_text((PAGES / name / "input.html").read_bytes(), encoding=None, headers=None)
    if html._root_of(text) is None:
        pytest.skip("no tree")
    ref, compiled = _both(text)
    for k in FIELDS:
        assert compiled[k] == ref[k], k


TRICKY = {
    # link text counted as str.strip() leaves it: odd spaces at both ends, and
    # links of spaces only; class values in camelCase, capitals and digits
    "link_spaces": "<html><body><p class='postBody BODY x2Y'>see "
                   "<a href='/a'>\u3000\xa0 two words\x85\u2028</a> and "
                   "<a href='/b'> \u3000 </a><a href='/c'>\u200b zero width</a> then "
                   "<a href='/d'>中文\u3000</a>。</p></body></html>",
    "comments_and_tails": "<html><body><p>one<!-- c -->two <b>b</b><!--x-->tail</p>"
                          "<?pi data?>after pi<div>d</div></body></html>",
    "entities_cdata": "<html><body><p>a &amp; b &lt;c&gt; &nbsp;d &#x4e2d;</p>"
                      "<p><![CDATA[raw]]> text</p></body></html>",
    "unknown_and_upper": "<html><body><MyTag>x<Sub>y</Sub></MyTag><o:p>office</o:p>"
                         "<A href='/z'>upper link</A><a href='/y'>next</a></body></html>",
    "attributes": "<html><body><div class='Main-Article mainBody' id='post1' role='main' "
                  "itemprop='articleBody'><p class>empty class</p><p hidden>h</p>"
                  "<div aria-hidden='true'>ah</div><div style='color:red; DISPLAY : none'>"
                  "styled</div><div class='x&amp;y' id=''>amp</div><span class='a'><i>in"
                  "</i> span</span></div></body></html>",
    # descriptors: ASCII values read off libxml2's bytes in one pass; a value
    # not ASCII (in any of the four), a non-ASCII tag or an entity sends the
    # element to the values as strs; values long enough to need a buffer of
    # their own; hidden elements with and without naming values
    "descriptors": "<html><body><div class='新闻 main' id='storyBody'><p>mixed</p></div>"
                   "<div class='mainBody' id='正文' role='Main'><p>id not ASCII</p></div>"
                   "<section class='a' itemprop='articleBody' role='x' id='y'><p>four</p>"
                   "</section><文章 class='x'><p>tag</p></文章><div class='" + "wideBlock " * 70
                   + "'><p>long</p></div><div id='" + "x" * 600 + "Y'><p>long id</p></div>"
                   "<div hidden class='Box'><p>h</p></div><div hidden><p>bare</p></div>"
                   "<div class='&#x4e2d;x' id='-_-'><p>ref</p></div><div class='&unknown;'>"
                   "<p>u</p></div><DIV CLASS='Upper' ID='Cased'><p>caps</p></DIV>"
                   "<div class=' \t '><p>blank</p></div></body></html>",
    "links": "<html><body><p><a href='/1'>Home</a><a href='/2'>News</a><a rel='author' "
             "href='/me'>Ann <b>Lee</b></a> wrote <a href='/3'><span>nested</span> link</a>"
             "<a href='/4'><b>Sports</b></a><a href='/5'>Weather</a></p>"
             "<time datetime='2024-05-01'>May</time></body></html>",
    "author_leaf": "<html><body><p><a rel='nofollow' href='/n'>x</a> By <a href='/a' "
                   "REL='author'>Cy  Dee</a> <a rel='author'>second</a></p></body></html>",
    "author_entity": "<html><body><p><a rel=''>e</a><a rel='Author'>case</a><a rel="
                     "'auth&#111;r'>Bo <i>Ek</i></a><a rel='author'>later</a></p></body></html>",
    "tables": "<html><body><table><tr><td>a</td><td>b</td></tr><tr><td><p>layout</p>"
              "</td><td>x</td></tr><tr><th>h</th></tr></table></body></html>",
    "br_and_images": "<html><body><div>line one<br>line two<br/>三行<img src='/i.png' "
                     "alt=' an  image '>tail<figure><img data-src='/f.jpg'><figcaption>cap"
                     "</figcaption></figure></div></body></html>",
    # image sources: data: URIs passed over for the lazy-loading attributes (the
    # test is case-sensitive, as str.startswith is), alt text of odd white space
    "images": "<html><body><p>pics<img src='data:image/png;base64,xx' data-src='/real.jpg' "
              "alt='\u3000two\xa0 words\n'><img src='DATA:x' alt=''><img src='data:' "
              "data-original='data:y'><img><img src='' data-lazy-src='/lazy.png' alt='  '>"
              "<img src='/plain.png' alt='a\tb'></p></body></html>",
    # the string values of titles and headings: nested elements, comments, PIs,
    # white space of every kind, an empty heading, a second title and h1
    "titles": "<html><head><title>\n  A  title\u3000&amp; more <!-- c --> </title></head>"
              "<body><h1>Head<b>ing <i>deep</i></b><!-- x --><?pi p?> tail\xa0</h1><h1></h1>"
              "<title>second</title><h1><span><em>only</em></span></h1></body></html>",
    "cjk_breaks": "<html><body><p>中文\n  断行\n text</p><li>列表<ul><li>子项</li></ul>尾</li>"
                  "<blockquote>引用<p>段落</p></blockquote></body></html>",
    # text nodes of blanks only (the indentation between tags), which the walk
    # shares as one string: with and without newlines, CRs and tabs, between
    # CJK characters and between words, inside links, and a form feed (no
    # CJK break across it)
    "blank_nodes": "<html><body>\n  <p>中文<b>加粗</b>\r\n\t<i>斜体</i>  <b>x</b>\n \n"
                   "<i>字</i> \t <a href='/a'> \n </a>文<b>y</b>\x0c\n<i>z</i></p>\n"
                   "  <p>word<span>one</span>\n   <span>two</span>\t<span>three</span>"
                   "</p>\n</body></html>",
    "head_and_meta": "<html lang='zh'><head><title>T - Site</title><meta property='og:title' "
                     "content='T'><meta name='author' content='A'><link rel='canonical' "
                     "href='/c'><script type='application/ld+json'>{\"headline\": \"H\"}"
                     "</script></head><body><h1>T <i>it</i></h1><p>body</p></body></html>",
    "template": "<html><body><div class='post-body articleBody'><script type='text/template'>"
                "<p>" + "A long story sentence that is read in place. " * 10 + "</p><p>more</p>"
                "</script>after template</div><script type='text/template'><p>short</p>"
                "</script></body></html>",
    # scripts in the body: their type read off the node (absent, empty, in
    # capitals with spaces, JSON-LD, a template beside a story and elsewhere)
    "body_scripts": "<html><body><div class='article-body'><script>var a;</script><script "
                    "type=''>x</script><script type=' Application/LD+JSON '>{\"author\": "
                    "\"Q\"}</script><script type='TEXT/TEMPLATE'><p>" + "Read in place. " * 30
                    + "</p></script><p>story</p></div><script type='text/html'><p>"
                    + "Not beside a story. " * 30 + "</p></script><a rel='author' href='/q'>"
                    "Q <b>R</b></a><a rel='author'>later</a></body></html>",
    "skip_tags": "<html><body><p>a<script>var x=1;</script>b<style>p{}</style>c<select>"
                 "<option>o</option></select>d<button>press</button>e</p><noscript>n"
                 "</noscript></body></html>",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_markup(name: str) -> None:
    _assert_same(TRICKY[name])


def test_children_counted_per_tag_as_the_reference_counts_them() -> None:
    # The compiled walk counts an element's children per tag in a C array by
    # tag number; the reference, in a dict by tag. Names that read as one tag
    # (DIV and div, a namespaced p and p) share a count, and an element with
    # children of more tags than the array first holds makes it grow.
    from lxml import etree

    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    box = etree.SubElement(body, "div")
    names = ["p", "P", "{urn:x}p", "div", "DIV", "p"] + [f"t{i}" for i in range(40)] + ["p"]
    for i, name in enumerate(names):
        child = etree.SubElement(box, name)
        child.text = f"text {i} of the box"
        etree.SubElement(child, "span").text = "inner"  # children: a path is made
    found = _frames_both(root)
    assert found[1] == found[0]
    paths = [frame[1] for frame in found[0]]
    assert "/html/body/div[1]/p[5]" in paths and "/html/body/div[1]/div[2]" in paths


def _frames_both(root) -> list:
    """The frames the reference walk and the compiled one find in ``root``."""
    found = []
    for walk in (html._walk, _cwalk.walk):
        f = html._Found()
        walk(root, f, None)
        found.append(f.frames)
    return found


def test_descriptors_of_a_built_tree() -> None:
    # A tree built with lxml's API can hold a tag that is not ASCII, which the
    # parser never makes: the descriptor is then made from the values as strs,
    # as it is for values that are not ASCII.
    from lxml import etree

    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    for tag, attrs in (("文章", {"class": "mainBody"}), ("div", {"class": "Ünïcode x"}),
                       ("div", {"id": "a" * 300, "role": "Main"}), ("div", {"class": ""}),
                       ("{urn:x}box", {"class": "nsBox"})):
        el = etree.SubElement(body, tag, attrs)
        etree.SubElement(el, "p").text = f"text of {tag}"
    found = _frames_both(root)
    assert found[1] == found[0]
    descs = [frame[2][-2] for frame in found[0]]
    assert descs[:4] == ["文章 main body", "div ünïcode x", "div " + "a" * 300 + " main", "div"]


def test_headings_with_entity_references_read_as_the_reference() -> None:
    # A built tree can hold an entity reference (the parser decodes entities):
    # the heading's text is then read by the reference's XPath.
    from lxml import etree

    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    h1 = etree.SubElement(body, "h1")
    h1.text = "Fish "
    h1.append(etree.Entity("amp"))
    h1[-1].tail = " chips"
    etree.SubElement(body, "p").text = "text"
    found = []
    for walk in (html._walk, _cwalk.walk):
        f = html._Found()
        walk(root, f, None)
        found.append(f.h1)
    assert found[1] == found[0] and found[0][0].startswith("Fish")
    assert type(found[1][0]) is str  # (not the XPath's result, which holds the tree)


def test_parse_page_uses_it_for_markup_only() -> None:
    expected = html._walk if os.environ.get("SCRUBBER_PURE") else _cwalk.walk
    assert html._walk_of("<p>x</p>") is expected
    assert html._walk_of(html._root_of("<p>x</p>")) is html._walk


def test_control_characters_found_as_the_reference_finds_them() -> None:
    for c in (*html._CONTROL_CHARS, "\t", "\n", "\r", " ", "a", "中", "\ufffd", "😀", "\x7f"):
        for base in ("", "abc", "中文", "😀x"):
            text = base + c + base
            assert _cwalk.has_control(text) is html._has_control_chars(text), repr(text)
    pure = os.environ.get("SCRUBBER_PURE")
    assert html._has_control is (html._has_control_chars if pure else _cwalk.has_control)


def test_control_characters_found_anywhere_in_long_texts() -> None:
    """The compiled test looks at runs of 256 characters: a control character at
    either end of a run, or at the end of the text, in texts of one, two and
    four bytes a character (Latin, Chinese, emoji)."""
    for fill in ("a", "é", "中", "，", "😀"):
        for n in (1, 255, 256, 257, 511, 512, 1000):
            clean = (fill + "\n") * (n // 2) + fill * (n % 2)
            assert _cwalk.has_control(clean) is False
            for at in sorted({0, 254, 255, 256, 257, len(clean) - 1, len(clean)}):
                if at > len(clean):
                    continue
                for c in ("\x00", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff"):
                    text = clean[:at] + c + clean[at:]
                    assert _cwalk.has_control(text) is html._has_control_chars(text) is True


# -- features: _cwalk.measure_stripped against blocks._measure_stripped_py ----

def _exact(features: list[dict]) -> list[list[tuple[str, type, float]]]:
    """Features with their types: ``1 == 1.0``, but a JSON dump tells them apart."""
    return [[(k, type(v), v) for k, v in f.items()] for f in features]


def test_feature_table_is_each_characters_bits() -> None:
    """The table built by whole-string scans holds what each character is on its own."""
    from scrubber import blocks

    table = blocks._feature_table()
    bits_of = blocks._bits_of.__wrapped__
    wrong = [hex(c) for c in range(0x10000) if table[c] != bits_of(c)]
    assert not wrong


MEASURE_POOL = [*"中文汇率，。,.:：;!?！？…)）」”』\"'A9z 0١٢٣", "𠀀", "😀", "\ud800", "Ⅻ",
                "ﾟ", "\u3000", "1,000", "28.8", "10:23", "a.b", "1.", ".1", "。」", "?)",
                "!」", "。)", "ー", "한국어", "カタカナ"]


def test_compiled_measure_is_the_pure_one() -> None:
    import random

    from scrubber import blocks

    rng = random.Random(11)
    def fast(texts):
        return _cwalk.measure_stripped(texts, blocks._feature_table(), blocks._bits_of)

    # texts of one, two and four bytes a character (the C loops take the first two)
    latin = [c for c in MEASURE_POOL if max(c) < "\u0100"]
    bmp = [c for c in MEASURE_POOL if max(c) < "\U00010000"]
    for pool in (MEASURE_POOL, latin, bmp):
        for _ in range(300):
            texts = ["".join(rng.choices(pool, k=rng.randint(1, 12))).strip() or "x"
                     for _ in range(rng.randint(1, 20))]
            assert _exact(fast(texts)) == _exact(blocks._measure_stripped_py(texts)), texts
    with pytest.raises(ValueError):
        _cwalk.measure_stripped(["x"], blocks._feature_table()[:0x100], blocks._bits_of)
    fixture = [line.strip() for p in sorted((PAGES.parent / "text").glob("*/input.txt"))
               for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert fixture
    assert _exact(fast(fixture)) == _exact(blocks._measure_stripped_py(fixture))


def _frozen(texts: list[str]) -> list:
    from scrubber import blocks

    return _cwalk.measure_stripped(texts, blocks._feature_table(), blocks._bits_of, True)


def test_frozen_features_are_the_dicts() -> None:
    """``frozen``: the same keys, order, value types and values as the dicts."""
    import random

    from scrubber import blocks

    rng = random.Random(12)
    fixture = [line.strip() for p in sorted((PAGES.parent / "text").glob("*/input.txt"))
               for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [fixture] + [["".join(rng.choices(MEASURE_POOL, k=rng.randint(1, 12))).strip() or "x"
                          for _ in range(rng.randint(1, 20))] for _ in range(300)]
    for texts in cases:
        got = _frozen(texts)
        assert all(type(f) is _cwalk.Features for f in got)
        assert _exact(got) == _exact(blocks._measure_stripped_py(texts)), texts
        assert got == blocks._measure_stripped_py(texts)


def test_features_is_a_read_only_mapping() -> None:
    import copy
    import json
    import pickle
    from collections.abc import Mapping

    f = _frozen(["汇率下跌, 中文。"])[0]
    want = {"chars": 9, "cjk": 6, "alnum": 6, "units": 6.0, "punct": 2, "punct_density": 2 / 6,
            "ends_sentence": 1.0, "full_stop": 1.0}
    assert isinstance(f, Mapping)
    assert _exact([f]) == _exact([want])
    assert len(f) == 8 and list(f) == list(want) and list(reversed(f)) == list(want)[::-1]
    assert list(f.keys()) == list(want) and list(f.values()) == list(want.values())
    assert list(f.items()) == list(want.items()) and f.keys() == want.keys()
    assert f["units"] == 6.0 and f["".join(["un", "its"])] == 6.0  # (an equal, other string)
    assert f.get("punct") == 2 and f.get("link_density") is None and f.get("x", 3) == 3
    assert "cjk" in f and "level" not in f and 1 not in f and f.get(1, "d") == "d"
    for missing in ("x", "depth", 1, None):
        with pytest.raises(KeyError):
            f[missing]
    assert f == want and want == f and dict(f) == want and {**f} == want
    assert f != {**want, "units": 5.0} and not f == {**want, "x": 1} and f != list(want)
    assert f == _frozen(["汇率下跌, 中文。"])[0] and f != _frozen(["汇率"])[0]
    with pytest.raises(TypeError):
        hash(f)
    with pytest.raises(TypeError):
        f["units"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        del f["units"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        _cwalk.Features()
    back = pickle.loads(pickle.dumps(f))
    assert type(back) is dict and _exact([back]) == _exact([want])
    deep = copy.deepcopy(f)
    assert copy.copy(f) is f and type(deep) is dict and _exact([deep]) == _exact([want])
    from dataclasses import asdict

    from scrubber.model import Block
    assert json.loads(json.dumps(asdict(Block(0, "x", "x", features=f))))["features"] == want
    assert repr(f) == f"Features({want!r})"


def test_layout_features_and_level_on_features() -> None:
    """``layout_features`` and ``set_level`` give a Features the keys they give a dict."""
    from scrubber import blocks
    from scrubber.model import Role

    texts = ["Head", "One line of text.", "汇率", "Two"]
    frozen, dicts = _frozen(texts), blocks._measure_stripped_py(texts)
    links, contexts = [0.25, 0.0, 1.0, 0.5], (("h2",), ("div", "p"), (), ("h3", "a"))
    roles = [Role.HEADING, Role.PARAGRAPH, Role.PARAGRAPH, Role.HEADING]
    assert (_cwalk.layout_features(frozen, links, contexts, roles, Role.HEADING)
            == _cwalk.layout_features(dicts, links, contexts, roles, Role.HEADING) == [0, 3])
    _cwalk.set_level(frozen[3], 3.0)
    dicts[3]["level"] = 3.0
    assert _exact(frozen) == _exact(dicts)
    assert list(frozen[3])[-3:] == ["link_density", "depth", "level"] and len(frozen[0]) == 10
    alone = _frozen(["x"])[0]
    _cwalk.set_level(alone, 1.0)  # (level without the layout's keys)
    assert list(alone)[-2:] == ["full_stop", "level"] and alone["level"] == 1.0
    with pytest.raises(TypeError):
        _cwalk.layout_features(_frozen(["x"]), ["0.5"], (("p",),), [Role.PARAGRAPH], Role.HEADING)
    with pytest.raises(TypeError):
        _cwalk.set_level({"chars": 1}, 1.0)


@needs_compiled_layout
def test_page_features_are_the_dicts_of_the_python_loop(monkeypatch) -> None:
    """On every fixture page, the blocks' Features (written by ``layout_features``
    and ``set_level``) hold what the dicts of the pure-Python measure and of
    ``_parse_page``'s Python loop hold: keys, order, value types, values."""
    from scrubber import blocks, html

    pages = [p.read_bytes() for p in sorted(PAGES.glob("*/input.html"))]
    fast = [[b.features for b in html._parse_page(page).blocks] for page in pages]
    monkeypatch.setattr(html, "_LAYOUT_FEATURES", None)  # dicts, written by the loop
    monkeypatch.setattr(blocks, "_FAST_MEASURE", None)  # measured by the Python reference
    slow = [[b.features for b in html._parse_page(page).blocks] for page in pages]
    assert any(type(f) is _cwalk.Features for page in fast for f in page)
    assert any("level" in f for page in fast for f in page)
    assert all(type(f) is dict for page in slow for f in page)
    assert [_exact(page) for page in fast] == [_exact(page) for page in slow]


def test_compiled_readers_read_features_as_dicts() -> None:
    """The compiled loops' lookup (``_fget``) of a Features gives what ``get`` does."""
    from scrubber.model import Block, Role

    texts = ["Head", "One line of text.", "汇率，下跌。", "a | b", "Two!"]
    frozen = _frozen(texts)
    _cwalk.layout_features(frozen[:4], [0.0, 0.5, 1.0, 0.0], (("h2",),) * 4, [Role.HEADING] * 4,
                           Role.HEADING)
    _cwalk.set_level(frozen[0], 2.0)
    made = [Block(i, t, t, features=f) for i, (t, f) in enumerate(zip(texts, frozen))]
    plain = [Block(i, t, t, features=dict(f)) for i, (t, f) in enumerate(zip(texts, frozen))]
    todo = list(range(len(texts)))
    names = ["chars", "units", "punct", "full_stop", "link_density", "depth", "level", "x"]
    for name in names:
        for value, default in ((0, None), (1.0, 1.0), (0.0, 0.0), (4, -1), (None, None)):
            want = [i for i in todo if made[i].features.get(name, default) == value]
            assert _cwalk.feature_is(made, todo, name, value, default) == want, (name, value)
            assert _cwalk.feature_is(plain, todo, name, value, default) == want, (name, value)
    for dense, units in ((0.5, 2.0), (0.9, 0.0), (0.1, 8.0)):
        assert _cwalk.body_flags(made, dense, units) == _cwalk.body_flags(plain, dense, units)


# -- ancestor paths (``dom._ancestry_py``) ---------------------------------------

PATH_STEPS = ["html", "body", "div[1]", "div[2]", "p[3]", "", "中文[1]", "a b", "x/"]


def _ancestry_both(blocks):
    from scrubber.filters import dom

    got = []
    for fn in (dom._ancestry_py, _cwalk.ancestry):
        children: dict = {}
        lines, elements = fn(list(blocks), children)
        got.append((lines, list(elements.items()), list(children.items())))
    return got


def test_compiled_ancestry_is_the_pure_one_on_fixture_pages() -> None:
    from scrubber.model import Block

    pages = sorted(PAGES.glob("*/input.html"))
    assert pages
    for page in pages:
        blocks = html.parse_page(page.read_bytes()).blocks
        ref, compiled = _ancestry_both(blocks)
        assert compiled == ref, page.parent.name
    # a document's blocks given twice (the second time every path is known)
    blocks = html.parse_page(pages[0].read_bytes()).blocks
    ref, compiled = _ancestry_both([*blocks, *blocks, Block(index=0, text="x", key="x")])
    assert compiled == ref


def test_compiled_ancestry_is_the_pure_one_on_random_paths() -> None:
    import random

    from scrubber.model import Block

    rng = random.Random(5)
    for _ in range(400):
        blocks = []
        for i in range(rng.randint(1, 12)):
            kind = rng.random()
            if kind < 0.1:
                path = rng.choice([None, "", "line 3", "/", "//", "a/b"])
            else:
                path = "/" + "/".join(rng.choices(PATH_STEPS, k=rng.randint(1, 6)))
            ctx = tuple(rng.choices(["div", "div main", "p", "ul nav"], k=rng.randint(0, 7)))
            blocks.append(Block(index=i, text="x", key="x", path=path, context=ctx))
        ref, compiled = _ancestry_both(blocks)
        assert compiled == ref, [b.path for b in blocks]


def test_marker_reader_is_markers_py() -> None:
    """``_cwalk.MarkerReader`` gives what ``dom._markers_py`` gives: on every
    descriptor of the fixture pages and made-up ones, on odd spacing, non-ASCII
    and very long tokens; and, built from word lists with words its quick test
    cannot hold (64 characters or more, a non-ASCII first character), on those
    words too."""
    from test_dom_speed import _varied_descriptors

    from scrubber.filters import dom

    reader = _cwalk.MarkerReader(dom.TAG_MARKERS, dom._MARKER_RANK, dom.STORY, dom._markers_py)
    if not os.environ.get("SCRUBBER_PURE"):
        assert isinstance(dom._markers_of, _cwalk.MarkerReader)  # what the filters call
    long = "x" * 70
    odd = ["", " ", "div", "div ", "nav", "nav x", "body nav", "html @hidden nav", "header  ",
           "div  nav", "div nav ", "div 评论 nav", "div comment" + "s" * 63, f"div {long} ad",
           "article ad", "div ad article", "div @hidden article ad", "é nav", "div \u00e9 nav",
           "div cookie comment nav", "div nav cookie", "footer comment"]
    for d in [*_varied_descriptors(), *odd]:
        assert reader(d) == dom._markers_py(d), repr(d)
    with pytest.raises(AttributeError):  # not a str: the Python function's own error
        reader(None)
    words = {long: (0, "long"), "评论": (1, "comment"), "nav": (2, "nav"), "b": (3, "b")}
    custom = _cwalk.MarkerReader({"长标签" * 30: "tag"}, words, frozenset({"正文"}),
                                 dom._markers_py)

    def plain(d: str) -> str | None:
        tag, _, rest = d.partition(" ")
        if tag == "长标签" * 30:
            return "tag"
        toks = rest.split(" ") if rest else []
        hits = [words[t] for t in toks if t in words]
        if not hits or ("@hidden" not in toks and (tag in ("body", "html") or "正文" in toks)):
            return None
        return min(hits)[1]

    for d in [f"div {long}", f"div nav {long}", "div 评论 nav", "p 正文 nav", "p 正文 @hidden b",
              "长标签" * 30 + " x", "body b", "div b 评论", "div  b"]:
        assert custom(d) == plain(d), d


def test_ancestry_numbers_the_elements_as_dom_index_does() -> None:
    """The index ``_cwalk.ancestry`` fills as it goes is the one ``dom_index``
    builds afterwards from its lines and elements: every fixture page, and
    made-up paths (no XPath, a root of its own, a deep element first)."""
    from test_dom_speed import _doc

    from scrubber.filters import dom
    from scrubber.model import Block

    made = [Block(index=i, text="x", key="x", path=p, context=c) for i, (p, c) in enumerate([
        ("/html/body/div[2]/p[1]", ("html", "body", "div a", "p")), (None, ()),
        ("/html/body", ("html", "body")), ("nav", ("nav",)), ("/html/body/div[2]/p[1]", ()),
        ("/x/y", ("x",)), ("/html/body/div[1]", ("html", "body", "div b"))])]
    pages = [list(_doc(page)[0].blocks) for page in sorted(PAGES.glob("*/input.html"))]
    assert len(pages) > 10
    for blocks in [*pages, made]:
        ix = _cwalk.DomIndex()
        children: dict = {}
        lines, elements = _cwalk.ancestry(blocks, children, ix)
        ref_children: dict = {}
        assert (lines, elements) == dom._ancestry_py(blocks, ref_children)
        assert children == ref_children
        # the index gives the same elements and children, in the same order
        assert list(ix.elements().items()) == list(elements.items())
        assert list(ix.children().items()) == list(ref_children.items())
        lazy = _cwalk.DomIndex()
        assert _cwalk.ancestry(blocks, None, lazy, True) == (lines, None)
        assert lazy.paths == ix.paths and lazy.descriptors == ix.descriptors
        assert list(lazy.children().items()) == list(ref_children.items())
        layout = dom.DomMain()._layout(blocks)
        if dom._COMPILED_INDEX is not None and dom._COMPILED_ANCESTRY is not None:
            assert layout._elements is None and layout._children is None  # (the index alone)
        assert layout.elements == elements and layout.children == ref_children
        ref = _cwalk.dom_index(lines, elements)
        assert ix.ready and ref.ready
        assert ix.paths == ref.paths == list(elements)
        assert ix.descriptors == ref.descriptors
        assert [ix.parent_of(i) for i in range(len(elements))] == [
            ref.parent_of(i) for i in range(len(elements))]
        assert [ix.element_of(k) for k in range(len(blocks))] == [
            ref.element_of(k) for k in range(len(blocks))]
    with pytest.raises(ValueError):  # an index is filled once
        _cwalk.ancestry(made, {}, ix)
    # lines and elements of another shape get no index (the Python passes run)
    lines, elements = dom._ancestry_py(made)
    assert _cwalk.dom_index(lines, elements) is not None
    assert _cwalk.dom_index(lines, dict(reversed(elements.items()))) is None  # child first
    bent = [line[:-2] + line[-1:] if len(line) > 2 else line for line in lines]
    assert _cwalk.dom_index(bent, elements) is None  # a line skipping a parent
    assert _cwalk.dom_index([("/nowhere",), *lines[1:]], elements) is None
    layout = dom.DomMain()._layout(made)
    odd = dom.replace(layout, lines=bent, index=None)
    assert dom._index_of(odd) is None and odd.index is False  # tried once, kept as False


def test_compiled_ancestry_leaves_odd_paths_to_the_reference() -> None:
    from scrubber.filters import dom
    from scrubber.model import Block

    blocks = [Block(index=0, text="x", key="x", path="/html/body"),
              Block(index=1, text="y", key="y", path=3)]  # type: ignore[arg-type]
    children: dict = {}
    assert _cwalk.ancestry(blocks, children) is None
    assert children == {}  # untouched: the reference starts from scratch
    with pytest.raises(AttributeError):  # the reference's own error for such a path
        dom._ancestry(blocks)


@needs_compiled_dom
def test_compiled_scores_are_the_pure_ones(monkeypatch) -> None:
    """``DomMain.scores`` on the element index (``_cwalk.index_scores``), with the
    compiled block loop over dicts, and in Python: the same totals to the last
    bit, on every fixture page, with the verdicts of no filter, of the default
    filters, and random drops and keeps; and ``_marked_roots`` on the index and
    in Python, for the layout's body flags and their opposite."""
    import random

    from test_dom_speed import _doc

    from scrubber.filters import dom
    from scrubber.model import Verdict

    rng = random.Random(3)
    dm = dom.DomMain()
    pages = sorted(PAGES.glob("*/input.html"))
    assert pages
    compared = started = 0
    for page in pages:
        doc, judged = _doc(page)
        blocks = list(doc.blocks)
        if not blocks:
            continue
        shuffled = [rng.choice([None, Verdict.drop("x", "r"), Verdict.body("y", "r")])
                    for _ in blocks]
        for verdicts in (None, judged, shuffled):
            layout = dm._layout(blocks)
            for body in (layout.body, [not x for x in layout.body]):
                lay = dom.replace(layout, body=body)
                marked = dm._marked_roots(lay.blocks, lay)
                assert lay.index  # (built, so the compiled passes ran)
                monkeypatch.setattr(dom, "_COMPILED_MARKED", None)
                assert list(dm._marked_roots(lay.blocks, lay).items()) == list(marked.items())
                monkeypatch.undo()
                # and with some elements hidden: the elements then start in the
                # order of their first visible block (the case without ``early``)
                hidden = dict(marked)
                for p in rng.sample(sorted(lay.elements), min(3, len(lay.elements))):
                    hidden[p] = "hidden"
                for roots in (marked, hidden):
                    fast = dm.scores(blocks, verdicts, roots, lay)
                    monkeypatch.setattr(dom, "_COMPILED_INDEX_SCORES", None)
                    loop = dm.scores(blocks, verdicts, roots, lay)  # the compiled block loop
                    monkeypatch.setattr(dom, "_COMPILED_SCORES", None)
                    ref = dm.scores(blocks, verdicts, roots, lay)
                    monkeypatch.undo()
                    for got in (fast, loop):
                        assert [*map(float.hex, got.good.values())] == [
                            *map(float.hex, ref.good.values())], page.parent.name
                        assert [*map(float.hex, got.bad.values())] == [
                            *map(float.hex, ref.bad.values())], page.parent.name
                        assert list(got.good) == list(ref.good)  # the same order of elements
                        assert list(got.descriptor) == list(ref.descriptor)
                        assert got == ref
                        assert dm._kids(got, lay) == dm._kids(ref, lay)  # the same children too
                    compared += 1
                    started += roots is hidden and len(ref.good) < len(lay.elements)
    assert compared >= 6 * len(pages)
    assert started > len(pages)  # hidden elements were left out: the late starts ran



def test_squash_knows_every_code_point() -> None:
    """The squash's own white-space test (``scrubber_isspace``, which spares
    the call for characters past ASCII) agrees with ``str.isspace`` on every
    code point: each one between two letters, and alone."""
    import sys

    for c in map(chr, range(sys.maxunicode + 1)):
        text = "a" + c + "b"
        assert _cwalk.squash(text) == " ".join(text.split()), hex(ord(c))
        assert _cwalk.squash(c) == " ".join(c.split()), hex(ord(c))


def test_squash_is_the_join_of_the_split() -> None:
    """``_cwalk.squash`` (the walk's whitespace step) is ``" ".join(s.split())``
    for every whitespace character Python knows, in the same narrowest width,
    and gives a string that needs no change back as it is."""
    import random
    import sys

    spaces = [c for c in map(chr, range(0x110000)) if c.isspace()]
    assert len(spaces) > 20
    rng = random.Random(5)
    alphabet = ["a", "Z", "中", "é", "\U0001F600", "ÿ", "あ", " ", " ", "\x00", *spaces]
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        got, want = _cwalk.squash(s), " ".join(s.split())
        assert got == want, repr(s)
        assert sys.getsizeof(got) == sys.getsizeof(want), repr(s)  # the same width
    clean = "already one space between words 中文"
    assert _cwalk.squash(clean) is clean

# -- class and id tokens (``html.tokens_of``) -------------------------------------

def test_compiled_ascii_tokens_are_tokens_of() -> None:
    """The walk's regex-free tokens of ASCII class/id values are ``tokens_of``'s,
    each after a space (what a descriptor adds):
    on every class, id, role and itemprop value of the fixture pages, and on
    random values of letters of both cases, digits and separators."""
    import random

    from lxml import etree

    values = set()
    for page in sorted(PAGES.glob("*/input.html")):
        tree = etree.HTML(page.read_bytes())
        if tree is None:
            continue
        for el in tree.iter():
            for name in ("class", "id", "role", "itemprop"):
                v = el.get(name) if isinstance(el.tag, str) else None
                if v and v.isascii():
                    values.add(v)
    assert len(values) > 100
    rng = random.Random(5)
    pool = "aAbBzZqQ09 5-_ .:\t/" + "abcdefghijklmnopqrstuvwxyz" + "ABCXYZ" + "\x00\x7f"
    values |= {"".join(rng.choices(pool, k=rng.randint(0, 14))) for _ in range(5000)}
    values |= {"".join(rng.choices(pool, k=rng.randint(120, 300))) for _ in range(300)}
    for v in sorted(values):
        # (the walk's one pass, into a buffer on the stack up to 128 characters
        # and allocated past that)
        assert _cwalk.ascii_joined(v) == "".join(" " + t for t in html.tokens_of(v)), v
    with pytest.raises(ValueError):
        _cwalk.ascii_joined("文章")


# -- the compiled screen of unanchored copies (``rules._holding``) ---------------

def _screen_keys() -> list[list[str]]:
    """The keys of every fixture page and text, one list per document."""
    from scrubber.keys import match_keys

    docs = [[b.key for b in html.parse_page(p.read_bytes()).blocks]
            for p in sorted(PAGES.glob("*/input.html"))]
    docs += [match_keys([line.strip() for line in p.read_text(encoding="utf-8").splitlines()
                         if line.strip()])
             for p in sorted((PAGES.parent / "text").glob("*/input.txt"))]
    return [d for d in docs if d]


def _elements(tag: str, made_up: list[str], page: str) -> list:
    """The ``tag`` elements of every fixture page, then those of each made-up
    snippet put into ``page`` (a page with ``{}`` where the snippet goes)."""
    from lxml import html as lxml_html

    found = []
    for path in sorted(PAGES.parent.rglob("*.html")):
        found += lxml_html.fromstring(path.read_bytes()).iter(tag)
    for snippet in made_up:
        found += lxml_html.fromstring(page.format(snippet)).iter(tag)
    return found


def test_cjk_join_is_the_pattern() -> None:
    """``_cwalk.cjk_join`` (the walk's line breaks between CJK characters) gives
    what ``html._CJK_BREAK.sub`` gives: made-up breaks around the class's edges,
    the white space that is also in the class (U+3000), random strings of those
    characters, and text past the BMP (which goes to the pattern)."""
    import random

    cases = ["中\n文", "中 \t\r\n  文", "a\n文", "中\na", "中\u3000\n文", "中\n\u3000a",
             "a\n\u3000\n中", "中\n\n文\n字", "中\n", "\n中", "，\n。", "中\r\n文",
             "中\n\x0b\x0c\n文", "ｱ\nｲ", "中\n\u2028文", "中\u200b\n文", "𠀀\n中", "中\n𠀀"]
    alphabet = ["中", "a", " ", "\t", "\r", "\n", "\u3000", "。", "\x0b", "\x85", "\xa0", "ア",
                "ｱ", "\u2028", "\u200b", "\u303f", "\u3040", "\uff60", "\uff61", "\u2fff"]
    rng = random.Random(2)
    cases += ["".join(rng.choices(alphabet, k=rng.randint(0, 24))) for _ in range(5000)]
    changed = 0
    for text in cases:
        want = html._CJK_BREAK.sub("", text)
        assert _cwalk.cjk_join(text) == want, repr(text)
        changed += want != text
    assert changed > 500


def test_image_read_off_the_node_is_the_reference() -> None:
    """``_cwalk.image`` records an ``<img>`` as ``html._image`` does, with and
    without a page URL, inside a figure or not, up to the cap on images."""
    from dataclasses import asdict


    made_up = ['<img src="a.jpg" alt=" two  words ">', '<img src="" data-src="/lazy.png">',
               '<img src="data:image/gif;base64,R0" data-original="o.jpg">',
               '<img data-lazy-src="l.jpg">', '<img src="data:x">', '<img>',
               '<img src="http://[bad/x.png">', '<img src="x.jpg" alt="&amp; a">',
               '<img SRC="up.jpg">']
    imgs = _elements("img", made_up, "<html><body><p>{}</p></body></html>")
    assert len(imgs) > 8
    for url in (None, "https://example.com/news/a.html"):
        for fig in ("", "/html/body/figure[1]"):
            fast, slow = html._Found(), html._Found()
            for k, img in enumerate(imgs):
                _cwalk.image(img, fast, url, f"/p[{k}]", fig)
                html._image(img, slow, url, f"/p[{k}]", fig)
            assert asdict(fast) == asdict(slow)
            assert len(fast.images) > 5
    full_fast, full_slow = html._Found(), html._Found()
    for _ in range(html._MAX_IMAGES + 3):
        _cwalk.image(imgs[0], full_fast, None, "/p", "")
        html._image(imgs[0], full_slow, None, "/p", "")
    assert asdict(full_fast) == asdict(full_slow)


def test_a_page_joins_each_image_source_once() -> None:
    """Repeated sources (a spacer, the same photo twice) are joined to the page
    URL once per page (``_Found.joined``) and every image still gets what
    ``join_url`` (urljoin) gives it, also when the join fails and the source is
    kept as written."""
    from urllib.parse import urljoin

    made_up = ['<img src="../img/a.jpg">', '<img src="/b.png">', '<img src="../img/a.jpg">',
               '<img src="http://[bad/x.png">', '<img src="http://[bad/x.png">',
               '<img src="./c.gif">', '<img src="/b.png">']
    from lxml import html as lxml_html

    imgs = list(lxml_html.fromstring(f"<html><body><p>{''.join(made_up)}</p></body></html>")
                .iter("img"))
    assert len(imgs) == 7
    url = "https://example.com/news/2024/a.html"
    want = []
    for img in imgs:
        try:
            want.append(urljoin(url, img.get("src")))
        except ValueError:
            want.append(img.get("src"))
    for image in (_cwalk.image, html._image):
        found = html._Found()
        for k, img in enumerate(imgs):
            image(img, found, url, f"/p[{k}]", "")
        assert [i["src"] for i in found.images] == want
        assert want[0] == "https://example.com/news/img/a.jpg"
        assert found.joined == {src: got for src, got in
                                zip((i.get("src") for i in imgs), want)}
        assert len(found.joined) == 4


def test_head_read_off_the_nodes_is_the_reference() -> None:
    """``_cwalk.scan_head`` fills a ``_Found`` as ``html._scan_head`` does, on
    the heads of the fixture pages and on made-up ones; with a namespaced
    element in the head it does nothing and says so (the walk then calls the
    reference)."""
    from dataclasses import asdict

    from lxml import etree

    made_up = [
        '<title> A  b </title><title>second</title>',
        '<meta property="og:title" content=" T  x "><meta name="OG:Title" content="later">',
        '<meta name="" itemprop="author" content="Z"><meta name="k" content="">'
        '<meta content="no key"><meta name=" Description " content="d\n e">',
        '<link rel="Canonical" href="/a"><link rel="canonical" href="/b"><link rel="x">',
        '<link rel="canonical">',
        '<script type="application/ld+json">{"a": 1}</script><script>x</script>'
        '<script type="text/ld+json"></script>',
        '<noscript><meta name="n" content="inner"></noscript><meta name="n" content="outer">',
        '<meta name="e" content="&amp; &lt;b&gt;">', '',
    ]
    heads = _elements("head", made_up, "<html><head>{}</head><body><p>x</p></body></html>")
    assert len(heads) > 20
    for head in heads:
        fast, slow = html._Found(), html._Found()
        assert _cwalk.scan_head(head, fast) is True
        html._scan_head(head, slow)
        assert asdict(fast) == asdict(slow), etree.tostring(head)[:300]
    spaced = etree.fromstring('<head xmlns:x="urn:x"><title>t</title><x:meta name="a" '
                              'content="b"/></head>')
    found = html._Found()
    assert _cwalk.scan_head(spaced, found) is False
    assert asdict(found) == asdict(html._Found())


def test_data_row_read_off_the_nodes_is_the_reference() -> None:
    """``_cwalk.data_row`` (what the walk asks of each ``<tr>``) gives
    ``html._is_data_row`` on every row of the fixture pages and on made-up
    rows; with a namespaced element in the row it leaves the answer to the
    reference (``None``)."""
    from lxml import etree

    made_up = [
        "<td>a</td><td>b</td>", "<td>a</td>", "<th>a</th><td>b</td>",
        "<td>a</td><!-- c --><td>b</td>", "<td><b>a</b></td><td><i>b</i><br></td>",
        "<td><div>a</div></td><td>b</td>", "<td>a</td><td><span><p>deep</p></span></td>",
        "<td><table><tr><td>x</td><td>y</td></tr></table></td><td>b</td>",
        "<td>a</td><td>b<hr></td>", "<td>a</td>text<td>b</td><td>c</td>",
        "<td><ul><li>a</li></ul></td><td>b</td>", "",
    ]
    rows = _elements("tr", made_up, "<html><body><table><tr>{}</tr></table></body></html>")
    assert len(rows) > 20
    for tr in rows:
        assert _cwalk.data_row(tr) == html._is_data_row(tr), etree.tostring(tr)[:200]
    spaced = etree.fromstring('<tr xmlns:x="urn:x"><td>a</td><td><x:div>b</x:div></td></tr>')
    assert _cwalk.data_row(spaced) is None
    assert _cwalk.data_row(etree.fromstring('<tr><td>a</td><td><div>b</div></td></tr>')) is False
    assert _cwalk.data_row(etree.fromstring('<tr><td>a</td><td><b>b</b></td></tr>')) is True


@needs_compiled_scan
def test_compiled_screen_finds_what_the_regex_of_its_copies_finds() -> None:
    """``_cwalk.literal_lines`` over the default rules' copies gives the lines
    the stdlib regex of the same copies finds in the joined keys; and those lie
    within the lines of the regex screen (cut at the rarest character), which
    lets through more, never less."""
    import random

    from scrubber import rules

    screen = rules.LineScreen.of(rules.default_rules().rules)
    assert screen is not None and screen._free_scan is not None
    docs = _screen_keys()
    # random lines made of the literals and what often follows them
    whole_free, whole_long = screen._whole
    pool = [*whole_free, *"0123456789 :.-/()[]年月日…»>", "详细", "更多", "2024", "\t"]
    rng = random.Random(8)
    docs += [["".join(rng.choices(pool, k=rng.randint(1, 8))) for _ in range(30)]
             for _ in range(200)]
    assert len(docs) > 200
    assert screen._ended_scan is not None
    for copies, scan, cut in ((whole_free, screen._free_scan, screen._free),
                              (screen._whole_ended, screen._ended_scan, screen._free),
                              (whole_long, screen._long_scan, screen._long_free)):
        regex_of_copies = rules._free_regex(copies)
        found = 0
        for keys in docs:
            joined = "\n" + "\n".join(keys)
            fast = set(rules._holding(regex_of_copies, scan, keys, None))
            by_regex = set(rules._lines_found(regex_of_copies, joined, keys, None))
            if copies is whole_free:  # (no last characters to test: the regex's lines)
                assert fast == by_regex, keys
            assert fast == _scan_reference(scan, keys), keys
            assert fast <= by_regex, keys
            assert fast <= set(rules._lines_found(cut, joined, keys, None)), keys
            found += len(fast)
        assert found > (100 if copies is whole_free else 10)  # the copies do match


def _scan_reference(scan, keys: list[str]) -> set[int]:
    """What ``literal_lines`` finds with ``scan``, spelled out: a key holding an
    entry's literal followed by a match of its rest, where the entry's last
    characters (if any) let the key's last character through."""
    by_first = scan[2]
    out = set()
    for i, key in enumerate(keys):
        for j, ch in enumerate(key):
            for lit, rest, _starts, lasts in by_first.get(ord(ch), ()):
                last = ord(key[-1])
                if lasts is not None and last < 0x10000 and not lasts[last >> 3] >> (last & 7) & 1:
                    continue
                if key.startswith(lit, j) and (rest is None or rest(key, j + len(lit))):
                    out.add(i)
    return out


@needs_compiled_scan
def test_compiled_scan_of_made_up_copies() -> None:
    """The pair table of ``literal_lines`` passes over no literal: literals of
    one character beside longer ones with the same first character, pairs that
    fold to the same low bytes (``一`` U+4E00 and ``\x00``), astral characters
    first and second, a literal's first character as a key's last."""
    import random

    from scrubber import rules

    copies = {"a": [""], "ab": ["c"], "一x": [""], "\U00020000y": [""], "z\U00020001": [""],
              "字": ["", "q"], "更多": [r"\s*>"], "(c)": [""], "丂x": ["\\d"]}
    scan = rules._literal_scan(copies)
    assert scan is not None
    regex_of_copies = rules._free_regex(copies)
    alphabet = ["a", "b", "c", "x", "y", "z", "q", ">", " ", "1", "(", ")", "一", "丂", "\x00",
                "\u0178", "字", "更", "多", "\U00020000", "\U00020001", "\U00020078"]
    rng = random.Random(3)
    found = 0
    for _ in range(400):
        keys = ["".join(rng.choices(alphabet, k=rng.randint(0, 7))) for _ in range(20)]
        joined = "\n" + "\n".join(keys)
        fast = set(rules._holding(regex_of_copies, scan, keys, None))
        assert fast == set(rules._lines_found(regex_of_copies, joined, keys, None)), keys
        found += len(fast)
    assert found > 1000
    # with last characters: per literal, rests grouped by them, each group tested
    # on the key's last character (astral last characters pass)
    lasts = {lit: [frozenset("xy>") if n % 2 == 0 else None for n in range(len(rests))]
             for lit, rests in copies.items()}
    lasts["更多"] = [frozenset("\U00020078")]
    scan = rules._literal_scan(copies, lasts)
    assert scan is not None
    assert any(entry[3] is None for entries in scan[2].values() for entry in entries)
    found = 0
    for _ in range(400):
        keys = ["".join(rng.choices(alphabet, k=rng.randint(0, 7))) for _ in range(20)]
        fast = set(rules._holding(regex_of_copies, scan, keys, None))
        assert fast == _scan_reference(scan, keys), keys
        found += len(fast)
    assert found > 300  # (fewer than without last characters: about half)
    # the scan reads its tables through plain pointers: short ones are refused
    table, pairs, by_first = rules._literal_scan(copies)
    with pytest.raises(ValueError):
        rules._LITERAL_LINES(["ab"], table[:0x100], pairs, by_first)
    with pytest.raises(ValueError):
        rules._LITERAL_LINES(["ab"], table, pairs[:0xFFFF], by_first)


def test_screen_without_the_compiled_scan_lets_through_the_same_rule_matches(
        monkeypatch) -> None:
    """Every line a rule matches is let through by both screens."""
    from scrubber import rules

    rule_set = rules.default_rules()
    screen = rules.LineScreen.of(rule_set.rules)
    matches = 0
    for keys in _screen_keys():
        fast = screen.lines(keys)
        monkeypatch.setattr(screen, "_free_scan", None)
        monkeypatch.setattr(screen, "_long_scan", None)
        plain = screen.lines(keys)
        monkeypatch.undo()
        assert fast is not None and plain is not None
        assert fast <= plain
        matched = {i for i, k in enumerate(keys) if rule_set.match(k, k) is not None}
        assert matched <= fast
        matches += len(matched)
    assert matches > 50  # (fixture pages are full of editor credits, promos, teasers)


def test_best_run_matches_the_reference():
    """``best_run`` compiled against its Python loop: random scores (ties, zeros,
    all negative, long runs), infinities and NaN, and scores that are not floats
    (handed back to the reference)."""
    import math
    import random

    from scrubber.filters.context import _best_run_py, best_run

    rng = random.Random(7)
    cases = [[], [0.0], [-1.0], [1.0], [0.0, 0.0], [-1.0, -2.0], [1.0, -1.0, 1.0],
             [2.0, -1.0, 0.5, -5.0, 3.0], [1.0, -1.0, 1.0, -1.0], [math.inf, -math.inf],
             [math.nan, 1.0], [1.0, math.nan, 2.0], [-0.0, 0.0, -0.0], [5.0, -5.0, 5.0]]
    for _ in range(300):
        n = rng.randrange(0, 40)
        cases.append([rng.choice([-1.0, 0.0, 1.0]) * rng.choice([0.25, 1.0, 3.5, 1e-9, 1e9])
                      + rng.random() * rng.choice([0.0, 1.0]) for _ in range(n)])
    for scores in cases:
        assert _cwalk.best_run(scores) == _best_run_py(scores), scores
        assert best_run(scores) == _best_run_py(scores)
    assert _cwalk.best_run([1.0, 2, 3.0]) is None  # an int: left to the reference
    assert best_run([1.0, 2, 3.0]) == _best_run_py([1.0, 2, 3.0]) == (0, 2)
    assert best_run((4.0, -9.0, 5.0)) == (2, 2)  # a tuple: the reference


def test_may_hide_lets_through_every_style_the_hidden_pattern_matches() -> None:
    """``_cwalk.may_hide`` (the walk's screen before ``html._HIDDEN_STYLE``) is
    True wherever the pattern matches: only the ASCII letters are taken for
    n, o and e case-insensitively, and made-up and fixture style values agree."""
    import random

    import regex

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert set(regex.findall("[noe]", every, flags=regex.I)) == set("noeNOE")
    styles = {el.get("style") for el in _elements("*", [], "") if el.get("style")}
    styles |= {"display:none", "DISPLAY : None;", "display:\tnOnE", "display: block",
               "color:red", "non", "nonE", "", "display:\u212anone", "displ\u0430y:none"}
    rng = random.Random(4)
    pieces = ["display", "DISPLAY", "Display", ":", " ", "\t", "\u3000", "none", "NONE",
              "nOnE", "non", "e", "n", "block", ";", "\u017f", "\u212a", "-"]
    styles |= {"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8)))
               for _ in range(5000)}
    hidden = 0
    for s in styles:
        if html._HIDDEN_STYLE.search(s):
            hidden += 1
            assert _cwalk.may_hide(s), s
        if not _cwalk.may_hide(s):
            assert "none" not in s.lower(), s
    assert hidden > 20
    assert not _cwalk.may_hide("color: red; display: block")


def test_name_slots_read_names_as_the_reference_does() -> None:
    """``_cwalk._Names`` (the walk's table of element names by pointer) gives
    each name the tag, kind and role the reference reads off ``el.tag``: on
    every element of the fixture pages, on upper-case and odd names made with
    lxml, and past the table's growth (hundreds of names in one table)."""
    from lxml import etree

    def reference(el):
        tag = el.tag
        kind = html._KIND.get(tag)
        if kind is None:
            tag = (tag.rpartition("}")[2] if "}" in tag else tag).lower()
            kind = html._KIND.get(tag, html._INLINE)
        return el.tag, tag, kind, html._ROLE_OF.get(tag)

    els = [el for el in _elements("*", [], "") if isinstance(el.tag, str)]
    made = etree.Element("DIV")
    for name in ["P", "Li", "TD", "MyTag", "h1", "Table", "x-y", "TR", "Br"] + [
            f"custom{i}" for i in range(300)]:
        etree.SubElement(made, name)
    els += list(made.iter())
    asked = ["a", "time", "html", "body", "td", "th", "h1", "figure", "figcaption", "tr",
             "head", "meta", "link", "script", "title"]  # the tags _open tests by code
    for name in ["A", "Time", "TH", "FigCaption", "Title", "tt", "abbr", "header"]:
        etree.SubElement(made, name)
    els += list(made.iter())[-8:]
    names = _cwalk._Names()
    codes: dict[str, int] = {}
    for el in els:
        got = _cwalk.name_slot(el, names)
        raw, tag, kind, role, kind_c, code = got
        assert (raw, tag, kind, role) == reference(el), el.tag
        assert kind_c == kind
        assert (code != 0) == (tag in asked), tag  # 0 for every tag _open does not ask about
        assert codes.setdefault(tag, code) == code
        assert _cwalk.name_slot(el, names) == got  # the same answer when found again
    assert {reference(el)[2] for el in els} >= {html._INLINE, html._BLOCK}
    asked_codes = [codes[t] for t in asked if t in codes]
    assert len(set(asked_codes)) == len(asked_codes) >= 12  # one code per tag


def test_walk_entries_and_frames_stay_out_of_the_cyclic_gc() -> None:
    # Hundreds are made per page and none can be part of a cycle (they hold
    # strings, tuples, lists of strings and libxml2 pointers), so they are
    # left untracked: fewer objects for each collection to look at.
    import gc

    assert not gc.is_tracked(_cwalk._Entry.__new__(_cwalk._Entry))
    assert not gc.is_tracked(_cwalk._Frame.__new__(_cwalk._Frame))


def test_separator_seed_is_the_pattern() -> None:
    """``_cwalk.sep_seed`` answers what ``structure._SEP_SEED.search`` does, on
    every kind of white space (``str.isspace``, as the stdlib's ``\\s``), the
    bars and dots, slashes and neighbours of them, at every place; and, given
    other bars, what the same pattern built with them does."""
    import random
    import re
    import sys

    from scrubber.filters import structure

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    rng = random.Random(4)
    other = "-~\u3000"  # a bar below "|", and one that is white space too
    for bars in (structure._BARS, other):
        seed = re.compile(rf"[{re.escape(bars)}\s](?:(?<=[{re.escape(bars)}])|[\s/])")
        if bars == structure._BARS:
            assert seed.pattern == structure._SEP_SEED.pattern
        # (and characters sharing a low byte with a bar or a space: the compiled
        # scan's filter lets them through to the exact tests)
        alphabet = spaces + list(structure._BARS + other + "/ab中，") + [
            "\u2023", "\xb6", "\u4f28", "\u30a0", "\u2122", "\u0128", "\u5c00", "\uff85"]
        for _ in range(30000):
            text = "".join(rng.choice(alphabet if rng.random() < 0.3 else "ab中 /")
                           for _ in range(rng.randint(0, 8)))
            assert _cwalk.sep_seed(text, bars) is (seed.search(text) is not None), (bars, text)
        for c in alphabet:
            for text in (c, c + "x", "x" + c, c + " ", c + "/", " " + c):
                assert _cwalk.sep_seed(text, bars) is (seed.search(text) is not None), text


def test_separator_seed_of_blocks_is_the_filter_it_replaces() -> None:
    """``_cwalk.sep_seed_blocks`` picks the blocks at ``todo`` that
    ``structure._strips_all`` would split: no true ``full_stop`` feature, and
    a separator seed in the text; in ``todo``'s order."""
    import random

    from scrubber.blocks import blocks_from_text
    from scrubber.filters import structure
    from scrubber.model import Block

    rng = random.Random(9)
    alphabet = [*"ab中 /|·。.，", "  ", " / "]
    lines = ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(2000)]
    blocks = list(blocks_from_text("\n".join(lines)))
    blocks.append(Block(len(blocks), "a | b | c", "a | b | c", features={"full_stop": 0}))
    blocks.append(Block(len(blocks), "a | b | c", "a | b | c", features={}))
    blocks.append(Block(len(blocks), "a | b | c", "a | b | c", features={"full_stop": 2}))
    todo = list(range(len(blocks)))
    rng.shuffle(todo)
    todo = todo[: len(todo) * 2 // 3] + todo[-3:]
    want = [i for i in todo if not blocks[i].features.get("full_stop")
            and structure._has_sep_seed(blocks[i].text)]
    got = _cwalk.sep_seed_blocks(tuple(blocks), todo, structure._BARS)
    assert got == want
    assert 100 < len(want) < len(todo) - 100
    assert any(blocks[i].features.get("full_stop") for i in todo if i not in want)
    # asked for two seeds: the texts where the seed regex matches at two places
    # or more (a position each: the matches of two characters may overlap)
    twice = [i for i in want
             if sum(structure._SEP_SEED.match(blocks[i].text, j) is not None
                    for j in range(len(blocks[i].text))) >= 2]
    assert _cwalk.sep_seed_blocks(tuple(blocks), todo, structure._BARS, 2) == twice
    assert 50 < len(twice) < len(want) - 50
    assert _cwalk.sep_seed_blocks(tuple(blocks), todo, structure._BARS, 0) == want


def test_link_strips_need_two_separator_seeds() -> None:
    """Why ``_strips_all`` may ask the scan for two seeds: every text
    ``link_strip`` drops has two separators, so two places a seed starts."""
    import random

    from scrubber.blocks import blocks_from_text
    from scrubber.filters import structure

    rng = random.Random(10)
    alphabet = [*"ab中 /|·｜丨•", "  ", " / ", "\u3000", "首页", "新闻"]
    lines = ["".join(rng.choices(alphabet, k=rng.randint(1, 14))) for _ in range(4000)]
    blocks = blocks_from_text("\n".join(lines))
    dropped = [b for b in blocks if structure.link_strip(b, None) is not None]
    assert len(dropped) > 200
    for b in dropped:
        seeds = sum(structure._SEP_SEED.match(b.text, j) is not None for j in range(len(b.text)))
        assert seeds >= 2, b.text
    assert _cwalk.sep_seed_blocks(blocks, list(range(len(blocks))), structure._BARS, 2) \
        == [i for i, b in enumerate(blocks) if not b.features.get("full_stop") and sum(
            structure._SEP_SEED.match(b.text, j) is not None for j in range(len(b.text))) >= 2]


def test_separator_seeds_with_a_longest_run() -> None:
    """Given ``longest``, ``sep_seed_blocks`` also passes over a text holding a
    run of more than ``longest`` characters that are neither white space nor
    bars; ``link_strip`` drops no such text when ``longest`` is the longest
    item (every separator holds white space or a bar, so the run is in one
    item), and ``_strips_all`` gives what ``link_strip`` gives block by block."""
    import random
    import re

    from scrubber.blocks import blocks_from_text
    from scrubber.filters import structure
    from scrubber.pipeline import Document

    rng = random.Random(12)
    alphabet = [*"ab中 /|·｜丨•。", "  ", " / ", "\u3000", "\xa0", "首页", "新闻", "abcdefghij",
                "国际新闻频道"]
    lines = ["".join(rng.choices(alphabet, k=rng.randint(1, 16))) for _ in range(4000)]
    blocks = list(blocks_from_text("\n".join(lines)))
    todo = list(range(len(blocks)))
    other = f"[^{re.escape(structure._BARS)}]"
    for longest in (0, 3, structure._LONGEST_ITEM):
        run = re.compile(f"(?:(?!\\s){other}){{{longest + 1}}}")  # (str.isspace is re's \\s)
        want = [i for i in _cwalk.sep_seed_blocks(blocks, todo, structure._BARS, 2)
                if not run.search(blocks[i].text)]
        assert _cwalk.sep_seed_blocks(blocks, todo, structure._BARS, 2, longest) == want
        if longest == structure._LONGEST_ITEM:
            long_ones = [b for b in blocks if run.search(b.text)]
            assert len(long_ones) > 300
            assert all(structure.link_strip(b, None) is None for b in long_ones)
            assert 100 < len(want) < len(todo)
    doc = Document(blocks=tuple(blocks), kind="text")
    assert structure._strips_all(doc, todo) == {
        i: v for i in todo if (v := structure.link_strip(blocks[i], doc)) is not None}


def test_element_paths_are_the_f_strings() -> None:
    """The walk writes an element's path (``parent/tag[n]``) into one new string
    when parent and tag are ASCII, and formats it otherwise: the same string
    as the reference's f-string, ASCII-only where that one is."""
    import random

    rng = random.Random(6)
    parts = ["", "/html", "/html/body/div[2]", "/x/" + "a" * 300, "/中/p[1]", "/é", "/\U0001d49c"]
    tags = ["p", "div", "o:p", "中文", "x" * 40, "é", ""]
    numbers = [0, 1, 9, 10, 99, 100, 12345, 2**62, -1]
    for parent in parts:
        for tag in tags:
            for nth in numbers + [rng.randint(0, 10**9) for _ in range(3)]:
                got = _cwalk.nth_path(parent, tag, nth)
                want = f"{parent}/{tag}[{nth}]"
                assert got == want and got.isascii() == want.isascii()
                assert hash(got) == hash(want)


def test_anchored_rows_by_table_are_the_rows_by_dict() -> None:
    """The anchored loop finds a key's row by its first character's code in a
    table (``LineScreen._row_of``) or, without one and past the BMP, in the
    dict: the same lines either way, on the fixture keys and on keys opening
    with every first character some copy starts with, astral ones too."""
    from scrubber.rules import LineScreen, default_rules

    screen = LineScreen.of(default_rules().rules)
    assert screen is not None
    if screen._row_of is None:
        pytest.skip("the compiled loop is not in use (SCRUBBER_PURE): no table is built")
    keys = [k for doc in _screen_keys() for k in doc]
    for ch in screen._by_first:
        keys += [ch, ch + "1", ch + "2024年5月1日", ch + " 分享到 微博", ch * 30]
    keys += ["\U0001d7ce 2024", "😀 分享", "", "x"]
    # first characters past the table's end (it stops at the highest that starts a row)
    top = len(screen._row_of)
    keys += [chr(c) + " 2024年5月1日" for c in (top, top + 1, 0xFFFD) if top <= c < 0x10000]
    args = (keys, screen._by_first, screen._length_cuts, screen._first_matches,
            screen._compile_first)
    by_dict = _cwalk.anchored_lines(*args)
    assert by_dict  # some keys are taken
    assert _cwalk.anchored_lines(*args, screen._row_of, screen._rows) == by_dict


def _compiled_match_all(index, texts, keys):
    """The compiled loop of ``RuleIndex.match_lines`` over every line (not only
    the screened ones), as ``match_lines`` calls it."""
    from scrubber import rules

    tables = index._build_tables()
    assert tables is not None
    return rules._MATCH_LINES(list(texts), list(keys), list(range(len(keys))), tables,
                              index._class_tables, index.match, rules.RuleMatch,
                              rules._MATCH_SLOTS, rules._lift)


@needs_compiled_match
def test_compiled_match_lines_is_match_on_every_line() -> None:
    """The compiled loop gives every line, screened or not (empty keys, repeats,
    one key under two texts, lines any rule's literals gate), what
    ``RuleIndex.match`` gives it; and ``match_lines`` takes it."""
    from scrubber import rules
    from scrubber.keys import match_key

    index = rules.RuleIndex(tuple(r for r in rules.default_rules() if r.action != "lift"))
    docs = _screen_keys()
    texts = [t for keys in docs for t in keys] + ["", "（责任编辑：汇率）", "（責任編輯：匯率）",
                                                 "（责任编辑：汇率）", "分享到", "分享到"]
    keys = [match_key(t) for t in texts]
    got = _compiled_match_all(index, texts, keys)
    want = [index.match(t, k) for t, k in zip(texts, keys)]
    assert got == want
    assert sum(m is not None for m in want) > 50
    assert any(m is not None and m.meta for m in want)  # lifted values come through
    assert [type(m) for m in got] == [type(m) for m in want]
    assert index._tables is not None  # match_lines takes the compiled loop
    for keys_of_doc in docs[:40]:
        texts_of_doc = list(keys_of_doc)
        assert index.match_lines(texts_of_doc, keys_of_doc) == [
            index.match(t, k) for t, k in zip(texts_of_doc, keys_of_doc)]


@needs_compiled_match
def test_compiled_match_lines_past_the_bmp_and_without_groups() -> None:
    """First, last and gate characters past the BMP are read from the dicts
    beside the tables; a hand-built rule whose pattern object has no
    ``groupindex`` still has its metadata read; the first match in order wins."""
    import random

    import regex

    from scrubber import rules

    class Plain:  # a pattern object with ``search`` only
        def __init__(self, pattern):
            self.search = regex.compile(pattern).search

    made = rules.parse_rules(
        '[[rule]]\nid = "astral_first"\nreason = "r"\npatterns = ["^\U00020000ab"]\n'
        '[[rule]]\nid = "astral_last"\nreason = "r"\npatterns = ["xy\U00020001$"]\n'
        '[[rule]]\nid = "astral_gate"\nreason = "r"\npatterns = ["\U00020002z"]\n'
        '[[rule]]\nid = "named"\nreason = "r"\npatterns = ["^by (?P<author>\\\\w+)"]\n'
        '[[rule]]\nid = "any_b"\nreason = "r"\npatterns = ["b"]\n').rules
    hand = rules.Rule("hand", "r", ("^h(?P<editor>q+)",),
                      compiled=Plain("^h(?P<editor>q+)"))
    index = rules.RuleIndex((*made, hand))
    assert rules._lifts(hand)
    alphabet = ["a", "b", "x", "y", "z", "h", "q", " ", "by ", "\U00020000", "\U00020001",
                "\U00020002", "\U00020003", "字"]
    rng = random.Random(5)
    keys = ["".join(rng.choices(alphabet, k=rng.randint(0, 6))) for _ in range(3000)]
    got = _compiled_match_all(index, keys, keys)
    want = [index.match(k, k) for k in keys]
    assert got == want
    ids = {m.rule.id for m in want if m is not None}
    assert ids >= {"astral_first", "astral_last", "astral_gate", "named", "any_b", "hand"}
    assert any(m is not None and m.rule.id == "hand" and m.meta for m in want)


@needs_compiled_match
def test_match_lines_of_more_than_64_rules_is_not_compiled() -> None:
    """The compiled loop keeps masks in 64-bit words: an index of more rules
    takes the Python loop, with the same matches."""
    from scrubber import rules

    source = "".join(f'[[rule]]\nid = "r{i}"\nreason = "r"\npatterns = ["^w{i}x"]\n'
                     for i in range(70))
    index = rules.RuleIndex(rules.parse_rules(source).rules)
    keys = [f"w{i}x" for i in range(75)] + ["w3", "zzz"]
    assert [m and m.rule.id for m in index.match_lines(keys, keys)] == [
        *(f"r{i}" for i in range(70)), None, None, None, None, None, None, None]
    assert index._tables is None


@needs_compiled_scan
def test_literal_lines_bounds_are_the_filters_they_replace() -> None:
    """``literal_lines`` with length bounds and last characters gives the lines
    it gives without them, filtered as ``LineScreen.lines`` filtered them; and
    ``lines`` lets through every line a rule matches, and no line the path
    without the bounds (the regex of every copy) does not."""
    import random

    from scrubber import rules

    screen = rules.LineScreen.of(rules.default_rules().rules)
    assert screen is not None and screen._long_scan is not None
    limit, ends = screen._free_limit, screen._long_ends
    assert limit is not None and ends
    whole_free, whole_long = screen._whole
    pool = [*whole_free, *whole_long, *screen._whole_ended, *"0123456789 :.-/()[]年月日…»>。，",
            *sorted(ends - {"\n"})]
    rng = random.Random(11)
    docs = _screen_keys() + [
        ["".join(rng.choices(pool, k=rng.randint(1, 3 * limit))) for _ in range(40)]
        for _ in range(100)]
    rule_set = rules.default_rules()
    longs = matched = 0
    for keys in docs:
        every = rules._LITERAL_LINES(keys, *screen._free_scan)
        assert rules._LITERAL_LINES(keys, *screen._free_scan, limit) == [
            i for i in every if len(keys[i]) <= limit]
        every_long = rules._LITERAL_LINES(keys, *screen._long_scan)
        bounded = rules._LITERAL_LINES(keys, *screen._long_scan, None, limit + 1,
                                       rules._bmp_bitmap(ends))
        assert bounded == [i for i in every_long if len(keys[i]) > limit and keys[i][-1] in ends]
        longs += len(bounded)
        fast = screen.lines(keys)
        screen._long_scan, kept = None, screen._long_scan  # the lists of lines, as before
        try:
            assert fast <= screen.lines(keys)
        finally:
            screen._long_scan = kept
        hits = {i for i, k in enumerate(keys) if rule_set.match(k, k) is not None}
        assert hits <= fast
        matched += len(hits)
    assert longs > 10  # long lines ending in a rule's last character were found
    assert matched > 100


def _starts_chars(bits):
    return None if bits is None else {
        chr(c) for c in range(0x10000) if bits[c >> 3] >> (c & 7) & 1}


def test_starts_of_a_rest_regex() -> None:
    """``rules._starts``: the characters a match of a regex can start with, read
    wide from the parsed pattern; ``None`` when a match can be empty, when the
    syntax is not read, or when nearly every character can start one."""
    from scrubber import rules

    digits = {c for c in map(chr, range(0x10000)) if __import__("re").match(r"\d", c)}
    assert _starts_chars(rules._starts(r"(?:\.)")) == {"."}
    assert _starts_chars(rules._starts(r"(?:\d{1,2}|x)")) == digits | {"x"}
    assert _starts_chars(rules._starts(r"(?:a?b)")) == {"a", "b"}
    assert _starts_chars(rules._starts(r"(?:(?=q)[a-c]|(?:d))")) == {"a", "b", "c", "d"}
    assert _starts_chars(rules._starts(r"(?:[\t ]+/)")) == {"\t", " "}
    for source in (r"(?:a*)", r"(?:$|x)", r"(?:[^a])", r"(?:.x)", r"(?:(?i:a))", r"(?:\1)",
                   r"(?:[^\s\n]{1,3}a)"):
        assert rules._starts(source) is None, source


def test_starts_never_rejects_a_match() -> None:
    """Wherever a copy's rest matches after its literal in the fixture keys and
    in random keys, the character there is in the rest's ``_starts``."""
    import random
    import re

    from scrubber import rules

    screen = rules.LineScreen.of(rules.default_rules().rules)
    copies = {**screen._whole[0], **screen._whole_ended, **screen._whole[1]}
    rests = {lit: "(?:" + "|".join(r) + ")" for lit, r in copies.items() if "" not in r}
    gated = {lit: rules._starts(src) for lit, src in rests.items()}
    assert sum(bits is not None for bits in gated.values()) > 10
    rng = random.Random(2)
    pool = [*"0123456789 .-/()[]年月日:", "详细", "更多", "2024", "\t"]
    keys = [k for doc in _screen_keys() for k in doc] + [
        "".join(rng.choices(pool, k=rng.randint(1, 12))) for _ in range(3000)]
    checked = 0
    for lit, source in rests.items():
        bits = gated[lit]
        if bits is None:
            continue
        rest = re.compile(source, re.M)
        for key in keys:
            for m in re.finditer(re.escape(lit), key):
                if rest.match(key, m.end()):
                    c = ord(key[m.end()])
                    assert c >= 0x10000 or bits[c >> 3] >> (c & 7) & 1, (lit, key)
                    checked += 1
    assert checked > 200


# -- runs of high bytes (``decode._high_runs_py``) ---------------------------------

def test_compiled_high_runs_match_the_regex_count() -> None:
    """Empty bytes, runs at either end, single high bytes between ASCII, and
    random mixes of the two byte classes; and what ``_looks_multibyte`` reads
    from every fixture page's bytes."""
    import random

    from scrubber import decode

    cases = [b"", b"a", b"\x80", b"\xff\xfe", b"a\x80b", b"\x80a\x81\x82", b"ab\xe4\xb8\xad"]
    rng = random.Random(7)
    cases += [bytes(rng.choice((0x41, 0x0A, 0x80, 0xC3, 0xFF)) for _ in range(rng.randint(0, 40)))
              for _ in range(3000)]
    cases += [p.read_bytes() for p in sorted(PAGES.glob("*/input.html"))]
    for data in cases:
        assert _cwalk.high_runs(data) == decode._high_runs_py(data), data[:40]


# -- UTF-8 markup read as it is (``core._to_text``, decision 61) ---------------------

def _utf8_plain_reference(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not html._has_control_chars(text)


def test_utf8_plain_is_the_codec_and_the_control_test() -> None:
    """Every code point up to U+0800, around the surrogates, U+FFFE/U+FFFF and
    the planes' edges, whole and cut short, alone and after 255 ASCII bytes (so
    that a sequence straddles the scan's runs of 256); the bytes no sequence
    may start with, overlong forms, surrogates, past U+10FFFF; random mixes of
    those pieces and random bytes; and every fixture page."""
    import random

    points = [*range(0x800), *range(0xD700, 0xE100), *range(0xFFF0, 0x10010), 0x10FFFF]
    for cp in points:
        if 0xD800 <= cp < 0xE000:
            continue  # (no UTF-8 of its own: the surrogate bytes are tried below)
        b = chr(cp).encode("utf-8")
        for pre in (b"", b"a" * 255, "中".encode() * 85):
            for data in (pre + b, pre + b[:-1], pre + b + b"x"):
                assert _cwalk.utf8_plain(data) is _utf8_plain_reference(data), data[-8:]
    pieces = [b"a", b"<p>", b"\n", b"\t", b"\r", b"\x00", b"\x1f", b"\x7f", b"\xc2\x80",
              b"\xc1\xbf", b"\xc2", b"\xdf\xbf", "中文".encode(), b"\xe0\x9f\x80", b"\xe0\xa0\x80",
              b"\xed\x9f\xbf", b"\xed\xa0\x80", b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"\xef\xbf\xbd",
              b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80",
              b"\xf5\x80\x80\x80", b"\xff", b"\x80", b"\xe4\xb8", b"\xf0\x9f\x98"]
    rng = random.Random(61)
    for _ in range(20000):
        parts = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        pad = b"x" * rng.choice((0, 1, 254, 255, 256, 300))
        data = pad + parts if rng.random() < 0.5 else parts + pad + parts[:5]
        assert _cwalk.utf8_plain(data) is _utf8_plain_reference(data), data
    for _ in range(5000):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 12)))
        assert _cwalk.utf8_plain(data) is _utf8_plain_reference(data), data
    pages = [p.read_bytes() for p in sorted(PAGES.glob("*/input.html"))]
    assert sum(map(_cwalk.utf8_plain, pages)) >= len(pages) // 2  # (most pages are)
    for data in pages:
        assert _cwalk.utf8_plain(data) is _utf8_plain_reference(data)


def test_markup_left_undecoded_gives_the_decoded_article(monkeypatch) -> None:
    """Bytes libxml2 reads as they are (valid UTF-8 markup) give the Article that
    decoding them first gives, on every fixture page and on pages reaching the
    branches: an XML declaration, no markup at all, a page the first reading
    finds empty, a legacy claim on UTF-8 bytes, a control character."""
    from scrubber import core

    pages = [p.read_bytes() for p in sorted(PAGES.glob("*/input.html"))]
    pages += [
        b'<?xml version="1.0" encoding="utf-8"?><html><body><p>\xe4\xb8\xad\xe6\x96\x87'
        b"\xe6\xad\xa3\xe6\x96\x87\xe3\x80\x82</p></body></html>",
        b"<html><head><title>" + b"x" * 600 + b"<body><p>After an unclosed title.</p></body></html>",
        b'<html><head><meta charset="gb2312"></head><body><p>\xe4\xb8\xad\xe6\x96\x87'
        b"\xe3\x80\x82</p></body></html>",
        b"<html><body><p>a control \x01 here</p></body></html>",
        b"<!doctype html><html><body>" + b"<p>line</p>\n" * 5000 + b"</body></html>",
    ]
    lazy = [core.scrub(data) for data in pages]
    if core._UTF8_PLAIN is not None:
        assert any(core._to_text(d, encoding=None, headers=None, lazy=True)[0] is None
                   for d in pages)
    monkeypatch.setattr(core, "_UTF8_PLAIN", None)  # every page decoded first
    for data, got in zip(pages, lazy, strict=True):
        assert core._to_text(data, encoding=None, headers=None, lazy=True)[0] is not None
        assert got.to_json(sort_keys=True) == core.scrub(data).to_json(sort_keys=True)


def test_utf8_opening_holds_what_looks_like_html_reads() -> None:
    from scrubber import core

    for ch in ("a", "é", "中", "😀"):
        text = ch * (core._HTML_SAMPLE + 7)
        data = text.encode("utf-8")
        assert core._utf8_opening(data)[:core._HTML_SAMPLE] == text[:core._HTML_SAMPLE]
        assert core._utf8_opening(data, 2000)[:2000] == text[:2000]
    # markup at the start, after 2,000 characters, past what is read; plain text
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted(PAGES.glob("*/input.html"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(PAGES.parent.glob("text/*/input.txt"))]
    for ch in ("x", "中", "😀"):
        for at in (0, 1999, 2001, 19990, 20010):
            lines = "<p>one</p>\n<div>two</div>\n<p>three</p>\n"
            texts += [ch * at + lines, ch * at + "\n" + lines * 3, (ch * 40 + "\n") * (at // 40)]
    assert any(core.looks_like_html(t) for t in texts) and not all(map(core.looks_like_html, texts))
    for text in texts:
        data = text.encode("utf-8")
        assert core._utf8_looks_like_html(data) is core.looks_like_html(text), text[:60]


# -- shapes of descriptors (``filters.dom._shape_py``) -------------------------------

def test_compiled_shape_is_the_plain_one() -> None:
    """Every descriptor of the fixture pages, and random ones of letters, spaces
    (single, doubled, at the ends), ASCII digits and other digits (superscript
    two, Arabic-Indic, full-width), CJK and characters past the BMP."""
    import random

    from scrubber.filters.dom import _shape_py
    from scrubber.html import parse_page

    values = {d for p in sorted(PAGES.glob("*/input.html"))
              for b in parse_page(p.read_text(encoding="utf-8", errors="replace")).blocks
              for d in b.context}
    assert any(c.isdigit() for v in values for c in v)
    rng = random.Random(11)
    pool = "ab Z09 \u00b2\u0663\uff15\u6587\U0001d7ce-_"
    values |= {"".join(rng.choices(pool, k=rng.randint(0, 16))) for _ in range(5000)}
    for v in sorted(values):
        assert _cwalk.shape(v) == _shape_py(v), v
    plain = "div post"
    assert _cwalk.shape(plain) is plain  # no digit: the descriptor itself


def test_compiled_loops_read_other_block_types_by_attribute() -> None:
    """The compiled loops read a Block's fields from its slots; any other object
    with the same attributes (a subclass, a stand-in) is read by attribute and
    gives the same answers."""
    from types import SimpleNamespace

    from scrubber.model import Block

    feats = [{"units": 40.0, "link_density": 0.0, "punct": 3, "full_stop": 1},
             {"units": 3.0, "link_density": 0.9}, {"units": 12.0, "full_stop": 1}]
    texts = ["One sentence here.", "Home | News", "a  b"]

    class Sub(Block):
        __slots__ = ()

    kinds = [
        [Block(index=i, text=t, key=t, path=f"/a/p[{i}]", context=("p",), features=f)
         for i, (t, f) in enumerate(zip(texts, feats))],
        [Sub(index=i, text=t, key=t, path=f"/a/p[{i}]", context=("p",), features=f)
         for i, (t, f) in enumerate(zip(texts, feats))],
        [SimpleNamespace(text=t, path=f"/a/p[{i}]", context=("p",), features=f)
         for i, (t, f) in enumerate(zip(texts, feats))],
    ]
    answers = [(_cwalk.body_flags(bs, 0.5, 10.0),
                _cwalk.sep_seed_blocks(bs, [0, 1, 2], "|"),
                _cwalk.ancestry(bs, {})[0])
               for bs in kinds]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == [True, False, True] and answers[0][1] == [1]


def test_feature_is_and_text_holds_are_the_comprehensions() -> None:
    """``_cwalk.feature_is`` and ``_cwalk.text_holds`` pick what the first tests
    of ``structure._symbols_all`` and ``_markup_all`` pick, in ``todo``'s order."""
    import random

    from scrubber.blocks import blocks_from_text
    from scrubber.model import Block

    rng = random.Random(11)
    alphabet = [*"ab中 <>|-—.", "<b>", "1"]
    lines = ["".join(rng.choices(alphabet, k=rng.randint(1, 8))) for _ in range(1500)]
    blocks = list(blocks_from_text("\n".join(lines)))
    odd = [{}, {"alnum": 0}, {"alnum": 0.0}, {"alnum": -0.0}, {"alnum": False}, {"alnum": "0"},
           {"alnum": 1.5}, {"alnum": float("nan")}, {"alnum": None}]
    blocks += [Block(len(blocks) + k, "x<y", "x<y", features=f) for k, f in enumerate(odd)]
    todo = list(range(len(blocks)))
    rng.shuffle(todo)
    todo = todo[: len(todo) * 3 // 4] + todo[-len(odd):]
    for value, default in [(0.0, 1), (0, 1), (1.5, None), (None, 0)]:
        want = [i for i in todo if blocks[i].features.get("alnum", default) == value]
        assert _cwalk.feature_is(tuple(blocks), todo, "alnum", value, default) == want, value
    assert 50 < len(_cwalk.feature_is(blocks, todo, "alnum", 0.0, 1)) < len(todo) - 50
    for ch in "<|中😀":
        want = [i for i in todo if ch in blocks[i].text]
        assert _cwalk.text_holds(tuple(blocks), todo, ch) == want, ch
    with pytest.raises(ValueError):
        _cwalk.text_holds(blocks, todo, "<b")


def test_first_holding_is_the_first_text_holding_the_character() -> None:
    import random

    rng = random.Random(12)
    for _ in range(300):
        texts = ["".join(rng.choices(["a", "中", "\n", "😀", "é"], k=rng.randint(0, 5)))
                 for _ in range(rng.randint(0, 8))]
        for ch in ("\n", "😀", "z"):
            want = next((i for i, t in enumerate(texts) if ch in t), -1)
            assert _cwalk.first_holding(texts, ch) == want, (texts, ch)
    with pytest.raises(ValueError):
        _cwalk.first_holding(["a"], "ab")
    with pytest.raises(TypeError):
        _cwalk.first_holding([b"a"], "a")


def test_line_screen_of_keys_holding_a_newline_is_none() -> None:
    from scrubber.keys import match_keys
    from scrubber.rules import LineScreen, default_rules

    screen = LineScreen.of(tuple(r for r in default_rules() if not r.sites))
    assert screen is not None
    editor, body = match_keys(["（责任编辑：张三）", "今天天气很好，我们去公园散步。"])
    assert screen.lines([editor, body + "\n" + body]) is None
    assert screen.lines((editor, body)) == {0}
    assert screen.lines([body, editor]) == {1}


def test_stripped_lines_is_measure_lines_test() -> None:
    import random

    rng = random.Random(13)
    pool = ["a", "中", " ", "\n", "\r", "\u3000", "\x1c", "😀", "\xa0", "é"]
    for _ in range(3000):
        texts = ["".join(rng.choices(pool, k=rng.randint(0, 4))) for _ in range(rng.randint(0, 3))]
        want = not any(not t or "\n" in t or "\r" in t or t[-1].isspace() for t in texts)
        assert _cwalk.stripped_lines(texts) is want, texts
    assert _cwalk.stripped_lines(["ab", "中文", "x😀"]) is True
    with pytest.raises(TypeError):
        _cwalk.stripped_lines([b"a"])


def test_layout_features_is_the_parse_page_loop() -> None:
    from scrubber.model import Role

    features = [{"chars": 1.0}, {}, {"depth": 9.0}]
    links = [0.5, 0.0, 1.0]
    contexts = (("div", "p"), (), ("h2",))
    roles = [Role.PARAGRAPH, Role.HEADING, Role.HEADING]
    assert _cwalk.layout_features(features, links, contexts, roles, Role.HEADING) == [1, 2]
    assert features == [{"chars": 1.0, "link_density": 0.5, "depth": 2.0},
                        {"link_density": 0.0, "depth": 0.0},
                        {"depth": 1.0, "link_density": 1.0}]
    assert list(features[0]) == ["chars", "link_density", "depth"]
    assert all(type(f["depth"]) is float for f in features)
    with pytest.raises(ValueError):
        _cwalk.layout_features(features, links[:2], contexts, roles, Role.HEADING)


def test_frame_columns_are_the_reference_columns() -> None:
    """``_cwalk.frame_columns`` gives what ``html._frame_columns_py`` gives (the
    same types too): the walk's frames of every fixture page, none, and paths
    empty or missing; a frame that is not a tuple of four is left to the
    reference (``None``)."""
    from scrubber.model import Role

    cases = [[], [("p", "", ("div",), Role.PARAGRAPH)],
             [("p", None, (), Role.HEADING), ("h1", "/html/body/h1", ("h1",), Role.TITLE)]]
    for page in sorted(PAGES.glob("*/input.html")):
        root = html._root_of(page.read_text(encoding="utf-8", errors="replace"))
        f = html._Found()
        _cwalk.walk(root, f, None)
        cases.append(f.frames)
    assert sum(len(c) for c in cases) > 500
    for frames in cases:
        got = _cwalk.frame_columns(frames)
        want = html._frame_columns_py(frames)
        assert got == want
        assert [type(x) for x in got] == [type(x) for x in want] == [tuple, list, tuple, list]
    for odd in ([("p", "/a", ())], [["p", "/a", (), Role.LINE]], ["p"]):
        assert _cwalk.frame_columns(odd) is None


def test_within_is_the_path_test() -> None:
    import random

    from scrubber.model import Block

    rng = random.Random(14)
    parts = ["", "/", "/html", "/html/body", "/html/body/div", "/html/body/div[2]", "/html/bodyx",
             "/html/body/div/p", "中/文", None]
    blocks = [Block(i, "t", "t", path=rng.choice(parts)) for i in range(400)]
    for main in ["/html/body", "/html/body/div", "/html", "", "中", "/"]:
        want = [b.path == main or (b.path or "").startswith(main + "/") for b in blocks]
        assert _cwalk.within(blocks, main) == want, main
        assert _cwalk.within(tuple(blocks), main) == want


def test_texts_and_keys_and_settle_are_their_references() -> None:
    """``_cwalk.texts_and_keys`` gives the two lists ``RuleFilter.judge_all``
    built (blocks in a tuple or a list, Blocks or other objects with those
    fields, any order of indices); ``_cwalk.settle`` is ``pipeline._settle_py``
    (verdicts written, the indices still unjudged, in order)."""
    import random
    from types import SimpleNamespace

    from scrubber.html import parse_page
    from scrubber.pipeline import _settle_py

    rng = random.Random(37)
    for page in sorted(PAGES.glob("*/input.html"))[:12]:
        blocks = parse_page(page.read_text(encoding="utf-8", errors="replace")).blocks
        for todo in (list(range(len(blocks))), sorted(rng.sample(range(len(blocks)),
                                                               len(blocks) // 2)), []):
            want = ([blocks[i].text for i in todo], [blocks[i].key for i in todo])
            assert _cwalk.texts_and_keys(blocks, todo) == want
            assert _cwalk.texts_and_keys(list(blocks), todo[::-1]) == (want[0][::-1],
                                                                         want[1][::-1])
    odd = [SimpleNamespace(text="t", key="k"), SimpleNamespace(text="", key="")]
    assert _cwalk.texts_and_keys(odd, [1, 0, 1]) == (["", "t", ""], ["", "k", ""])
    for _ in range(500):
        n = rng.randint(0, 40)
        verdicts = [rng.choice([None, None, "v"]) for _ in range(n)]
        todo = [i for i in range(n) if verdicts[i] is None]
        found = {i: f"w{i}" for i in todo if rng.random() < 0.3}
        a, b = list(verdicts), list(verdicts)
        assert _cwalk.settle(a, todo, found) == _settle_py(b, todo, found)
        assert a == b


def test_first_role_text_run_verdicts_and_found_at_are_their_expressions() -> None:
    """``_cwalk.first_role_text`` (``core._assemble``'s title), ``run_verdicts``
    with the whole list before its run (``Pipeline.judge``'s last step) and ``found_at`` (``RuleFilter.judge_all``'s
    dict) give what the Python expressions they stand for give: on the blocks
    of the fixture pages with roles shuffled, on other objects with those
    fields, and on lists of other lengths."""
    import random
    from dataclasses import replace
    from types import SimpleNamespace

    from scrubber.html import parse_page
    from scrubber.model import Role

    rng = random.Random(41)
    roles = list(Role)
    for page in sorted(PAGES.glob("*/input.html"))[:12]:
        blocks = parse_page(page.read_text(encoding="utf-8", errors="replace")).blocks
        for _ in range(4):
            mixed = tuple(replace(b, role=rng.choice(roles)) for b in blocks)
            for role in roles:
                want = next((b.text for b in mixed if b.role is role), None)
                assert _cwalk.first_role_text(mixed, role) == want
                assert _cwalk.first_role_text(list(mixed), role) == want
    odd = [SimpleNamespace(role="x", text="a"), SimpleNamespace(role=Role.TITLE, text="b")]
    assert _cwalk.first_role_text(odd, Role.TITLE) == "b"
    assert _cwalk.first_role_text(odd, "x") == "a"  # (by identity, as ``is``)
    assert _cwalk.first_role_text([], Role.TITLE) is None
    for _ in range(500):
        n = rng.randint(0, 30)
        items = [rng.choice([None, 0, "", "v", ()]) for _ in range(n)]
        assert _cwalk.run_verdicts(items, n, n, "u", "u") == [
            x if x is not None else "u" for x in items]
        todo = rng.sample(range(100), n)
        got = [rng.choice([None, "v", 0]) for _ in range(rng.randint(0, 35))]
        assert _cwalk.found_at(todo, got) == {i: v for i, v in zip(todo, got) if v is not None}
    items = [None, "a"]
    got = _cwalk.run_verdicts(items, 2, 2, "u", "u")
    assert got == ["u", "a"] and got is not items and items == [None, "a"]  # (a new list)


def test_cut_after_is_the_article_ends_loop(monkeypatch) -> None:
    """``_cwalk.cut_after`` gives what ``ArticleEnd._cut``'s loop gives: every
    verdict after the marker that is ``None``, an ``outside_main`` drop or a
    kept ``body`` verdict becomes the cut, the others stay (Verdicts and other
    objects with those fields); the list given is not changed."""
    import random
    from types import SimpleNamespace

    from scrubber.filters import context
    from scrubber.model import Block, Verdict
    from scrubber.pipeline import Document

    kinds = [None, Verdict.drop("outside_main", "r"), Verdict.body("body", "r"),
             Verdict.drop("body", "r"), Verdict.body("outside_main", "r"), Verdict.drop("nav", "r"),
             Verdict.body("post", "r"), SimpleNamespace(rule="body", keep=1),
             SimpleNamespace(rule="body", keep=0), SimpleNamespace(rule="outside_main", keep=0)]
    rng = random.Random(43)
    for _ in range(300):
        n = rng.randint(1, 30)
        verdicts = [rng.choice(kinds) for _ in range(n)]
        doc = Document(blocks=tuple(Block(i, f"t{i}", f"t{i}") for i in range(n)))
        at = rng.randrange(n)
        given = list(verdicts)
        got = context.ArticleEnd._cut(doc, verdicts, at)
        assert verdicts == given
        monkeypatch.setattr(context, "_COMPILED_CUT", None)
        want = context.ArticleEnd._cut(doc, verdicts, at)
        monkeypatch.undo()
        assert got == want
        assert [g is w for g, w in zip(got, want)][:at + 1] == [True] * (at + 1)
    assert _cwalk.cut_after([None, None], -1, "c") == ["c", "c"]


def test_verdict_loops_are_their_comprehensions() -> None:
    """``_cwalk.kept_indices``, ``kept_of`` and ``with_meta`` (read by
    ``Article.paragraphs`` and ``.text``, ``assign_roles``, ``lift_metadata``
    and ``first_meta``) give what the comprehensions they stand for give: on
    the articles of the fixture pages, and on other objects with a ``keep``
    and a ``meta`` (truthy values other than booleans, lists and tuples,
    verdicts longer or shorter than the blocks)."""
    from types import SimpleNamespace

    import scrubber
    from scrubber.model import Verdict, first_meta

    articles = [scrubber.scrub(p.read_bytes()) for p in sorted(PAGES.glob("*/input.html"))]
    assert sum(len(a.verdicts) for a in articles) > 500
    for a in articles:
        blocks, verdicts = a.blocks, a.verdicts
        assert _cwalk.kept_indices(verdicts) == [i for i, v in enumerate(verdicts) if v.keep]
        assert _cwalk.kept_of(blocks, verdicts) == [b for b, v in zip(blocks, verdicts)
                                                     if v.keep]
        assert _cwalk.kept_of(list(blocks), list(verdicts), True) == [
            b.text for b, v in zip(blocks, verdicts) if v.keep]
        assert _cwalk.with_meta(verdicts) == [v for v in verdicts if v.meta]
        assert a.text == "\n".join(b.text for b in a.paragraphs)
    assert any(_cwalk.with_meta(a.verdicts) for a in articles)  # (editor credits and the like)
    odd = [SimpleNamespace(keep=1, meta=[("editor", "x")]), SimpleNamespace(keep=0, meta=()),
           Verdict.body("b", "r"), Verdict.drop("d", "r", editor="y"),
           SimpleNamespace(keep="", meta=[]), SimpleNamespace(keep=[0], meta=())]
    blocks = [SimpleNamespace(text=f"t{i}") for i in range(5)]
    assert _cwalk.kept_indices(odd) == [0, 2, 5]
    assert _cwalk.kept_of(blocks, odd) == [blocks[0], blocks[2]]  # (zip: five blocks)
    assert _cwalk.kept_of(blocks, odd[:2], True) == ["t0"]
    assert _cwalk.with_meta(odd) == [odd[0], odd[3]]
    assert first_meta(odd) == {"editor": "x"}


def test_run_verdicts_are_the_three_slices() -> None:
    """``_cwalk.run_verdicts`` (``MainRegion._read``'s result once the run is
    known) against the slices it stands for: random verdicts, runs at the ends,
    empty, past the end; ``start > end`` refused; and ``main_region`` on the
    fixture pages the same with it and without it."""
    import random

    from scrubber.model import Verdict

    rng = random.Random(71)
    before, after = Verdict.drop("outside_main", "before"), Verdict.drop("outside_main", "after")
    other = Verdict.drop("nav", "x")
    for _ in range(3000):
        n = rng.randint(0, 12)
        vs = [rng.choice([None, None, other]) for _ in range(n)]
        start = rng.randint(0, n + 2)
        end = rng.randint(start, n + 3)
        want = ([before if v is None else v for v in vs[:start]] + list(vs[start:end])
                + [after if v is None else v for v in vs[end:]])
        got = _cwalk.run_verdicts(vs, start, end, before, after)
        assert got == want and got is not vs
    with pytest.raises(ValueError):
        _cwalk.run_verdicts([None], 2, 1, before, after)
    import scrubber.filters.context as context
    from scrubber.core import _default
    from scrubber.html import parse_page
    from scrubber.pipeline import Document

    region = _default()["main_region"].fn
    checked = 0
    for page in sorted(PAGES.glob("*/input.html")):
        blocks = parse_page(page.read_text(encoding="utf-8", errors="replace")).blocks
        doc = Document(blocks=tuple(blocks), kind="html")
        for vs in ([None] * len(blocks), [other if i % 3 == 0 else None for i in range(len(blocks))]):
            fast = region._read(doc, vs)
            saved, context._COMPILED_RUN = context._COMPILED_RUN, None
            try:
                plain = region._read(doc, vs)
            finally:
                context._COMPILED_RUN = saved
            assert fast == plain
            checked += fast != vs
    assert checked > 10


def test_last_chain_is_the_ends_deep_reference():
    """``_cwalk.last_chain`` goes down the chain of last children as ``len(el)``
    and ``el[len(el) - 1]`` do (comments, PIs and entity references count as
    children, text does not), so ``_ends_deep`` answers as ``_ends_deep_py``
    does: on every fixture page, on made-up endings, and on chains of
    elements just under, at and over libxml2's limit."""
    from lxml import etree

    def chain_py(root, limit):
        el, depth = root, 0
        while depth < limit and len(el):
            el, depth = el[len(el) - 1], depth + 1
        return depth

    roots = [html._root_of(p.read_text(encoding="utf-8", errors="replace"))
             for p in sorted(PAGES.rglob("*.html"))]
    for markup in ("<html><body><div><p>a</p>tail</div>more</body></html>",
                   "<html><body><div><p>a</p><!-- last --></div></body></html>",
                   "<html><body><p>x</p><?pi data?></body></html>",
                   "<html><body></body></html>", "<p>one</p>"):
        roots.append(html._root_of(markup))
    limit = html._LIBXML2_MAX_DEPTH - 8
    for depth in (limit - 2, limit - 1, limit, limit + 5):  # (the html element is one)
        root = etree.Element("html")
        el = root
        for _ in range(depth - 1):
            el = etree.SubElement(el, "div")
        el.tail = "after"
        etree.SubElement(root, "p").text = "x"  # a short last chain from the root...
        root.append(etree.Comment("end"))  # ...ending in a comment
        roots.append(root)
        deep = etree.Element("html")  # ...and one that goes all the way down
        el = deep
        for _ in range(depth):
            el = etree.SubElement(el, "div")
        roots.append(deep)
    ent = etree.Element("html")
    etree.SubElement(ent, "div").append(etree.Entity("nbsp"))
    roots.append(ent)
    answers = set()
    for root in roots:
        for lim in (0, 1, 3, limit):
            assert _cwalk.last_chain(root, lim) == chain_py(root, lim)
        assert html._ends_deep(root) == html._ends_deep_py(root)
        answers.add(html._ends_deep(root))
    assert answers == {True, False}
    with pytest.raises(TypeError):
        _cwalk.last_chain("<html/>", 3)
