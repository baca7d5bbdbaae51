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

import re
import sys
import warnings
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

import regex

from ._accel import COMPILED
from .errors import RuleError
from .keys import match_key
from .model import META_FIELDS, Verdict

if sys.version_info >= (3, 11):
    from re import _constants as _SRE_CONSTANTS
    from re import _parser as _SRE_PARSER

    import tomllib
else:  # pragma: no cover - Python 3.10: the same parser under its old names
    import sre_constants
    import sre_parse as _SRE_PARSER
    from types import SimpleNamespace

    import tomli as tomllib

    # (3.10 parses neither atomic groups nor possessive repeats: opcodes no node has)
    _SRE_CONSTANTS = SimpleNamespace(**vars(sre_constants), ATOMIC_GROUP=object(),
                                     POSSESSIVE_REPEAT=object())

__all__ = ["LineScreen", "Rule", "RuleIndex", "RuleMatch", "RuleSet", "default_rules",
           "load_rules"]

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
    #: What a key must have for a pattern to match (see :func:`screen_of`);
    #: ``None`` (rules built by hand) means "always try the regex".
    screen: Any = field(default=None, compare=False, repr=False)
    #: Characters a match can end with when every pattern ends in ``$`` (see
    #: :func:`last_chars_of`); ``None`` means "no condition".
    ends: frozenset[str] | None = field(default=None, compare=False, repr=False)
    #: Per pattern, literals every match contains (:func:`literals_of`), or ``None``.
    needs: tuple[frozenset[str] | None, ...] | None = field(
        default=None, compare=False, repr=False)

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

    def verdict(self) -> Verdict:
        """The verdict the rules filter gives the block: kept by a ``keep``
        rule, dropped by any other, with the rule's id and reason."""
        rule = self.rule
        # keep, rule, reason, evidence, meta, marks_end (positional: quicker)
        return Verdict(rule.action == "keep", rule.id, rule.reason, self.evidence, self.meta,
                       rule.marks_end)


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


# -- screening: skip regexes that cannot match ------------------------------------
#
# Most blocks match no rule, yet trying every rule costs one regex search each.
# Each pattern gets a *screen* computed from its syntax tree, a condition every
# key it matches satisfies:
#
# * ``("first", chars)``: an anchored pattern (``^...``) can only match a key
#   whose first character is in ``chars`` (``^[(【]?\s*(?:责编|编辑)`` -> ``( 【 责 编``
#   and the whitespace characters);
# * ``("lits", strings)``: every match contains one of ``strings``
#   (``版权所有(?![人者])`` -> ``版权所有``);
# * ``None``: no safe condition found; the regex is always tried.
#
# The analysis is conservative: only syntax that ``re`` and ``regex`` (V0) read
# the same way is analysed (``\p{..}`` counts as "any character"); anything else
# gives ``None``. :class:`RuleIndex` uses the screens, plus each rule's
# ``max_chars`` / ``min_chars``, to try only the rules that could match, in the
# original order, so the first match is the same rule as with :func:`first_match`.

_SENTINEL = "\ue000"  # stands for \p{..} / \P{..}: any character
_ESCAPE_OK = set("sSdDwWbBAZnrtfvx0u") | {c for c in map(chr, range(32, 127)) if not c.isalnum()}
_UNSAFE = regex.compile(r"\[:\^?[a-z]+:\]|\[\[|\{[eisd]\s*[<=]")
_GROUP_OK = ("(?:", "(?P<", "(?=", "(?!", "(?<=", "(?<!")
_MAX_RANGE = 2000


def _category_chars(category: str) -> frozenset[str]:
    """Every character ``regex`` (V0) matches with ``\\s`` or ``\\d`` (computed once)."""
    return _categories()[category]


@lru_cache(maxsize=1)
def _categories() -> dict[str, frozenset[str]]:
    """:func:`_category_chars` of both categories, from one string of every code
    point (building it is most of the cost: ~0.1 s)."""
    import array

    codes = array.array("I", range(0xD800))
    codes.extend(range(0xE000, 0x110000))
    every = codes.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
    return {c: frozenset(regex.compile(c, regex.V0).findall(every)) for c in (r"\s", r"\d")}


def _prepare(pattern: str) -> str | None:
    """``pattern`` with ``\\p{..}`` replaced by a sentinel, or ``None`` if it uses
    syntax whose meaning ``re`` and ``regex`` might not share."""
    if _SENTINEL in pattern or _UNSAFE.search(pattern):
        return None
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "(" and pattern.startswith("?", i + 1) and not pattern.startswith(_GROUP_OK, i):
            return None  # inline flags, atomic/conditional/branch-reset groups...
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            return None
        nxt = pattern[i + 1]
        if nxt in "pP":
            if pattern.startswith("{", i + 2):
                end = pattern.find("}", i + 2)
                if end < 0:
                    return None
                i = end + 1
            else:
                i += 3
            out.append(_SENTINEL)
            continue
        if nxt not in _ESCAPE_OK:
            return None
        out.append(pattern[i:i + 2])
        i += 2
    return "".join(out)


class _Any(Exception):
    """Raised inside the analysis: no condition (any character / unknown syntax)."""


def _set_chars(items) -> set[str]:
    C = _SRE_CONSTANTS

    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            if av == 0xE000:
                raise _Any
            chars.add(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > _MAX_RANGE or lo <= 0xE000 <= hi:
                raise _Any
            chars.update(map(chr, range(lo, hi + 1)))
        elif op is C.CATEGORY and av is C.CATEGORY_SPACE:
            chars |= _category_chars(r"\s")
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            chars |= _category_chars(r"\d")
        else:  # NEGATE, other categories
            raise _Any
    return chars


def _first(seq) -> tuple[set[str], bool]:
    """Characters a match of ``seq`` can start with, and whether it can be empty."""
    return _edge(seq, from_end=False)


def _last(seq) -> tuple[set[str], bool]:
    """Characters a match of ``seq`` can end with, and whether it can be empty."""
    return _edge(seq, from_end=True)


def _edge(seq, from_end: bool) -> tuple[set[str], bool]:
    """:func:`_first` (or, ``from_end``, :func:`_last`) of a parsed pattern."""
    C = _SRE_CONSTANTS

    out: set[str] = set()
    for op, av in (reversed(seq) if from_end else seq):
        if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
            continue  # zero width
        if op is C.LITERAL:
            if av == 0xE000:
                raise _Any
            out.add(chr(av))
            return out, False
        if op is C.IN:
            out |= _set_chars(av)
            return out, False
        if op is C.SUBPATTERN:
            chars, empty = _edge(av[3], from_end)
        elif op is C.BRANCH:
            chars, empty = set(), False
            for alt in av[1]:
                c, e = _edge(alt, from_end)
                chars |= c
                empty = empty or e
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            chars, empty = _edge(sub, from_end)
            empty = empty or lo == 0
        else:
            raise _Any
        out |= chars
        if not empty:
            return out, False
    return out, True


def _set_weight(lits: frozenset[str]) -> float:
    """A rough guess at how many lines hold one of ``lits`` (lower: fewer): per
    literal its rarest character's :func:`_commonness`, a fifth of that for each
    character more. ``{"报道", "报导", "日电"}`` (12) is rarer than ``{"/"}`` (25),
    which every dated teaser holds."""
    return sum(min(map(_commonness, lit)) * 0.2 ** (len(lit) - 1) for lit in lits)


def _literals(seq) -> frozenset[str] | None:
    """Strings one of which every match of ``seq`` contains, or ``None``. Of the
    sets the pattern needs, the one lines are least likely to hold
    (:func:`_set_weight`; then the fewer and the longer strings): the index
    tries a rule only on keys holding one, so a rare set spares searches."""
    C = _SRE_CONSTANTS

    best: frozenset[str] | None = None

    def better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
        if a is None:
            return b
        if b is None:
            return a
        ka = (_set_weight(a), len(a), -min(map(len, a)))
        kb = (_set_weight(b), len(b), -min(map(len, b)))
        return b if kb < ka else a

    run: list[str] = []
    for op, av in [*seq, (None, None)]:
        if op is C.LITERAL and av != 0xE000:
            run.append(chr(av))
            continue
        if run:
            best = better(best, frozenset(["".join(run)]))
            run = []
        if op is None or op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
            continue
        got: frozenset[str] | None = None
        try:
            if op is C.IN:
                chars = _set_chars(av)
                got = frozenset(chars) if 0 < len(chars) <= 8 else None
            elif op is C.SUBPATTERN:
                got = _literals(av[3])
            elif op is C.BRANCH:
                alts = [_literals(alt) for alt in av[1]]
                if all(a is not None for a in alts):
                    got = frozenset().union(*alts)  # type: ignore[arg-type]
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
                got = _literals(av[2])
        except _Any:
            got = None
        if got is not None and (not got or "" in got):
            got = None
        best = better(best, got)
    return best


@lru_cache(maxsize=1024)  # screen_of, last_chars_of, literals_of and the screen each parse
# every pattern; _line_screen empties it
def _parsed(pattern: str) -> tuple | None:
    """The stdlib syntax tree of ``pattern`` (top-level sequence), or ``None``
    when it is not safe to analyse (see :func:`_prepare`). Shared between
    callers: the analysis only reads it."""
    C = _SRE_CONSTANTS
    _parser = _SRE_PARSER

    prepared = _prepare(pattern)
    if prepared is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = _parser.parse(prepared)
    except Exception:  # syntax the stdlib parser does not know: no screen
        return None
    if tree.state.flags & ~(C.SRE_FLAG_UNICODE):
        return None
    return tuple(tree)


def screen_of(pattern: str) -> tuple[str, frozenset[str]] | None:
    """The screen of one pattern (see above), or ``None`` when it is always tried."""
    C = _SRE_CONSTANTS

    seq = _parsed(pattern)
    if seq is None:
        return None
    if seq and seq[0] == (C.AT, C.AT_BEGINNING):
        try:
            chars, empty = _first(seq)
        except _Any:
            pass
        else:
            if not empty and chars:
                return ("first", frozenset(chars))
    lits = _literals(seq)
    return ("lits", lits) if lits else None


def last_chars_of(pattern: str) -> frozenset[str] | None:
    """For a pattern ending in ``$``, the characters its match can end with.

    ``$`` (no MULTILINE) matches at the end of the key or before a final
    newline, so the condition is on the key's last character unless the key
    ends in a newline. ``None``: no condition (not end-anchored, can match
    empty, or syntax not analysed).
    """
    C = _SRE_CONSTANTS

    seq = _parsed(pattern)
    if not seq or seq[-1] != (C.AT, C.AT_END):
        return None
    try:
        chars, empty = _last(seq)
    except _Any:
        return None
    return frozenset(chars) if chars and not empty else None


def literals_of(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or ``None``.

    For a pattern screened by its first character this is a second, separate
    condition: ``^(?:\\d+\\s+)?comments?`` starts with a digit or ``c`` *and*
    contains ``comment``.
    """
    seq = _parsed(pattern)
    return _literals(seq) if seq else None


def _rule_ends(patterns: Sequence[str]) -> frozenset[str] | None:
    """What a key's last character must be for some pattern to match, or ``None``."""
    out: set[str] = set()
    for p in patterns:
        got = last_chars_of(p)
        if got is None:
            return None
        out |= got
    return frozenset(out)


def _rule_screen(patterns: Sequence[str]) -> tuple[tuple[str, frozenset[str]], ...] | None:
    screens = []
    for p in patterns:
        got = screen_of(p)
        if got is None:
            return None
        screens.append(got)
    return tuple(screens)


def _char_classes(sets: list[frozenset[str]]) -> tuple[dict[str, int], list[frozenset]]:
    """Group characters by which of ``sets`` hold them: ``(class of each
    character, the sets each class is in)``; characters in none are class 0."""
    members: dict[str, list[int]] = {}
    for n, chars in enumerate(sets):
        for c in chars:
            members.setdefault(c, []).append(n)
    signature: dict[tuple[int, ...], int] = {(): 0}
    class_of: dict[str, int] = {}
    class_sets: list[frozenset[frozenset[str]]] = [frozenset()]
    for c, ms in members.items():
        sig = tuple(ms)
        k = signature.get(sig)
        if k is None:
            k = signature[sig] = len(class_sets)
            class_sets.append(frozenset(sets[m] for m in ms))
        class_of[c] = k
    return class_of, class_sets


@lru_cache(maxsize=1024)  # classes of a rule set repeat the same literal characters
def _char_finder(chars: frozenset[str]):
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]")


_UNBUILT = object()  # RuleIndex._screen before its first use
_CHOSEN_MAX = 1024  # per first-character class: cached choices by gate characters found


class RuleIndex:
    """Rules in order, tried only where they could match; same result as :func:`first_match`.

    Built once per rule list (a filter builds it in ``__init__``). For a key it
    picks the rules whose ``max_chars``/``min_chars`` allow its length and whose
    screens pass (first character, last character, literals), and searches
    only those, in order. Each condition is a bit mask over the rules (bit
    ``i`` is rule ``i``): one per length band and one per last-character class,
    fixed at build time, and per first-character class the rules it lets
    through with the literals they still need. A key's candidates are the AND
    of its masks, so nothing is built per combination of band and classes.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        cuts = set()
        for r in self.rules:
            if r.max_chars is not None:
                cuts.add(r.max_chars + 1)
            if r.min_chars is not None:
                cuts.add(r.min_chars)
        self._cuts = sorted(cuts)
        # Band k holds the lengths n with bisect_right(cuts, n) == k. The cuts are
        # where some rule's limit starts or stops, so one length speaks for its band.
        self._band_masks = [
            _mask_of((r.max_chars is None or n <= r.max_chars)
                     and (r.min_chars is None or n >= r.min_chars) for r in self.rules)
            for n in [0, *self._cuts]
        ]
        # Characters that some anchored pattern needs first, grouped by which
        # patterns accept them; every other character is class 0.
        firsts: list[frozenset[str]] = []
        for r in self.rules:
            for kind, chars in r.screen or ():
                if kind == "first" and chars not in firsts:
                    firsts.append(chars)
        self._class_of, self._class_sets = _char_classes(firsts)
        # Likewise for the last character, from the rules whose patterns all end in ``$``.
        ends = list(dict.fromkeys(r.ends for r in self.rules if r.ends is not None))
        self._end_class_of, end_class_sets = _char_classes(ends)
        # Per last-character class, the rules it does not rule out; the last entry
        # (index -1) is for keys ending in a newline, which ``$`` may stand before,
        # so that the last character says nothing.
        self._end_masks = [
            _mask_of(r.ends is None or r.ends in accepted for r in self.rules)
            for accepted in end_class_sets
        ] + [(1 << len(self.rules)) - 1]
        self._per_class: dict[int, _ClassEntries] = {}
        self._all_finder: Any = None
        self._screen: Any = _UNBUILT  # built on the first match_lines
        self._tables: Any = _UNBUILT  # likewise (the compiled loop's, see _build_tables)
        self._gate_chars: list[str] = []

    def _class_entries(self, cls: int) -> _ClassEntries:
        """What a key starting with a ``cls`` character needs per rule (cached per class)."""
        got = self._per_class.get(cls)
        if got is not None:
            return got
        accepted = self._class_sets[cls]
        entries: list[tuple[Rule, Any, tuple[str, ...] | None] | None] = []
        for r in self.rules:
            if r.screen is None:
                entries.append((r, r.compiled.search, None))
                continue
            lits: set[str] = set()
            always = False
            needs = r.needs if r.needs is not None else (None,) * len(r.screen)
            for (kind, value), need in zip(r.screen, needs, strict=True):
                if kind == "first":
                    if value in accepted:  # the first character fits: its literals decide
                        if need is None:
                            always = True
                        else:
                            lits |= need
                else:
                    lits |= value
            if always:
                entries.append((r, r.compiled.search, None))
            elif lits:
                ordered = tuple(sorted(lits, key=lambda s: (-len(s), s)))
                entries.append((r, r.compiled.search, ordered))
            else:
                entries.append(None)
        got = self._per_class[cls] = _ClassEntries(entries)
        return got

    def _finder(self):
        """A stdlib class of the first characters of every literal of every rule:
        compiled once per index and shared by all classes (a class's ``gate``
        ignores the characters it does not need)."""
        if self._all_finder is None:
            firsts = set()
            for cls in range(len(self._class_sets)):
                for e in self._class_entries(cls).entries:
                    if e is not None and e[2] is not None:
                        firsts.update(lit[0] for lit in e[2])
            self._all_finder = _char_finder(frozenset(firsts)) if firsts else False
        return self._all_finder

    def match_lines(self, texts: Sequence[str], keys: Sequence[str]) -> list[RuleMatch | None]:
        """``[self.match(t, k) for t, k in zip(texts, keys)]``, trying only the
        lines the :class:`LineScreen` of the rules lets through."""
        if self._screen is _UNBUILT:
            self._screen = LineScreen.of(self.rules)
        found = self._screen.lines(keys) if self._screen is not None else None
        if found is None:
            return [self.match(t, k) for t, k in zip(texts, keys)]
        if self._compiled_tables() is not None:  # the loop below and ``match``, compiled
            return self._compiled_lines(texts, keys, found, self.match, RuleMatch, _MATCH_SLOTS)
        out: list[RuleMatch | None] = [None] * len(keys)
        # A document repeats lines (a menu, "分享到" under every story, a row of
        # teasers' dates): a line's match is worked out once per document.
        seen: dict[str, tuple[str, RuleMatch | None]] = {}
        for i in found:
            key, text = keys[i], texts[i]
            got = seen.get(key)
            if got is None or got[0] != text:
                got = seen[key] = (text, self.match(text, key))
            out[i] = got[1]
        return out

    def _compiled_tables(self) -> tuple | None:
        """The compiled loop's tables, when it can stand for ``match`` here."""
        tables = self._tables if self._tables is not _UNBUILT else self._build_tables()
        return tables if type(self).match is RuleIndex.match else None

    def _compiled_lines(self, texts: Sequence[str], keys: Sequence[str], found: Iterable[int],
                        fallback: Any, made: type, slots: tuple) -> list:
        """``_cwalk.index_match_lines`` over the lines ``found`` by the screen,
        making ``made`` objects (matches or verdicts) written at ``slots``."""
        return _MATCH_LINES(texts if type(texts) is list else list(texts),
                            keys if type(keys) is list else list(keys), list(found),
                            self._tables, self._class_tables, fallback, made, slots, _lift)

    def _build_tables(self) -> tuple | None:
        """The index as the compiled loop of ``match_lines`` reads it (``None``
        when the loop is not built or the masks do not fit in 64 bits): the
        classes of first and last characters and the gate characters (every
        first character of a literal) as tables of the BMP, with dicts for the
        characters past it; the length cuts; the masks of the bands and of the
        last-character classes; and a list to hold per first-character class
        what :meth:`_class_tables` gives."""
        self._tables = None
        if _MATCH_LINES is None or _MATCH_SLOTS is None or len(self.rules) > 64:
            return None
        self._finder()  # builds every class's entries
        self._gate_chars = sorted({c for ce in self._per_class.values() for c in ce.gate})
        if len(self._class_sets) > 0xFFFF or len(self._end_masks) > 0xFFFF \
                or len(self._gate_chars) >= 0xFFFF:
            return None
        gate_ids = {c: g for g, c in enumerate(self._gate_chars, 1)}  # 0: not a gate character
        self._tables = (*_bmp_table(self._class_of), *_bmp_table(self._end_class_of),
                        array("q", self._cuts), array("Q", self._band_masks),
                        array("Q", self._end_masks), *_bmp_table(gate_ids),
                        [None] * len(self._class_sets))
        return self._tables

    def _class_tables(self, cls: int) -> tuple:
        """For the compiled loop, a first-character class's mask, literal and
        plain bits, per gate character (by its number in the tables, from 1)
        the bits it lets through (64-bit words in the machine's order, as
        bytes), and per rule ``(rule, search, literals, lifts)`` or ``None``
        (``lifts``: the pattern has a group naming a metadata field, so that
        :func:`_lift` has something to read)."""
        ce = self._class_entries(cls)
        gates = array("Q", [0, *(ce.gate.get(c, 0) for c in self._gate_chars)]).tobytes()
        entries = tuple(None if e is None else (*e, _lifts(e[0]), _verdict_head(e[0]))
                        for e in ce.entries)
        return ce.mask, ce.literal, ce.plain, gates, entries

    def verdict_lines(self, texts: Sequence[str], keys: Sequence[str]) -> list[Verdict | None]:
        """``[m and m.verdict() for m in self.match_lines(texts, keys)]``: the
        verdicts made in the compiled loop, without the match objects."""
        if (_VERDICT_SLOTS is not None and type(self).match_lines is RuleIndex.match_lines
                and self._compiled_tables() is not None):
            if self._screen is _UNBUILT:
                self._screen = LineScreen.of(self.rules)
            found = self._screen.lines(keys) if self._screen is not None else None
            if found is not None:  # (else every line is matched, below)
                return self._compiled_lines(texts, keys, found, _verdict_of(self.match),
                                            Verdict, _VERDICT_SLOTS)
        return [m and m.verdict() for m in self.match_lines(texts, keys)]

    def match(self, text: str, key: str) -> RuleMatch | None:
        """The first rule (in order) whose pattern is found in ``key``."""
        if not key:
            return first_match(self.rules, text, key)
        band = bisect_right(self._cuts, len(key))
        last = key[-1]
        end_cls = -1 if last == "\n" else self._end_class_of.get(last, 0)
        cls = self._class_of.get(key[0], 0)
        ce = self._per_class.get(cls) or self._class_entries(cls)
        allowed = self._band_masks[band] & self._end_masks[end_cls] & ce.mask
        # Look for gate characters only when some candidate needs a literal (long
        # keys often have none left: most rules stop at a length).
        present = None
        if allowed & ce.literal:
            finder = self._all_finder
            if finder is None:
                finder = self._finder()
            present = frozenset(finder.findall(key))
        if present:
            # Which entries the gate characters found let through, kept per set of
            # characters found (bounded: the sets are few in practice).
            gated = ce.chosen.get(present)
            if gated is None:
                gated = ce.plain
                for c in present:
                    gated |= ce.gate.get(c, 0)  # the finder is shared: some gate nothing here
                if len(ce.chosen) < _CHOSEN_MAX:
                    ce.chosen[present] = gated
        else:
            gated = ce.plain
        mask = gated & allowed
        entries = ce.by_mask.get(mask)
        if entries is None:
            entries = ce.picked(mask)
        for rule, search, lits in entries:
            if lits is not None:
                for lit in lits:
                    if lit in key:
                        break
                else:
                    continue
            m = search(key)
            if m is not None:
                return RuleMatch(rule, m.group(0), _lift(m, text, key))
        return None


#: the compiled loop of :meth:`RuleIndex.match_lines` (``None`` when ``_cwalk`` was not built)
_MATCH_LINES = getattr(COMPILED, "index_match_lines", None)
#: where that loop writes a RuleMatch's fields (``None``: it is not built)
_MATCH_SLOTS = (COMPILED.slot_offsets(RuleMatch, ("rule", "evidence", "meta"))
                if _MATCH_LINES is not None else None)


#: where it writes a Verdict's fields when it makes verdicts (``None``: likewise)
_VERDICT_SLOTS = (COMPILED.slot_offsets(Verdict, ("keep", "rule", "reason", "evidence", "meta",
                                                  "marks_end"))
                  if _MATCH_LINES is not None else None)


def _verdict_head(rule: Rule) -> tuple[bool, str, str, bool]:
    """The fields :meth:`RuleMatch.verdict` takes from the rule: keep, id,
    reason, marks_end."""
    return rule.action == "keep", rule.id, rule.reason, rule.marks_end


def _verdict_of(match: Any) -> Any:
    """``match`` (for an empty key) giving the match's verdict."""
    def verdict(text: str, key: str) -> Verdict | None:
        found = match(text, key)
        return found and found.verdict()
    return verdict


def _bmp_table(values: dict[str, int]) -> tuple[array, dict[str, int]]:
    """``values`` (character -> number below 65,536) as a table of the BMP, up
    to the highest character in it (0 for a character not in it), and a dict
    of the characters past the BMP."""
    top = max((ord(ch) for ch in values if ord(ch) < 0x10000), default=0)
    table = array("H", bytes(2 * (top + 1)))
    astral = {}
    for ch, v in values.items():
        if ord(ch) < 0x10000:
            table[ord(ch)] = v
        else:
            astral[ch] = v
    return table, astral


def _lifts(rule: Rule) -> bool:
    """Could :func:`_lift` find metadata in a match of ``rule`` (does its pattern
    name a group after a metadata field)? ``True`` when that cannot be told."""
    names = getattr(rule.compiled, "groupindex", None)
    return names is None or any(name in META_FIELDS for name in names)


def _mask_of(flags: Iterable[bool]) -> int:
    """A bit mask with bit ``i`` set where the ``i``-th flag is true."""
    return sum(1 << i for i, flag in enumerate(flags) if flag)


class _ClassEntries:
    """The rules as a key starting with one first-character class sees them.

    ``entries`` has per rule ``(rule, search, literals or None)``, or ``None``
    if it cannot match such a key; ``mask`` has the bits of the others,
    ``plain`` those tried whatever the key holds, ``literal`` those needing a
    literal, and ``gate`` maps the first character of every literal to the
    bits of the entries needing it.
    """

    __slots__ = ("by_mask", "chosen", "entries", "gate", "literal", "mask", "plain")

    def __init__(self, entries: list[tuple[Rule, Any, tuple[str, ...] | None] | None]) -> None:
        self.entries = tuple(entries)
        self.mask = _mask_of(e is not None for e in entries)
        self.plain = _mask_of(e is not None and e[2] is None for e in entries)
        self.literal = self.mask & ~self.plain
        self.gate: dict[str, int] = {}
        for i, e in enumerate(entries):
            if e is not None and e[2] is not None:
                for lit in e[2]:
                    self.gate[lit[0]] = self.gate.get(lit[0], 0) | 1 << i
        self.chosen: dict[frozenset[str], int] = {}  # gate characters found -> bits
        self.by_mask: dict[int, tuple[tuple[Rule, Any, tuple[str, ...] | None], ...]] = {}

    def picked(self, mask: int) -> tuple[tuple[Rule, Any, tuple[str, ...] | None], ...]:
        """The entries whose bits are set in ``mask``, in rule order (cached, bounded)."""
        got = self.by_mask.get(mask)
        if got is None:
            got = tuple(e for i, e in enumerate(self.entries) if mask >> i & 1)
            if len(self.by_mask) < _CHOSEN_MAX:
                self.by_mask[mask] = got
        return got


# -- whole-document screening: which lines could match at all ------------------
#
# Per line, :meth:`RuleIndex.match` costs a few microseconds even when nothing
# matches (the common case). :class:`LineScreen` finds the lines that could
# match in two C-level scans over the document's keys joined by newlines, so
# that only those lines go through ``match``. Its regexes are *relaxed*
# copies of the patterns, for the stdlib engine, built from the same syntax
# trees as the screens above:
#
# * every atom that could match a newline loses it (``\s`` -> the whitespace
#   of ``regex`` but the newline, ``[^x]`` -> ``[^x\n]``), so no match runs
#   from one line into the next, and on a line without newlines nothing
#   changes;
# * lookarounds and word boundaries are dropped and ``\p{..}`` is "any
#   character but the newline": the copy matches wherever the pattern does,
#   and sometimes where it does not (that costs one ``match``, no result);
# * ``^`` becomes the newline before each line, ``$`` the end of a line;
# * unanchored copies start with a literal character (leading branches,
#   small classes and repeats are spread out, other leading atoms dropped,
#   and a leading literal is cut to start at its rarest-looking character),
#   which lets the stdlib engine skip to the few places where a match can start.
#
# So a line a pattern matches always holds a match of its copy (a screen
# may let through too much, never too little), and the exact ``match`` then
# decides, rule by rule in order, as before.
#
# The compiled scan of the unanchored copies (``_cwalk.literal_lines``) looks
# for each copy's whole leading literal and tries the regex of its rest only
# where the character after the literal can start a match of it
# (:func:`_starts`). The copies of rules whose every match ends the line
# (``Rule.ends``: a date at the end of a teaser) are scanned apart, in the
# lines ending in one of those rules' last characters only.

_LINE_ANY = "[^\\n]"
_MAX_LEADS = 64  # alternatives one unanchored pattern may spread into
_MAX_FIRSTS = 1000  # more first characters than that: screened by what the line contains


@lru_cache(maxsize=256)  # the \\s and \\d sets come back in most patterns
def _class_source(chars: frozenset[str]) -> str:
    """The inside of a character class for ``chars`` (without the newline), as ranges;
    characters past the BMP become one range of them all (a looser class, but one
    the stdlib engine tests with a table)."""
    codes = sorted({ord(c) for c in chars if c != "\n"})
    out: list[str] = []
    astral = False
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        if codes[i] > 0xFFFF:
            astral = True
        else:
            lo, hi = chr(codes[i]), chr(min(codes[j], 0xFFFF))
            out.append(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}")
            astral = astral or codes[j] > 0xFFFF
        i = j + 1
    if astral:
        out.append("\U00010000-\U0010ffff")
    return "".join(out)


def _relaxed_class(items) -> str:
    """A character class of the parsed pattern, relaxed (see above). ``\\S`` and
    ``\\D`` stay exact (``[^...]`` of the characters ``regex`` takes for ``\\s``,
    ``\\d``): a copy where ``\\S+`` became "anything" could backtrack without end."""
    C = _SRE_CONSTANTS

    negate = False
    chars: set[str] = set()
    outside: set[str] | None = None  # a \S or \D: every character but these
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL and av != 0xE000:
            chars.add(chr(av))
        elif op is C.RANGE and not av[0] <= 0xE000 <= av[1] and av[1] - av[0] <= _MAX_RANGE:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        elif op is C.CATEGORY and av is C.CATEGORY_SPACE:
            chars |= _category_chars(r"\s")
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            chars |= _category_chars(r"\d")
        elif op is C.CATEGORY and av in (C.CATEGORY_NOT_SPACE, C.CATEGORY_NOT_DIGIT) and (
                outside is None):
            outside = set(_category_chars(r"\s" if av is C.CATEGORY_NOT_SPACE else r"\d"))
        else:  # \p{..}, \w, a wide range: taken as any character
            return _LINE_ANY
    if outside is not None:
        if negate:
            return _LINE_ANY  # [^\S...]: not analysed
        return f"[^{_class_source(frozenset(outside - chars))}\\n]"
    if negate:
        return f"[^{_class_source(frozenset(chars))}\\n]"
    inside = _class_source(frozenset(chars))
    return f"[{inside}]" if inside else "(?!)"


def _relaxed(seq) -> str:
    """Stdlib regex source of a parsed pattern, relaxed (see above); raises
    :class:`_Any` for syntax it does not know (backreferences, flags)."""
    C = _SRE_CONSTANTS

    out: list[str] = []
    for op, av in seq:
        if op is C.LITERAL:
            if av == 10:
                raise _Any  # a newline in a key: never in a line
            out.append(_LINE_ANY if av == 0xE000 else re.escape(chr(av)))
        elif op is C.NOT_LITERAL:
            out.append(_LINE_ANY if av == 0xE000 else f"[^{re.escape(chr(av))}\\n]")
        elif op is C.ANY:
            out.append(_LINE_ANY)
        elif op is C.IN:
            out.append(_relaxed_class(av))
        elif op is C.AT:
            if av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
                out.append("^")
            elif av in (C.AT_END, C.AT_END_STRING):
                out.append("$")
            elif av not in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
                raise _Any
        elif op is C.ASSERT or op is C.ASSERT_NOT:
            continue
        elif op is C.SUBPATTERN:
            if av[1] or av[2]:
                raise _Any
            out.append(f"(?:{_relaxed(av[3])})")
        elif op is C.BRANCH:
            out.append("(?:" + "|".join(_relaxed(alt) for alt in av[1]) + ")")
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            top = "" if hi is C.MAXREPEAT else str(hi)
            lazy = "?" if op is C.MIN_REPEAT else ""
            out.append(f"(?:{_relaxed(sub)}){{{lo},{top}}}{lazy}")
        else:
            raise _Any
    return "".join(out)


def _leads(seq: list) -> list[list]:
    """``seq`` as alternatives that each start with a literal character and
    between them match wherever ``seq`` does (see above)."""
    C = _SRE_CONSTANTS

    if not seq:
        raise _Any  # nothing left to start with: could match anywhere
    (op, av), rest = seq[0], seq[1:]
    if op is C.LITERAL and av not in (0xE000, 10):
        return [seq]
    if op is C.SUBPATTERN and not (av[1] or av[2]):
        return _leads(list(av[3]) + rest)
    if op is C.BRANCH:
        out = [lead for alt in av[1] for lead in _leads(list(alt) + rest)]
    elif op is C.IN and 0 < len(av) <= 8 and all(o is C.LITERAL and a not in (0xE000, 10)
                                                  for o, a in av):
        out = [[(C.LITERAL, a), *rest] for _, a in av]
    elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        lo, hi, sub = av
        more = [] if hi == 1 else [
            (op, (lo - 1, hi if hi is C.MAXREPEAT else hi - 1, sub))]
        out = _leads(list(sub) + more + rest)
    else:  # zero width, optional, or a wide atom: the rest must still match
        return _leads(rest)
    if len(out) > _MAX_LEADS:
        raise _Any
    return out


def _anchored_firsts(seq) -> frozenset[str] | None:
    """For a pattern anchored with ``^``, the characters its match starts with,
    if they are few enough to screen the line by; ``None`` otherwise (the
    pattern is then screened like an unanchored one, by what it contains)."""
    C = _SRE_CONSTANTS

    if not seq or seq[0] not in ((C.AT, C.AT_BEGINNING), (C.AT, C.AT_BEGINNING_STRING)):
        return None
    try:
        chars, empty = _first(seq)
    except _Any:
        return None
    if empty or not chars or len(chars) > _MAX_FIRSTS:
        return None
    return frozenset(chars)


_MAX_HEADS = 4000  # (first character, rest) pairs one anchored pattern may spread into


def _heads(seq: list, depth: int = 0) -> list[tuple[str, list]]:
    """Every way ``seq`` can match its first character: that character and what
    must match after it. Raises :class:`_Any` where that cannot be said (a
    class too wide, a repeat of something that can be empty, ``seq`` empty)."""
    C = _SRE_CONSTANTS

    if not seq or depth > 60:
        raise _Any
    (op, av), rest = seq[0], list(seq[1:])
    if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
        return _heads(rest, depth + 1)  # zero width (an assertion only rules out more)
    if op is C.LITERAL:
        if av in (0xE000, 10):
            raise _Any
        return [(chr(av), rest)]
    if op is C.IN:
        chars = _set_chars(av)
        if len(chars) > _MAX_FIRSTS:
            raise _Any
        return [(c, rest) for c in chars]
    if op is C.SUBPATTERN:
        if av[1] or av[2]:
            raise _Any
        return _heads(list(av[3]) + rest, depth + 1)
    if op is C.BRANCH:
        out = [h for alt in av[1] for h in _heads(list(alt) + rest, depth + 1)]
    elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        if _first(sub)[1]:
            raise _Any  # (a repeat of something empty could match nothing, again and again)
        out = _heads(rest, depth + 1) if lo == 0 else []
        if hi is C.MAXREPEAT or hi >= 1:
            more = [] if hi == 1 else [
                (op, (max(lo - 1, 0), hi if hi is C.MAXREPEAT else hi - 1, sub))]
            out += _heads(list(sub) + more + rest, depth + 1)
    else:
        raise _Any
    if len(out) > _MAX_HEADS:
        raise _Any
    return out


def _anchored_seconds(seq) -> dict[str, frozenset[str] | None] | None:
    """For a pattern anchored with ``^``: per character its match can start
    with, the characters the second one can be (``None``: any, or the end),
    or ``None`` for the whole pattern when that cannot be said. A key whose
    first two characters are not such a pair cannot match."""
    try:
        heads = _heads(list(seq[1:]))
    except _Any:
        return None
    parts: dict[str, list[frozenset[str]] | None] = {}
    after: dict[int, frozenset[str] | None] = {}  # by rest: a class's characters share one
    for first, rest in heads:
        got = parts.get(first, [])
        if got is None:
            continue
        seconds = after.get(id(rest), _UNBUILT)
        if seconds is _UNBUILT:
            try:
                chars, empty = _first(rest)
            except _Any:
                empty = True
            seconds = after[id(rest)] = None if empty else frozenset(chars)
        if seconds is None:
            parts[first] = None
        elif not any(s is seconds for s in got):
            parts[first] = [*got, seconds]
    return {c: _union(v) for c, v in parts.items()}


_MAX_THIRDS = 64  # more third characters after a pair than that: no third condition


def _anchored_thirds(seq) -> dict[str, dict[str, frozenset[str] | None] | None] | None:
    """For a pattern anchored with ``^``: per character its match can start
    with, per second character it allows, the characters the third one can be
    (``None``: any, or the end, or more than ``_MAX_THIRDS``); a first
    character whose pairs cannot be said, or that allows more than
    ``_MAX_THIRDS`` second ones, maps to ``None``, and so does the whole
    pattern when nothing can be said. A key of three characters or more whose
    third is not among those for its first two cannot match (what
    :func:`_anchored_seconds` says of the second, one character further)."""
    try:
        heads = _heads(list(seq[1:]))
    except _Any:
        return None
    out: dict[str, dict[str, frozenset[str] | None] | None] = {}
    after: dict[int, dict[str, frozenset[str] | None] | None] = {}  # by rest, as above
    for first, rest in heads:
        if first in out and out[first] is None:
            continue
        nexts = after.get(id(rest), _UNBUILT)
        if nexts is _UNBUILT:
            nexts = after[id(rest)] = _second_thirds(rest)
        if nexts is None:
            out[first] = None
            continue
        got = out.get(first)
        if got is None:  # (a None here was passed over above: the first time)
            got = out[first] = {}
        for second, thirds in nexts.items():
            got[second] = _merged_thirds(got.get(second, frozenset()), thirds)
    return out


def _second_thirds(rest: list) -> dict[str, frozenset[str] | None] | None:
    """Per character a match of ``rest`` can start with, the characters that
    can follow it (``None``: any, or the end); ``None`` when that cannot be
    said, or when it can start with more than ``_MAX_THIRDS`` characters."""
    try:
        heads = _heads(rest)
    except _Any:
        return None
    if len({second for second, _ in heads}) > _MAX_THIRDS:
        return None  # (a class of seconds, digits say: no condition worth its size)
    out: dict[str, frozenset[str] | None] = {}
    for second, rest2 in heads:
        try:
            chars, empty = _first(rest2)
        except _Any:
            chars, empty = set(), True
        out[second] = _merged_thirds(out.get(second, frozenset()),
                                     None if empty else frozenset(chars))
    return out


def _merged_thirds(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Third characters allowed by either (``None``: any), ``None`` past ``_MAX_THIRDS``."""
    if a is None or b is None:
        return None
    both = a | b
    return both if len(both) <= _MAX_THIRDS else None


def _prefix_set(seconds: dict[str, frozenset[str] | None], any_second: Iterable[str],
                thirds: dict[tuple[str, str], frozenset[str] | None]) -> Any:
    """The anchored screen's prefix conditions as ``_cwalk.anchored_lines`` reads
    them: one hash set (``_cwalk.u64_set``) of codes, each tagged: a first
    character after which any second goes (``1 << 62 | first``), an allowed pair
    (``1 << 61 | first << 21 | second``), a pair with a third condition
    (``1 << 60 | first << 21 | second``, BMP characters only) and each third
    allowed after such a pair (``first << 42 | second << 21 | third``, BMP only:
    below ``1 << 48``, so no triple is mistaken for a tagged code)."""
    open_firsts = set(any_second)
    codes = [1 << 62 | ord(a) for a in open_firsts]
    codes += [1 << 61 | ord(a) << 21 | ord(b) for a, v in seconds.items()
              if v is not None for b in v]
    for (a, b), v in thirds.items():
        if v is None or a in open_firsts or max(ord(a), ord(b), *map(ord, v)) >= 0x10000:
            continue
        codes.append(1 << 60 | ord(a) << 21 | ord(b))
        codes += [ord(a) << 42 | ord(b) << 21 | ord(c) for c in v]
    return u64_set(codes)


_HASH_MULTIPLIER = 0x9E3779B97F4A7C15  # (Fibonacci hashing: 2**64 / the golden ratio)


def u64_set(codes: Iterable[int]) -> array:
    """A hash set of 63-bit codes for the compiled loops (``_cwalk._u64_in``): a
    power-of-two array of at least twice as many slots, each code stored with
    its top bit set (0: an empty slot) at ``(code * _HASH_MULTIPLIER mod 2**64)
    >> (64 - log2(size))`` or the next free slot after it."""
    codes = sorted(set(codes))
    if any(c < 0 or c >> 63 for c in codes):
        raise ValueError("codes must be below 2**63")
    bits = max(4, (2 * len(codes)).bit_length())
    size, shift, mask = 1 << bits, 64 - bits, (1 << 64) - 1
    table = [0] * size
    for c in codes:
        h = ((c * _HASH_MULTIPLIER) & mask) >> shift
        while table[h]:
            h = (h + 1) & (size - 1)
        table[h] = c | 1 << 63
    return array("Q", table)


def _union(sets: list[frozenset[str]] | None) -> frozenset[str] | None:
    """The union of ``sets`` (``None`` stays ``None``; one set is itself)."""
    if sets is None:
        return None
    return sets[0] if len(sets) == 1 else frozenset().union(*sets)


#: English letters, most frequent first: a copy starting with ``e`` is tried at
#: every ``e`` of a page, one starting with ``v`` rarely.
_LETTERS_BY_FREQUENCY = "etaoinshrdlcumwfgypbvkjxqz"


def _commonness(char: str) -> int:
    """A rough guess at how often ``char`` occurs in a page's text (higher: more)."""
    if char.isspace():
        return 50  # between every two words
    rank = _LETTERS_BY_FREQUENCY.find(char)
    if rank >= 0:
        return 40 - rank
    return 25 if char.isascii() else 20  # digits, punctuation; other scripts


def _leading_literal(lead: list) -> tuple[str, list]:
    """``lead`` (see :func:`_leads`) as its leading literal and the rest of the sequence."""
    C = _SRE_CONSTANTS

    n = 0
    while n < len(lead) and lead[n][0] is C.LITERAL and lead[n][1] not in (0xE000, 10):
        n += 1
    return "".join(chr(av) for _, av in lead[:n]), lead[n:]


def _rare_start(lead: list) -> tuple[str, list]:
    """``lead`` (see :func:`_leads`) cut to start at the rarest character of its
    leading literal: that literal, and the rest of the sequence after it.
    Dropping leading characters only lets more lines through."""
    lit, rest = _leading_literal(lead)
    start = min(range(len(lit)), key=lambda j: _commonness(lit[j]))
    return lit[start:], rest


class LineScreen:
    """Which lines of a document some rule could match (see above).

    ``of(rules)`` is ``None`` when a pattern cannot be relaxed; then every
    line must be tried.
    """

    def __init__(self, anchored: str, free: dict[str, list[str]], free_limit: int | None,
                 long_free: dict[str, list[str]], long_ends: frozenset[str],
                 whole: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None,
                 by_first: dict[str, dict[tuple[int, int | None], list[str]]] | None = None,
                 ended: tuple[dict[str, list[str]], frozenset[str]] | None = None,
                 seconds: dict[str, frozenset[str] | None] | None = None,
                 lasts: tuple[dict[str, list[frozenset[str] | None]],
                              dict[str, list[frozenset[str] | None]]] | None = None,
                 thirds: dict[tuple[str, str], frozenset[str] | None] | None = None,
                 ) -> None:
        # The anchored copies by the first character and the length of a line:
        # per character and length class a regex of only the copies that can
        # start with it, of the rules taking lines of that length (``by_first``:
        # character -> length band -> copies), so a line is tried against a few
        # copies instead of all of them, and without testing its length in the
        # regex. ``anchored``, one regex of every copy over the joined keys, is
        # the reference the tests compare it with (it takes a line whose first
        # character any copy of its band starts with, so it lets through at
        # least as many lines), and the scan when no ``by_first`` is given. Each
        # regex is compiled the first time a line needs it: compiling them all
        # would triple the time to build the screen.
        self._anchored_source = anchored
        self._anchored = (re.compile(anchored, re.M)
                          if anchored and by_first is None else None)
        self._by_first, self._first_sources, self._length_cuts = _first_dispatch(
            by_first or {})
        self._first_matches: list[Any] = [None] * len(self._first_sources)
        # For the compiled loop: per BMP character, 1 + the index of its row
        # in ``_rows`` (0: no anchored copy starts with it).
        self._rows = list(self._by_first.values())
        self._row_of = None
        if _ANCHORED_LINES is not None and len(self._rows) < 0xFFFF:
            self._row_of = _bmp_table({ch: n for n, ch in enumerate(self._by_first, 1)})[0]
        # The second characters the anchored copies allow after each first one
        # (``seconds``, from the patterns themselves: ``_anchored_seconds``): a
        # key whose first two characters no copy allows is not tried; and the
        # third characters after each such pair (``thirds``, from
        # ``_anchored_thirds``; a pair missing there, or ``None``, allows any).
        # The compiled loop reads them, with the first characters after which
        # any second one goes, from one hash set of tagged codes.
        self._seconds = dict(seconds or {})
        self._thirds = {pair: v for pair, v in (thirds or {}).items()
                        if self._seconds.get(pair[0]) is not None
                        and max(map(ord, (*pair, *v))) < 0x10000}  # (BMP, as the codes)
        any_second = [a for a in self._by_first if self._seconds.get(a, None) is None]
        self._prefixes = (_prefix_set(self._seconds, any_second, self._thirds)
                          if _ANCHORED_LINES is not None else None)
        self._free = _free_regex(free)
        # Unanchored copies are only looked for in lines up to ``free_limit``
        # characters (the longest any of their rules takes). A longer line can
        # only match a rule without a limit: it must end in one of ``long_ends``
        # and hold a copy of one of those rules' patterns (``long_free``).
        self._free_limit = free_limit
        self._long_free = _free_regex(long_free)
        self._long_ends = frozenset(long_ends)
        # The copies for the compiled scan (``_cwalk.literal_lines``), which tries
        # a literal's rest only where the literal is: ``None`` without it. It
        # takes each whole leading literal (``whole``: "icp" rather than the "p"
        # the regex starts at), which occurs in far fewer places.
        whole_free, whole_long = whole if whole is not None else (free, long_free)
        self._whole = (whole_free, whole_long)  # (the tests compare the scan with their regex)
        # ``lasts``: per copy of the ended and long ones, the last characters its
        # pattern's match can end with, which the scan tests first (a "." in a
        # paragraph ending in "." is not where "...[详细]" can be)
        ended_lasts, long_lasts = lasts if lasts is not None else (None, None)
        self._free_scan = _literal_scan(whole_free)
        self._long_scan = _literal_scan(whole_long, long_lasts)
        # The whole-literal copies of rules every match of which ends the line
        # (``Rule.ends``) are scanned apart, in the keys ending in one of those
        # rules' last characters only (``ended``: the copies, those characters):
        # a date at the end of a teaser is looked for in the lines ending in a
        # digit, not at every "-" of the page. ``whole_free`` then lacks them.
        self._whole_ended, self._ended_last = ended if ended is not None else ({}, frozenset())
        self._ended_scan = _literal_scan(self._whole_ended, ended_lasts)
        # (the last characters as the scan reads them: a bitmap of the BMP)
        self._ended_bits = _bmp_bitmap(self._ended_last)
        self._long_bits = _bmp_bitmap(self._long_ends)

    def _scans_ready(self) -> bool:
        """Has every group of whole-literal copies its compiled scan?"""
        return _LITERAL_LINES is not None and all(
            scan is not None or not copies
            for scan, copies in ((self._free_scan, self._whole[0]),
                                 (self._ended_scan, self._whole_ended),
                                 (self._long_scan, self._whole[1])))

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> LineScreen | None:
        return _line_screen(tuple(rules))

    @classmethod
    def _build(cls, rules: tuple[Rule, ...]) -> LineScreen | None:
        bands: dict[tuple[int, int | None], tuple[set[str], list[str]]] = {}
        free: dict[str, list[str]] = {}
        long_free: dict[str, list[str]] = {}  # the copies of rules without max_chars
        whole_free: dict[str, list[str]] = {}  # the same copies by whole leading literal
        whole_long: dict[str, list[str]] = {}
        whole_ended: dict[str, list[str]] = {}  # the copies of rules with ``ends``, likewise
        ended_last: set[str] = set()
        # per copy of whole_ended and whole_long (the same order), the characters
        # its pattern's match can end with (``None``: any); see _literal_scan
        ended_lasts: dict[str, list[frozenset[str] | None]] = {}
        long_lasts: dict[str, list[frozenset[str] | None]] = {}
        by_first: dict[str, dict[tuple[int, int | None], list[str]]] = {}
        # per first character of an anchored copy, the second characters its
        # copies allow (None: any); a first character missing here allows any
        seconds: dict[str, list[frozenset[str]] | None] = {}
        # per first character of an anchored copy, per second character, the third
        # characters its copies allow (None for the first character: some copy
        # gives no pairs, so no third condition; None for a pair: any third)
        thirds: dict[str, dict[str, frozenset[str] | None] | None] = {}
        limits: set[int] = set()
        long_ends: set[str] = set()
        unlimited = False  # an unanchored pattern of a rule without max_chars or ends
        for r in rules:
            for pattern in r.patterns:
                seq = _parsed(pattern)
                if seq is None:
                    return None
                try:
                    firsts = _anchored_firsts(seq)
                    if firsts is not None:
                        chars, alts = bands.setdefault((r.min_chars or 0, r.max_chars),
                                                       (set(), []))
                        chars |= firsts
                        alt = _relaxed(seq[1:])
                        alts.append(alt)
                        for ch in firsts:
                            by_first.setdefault(ch, {}).setdefault(
                                (r.min_chars or 0, r.max_chars), []).append(alt)
                        pairs = _anchored_seconds(seq)
                        for ch in firsts:
                            allowed = None if pairs is None else pairs.get(ch, None)
                            got = seconds.get(ch, [])
                            if allowed is None or got is None:
                                seconds[ch] = None  # (a first character pairs left out: any)
                            elif not any(s is allowed for s in got):
                                seconds[ch] = [*got, allowed]
                        three = _anchored_thirds(seq)
                        for ch in firsts:
                            sub = None if three is None else three.get(ch, None)
                            got3 = thirds.get(ch, {})
                            if sub is None or got3 is None:
                                thirds[ch] = None
                                continue
                            for second, after in sub.items():
                                got3[second] = _merged_thirds(got3.get(second, frozenset()),
                                                              after)
                            thirds[ch] = got3
                        continue
                    # (every match of a rule with ends ends the key with one of
                    # its pattern's last characters: keys hold no newline here)
                    lasts = None if r.ends is None else (last_chars_of(pattern) or r.ends)
                    for lead in _leads(list(seq)):
                        lit, rest = _rare_start(lead)
                        free.setdefault(lit, []).append(_relaxed(rest))
                        whole, tail = _leading_literal(lead)
                        if r.ends is not None:  # the key must end in one of r.ends
                            whole_ended.setdefault(whole, []).append(_relaxed(tail))
                            ended_lasts.setdefault(whole, []).append(lasts)
                            ended_last |= r.ends
                        else:
                            whole_free.setdefault(whole, []).append(_relaxed(tail))
                        if r.max_chars is None:
                            long_free.setdefault(lit, []).append(_relaxed(rest))
                            whole_long.setdefault(whole, []).append(_relaxed(tail))
                            long_lasts.setdefault(whole, []).append(lasts)
                except _Any:
                    return None
                if r.max_chars is not None:
                    limits.add(r.max_chars)
                elif r.ends is not None:
                    long_ends |= r.ends
                else:
                    unlimited = True
        groups = []
        firsts_all: set[str] = set()
        for band, (chars, alts) in bands.items():
            # First the line's first character, then its length, then the copies.
            groups.append(f"(?=[{_class_source(frozenset(chars))}]){_band_source(band, alts)}")
            firsts_all |= chars
        anchored = ""
        if groups:  # most lines start with a character no anchored pattern does
            anchored = (f"\\n(?=[{_class_source(frozenset(firsts_all))}])"
                        f"(?:{'|'.join(groups)})")
        free_limit = None if unlimited or not limits else max(limits)
        return cls(anchored, free, free_limit, long_free, frozenset(long_ends),
                   (whole_free, whole_long), by_first, (whole_ended, frozenset(ended_last)),
                   {ch: _union(v) for ch, v in seconds.items()}, (ended_lasts, long_lasts),
                   {(a, b): v for a, sub in thirds.items() if sub is not None
                    for b, v in sub.items() if v is not None})

    def _compile_first(self, j: int) -> Any:
        """The ``match`` of anchored regex ``j``, compiled and kept."""
        match = self._first_matches[j] = re.compile(self._first_sources[j], re.M).match
        return match

    def _anchored_lines(self, keys: Sequence[str]) -> list[int]:
        """The keys (none holding a newline) an anchored copy matches, tried by
        their first character and length."""
        if _ANCHORED_LINES is not None:  # the loop below, compiled
            return _ANCHORED_LINES(keys if isinstance(keys, list) else list(keys),
                                   self._by_first, self._length_cuts, self._first_matches,
                                   self._compile_first, self._row_of, self._rows,
                                   self._prefixes)
        get, matches, cuts = self._by_first.get, self._first_matches, self._length_cuts
        seconds, thirds = self._seconds, self._thirds
        out = []
        for i, k in enumerate(keys):
            row = get(k[:1])
            if row is None:
                continue
            allowed = seconds.get(k[0])
            if allowed is not None and len(k) > 1 and k[1] not in allowed:
                continue
            if allowed is not None and len(k) > 2:
                third = thirds.get(k[:2])
                if third is not None and k[2] not in third:
                    continue
            j = row[bisect_right(cuts, len(k))]
            if j >= 0:
                match = matches[j]
                if match is None:
                    match = self._compile_first(j)
                if match(k):
                    out.append(i)
        return out

    def lines(self, keys: Sequence[str]) -> set[int] | None:
        """Indices of the keys some rule could match; ``None`` if a key holds a
        newline (a line is then not a key)."""
        found: set[int] = set()
        if not keys:
            return found
        ready = self._scans_ready()
        if self._by_first and _FIRST_HOLDING is not None and ready:
            # the compiled scans: no joined text to build, only the newline test
            keys = keys if type(keys) is list else list(keys)
            if _FIRST_HOLDING(keys, "\n") >= 0:
                return None
            joined = ""  # (not read below)
        else:
            joined = "\n" + "\n".join(keys)
            if joined.count("\n") != len(keys):
                return None
        if self._by_first:
            found.update(self._anchored_lines(keys))
        elif self._anchored is not None:
            found.update(_lines_found(self._anchored, joined, keys, None))
        if self._free is not None and ready:
            # the loop below, with the lengths and last characters tested in the scans
            keys = keys if type(keys) is list else list(keys)
            limit = self._free_limit
            if self._free_scan is not None:
                found.update(_LITERAL_LINES(keys, *self._free_scan, limit))
            if self._ended_scan is not None:
                found.update(_LITERAL_LINES(keys, *self._ended_scan, limit, 0,
                                            self._ended_bits))
            if limit is not None and self._long_scan is not None:
                found.update(_LITERAL_LINES(keys, *self._long_scan, None, limit + 1,
                                            self._long_bits))
        elif self._free is not None:
            limit = self._free_limit
            # (the scan of whole_free alone lacks the copies scanned apart)
            free_scan = self._free_scan if not self._whole_ended else None
            short = None if limit is None else [
                i for i, k in enumerate(keys) if len(k) <= limit]
            if short is None or len(short) == len(keys):
                found.update(_holding(self._free, free_scan, keys, None, joined))
            else:
                shorts = [keys[i] for i in short]
                found.update(_holding(self._free, free_scan, shorts, short))
                ends = self._long_ends
                ended = [i for i, k in enumerate(keys) if len(k) > limit and k[-1] in ends]
                if ended and self._long_free is not None:
                    longs = [keys[i] for i in ended]
                    found.update(_holding(self._long_free, self._long_scan, longs, ended))
        return found


def _band_source(band: tuple[int, int | None], alts: list[str]) -> str:
    """Regex source of the anchored copies of one length band (min_chars,
    max_chars), without the leading newline: first the line's length (the
    relaxed copy of a pattern could take time on a long line), then the copies."""
    lo, hi = band
    limit = "" if band == (0, None) else f"(?={_LINE_ANY}{{{lo},{hi or ''}}}$)"
    return f"{limit}(?:{'|'.join(alts)})"


def _first_dispatch(
    by_first: dict[str, dict[tuple[int, int | None], list[str]]],
) -> tuple[dict[str, tuple[int, ...]], list[str], tuple[int, ...]]:
    """The anchored copies by first character and length class.

    The bands' ends cut lengths into classes: ``bisect_right(cuts, len(key))``
    is a key's class, and every band holds all lengths of a class or none.
    Gives first character -> per class the index of the regex source of the
    copies that can start with it in bands holding that class (-1: none),
    those sources (compiled with ``re.M`` and tried on a whole key: ``$`` is
    the key's end, as it is the line's in the joined keys; the class stands in
    for the length test), and the cuts. Rows with the same copies share one
    source."""
    ends = {0}
    for bands in by_first.values():
        for lo, hi in bands:
            ends.add(lo)
            if hi is not None:
                ends.add(hi + 1)
    cuts = tuple(sorted(ends))
    # a representative length per class: class c holds lengths cuts[c-1] .. cuts[c]-1
    lengths = [-1, *cuts]
    index: dict[str, int] = {}
    out = {}
    for ch, bands in by_first.items():
        row = []
        for n in lengths:
            alts = [a for (lo, hi), band_alts in bands.items()
                    if lo <= n and (hi is None or n <= hi) for a in band_alts]
            row.append(index.setdefault("|".join(alts), len(index)) if alts else -1)
        out[ch] = tuple(row)
    return out, list(index), cuts


def _bmp_bitmap(chars: Iterable[str]) -> bytes:
    """The BMP characters of ``chars`` as a bitmap (bit ``c & 7`` of byte ``c >> 3``)."""
    bits = bytearray(0x2000)
    for ch in chars:
        c = ord(ch)
        if c < 0x10000:
            bits[c >> 3] |= 1 << (c & 7)
    return bytes(bits)


def _free_regex(copies: dict[str, list[str]]) -> re.Pattern[str] | None:
    """One regex of the unanchored copies, by the literal they start with."""
    if not copies:
        return None
    return re.compile("|".join(re.escape(lit) + "(?:" + "|".join(rests) + ")"
                               for lit, rests in copies.items()), re.M)


#: the compiled scan of :func:`_holding` (``None`` when ``_cwalk`` was not built)
_LITERAL_LINES = getattr(COMPILED, "literal_lines", None)
#: the compiled loop of :meth:`LineScreen._anchored_lines` (likewise)
_ANCHORED_LINES = getattr(COMPILED, "anchored_lines", None)
#: the compiled newline test of :meth:`LineScreen.lines` (likewise)
_FIRST_HOLDING = getattr(COMPILED, "first_holding", None)

_LiteralScan = tuple[bytes, bytes, dict[int, list[tuple[str, Any, bytes | None, bytes | None]]]]


def _literal_scan(copies: dict[str, list[str]],
                  lasts: dict[str, list[frozenset[str] | None]] | None = None,
                  ) -> _LiteralScan | None:
    """The unanchored copies (literal -> rests, as :func:`_free_regex` takes
    them) for ``_cwalk.literal_lines``: which BMP characters a literal starts
    with (2 if a literal of one character, else 1), the first two characters of
    the longer literals folded to their low bytes (a table of 65,536 flags: the
    scan passes over a position whose pair is not flagged), and per first
    character its literals, each with the ``match`` of a regex of its rests
    (``None`` when one rest is empty: the literal is enough) and the
    :func:`_starts` of that regex (the scan tries the regex only where the
    character after the literal can start a match). Given ``lasts`` (per
    literal, per rest, the characters a key must end with for it: ``None``,
    any), a literal's rests are grouped by them, each group an entry whose
    last item is a bitmap of those characters (``None``: any), tested on the
    key's last character before the literal. ``None`` when the scan is not
    compiled or there are no copies."""
    if _LITERAL_LINES is None or not copies or not all(copies):
        return None
    table = bytearray(0x10000)
    pairs = bytearray(0x10000)
    by_first: dict[int, list[tuple[str, Any, bytes | None, bytes | None]]] = {}
    shared: dict[bytes, bytes] = {}  # literals with the same starts share one bitmap
    ends_bits: dict[frozenset[str], bytes] = {}
    for lit, rests in copies.items():
        groups: dict[frozenset[str] | None, list[str]] = {}
        for n, tail in enumerate(rests):
            groups.setdefault(None if lasts is None else lasts[lit][n], []).append(tail)
        first = ord(lit[0])
        if first < 0x10000:
            if len(lit) == 1:
                table[first] = 2
            elif not table[first]:
                table[first] = 1
        if len(lit) > 1:
            pairs[(first & 0xFF) << 8 | (ord(lit[1]) & 0xFF)] = 1
        for ends, group in groups.items():
            rest = starts = None
            if "" not in group:
                source = "(?:" + "|".join(group) + ")"
                rest = re.compile(source, re.M).match
                starts = _starts(source)
                if starts is not None:
                    starts = shared.setdefault(starts, starts)
            last = None
            if ends is not None:
                last = ends_bits.get(ends)
                if last is None:
                    last = ends_bits[ends] = _bmp_bitmap(ends)
            by_first.setdefault(first, []).append((lit, rest, starts, last))
    return bytes(table), bytes(pairs), by_first


_BMP = 0x10000
_MOST = 0xF000  # a bitmap of more characters than that is not worth a test


def _starts(source: str) -> bytes | None:
    """The BMP characters a match of the stdlib regex ``source`` (compiled with
    ``re.M``) can start with, as a bitmap (bit ``c & 7`` of byte ``c >> 3``);
    ``None`` when a match can be empty, when the start holds syntax not read
    here, or when nearly every character can start one. Read from the parsed
    pattern, as wide as the syntax allows: a class or ``.`` counts every
    character it takes. Characters past the BMP are not in the bitmap (the scan
    tries the regex after them)."""
    C = _SRE_CONSTANTS
    _parser = _SRE_PARSER

    try:
        parsed = _parser.parse(source, re.M)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.DOTALL | re.VERBOSE):
        return None
    flags = bytearray(_BMP)

    def klass(items, into: bytearray) -> None:
        negate = bool(items) and items[0][0] is C.NEGATE
        marks = bytearray(_BMP) if negate else into
        for op, av in items[1:] if negate else items:
            if op is C.LITERAL:
                if av < _BMP:
                    marks[av] = 1
            elif op is C.RANGE:
                lo, hi = av[0], min(av[1], _BMP - 1)
                if lo <= hi:
                    marks[lo:hi + 1] = b"\x01" * (hi - lo + 1)
            elif op is C.CATEGORY:
                _mark(marks, _stdlib_category(av))
            else:
                raise _Any
        if negate:
            _mark(into, marks.translate(_FLIP))

    def first(seq) -> bool:
        """Marks where a match of ``seq`` can start; whether it can be empty."""
        for op, av in seq:
            if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
                continue  # zero width
            if op is C.LITERAL:
                if av < _BMP:
                    flags[av] = 1
                return False
            if op is C.NOT_LITERAL:
                klass([(C.NEGATE, None), (C.LITERAL, av)], flags)
                return False
            if op is C.ANY:
                klass([(C.NEGATE, None), (C.LITERAL, 10)], flags)
                return False
            if op is C.IN:
                klass(av, flags)
                return False
            if op is C.SUBPATTERN:
                if av[1] or av[2]:  # inline flags
                    raise _Any
                empty = first(av[3])
            elif op is C.BRANCH:
                empty = False
                for alt in av[1]:
                    empty = first(alt) or empty  # every branch marks
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                lo, _hi, sub = av
                empty = first(sub) or lo == 0
            elif op is C.ATOMIC_GROUP:
                empty = first(av)
            else:
                raise _Any
            if not empty:
                return False
        return True

    try:
        if first(list(parsed)):
            return None
    except _Any:
        return None
    if flags.count(1) > _MOST:
        return None
    # pack: bit i of the number is flags[i]
    number = int(flags.translate(_AS_DIGIT)[::-1], 2)
    return number.to_bytes(_BMP // 8, "little")


_AS_DIGIT = bytes.maketrans(b"\x00\x01", b"01")
_FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")


def _mark(into: bytearray, other: bytes | bytearray) -> None:
    """Sets ``into[i]`` to 1 where ``other[i]`` is 1 (both hold only 0 and 1)."""
    either = int.from_bytes(into, "big") | int.from_bytes(other, "big")
    into[:] = either.to_bytes(len(into), "big")


@cache
def _stdlib_category(category: Any) -> bytes:
    """Per BMP character, 1 if the stdlib class ``category`` (``\\s``, ``\\d``,
    ``\\w`` or their negations, as ``re`` reads them in a str pattern) takes it."""
    C = _SRE_CONSTANTS

    escape = {C.CATEGORY_SPACE: r"\s", C.CATEGORY_NOT_SPACE: r"\S",
              C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D",
              C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}.get(category)
    if escape is None:
        raise _Any
    from .blocks import bmp_bits

    return bmp_bits([(1, re.compile(escape))])


def _holding(pattern: re.Pattern[str], scan: _LiteralScan | None, keys: Sequence[str],
             index: Sequence[int] | None, joined: str | None = None) -> Iterable[int]:
    """The keys holding a match of ``pattern`` (an unanchored screen regex;
    key ``i`` reported as ``index[i]`` when given): by the compiled scan of the
    same copies when there is one, else by the regex over the joined keys.

    The two agree: a copy never matches a newline, and with ``re.M`` its
    ``^``/``$`` match at a key's ends as at a line's (tests/test_cwalk.py).
    """
    if scan is not None:
        lines = _LITERAL_LINES(keys if isinstance(keys, list) else list(keys), *scan)
        return lines if index is None else [index[i] for i in lines]
    if joined is None:
        joined = "\n" + "\n".join(keys)
    return _lines_found(pattern, joined, keys, index)


def _lines_found(pattern: re.Pattern[str], joined: str, keys: Sequence[str],
                 index: Sequence[int] | None) -> Iterator[int]:
    """The lines of ``joined`` (``keys``, each after a newline) holding a match of
    ``pattern``; line ``i`` is reported as ``index[i]`` when ``index`` is given."""
    starts = list(accumulate([len(k) + 1 for k in keys[:-1]], initial=0))
    lines = {bisect_right(starts, m.start()) - 1 for m in pattern.finditer(joined)}
    yield from (lines if index is None else (index[i] for i in lines))


@lru_cache(maxsize=8)  # pipelines built again (with_rules, without) reuse it
def _line_screen(rules: tuple[Rule, ...]) -> LineScreen | None:
    """:meth:`LineScreen.of` (compiling the screen takes ~0.1 s). The syntax trees
    of the patterns, parsed when the rules were loaded and read again here, are
    let go once the screen is built: kept, they held 0.9 MB and 11k objects that
    the garbage collector walked on every full collection (a rule set loaded
    later parses its patterns again, ~10 ms)."""
    try:
        return LineScreen._build(rules)
    finally:
        _parsed.cache_clear()


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
        screen=_rule_screen(patterns),
        ends=_rule_ends(patterns),
        needs=tuple(literals_of(p) for p in patterns),
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
