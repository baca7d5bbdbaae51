"""The public API: scrub on str and bytes, the Article, metadata, explain and views."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scrubber
from scrubber import Article, Removed, Role, ScrubberError

ROOT = Path(__file__).resolve().parent.parent
SEED_LIKE = ROOT / "examples" / "seed_like.txt"
ENGLISH = ROOT / "examples" / "english_news.txt"

PARAS = (
    "据新华社报道,今年一季度全国港口完成货物吞吐量40亿吨,同比增长百分之六。\n"
    "交通运输部表示,外贸集装箱运输保持较快增长,部分港口出现了排队等泊的情况。\n"
    "业内人士认为,随着航线恢复,二季度吞吐量有望继续保持增长势头,但需关注运价波动。\n"
)
DOC = "港口吞吐量创新高\n" + PARAS + "（责任编辑：汇率）\n"


@pytest.fixture(scope="module")
def seed_like() -> Article:
    return scrubber.scrub(SEED_LIKE.read_text(encoding="utf-8"))


# -- input types --------------------------------------------------------------

def test_scrub_str_and_bytes_agree():
    text = SEED_LIKE.read_text(encoding="utf-8")
    a = scrubber.scrub(text)
    b = scrubber.scrub(text.encode("utf-8"))
    assert a.text == b.text
    assert [v.rule for v in a.verdicts] == [v.rule for v in b.verdicts]
    assert a.encoding is None
    assert b.encoding and b.encoding["encoding"].replace("-", "").lower().startswith("utf")


def test_scrub_gbk_bytes():
    text = SEED_LIKE.read_text(encoding="utf-8")
    art = scrubber.scrub(text.encode("gb18030"))
    assert art.text == scrubber.scrub(text).text
    assert art.editor == "林舟"


@pytest.mark.parametrize("bad", [123, None, 1.5, ["a"], {"text": "a"}, object()])
def test_wrong_type_is_misuse(bad):
    with pytest.raises(ScrubberError):
        scrubber.scrub(bad)


def test_empty_input_is_an_empty_article():
    for source in ("", "   \n\n\t", b""):
        art = scrubber.scrub(source)
        assert isinstance(art, Article)
        assert art.text == "" and art.boilerplate == [] and art.blocks == ()


# -- the article --------------------------------------------------------------

def test_seed_like_body_and_boilerplate(seed_like):
    assert seed_like.title == "宁德时代与挪威企业联手在北欧建设大型储能电站"
    assert seed_like.text.splitlines()[-1].startswith("业内人士指出")
    assert seed_like.editor == "林舟"
    rules = seed_like.counts()
    assert rules.get("teaser") == 5
    assert rules.get("separator") == 6
    assert rules.get("promo") == 1 and rules.get("editor_credit") == 1
    assert all(isinstance(r, Removed) and r.rule and r.reason for r in seed_like.boilerplate)
    assert not any("立即注册" in b.text or "[详细]" in b.text for b in seed_like.paragraphs)


def test_paragraphs_mark_title_and_heading(seed_like):
    roles = {b.text: b.role for b in seed_like.paragraphs}
    assert roles["宁德时代与挪威企业联手在北欧建设大型储能电站"] is Role.TITLE
    assert roles["欧洲市场成为电池企业新战场"] is Role.HEADING


def test_to_dict_is_json_safe_and_round_trips(seed_like):
    d = seed_like.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert json.loads(seed_like.to_json()) == d
    back = Article.from_dict(d)
    assert back.to_dict() == d
    assert back.text == seed_like.text and back.editor == seed_like.editor
    assert Article.from_json(seed_like.to_json(indent=2)).to_dict() == d


def test_to_json_keeps_chinese_readable(seed_like):
    assert "林舟" in seed_like.to_json()


def test_editor_lifted_from_full_width_credit():
    art = scrubber.scrub(DOC)
    assert art.editor == "汇率"
    credit = [r for r in art.boilerplate if r.rule == "editor_credit"]
    assert [r.text for r in credit] == ["（责任编辑：汇率）"]


def test_traditional_credit_matches_and_display_text_stays():
    doc = "港口吞吐量創新高\n" + PARAS + "責任編輯：王小明\n"
    art = scrubber.scrub(doc)
    assert art.editor == "王小明"
    (credit,) = [r for r in art.boilerplate if r.rule == "editor_credit"]
    assert credit.text == "責任編輯：王小明"  # shown as scraped, not folded


def test_metadata_absent_is_none():
    art = scrubber.scrub("港口吞吐量创新高\n" + PARAS)
    assert art.editor is None and art.source is None and art.author is None
    assert art.published is None and art.original_title is None


def test_explain_lists_every_block(seed_like):
    listing = seed_like.explain()
    marked = [line for line in listing.splitlines() if line[:2] in ("+ ", "- ")]
    assert len(marked) == len(seed_like.blocks)
    for line, v in zip(marked, seed_like.verdicts, strict=False):
        assert line.startswith("+" if v.keep else "-")
        assert f"[{v.rule}]" in line
    assert "# editor: 林舟" in listing


def test_explain_with_reasons(seed_like):
    listing = seed_like.explain(reasons=True)
    for r in seed_like.boilerplate:
        assert r.reason in listing


def test_repr_html_escapes_markup():
    doc = "港口吞吐量创新高\n" + PARAS + "<script>alert('x')</script>\n"
    art = scrubber.scrub(doc, kind="text")
    view = art._repr_html_()
    assert "<script>" not in view
    assert "&lt;script&gt;" in view
    assert "汇率" not in view  # nothing invented
    assert view.count("<li") == len(art.blocks)


def test_repr_is_short(seed_like):
    assert repr(seed_like).startswith("Article(title=")


def test_url_and_lang_hints():
    url = "https://news.example.com/2025/05/port.html"
    art = scrubber.scrub(DOC, url=url, lang="zh")
    assert art.url == url
    assert art.language == "zh"
    assert scrubber.scrub(DOC).language == "zh"  # detected without the hint
    assert scrubber.scrub(DOC, lang="zh-Hans").language == "zh-Hans"  # the hint wins


def test_english_example():
    art = scrubber.scrub(ENGLISH.read_text(encoding="utf-8"))
    assert art.language == "en"
    assert art.author == "Jane Marlow"
    rules = set(art.counts())
    assert {"byline", "share", "related", "copyright"} <= rules
    assert "All rights reserved" not in art.text
    assert art.text.splitlines()[-1].startswith("The project cost")


def test_markdown_view(seed_like):
    md = seed_like.to_markdown()
    assert md.startswith("# 宁德时代")
    assert "## 欧洲市场成为电池企业新战场" in md
    assert "[详细]" not in md


def test_public_names():
    for name in scrubber.__all__:
        assert hasattr(scrubber, name)


def test_english_title_above_byline_is_kept():
    art = scrubber.scrub(ENGLISH.read_text(encoding="utf-8"))
    assert art.title == "Harbour City Opens Its First Floating Solar Farm"
