"""The ``rules`` filter: phrase and pattern rules from the rule files."""

from __future__ import annotations

from ..model import Block, Verdict
from ..rules import RuleIndex, RuleSet, default_rules, first_match

__all__ = ["RuleFilter"]


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

    def __call__(self, block: Block, doc) -> Verdict | None:
        found = None
        if self._sited:
            host = doc.host
            found = first_match((r for r in self._sited if r.applies_to(host)),
                                block.text, block.key)
        if found is None:
            found = self._index.match(block.text, block.key)
        if found is None:
            return None
        rule = found.rule
        return Verdict(
            keep=rule.action == "keep",
            rule=rule.id,
            reason=rule.reason,
            evidence=found.evidence,
            meta=found.meta,
            marks_end=rule.marks_end,
        )

    def __repr__(self) -> str:
        return f"RuleFilter({len(self.rules)} rules)"
