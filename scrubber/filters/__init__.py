"""The built-in filters and passes, and the default order of the pipeline."""

from __future__ import annotations

from ..pipeline import Step
from .context import ArticleEnd, MainRegion, best_run
from .dom import DomMain, hidden_block
from .patterns import RuleFilter
from .structure import link_strip, markup_line, symbols_only

__all__ = ["ArticleEnd", "DomMain", "MainRegion", "RuleFilter", "best_run", "default_steps",
           "hidden_block", "link_strip", "markup_line", "symbols_only"]


def default_steps() -> list[Step]:
    return [
        Step("rules", RuleFilter(), "filter"),
        Step("hidden", hidden_block, "filter"),
        Step("symbols", symbols_only, "filter"),
        Step("link_strip", link_strip, "filter"),
        Step("markup", markup_line, "filter"),
        Step("dom_main", DomMain(), "pass"),
        Step("main_region", MainRegion(), "pass"),
        Step("article_end", ArticleEnd(), "pass"),
    ]
