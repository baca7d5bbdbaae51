"""The ``rules`` filter: phrase and pattern rules from the rule files."""

from __future__ import annotations

from collections.abc import Sequence

from .._accel import COMPILED
from ..model import Block, Verdict
from ..rules import RuleIndex, RuleMatch, RuleSet, default_rules, first_match

__all__ = ["RuleFilter"]

#: the compiled gathering of the texts and keys of blocks (``None`` when not built)
_TEXTS_AND_KEYS = getattr(COMPILED, "texts_and_keys", None)
_FOUND_AT = getattr(COMPILED, "found_at", None)  # (judge_all's dict, compiled)


class RuleFilter:
    """Drop (or protect) blocks that a rule from the rule files matches.

    Drop: ``（责任编辑：汇率）`` -> ``editor_credit`` with ``editor="汇率"``.
    Keep: ``编辑部的同事们都笑了。`` matches no rule (rules are anchored).
    """

    name = "rules"

    def __init__(self, rules: RuleSet | None = None) -> None:
        self.rules = default_rules() if rules is None else rules
        judging = tuple(r for r in self.rules if r.action != "lift")
        self._general = tuple(r for r in judging if not r.sites)
        self._sited = tuple(r for r in judging if r.sites)
        self._index = RuleIndex(self._general)  # same first match, fewer regex searches
        self._lifters = RuleIndex(tuple(r for r in self.rules if r.action == "lift"))

    def __call__(self, block: Block, doc) -> Verdict | None:
        found = None
        if self._sited:
            host = doc.host
            found = first_match((r for r in self._sited if r.applies_to(host)),
                                block.text, block.key)
        if found is None:
            found = self._index.match(block.text, block.key)
        return None if found is None else found.verdict()

    def judge_all(self, doc, todo: Sequence[int]) -> dict[int, Verdict]:
        """``self(block, doc)`` for the blocks at ``todo``, as ``{index: verdict}``
        without the ``None`` ones: the rules are screened over the whole document
        at once (:meth:`RuleIndex.match_lines`). Used by ``Pipeline.judge``."""
        blocks = doc.blocks
        if type(self).__call__ is not RuleFilter.__call__ or self._site_rules_apply(doc):
            # A subclass judging its own way, or site rules first: block by block.
            return {i: v for i in todo if (v := self(blocks[i], doc)) is not None}
        if _TEXTS_AND_KEYS is not None and type(todo) is list:  # the two lists below
            texts, keys = _TEXTS_AND_KEYS(blocks, todo)
        else:
            texts = [blocks[i].text for i in todo]
            keys = [blocks[i].key for i in todo]
        got = self._index.verdict_lines(texts, keys)
        if _FOUND_AT is not None and type(todo) is list and type(got) is list:
            return _FOUND_AT(todo, got)  # the dict below, compiled
        return {i: v for i, v in zip(todo, got) if v is not None}

    def lift_lines(self, texts: Sequence[str], keys: Sequence[str]) -> list[RuleMatch | None]:
        """Per text, the first ``lift`` rule of ``self.rules`` found in its key
        (``first_match`` of those rules, screened over all the texts at once;
        like ``first_match``, a lift rule's ``sites`` are not consulted)."""
        return self._lifters.match_lines(texts, keys)

    def _site_rules_apply(self, doc) -> bool:
        if not self._sited:
            return False
        host = doc.host
        return any(r.applies_to(host) for r in self._sited)

    def __repr__(self) -> str:
        return f"RuleFilter({len(self.rules)} rules)"
