"""Errors are for misuse only: a page that cannot be cleaned is still an Article."""

from __future__ import annotations

__all__ = ["RuleError", "ScrubberError"]


class ScrubberError(Exception):
    """Base class for scrubber's errors (wrong input type, bad pipeline, bad option)."""


class RuleError(ScrubberError):
    """A rule file or rule is invalid; the message names the file and the rule."""
