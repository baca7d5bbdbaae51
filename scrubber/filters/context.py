"""Context passes: judgements that need the whole document.

They run after the filters and may override a filter's verdict with their
own rule id. Thresholds are dataclass fields, each with the reason for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from .._accel import COMPILED
from ..model import Block, Role, Verdict

__all__ = ["ArticleEnd", "MainRegion"]

#: the compiled twin of the loop of :meth:`MainRegion.scores` (``None`` when not built)
_COMPILED_SCORES = getattr(COMPILED, "region_scores", None)
#: the compiled twin of :func:`best_run`'s loop (``None`` when not built)
_COMPILED_BEST_RUN = getattr(COMPILED, "best_run", None)
#: the compiled twin of :meth:`ArticleEnd._candidates_py`
_COMPILED_END = getattr(COMPILED, "end_candidates", None)
#: the compiled twin of the verdicts :meth:`MainRegion._read` gives once the run is known
_COMPILED_RUN = getattr(COMPILED, "run_verdicts", None)
#: the compiled twin of :meth:`ArticleEnd._cut`'s loop
_COMPILED_CUT = getattr(COMPILED, "cut_after", None)


@dataclass(frozen=True)
class MainRegion:
    """Drop blocks outside the densest run of body-like blocks.

    Each block scores: body-like text (long, with sentence punctuation)
    counts its length; short lines, link lists and blocks a filter dropped
    count against. The best-scoring contiguous run (maximum subarray) is the
    article; unjudged blocks outside it become ``outside_main``.

    Drop: the menu lines (``首页``, ``新闻``, ``登录``) before a story.
    Keep: a short subheading between two long paragraphs of the story.
    """

    name = "main_region"
    #: below this many units a line is short (a menu entry, a label, a headline)
    short_units: float = 10.0
    #: a line this long with punctuation is body-like even without a full stop
    long_units: float = 40.0
    #: a line ending in a full stop (。 or .) is body-like from this length on
    sentence_units: float = 4.0
    #: a line ending in ! ? 」 … needs this length: headlines end that way too
    exclaim_units: float = 20.0
    #: base cost of a line that is not body-like (a menu entry, a headline)
    short_cost: float = 3.0
    #: extra cost per unit of a non-body-like line: long link strips cost more
    unit_cost: float = 0.2
    #: a sentence under this share of links is prose with links in it
    prose_link_density: float = 0.9
    #: a long line under this share of links is plain text (a list entry), not a menu
    plain_link_density: float = 0.2
    #: cost of a block a filter already dropped (credit line, share bar)
    dropped_cost: float = 4.0
    #: an earlier run scoring this share of the best one wins: stories come
    #: before comment policies, legal footers and reader comments
    prefer_earlier: float = 0.5

    def body_like(self, block: Block) -> bool:
        f = block.features
        units = f.get("units", 0.0) * (1.0 - min(1.0, f.get("link_density", 0.0) * 1.5))
        if f.get("full_stop") and units >= self.sentence_units:
            return True
        if f.get("ends_sentence") and units >= self.exclaim_units:
            return True
        return units >= self.long_units and f.get("punct", 0) >= 2

    def score(self, block: Block, verdict: Verdict | None) -> float:
        units = block.features.get("units", 0.0)
        if verdict is not None:
            return units + 5 if verdict.keep else -self.dropped_cost
        if self.body_like(block):
            return units
        f = block.features
        linked = f.get("link_density", 0.0)
        if (f.get("full_stop") and f.get("punct", 0) >= 2 and linked < self.prose_link_density
                and units >= 2 * self.short_units):
            # prose with most words linked (a round-up of other papers' stories):
            # its unlinked words count
            return units * (1.0 - linked)
        if f.get("punct", 0) >= 1 and units < self.long_units:
            return -self.short_cost / 3  # a label with a value, a list entry: maybe body
        if units >= self.long_units and f.get("link_density", 1.0) < self.plain_link_density:
            # a long line without stops, known to be unlinked (HTML measures links;
            # plain text does not): a list entry of the story, maybe body
            return -self.short_cost / 3
        return -(self.short_cost + self.unit_cost * units)

    #: how many meta lines (byline, date, source, 原标题) may sit between the
    #: headline and the story
    title_reach: int = 4
    meta_rules: frozenset[str] = frozenset(
        {"byline", "dateline", "source_line", "original_title", "editor_credit",
         "photo_credit", "prev_next", "tags", "share", "action_bar"})

    def is_title(self, block: Block) -> bool:
        f = block.features
        return (2 <= f.get("units", 0) <= self.long_units * 2
                and not f.get("full_stop") and f.get("punct", 0) <= 3)

    def find_title(self, doc, verdicts: list[Verdict | None], start: int) -> int | None:
        """The headline above the run, across a few meta lines, if there is one."""
        first = doc.blocks[start]
        if verdicts[start] is None and self.is_title(first) and not _META_LABEL.match(first.text):
            return None  # the run already starts with its headline
        for i in range(start - 1, max(-1, start - 1 - self.title_reach), -1):
            v = verdicts[i]
            b = doc.blocks[i]
            if v is None:
                if _META_LABEL.match(b.text) and not self.body_like(b):
                    continue  # "Date: November 5, 2012 | Category: News"
                if self.is_title(b):
                    return i
                if _META_YEAR.search(b.text) and not self.body_like(b):
                    continue  # "November 5, 2012, 11:56 a.m. ET"
                return None
            linked = b.features.get("link_density", 0.0) >= 0.5
            if v.keep or not (v.rule in self.meta_rules
                              or (linked and v.rule in ("link_list", "comment"))):
                return None  # (links under a headline: "Print", "Email", "Comments (186)")
        return None

    def _tail(self, doc, verdicts: list[Verdict | None], scores: list[float], end: int) -> int:
        """The run's end, moved over the short punctuated lines (or lines ending in an
        emoji) that follow its last paragraph in the same element, unless they label
        or point to something else (HTML: a blog's last lines, "家帰って食べたら、")."""
        last = doc.blocks[end].path or ""
        if not last.startswith("/"):
            return end  # plain text: lines have no elements to go by
        parent = last.rpartition("/")[0]
        j = end + 1
        while (j < len(scores) and verdicts[j] is None
               and (scores[j] >= -self.short_cost / 3 or _EMOJI_END.search(doc.blocks[j].text))
               and (doc.blocks[j].path or "").rpartition("/")[0] == parent
               and not _LABEL_LIKE.search(doc.blocks[j].text)):
            j += 1
        return j - 1

    def __call__(self, doc, verdicts: list[Verdict | None]) -> list[Verdict | None]:
        if not doc.blocks:
            return verdicts
        # dom_main reads the page this way too, often with the very verdicts this
        # pass then gets: the reading is a function of the document, the verdicts
        # and these settings, so the document's memo keeps the last one
        memo = getattr(doc, "memo", None)
        key = ("main_region", self)
        try:
            last = memo.get(key) if memo is not None else None
        except TypeError:  # a subclass with unhashable settings: no memo
            memo = last = None
        if last is not None and last[0] == verdicts:
            return list(last[1])
        out = self._read(doc, verdicts)
        if memo is not None:
            memo[key] = (list(verdicts), list(out))
        return out

    def scores(self, blocks, verdicts: list[Verdict | None]) -> list[float]:
        """``[self.score(b, v) for b, v in zip(blocks, verdicts)]``, the same floats.

        The loop runs once per block of every document: when the compiled module
        is built, ``_cwalk.region_scores`` runs it (``score`` and ``body_like``
        with these settings, the same arithmetic). A subclass overriding either
        method gets its own methods, block by block.
        """
        cls = type(self)
        if (_COMPILED_SCORES is None or len(blocks) != len(verdicts)
                or cls.score is not MainRegion.score or cls.body_like is not MainRegion.body_like):
            return [self.score(b, v) for b, v in zip(blocks, verdicts)]
        return _COMPILED_SCORES(
            list(blocks), list(verdicts), self.sentence_units, self.exclaim_units,
            self.long_units, self.prose_link_density, self.plain_link_density,
            -self.dropped_cost, 2 * self.short_units, -self.short_cost / 3, self.short_cost,
            self.unit_cost)

    def _read(self, doc, verdicts: list[Verdict | None]) -> list[Verdict | None]:
        scores = self.scores(doc.blocks, verdicts)
        start, end = best_run(scores)
        if end < start:  # nothing body-like anywhere: no basis to cut, keep it all
            return verdicts
        total = sum(scores[start:end + 1])
        while start > 0:
            s0, e0 = best_run(scores[:start])
            if e0 < s0 or sum(scores[s0:e0 + 1]) < self.prefer_earlier * total:
                break
            start, end = s0, e0
        end = self._tail(doc, verdicts, scores, end)
        title = self.find_title(doc, verdicts, start)
        if title is not None:
            start = title  # the headline above the story belongs to it
        # Verdicts are immutable: one value for every block before, one after.
        evidence = f"main run is blocks {start}-{end}"
        before = Verdict.drop("outside_main", "before the main run of body text", evidence)
        after = Verdict.drop("outside_main", "after the main run of body text", evidence)
        start, end = max(start, 0), max(end + 1, start)  # (slices: as the loop saw them)
        if _COMPILED_RUN is not None and type(verdicts) is list:  # the lists below, compiled
            return _COMPILED_RUN(verdicts, start, end, before, after)
        return ([before if v is None else v for v in verdicts[:start]]
                + list(verdicts[start:end])
                + [after if v is None else v for v in verdicts[end:]])


#: a line of article metadata under a headline: a date/author label, or any line with a year
_META_LABEL = re.compile(r"(?:date|posted|published|updated|by|author)\b", re.I)
_META_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


#: a line that labels or points to something else: a colon in it ("你可能還想看：",
#: "最近修改：2014-01-31"), a leading mark or bracket ("※", "◆", "【更多…】"),
#: items split by bars ("FOIA | Privacy Notice"), an address ("请关注www.…")
_LABEL_LIKE = regex.compile(r"[:：|｜]|^[\p{S}【〖\[]|www\.|https?://")
#: a line ending in an emoji or a double mark ("食べたい‼️", "美味しいね😆"): casual
#: writing ends its sentences so, where the features see no punctuation
_EMOJI_END = regex.compile(
    r"[\p{Extended_Pictographic}‼⁉][\uFE0F\u200D\p{Extended_Pictographic}]*\s*$")


def _same_place(a: str, b: str) -> bool:
    """Are two blocks paragraphs of one run: the same tags down from a shared
    parent or grandparent (``div[7]/p`` and ``div[9]/p`` under one element)?"""
    sa, sb = a.split("/"), b.split("/")
    if len(sa) != len(sb) or len(sa) < 3:
        return False
    if sa[:-2] != sb[:-2]:
        return False
    return [t.partition("[")[0] for t in sa[-2:]] == [t.partition("[")[0] for t in sb[-2:]]


def best_run(scores: list[float]) -> tuple[int, int]:
    """Indices (inclusive) of the contiguous run with the largest sum."""
    if _COMPILED_BEST_RUN is not None and type(scores) is list:  # the loop below, compiled
        got = _COMPILED_BEST_RUN(scores)
        if got is not None:  # (None: a score that is not a float)
            return got
    return _best_run_py(scores)


def _best_run_py(scores: list[float]) -> tuple[int, int]:
    """:func:`best_run`'s reference (and its code for scores that are not floats)."""
    best, best_start, best_end = float("-inf"), 0, -1
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = s, i
        else:
            total += s
        if total > best:
            best, best_start, best_end = total, start, i
    if best <= 0:
        return 0, -1
    return best_start, best_end


@dataclass(frozen=True)
class ArticleEnd:
    """After a line that ends an article (责任编辑, 本文来源, a run of teasers), drop the rest.

    The marker counts only when most of the body text, or at least a few
    sentences of it, come before it, so a ``编辑：`` line at the top of a
    story does not cut the story.

    Drop: the unrelated headlines after ``（责任编辑：汇率）``.
    Keep: the story's paragraphs after an ``作者：`` line at its top.
    """

    name = "article_end"
    #: share of the body-like text that must come before the marker ...
    min_share_before: float = 0.5
    #: ... or this much body text (a few sentences) before a marker that never
    #: opens a story (a related list, comments, a disclaimer): what follows is a feed
    min_units_before: float = 60.0
    #: ... unless, in HTML, more than this many times as much body text follows
    #: outside the marker's own box (a sidebar that comes first in the source)
    max_after_ratio: float = 2.0
    #: markers that also head sidebars ("Top stories", "Recent comments")
    sidebar_rules: frozenset[str] = frozenset({"related", "comment"})
    closing_rules: frozenset[str] = frozenset(
        {"related", "comment", "disclaimer", "teaser", "copyright"})
    #: how far to look after another marker (an editor or source line) for
    #: body text: a story going on right after it means the line was at its top
    lookahead: int = 3
    region: MainRegion = MainRegion()

    def __call__(self, doc, verdicts: list[Verdict | None]) -> list[Verdict | None]:
        weights, total, candidates = self._candidates(doc, verdicts)
        if total <= 0:
            return verdicts
        for i, before in candidates:
            v = verdicts[i]
            # A comments line that is itself a link ("Comments", "99 comments" in a
            # post's header, a tab) points elsewhere; unlike a comments heading it
            # ends the story only by the share rule.
            pointer = (v.rule == "comment"
                       and doc.blocks[i].features.get("link_density", 0.0) >= 0.5)
            # Likewise a heading inside an <aside>: a box of related links set
            # into the story ends the box, not the story around it.
            aside = any(d == "aside" or d.startswith("aside ")
                        for d in doc.blocks[i].context)
            # And a sidebar first in the source: far more story after the
            # heading's own box than before it (HTML only: paths show the box).
            enough = (before >= self.min_units_before and not pointer and not aside
                      and not (v.rule in self.sidebar_rules
                               and self._box_above_story(doc, verdicts, weights, i, before)))
            closing = enough and (v.rule in self.closing_rules
                                  or not self._story_goes_on(doc, verdicts, i))
            # A related box set into the story: its paragraphs go on after the
            # box, in the same place as before it. It ends nothing.
            # Nor does a cell of a table row ("Comment" as a column header).
            if (closing or before / total >= self.min_share_before) and not (
                    v.rule in self.sidebar_rules and self._set_in(doc, verdicts, i)):
                if v.rule in self.sidebar_rules and self._section(doc, verdicts, i):
                    # "Comment" as the title of one section of the story
                    verdicts = list(verdicts)
                    verdicts[i] = Verdict.body(
                        "section", "a heading between the story's paragraphs, in their "
                        "element: one of its sections", evidence=v.rule)
                else:
                    return self._cut(doc, verdicts, i)
        return verdicts

    @staticmethod
    def _candidates(doc, verdicts: list[Verdict | None],
                    ) -> tuple[list[float], float, list[tuple[int, float]]]:
        """:meth:`_candidates_py`, by the compiled loop when it was built."""
        if (_COMPILED_END is not None and type(verdicts) is list
                and len(verdicts) == len(doc.blocks)):
            return _COMPILED_END(doc.blocks, verdicts)
        return ArticleEnd._candidates_py(doc, verdicts)

    @staticmethod
    def _candidates_py(doc, verdicts: list[Verdict | None],
                       ) -> tuple[list[float], float, list[tuple[int, float]]]:
        """Each block's weight (its units, when no verdict drops it), their sum,
        and the markers that might end the article: dropping verdicts with
        ``marks_end`` after some body text, with the body text before each."""
        weights = [
            b.features.get("units", 0.0) if v is None or v.keep else 0.0
            for b, v in zip(doc.blocks, verdicts)
        ]
        total = sum(weights)
        candidates = []
        before = 0.0
        for i, v in enumerate(verdicts):
            if v is not None and v.marks_end and not v.keep and before > 0:
                candidates.append((i, before))
            before += weights[i]
        return weights, total, candidates

    def _box_above_story(self, doc, verdicts: list[Verdict | None], weights: list[float],
                         at: int, before: float) -> bool:
        """Does far more body text follow outside the marker's box, before the next
        marker, than came before it?

        The box is the smallest element around the marker that holds other
        blocks too (``<h2><div>Related</div></h2><ul>...`` -> the h2's parent,
        which holds the list the heading introduces). Counting stops at the
        next marker: a second feed heading starts another feed."""
        if before <= 0:
            return False
        box = self._box(doc, at)
        if box is None:
            return False  # plain text, or nothing else on the page shares an element with it
        prefix = box + "/"
        after = 0.0
        for j in range(at + 1, len(weights)):
            v = verdicts[j]
            if v is not None and v.marks_end and not v.keep:
                break
            if weights[j] and not (doc.blocks[j].path or "").startswith(prefix):
                after += weights[j]
        return after > self.max_after_ratio * before

    def _set_in(self, doc, verdicts: list[Verdict | None], at: int) -> bool:
        """Is the marker's box a table row, or set into the story: do the story's
        paragraphs go on right after the box, in the same place as the paragraph
        before it?"""
        box = self._box(doc, at)
        if box is None:
            return False
        if box.rpartition("/")[2].partition("[")[0] == "tr":
            return True
        prefix = box + "/"
        last = ""  # the story's paragraph before the box
        for j in range(at - 1, -1, -1):
            b = doc.blocks[j]
            if (b.path or "").startswith(prefix):
                continue
            if verdicts[j] is None and self.region.body_like(b):
                last = b.path or ""
            break
        if not last:
            return False
        for j in range(at + 1, len(verdicts)):
            b = doc.blocks[j]
            if (b.path or "").startswith(prefix):
                continue
            return (verdicts[j] is None and self.region.body_like(b)
                    and _same_place(b.path or "", last))
        return False

    def _section(self, doc, verdicts: list[Verdict | None], at: int) -> bool:
        """Is the marker a heading among the story's paragraphs ("Comment",
        "Related" as one section of a list article): no count in it, the body
        text right before it and right after it in the heading's own parent,
        the text after it in no marked region (reader comments sit in one)?"""
        from .dom import boilerplate_marker  # dom builds on this module

        heading = doc.blocks[at]
        if (heading.role is not Role.HEADING or at + 1 >= len(verdicts)
                or any(c.isdigit() for c in heading.text)):
            return False  # "99 Comments" counts comments: it heads them
        parent = (heading.path or "").rpartition("/")[0]
        if not parent.startswith("/"):
            return False  # plain text: no elements to go by
        inside = parent + "/"

        def in_parent(j: int) -> bool:
            b = doc.blocks[j]
            return (verdicts[j] is None and self.region.body_like(b)
                    and (b.path == parent or (b.path or "").startswith(inside)))

        after = doc.blocks[at + 1]
        if not in_parent(at + 1) or boilerplate_marker(
                after.context[parent.count("/"):]) is not None:
            return False
        return at > 0 and in_parent(at - 1)

    @staticmethod
    def _box(doc, at: int) -> str | None:
        """The smallest element around block ``at`` that holds other blocks too."""
        blocks = doc.blocks
        path = blocks[at].path or ""
        if not path.startswith("/"):
            return None
        # The deepest box a neighbour is in: usually the answer (the blocks of an
        # element come one after another), found without a look at the others.
        floor = ""
        for j in (at - 1, at + 1):
            if 0 <= j < len(blocks):
                p = blocks[j].path or ""
                box = path
                while (box := box.rpartition("/")[0]) and len(box) > len(floor):
                    if p.startswith(box + "/"):
                        floor = box
                        break
        others = None  # only the boxes deeper than that need every other block
        box = path
        while (box := box.rpartition("/")[0]) and len(box) > len(floor):
            if others is None:
                others = [b.path or "" for j, b in enumerate(blocks) if j != at]
            prefix = box + "/"
            if any(p.startswith(prefix) for p in others):
                return box
        return floor or None

    def _story_goes_on(self, doc, verdicts: list[Verdict | None], at: int) -> bool:
        for j in range(at + 1, min(at + 1 + self.lookahead, len(verdicts))):
            if verdicts[j] is None:
                return self.region.body_like(doc.blocks[j])
        return False

    @staticmethod
    def _cut(doc, verdicts: list[Verdict | None], at: int) -> list[Verdict | None]:
        cut = Verdict.drop("after_end", "after the line that ends the article",
                           evidence=doc.blocks[at].text[:30])  # immutable: shared
        if _COMPILED_CUT is not None and type(verdicts) is list:  # the loop below, compiled
            return _COMPILED_CUT(verdicts, at, cut)
        out = list(verdicts)
        for i in range(at + 1, len(out)):
            v = out[i]
            if v is None or v.rule == "outside_main" or (v.keep and v.rule == "body"):
                out[i] = cut
        return out
