"""The data model: blocks, verdicts and the article built from them.

A page becomes a tuple of :class:`Block` (one per text line, or one per DOM
block for HTML). Filters and passes give each block a :class:`Verdict`. The
:class:`Article` keeps every block with its verdict, so body plus boilerplate
is always the whole input, in order.
"""

from __future__ import annotations

import html
import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice, repeat
from operator import attrgetter
from typing import Any

from ._accel import COMPILED

__all__ = [
    "META_FIELDS",
    "Article",
    "Block",
    "Change",
    "Removed",
    "Role",
    "Verdict",
]

#: Metadata fields an article can carry; rules lift them with named groups.
META_FIELDS = (
    "title",
    "author",
    "editor",
    "source",
    "published",
    "original_title",
    "site_name",
    "language",
    "url",
    "canonical_url",
)


class Role(str, Enum):
    """What a block is in the document's structure."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    TABLE_ROW = "table_row"
    CAPTION = "caption"
    PRE = "pre"
    LINE = "line"  # a line of plain text whose role is not known yet

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text that gets exactly one verdict.

    ``text`` is the display text exactly as scraped (only surrounding
    whitespace trimmed); ``key`` is the normalised form rules match against
    (NFKC, Traditional->Simplified, case-folded) and is never shown.
    ``features`` is a mapping; the blocks scrubber makes hold a read-only
    one where the compiled module was built (``dict(b.features)`` for a dict).
    """

    index: int
    text: str
    key: str
    role: Role = Role.LINE
    path: str | None = None  # where the block lives: XPath for HTML, "line N" for text
    span: tuple[int, int] | None = None  # character offsets in the decoded input
    features: Mapping[str, float] = field(default_factory=dict)
    tag: str | None = None  # HTML: the block element's tag (p, li, td, h2...)
    #: HTML: one descriptor per element on ``path``, root first: the tag, then the
    #: element's class/id/role tokens, space-separated (``"div article content"``)
    context: tuple[str, ...] = ()

    @property
    def chars(self) -> int:
        return int(self.features.get("chars", len(self.text)))


# Building many blocks at once (``blocks_from_columns``). A frozen dataclass's
# ``__init__`` sets each field with ``object.__setattr__``, a generic attribute
# lookup per field; writing the slots through their descriptors, one field at
# a time over all blocks with ``map``, does the same stores without running
# Python code per block (about 3x quicker on the blocks of a text document).
_FIELDS = Block.__slots__  # the field names, in field order (pinned by the speed tests)
_SET_FIELD = tuple(getattr(Block, name).__set__ for name in _FIELDS)
_GET_FIELD = tuple(attrgetter(name) for name in _FIELDS)
# The compiled twin writes the slots at their offsets in the instance, as their
# descriptors do (``None``: the module is not built, or a slot is not a plain one).
_OFFSETS = COMPILED.slot_offsets(Block, _FIELDS) if COMPILED is not None else None
_FILL = COMPILED.fill_objects if _OFFSETS is not None else None
_COPY = getattr(COMPILED, "copy_objects", None) if _OFFSETS is not None else None
#: compiled loops over verdicts: the kept blocks (or their texts) of
#: :attr:`Article.paragraphs` and :attr:`Article.text`, and the verdicts
#: :func:`first_meta` reads (``None`` when not built)
_KEPT_OF = getattr(COMPILED, "kept_of", None)
_WITH_META = getattr(COMPILED, "with_meta", None)
_ROLE_AT = _FIELDS.index("role")


def blocks_from_columns(count: int, columns: Sequence[Iterable[Any]]) -> list[Block]:
    """``[Block(*row) for row in zip(*columns)]`` for ``count`` rows: one iterable
    per field, in field order, each giving at least ``count`` values."""
    if len(columns) != len(_FIELDS):
        raise ValueError(f"{len(columns)} columns for {len(_FIELDS)} Block fields")
    if _FILL is not None:  # the same stores, from C (no call per field of a block)
        return _FILL(Block, _OFFSETS, count, list(columns))
    return _blocks_from_columns_py(count, columns)


def _blocks_from_columns_py(count: int, columns: Sequence[Iterable[Any]]) -> list[Block]:
    """:func:`blocks_from_columns` in Python (the reference of ``_cwalk.fill_objects``)."""
    blocks = list(map(object.__new__, repeat(Block, count)))
    for j, (set_field, column) in enumerate(zip(_SET_FIELD, columns)):
        values = column if type(column) in (list, tuple) else list(islice(column, count))
        if len(values) < count:  # (a short column leaves no block without a field)
            raise ValueError(f"column {j} gives {len(values)} values for {count} rows")
        deque(map(set_field, blocks, values), maxlen=0)  # runs the stores, keeps nothing
    return blocks


def with_roles(blocks: Sequence[Block], roles: Iterable[Role]) -> list[Block]:
    """``[dataclasses.replace(b, role=r) for b, r in zip(blocks, roles)]``, built
    column by column (see :func:`blocks_from_columns`); by ``_cwalk.copy_objects``
    (the slots copied from C) when it was built and every block is a Block."""
    if _COPY is not None and type(blocks) is list:
        roles = roles if type(roles) is list else list(islice(roles, len(blocks)))
        got = _COPY(Block, _OFFSETS, blocks, _ROLE_AT, roles)
        if got is not None:
            return got
    columns = [map(get, blocks) for get in _GET_FIELD]
    columns[_ROLE_AT] = roles
    return blocks_from_columns(len(blocks), columns)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judgement on one block: keep it as body, or drop it as boilerplate.

    ``rule`` is a stable snake_case id; ``reason`` one line a person reads;
    ``evidence`` what matched (varies per block). ``meta`` holds metadata the
    rule lifted from the block, such as ``(("editor", "汇率"),)``.
    """

    keep: bool
    rule: str
    reason: str
    evidence: str = ""
    meta: tuple[tuple[str, str], ...] = ()
    marks_end: bool = False  # the article ends at this block (read by the article_end pass)

    @classmethod
    def drop(cls, rule: str, reason: str, evidence: str = "", **meta: str) -> Verdict:
        return cls(False, rule, reason, evidence, tuple(meta.items()))

    @classmethod
    def body(cls, rule: str, reason: str, evidence: str = "", **meta: str) -> Verdict:
        return cls(True, rule, reason, evidence, tuple(meta.items()))


@dataclass(frozen=True, slots=True)
class Removed:
    """A block separated from the body, with why."""

    index: int
    text: str
    rule: str
    reason: str
    evidence: str
    role: Role
    path: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "rule": self.rule,
            "reason": self.reason,
            "evidence": self.evidence,
            "role": self.role.value,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """What an explicit normaliser changed in one block's display text."""

    normaliser: str
    index: int
    before: str
    after: str
    count: int


def _block_to_dict(block: Block, verdict: Verdict) -> dict[str, Any]:
    return {
        "index": block.index,
        "text": block.text,
        "role": block.role.value,
        "path": block.path,
        "span": list(block.span) if block.span else None,
        "keep": verdict.keep,
        "rule": verdict.rule,
        "reason": verdict.reason,
        "evidence": verdict.evidence,
        "meta": [list(kv) for kv in verdict.meta],
    }


@dataclass(frozen=True)
class Article:
    """The result of :func:`scrubber.scrub`: body, boilerplate and metadata.

    ``blocks`` and ``verdicts`` are parallel and cover the whole input in
    order; everything else is derived from them plus the metadata fields.
    """

    blocks: tuple[Block, ...]
    verdicts: tuple[Verdict, ...]
    title: str | None = None
    author: str | None = None
    editor: str | None = None
    source: str | None = None
    published: str | None = None
    original_title: str | None = None
    site_name: str | None = None
    language: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    input_kind: str = "text"  # "text" or "html"
    encoding: Mapping[str, Any] | None = None  # how bytes were decoded, when they were
    changes: tuple[Change, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # images etc. from HTML

    # -- derived views -------------------------------------------------------
    @property
    def paragraphs(self) -> list[Block]:
        """Body blocks in order (headings carry ``Role.HEADING`` / ``Role.TITLE``)."""
        if _KEPT_OF is not None:  # the comprehension below, compiled
            return _KEPT_OF(self.blocks, self.verdicts)
        return [b for b, v in zip(self.blocks, self.verdicts) if v.keep]

    @property
    def text(self) -> str:
        """The body, one block per line."""
        if _KEPT_OF is not None:  # the texts of the paragraphs, compiled
            return "\n".join(_KEPT_OF(self.blocks, self.verdicts, True))
        return "\n".join(b.text for b in self.paragraphs)

    @property
    def boilerplate(self) -> list[Removed]:
        """Every removed block, in order, with the rule that caught it and why."""
        return [
            Removed(b.index, b.text, v.rule, v.reason, v.evidence, b.role, b.path)
            for b, v in zip(self.blocks, self.verdicts)
            if not v.keep
        ]

    @property
    def metadata(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in META_FIELDS}

    def counts(self) -> dict[str, int]:
        """Number of removed blocks per rule id."""
        out: dict[str, int] = {}
        for v in self.verdicts:
            if not v.keep:
                out[v.rule] = out.get(v.rule, 0) + 1
        return out

    # -- explanation ---------------------------------------------------------
    def explain(self, *, width: int = 60, reasons: bool = False) -> str:
        """A listing of every block: ``+`` kept, ``-`` removed, with rule ids.

        The output is stable (rule ids, not reason wording, unless
        ``reasons=True``), so golden tests can compare it.
        """
        lines = []
        meta = [f"{k}: {v}" for k, v in self.metadata.items() if v and k not in ("url",)]
        lines.extend(f"# {m}" for m in meta)
        for b, v in zip(self.blocks, self.verdicts):
            mark = "+" if v.keep else "-"
            shown = b.text if len(b.text) <= width else b.text[: width - 1] + "…"
            role = "" if b.role in (Role.LINE, Role.PARAGRAPH) else f" <{b.role.value}>"
            line = f"{mark} [{v.rule}]{role} {shown}"
            if reasons and not v.keep:
                line += f"  ({v.reason})"
            lines.append(line)
        return "\n".join(lines)

    # -- plain data ----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe plain data; :meth:`from_dict` reverses it."""
        return {
            "title": self.title,
            "text": self.text,
            "metadata": self.metadata,
            "input_kind": self.input_kind,
            "encoding": dict(self.encoding) if self.encoding else None,
            "blocks": [_block_to_dict(b, v) for b, v in zip(self.blocks, self.verdicts)],
            "boilerplate": [r.to_dict() for r in self.boilerplate],
            "changes": [
                {"normaliser": c.normaliser, "index": c.index, "before": c.before,
                 "after": c.after, "count": c.count}
                for c in self.changes
            ],
            "extra": _jsonable(self.extra),
        }

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Article:
        from .keys import match_key

        blocks, verdicts = [], []
        for d in data["blocks"]:
            blocks.append(
                Block(
                    index=d["index"],
                    text=d["text"],
                    key=match_key(d["text"]),
                    role=Role(d["role"]),
                    path=d.get("path"),
                    span=tuple(d["span"]) if d.get("span") else None,
                )
            )
            verdicts.append(
                Verdict(d["keep"], d["rule"], d["reason"], d.get("evidence", ""),
                        tuple(tuple(kv) for kv in d.get("meta", ())))
            )
        meta = dict(data.get("metadata") or {})
        meta["title"] = data.get("title", meta.get("title"))
        return cls(
            blocks=tuple(blocks),
            verdicts=tuple(verdicts),
            input_kind=data.get("input_kind", "text"),
            encoding=data.get("encoding"),
            changes=tuple(Change(**c) for c in data.get("changes", ())),
            extra=data.get("extra") or {},
            **{k: meta.get(k) for k in META_FIELDS},
        )

    @classmethod
    def from_json(cls, text: str) -> Article:
        return cls.from_dict(json.loads(text))

    def to_markdown(self) -> str:
        """The body as Markdown: headings as ``#``, list items as ``-``."""
        out: list[str] = []
        if self.title and not any(b.role is Role.TITLE for b in self.paragraphs):
            out.append(f"# {self.title}")
        for b in self.paragraphs:
            if b.role is Role.TITLE:
                out.append(f"# {b.text}")
            elif b.role is Role.HEADING:
                level = int(b.features.get("level", 2))
                out.append(f"{'#' * max(2, min(level, 6))} {b.text}")
            elif b.role is Role.LIST_ITEM:
                out.append(f"- {b.text}")
            elif b.role is Role.QUOTE:
                out.append(f"> {b.text}")
            elif b.role is Role.PRE:
                out.append(f"```\n{b.text}\n```")
            elif b.role is Role.TABLE_ROW:
                out.append(f"| {b.text} |")
            else:
                out.append(b.text)
        return "\n\n".join(out)

    def _repr_html_(self) -> str:
        """Notebook view: metadata on top, then every block in order.

        Body blocks are shown in full; boilerplate is greyed and struck through,
        tagged with its rule id and reason. All page text is HTML-escaped, so a
        scraped ``<script>`` shows as text and never runs.
        """
        esc = html.escape  # quote=True: safe in text and in attribute values
        grey, line = "#8a8a8a", "border-bottom:1px solid rgba(128,128,128,.2)"
        kept = sum(v.keep for v in self.verdicts)
        counts = self.counts()
        head = esc(self.title) if self.title else "<i>(no title)</i>"
        summary = (f"{len(self.blocks)} blocks · {kept} kept · {len(self.blocks) - kept} removed"
                   f" · {esc(self.input_kind)}")
        if self.encoding and self.encoding.get("encoding"):
            summary += f" · {esc(str(self.encoding['encoding']))}"
        parts = [
            "<div class='scrubber-article' style='font-family:system-ui,-apple-system,"
            "\"Segoe UI\",\"Noto Sans CJK SC\",\"PingFang SC\",sans-serif;line-height:1.5;"
            "max-width:60em'>",
            f"<div style='font-size:1.25em;font-weight:600'>{head}</div>",
            f"<div style='color:{grey};font-size:.85em;margin-bottom:.4em'>{summary}</div>",
        ]
        rows = [
            f"<tr><th style='text-align:left;padding:0 1em 0 0;color:{grey};font-weight:500'>"
            f"{esc(k)}</th><td style='text-align:left'>{esc(str(v))}</td></tr>"
            for k, v in self.metadata.items() if v and k != "title"
        ]
        if rows:
            parts.append(f"<table class='scrubber-meta' style='margin:0 0 .5em 0;font-size:.9em'>"
                         f"{''.join(rows)}</table>")
        if counts:
            chips = " ".join(
                f"<code style='background:rgba(200,60,60,.12);color:#b03030;padding:0 .3em;"
                f"border-radius:3px'>{esc(rule)} {n}</code>"
                for rule, n in counts.items()
            )
            parts.append(f"<div style='font-size:.85em;margin-bottom:.5em'>removed: {chips}</div>")
        parts.append("<ol class='scrubber-blocks' start='0' style='padding-left:2.5em;margin:0'>")
        for b, v in zip(self.blocks, self.verdicts, strict=True):
            role = "" if b.role in (Role.LINE, Role.PARAGRAPH) else (
                f" <small style='color:{grey}'>&lt;{esc(b.role.value)}&gt;</small>")
            where = f" title='{esc(b.path)}'" if b.path else ""
            if v.keep:
                weight = ";font-weight:600" if b.role in (Role.TITLE, Role.HEADING) else ""
                parts.append(f"<li class='scrubber-kept' style='{line}{weight}'{where}>"
                             f"{esc(b.text)}{role}</li>")
            else:
                evidence = f" title='{esc(v.evidence)}'" if v.evidence else ""
                parts.append(
                    f"<li class='scrubber-removed' style='{line};color:{grey}'{where}>"
                    f"<s>{esc(b.text)}</s>{role} "
                    f"<code style='background:rgba(200,60,60,.12);color:#b03030;padding:0 .3em;"
                    f"border-radius:3px'{evidence}>{esc(v.rule)}</code> "
                    f"<small><i>{esc(v.reason)}</i></small></li>"
                )
        parts.append("</ol></div>")
        return "".join(parts)

    def __repr__(self) -> str:
        kept = sum(v.keep for v in self.verdicts)
        return (
            f"Article(title={self.title!r}, body_blocks={kept}, "
            f"removed={len(self.verdicts) - kept}, language={self.language!r})"
        )


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def first_meta(verdicts: Iterable[Verdict]) -> dict[str, str]:
    """The first value of each metadata field lifted by any verdict."""
    out: dict[str, str] = {}
    if _WITH_META is not None:  # the verdicts with metadata (most have none), compiled
        verdicts = _WITH_META(verdicts)
    for v in verdicts:
        for k, val in v.meta:
            if val and k not in out:
                out[k] = val
    return out
