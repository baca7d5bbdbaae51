"""``scrub``: input -> blocks -> verdicts -> Article."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

import regex

from ._accel import COMPILED
from .blocks import _COMMON, blocks_from_text, bmp_bits
from .errors import ScrubberError
from .model import Article, Block, Change, Role, Verdict, first_meta, with_roles
from .normalize import NORMALISERS
from .pipeline import Document, Pipeline, default_pipeline

__all__ = ["detect_language", "looks_like_html", "scrub"]

_HTML_START = regex.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|\?xml|head|body|meta)\b", regex.I | regex.S)
_TAG = regex.compile(r"<(?:p|div|br|span|a|table|li|ul|h[1-6]|script|style|title|img)\b[^>]*>",
                     regex.I)
_HEADING_END = regex.compile(r"[。；;，,：:….]\s*$")
# Its characters, to test the last character first: regex's ``\s`` holds only
# characters ``str.isspace`` holds (the tests check), so a text not ending in
# one of those ends a heading exactly when its last character is one of these.
_HEADING_LAST = frozenset("。；;，,：:….")
_ENUMERATED = regex.compile(  # 1. / 1、 / (1) / 一、 / • item
    r"^(?:\d{1,3}\s*[.、)）．]|[（(]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}、|[•·●▪■◆◇○►▶-]\s)")
# detect_language counts characters as runs (``[...]+``): the summed run
# lengths are the number of characters, with far fewer match objects.
_HAN = regex.compile(r"\p{Han}+")
_LETTER = regex.compile(r"\p{L}+")
_LATIN = regex.compile(r"[a-z]+", regex.I)
_ENGLISH = regex.compile(r"\b(?:the|and|of|to|is)\b", regex.I)
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]+")
_HANGUL = regex.compile(r"\p{Hangul}+")
#: characters of a text that ``detect_language`` reads (the first ones)
_SAMPLE_CHARS = 20000
_HTML_SAMPLE = 20000  # the characters looks_like_html reads
_KANA_OR_HANGUL = regex.compile(r"[\p{Hiragana}\p{Katakana}\p{Hangul}]")
# Characters that only Traditional Chinese uses, among the most frequent.
_TRAD = regex.compile(r"[們這個來說為與會對時國還經發過當後從進問開關門實點體動裡嗎麼學長頭]+")
_SIMP = regex.compile(r"[们这个来说为与会对时国还经发过当后从进问开关门实点体动里吗么学长头]+")
_TRAD_OR_SIMP = regex.compile(
    r"[們這個來說為與會對時國還經發過當後從進問開關門實點體動裡嗎麼學長頭"
    r"们这个来说为与会对时国还经发过当后从进问开关门实点体动里吗么学长头]+")


def _count(pattern: regex.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the run pattern ``pattern`` covers."""
    return len("".join(pattern.findall(text)))


# ASCII characters are counted apart, on the ASCII bytes of the sample: its
# letters are [A-Za-z] (for \p{L} and for [a-z] ignoring case alike), and no
# other pattern above matches one. The Unicode patterns then only run over the
# rest, which in English text is a few characters instead of one match per word.
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
_DELETE_BUT_LETTERS = bytes(c for c in range(256) if not (c < 128 and chr(c).isalpha()))


_DEFAULT: Pipeline | None = None


def looks_like_html(text: str) -> bool:
    """True when ``text`` is markup rather than scraped plain text.

    Markup starts the document (``<!doctype``, ``<html>``, ``<div>``...) or
    tags sit on a good share of its lines; scraped text with a few stray
    tag lines stays text.
    """
    head = text[:2000]
    if _HTML_START.match(head):
        return True
    if text.find("<", 0, _HTML_SAMPLE) < 0:  # no tag to find (most scraped text)
        return False
    sample = text[:_HTML_SAMPLE]
    tags = 0
    for _ in _TAG.finditer(sample):  # three are enough to go on
        tags += 1
        if tags == 3:
            break
    if tags < 3:
        return False
    if head.lstrip().startswith("<"):
        return True
    lines = [line for line in sample.splitlines() if line.strip()]
    tagged = sum(1 for line in lines if _TAG.search(line))
    return tagged >= 0.5 * len(lines)


def detect_language(text: str) -> str | None:
    """A coarse script-based guess: zh / zh-Hant / ja / ko, else ``None``.

    Only used to label the article and pick defaults; no rule needs it.
    """
    sample = text[:_SAMPLE_CHARS]
    counts = None
    if _CLASS_COUNTS is not None:  # one compiled pass counts the ASCII letters too
        found, ascii_chars, ascii_letters = _counts_compiled(sample)
        if ascii_chars < len(sample):
            counts = found
    else:
        ascii_bytes = sample.encode("ascii", "ignore")
        ascii_letters = len(ascii_bytes.translate(None, _DELETE_BUT_LETTERS))
        if len(ascii_bytes) < len(sample):
            counts = _counts_by_table(sample, len(sample) - len(ascii_bytes))
    if counts is None:  # ASCII only, or many outsiders (kana, hangul, other scripts)
        return _detect_by_patterns(sample, ascii_letters)
    cjk, kana, hangul, other_letters, latin, trad, simp = counts
    letters = ascii_letters + other_letters or 1
    if kana > 0.05 * letters:
        return "ja"
    if hangul > 0.2 * letters:
        return "ko"
    if cjk > 0.2 * letters:
        return "zh-Hant" if trad > simp else "zh"
    if letters > 20:
        if ascii_letters + latin > 0.8 * letters:
            return "en" if _ENGLISH.search(sample) else None
    return None


def _detect_by_patterns(sample: str, ascii_letters: int) -> str | None:
    """:func:`detect_language` counting the non-ASCII characters with the patterns."""
    rest = _ASCII_RUN.sub("", sample)  # the non-ASCII characters
    cjk = _count(_HAN, rest)
    kana = hangul = 0
    if _KANA_OR_HANGUL.search(rest):  # one scan for the usual case: neither
        kana = _count(_KANA, rest)
        hangul = _count(_HANGUL, rest)
    letters = ascii_letters + _count(_LETTER, rest) or 1
    if kana > 0.05 * letters:
        return "ja"
    if hangul > 0.2 * letters:
        return "ko"
    if cjk > 0.2 * letters:
        # One scan of the sample; the two counts come from the few characters found.
        marked = "".join(_TRAD_OR_SIMP.findall(rest))
        trad, simp = _count(_TRAD, marked), _count(_SIMP, marked)
        return "zh-Hant" if trad > simp else "zh"
    if letters > 20:
        latin = ascii_letters + _count(_LATIN, rest)
        if latin > 0.8 * letters:
            return "en" if _ENGLISH.search(sample) else None
    return None


# Counting the non-ASCII characters of Chinese text without a regex match per
# run: the marker characters of ``_TRAD`` / ``_SIMP`` and the common
# punctuation (``blocks._COMMON`` but for Latin-1's letters) are encoded one
# byte each with a charmap codec, which drops every other character, and
# counted per class with ``bytes.translate``. Of the rest, characters of the
# Han ranges are Han letters (checked at import), and the few others
# (``_DETECT_OUTSIDER``: kana, hangul, other scripts) are looked at one by one;
# text with many of them takes the patterns.
_TRAD_CHARS, _SIMP_CHARS = _TRAD.pattern[1:-2], _SIMP.pattern[1:-2]
_DETECT_TABLE = "\0" + _TRAD_CHARS + _SIMP_CHARS + "·×÷©®°" + "".join(
    c for c in _COMMON if not "\xa0" <= c <= "\xff")
_DETECT_MAP = codecs.charmap_build(_DETECT_TABLE)


def _delete_all_but(chars: str) -> bytes:
    """A deletion table keeping the bytes ``_DETECT_MAP`` gives ``chars``."""
    keep = {_DETECT_TABLE.index(c) for c in chars if c != "\0"}
    return bytes(b for b in range(256) if b not in keep)


_CLASSES = (_HAN, _KANA, _HANGUL, _LETTER, _LATIN)  # in the order of the counts
_DELETE_BUT_CLASS = tuple(
    _delete_all_but("".join(c for c in _DETECT_TABLE if p.fullmatch(c))) for p in _CLASSES)
_DELETE_BUT_TABLE = _delete_all_but(_DETECT_TABLE)
_DELETE_BUT_TRAD, _DELETE_BUT_SIMP = _delete_all_but(_TRAD_CHARS), _delete_all_but(_SIMP_CHARS)


def _han_letters_only(first: int, last: int) -> bool:
    """Every character from ``first`` to ``last`` is a Han letter (``_HAN`` and ``_LETTER``)."""
    chars = "".join(map(chr, range(first, last + 1)))
    return bool(_HAN.fullmatch(chars) and _LETTER.fullmatch(chars))


_HAN_RANGES = "".join(f"{chr(a)}-{chr(b)}" for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
                      if _han_letters_only(a, b))
_DETECT_OUTSIDER = re.compile(f"[^\\x00-\\x7f{re.escape(_DETECT_TABLE)}{_HAN_RANGES}]")
_MANY_OUTSIDERS = 200


def _counts_by_table(sample: str, others: int) -> tuple[int, ...] | None:
    """Han, kana, hangul, letter and [a-z] counts of the ``others`` non-ASCII
    characters of ``sample``, then its two marker counts; ``None`` when there
    are many outsiders (the patterns are quicker)."""
    outsiders = _DETECT_OUTSIDER.findall(sample)
    if len(outsiders) > _MANY_OUTSIDERS:
        return None
    table = codecs.charmap_encode(sample, "ignore", _DETECT_MAP)[0]
    # Neither ASCII, in the table nor outsiders: characters of the Han ranges.
    han = others - len(table.translate(None, _DELETE_BUT_TABLE)) - len(outsiders)
    odd = "".join(outsiders)
    cjk, kana, hangul, letters, latin = (
        len(table.translate(None, delete)) + _count(pattern, odd)
        for pattern, delete in zip(_CLASSES, _DELETE_BUT_CLASS))
    trad = len(table.translate(None, _DELETE_BUT_TRAD))
    simp = len(table.translate(None, _DELETE_BUT_SIMP))
    return cjk + han, kana, hangul, letters + han, latin, trad, simp


# The same counts in one compiled pass (``_cwalk.class_counts``): a byte of
# class bits per BMP character, found once by running each pattern over all of
# them (the patterns are single-character runs, so each character is judged on
# its own), and the few characters past the BMP counted with the patterns.
_CLASS_COUNTS = getattr(COMPILED, "class_counts", None)
# ``_opening``'s loop compiled, reading a Block's text from its slot
_TEXT_OFFSET = (COMPILED.slot_offsets(Block, ("text",)) or (None,))[0] if COMPILED else None
_OPENING = getattr(COMPILED, "opening", None) if _TEXT_OFFSET is not None else None
#: valid UTF-8 without a character lxml refuses, by one scan (``None``: not built)
_UTF8_PLAIN = getattr(COMPILED, "utf8_plain", None)
_COUNTED = (_HAN, _KANA, _HANGUL, _LETTER, _LATIN, _TRAD, _SIMP)  # bit k: _COUNTED[k]


@lru_cache(maxsize=1)  # built once, on first use; never changes
def _class_table() -> bytes:
    return bmp_bits((1 << k, pattern) for k, pattern in enumerate(_COUNTED))


def _counts_compiled(sample: str) -> tuple[tuple[int, ...], int, int]:
    """What :func:`_counts_by_table` gives for ``sample`` (for any sample: no
    limit on outsiders), from :func:`_cwalk.class_counts`; then how many of its
    characters are ASCII, and how many ASCII letters (the same pass counts them)."""
    counts, astral, ascii_chars, ascii_letters = _CLASS_COUNTS(sample, _class_table())
    if astral:
        for k, pattern in enumerate(_COUNTED):
            counts[k] += _count(pattern, astral)
    return tuple(counts[:7]), ascii_chars, ascii_letters


def _is_tree(source: Any) -> bool:
    """An lxml element/tree or a BeautifulSoup object (duck-typed, no imports)."""
    mod = type(source).__module__ or ""
    return mod.startswith("lxml") or mod.startswith("bs4")


def _header_value(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value) if value is not None else None


def _unwrap_response(source: Any) -> tuple[bytes, str | None, dict[str, str]] | None:
    """Body bytes, URL and Content-Type of a requests / httpx / Scrapy response (duck-typed)."""
    body = getattr(source, "content", None)  # requests, httpx
    if not isinstance(body, (bytes, bytearray)):
        body = getattr(source, "body", None)  # Scrapy
    if not isinstance(body, (bytes, bytearray)) or not hasattr(source, "headers"):
        return None
    url = getattr(source, "url", None)
    headers: dict[str, str] = {}
    raw = source.headers
    for name in ("Content-Type", b"Content-Type", "content-type"):
        try:
            value = raw.get(name)
        except Exception:
            value = None
        if value:
            headers["Content-Type"] = _header_value(value) or ""
            break
    return bytes(body), (str(url) if url is not None else None), headers


def _to_text(source: Any, *, encoding: str | None, headers: Mapping[str, str] | None,
             lazy: bool = False):
    """The text of ``source``, how its bytes were decoded (``None`` for a str), and
    the bytes themselves when they are exactly ``text.encode("utf-8")`` (UTF-8
    without a BOM or a fault), else ``None``. Given ``lazy``, markup whose bytes
    are that (and hold no character lxml refuses) is left undecoded: the text
    is ``None`` and the bytes stand for it (:func:`scrub` then asks
    :func:`_utf8_looks_like_html` and hands the bytes to the HTML path)."""
    if isinstance(source, str):
        return source, None, None
    if isinstance(source, (bytes, bytearray, memoryview)):
        from .decode import _decided

        data = bytes(source)
        html = looks_like_html(data[:2000].decode("latin-1"))
        # Markup that is valid UTF-8 without a character lxml refuses (most
        # pages) is not decoded here: libxml2 reads the bytes themselves, and
        # the walk decodes only the text it keeps (decision 61).
        plain = lazy and html and _UTF8_PLAIN is not None and _UTF8_PLAIN(data)
        d = _decided(data, encoding, headers, html, valid_utf8=plain)
        info = {"encoding": d.encoding, "source": d.source, "declared": d.declared,
                "replacements": d.replacements, "note": d.note}
        same = d.encoding == "utf-8" and not d.replacements and d.source != "bom"
        text = d.text
        if text is None and not same:  # (cannot be: only a UTF-8 choice leaves it undecoded)
            text = data.decode("utf-8")
        return text, info, (data if same else None)
    raise ScrubberError(
        f"scrub() takes str or bytes (or a parsed HTML tree), not {type(source).__name__}"
    )


def scrub(
    source: str | bytes,
    *,
    url: str | None = None,
    lang: str | None = None,
    pipeline: Pipeline | None = None,
    normalize: Sequence[str] = (),
    encoding: str | None = None,
    headers: Mapping[str, str] | None = None,
    kind: str = "auto",
) -> Article:
    """Clean one page or one piece of scraped text into an :class:`Article`.

    ``source`` is plain scraped text or HTML, as ``str`` or ``bytes`` (bytes
    are decoded, see ``Article.encoding``), a parsed lxml or BeautifulSoup
    tree, or a ``requests`` / ``httpx`` / Scrapy response (its body, URL and
    Content-Type charset are used); the kind is detected. ``url`` and
    ``lang`` are hints, never required. ``normalize`` names explicit display
    normalisers to apply to the output (see :mod:`scrubber.normalize`).
    ``kind`` forces ``"text"`` or ``"html"`` instead of detecting it.
    """
    for name in normalize:
        if name not in NORMALISERS:
            raise ScrubberError(f"unknown normaliser {name!r}; known: {sorted(NORMALISERS)}")
    if kind not in ("auto", "text", "html"):
        raise ScrubberError(f"kind must be 'auto', 'text' or 'html', not {kind!r}")
    response = None if isinstance(source, (str, bytes)) else _unwrap_response(source)
    if response is not None:
        source, resp_url, resp_headers = response
        url = url or resp_url
        headers = headers or resp_headers
    if _is_tree(source):
        return _scrub_html(source, url=url, lang=lang, pipeline=pipeline,
                           normalize=normalize, encoding=None)
    text, enc, encoded = _to_text(source, encoding=encoding, headers=headers,
                                  lazy=kind != "text")
    if text is None:  # valid UTF-8 markup, left undecoded: libxml2 reads the bytes
        if kind == "html" or _utf8_looks_like_html(encoded):
            return _scrub_html(None, url=url, lang=lang, pipeline=pipeline,
                               normalize=normalize, encoding=enc, encoded=encoded)
        text = encoded.decode("utf-8")
    if kind == "html" or (kind == "auto" and looks_like_html(text)):
        return _scrub_html(text, url=url, lang=lang, pipeline=pipeline,
                           normalize=normalize, encoding=enc, encoded=encoded)
    blocks = blocks_from_text(text)
    language = lang or detect_language(text)
    return _assemble(blocks, kind="text", url=url, language=language, pipeline=pipeline,
                     normalize=normalize, encoding=enc)


def _utf8_opening(data: bytes, chars: int = _HTML_SAMPLE) -> str:
    """The first ``chars`` characters (or more) of valid UTF-8 ``data``: a
    character is at most four bytes, and a cut inside the last one only drops it."""
    return data[:4 * chars + 4].decode("utf-8", "ignore")


def _utf8_looks_like_html(data: bytes) -> bool:
    """``looks_like_html(data.decode("utf-8"))`` for valid UTF-8 ``data``, decoding
    only what it reads: its first test reads 2,000 characters, the rest
    ``_HTML_SAMPLE``."""
    if _HTML_START.match(_utf8_opening(data, 2000)[:2000]):
        return True
    return looks_like_html(_utf8_opening(data))


def _scrub_html(source: Any, *, url, lang, pipeline, normalize, encoding,
                encoded: bytes | None = None) -> Article:
    from .html import _parse_page

    page = _parse_page(source, url=url, encoded=encoded)
    language = lang or page.meta.get("language") or detect_language(_opening(page.blocks))
    return _assemble(page.blocks, kind="html", url=url, language=language, pipeline=pipeline,
                     normalize=normalize, encoding=encoding, meta=page.meta, extra=page.extra)


def _opening(blocks: Sequence[Block], limit: int = _SAMPLE_CHARS) -> str:
    """The blocks' texts joined by newlines, as far as ``detect_language`` reads them
    (its first ``limit`` characters are those of the whole join)."""
    if _OPENING is not None:  # the loop below, compiled
        return _OPENING(blocks, limit, Block, _TEXT_OFFSET)
    parts: list[str] = []
    n = 0
    for b in blocks:
        parts.append(b.text)
        n += len(b.text) + 1
        if n > limit:  # the join so far is at least ``limit`` long
            break
    return "\n".join(parts)


def _default() -> Pipeline:
    global _DEFAULT
    if _DEFAULT is None:  # building it is pure; reusing it changes no result
        _DEFAULT = default_pipeline()
    return _DEFAULT


def _assemble(
    blocks: tuple[Block, ...],
    *,
    kind: str,
    url: str | None,
    language: str | None,
    pipeline: Pipeline | None,
    normalize: Sequence[str],
    encoding: Mapping[str, Any] | None,
    meta: Mapping[str, str | None] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Article:
    p = pipeline if pipeline is not None else _default()
    doc = Document(blocks=blocks, kind=kind, url=url, language=language)
    verdicts = p.judge(doc)
    blocks = assign_roles(blocks, verdicts)
    found = first_meta(verdicts)
    found.update({k: v for k, v in lift_metadata(p, blocks, verdicts).items() if k not in found})
    for k, v in (meta or {}).items():
        if v and not found.get(k):
            found[k] = v
    if not found.get("title"):
        title = (_FIRST_ROLE_TEXT(blocks, Role.TITLE) if _FIRST_ROLE_TEXT is not None
                 else next((b.text for b in blocks if b.role is Role.TITLE), None))
        if title:
            found["title"] = title
    blocks, changes = apply_normalisers(blocks, normalize)
    return Article(
        blocks=blocks,
        verdicts=tuple(verdicts),
        language=found.pop("language", None) or language,
        url=found.pop("url", None) or url,
        input_kind=kind,
        encoding=encoding,
        changes=tuple(changes),
        extra=extra or {},
        **{k: v for k, v in found.items() if k in _ARTICLE_META},
    )


#: the title's search above, compiled (``None`` when ``_cwalk`` was not built)
_FIRST_ROLE_TEXT = getattr(COMPILED, "first_role_text", None)

_ARTICLE_META = {"title", "author", "editor", "source", "published", "original_title",
                 "site_name", "canonical_url"}


def lift_metadata(
    p: Pipeline, blocks: Iterable[Block], verdicts: Sequence[Verdict]
) -> dict[str, str]:
    """Metadata from ``lift`` rules (e.g. a ``【记者 张三】`` prefix) in body blocks."""
    from .rules import first_match

    out: dict[str, str] = {}
    kept = (_KEPT_OF(blocks, verdicts) if _KEPT_OF is not None
            else [b for b, v in zip(blocks, verdicts) if v.keep])
    step = next((s for s in p.steps if s.name == "rules"), None)
    lift_lines = getattr(step.fn, "lift_lines", None) if step is not None else None
    if lift_lines is not None:
        # The rules filter's own index of its lift rules: the same first match.
        found = lift_lines([b.text for b in kept], [b.key for b in kept])
    else:
        lifters = [r for r in p.rules if r.action == "lift"]
        if not lifters:
            return out
        found = [first_match(lifters, b.text, b.key) for b in kept]
    for m in found:
        if m:
            for k, val in m.meta:
                out.setdefault(k, val)
    return out


def assign_roles(blocks: tuple[Block, ...], verdicts: Sequence[Verdict]) -> tuple[Block, ...]:
    """Give body lines of plain text a role: numbered or bulleted lines are list
    items, short unpunctuated lines before longer ones are headings (the first
    one is the title), the rest paragraphs."""
    kept = (_KEPT_INDICES(verdicts) if _KEPT_INDICES is not None
            else [i for i, v in enumerate(verdicts) if v.keep])
    if _LINE_ROLES is not None and type(blocks) is tuple:  # _line_roles_py, compiled
        enum_bits, end_bits = _role_bitmaps()
        got = _LINE_ROLES(blocks, kept, Role.LINE, _ROLES, enum_bits, _ENUMERATED.match,
                          end_bits, _heading_end)
    else:
        got = _line_roles_py(blocks, kept)
    if got is None:  # HTML blocks have their roles already
        return blocks
    changed, roles = got
    out = list(blocks)
    for i, b in zip(changed, with_roles([blocks[i] for i in changed], roles)):
        out[i] = b
    return tuple(out)


def _line_roles_py(blocks: Sequence[Block], kept: list[int],
                   ) -> tuple[list[int], list[Role]] | None:
    """The indices of the body's plain-text lines (the blocks at ``kept`` whose
    role is ``LINE``) and their roles; ``None`` when there is none."""
    lines = [n for n, i in enumerate(kept) if blocks[i].role is Role.LINE]
    if not lines:
        return None
    units = [blocks[i].features.get("units", 0) for i in kept] + [0]  # 0: after the last
    enumerated = _enumerated_starts()
    roles = []
    for n in lines:
        b = blocks[kept[n]]
        text, features, u = b.text, b.features, units[n]
        if text[:1] in enumerated and _ENUMERATED.match(text):
            role = Role.LIST_ITEM
        elif (n == 0 and 2 <= u <= 80 and not features.get("full_stop")
              and features.get("punct", 0) <= 3):
            role = Role.TITLE  # the first body line, short and without a full stop
        elif (0 < u <= 40 and units[n + 1] > u and features.get("punct", 0) <= 1
              and not _heading_end(text)):
            role = Role.TITLE if n == 0 else Role.HEADING
        else:
            role = Role.PARAGRAPH
        roles.append(role)
    return [kept[n] for n in lines], roles


_LINE_ROLES = getattr(COMPILED, "line_roles", None)
#: the compiled comprehensions of the kept blocks and their indices (``None`` when not built)
_KEPT_OF = getattr(COMPILED, "kept_of", None)
_KEPT_INDICES = getattr(COMPILED, "kept_indices", None)
_ROLES = (Role.LIST_ITEM, Role.TITLE, Role.HEADING, Role.PARAGRAPH)  # (line_roles' order)


@lru_cache(maxsize=1)
def _role_bitmaps() -> tuple[bytes, bytes]:
    """For ``_cwalk.line_roles``: the BMP characters an enumerated line starts
    with, and those ending a heading, as bitmaps."""
    from .rules import _bmp_bitmap

    return _bmp_bitmap(_enumerated_starts()), _bmp_bitmap(_HEADING_LAST)


def _heading_end(text: str) -> bool:
    """``_HEADING_END.search(text) is not None``, by the last character unless
    it is white space (block texts are stripped: it never is)."""
    last = text[-1:]
    if last in _HEADING_LAST:
        return True
    return last.isspace() and _HEADING_END.search(text) is not None


def _assign_roles_reference(blocks: tuple[Block, ...],
                            verdicts: Sequence[Verdict]) -> tuple[Block, ...]:
    """The plain version of :func:`assign_roles` (the speed tests compare them)."""
    kept = [i for i, v in enumerate(verdicts) if v.keep]
    out = list(blocks)
    for n, i in enumerate(kept):
        b = blocks[i]
        if b.role is not Role.LINE:
            continue
        units = b.features.get("units", 0)
        next_units = blocks[kept[n + 1]].features.get("units", 0) if n + 1 < len(kept) else 0
        heading = (0 < units <= 40 and not _HEADING_END.search(b.text)
                   and b.features.get("punct", 0) <= 1 and next_units > units)
        first_title = (n == 0 and 2 <= units <= 80 and not b.features.get("full_stop")
                       and b.features.get("punct", 0) <= 3)
        if _ENUMERATED.match(b.text):
            role = Role.LIST_ITEM
        elif first_title:
            role = Role.TITLE
        elif heading:
            role = Role.TITLE if n == 0 else Role.HEADING
        else:
            role = Role.PARAGRAPH
        out[i] = _with_role(b, role)
    return tuple(out)


@lru_cache(maxsize=1)
def _enumerated_starts() -> frozenset[str]:
    """Every first character of an ``_ENUMERATED`` match: a digit (regex's
    ``\\d``, computed once for the rule screens too) or one of its marks.
    Lines starting otherwise skip the regex."""
    from .rules import _category_chars

    return _category_chars(r"\d") | frozenset("（(一二三四五六七八九十•·●▪■◆◇○►▶-")


def _with_role(b: Block, role: Role) -> Block:
    """``dataclasses.replace(b, role=role)``, spelled out: several times quicker
    (the speed tests check that this lists every field of Block)."""
    return Block(b.index, b.text, b.key, role, b.path, b.span, b.features, b.tag, b.context)


def apply_normalisers(blocks: tuple[Block, ...], names: Sequence[str]):
    if not names:
        return blocks, []
    out, changes = [], []
    for b in blocks:
        text = b.text
        for name in names:
            new, count = NORMALISERS[name](text)
            if count:
                changes.append(Change(name, b.index, text, new, count))
                text = new
        out.append(b if text == b.text else replace(b, text=text))
    return tuple(out), changes
