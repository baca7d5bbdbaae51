"""The main_region reading is kept in the document's memo: dom_main reads the
page that way, often with the verdicts the main_region pass then gets. A kept
reading must be the one the pass would compute, and only for equal verdicts."""

from __future__ import annotations

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
