"""HTML pages: DOM -> blocks with provenance and features, plus page metadata.

Placeholder interface; the implementation lands with the HTML issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ScrubberError
from .model import Block

__all__ = ["Page", "parse_page"]


@dataclass(frozen=True)
class Page:
    blocks: tuple[Block, ...]
    meta: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def parse_page(source: Any, *, url: str | None = None) -> Page:
    raise ScrubberError("HTML input is not supported yet")
