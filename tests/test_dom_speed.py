"""The fast paths of ``dom_main`` give exactly the results of the plain ones.

``scrubber.filters.dom`` builds each block's ancestor paths once, scans
contexts with C-level shortcuts and skips the agreement re-reading when it
cannot disagree; the forum-thread helpers (``_repeated``, ``_posts``,
``_in_thread``, ``_story_units``, ``_plain_units``, ``_thread``) read the
same ancestor tuples. Each of those is checked here against the
straightforward code it replaced, on the fixture pages and hand-picked edge
cases.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scrubber.core import _default
from scrubber.filters.context import ArticleEnd
from scrubber.filters.dom import (
    ContainerScores,
    DomMain,
    _ancestry,
    _hidden,
    _markers_of,
    _Marks,
    _names_thread,
    _shape,
    _similar,
    boilerplate_marker,
)
from scrubber.html import parse_page
from scrubber.model import Block, Verdict
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


def _beside_story(context) -> bool:
    """Sidebars, cookie dialogs and modals: left out of the vote (decisions 21-23)."""
    for d in context:
        tag, _, rest = d.partition(" ")
        toks = set(rest.split(" "))
        if tag == "aside" or (tag not in ("main", "article") and toks & {"sidebar", "complementary"}):
            return True
        if _markers_of(d) in ("consent", "dialog"):
            return True
    return False


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
    marks = _Marks()  # one per document, as dom_main keeps it
    for b in doc.blocks:
        assert boilerplate_marker(b.context) == _plain_marker(b.context)
        assert boilerplate_marker(b.context, marks) == _plain_marker(b.context)
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
        if v is None and dom.text_reading.body_like(b) and not _beside_story(b.context):
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
        marks = _Marks()
        assert boilerplate_marker(ctx, marks) == boilerplate_marker(ctx, marks) == _plain_marker(ctx)
        assert set(marks) == set(ctx) and all(marks[d] == _markers_of(d) for d in ctx)


# The plain code of the passes, as it was before they read the ancestor tuples.

def _prefixes(path: str | None) -> list[str]:
    out, prefix = [], ""
    for step in (path or "").split("/")[1:]:
        prefix = f"{prefix}/{step}"
        out.append(prefix)
    return out


def _plain_marked_roots(dom: DomMain, blocks) -> dict[str, str]:
    good: dict[str, float] = {}
    marked: dict[str, str] = {}
    total = 0.0
    for b in blocks:
        if not (b.path or "").startswith("/"):
            continue
        g = b.features.get("units", 0.0) if dom.body_like(b) else 0.0
        total += g
        for k, prefix in enumerate(_prefixes(b.path)):
            if prefix not in good:
                good[prefix] = 0.0
                if k < len(b.context):
                    m = _markers_of(b.context[k])
                    if m:
                        marked[prefix] = m
            good[prefix] += g
    return {p: m for p, m in marked.items()
            if m == "hidden" or good[p] < dom.marked_share * total}


def _plain_scores(dom: DomMain, blocks, verdicts, roots) -> ContainerScores:
    good: dict[str, float] = {}
    bad: dict[str, float] = {}
    desc: dict[str, str] = {}
    banned: set[str] = set()
    for b, v in zip(blocks, verdicts):
        if not (b.path or "").startswith("/"):
            continue
        f = b.features
        units, ld = f.get("units", 0.0), f.get("link_density", 0.0)
        marker = None
        for k, prefix in enumerate(_prefixes(b.path)):
            if prefix in roots:
                marker = (k, roots[prefix])
        if marker and marker[1] == "hidden":
            continue
        if dom.body_like(b):
            g, bd = units * (1.0 - ld), units * ld
        else:
            g, bd = 0.0, units * ld + (dom.short_cost if ld < 1 else 0.0)
        if marker and marker[1] not in ("comment", "header"):
            g, bd = 0.0, bd + g * dom.marked_weight
        if v is not None and not v.keep:
            g, bd = 0.0, bd + g * dom.marked_weight
        under_marker = False
        for k, prefix in enumerate(_prefixes(b.path)):
            if prefix not in desc:
                desc[prefix] = b.context[k] if k < len(b.context) else prefix.rpartition("/")[2]
                good[prefix] = 0.0
                bad[prefix] = 0.0
                m = roots.get(prefix)
                if under_marker or (m and m not in ("header", "comment")):
                    banned.add(prefix)
            under_marker = prefix in banned
            good[prefix] += g
            bad[prefix] += bd
    return ContainerScores(good, bad, desc, banned)


def _plain_plain_units(blocks, elements: set[str]) -> float:
    total = 0.0
    for b in blocks:
        for prefix in _prefixes(b.path):
            if prefix in elements:
                f = b.features
                total += f.get("units", 0.0) * (1.0 - f.get("link_density", 0.0))
                break
    return total


def _plain_thread(dom: DomMain, path: str, sc: ContainerScores, blocks) -> str:
    steps = path.split("/")
    for up in range(min(dom.thread_levels, len(steps) - 2)):
        node = "/".join(steps[: len(steps) - up])
        parent = node.rpartition("/")[0]
        shape = _shape(sc.descriptor[node])
        if " " not in shape:
            continue
        sibs = [p for p in sc.good if p.rpartition("/")[0] == parent and p != node
                and _shape(sc.descriptor[p]) == shape and p not in sc.banned]
        good = sum(sc.good[p] for p in sibs)
        if sibs and good >= dom.min_good / 2 and good >= sum(sc.bad[p] for p in sibs) / 2:
            return parent
        if len(sibs) + 1 >= dom.thread_posts and _markers_of(
                sc.descriptor[node]) in (None, "comment"):
            text = _plain_plain_units(blocks, set(sibs))
            if text >= dom.min_good and text >= sum(sc.bad[p] for p in sibs) / 2:
                return parent
    return path


def _plain_repeated(dom: DomMain, blocks, inside, depth: int, container) -> set[str]:
    counts: dict[tuple[str, str], set[str]] = {}
    texts: dict[tuple[str, str], set[str]] = {}
    nblocks: dict[str, int] = {}
    for b, ins in zip(blocks, inside):
        if not ins:
            continue
        prose = dom.body_like(b)
        f = b.features
        if not prose and f.get("units", 0.0) * (1.0 - f.get("link_density", 0.0)) < 1:
            continue
        for k, prefix in enumerate(_prefixes(b.path)):
            if k + 1 <= depth or k >= len(b.context):
                continue
            shape = _shape(b.context[k])
            if " " not in shape:
                continue
            key = (prefix.rpartition("/")[0], shape)
            texts.setdefault(key, set()).add(prefix)
            nblocks[prefix] = nblocks.get(prefix, 0) + 1
            if prose:
                counts.setdefault(key, set()).add(prefix)
    shapes: dict[str, list[str]] = {}
    for parent, shape in texts:
        shapes.setdefault(parent, []).append(shape)
    out: set[str] = set()
    for (parent, shape), members in texts.items():
        if len(counts.get((parent, shape), ())) < dom.repeated and not (
                parent == container and _markers_of(shape) in (None, "comment")
                and sum(nblocks[m] >= 2 for m in members) >= dom.thread_posts):
            continue
        keys = [(parent, s2) for s2 in shapes[parent] if s2 == shape or _similar(shape, s2)]
        with_prose = set().union(*(counts.get(k, set()) for k in keys))
        out |= with_prose
        if len(with_prose) >= dom.thread_posts or parent == container:
            out |= set().union(*(texts[k] for k in keys))
    return out


def _plain_posts(dom: DomMain, blocks, repeated: set[str]) -> set[str]:
    n: dict[str, int] = {}
    teaser: set[str] = set()
    for b in blocks:
        f = b.features
        headline = (f.get("link_density", 0.0) >= dom.link_list_density
                    and f.get("units", 0.0) >= dom.headline_link_units)
        for prefix in _prefixes(b.path):
            if prefix in repeated:
                n[prefix] = n.get(prefix, 0) + 1
                if headline:
                    teaser.add(prefix)
    per_parent: dict[str, int] = {}
    for p in repeated:
        parent = p.rpartition("/")[0]
        per_parent[parent] = per_parent.get(parent, 0) + 1
    return {p for p in n if n[p] >= 2 and p not in teaser
            and per_parent[p.rpartition("/")[0]] >= dom.thread_posts}


def _plain_in_thread(blocks, posts: set[str]) -> bool:
    if not posts:
        return False
    for b in blocks:
        named = False
        for k, prefix in enumerate(_prefixes(b.path)):
            if named and prefix in posts:
                return True
            if k < len(b.context):
                if _names_thread(b.context[k]):
                    named = True
                elif not named and _markers_of(b.context[k]) == "comment":
                    break
    return False


def _plain_story_units(dom: DomMain, blocks, inside, depth: int, posts=None) -> float:
    total = 0.0
    for b, ins in zip(blocks, inside):
        if ins and dom.body_like(b):
            if posts and any(p in posts for p in _prefixes(b.path)):
                continue
            m = _plain_marker(b.context[depth:])
            if not m or m[1] != "comment":
                total += b.features.get("units", 0.0)
    return total


def _plain_inside(dom: DomMain, b, depth, repeated, roots, has_story):
    prefixes = _prefixes(b.path)
    in_post = any(p in repeated for p in prefixes[depth:])
    in_comment = False
    for k, prefix in enumerate(prefixes):
        if k + 1 <= depth or k >= len(b.context):
            continue
        rule = roots.get(prefix)
        if rule == "comment" and in_post:
            in_comment = True
            continue
        if rule and rule != "header" and prefix not in repeated:
            return Verdict.drop(rule, f"inside a {rule} region of the article container",
                                evidence=b.context[k][:60])
    if (b.features.get("link_density", 0.0) >= dom.link_list_density and not dom.body_like(b)
            and not dom.linked_prose(b)):
        return Verdict.drop("link_list", "mostly link text: a list of links",
                            evidence=f"link density {b.features['link_density']:.2f}")
    if in_post and not (in_comment and has_story):
        return Verdict.body("post", "a post of the thread the container holds")
    return None


def _thread_sets(doc, layout) -> list[set[str]]:
    """Element sets to feed the thread helpers: each parent's children of one shape
    (what _repeated and _thread pick from), so pages without a thread count too."""
    groups: dict[tuple[str, str], set[str]] = {}
    for p, (parent, d) in layout.elements.items():
        if d is not None:
            groups.setdefault((parent, _shape(d)), set()).add(p)
    return [s for s in groups.values() if len(s) >= 2]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_scores_and_thread_helpers_match_the_plain_ones(path):
    dom = DomMain()
    doc, verdicts = _doc(path)
    blocks = list(doc.blocks)
    layout = dom._layout(blocks)
    roots = dom._marked_roots(blocks, layout)
    assert roots == _plain_marked_roots(dom, blocks)
    assert dom._marked_roots(blocks) == roots
    sc = dom.scores(blocks, verdicts, roots, layout)
    plain = _plain_scores(dom, blocks, verdicts, roots)
    assert list(sc.good.items()) == list(plain.good.items())  # same floats, same order
    assert list(sc.bad.items()) == list(plain.bad.items())
    assert sc.descriptor == plain.descriptor
    assert sc.banned == plain.banned
    for p in sc.good:
        if sc.good[p] >= dom.min_good:
            assert dom._thread(p, sc, layout) == _plain_thread(dom, p, sc, blocks)
    for s in _thread_sets(doc, layout):
        assert dom._plain_units(layout, s) == _plain_plain_units(blocks, s)
        assert dom._posts(layout, s) == _plain_posts(dom, blocks, s)
        assert dom._in_thread(layout, s) == _plain_in_thread(blocks, s)
    main = dom.choose(blocks, verdicts, roots, layout)
    if main is None:
        return
    depth = main.count("/")
    inside = [b.path == main or (b.path or "").startswith(main + "/") for b in blocks]
    # every ancestor of the container too: deeper levels, other container choices
    for container in [*_prefixes(main)[1:], main]:
        d = container.count("/")
        ins = [b.path == container or (b.path or "").startswith(container + "/") for b in blocks]
        repeated = dom._repeated(layout, ins, d, container)
        assert repeated == _plain_repeated(dom, blocks, ins, d, container)
        posts = dom._posts(layout, repeated)
        assert posts == _plain_posts(dom, blocks, repeated)
        assert dom._in_thread(layout, posts) == _plain_in_thread(blocks, posts)
        assert dom._story_units(layout, ins, d) == _plain_story_units(dom, blocks, ins, d)
        assert (dom._story_units(layout, ins, d, posts)
                == _plain_story_units(dom, blocks, ins, d, posts))
    repeated = dom._repeated(layout, inside, depth, main)
    for has_story in (False, True):
        for i, b in enumerate(blocks):
            if inside[i]:
                fast = dom._inside(b, layout.lines[i], depth, repeated, roots, has_story)
                assert fast == _plain_inside(dom, b, depth, repeated, roots, has_story)


def _block(i: int, path: str, ctx: tuple[str, ...], units: float = 30.0, ld: float = 0.0) -> Block:
    feats = {"units": units, "link_density": ld, "punct": 3, "full_stop": 2}
    return Block(index=i, text="x", key=f"x{i}", path=path, context=ctx, features=feats)


def test_thread_helpers_on_a_hand_made_thread():
    """Posts in a topic element, one in a comment section, a teaser, a one-line reply."""
    dom = DomMain()
    base = ("html", "body", "div topic")
    blocks = [
        _block(0, "/html/body/div[1]/div[1]/p[1]", (*base, "div post p1", "p")),
        _block(1, "/html/body/div[1]/div[1]/p[2]", (*base, "div post p1", "p")),
        _block(2, "/html/body/div[1]/div[2]/p[1]", (*base, "div post p2", "p")),
        _block(3, "/html/body/div[1]/div[2]/p[2]", (*base, "div post p2", "p"), units=2),
        _block(4, "/html/body/div[1]/div[3]/p[1]", (*base, "div post p3", "p"), ld=0.9),
        _block(5, "/html/body/div[1]/div[3]/p[2]", (*base, "div post p3", "p")),
        _block(6, "/html/body/div[1]/div[4]/p[1]", (*base, "div post first", "p"), units=3),
        _block(7, "/html/body/div[2]/div[1]/p[1]", ("html", "body", "div comments",
                                                     "div thread", "p")),
        _block(8, "/html/body/div[2]/div[1]/p[2]", ("html", "body", "div comments")),
        _block(9, "/html/body/div[1]", ("html", "body", "div topic")),
    ]
    layout = dom._layout(blocks)
    for container in ("/html/body", "/html/body/div[1]", "/html/body/div[2]"):
        d = container.count("/")
        ins = [b.path == container or b.path.startswith(container + "/") for b in blocks]
        repeated = dom._repeated(layout, ins, d, container)
        assert repeated == _plain_repeated(dom, blocks, ins, d, container)
        posts = dom._posts(layout, repeated)
        assert posts == _plain_posts(dom, blocks, repeated)
        assert dom._in_thread(layout, posts) == _plain_in_thread(blocks, posts)
        assert (dom._story_units(layout, ins, d, posts)
                == _plain_story_units(dom, blocks, ins, d, posts))
    for s in [*_thread_sets(None, layout), set(), {"/html/body/div[2]/div[1]"}]:
        assert dom._plain_units(layout, s) == _plain_plain_units(blocks, s)
        assert dom._posts(layout, s) == _plain_posts(dom, blocks, s)
        assert dom._in_thread(layout, s) == _plain_in_thread(blocks, s)
    assert dom._in_thread(layout, {"/html/body/div[1]/div[1]"})
    assert not dom._in_thread(layout, {"/html/body/div[2]/div[1]"})  # a thread of comments


def _plain_markers_of(descriptor: str) -> str | None:
    """``_markers_of`` as it was: the MARKERS entries in order, each token tried."""
    from scrubber.filters.dom import MARKERS, STORY, TAG_MARKERS

    tag, _, rest = descriptor.partition(" ")
    if tag in TAG_MARKERS:
        return TAG_MARKERS[tag]
    if not rest:
        return None
    toks = rest.split(" ")
    if "@hidden" not in toks and (tag in ("body", "html") or any(t in STORY for t in toks)):
        return None
    for rule, words in MARKERS:
        for t in toks:
            if t in words:
                return rule
    return None


def _varied_descriptors() -> list[str]:
    """Every descriptor of the fixture pages, and made-up ones mixing marker words of
    several rules, story words, ``@hidden``, empty tokens and marker tags."""
    from scrubber.filters.dom import MARKERS, STORY, TAG_MARKERS

    out = {d for path in PAGES for b in _doc(path)[0].blocks for d in b.context}
    words = sorted({w for _, ws in MARKERS for w in ws}) + sorted(STORY) + ["x", "", "@hidden"]
    tags = ["div", "body", "html", "section", "main", *TAG_MARKERS]
    for i, w in enumerate(words):
        for j, tag in enumerate(tags):
            w2 = words[(i * 7 + j * 3) % len(words)]
            w3 = words[(i * 11 + j) % len(words)]
            out |= {f"{tag} {w}", f"{tag} {w} {w2}", f"{tag} {w2} {w} {w3}", f"{tag} {w3}  {w}"}
    return sorted(out)


def test_markers_of_matches_the_plain_rule_order():
    from scrubber.filters.dom import _markers_of

    ds = _varied_descriptors()
    assert len(ds) > 1000
    assert sum(_plain_markers_of(d) is not None for d in ds) > 300  # many of them mark
    for d in ds:
        assert _markers_of(d) == _plain_markers_of(d), d


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_layout_children_match_the_split_paths(path):
    from scrubber.filters.dom import _children

    dom = DomMain()
    doc, verdicts = _doc(path)
    layout = dom._layout(doc.blocks)
    assert layout.children == _children(layout.elements)  # same lists, same order
    sc = dom.scores(doc.blocks, verdicts, None, layout)
    assert dom._kids(sc, layout) == _children(sc.good)


def test_scores_keep_the_children_they_start():
    """The children the scores give (``DomMain._kids``) are ``_children(good)`` on
    every fixture page: the layout's own, made from the element index when first
    asked for, without hidden regions (``layout_order``, ``children`` left
    ``None``); filled by the compiled starts with them."""
    from scrubber.filters.dom import _COMPILED_STARTS, _children

    if _COMPILED_STARTS is None:
        pytest.skip("the compiled module is not built")
    dom = DomMain()
    started = in_order = 0
    for page in PAGES:
        doc, verdicts = _doc(page)
        layout = dom._layout(doc.blocks)
        sc = dom.scores(doc.blocks, verdicts, dom._marked_roots(doc.blocks, layout), layout)
        kids = DomMain._kids(sc, layout)
        assert kids == _children(sc.good), page.name  # same lists, same order
        if sc.layout_order:
            assert sc.children is None and kids is layout.children
            in_order += 1
        else:
            started += sc.children is not None and sc.children is not layout.children
    assert started  # some fixture pages have hidden regions: the compiled starts ran
    assert in_order  # and the others are the layout's order


def test_body_flags_are_body_like_block_by_block():
    """``DomMain.body_flags`` (``body_like`` inlined) on fixture pages and on
    made-up features at and around every threshold, NaN included."""
    import itertools

    from scrubber.filters.dom import DomMain
    from scrubber.model import Block

    dm = DomMain()
    values = {
        "units": [None, 0.0, 4.9, 5.0, 9.9, 10.0, 10.5, 20.0, 200.0],
        "link_density": [None, 0.0, 0.05, 0.49, 0.5, 0.51, 1.0, float("nan")],
        "punct": [None, 0, 1, 2],
        "full_stop": [None, 0, 1, True, False],
    }
    blocks = []
    for combo in itertools.product(*values.values()):
        f = {k: x for k, x in zip(values, combo) if x is not None}
        blocks.append(Block(index=len(blocks), text="x", key="x", features=f))
    for page in PAGES:
        blocks += _doc(page)[0].blocks
    assert len(blocks) > 1440 + 400  # the made-up blocks and the pages' own
    for region in (dm, DomMain(min_units=6.0, link_list_density=0.3)):
        flags = region.body_flags(blocks)
        assert flags == [region.body_like(b) for b in blocks]
        assert all(type(x) is bool for x in flags)

    class Strict(DomMain):
        def body_like(self, block):
            return False

    assert Strict().body_flags(blocks[:5]) == [False] * 5


def _compiled_best(dom: DomMain, sc: ContainerScores):
    from scrubber.filters import dom as dom_module

    compiled = dom_module._COMPILED_BEST
    if compiled is None:
        pytest.skip("the compiled module is not built")
    args = (sc.good, sc.bad, sc.descriptor, sc.banned, dom.min_good, dom.bad_weight,
            dom.positive_boost, dom.only_article_boost, dom_module._score_kind)
    by_callback = compiled(*args)
    by_c = compiled(*args, dom_module._markers_of, dom_module.POSITIVE)  # (the kinds in C)
    assert by_c == by_callback
    return by_c


def test_compiled_score_kind_is_the_reference():
    """``_cwalk.score_kind`` (what ``best_container`` works out per candidate) is
    ``_score_kind`` on every descriptor of the fixture pages and made-up ones
    (marker, story and positive words, ``@hidden``, empty tokens, tags alone)."""
    from scrubber.filters import dom as dom_module

    compiled = getattr(dom_module.COMPILED, "score_kind", None)
    if compiled is None:
        pytest.skip("the compiled module is not built")
    positive = sorted(dom_module.POSITIVE)
    ds = _varied_descriptors() + [f"div {w}" for w in positive] + [
        "article", "main", "main x", "article@hidden", "div  content", "div content ",
        "div  ", "", " ", "div x-content", "section post @hidden", "mainx", "div articles"]
    kinds = {compiled(d, dom_module._markers_of, dom_module.POSITIVE) for d in ds}
    for d in ds:
        assert compiled(d, dom_module._markers_of, dom_module.POSITIVE) == \
            dom_module._score_kind.__wrapped__(d), d
    assert kinds == {0, 1, 2}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_choose_loop_matches_the_plain_one(path):
    """Every fixture page, with the body flags of both readings (sentences, and the
    plain lines of the second reading) and with settings that move the choice."""
    doc, verdicts = _doc(path)
    for dom in (DomMain(), DomMain(min_good=5.0, bad_weight=3.0, positive_boost=2.0),
                DomMain(only_article_boost=50.0, min_good=0.0)):
        layout = dom._layout(doc.blocks)
        plain = replace(layout, body=[dom.plain_like(b) for b in layout.blocks])
        for lay in (layout, plain):
            roots = dom._marked_roots(lay.blocks, lay)
            sc = dom.scores(lay.blocks, verdicts, roots, lay)
            assert _compiled_best(dom, sc) == dom._best(sc)


def test_compiled_choose_loop_on_made_up_scores():
    """Ties, the one <article>, hidden and banned elements, boosts of negative
    scores, and a descriptor that is not a str (handed back to the reference)."""
    dom = DomMain()

    def sc(rows, banned=()):
        good = {p: g for p, g, _, _ in rows}
        bad = {p: b for p, _, b, _ in rows}
        desc = {p: d for p, _, _, d in rows}
        return ContainerScores(good, bad, desc, set(banned))

    cases = [
        [("/a", 30.0, 0.0, "div"), ("/b", 30.0, 0.0, "div")],  # a tie: the first wins
        [("/a", 30.0, 0.0, "div"), ("/b", 26.0, 0.0, "article")],  # the one article
        [("/a", 30.0, 0.0, "div"), ("/b", 26.0, 0.0, "article"), ("/c", 1.0, 0.0, "article x")],
        [("/a", 30.0, 0.0, "div"), ("/b", 26.0, 0.0, "articles")],  # not <article>
        [("/a", 30.0, 0.0, "div"), ("/b", 26.0, 0.0, "div content")],  # token boost
        [("/a", 30.0, 40.0, "main"), ("/b", 21.0, 0.0, "div")],  # negative base, boosted
        [("/a", 90.0, 0.0, "div @hidden"), ("/b", 21.0, 0.0, "div")],  # hidden
        [("/a", 19.9, 0.0, "article"), ("/b", 20.0, 0.0, "p")],  # under min_good
        [("/a", 30.0, 30.0, "div")],  # a score of 0 is no container
        [("/a", float("nan"), 0.0, "div"), ("/b", 25.0, 0.0, "div")],
    ]
    for rows in cases:
        s = sc(rows)
        assert _compiled_best(dom, s) == dom._best(s), rows
    banned = sc([("/a", 90.0, 0.0, "article"), ("/b", 21.0, 0.0, "div")], banned=["/a"])
    assert _compiled_best(dom, banned) == dom._best(banned) == "/b"
    assert _compiled_best(dom, sc(cases[1])) == "/b"  # (26 * 1.25 * 1.25 > 30)
    odd = sc([("/a", 30.0, 0.0, ("div",))])
    assert _compiled_best(dom, odd) is False


def _fast_and_plain(twin: str, call):
    """``call()`` with the compiled twin ``filters.dom.<twin>`` and without it."""
    import scrubber.filters.dom as dom_module

    fast = call()
    saved = getattr(dom_module, twin)
    setattr(dom_module, twin, None)
    try:
        plain = call()
    finally:
        setattr(dom_module, twin, saved)
    return fast, plain


def _members_both_ways(layout, inside, depth):
    """``DomMain._repeated_members`` by the compiled loop and by the reference."""
    return _fast_and_plain("_COMPILED_REPEATED",
                           lambda: DomMain._repeated_members(layout, inside, depth))


def _same_members(fast, plain) -> None:
    for got, want in zip(fast, plain):  # same keys in the same order, same members
        assert list(got.items()) == list(want.items())


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_repeated_loop_matches_the_plain_one(path):
    """Every fixture page, at every level from the page's root to each block's element,
    with the body flags of both readings."""
    import scrubber.filters.dom as dom_module

    if dom_module._COMPILED_REPEATED is None:
        pytest.skip("the compiled walk is not built")
    doc, _ = _doc(path)
    dom = DomMain()
    layout = dom._layout(doc.blocks)
    plain = replace(layout, body=[dom.plain_like(b) for b in layout.blocks])
    containers = sorted({p for line in layout.lines for p in line[:-1]})
    for lay in (layout, plain):
        for container in ["", *containers]:
            d = container.count("/")
            ins = [b.path == container or (b.path or "").startswith(container + "/")
                   for b in lay.blocks]
            _same_members(*_members_both_ways(lay, ins, d))


def test_compiled_repeated_loop_on_odd_blocks():
    """Contexts shorter than the path, a list for a context, a bare-tag shape
    (``tr 3`` shapes to ``tr``), blocks without a path, and the root as container
    (depth 0 reads ``line[-1]`` as the parent, as the reference does)."""
    import scrubber.filters.dom as dom_module

    if dom_module._COMPILED_REPEATED is None:
        pytest.skip("the compiled walk is not built")
    base = ("html", "body", "div topic")
    blocks = [
        _block(0, "/html/body/div[1]/div[1]/p[1]", (*base, "div post p1", "p")),
        _block(1, "/html/body/div[1]/div[2]/p[1]", (*base, "div post p2", "p"), units=0.5),
        _block(2, "/html/body/div[1]/div[3]/p[1]", [*base, "div post p3", "p"], ld=0.99),
        _block(3, "/html/body/div[1]/div[4]", (*base,)),
        _block(4, "/html/body/div[1]/tr[1]", (*base, "tr 3")),
        _block(5, "line 6", ()),
        _block(6, "/html/body/div[1]/div[5]/p[1]", (*base, "div post p5", "p"), units=2.0),
        # the element of block 0 again, with another descriptor (the loop reads an
        # element's key once, and must not take it for this block)
        _block(7, "/html/body/div[1]/div[1]/p[2]", (*base, "div reply r1", "p")),
        _block(8, "/html/body/div[1]/div[6]/p[1]", (*base, "div reply r2", "p")),
    ]
    dom = DomMain()
    layout = dom._layout(blocks)
    for container in ("", "/html", "/html/body", "/html/body/div[1]"):
        d = container.count("/")
        ins = [b.path == container or b.path.startswith(container + "/") for b in blocks]
        fast, plain = _members_both_ways(layout, ins, d)
        _same_members(fast, plain)
    fast, _ = _members_both_ways(layout, [True] * len(blocks), 0)
    assert ("/html/body/div[1]", "div post") in fast[1]  # post p1..p5, numbers dropped
    assert fast[1][("/html/body/div[1]", "div reply")] == {
        "/html/body/div[1]/div[1]", "/html/body/div[1]/div[6]"}
    # the root as container with a root of tokens: each block's own element is
    # the "parent" of the root there, so the root's key changes from block to block
    rooted = [replace(b, context=("html theme-dark", *b.context[1:]))
              for b in (blocks[0], blocks[6], blocks[7])]
    lay = dom._layout(rooted)
    fast, plain = _members_both_ways(lay, [True] * len(rooted), 0)
    _same_members(fast, plain)
    assert len([k for k in fast[1] if k[1] == "html theme-dark"]) == 3


def _body_outside_both_ways(dom, doc, verdicts, main):
    return _fast_and_plain("_COMPILED_BODY_OUTSIDE",
                           lambda: dom._body_outside(doc, verdicts, main))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_body_outside_matches_the_plain_one(path):
    """Every fixture page, with every element as the container, with the
    filters' verdicts and with none."""
    import scrubber.filters.dom as dom_module

    if dom_module._COMPILED_BODY_OUTSIDE is None:
        pytest.skip("the compiled walk is not built")
    doc, verdicts = _doc(path)
    dom = DomMain()
    elements = sorted({p for b in doc.blocks for p in _plain_line(b.path)})
    for main in ["", "/", *elements]:
        for vs in (verdicts, [None] * len(doc.blocks)):
            fast, plain = _body_outside_both_ways(dom, doc, vs, main)
            assert fast == plain, main


def test_compiled_body_outside_on_odd_blocks():
    """Blocks without a path, an empty container path, a path that only starts
    like the container (``div[1]0``), sidebars and dialogs, NaN link density,
    settings that move the thresholds, and verdicts shorter than the blocks."""
    import scrubber.filters.dom as dom_module
    from scrubber.filters.context import MainRegion

    if dom_module._COMPILED_BODY_OUTSIDE is None:
        pytest.skip("the compiled walk is not built")
    prose = {"units": 40.0, "link_density": 0.0, "punct": 3, "full_stop": 2}
    cases = [
        [Block(index=0, text="x", key="x", path=None, context=(), features=prose)],
        [Block(index=0, text="x", key="x", path="", context=(), features=prose)],
        [Block(index=0, text="x", key="x", path="/a/div[1]0", context=("div",), features=prose)],
        [Block(index=0, text="x", key="x", path="/a/div[1]/p", context=("div",), features=prose)],
        [Block(index=0, text="x", key="x", path="/b", context=("aside",), features=prose)],
        [Block(index=0, text="x", key="x", path="/b", context=("div cookie-consent",),
               features=prose)],
        [Block(index=0, text="x", key="x", path="/b", context=("div",),
               features={**prose, "link_density": float("nan")})],
        [Block(index=0, text="x", key="x", path="/b", context=("div",),
               features={"units": 12.0, "ends_sentence": True})],
        [Block(index=0, text="x", key="x", path="/b", context=("div",),
               features={"units": 30, "punct": 2})],
    ]
    # at each threshold of the second settings below, and just under it
    for units, feats in ((50.0, {"full_stop": 1}), (5.0, {"ends_sentence": True}),
                         (100.0, {"punct": 2})):
        for u in (units, units - 0.01):
            cases.append([Block(index=0, text="x", key="x", path="/b", context=("div",),
                                features={"units": u, **feats})])
    doms = [DomMain(), DomMain(text_reading=MainRegion(sentence_units=50.0, exclaim_units=5.0,
                                                        long_units=100.0))]
    seen = set()
    for blocks in cases:
        doc = Document(blocks=tuple(blocks), kind="html")
        for dom in doms:
            for main in ("", "/a/div[1]", "/b"):
                for vs in ([None], [], [Verdict.drop("nav", "x")]):
                    fast, plain = _body_outside_both_ways(dom, doc, vs, main)
                    assert fast == plain, (blocks[0].path, main, vs)
                    seen.add(fast)
    assert seen == {True, False}  # the cases reach both answers


def _verdicts_both_ways(dom, *args):
    """``DomMain._block_verdicts`` by the compiled loop and by the reference."""
    return _fast_and_plain("_COMPILED_VERDICTS", lambda: dom._block_verdicts(*args))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_block_verdicts_match_the_plain_ones(path):
    """Every fixture page, with each element as the container: its own repeated
    elements and marked roots, and made-up ones (every ancestor repeated, every
    element marked as a comment, a nav or a header region); the filters'
    verdicts and none; with and without a story, a lead and a title window."""
    import scrubber.filters.dom as dom_module

    if dom_module._COMPILED_VERDICTS is None:
        pytest.skip("the compiled walk is not built")
    doc, verdicts = _doc(path)
    dom = DomMain()
    layout = dom._layout(doc.blocks)
    blocks = layout.blocks
    roots = dom._marked_roots(blocks, layout)
    elements = sorted({p for line in layout.lines for p in line})
    every = set(elements)
    runs = 0
    for main in elements[:: max(1, len(elements) // 12)]:
        inside = [b.path == main or (b.path or "").startswith(main + "/") for b in blocks]
        if True not in inside:
            continue
        depth = main.count("/")
        first_in = inside.index(True)
        repeated = dom._repeated(layout, inside, depth, main)
        for rep, rts in ((repeated, roots), (every, dict.fromkeys(every, "comment")),
                         (set(), dict.fromkeys(every, "nav")),
                         ({elements[-1]}, dict.fromkeys(every, "header"))):
            for vs in (verdicts, [None] * len(blocks)):
                for story, lead, top in ((True, set(), first_in),
                                         (False, {max(0, first_in - 1)}, len(blocks))):
                    args = (blocks, list(vs), inside, layout.lines, depth, rep, rts, story,
                            first_in + 1, lead, top, main)
                    fast, plain = _verdicts_both_ways(dom, *args)
                    assert fast == plain, (main, sorted(rep)[:3])
                    runs += 1
    assert runs


def test_compiled_block_verdicts_on_odd_blocks():
    """Hidden descriptors (innermost, outermost, only in the middle of a word),
    a table row a rule called a menu, linked prose and link lists inside and
    outside, headings at the top, NaN and integer features, verdicts shorter
    than the blocks, and a subclass (plain loop)."""
    import scrubber.filters.dom as dom_module
    from scrubber.model import Role

    if dom_module._COMPILED_VERDICTS is None:
        pytest.skip("the compiled walk is not built")
    prose = {"units": 40.0, "link_density": 0.0, "punct": 3, "full_stop": 2}
    links = {"units": 40.0, "link_density": 0.8, "punct": 0}
    linked_prose = {"units": 40.0, "link_density": 0.7, "punct": 3}

    def blk(i, path, ctx, feats, role=Role.PARAGRAPH):
        return Block(index=i, text="x", key="x", path=path, context=ctx, features=feats,
                     role=role)

    blocks = [
        blk(0, "/a/div[1]", ("div nav",), links, Role.TITLE),
        blk(1, "/a/div[2]/h2", ("div main", "h2"), links, Role.HEADING),
        blk(2, "/a/div[2]/p[1]", ("div main", "p x@hidden"), prose),
        blk(3, "/a/div[2]/p[2]", ("div x@hidden", "p"), prose),
        blk(4, "/a/div[2]/p[3]", ("div main", "p x@hiddenish"), prose),
        blk(5, "/a/div[2]/table/tr", ("div main", "table", "tr"), prose, Role.TABLE_ROW),
        blk(6, "/a/div[2]/p[4]", ("div main", "p"), linked_prose),
        blk(7, "/a/div[2]/p[5]", ("div main", "p"), links),
        blk(8, "/a/div[3]", ("footer",), prose),
        blk(9, "/a/div[4]", ("div",), links),
        blk(10, "/a/div[5]", ("div",), {"units": 3, "link_density": float("nan")}),
        blk(11, "/a/div[6]", ("div",), {"units": 30, "link_density": 1}),
        blk(12, "/a/div[7]", ("div",), prose, Role.TITLE),
    ]
    lines = [_plain_line(b.path) for b in blocks]
    inside = [b.path.startswith("/a/div[2]") for b in blocks]
    main = "/a/div[2]"
    nav = Verdict.drop("nav", "a menu")
    runs = []
    for vs in ([None] * len(blocks), [None, None, nav, None, None, nav, None] + [None] * 6,
               [None] * 4):
        for first_body, top in ((0, 0), (len(blocks), len(blocks))):
            for dom in (DomMain(), DomMain(keep_title=False)):
                args = (blocks, vs, inside, lines, 2, {"/a/div[2]/p[4]"},
                        {"/a/div[2]": "header"}, False, first_body, {9}, top, main)
                fast, plain = _verdicts_both_ways(dom, *args)
                assert fast == plain, (vs, first_body, top)
                runs.append(fast)
    rules = {v.rule for out in runs for v in out if v is not None}
    assert {"hidden", "table_row", "title", "link_list", "footer", "lead", "post",
            "outside_main"} <= rules

    class Mine(DomMain):
        def _outside(self, b, main, memo=None, marks=None):
            return Verdict.drop("mine", "mine")

    out = Mine()._block_verdicts(blocks, [None] * len(blocks), inside, lines, 2, set(), {},
                                 False, 0, set(), 0, main)
    assert out[8].rule == "mine"  # the subclass's own _outside, by the plain loop


def test_compiled_hidden_all_matches_the_plain_one():
    """``_hidden_all`` by the compiled loop and by the reference: every fixture
    page (all blocks, and every other one), and contexts with ``@hidden`` at
    the end of a descriptor, only inside one, or split across two."""
    import scrubber.filters.dom as dom_module
    from scrubber.filters.dom import _hidden_all

    if dom_module._COMPILED_HIDDEN is None:
        pytest.skip("the compiled walk is not built")
    odd = [Block(index=i, text="x", key="x", path="/a", context=ctx) for i, ctx in enumerate([
        ("div", "p x@hidden"), ("div x@hidden", "p y@hidden"), ("div x@hiddenish",),
        ("div x@", "hidden p"), (), ("div",)])]
    docs = [_doc(p)[0] for p in PAGES] + [Document(blocks=tuple(odd), kind="html")]
    found = 0
    for doc in docs:
        for todo in (list(range(len(doc.blocks))), list(range(0, len(doc.blocks), 2))):
            fast, plain = _fast_and_plain("_COMPILED_HIDDEN",
                                          lambda d=doc, t=todo: _hidden_all(d, t))
            assert fast == plain
            found += len(fast)
    assert found
    assert set(_hidden_all(docs[-1], list(range(6)))) == {0, 1}


@pytest.mark.parametrize("path", PAGES[::3], ids=lambda p: p.name)
def test_layout_marks_hold_the_markers_and_change_no_pass(path):
    """The document's markers of descriptors (``_Layout.marks``), which
    ``_marked_roots`` fills and ``_block_verdicts`` reads, are ``_markers_of``
    of each descriptor; a layout with them gives the marked roots and verdicts
    of a fresh one."""
    doc, verdicts = _doc(path)
    dom = DomMain()
    layout = dom._layout(doc.blocks)
    roots = dom._marked_roots(layout.blocks, layout)
    assert all(_markers_of(d) == m for d, m in layout.marks.items())
    fresh = dom._layout(doc.blocks)
    assert dom._marked_roots(fresh.blocks, replace(fresh, marks={})) == roots
    # the whole pass with the compiled loops that share the marks, and with the
    # Python ones (each reads markers on its own): the same verdicts
    fast, plain = _fast_and_plain("_COMPILED_VERDICTS", lambda: dom(doc, list(verdicts)))
    assert fast == plain
    import scrubber.filters.dom as dom_module

    saved = dom_module._COMPILED_MARKED
    dom_module._COMPILED_MARKED = None
    try:
        assert dom(doc, list(verdicts)) == fast
    finally:
        dom_module._COMPILED_MARKED = saved


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_end_candidates_match_the_plain_ones(path):
    """``ArticleEnd._candidates`` by the compiled loop and by the reference, on
    every fixture page: with the filters' verdicts, with none, and with every
    third block made a marker (dropping, keeping, and dropping at the start)."""
    import scrubber.filters.context as context_module
    from scrubber.filters.context import ArticleEnd

    if context_module._COMPILED_END is None:
        pytest.skip("the compiled walk is not built")
    doc, verdicts = _doc(path)
    marker = Verdict(False, "related", "r", marks_end=True)
    kept_marker = Verdict(True, "related", "r", marks_end=True)
    cases = [list(verdicts), [None] * len(doc.blocks),
             [marker if i % 3 == 1 else (kept_marker if i % 3 == 2 else v)
              for i, v in enumerate(verdicts)],
             [marker] + [None] * (len(doc.blocks) - 1)]
    seen = 0
    for vs in cases:
        fast = context_module._COMPILED_END(doc.blocks, vs)
        plain = ArticleEnd._candidates_py(doc, vs)
        assert fast[0] == plain[0] and fast[2] == plain[2]
        assert fast[1] == plain[1] and type(fast[1]) is float
        seen += len(fast[2])
    assert seen


def _all_twins_off(twins: tuple[str, ...], call):
    """``call()`` with the compiled twins ``filters.dom.<twin>`` and without any of them."""
    import scrubber.filters.dom as dom_module

    fast = call()
    saved = [getattr(dom_module, t) for t in twins]
    for t in twins:
        setattr(dom_module, t, None)
    try:
        plain = call()
    finally:
        for t, v in zip(twins, saved):
            setattr(dom_module, t, v)
    return fast, plain


_SUM_TWINS = ("_COMPILED_AGREE", "_COMPILED_GOOD", "_COMPILED_PLAIN_LINES", "_COMPILED_KEPT")
_THREAD_TWINS = ("_COMPILED_STORY", "_COMPILED_POSTS", "_COMPILED_THREAD")


def _needs_twins(*twins: str) -> None:
    import scrubber.filters.dom as dom_module

    if any(getattr(dom_module, t) is None for t in twins):
        pytest.skip("the compiled walk is not built")


def _container_sums(dom: DomMain, doc, verdicts, main: str) -> tuple:
    """What dom_main adds up about a container: its body units in both readings'
    layouts, the units the text reading finds (all, and inside), the plain
    lines and the reading's share of them, and the sparse reading's verdicts."""
    blocks = list(doc.blocks)
    layout = dom._layout(blocks)
    plain = replace(layout, body=[dom.plain_like(b) for b in blocks])
    reading = ArticleEnd()(doc, dom.text_reading(doc, verdicts))
    import scrubber.filters.dom as dom_module

    if dom_module._COMPILED_AGREE is not None:
        agree = dom_module._COMPILED_AGREE(
            blocks, reading, main, dom.text_reading.sentence_units,
            dom.text_reading.exclaim_units, dom.text_reading.long_units,
            dom_module._beside_story)
    else:
        agree = dom._agree_units_py(blocks, reading, main)
    inside = [b.path == main or (b.path or "").startswith(main + "/") for b in blocks]
    return (dom._good_of(layout, main), dom._good_of(plain, main), agree,
            dom._agrees(doc, verdicts, main), dom._sparse_reading(doc, list(verdicts), inside))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_container_sums_match_the_plain_ones(path):
    """Every fixture page, with every element as the container, with the filters'
    verdicts and with none: the same floats (added in block order) and the same
    answers from the compiled sums as from their references."""
    _needs_twins(*_SUM_TWINS)
    doc, verdicts = _doc(path)
    dom = DomMain()
    agree_ref = DomMain._agree_units_py
    elements = sorted({p for b in doc.blocks for p in _plain_line(b.path)})
    for main in ["", *elements]:
        for vs in (verdicts, [None] * len(doc.blocks)):
            fast, plain = _all_twins_off(
                _SUM_TWINS, lambda: _container_sums(dom, doc, vs, main))  # noqa: B023
            assert fast == plain, main
            reading = ArticleEnd()(doc, dom.text_reading(doc, vs))
            assert fast[2] == agree_ref(dom, doc.blocks, reading, main)


def test_compiled_container_sums_on_odd_blocks():
    """Blocks without a path or with an empty one, a path that only starts like the
    container (``div[1]0``), contexts as lists, sidebars and dialogs, NaN link
    density, integer and missing features, settings that move the thresholds,
    and verdicts shorter than the blocks."""
    _needs_twins(*_SUM_TWINS)
    import scrubber.filters.dom as dom_module
    from scrubber.filters.context import MainRegion

    prose = {"units": 40.0, "link_density": 0.0, "punct": 3, "full_stop": 2}
    specs = [
        (None, ("div",), prose), ("", ("div",), prose), ("/a/div[1]0", ("div",), prose),
        ("/a/div[1]/p", ["div", "p"], prose), ("/a/div[1]", ("aside",), prose),
        ("/a/div[1]/p[2]", ("div cookie-consent", "p"), prose),
        ("/a/div[1]/p[3]", ("div",), {**prose, "link_density": float("nan")}),
        ("/a/div[1]/p[4]", ("div",), {"units": 12.0, "ends_sentence": True}),
        ("/a/div[1]/p[5]", ("div",), {"units": 30, "punct": 2, "full_stop": 1}),
        ("/a/div[1]/p[6]", ("div",), {}),
        ("/a/div[1]/p[7]", ("div",), {"units": 7.5, "link_density": 0.15, "full_stop": 1}),
        ("/b/p", ("div", "p"), {"units": 2e300, "punct": 5, "full_stop": 1}),
        ("/b/p[2]", ("div", "p"), {"units": 0.1, "punct": 5, "full_stop": 1}),
    ]
    blocks = [Block(index=i, text="x.", key="x", path=p, context=c, features=f)
              for i, (p, c, f) in enumerate(specs)]
    doms = [DomMain(), DomMain(sparse_min_units=0.0, sparse_share=0.9,
                               text_reading=MainRegion(sentence_units=50.0, exclaim_units=5.0,
                                                       long_units=100.0)),
            DomMain(link_list_density=0.1)]
    seen = set()
    for n in (len(blocks), 5, 1):
        doc = Document(blocks=tuple(blocks[:n]), kind="html")
        for dom in doms:
            for main in ("", "/a", "/a/div[1]", "/b"):
                for vs in ([None] * n, [None, Verdict.drop("nav", "x")] * n, [None]):
                    vs = vs[:n]
                    layout = dom._layout(list(doc.blocks))
                    fast, plain = _all_twins_off(
                        _SUM_TWINS, lambda: (dom._good_of(layout, main),  # noqa: B023
                                             dom._agrees(doc, vs, main)))  # noqa: B023
                    assert fast == plain, (n, main, vs)
                    got = dom_module._COMPILED_AGREE(
                        list(doc.blocks), vs, main, dom.text_reading.sentence_units,
                        dom.text_reading.exclaim_units, dom.text_reading.long_units,
                        dom_module._beside_story)
                    assert got == dom._agree_units_py(doc.blocks, vs, main)
                    seen.add(got[1] > 0)
                    inside = [True] * n
                    for bs in (doc.blocks, list(doc.blocks)):  # (a tuple read in place too)
                        got = dom_module._COMPILED_PLAIN_LINES(bs, vs, inside,
                                                               dom.link_list_density)
                        assert got == dom._plain_lines_py(doc.blocks, vs, inside)
                    fast, plain = _all_twins_off(
                        _SUM_TWINS, lambda: dom._sparse_reading(doc, vs, inside))  # noqa: B023
                    assert fast == plain
    assert seen == {True, False}  # both some and no body text inside the container


def _thread_answers(dom: DomMain, layout, inside, depth: int, posts) -> tuple:
    return (dom._story_units(layout, inside, depth), dom._story_units(layout, inside, depth, posts),
            dom._posts(layout, posts), dom._in_thread(layout, posts))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_compiled_thread_loops_match_the_plain_ones(path):
    """Every fixture page: ``_story_units``, ``_posts`` and ``_in_thread`` by the
    compiled loops and by their references, for each set of same-shaped
    siblings as the posts and each of their parents as the container."""
    _needs_twins(*_THREAD_TWINS)
    doc, _ = _doc(path)
    dom = DomMain()
    layout = dom._layout(list(doc.blocks))
    for s in [*_thread_sets(doc, layout), set()]:
        containers = {p.rpartition("/")[0] for p in s} | {""}
        for main in sorted(containers):
            depth = main.count("/")
            ins = [b.path == main or (b.path or "").startswith(main + "/") for b in doc.blocks]
            fast, plain = _all_twins_off(
                _THREAD_TWINS, lambda: _thread_answers(dom, layout, ins, depth, s))  # noqa: B023
            assert fast == plain, main


def test_compiled_thread_loops_on_odd_blocks():
    """Contexts shorter than the path and as lists, a container deeper than a
    block's context, comment regions above and below a thread, posts as a
    frozenset (left to the reference), marks as a plain dict, headlines at
    their thresholds, NaN and integer features."""
    _needs_twins(*_THREAD_TWINS)
    import scrubber.filters.dom as dom_module

    base = ("html", "body", "div topic")
    blocks = [
        _block(0, "/html/body/div[1]/div[1]/p[1]", (*base, "div post p1", "p")),
        _block(1, "/html/body/div[1]/div[2]/p[1]", [*base, "div post p2", "p"], ld=0.5),
        _block(2, "/html/body/div[1]/div[3]/p[1]", (*base,), units=15.0, ld=0.5),
        _block(3, "/html/body/div[1]/div[3]/p[2]", (*base, "div post p3"), ld=float("nan")),
        _block(4, "/html/body/div[2]/div[1]/p[1]", ("html", "body", "div comments",
                                                     "div topic", "div post", "p")),
        _block(5, "/html/body/div[2]/div[2]/p[1]", ("html", "body", "div forum",
                                                     "div comment", "p")),
        _block(6, "line 7", ()),
        _block(7, "/html/body/div[1]/div[4]/p[1]", (*base, "div post p4", "p"), units=3),
    ]
    blocks[6].features["units"] = 4  # an integer
    dom = DomMain()
    layout = dom._layout(blocks)
    sets = [{"/html/body/div[1]/div[1]", "/html/body/div[1]/div[2]", "/html/body/div[1]/div[3]"},
            {"/html/body/div[2]/div[1]"}, {"/html/body/div[2]/div[2]"},
            {"/html/body/div[1]/div[4]", "/html/body/div[2]/div[1]"}, set()]
    for s in sets:
        for main in ("", "/html/body", "/html/body/div[1]", "/html/body/div[1]/div[3]/p[2]/x"):
            depth = main.count("/")
            ins = [b.path == main or b.path.startswith(main + "/") for b in blocks]
            for posts in (s, frozenset(s)):
                fast, plain = _all_twins_off(
                    _THREAD_TWINS,
                    lambda: _thread_answers(dom, layout, ins, depth, posts))  # noqa: B023
                assert fast == plain, (s, main)
            bare = replace(layout, marks={d: _markers_of(d) for b in blocks for d in b.context})
            fast, plain = _all_twins_off(
                _THREAD_TWINS, lambda: _thread_answers(dom, bare, ins, depth, s))  # noqa: B023
            assert fast == plain, (s, main)
    got = dom_module._COMPILED_POSTS(blocks, layout.lines, sets[0], 0.5, 15.0)
    assert got[0] == {"/html/body/div[1]/div[1]": 1, "/html/body/div[1]/div[2]": 1,
                      "/html/body/div[1]/div[3]": 2}
    # half links from 15 units on: headlines (30 units in p2, 15 in p3), whatever their context
    assert got[1] == {"/html/body/div[1]/div[2]", "/html/body/div[1]/div[3]"}
    assert dom._in_thread(layout, sets[0])
    assert not dom._in_thread(layout, sets[1])  # a topic inside a comment section
    with pytest.raises(TypeError):
        dom_module._COMPILED_THREAD(blocks, layout.lines, sets[0], _names_thread, [],
                                    _markers_of)  # (marks that are not a dict)


def test_compiled_thread_siblings_match_the_plain_ones():
    """``_cwalk.thread_siblings`` against ``DomMain._siblings_py`` for every parent's
    children on every fixture page, each child in turn as the node (the same
    siblings, the same floats), and ``_thread`` the same with it and without it
    for every element that could be the container."""
    _needs_twins("_COMPILED_SIBLINGS")
    import scrubber.filters.dom as dom_module

    dom = DomMain()
    compared = 0
    for path in PAGES:
        doc, verdicts = _doc(path)
        layout = dom._layout(doc.blocks)
        sc = dom.scores(layout.blocks, verdicts, dom._marked_roots(layout.blocks, layout),
                        layout)
        for children in DomMain._kids(sc, layout).values():
            for node in children[:6]:
                shape = _shape(sc.descriptor[node])
                got = dom_module._COMPILED_SIBLINGS(children, node, shape, sc.descriptor,
                                                    sc.banned, sc.good, sc.bad, _shape)
                want = DomMain._siblings_py(children, node, shape, sc)
                assert got[0] == want[0] and float.hex(got[1]) == float.hex(want[1])
                assert float.hex(got[2]) == float.hex(want[2])
                compared += bool(got[0])
        for p in sc.good:
            fast, plain = _fast_and_plain("_COMPILED_SIBLINGS",
                                          lambda: dom._thread(p, sc, layout))  # noqa: B023
            assert fast == plain, (path.name, p)
    assert compared > 50  # (same-shaped siblings on many pages)


def _choices(dom: DomMain, lay, verdicts, roots, monkeypatch) -> tuple:
    """``dom.choose`` on ``lay``: through ``_cwalk.index_choose`` (and whether it
    answered), and through the reference (``scores``, ``best_container``,
    ``_thread``)."""
    from scrubber.filters import dom as dom_module

    compiled = dom_module._COMPILED_INDEX_CHOOSE
    if compiled is None:
        pytest.skip("the compiled module is not built")
    answers = []

    def spy(*args):
        got = compiled(*args)
        answers.append(got is not False)
        assert compiled(*args[:-1]) == got  # (without the document's markers: read each time)
        return got

    monkeypatch.setattr(dom_module, "_COMPILED_INDEX_CHOOSE", spy)
    fast = dom.choose(lay.blocks, verdicts, roots, lay)
    monkeypatch.setattr(dom_module, "_COMPILED_INDEX_CHOOSE", None)
    ref = dom.choose(lay.blocks, verdicts, roots, lay)
    monkeypatch.setattr(dom_module, "_COMPILED_INDEX_CHOOSE", compiled)
    return fast, ref, answers


_CHOOSERS = (DomMain(), DomMain(min_good=5.0, bad_weight=3.0, positive_boost=2.0),
             DomMain(only_article_boost=50.0, min_good=0.0),
             DomMain(thread_posts=2, min_good=4.0, thread_levels=3),
             DomMain(thread_posts=2.5, min_good=4.0))  # (a setting given as a float)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_index_choose_is_the_reference_choice(path, monkeypatch):
    """``choose`` on the element index's arrays (``_cwalk.index_choose``: scores,
    best and the widening to a thread, without the dicts of every element)
    picks what the reference picks, on every fixture page, with the body flags
    of both readings, with settings that move the choice and the thread test,
    and with one of the page's elements marked hidden (the elements then start
    as the blocks reach them)."""
    doc, verdicts = _doc(path)
    for dom in _CHOOSERS:
        layout = dom._layout(doc.blocks)
        plain = replace(layout, body=[dom.plain_like(b) for b in layout.blocks])
        for lay in (layout, plain):
            roots = dom._marked_roots(lay.blocks, lay)
            fast, ref, answered = _choices(dom, lay, verdicts, roots, monkeypatch)
            assert fast == ref
            assert answered == [True]  # (the index held every path the reference read)
            if ref is None:
                continue
            for hidden in _prefixes(ref)[-2:]:  # the container, and the element above it
                marked = {**roots, hidden: "hidden"}
                fast, ref2, answered = _choices(dom, lay, verdicts, marked, monkeypatch)
                assert fast == ref2 and answered == [True]


def test_index_choose_on_a_hand_made_thread(monkeypatch):
    """Posts of one shape under a topic (widened to the topic), replies of one
    line (widened by their plain text), a banned sibling, and a hidden one."""
    base = ("html", "body", "div topic")
    blocks = [
        _block(0, "/html/body/div[1]/div[1]/p[1]", (*base, "div post p1", "p"), units=40),
        _block(1, "/html/body/div[1]/div[2]/p[1]", (*base, "div post p2", "p"), units=12),
        _block(2, "/html/body/div[1]/div[3]/p[1]", (*base, "div post p3", "p"), units=3),
        _block(3, "/html/body/div[1]/div[4]/p[1]", (*base, "div post p4", "p"), units=3),
        _block(4, "/html/body/div[1]/div[5]/p[1]", (*base, "div post nav", "p"), units=30),
        _block(5, "/html/body/div[2]/p[1]", ("html", "body", "div side", "p"), units=8,
               ld=0.8),
    ]
    seen = set()
    # the replies' units and link density: widened by their prose, by their plain
    # text, or not at all (their links outweigh them)
    for units, ld in ((3, 0.0), (12, 0.0), (12, 0.6), (30, 0.45), (40, 0.9), (8, 0.3)):
        page = [blocks[0], *(replace(b, features={**b.features, "units": float(units),
                                                  "link_density": ld})
                             for b in blocks[1:4]), *blocks[4:]]
        verdicts = [None] * len(page)
        for dom in _CHOOSERS:
            layout = dom._layout(page)
            roots = dom._marked_roots(page, layout)
            for marked in (roots, {**roots, "/html/body/div[1]/div[3]": "hidden"},
                           {**roots, "/html/body/div[1]/div[2]": "nav"}):
                fast, ref, answered = _choices(dom, layout, verdicts, marked, monkeypatch)
                assert fast == ref and answered == [True], (units, ld, dom, marked)
                seen.add(ref)
    assert {"/html/body/div[1]", "/html/body/div[1]/div[1]"} <= seen  # widened, and not


def test_index_choose_leaves_an_overridden_step_to_the_subclass(monkeypatch):
    """A subclass that changes how a container is scored or widened gets its own
    methods: the compiled choice is not used for it."""
    from scrubber.filters import dom as dom_module

    class NoThreads(DomMain):
        def _thread(self, path, sc, layout=None):
            return path

    calls = []
    compiled = dom_module._COMPILED_INDEX_CHOOSE
    if compiled is None:
        pytest.skip("the compiled module is not built")
    monkeypatch.setattr(dom_module, "_COMPILED_INDEX_CHOOSE",
                        lambda *a: calls.append(1) or compiled(*a))
    doc, verdicts = _doc(FIXTURES / "pages" / "zh_forum" / "input.html")
    NoThreads().choose(doc.blocks, verdicts)
    assert calls == []
    DomMain().choose(doc.blocks, verdicts)
    assert calls == [1]


def test_index_choose_boosts_the_one_article(monkeypatch):
    """The page's one <article> wins over a slightly larger <div> (23 units, times
    1.25 as an article and 1.25 as the only one, against 30); with a second
    <article> that boost is gone. (The links keep the page itself below both.)"""
    blocks = [
        _block(0, "/html/body/div[1]/p[1]", ("html", "body", "div", "p"), units=30),
        _block(1, "/html/body/article[1]/p[1]", ("html", "body", "article", "p"), units=23),
        _block(2, "/html/body/div[9]/a[1]", ("html", "body", "div", "a"), units=40, ld=1.0),
    ]
    second = _block(3, "/html/body/article[2]/p[1]", ("html", "body", "article", "p"), units=1)
    dom = DomMain()
    got = []
    for page in (blocks, [*blocks, second]):
        layout = dom._layout(page)
        roots = dom._marked_roots(page, layout)
        fast, ref, answered = _choices(dom, layout, [None] * len(page), roots, monkeypatch)
        assert fast == ref and answered == [True]
        got.append(fast)
    assert got == ["/html/body/article[1]", "/html/body/div[1]"]
