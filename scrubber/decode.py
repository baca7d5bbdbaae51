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
   declared and the bytes are not UTF-8.   6. UTF-8 with replacement characters.

Legacy labels are widened to the supersets browsers decode with (WHATWG), because
pages labelled gb2312, big5 or iso-8859-1 routinely use GBK, HKSCS or windows-1252
characters.  The common path (ASCII or valid UTF-8, declared utf-8 or undeclared) is
one ``bytes.decode`` and never runs detection.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["Decoded", "decode", "charset_from_headers", "sniff_meta_charset", "normalise_encoding_name"]

_SAMPLE = 64 * 1024  # detection and plausibility look at this much only
_META_WINDOW = 4096
_WIDEN = {  # target codec: labels (WHATWG aliases, legacy sets widened to what browsers use)
    "gb18030": "gb2312 gbk x-gbk gb-2312-80 gb-2312 csgb2312 chinese euc-cn cp936 ms936 windows-936 iso-ir-58",
    "big5hkscs": "big5 big5-hkscs x-x-big5 cn-big5 csbig5 big5-tw",
    "windows-1252": "iso-8859-1 latin1 latin-1 l1 cp819 csisolatin1 us-ascii ascii ansi-x3.4-1968 x-user-defined",
    "cp932": "shift-jis sjis x-sjis ms-kanji csshiftjis windows-31j ms932",
    "cp949": "euc-kr ks-c-5601-1987 ks-c-5601-1989 ksc5601 korean csksc56011987 windows-949",
    "windows-1254": "iso-8859-9 latin5 l5",
    "cp874": "tis-620 iso-8859-11 windows-874",
    "utf-8": "utf8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8 utf-8-sig",
    "utf-16le": "utf-16 utf16 unicode ucs-2 csunicode",
    "utf-32le": "utf-32 utf32",
    "iso-8859-8": "iso-8859-8-i csiso88598i logical",
}
_ALIASES = MappingProxyType({label: target for target, labels in _WIDEN.items() for label in labels.split()})
_REFUSED = frozenset({"utf-7", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"})
_SIBLINGS = MappingProxyType({"big5hkscs": ("cp950",), "cp950": ("big5hkscs",)})  # big5hkscs lacks cp950's euro
_MULTIBYTE = ("gb18030", "big5hkscs")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32le"), (codecs.BOM_UTF32_BE, "utf-32be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16le"), (codecs.BOM_UTF16_BE, "utf-16be"))  # utf-32le before utf-16le
# Very frequent characters of Chinese (both scripts), Japanese and Korean prose: mojibake rarely hits them.
_COMMON = tuple(
    "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出也得会會"
    "可对對生年着著后後自之学學子下过過天去能好都没沒多然於于它还還家发發里裡小看那么麼成"
    "のにはをたがでてしといるもなかすれ이다는의에을가하고지서"
)
_ODD = re.compile("[\x80-\x9f\ue000-\uf8ff]")  # C1 controls and private use: typical of a wrong codec
_PROBE = b"<meta charset=x>"
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.I)
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_.:+-]+)""", re.I)
_XML = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([a-z0-9_.:+-]+)""", re.I)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


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
    if not isinstance(name, str) or not 0 < len(key := _key(name)) <= 40:
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
    found = re.sub(r"^iso8859-", "iso-8859-", re.sub(r"^cp(125\d)$", r"windows-\1", found))
    found = re.sub(r"^(utf-(?:16|32))-([lb]e)$", r"\1\2", found)
    return _ALIASES.get(found, found)


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def charset_from_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> str | None:
    """The raw (lower-cased) charset label of the Content-Type header; names match case-insensitively."""
    if not headers:
        return None
    for name, value in headers.items() if hasattr(headers, "items") else headers:
        if _text(name).strip().lower() == "content-type" and (m := _CHARSET_PARAM.search(_text(value))):
            return m.group(1).lower()
    return None


def sniff_meta_charset(head: bytes) -> str | None:
    """The raw (lower-cased) label of an XML declaration or <meta> charset in the first 4 KB."""
    head = bytes(head[:_META_WINDOW])
    m = _XML.match(head) or _META.search(_COMMENT.sub(b"", head))
    return m.group(1).decode("ascii").lower() if m else None


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
    return _strict(_PROBE, enc) == _PROBE.decode("ascii")


def _mostly_fine(text: str, bad: int) -> bool:
    """Many more good non-ASCII characters than bad sequences: damaged, not mis-labelled."""
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 2 * bad


def _looks_multibyte(data: bytes) -> bool:
    """High bytes mostly come in runs, as in CJK double-byte text (not isolated accents)."""
    runs = [len(r) for r in _HIGH_RUN.findall(data[:_SAMPLE])]
    return sum(runs) >= 4 and sum(n for n in runs if n > 1) * 10 >= sum(runs) * 7


def _plausibility(text: str) -> int:
    sample = text[:_SAMPLE]
    return sum(map(sample.count, _COMMON)) - len(_ODD.findall(sample))


def _detect(data: bytes) -> str | None:
    """charset_normalizer's guess on the first 64 KB, cut where no multibyte char can be split."""
    sample = data[:_SAMPLE]
    if (cut := max(sample.rfind(b"<"), sample.rfind(b"\n"))) > len(sample) // 2:
        sample = sample[:cut]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:  # detection is best effort; decode() must never raise
        return None
    return normalise_encoding_name(best.encoding) if best is not None else None


_Verdict = tuple[str, str, int, str, str]  # encoding, text, replacements, source, note line


def _arbitrate(data: bytes, first: tuple[str, str, int], others: Iterable[str | None], source: str, why: str) -> _Verdict:
    """Fewest replacements wins; ties go to more CJK-looking text, then to ``first``."""
    results, seen = [first], {first[0]}
    for enc in others:
        if enc and enc not in seen:
            seen.add(enc)
            results.append((enc, *_decode(data, enc)))
    fewest = min(r[2] for r in results)
    tied = [r for r in results if r[2] == fewest]
    enc, text, bad = max(tied, key=lambda r: _plausibility(r[1])) if len(tied) > 1 else tied[0]  # first max wins
    if enc == first[0]:
        return enc, text, bad, source, f"{why}; no candidate did better, kept {enc}"
    return enc, text, bad, "detected", f"{why}; {enc} decodes {'cleanly' if not bad else f'with {bad} replacements'}"


def _from_claim(data: bytes, claims: list[tuple[str, str, str]]) -> _Verdict:
    source, label, enc = claims[0]
    said = f"{source} declares {label}"
    if source == "meta" and not _ascii_compatible(enc):  # WHATWG: a meta we could read cannot mean utf-16
        enc, said = "utf-8", f"{said} (impossible in ASCII-readable markup, so utf-8)"
    wide = not _ascii_compatible(enc)
    if enc != "utf-8" and (b"\0" not in data[:1024] if wide else not data.isascii()):
        if (text := _strict(data, "utf-8")) is not None:
            return "utf-8", text, 0, "detected", f"{said} but bytes are valid utf-8; used utf-8"
    text, bad = _decode(data, enc)
    if not bad:
        return enc, text, 0, source, f"{said}; decoded as {enc}"
    if enc == "utf-8" and _mostly_fine(text, bad):
        return enc, text, bad, source, f"{said}; kept utf-8 despite {bad} damaged sequences"
    others = [c[2] for c in claims[1:]] + [*_SIBLINGS.get(enc, ()), _detect(data)]
    others += _MULTIBYTE if _looks_multibyte(data) else ()
    return _arbitrate(data, (enc, text, bad), others, source, f"{said} but {enc} leaves {bad} undecodable sequences")


def _undeclared(data: bytes) -> _Verdict:
    utf8, bad = _decode(data, "utf-8")
    if not bad or _mostly_fine(utf8, bad):
        what = "valid utf-8" if not bad else f"utf-8 with {bad} damaged sequences"
        return "utf-8", utf8, bad, "detected", f"no declaration; bytes are {what}"
    if (guess := _detect(data)) is None:
        return "utf-8", utf8, bad, "fallback", "no declaration and detection failed; utf-8 with replacements"
    text, bad = _decode(data, guess)
    if not bad:
        return guess, text, 0, "detected", f"no declaration; detected {guess}"
    others = [*_SIBLINGS.get(guess, ()), *(_MULTIBYTE if _looks_multibyte(data) else ())]
    why = f"no declaration; detected {guess} but it leaves {bad} undecodable sequences"
    return _arbitrate(data, (guess, text, bad), others, "detected", why)


def _claim(source: str, label: str | None, notes: list[str]) -> tuple[str, str, str] | None:
    enc = normalise_encoding_name(label) if label is not None else None
    if label is not None and enc is None:
        notes.append(f"{source} declares unknown charset {label!r}, ignored")
    return (source, label, enc) if label is not None and enc is not None else None


def _choose(data: bytes, encoding: str | None, claims: list[tuple[str, str, str]], notes: list[str]) -> _Verdict:
    if not data:
        return "utf-8", "", 0, "fallback", "empty input"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, *_decode(data[len(bom):], enc), "bom", f"byte order mark says {enc}"
    if encoding is not None:
        if (enc := normalise_encoding_name(encoding)) is not None:
            return enc, *_decode(data, enc), "argument", f"caller asked for {encoding}; used {enc}"
        notes.append(f"unknown encoding argument {encoding!r}, ignored")
    return _from_claim(data, claims) if claims else _undeclared(data)


def decode(
    data: bytes, *, encoding: str | None = None, headers: Mapping[str, str] | None = None, html: bool = True
) -> Decoded:
    """Decode page bytes by BOM > argument > HTTP header > meta > detection > utf-8; never raises on bytes."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode() needs bytes, bytearray or memoryview, not {type(data).__name__}")
    data, notes = bytes(data), []
    found = (
        _claim("http-header", charset_from_headers(headers), notes),
        _claim("meta", sniff_meta_charset(data) if html else None, notes),
    )
    claims = [c for c in found if c]
    enc, text, bad, source, line = _choose(data, encoding, claims, notes)
    return Decoded(text, enc, source, claims[0][2] if claims else None, bad, "; ".join([*notes, line]))
