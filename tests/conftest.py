"""Shared pytest options and fixtures.

Golden-file tests (``tests/test_golden_text.py``, ``tests/test_golden_html.py``)
compare the output of the library with a committed ``expected.txt`` per
fixture. Run ``pytest --update-golden`` to rewrite those files from the current
output, then review the change with ``git diff fixtures/``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files (expected.txt) from the current output instead of "
        "comparing; review the result with `git diff fixtures/`",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-golden``."""
    return bool(request.config.getoption("--update-golden"))


def golden_diff(expected: str, actual: str, path: Path | str) -> str:
    """A unified diff from the golden file to the actual output."""
    diff = difflib.unified_diff(
        expected.splitlines(),
        actual.splitlines(),
        fromfile=f"{path} (expected)",
        tofile=f"{path} (actual)",
        lineterm="",
    )
    return "\n".join(diff)


def _normalise(text: str) -> str:
    """Golden files end with exactly one newline; compare without it."""
    return text.rstrip("\n")


@pytest.fixture
def golden(update_golden: bool) -> Callable[..., None]:
    """Compare ``actual`` with the golden file at ``path``, or rewrite it.

    ``golden(path, actual)``: when updating, writes ``actual`` (plus a final
    newline) to ``path`` and passes; otherwise fails with a unified diff if the
    file is missing or differs. Pass ``write=False`` for a case whose golden is
    written by hand (a known failure): it is then never overwritten.
    """

    def check(path: Path | str, actual: str, *, write: bool = True) -> None:
        path = Path(path)
        if update_golden and write:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = _normalise(actual) + "\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; run pytest --update-golden to create it")
        expected = _normalise(path.read_text(encoding="utf-8"))
        got = _normalise(actual)
        if expected != got:
            pytest.fail(
                f"output differs from golden file {path}\n"
                f"(if the change is intended: pytest --update-golden, then git diff fixtures/)\n"
                + golden_diff(expected, got, path),
                pytrace=False,
            )

    return check
