"""Golden-file checks of your own pages, without pytest (the plugin builds on this).

A golden file is a stable text rendering of an article: a header, the
metadata, then every block ``+`` kept or ``-`` removed with its rule id, in
full. It changes only when a verdict, the text or the metadata changes, so
its diff is what a reviewer reads::

    from scrubber.testing import check_golden
    problem = check_golden("pages/story.html", url="https://example.com/story")
    assert problem is None, problem

With pytest, use the ``scrubber_golden`` fixture of the plugin instead
(:mod:`scrubber.pytest_plugin`) and refresh files with ``--scrubber-update``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import scrub
from .model import Article

__all__ = ["GoldenResult", "check_golden", "expected_path", "golden_text"]

HEADER = "# scrubber golden file: + kept, - removed [rule id]; refresh: pytest --scrubber-update"
SUFFIX = ".expected.txt"


def golden_text(article: Article) -> str:
    """The stable rendering compared by golden tests (ends with one newline).

    Metadata lines (``# title: …``, URL included), then every block in full with
    ``+``/``-``, its rule id and role. Reasons are left out: their wording may
    be improved without a verdict changing.
    """
    lines = [HEADER]
    lines.extend(f"# {k}: {v}" for k, v in article.metadata.items() if v)
    lines.append(f"# input: {article.input_kind}"
                 + (f", {article.encoding['encoding']}" if article.encoding else ""))
    body = article.explain(width=10**9).splitlines()
    lines.extend(line for line in body if not line.startswith("# "))
    return "\n".join(lines) + "\n"


def expected_path(page: str | Path) -> Path:
    """Where the expected file of ``page`` lives: next to it, ``<page name>.expected.txt``."""
    page = Path(page)
    return page.with_name(page.name + SUFFIX)


@dataclass(frozen=True)
class GoldenResult:
    """What :func:`check_golden` found: ``ok``, ``wrote`` (updated) or a failure."""

    status: str  # "ok" | "wrote" | "missing" | "differs"
    path: Path
    article: Article
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "wrote")


def _diff(expected: str, actual: str, path: Path) -> str:
    return "\n".join(difflib.unified_diff(
        expected.splitlines(), actual.splitlines(),
        fromfile=f"{path} (expected)", tofile=f"{path} (now)", lineterm=""))


def check_golden(
    page: str | Path,
    *,
    expected: str | Path | None = None,
    update: bool = False,
    **scrub_options: Any,
) -> GoldenResult:
    """Scrub ``page`` (read as bytes) and compare it with its expected file.

    ``expected`` defaults to :func:`expected_path` of the page. With
    ``update=True`` the expected file is written (or rewritten) instead and the
    check passes; review the change with your version control's diff.
    ``scrub_options`` (``url=``, ``lang=``, ``pipeline=``, ``headers=``,
    ``encoding=``, ``kind=``...) go to :func:`scrubber.scrub`.
    """
    page = Path(page)
    path = Path(expected) if expected is not None else expected_path(page)
    art = scrub(page.read_bytes(), **scrub_options)
    actual = golden_text(art)
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if update:
        if old != actual:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return GoldenResult("wrote", path, art, f"wrote {path}")
        return GoldenResult("ok", path, art)
    if old is None:
        return GoldenResult(
            "missing", path, art,
            f"no expected file {path} for {page}.\n"
            f"Create it with: pytest --scrubber-update, then review it.")
    if old.replace("\r\n", "\n") != actual:
        return GoldenResult(
            "differs", path, art,
            f"scrubber's article for {page} differs from {path}.\n"
            f"If the change is intended: pytest --scrubber-update, then review the diff.\n"
            + _diff(old.replace("\r\n", "\n"), actual, path))
    return GoldenResult("ok", path, art)
