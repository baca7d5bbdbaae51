"""Turn page bytes into text, and report which evidence decided the encoding.

Evidence, strongest first:

1. A byte order mark: part of the bytes, never stale; browsers let it beat everything.
2. The ``encoding=`` argument: the caller knows something we do not.
3. The HTTP ``Content-Type`` charset, then 4. a ``<meta>`` charset / XML declaration.
   These are claims by servers and templates and are often wrong (a gb2312 template
   saved as UTF-8, a server stamping utf-8 on everything), so they are checked:
   a legacy claim on valid non-ASCII UTF-8 is overruled (legacy text is almost never
   valid UTF-8 by accident); a claim leaving undecodable bytes is compared with the
   other claim, charset_normalizer's guess and, when high bytes come in pairs, gb18030
   and big5hkscs.  Fewest U+FFFD wins, then more common CJK characters, then the claim.
   UTF-8 with a few bad sequences among many good ones is damage, and is kept.
5. Detection with charset_normalizer (first 64 KB only), when nothing usable was
   declared and the bytes are not UTF-8 -- except on pages whose every non-ASCII byte
   reads the same in windows-1250 and windows-1252 (ASCII text with Windows
   typography) or is a windows-1252 symbol standing outside a word (``£50``,
   ``½ cup``), which are decoded as windows-1252 at once (decision 54).
   6. UTF-8 with replacement characters.

Legacy labels are widened to the supersets browsers decode with (WHATWG), because
pages labelled gb2312, big5 or iso-8859-1 routinely use GBK, HKSCS or windows-1252
characters.  The common path (ASCII or valid UTF-8, declared utf-8 or undeclared) is
one ``bytes.decode`` and never runs detection.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from ._accel import COMPILED

_SAMPLE = 64 * 1024  # detection and plausibility look at this much only
_META_WINDOW = 4096
# Target codec: labels.  Python's own aliases resolve first (sjis -> shift_jis -> cp932), so
# only the widening targets and WHATWG labels Python does not know need listing.
_WIDEN = MappingProxyType(
    {
        "gb18030": "gb2312 gbk x-gbk gb-2312-80 gb-2312 csgb2312 windows-936",
        "big5hkscs": "big5 big5-hkscs x-x-big5 cn-big5",
        "windows-1252": "iso-8859-1 ascii x-user-defined",
        "cp932": "shift-jis windows-31j x-sjis",
        "cp949": "euc-kr windows-949",
        "windows-1254": "iso-8859-9",
        "cp874": "tis-620 iso-8859-11 windows-874",
        "utf-8": "utf-8-sig unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8",
        "utf-16le": "utf-16 unicode csunicode ucs-2",
        "utf-32le": "utf-32",
        "iso-8859-8": "iso-8859-8-i csiso88598i logical",
        "iso-2022-jp": "iso2022-jp",
        "euc-jp": "x-euc-jp",
        "mac-roman": "x-mac-roman",
    }
)
_ALIASES = MappingProxyType({k: target for target, ks in _WIDEN.items() for k in ks.split()})
_REFUSED = frozenset("utf-7 idna punycode unicode-escape raw-unicode-escape undefined".split())
_SIBLINGS = MappingProxyType({"big5hkscs": ("cp950",), "cp950": ("big5hkscs",)})  # euro sign
_MULTIBYTE = ("gb18030", "big5hkscs")
_BOMS = tuple(("\ufeff".encode(e), e) for e in "utf-32le utf-32be utf-8 utf-16le utf-16be".split())
# Very frequent characters of Chinese (both scripts), Japanese and Korean prose; mojibake
# made by the wrong codec rarely produces them.
_COMMON = tuple(
    "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說"
    "时時要就出也得会會可对對生年着著后後自之学學子下过過天去能好都"
    "没沒多然於于它还還家发發里裡小看那么麼成のにはをたがでてしとい"
    "るもなかすれ이다는의에을가하고지서"
)
_ODD = re.compile("[\x80-\x9f\ue000-\uf8ff]")  # C1 controls, private use: wrong-codec signs
# Chinese prose read by the right codec (_gb_prose, _chinese_codec): the frequent
# Han characters above make a tenth to a fifth of its Han characters (the least
# on 88 pages of the development sets, written in GB18030 and Big5: 0.069),
# GB18030 misreading Big5 bytes or the reverse 0-0.036. Kana say Japanese:
# EUC-JP and GB2312 encode them alike (and Big5 reads EUC-JP's kana as the
# commonest Han characters, so Big5 is never taken without detection).
_COMMON_HAN = re.compile("[" + "".join(c for c in _COMMON if "\u4e00" <= c <= "\u9fff") + "]")
# kana, Han and the punctuation between them (runs as long as sentences)
_CJK_RUN = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KANA_RUN = re.compile("[\u3040-\u30ff]+")
_CHINESE_SAMPLE = 4096  # characters of CJK runs read by _chinese_share
_CHINESE_SHARE = 0.06  # the least share of _COMMON_HAN among the Han characters read
_CHINESE_MIN_HAN = 50  # ... counted over at least this many
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.I)
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_.:+-]+)""", re.I)
_XML = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:+-]+)""", re.I)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
#: the compiled count of high bytes and of those in runs (``None`` when not built)
_COMPILED_HIGH_RUNS = getattr(COMPILED, "high_runs", None)
_ASCII_BYTES = bytes(range(128))
# The non-ASCII bytes that windows-1250 (Central European) and windows-1252
# (Western) decode to the same character. An undeclared page that is not UTF-8,
# whose high bytes stand alone or repeat one byte (not the runs of CJK, Cyrillic
# or Greek text) and are all of these, reads the same in either: it is ASCII text with
# typographic punctuation and a few shared letters. Detection has next to no
# evidence on such a page; on the development pages charset_normalizer named
# windows-1250, cp852 or cp775 for English pages (``chapterĺs`` for
# ``chapter’s``) and spent up to 38 ms doing so. WHATWG's fallback for such
# pages is windows-1252 (decision 54).
_LATIN_AGREED = bytes(
    b for b in range(0x80, 0x100)
    if bytes([b]).decode("windows-1250", "replace") == bytes([b]).decode("windows-1252", "replace")
    != "\ufffd"
)

# The non-ASCII bytes that windows-1252 reads as a symbol (``£ ½ ¿ ² ¥``...)
# and windows-1250 as a letter or an accent (``Ł ˝ ż ˛ Ą``...) or not at all.
# Standing outside a word (no letter and no other non-ASCII byte beside it:
# ``£50``, ``½ cup``), such a byte is the symbol: a Central European letter
# stands inside a word (decision 54).
_LATIN_SYMBOLS = bytes(
    b for b in range(0x80, 0x100)
    if b not in _LATIN_AGREED
    and (c := bytes([b]).decode("windows-1252", "replace")) != "\ufffd"
    and not unicodedata.category(c).startswith("L")
)
# A symbol with no letter or other high byte on either side. The symbol comes
# first and the test of the byte before it after (a lookbehind over the pair),
# so that the engine skips to the symbols instead of trying a lookbehind at
# every byte of the page: the same matches, six times faster on real pages.
_SYMBOL_CLASS = b"[" + re.escape(_LATIN_SYMBOLS) + b"]"
_LONE_SYMBOL = re.compile(
    _SYMBOL_CLASS + rb"(?<![A-Za-z\x80-\xff]" + _SYMBOL_CLASS + rb")(?![A-Za-z\x80-\xff])")

# encoding, text (``None``: left undecoded, see _decided), replacements, source, note line
_Verdict = tuple[str, str | None, int, str, str]
_Claim = tuple[str, str, str]  # source, label as written, normalised codec


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str  # decoded text; undecodable bytes became U+FFFD
    encoding: str  # codec actually used (a name bytes.decode accepts)
    source: str  # "bom" | "argument" | "http-header" | "meta" | "detected" | "fallback"
    declared: str | None  # normalised header/meta declaration, even if overridden
    replacements: int  # U+FFFD produced by decoding (not ones present in the source)
    note: str  # one human-readable line explaining the choice


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().strip("\"'").strip().lower())


def normalise_encoding_name(name: str) -> str | None:
    """Canonical, widened codec name for a label; None if unknown or not a text encoding."""
    if not isinstance(name, str):
        return None
    return _normalised(name)


# A page names its encoding with one of a few dozen labels, and every page asks
# (3-4 us a label, by three regex substitutions and a codec lookup). The answer
# depends on the label alone, so the last labels' answers are kept; the cache is
# bounded, and keeping an answer changes no result.
@lru_cache(maxsize=256)
def _normalised(name: str) -> str | None:
    """:func:`normalise_encoding_name` of a str."""
    if not 0 < len(key := _key(name)) <= 40:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        info = codecs.lookup(key)
    except (LookupError, ValueError):
        return None
    found = _key(info.name)
    if not getattr(info, "_is_text_encoding", True) or found in _REFUSED:
        return None
    found = re.sub(r"^cp(125\d)$", r"windows-\1", re.sub(r"^iso8859-", "iso-8859-", found))
    found = re.sub(r"^(utf-(?:16|32))-([lb]e)$", r"\1\2", found)
    return _ALIASES.get(found, found)


def charset_from_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> str | None:
    """The raw, lower-cased Content-Type charset label; header names match in any case."""
    if not headers:
        return None
    for name, value in headers.items() if isinstance(headers, Mapping) else headers:
        if str(name).strip().lower() == "content-type":
            if m := _CHARSET_PARAM.search(str(value)):
                return m.group(1).lower()
    return None


def sniff_meta_charset(head: bytes) -> str | None:
    """The raw, lower-cased label of an XML declaration or <meta> charset in the first 4 KB."""
    head = bytes(head[:_META_WINDOW])
    m = _XML.match(head) or _META.search(_without_comments(head))
    return m.group(1).decode("ascii").lower() if m else None


def _without_comments(head: bytes) -> bytes:
    """``_COMMENT.sub(b"", head)``: each ``<!--``, up to the first ``-->`` after
    it (or the end), cut out, found by ``bytes.find`` (a regex tries each ``<``)."""
    start = head.find(b"<!--")
    if start < 0:
        return head
    parts = []
    pos = 0
    while start >= 0:
        parts.append(head[pos:start])
        end = head.find(b"-->", start + 4)
        if end < 0:
            pos = len(head)
            break
        pos = end + 3
        start = head.find(b"<!--", pos)
    parts.append(head[pos:])
    return b"".join(parts)


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def _decode(data: bytes, enc: str) -> tuple[str, int]:
    """Text and the number of U+FFFD the codec had to insert."""
    if (text := _strict(data, enc)) is not None:
        return text, 0
    text = data.decode(enc, "replace")
    return text, len(text) - len(data.decode(enc, "ignore"))


def _ascii_compatible(enc: str) -> bool:
    return _strict(b"<meta charset=x>", enc) == "<meta charset=x>"


def _non_ascii(text: str) -> int:
    """How many characters of ``text`` are not ASCII (replacement characters too)."""
    return len(text) - len(text.encode("ascii", "ignore"))


def _mostly_fine(text: str, bad: int) -> bool:
    """Twice as many good non-ASCII characters as bad sequences: damaged, not mislabelled."""
    return _non_ascii(text) - bad >= 2 * bad


def _holds_own_utf8(text: str, bad: int) -> bool:
    """At least as many good non-ASCII characters as bad sequences, in a page that
    declares UTF-8: the declaration is borne out (text in a legacy code page
    almost never forms a valid multi-byte sequence by chance), so the page is
    damaged UTF-8, not mislabelled (decision 57)."""
    return _non_ascii(text) - bad >= bad


def _rarely_damaged(text: str, bad: int) -> bool:
    """At most one bad sequence per hundred non-ASCII characters.

    A mislabelled page fails far more often; switching codecs on a few stray
    bytes would trade four replacement characters for a page of mojibake
    (GB18030 decodes almost any byte sequence "cleanly").
    """
    return bad * 100 <= _non_ascii(text)


def _looks_multibyte(data: bytes) -> bool:
    """High bytes mostly come in runs, as in CJK double-byte text (not isolated accents)."""
    high, in_runs = _high_runs(data[:_SAMPLE])
    return high >= 4 and in_runs * 10 >= high * 7


def _high_runs_py(data: bytes) -> tuple[int, int]:
    """The bytes of ``data`` from 0x80 up, and those of them next to another
    (in runs of two or more): the reference of ``_cwalk.high_runs``."""
    runs = [len(r) for r in _HIGH_RUN.findall(data)]
    return sum(runs), sum(n for n in runs if n > 1)


def _high_runs(data: bytes) -> tuple[int, int]:
    """:func:`_high_runs_py`, by the compiled module's one pass when it was built."""
    if _COMPILED_HIGH_RUNS is not None:
        return _COMPILED_HIGH_RUNS(data)
    return _high_runs_py(data)


def _plausibility(text: str) -> int:
    sample = text[:_SAMPLE]
    return sum(map(sample.count, _COMMON)) - len(_ODD.findall(sample))


def _chinese_share(text: str) -> float:
    """The share of :data:`_COMMON_HAN` among the Han characters in the first
    runs of CJK text in ``text`` (:data:`_CHINESE_SAMPLE` characters of kana,
    Han and CJK punctuation), wherever they are (a page's text may start far
    below its markup); 0 when there are
    fewer than :data:`_CHINESE_MIN_HAN` Han characters, or kana more than a
    twentieth as many (Japanese)."""
    runs, n = [], 0
    for m in _CJK_RUN.finditer(text):
        runs.append(m.group())
        n += m.end() - m.start()
        if n >= _CHINESE_SAMPLE:
            break
    cjk = "".join(runs)
    kana = len(cjk) - len(_KANA_RUN.sub("", cjk))
    han = len(cjk) - len(_HAN_RUN.sub("", cjk))
    if han < _CHINESE_MIN_HAN or 20 * kana > han:
        return 0.0
    return (len(cjk) - len(_COMMON_HAN.sub("", cjk))) / han


def _gb_prose(data: bytes) -> str | None:
    """GB18030's reading of undeclared bytes that look multibyte, when it has
    no fault and is Chinese prose (:func:`_chinese_share`) and Big5 does not
    read the bytes without a fault too; else ``None`` (detection decides).
    GBK text nearly always holds bytes Big5 has no character for; Big5 text
    is all GB18030 characters, the wrong ones. charset_normalizer took ~4 ms
    a page over its 64 KB and, where those were mostly markup, named a Latin
    code page for a Chinese page."""
    text = _strict(data, "gb18030")
    if text is None or _strict(data, "big5hkscs") is not None:
        return None
    return text if _chinese_share(text) >= _CHINESE_SHARE else None


def _chinese_codec(data: bytes) -> tuple[str, str] | None:
    """``(codec, text)``: the one of :data:`_MULTIBYTE` that reads ``data`` as
    Chinese prose without a fault, or reads it at least twice as well as the
    other (GB18030 reads most Big5 bytes, as other characters); ``None`` if
    neither does. Asked when detection named a single-byte code page for bytes
    that look multibyte (it reads only the first 64 KB)."""
    read = []
    for enc in _MULTIBYTE:
        text = _strict(data, enc)
        if text is not None:
            read.append((_chinese_share(text), enc, text))
    read.sort(key=lambda r: r[0], reverse=True)
    if not read or read[0][0] < _CHINESE_SHARE or (len(read) > 1 and 2 * read[1][0] > read[0][0]):
        return None
    return read[0][1], read[0][2]


def _single_byte(enc: str) -> bool:
    """A code page of single bytes (no CJK character in it)?"""
    return not "\u4e00".encode(enc, "ignore")


#: What detection may answer: the encodings a browser decodes (the WHATWG
#: Encoding Standard's, by charset_normalizer's names, with the Windows
#: supersets browsers use for the CJK ones). DOS and EBCDIC code pages (cp775,
#: cp850...) never label a web page; given the choice, a few accented letters
#: in English text "read" as well in them as in windows-1252 (decision 57).
_WEB_CODECS = (
    "utf_8 utf_16_be utf_16_le cp866 iso8859_2 iso8859_3 iso8859_4 iso8859_5 iso8859_6 "
    "iso8859_7 iso8859_8 iso8859_10 iso8859_13 iso8859_14 iso8859_15 iso8859_16 koi8_r "
    "koi8_u mac_roman mac_cyrillic cp874 cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 "
    "cp1257 cp1258 gbk gb18030 big5 big5hkscs cp950 euc_jp iso2022_jp shift_jis cp932 "
    "euc_kr cp949").split()


#: How much better than windows-1252 another code page must read for detection
#: to take it: chaos (charset_normalizer's share of odd characters) lower by
#: more than this, or coherence (of the language it reads) higher by more than
#: the second. Below that, the ranking rests on a handful of characters.
_LATIN_CHAOS_MARGIN = 0.02
_LATIN_COHERENCE_MARGIN = 0.01


def _detect(data: bytes) -> str | None:
    """charset_normalizer's guess on the first 64 KB, cut where no character can be
    split, among :data:`_WEB_CODECS`. When windows-1252 reads about as well as its
    best guess (within the margins above: English text with a few accented words
    reads as a "language" in any Latin code page), windows-1252 it is: the web's
    most common legacy encoding, and what browsers assume for an undeclared
    Western page (decision 57)."""
    sample = data[:_SAMPLE]
    if (cut := max(sample.rfind(b"<"), sample.rfind(b"\n"))) > len(sample) // 2:
        sample = sample[:cut]
    try:
        from charset_normalizer import from_bytes

        found = list(from_bytes(sample, cp_isolation=list(_WEB_CODECS)))
    except Exception:  # detection is best effort; decode() must never raise
        return None
    if not found:
        return None
    best = found[0]
    for match in found:
        if ("cp1252" in match.could_be_from_charset
                and match.chaos <= best.chaos + _LATIN_CHAOS_MARGIN
                and match.coherence >= best.coherence - _LATIN_COHERENCE_MARGIN):
            return "windows-1252"
    return normalise_encoding_name(best.encoding)


def _arbitrate(
    data: bytes, first: tuple[str, str, int], others: Iterable[str | None], source: str, why: str
) -> _Verdict:
    """Fewest replacements wins; ties go to more CJK-looking text, then to ``first``."""
    results, seen = [first], {first[0]}
    for enc in others:
        if enc and enc not in seen:
            seen.add(enc)
            results.append((enc, *_decode(data, enc)))
    fewest = min(r[2] for r in results)
    tied = [r for r in results if r[2] == fewest]  # max() below keeps the first of equals
    enc, text, bad = max(tied, key=lambda r: _plausibility(r[1])) if len(tied) > 1 else tied[0]
    if enc == first[0]:
        return enc, text, bad, source, f"{why}; no candidate did better, kept {enc}"
    how = "cleanly" if not bad else f"with {bad} replacements"
    return enc, text, bad, "detected", f"{why}; {enc} decodes {how}; used {enc}"


def _from_claim(data: bytes, claims: list[_Claim], valid_utf8: bool = False) -> _Verdict:
    """The encoding a page's first claim leads to (see the module's docstring).
    ``valid_utf8``: the caller knows ``data`` is valid UTF-8; a UTF-8 verdict then
    leaves the text undecoded (``None``), for the caller to decode if it must."""
    source, label, enc = claims[0]
    said = f"{source} declares {label}"
    if source == "meta" and not _ascii_compatible(enc):  # WHATWG: readable meta can't be utf-16
        enc, said = "utf-8", f"{said} (impossible in ASCII-readable markup, so utf-8)"
    wide = not _ascii_compatible(enc)
    if enc != "utf-8" and (b"\0" not in data[:1024] if wide else not data.isascii()):
        if valid_utf8 or (text := _strict(data, "utf-8")) is not None:
            return ("utf-8", None if valid_utf8 else text, 0, "detected",
                    f"{said} but bytes are valid utf-8; used utf-8")
    text, bad = (None, 0) if valid_utf8 and enc == "utf-8" else _decode(data, enc)
    if not bad:
        return enc, text, 0, source, f"{said}; decoded as {enc}"
    if enc == "utf-8" and _holds_own_utf8(text, bad):
        return enc, text, bad, source, f"{said}; kept utf-8 despite {bad} damaged sequences"
    if _rarely_damaged(text, bad):  # a few stray bytes in a correctly labelled page
        return enc, text, bad, source, f"{said}; kept {enc} despite {bad} damaged sequences"
    others = [c[2] for c in claims[1:]] + [*_SIBLINGS.get(enc, ()), _detect(data)]
    others += _MULTIBYTE if _looks_multibyte(data) else ()
    why = f"{said} but {enc} leaves {bad} undecodable sequences"
    return _arbitrate(data, (enc, text, bad), others, source, why)


def _windows_latin(data: bytes) -> str | None:
    """Why ``data`` is Western text in windows-1252, or ``None``: every
    non-ASCII byte is one that windows-1250 and windows-1252 read as the same
    character (typographic quotes and dashes, ``©``, ``°``, ``é``, ``ö``...),
    or one of ``_LATIN_SYMBOLS`` standing outside a word."""
    rest = data.translate(None, _ASCII_BYTES).translate(None, _LATIN_AGREED)
    if not rest:
        return "every non-ASCII byte reads the same in windows-1250 and windows-1252"
    if rest.translate(None, _LATIN_SYMBOLS) or len(_LONE_SYMBOL.findall(data)) != len(rest):
        return None
    return ("every non-ASCII byte reads the same in windows-1250 and windows-1252 "
            "or is a windows-1252 symbol outside a word")


def _repeats_only(data: bytes) -> bool:
    """Every run of two or more high bytes (in the sample) is one byte repeated:
    padding such as ``\\xa0\\xa0`` or a row of ``§``, not the byte pairs of
    double-byte text, which :func:`_looks_multibyte` counts as well."""
    return all(run.count(run[:1]) == len(run)
               for run in _HIGH_RUN.findall(data[:_SAMPLE]) if len(run) > 1)


def _undeclared(data: bytes, valid_utf8: bool = False) -> _Verdict:
    """The encoding of a page that declares none (``valid_utf8``: see
    :func:`_from_claim`)."""
    utf8, bad = (None, 0) if valid_utf8 else _decode(data, "utf-8")
    if not bad or _mostly_fine(utf8, bad):
        what = "valid utf-8" if not bad else f"utf-8 with {bad} damaged sequences"
        return "utf-8", utf8, bad, "detected", f"no declaration; bytes are {what}"
    multibyte = _looks_multibyte(data)
    latin = _windows_latin(data)
    if latin and (not multibyte or _repeats_only(data)):  # see _LATIN_AGREED
        why = f"no declaration; not utf-8; {latin}; used windows-1252 without detection"
        return "windows-1252", data.decode("windows-1252"), 0, "detected", why
    if multibyte and (gb := _gb_prose(data)) is not None:
        why = "no declaration; not utf-8; gb18030 reads the bytes as Chinese without a fault"
        return "gb18030", gb, 0, "detected", why
    guess = _detect(data)
    if guess is None and not multibyte:
        why = "no declaration and detection failed; utf-8 with replacements"
        return "utf-8", utf8, bad, "fallback", why
    first = (guess, *_decode(data, guess)) if guess else ("utf-8", utf8, bad)
    if not first[2]:
        if multibyte and guess and _single_byte(guess) and (
                chinese := _chinese_codec(data)) is not None:
            enc, text = chinese
            return (enc, text, 0, "detected", f"no declaration; detected {guess}, but the "
                    f"bytes look multibyte and {enc} reads them as Chinese without a fault")
        return first[0], first[1], 0, "detected", f"no declaration; detected {guess}"
    others = [*_SIBLINGS.get(first[0], ()), *(_MULTIBYTE if multibyte else ())]
    what = f"detected {guess}" if guess else "detection failed and utf-8"
    why = f"no declaration; {what} leaves {first[2]} undecodable sequences"
    return _arbitrate(data, first, others, "detected" if guess else "fallback", why)


def _claim(source: str, label: str | None, notes: list[str]) -> _Claim | None:
    if label is None:
        return None
    if (enc := normalise_encoding_name(label)) is None:
        notes.append(f"{source} declares unknown charset {label!r}, ignored")
        return None
    return source, label, enc


def _plausible_utf32(body: bytes, enc: str) -> bool:
    """UTF-32 only if it decodes cleanly to planes 0-2 (browsers never pick UTF-32)."""
    if len(body) % 4:
        return False
    try:
        text = body.decode(enc)
    except UnicodeDecodeError:
        return False
    return all(ord(c) < 0x30000 for c in text)


def _choose(data: bytes, encoding: str | None, claims: list[_Claim], notes: list[str],
            valid_utf8: bool = False) -> _Verdict:
    if not data:
        return "utf-8", "", 0, "fallback", "empty input"
    over = f" over {claims[0][0]} {claims[0][1]}" if claims else ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            if enc.startswith("utf-32") and not _plausible_utf32(data[len(bom):], enc):
                continue  # FF FE 00 00 is also a UTF-16 BOM followed by U+0000
            why = f"byte order mark says {enc}{over}; used {enc}"
            return enc, *_decode(data[len(bom) :], enc), "bom", why
    if encoding is not None:
        if (enc := normalise_encoding_name(encoding)) is not None:
            why = f"caller asked for {encoding}{over}; used {enc}"
            return enc, *_decode(data, enc), "argument", why
        notes.append(f"unknown encoding argument {encoding!r}, ignored")
    if valid_utf8 and encoding is not None:
        valid_utf8 = False  # (the argument's codec decodes: its text is needed)
    return _from_claim(data, claims, valid_utf8) if claims else _undeclared(data, valid_utf8)


def decode(
    data: bytes,
    *,
    encoding: str | None = None,
    headers: Mapping[str, str] | None = None,
    html: bool = True,
) -> Decoded:
    """Decode page bytes: BOM > argument > HTTP header > meta > detection > utf-8. Never raises
    on bytes-like input; raises TypeError for anything else."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode() needs bytes, bytearray or memoryview, not {type(data).__name__}")
    return _decided(bytes(data), encoding, headers, html)


def _decided(data: bytes, encoding: str | None, headers: Mapping[str, str] | None,
             html: bool, valid_utf8: bool = False) -> Decoded:
    """:func:`decode` of ``data`` (bytes). Given ``valid_utf8`` (the caller knows
    the bytes are valid UTF-8), the same choice is made, but when it is UTF-8
    without a byte order mark the text is left undecoded: ``text`` is ``None``
    (for a caller that hands the bytes on as they are: ``core._to_text``)."""
    notes: list[str] = []
    header = _claim("http-header", charset_from_headers(headers), notes)
    meta = _claim("meta", sniff_meta_charset(data), notes) if html else None
    claims = [c for c in (header, meta) if c is not None]
    enc, text, bad, source, line = _choose(data, encoding, claims, notes, valid_utf8)
    declared = claims[0][2] if claims else None
    return Decoded(text, enc, source, declared, bad, "; ".join([*notes, line]))  # type: ignore[arg-type]
