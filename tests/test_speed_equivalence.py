"""The fast paths give exactly the results of the plain ones.

Speed work replaced obvious code with quicker code (rule screening, one-pass
features, a leaner DOM walk). Each fast path is checked here against the
straightforward version it replaces, on the rule examples, the fixtures and
hand-picked edge cases.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import regex

from scrubber.blocks import _FULL_STOP, _PUNCT, _SENTENCE_END, blocks_from_text, measure, text_lines
from scrubber.keys import match_key
from scrubber.rules import RuleIndex, default_rules, first_match, parse_rules, screen_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _sample_texts() -> list[str]:
    texts: list[str] = []
    for rule in default_rules():
        texts += rule.drop + rule.keep
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".txt", ".html", ".toml") and path.is_file():
            texts += text_lines(path.read_text(encoding="utf-8", errors="replace"))
    texts += ["", " ", "\u3000责任编辑：王小明", "\t(责编 李四)", "1楼", "２０２４年５月１日",
              "\u0661\u0662 comments", "© 2024 example", "ＡＬＬ ＲＩＧＨＴＳ ＲＥＳＥＲＶＥＤ",
              "分享到：微信", "more >>", "x" * 300 + "[详细]", "a/b 报道"]
    return texts


SAMPLE = _sample_texts()
SAMPLE_KEYS = [match_key(t) for t in SAMPLE]


def _sample_matches(screen_for):
    """(rule, pattern, screen, key, match) for every sample key a pattern matches,
    over the patterns ``screen_for(pattern)`` gives a screen for."""
    for rule in default_rules():
        for pattern in rule.patterns:
            screen = screen_for(pattern)
            if screen is None:
                continue
            compiled = regex.compile(pattern, regex.V0)
            for key in SAMPLE_KEYS:
                m = compiled.search(key)
                if m is not None:
                    yield rule, pattern, screen, key, m


def test_screens_never_reject_a_match():
    """Whenever a pattern matches a key, the key passes that pattern's screen."""
    checked = 0
    for rule, pattern, (kind, value), key, _ in _sample_matches(screen_of):
        checked += 1
        if kind == "first":
            assert key and key[0] in value, (rule.id, pattern, key)
        else:
            assert any(lit in key for lit in value), (rule.id, pattern, key)
    assert checked > 100


def test_index_matches_first_match_on_samples():
    rules = tuple(r for r in default_rules() if r.action != "lift")
    index = RuleIndex(rules)
    for text in SAMPLE:
        key = match_key(text)
        assert index.match(text, key) == first_match(rules, text, key), text


def test_index_matches_first_match_on_every_prefix_and_suffix():
    """Lengths cross every max_chars band and first characters vary."""
    rules = tuple(r for r in default_rules() if r.action != "lift")
    index = RuleIndex(rules)
    for text in SAMPLE[:400]:
        key = match_key(text)
        for cut in range(0, len(key), max(1, len(key) // 6)):
            for part in (key[cut:], key[:cut]):
                assert index.match(part, part) == first_match(rules, part, part), part


def test_lift_lines_is_first_match_of_the_lift_rules():
    """``lift_metadata`` asks the rules filter's index of its lift rules, screened
    over the document: per line, the same first match as trying them in order."""
    from scrubber.filters.patterns import RuleFilter

    rf = RuleFilter()
    lifters = tuple(r for r in rf.rules if r.action == "lift")
    assert lifters
    texts = [*SAMPLE, "【记者 张三／北京报道】昨天上午，市政府召开会议。", "【独家】一个标题",
             "本报讯（记者 李四）今年一季度，全市经济稳中有进。", "记者张三报道"]
    keys = [match_key(t) for t in texts]
    got = rf.lift_lines(texts, keys)
    want = [first_match(lifters, t, k) for t, k in zip(texts, keys)]
    assert got == want
    assert sum(m is not None for m in want) >= 2  # the lift rule is exercised


def test_lift_metadata_without_a_rules_filter_index():
    """A ``rules`` step without ``lift_lines`` (a user's own) is read rule by rule."""
    from scrubber.core import _default, lift_metadata
    from scrubber.model import Block, Verdict
    from scrubber.pipeline import Step

    p = _default()
    rf = p["rules"].fn

    class Plain:  # only ``rules``, as Pipeline.rules reads them
        rules = rf.rules

        def __call__(self, block, doc):
            return None

    plain = dataclasses.replace(p, steps=tuple(
        dataclasses.replace(s, fn=Plain()) if s.name == "rules" else s for s in p.steps))
    assert isinstance(plain["rules"], Step)
    text = "【记者 张三／北京报道】昨天上午，市政府召开会议。"
    blocks = [Block(0, text, match_key(text)), Block(1, "其他", "其他")]
    verdicts = [Verdict(True, "body", "kept"), Verdict(True, "body", "kept")]
    assert lift_metadata(plain, blocks, verdicts) == lift_metadata(p, blocks, verdicts)
    assert lift_metadata(p, blocks, verdicts).get("author") == "张三"
    dropped = [Verdict(False, "x", "dropped"), verdicts[1]]
    assert lift_metadata(p, blocks, dropped) == {}


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        (r"^(?:责任编辑|责编)\s*:", "first"),
        (r"版权所有(?![人者])", "lits"),
        (r"^\p{Han}{2,4}\s*/\s*报道$", "lits"),  # first char is any Han: use a literal
        (r"(?i)^abc", None),  # inline flags: not analysed
        (r"^[[:alpha:]]+$", None),  # POSIX class: not analysed
        (r"^\m", None),  # regex-only escape
        (r"^(?>a|b)c", None),  # atomic group
        (r"^x?$", None),  # can match the empty key
        (r".*", None),
    ],
)
def test_screen_kinds(pattern, kind):
    got = screen_of(pattern)
    assert (got[0] if got else None) == kind


def test_screen_takes_the_rarer_of_the_literals_a_pattern_needs():
    # Every match holds "/" and one of 报导/报道/日电; "/" is in every dated
    # teaser line, so the rule is tried on the lines holding one of the three.
    assert screen_of(r"^\p{Han}{2,6}\s*/\s*\S{1,10}(?:报导|报道|\d{1,2}日电)$") == (
        "lits", frozenset({"报导", "报道", "日电"}))
    assert screen_of(r"^\p{Han}{2,4}\s*/\s*报道$") == ("lits", frozenset({"报道"}))
    # One string over two as rare, a longer string over a shorter one.
    assert screen_of(r"ab\s+(?:cd|ef)") == ("lits", frozenset({"ab"}))
    assert screen_of(r"a\s+bcd") == ("lits", frozenset({"bcd"}))


def test_rules_without_screens_are_always_tried():
    rules = parse_rules(
        '[[rule]]\nid = "odd"\nreason = "r"\npatterns = ["(?i)^ABC"]\n'
        '[[rule]]\nid = "plain"\nreason = "r"\npatterns = ["^abc"]\n'
    ).rules
    assert rules[0].screen is None
    index = RuleIndex(rules)
    assert index.match("abc", "abc").rule.id == "odd"
    assert index.match("x", "x") is None


def test_blocks_from_text_keys_and_features_are_stable():
    text = "\n".join(SAMPLE[:500])
    blocks = blocks_from_text(text)
    assert [b.text for b in blocks] == text_lines(text)


def _measure_reference(text: str) -> dict[str, float]:
    """The original, obvious ``measure``: one findall per feature."""
    cjk = len(regex.findall(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", text))
    alnum = len(regex.findall(r"[\p{L}\p{N}]", text))
    punct = len(_PUNCT.findall(text))
    units = cjk + 0.5 * (alnum - cjk)
    return {
        "chars": len(text), "cjk": cjk, "alnum": alnum, "units": units, "punct": punct,
        "punct_density": punct / units if units else 0.0,
        "ends_sentence": 1.0 if _SENTENCE_END.search(text) else 0.0,
        "full_stop": 1.0 if _FULL_STOP.search(text) else 0.0,
    }


EDGE = ["", "。", "好。 ", "好。\u3000\u3000", "好。\n", "a.\x1c", "“好。”", "好。）  ",
        "⺀⼀〇々ー・ゝ゛", "ａｂｃ１２３", "１。", "abc...", "x!?", "…", "\x85。\x85"]


@pytest.mark.parametrize("text", EDGE)
def test_measure_edge_cases(text):
    assert measure(text) == _measure_reference(text)


def test_measure_matches_reference_on_samples():
    for text in SAMPLE:
        assert measure(text) == _measure_reference(text), text


def test_regex_whitespace_is_str_whitespace():
    """``measure`` relies on every regex ``\\s`` character being stripped by ``str.rstrip``."""
    from scrubber.rules import _category_chars

    assert all(c.isspace() for c in _category_chars(r"\s"))



# -- whole-document keys and features ----------------------------------------------

TRICKY = ["a\u0308", "\u0308x", "\u1100", "\u1161", "ΑΣ", "\u00a8x", "x\u00a8", "\ud800abc",
          "ﬁ", "İ", "ß", "  \u200b ", "①②", "\u3000 中文 \u3000", "（責任編輯：王小明）",
          "Ａ\u0308", "，\u0301", "…。", "\u2028x\u2029", "x\x85y", "a\u3000\u3000b", "乾隆",
          "後來", "皇后", "x\t\x0b\x0c\x1cy", "\ufeffz\u2060"]


def _all_chars() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_line_spaces_is_regex_whitespace_without_newline():
    from scrubber.keys import _LINE_SPACES, _SPACES

    every = _all_chars()
    line_spaces = set("".join(_LINE_SPACES.findall(every)))
    assert line_spaces | {"\n"} == set("".join(_SPACES.findall(every)))
    assert "\n" not in line_spaces


def test_odd_spaces_are_line_spaces_but_the_space():
    from scrubber.keys import _LINE_SPACES, _ODD_SPACES

    every = _all_chars()
    odd = set("".join(_ODD_SPACES.findall(every)))
    assert odd == set("".join(_LINE_SPACES.findall(every))) - {" "}


def test_common_compat_replacements_are_full_decompositions():
    """Replacing a character by its NFKD form keeps the NFKC of any text."""
    import unicodedata

    from scrubber.keys import _COMMON_COMPAT

    for c, decomposed in _COMMON_COMPAT:
        assert decomposed == unicodedata.normalize("NFKD", c) != c
        for text in TRICKY + SAMPLE[:300]:
            mixed = c + text + c
            assert (unicodedata.normalize("NFKC", mixed.replace(c, decomposed))
                    == unicodedata.normalize("NFKC", mixed))


def test_no_character_folds_to_a_line_break():
    """``match_keys`` splits its folded join at newlines: folding never makes one."""
    import unicodedata

    every = _all_chars().replace("\n", "").replace("\r", "")
    for form in (unicodedata.normalize("NFKC", every), every.casefold()):
        assert "\n" not in form and "\r" not in form


@pytest.mark.parametrize("texts", [SAMPLE, TRICKY, TRICKY[::-1], [], [""], ["a", "", "b"],
                                   ["x\ny", "z"], ["a\rb"], [" lead", "trail\t"],
                                   ["one space", "a b c"], ["a\xa0 b"], ["a \u3000b", "c"],
                                   ["a  b"], ["a\u200bb"], ["ｗ ｏ"], ["x", "Ａ Ｂ"]])
def test_match_keys_equals_one_by_one(texts):
    from scrubber.keys import _match_keys_each, match_keys

    assert match_keys(texts) == [match_key(t) for t in texts] == _match_keys_each(texts)


def test_match_keys_on_fixture_documents():
    from scrubber.keys import match_keys

    for path in sorted(FIXTURES.rglob("*.txt")):
        lines = text_lines(path.read_text(encoding="utf-8", errors="replace"))
        assert match_keys(lines) == [match_key(t) for t in lines], path


DIGITS = ["28.8 1,000 10:23", "1.", ".1", "a.b", "1,", "：1:2:3", "\u0661.\u0662", "1.2.3,4",
          "x:", ":", "好。）", "好）", "。）", "”", "a'", "?)", "!」"]


# ASCII and non-ASCII characters are counted apart (bytes and regex): every
# ASCII character, alone, between letters and digits, and beside CJK text.
ASCII = ([chr(c) for c in range(33, 127)] + [f"a{chr(c)}1" for c in range(128) if chr(c) not in "\r\n"]
         + [f"中{chr(c)}文" for c in range(33, 127)] + ["Hello, world: 1.5 apples!", "x;y?z"])


@pytest.mark.parametrize("texts", [SAMPLE, TRICKY, DIGITS, DIGITS[::-1], [], ["x"],
                                   ["a ", "b"], ["", "c"], ["x\ny"], ASCII, ASCII[:94],
                                   ASCII[::-1], ["\ud800a.b", "é,1"]])
def test_measure_lines_equals_measure(texts):
    from scrubber.blocks import measure_lines

    assert measure_lines(texts) == [measure(t) for t in texts]


def test_blocks_carry_the_features_and_keys_of_their_text():
    text = "\n".join(SAMPLE + TRICKY + DIGITS)
    for b in blocks_from_text(text):
        assert b.features == measure(b.text)
        assert b.key == match_key(b.text)


def _detect_reference(text: str) -> str | None:
    """The original ``detect_language``: one match per character."""
    sample = text[:20000]

    def n(p, flags=0):
        return len(regex.findall(p, sample, flags))

    cjk, kana, hangul = n(r"\p{Han}"), n(r"[\p{Hiragana}\p{Katakana}]"), n(r"\p{Hangul}")
    letters = n(r"\p{L}") or 1
    if kana > 0.05 * letters:
        return "ja"
    if hangul > 0.2 * letters:
        return "ko"
    if cjk > 0.2 * letters:
        trad = n(r"[們這個來說為與會對時國還經發過當後從進問開關門實點體動裡嗎麼學長頭]")
        simp = n(r"[们这个来说为与会对时国还经发过当后从进问开关门实点体动里吗么学长头]")
        return "zh-Hant" if trad > simp else "zh"
    if letters > 20:
        if n(r"[a-z]", regex.I) > 0.8 * letters:
            return "en" if regex.search(r"\b(?:the|and|of|to|is)\b", sample, regex.I) else None
    return None


def test_detect_language_matches_reference():
    from scrubber.core import detect_language

    docs = ["\n".join(SAMPLE), "\n".join(TRICKY), "", "the cat and the dog " * 3,
            "\u212a\u017f" * 30 + " is", "カタカナ漢字" * 5, "한국어 문장" * 9, "們這個" * 9 + "们",
            "x" * 30000 + "中" * 10, "café naïve the " * 9, "Ｔｈｅ ｃａｔ is " * 9,
            "ſtraße the \u212aelvin " * 9, "\ud800 the cat " * 9]
    # Around every threshold: ASCII and other letters in varying shares.
    for k in range(0, 80, 4):
        docs += ["the cat " * 12 + "中文" * k, "is " * 30 + "カナ" * k, "of " * 30 + "한국" * k,
                 "and " * 25 + "é" * k * 2, "們這" * k + "们" * 40 + "x" * 200]
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".txt", ".html") and path.is_file():
            docs.append(path.read_text(encoding="utf-8", errors="replace"))
    for doc in docs:
        assert detect_language(doc) == _detect_reference(doc), doc[:40]


# -- the last-character screen ------------------------------------------------------------


def test_end_screens_never_reject_a_match():
    from scrubber.rules import last_chars_of

    checked = 0
    for rule in default_rules():
        for pattern in rule.patterns:
            ends = last_chars_of(pattern)
            if ends is None:
                continue
            compiled = regex.compile(pattern, regex.V0)
            for key in SAMPLE_KEYS + [k + "\n" for k in SAMPLE_KEYS[:200]]:
                m = compiled.search(key)
                if m is not None:
                    checked += 1
                    assert key.endswith("\n") or key[-1] in ends, (rule.id, pattern, key)
                    assert m.end() and key[m.end() - 1] in ends, (rule.id, pattern, key)
    assert checked > 20


@pytest.mark.parametrize(
    ("pattern", "ends"),
    [
        (r"^a.*\d$", "0123456789"),
        (r"x[)\]]?$", "x)]"),
        (r"(?:ab|cd)(?=\s)$", "bd"),
        (r"\[(?:详细|详情)\]$", "]"),
        (r"x\s*$", None),  # whitespace ends: expected in the set
        (r"a$|b$", None),  # not a top-level trailing $
        (r"a?$", None),  # can match empty
        (r"\p{L}$", None),  # any character
        (r"(?i)a$", None),
    ],
)
def test_end_screen_kinds(pattern, ends):
    from scrubber.rules import last_chars_of

    got = last_chars_of(pattern)
    if ends is None and pattern == r"x\s*$":
        assert got is not None and "x" in got and " " in got
    elif ends is None:
        assert got is None
    else:
        assert got is not None and set(ends) <= got and (len(got) == len(ends) or "\\d" in pattern)


def test_index_with_end_screens_on_keys_ending_in_newline():
    rules = tuple(r for r in default_rules() if r.action != "lift")
    index = RuleIndex(rules)
    for text in SAMPLE[:400]:
        for part in (match_key(text) + "\n", match_key(text) + " \n"):
            assert index.match(part, part) == first_match(rules, part, part), part


@pytest.mark.parametrize("cache_size", [0, 1, 256])
def test_index_caches_change_no_match(monkeypatch, cache_size):
    """The per-class caches (gate characters found -> rules, masks -> entries) are
    bounded; full or empty, and whatever order keys come in, the matches are the same."""
    import scrubber.rules

    monkeypatch.setattr(scrubber.rules, "_CHOSEN_MAX", cache_size)
    rules = tuple(r for r in default_rules() if r.action != "lift")
    index = RuleIndex(rules)
    for key in SAMPLE_KEYS[::-1] + SAMPLE_KEYS:
        assert index.match(key, key) == first_match(rules, key, key), key


def test_with_role_is_replace():
    from dataclasses import fields, replace

    from scrubber.core import _with_role
    from scrubber.model import Block, Role

    assert [f.name for f in fields(Block)] == ["index", "text", "key", "role", "path", "span",
                                               "features", "tag", "context"]
    b = Block(3, "t", "k", Role.LINE, "p", (1, 2), {"units": 1.0}, "li", ("div a",))
    assert _with_role(b, Role.HEADING) == replace(b, role=Role.HEADING)


def test_pattern_literals_never_reject_a_match():
    """Patterns screened by their first character are also gated by their literals."""
    from scrubber.rules import literals_of

    checked = 0
    for rule, pattern, lits, key, m in _sample_matches(literals_of):
        checked += 1
        assert any(lit in m.group(0) for lit in lits), (rule.id, pattern, key)
    assert checked > 100


def _link_strip_reference(block):
    """The original ``link_strip``: always split, then check."""
    from scrubber.filters.structure import _STRIP_SEP
    from scrubber.model import Verdict

    parts = [p for p in _STRIP_SEP.split(block.text) if p]
    if len(parts) < 3 or block.features.get("full_stop"):
        return None
    if all(len(p) <= 12 for p in parts) and sum(len(p) <= 8 for p in parts) >= len(parts) * 0.75:
        return Verdict.drop("nav", "a strip of short links separated by | or ·",
                            evidence=f"{len(parts)} items")
    return None


def test_link_strip_matches_reference():
    from scrubber.filters.structure import link_strip

    extra = ["a | b | c", "首页\u3000\u3000新闻\u3000\u3000体育", "a\u2028b\u2028c", "a\x85\x85b\x85\x85c",
             "x / y / z", "a·b·c", "a\x1c\x1cb\x1c\x1cc", "关于我们 | 网站地图 | 联系我们。"]
    text = "\n".join(SAMPLE + TRICKY + extra)
    blocks = blocks_from_text(text)
    assert len(blocks) > 1000
    for b in blocks:
        assert link_strip(b, None) == _link_strip_reference(b), b.text
def test_control_character_list_is_the_character_class():
    """``html._root_of`` looks for each of ``_CONTROL_CHARS`` with ``in``; the list must be
    exactly the characters the ``_CONTROL`` class (used to delete them) matches."""
    from scrubber.html import _CONTROL, _CONTROL_CHARS

    matched = [chr(c) for c in range(0x110000)
               if not 0xD800 <= c <= 0xDFFF and _CONTROL.match(chr(c))]
    assert sorted(_CONTROL_CHARS) == matched


def _tokens_reference(value: str) -> list[str]:
    """``html.tokens_of`` as first written: the regex engine for every value."""
    from scrubber.html import _CAMEL, _TOKEN_SPLIT

    if not value:
        return []
    return [t.lower() for t in _TOKEN_SPLIT.split(_CAMEL.sub(" ", value)) if t]


def test_tokens_of_matches_reference():
    """The ASCII fast path of ``tokens_of`` splits and lowers exactly like the regex one."""
    import re as stdlib_re

    from scrubber.html import tokens_of

    values = ["", " ", "-", "padding headline", "mainArticle-body", "ABC", "aBC", "AbC", "abc123Def",
              "post-12345", "x_y__z", "main\tcontent\nbody", "123", "a1B2c3", "HTMLParser",
              "entry-content clearfix", "  lead  ", "hn-articleBody", "é-body", "正文 content",
              "ｍａｉｎ", "mainÄrticle", "\x00ad\x7fbar", "ab\u00a0cd", "_", "aB-Cd_eF gH"]
    values += [chr(c) + "x" + chr(c) + "Y" for c in range(128)]
    for path in sorted(FIXTURES.rglob("*.html")):
        markup = path.read_text(encoding="utf-8", errors="replace")
        values += stdlib_re.findall(r'(?:class|id|role|itemprop)="([^"]*)"', markup)
    assert len(values) > 300
    for value in values:
        assert tokens_of(value) == _tokens_reference(value), value


# -- whole-document filters (Pipeline.judge's batch path) ------------------------


def _variants(keys: list[str]) -> list[str]:
    """Keys, their halves, and the odd neighbours a joined document puts side by side."""
    out = list(keys)
    for key in keys[:600]:
        half = len(key) // 2
        out += [key[:half], key[half:], " " + key, key + " ", key + key]
    return out


def test_line_screen_never_rejects_a_match_of_a_pattern():
    """Each pattern alone: its relaxed copy is found in every key it matches."""
    from scrubber.rules import LineScreen

    checked = 0
    keys = _variants(SAMPLE_KEYS)
    for rule in default_rules():
        for pattern in rule.patterns:
            single = dataclasses.replace(rule, patterns=(pattern,), max_chars=None,
                                         min_chars=None, ends=None,
                                         compiled=regex.compile(pattern, regex.V0))
            screen = LineScreen.of([single])
            assert screen is not None, pattern  # the built-in rules are all relaxed
            hits = [k for k in keys if single.compiled.search(k) and "\n" not in k]
            checked += len(hits)
            assert screen.lines(hits) == set(range(len(hits))), (rule.id, pattern)
    assert checked > 500


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_match_lines_is_match_line_by_line(seed):
    """Whole-document screening gives each line the match ``RuleIndex.match`` gives it,
    whatever lines stand around it."""
    import random

    rules = tuple(r for r in default_rules() if r.action != "lift")
    index = RuleIndex(rules)
    texts = _variants(SAMPLE)
    random.Random(seed).shuffle(texts)
    for start in range(0, len(texts), 97):
        chunk = texts[start:start + 97]
        keys = [match_key(t) for t in chunk]
        assert index.match_lines(chunk, keys) == [index.match(t, k)
                                                  for t, k in zip(chunk, keys)]
    assert index.match_lines([], []) == []
    odd = ["a\nb", "x", "版权所有\n2024"]  # a key with a line break: no screening
    assert index.match_lines(odd, odd) == [index.match(k, k) for k in odd]


def test_match_lines_works_out_a_repeated_line_once_and_right():
    """Repeated lines are matched once per call (the same match object), and a
    line whose key repeats but whose text differs is matched on its own text."""
    rules = tuple(r for r in default_rules() if r.action != "lift")
    index = RuleIndex(rules)
    texts = ["（责任编辑：汇率）", "分享到", "正文一句话，没有规则。", "分享到", "（责任编辑：汇率）"]
    keys = [match_key(t) for t in texts]
    got = index.match_lines(texts, keys)
    assert got == [index.match(t, k) for t, k in zip(texts, keys)]
    assert got[1] is not None and got[3] is got[1] and got[4] is got[0]
    # one key, two texts: each lifts its own value (shown as written)
    texts = ["（责任编辑：汇率）", "（責任編輯：匯率）"]
    keys = [match_key(t) for t in texts]
    assert keys[0] == keys[1]
    got = index.match_lines(texts, keys)
    assert got == [index.match(t, k) for t, k in zip(texts, keys)]
    assert got[0].meta != got[1].meta


def test_line_screen_of_unknown_syntax_is_none():
    from scrubber.rules import LineScreen

    rules = parse_rules('[[rule]]\nid = "odd"\nreason = "r"\npatterns = ["(?i)^ABC"]\n').rules
    assert LineScreen.of(rules) is None
    index = RuleIndex(rules)
    assert index.match_lines(["abc", "x"], ["abc", "x"])[0].rule.id == "odd"


def _documents():
    """Fixture pages and texts as documents: (doc, pipeline filters) pairs to compare."""
    from scrubber.blocks import blocks_from_text
    from scrubber.html import parse_page
    from scrubber.pipeline import Document

    docs = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix == ".html":
            page = parse_page(path.read_text(encoding="utf-8", errors="replace"))
            docs.append(Document(blocks=page.blocks, kind="html", url="https://example.com/a"))
        elif path.suffix == ".txt":
            text = path.read_text(encoding="utf-8", errors="replace")
            docs.append(Document(blocks=blocks_from_text(text), kind="text"))
    strips = ["a | b | c", "首页\u3000\u3000新闻\u3000\u3000体育", "a\u2028b\u2028c", "x / y / z",
              "a\x85\x85b\x85\x85c", "a·b·c", "a\x1c\x1cb\x1c\x1cc", "home  news  sport  tech",
              "关于我们 | 网站地图 | 联系我们。", "<div class=\"x\">", "<p>", "-", "| |"]
    docs.append(Document(blocks=blocks_from_text("\n".join(SAMPLE + TRICKY + strips)),
                         kind="text"))
    return docs


def test_whole_document_filters_equal_their_block_filters():
    from scrubber.filters import default_steps
    from scrubber.pipeline import _whole_document

    docs = _documents()
    assert len(docs) > 50
    batched = 0
    for step in default_steps():
        batch = _whole_document(step.fn) if step.kind == "filter" else None
        if batch is None:
            continue
        batched += 1
        for doc in docs:
            todo = list(range(len(doc.blocks)))
            expected = {i: v for i in todo if (v := step.fn(doc.blocks[i], doc)) is not None}
            assert batch(doc, todo) == expected, step.name
            odd = todo[1::2]
            assert batch(doc, odd) == {i: v for i, v in expected.items() if i % 2}, step.name
    assert batched >= 5  # rules, hidden, symbols, link_strip, markup


def test_rule_verdicts_are_built_with_the_verdict_fields_in_order():
    """``RuleMatch.verdict`` passes Verdict's fields by position."""
    from dataclasses import fields

    from scrubber.filters.patterns import RuleFilter
    from scrubber.model import Verdict

    assert [f.name for f in fields(Verdict)] == ["keep", "rule", "reason", "evidence", "meta",
                                                 "marks_end"]
    b = blocks_from_text("（责任编辑：汇率）")[0]
    v = RuleFilter()(b, None)
    assert (v.keep, v.rule, v.evidence, v.meta, v.marks_end) == (
        False, "editor_credit", "(责任编辑:汇率)", (("editor", "汇率"),), True)


# -- image URLs: join_url is urljoin -------------------------------------------------

_BASES = ["https://news.example.com/a/b/story.html", "http://example.com", "https://ex.com/",
          "https://user@ex.com:8080/p?q=1#f", "HTTPS://Ex.COM/x", "ftp://ex.com/a/",
          "//ex.com/a", "/local/path", "https:///nohost", "mailto:x@y", " https://ex.com/a\t",
          "https://ex.com/a;p", "https://[::1]/a", "https://例子.中国/新闻/",
          "https://ex.com/a/../b/c.html", "https://ex.com/../", "https://ex.com//a//b.html",
          "https://ex.com/a/b/?q=1#f", "https://ex.com/a/.", "https://ex.com?q", "http://ex.com#f"]
_SOURCES = ["/img/a.jpg", "/a.b/c-d_e~f%20g.png", "/", "/a/", "//cdn.ex.com/a.jpg", "/./a",
            "/a/../b", "/a/.b", "/a//b", "/a;b", "/a?x=1", "/a#top", "/a b", "/a\tb", "/a\n",
            "img/a.jpg", "../a.jpg", "./a.jpg", "https://cdn.ex.com/a.jpg", "/a:b",
            "/图片/一.jpg", "/a/b.", "/a.", "/.", "/..", "/@x/(1)/'q'", "?x", "#f", "/a%2F..%2Fb",
            "/a?", "/a?w=1&h=2", "/a?x?y;z", "http://ex.com", "https://ex.com:", "https://ex.com:8080/a",
            "https://ex.com/a/../b", "https://ex.com//a", "https://ex.com/a;b", "https://ex.com/a?",
            "https://ex.com/a?q=1", "https://ex.com/a#f", "HTTPS://ex.com/a", "https://[::1]/a",
            "https://[::1/a", "https://例子.中国/a", "https://ex.com/a b", "http:/a", "http:a",
            "a", "a/", "a/b-c/d_e.png?w=1&h=2", "./a/b", "./", ".", "./.", "a/./b", "a/../b",
            "a//b", "a/.", "a/..", "./../a", ".a", "a.", "a:b/c", "a/b:c", "?", "a?", "a#f",
            "a;b", "a b", "图/一.jpg", "//cdn.ex.com", "//cdn.ex.com/", "//cdn.ex.com:80/a?b=1",
            "//CDN.Ex.com/A", "//a b/c", "//[::1]/a", "///a", "//ex.com/a/../b", "//ex.com//a",
            "//ex.com/a;b", "//例子.中国/a", "../../a/b.jpg", "../../../../../a.jpg",
            "./../../a.jpg", "../a/", "../a?x=/../b", "../.a", "..//a", "../", "..", "../..",
            "../../a;b", "../a b", "../图/一.jpg", "../" * 50 + "a.jpg", "../" * 3 + "./a"]


@pytest.mark.parametrize("base", _BASES)
def test_join_url_is_urljoin(base):
    from urllib.parse import urljoin

    from scrubber.html import join_url

    for src in _SOURCES:
        try:
            want = urljoin(base, src)
        except ValueError:
            with pytest.raises(ValueError):
                join_url(base, src)
            continue
        assert join_url(base, src) == want, (base, src)


def test_join_url_is_urljoin_on_random_paths():
    import random
    from urllib.parse import urljoin

    from scrubber.html import _PLAIN_ABSOLUTE, _PLAIN_PATH, _PLAIN_RELATIVE, join_url

    rnd = random.Random(4)
    alphabet = "/./..;?#%: \t\n@a-Z9_~'图[]"
    starts = ["/", "http://", "https://", "https://ex.com", "HTTP://", "//", "", "./", "a/", "../", "../../", "./../", "../../../../"]
    fast = relative = up = 0
    for _ in range(60000):
        src = rnd.choice(starts) + "".join(
            rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        fast += bool(_PLAIN_PATH.match(src) or _PLAIN_ABSOLUTE.match(src))
        relative += bool(_PLAIN_RELATIVE.match(src.removeprefix("./")))
        rest = src.removeprefix("./")
        up += rest.startswith("../") and bool(_PLAIN_RELATIVE.match(rest.lstrip("./")))
        base = rnd.choice(_BASES)
        try:
            want = urljoin(base, src)
        except ValueError:
            continue
        assert join_url(base, src) == want, (base, src)
    assert fast > 1500 and relative > 1000 and up > 500  # the fast paths were tried


@pytest.mark.parametrize("loop", ["compiled", "python"])
def test_the_opening_of_a_page_is_what_detect_language_reads_of_all_of_it(loop, monkeypatch):
    import dataclasses

    from scrubber import core
    from scrubber.core import _SAMPLE_CHARS, _opening, detect_language
    from scrubber.model import Block

    if loop == "compiled" and core._OPENING is None:
        pytest.skip("the compiled module is not built")
    if loop == "python":
        monkeypatch.setattr(core, "_OPENING", None)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Other(Block):  # not a Block itself: read by its attribute
        pass

    def blocks(texts, kind=Block):
        return [kind(index=i, text=t, key=t) for i, t in enumerate(texts)]

    def reference(blocks, limit):  # the loop the compiled one must give
        parts, n = [], 0
        for b in blocks:
            parts.append(b.text)
            n += len(b.text) + 1
            if n > limit:
                break
        return "\n".join(parts)

    for texts in ([], [""], ["a" * 19999], ["a" * 19999, "b"], ["a" * 20000, "中"],
                  ["x" * 9999, "y" * 9999, "z"], ["港口" * 6000], ["ab"] * 7000,
                  ["第一段。"] * 5000 + ["The end of the story is English."] * 10):
        full = "\n".join(texts)
        got = _opening(blocks(texts))
        assert full.startswith(got) and got[:_SAMPLE_CHARS] == full[:_SAMPLE_CHARS]
        assert got == reference(blocks(texts), _SAMPLE_CHARS)
        assert _opening(blocks(texts, Other)) == got
        assert detect_language(got) == detect_language(full)
    for limit in (0, 1, 2, 3, 5):  # one past the limit: that block is the last one taken
        assert _opening(blocks(["a", "bb", "c"]), limit) == reference(
            blocks(["a", "bb", "c"]), limit)


@pytest.mark.parametrize("loop", ["compiled", "python"])
def test_anchored_screen_by_first_character_within_the_joined_regex_and_every_match(
        loop, monkeypatch):
    """The anchored copies tried by a line's first character find a subset of
    what the one regex of all of them finds over the joined keys (that regex
    takes any first character of a copy of the band), and every line a rule
    matches is among them; the compiled loop finds what the Python one finds."""
    import random
    import re

    from test_cwalk import _screen_keys

    from scrubber import rules
    from scrubber.rules import LineScreen, _lines_found

    compiled = rules._ANCHORED_LINES
    if loop == "python":
        monkeypatch.setattr(rules, "_ANCHORED_LINES", None)
    elif compiled is None:
        pytest.skip("the compiled module is not built")

    rule_set = default_rules()
    screen = LineScreen.of(rule_set.rules)
    assert screen is not None and screen._by_first
    joined_regex = re.compile(screen._anchored_source, re.M)
    docs = [*_screen_keys(), [k for k in SAMPLE_KEYS if "\n" not in k]]
    firsts = sorted(c for c in screen._by_first if c != "\n")  # (keys hold no newline)
    pool = [*"0123456789 :：.-/()（）[]【】年月日…»>", "责任编辑", "来源", "原标题", "详细",
            "编辑", "记者", "分享到", "©", "copyright", "by ", "\t", "👍"]
    rng = random.Random(4)
    docs += [[rng.choice(firsts) + "".join(rng.choices(pool, k=rng.randint(0, 6)))
              for _ in range(40)] for _ in range(200)]
    found = matched = 0
    for keys in docs:
        fast = set(screen._anchored_lines(keys))
        if compiled is not None:
            with monkeypatch.context() as m:
                m.setattr(rules, "_ANCHORED_LINES", None if loop == "compiled" else compiled)
                assert set(screen._anchored_lines(keys)) == fast  # the other loop
        joined = "\n" + "\n".join(keys)
        assert fast <= set(_lines_found(joined_regex, joined, keys, None)), keys
        hits = {i for i, k in enumerate(keys) if rule_set.match(k, k) is not None}
        assert hits <= screen.lines(keys), keys
        found += len(fast)
        matched += len(hits)
    assert found > 500 and matched > 200


def test_screen_without_first_character_dispatch_uses_the_joined_regex():
    from scrubber.rules import LineScreen

    screen = LineScreen(r"\n(?=[责])(?:责任编辑)", {}, None, {}, frozenset())
    assert screen._anchored is not None and not screen._by_first
    assert screen.lines(["正文。", "责任编辑：王", "又一段"]) == {1}


@pytest.mark.parametrize("loop", ["compiled", "python"])
def test_anchored_screen_length_classes_at_their_ends(loop, monkeypatch):
    """A line is tried only against the copies of rules taking its length: at
    each end of each band, in both loops."""
    from scrubber import rules
    from scrubber.rules import LineScreen

    if loop == "python":
        monkeypatch.setattr(rules, "_ANCHORED_LINES", None)
    elif rules._ANCHORED_LINES is None:
        pytest.skip("the compiled module is not built")
    screen = LineScreen("", {}, None, {}, frozenset(),
                        by_first={"a": {(0, 3): ["a"], (5, 6): ["a+$"], (9, None): ["a"]}})
    keys = ["a" * n for n in range(12)] + ["b", "ab", "ba"]
    assert screen._anchored_lines(keys) == [1, 2, 3, 5, 6, 9, 10, 11, 13]


def test_verdict_lines_are_the_verdicts_of_the_matches():
    """``RuleIndex.verdict_lines`` (made in the compiled loop when it is built)
    gives each line the verdict of its match: kept by a keep rule, the id,
    reason, evidence, meta and marks_end of the rule's match."""
    rules = parse_rules(
        '[[rule]]\nid = "keeper"\nreason = "keep it"\naction = "keep"\n'
        'patterns = ["^保留"]\n'
        '[[rule]]\nid = "ender"\nreason = "ends"\nmarks_end = true\n'
        'patterns = ["^（责任编辑[:：](?P<editor>\\\\S+)）$"]\n').rules
    index = RuleIndex(tuple(rules) + tuple(r for r in default_rules() if r.action != "lift"))
    texts = [*SAMPLE[:800], "保留这一行", "（责任编辑：汇率）", "（责任编辑：汇率）", "正文。"]
    keys = [match_key(t) for t in texts]
    got = index.verdict_lines(texts, keys)
    want = [m and m.verdict() for m in index.match_lines(texts, keys)]
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]
    kept = got[800]
    assert kept is not None and kept.keep and kept.rule == "keeper" and kept.reason == "keep it"
    ended = got[801]
    assert ended is not None and not ended.keep and ended.marks_end
    assert ended.meta == (("editor", "汇率"),) and ended.evidence == keys[801]
    assert got[803] is None
    assert sum(v is not None for v in got) > 50
    from scrubber import rules as rules_module

    if rules_module._MATCH_LINES is not None:  # (the compiled loop made them)
        assert index._tables is not None
    odd = ["a\nb", "保留"]  # a key with a line break: no screening, every line matched
    assert index.verdict_lines(odd, odd) == [m and m.verdict() for m in
                                             (index.match(k, k) for k in odd)]


def test_anchored_seconds_allow_every_match():
    """``rules._anchored_seconds``: the first two characters of any key an
    anchored pattern matches are among the pairs it gives (``None``: any
    second character), on keys built from the patterns' own pieces."""
    from scrubber.rules import _anchored_seconds, _parsed

    assert _anchored_seconds(_parsed("^(?:ab|ac)d")) == {"a": frozenset("bc")}
    assert _anchored_seconds(_parsed("^a*b")) == {"a": frozenset("ab"), "b": None}
    assert _anchored_seconds(_parsed("^a?b")) == {"a": frozenset("b"), "b": None}
    assert _anchored_seconds(_parsed(r"^[(（]?\s*编辑")) is not None
    assert _anchored_seconds(_parsed("^a(?:$|b)")) == {"a": None}  # (a may end the key)
    assert _anchored_seconds(_parsed("^(?:a|$)")) is None  # (the key may be empty)
    assert _anchored_seconds(_parsed("^a.b")) == {"a": None}
    checked = 0
    extra = ["^(?:ab|ac)d", "^a*b", r"^\d{2,4}[年-]", "^(?:[•·]\\s)?more", "^x{0,3}y"]
    for p, key in _anchored_matches(extra, seed=31):
        seconds = _anchored_seconds(_parsed(p))
        checked += 1
        assert seconds is None or (
            key[0] in seconds and (seconds[key[0]] is None or len(key) < 2
                                   or key[1] in seconds[key[0]])), (p, key)
    assert checked > 1000


def _anchored_matches(extra: list[str], seed: int):
    """(pattern, key) for keys an anchored pattern (of the default rules, and
    ``extra``) matches, built at random from the pattern's own pieces."""
    import random

    from scrubber.rules import _anchored_firsts, _parsed

    patterns = [p for r in default_rules() for p in r.patterns
                if _parsed(p) is not None and _anchored_firsts(_parsed(p)) is not None]
    assert len(patterns) > 40
    rng = random.Random(seed)
    for p in [*patterns, *extra]:
        compiled = regex.compile(p, regex.V0)
        pieces = sorted(set(regex.findall(r"[^\\\[\]()?*+{}|^$.:]+", p))) or ["a"]
        pieces += [" ", "1", "2024", ":", "：", "（", "(", "【", "-", "x"]
        for _ in range(400):
            key = "".join(rng.choices(pieces, k=rng.randint(1, 5)))
            if compiled.search(key) is not None:
                yield p, key


def test_anchored_thirds_allow_every_match():
    """``rules._anchored_thirds``: the first three characters of any key an
    anchored pattern matches are among those it gives (``None``: no condition
    there), on keys built from the patterns' own pieces; and the screen built
    from them lets through every key a rule matches (its Python loop and, when
    built, the compiled one reading the hash set of codes)."""
    import random

    from test_cwalk import _screen_keys

    from scrubber import rules
    from scrubber.rules import _anchored_thirds, _parsed

    assert _anchored_thirds(_parsed("^(?:abc|abd|xy)z")) == {
        "a": {"b": frozenset("cd")}, "x": {"y": frozenset("z")}}
    assert _anchored_thirds(_parsed("^ab")) == {"a": {"b": None}}  # (the match may end)
    assert _anchored_thirds(_parsed("^a.b")) == {"a": None}
    assert _anchored_thirds(_parsed("^ab.")) == {"a": {"b": None}}
    assert _anchored_thirds(_parsed(r"^a\d{2}")) == {"a": None}  # (too many second ones)
    assert _anchored_thirds(_parsed(r"^a[0-9]\d")) == {"a": dict.fromkeys("0123456789")}
    assert _anchored_thirds(_parsed("^a?bc")) == {"a": {"b": frozenset("c")}, "b": {"c": None}}
    checked = 0
    extra = ["^(?:ab|ac)d", "^a*bc", r"^\d{2,4}[年-]", "^(?:[•·]\\s)?more", "^x{0,3}yz"]
    for p, key in _anchored_matches(extra, seed=33):
        if len(key) < 3:
            continue
        thirds = _anchored_thirds(_parsed(p))
        checked += 1
        sub = None if thirds is None else thirds.get(key[0], None)
        if sub is None:
            continue
        assert key[1] in sub, (p, key)
        assert sub[key[1]] is None or key[2] in sub[key[1]], (p, key)
    assert checked > 1000
    rng = random.Random(33)
    rule_set = default_rules()
    screen = rules.LineScreen.of(rule_set.rules)
    assert screen is not None and screen._thirds
    firsts = sorted(c for c in screen._by_first if c != "\n")
    pool = [*"0123456789 :：.-/()（）[]【】年月日…»>", "责任编辑", "来源", "原标题", "编辑",
            "记者", "分享到", "©", "copyright", "by ", "share", "sign up", "\t", "👍"]
    keys = [rng.choice(firsts) + "".join(rng.choices(pool, k=rng.randint(0, 4)))
            for _ in range(20000)]
    keys += [p for doc in _screen_keys() for p in doc]
    fast = set(screen._anchored_lines(keys))
    hits = {i for i, k in enumerate(keys) if "\n" not in k and rule_set.match(k, k) is not None}
    assert hits and hits <= screen.lines([k.replace("\n", " ") for k in keys])
    assert len(fast) < len(keys)


def test_u64_set_holds_its_codes_and_no_others():
    """``rules.u64_set`` and the compiled lookup ``_cwalk._u64_in``: every code
    stored is found, at any load and across the table's wrap-around; codes not
    stored are not (tags as the prefix set uses them)."""
    import random

    from scrubber import _accel, rules

    compiled = _accel.COMPILED
    if compiled is None or not hasattr(compiled, "u64_in"):
        pytest.skip("the compiled module is not built")
    rng = random.Random(34)
    for n in (0, 1, 2, 7, 8, 100, 5000):
        codes = {rng.randrange(1 << 63) for _ in range(n)}
        codes |= {1 << 62 | rng.randrange(0x10000) for _ in range(n // 3)}
        codes |= {1 << 61 | rng.randrange(1 << 42) for _ in range(n // 3)}
        table = rules.u64_set(codes)
        assert len(table) >= 2 * len(codes) and len(table) & (len(table) - 1) == 0
        for c in codes:
            assert compiled.u64_in(table, c)
        others = {rng.randrange(1 << 63) for _ in range(2000)} - codes
        assert not any(compiled.u64_in(table, c) for c in others)
    with pytest.raises(ValueError):
        rules.u64_set([1 << 63])
    from array import array

    for bad in (array("Q", [0] * 8), array("Q", [0] * 24)):  # (too small; not a power of two)
        with pytest.raises(ValueError):
            compiled.u64_in(bad, 5)


def _box_reference(doc, at):
    """ArticleEnd._box as first written: every ancestor, every other block."""
    path = doc.blocks[at].path or ""
    if not path.startswith("/"):
        return None
    others = [b.path or "" for j, b in enumerate(doc.blocks) if j != at]
    box = path
    while True:
        box = box.rpartition("/")[0]
        if not box:
            return None
        if any(p.startswith(box + "/") for p in others):
            return box


def test_article_end_box_is_the_reference():
    """``ArticleEnd._box`` looks at the neighbours first; the same box as
    looking at every block, in document order or not."""
    import random

    from scrubber.filters.context import ArticleEnd
    from scrubber.model import Block
    from scrubber.pipeline import Document

    rng = random.Random(32)
    parts = ["/html", "/html/body", "/html/body/div", "/html/body/div/p", "/html/body/div[2]",
             "/html/body/div[2]/p", "/html/body/div/ul/li", "/html/bodyx/p", "", "x/y", None,
             "/html/body/div/p/a"]
    for _ in range(400):
        paths = sorted(rng.choices(parts, k=rng.randint(1, 8)), key=lambda p: p or "")
        if rng.random() < 0.5:
            rng.shuffle(paths)
        blocks = tuple(Block(i, "t", "t", path=p) for i, p in enumerate(paths))
        doc = Document(blocks=blocks, kind="html", url=None, language=None)
        for at in range(len(blocks)):
            assert ArticleEnd._box(doc, at) == _box_reference(doc, at), (paths, at)
