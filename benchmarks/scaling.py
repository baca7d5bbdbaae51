"""How scrubber's time grows with the size of a page, on synthetic pages.

The benchmark (``run.py``) measures real pages, most of them 20-200 KB. A
corpus also holds the odd page that is much larger or stranger: a list of
30,000 links, a table of thousands of rows, markup whose unclosed ``<div>``
tags nest a thousand deep, a plain-text dump of 80,000 lines. Time that grows
faster than the page there is a tail no average shows. This script builds
such pages at growing sizes (the text is made up here, word by word) and
reports, per shape and size:

- scrubber's best time of ``--repeat`` calls, and the same with the garbage
  collector off (``--gc``: the collector's share; scrubber itself never turns
  it off);
- lxml's parse of the same bytes (with ``huge_tree``, as scrubber parses, so
  that deep pages are not cut short at 256 levels) and the ratio to it;
- the time per unit of the shape (a paragraph, a link, a row, a line) and the
  growth exponent from the size before: 1.0 is linear, 2.0 quadratic.

Usage::

    python benchmarks/scaling.py [--shapes paragraphs,links,...] [--scale 1]
        [--repeat 3] [--gc] [--markdown FILE]

Figures go in benchmarks/PROFILE.md, not in tests.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scrubber

_WORDS = ("river", "council", "station", "market", "winter", "report", "bridge",
          "teacher", "harbour", "museum", "engine", "garden", "ticket", "signal")
_HAN = "城市河流会议车站市场冬天报告桥梁教师港口博物馆发动机花园车票信号今年居民"


def _sentence(i: int) -> str:
    """An English sentence of a dozen words, different for each ``i``."""
    words = [_WORDS[(i * 7 + k * 3) % len(_WORDS)] for k in range(12)]
    return f"The {' '.join(words)} opened on day {i}. "


def _han_line(i: int) -> str:
    """A short Chinese line, different for each ``i``."""
    chars = "".join(_HAN[(i * 5 + k * 7) % len(_HAN)] for k in range(14))
    return f"第{i}条：{chars}。"


def _page(body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Scaling</title>"
            f"</head><body>{body}</body></html>").encode()


def paragraphs(n: int) -> bytes:
    """An article of ``n`` paragraphs."""
    return _page("<article><h1>Scaling</h1>"
                 + "".join(f"<p>{_sentence(i)}{_sentence(i + 1)}</p>" for i in range(n))
                 + "</article>")


def links(n: int) -> bytes:
    """A list of ``n`` links beside an article of five paragraphs."""
    return _page("<nav><ul>" + "".join(f"<li><a href='/a/{i}'>{_sentence(i)[:30]}</a></li>"
                                       for i in range(n))
                 + "</ul></nav><article>" + "".join(f"<p>{_sentence(i)}</p>" for i in range(5))
                 + "</article>")


def table(n: int) -> bytes:
    """A table of ``n`` rows of eight cells."""
    return _page("<table>" + "".join(
        "<tr>" + "".join(f"<td>{i}.{j} {_WORDS[(i + j) % len(_WORDS)]}</td>" for j in range(8))
        + "</tr>" for i in range(n)) + "</table>")


def nested(n: int) -> bytes:
    """``n`` ``<div>`` elements, each left open around the next, each with a paragraph."""
    return _page("".join(f"<div class='c{i % 7}'><p>{_sentence(i)}</p>" for i in range(n)))


def inline(n: int) -> bytes:
    """One paragraph of ``n`` ``<span>`` elements."""
    return _page("<p>" + "".join(f"<span>{_WORDS[i % len(_WORDS)]}{i}</span> "
                                 for i in range(n)) + "</p>")


def text_lines(n: int) -> str:
    """Plain text of ``n`` short Chinese lines."""
    return "\n".join(_han_line(i) for i in range(n))


def text_line(n: int) -> str:
    """Plain text of one line of ``n`` short Chinese sentences."""
    return "".join(_han_line(i) for i in range(n))


#: name -> (builder, unit, sizes at --scale 1)
SHAPES: dict[str, tuple[Callable[[int], bytes | str], str, tuple[int, ...]]] = {
    "paragraphs": (paragraphs, "paragraph", (1000, 4000, 16000)),
    "links": (links, "link", (1000, 4000, 16000)),
    "table": (table, "row", (250, 1000, 4000)),
    "nested": (nested, "level", (125, 500, 2000)),
    "inline": (inline, "span", (1000, 4000, 16000)),
    "text_lines": (text_lines, "line", (5000, 20000, 80000)),
    "text_line": (text_line, "sentence", (5000, 20000, 80000)),
}


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _parse_floor():
    from lxml import etree

    parser = etree.HTMLParser(huge_tree=True)
    return lambda data: etree.fromstring(data, parser)


def measure(shape: str, sizes: tuple[int, ...], repeat: int, with_gc_off: bool) -> list[dict]:
    """One row per size of ``shape``: times in seconds, bytes, growth exponent."""
    build, unit, _ = SHAPES[shape]
    parse = _parse_floor()
    rows: list[dict] = []
    for n in sizes:
        data = build(n)
        scrubber.scrub(data)  # rule indexes and caches first
        row = {"shape": shape, "unit": unit, "n": n,
               "bytes": len(data.encode("utf-8")) if isinstance(data, str) else len(data),
               "scrub": _best(lambda d=data: scrubber.scrub(d), repeat)}
        if isinstance(data, bytes):
            row["lxml"] = _best(lambda d=data: parse(d), repeat)
        if with_gc_off:
            enabled = gc.isenabled()
            gc.disable()
            try:
                row["scrub_gc_off"] = _best(lambda d=data: scrubber.scrub(d), repeat)
            finally:
                if enabled:
                    gc.enable()
        if rows:
            prev = rows[-1]
            row["exponent"] = math.log(row["scrub"] / prev["scrub"]) / math.log(n / prev["n"])
        rows.append(row)
    return rows


def markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    gc_col = any("scrub_gc_off" in r for r in rows)
    head = ["shape", "n", "KB", "scrub ms", "µs per unit", "growth exponent", "× lxml parse"]
    if gc_col:
        head.append("collector's share")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["shape"], f"{r['n']:,} {r['unit']}s", f"{r['bytes'] / 1024:,.0f}",
                 f"{r['scrub'] * 1e3:,.1f}", f"{r['scrub'] / r['n'] * 1e6:.2f}",
                 f"{r['exponent']:.2f}" if "exponent" in r else "–",
                 f"{r['scrub'] / r['lxml']:.1f}×" if r.get("lxml") else "–"]
        if gc_col:
            off = r.get("scrub_gc_off")
            cells.append(f"{1 - off / r['scrub']:.0%}" if off else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", default=",".join(SHAPES),
                    help=f"comma-separated, of: {', '.join(SHAPES)}")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every size by this (0.1 for a quick look)")
    ap.add_argument("--repeat", type=int, default=3, help="timed calls per size (best kept)")
    ap.add_argument("--gc", action="store_true",
                    help="also time each size with the garbage collector off")
    ap.add_argument("--markdown", type=Path, help="write the table here as well")
    args = ap.parse_args(argv)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        ap.error(f"unknown shapes {unknown}; known: {', '.join(SHAPES)}")
    if args.scale <= 0 or args.repeat < 1:
        ap.error("--scale must be positive and --repeat at least 1")
    rows = []
    for shape in shapes:
        sizes = tuple(max(1, round(n * args.scale)) for n in SHAPES[shape][2])
        rows += measure(shape, tuple(dict.fromkeys(sizes)), args.repeat, args.gc)
    table_md = markdown(rows)
    print(table_md, end="")
    if args.markdown:
        args.markdown.write_text(table_md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
