"""The ``scrubber`` command: clean one file (or stdin) and print the result.

::

    scrubber page.txt                 # the clean body text
    scrubber --explain page.txt       # every block, kept (+) or removed (-), with rule ids
    scrubber --json page.txt          # the whole Article as JSON
    cat page.txt | scrubber -         # read standard input

Errors (a missing file, an unknown normaliser, a bad rule file) print one
line on stderr and exit with status 2; they never show a traceback.
Output is always UTF-8, whatever the locale.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO

from .core import scrub
from .errors import ScrubberError
from .model import Article
from .normalize import NORMALISERS
from .pipeline import Pipeline, default_pipeline
from .rules import RuleSet, load_rules

__all__ = ["build_parser", "main", "render"]

FORMATS = ("text", "json", "markdown", "explain")
EXIT_USAGE = 2

_GREEN, _RED, _DIM, _BOLD, _RESET = "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scrubber",
        description="Turn scraped text (or HTML) into a clean article, "
        "with every removed line explained.",
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
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour --explain output "
                   "(auto: only on a terminal, unless NO_COLOR is set)")
    return p


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 usage or input error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports its own errors (status 2) and --help (0)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
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
        art = scrub(data, url=args.url, lang=args.lang, pipeline=pipeline,
                    normalize=args.normalize, encoding=args.encoding, kind=args.kind)
    except ScrubberError as exc:
        return _error(str(exc))
    except LookupError as exc:  # an unknown --encoding name
        return _error(f"unknown encoding {args.encoding!r}: {exc}")
    fmt = args.format or "text"
    text = render(art, fmt, colour=_use_colour(args.color, sys.stdout))
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
