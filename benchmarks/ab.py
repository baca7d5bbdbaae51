#!/usr/bin/env python
"""Is a change faster? Two checkouts of scrubber, timed in turn on the same inputs.

On this shared machine a benchmark run's ratios move by five to ten per cent
between runs with no change in the code (README, Speed), and MB/s moves with
the machine. A change worth a few per cent shows only when the old and the new
code are timed close together, many times over. This script times the
checkout it lives in (``new``) and another one (``--base``: a folder holding a
scrubber checkout, or a git revision, checked out into a temporary worktree
and built there) in worker processes that alternate, round after round
(base first in even rounds, new first in odd ones). Each worker cleans the
same inputs, as ``run.py`` hands them to scrubber (HTML pages as bytes, the
plain texts as str): a warm-up pass, then ``--repeat`` passes, each input's
best time kept. It prints each side's total per round and the ratio
new / base, per round and as the median of the rounds::

    python benchmarks/ab.py --data ../shared/eval-data --base HEAD~1 \\
        --sets zh-tw,zh-text,cleaneval --rounds 5

A ratio under 1 means the new code is faster. Both sides run with the same
interpreter; a side whose compiled module is not built runs pure Python, and
the report says so (a compiled side against a pure one measures the build,
not the change). Pages and texts stay in the data folder; nothing is written
but the temporary worktree, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import list_sets, load_cases, tool_input  # noqa: E402

#: the groups of inputs timed apart: HTML pages, and plain texts
GROUPS = ("html", "text")


def load_inputs(data: Path, sets: list[str], limit: int | None) -> dict[str, list]:
    """The inputs of the sets, by group, as run.py gives them to scrubber."""
    out: dict[str, list] = {g: [] for g in GROUPS}
    for case in load_cases(data, sets, limit):
        out["html" if case.get("html") else "text"].append(tool_input("scrubber", case, data))
    return out


def time_inputs(scrub, inputs: list, repeat: int) -> float:
    """Seconds to clean ``inputs`` once each: the sum of each input's best of
    ``repeat`` timed calls, after one untimed pass."""
    for x in inputs:
        scrub(x)
    best = [float("inf")] * len(inputs)
    for _ in range(repeat):
        for i, x in enumerate(inputs):
            t = time.perf_counter()
            scrub(x)
            best[i] = min(best[i], time.perf_counter() - t)
    return sum(best)


def worker(root: Path, data: Path, sets: list[str], limit: int | None, repeat: int) -> dict:
    """One side's timings, in this process: scrubber imported from ``root``."""
    sys.path.insert(0, str(root))
    import scrubber
    from scrubber import _accel

    where = Path(scrubber.__file__).resolve()
    if root.resolve() not in where.parents:
        raise RuntimeError(f"scrubber came from {where}, not from {root}")
    inputs = load_inputs(data, sets, limit)
    out: dict = {"compiled": _accel.COMPILED is not None}
    for group in GROUPS:
        if inputs[group]:
            out[f"{group}_s"] = time_inputs(scrubber.scrub, inputs[group], repeat)
            out[f"{group}_n"] = len(inputs[group])
    return out


def run_side(root: Path, args: argparse.Namespace, sets: list[str]) -> dict:
    """:func:`worker` in a fresh process (each side imports its own scrubber)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root),
           "--data", str(args.data), "--sets", ",".join(sets), "--repeat", str(args.repeat)]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the worker for {root} failed:\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarize(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Per group: each round's ratio new / base, their median, lowest and highest."""
    out = {}
    for group in GROUPS:
        key = f"{group}_s"
        ratios = [r["new"][key] / r["base"][key] for r in rounds
                  if key in r["new"] and key in r["base"] and r["base"][key] > 0]
        if ratios:
            out[group] = {"ratios": ratios, "median": statistics.median(ratios),
                          "low": min(ratios), "high": max(ratios)}
    return out


def markdown(rounds: list[dict[str, dict]], summary: dict[str, dict], base: str) -> str:
    lines = [f"new: {ROOT} · base: {base} · {len(rounds)} rounds, alternating", ""]
    head = "| round | first |"
    rule = "|---:|---|"
    for group in GROUPS:
        if group in summary:
            head += f" base {group} ms | new {group} ms | new / base |"
            rule += "---:|---:|---:|"
    lines += [head, rule]
    for k, r in enumerate(rounds):
        row = f"| {k + 1} | {r['first']} |"
        for group in GROUPS:
            if group in summary:
                b, n = r["base"][f"{group}_s"], r["new"][f"{group}_s"]
                row += f" {b * 1e3:.1f} | {n * 1e3:.1f} | {n / b:.3f} |"
        lines.append(row)
    lines.append("")
    for group, s in summary.items():
        lines.append(f"{group}: new / base, median of the rounds {s['median']:.3f} "
                     f"(lowest {s['low']:.3f}, highest {s['high']:.3f})")
    modes = {side: rounds[0][side]["compiled"] for side in ("base", "new")} if rounds else {}
    if len(set(modes.values())) > 1:
        lines.append("warning: one side runs its compiled module and the other pure Python: "
                     + ", ".join(f"{s} {'compiled' if c else 'pure'}" for s, c in modes.items()))
    return "\n".join(lines) + "\n"


def checkout(rev: str, into: Path) -> Path:
    """``rev`` of this repository as a detached worktree in ``into``, with its
    compiled module built in place when Cython is there (else it runs pure)."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                    str(into), rev], check=True)
    subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=into,
                   capture_output=True, check=False)
    return into


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="case-format data folder")
    ap.add_argument("--base", help="a scrubber checkout (folder) or a git revision")
    ap.add_argument("--sets", default="", help="comma-separated sets (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="first N cases per set")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of one run per side")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per run")
    ap.add_argument("--json", type=Path, help="also write the rounds and summary here")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s] or list_sets(args.data)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, sets, args.limit, args.repeat)))
        return 0
    if not args.base:
        ap.error("--base is required")
    if args.rounds < 1 or args.repeat < 1:
        ap.error("--rounds and --repeat must be at least 1")
    with tempfile.TemporaryDirectory(prefix="scrubber-ab-") as tmp:
        base = Path(args.base)
        worktree = None
        if not (base / "scrubber" / "__init__.py").is_file():
            try:
                worktree = checkout(args.base, Path(tmp) / "base")
            except subprocess.CalledProcessError:
                ap.error(f"--base {args.base}: neither a folder holding a scrubber "
                         "checkout nor a git revision of this repository")
            base = worktree
        try:
            rounds = []
            for k in range(args.rounds):
                order = ("base", "new") if k % 2 == 0 else ("new", "base")
                got = {side: run_side(base if side == "base" else ROOT, args, sets)
                       for side in order}
                rounds.append({"first": order[0], **got})
                print(f"round {k + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            if worktree is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(worktree)], check=False)
    summary = summarize(rounds)
    print(markdown(rounds, summary, args.base))
    if args.json:
        args.json.write_text(json.dumps({"rounds": rounds, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
