"""Tests for scrubber.decode: page bytes -> text, with the evidence reported."""

from __future__ import annotations

import codecs
import dataclasses
import importlib.util
import random
import time
from pathlib import Path

import pytest

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    HAVE_HYPOTHESIS = True
except ImportError:  # optional: the seeded loop below covers the same ground
    HAVE_HYPOTHESIS = False

from scrubber.decode import (
    Decoded,
    charset_from_headers,
    decode,
    normalise_encoding_name,
    sniff_meta_charset,
)

DATA = Path(__file__).parent / "data" / "decode"
SOURCES = {"bom", "argument", "http-header", "meta", "detected", "fallback"}


def _load_make():
    spec = importlib.util.spec_from_file_location("decode_fixture_maker", DATA / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = _load_make()
PAGES = MAKE.build()


def _page(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_committed_fixtures_match_generator():
    for name, (_, data) in PAGES.items():
        assert _page(name) == data, f"{name} is stale; run python tests/data/decode/make.py"


# name, headers, encoding, source, declared, words that must appear in the note
FIXTURE_CASES = [
    ("utf8_meta_utf8.html", None, "utf-8", "meta", "utf-8", ["utf-8"]),
    ("gbk_meta_gb2312.html", None, "gb18030", "meta", "gb18030", ["gb2312", "gb18030"]),
    ("big5hkscs_meta_big5.html", None, "big5hkscs", "meta", "big5hkscs", ["big5"]),
    (
        "utf8_meta_gb2312.html",
        None,
        "utf-8",
        "detected",
        "gb18030",
        ["declares gb2312", "valid utf-8", "used utf-8"],
    ),
    ("gbk_meta_utf8.html", None, "gb18030", "detected", "utf-8", ["declares utf-8", "gb18030"]),
    (
        "big5_meta_utf8.html",
        None,
        "big5hkscs",
        "detected",
        "utf-8",
        ["declares utf-8", "big5hkscs"],
    ),
    (
        "gbk_no_meta.html",
        {"Content-Type": "text/html; charset=GBK"},
        "gb18030",
        "http-header",
        "gb18030",
        ["gbk"],
    ),
    ("gbk_no_meta.html", None, "gb18030", "detected", None, ["no declaration", "gb18030"]),
    ("sjis_meta_shift_jis.html", None, "cp932", "meta", "cp932", ["shift_jis"]),
    ("cp1252_meta_latin1.html", None, "windows-1252", "meta", "windows-1252", ["iso-8859-1"]),
    ("utf8_meta_bogus.html", None, "utf-8", "detected", None, ["no-such-charset", "ignored"]),
    ("gbk_xml_decl.xhtml", None, "gb18030", "meta", "gb18030", ["gbk"]),
    (
        "cp1252_no_meta.html",
        None,
        "windows-1252",
        "detected",
        None,
        ["no declaration", "windows-1250 and windows-1252", "without detection"],
    ),
    ("cp1250_no_meta.html", None, "windows-1250", "detected", None, ["detected windows-1250"]),
    (
        "cp1252_pound_no_meta.html",
        None,
        "windows-1252",
        "detected",
        None,
        ["no declaration", "symbol outside a word", "without detection"],
    ),
    (  # detected: windows-1252 reads as well as windows-1250 (decision 57)
        "cp1252_french_words_no_meta.html",
        None,
        "windows-1252",
        "detected",
        None,
        ["no declaration", "detected windows-1252"],
    ),
    ("utf16le_bom.html", None, "utf-16le", "bom", None, ["byte order mark"]),
    (
        "utf8_bom_meta_gbk.html",
        None,
        "utf-8",
        "bom",
        "gb18030",
        ["byte order mark", "over meta gbk"],
    ),
]


@pytest.mark.parametrize(
    ("name", "headers", "encoding", "source", "declared", "note_words"), FIXTURE_CASES
)
def test_fixture_pages(name, headers, encoding, source, declared, note_words):
    result = decode(_page(name), headers=headers)
    assert isinstance(result, Decoded)
    assert (result.encoding, result.source, result.declared) == (encoding, source, declared)
    assert result.text == PAGES[name][0]
    assert result.replacements == 0 and "\ufffd" not in result.text
    assert not result.text.startswith("\ufeff")
    for word in note_words:
        assert word in result.note
    assert "\n" not in result.note


@pytest.mark.parametrize(
    ("name", "chars"),
    [
        ("gbk_meta_gb2312.html", "镕堃喆"),  # in GBK, not in GB2312
        ("big5hkscs_meta_big5.html", "哋咗啱嘅"),  # in HKSCS, not in plain Big5
        ("sjis_meta_shift_jis.html", "①②③"),  # NEC row 13: windows-31j, not strict Shift_JIS
        ("cp1252_meta_latin1.html", "é“”€"),  # 0x80-0x9f: windows-1252, not ISO-8859-1
    ],
)
def test_widened_legacy_sets_keep_extension_characters(name, chars):
    text = decode(_page(name)).text
    for char in chars:
        assert char in text


def _html(meta_charset: str, body: str, codec: str) -> bytes:
    return f"<html><head><meta charset='{meta_charset}'></head><p>{body}</p></html>".encode(codec)


def test_header_beats_meta():
    data = _html("utf-8", "天气很好，我们去散步吧。镕", "gbk")
    result = decode(data, headers={"content-type": "text/html; charset=gb2312"})
    assert (result.encoding, result.source, result.declared) == (
        "gb18030",
        "http-header",
        "gb18030",
    )
    assert "镕" in result.text


def test_header_utf8_lie_falls_back_to_the_meta_claim():
    data = _html("gbk", "天气很好，我们去散步吧。", "gbk")
    result = decode(data, headers={"Content-Type": "text/html; charset=utf-8"})
    assert result.encoding == "gb18030" and result.replacements == 0
    assert result.declared == "utf-8" and "http-header declares utf-8" in result.note


def test_argument_beats_declarations_but_not_bom():
    gbk = _page("gbk_meta_utf8.html")
    result = decode(gbk, encoding="GBK", headers={"Content-Type": "text/html; charset=utf-8"})
    assert (result.encoding, result.source, result.declared) == ("gb18030", "argument", "utf-8")
    assert "over http-header utf-8" in result.note
    bom = decode(codecs.BOM_UTF8 + "café".encode(), encoding="windows-1252")
    assert (bom.text, bom.encoding, bom.source) == ("café", "utf-8", "bom")


def test_unknown_argument_is_ignored_and_noted():
    result = decode(_page("gbk_meta_gb2312.html"), encoding="klingon-8")
    assert (result.encoding, result.source) == ("gb18030", "meta")
    assert "klingon-8" in result.note


def test_windows_latin_shortcut_only_where_both_code_pages_agree():
    """The windows-1252 shortcut for undeclared pages (decision 54) takes a page
    when every non-ASCII byte reads the same in windows-1250, or is a symbol
    of windows-1252 (``£``: ``Ł`` in windows-1250) standing outside a word;
    Central European letters, such a byte inside a word, and CJK bytes still
    go to detection."""
    from scrubber.decode import _LATIN_SYMBOLS, _windows_latin

    assert _windows_latin("it’s “fine” — café, 21°".encode("cp1252"))
    assert _windows_latin(b"plain ascii")
    assert _windows_latin("costs £50, or (£45) for ½ a year".encode("cp1252"))
    assert not _windows_latin("gęślą".encode("cp1250"))
    assert not _windows_latin("Łódź, zażółć".encode("cp1250"))  # ż is ¿ in windows-1252
    assert not _windows_latin("koszt 5 zł".encode("cp1250"))  # ł (³) after a letter
    assert not _windows_latin("x£y £é".encode("cp1252"))  # beside a letter or another byte
    assert not _windows_latin("a 20 m² flat".encode("cp1252"))  # (² is ˛ in windows-1250)
    assert not _windows_latin("今天".encode("gbk"))
    # the symbols are what windows-1252 reads as no letter and windows-1250 otherwise
    assert "£" in _LATIN_SYMBOLS.decode("cp1252") and "é" not in _LATIN_SYMBOLS.decode("cp1252")
    assert all(bytes([b]).decode("cp1252") != bytes([b]).decode("cp1250", "replace")
               for b in _LATIN_SYMBOLS)
    # the lone-symbol scan finds what its plain form (the lookbehind first) finds
    import random
    import re

    from scrubber.decode import _LONE_SYMBOL
    plain = re.compile(rb"(?<![A-Za-z\x80-\xff])[" + re.escape(_LATIN_SYMBOLS)
                       + rb"](?![A-Za-z\x80-\xff])")
    rng = random.Random(5)
    alphabet = b"ab Z09.,\n\t-" + bytes(range(0x80, 0x100))
    for _ in range(5000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in _LONE_SYMBOL.finditer(data)] == \
            [m.span() for m in plain.finditer(data)], data
    pound = decode("<p>Fees are £3,000 a year; £9,000 from 2012.</p>".encode("cp1252"))
    assert pound.encoding == "windows-1252" and "without detection" in pound.note
    assert "£3,000" in pound.text and "symbol outside a word" in pound.note
    # runs of one repeated byte are padding, not double-byte text
    padded = decode(b"<p>left\xa0\xa0\xa0right \x93quoted\x94 \xa7\xa7\xa7\xa7</p>")
    assert padded.encoding == "windows-1252" and "without detection" in padded.note
    assert padded.text == "<p>left\xa0\xa0\xa0right “quoted” §§§§</p>"
    # pairs of different bytes look like double-byte text: detection decides
    pairs = decode(b"<p>\xc1\xe9 \xd3\xf6 \xc9\xe1 text</p>")
    assert "without detection" not in pairs.note
    text = "A “quoted” line — with £s in it."  # (£ beside a letter: detection)
    got = decode(page_bytes := text.encode("cp1252"))
    assert "without detection" not in got.note
    assert got.text == page_bytes.decode(got.encoding)


def test_html_false_ignores_meta():
    result = decode(_page("utf8_meta_gb2312.html"), html=False)
    assert (result.encoding, result.source, result.declared) == ("utf-8", "detected", None)


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16le"),
        (codecs.BOM_UTF16_BE, "utf-16be"),
        (codecs.BOM_UTF32_LE, "utf-32le"),
        (codecs.BOM_UTF32_BE, "utf-32be"),
    ],
)
def test_bom_wins_and_is_stripped(bom, codec):
    text = "<p>Grüße aus 北京</p>"
    result = decode(
        bom + text.encode(codec), headers={"Content-Type": "text/html; charset=iso-8859-1"}
    )
    assert (result.text, result.encoding, result.source) == (text, codec, "bom")


def test_meta_cannot_declare_utf16():
    result = decode('<meta charset="utf-16"><p>café</p>'.encode())
    assert (result.encoding, result.text) == ("utf-8", '<meta charset="utf-16"><p>café</p>')


def test_header_utf16_on_ascii_bytes_is_utf8():
    result = decode(b"<p>hello</p>", headers={"Content-Type": "text/html; charset=utf-16"})
    assert (result.text, result.encoding) == ("<p>hello</p>", "utf-8")


def test_big5_page_with_cp950_euro_uses_sibling_codec():
    data = '<meta charset="big5"><p>這杯咖啡賣 3 € 左右。</p>'.encode("cp950")
    result = decode(data)
    assert result.replacements == 0 and "€" in result.text and result.encoding == "cp950"


@pytest.mark.parametrize("meta", ['<meta charset="gbk">', ""])
def test_truncated_gbk_keeps_gbk_with_one_replacement(meta):
    text = "<html>" + meta + "<p>今天下午我们在图书馆旁边的小咖啡店里讨论新的项目计划，王堃也来了。"
    result = decode(text.encode("gbk")[:-1])
    assert result.encoding == "gb18030" and result.replacements == 1
    assert result.text.startswith(text[:-1])


def test_damaged_utf8_stays_utf8():
    data = '<meta charset="utf-8"><p>Le café était très bon.</p>'.encode() + b"\xff"
    result = decode(data)
    assert (result.encoding, result.replacements) == ("utf-8", 1)
    assert "café était très" in result.text and "damaged" in result.note


def test_declared_utf8_with_as_many_good_characters_as_broken_stays_utf8():
    """A page declaring UTF-8 whose bytes hold valid multi-byte sequences (curly
    quotes, a dash) and about as many broken ones (an apostrophe whose first
    byte an editor turned into ``&acirc;``) is damaged UTF-8: a single-byte
    reading would turn every good character into mojibake (decision 57)."""
    good = "<p>It’s the town’s “best” café — by far.</p>".encode()  # 6 good characters
    broken = b"<p>you&acirc;\x80\x99re and it&acirc;\x80\x99s</p>"  # 4 broken bytes
    result = decode(b'<meta charset="utf-8">' + good + broken)
    assert (result.encoding, result.replacements) == ("utf-8", 4)
    assert "It’s the town’s “best” café — by far." in result.text
    assert "damaged" in result.note
    # more broken sequences than good characters: mislabelled, so detection decides
    worse = decode(b'<meta charset="utf-8"><p>caf\xe9 na\xefve \xe0 la cr\xe8me</p>' + good[:12])
    assert worse.encoding != "utf-8"


def test_english_page_with_a_few_french_words_is_windows_1252():
    """Undeclared English text with two French words: è and à read as č and ŕ in
    windows-1250, and the detector scores the two code pages alike (English
    either way), so windows-1252 is taken (decision 57)."""
    result = decode(_page("cp1252_french_words_no_meta.html"))
    assert result.encoding == "windows-1252" and result.source == "detected"
    assert "à la française" in result.text and "Molière" in result.text
    # Central European text keeps its code page: its letters give it a clear lead
    for text in ("Příliš žluťoučký kůň úpěl ďábelské ódy. V pondělí se v Brně konala "
                 "schůze městské rady, která schválila rozpočet na příští rok.",
                 "Árvíztűrő tükörfúrógép. A városi tanács hétfőn elfogadta a jövő évi "
                 "költségvetést és az új könyvtár terveit."):
        got = decode(f"<html><body><p>{text}</p></body></html>".encode("cp1250"))
        assert got.encoding == "windows-1250" and text in got.text


def test_detection_answers_only_web_encodings():
    """Detection may only name what a browser decodes: every candidate is a
    codec charset_normalizer knows, none a DOS or EBCDIC code page."""
    from charset_normalizer.constant import IANA_SUPPORTED

    from scrubber.decode import _WEB_CODECS

    assert set(_WEB_CODECS) <= set(IANA_SUPPORTED)
    assert not {"cp437", "cp775", "cp850", "cp852", "cp037", "cp500"} & set(_WEB_CODECS)
    assert {"cp1252", "cp1250", "cp1251", "gb18030", "big5", "shift_jis", "euc_kr",
            "koi8_r", "iso8859_2"} <= set(_WEB_CODECS)


def test_legitimate_replacement_character_is_not_counted():
    result = decode("a\ufffdb".encode(), headers={"Content-Type": "text/plain; charset=utf-8"})
    assert (result.text, result.replacements) == ("a\ufffdb", 0)


def test_replacements_are_counted():
    result = decode(b"<p>caf\xc3</p>", encoding="utf-8")
    assert result.replacements == 1 and result.text.count("\ufffd") == 1


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_bytes_like_inputs(kind):
    result = decode(kind("<p>naïve</p>".encode()))
    assert result.text == "<p>naïve</p>"


@pytest.mark.parametrize("kind", [bytes, bytearray])
def test_empty_input(kind):
    result = decode(kind())
    assert (result.text, result.encoding, result.source, result.replacements) == (
        "",
        "utf-8",
        "fallback",
        0,
    )


@pytest.mark.parametrize("bad", ["<p>text</p>", None, 42, ["b"]])
def test_non_bytes_raise_type_error(bad):
    with pytest.raises(TypeError):
        decode(bad)


def test_common_path_does_not_run_detection(monkeypatch):
    import charset_normalizer

    calls: list[int] = []
    monkeypatch.setattr(
        charset_normalizer, "from_bytes", lambda data, *a, **k: calls.append(len(data))
    )
    big = ("<p>" + "Hello 世界, a long line of text. " * 60_000 + "</p>").encode()
    started = time.perf_counter()
    assert decode(big).encoding == "utf-8"
    assert decode(big, headers={"Content-Type": "text/html; charset=UTF-8"}).source == "http-header"
    assert decode(b"<meta charset=utf-8><p>plain ascii</p>").source == "meta"
    assert decode(b"<p>plain ascii, nothing declared</p>").encoding == "utf-8"
    assert time.perf_counter() - started < 2.0
    assert calls == []


def test_detection_sees_at_most_64k(monkeypatch):
    import charset_normalizer

    seen: list[int] = []
    real = charset_normalizer.from_bytes
    monkeypatch.setattr(
        charset_normalizer, "from_bytes", lambda data, *a, **k: seen.append(len(data)) or real(data)
    )
    # (Japanese: Chinese prose in GBK is read without detection, see below)
    line = "<p>今日の午後、私たちは図書館の近くの小さな喫茶店で新しい計画について話し合った。</p>\n"
    data = (line * 4000).encode("shift_jis")
    result = decode(data)
    assert seen and max(seen) <= 64 * 1024
    assert result.encoding == "cp932" and len(result.text) == len(line) * 4000


_LABELS = [*"utf-8 gbk big5 shift_jis utf-16 utf-7 rot13 base64 x\x00y é latin1".split(" "), ""]
_PREFIXES = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"<meta charset="]


def _assert_sane(result: Decoded) -> None:
    assert isinstance(result.text, str) and result.source in SOURCES
    assert 0 <= result.replacements <= result.text.count("\ufffd")
    assert result.encoding == normalise_encoding_name(result.encoding)
    assert isinstance(result.note, str) and result.note and "\n" not in result.note


def test_random_bytes_never_raise():
    rng = random.Random(20240611)
    for _ in range(200):
        body = rng.randbytes(rng.choice([0, 1, 2, 3, 7, 64, 500, 3000]))
        label = rng.choice(_LABELS).encode("utf-8") + b"'>" if rng.random() < 0.5 else b""
        charset = rng.choice(_LABELS)
        headers = rng.choice([None, {}, {"Content-Type": f"text/html; charset={charset}"}])
        encoding = rng.choice([None, None, None, rng.choice(_LABELS)])
        data = rng.choice(_PREFIXES) + label + body
        _assert_sane(decode(data, encoding=encoding, headers=headers, html=rng.random() < 0.8))


if HAVE_HYPOTHESIS:

    @settings(max_examples=200, deadline=None)
    @given(
        data=st.binary(max_size=4096),
        prefix=st.sampled_from(_PREFIXES),
        charset=st.none() | st.sampled_from(_LABELS) | st.text(max_size=20),
        encoding=st.none() | st.sampled_from(_LABELS),
        html=st.booleans(),
    )
    def test_any_bytes_never_raise(data, prefix, charset, encoding, html):
        headers = None if charset is None else {"Content-Type": f"text/html; charset={charset}"}
        _assert_sane(decode(prefix + data, encoding=encoding, headers=headers, html=html))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Content-Type": "text/html; charset=UTF-8"}, "utf-8"),
        ({"content-type": "text/html;charset=gbk"}, "gbk"),
        ({"CONTENT-TYPE": 'text/html; Charset="Big5"'}, "big5"),
        ({"cOnTeNt-TyPe": "text/html; charset='Shift_JIS'; foo=bar"}, "shift_jis"),
        ([("Server", "x"), ("Content-Type", "text/html; charset=euc-kr")], "euc-kr"),
        ({"Content-Type": "text/html"}, None),
        ({"X-Charset": "charset=utf-8"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_charset_from_headers(headers, expected):
    assert charset_from_headers(headers) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<html><head><meta charset="utf-8"><title>x</title>', "utf-8"),
        (b"<head><META CHARSET=GB2312>", "gb2312"),
        (b"<meta charset='big5' />", "big5"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">', "gbk"),
        (b'<META HTTP-EQUIV="content-type" CONTENT="text/html;charset=Shift_JIS">', "shift_jis"),
        (
            b'<meta content="text/html; charset=windows-1252" http-equiv="Content-Type">',
            "windows-1252",
        ),
        (b'<?xml version="1.0" encoding="GB18030"?>\n<html>', "gb18030"),
        (b"\xef\xbb\xbf<?xml version='1.0' encoding='iso-8859-1'?>", "iso-8859-1"),
        (b'<!-- <meta charset="gbk"> --><meta charset="utf-8">', "utf-8"),
        (b'<meta name="viewport" content="width=device-width">', None),
        (b" " * 5000 + b'<meta charset="gbk">', None),
        (b"", None),
    ],
)
def test_sniff_meta_charset(head, expected):
    assert sniff_meta_charset(head) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("utf-8", "utf-8"),
        ("UTF8", "utf-8"),
        (" 'utf-8' ", "utf-8"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("GB_2312-80", "gb18030"),
        ("gb18030", "gb18030"),
        ("big5", "big5hkscs"),
        ("Big5-HKSCS", "big5hkscs"),
        ("x-x-big5", "big5hkscs"),
        ("iso-8859-1", "windows-1252"),
        ("latin1", "windows-1252"),
        ("US-ASCII", "windows-1252"),
        ("Shift_JIS", "cp932"),
        ("sjis", "cp932"),
        ("windows-31j", "cp932"),
        ("euc-kr", "cp949"),
        ("euc-jp", "euc-jp"),
        ("windows-1251", "windows-1251"),
        ("cp1250", "windows-1250"),
        ("ISO-8859-2", "iso-8859-2"),
        ("koi8-r", "koi8-r"),
        ("utf-16", "utf-16le"),
        ("utf-16be", "utf-16be"),
        ("utf-7", None),
        ("rot13", None),
        ("base64", None),
        ("idna", None),
        ("", None),
        ("no-such-charset", None),
        ("utf-8\x00", None),
        ("x" * 200, None),
    ],
)
def test_normalise_encoding_name(label, expected):
    assert normalise_encoding_name(label) == expected
    if expected is not None:
        codecs.lookup(expected)  # a name bytes.decode accepts


def test_encoding_names_kept_are_bounded_and_answer_the_same():
    """The labels' answers are kept (a page asks on every call): asked again,
    a label gets what working it out gives, and the cache stays bounded."""
    from scrubber.decode import _normalised

    labels = ["utf-8", "UTF8", " gb2312 ", "Big5", "x-unknown", "latin1", "utf-16"]
    first = [normalise_encoding_name(x) for x in labels]
    assert first == [normalise_encoding_name(x) for x in labels]
    assert first == [_normalised.__wrapped__(x) for x in labels]
    for k in range(2 * _normalised.cache_info().maxsize):
        assert normalise_encoding_name(f"label-{k}") is None
    assert _normalised.cache_info().currsize <= _normalised.cache_info().maxsize
    assert normalise_encoding_name(b"utf-8") is None  # not a str: no cache key needed


def test_a_few_stray_bytes_do_not_switch_a_labelled_big5_page():
    """Four bad sequences in a long Big5 page are damage, not a wrong label.

    GB18030 decodes nearly any byte string without errors, so "fewest
    replacements" alone would turn the whole page into mojibake.
    """
    body = ("<p>" + "臺北市政府今天宣布，捷運新路線將於明年通車，沿線居民期待已久。" * 40 + "</p>")
    page = ('<html><head><meta charset="big5"></head><body>' + body + "</body></html>")
    data = page.encode("big5")
    data = data.replace(b"<p>", b"<p>\x81\x30", 1)  # a stray byte pair Big5 cannot map
    got = decode(data)
    assert got.encoding in ("big5hkscs", "cp950")
    assert "臺北市政府" in got.text
    assert got.replacements >= 1
    assert "kept" in got.note


def _page_bytes() -> list[bytes]:
    from pathlib import Path

    pages = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
    out = [p.read_bytes() for p in sorted(pages.glob("*/input.html"))]
    out += [
        b"\xef\xbb\xbf<html><body><p>BOM first.</p></body></html>",
        b'<?xml version="1.0" encoding="utf-8"?><html><body><p>A declaration.</p></body></html>',
        b"<html><body><p>A control \x01 character.</p></body></html>",
        b"<html><body><p>Bad \xff byte, \xe6\x96\x87 good.</p></body></html>",
        "<html><body><p>中文正文。</p></body></html>".encode(),
        "<html><body><p>中文正文。</p></body></html>".encode("gbk"),
        b"   \n\t ",
    ]
    return out


def test_bytes_handed_on_to_the_parser_are_the_texts_utf8():
    """``_to_text`` gives the page's own bytes for libxml2 only when they are
    exactly the decoded text in UTF-8; scrub() of the bytes then cleans as
    scrub() of the decoded text does."""
    from scrubber import scrub
    from scrubber.core import _to_text

    handed = 0
    for data in _page_bytes():
        text, info, encoded = _to_text(data, encoding=None, headers=None)
        if encoded is not None:
            handed += 1
            assert encoded == text.encode("utf-8")
        from_bytes, from_text = scrub(data), scrub(text)
        assert from_bytes.encoding == info
        assert dataclasses.replace(from_bytes, encoding=None) == from_text
    assert handed > 10


def test_undeclared_windows_1252_page_reads_right_end_to_end():
    """The fixture page saved as windows-1252 with no charset anywhere
    (fixtures/pages/en_cp1252_no_charset) is decoded without detection and
    keeps its typography; its byline lifts the name, not the date after the dash."""
    import scrubber

    page = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "en_cp1252_no_charset"
    art = scrubber.scrub((page / "input.html").read_bytes())
    assert art.encoding["encoding"] == "windows-1252"
    assert "without detection" in art.encoding["note"]
    assert "The town’s harbour festival" in art.text and "café" in art.text
    assert "two days — the first time" in art.text
    assert art.author == "Tom Reyes"


# Undeclared legacy CJK bytes (made-up prose; the markup above it is what pages
# carry in their <head>: scripts and styles, ASCII, often more than 64 KB).
_ZH_PROSE = ("今天下午我们在图书馆旁边的小咖啡店里讨论了新的项目计划，大家都觉得这个想法很有意思。"
             "他说明年还要去国外学习一段时间，回来以后再和我们一起把这件事做好。")
_TW_PROSE = ("今天下午我們在圖書館旁邊的小咖啡店裡討論了新的專案計畫，大家都覺得這個想法很有意思。"
             "他說明年還要去國外學習一段時間，回來以後再和我們一起把這件事做好。")
_HEAD_JS = "<script>" + "var settings = {width: 100, height: 200};\n" * 2000 + "</script>"


def _undeclared_page(prose: str, head: str = "") -> str:
    body = "".join(f"<p>{prose}第{i}段。</p>\n" for i in range(40))
    return f"<html><head><title>{prose[:4]}</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("head", ["", _HEAD_JS])
@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_undeclared_chinese_in_gbk_is_read_without_detection(monkeypatch, codec, head):
    import charset_normalizer

    def refuse(*a, **k):
        raise AssertionError("charset_normalizer ran")

    monkeypatch.setattr(charset_normalizer, "from_bytes", refuse)
    page = _undeclared_page(_ZH_PROSE, head)
    result = decode(page.encode(codec))
    assert (result.encoding, result.source) == ("gb18030", "detected")
    assert result.text == page and "reads the bytes as Chinese" in result.note


def test_undeclared_big5_page_below_64k_of_markup_is_big5():
    # Detection reads the first 64 KB: scripts, a title. It named a Latin code
    # page here; GB18030 reads Big5 bytes too, as other characters, so Big5 is
    # taken only over detection's single-byte guess, as the better Chinese.
    page = _undeclared_page(_TW_PROSE, _HEAD_JS)
    result = decode(page.encode("big5"))
    assert result.encoding == "big5hkscs" and result.text == page
    plain = _undeclared_page(_TW_PROSE)  # (without the markup, detection says Big5 itself)
    assert decode(plain.encode("big5")).text == plain


@pytest.mark.parametrize(("codec", "expected"), [("shift_jis", "cp932"), ("euc_jp", "euc-jp"),
                                                 ("euc_kr", "cp949")])
def test_undeclared_japanese_and_korean_are_not_taken_for_chinese(codec, expected):
    from scrubber.decode import _gb_prose

    prose = {"cp949": "오늘 오후 우리는 도서관 옆 작은 카페에서 새로운 계획에 대해 이야기했습니다. ",
             }.get(expected, "今日の午後、私たちは図書館の近くの小さな喫茶店で新しい計画について話し合った。")
    page = "<html><body>" + "".join(f"<p>{prose}</p>\n" for i in range(60)) + "</body></html>"
    data = page.encode(codec)
    assert _gb_prose(data) is None
    result = decode(data)
    assert result.encoding == expected and result.text == page


def test_comments_cut_by_find_as_by_the_regex():
    """``decode._without_comments`` (``bytes.find``) cuts what ``_COMMENT.sub``
    cuts: on made-up heads of comment openers and closers, their pieces, and
    markup, unclosed comments and ``<!-->`` included, and on the fixture pages."""
    import random

    from scrubber.decode import _COMMENT, _without_comments

    rng = random.Random(70)
    pieces = [b"<!--", b"-->", b"<!-", b"--", b"-", b"<", b">", b"!", b"a", b" ",
              b'<meta charset="gbk">', b"<!-->", b"<!--->", b"\xe4\xb8\xad"]
    heads = [b"".join(rng.choices(pieces, k=rng.randint(0, 12))) for _ in range(20000)]
    pages = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
    heads += [p.read_bytes()[:4096] for p in sorted(pages.glob("*/input.html"))]
    for head in heads:
        assert _without_comments(head) == _COMMENT.sub(b"", head), head
    assert sum(b"<!--" in h for h in heads) > 5000
