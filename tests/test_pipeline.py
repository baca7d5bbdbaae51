"""Editing the pipeline: by step name or rule id, with plain functions; immutability."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import scrubber
from scrubber import Pipeline, ScrubberError, Verdict, default_pipeline

ROOT = Path(__file__).resolve().parent.parent
SEED_LIKE = (ROOT / "examples" / "seed_like.txt").read_text(encoding="utf-8")

P1 = "据新华社报道,今年一季度全国港口完成货物吞吐量40亿吨,同比增长百分之六。"
P2 = "交通运输部表示,外贸集装箱运输保持较快增长,部分港口出现了排队等泊的情况。"
P3 = "业内人士认为,随着航线恢复,二季度吞吐量有望继续保持增长势头,但需关注运价波动。"
PROMO = "港航学堂:想了解航运投资?每周直播带你入门。立即注册"
# The promo line sits between paragraphs, so only the promo rule removes it.
MIDDLE_PROMO = "\n".join(["港口吞吐量创新高", P1, PROMO, P2, P3, "（责任编辑：汇率）"])

SITE_RULES = """
[[rule]]
id = "example_daily_pick"
reason = "example.com's 'today's pick' box inside stories"
patterns = ['^本站今日推荐\\s*:']
sites = ["example.com"]
max_chars = 40
drop = ["本站今日推荐：储能专题"]
keep = ["本站今日推荐的文章很多，读者可以自己选择，这是一个很长的正文句子。"]
"""
SITE_DOC = "\n".join(["港口吞吐量创新高", P1, "本站今日推荐：储能专题", P2, P3])


def rule_of(art: scrubber.Article, text: str) -> tuple[bool, str]:
    (i,) = [i for i, b in enumerate(art.blocks) if b.text == text]
    v = art.verdicts[i]
    return v.keep, v.rule


@pytest.fixture
def site_rules(tmp_path: Path) -> Path:
    path = tmp_path / "example.toml"
    path.write_text(SITE_RULES, encoding="utf-8")
    return path


# -- inspection ---------------------------------------------------------------

def test_default_pipeline_names():
    p = default_pipeline()
    assert isinstance(p, Pipeline)
    assert {"rules", "symbols", "main_region", "article_end"} <= set(p.names)
    assert p.names[0] == "rules"
    assert p.names.index("main_region") < p.names.index("article_end")
    kinds = [s.kind for s in p]
    assert kinds == sorted(kinds, key=lambda k: k != "filter"), "filters run before passes"
    for step in p:
        assert step.doc, f"step {step.name} has no docstring"
    assert "rules" in repr(p)
    assert "editor_credit" in p.rules.ids and "promo" in p.rules.ids


def test_default_pipeline_is_a_new_value_each_call():
    assert default_pipeline() is not default_pipeline()
    assert default_pipeline().names == default_pipeline().names


def test_explicit_default_pipeline_gives_the_same_result():
    a = scrubber.scrub(SEED_LIKE)
    b = scrubber.scrub(SEED_LIKE, pipeline=default_pipeline())
    assert a.to_dict() == b.to_dict()


# -- edits --------------------------------------------------------------------

def test_without_step():
    p = default_pipeline().without("symbols")
    assert "symbols" not in p.names
    art = scrubber.scrub(SEED_LIKE, pipeline=p)
    assert "separator" not in art.counts()
    assert scrubber.scrub(SEED_LIKE).counts()["separator"] == 6


def test_promo_removed_by_default():
    assert rule_of(scrubber.scrub(MIDDLE_PROMO), PROMO) == (False, "promo")


def test_without_rule_id_keeps_the_promo_line():
    p = default_pipeline().without("promo")
    assert "promo" not in p.rules.ids
    assert "editor_credit" in p.rules.ids
    assert p.names == default_pipeline().names
    art = scrubber.scrub(MIDDLE_PROMO, pipeline=p)
    assert rule_of(art, PROMO)[0] is True
    assert art.editor == "汇率"


def test_rules_step_without_rule_id_via_replace():
    # What without("promo") does, spelled out with replace(): same result.
    p = default_pipeline()
    p = p.replace("rules", type(p["rules"].fn)(p.rules.without("promo")))
    art = scrubber.scrub(MIDDLE_PROMO, pipeline=p)
    assert rule_of(art, PROMO)[0] is True


def test_with_filter_plain_function_wins():
    def house_credit(block, doc):
        """Keep our own editor credits in the body."""
        if block.text.startswith("（责任编辑"):
            return Verdict.body("house_credit", "we publish our credits")
        return None

    p = default_pipeline().with_filter(house_credit, before="rules")
    assert p.names[0] == "house_credit"
    assert p["house_credit"].kind == "filter"
    art = scrubber.scrub(MIDDLE_PROMO, pipeline=p)
    assert rule_of(art, "（责任编辑：汇率）") == (True, "house_credit")
    assert art.text.endswith("（责任编辑：汇率）")


def test_with_filter_default_position_is_after_the_filters():
    def noop(block, doc):
        return None

    p = default_pipeline().with_filter(noop)
    filters = [s.name for s in p.filters]
    assert filters[-1] == "noop"
    assert p.names.index("noop") < p.names.index("main_region")


def test_with_filter_needs_a_name_for_lambdas():
    with pytest.raises(ScrubberError):
        default_pipeline().with_filter(lambda b, d: None)
    p = default_pipeline().with_filter(lambda b, d: None, name="nothing", after="symbols")
    assert p.names[p.names.index("symbols") + 1] == "nothing"


def test_with_pass():
    def drop_last_body(doc, verdicts):
        """Drop the last block nobody judged (a toy pass)."""
        out = list(verdicts)
        for i in range(len(out) - 1, -1, -1):
            if out[i] is None:
                out[i] = Verdict.drop("toy_pass", "the last unjudged block")
                break
        return out

    p = default_pipeline().with_pass(drop_last_body)
    assert p.names[-1] == "drop_last_body" and p["drop_last_body"].kind == "pass"
    art = scrubber.scrub(MIDDLE_PROMO, pipeline=p)
    assert rule_of(art, P3) == (False, "toy_pass")


def test_pass_returning_wrong_length_is_an_error():
    p = default_pipeline().with_pass(lambda doc, verdicts: [], name="broken")
    with pytest.raises(ScrubberError, match="broken"):
        scrubber.scrub(MIDDLE_PROMO, pipeline=p)


def test_replace_step():
    calls = []

    def no_separators(block, doc):
        calls.append(block.index)
        return None

    p = default_pipeline().replace("symbols", no_separators)
    assert p.names == default_pipeline().names
    art = scrubber.scrub(SEED_LIKE, pipeline=p)
    assert calls
    assert "separator" not in art.counts()


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p.without("no_such_step"),
        lambda p: p.replace("no_such_step", lambda b, d: None),
        lambda p: p.with_filter(lambda b, d: None, name="x", before="no_such_step"),
        lambda p: p.with_pass(lambda d, v: v, name="x", after="no_such_step"),
        lambda p: p.with_filter(lambda b, d: None, name="rules"),  # duplicate name
        lambda p: p.with_rules("/no/such/rules.toml"),
    ],
)
def test_unknown_names_are_errors(edit):
    with pytest.raises(ScrubberError):
        edit(default_pipeline())


def test_pipeline_is_immutable(site_rules):
    p = default_pipeline()
    names, ids = list(p.names), list(p.rules.ids)
    p.without("symbols")
    p.with_filter(lambda b, d: None, name="x")
    p.with_pass(lambda d, v: v, name="y")
    p.replace("symbols", lambda b, d: None)
    p.replace("rules", type(p["rules"].fn)(p.rules + scrubber.load_rules(site_rules)))
    assert p.names == names
    assert p.rules.ids == ids
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.steps = ()  # type: ignore[misc]


# -- site rules ---------------------------------------------------------------

def with_rules_via_replace(p: Pipeline, path: Path) -> Pipeline:
    """What ``p.with_rules(path)`` does, spelled out with ``replace``."""
    return p.replace("rules", type(p["rules"].fn)(p.rules + scrubber.load_rules(path)))


@pytest.mark.parametrize(
    "add",
    [pytest.param(lambda p, path: p.with_rules(path), id="with_rules"),
     pytest.param(with_rules_via_replace, id="replace")],
)
def test_with_rules_site_scoped(site_rules, add):
    p = add(default_pipeline(), site_rules)
    assert "example_daily_pick" in p.rules.ids
    line = "本站今日推荐：储能专题"
    on_site = scrubber.scrub(SITE_DOC, pipeline=p, url="https://news.example.com/a.html")
    assert rule_of(on_site, line) == (False, "example_daily_pick")
    assert rule_of(scrubber.scrub(SITE_DOC, pipeline=p, url="https://example.com/"),
                   line)[1] == "example_daily_pick"
    for url in (None, "https://example.org/a.html", "https://notexample.com/a"):
        art = scrubber.scrub(SITE_DOC, pipeline=p, url=url)
        assert rule_of(art, line)[1] != "example_daily_pick", url


def test_site_rule_examples_hold(site_rules):
    rules = scrubber.load_rules(site_rules)
    (rule,) = rules
    for text in rule.drop:
        assert rules.match(text, host="example.com") is not None
    for text in rule.keep:
        assert rules.match(text, host="example.com") is None


def test_bad_rule_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "Bad Id"\nreason = "x"\npatterns = ["x"]\n', encoding="utf-8")
    with pytest.raises(scrubber.RuleError, match=r"bad\.toml"):
        default_pipeline().with_rules(bad)
    with pytest.raises(scrubber.RuleError, match="Bad Id"):
        scrubber.load_rules(bad)


# -- whole-document filters give what block-by-block filtering gives -----------


def _block_by_block(pipeline: Pipeline, doc) -> list:
    """``Pipeline.judge``'s filters as first written: every filter about every block."""
    filters = [s.fn for s in pipeline.steps if s.kind == "filter"]
    out = []
    for block in doc.blocks:
        verdict = None
        for f in filters:
            verdict = f(block, doc)
            if verdict is not None:
                break
        out.append(verdict)
    return out


def _docs():
    from scrubber.blocks import blocks_from_text
    from scrubber.html import parse_page
    from scrubber.pipeline import Document

    docs = [Document(blocks=blocks_from_text(t), kind="text")
            for t in (SEED_LIKE, MIDDLE_PROMO, SITE_DOC)]
    docs.append(Document(blocks=blocks_from_text(SITE_DOC), kind="text", url="https://example.com/x"))
    for path in sorted((ROOT / "fixtures").rglob("*.html"))[:12]:
        page = parse_page(path.read_text(encoding="utf-8", errors="replace"))
        docs.append(Document(blocks=page.blocks, kind="html"))
    return docs


def _short_lines_kept(block, doc):
    """A user filter: keeps every line under six characters (so the rules never see it)."""
    return Verdict.body("short", "user: short line") if len(block.text) < 6 else None


def _edited_pipelines(site_rules: Path) -> list[Pipeline]:
    p = default_pipeline()
    return [
        p,
        p.with_filter(_short_lines_kept, before="rules"),
        p.without("rules"),
        p.without("rules").with_filter(_short_lines_kept, before="symbols"),
        p.with_filter(_short_lines_kept, after="link_strip"),
        p.without("promo", "symbols"),
        p.with_rules(site_rules),
    ]


def test_whole_document_filters_match_block_by_block(site_rules):
    for pipeline in _edited_pipelines(site_rules):
        for doc in _docs():
            assert pipeline._filter_verdicts(doc) == _block_by_block(pipeline, doc), pipeline.names


def test_user_filter_sees_the_same_blocks_in_the_same_order():
    seen: list[tuple[str, int]] = []

    def first(block, doc):
        seen.append(("first", block.index))
        return None

    def second(block, doc):
        seen.append(("second", block.index))
        return Verdict.drop("odd", "user: odd lines") if block.index % 2 else None

    from scrubber.blocks import blocks_from_text
    from scrubber.pipeline import Document

    doc = Document(blocks=blocks_from_text(MIDDLE_PROMO + "\n" + SEED_LIKE), kind="text")
    p = default_pipeline().with_filter(first, before="rules").with_filter(second, after="first")
    got = p._filter_verdicts(doc)
    calls, seen[:] = list(seen), []
    assert got == _block_by_block(p, doc)
    assert calls == seen  # the two user filters interleave per block, as before


def test_wrapped_builtin_filter_is_called_not_bypassed():
    """A wrapper made with functools.wraps copies ``judge_all`` from the function it
    wraps; the pipeline must call the wrapper, not the wrapped batch."""
    import functools

    from scrubber.filters import link_strip

    calls = []

    @functools.wraps(link_strip)
    def counted(block, doc):
        calls.append(block.index)
        return link_strip(block, doc)

    p = default_pipeline().replace("link_strip", counted)
    art = scrubber.scrub(MIDDLE_PROMO, pipeline=p)
    assert calls and art.text == scrubber.scrub(MIDDLE_PROMO).text


def test_rule_filter_subclass_call_is_honoured():
    from scrubber.filters import RuleFilter

    class Never(RuleFilter):
        def __call__(self, block, doc):
            return None

    p = default_pipeline().replace("rules", Never())
    art = scrubber.scrub(MIDDLE_PROMO, pipeline=p)
    assert "rules" not in {v.rule for v in art.verdicts}
    assert all(v.rule != "promo" for v in art.verdicts)
