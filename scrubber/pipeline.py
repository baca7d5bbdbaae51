"""The pipeline: named filters, then named context passes, as editable data.

A **filter** is any callable ``f(block, doc) -> Verdict | None``: it judges
one block with read-only context (``doc.blocks`` for neighbours, ``doc.stats``)
and never edits text. For each block the first filter that returns a verdict
wins. A **pass** is ``p(doc, verdicts) -> verdicts``: it sees every verdict
so far (``None`` where no filter spoke) and returns a new list; it may
override a verdict with its own rule id. Blocks still unjudged after the
passes are body.

``Pipeline`` is immutable; every edit returns a new one::

    p = scrubber.default_pipeline()
    p.names                                # ['rules', 'symbols', ..., 'main_region', ...]
    p = p.without("promo")                 # a step name, or a rule id of the rules step
    p = p.with_filter(my_filter, before="rules")
    p = p.with_rules("my_site.toml")       # extra rule data, e.g. site rules
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ._accel import COMPILED
from .errors import ScrubberError
from .model import Block, Verdict
from .rules import RuleSet, load_rules

__all__ = ["Document", "Pipeline", "Step", "default_pipeline", "judges_all"]

Filter = Callable[[Block, "Document"], "Verdict | None"]
Pass = Callable[["Document", list["Verdict | None"]], list["Verdict | None"]]


@dataclass(frozen=True)
class Document:
    """Read-only context shared by filters and passes for one input."""

    blocks: tuple[Block, ...]
    kind: str = "text"  # "text" or "html"
    url: str | None = None
    language: str | None = None
    stats: dict[str, float] = field(default_factory=dict)
    #: scratch space of the passes for this document only (a pass that asks
    #: another for the same reading twice reuses it); dies with the document
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def host(self) -> str | None:
        if not self.url:
            return None
        try:
            host = urlsplit(self.url if "//" in self.url else "//" + self.url).hostname
        except ValueError:
            return None
        return host.lower() if host else None

    def neighbour(self, block: Block, offset: int) -> Block | None:
        i = block.index + offset
        return self.blocks[i] if 0 <= i < len(self.blocks) else None


@dataclass(frozen=True)
class Step:
    name: str
    fn: Callable[..., Any]
    kind: Literal["filter", "pass"] = "filter"

    @property
    def doc(self) -> str:
        text = inspect.getdoc(self.fn) or ""
        return text.splitlines()[0] if text else ""


def _name_of(fn: Callable[..., Any], name: str | None) -> str:
    if name:
        return name
    got = getattr(fn, "name", None) or getattr(fn, "__name__", None)
    if not got or got == "<lambda>":
        raise ScrubberError("give the step a name= (lambdas and callables without __name__)")
    return str(got)


@dataclass(frozen=True)
class Pipeline:
    """An ordered tuple of named steps; edits return new pipelines."""

    steps: tuple[Step, ...] = ()

    # -- inspection ----------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]

    @property
    def filters(self) -> list[Step]:
        return [s for s in self.steps if s.kind == "filter"]

    @property
    def passes(self) -> list[Step]:
        return [s for s in self.steps if s.kind == "pass"]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __getitem__(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def __repr__(self) -> str:
        lines = ["Pipeline("]
        for s in self.steps:
            lines.append(f"  {s.kind:6} {s.name:18} {s.doc}")
        return "\n".join(lines) + "\n)"

    @property
    def rules(self) -> RuleSet:
        """The rule set of the ``rules`` step (empty when there is none)."""
        step = next((s for s in self.steps if s.name == "rules"), None)
        return getattr(step.fn, "rules", RuleSet()) if step else RuleSet()

    # -- edits ---------------------------------------------------------------
    def _insert(self, step: Step, before: str | None, after: str | None) -> Pipeline:
        if step.name in self.names:
            raise ScrubberError(f"the pipeline already has a step named {step.name!r}")
        steps = list(self.steps)
        if before is not None or after is not None:
            anchor = before if before is not None else after
            if anchor not in self.names:
                raise ScrubberError(f"no step named {anchor!r}; steps: {self.names}")
            i = self.names.index(anchor) + (0 if before is not None else 1)
        elif step.kind == "filter":  # new filters go after the last filter
            i = max((k + 1 for k, s in enumerate(steps) if s.kind == "filter"), default=0)
        else:
            i = len(steps)
        steps.insert(i, step)
        return Pipeline(tuple(steps))

    def with_filter(
        self, fn: Filter, *, name: str | None = None, before: str | None = None,
        after: str | None = None,
    ) -> Pipeline:
        return self._insert(Step(_name_of(fn, name), fn, "filter"), before, after)

    def with_pass(
        self, fn: Pass, *, name: str | None = None, before: str | None = None,
        after: str | None = None,
    ) -> Pipeline:
        return self._insert(Step(_name_of(fn, name), fn, "pass"), before, after)

    def without(self, *names: str) -> Pipeline:
        """Remove steps by name, or rules of the ``rules`` step by rule id."""
        steps = list(self.steps)
        rule_ids = set(self.rules.ids)
        for name in names:
            if name in self.names:
                steps = [s for s in steps if s.name != name]
            elif name in rule_ids:
                steps = [self._replace_rules(s, lambda rules, n=name: rules.without(n))
                         for s in steps]
            else:
                raise ScrubberError(f"no step or rule named {name!r}; steps: {self.names}")
        return Pipeline(tuple(steps))

    def replace(self, name: str, fn: Callable[..., Any]) -> Pipeline:
        if name not in self.names:
            raise ScrubberError(f"no step named {name!r}; steps: {self.names}")
        return Pipeline(tuple(replace(s, fn=fn) if s.name == name else s for s in self.steps))

    def with_rules(self, *sources: str | Path | RuleSet) -> Pipeline:
        """Add rule data (files or rule sets) to the ``rules`` step."""
        extra = RuleSet()
        for src in sources:
            extra = extra + (src if isinstance(src, RuleSet) else load_rules(src))
        if "rules" not in self.names:
            raise ScrubberError("the pipeline has no 'rules' step to add rules to")
        return Pipeline(tuple(
            self._replace_rules(s, lambda rules: rules + extra) for s in self.steps
        ))

    @staticmethod
    def _replace_rules(step: Step, edit: Callable[[RuleSet], RuleSet]) -> Step:
        """The ``rules`` step rebuilt with ``edit(its rules)``; other steps as they are."""
        if step.name != "rules":
            return step
        return replace(step, fn=type(step.fn)(edit(step.fn.rules)))

    # -- running -------------------------------------------------------------
    def judge(self, doc: Document) -> list[Verdict]:
        """A verdict for every block of ``doc``."""
        verdicts = self._filter_verdicts(doc)
        for step in self.steps:
            if step.kind == "pass":
                out = step.fn(doc, verdicts)
                if len(out) != len(verdicts):
                    raise ScrubberError(f"pass {step.name!r} returned {len(out)} verdicts "
                                        f"for {len(verdicts)} blocks")
                verdicts = list(out)
        if _RUN_VERDICTS is not None and type(verdicts) is list:  # the same, compiled: the
            n = len(verdicts)  # loop MainRegion uses, with the whole list before its run
            return _RUN_VERDICTS(verdicts, n, n, UNJUDGED, UNJUDGED)
        return [v if v is not None else UNJUDGED for v in verdicts]

    def _filter_verdicts(self, doc: Document) -> list[Verdict | None]:
        """For each block, the verdict of the first filter that gives one.

        A filter with a whole-document version (see :func:`judges_all`) runs
        once over all the blocks still unjudged at its turn; other filters run
        block by block, each run of them in their order, as always. Filters
        are pure and the first verdict wins, so this is the same as asking every
        filter about every block in turn, and each filter is asked about the
        same blocks, in the same order."""
        blocks = doc.blocks
        verdicts: list[Verdict | None] = [None] * len(blocks)
        todo = list(range(len(blocks)))
        plain: list[Filter] = []  # consecutive filters without a whole-document version
        for step in self.steps:
            if step.kind != "filter":
                continue
            batch = _whole_document(step.fn)
            if batch is None:
                plain.append(step.fn)
                continue
            if plain:
                todo = _block_by_block(plain, doc, todo, verdicts)
                plain = []
            if not todo:
                break
            found = batch(doc, todo)
            if found:
                todo = (_SETTLE(verdicts, todo, found) if _SETTLE is not None
                        and type(found) is dict else _settle_py(verdicts, todo, found))
        if plain and todo:
            _block_by_block(plain, doc, todo, verdicts)
        return verdicts


def _settle_py(verdicts: list[Verdict | None], todo: list[int],
               found: Mapping[int, Verdict]) -> list[int]:
    """Each verdict of ``found`` (a whole-document filter's) written into
    ``verdicts``; the indices of ``todo`` still without one (by the compiled
    twin ``_cwalk.settle`` when built)."""
    for i, v in found.items():
        verdicts[i] = v
    return [i for i in todo if verdicts[i] is None]


_SETTLE = getattr(COMPILED, "settle", None)
_RUN_VERDICTS = getattr(COMPILED, "run_verdicts", None)  # (judge's last step, compiled)


def _block_by_block(filters: list[Filter], doc: Document, todo: list[int],
                    verdicts: list[Verdict | None]) -> list[int]:
    """Ask ``filters`` in turn about each block at ``todo`` (the first verdict
    wins), fill in ``verdicts``; the indices still unjudged."""
    blocks = doc.blocks
    left = []
    for i in todo:
        block = blocks[i]
        for f in filters:
            verdict = f(block, doc)
            if verdict is not None:
                verdicts[i] = verdict
                break
        else:
            left.append(i)
    return left


def judges_all(filter_fn: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the function below is ``filter_fn``'s whole-document version,
    ``batch(doc, todo) -> {index: verdict}`` giving ``filter_fn(doc.blocks[i], doc)``
    for every ``i`` in ``todo`` where that is not ``None``. ``Pipeline.judge``
    then calls it once per document instead of ``filter_fn`` once per block."""
    def attach(batch: Callable[..., Any]) -> Callable[..., Any]:
        batch.judges = filter_fn  # type: ignore[attr-defined]
        filter_fn.judge_all = batch  # type: ignore[attr-defined]
        return batch
    return attach


def _whole_document(fn: Callable[..., Any]) -> Callable[..., Any] | None:
    """``fn``'s own whole-document version, if it has one: a ``judge_all`` method
    of the filter object, or a function attached with :func:`judges_all`.
    A wrapper that copied ``fn.__dict__`` (``functools.wraps``) has none: its
    ``judge_all`` judges the wrapped function, not it."""
    batch = getattr(fn, "judge_all", None)
    if batch is None:
        return None
    if getattr(batch, "__self__", None) is fn or getattr(batch, "judges", None) is fn:
        return batch
    return None


UNJUDGED = Verdict.body("body", "no filter or pass removed it")


def default_pipeline() -> Pipeline:
    """The built-in pipeline (a new, independent value each call)."""
    from .filters import default_steps

    return Pipeline(tuple(default_steps()))
