"""The fast paths of ``dom_main`` give exactly the results of the plain ones.

``scrubber.filters.dom`` builds each block's ancestor paths once, scans
contexts with C-level shortcuts and skips the agreement re-reading when it
cannot disagree. Each of those is checked here against the straightforward
code it replaced, on the fixture pages and hand-picked edge cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber.core import _default
from scrubber.filters.context import ArticleEnd
from scrubber.filters.dom import DomMain, _ancestry, _hidden, _markers_of, boilerplate_marker
from scrubber.html import parse_page
from scrubber.model import Block
from scrubber.pipeline import Document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(FIXTURES.rglob("*.html"))


def _doc(path: Path) -> tuple[Document, list]:
    """A fixture page as dom_main sees it: its blocks and the filters' verdicts."""
    page = parse_page(path.read_text(encoding="utf-8", errors="replace"))
    doc = Document(blocks=tuple(page.blocks), kind="html")
    filters = [s for s in _default().steps if s.kind == "filter"]
    verdicts = []
    for b in doc.blocks:
        v = None
        for s in filters:
            v = s.fn(b, doc)
            if v is not None:
                break
        verdicts.append(v)
    return doc, verdicts


def _plain_line(path: str | None) -> tuple[str, ...]:
    path = path or ""
    if not path.startswith("/"):
        return ()
    out, prefix = [], ""
    for step in path.split("/")[1:]:
        prefix = f"{prefix}/{step}"
        out.append(prefix)
    return tuple(out)


def _plain_marker(context) -> tuple[int, str] | None:
    found = None
    for i, d in enumerate(context):
        m = _markers_of(d)
        if m:
            found = (i, m)
    return found


def _plain_hidden(context) -> str | None:
    return next((d[:40] for d in context if d.endswith("@hidden")), None)


def test_fixture_pages_found():
    assert PAGES


@pytest.mark.parametrize("path", [None, "", "line 3", "/", "//x", "/a/", "/a//b", "/html",
                                  "/html/body/div[2]/p[3]"])
def test_ancestry_matches_the_plain_prefixes_on_edge_paths(path):
    lines, elements = _ancestry([Block(index=0, text="x", key="x", path=path)])
    assert lines == [_plain_line(path)]
    assert list(elements) == list(_plain_line(path))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_fast_paths_match_the_plain_ones_on_fixture_pages(path):
    doc, _ = _doc(path)
    lines, elements = _ancestry(doc.blocks)
    assert lines == [_plain_line(b.path) for b in doc.blocks]
    seen: list[str] = []
    for line in lines:
        seen += [p for p in line if p not in seen]
    assert list(elements) == seen  # first-reached order, parents first
    for b in doc.blocks:
        assert boilerplate_marker(b.context) == _plain_marker(b.context)
        assert boilerplate_marker(iter(b.context)) == _plain_marker(b.context)
        hidden = _hidden(b)
        assert (hidden.evidence if hidden else None) == _plain_hidden(b.context)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_agreement_shortcut_matches_the_full_reading(path):
    dom = DomMain()
    doc, verdicts = _doc(path)
    main = dom.choose(doc.blocks, verdicts)
    if main is None:
        pytest.skip("no container on this page")
    reading = ArticleEnd()(doc, dom.text_reading(doc, verdicts))
    found = inside = 0.0
    for b, v in zip(doc.blocks, reading):
        if v is None and dom.text_reading.body_like(b):
            found += b.features.get("units", 0.0)
            if b.path == main or (b.path or "").startswith(main + "/"):
                inside += b.features.get("units", 0.0)
    full = found < dom.veto_units or inside >= dom.agree_share * found
    assert dom._agrees(doc, verdicts, main) == full


def test_hidden_and_markers_on_edge_contexts():
    for ctx in [(), ("div",), ("div @hidden",), ("div x@hid", "den"), ("nav", "div @hidden"),
                ("div a@hidden b",), ("div comment", "div article", "ul share")]:
        b = Block(index=0, text="x", key="x", path="/a", context=ctx)
        hidden = _hidden(b)
        assert (hidden.evidence if hidden else None) == _plain_hidden(ctx)
        assert boilerplate_marker(ctx) == _plain_marker(ctx)
