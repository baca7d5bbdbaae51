"""``scrubber.to_records``: flat rows that pandas takes directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scrubber
from scrubber.records import ARTICLE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def articles() -> list[scrubber.Article]:
    return [
        scrubber.scrub((ROOT / "examples" / "seed_like.txt").read_bytes(),
                       url="https://example.cn/a"),
        scrubber.scrub((ROOT / "examples" / "english_news.txt").read_bytes()),
        scrubber.scrub(""),
    ]


def test_one_row_per_article(articles):
    rows = scrubber.to_records(articles)
    assert len(rows) == 3
    assert all(tuple(row) == ARTICLE_COLUMNS for row in rows)  # same keys, same order
    seed, en, empty = rows
    assert seed["url"] == "https://example.cn/a"
    assert seed["editor"] == "林舟" and seed["title"] == articles[0].title
    assert seed["text"] == articles[0].text
    assert seed["removed"] == articles[0].counts()
    assert seed["n_removed"] == len(articles[0].boilerplate)
    assert seed["n_kept"] + seed["n_removed"] == seed["n_blocks"] == len(articles[0].blocks)
    assert en["author"] == "Jane Marlow" and en["language"] == "en"
    assert empty["n_blocks"] == 0 and empty["removed"] == {} and empty["text"] == ""
    json.dumps(rows, ensure_ascii=False)  # plain data


def test_removed_as_json_and_columns(articles):
    rows = scrubber.to_records(articles, removed="json")
    assert json.loads(rows[0]["removed"]) == articles[0].counts()
    rows = scrubber.to_records(articles, removed="columns")
    rules = sorted({r for a in articles for r in a.counts()})
    for row, art in zip(rows, articles, strict=True):
        assert "removed" not in row
        assert [k for k in row if k.startswith("removed_")] == [f"removed_{r}" for r in rules]
        assert {r: row[f"removed_{r}"] for r in rules} == {r: art.counts().get(r, 0)
                                                         for r in rules}
    with pytest.raises(scrubber.ScrubberError):
        scrubber.to_records(articles, removed="yaml")


def test_block_rows(articles):
    rows = scrubber.to_records(articles, blocks=True)
    assert len(rows) == sum(len(a.blocks) for a in articles)
    first = [r for r in rows if r["article"] == 0]
    assert [r["text"] for r in first] == [b.text for b in articles[0].blocks]
    dropped = [r for r in first if not r["keep"]]
    assert [r["rule"] for r in dropped] == [b.rule for b in articles[0].boilerplate]
    assert set(rows[0]) == {"article", "url", "index", "text", "role", "path", "keep", "rule",
                            "reason", "evidence"}


def test_dicts_and_a_single_article(articles):
    from_dicts = scrubber.to_records([a.to_dict() for a in articles])
    assert [r["text"] for r in from_dicts] == [a.text for a in articles]
    assert scrubber.to_records(articles[0]) == scrubber.to_records(articles[:1])
    with pytest.raises(scrubber.ScrubberError, match="scrub"):
        scrubber.to_records("some text")
    with pytest.raises(scrubber.ScrubberError):
        scrubber.to_records([42])


def test_pandas_takes_rows_directly(articles):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(scrubber.to_records(articles))
    assert list(df.columns) == list(ARTICLE_COLUMNS)
    assert df.loc[0, "editor"] == "林舟"
    assert int(df["n_removed"].sum()) == sum(len(a.boilerplate) for a in articles)
    blocks = pd.DataFrame(scrubber.to_records(articles, blocks=True))
    assert blocks.groupby("rule").size().to_dict()["editor_credit"] == \
        articles[0].counts()["editor_credit"]
    wide = pd.DataFrame(scrubber.to_records(articles, removed="columns"))
    assert int(wide["removed_editor_credit"].sum()) == articles[0].counts()["editor_credit"]


def test_core_does_not_import_pandas():
    import subprocess
    import sys

    code = ("import sys, scrubber; scrubber.to_records([scrubber.scrub('a')]); "
            "print(any(m.split('.')[0] in ('pandas', 'pytest', 'scrapy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=True).stdout
    assert out.strip() == "False"
