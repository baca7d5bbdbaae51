"""How well, and how fast, scrubber reads pages whose legacy encoding is not declared.

Most pages of the evaluation data are UTF-8 or declare their charset. A
scraper that keeps the body but not the HTTP header, or a site that only
sends the charset in that header, hands scrubber undeclared GBK, Big5 or
Shift_JIS bytes. This script makes such pages from the UTF-8 pages of a
case folder (``--data``, as for run.py): it removes every ``charset=``
declaration, writes the page in each legacy encoding of its language (when
every character fits), and checks that ``scrubber.decode`` gives the page's
text back, timing each call.

Usage::

    python benchmarks/undeclared.py --data ../shared/eval-data [--sets zh-news,zh-tw]
        [--limit 60]

It prints one row per encoding: pages, pages read right, what the others were
read as, and the median and total time of ``decode``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import load_cases, read_page

from scrubber.decode import decode

#: the legacy encodings pages of a language were written in
ENCODINGS = {
    "zh": ("gb18030", "gbk", "big5"),
    "zh-Hant": ("big5", "big5hkscs", "gb18030"),
    "ja": ("shift_jis", "euc_jp"),
    "ko": ("euc_kr",),
    "ru": ("cp1251", "koi8_r"),
}
_CHARSET = re.compile(r"""charset\s*=\s*["']?[\w.:-]+""", re.I)


def undeclared_pages(data: Path, sets: list[str], limit: int | None):
    """``(encoding, bytes, text)`` per page and encoding: the UTF-8 pages of the
    sets without their declarations, in each encoding of their language that
    holds all their characters; at most ``limit`` pages per set and encoding."""
    made: Counter[tuple[str, str]] = Counter()
    for case in load_cases(data, sets, None):
        if not case.get("html"):
            continue
        try:
            text = read_page(data / case["set"] / case["html"]).decode("utf-8")
        except UnicodeDecodeError:
            continue
        text = _CHARSET.sub("", text)
        for enc in ENCODINGS.get(case.get("lang") or "", ()):
            if limit is not None and made[case["set"], enc] >= limit:
                continue
            try:
                raw = text.encode(enc)
            except UnicodeEncodeError:
                continue
            made[case["set"], enc] += 1
            yield enc, raw, text


def measure(pages) -> dict[str, dict]:
    """Per encoding: pages, read right, what the rest were read as, times (s)."""
    out: dict[str, dict] = {}
    for enc, raw, text in pages:
        row = out.setdefault(enc, {"pages": 0, "right": 0, "wrong": Counter(), "times": []})
        started = time.perf_counter()
        got = decode(raw)
        row["times"].append(time.perf_counter() - started)
        row["pages"] += 1
        if got.text == text:
            row["right"] += 1
        else:
            row["wrong"][got.encoding] += 1
    return out


def markdown(rows: dict[str, dict]) -> str:
    lines = ["| encoding | pages | read right | read as instead | median ms | total ms |",
             "|---|---:|---:|---|---:|---:|"]
    for enc, r in rows.items():
        wrong = ", ".join(f"{e} ×{n}" for e, n in r["wrong"].most_common()) or "–"
        lines.append(f"| {enc} | {r['pages']} | {r['right']} | {wrong} | "
                     f"{statistics.median(r['times']) * 1e3:.2f} | {sum(r['times']) * 1e3:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="folder of case sets")
    ap.add_argument("--sets", default="zh-news,zh-tw,magic_html_article")
    ap.add_argument("--limit", type=int, default=None, help="pages per set and encoding")
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    missing = [s for s in sets if not (args.data / s / "cases.jsonl").is_file()]
    if missing:
        ap.error(f"no cases.jsonl for {missing} under {args.data}")
    rows = measure(undeclared_pages(args.data, sets, args.limit))
    if not rows:
        print("no UTF-8 page of these sets fits a legacy encoding of its language")
        return 1
    print(markdown(rows), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
