"""Golden-file tests for plain-text input: one case per ``fixtures/text/<case>/``.

Each case directory holds:

- ``input.txt`` (UTF-8 text) or ``input.bin`` (encoded bytes, written by
  ``fixtures/text/make_bytes.py``);
- ``case.toml``: ``description``, optional ``url`` (passed to ``scrub``),
  ``encoding`` (the codec an ``input.bin`` was written with), and optional
  expectations checked on top of the golden: ``lang``, ``title``, ``editor``,
  ``author``, ``source``, ``published``, ``original_title``, ``body_starts``,
  ``body_ends``, ``removed_rules`` (each id must occur among the removed
  blocks; ``[]`` means nothing is removed), ``kept`` (lines, or line
  prefixes, that must be body), ``all_kept`` and ``body_empty``;
  ``known_failure = "why"`` marks the case a strict xfail: its
  ``expected.txt`` is written by hand and ``--update-golden`` never touches it;
- ``expected.txt``: ``scrubber.scrub(input, url=url).explain()``.

Refresh with ``pytest tests/test_golden_text.py --update-golden`` and review
``git diff fixtures/``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import scrubber
from scrubber.blocks import text_lines

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEXT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"

META = ("title", "editor", "author", "source", "published", "original_title")
KNOWN_KEYS = {
    "description",
    "url",
    "encoding",
    "lang",
    "known_failure",
    "body_starts",
    "body_ends",
    "removed_rules",
    "kept",
    "all_kept",
    "body_empty",
    *META,
}


def _case_dirs() -> list[Path]:
    return sorted(p for p in TEXT_FIXTURES.iterdir() if (p / "case.toml").is_file())


def _load_case(case_dir: Path) -> dict[str, Any]:
    with open(case_dir / "case.toml", "rb") as fh:
        return tomllib.load(fh)


def _params() -> list[Any]:
    params = []
    for case_dir in _case_dirs():
        case = _load_case(case_dir)
        marks = []
        if case.get("known_failure"):
            marks.append(pytest.mark.xfail(strict=True, reason=case["known_failure"].strip()))
        params.append(pytest.param(case_dir, id=case_dir.name, marks=marks))
    return params


def _source(case_dir: Path) -> str | bytes:
    if (case_dir / "input.bin").is_file():
        return (case_dir / "input.bin").read_bytes()
    return (case_dir / "input.txt").read_text(encoding="utf-8")


def _input_text(case_dir: Path, case: dict[str, Any]) -> str:
    """The input as text, decoding an ``input.bin`` with its known codec."""
    source = _source(case_dir)
    if isinstance(source, bytes):
        return source.decode(case["encoding"])
    return source


def _scrub(case_dir: Path, case: dict[str, Any]) -> scrubber.Article:
    return scrubber.scrub(_source(case_dir), url=case.get("url"))


def test_there_are_enough_cases() -> None:
    assert len(_case_dirs()) >= 15


@pytest.mark.parametrize("case_dir", [pytest.param(p, id=p.name) for p in _case_dirs()])
def test_case_file_is_well_formed(case_dir: Path) -> None:
    case = _load_case(case_dir)
    assert case.get("description", "").strip(), "case.toml needs a description"
    assert not set(case) - KNOWN_KEYS, f"unknown keys {sorted(set(case) - KNOWN_KEYS)}"
    has_txt, has_bin = (case_dir / "input.txt").is_file(), (case_dir / "input.bin").is_file()
    assert has_txt != has_bin, "exactly one of input.txt / input.bin"
    if has_bin:
        assert case.get("encoding"), "an input.bin case names the codec it was written with"


@pytest.mark.parametrize("case_dir", _params())
def test_golden(case_dir: Path, golden) -> None:
    """explain() equals expected.txt, and the case.toml expectations hold."""
    case = _load_case(case_dir)
    art = _scrub(case_dir, case)
    # A known failure's golden is the hand-written right answer: never overwrite it.
    golden(case_dir / "expected.txt", art.explain(), write=not case.get("known_failure"))
    check_expectations(art, case)


def check_expectations(art: scrubber.Article, case: dict[str, Any]) -> None:
    if "lang" in case:
        assert art.language == case["lang"]
    for name in META:
        if name in case:
            assert getattr(art, name) == case[name], name
    body = [b.text for b in art.paragraphs]
    if "body_starts" in case:
        assert body and body[0].startswith(case["body_starts"]), body[:1]
    if "body_ends" in case:
        assert body and body[-1].endswith(case["body_ends"]), body[-1:]
    removed = [r.rule for r in art.boilerplate]
    if "removed_rules" in case:
        if case["removed_rules"]:
            missing = set(case["removed_rules"]) - set(removed)
            assert not missing, f"no block removed by {sorted(missing)}; removed: {removed}"
        else:
            assert removed == [], f"nothing should be removed, got {art.counts()}"
    for line in case.get("kept", []):
        assert any(t.startswith(line) for t in body), f"not kept as body: {line}"
    if case.get("all_kept"):
        assert len(body) == len(art.blocks), art.counts()
    if case.get("body_empty"):
        assert art.text == "" and art.blocks == () and art.title is None


@pytest.mark.parametrize("case_dir", [pytest.param(p, id=p.name) for p in _case_dirs()])
def test_lossless(case_dir: Path) -> None:
    """Blocks cover the input: their texts in index order are its non-blank lines, stripped."""
    case = _load_case(case_dir)
    art = _scrub(case_dir, case)
    assert [b.index for b in art.blocks] == list(range(len(art.blocks)))
    assert len(art.verdicts) == len(art.blocks)
    assert [b.text for b in art.blocks] == text_lines(_input_text(case_dir, case))
    kept = {b.index for b in art.paragraphs}
    dropped = {r.index for r in art.boilerplate}
    assert not kept & dropped
    assert kept | dropped == set(range(len(art.blocks)))
    if art.encoding is not None:
        assert art.encoding["replacements"] == 0
