"""DOM-aware steps for HTML input: hidden text and the article container.

They read what :func:`scrubber.html.parse_page` put on each block (``path``,
``context`` descriptors, ``link_density``) and do nothing for plain text
(``doc.kind != "html"``), so text mode is unaffected.

Rule ids they emit: ``hidden``, ``nav``, ``footer``, ``aside``, ``header``,
``comment``, ``related``, ``share``, ``ad``, ``form``, ``link_list``,
``outside_main``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Any

from .._accel import COMPILED
from ..model import Block, Role, Verdict
from ..pipeline import judges_all
from .context import ArticleEnd, MainRegion

#: the compiled twin of :func:`_ancestry_py` (``None`` when not built)
_COMPILED_ANCESTRY = getattr(COMPILED, "ancestry", None)
#: the compiled twin of the block loop of :meth:`DomMain.scores` (``None`` when not built)
_COMPILED_SCORES = getattr(COMPILED, "add_scores", None)
#: ... and of the starts that loop makes through :meth:`DomMain._register` (built with it)
_COMPILED_STARTS = getattr(COMPILED, "start_elements", None)
#: the compiled twin of the loop of :meth:`DomMain.choose` (``None`` when not built)
_COMPILED_BEST = getattr(COMPILED, "best_container", None)
#: the layout's elements by number (``_cwalk.DomIndex``), and the two passes
#: that keep their totals in C arrays over it: :meth:`DomMain._marked_roots`
#: and :meth:`DomMain.scores` (``None`` when not built)
_COMPILED_INDEX = getattr(COMPILED, "dom_index", None)
_COMPILED_MARKED = getattr(COMPILED, "marked_roots", None)
_COMPILED_INDEX_SCORES = getattr(COMPILED, "index_scores", None)
#: ``DomMain.choose`` (scores, best and _thread) on the element index, when built
_COMPILED_INDEX_CHOOSE = getattr(COMPILED, "index_choose", None)
#: the compiled twin of the block loop of :meth:`DomMain._repeated_members`
_COMPILED_REPEATED = getattr(COMPILED, "repeated_members", None)
#: the compiled twin of the loop of :meth:`DomMain.body_flags`
_COMPILED_BODY_FLAGS = getattr(COMPILED, "body_flags", None)
#: the compiled twin of the loop of :meth:`DomMain._body_outside`
_COMPILED_BODY_OUTSIDE = getattr(COMPILED, "body_outside", None)
#: the compiled twin of the test which blocks are in the container (``DomMain.__call__``)
_COMPILED_WITHIN = getattr(COMPILED, "within", None)
#: the compiled twin of :meth:`DomMain._block_verdicts_py`
_COMPILED_VERDICTS = getattr(COMPILED, "container_verdicts", None)
#: the compiled twin of the loop of :func:`_hidden_all`
_COMPILED_HIDDEN = getattr(COMPILED, "hidden_blocks", None)
#: the compiled twins of the block loops of :meth:`DomMain._agree_units_py`,
#: :meth:`DomMain._good_of`, :meth:`DomMain._plain_lines_py` (with the units
#: the reading keeps of them), :meth:`DomMain._story_units`,
#: :meth:`DomMain._posts` and :meth:`DomMain._in_thread` (``None`` when not built)
_COMPILED_AGREE = getattr(COMPILED, "agree_units", None)
_COMPILED_GOOD = getattr(COMPILED, "good_units", None)
_COMPILED_PLAIN_LINES = getattr(COMPILED, "plain_lines", None)
_COMPILED_KEPT = getattr(COMPILED, "kept_units", None)
_COMPILED_STORY = getattr(COMPILED, "story_units", None)
_COMPILED_POSTS = getattr(COMPILED, "post_counts", None)
_COMPILED_THREAD = getattr(COMPILED, "in_thread", None)
#: the compiled twin of :meth:`DomMain._siblings_py` (``None`` when not built)
_COMPILED_SIBLINGS = getattr(COMPILED, "thread_siblings", None)

__all__ = ["ContainerScores", "DomMain", "boilerplate_marker", "hidden_block"]

#: class/id/role tokens (whole tokens) and tags that mark a boilerplate region,
#: mapped to the rule id a block inside it gets. Order matters: first hit wins.
MARKERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("hidden", frozenset({"@hidden"})),
    ("consent", frozenset({"cookie", "cookies", "consent", "gdpr", "onetrust", "cookiebot",
                           "cookielaw", "cookiebar", "cookiebanner", "cookienotice",
                           "cookieconsent"})),
    ("dialog", frozenset({"modal", "dialog", "alertdialog", "popup"})),
    ("comment", frozenset({"comment", "comments", "commentlist", "discuss", "disqus", "reply",
                           "replies", "respond", "pinglun", "comt"})),
    ("share", frozenset({"share", "sharing", "sharebar", "social", "bdshare", "jiathis",
                         "addthis", "sns", "fenxiang"})),
    ("related", frozenset({"related", "relate", "recommend", "recommended", "recommendation",
                           "tuijian", "xgxw", "xgyd", "hotnews", "trending", "popular",
                           "ranking", "rank", "paihang", "morenews", "readmore", "also"})),
    ("ad", frozenset({"ad", "ads", "advert", "advertisement", "adsbygoogle", "sponsor",
                      "sponsored", "promo", "promotion", "guanggao", "gg", "banner"})),
    ("nav", frozenset({"nav", "navbar", "navigation", "menu", "menubar", "breadcrumb",
                       "breadcrumbs", "crumb", "crumbs", "topbar", "toolbar", "subnav",
                       "sitemap", "pagination", "pager", "skip", "daohang"})),
    ("footer", frozenset({"footer", "foot", "copyright", "contentinfo", "colophon"})),
    ("aside", frozenset({"aside", "sidebar", "side", "widget", "rail", "complementary",
                         "sidebox"})),
    ("form", frozenset({"form", "login", "signin", "signup", "register", "newsletter",
                        "subscribe", "subscription", "search", "searchbox"})),
)

#: tags that mark a region by themselves
TAG_MARKERS = {"nav": "nav", "footer": "footer", "aside": "aside", "form": "form",
               "header": "header"}

#: tokens that suggest the article's own container
POSITIVE = frozenset({"article", "articlebody", "content", "contents", "post", "entry", "text",
                      "body", "main", "story", "detail", "details", "news", "zhengwen",
                      "artibody", "endtext", "blog", "thread", "postbody", "topic",
                      "maincontent", "page", "cont", "txt", "con"})


#: tokens that name the story itself: an element carrying one is never boilerplate
#: (``div.hn-copy.hn-articleBody`` is the article, whatever ``copy`` suggests)
STORY = frozenset({"article", "articlebody", "story", "storybody", "maincontent", "artibody",
                   "zhengwen", "postbody", "entrycontent"})


#: a region named this way is beside the story, however much text it holds:
#: HTML's <aside> and ARIA's complementary role say so outright
SIDEBAR = frozenset({"sidebar", "complementary"})


def _sidebar(descriptor: str) -> bool:
    tag, _, rest = descriptor.partition(" ")
    if tag == "aside":
        return True
    return tag not in ("main", "article") and not SIDEBAR.isdisjoint(rest.split(" "))


#: marker token -> (position in MARKERS of the first entry holding it, that entry's rule):
#: the first entry with any of a descriptor's tokens is the one with the lowest position
_MARKER_RANK: dict[str, tuple[int, str]] = {}
for _rank, (_rule, _words) in enumerate(MARKERS):
    for _word in _words:
        _MARKER_RANK.setdefault(_word, (_rank, _rule))
_MARKER_TOKENS = frozenset(_MARKER_RANK)


@lru_cache(maxsize=4096)  # a pure function of the string; map() over it stays in C on hits
def _beside_story(descriptor: str) -> bool:
    """A sidebar, a cookie dialog or a modal: text beside the story, not a second story."""
    return _sidebar(descriptor) or _markers_of(descriptor) in ("consent", "dialog")


@lru_cache(maxsize=4096)  # a pure function of the string; bounded, so memory stays flat
def _markers_py(descriptor: str) -> str | None:
    """The rule id a descriptor's tag or tokens mark, or ``None``: the reference of
    ``_cwalk.MarkerReader``, which is :func:`_markers_of` when it was built."""
    tag, _, rest = descriptor.partition(" ")
    if tag in TAG_MARKERS:
        return TAG_MARKERS[tag]
    if not rest:
        return None
    toks = rest.split(" ")
    if _MARKER_TOKENS.isdisjoint(toks):  # one C-level test rules out most descriptors
        return None
    if "@hidden" not in toks and (tag in ("body", "html") or not STORY.isdisjoint(toks)):
        return None  # the page itself, or the story: never a boilerplate region
    return min(_MARKER_RANK[t] for t in toks if t in _MARKER_RANK)[1]


# Descriptors hardly repeat from one page to the next (ids, numbered classes),
# so the cache above misses on most of them across a corpus; the compiled
# reader needs none (it makes a string only of a token that could be a word).
_markers_of = (COMPILED.MarkerReader(TAG_MARKERS, _MARKER_RANK, STORY, _markers_py)
               if hasattr(COMPILED, "MarkerReader") else _markers_py)


def _ancestry(blocks: Iterable[Block], children: dict[str, list[str]] | None = None,
              index: Any = None,
              ) -> tuple[list[tuple[str, ...]], dict[str, tuple[str, str | None]]]:
    """:func:`_ancestry_py`, by its compiled twin ``_cwalk.ancestry`` when that was built;
    which numbers the elements in ``index`` (an empty ``_cwalk.DomIndex``) when given
    one (else, or by the reference, the index stays unfilled)."""
    if children is None:
        children = {}
    blocks = blocks if isinstance(blocks, list) else list(blocks)
    if _COMPILED_ANCESTRY is not None:
        got = _COMPILED_ANCESTRY(blocks, children, index)
        if got is not None:  # (None: a path that is not a str, left to the reference)
            return got
    return _ancestry_py(blocks, children)


def _ancestry_py(blocks: Iterable[Block], children: dict[str, list[str]] | None = None,
                 ) -> tuple[list[tuple[str, ...]], dict[str, tuple[str, str | None]]]:
    """Per block, the paths of its element and of every ancestor, root first; and the elements.

    ``/html/body/p[2]`` gives ``("/html", "/html/body", "/html/body/p[2]")``;
    a block without an XPath (not starting with ``/``) gives ``()``. The passes
    below sum text over all ancestors of each block, several times; building
    these strings once per path (blocks of one element share the tuple) is
    what keeps that cheap.

    The elements come in the order the blocks first reach them (parents
    first), each with its parent path and the descriptor its first block
    gives it (``None`` when that block's context is too short). Given
    ``children``, each new element is also added to its parent's list there
    (what :func:`_children` gives for the elements, without splitting paths).
    """
    if children is None:
        children = {}
    memo: dict[str, tuple[str, ...]] = {}
    elements: dict[str, tuple[str, str | None]] = {}
    out: list[tuple[str, ...]] = []
    for b in blocks:
        path = b.path or ""
        line = memo.get(path)
        if line is None:
            if not path.startswith("/"):
                line = ()
            else:
                parent = path.rpartition("/")[0]
                up = memo.get(parent)
                if up is None:  # more than one new element: walk up to a known one
                    line = _line_of(path, b.context, memo, elements, children)
                else:  # the usual case: a new element under a known parent
                    ctx = b.context
                    k = len(up)
                    elements[path] = (parent, ctx[k] if k < len(ctx) else None)
                    line = memo[path] = (*up, path)
                    sibs = children.get(parent)
                    if sibs is None:
                        children[parent] = [path]
                    else:
                        sibs.append(path)
        out.append(line)
    return out, elements


def _line_of(path: str, ctx: tuple[str, ...], memo: dict[str, tuple[str, ...]],
             elements: dict[str, tuple[str, str | None]],
             children: dict[str, list[str]]) -> tuple[str, ...]:
    """Ancestor paths of ``path`` (see :func:`_ancestry`), reusing and filling ``memo``.

    A path's ancestors are its prefixes up to each ``/`` after the first
    character, the same strings ``"/" + "/".join(steps[:k + 1])`` gives.
    Elements not in ``memo`` yet are new: they go into ``elements``.
    """
    missing = []
    p, known = path, ()
    while p:
        got = memo.get(p)
        if got is not None:
            known = got
            break
        missing.append(p)
        p = p.rpartition("/")[0]
    parent = p  # the nearest known ancestor, or "" above the root
    for p in reversed(missing):
        k = len(known)
        elements[p] = (parent, ctx[k] if k < len(ctx) else None)
        known = (*known, p)
        memo[p] = known
        children.setdefault(parent, []).append(p)
        parent = p
    return known


#: tokens that name a discussion thread: posts inside such an element are the
#: content, even when each post is marked ``comment`` or ``reply``
THREAD = frozenset({"topic", "forum", "forums", "conversation",
                    "postlist", "question", "questions", "bbpress"})


@lru_cache(maxsize=4096)
def _names_thread(descriptor: str) -> bool:
    """Does a descriptor name a thread (and not a comment section: ``disqus thread``)?"""
    toks = descriptor.split(" ")[1:]
    return any(t in THREAD for t in toks) and _markers_of(descriptor) is None


@lru_cache(maxsize=4096)  # a pure function of the string; bounded, so memory stays flat
def _score_kind(descriptor: str) -> int:
    """What :meth:`DomMain.container_score` reads off a descriptor: 2 for a hidden
    element (never the container), 1 for ``<article>``, ``<main>`` or an
    article-ish token (boosted), else 0."""
    if _markers_of(descriptor) == "hidden":
        return 2
    tag, _, rest = descriptor.partition(" ")
    if tag in ("article", "main") or any(t in POSITIVE for t in rest.split(" ") if t):
        return 1
    return 0


def _children(paths: Iterable[str]) -> dict[str, list[str]]:
    """Parent path -> its children among ``paths``, in the order given."""
    kids: dict[str, list[str]] = {}
    for p in paths:
        kids.setdefault(p.rpartition("/")[0], []).append(p)
    return kids


@lru_cache(maxsize=4096)  # a pure function of the string; bounded, so memory stays flat
def _shape_py(descriptor: str) -> str:
    """A descriptor without numbered tokens (``post12345``), for spotting repeated
    siblings: the reference of ``_cwalk.shape``, which is :func:`_shape` when built."""
    if descriptor.isascii():  # (for ASCII, str.isdigit is exactly [0-9])
        if _ASCII_DIGIT.search(descriptor) is None:
            return descriptor
        return " ".join(t for t in descriptor.split(" ") if _ASCII_DIGIT.search(t) is None)
    return " ".join(t for t in descriptor.split(" ") if not any(c.isdigit() for c in t))


# Numbered descriptors (ids of posts and teasers) hardly repeat from page to
# page, so a cache misses on most of them; the compiled scan needs none.
_shape = getattr(COMPILED, "shape", None) or _shape_py


_ASCII_DIGIT = re.compile("[0-9]")


# Verdicts are frozen and compared by value: blocks of one region share one.
@lru_cache(maxsize=1024)
def _region_drop(rule: str, evidence: str) -> Verdict:
    return Verdict.drop(rule, f"in a {rule} region outside the article", evidence=evidence)


@lru_cache(maxsize=1024)
def _inner_region_drop(rule: str, evidence: str) -> Verdict:
    return Verdict.drop(rule, f"inside a {rule} region of the article container",
                        evidence=evidence)


@lru_cache(maxsize=1024)
def _link_list(density: float, reason: str) -> Verdict:
    return Verdict.drop("link_list", reason, evidence=f"link density {density:.2f}")


_POST = Verdict.body("post", "a post of the thread the container holds")
_TABLE_ROW = Verdict.body("table_row", "a row of a table in the article")
_TITLE_IN = Verdict.body("title", "the headline at the top of the article container "
                         "(a link to the article itself)")
_LEAD = Verdict.body("lead", "a paragraph right above the article container")
_TITLE_ABOVE = Verdict.body("title", "the headline right above the article container")


@lru_cache(maxsize=1024)
def _hidden_drop(evidence: str) -> Verdict:
    return Verdict.drop("hidden", "text the page hides from readers", evidence=evidence)


@lru_cache(maxsize=64)
def _outside_main(main: str) -> Verdict:
    return Verdict.drop("outside_main", "outside the article container",
                        evidence=f"container {main}")


def _similar(a: str, b: str) -> bool:
    """Same tag and at least half (and two) of the tokens shared (``reply item post`` ~
    ``reply item post first``)."""
    ta, tb = a.split(" "), b.split(" ")
    if ta[0] != tb[0]:
        return False
    sa, sb = set(ta[1:]), set(tb[1:])
    shared = len(sa & sb)  # one shared token (``css``, ``item``) says little
    return shared >= 2 and shared >= 0.5 * len(sa | sb)


class _Marks(dict):
    """Descriptor -> ``_markers_of(descriptor)``, read on first use: one per
    document, whose blocks share their ancestors' descriptors (indexing it
    stays in C on hits)."""

    def __missing__(self, descriptor: str) -> str | None:
        mark = self[descriptor] = _markers_of(descriptor)
        return mark


def boilerplate_marker(context: Iterable[str],
                       marks: _Marks | None = None) -> tuple[int, str] | None:
    """The innermost ancestor (position, rule id) whose tag or tokens mark boilerplate;
    ``marks``, when given, keeps the markers of the descriptors read (per document)."""
    # map() over the compiled _markers_of (or the document's marks) stays in C
    found = list(map(_markers_of if marks is None else marks.__getitem__, context))
    if not any(found):  # most contexts mark nothing: one C-level scan says so
        return None
    for i in range(len(found) - 1, -1, -1):
        if found[i]:
            return i, found[i]
    return None


def _hidden(block: Block) -> Verdict | None:
    if "@hidden" not in "".join(block.context):  # one C scan rules out most blocks
        return None
    for d in block.context:
        if d.endswith("@hidden"):
            return _hidden_drop(d[:40])
    return None


def hidden_block(block: Block, doc) -> Verdict | None:
    """Drop text the page hides (``hidden``, ``aria-hidden``, ``display:none``).

    Drop: ``<div style="display:none">登录后查看更多</div>``.
    Keep: the same text in a visible ``<div>``.
    """
    if "@hidden" not in "".join(block.context):  # (as in _hidden: most blocks end here)
        return None
    return _hidden(block) if doc.kind == "html" else None


@judges_all(hidden_block)
def _hidden_all(doc, todo: Sequence[int]) -> dict[int, Verdict]:
    """``hidden_block`` over a document: nothing in plain text (its blocks have
    no elements); in HTML, each distinct context is looked at once."""
    if doc.kind != "html":
        return {}
    blocks = doc.blocks
    if _COMPILED_HIDDEN is not None and type(todo) is list:  # the loop below, compiled
        return _COMPILED_HIDDEN(blocks, todo, _hidden, _hidden_drop)
    seen: dict[tuple[str, ...], Verdict | None] = {}
    out = {}
    for i in todo:
        ctx = blocks[i].context
        v = seen.get(ctx, False)
        if v is False:
            v = seen[ctx] = hidden_block(blocks[i], doc)
        if v is not None:
            out[i] = v
    return out


@dataclass
class ContainerScores:
    """Per-element totals of body-like and boilerplate text, keyed by path."""

    good: dict[str, float]
    bad: dict[str, float]
    descriptor: dict[str, str]
    banned: set[str]  # inside a nav/footer/sidebar/...: never the container
    #: parent path -> its children among ``good``, in that order (what
    #: ``_children(good)`` gives), when the scores kept it; else ``None``
    children: dict[str, list[str]] | None = field(default=None, compare=False, repr=False)
    #: every element of the layout scored, started in its order: the children
    #: are the layout's (``_Layout.children``), made when first asked for
    layout_order: bool = field(default=False, compare=False, repr=False)


@dataclass
class _Layout:
    """Per-block data the pass reads several times, computed once per document.

    ``elements`` and ``children`` (see :func:`_ancestry`) are made from the
    element index when first asked for, if the layout was made with the index
    alone (``_elements`` and ``_children`` ``None``): most pages never ask for
    the first, and ask the second of a few parents only."""

    blocks: list[Block]
    lines: list[tuple[str, ...]]  # ancestor paths, see _ancestry
    _elements: dict[str, tuple[str, str | None]] | None  # see ``elements``
    body: list[bool]  # DomMain.body_like
    _children: dict[str, list[str]] | None  # see ``children``
    #: the compiled ``_cwalk.DomIndex`` of ``lines`` and ``elements``: filled by the
    #: compiled ancestry in :meth:`DomMain._layout`, else built on first use (see
    #: :func:`_index_of`); ``False`` when they cannot have one
    index: Any = field(default=None, compare=False, repr=False)
    #: descriptor -> ``_markers_of(descriptor)``, filled as the passes read them
    #: (shared by ``replace(layout, body=...)``: markers read no body flags)
    marks: _Marks = field(default_factory=_Marks, compare=False, repr=False)

    @property
    def elements(self) -> dict[str, tuple[str, str | None]]:
        """Path -> (parent path, descriptor), parents first (see :func:`_ancestry`)."""
        if self._elements is None:
            if self.index:  # (a filled DomIndex)
                self._elements = self.index.elements()
            else:  # (a copy made without its index: from the blocks, as _ancestry does)
                self._elements = _ancestry_py(self.blocks)[1]
        return self._elements

    @property
    def children(self) -> dict[str, list[str]]:
        """Parent path -> the elements under it, in order (see :func:`_ancestry`)."""
        if self._children is None:
            if self.index:
                self._children = self.index.children()
            else:
                children: dict[str, list[str]] = {}
                _ancestry_py(self.blocks, children)
                self._children = children
        return self._children


def _plain_choice(cls: type) -> bool:
    """Does ``cls`` choose its container as :class:`DomMain` does (none of the
    methods ``_cwalk.index_choose`` stands for overridden)?"""
    return all(getattr(cls, name) is getattr(DomMain, name) for name in _CHOICE_METHODS)


_CHOICE_METHODS = ("scores", "container_score", "_best", "_thread", "_kids", "_siblings_py",
                   "_plain_units")


def _index_of(layout: _Layout) -> Any:
    """The layout's element index (``_cwalk.dom_index``), built once and kept in the
    layout (``replace(layout, body=...)`` shares it: it reads no body flags);
    ``None`` without the compiled module or for lines of another shape."""
    ix = layout.index
    if ix is None:
        ix = False
        if (_COMPILED_INDEX is not None and type(layout.lines) is list
                and type(layout.blocks) is list and type(layout.elements) is dict
                and len(layout.lines) == len(layout.blocks)):
            ix = _COMPILED_INDEX(layout.lines, layout.elements)
            ix = False if ix is None else ix
        layout.index = ix
    return ix or None


@dataclass(frozen=True)
class DomMain:
    """Find the article's container in the DOM; drop what lies outside it.

    Every element gets ``good`` (units of body-like, non-link text in it) and
    ``bad`` (link text plus a small cost per short non-body block); the
    container is the element with the largest ``good - bad_weight * bad``,
    scaled up for article-ish tokens (``article``, ``content``, ``post``) and
    ruled out for boilerplate ones (``nav``, ``comment``, ``sidebar``). Blocks
    outside it are dropped with the rule id of the region they are in
    (``nav``, ``footer``, ``related``...), ``link_list`` when mostly links,
    else ``outside_main``. Inside, boilerplate regions (a share bar, a
    related list) and link lists are dropped too; the rest is body unless a
    rule filter spoke, so ``article_end`` can still cut after ``责任编辑``.

    Drop: the menu, the hot-news sidebar and the footer around an
    ``<article>``. Keep: every post of a forum thread (repeated siblings).
    """

    name = "dom_main"
    #: below this many units of plain text a block is not body-like on its own
    min_units: float = 10.0
    #: a block with this share of link text (and not body-like) is a link list
    link_list_density: float = 0.5
    #: weight of boilerplate text against body text when scoring a container
    bad_weight: float = 1.0
    #: cost in units of a short non-body block (label, date, menu entry)
    short_cost: float = 1.0
    #: body-like text inside a marked region (footer, sidebar) counts as this much boilerplate
    marked_weight: float = 0.5
    #: bonus factor for a container with article-ish tokens or <article>/<main>
    positive_boost: float = 1.25
    #: a container needs this much body-like text, else the pass does nothing
    min_good: float = 20.0
    #: a marked region holding more than this share of the body text is a page wrapper
    marked_share: float = 0.5
    #: siblings with the same descriptor, from this count on, are repeated posts
    repeated: int = 2
    #: this much body text outside comment regions makes the page an article,
    #: whose reader comments are dropped; below it the comments are the thread
    story_units: float = 250.0
    #: with this much story text outside comment regions, repeated comments
    #: are reader comments under a story, not the posts of a thread
    post_story_units: float = 60.0
    #: a link this long in a repeated element is a headline: the element is a
    #: teaser in a feed, not a post (whose links are user names and "reply")
    headline_link_units: float = 15.0
    #: a thread shows at least this many posts side by side (two same-shaped
    #: wrappers are as often a page layout: story column, comments column)
    thread_posts: int = 3
    #: how far above the container to look for repeated posts of a thread
    thread_levels: int = 10
    #: keep the title (h1) and headings just above the container
    keep_title: bool = True
    #: keep the story's lead: body-like paragraphs right above the container whose
    #: parent is at most this many levels above it (an intro before a table)
    lead_levels: int = 2
    #: ... looking back over at most this many blocks
    lead_window: int = 8
    #: the container must hold this share of the body text that the plain-text
    #: reading (main_region + article_end) finds; else the DOM is misleading
    #: (a feed of other stories, one post of a thread) and the text reading wins
    agree_share: float = 0.5
    text_reading: MainRegion = MainRegion()  # noqa: RUF009 - frozen, so sharing it is safe
    #: below this much body text the text reading has no say (code how-tos,
    #: threads of one-line replies: no sentences, yet a clear container)
    veto_units: float = 60.0
    #: the text reading keeping under this share of the container's plain text
    #: means the story has no sentences the reading knows: trust the container
    sparse_share: float = 0.25
    #: ... when the container holds at least this much plain text
    sparse_min_units: float = 150.0
    #: on a page without a single sentence, a line counts as story text when
    #: under this share of it is linked (see ``plain_like``)
    plain_link_density: float = 0.2
    #: inside the container, a long punctuated line under this share of links
    #: is prose with links in it, not a link list (see ``linked_prose``)
    linked_prose_density: float = 0.9
    #: extra factor for the page's only <article> element (teasers come in many)
    only_article_boost: float = 1.25

    def body_like(self, block: Block) -> bool:
        f = block.features
        units = f.get("units", 0.0) * (1.0 - f.get("link_density", 0.0))
        if f.get("link_density", 0.0) >= self.link_list_density:
            return False
        if units >= self.min_units and f.get("punct", 0) >= 1:
            return True
        return units >= self.min_units / 2 and f.get("full_stop", 0) > 0

    def linked_prose(self, block: Block) -> bool:
        """A sentence whose words are mostly links (Wikipedia, release notes
        crediting people by linked name), not a list of links: long, with
        punctuation, and some of its text not linked."""
        f = block.features
        return (f.get("link_density", 0.0) < self.linked_prose_density
                and f.get("units", 0.0) >= 2 * self.min_units and f.get("punct", 0) >= 2)

    @staticmethod
    def _good_of(layout: _Layout, path: str) -> float:
        """Units of body-like (per ``layout.body``) text inside ``path``, added in
        block order (by the compiled twin ``_cwalk.good_units`` when built)."""
        if (_COMPILED_GOOD is not None and type(layout.blocks) is list
                and type(layout.body) is list):
            return _COMPILED_GOOD(layout.blocks, layout.body, path)
        under = path + "/"
        total = 0.0
        for b, body in zip(layout.blocks, layout.body):
            if body and (b.path == path or (b.path or "").startswith(under)):
                total += b.features.get("units", 0.0)
        return total

    def plain_like(self, block: Block) -> bool:
        """A line of plain text: long enough, and hardly any of it linked."""
        f = block.features
        return (f.get("units", 0.0) >= self.min_units / 2
                and f.get("link_density", 0.0) < self.plain_link_density)

    def _layout(self, blocks: Iterable[Block]) -> _Layout:
        blocks = list(blocks)
        children: dict[str, list[str]] = {}
        index = COMPILED.DomIndex() if _COMPILED_INDEX is not None else None
        if index is not None and _COMPILED_ANCESTRY is not None:
            # the lines and the index alone: elements and children when asked for
            got = _COMPILED_ANCESTRY(blocks, None, index, True)
            if got is not None and index.ready:
                return _Layout(blocks, got[0], None, self.body_flags(blocks), None, index)
        lines, elements = _ancestry(blocks, children, index)
        return _Layout(blocks, lines, elements, self.body_flags(blocks), children,
                       index if index is not None and index.ready else None)

    def body_flags(self, blocks: Iterable[Block]) -> list[bool]:
        """``[self.body_like(b) for b in blocks]``: the same flags, with ``body_like``
        inlined (it runs for every block of every page). A subclass overriding
        ``body_like`` gets its own."""
        if type(self).body_like is not DomMain.body_like:
            return [self.body_like(b) for b in blocks]
        dense, min_units, half = self.link_list_density, self.min_units, self.min_units / 2
        if _COMPILED_BODY_FLAGS is not None and type(blocks) is list:  # the loop below
            return _COMPILED_BODY_FLAGS(blocks, dense, min_units)
        out = []
        append = out.append
        for b in blocks:
            get = b.features.get
            ld = get("link_density", 0.0)
            units = get("units", 0.0) * (1.0 - ld)
            append(not ld >= dense and ((units >= min_units and get("punct", 0) >= 1)
                                        or (units >= half and get("full_stop", 0) > 0)))
        return out

    def scores(self, blocks: Iterable[Block],
               verdicts: Iterable[Verdict | None] | None = None,
               roots: dict[str, str] | None = None,
               layout: _Layout | None = None) -> ContainerScores:
        if layout is None:
            layout = self._layout(blocks)
        blocks = layout.blocks
        verdicts = list(verdicts) if verdicts is not None else [None] * len(blocks)
        if roots is None:
            roots = self._marked_roots(blocks, layout)
        good: dict[str, float] = {}
        bad: dict[str, float] = {}
        desc: dict[str, str] = {}
        banned: set[str] = set()
        rule_of: dict[str, str | None] = {"": None}  # element -> its innermost marked root's rule
        # Blocks in hidden regions are passed over below, so their elements start
        # late or never; without them (most pages) every element starts in the
        # order the blocks first reach it, which is the order of layout.elements.
        early = "hidden" not in roots.values() and len(verdicts) == len(blocks)
        if (_COMPILED_INDEX_SCORES is not None and len(verdicts) == len(blocks)
                and type(layout.body) is list and len(layout.body) == len(blocks)
                and type(roots) is dict and (ix := _index_of(layout)) is not None):
            # the loops below (with the compiled starts and adds), on C arrays
            good, bad, desc, banned, children = _COMPILED_INDEX_SCORES(
                ix, blocks, verdicts, layout.body, roots, self.short_cost, self.marked_weight,
                early)
            if early:  # the layout's children, made when first asked for
                return ContainerScores(good, bad, desc, banned, layout._children,
                                       layout_order=True)
            return ContainerScores(good, bad, desc, banned, children)
        for p, (parent, d) in layout.elements.items():  # parents come first
            m = roots.get(p)
            rule_of[p] = m if p in roots else rule_of[parent]
            if early:  # start p here, as _register would (its parent has started)
                desc[p] = d if d is not None else p.rpartition("/")[2]
                if parent in banned or (m and m not in ("header", "comment")):
                    banned.add(p)
        if early:
            good = dict.fromkeys(desc, 0.0)
            bad = dict.fromkeys(desc, 0.0)
        short_cost, marked_weight = self.short_cost, self.marked_weight
        if (_COMPILED_SCORES is not None and _COMPILED_STARTS is not None
                and len(verdicts) == len(blocks)):
            if early:  # every element started, in the layout's order
                children = layout.children
            else:
                # Start the elements first, in the order the loop below starts
                # them (a block adds only to elements it or an earlier block
                # started, so starting them all before adding is the same).
                children = {}
                _COMPILED_STARTS(blocks, layout.lines, rule_of, roots, good, bad, desc, banned,
                                 children)
            # the loop below, compiled
            _COMPILED_SCORES(blocks, verdicts, layout.lines, layout.body, rule_of, good, bad,
                             short_cost, marked_weight)
            return ContainerScores(good, bad, desc, banned, children)
        for b, v, line, body in zip(blocks, verdicts, layout.lines, layout.body):
            if not line:
                continue
            path = line[-1]
            rule = rule_of[path]
            if rule == "hidden":
                continue
            f = b.features
            units = f.get("units", 0.0)
            ld = f.get("link_density", 0.0)
            if body:
                g, bd = units * (1.0 - ld), units * ld
            else:
                g, bd = 0.0, units * ld + (short_cost if ld < 1 else 0.0)
            if rule and rule not in ("comment", "header"):
                g, bd = 0.0, bd + g * marked_weight  # a footer's sentences are not the story
            if v is not None and not v.keep:  # a rule already called it boilerplate
                g, bd = 0.0, bd + g * marked_weight
            if not early and path not in good:
                self._register(b, line, roots, good, bad, desc, banned)
            # add in block order, as the totals always were (float sums depend on
            # order); adding 0.0 changes nothing, so those adds are skipped
            if g:
                for p in line:
                    good[p] += g
            if bd:
                for p in line:
                    bad[p] += bd
        return ContainerScores(good, bad, desc, banned, layout.children if early else None)

    @staticmethod
    def _register(b: Block, line: tuple[str, ...], roots: dict[str, str],
                  good: dict[str, float], bad: dict[str, float], desc: dict[str, str],
                  banned: set[str]) -> None:
        """Start the totals of the elements on ``line`` not seen yet.

        An element's descriptor comes from the first block under it. It is
        banned when its parent is, or when it is a marked root itself (other
        than a header or a comment region).
        """
        ctx = b.context
        # the first element of the line not started yet: elements always start with
        # their ancestors, so everything after it is new too
        k = len(line)
        while k and line[k - 1] not in desc:
            k -= 1
        under_marker = k > 0 and line[k - 1] in banned
        for j in range(k, len(line)):
            p = line[j]
            desc[p] = ctx[j] if j < len(ctx) else p.rpartition("/")[2]
            good[p] = 0.0
            bad[p] = 0.0
            m = roots.get(p)
            if under_marker or (m and m not in ("header", "comment")):
                banned.add(p)
                under_marker = True

    def _marked_roots(self, blocks: list[Block], layout: _Layout | None = None) -> dict[str, str]:
        """Marked elements (nav, footer...) holding under half the page's body text.

        A marker on a wrapper of the whole page (ASP.NET's page-wide
        ``<form>``, a ``div.page-bottom`` around everything) says nothing.
        """
        if layout is None:
            layout = self._layout(blocks)
        if (_COMPILED_MARKED is not None and type(layout.body) is list
                and len(layout.body) == len(layout.blocks)
                and (ix := _index_of(layout)) is not None):  # the loops below, compiled
            return _COMPILED_MARKED(ix, layout.blocks, layout.body, _markers_of,
                                    self.marked_share, layout.marks)
        good: dict[str, float] = {}  # body text per marked element
        marked: dict[str, str] = {}
        marked_on: dict[str, tuple[str, ...]] = {"": ()}  # element -> marked ones down to it
        for p, (parent, d) in layout.elements.items():  # parents come first
            on = marked_on[parent]
            m = _markers_of(d) if d is not None else None
            if m:
                marked[p] = m
                good[p] = 0.0
                on = (*on, p)
            marked_on[p] = on
        total = 0.0
        for b, line, body in zip(layout.blocks, layout.lines, layout.body):
            if not line:
                continue
            g = b.features.get("units", 0.0) if body else 0.0
            total += g
            if g:  # only marked elements' totals are read; skipping 0.0 changes none
                for p in marked_on[line[-1]]:
                    good[p] += g
        return {p: m for p, m in marked.items()
                if m in ("hidden", "consent", "dialog") or good[p] < self.marked_share * total}

    def container_score(self, path: str, sc: ContainerScores) -> float:
        # (the compiled twin of choose inlines this, reading _score_kind too)
        base = sc.good[path] - self.bad_weight * sc.bad[path]
        kind = 2 if path in sc.banned else _score_kind(sc.descriptor[path])
        if kind == 2:
            return float("-inf")
        if kind == 1:
            return base * self.positive_boost if base > 0 else base
        return base

    def choose(self, blocks: Iterable[Block],
               verdicts: Iterable[Verdict | None] | None = None,
               roots: dict[str, str] | None = None,
               layout: _Layout | None = None) -> str | None:
        if layout is None:
            layout = self._layout(blocks)
        blocks = layout.blocks
        if _COMPILED_INDEX_CHOOSE is not None and _plain_choice(type(self)):
            # scores, best and _thread on the index's arrays, without the dicts of
            # every element's totals
            verdicts = list(verdicts) if verdicts is not None else [None] * len(blocks)
            if roots is None:
                roots = self._marked_roots(blocks, layout)
            if (type(blocks) is list and len(verdicts) == len(blocks)
                    and type(layout.body) is list and len(layout.body) == len(blocks)
                    and type(roots) is dict and (ix := _index_of(layout)) is not None):
                got = _COMPILED_INDEX_CHOOSE(
                    ix, blocks, verdicts, layout.body, roots, self.short_cost,
                    self.marked_weight, "hidden" not in roots.values(), self.min_good,
                    self.bad_weight, self.positive_boost,
                    self.only_article_boost, _markers_of, POSITIVE, _shape, self.thread_levels,
                    self.thread_posts, lambda paths: self._plain_units(layout, set(paths)),
                    layout.marks)
                if got is not False:
                    return got
        sc = self.scores(blocks, verdicts, roots, layout)
        if _COMPILED_BEST is not None and type(self).container_score is DomMain.container_score:
            got = _COMPILED_BEST(sc.good, sc.bad, sc.descriptor, sc.banned, self.min_good,
                                 self.bad_weight, self.positive_boost, self.only_article_boost,
                                 _score_kind, _markers_of, POSITIVE)
            if got is not False:  # (False: a descriptor that is not a str)
                return self._thread(got, sc, layout) if got else None
        best_path = self._best(sc)
        return self._thread(best_path, sc, layout) if best_path else None

    def _best(self, sc: ContainerScores) -> str | None:
        """The path of the highest container score above 0 (the first of equal
        ones), or ``None``: the reference of ``_cwalk.best_container``."""
        best, best_path = 0.0, None
        desc = sc.descriptor  # (a descriptor is its tag, then a space and its tokens)
        articles = [p for p in sc.good
                    if desc[p].startswith("article") and desc[p][7:8] in ("", " ")]
        only = articles[0] if len(articles) == 1 else None
        for path in sc.good:
            if sc.good[path] < self.min_good:
                continue
            s = self.container_score(path, sc)
            if path == only and s > 0:
                s *= self.only_article_boost  # the page's one <article> is its story
            if s > best:
                best, best_path = s, path
        return best_path

    def _thread(self, path: str, sc: ContainerScores, layout: _Layout | None = None) -> str:
        """Widen a container that is one of repeated posts to the list holding them all.

        ``div.post#p1`` wins on its own; its siblings ``div.post#p2``... are
        the replies, so the container becomes their parent.
        """
        steps = path.split("/")
        kids = None  # parent -> children, built at the first level that needs it
        for up in range(min(self.thread_levels, len(steps) - 2)):
            node = "/".join(steps[: len(steps) - up])
            parent = node.rpartition("/")[0]
            shape = _shape(sc.descriptor[node])
            if " " not in shape:  # a bare tag repeats everywhere
                continue
            if kids is None:
                kids = self._kids(sc, layout)
            got = kids.get(parent, ())
            if (_COMPILED_SIBLINGS is not None and type(sc.descriptor) is dict
                    and type(sc.banned) is set and type(sc.good) is dict
                    and type(sc.bad) is dict):  # the reference's loops, compiled
                sibs, good, bad = _COMPILED_SIBLINGS(got, node, shape, sc.descriptor, sc.banned,
                                                     sc.good, sc.bad, _shape)
            else:
                sibs, good, bad = self._siblings_py(got, node, shape, sc)
            if sibs and good >= self.min_good / 2 and good >= bad / 2:
                return parent
            if layout is not None and len(sibs) + 1 >= self.thread_posts and _markers_of(
                    sc.descriptor[node]) in (None, "comment"):
                # replies of one line ("元旦快乐") have no prose, but plain text
                text = self._plain_units(layout, set(sibs))
                if text >= self.min_good and text >= bad / 2:
                    return parent
        return path

    @staticmethod
    def _siblings_py(kids: Iterable[str], node: str, shape: str,
                     sc: ContainerScores) -> tuple[list[str], float, float]:
        """The elements of ``kids`` other than ``node`` of the same ``shape`` and not
        banned, in order, with their good and bad units added in that order (the
        reference of ``_cwalk.thread_siblings``)."""
        sibs = [p for p in kids if p != node
                and _shape(sc.descriptor[p]) == shape and p not in sc.banned]
        good = bad = 0.0
        for p in sibs:
            good += sc.good[p]
        for p in sibs:
            bad += sc.bad[p]
        return sibs, good, bad

    @staticmethod
    def _kids(sc: ContainerScores, layout: _Layout | None) -> dict[str, list[str]]:
        """``_children(sc.good)``: the scores' own when they kept it, the layout's
        when the scores started every element in its order, else built."""
        if sc.children is not None:
            return sc.children
        if layout is not None and (sc.layout_order or list(sc.good) == list(layout.elements)):
            return layout.children
        return _children(sc.good)

    @staticmethod
    def _plain_units(layout: _Layout, elements: set[str]) -> float:
        """Units of non-link text inside ``elements``."""
        total = 0.0
        for b, line in zip(layout.blocks, layout.lines):
            if not elements.isdisjoint(line):  # each block counts once
                f = b.features
                total += f.get("units", 0.0) * (1.0 - f.get("link_density", 0.0))
        return total

    def __call__(self, doc, verdicts: list[Verdict | None]) -> list[Verdict | None]:
        if doc.kind != "html" or not doc.blocks:
            return verdicts
        layout = self._layout(doc.blocks)
        roots = self._marked_roots(layout.blocks, layout)
        main = self.choose(layout.blocks, verdicts, roots, layout)
        good = self._good_of(layout, main) if main is not None else 0.0
        if main is None or good < self.veto_units:
            # too few sentences to find it by (a blog written one phrase per line):
            # the container is the element with the most plain, unlinked lines
            plain = replace(layout, body=[self.plain_like(b) for b in layout.blocks])
            plain_roots = self._marked_roots(plain.blocks, plain)
            other = self.choose(plain.blocks, verdicts, plain_roots, plain)
            if other is not None and (main is None
                                      or self._good_of(plain, other) >= 3 * max(good, 1.0)):
                main, layout, roots = other, plain, plain_roots
        if main is not None and not self._agrees(doc, verdicts, main):
            return verdicts  # main_region and article_end decide, as for plain text
        if main is None:  # no container stands out: the plain-text reading decides
            out = list(verdicts)
            for i, (b, v) in enumerate(zip(doc.blocks, verdicts)):
                hidden = _hidden(b)
                if hidden:
                    out[i] = hidden
                elif v is None and (tag := self._region_tag(b)):  # <nav>, <footer>, <aside>
                    out[i] = Verdict.drop(tag, f"inside a <{tag}> element", evidence=tag)
            return out
        depth = main.count("/")
        under = main + "/"
        if _COMPILED_WITHIN is not None:  # the comprehension below, compiled
            inside = _COMPILED_WITHIN(doc.blocks, main)
        else:
            inside = [b.path == main or (b.path or "").startswith(under) for b in doc.blocks]
        repeated = self._repeated(layout, inside, depth, main)
        self_story = False  # (read only for blocks in one of the repeated elements)
        if repeated:  # else no posts, no thread, and the story units decide nothing
            story = self._story_units(layout, inside, depth)
            posts = self._posts(layout, repeated)
            thread = self._in_thread(layout, posts)
            if story >= self.story_units and not thread and (
                    not posts  # (without posts the count below is ``story`` again)
                    or self._story_units(layout, inside, depth, posts) >= self.story_units):
                # an article with reader comments under it, not a thread; but when
                # posts themselves hold the text (a Discuz thread of long replies,
                # no comment tokens anywhere) they are the content
                repeated = set()
            # reader comments under a story are judged like other text, but the
            # replies of a thread (posts inside a thread/topic/forum element) are kept
            self_story = story >= self.post_story_units and not thread
        first_in = inside.index(True)
        first_body = next((i for i in range(first_in, len(inside)) if inside[i] and layout.body[i]
                           and doc.blocks[i].features.get("units", 0.0) >= self.min_units),
                          len(inside))  # (a short dated line above a headline is not body)
        lead = self._lead(doc.blocks, verdicts, main, first_in)
        top = min(lead, default=first_in)
        out = self._block_verdicts(layout.blocks, verdicts, inside, layout.lines, depth,
                                   repeated, roots, self_story, first_body, lead, top, main,
                                   layout.marks)
        return self._sparse_reading(doc, out, inside)

    def _block_verdicts(self, blocks: list[Block], verdicts: list[Verdict | None],
                        inside: list[bool], lines: list[tuple[str, ...]], depth: int,
                        repeated: set[str], roots: dict[str, str], has_story: bool,
                        first_body: int, lead: set[int], top: int, main: str,
                        marks: dict[str, str | None] | None = None) -> list[Verdict | None]:
        """Each block's verdict once the container ``main`` is chosen: hidden text,
        then the table rows a rule called a menu, then (for blocks no rule judged)
        :meth:`_inside`, the lead, the title above, or :meth:`_outside`. By the
        compiled twin ``_cwalk.container_verdicts`` when it was built and none of
        the methods it inlines is overridden. ``marks``: the document's markers
        of descriptors read so far (``_Layout.marks``), which it adds to."""
        cls = type(self)
        if (_COMPILED_VERDICTS is not None and type(blocks) is list
                and type(verdicts) is list and type(inside) is list and type(lines) is list
                and type(repeated) is set and type(roots) is dict
                and cls.body_like is DomMain.body_like
                and cls.linked_prose is DomMain.linked_prose
                and cls._inside is DomMain._inside and cls._outside is DomMain._outside
                and cls._title_above is DomMain._title_above):
            return _COMPILED_VERDICTS(
                blocks, verdicts, inside, lines, depth, repeated, roots, has_story,
                first_body, lead, top if self.keep_title else 0, main,
                (self.link_list_density, self.min_units, self.linked_prose_density),
                (_hidden, _hidden_drop, _inner_region_drop, _link_list, _region_drop,
                 _markers_of, partial(self._title_above, blocks)),
                (_POST, _TABLE_ROW, _TITLE_IN, _LEAD, _TITLE_ABOVE, _outside_main(main),
                 Role.TABLE_ROW, Role.TITLE, Role.HEADING), marks)
        return self._block_verdicts_py(blocks, verdicts, inside, lines, depth, repeated,
                                       roots, has_story, first_body, lead, top, main)

    def _block_verdicts_py(self, blocks: list[Block], verdicts: list[Verdict | None],
                           inside: list[bool], lines: list[tuple[str, ...]], depth: int,
                           repeated: set[str], roots: dict[str, str], has_story: bool,
                           first_body: int, lead: set[int], top: int,
                           main: str) -> list[Verdict | None]:
        """:meth:`_block_verdicts` in Python: the reference of the compiled loop."""
        out = list(verdicts)
        # Siblings share their context (the items of a menu): what depends on the
        # context alone is worked out once per distinct one.
        hidden_of: dict[tuple[str, ...], Verdict | None] = {}
        region_of: dict[tuple[str, ...], Verdict | None] = {}
        marks = _Marks()
        for i, (b, v) in enumerate(zip(blocks, verdicts)):
            hidden = hidden_of.get(b.context, False)
            if hidden is False:
                hidden = hidden_of[b.context] = _hidden(b)
            if hidden:  # over any rule: hidden text lifts no metadata either
                out[i] = hidden
                continue
            if (v is not None and inside[i] and v.rule == "nav" and b.role is Role.TABLE_ROW
                    and b.features.get("link_density", 0.0) < self.link_list_density):
                out[i] = _TABLE_ROW
                continue  # cells joined by | look like a menu strip to link_strip
            if v is not None:
                continue
            if inside[i]:
                out[i] = self._inside(b, lines[i], depth, repeated, roots, has_story)
                if (out[i] is not None and out[i].rule == "link_list" and i < first_body
                        and b.role in (Role.TITLE, Role.HEADING)):
                    out[i] = _TITLE_IN  # a blog post's headline links to the post itself
            elif i in lead:
                out[i] = _LEAD
            elif self.keep_title and i < top and self._title_above(blocks, i, top):
                out[i] = _TITLE_ABOVE
            else:
                out[i] = self._outside(b, main, region_of, marks)
        return out

    def _sparse_reading(self, doc, out: list[Verdict | None],
                        inside: list[bool]) -> list[Verdict | None]:
        """Keep the container's plain lines when the text reading would keep almost none.

        Inside the container the text reading (``main_region``) trims the
        edges. It reads sentences; a story written without punctuation (a
        travel blog of one phrase per line, a poem) has none, so it would keep
        one line of it. When the reading keeps under ``sparse_share`` of the
        container's plain text, the container is trusted instead.
        """
        blocks = doc.blocks
        compiled = (_COMPILED_PLAIN_LINES is not None and _COMPILED_KEPT is not None
                    and type(out) is list and type(inside) is list)
        if compiled:
            lines, plain = _COMPILED_PLAIN_LINES(blocks, out, inside, self.link_list_density)
        else:
            lines, plain = self._plain_lines_py(blocks, out, inside)
        if plain < self.sparse_min_units:
            return out
        reading = self.text_reading(doc, out)
        if compiled and type(reading) is list:
            kept = _COMPILED_KEPT(blocks, lines, reading)
        else:
            kept = 0.0
            for i in lines:
                if reading[i] is None:
                    kept += blocks[i].features.get("units", 0.0)
        if kept >= self.sparse_share * plain:
            return out
        keep = Verdict.body("body", "plain text of the article container",
                            evidence=f"the text reading kept {kept:.0f} of {plain:.0f} units")
        out = list(out)
        for i in lines:
            out[i] = keep
        return out

    def _plain_lines_py(self, blocks: Sequence[Block], out: Sequence[Verdict | None],
                        inside: Sequence[bool]) -> tuple[list[int], float]:
        """The blocks in the container without a verdict and under
        ``link_list_density`` of links, and their units added in block order:
        the reference of ``_cwalk.plain_lines``."""
        lines: list[int] = []
        plain = 0.0
        for i, (b, v, ins) in enumerate(zip(blocks, out, inside)):
            if ins and v is None and b.features.get("link_density", 0.0) < self.link_list_density:
                lines.append(i)
                plain += b.features.get("units", 0.0)
        return lines, plain

    @staticmethod
    def _region_tag(b: Block) -> str | None:
        for d in b.context:
            tag = d.partition(" ")[0]
            if tag in ("nav", "footer", "aside"):
                return tag
        return None

    def _agrees(self, doc, verdicts: list[Verdict | None], main: str) -> bool:
        """Does the container hold most of the body text the plain-text reading finds?"""
        if self.agree_share <= 1.0 and not self._body_outside(doc, verdicts, main):
            # The reading only ever judges more blocks, so all it could find (and
            # count: sidebars and dialogs are left out) is inside: ``inside ==
            # found``, which agrees (units are never negative). Most pages end
            # here, without running the reading.
            return True
        reading = ArticleEnd()(doc, self.text_reading(doc, verdicts))
        text = self.text_reading
        if (_COMPILED_AGREE is not None and type(reading) is list
                and type(text).body_like is MainRegion.body_like):  # the loop of the reference
            found, inside = _COMPILED_AGREE(
                doc.blocks, reading, main, text.sentence_units, text.exclaim_units,
                text.long_units, _beside_story)
        else:
            found, inside = self._agree_units_py(doc.blocks, reading, main)
        if found < self.veto_units:
            return True  # too little sentence text for the text reading to overrule the DOM
        return inside >= self.agree_share * found

    def _agree_units_py(self, blocks: Iterable[Block], reading: Sequence[Verdict | None],
                        main: str) -> tuple[float, float]:
        """The units of the body-like text the reading keeps, outside sidebars and
        dialogs: all of it, and what is inside ``main``, added in block order
        (the reference of ``_cwalk.agree_units``)."""
        found = inside = 0.0
        for b, v in zip(blocks, reading):
            if v is None and self.text_reading.body_like(b):
                if any(map(_beside_story, b.context)):
                    continue  # a feed in a sidebar, a cookie dialog: not a second story
                units = b.features.get("units", 0.0)
                found += units
                if b.path == main or (b.path or "").startswith(main + "/"):
                    inside += units
        return found, inside

    def _body_outside(self, doc, verdicts: list[Verdict | None], main: str) -> bool:
        """Is there unjudged text outside the container that the text reading calls
        body-like, outside sidebars and dialogs (which :meth:`_agrees` leaves out)?"""
        reading = self.text_reading
        if (_COMPILED_BODY_OUTSIDE is not None and type(verdicts) is list
                and type(reading).body_like is MainRegion.body_like):  # the loop below
            return _COMPILED_BODY_OUTSIDE(doc.blocks, verdicts, main,
                                          reading.sentence_units, reading.exclaim_units,
                                          reading.long_units, _beside_story)
        under = main + "/"
        for b, v in zip(doc.blocks, verdicts):
            if (v is None and b.path != main and not (b.path or "").startswith(under)
                    and self.text_reading.body_like(b)
                    and not any(map(_beside_story, b.context))):
                return True
        return False

    def _lead(self, blocks, verdicts: list[Verdict | None], main: str,
              first_in: int) -> set[int]:
        """Body-like paragraphs right above the container, in an element at most
        ``lead_levels`` above it: the introduction of a story whose container
        is the table or list that follows it. Short unjudged lines between
        are passed over; a judged block, a heading or other text ends the lead."""
        lead: set[int] = set()
        levels = main.count("/")
        for j in range(first_in - 1, max(-1, first_in - 1 - self.lead_window), -1):
            b = blocks[j]
            if verdicts[j] is not None or b.role in (Role.TITLE, Role.HEADING):
                break
            f = b.features
            if not self.body_like(b):
                continue
            if f.get("units", 0.0) < 2 * self.min_units or not f.get("ends_sentence"):
                break  # a byline, a date line, a label: not the story's first paragraph
            parent = (b.path or "").rpartition("/")[0]
            if (not parent or not main.startswith(parent + "/")
                    or levels - parent.count("/") > self.lead_levels
                    or boilerplate_marker(b.context) is not None):
                break
            lead.add(j)
        return lead

    def _title_above(self, blocks, i: int, first_in: int) -> bool:
        b = blocks[i]
        if b.role is not Role.TITLE:
            return False
        return all(not self.body_like(x) for x in blocks[i + 1:first_in]) and first_in - i <= 8

    def _story_units(self, layout: _Layout, inside: list[bool], depth: int,
                     posts: set[str] | None = None) -> float:
        """Body-like units inside the container and outside any comment region in it
        (and outside the repeated ``posts``, if given), added in block order (by the
        compiled twin ``_cwalk.story_units`` when built)."""
        if (_COMPILED_STORY is not None and type(layout.blocks) is list
                and type(inside) is list and type(layout.lines) is list
                and type(layout.body) is list and isinstance(layout.marks, dict)
                and (not posts or type(posts) is set)):
            return _COMPILED_STORY(layout.blocks, inside, layout.lines, layout.body, depth,
                                   posts, layout.marks, _markers_of)
        total = 0.0
        for b, ins, line, body in zip(layout.blocks, inside, layout.lines, layout.body):
            if ins and body:
                if posts and not posts.isdisjoint(line):  # inside one of the posts
                    continue
                m = boilerplate_marker(b.context[depth:], layout.marks)
                if not m or m[1] != "comment":
                    total += b.features.get("units", 0.0)
        return total

    def _posts(self, layout: _Layout, repeated: set[str]) -> set[str]:
        """The repeated elements that look like posts, not teasers or paragraphs.

        A post holds several blocks (author, date, text) and its links are short
        (a user name, "reply"); a teaser in a feed has its headline as a long link,
        and a repeated ``p.paragraph`` is one block of an article. Two wrappers of
        the same shape are a layout, not a thread: a thread has ``thread_posts``.
        """
        if not repeated:
            return set()  # nothing repeats: no posts (most pages)
        n: dict[str, int]
        teaser: set[str]
        if (_COMPILED_POSTS is not None and type(layout.blocks) is list
                and type(layout.lines) is list and type(repeated) is set):  # the loop below
            n, teaser = _COMPILED_POSTS(layout.blocks, layout.lines, repeated,
                                        self.link_list_density, self.headline_link_units)
        else:
            n, teaser = {}, set()
            for b, line in zip(layout.blocks, layout.lines):
                if repeated.isdisjoint(line):
                    continue
                f = b.features
                headline = (f.get("link_density", 0.0) >= self.link_list_density
                            and f.get("units", 0.0) >= self.headline_link_units)
                for prefix in line:
                    if prefix in repeated:
                        n[prefix] = n.get(prefix, 0) + 1
                        if headline:
                            teaser.add(prefix)
        per_parent: dict[str, int] = {}
        for p in repeated:
            parent = p.rpartition("/")[0]
            per_parent[parent] = per_parent.get(parent, 0) + 1
        return {p for p in n if n[p] >= 2 and p not in teaser
                and per_parent[p.rpartition("/")[0]] >= self.thread_posts}

    @staticmethod
    def _in_thread(layout: _Layout, posts: set[str]) -> bool:
        """Do the posts sit inside an element named for a thread (``topic``, ``forum``,
        ``conversation``, ``postlist``, ``question``) that is not a comment section
        and not inside one (``div.article-comments > ul.thread-list``)?"""
        if not posts:
            return False
        marks = layout.marks
        if (_COMPILED_THREAD is not None and type(layout.blocks) is list
                and type(layout.lines) is list and type(posts) is set
                and isinstance(marks, dict)):  # the loop below
            return _COMPILED_THREAD(layout.blocks, layout.lines, posts, _names_thread, marks,
                                    _markers_of)
        for b, line in zip(layout.blocks, layout.lines):
            if posts.isdisjoint(line):
                continue  # the scan below only returns at one of the posts
            ctx = b.context
            named = False  # an element above this one names a thread
            for k, prefix in enumerate(line):
                if named and prefix in posts:
                    return True
                if k < len(ctx):
                    if _names_thread(ctx[k]):
                        named = True
                    elif not named and marks[ctx[k]] == "comment":
                        break  # a "thread" inside a comment section is a comment thread
        return False

    def _repeated(self, layout: _Layout, inside: list[bool], depth: int,
                  container: str | None = None) -> set[str]:
        """Paths of elements below the container that repeat (posts of a thread).

        Siblings of one shape repeat when at least ``repeated`` of them hold prose.
        From ``thread_posts`` of them on, every sibling of that shape (or of a
        similar shape) with some text is one of them too: a reply like "Thanks,
        that worked" has no sentence punctuation, yet is a post.
        """
        counts, texts, nblocks = self._repeated_members(layout, inside, depth)
        shapes: dict[str, list[str]] = {}  # parent -> shapes of its children with text
        for parent, shape in texts:
            shapes.setdefault(parent, []).append(shape)
        out: set[str] = set()
        for (parent, shape), members in texts.items():
            if len(counts.get((parent, shape), ())) < self.repeated and not (
                    parent == container and _markers_of(shape) in (None, "comment")
                    and sum(nblocks[m] >= 2 for m in members) >= self.thread_posts):
                continue  # the container's own repeated children are posts, prose or not
            # a sibling of nearly the same shape is one more of them: the first
            # post of a thread (``post first starter``), odd/even rows
            keys = [(parent, s2) for s2 in shapes[parent]
                    if s2 == shape or _similar(shape, s2)]
            with_prose = set().union(*(counts.get(k, set()) for k in keys))
            out |= with_prose
            if len(with_prose) >= self.thread_posts or parent == container:  # else: layout?
                out |= set().union(*(texts[k] for k in keys))
        return out

    @staticmethod
    def _repeated_members(layout: _Layout, inside: list[bool], depth: int,
                          ) -> tuple[dict[tuple[str, str], set[str]],
                                     dict[tuple[str, str], set[str]], dict[str, int]]:
        """Per (parent path, shape), the elements below the container (at least
        ``depth`` deep) holding prose and those holding any plain text, and the
        text blocks per element: by the compiled twin ``_cwalk.repeated_members``
        when it was built (it reads each descriptor's shape once)."""
        if (_COMPILED_REPEATED is not None and type(layout.blocks) is list
                and type(inside) is list and type(layout.lines) is list
                and type(layout.body) is list):
            return _COMPILED_REPEATED(layout.blocks, inside, layout.lines, layout.body, depth,
                                      _shape)
        counts: dict[tuple[str, str], set[str]] = {}  # members holding prose
        texts: dict[tuple[str, str], set[str]] = {}  # members holding any plain text
        nblocks: dict[str, int] = {}  # text blocks per member
        for b, ins, line, prose in zip(layout.blocks, inside, layout.lines, layout.body):
            if not ins:
                continue
            f = b.features
            if not prose and f.get("units", 0.0) * (1.0 - f.get("link_density", 0.0)) < 1:
                continue
            ctx = b.context
            for k in range(depth, min(len(line), len(ctx))):  # elements below the container
                d = ctx[k]
                if " " not in d:  # a bare tag: its shape is too (tested first, it is cheaper)
                    continue
                shape = _shape(d)
                if " " not in shape:  # bare tags (tr, p, li) repeat in any layout
                    continue
                prefix = line[k]
                key = (line[k - 1], shape)
                members = texts.get(key)  # (not setdefault: that builds a set every time)
                if members is None:
                    members = texts[key] = set()
                members.add(prefix)
                nblocks[prefix] = nblocks.get(prefix, 0) + 1
                if prose:
                    members = counts.get(key)
                    if members is None:
                        members = counts[key] = set()
                    members.add(prefix)
        return counts, texts, nblocks

    def _inside(self, b: Block, line: tuple[str, ...], depth: int, repeated: set[str],
                roots: dict[str, str], has_story: bool) -> Verdict | None:
        in_post = not repeated.isdisjoint(line[depth:])
        in_comment = False
        ctx = b.context
        for k in range(depth, min(len(line), len(ctx))):  # elements below the container
            prefix = line[k]
            rule = roots.get(prefix)  # marked, and not a wrapper of most of the text
            if rule == "comment" and in_post:
                in_comment = True
                continue  # a post of a thread, or a reply under it
            if rule and rule != "header" and prefix not in repeated:
                return _inner_region_drop(rule, ctx[k][:60])
        f = b.features
        if (f.get("link_density", 0.0) >= self.link_list_density and not self.body_like(b)
                and not self.linked_prose(b)):
            return _link_list(b.features["link_density"], "mostly link text: a list of links")
        if in_post and not (in_comment and has_story):
            # replies are short lines: the text reading would trim them away; but
            # reader comments under a story stay for main_region/article_end to judge
            return _POST
        return None  # inside the container: main_region and article_end still trim it

    def _outside(self, b: Block, main: str,
                 memo: dict[tuple[str, ...], Verdict | None] | None = None,
                 marks: _Marks | None = None) -> Verdict:
        """The verdict on a block outside the container; ``memo`` keeps the region
        verdict (or ``None``) of each context seen (per document: the marker
        depends on the context alone), ``marks`` the marker of each descriptor."""
        region = memo.get(b.context, False) if memo is not None else False
        if region is False:
            m = boilerplate_marker(b.context, marks)
            region = _region_drop(m[1], b.context[m[0]][:60]) if m else None
            if memo is not None:
                memo[b.context] = region
        if region is not None:
            return region
        if b.features.get("link_density", 0.0) >= self.link_list_density:
            return _link_list(b.features["link_density"], "mostly link text, outside the article")
        return _outside_main(main)
