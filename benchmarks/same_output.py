#!/usr/bin/env python
"""Does a speed change leave every output as it was? Record, then compare.

Speed work must not change what scrubber decides. This script cleans the pages
of a case-format data folder (``<set>/cases.jsonl``, as ``run.py`` reads) and
records, per page, a digest of the whole :class:`~scrubber.Article`: its JSON
(title, metadata, every block with its verdict, extras) and each block's key,
path, context and features. Run it before a change with ``--save`` and after
it with ``--compare``; any page whose digest moved is listed::

    python benchmarks/same_output.py --data ../shared/eval-data --save /tmp/before.jsonl
    # ... change the code ...
    python benchmarks/same_output.py --data ../shared/eval-data --compare /tmp/before.jsonl

The recorded file holds digests and page ids only, never page text. It uses
the scrubber of the checkout it lives in (the repository root comes first on
``sys.path``), like ``run.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import list_sets, load_cases, tool_input  # noqa: E402

import scrubber  # noqa: E402


def digest(art: scrubber.Article) -> str:
    """A hash of everything an Article holds that a decision could show in."""
    h = hashlib.sha256(art.to_json(sort_keys=True).encode())
    for b in art.blocks:
        feats = sorted(b.features.items())
        h.update(json.dumps([b.key, b.path, list(b.context), feats, b.tag, b.span],
                            ensure_ascii=False).encode())
    return h.hexdigest()[:20]


def run(data: Path, sets: list[str], limit: int | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for case in load_cases(data, sets or list_sets(data), limit):
        # what the benchmark gives scrubber: the page's bytes, or the text file's text
        source = tool_input("scrubber", case, data)
        out[f"{case['set']}/{case['id']}"] = digest(scrubber.scrub(source))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="case-format data folder")
    ap.add_argument("--sets", default="", help="comma-separated sets (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="first N cases per set")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the digests here")
    group.add_argument("--compare", type=Path, help="compare with digests saved earlier")
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    got = run(args.data, sets, args.limit)
    if args.save:
        args.save.write_text("".join(json.dumps({"page": k, "digest": v}) + "\n"
                                     for k, v in got.items()))
        print(f"{len(got)} pages recorded in {args.save}")
        return 0
    before = {}
    for line in args.compare.read_text().splitlines():
        row = json.loads(line)
        before[row["page"]] = row["digest"]
    differ = sorted(k for k in got if k in before and before[k] != got[k])
    missing = sorted(set(before) - set(got))
    for k in differ:
        print(f"differs: {k}")
    print(f"{len(got)} pages, {len(differ)} differ, {len(missing)} not run this time")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
