"""Golden-file tests for HTML pages: one case per ``fixtures/pages/<case>/``.

Each case holds ``input.html`` (bytes, written by ``fixtures/pages/make_pages.py``),
``case.toml`` (``url``, ``encoding`` the bytes were written with, ``notes``,
optional ``known_failure = "why"`` for a strict xfail) and ``expected.txt``:
``scrubber.scrub(bytes, url=url).explain()``. Refresh with
``pytest tests/test_golden_html.py --update-golden`` and review ``git diff fixtures/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import scrubber

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
CASES = sorted(p.name for p in PAGES.iterdir() if (p / "input.html").exists())


def _case(name: str) -> dict:
    return tomllib.loads((PAGES / name / "case.toml").read_text(encoding="utf-8"))


def _params():
    for name in CASES:
        why = _case(name).get("known_failure")
        marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_params()))
def test_golden_html(name: str, golden) -> None:
    case = _case(name)
    art = scrubber.scrub((PAGES / name / "input.html").read_bytes(), url=case.get("url"))
    assert art.input_kind == "html"
    golden(PAGES / name / "expected.txt", art.explain(),
           write=not case.get("known_failure"))


@pytest.mark.parametrize("name", CASES)
def test_decodes_without_replacement(name: str) -> None:
    art = scrubber.scrub((PAGES / name / "input.html").read_bytes(), url=_case(name).get("url"))
    assert "\ufffd" not in "".join(b.text for b in art.blocks)


def _load_generator(path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"fixture_maker_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pages_match_their_generator():
    """input.html is written by make_pages.py; an edit to one alone goes stale."""
    maker = _load_generator(PAGES / "make_pages.py")
    for case, (enc, _url, _notes, html) in maker.P.items():
        committed = (PAGES / case / "input.html").read_bytes()
        assert committed == html.encode(enc), (
            f"{case}/input.html is stale; run python fixtures/pages/make_pages.py")


def test_committed_text_bytes_match_their_generator():
    text_dir = PAGES.parent / "text"
    maker = _load_generator(text_dir / "make_bytes.py")
    for case, (text, encoding) in maker.CASES.items():
        committed = (text_dir / case / "input.bin").read_bytes()
        assert committed == text.encode(encoding), (
            f"{case}/input.bin is stale; run python fixtures/text/make_bytes.py")
