"""Flat rows for tables: ``to_records(articles)`` loads straight into pandas.

>>> import scrubber
>>> arts = [scrubber.scrub("标题\\n正文第一段，内容很长很长很长很长很长。\\n（责任编辑：汇率）")]
>>> row = scrubber.to_records(arts)[0]
>>> row["editor"], row["n_removed"], row["removed"]
('汇率', 1, {'editor_credit': 1})

``pandas.DataFrame(scrubber.to_records(arts))`` gives one row per article;
``to_records(arts, blocks=True)`` gives one row per block (kept and removed).
Nothing here imports pandas: the rows are plain dicts of str, int, bool and
None (plus the ``removed`` dict, or a JSON string with ``removed="json"``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ScrubberError
from .model import META_FIELDS, Article

__all__ = ["to_records"]

_REMOVED_STYLES = ("dict", "json", "columns")


def _as_article(item: Any) -> Article:
    if isinstance(item, Article):
        return item
    if isinstance(item, Mapping) and "blocks" in item:  # Article.to_dict() output
        return Article.from_dict(item)
    raise ScrubberError(
        f"to_records() takes Articles (or Article.to_dict() dicts), not {type(item).__name__}"
    )


def _article_row(art: Article, removed: str) -> dict[str, Any]:
    counts = art.counts()
    row: dict[str, Any] = {"url": art.url, "title": art.title, "text": art.text}
    row.update({k: v for k, v in art.metadata.items() if k not in row})
    row["input_kind"] = art.input_kind
    row["encoding"] = (art.encoding or {}).get("encoding")
    row["n_blocks"] = len(art.blocks)
    row["n_kept"] = len(art.blocks) - sum(counts.values())
    row["n_removed"] = sum(counts.values())
    if removed == "dict":
        row["removed"] = counts
    elif removed == "json":
        row["removed"] = json.dumps(counts, ensure_ascii=False, sort_keys=True)
    else:  # "columns": filled in by to_records so every row has every rule column
        row.update({f"removed_{rule}": n for rule, n in counts.items()})
    return row


def _block_rows(n: int, art: Article) -> list[dict[str, Any]]:
    return [
        {
            "article": n,
            "url": art.url,
            "index": b.index,
            "text": b.text,
            "role": b.role.value,
            "path": b.path,
            "keep": v.keep,
            "rule": v.rule,
            "reason": v.reason,
            "evidence": v.evidence,
        }
        for b, v in zip(art.blocks, art.verdicts, strict=True)
    ]


def to_records(
    articles: Iterable[Article] | Article,
    *,
    blocks: bool = False,
    removed: str = "dict",
) -> list[dict[str, Any]]:
    """Plain-dict rows, one per article (or one per block with ``blocks=True``).

    Article rows have ``url``, ``title``, ``text``, every metadata field
    (``author``, ``editor``, ``source``, ``published``, ``original_title``,
    ``site_name``, ``language``, ``canonical_url``), ``input_kind``,
    ``encoding``, ``n_blocks``, ``n_kept``, ``n_removed`` and the removed
    blocks per rule id: ``removed="dict"`` (default, ``{"promo": 1}``),
    ``"json"`` (the same as a sorted JSON string, good for CSV) or
    ``"columns"`` (one ``removed_<rule>`` int column per rule seen in any
    article, 0 where absent).

    Block rows have ``article`` (position in ``articles``), ``url``,
    ``index``, ``text``, ``role``, ``path``, ``keep``, ``rule``, ``reason``
    and ``evidence``.

    ``articles`` may also hold ``Article.to_dict()`` dicts (e.g. read back from
    JSON lines). Every row of one call has the same keys, in the same order.
    """
    if removed not in _REMOVED_STYLES:
        raise ScrubberError(f"removed must be one of {_REMOVED_STYLES}, not {removed!r}")
    if isinstance(articles, (Article, str, bytes)) or (
        isinstance(articles, Mapping) and "blocks" in articles
    ):
        if isinstance(articles, (str, bytes)):
            raise ScrubberError("to_records() takes Articles; call scrubber.scrub() first")
        articles = [articles]  # one article is a list of one
    arts = [_as_article(a) for a in articles]
    if blocks:
        return [row for n, art in enumerate(arts) for row in _block_rows(n, art)]
    rows = [_article_row(art, removed) for art in arts]
    if removed == "columns":
        rules = sorted({k for row in rows for k in row if k.startswith("removed_")})
        base = [k for k in _article_row(Article((), ()), "dict") if k != "removed"]
        rows = [{**{k: row.get(k) for k in base}, **{r: row.get(r, 0) for r in rules}}
                for row in rows]
    return rows


# Keep the documented column order discoverable.
ARTICLE_COLUMNS = ("url", "title", "text",
                   *(k for k in META_FIELDS if k not in ("url", "title")),
                   "input_kind", "encoding", "n_blocks", "n_kept", "n_removed", "removed")
