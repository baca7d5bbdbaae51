"""The notebook view (``Article._repr_html_``) and the docs notebook, executed."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

import scrubber
from scrubber import Article, Block, Verdict

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "walkthrough.ipynb"
SEED_LIKE = ROOT / "examples" / "seed_like.txt"


def _article(*rows: tuple[str, Verdict], **meta) -> Article:
    blocks = tuple(Block(i, text, text) for i, (text, _) in enumerate(rows))
    return Article(blocks, tuple(v for _, v in rows), **meta)


def test_scraped_script_shows_as_text():
    evil = "<script>alert('x')</script>"
    art = scrubber.scrub(f"一条新闻的标题\n正文里有一段被抓下来的代码 {evil} 以及后面的文字。\n"
                         f"（责任编辑：汇率）{evil}\n")
    out = art._repr_html_()
    assert "<script" not in out.lower()
    assert html.escape(evil) in out


def test_everything_from_the_page_is_escaped():
    nasty = '"><img src=x onerror=alert(1)>'
    art = _article(
        (f"<b>body</b> {nasty}", Verdict.body("body", "kept")),
        (f"<i>promo</i> {nasty}", Verdict(False, f"rule{nasty}", f"reason {nasty}",
                                           f"evidence {nasty}")),
        title=f"<script>t</script>{nasty}", editor=f"<u>ed</u>{nasty}",
        url=f"https://x/?a=1&b=<2>{nasty}",
    )
    out = art._repr_html_()
    assert "<script" not in out and "<img" not in out
    assert "<b>" not in out and "<i>promo" not in out and "<u>" not in out
    # every attribute value is quoted and cannot be broken out of
    for attr in re.findall(r"(\w+)='([^']*)'", out):
        assert "<" not in attr[1] and ">" not in attr[1]
    assert html.escape("<b>body</b>") in out and "onerror" in out  # shown, as text


def test_layout_metadata_then_blocks_in_order():
    art = scrubber.scrub(SEED_LIKE.read_bytes(), url="https://example.cn/a")
    out = art._repr_html_()
    assert out.index("scrubber-meta") < out.index("scrubber-blocks")
    assert html.escape(art.title) in out and "林舟" in out and "https://example.cn/a" in out
    items = re.findall(r"<li class='scrubber-(kept|removed)'", out)
    assert items == ["kept" if v.keep else "removed" for v in art.verdicts]
    # body in full (no cutting), in order
    positions = [out.index(html.escape(b.text)) for b in art.paragraphs]
    assert positions == sorted(positions)
    long = max(art.paragraphs, key=lambda b: len(b.text))
    assert html.escape(long.text) in out
    # boilerplate: struck through, with rule id and reason
    for r in art.boilerplate:
        assert f"<s>{html.escape(r.text)}</s>" in out
        assert f">{html.escape(r.rule)}</code>" in out and html.escape(r.reason) in out


def test_empty_article_renders():
    out = scrubber.scrub("")._repr_html_()
    assert "scrubber-article" in out and "no title" in out


def test_docs_notebook_runs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # committed without outputs: what readers see is produced by the code
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    env = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env) if p)
    try:
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                         resources={"metadata": {"path": str(ROOT / "docs")}})
        client.execute()
    finally:
        if env is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = env
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    rendered = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("scrubber-article" in h for h in rendered)  # the article rendered itself
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "True False" in text  # promo switched off
    assert "example_cn_outlook" in text  # the site rule fired
