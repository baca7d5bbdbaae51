"""scrubber: turn a scraped page or scraped text into a clean, explained article.

>>> import scrubber
>>> art = scrubber.scrub("标题\\n正文第一段，内容很长很长很长很长很长。\\n（责任编辑：汇率）")
>>> art.editor
'汇率'
"""

from __future__ import annotations

from .core import detect_language, looks_like_html, scrub
from .errors import RuleError, ScrubberError
from .model import Article, Block, Change, Removed, Role, Verdict
from .pipeline import Document, Pipeline, Step, default_pipeline
from .records import to_records
from .rules import Rule, RuleSet, default_rules, load_rules

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Block",
    "Change",
    "Document",
    "Pipeline",
    "Removed",
    "Role",
    "Rule",
    "RuleError",
    "RuleSet",
    "ScrubberError",
    "Step",
    "Verdict",
    "default_pipeline",
    "default_rules",
    "detect_language",
    "load_rules",
    "looks_like_html",
    "scrub",
    "to_records",
]
