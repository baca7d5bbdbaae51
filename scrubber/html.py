"""HTML pages: DOM -> blocks with provenance and features, plus page metadata.

:func:`parse_page` parses markup with lxml (libxml2) and walks the tree once,
with an explicit stack (no recursion, no per-block XPath). Every piece of
visible text lands in exactly one :class:`~scrubber.model.Block`:

* a block-level element (``p``, ``div``, ``li``, ``h1``-``h6``, ``td``...)
  starts a new block; text of a ``div`` before and after a child block, and
  text on either side of a ``<br>``, are blocks of their own;
* a table row whose cells hold no block elements is one ``TABLE_ROW`` block,
  cells joined by `` | ``; a layout row (cells holding paragraphs) is not;
* ``script``, ``style``, ``template``, ``svg``, form controls... produce no
  blocks; text under ``hidden`` / ``aria-hidden`` / ``display:none`` does, and
  its context carries the ``@hidden`` token so a filter can drop it.

Each block records ``path`` (a short XPath such as ``/html/body/div[2]/p[3]``),
``tag``, ``role`` and ``context``: one descriptor per element on the path
(``"div article-body"`` -> ``"div article body"``), with class/id/role/itemprop
values split into whole lowercase tokens (``ad`` is never found in
``padding``). Features are :func:`~scrubber.blocks.measure` plus
``link_density`` (share of the text inside ``<a>``), ``depth`` and, for
headings, ``level``.

Metadata (``Page.meta``) comes from the same walk: ``<title>`` minus the site
suffix, ``og:*``, ``article:published_time`` and similar meta tags, JSON-LD,
``<time datetime>``, ``rel=author``, ``<link rel=canonical>`` and ``<html
lang>``. Images (``og:image`` and in-body ``<img>`` with alt and caption) go
to ``Page.extra["images"]`` as data, never as text.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any
from urllib.parse import urljoin, urlsplit

import regex
from lxml import etree

from ._accel import COMPILED
from .blocks import _measured, bmp_bits, measure
from .filters.dom import boilerplate_marker
from .keys import match_keys
from .model import Block, Role, blocks_from_columns

__all__ = ["Page", "parse_page", "tokens_of"]


@dataclass(frozen=True)
class Page:
    """What :func:`parse_page` found: blocks in document order, metadata, extras."""

    blocks: tuple[Block, ...]
    meta: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


# -- tag classes ----------------------------------------------------------------

#: Elements whose content is never text a reader sees.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "select", "option", "optgroup", "datalist", "textarea", "button", "input",
    "audio", "video", "source", "track", "map", "area", "param", "head_junk", "link", "meta",
    "base", "dialog",
})

#: Elements that start a new block.
BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "header", "footer", "nav",
    "aside", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    "figure", "figcaption", "form", "fieldset", "legend", "address", "center", "hr",
    "details", "summary", "menu", "hgroup", "noframes", "frameset", "frame", "colgroup",
    "col", "output", "search",
})

_ROLE_OF = {
    "h1": Role.HEADING, "h2": Role.HEADING, "h3": Role.HEADING, "h4": Role.HEADING,
    "h5": Role.HEADING, "h6": Role.HEADING, "li": Role.LIST_ITEM, "dt": Role.LIST_ITEM,
    "dd": Role.LIST_ITEM, "blockquote": Role.QUOTE, "pre": Role.PRE, "tr": Role.TABLE_ROW,
    "figcaption": Role.CAPTION, "caption": Role.CAPTION,
}

_LAYOUT_IN_ROW = BLOCK_TAGS - {"td", "th", "tr", "br", "hr"}

_TOKEN_SPLIT = regex.compile(r"[^\p{L}\p{N}]+")
_CAMEL = regex.compile(r"(?<=[a-z])(?=[A-Z])")
# The same two steps for ASCII values (nearly all class/id values): there
# \p{L}\p{N} is [A-Za-z0-9], and the stdlib engine is ~3x quicker on them.
_ASCII_SEP = re.compile(r"[^A-Za-z0-9]+")
_ASCII_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# visibility:hidden is not enough: pages hide their article that way until a script
# reveals it (WeChat articles do); display:none is what menus and pop-ups use.
_HIDDEN_STYLE = regex.compile(r"display\s*:\s*none", regex.I)
_BODY_OPEN = regex.compile(r"<body\b", regex.I)
_TITLE_OPEN = regex.compile(r"<title\b[^>]*>", regex.I)
_HTML_OPEN = regex.compile(r"<html\b[^>]*>", regex.I)
_XML_DECL = regex.compile(r"^\s*<\?xml[^>]*>", regex.I)
# Characters lxml refuses (C0 controls other than tab/newline/CR, U+FFFE/FFFF).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Looking for each one with ``in`` (a C substring search) is ~3x faster than the
# character class on a page, and a page almost never has any.
_CONTROL_CHARS = tuple(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                                        0xFFFE, 0xFFFF))
# A line break between two CJK characters is source formatting, not a space.
_CJK_SIDE = r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303f\uff01-\uff60]"
_CJK_BREAK = regex.compile(rf"(?<={_CJK_SIDE})[ \t\r]*\n\s*(?={_CJK_SIDE})")


@lru_cache(maxsize=1)  # built once, on first use; never changes
def _cjk_break_table() -> bytes:
    """The characters ``_CJK_BREAK`` reads, for the walk's compiled version of it
    (``_cwalk.cjk_join``): bit 1 for its class on either side of the break, bit 2
    for its ``\\s``."""
    return bmp_bits(((1, regex.compile(_CJK_SIDE)), (2, regex.compile(r"\s"))))


_TITLE_SEP = regex.compile(r"\s+[-|–—·:»]\s+|\s*[|｜_]\s*|\s+-\s*|\s*--\s*")
_DATE_LINE = regex.compile(
    r"(?<!\d)(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2}:\d{2}(?::\d{2})?))?"
)

_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate",
    "publishdate", "publish_date", "publication_date", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
    "og:published_time", "published_time", "publishtime", "article_date_original",
)

_MAX_IMAGES = 100

# Plain lxml elements, not lxml.html's: its element classes are chosen by a Python
# lookup on every element the walk visits, which doubles the cost of the walk.
# libxml2 builds the same tree either way; parsers may be shared between threads.
# ``collect_ids=False``: libxml2 does not hash every ``id`` attribute into a table
# for lookups by id, which nothing here makes (about 6 % of its parse; decision 49).
_PARSER = etree.HTMLParser(huge_tree=True, collect_ids=False)  # nesting past 256 levels
# (unclosed tags) keeps its text
# Decoded markup is handed to libxml2 as UTF-8 bytes: it parses those faster
# than a str (which lxml passes in its internal width), to the same tree.
_SURROGATE = re.compile("[\ud800-\udfff]")
_UTF8_PARSER = etree.HTMLParser(huge_tree=True, encoding="utf-8", collect_ids=False)
# What lxml.html's ``text_content()`` is: the XPath string value.
_text_content = etree.XPath("string()")


def tokens_of(value: str) -> list[str]:
    """Whole lowercase tokens of a class/id value: ``"mainArticle-body"`` -> main, article, body."""
    if not value:
        return []
    if value.isascii():
        if value.islower():  # no upper-case letter: no camel hump, nothing to lower
            return _ASCII_SEP.sub(" ", value).split()
        return _ASCII_SEP.sub(" ", _ASCII_CAMEL.sub(" ", value)).lower().split()
    return [t.lower() for t in _TOKEN_SPLIT.split(_CAMEL.sub(" ", value)) if t]


# -- parsing ----------------------------------------------------------------------


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8. A lone surrogate (only a caller's own str can hold
    one) becomes U+FFFD; given as a str, libxml2 dropped the rest of its text."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _root_of(source: Any, encoded: bytes | None = None):
    """An lxml root element for ``source``, or ``None`` for empty/garbage input.

    ``encoded``, when given, is ``source.encode("utf-8")`` (the page's own bytes,
    when they decoded as UTF-8 without a fault): libxml2 then parses those
    instead of a new copy, unless the text has to be rewritten first. With
    ``source`` ``None``, the bytes are the page, known to be valid UTF-8
    without a character lxml refuses (``core._to_text``), left undecoded."""
    if source is None and encoded is not None:
        # valid UTF-8 markup without a character lxml refuses (``core._to_text``):
        # parsed as it is, unless an XML declaration is to be cut out first
        first = encoded.find(b"<")
        if first >= 0 and not encoded.startswith(b"?", first + 1):
            return _parse_utf8(encoded)
        source = encoded.decode("utf-8")
    mod = type(source).__module__ or ""
    if mod.startswith("bs4"):
        source = str(source)
    if isinstance(source, (bytes, bytearray)):
        source = bytes(source).decode("utf-8", "replace")
    if isinstance(source, str):
        text = source
        first = text.find("<")
        if first >= 0 and text.startswith("?", first + 1):  # else _XML_DECL cannot match
            text = _XML_DECL.sub("", text, count=1)
            encoded = encoded if len(text) == len(source) else None  # (nothing removed)
        if _has_control(text):  # rare: only then pay for a rewrite
            text = _CONTROL.sub("", text)
            encoded = None
        if not text or text.isspace():  # (what ``not text.strip()`` says, without a copy)
            return None
        return _parse_utf8(encoded if encoded is not None else _utf8(text))
    if isinstance(source, etree._ElementTree):
        return source.getroot()
    if isinstance(source, etree._Element):
        return source
    return None


def _parse_utf8(data: bytes):
    """libxml2's tree of UTF-8 markup, or ``None`` (no document, or a refusal).
    Markup nested past libxml2's limit is read by Python's parser instead
    (:func:`_parse_deep`)."""
    try:
        root = etree.fromstring(data, _UTF8_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    if root is not None and _ends_deep(root):
        deep = _parse_deep(data)
        if deep is not None:
            return deep
    return root


#: The deepest level a block is read at. Every block carries its path and the
#: descriptors of all its ancestors, so a page whose text sits thousands of
#: levels down (unclosed tags) would cost time and memory by blocks times
#: depth: 400 MB for 8,000 paragraphs under 2,000 open ``<div>`` tags. Below
#: this depth (libxml2's own limit without ``huge_tree``) the elements are
#: read as children of their ancestor at this depth (:func:`_walked`). The
#: deepest element of the 841 development pages is 41 levels down.
_MAX_DEPTH = 256


def _at_depth(root, cap: int):
    """The elements ``cap`` levels below ``root`` that have children, in document
    order, as soon as each is found (an explicit stack: no recursion)."""
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif len(child):
            if len(stack) == cap:
                yield child
            else:
                stack.append(iter(child))


def _walked(root, source: Any, url: str | None) -> _Found:
    """What the walk for ``source`` (:func:`_walk_of`) finds in ``root``, reading
    elements at most :data:`_MAX_DEPTH` levels down. A tree that goes deeper
    is walked again with every deeper element made a child of its ancestor at
    that depth (:func:`_flatten_below`; on a copy, when the tree is the
    caller's). The first walk stops at the first such element."""
    walk = _walk_of(source)
    found = _Found(max_depth=_MAX_DEPTH)
    walk(root, found, url)
    if not found.too_deep:
        return found
    if isinstance(source, (etree._Element, etree._ElementTree)):
        root = copy.deepcopy(root)  # (a caller's tree is theirs: not changed here)
    _flatten_below(root, _MAX_DEPTH)
    found = _Found()
    walk(root, found, url)
    return found


def _flatten_below(root, cap: int) -> None:
    """Make every element under an element ``cap`` levels below ``root`` a child
    of that one, in document order (:func:`_flatten_into`)."""
    for anchor in list(_at_depth(root, cap)):
        _flatten_into(anchor)


def _flatten_into(anchor) -> None:
    """Every element below ``anchor`` made its child, in document order, with
    each text where reading order had it: an element keeps its own text, and
    the text after its end tag (its tail, and those of the ancestors it ends)
    follows its last descendant."""
    desc = list(anchor.iterdescendants())
    tails: list[str | None] = []
    for d in desc:
        if len(d):
            tails.append(None)  # its tail follows its last descendant, which carries it
            continue
        parts = [d.tail or ""]
        a = d
        while a.getnext() is None:
            parent = a.getparent()
            if parent is None or parent is anchor:
                break
            parts.append(parent.tail or "")
            a = parent
        tails.append("".join(parts) or None)
    # Moved leaves first: lxml walks the subtree of an element it moves.
    for d in reversed(desc):
        d.getparent().remove(d)
    for d, tail in zip(desc, tails, strict=True):
        d.tail = tail
        anchor.append(d)


#: The most elements libxml2 keeps open with ``huge_tree`` (its XML_PARSE_HUGE
#: limit): on the next start tag it stops reading, and the rest of the page is
#: lost, text after the deep part too. Unclosed ``<div>`` or ``<font>`` tags,
#: thousands of them, get there.
_LIBXML2_MAX_DEPTH = 2048


def _ends_deep(root) -> bool:
    """Did libxml2 stop at its depth limit? Its tree then ends that deep: the
    chain of last children from ``root`` is as long as the elements it held
    open (a page that ends so deep without the error is read again too, which
    loses nothing). A few steps on any other page (compiled: ``_cwalk.last_chain``,
    on libxml2's nodes)."""
    if _LAST_CHAIN is not None and isinstance(root, etree._Element):
        return _LAST_CHAIN(root, _LIBXML2_MAX_DEPTH - 8) >= _LIBXML2_MAX_DEPTH - 8
    return _ends_deep_py(root)


def _ends_deep_py(root) -> bool:
    """:func:`_ends_deep` by lxml's elements: the reference of ``_cwalk.last_chain``."""
    el, depth = root, 0
    while depth < _LIBXML2_MAX_DEPTH - 8:
        n = len(el)
        if not n:
            return False
        el = el[n - 1]
        depth += 1
    return True


def _parse_deep(data: bytes):
    """The tree of UTF-8 markup that libxml2 stopped reading at its depth limit,
    as Python's ``html.parser`` reads it (through BeautifulSoup; it has no such
    limit), rebuilt as an lxml tree under an ``<html>`` root; ``None`` if that
    fails. Slower than libxml2, and it nests what libxml2 would close (a ``<p>``
    in an open ``<p>``), but every text of the page is in it."""
    try:
        from bs4 import BeautifulSoup
        from bs4.element import NavigableString, PreformattedString, Tag

        soup = BeautifulSoup(data, "html.parser", from_encoding="utf-8")
    except Exception:  # bs4 missing or its parser failing: libxml2's tree stands
        return None
    root = etree.Element("html")
    top = soup.find("html", recursive=False)
    if top is not None:
        _copy_attrs(top, root)
    # (parent's children to copy, lxml parent), depth-first, without recursion
    stack = [(iter(top.contents if top is not None else soup.contents), root)]
    while stack:
        kids, parent = stack[-1]
        node = next(kids, None)
        if node is None:
            stack.pop()
            continue
        if isinstance(node, Tag):
            try:
                child = etree.SubElement(parent, node.name.lower())
            except ValueError:  # a name lxml refuses ("fb:like"): its text still counts
                child = etree.SubElement(parent, "span")
            _copy_attrs(node, child)
            stack.append((iter(node.contents), child))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            text = _CONTROL.sub("", str(node))  # (comments, doctypes, CDATA: skipped)
            if len(parent):
                last = parent[len(parent) - 1]
                last.tail = (last.tail or "") + text
            else:
                parent.text = (parent.text or "") + text
    return root


def _copy_attrs(tag, el) -> None:
    """A BeautifulSoup tag's attributes onto an lxml element, those lxml accepts."""
    for name, value in tag.attrs.items():
        if isinstance(value, list):  # class and other multi-valued attributes
            value = " ".join(value)
        try:
            el.set(name, _CONTROL.sub("", str(value)))
        except (ValueError, TypeError):
            continue


@dataclass(slots=True)
class _Frame:
    """The block being filled: text pieces and where they came from."""

    tag: str
    path: str
    context: tuple[str, ...]
    role: Role
    parts: list[str] = field(default_factory=list)
    link: int = 0
    after_link: bool = False  # the last thing added was the end of a link


@dataclass
class _Found:
    """Metadata and raw blocks gathered during the walk."""

    texts: list[str] = field(default_factory=list)
    links: list[float] = field(default_factory=list)
    frames: list[tuple[str, str, tuple[str, ...], Role]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    doc_title: str = ""
    h1: list[str] = field(default_factory=list)
    jsonld: list[str] = field(default_factory=list)
    time: str = ""
    author_link: str = ""
    canonical: str = ""
    images: list[dict[str, str]] = field(default_factory=list)
    #: image source -> what :func:`join_url` made of it with the page's URL (a
    #: page repeats its sources: spacers, icons, the same photo twice)
    joined: dict[str, str] = field(default_factory=dict)
    figure_of: dict[int, str] = field(default_factory=dict)
    #: how many levels below the root the walk reads elements with children
    #: (0: no limit); past that it sets ``too_deep`` and stops (see _walked)
    max_depth: int = 0
    too_deep: bool = False


def _emit(frame: _Frame, found: _Found) -> None:
    if not frame.parts:
        return
    text = "".join(frame.parts)
    frame.parts = []
    link, frame.link = frame.link, 0
    if "\n" in text and not text.isascii():  # (the pattern needs CJK on both sides)
        text = _CJK_BREAK.sub("", text)
    text = " ".join(text.split())
    if not text:
        return
    found.texts.append(text)
    found.links.append(min(1.0, link / len(text)))
    found.frames.append((frame.tag, frame.path, frame.context, frame.role))


def _add(frame: _Frame, text: str | None, in_link: bool) -> None:
    if text:
        frame.after_link = False
        frame.parts.append(text)
        if in_link:
            frame.link += len(text.strip())


_NAMED_BY = ("class", "id", "role", "itemprop")


def _descriptor(tag: str, el, names: list[str], hidden_here: bool,
                memo: dict[str, list[str]]) -> str:
    """``tag`` plus the tokens of the element's naming attributes (``names`` are its
    attribute names; ``memo`` holds the tokens of values already seen on the page)."""
    toks = [tag]
    for attr in _NAMED_BY:
        if attr in names:
            v = el.get(attr)
            if v:
                got = memo.get(v)
                if got is None:
                    got = memo[v] = tokens_of(v)
                toks.extend(got)
    if hidden_here:
        toks.append("@hidden")
    return " ".join(toks)


def _is_hidden(el, names: list[str] | None = None) -> bool:
    if names is None:
        names = el.keys()
    if "hidden" in names or ("aria-hidden" in names and el.get("aria-hidden") == "true"):
        return True
    if "style" not in names:
        return False
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _is_data_row(tr) -> bool:
    """A row of two or more cells holding only inline content: one block per row."""
    if sum(1 for c in tr if c.tag in ("td", "th")) < 2:
        return False
    # lxml filters by tag in C: no element object is made for the other descendants.
    return next(tr.iter(*_LAYOUT_IN_ROW), None) is None


# Script types whose content is markup a page's script renders in place. Blogger
# keeps every post inside <script type="text/template"> in its articleBody
# element; read there (only as a child of the story element), it is the story.
_TEMPLATE_TYPES = frozenset({"text/template", "text/x-template", "text/html"})


_TEMPLATE_MIN_CHARS = 300  # non-space characters: a story's worth of text


def _names_story(descriptor: str) -> bool:
    """Is the element (its descriptor) named as the story itself? Only the
    template's own parent counts, and never <body>/<html> (pages name their
    body after the page type: ``<body class="story">``)."""
    from .filters.dom import STORY

    tag, _, rest = descriptor.partition(" ")
    return tag not in ("body", "html") and any(t in STORY for t in rest.split(" "))


# What the walk does with an element, by tag (one dict lookup per element).
_INLINE, _SKIP, _BR, _IMG, _BLOCK = range(5)
_KIND: dict[str, int] = {
    **{t: _SKIP for t in SKIP_TAGS | {"title", "head"}},
    **{t: _BLOCK for t in BLOCK_TAGS},
    "br": _BR, "img": _IMG,
    # common inline tags, so they skip the normalising slow path
    **{t: _INLINE for t in ("a", "span", "b", "i", "em", "strong", "font", "small", "u",
                            "sup", "sub", "label", "time", "abbr", "code", "cite", "q", "s",
                            "del", "ins", "mark", "nobr", "tt", "big", "wbr", "var", "kbd")},
}


def _walk(root, found: _Found, url: str | None) -> None:
    """One pass over the tree, filling ``found`` (blocks, metadata, images).

    This is the reference walk; ``_cwalk.walk`` (compiled, see ``setup.py``)
    takes the same steps over libxml2's nodes and is used instead for the
    trees :func:`parse_page` parses itself, when it was built."""
    top = _Frame("body", "", (), Role.PARAGRAPH)
    # Stack entries: [element, child iterator, frame, path, context, in_link,
    #                 hidden, counters, cell_mode, figure_path, own_frame]
    stack: list[list[Any]] = []
    memo: dict[str, list[str]] = {}  # class/id value -> tokens, for this page only
    kind_of = _KIND.get

    def open_el(el, parent):
        """Handle the start of ``el``; return a stack entry if it has children to visit.

        Hot: runs once per element, so helpers are inlined (see ``_add``)."""
        frame = parent[2]
        tag = el.tag
        kind = kind_of(tag)
        if kind is None:  # a tag lxml's HTML parser does not produce as is, or a comment
            if not isinstance(tag, str):  # comment or processing instruction
                _add(frame, el.tail, parent[5])
                return None
            if "}" in tag:
                tag = tag.rpartition("}")[2]
            tag = tag.lower()
            kind = kind_of(tag, _INLINE)
        if kind == _SKIP:
            if tag == "head":
                _scan_head(el, found)
            elif tag == "script":
                typ = (el.get("type") or "").strip().lower()
                if "ld+json" in typ:
                    found.jsonld.append(el.text or "")
                elif typ in _TEMPLATE_TYPES and parent[4] and _names_story(parent[4][-1]):
                    entry = _template(el, parent)
                    if entry is not None:
                        return entry
            elif tag == "title" and not found.doc_title:
                found.doc_title = " ".join(_text_content(el).split())
            elif tag == "meta":
                _meta(el, found)
            elif tag == "link":
                _link(el, found)
            _add(frame, el.tail, parent[5])
            return None
        counters = parent[7]
        n = counters[tag] = counters.get(tag, 0) + 1
        if kind == _BR:
            _emit(frame, found)
            _add(frame, el.tail, parent[5])
            return None
        if kind == _INLINE and not len(el):
            _inline_leaf(el, tag, frame, parent[5])
            return None
        phidden = parent[6]
        names = el.keys()
        if names:
            hidden_here = not phidden and _is_hidden(el, names)
            desc = _descriptor(tag, el, names, hidden_here, memo)
        else:  # no attributes: not hidden here, the descriptor is the tag
            hidden_here = False
            desc = tag
        path = (f"{parent[3]}/{tag}[{n}]" if tag != "html" and tag != "body"
                else f"{parent[3]}/{tag}")
        ctx = (*parent[4], desc)
        fig = parent[9]
        if kind == _IMG:
            _image(el, found, url, path, fig)
            _add(frame, el.tail, parent[5])
            return None
        in_link = parent[5]
        cell_mode = parent[8]
        own = False
        if kind == _INLINE:
            if tag == "a":
                if el.get("rel") == "author" and not found.author_link:
                    found.author_link = " ".join(_text_content(el).split())
                if frame.after_link:
                    frame.parts.append(" ")  # <a>Home</a><a>News</a> are two words
                in_link = True
            elif tag == "time" and not found.time:
                found.time = el.get("datetime") or ""
        elif cell_mode and (tag == "td" or tag == "th"):
            if frame.parts:
                frame.parts.append(" | ")
        else:
            _emit(frame, found)
            if tag == "h1":
                found.h1.append(" ".join(_text_content(el).split()))
            elif tag == "figure":
                fig = path
            role = _ROLE_OF.get(tag) or (frame.role if frame.role in (
                Role.LIST_ITEM, Role.QUOTE, Role.CAPTION) else Role.PARAGRAPH)
            if tag == "tr":
                if _is_data_row(el):
                    cell_mode = True
                else:
                    role = Role.PARAGRAPH
            frame = _Frame(tag, path, ctx, role)
            own = True
            if tag == "figcaption" and fig:
                found.figure_of[len(found.texts)] = fig
        text = el.text
        if text:  # _add, inlined
            frame.after_link = False
            frame.parts.append(text)
            if in_link:
                frame.link += len(text.strip())
        # The child iterator and counters are filled in only if the element has
        # children (see the loop below): most elements are leaves.
        return [el, None, frame, path, ctx, in_link, phidden or hidden_here, None,
                cell_mode, fig, own]

    def _inline_leaf(el, tag, frame, in_link):
        """An inline element without children (most links, <b>, <span>): its text
        and tail join the current block; no path, context or descriptor is made
        (nothing would read them). Same steps as opening and closing it."""
        if tag == "a":
            if el.get("rel") == "author" and not found.author_link:
                found.author_link = " ".join(_text_content(el).split())
            if frame.after_link:
                frame.parts.append(" ")  # <a>Home</a><a>News</a> are two words
        elif tag == "time" and not found.time:
            found.time = el.get("datetime") or ""
        _add(frame, el.text, in_link or tag == "a")
        if el.tag == "a" and frame.parts:
            frame.after_link = True
        _add(frame, el.tail, in_link)

    def _template(el, parent):
        """A stack entry that reads a template script's markup in its place (see
        ``_TEMPLATE_TYPES``), or ``None`` when it holds no markup."""
        markup = el.text or ""
        if "<" not in markup:
            return None
        try:
            doc = etree.fromstring(f"<div>{markup}</div>", _PARSER)
        except (etree.ParserError, ValueError, TypeError):
            return None
        content = doc.find("body/div") if doc is not None else None
        if content is None or len("".join(_text_content(content).split())) < _TEMPLATE_MIN_CHARS:
            return None  # a widget's markup (an overlay, a banner), not a story
        content.tail = el.tail  # the script's own tail follows its content
        k = 1 + sum(1 for _ in el.itersiblings("script", preceding=True))
        path = f"{parent[3]}/script[{k}]"
        ctx = (*parent[4], "script template")
        _emit(parent[2], found)
        frame = _Frame("script", path, ctx, Role.PARAGRAPH)
        _add(frame, content.text, parent[5])
        return [content, iter(content), frame, path, ctx, parent[5], parent[6], {},
                False, parent[9], True]

    def close_el(entry, parent):
        """Handle the end of an element: its own block ends, its tail follows."""
        if entry[10]:  # the element had its own block
            _emit(entry[2], found)
        el = entry[0]
        if el.tag == "a" and parent[2].parts:
            parent[2].after_link = True
        _add(parent[2], el.tail, parent[5])

    sentinel = [None, iter(()), top, "", (), False, False, {}, False, "", False]
    first = open_el(root, sentinel)
    if first is None:
        _emit(top, found)
        return
    first[1], first[7] = iter(root), {}
    stack.append(first)
    push, pop = stack.append, stack.pop
    # an element with children this deep is past found.max_depth (0: no limit)
    too_deep = found.max_depth + 2 if found.max_depth else -1
    while stack:
        entry = stack[-1]
        child = next(entry[1], None)
        if child is not None:
            got = open_el(child, entry)
            if got is not None:
                if got[1] is not None or len(child):  # (a template's content: in place)
                    if got[1] is None:
                        got[1], got[7] = iter(child), {}
                    push(got)
                    if len(stack) == too_deep:
                        found.too_deep = True  # the caller reads the page again
                        return
                else:  # a leaf ends where it starts
                    close_el(got, entry)
            continue
        pop()
        if stack:
            close_el(entry, stack[-1])
        elif entry[10]:
            _emit(entry[2], found)
    _emit(top, found)


def _has_control_chars(text: str) -> bool:
    """Does ``text`` hold a character lxml refuses? (``_cwalk.has_control`` in one pass.)"""
    return any(c in text for c in _CONTROL_CHARS)


_COMPILED = COMPILED  # (the compiled module, or None: see _accel)
_COMPILED_WALK = _COMPILED.walk if _COMPILED is not None else None
_has_control = _COMPILED.has_control if _COMPILED is not None else _has_control_chars


#: the compiled loop of ``_parse_page`` over the blocks' features (``None``: not built)
_LAYOUT_FEATURES = getattr(_COMPILED, "layout_features", None)
_SET_LEVEL = getattr(_COMPILED, "set_level", None)  # (a Features' level: decision 75)
#: the compiled twin of :func:`_frame_columns_py` (``None`` when not built)
_FRAME_COLUMNS = getattr(_COMPILED, "frame_columns", None)
#: the compiled chain of last children of :func:`_ends_deep` (``None`` when not built)
_LAST_CHAIN = getattr(_COMPILED, "last_chain", None)


def _frame_columns_py(frames: list) -> tuple[tuple, list, tuple, list]:
    """The walk's frames, each ``(tag, path, context, role)``, as columns: the
    tags, the paths (``"/"`` for an empty or missing one), the contexts and the
    roles (a list, which the title's heading is written into)."""
    tags, paths, contexts, roles = zip(*frames) if frames else ((), (), (), ())
    return tags, [p or "/" for p in paths], contexts, list(roles)


def _walk_of(source: Any):
    """The walk for ``source``: the compiled one for markup this module parses
    itself, the reference for trees a caller built (they may hold anything)."""
    if _COMPILED_WALK is not None and isinstance(source, (str, bytes, bytearray)):
        return _COMPILED_WALK
    return _walk


def _scan_head(head, found: _Found) -> None:
    for el in head.iter("title", "meta", "link", "script"):
        tag = el.tag
        if tag == "title" and not found.doc_title:
            found.doc_title = " ".join(_text_content(el).split())
        elif tag == "meta":
            _meta(el, found)
        elif tag == "link":
            _link(el, found)
        elif tag == "script" and "ld+json" in (el.get("type") or ""):
            found.jsonld.append(el.text or "")


def _meta(el, found: _Found) -> None:
    key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
    content = el.get("content")
    if key and content and key not in found.meta:
        found.meta[key] = " ".join(content.split())


def _link(el, found: _Found) -> None:
    rel = (el.get("rel") or "").lower()
    if rel == "canonical" and not found.canonical:
        found.canonical = el.get("href") or ""


_URL_PATH_CHARS = r"[!$&'()*+,\-0-9:=@A-Z_a-z~%]"
_URL_QUERY = r"(?:\?[!$&'()*+,\-./0-9:;=?@A-Z_a-z~%]+)?"
#: a root-relative path (``/img/a.jpg``) that urljoin puts under the base's origin
#: unchanged: no ``//``, ``;``, ``#``, empty query, whitespace, controls or
#: non-ASCII, and no segment starting with a dot (``.``/``..`` would be resolved)
_PLAIN_PATH = re.compile(rf"/(?![/.])(?:{_URL_PATH_CHARS}|\.|/(?![/.]))*{_URL_QUERY}\Z")
#: an absolute http(s) URL that urljoin gives back as it is, whatever the base
#: (it parses it and puts the same parts together again)
_PLAIN_ABSOLUTE = re.compile(
    rf"https?://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:/(?:{_URL_PATH_CHARS}|[./])*)?{_URL_QUERY}\Z")
#: a relative path (``img/a.jpg``) that urljoin puts under the base's directory
#: unchanged: as a root-relative one, and no ``:`` (``a:b`` would be a scheme)
_PLAIN_RELATIVE = re.compile(
    rf"(?![./?])(?:{_URL_PATH_CHARS.replace(':', '')}|\.|/(?![/.]))+{_URL_QUERY}\Z")


@lru_cache(maxsize=64)  # a pure function of the page URL; bounded
def _origin(base: str) -> str | None:
    """``scheme://netloc`` of an http(s) base URL, else ``None``."""
    parts = urlsplit(base)  # (raises ValueError as urljoin would)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


@lru_cache(maxsize=64)  # a pure function of the page URL; bounded
def _directory(base: str, up: int = 0) -> str | None:
    """What urljoin puts a plain relative path after, for an http(s) base URL
    (``https://ex.com/a/b.html`` -> ``https://ex.com/a/``), else ``None``; with
    ``up``, after that many leading ``../`` (``https://ex.com/``). Plain
    segments are only appended to what the base's segments and the ``..``
    before them resolve to, so any one gives the others' answer: urljoin's
    own, for ``x``, without its last character."""
    if _origin(base) is None:
        return None
    joined = urljoin(base, "../" * up + "x")
    return joined[:-1] if joined.endswith("/x") else None


def join_url(base: str, src: str) -> str:
    """``urllib.parse.urljoin(base, src)``, without parsing both URLs again for the
    usual image sources (a page has dozens): plain absolute URLs, protocol-relative
    ones (``//cdn.ex.com/a.jpg``), root-relative paths, and relative paths with
    no dot segment but an opening ``./`` or ``../`` (any number of the latter)."""
    if base and src:
        if _PLAIN_ABSOLUTE.match(src):
            _origin(base)  # a base urljoin cannot parse raises here too
            return src
        if src[0] == "/":
            if src[1:2] == "/":
                origin = _origin(base)
                if origin is not None and _PLAIN_ABSOLUTE.match("http:" + src):
                    return origin[:origin.index(":") + 1] + src  # the base's scheme
            elif _PLAIN_PATH.match(src):
                origin = _origin(base)
                if origin is not None:
                    return origin + src
        else:
            rel = src[2:] if src.startswith("./") else src
            at = 0
            while rel.startswith("../", at):  # (counted in place: one copy of the rest)
                at += 3
            up, rel = at // 3, rel[at:]
            if _PLAIN_RELATIVE.match(rel):
                directory = _directory(base, up)
                if directory is not None:
                    return directory + rel
    return urljoin(base, src)


def _image(el, found: _Found, url: str | None, path: str, fig: str) -> None:
    if len(found.images) >= _MAX_IMAGES:
        return
    src = el.get("src") or ""
    if not src or src.startswith("data:"):
        src = el.get("data-src") or el.get("data-original") or el.get("data-lazy-src") or ""
    if not src or src.startswith("data:"):
        return
    if url:
        got = found.joined.get(src)
        if got is None:
            try:
                got = join_url(url, src)
            except ValueError:
                got = src
            found.joined[src] = got
        src = got
    img = {"src": src, "alt": " ".join((el.get("alt") or "").split()), "path": path}
    if fig:
        img["figure"] = fig
    found.images.append(img)


# -- metadata -----------------------------------------------------------------------


def _jsonld_fields(scripts: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}

    def visit(obj: Any) -> None:
        if isinstance(obj, list):
            for o in obj:
                visit(o)
            return
        if not isinstance(obj, dict):
            return
        if "@graph" in obj:
            visit(obj["@graph"])
        for k, name in (("datePublished", "published"), ("headline", "headline"),
                        ("dateModified", "modified")):
            v = obj.get(k)
            if isinstance(v, str) and v.strip() and name not in out:
                out[name] = v.strip()
        a = obj.get("author")
        if a and "author" not in out:
            names = []
            for x in a if isinstance(a, list) else [a]:
                n = x.get("name") if isinstance(x, dict) else x
                if isinstance(n, str) and n.strip():
                    names.append(n.strip())
            if names:
                out["author"] = ", ".join(names)
        pub = obj.get("publisher")
        if isinstance(pub, dict) and isinstance(pub.get("name"), str) and "site" not in out:
            out["site"] = pub["name"].strip()

    for s in scripts:
        try:
            visit(json.loads(s))
        except (ValueError, TypeError, RecursionError):
            continue
    return out


def _squash(text: str) -> str:
    """Text without whitespace, lower-cased: how titles and headings are compared."""
    return "".join(text.split()).lower()


def _same(a: str, b: str) -> bool:
    a, b = _squash(a), _squash(b)
    return bool(a and b) and (a in b or b in a)


def clean_title(title: str, site_name: str | None = None) -> str:
    """``<title>`` minus the site part: ``"标题 - 新浪新闻"`` -> ``"标题"``.

    The title is split at separators (`` - ``, ``|``, ``_``, `` — ``); a part
    equal to the site name is dropped; the longest remaining part wins.
    """
    title = " ".join(title.split())
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p and p.strip()]
    if len(parts) < 2:
        return title
    if site_name:
        rest = [p for p in parts if not _same(p, site_name)]
        parts = rest or parts
    return max(parts, key=lambda p: measure(p)["units"])


def _heading_for_other_part(found: _Found, doc: str, h1: str) -> str | None:
    """A blog's ``<h1>`` is its name: ``<title>Post - Blog</title>``, ``<h1>Blog</h1>``,
    ``<h2>Post</h2>``. When the h1 is the last part of the title and an h2/h3
    is an earlier part, the h2/h3 is the page's title (the site's name comes
    last; a news page's ``<h1>Post</h1>`` is the first part and stays)."""
    parts = [_squash(p) for p in _TITLE_SEP.split(" ".join(doc.split())) if p and p.strip()]
    if len(parts) < 2 or parts[-1] != _squash(h1):
        return None
    others = set(parts[:-1])
    for text, (tag, *_rest) in zip(found.texts, found.frames):
        if tag in ("h2", "h3") and _squash(text) in others:
            return text
    return None


def _pick_title(found: _Found, site: str | None, ld: dict[str, str]) -> str | None:
    og = found.meta.get("og:title") or found.meta.get("twitter:title") or ld.get("headline") or ""
    doc = found.doc_title
    for h in found.h1[:3]:
        if h and ((doc and _same(h, doc)) or (og and _same(h, og))):
            return _heading_for_other_part(found, doc, h) or h
    if og:
        return clean_title(og, site) if doc and og == doc else og
    if doc:
        return clean_title(doc, site)
    return found.h1[0] if found.h1 else None


#: regions whose dates are other things' dates (a reply's, a related story's)
_DATELESS = frozenset({"comment", "related", "aside", "footer", "nav", "ad"})


def _beside_story(context: tuple[str, ...]) -> bool:
    m = boilerplate_marker(context)
    return m is not None and m[1] in _DATELESS


_YEAR = regex.compile(r"\d{4}")
#: the lines :func:`_date_line` looks at: the first ones, and short ones
_DATE_LINES, _DATE_LINE_MAX = 80, 80


def _published(found: _Found, ld: dict[str, str]) -> str | None:
    if ld.get("published"):
        return ld["published"]
    for k in _DATE_META:
        v = found.meta.get(k)
        if v and _YEAR.search(v):
            return v
    if found.time and _YEAR.search(found.time):
        return found.time
    return _date_line(found.texts, found.frames)


def _date_line(texts: list[str], frames: list) -> str | None:
    """The date of the first short line among the first ones whose first date
    (:data:`_DATE_LINE`) has a plausible year and is not beside the story.

    Most pages get here (no date in their metadata), and most of those lines
    hold none: the lines are searched as one text, joined by NUL, which no
    match can hold or cross (it is neither a digit, white space nor a
    separator), so each match lies in one line and a line's first match is
    its search's. A line holding NUL itself (no text of libxml2 can) sends
    them to the search line by line."""
    picked = [i for i, t in enumerate(texts[:_DATE_LINES]) if len(t) <= _DATE_LINE_MAX]
    if not picked:
        return None
    for i, m in _first_dates(texts, picked):
        # (the date first: few lines hold one, and the context test costs more)
        if 1990 <= int(m.group(1)) <= 2100 and not _beside_story(frames[i][2]):
            y, mo, d, t = m.groups()
            out = f"{y}-{int(mo):02d}-{int(d):02d}"
            return f"{out} {t}" if t else out
    return None


def _first_dates(texts: list[str], picked: list[int]) -> Iterator[tuple[int, Any]]:
    """Per line of ``picked`` (indices of ``texts``) holding a date, in order, the
    line and the first :data:`_DATE_LINE` match in it, found as :func:`_date_line`
    says, as they are asked for."""
    lines = [texts[i] for i in picked]
    joined = "\x00".join(lines)
    if joined.count("\x00") != len(lines) - 1:  # a line holds NUL: one by one
        for i in picked:
            if (m := _DATE_LINE.search(texts[i])) is not None:
                yield i, m
        return
    # A match's line: the NULs before it, counted on from the last match's
    # (most lines hold no date, so this counts far fewer than a table of the
    # lines' starts would be built from).
    last = -1
    k = at = 0
    for m in _DATE_LINE.finditer(joined):
        start = m.start()
        k += joined.count("\x00", at, start)
        at = start
        if k != last:  # (a line's later dates are not looked at)
            yield picked[k], m
            last = k


def _author(found: _Found, ld: dict[str, str]) -> str | None:
    for v in (found.meta.get("author"), found.meta.get("article:author"),
              found.meta.get("dc.creator"), found.meta.get("byl"), ld.get("author"),
              found.author_link):
        if v and not v.startswith(("http://", "https://")):
            return v
    return None


def _language(root) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    return lang.strip() or None if lang else None


# -- public -------------------------------------------------------------------------


def _reread(source: str, found: _Found, url: str | None) -> _Found:
    """Second reading of markup that gave no text at all.

    Three libxml2 failure shapes seen on real pages: an unclosed ``<title>``
    swallows the page, some ``<head>`` contents make the parser drop the
    whole ``<body>``, and a truncated ``<html`` start tag (its attributes run
    into the page's first tags, there being no ``<body>``) leaves an empty
    tree. Read again without the title tag, from ``<body`` on, or after the
    broken ``<html ...>``; the head's metadata from the first reading is kept.
    """
    if len(found.doc_title) > 500:
        retry = _root_of(_TITLE_OPEN.sub("", source, count=1))
    elif (m := _BODY_OPEN.search(source)) is not None:
        retry = _root_of(source[m.start():])
    elif (m := _HTML_OPEN.search(source)) is not None:
        retry = _root_of(source[m.end():])
    else:
        return found
    if retry is None:
        return found
    again = _walked(retry, source, url)
    if not again.texts:
        return found
    if len(found.doc_title) <= 500:  # keep what the head told us
        again.meta = {**found.meta, **again.meta}
        again.doc_title = again.doc_title or found.doc_title
        again.jsonld = found.jsonld + again.jsonld
        again.canonical = again.canonical or found.canonical
    return again


def parse_page(source: Any, *, url: str | None = None) -> Page:
    """Blocks, metadata and images of one HTML page.

    ``source`` is decoded markup (``str``), an lxml element or tree, or a
    BeautifulSoup object (converted to markup and parsed with lxml). Empty or
    unparseable input gives an empty :class:`Page`, never an exception.
    """
    return _parse_page(source, url=url)


def _parse_page(source: Any, *, url: str | None = None, encoded: bytes | None = None) -> Page:
    """:func:`parse_page`; ``encoded`` is ``source.encode("utf-8")`` if the caller
    has it, or stands for ``source`` when that is ``None`` (see :func:`_root_of`)."""
    root = _root_of(source, encoded)
    if root is None:
        return Page(blocks=())
    found = _walked(root, source if source is not None else encoded, url)
    language = _language(root)
    # The tree is freed here, while the walk has just read it, not at the end of
    # this function: libxml2 frees it node by node, and after the work below
    # that costs a tenth more (135 -> 123 ms a round of the 841 benchmark pages).
    del root
    if not found.texts and source is None and encoded is not None:
        source = encoded.decode("utf-8")  # (left undecoded until now: see _root_of)
    if not found.texts and isinstance(source, str):
        found = _reread(source, found, url)
    keys = match_keys(found.texts)
    ld = _jsonld_fields(found.jsonld)
    site = found.meta.get("og:site_name") or ld.get("site") or None
    title = _pick_title(found, site, ld)
    # (read-only Features where the compiled loop below writes them, decision 75)
    features = _measured(found.texts, frozen=_LAYOUT_FEATURES is not None)
    frames = found.frames
    columns = _FRAME_COLUMNS(frames) if _FRAME_COLUMNS is not None and type(frames) is list \
        else None
    tags, paths, contexts, roles = columns if columns is not None else _frame_columns_py(frames)
    if (_LAYOUT_FEATURES is not None and type(features) is list and type(found.links) is list
            and type(contexts) is tuple
            and len(features) == len(found.links) == len(contexts) == len(roles)):
        # the loop below, compiled up to the headings
        headings = _LAYOUT_FEATURES(features, found.links, contexts, roles, Role.HEADING)
    else:
        headings = []
        features = [f if type(f) is dict else dict(f) for f in features]  # (written below)
        for i, (feats, link, ctx, role) in enumerate(zip(features, found.links, contexts, roles)):
            feats["link_density"] = link
            feats["depth"] = float(len(ctx))
            if role is Role.HEADING:
                headings.append(i)
    title_done = False
    for i in headings:
        tag = tags[i]
        level = float(tag[1]) if len(tag) == 2 and tag[1].isdigit() else 2.0
        feats = features[i]
        if type(feats) is dict:
            feats["level"] = level
        else:
            _SET_LEVEL(feats, level)
        if not title_done and title and (
                (tag in ("h1", "h2") and _same(found.texts[i], title))
                or (tag == "h3" and _squash(found.texts[i]) == _squash(title))):
            roles[i], title_done = Role.TITLE, True
    n = len(frames)
    blocks = blocks_from_columns(n, (
        range(n), found.texts, keys, roles, paths, repeat(None), features, tags, contexts))
    images = found.images
    for i, fig in found.figure_of.items():
        for img in images:
            if img.get("figure") == fig and "caption" not in img and i < len(found.texts):
                img["caption"] = found.texts[i]
    extra: dict[str, Any] = {}
    og_image = found.meta.get("og:image") or found.meta.get("twitter:image")
    if og_image or images:
        main = og_image or images[0]["src"]
        if url and og_image:
            try:
                main = urljoin(url, og_image)
            except ValueError:
                pass
        extra["main_image"] = main
    if images:
        extra["images"] = images
    desc = found.meta.get("og:description") or found.meta.get("description")
    if desc:
        extra["description"] = desc
    meta: dict[str, str | None] = {
        "title": title,
        "published": _published(found, ld),
        "author": _author(found, ld),
        "site_name": site,
        "language": language,
        "canonical_url": found.canonical or found.meta.get("og:url") or None,
    }
    return Page(blocks=tuple(blocks), meta={k: v for k, v in meta.items() if v}, extra=extra)
