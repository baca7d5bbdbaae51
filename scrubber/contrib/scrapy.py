"""A Scrapy item pipeline that cleans the page of each item with scrubber.

Enable it in the project's ``settings.py``::

    ITEM_PIPELINES = {"scrubber.contrib.scrapy.ScrubberPipeline": 300}

and yield items that carry the page (``page_item`` builds one)::

    from scrubber.contrib.scrapy import page_item

    def parse(self, response):
        yield page_item(response)   # {"url": ..., "body": b"...", "headers": {"Content-Type": ...}}

For each item the pipeline runs ``scrubber.scrub(body, url=url, headers=headers)``
and stores the article's fields on the item (``title``, ``text``, ``author``,
``editor``, ``source``, ``published``, ``language``, ``removed``). Removed
blocks are counted in the crawl stats: ``scrubber/articles``,
``scrubber/removed`` and ``scrubber/removed/<rule id>``.

Settings (all optional):

``SCRUBBER_BODY_FIELD``      item field(s) holding the page, bytes or str; the first
                             present one is used (default ``["body", "html"]``)
``SCRUBBER_URL_FIELD``       item field with the page URL (default ``"url"``)
``SCRUBBER_HEADERS_FIELD``   item field with the HTTP headers: a dict, Scrapy
                             ``Headers``, or just the Content-Type string; the charset
                             in Content-Type is used to decode bytes (default ``"headers"``)
``SCRUBBER_ENCODING_FIELD``  item field with an encoding that overrides detection (default off)
``SCRUBBER_FIELDS``          what to store: a list of names (see ``OUTPUT_FIELDS``), or a
                             dict ``{name: item_field}``
``SCRUBBER_OUTPUT_PREFIX``   prefix for the item fields when ``SCRUBBER_FIELDS`` is a
                             list, e.g. ``"article_"`` (default ``""``)
``SCRUBBER_DROP_INPUT``      remove the body and headers fields once the page is cleaned
                             (default True: raw bytes would break JSON feed exports);
                             False keeps them
``SCRUBBER_DROP_EMPTY``      drop items whose article has no body text (default False)
``SCRUBBER_RULES``           extra TOML rule files (site rules), a list of paths
``SCRUBBER_WITHOUT``         pipeline steps or rule ids to switch off, a list of names
``SCRUBBER_LANG``, ``SCRUBBER_KIND``, ``SCRUBBER_NORMALIZE``  passed to ``scrub``

Items may be dicts or ``scrapy.Item`` subclasses (anything itemadapter
supports); an ``Item`` must declare the output fields (``ArticleItem``
declares the defaults). An item without a body is passed on unchanged and
counted as ``scrubber/skipped``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import scrapy
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from .. import scrub
from ..errors import ScrubberError
from ..model import Article
from ..pipeline import Pipeline, default_pipeline

__all__ = ["DEFAULT_FIELDS", "OUTPUT_FIELDS", "ArticleItem", "ScrubberPipeline", "page_item"]


def _counts(art: Article) -> dict[str, int]:
    return art.counts()


#: What the pipeline can store on an item, by name.
OUTPUT_FIELDS: dict[str, Any] = {
    "title": lambda a: a.title,
    "text": lambda a: a.text,
    "markdown": lambda a: a.to_markdown(),
    "author": lambda a: a.author,
    "editor": lambda a: a.editor,
    "source": lambda a: a.source,
    "published": lambda a: a.published,
    "original_title": lambda a: a.original_title,
    "site_name": lambda a: a.site_name,
    "language": lambda a: a.language,
    "canonical_url": lambda a: a.canonical_url,
    "encoding": lambda a: (a.encoding or {}).get("encoding"),
    "removed": _counts,  # {rule id: number of removed blocks}
    "n_removed": lambda a: sum(a.counts().values()),
    "boilerplate": lambda a: [r.to_dict() for r in a.boilerplate],
    "article": lambda a: a.to_dict(),  # everything, Article.from_dict() reads it back
}

DEFAULT_FIELDS = ("title", "text", "author", "editor", "source", "published", "language",
                  "removed")


class ArticleItem(scrapy.Item):
    """An item with the input fields and every default output field declared."""

    url = scrapy.Field()
    body = scrapy.Field()
    headers = scrapy.Field()
    title = scrapy.Field()
    text = scrapy.Field()
    author = scrapy.Field()
    editor = scrapy.Field()
    source = scrapy.Field()
    published = scrapy.Field()
    language = scrapy.Field()
    removed = scrapy.Field()


def page_item(response: Any, **fields: Any) -> dict[str, Any]:
    """The item the pipeline expects, from a Scrapy response: url, body bytes and
    the Content-Type header (plain data, so feed exports can write it)."""
    ctype = response.headers.get("Content-Type") if hasattr(response, "headers") else None
    if isinstance(ctype, bytes):
        ctype = ctype.decode("latin-1")
    item = {"url": response.url, "body": response.body,
            "headers": {"Content-Type": ctype} if ctype else {}}
    item.update(fields)
    return item


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def _headers(value: Any) -> dict[str, str] | None:
    """A dict, Scrapy ``Headers`` (bytes, lists of values) or a Content-Type string."""
    if not value:
        return None
    if isinstance(value, (str, bytes, bytearray)):
        return {"Content-Type": _text(value)}
    items = value.items() if hasattr(value, "items") else value
    out: dict[str, str] = {}
    for k, v in items:
        if isinstance(v, (list, tuple)):
            if not v:
                continue
            v = v[-1]
        if v is not None:
            out[_text(k)] = _text(v)
    return out or None


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [s.strip() for s in value.split(",") if s.strip()]
    return list(value)


class ScrubberPipeline:
    """Clean each item's page and store the article's fields on the item."""

    def __init__(
        self,
        *,
        body_fields: list[str],
        url_field: str | None,
        headers_field: str | None,
        encoding_field: str | None,
        outputs: Mapping[str, str],
        drop_input: bool = True,
        drop_empty: bool = False,
        pipeline: Pipeline | None = None,
        lang: str | None = None,
        kind: str = "auto",
        normalize: list[str] | None = None,
        stats: Any = None,
    ) -> None:
        unknown = sorted(set(outputs) - set(OUTPUT_FIELDS))
        if unknown:
            raise ScrubberError(
                f"SCRUBBER_FIELDS: unknown field(s) {unknown}; known: {sorted(OUTPUT_FIELDS)}")
        self.body_fields = body_fields
        self.url_field = url_field
        self.headers_field = headers_field
        self.encoding_field = encoding_field
        self.outputs = dict(outputs)
        self.drop_input = drop_input
        self.drop_empty = drop_empty
        self.pipeline = pipeline
        self.lang = lang
        self.kind = kind
        self.normalize = list(normalize or ())
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScrubberPipeline:
        s = crawler.settings
        fields = s.get("SCRUBBER_FIELDS") or DEFAULT_FIELDS
        if isinstance(fields, Mapping):
            outputs = dict(fields)
        else:
            prefix = s.get("SCRUBBER_OUTPUT_PREFIX") or ""
            outputs = {name: prefix + name for name in _as_list(fields)}
        rules = _as_list(s.get("SCRUBBER_RULES"))
        without = _as_list(s.get("SCRUBBER_WITHOUT"))
        pipeline = None
        if rules or without:
            pipeline = default_pipeline()
            if rules:
                pipeline = pipeline.with_rules(*rules)
            if without:
                pipeline = pipeline.without(*without)
        return cls(
            body_fields=_as_list(s.get("SCRUBBER_BODY_FIELD") or ["body", "html"]),
            url_field=s.get("SCRUBBER_URL_FIELD", "url") or None,
            headers_field=s.get("SCRUBBER_HEADERS_FIELD", "headers") or None,
            encoding_field=s.get("SCRUBBER_ENCODING_FIELD") or None,
            outputs=outputs,
            drop_input=s.getbool("SCRUBBER_DROP_INPUT", True),
            drop_empty=s.getbool("SCRUBBER_DROP_EMPTY", False),
            pipeline=pipeline,
            lang=s.get("SCRUBBER_LANG") or None,
            kind=s.get("SCRUBBER_KIND") or "auto",
            normalize=_as_list(s.get("SCRUBBER_NORMALIZE")),
            stats=crawler.stats,
        )

    def _inc(self, key: str, n: int = 1) -> None:
        if self.stats is not None and n:
            self.stats.inc_value(key, n)

    def scrub_item(self, adapter: ItemAdapter) -> Article | None:
        """The article for one item, or None when it carries no page."""
        body = next((adapter.get(f) for f in self.body_fields if adapter.get(f)), None)
        if body is None:
            return None
        url = adapter.get(self.url_field) if self.url_field else None
        headers = _headers(adapter.get(self.headers_field)) if self.headers_field else None
        encoding = adapter.get(self.encoding_field) if self.encoding_field else None
        return scrub(
            body,
            url=_text(url) if url else None,
            headers=headers,
            encoding=encoding or None,
            lang=self.lang,
            kind=self.kind,
            pipeline=self.pipeline,
            normalize=self.normalize,
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        art = self.scrub_item(adapter)
        if art is None:
            self._inc("scrubber/skipped")
            return item
        counts = art.counts()
        self._inc("scrubber/articles")
        self._inc("scrubber/removed", sum(counts.values()))
        for rule, n in counts.items():
            self._inc(f"scrubber/removed/{rule}", n)
        if not art.text:
            self._inc("scrubber/empty")
            if self.drop_empty:
                raise DropItem(f"scrubber: no article text in {art.url or 'the page'}")
        missing = [f for f in self.outputs.values() if not _accepts(adapter, f)]
        if missing:
            raise ScrubberError(
                f"{type(item).__name__} has no field(s) {missing} for the article; declare "
                f"them (scrubber.contrib.scrapy.ArticleItem declares the defaults) or choose "
                f"others with SCRUBBER_FIELDS")
        for name, field in self.outputs.items():
            value = OUTPUT_FIELDS[name](art)
            if value is None and adapter.get(field) is not None:
                continue  # never replace what the spider found with nothing
            adapter[field] = value
        if self.drop_input:
            for f in [*self.body_fields, self.headers_field]:
                if f and f in adapter and f not in self.outputs.values():
                    del adapter[f]
        return item


def _accepts(adapter: ItemAdapter, field: str) -> bool:
    if isinstance(adapter.item, dict):
        return True
    try:
        return field in adapter.field_names()
    except Exception:  # an item type that cannot list its fields: let it decide
        return True
