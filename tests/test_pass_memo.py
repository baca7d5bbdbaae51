"""The main_region reading is kept in the document's memo: dom_main reads the
page that way, often with the verdicts the main_region pass then gets. A kept
reading must be the one the pass would compute, and only for equal verdicts."""

from __future__ import annotations

import pytest
from test_speed_equivalence import _documents

from scrubber.blocks import blocks_from_text
from scrubber.filters import MainRegion
from scrubber.model import Verdict
from scrubber.pipeline import Document


def _docs() -> list[Document]:
    return [d for d in _documents() if len(d.blocks) >= 4]  # fixture pages and texts


class _Counting(MainRegion):
    """A MainRegion that counts its real readings (same settings, same hash)."""

    def _read(self, doc, verdicts):
        _Counting.reads += 1
        return super()._read(doc, verdicts)


def test_a_kept_reading_is_the_one_the_pass_computes_and_only_for_equal_verdicts():
    region = _Counting()
    docs = _docs()
    assert len(docs) > 20
    for doc in docs:
        n = len(doc.blocks)
        first = [None] * n
        other = list(first)
        other[n // 2] = Verdict.drop("test", "a verdict that moves the run")
        _Counting.reads = 0
        a = region(doc, first)
        again = region(doc, list(first))  # equal verdicts: the kept reading
        assert _Counting.reads == 1
        assert again == a and again is not a
        again[0] = "changed by the caller"  # a returned list is the caller's own
        assert region(doc, list(first)) == a and _Counting.reads == 1
        b = region(doc, other)  # other verdicts: read again, never the kept one
        assert _Counting.reads == 2
        assert b == MainRegion()._read(Document(blocks=doc.blocks, kind=doc.kind), other)
        assert region(doc, first) == a and _Counting.reads == 3


def test_no_memo_without_one_on_the_document():
    class Bare:  # a document-like object of a caller's own
        def __init__(self, blocks):
            self.blocks, self.kind = blocks, "text"

    blocks = blocks_from_text("首页\n新闻\n" + "这是一段正文，讲的是港口的事情。" * 4 + "\n登录")
    v = [None] * len(blocks)
    assert MainRegion()(Bare(blocks), v) == MainRegion()._read(Bare(blocks), v)


def _reference_scores(region: MainRegion, blocks, verdicts) -> list[float]:
    return [region.score(b, v) for b, v in zip(blocks, verdicts)]


@pytest.fixture
def loop():
    """MainRegion.scores runs the compiled loop (without it, it is ``score`` block
    by block, the reference these tests compare with)."""
    from scrubber.filters import context

    if context._COMPILED_SCORES is None:
        pytest.skip("the compiled module is not built")
    return "compiled"


def test_batch_scores_equal_score_block_by_block_on_fixture_documents(loop):
    region = MainRegion()
    keep, drop = Verdict.body("k", "kept"), Verdict.drop("d", "dropped")
    checked = 0
    for doc in _docs():
        n = len(doc.blocks)
        for verdicts in ([None] * n, [(None, keep, drop)[i % 3] for i in range(n)]):
            got = region.scores(doc.blocks, verdicts)
            want = _reference_scores(region, doc.blocks, verdicts)
            assert [*map(float.hex, map(float, got))] == [*map(float.hex, map(float, want))]
            checked += n
    assert checked > 1000


def test_batch_scores_equal_score_on_made_up_features(loop):
    # every branch of score, at and around its thresholds, with and without each feature
    import itertools

    from scrubber.model import Block

    region = MainRegion()
    values = {
        "units": [None, 0.0, 3.9, 4.0, 9.99, 10.0, 19.9, 20.0, 39.9, 40, 41.5, 300.0, 1e-9],
        "link_density": [None, 0.0, 0.19, 0.2, 0.5, 0.67, 0.89, 0.9, 1.0, 1, 0.1 + 0.2],
        "full_stop": [None, False, True, 0, 1.0],
        "ends_sentence": [None, True, 0],
        "punct": [None, 0, 1, 2, 3, 1.5],
    }
    blocks = []
    for combo in itertools.product(*values.values()):
        f = {k: x for k, x in zip(values, combo) if x is not None}
        blocks.append(Block(index=len(blocks), text="x", key="x", features=f))
    keep, drop = Verdict.body("k", "kept"), Verdict.drop("d", "dropped")
    tuned = MainRegion(short_units=5.0, long_units=25.0, short_cost=2.0, unit_cost=0.3,
                       plain_link_density=0.6, prose_link_density=0.7, dropped_cost=3)
    for verdicts in ([None] * len(blocks), [(None, keep, drop)[i % 3] for i in range(len(blocks))]):
        for r in (region, tuned):
            got, want = r.scores(blocks, verdicts), _reference_scores(r, blocks, verdicts)
            assert [*map(float.hex, map(float, got))] == [*map(float.hex, map(float, want))]


def test_a_subclass_overriding_score_gets_its_own_score_in_the_batch():
    class Flat(MainRegion):
        def score(self, block, verdict):
            return 1.0

    blocks = blocks_from_text("首页\n" + "这是一段正文，讲的是港口的事情。" * 4)
    assert Flat().scores(blocks, [None] * len(blocks)) == [1.0] * len(blocks)
