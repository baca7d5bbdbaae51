"""Rule data: phrase and pattern rules loaded from TOML files.

A rule file (``scrubber/rules/zh.toml`` and friends, or a user's own file)
holds ``[[rule]]`` tables::

    [[rule]]
    id = "editor_credit"                       # stable snake_case id
    reason = "editor credit line (责任编辑)"    # one line a person reads
    patterns = ['^\\(?(责任编辑|责编)\\s*:\\s*(?P<editor>[^()]{1,12})\\)?$']
    max_chars = 40          # optional: only lines up to this many characters
    action = "drop"         # drop (default) | keep | lift (only lift metadata)
    marks_end = true        # optional: the article ends at this line
    sites = ["example.com"] # optional: only on these domains (and subdomains)
    drop = ["（责任编辑：汇率）", "責任編輯：王小明"]   # must be caught by this rule
    keep = ["编辑部的同事们都笑了。"]                  # must not be

Patterns are ``regex`` expressions matched (``search``) against the block's
match key (NFKC, Traditional->Simplified, case-folded; see ``keys.py``), so
write them in Simplified Chinese, lower case, with ASCII punctuation.
Named groups whose name is a metadata field (``editor``, ``source``,
``author``, ``published``, ``original_title``) lift that value from the
block's *display* text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from .errors import RuleError
from .keys import match_key
from .model import META_FIELDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Rule", "RuleMatch", "RuleSet", "default_rules", "load_rules"]

ACTIONS = ("drop", "keep", "lift")
# Language files first: their rules are more specific than the common ones.
BUILTIN_FILES = ("zh.toml", "en.toml", "common.toml")
_ID = regex.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    patterns: tuple[str, ...]
    action: str = "drop"
    marks_end: bool = False
    max_chars: int | None = None
    min_chars: int | None = None
    sites: tuple[str, ...] = ()
    language: str | None = None
    drop: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    origin: str = ""
    compiled: Any = field(default=None, compare=False, repr=False)

    def applies_to(self, host: str | None) -> bool:
        if not self.sites:
            return True
        if not host:
            return False
        return any(host == s or host.endswith("." + s) for s in self.sites)

    def search(self, key: str) -> regex.Match[str] | None:
        n = len(key)
        if self.max_chars is not None and n > self.max_chars:
            return None
        if self.min_chars is not None and n < self.min_chars:
            return None
        return self.compiled.search(key)


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: Rule
    evidence: str
    meta: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RuleSet:
    """An ordered, immutable collection of rules; the first match wins."""

    rules: tuple[Rule, ...] = ()

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def ids(self) -> list[str]:
        return list(dict.fromkeys(r.id for r in self.rules))

    def __add__(self, other: RuleSet) -> RuleSet:
        # Site rules come first so that a site's keep rule can protect a line.
        merged = sorted(self.rules + other.rules, key=lambda r: 0 if r.sites else 1)
        return RuleSet(tuple(merged))

    def without(self, *ids: str) -> RuleSet:
        return RuleSet(tuple(r for r in self.rules if r.id not in ids))

    def for_document(self, host: str | None) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.applies_to(host))

    def match(self, text: str, key: str | None = None, host: str | None = None) -> RuleMatch | None:
        """The first rule matching ``text`` (its key is computed unless given)."""
        if key is None:
            key = match_key(text)
        return first_match(self.for_document(host), text, key)


def first_match(rules: Iterable[Rule], text: str, key: str) -> RuleMatch | None:
    for rule in rules:
        m = rule.search(key)
        if m is not None:
            return RuleMatch(rule, m.group(0), _lift(m, text, key))
    return None


def _lift(m: regex.Match[str], text: str, key: str) -> tuple[tuple[str, str], ...]:
    out = []
    for name, value in m.groupdict().items():
        if value is None or name not in META_FIELDS:
            continue
        start, end = m.span(name)
        # Keys keep positions when NFKC does not change lengths; show the
        # display text when it does, else the key's own value.
        shown = text.strip()[start:end] if len(text.strip()) == len(key) else value
        shown = shown.strip(" \t()（）[]【】「」:：")
        if shown:
            out.append((name, shown))
    return tuple(out)


def _as_tuple(value: Any, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {what} must be a string or a list of strings")
    return tuple(value)


def _build(raw: dict[str, Any], origin: str, language: str | None) -> Rule:
    rid = raw.get("id")
    where = f"{origin}: rule {rid!r}"
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(f"{where}: id must be snake_case")
    known = {"id", "reason", "patterns", "action", "marks_end", "max_chars", "min_chars",
             "sites", "drop", "keep", "language"}
    unknown = set(raw) - known
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise RuleError(f"{where}: reason is required")
    patterns = _as_tuple(raw.get("patterns"), "patterns", where)
    if not patterns:
        raise RuleError(f"{where}: at least one pattern is required")
    action = raw.get("action", "drop")
    if action not in ACTIONS:
        raise RuleError(f"{where}: action must be one of {ACTIONS}")
    try:
        compiled = regex.compile("|".join(f"(?:{p})" for p in patterns), regex.V0)
    except regex.error as exc:
        raise RuleError(f"{where}: bad pattern: {exc}") from exc
    for name in compiled.groupindex:
        if name not in META_FIELDS and not name.startswith("_"):
            raise RuleError(f"{where}: group {name!r} is not a metadata field {META_FIELDS}")
    return Rule(
        id=rid,
        reason=reason.strip(),
        patterns=patterns,
        action=action,
        marks_end=bool(raw.get("marks_end", False)),
        max_chars=raw.get("max_chars"),
        min_chars=raw.get("min_chars"),
        sites=tuple(s.lower().lstrip(".") for s in _as_tuple(raw.get("sites"), "sites", where)),
        language=raw.get("language", language),
        drop=_as_tuple(raw.get("drop"), "drop", where),
        keep=_as_tuple(raw.get("keep"), "keep", where),
        origin=origin,
        compiled=compiled,
    )


def parse_rules(text: str, origin: str = "<string>") -> RuleSet:
    """Rules from the text of a TOML rule file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{origin}: not valid TOML: {exc}") from exc
    language = data.get("language")
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{origin}: [[rule]] tables expected")
    rules = tuple(_build(r, origin, language) for r in raw_rules)
    return RuleSet(rules)


def load_rules(*paths: str | Path) -> RuleSet:
    """Rules from one or more TOML files, in order."""
    out = RuleSet()
    for p in paths:
        path = Path(p)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(f"{path}: cannot read rule file: {exc}") from exc
        out = RuleSet(out.rules + parse_rules(text, str(path)).rules)
    return out


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The built-in rules shipped in ``scrubber/rules/`` (loaded once; immutable)."""
    rules: tuple[Rule, ...] = ()
    base = resources.files("scrubber") / "rules"
    for name in BUILTIN_FILES:
        text = (base / name).read_text(encoding="utf-8")
        rules += parse_rules(text, f"scrubber/rules/{name}").rules
    return RuleSet(rules)


def with_site(rules: Sequence[Rule], site: str) -> tuple[Rule, ...]:
    return tuple(replace(r, sites=(site,)) for r in rules)
