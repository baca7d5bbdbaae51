#!/usr/bin/env python3
"""Benchmark scrubber beside other main-content extractors: accuracy and speed.

One invocation runs scrubber and every requested tool that can be imported over
the labelled pages of a data folder in the eval-data case format
(``<set>/cases.jsonl``; the pages stay outside the repository), one tool after
another, each in its own worker process on one core, and prints one Markdown
report: accuracy (token P/R/F1, snippet accuracy) by set and by language group,
and speed (pages per second, median and tail latency, peak memory) with the
ratios to ``lxml.html.fromstring`` on the same pages (the floor) and to
trafilatura, measured in the same run. ``--data`` may also be a plain folder of
pages (``.html``/``.htm``/``.txt``, gzipped or not, in it or one level down):
no gold, so speed and memory only, on anyone's own pages.

    python benchmarks/run.py --data ../shared/eval-data
    python benchmarks/run.py --data ../shared/eval-data --sets zh-news,zh-tw --limit 40 \\
        --tools scrubber,trafilatura,lxml --repeat 3 --out bench-out --markdown bench-out/RESULTS.md

Inputs: scrubber gets each page's stored bytes (decoding is part of its job, and
of its time); every other tool gets the page decoded once beforehand by this
runner (decoding excluded from their time). ``scrubber-str`` is scrubber given
that same decoded text, so the two scrubber rows show the share of decoding.
Plain-text cases (the zh-text set) go to scrubber as text and to the other tools
as one ``<p>`` per line; they count for accuracy, not for the page-speed table,
and give scrubber's plain-text throughput in MB/s.

Metrics follow the eval-data README: NFKC + lower-case tokens, one token per
Han/Kana/Hangul character, otherwise maximal runs of letters, digits and marks;
P averaged over pages with non-empty output, R over pages with a gold body,
F1 from the two averages; snippets matched as substrings after NFKC, whitespace
collapsing and removal of whitespace next to CJK characters.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import gzip
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import regex

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

DEFAULT_TOOLS = [
    "lxml",
    "lxml-free",
    "scrubber",
    "scrubber-str",
    "trafilatura",
    "readability",
    "resiliparse",
    "justext",
    "newspaper4k",
    "goose3",
    "gne",
]
GROUPS = ("zh", "en", "other")

# --------------------------------------------------------------------------
# metrics (definitions of the eval-data README, implemented here)
# --------------------------------------------------------------------------

_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
# a CJK character alone, or a run of letters/digits/marks that are not CJK
_TOKEN = regex.compile(rf"[{_CJK}]|(?:(?![{_CJK}])[\p{{L}}\p{{N}}\p{{M}}])+")
_CJK_OR_PUNCT = rf"[{_CJK}\u3000-\u303f\uff00-\uffef]"
_SPACE_BY_CJK = regex.compile(rf"\s+(?={_CJK_OR_PUNCT})|(?<={_CJK_OR_PUNCT})\s+")
_SPACES = regex.compile(r"\s+")


def tokenize(text: str | None) -> list[str]:
    """Scoring tokens: NFKC, lower case; each Han/Kana/Hangul character is a
    token, every other run of letters, digits and marks is one; the rest is dropped."""
    if not text:
        return []
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def norm_snippet(text: str | None) -> str:
    """Text for snippet matching: NFKC, whitespace runs to one space, and no
    whitespace next to a CJK character or CJK/full-width punctuation."""
    if not text:
        return ""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return _SPACE_BY_CJK.sub("", text)


def prf(gold: str, output: str | None) -> tuple[float | None, float | None, float]:
    """(P, R, per-page F1) of one page on token bags; P is None for an empty output."""
    g, o = Counter(tokenize(gold)), Counter(tokenize(output))
    tp = sum((g & o).values())
    ng, no = sum(g.values()), sum(o.values())
    return (
        tp / no if no else None,
        tp / ng if ng else None,
        2 * tp / (ng + no) if ng + no else 0.0,
    )


def snippet_counts(output: str | None, with_: list[str], without: list[str]) -> list[int]:
    """[TP, FN, FP, TN] of one page's with/without snippets."""
    out = norm_snippet(output)
    tp = sum(1 for s in with_ if norm_snippet(s) in out)
    fp = sum(1 for s in without if norm_snippet(s) in out)
    return [tp, len(with_) - tp, fp, len(without) - fp]


def page_scores(case: dict, output: str | None) -> dict:
    d: dict = {}
    if case.get("body"):
        d["P"], d["R"], d["F1pp"] = prf(case["body"], output)
    if case.get("with") or case.get("without"):
        d["snip"] = snippet_counts(output, case.get("with") or [], case.get("without") or [])
    return d


def aggregate_accuracy(pages: list[dict]) -> dict:
    """Accuracy over pages (dicts from page_scores plus 'error'/'empty')."""
    m: dict = {
        "pages": len(pages),
        "crash": sum(1 for p in pages if p.get("error")),
        "empty": sum(1 for p in pages if p.get("empty")),
    }
    rs = [p["R"] for p in pages if p.get("R") is not None]
    ps = [p["P"] for p in pages if p.get("P") is not None and p.get("R") is not None]
    if rs:
        # a crash or an empty output: R = 0, no P
        P = statistics.fmean(ps) if ps else 0.0
        R = statistics.fmean(rs)
        m.update(
            P=P,
            R=R,
            F1=2 * P * R / (P + R) if P + R else 0.0,
            F1_per_page=statistics.fmean(p["F1pp"] for p in pages if "F1pp" in p),
        )
    sn = [p["snip"] for p in pages if "snip" in p]
    if sn:
        tp, fn, fp, tn = (sum(s[i] for s in sn) for i in range(4))
        tot = tp + fn + fp + tn
        m.update(
            snip_acc=(tp + tn) / tot if tot else None,
            with_R=tp / (tp + fn) if tp + fn else None,
            without_ok=tn / (tn + fp) if tn + fp else None,
            snip_counts=[tp, fn, fp, tn],
        )
    return m


def lang_group(lang: str | None) -> str:
    code = (lang or "").split("-")[0].lower()
    return code if code in ("zh", "en") else "other"


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    v = sorted(values)
    if len(v) == 1:
        return v[0]
    k = (len(v) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


# --------------------------------------------------------------------------
# cases and inputs
# --------------------------------------------------------------------------


#: The files a folder of pages (no ``cases.jsonl``) is read for: HTML pages and
#: plain texts, gzipped or not.
_PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_TEXT_SUFFIXES = (".txt",)


def _page_kind(name: str) -> str | None:
    """``html``, ``text`` or ``None`` for a file of a folder of pages, by its name."""
    low = name.lower()
    if low.endswith(".gz"):
        low = low[:-3]
    if low.endswith(_PAGE_SUFFIXES):
        return "html"
    if low.endswith(_TEXT_SUFFIXES):
        return "text"
    return None


def _holds_pages(folder: Path) -> bool:
    return folder.is_dir() and any(
        p.is_file() and _page_kind(p.name) for p in folder.iterdir()
    )


def is_set(data: Path, name: str) -> bool:
    """A set of ``data``: a folder with a ``cases.jsonl``, or (a folder of pages)
    one holding page files; ``"."`` is ``data`` itself."""
    folder = data / name
    return (folder / "cases.jsonl").is_file() or _holds_pages(folder)


def list_sets(data: Path) -> list[str]:
    """The sets of ``data``: its folders with a ``cases.jsonl`` (the eval-data
    format). Without any, ``data`` is taken as a folder of pages without gold
    (speed only): the pages directly in it are the set ``"."``, and each
    subfolder holding pages is a set of its own."""
    labelled = sorted(p.name for p in data.iterdir() if (p / "cases.jsonl").is_file())
    if labelled:
        return labelled
    own = ["."] if _holds_pages(data) else []
    return own + sorted(p.name for p in data.iterdir() if _holds_pages(p))


def _folder_cases(folder: Path) -> list[dict]:
    """The cases of a folder of pages: one per page or text file, by name, without
    gold (their accuracy is not measured)."""
    cases = []
    for p in sorted(folder.iterdir()):
        kind = p.is_file() and _page_kind(p.name)
        if kind:
            cases.append({"id": p.name, kind: p.name})
    return cases


def load_cases(data: Path, sets: list[str], limit: int | None) -> list[dict]:
    """Cases of the sets, in order, each with its 'set'; the first `limit` per set.
    A set without a ``cases.jsonl`` is a folder of pages (:func:`list_sets`)."""
    out = []
    for s in sets:
        cases = []
        listed = data / s / "cases.jsonl"
        if not listed.is_file():
            cases = [dict(c, set=s) for c in _folder_cases(data / s)]
        else:
            with open(listed, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        c = json.loads(line)
                        if c.get("html") or c.get("text"):
                            c["set"] = s
                            cases.append(c)
        out.extend(cases[:limit] if limit else cases)
    return out


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def decode_page(data: bytes) -> str:
    """Page bytes -> str for the tools that take text (not for scrubber).

    BOM, then strict UTF-8 (saved pages often keep a stale legacy meta charset),
    then the declared charset (widened to its superset codec), then
    charset_normalizer's guess, then the declared charset (or UTF-8) with
    replacement characters. An XML
    declaration and XML-invalid control characters are dropped, since lxml-based
    tools reject them in str input."""
    text, declared = None, None
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", "replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            m = _META_CHARSET.search(data[:16384])
            if m:
                name = m.group(1).decode("ascii", "ignore").lower()
                name = _WIDER.get(name, name)
                try:
                    text = data.decode(name)
                    declared = name
                except LookupError:
                    text = None
                except UnicodeDecodeError:
                    text, declared = None, name
    if text is None:
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is not None:
                enc = best.encoding.lower()
                text = data.decode(_WIDER.get(enc, enc), "replace")
        except Exception:
            text = None
    if text is None:
        text = data.decode(declared or "utf-8", "replace")
    return _XML_BAD_CHARS.sub("", _XML_DECL.sub("", text, count=1))


def text_as_html(text: str) -> str:
    """Plain text as the page a user of an HTML-only tool would make: one <p> per line."""
    import html

    body = "\n".join(
        f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip()
    )
    return f'<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>'


# --------------------------------------------------------------------------
# tools: make_<tool>() -> (call(input, url, lang) -> result, to_text(result) -> str | None)
# call() is timed, to_text() is not (None: a speed-only tool without text output)
# --------------------------------------------------------------------------

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
    "ul",
    "ol",
    "header",
    "footer",
    "main",
    "figure",
    "caption",
    "address",
    "hr",
}


def fragment_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one line per block element (untimed helper)."""
    import lxml.etree
    import lxml.html

    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml.html.document_fromstring("<html><body>" + fragment + "</body></html>")
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
                el.tail = "\n" + (el.tail or "")
                el.text = "\n" + (el.text or "")
        text = root.text_content()
    except (ValueError, AssertionError, lxml.etree.ParserError):
        # not parseable, or control characters lxml refuses: strip the tags instead
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>|<[^>]+>", "\n", fragment)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def make_lxml():
    import lxml.html

    def call(inp, url, lang):
        return lxml.html.fromstring(inp)

    return call, lambda r: None


def make_scrubber():
    sys.path.insert(0, str(REPO))  # the checkout this runner belongs to
    import scrubber

    def call(inp, url, lang):
        return scrubber.scrub(inp, url=url).text  # .text is what a user reads: timed

    return call, lambda r: r


make_scrubber_str = make_scrubber


def make_lxml_free():
    """lxml's parse with the tree freed inside the timed call. The ``lxml`` row
    returns its tree, which is freed after the timer stops; every extractor
    frees its tree inside its call (scrubber included), and freeing costs a
    seventh to a quarter of the parse (benchmarks/PROFILE.md, eleventh pass).
    This row is the floor with that cost in."""
    import lxml.html

    def call(inp, url, lang):
        lxml.html.fromstring(inp)  # the tree is dropped here, before the call returns

    return call, lambda r: None


def make_trafilatura():
    import trafilatura

    def call(inp, url, lang):
        return trafilatura.extract(inp, url=url)

    return call, lambda r: r or ""


def make_readability():
    from readability import Document

    def call(inp, url, lang):
        return Document(inp, url=url).summary(html_partial=True)

    return call, fragment_text


def make_resiliparse():
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def call(inp, url, lang):
        return extract_plain_text(HTMLTree.parse(inp), main_content=True)

    return call, lambda r: r or ""


_JUSTEXT_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "ru": "Russian",
    "nl": "Dutch",
    "cs": "Czech",
    "hr": "Croatian",
    "tr": "Turkish",
    "id": "Indonesian",
    "ar": "Arabic",
    "fa": "Persian",
    "ur": "Urdu",
    "hi": "Hindi",
    "sv": "Swedish",
    "da": "Danish",
    "fi": "Finnish",
    "hu": "Hungarian",
    "ro": "Romanian",
    "uk": "Ukrainian",
    "el": "Greek",
    "vi": "Vietnamese",
}


def make_justext():
    import justext

    available = set(justext.get_stoplists())

    @cache
    def stoplist(lang):
        name = _JUSTEXT_NAMES.get((lang or "").split("-")[0].lower())
        return justext.get_stoplist(name) if name in available else None

    def call(inp, url, lang):
        stop = stoplist(lang)
        if stop is None:  # no stoplist (zh, ja, ko, ...): language-independent mode
            return justext.justext(inp, frozenset(), stopwords_low=0, stopwords_high=0)
        return justext.justext(inp, stop)

    return call, lambda paras: "\n".join(p.text for p in paras if not p.is_boilerplate)


def make_newspaper4k():
    import newspaper
    from newspaper.languages import get_available_languages

    langs = set(get_available_languages())

    def call(inp, url, lang):
        code = (lang or "en").split("-")[0].lower()
        art = newspaper.Article(
            url or "http://example.invalid/",
            language=code if code in langs else "en",
            fetch_images=False,
        )
        art.download(input_html=inp)
        art.parse()
        return art.text

    return call, lambda r: r or ""


def make_goose3():
    from goose3 import Goose
    from goose3.text import StopWordsArabic, StopWordsChinese, StopWordsKorean

    @cache
    def goose(code):
        cfg = {
            "enable_image_fetching": False,
            "use_meta_language": False,
            "target_language": code,
            "strict": False,
        }
        cls = {"zh": StopWordsChinese, "ar": StopWordsArabic, "ko": StopWordsKorean}.get(code)
        if cls is not None:
            cfg["stopwords_class"] = cls
        return Goose(cfg)

    def call(inp, url, lang):
        code = (lang or "en").split("-")[0].lower()
        if code == "ko":
            try:
                import ahocorasick  # noqa: F401 - StopWordsKorean needs it
            except ImportError:
                code = "en"
        return goose(code).extract(raw_html=inp, url=url).cleaned_text

    return call, lambda r: r or ""


def make_gne():
    from gne import GeneralNewsExtractor

    def call(inp, url, lang):
        return GeneralNewsExtractor().extract(inp).get("content")

    return call, lambda r: r or ""


def make_boilerpy3():
    from boilerpy3 import extractors

    ex = extractors.ArticleExtractor(raise_on_failure=False)

    def call(inp, url, lang):
        return ex.get_content(inp)

    return call, lambda r: r or ""


TOOLS = {
    "lxml": (make_lxml, "lxml"),
    "lxml-free": (make_lxml_free, "lxml"),
    "scrubber": (make_scrubber, "scrubber"),
    "scrubber-str": (make_scrubber_str, "scrubber"),
    "trafilatura": (make_trafilatura, "trafilatura"),
    "readability": (make_readability, "readability-lxml"),
    "resiliparse": (make_resiliparse, "resiliparse"),
    "justext": (make_justext, "jusText"),
    "newspaper4k": (make_newspaper4k, "newspaper4k"),
    "goose3": (make_goose3, "goose3"),
    "gne": (make_gne, "gne"),
    "boilerpy3": (make_boilerpy3, "boilerpy3"),
}


def tool_input(tool: str, case: dict, data: Path):
    """What one tool is given for one case (decoding happens here, untimed)."""
    folder = data / case["set"]
    if case.get("html"):
        raw = read_page(folder / case["html"])
        return raw if tool == "scrubber" else decode_page(raw)
    text = read_page(folder / case["text"]).decode("utf-8", "replace")
    return text if tool.startswith("scrubber") else text_as_html(text)


def tool_version(tool: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    dist = TOOLS[tool][1]
    if dist == "scrubber":
        from scrubber import html

        # the checkout's compiled walk is used only when built in place
        walk = "compiled walk" if html._COMPILED_WALK is not None else "pure-Python walk"
        return f"{_git(['rev-parse', '--short', 'HEAD']) or 'checkout'}, {walk}"
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


# --------------------------------------------------------------------------
# measuring (inside the worker)
# --------------------------------------------------------------------------


class PageTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise PageTimeout()


def timed_call(call, inp, url, lang, timeout: float, no_gc: bool):
    """(result, error, nanoseconds) of one call; exceptions and timeouts become errors."""
    use_alarm = timeout > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    if no_gc:
        gc.disable()
    result, error = None, None
    t0 = time.perf_counter_ns()
    try:
        result = call(inp, url, lang)
    except PageTimeout:
        error = f"timeout>{timeout:g}s"
    except Exception as e:
        error = f"{type(e).__name__}: {str(e)[:160]}"
    ns = time.perf_counter_ns() - t0
    if no_gc:
        gc.enable()
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return result, error, ns


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 2**20 if sys.platform == "darwin" else kb / 2**10


def warm_up(call, cases: list[dict], inputs: list) -> None:
    """Untimed calls on the first page of each set and of each language."""
    seen, picks = set(), []
    for i, c in enumerate(cases):
        for key in (("set", c["set"]), ("lang", c.get("lang"))):
            if key not in seen:
                seen.add(key)
                picks.append(i)
    for i in dict.fromkeys(picks):
        try:
            call(inputs[i], cases[i].get("url"), cases[i].get("lang"))
        except Exception:
            pass


def measure_text_mode(call, data: Path, repeat: int, timeout: float, no_gc: bool,
                      sets: list[str] | None = None) -> dict | None:
    """Scrubber's plain-text throughput on the zh-text inputs (or, when ``data``
    has no zh-text set, on the texts of ``sets``: a folder of pages): each text
    as one document, and all of them concatenated into one large document."""
    if (data / "zh-text" / "cases.jsonl").is_file():
        cases, inputs = load_cases(data, ["zh-text"], None), "zh-text inputs"
    elif sets and not any((data / s / "cases.jsonl").is_file() for s in sets):
        cases, inputs = load_cases(data, sets, None), "the folder's plain texts"
    else:
        return None
    texts = [tool_input("scrubber", c, data) for c in cases if c.get("text")]
    if not texts:
        return None
    big = "\n".join(texts)
    res = {}
    for label, docs in (("per text", texts), ("all texts as one document", [big])):
        best = [None] * len(docs)
        errors = 0
        for _ in range(repeat):
            for i, doc in enumerate(docs):
                _, err, ns = timed_call(call, doc, None, None, timeout * 10, no_gc)
                if err:
                    errors += 1
                    continue
                best[i] = ns if best[i] is None else min(best[i], ns)
        ok = [
            (len(d.encode("utf-8")), ns)
            for d, ns in zip(docs, best, strict=False)
            if ns is not None
        ]
        mb = sum(b for b, _ in ok) / 1e6
        secs = sum(ns for _, ns in ok) / 1e9
        res[label] = {
            "docs": len(docs),
            "ok": len(ok),
            "errors": errors,
            "MB": mb,
            "seconds": secs,
            "MB_per_s": mb / secs if secs else None,
            "inputs": inputs,
            "median_ms": statistics.median(ns / 1e6 for _, ns in ok) if ok else None,
        }
    return res


def run_worker(
    tool: str,
    data: Path,
    sets: list[str],
    limit: int | None,
    repeat: int,
    timeout: float,
    no_gc: bool,
    use_tracemalloc: bool,
    text_mode: bool,
    save_text: Path | None,
    progress: bool = True,
) -> dict:
    """Run one tool over the cases; per-page times, scores and memory."""
    out: dict = {"tool": tool, "pid": os.getpid()}
    t = time.perf_counter()
    try:
        call, to_text = TOOLS[tool][0]()
    except Exception as e:
        out["skipped"] = f"cannot import ({type(e).__name__}: {str(e)[:160]})"
        return out
    out["import_s"] = time.perf_counter() - t
    out["version"] = tool_version(tool)
    if tool.startswith("scrubber"):
        import scrubber

        out["module"] = scrubber.__file__
    cases = load_cases(data, sets, limit)
    inputs = [tool_input(tool, c, data) for c in cases]
    warm_up(call, cases, inputs)
    gc.collect()
    out["rss_base_mb"] = current_rss_mb()
    records = [
        {
            "set": c["set"],
            "id": c["id"],
            "lang": c.get("lang"),
            "kind": "html" if c.get("html") else "text",
            "bytes": len(inp) if isinstance(inp, bytes) else len(inp.encode("utf-8")),
            "ns": [],
            "error": None,
        }
        for c, inp in zip(cases, inputs, strict=False)
    ]
    out["rss_after_pass_mb"] = []
    texts: list[str | None] = [None] * len(cases)
    t_start = time.perf_counter()
    for rep in range(repeat):
        for i, (c, inp) in enumerate(zip(cases, inputs, strict=False)):
            rec = records[i]
            if rec["error"]:
                continue  # a page that failed once is not retried
            if no_gc:
                gc.collect()
            result, err, ns = timed_call(call, inp, c.get("url"), c.get("lang"), timeout, no_gc)
            if err:
                rec["error"] = err
                continue
            rec["ns"].append(ns)
            if rep == 0:
                try:
                    texts[i] = to_text(result)
                except Exception as e:
                    rec["error"] = f"to_text {type(e).__name__}: {str(e)[:120]}"
            if progress and rep == 0 and (i + 1) % 200 == 0:
                print(
                    f"  {tool}: {i + 1}/{len(cases)} ({time.perf_counter() - t_start:.0f}s)",
                    file=sys.stderr,
                    flush=True,
                )
        out["rss_after_pass_mb"].append(current_rss_mb())
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
        for i, (c, inp) in enumerate(zip(cases, inputs, strict=False)):
            if records[i]["error"]:
                continue
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            timed_call(call, inp, c.get("url"), c.get("lang"), timeout * 5, False)
            records[i]["py_peak_bytes"] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    for i, c in enumerate(cases):
        rec = records[i]
        rec["empty"] = rec["error"] is None and texts[i] is not None and not texts[i].strip()
        if texts[i] is not None or rec["error"]:
            rec.update(page_scores(c, None if rec["error"] else texts[i]))
    if save_text is not None:
        save_text.parent.mkdir(parents=True, exist_ok=True)
        with open(save_text, "w", encoding="utf-8") as f:
            for rec, text in zip(records, texts, strict=False):
                f.write(
                    json.dumps(
                        {"set": rec["set"], "id": rec["id"], "text": text, "error": rec["error"]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    if text_mode and tool == "scrubber":
        out["text_mode"] = measure_text_mode(call, data, repeat, timeout, no_gc, sets)
    out["pages"] = records
    out["speed_only"] = tool in ("lxml", "lxml-free")
    out["rss_peak_mb"] = peak_rss_mb()
    return out


# --------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------


def merge_round(first: dict, later: dict) -> dict:
    """A tool's results over two rounds: the later round's page times join the
    first's. Outputs, scores and memory figures stay those of the first round
    (memory is per worker process); plain-text mode keeps the faster run."""
    if "pages" not in later:
        return first
    for a, b in zip(first["pages"], later["pages"], strict=True):
        if not a["error"] and not b["error"]:
            a["ns"] += b["ns"]
    tm_a, tm_b = first.get("text_mode"), later.get("text_mode")
    if tm_a and tm_b:
        for label, row in tm_b.items():
            old = tm_a.get(label)
            if old is None or (row.get("seconds") or 1e18) < (old.get("seconds") or 1e18):
                tm_a[label] = row
    first["wall_s"] = first.get("wall_s", 0.0) + later.get("wall_s", 0.0)
    first["rounds"] = first.get("rounds", 1) + 1
    return first


def page_ms(rec: dict, stat: str) -> float | None:
    if rec.get("error") or not rec["ns"]:
        return None
    v = min(rec["ns"]) if stat == "min" else statistics.median(rec["ns"])
    return v / 1e6


def speed_summary(res: dict, stat: str) -> dict:
    """Speed over the HTML pages (text cases are measured as text mode)."""
    recs = [r for r in res["pages"] if r["kind"] == "html"]
    ms = [m for m in (page_ms(r, stat) for r in recs) if m is not None]
    fails = [r for r in recs if r.get("error")]
    s = {
        "pages": len(recs),
        "ok": len(ms),
        "failed": len(fails),
        "timeouts": sum(1 for r in fails if r["error"].startswith("timeout")),
    }
    if ms:
        total = sum(ms) / 1000.0
        s.update(
            total_s=total,
            pages_per_s=len(ms) / total if total else None,
            median_ms=statistics.median(ms),
            p95_ms=percentile(ms, 95),
            p99_ms=percentile(ms, 99),
        )
    peaks = [
        r["py_peak_bytes"] / r["bytes"]
        for r in recs
        if r.get("py_peak_bytes") is not None and r["bytes"]
    ]
    if peaks:
        s["py_peak_per_page_byte"] = {"median": statistics.median(peaks), "max": max(peaks)}
    return s


def _paired_ms(res: dict, ref: dict, stat: str) -> list[tuple[str, float, float]]:
    """(set, time of `res`, time of `ref`) for each HTML page both handled."""
    ref_ms = {(r["set"], r["id"]): page_ms(r, stat) for r in ref["pages"] if r["kind"] == "html"}
    pairs = []
    for r in res["pages"]:
        a = page_ms(r, stat) if r["kind"] == "html" else None
        b = ref_ms.get((r["set"], r["id"]))
        if a is not None and b:
            pairs.append((r["set"], a, b))
    return pairs


def _ratio(pairs: list[tuple[str, float, float]]) -> dict | None:
    if not pairs:
        return None
    return {
        "pages": len(pairs),
        "total": sum(a for _, a, _ in pairs) / sum(b for _, _, b in pairs),
        "median": statistics.median(a / b for _, a, b in pairs),
    }


def ratio_to(res: dict, ref: dict | None, stat: str) -> dict | None:
    """Time of `res` relative to `ref` on the HTML pages both handled:
    total-time ratio and the median of the per-page ratios."""
    if ref is None or "pages" not in ref:
        return None
    return _ratio(_paired_ms(res, ref, stat))


def ratio_by_set(res: dict, ref: dict | None, stat: str) -> dict[str, dict]:
    """:func:`ratio_to` set by set (the sets with HTML pages both handled)."""
    if ref is None or "pages" not in ref:
        return {}
    by_set: dict[str, list] = {}
    for pair in _paired_ms(res, ref, stat):
        by_set.setdefault(pair[0], []).append(pair)
    return {name: _ratio(pairs) for name, pairs in by_set.items()}


def accuracy_summary(res: dict) -> dict:
    pages = [r for r in res["pages"] if "P" in r or "R" in r or "snip" in r]
    by_set: dict[str, list] = {}
    by_group: dict[str, list] = {g: [] for g in GROUPS}
    for r in pages:
        by_set.setdefault(r["set"], []).append(r)
        by_group[lang_group(r.get("lang"))].append(r)
    return {
        "overall": aggregate_accuracy(pages) if pages else {},
        "sets": {s: aggregate_accuracy(v) for s, v in by_set.items()},
        "groups": {g: aggregate_accuracy(v) for g, v in by_group.items() if v},
    }


def f3(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def f1d(x) -> str:
    return "–" if x is None else f"{x:.1f}"


def fx(r: dict | None, key: str) -> str:
    if not r:
        return "–"
    v = r[key]
    return f"{v:.2f}×" if v < 10 else f"{v:.0f}×"


def render_markdown(meta: dict, results: dict[str, dict]) -> str:
    ran = {t: r for t, r in results.items() if "pages" in r}
    n_rounds = meta.get("rounds", 1)
    rounds = f" × {n_rounds} rounds, tools in turn" if n_rounds > 1 else ""
    lines = [
        f"Measured {meta['date']} on commit `{meta['commit']}` · Python {meta['python']} · "
        f"{meta['machine']} · sets: {', '.join(meta['sets'])}"
        f"{' (first ' + str(meta['limit']) + ' pages each)' if meta['limit'] else ''} · "
        f"repeat {meta['repeat']}{rounds} (per-page {meta['stat']}) · "
        f"timeout {meta['timeout']:g} s",
        "",
        f"`{meta['command']}`",
        "",
    ]

    lines += [
        "### Speed (HTML pages, one core, tools run one after another"
        + (", in rounds" if n_rounds > 1 else "") + ")",
        "",
        "| tool | version | pages ok | failed | pages/s | median ms | p95 ms | p99 ms | total s "
        "| × lxml parse | × lxml (per-page median) | × lxml parse+free | × trafilatura "
        "| peak RSS MB | +RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t, r in ran.items():
        s = r["speed"]
        r_lx, r_tr = r["ratios"].get("lxml"), r["ratios"].get("trafilatura")
        r_lf = r["ratios"].get("lxml-free")
        grow = (r["rss_peak_mb"] - r["rss_base_mb"]) if r.get("rss_base_mb") else None
        name = t + (" (bytes in, decoding timed)" if t == "scrubber" else "")
        lines.append(
            f"| {name} | {r.get('version', '-')} | {s['ok']} | {s['failed']} | "
            f"{f1d(s.get('pages_per_s'))} | {f1d(s.get('median_ms'))} | {f1d(s.get('p95_ms'))} | "
            f"{f1d(s.get('p99_ms'))} | {f1d(s.get('total_s'))} | {fx(r_lx, 'total')} | "
            f"{fx(r_lx, 'median')} | {fx(r_lf, 'total')} | {fx(r_tr, 'total')} | "
            f"{f1d(r.get('rss_peak_mb'))} | {f1d(grow)} |"
        )
    lines += [
        "",
        "× = the tool's time divided by the other tool's time on the same pages "
        "(pages both handled; total time, and the median of per-page ratios). "
        "lxml returns its tree, freed after its timer stops; lxml-free (parse+free) "
        "drops it inside the timed call, as every extractor does with its own tree. "
        "Only scrubber gets bytes; every other tool, and scrubber-str, gets text "
        "decoded beforehand, outside its time. peak RSS = the worker process's "
        "maximum resident set (Python, the tool, all loaded pages); +RSS = peak minus "
        "the resident set after loading and warm-up.",
        "",
    ]
    mem = [
        (t, r["speed"]["py_peak_per_page_byte"])
        for t, r in ran.items()
        if "py_peak_per_page_byte" in r["speed"]
    ]
    if mem:
        lines += [
            "Python allocations while cleaning one page (tracemalloc peak ÷ page bytes; "
            "C allocations of lxml and others are not seen): "
            + "; ".join(f"{t} median {m['median']:.1f}×, max {m['max']:.1f}×" for t, m in mem),
            "",
        ]
    grow_notes = []
    for t, r in ran.items():
        after = [x for x in r.get("rss_after_pass_mb", []) if x is not None]
        if len(after) > 1:
            grow_notes.append(f"{t} {after[-1] - after[0]:+.1f} MB")
    if grow_notes:
        lines += [
            "Resident set after the last pass minus after the first: " + ", ".join(grow_notes),
            "",
        ]

    by_set = {t: r["ratios_by_set"] for t, r in ran.items()
              if t != "lxml" and r.get("ratios_by_set")}
    set_names = [s for s in meta["sets"] if any(s in b for b in by_set.values())]
    if set_names:
        lines += [
            "### Speed by set (× lxml parse: total time, and the median of per-page ratios)",
            "",
            "| set | pages | " + " | ".join(by_set) + " |",
            "|---|---:|" + "---:|" * len(by_set),
        ]
        for name in set_names:
            n = max((b[name]["pages"] for b in by_set.values() if name in b), default=0)
            cells = [
                f"{fx(b.get(name), 'total')} ({fx(b.get(name), 'median')})" if name in b else "–"
                for b in by_set.values()
            ]
            lines.append(f"| {name} | {n} | " + " | ".join(cells) + " |")
        lines.append("")

    tm = ran.get("scrubber", {}).get("text_mode")
    if tm:
        inputs = next(iter(tm.values())).get("inputs", "zh-text inputs")
        lines += [
            f"### Plain-text mode (scrubber, {inputs})",
            "",
            "| input | docs | MB | seconds | MB/s | median ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for label, m in tm.items():
            lines.append(
                f"| {label} | {m['ok']}/{m['docs']} | {m['MB']:.2f} | {m['seconds']:.2f} | "
                f"{f1d(m['MB_per_s'])} | {f1d(m['median_ms'])} |"
            )
        lines.append("")

    acc = {t: r["accuracy"] for t, r in ran.items() if not r.get("speed_only")}
    graded = any(a["overall"].get("R") is not None or a["overall"].get("snip_acc") is not None
                 for a in acc.values())
    if acc and not graded:  # a folder of pages: nothing to score against
        acc = {}
        lines += ["### Accuracy", "", "Not measured: these pages have no gold "
                  "(a folder of pages, not `<set>/cases.jsonl`)."]
    if acc:
        lines += [
            "### Accuracy, all pages",
            "",
            "| tool | pages | P | R | F1 | F1 per page | snippet acc | with_R | without_ok | crash | empty |",  # noqa: E501
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for t, a in acc.items():
        m = a["overall"]
        if m:
            lines.append(
                f"| {t} | {m['pages']} | {f3(m.get('P'))} | {f3(m.get('R'))} | "
                f"**{f3(m.get('F1'))}** | {f3(m.get('F1_per_page'))} | {f3(m.get('snip_acc'))} | "
                f"{f3(m.get('with_R'))} | {f3(m.get('without_ok'))} | {m['crash']} | {m['empty']} |"
            )
    groups = [g for g in GROUPS if any(g in a["groups"] for a in acc.values())]
    if groups:
        lines += [
            "",
            "### Accuracy by language group (F1 / snippet acc)",
            "",
            "| tool | "
            + " | ".join(f"{g} pages | {g} F1 | {g} snippet acc" for g in groups)
            + " |",
            "|---|" + "---:|---:|---:|" * len(groups),
        ]
        for t, a in acc.items():
            cells = []
            for g in groups:
                m = a["groups"].get(g, {})
                cells += [str(m.get("pages", 0)), f3(m.get("F1")), f3(m.get("snip_acc"))]
            lines.append(f"| {t} | " + " | ".join(cells) + " |")
    sets = [s for s in meta["sets"] if any(s in a["sets"] for a in acc.values())]
    if sets and acc:
        lines += [
            "",
            "### Accuracy by set (F1 / snippet acc; – = no gold of that kind)",
            "",
            "| set | pages | " + " | ".join(acc) + " |",
            "|---|---:|" + "---|" * len(acc),
        ]
        for s in sets:
            n = max(a["sets"].get(s, {}).get("pages", 0) for a in acc.values())
            cells = [
                f"{f3(a['sets'].get(s, {}).get('F1'))} / {f3(a['sets'].get(s, {}).get('snip_acc'))}"
                for a in acc.values()
            ]
            lines.append(f"| {s} | {n} | " + " | ".join(cells) + " |")
    notes = [f"{t}: {r['skipped']}" for t, r in results.items() if "skipped" in r]
    for t, r in ran.items():
        errs = Counter(p["error"].split(":")[0] for p in r["pages"] if p.get("error"))
        if errs:
            notes.append(f"{t} failures: " + ", ".join(f"{k} ×{v}" for k, v in errs.most_common(5)))
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# profile of scrubber (input for speed work)
# --------------------------------------------------------------------------


def profile_scrubber(data: Path, sets: list[str], limit: int | None, top: int) -> str:
    """cProfile of scrubber over the HTML pages of the sets (bytes in) and over the
    zh-text inputs (text mode), top `top` lines by cumulative and by own time."""
    import cProfile
    import io
    import pstats

    call, _ = make_scrubber()
    sections = []
    html_cases = [c for c in load_cases(data, sets, limit) if c.get("html")]
    jobs = [("HTML pages (bytes in)", html_cases)]
    if (data / "zh-text" / "cases.jsonl").is_file():
        jobs.append(("plain-text mode (zh-text inputs)", load_cases(data, ["zh-text"], None)))
    for label, cases in jobs:
        if not cases:
            continue
        inputs = [tool_input("scrubber", c, data) for c in cases]
        warm_up(call, cases, inputs)
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for c, inp in zip(cases, inputs, strict=False):
            try:
                call(inp, c.get("url"), c.get("lang"))
            except Exception:
                pass
        prof.disable()
        wall = time.perf_counter() - t0
        mb = sum(len(x) if isinstance(x, bytes) else len(x.encode("utf-8")) for x in inputs) / 1e6
        for key in ("cumtime", "tottime"):
            buf = io.StringIO()
            st = pstats.Stats(prof, stream=buf)
            st.strip_dirs().sort_stats(key).print_stats(top)
            text = buf.getvalue()
            body = text[text.find("   ncalls") :].rstrip() if "   ncalls" in text else text.strip()
            sections.append(
                f"### {label}: {len(cases)} inputs, {mb:.1f} MB, {wall:.1f} s under "
                f"the profiler; top {top} by {key}\n\n```\n{body}\n```\n"
            )
    return "\n".join(sections)


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------


def _git(args: list[str]) -> str | None:
    try:
        return (
            subprocess.run(
                ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        return None


def run_tool_in_subprocess(tool: str, args, out_dir: Path) -> dict:
    result_file = out_dir / "workers" / f"{tool}.json"
    result_file.parent.mkdir(parents=True, exist_ok=True)
    result_file.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        tool,
        "--worker-result",
        str(result_file),
        "--data",
        str(args.data),
        "--sets",
        ",".join(args.sets),
        "--repeat",
        str(args.repeat),
        "--timeout",
        str(args.timeout),
    ]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    for flag in ("no_gc", "tracemalloc", "no_text_mode", "save_text"):
        if getattr(args, flag):
            cmd.append("--" + flag.replace("_", "-"))
    proc = subprocess.run(cmd, check=False)
    if proc.returncode != 0 or not result_file.exists():
        return {"tool": tool, "skipped": f"worker exited with code {proc.returncode}"}
    return json.loads(result_file.read_text(encoding="utf-8"))


def worker_kwargs(tool: str, args, out_dir: Path | None) -> dict:
    return dict(
        tool=tool,
        data=Path(args.data),
        sets=args.sets,
        limit=args.limit,
        repeat=args.repeat,
        timeout=args.timeout,
        no_gc=args.no_gc,
        use_tracemalloc=args.tracemalloc,
        text_mode=not args.no_text_mode,
        save_text=(out_dir / "outputs" / f"{tool}.jsonl") if (args.save_text and out_dir) else None,
    )


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--data",
        required=True,
        help="folder with <set>/cases.jsonl (eval-data format), or a folder of pages "
        "(.html/.htm/.txt files, gzipped or not, in it or in its subfolders: speed only)",
    )
    ap.add_argument("--sets", default="all", help="comma-separated set names (default: all)")
    ap.add_argument(
        "--tools",
        default=",".join(DEFAULT_TOOLS),
        help=f"comma-separated, from: {', '.join(TOOLS)} (default: %(default)s); "
        "lxml is always added, it is the floor of the ratios",
    )
    ap.add_argument("--limit", type=int, default=None, help="first N cases of each set")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes over the pages (default 1)")
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every tool this many times, tools in turn, and keep each page's "
        "times from all rounds (default 1); evens out load that changes during the run",
    )
    ap.add_argument(
        "--stat",
        choices=("min", "median"),
        default="min",
        help="per-page time over the passes (default: min)",
    )
    ap.add_argument(
        "--timeout", type=float, default=30.0, help="seconds per page; a timeout is a failure"
    )
    ap.add_argument(
        "--out", default="bench-out", help="folder for results.json (default: ./bench-out)"
    )
    ap.add_argument("--markdown", default=None, help="also write the Markdown report to this file")
    ap.add_argument(
        "--no-gc",
        action="store_true",
        help="disable the garbage collector during each timed call (collect between pages)",
    )
    ap.add_argument(
        "--tracemalloc",
        action="store_true",
        help="an extra untimed pass measuring Python allocation peaks per page",
    )
    ap.add_argument(
        "--no-text-mode", action="store_true", help="skip scrubber's plain-text MB/s measurement"
    )
    ap.add_argument(
        "--save-text", action="store_true", help="write every output to OUT/outputs/<tool>.jsonl"
    )
    ap.add_argument(
        "--inprocess",
        action="store_true",
        help="run the tools in this process (no per-tool memory numbers; for tests)",
    )
    ap.add_argument(
        "--profile",
        default=None,
        metavar="FILE",
        help="also profile scrubber (cProfile, in this process) over the pages and "
        "the zh-text inputs; write the top lines to FILE",
    )
    ap.add_argument(
        "--profile-top", type=int, default=25, help="lines per profile table (default 25)"
    )
    ap.add_argument("--quiet", action="store_true", help="no Markdown on stdout")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        ap.error(f"data folder not found: {data}")
    args.sets = list_sets(data) if args.sets == "all" else [s for s in args.sets.split(",") if s]
    if not args.sets:
        ap.error(f"no sets in {data}: neither <set>/cases.jsonl nor page files "
                 f"({', '.join(_PAGE_SUFFIXES + _TEXT_SUFFIXES)}, or .gz of them)")
    for s in args.sets:
        if not is_set(data, s):
            ap.error(f"unknown set {s!r}; known: {', '.join(list_sets(data))}")
    tools = [t for t in args.tools.split(",") if t]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        ap.error(f"unknown tool(s) {', '.join(unknown)}; known: {', '.join(TOOLS)}")
    if "lxml" not in tools:
        tools.insert(0, "lxml")
    args.tools = list(dict.fromkeys(tools))
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        res = run_worker(
            **worker_kwargs(
                args.worker,
                args,
                Path(args.worker_result).parent.parent if args.save_text else None,
            )
        )
        Path(args.worker_result).write_text(json.dumps(res), encoding="utf-8")
        return 0
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    # the checkout at the start (others may commit while the run goes on)
    dirty = " (+ uncommitted changes)" if _git(["status", "--porcelain", "--", "scrubber"]) else ""
    commit = (_git(["rev-parse", "--short", "HEAD"]) or "?") + dirty
    results: dict[str, dict] = {}
    # Rounds: every tool runs once per round, tools in turn, so a change in the
    # machine's load during the run falls on all of them alike.
    for rnd in range(args.rounds):
        for tool in args.tools:
            if rnd and "pages" not in results[tool]:
                continue  # skipped in the first round
            label = f" (round {rnd + 1}/{args.rounds})" if args.rounds > 1 else ""
            print(f"== {tool}{label}", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            if args.inprocess:
                res = run_worker(**worker_kwargs(tool, args, out_dir), progress=not args.quiet)
            else:
                res = run_tool_in_subprocess(tool, args, out_dir)
            res["wall_s"] = time.perf_counter() - t0
            results[tool] = res if rnd == 0 else merge_round(results[tool], res)
    for res in results.values():
        if "pages" in res:
            res["speed"] = speed_summary(res, args.stat)
            res["accuracy"] = accuracy_summary(res)
        else:
            print(f"   {res['tool']} skipped: {res.get('skipped')}", file=sys.stderr, flush=True)
    for res in results.values():
        if "pages" in res:
            res["ratios"] = {
                ref: ratio_to(res, results.get(ref), args.stat)
                for ref in ("lxml", "lxml-free", "trafilatura")
            }
            res["ratios_by_set"] = ratio_by_set(res, results.get("lxml"), args.stat)
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
        if hasattr(os, "getloadavg")
        else platform.machine(),
        "sets": args.sets,
        "limit": args.limit,
        "repeat": args.repeat,
        "rounds": args.rounds,
        "stat": args.stat,
        "timeout": args.timeout,
        "tools": args.tools,
        "inprocess": args.inprocess,
        "command": "python benchmarks/run.py "
        + " ".join(a for a in (argv if argv is not None else sys.argv[1:])),
    }
    md = render_markdown(meta, results)
    (out_dir / "results.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(md, encoding="utf-8")
    if not args.quiet:
        print(md)
    if args.profile:
        print("== profile of scrubber", file=sys.stderr, flush=True)
        prof = profile_scrubber(Path(args.data), args.sets, args.limit, args.profile_top)
        Path(args.profile).parent.mkdir(parents=True, exist_ok=True)
        Path(args.profile).write_text(
            f"Profile of scrubber, {meta['date']}, commit `{meta['commit']}`, sets "
            f"{', '.join(args.sets)}{' (first ' + str(args.limit) + ' each)' if args.limit else ''}.\n\n"  # noqa: E501
            f"`{meta['command']}`\n\n{prof}",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
