"""The ``scrubber`` command: clean one file (or stdin) and print the result.

::

    scrubber page.txt                 # the clean body text
    scrubber --explain page.txt       # every block, kept (+) or removed (-), with rule ids
    scrubber --json page.txt          # the whole Article as JSON
    scrubber explain page.html        # coloured, readable view of kept and removed blocks
    cat page.txt | scrubber -         # read standard input

Errors (a missing file, an unknown normaliser, a bad rule file) print one
line on stderr and exit with status 2; they never show a traceback.
Output is always UTF-8, whatever the locale.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import IO

from .core import scrub
from .errors import ScrubberError
from .model import Article, Role
from .normalize import NORMALISERS
from .pipeline import Pipeline, default_pipeline
from .rules import RuleSet, load_rules

__all__ = ["build_explain_parser", "build_parser", "main", "render", "render_explain"]

FORMATS = ("text", "json", "markdown", "explain")
EXIT_USAGE = 2

_GREEN, _RED, _DIM, _BOLD, _RESET = "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m"
_WHY = "\033[2;3m"  # dim italic: the reason under a removed block


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scrubber",
        description="Turn scraped text (or HTML) into a clean article, "
        "with every removed line explained.",
        epilog="scrubber explain PAGE shows every block of PAGE, kept or removed, with its "
        "rule id and reason, coloured on a terminal (scrubber explain --help).",
    )
    p.add_argument("file", metavar="FILE", help="input file, or - for standard input")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--format", choices=FORMATS, default=None,
                     help="output: the body text (default), the Article as JSON, "
                     "the body as Markdown, or every block with its rule id")
    fmt.add_argument("--json", dest="format", action="store_const", const="json",
                     help="same as --format json")
    fmt.add_argument("--explain", dest="format", action="store_const", const="explain",
                     help="same as --format explain: kept (+) and removed (-) blocks "
                     "with rule ids and reasons")
    _add_options(p)
    return p


def build_explain_parser() -> argparse.ArgumentParser:
    """``scrubber explain PAGE``: the readable, coloured view of every block."""
    p = argparse.ArgumentParser(
        prog="scrubber explain",
        description="Show every block of PAGE in order: kept (+) as body, or removed (-) "
        "with its rule id and the reason. Coloured on a terminal unless NO_COLOR is set.",
    )
    p.add_argument("file", metavar="PAGE", help="input file, or - for standard input")
    p.add_argument("--width", type=int, default=None, metavar="N",
                   help="wrap lines at N columns (default: the terminal width, or 100; "
                   "0: no wrapping)")
    p.add_argument("--no-reasons", dest="reasons", action="store_false",
                   help="leave out the reason under each removed block")
    _add_options(p)
    return p


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="the page's URL (enables site-scoped rules)")
    p.add_argument("--lang", help="language hint, e.g. zh or en (detected when absent)")
    p.add_argument("--kind", choices=("auto", "text", "html"), default="auto",
                   help="input kind (default: detect)")
    p.add_argument("--normalize", action="append", default=[], metavar="NAME",
                   choices=sorted(NORMALISERS),
                   help="apply a display normaliser (repeatable): "
                   + ", ".join(sorted(NORMALISERS)))
    p.add_argument("--rules", action="append", default=[], metavar="FILE",
                   help="extra TOML rule file (repeatable), e.g. site rules")
    p.add_argument("--without", action="append", default=[], metavar="NAME",
                   help="remove a pipeline step or a rule id (repeatable)")
    p.add_argument("--encoding", help="decode the input with this encoding instead of detecting it")
    p.add_argument("--color", "--colour", dest="color", choices=("auto", "always", "never"),
                   default="auto",
                   help="colour the explanation "
                   "(auto: only on a terminal, unless NO_COLOR is set)")


def _read_input(path: str) -> bytes:
    if path == "-":
        stream = sys.stdin
        buf = getattr(stream, "buffer", None)
        if buf is not None:
            return buf.read()
        return stream.read().encode("utf-8", "surrogatepass")
    with open(path, "rb") as fh:
        return fh.read()


def _pipeline(rules: Sequence[str], without: Sequence[str]) -> Pipeline | None:
    if not rules and not without:
        return None  # scrub's shared default pipeline
    p = default_pipeline()
    if rules:
        p = _with_rules(p, load_rules(*rules))
    for name in without:
        p = _without(p, name)
    return p


# The two helpers below edit only the ``rules`` step (via ``Pipeline.replace``),
# which is what ``Pipeline.with_rules`` / ``Pipeline.without(rule_id)`` mean.


def _with_rules(p: Pipeline, extra: RuleSet) -> Pipeline:
    """``p.with_rules(extra)``: the rules step gets the extra rules (site rules first)."""
    if "rules" not in p.names:
        raise ScrubberError("the pipeline has no 'rules' step to add rules to")
    return p.replace("rules", type(p["rules"].fn)(p.rules + extra))


def _without(p: Pipeline, name: str) -> Pipeline:
    """``p.without(name)``: a step by name, or a rule id of the ``rules`` step."""
    if name not in p.names and name in p.rules.ids:
        return p.replace("rules", type(p["rules"].fn)(p.rules.without(name)))
    return p.without(name)


def _use_colour(choice: str, stream: IO[str]) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _colour_explain(listing: str) -> str:
    out = []
    for line in listing.splitlines():
        if line.startswith("+ "):
            out.append(f"{_GREEN}+{_RESET}{line[1:]}")
        elif line.startswith("- ["):
            end = line.find("]")
            rule, rest = line[2 : end + 1], line[end + 1 :]
            out.append(f"{_RED}-{_RESET} {_RED}{rule}{_RESET}{_DIM}{rest}{_RESET}")
        elif line.startswith("# "):
            out.append(f"{_BOLD}{line}{_RESET}")
        else:
            out.append(line)
    return "\n".join(out)


def render(art: Article, fmt: str = "text", *, colour: bool = False) -> str:
    """The printed form of ``art`` in one of :data:`FORMATS` (no trailing newline)."""
    if fmt == "json":
        return art.to_json(indent=2)
    if fmt == "markdown":
        return art.to_markdown()
    if fmt == "explain":
        listing = art.explain(reasons=True)
        return _colour_explain(listing) if colour else listing
    return art.text


def _cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _wrap(text: str, width: int) -> list[str]:
    """Cut ``text`` into lines of at most ``width`` terminal cells (CJK counts
    two), preferring a break after a space when one is near the end."""
    if width <= 0:
        return [text]
    lines, line, used = [], "", 0
    for ch in text:
        w = _cells(ch)
        if used + w > width and line:
            cut = line.rfind(" ")
            if cut > len(line) * 0.6:
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line)
                line = ""
            used = sum(_cells(c) for c in line)
        line += ch
        used += w
    lines.append(line)
    return lines


def render_explain(art: Article, *, colour: bool = False, width: int = 100,
                   reasons: bool = True) -> str:
    """``scrubber explain``: a header, then every block in order in two columns,
    the mark and rule id, and the text (wrapped, in full); removed blocks are
    dimmed, with their reason underneath."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour and text else text

    removed = art.boilerplate
    col = min(max([len(r.rule) for r in removed] + [4]), 20)
    indent = " " * (col + 4)
    out = [paint(_BOLD, art.title or "(no title)")]
    meta = [f"{k}: {v}" for k, v in art.metadata.items() if v and k != "title"]
    if meta:
        out.extend(paint(_DIM, t) for t in _wrap(" · ".join(meta), width))
    kinds = [art.input_kind]
    if art.encoding and art.encoding.get("encoding"):
        kinds.append(f"{art.encoding['encoding']} ({art.encoding.get('source')})")
    counts = ", ".join(f"{rule} {n}" for rule, n in art.counts().items())
    summary = (f"{len(art.blocks)} blocks: {len(art.blocks) - len(removed)} kept, "
               f"{len(removed)} removed" + (f" ({counts})" if counts else ""))
    out.extend(paint(_DIM, t) for t in _wrap(" · ".join([*kinds, summary]), width))
    out.append("")
    text_width = width - len(indent) if width > 0 else 0
    for b, v in zip(art.blocks, art.verdicts, strict=True):
        role = "" if b.role in (Role.LINE, Role.PARAGRAPH) else f"  <{b.role.value}>"
        lines = _wrap(b.text, max(text_width, 20) if text_width else 0)
        rule = "" if v.keep and v.rule == "body" else v.rule
        if len(rule) > col:
            rule = rule[: col - 1] + "…"
        if v.keep:
            strong = b.role in (Role.TITLE, Role.HEADING)
            head = f"{paint(_GREEN, '+')} {paint(_GREEN, rule.ljust(col))}  "
            body = [paint(_BOLD, t) if strong else t for t in lines]
        else:
            head = f"{paint(_RED, '-')} {paint(_RED, rule.ljust(col))}  "
            body = [paint(_DIM, t) for t in lines]
        out.append((head + body[0] + paint(_DIM, role)).rstrip())
        out.extend((indent + t).rstrip() for t in body[1:])
        if reasons and not v.keep and v.reason:
            for t in _wrap(f"↳ {v.reason}", max(text_width, 20) if text_width else 0):
                out.append(indent + paint(_WHY, t))
    return "\n".join(out)


def _explain_main(argv: Sequence[str]) -> int:
    parser = build_explain_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    art = _run(args)
    if isinstance(art, int):
        return art
    width = args.width
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns if _isatty(sys.stdout) else 100
    text = render_explain(art, colour=_use_colour(args.color, sys.stdout), width=width,
                          reasons=args.reasons)
    return _output(text)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _write(text: str) -> None:
    """Write UTF-8 to stdout regardless of the locale's encoding."""
    data = text.encode("utf-8", "replace")
    out = sys.stdout
    buf = getattr(out, "buffer", None)
    if buf is None:  # a plain StringIO (e.g. redirect_stdout): it takes str
        out.write(text)
        out.flush()
        return
    out.flush()
    buf.write(data)
    buf.flush()


def _error(message: str) -> int:
    print(f"scrubber: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _run(args: argparse.Namespace) -> Article | int:
    """Read the input and scrub it; an exit status on error."""
    try:
        data = _read_input(args.file)
    except FileNotFoundError:
        return _error(f"no such file: {args.file}")
    except IsADirectoryError:
        return _error(f"is a directory, not a file: {args.file}")
    except OSError as exc:
        return _error(f"cannot read {args.file}: {exc.strerror or exc}")
    try:
        pipeline = _pipeline(args.rules, args.without)
        return scrub(data, url=args.url, lang=args.lang, pipeline=pipeline,
                     normalize=args.normalize, encoding=args.encoding, kind=args.kind)
    except ScrubberError as exc:
        return _error(str(exc))
    except LookupError as exc:  # an unknown --encoding name
        return _error(f"unknown encoding {args.encoding!r}: {exc}")


def _output(text: str) -> int:
    try:
        _write(text + "\n" if text else "")
    except BrokenPipeError:  # e.g. `scrubber page.txt | head`
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 usage or input error).

    ``scrubber explain PAGE ...`` is the explain subcommand; anything else is
    ``scrubber FILE ...`` (a file named ``explain`` is ``./explain``).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "explain":
        return _explain_main(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports its own errors (status 2) and --help (0)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    art = _run(args)
    if isinstance(art, int):
        return art
    fmt = args.format or "text"
    return _output(render(art, fmt, colour=_use_colour(args.color, sys.stdout)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
