"""pytest plugin: golden-file tests of your own pages (active once scrubber is installed).

Registered through the ``pytest11`` entry point, so any project with scrubber
installed gets the ``scrubber_golden`` fixture and the ``--scrubber-update``
flag (switch the plugin off with ``-p no:scrubber``)::

    # tests/test_pages.py
    def test_story(scrubber_golden):
        art = scrubber_golden("pages/story.html", url="https://example.com/story")
        assert art.title                       # the Article, for extra checks

The page path is relative to the test file. The first run fails because
``pages/story.html.expected.txt`` does not exist; ``pytest --scrubber-update``
writes it (review it, commit it). From then on the test fails with a unified
diff whenever the text, a rule id or the metadata changes; refresh with the
flag again and review the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .model import Article
from .testing import check_golden

__all__ = ["pytest_addoption", "pytest_terminal_summary", "scrubber_golden"]

_WRITTEN = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scrubber", "scrubber golden files")
    group.addoption(
        "--scrubber-update",
        action="store_true",
        default=False,
        help="write or refresh scrubber expected files (<page>.expected.txt) instead of "
        "comparing; review the result with your VCS diff",
    )


def _update(config: pytest.Config) -> bool:
    try:
        return bool(config.getoption("--scrubber-update"))
    except ValueError:  # the plugin was registered after the command line was parsed
        return False


@pytest.fixture
def scrubber_golden(request: pytest.FixtureRequest) -> Callable[..., Article]:
    """``scrubber_golden(page, *, expected=None, **scrub_options) -> Article``.

    Scrubs ``page`` (a path, relative to the test file) and compares the result
    with ``<page>.expected.txt`` (or ``expected``), failing with a diff when they
    differ; with ``--scrubber-update`` it writes the file instead.
    """
    base = Path(str(request.path)).parent
    update = _update(request.config)

    def check(page: str | Path, *, expected: str | Path | None = None,
              **scrub_options: Any) -> Article:
        page = base / page
        exp = base / expected if expected is not None else None
        result = check_golden(page, expected=exp, update=update, **scrub_options)
        if result.status == "wrote":
            request.config.stash.setdefault(_WRITTEN, []).append(str(result.path))
        if not result.ok:
            pytest.fail(result.message, pytrace=False)
        return result.article

    return check


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    written = config.stash.get(_WRITTEN, [])
    if written:
        terminalreporter.section("scrubber")
        terminalreporter.write_line(f"wrote {len(written)} expected file(s); review the diff:")
        for path in written:
            terminalreporter.write_line(f"  {path}")
