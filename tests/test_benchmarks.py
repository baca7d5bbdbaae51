"""The benchmark runner's pieces (benchmarks/run.py): metrics, inputs, report.

Tiny synthetic cases only; no timing assertions (speed is measured by the
benchmark itself, not by tests).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def _load_script(name: str, path: Path):
    """A script of benchmarks/ imported as module ``name`` (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def br():
    return _load_script("bench_run", RUN_PY)


# ------------------------------------------------------------------ metrics


def test_tokenize_mixed_cjk_latin(br):
    assert br.tokenize("Hello, 世界! 123abc Café—ok") == [
        "hello",
        "世",
        "界",
        "123abc",
        "café",
        "ok",
    ]
    # kana and hangul are one token per character; full-width letters fold (NFKC)
    assert br.tokenize("カタカナ한국ＡＢＣ") == ["カ", "タ", "カ", "ナ", "한", "국", "abc"]
    # a Latin run stops at a Han character; punctuation and symbols are dropped
    assert br.tokenize("iPhone手机 ¥100。") == ["iphone", "手", "机", "100"]
    assert br.tokenize("") == [] and br.tokenize(None) == []


def test_prf_on_known_bags(br):
    p, r, f = br.prf("a b c d", "a b x")
    assert p == pytest.approx(2 / 3) and r == pytest.approx(0.5)
    assert f == pytest.approx(2 * 2 / 7)
    p, r, f = br.prf("新闻 正文", "")  # empty output: no P, R = 0
    assert p is None and r == 0.0 and f == 0.0
    # bags, not sets: a repeated gold token counts as often as it occurs in both
    p, r, _ = br.prf("好 好 好", "好")
    assert p == 1.0 and r == pytest.approx(1 / 3)


def test_aggregate_averages_p_over_nonempty_and_r_over_all(br):
    pages = [
        {"P": 1.0, "R": 0.5, "F1pp": 2 / 3},
        {"P": None, "R": 0.0, "F1pp": 0.0, "empty": True},
        {"P": None, "R": 0.0, "F1pp": 0.0, "error": "ValueError: x"},
    ]
    m = br.aggregate_accuracy(pages)
    assert m["P"] == 1.0 and m["R"] == pytest.approx(0.5 / 3)
    assert m["F1"] == pytest.approx(2 * m["P"] * m["R"] / (m["P"] + m["R"]))
    assert m["crash"] == 1 and m["empty"] == 1


def test_snippet_normalisation_and_counts(br):
    assert br.norm_snippet("中 文 ， abc   def\n") == "中文, abc def"
    assert br.norm_snippet("（责任编辑： 汇率 ）") == "(责任编辑:汇率)"
    out = "正文 第一段\n（责任编辑：汇率）\nRead more"
    counts = br.snippet_counts(out, ["正文第一段", "missing text"], ["责任编辑:汇率", "Related"])
    assert counts == [1, 1, 1, 1]  # TP, FN, FP, TN
    m = br.aggregate_accuracy([{"snip": counts}])
    assert m["snip_acc"] == 0.5 and m["with_R"] == 0.5 and m["without_ok"] == 0.5


def test_percentile_and_language_groups(br):
    assert br.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert br.percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    assert [br.lang_group(x) for x in ("zh-TW", "zh-Hant", "en", "de", None)] == [
        "zh",
        "zh",
        "en",
        "other",
        "other",
    ]


def test_decode_page_for_other_tools(br):
    page = '<?xml version="1.0"?><html><head><meta charset="gb2312"></head><body>中文</body></html>'
    assert br.decode_page(page.encode("gbk")).startswith("<html>")  # XML declaration dropped
    assert "中文" in br.decode_page(page.encode("gbk"))
    assert "中文" in br.decode_page(page.replace("gb2312", "utf-8").encode("utf-8"))
    assert "<p>a &amp; b</p>" in br.text_as_html("a & b\n\n")


# ------------------------------------------------------------------ end to end

ZH_PAGE = """<html><head><meta charset="gbk"><title>风电项目开工</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a></div>
<div class="article"><h1>风电项目开工</h1>
<p>本报讯，一座大型海上风电项目今天在沿海地区正式开工建设，预计两年后全部并网发电。</p>
<p>项目总投资约八十亿元，建成后每年可提供清洁电力约二十亿千瓦时，满足数十万户家庭用电。</p>
<p>（责任编辑：林舟）</p></div>
<div class="footer">版权所有 示例网</div></body></html>"""

EN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour bridge reopens</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbour bridge reopens</h1>
<p>The harbour bridge reopened to traffic on Monday after eight months of repairs to its deck.</p>
<p>Engineers replaced two hundred steel plates and repainted the whole span, the city said.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


@pytest.fixture()
def tiny_data(tmp_path):
    data = tmp_path / "data"
    (data / "mini" / "html").mkdir(parents=True)
    (data / "mini" / "html" / "zh.html").write_bytes(ZH_PAGE.encode("gbk"))
    (data / "mini" / "html" / "en.html.gz").write_bytes(gzip.compress(EN_PAGE.encode("utf-8")))
    cases = [
        {
            "id": "zh-1",
            "html": "html/zh.html",
            "url": "http://example.cn/a.html",
            "lang": "zh",
            "body": "本报讯，一座大型海上风电项目今天在沿海地区正式开工建设，预计两年后全部并网发电。\n"
            "项目总投资约八十亿元，建成后每年可提供清洁电力约二十亿千瓦时，满足数十万户家庭用电。",
            "with": ["项目总投资约八十亿元"],
            "without": ["责任编辑：林舟", "版权所有"],
        },
        {
            "id": "en-1",
            "html": "html/en.html.gz",
            "url": None,
            "lang": "en",
            "body": "The harbour bridge reopened to traffic on Monday after eight months of repairs "
            "to its deck.\nEngineers replaced two hundred steel plates and repainted the "
            "whole span, the city said.",
            "with": ["two hundred steel plates"],
            "without": ["Subscribe to our newsletter"],
        },
        {"id": "third", "html": "html/en.html.gz", "lang": "en", "with": ["harbour"]},
    ]
    (data / "mini" / "cases.jsonl").write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
    )
    (data / "zh-text" / "texts").mkdir(parents=True)
    (data / "zh-text" / "texts" / "t1.txt").write_text(
        "风电项目开工\n本报讯，一座大型海上风电项目今天正式开工建设。\n（责任编辑：林舟）\n",
        encoding="utf-8",
    )
    (data / "zh-text" / "cases.jsonl").write_text(
        json.dumps(
            {
                "id": "t1",
                "text": "texts/t1.txt",
                "lang": "zh",
                "body": "本报讯，一座大型海上风电项目今天正式开工建设。",
                "with": ["海上风电项目"],
                "without": ["责任编辑"],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return data


def test_load_cases_limit_and_inputs(br, tiny_data):
    cases = br.load_cases(tiny_data, ["mini", "zh-text"], 2)
    assert [c["id"] for c in cases] == ["zh-1", "en-1", "t1"]
    assert isinstance(br.tool_input("scrubber", cases[0], tiny_data), bytes)  # raw GBK bytes
    assert "风电" in br.tool_input("trafilatura", cases[0], tiny_data)
    assert "Harbour" in br.tool_input("lxml", cases[1], tiny_data)  # gunzipped
    assert br.tool_input("scrubber", cases[2], tiny_data).startswith("风电项目开工")
    assert br.tool_input("lxml", cases[2], tiny_data).startswith("<html>")


def test_runner_end_to_end(br, tiny_data, tmp_path, capsys):
    out, md_file = tmp_path / "out", tmp_path / "RESULTS.md"
    rc = br.main(
        [
            "--data",
            str(tiny_data),
            "--tools",
            "scrubber,lxml",
            "--limit",
            "2",
            "--out",
            str(out),
            "--markdown",
            str(md_file),
            "--timeout",
            "60",
        ]
    )
    assert rc == 0
    md = md_file.read_text(encoding="utf-8")
    assert md in capsys.readouterr().out
    for column in (
        "pages/s",
        "median ms",
        "p95 ms",
        "p99 ms",
        "total s",
        "× lxml parse",
        "× trafilatura",
        "peak RSS MB",
        "| P | R | F1 |",
        "snippet acc",
        "with_R",
        "without_ok",
        "zh F1",
        "en F1",
        "MB/s",
    ):
        assert column in md, column
    assert "| scrubber (bytes in, decoding timed) |" in md and "| lxml |" in md
    assert "| mini | 2 |" in md and "| zh-text | 1 |" in md
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    pages = res["scrubber"]["pages"]
    assert [(p["set"], p["id"]) for p in pages] == [
        ("mini", "zh-1"),
        ("mini", "en-1"),
        ("zh-text", "t1"),
    ]
    assert all(len(p["ns"]) == 1 and p["error"] is None for p in pages)
    assert res["lxml"]["ratios"]["lxml"]["total"] == pytest.approx(1.0)
    assert "### Speed by set" in md
    assert set(res["scrubber"]["ratios_by_set"]) == {"mini"}  # zh-text is plain text
    assert res["scrubber"]["ratios_by_set"]["mini"]["pages"] == 2
    assert res["scrubber"]["ratios"]["trafilatura"] is None  # not run
    assert res["scrubber"]["accuracy"]["overall"]["pages"] == 3
    assert res["scrubber"]["text_mode"]["per text"]["ok"] == 1


def test_a_folder_of_pages_is_timed_without_gold(br, tmp_path, capsys):
    """``--data`` may be a plain folder of pages (no cases.jsonl): its own pages
    are the set ".", each subfolder holding pages a set; .txt files are plain
    texts; anything else is passed over. Speed only: accuracy is "not measured"."""
    pages = tmp_path / "pages"
    (pages / "portal").mkdir(parents=True)
    (pages / "portal" / "zh.html").write_bytes(ZH_PAGE.encode("gbk"))
    (pages / "portal" / "en.htm.gz").write_bytes(gzip.compress(EN_PAGE.encode("utf-8")))
    (pages / "portal" / "notes.md").write_text("not a page", encoding="utf-8")
    (pages / "top.html").write_text(EN_PAGE, encoding="utf-8")
    (pages / "scraped.txt").write_text("风电项目开工\n本报讯，一座大型海上风电项目今天正式开工建设。\n",
                                       encoding="utf-8")
    (pages / "empty").mkdir()
    assert br.list_sets(pages) == [".", "portal"]
    cases = br.load_cases(pages, [".", "portal"], None)
    assert [(c["set"], c["id"]) for c in cases] == [
        (".", "scraped.txt"), (".", "top.html"), ("portal", "en.htm.gz"), ("portal", "zh.html")]
    assert cases[0]["text"] == "scraped.txt" and cases[3]["html"] == "zh.html"
    assert "Harbour" in br.tool_input("lxml", cases[2], pages)  # gunzipped
    out, md_file = tmp_path / "out", tmp_path / "RESULTS.md"
    rc = br.main(["--data", str(pages), "--tools", "scrubber,lxml", "--out", str(out),
                  "--markdown", str(md_file), "--timeout", "60", "--quiet"])
    assert rc == 0
    md = md_file.read_text(encoding="utf-8")
    assert "| scrubber (bytes in, decoding timed) |" in md and "× lxml parse" in md
    assert "| portal | 2 |" in md and "| . | 1 |" in md  # speed by set
    assert "Plain-text mode (scrubber, the folder's plain texts)" in md
    assert "Not measured: these pages have no gold" in md and "| P | R | F1 |" not in md
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert [p["error"] for p in res["scrubber"]["pages"]] == [None] * 4
    assert res["scrubber"]["text_mode"]["per text"]["ok"] == 1
    # a folder with neither cases nor pages is refused with a clear message
    with pytest.raises(SystemExit):
        br.main(["--data", str(pages / "empty"), "--tools", "lxml"])
    assert "no sets in" in capsys.readouterr().err


def _timed(set_name, page_id, ms, kind="html", error=None):
    return {"set": set_name, "id": page_id, "kind": kind, "ns": [int(ms * 1e6)], "error": error}


def test_ratio_by_set_pairs_pages_within_each_set(br):
    ref = {"pages": [_timed("a", "1", 1.0), _timed("a", "2", 3.0), _timed("b", "1", 2.0),
                     _timed("b", "2", 1.0, error="boom"), _timed("t", "1", 1.0, kind="text")]}
    res = {"pages": [_timed("a", "1", 2.0), _timed("a", "2", 12.0), _timed("b", "1", 5.0),
                     _timed("b", "2", 4.0), _timed("t", "1", 9.0, kind="text")]}
    by_set = br.ratio_by_set(res, ref, "min")
    assert set(by_set) == {"a", "b"}  # text cases are not HTML speed
    assert by_set["a"] == {"pages": 2, "total": pytest.approx(14 / 4),
                           "median": pytest.approx(3.0)}
    assert by_set["b"]["pages"] == 1  # the page the reference failed is left out
    assert by_set["b"]["total"] == pytest.approx(2.5)
    overall = br.ratio_to(res, ref, "min")
    assert overall["pages"] == 3 and overall["total"] == pytest.approx(19 / 6)
    assert br.ratio_by_set(res, None, "min") == {}


def test_missing_tool_is_skipped_with_a_note(br, tiny_data, tmp_path, monkeypatch, capsys):
    def broken():
        raise ImportError("No module named 'not_installed'")

    monkeypatch.setitem(br.TOOLS, "gne", (broken, "gne"))
    br.main(
        [
            "--data",
            str(tiny_data),
            "--sets",
            "mini",
            "--tools",
            "gne",
            "--limit",
            "1",
            "--inprocess",
            "--no-text-mode",
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ]
    )
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))["results"]
    assert "cannot import" in res["gne"]["skipped"]
    assert list(res) == ["lxml", "gne"]  # lxml, the floor, is always measured


def test_failures_are_counted_not_fatal(br, tiny_data, tmp_path, monkeypatch):
    def flaky():
        def call(inp, url, lang):
            if "Harbour" in inp:
                raise RuntimeError("boom")
            return "风电"

        return call, lambda r: r

    monkeypatch.setitem(br.TOOLS, "gne", (flaky, "gne"))
    br.main(
        [
            "--data",
            str(tiny_data),
            "--sets",
            "mini",
            "--tools",
            "gne,lxml",
            "--limit",
            "2",
            "--inprocess",
            "--no-text-mode",
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ]
    )
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))["results"]
    assert res["gne"]["speed"]["failed"] == 1 and res["gne"]["speed"]["ok"] == 1
    assert res["gne"]["accuracy"]["overall"]["crash"] == 1


def test_rounds_pool_every_page_time_and_keep_first_outputs(br, tiny_data, tmp_path):
    """--rounds 2 runs each tool twice, in turn; every page gets one time per round
    (per pass), and scores are those of the first round."""
    out = tmp_path / "out"
    rc = br.main(["--data", str(tiny_data), "--tools", "scrubber,lxml", "--limit", "2",
                  "--out", str(out), "--rounds", "2", "--inprocess", "--quiet",
                  "--no-text-mode", "--timeout", "60"])
    assert rc == 0
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["meta"]["rounds"] == 2
    res = doc["results"]
    assert all(len(p["ns"]) == 2 for p in res["scrubber"]["pages"])
    assert all(len(p["ns"]) == 2 for p in res["lxml"]["pages"])
    assert res["scrubber"]["rounds"] == 2
    assert res["scrubber"]["accuracy"]["overall"]["pages"] == 3


def test_merge_round_keeps_first_failures_and_faster_text_mode(br):
    first = {"pages": [{"ns": [5], "error": None}, {"ns": [], "error": "boom"}],
             "text_mode": {"per text": {"seconds": 2.0}}, "wall_s": 1.0}
    later = {"pages": [{"ns": [3], "error": None}, {"ns": [4], "error": None}],
             "text_mode": {"per text": {"seconds": 1.5}}, "wall_s": 1.0}
    got = br.merge_round(first, later)
    assert got["pages"][0]["ns"] == [5, 3]
    assert got["pages"][1] == {"ns": [], "error": "boom"}
    assert got["text_mode"]["per text"]["seconds"] == 1.5
    assert br.merge_round(got, {"tool": "x", "skipped": "no"}) is got


def test_lxml_free_floor_drops_its_tree_inside_the_call(br, tiny_data, tmp_path):
    """The lxml-free row returns nothing (its tree is freed before the timer
    stops), the lxml row returns the tree; both are speed-only floors, and the
    other rows get a ratio to each."""
    call, _ = br.make_lxml_free()
    assert call("<html><body><p>x</p></body></html>", None, None) is None
    kept, _ = br.make_lxml()
    assert kept("<html><body><p>x</p></body></html>", None, None) is not None
    out = tmp_path / "out"
    rc = br.main(["--data", str(tiny_data), "--tools", "scrubber,lxml-free", "--limit", "1",
                  "--out", str(out), "--timeout", "60", "--quiet"])
    assert rc == 0
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert list(res) == ["lxml", "scrubber", "lxml-free"]
    assert res["lxml-free"]["speed_only"] and res["lxml"]["speed_only"]
    assert res["scrubber"]["ratios"]["lxml-free"]["total"] > 0
    assert res["lxml-free"]["ratios"]["lxml-free"]["total"] == pytest.approx(1.0)


# ------------------------------------------------------------------ scaling.py

SCALING_PY = RUN_PY.parent / "scaling.py"


@pytest.fixture(scope="module")
def sc():
    return _load_script("bench_scaling", SCALING_PY)


def test_scaling_shapes_grow_with_n_and_scrub_to_their_units(sc):
    import scrubber

    for name, (build, _unit, sizes) in sc.SHAPES.items():
        small, large = build(3), build(12)
        assert len(large) > len(small), name
        assert sizes == tuple(sorted(sizes)), name
    # one block per paragraph, link, row or line: the unit the table divides by
    art = scrubber.scrub(sc.paragraphs(7))
    assert [b.role.value for b in art.paragraphs] == ["title"] + ["paragraph"] * 7
    assert len([b for b in scrubber.scrub(sc.text_lines(9)).blocks]) == 9
    assert len(scrubber.scrub(sc.table(4)).blocks) == 4


def test_scaling_rows_and_table(sc):
    rows = sc.measure("text_lines", (20, 40), repeat=1, with_gc_off=True)
    assert [r["n"] for r in rows] == [20, 40]
    assert "exponent" not in rows[0] and isinstance(rows[1]["exponent"], float)
    assert "lxml" not in rows[0]  # plain text has no parse to compare with
    html_rows = sc.measure("links", (5,), repeat=1, with_gc_off=False)
    assert html_rows[0]["lxml"] > 0 and "scrub_gc_off" not in html_rows[0]
    md = sc.markdown(rows + html_rows).splitlines()
    assert md[0].startswith("| shape | n |") and "collector's share" in md[0]
    assert len(md) == 2 + 3 and md[2].startswith("| text_lines | 20 lines |")


def test_scaling_cli_refuses_unknown_shapes(sc, capsys):
    with pytest.raises(SystemExit):
        sc.main(["--shapes", "paragraphs,nonsense"])
    assert "nonsense" in capsys.readouterr().err


# ------------------------------------------------------------------ undeclared.py


@pytest.fixture(scope="module")
def ud():
    return _load_script("bench_undeclared", RUN_PY.parent / "undeclared.py")


def test_undeclared_pages_drop_the_declaration_and_read_back(ud, tmp_path):
    prose = "今天下午我们在图书馆旁边的小咖啡店里讨论了新的项目计划，大家都觉得这个想法很有意思。"
    page = ("<html><head><meta charset='utf-8'><title>计划</title></head><body>"
            + f"<p>{prose}</p>" * 30 + "</body></html>")
    (tmp_path / "zh" / "html").mkdir(parents=True)
    (tmp_path / "zh" / "html" / "a.html").write_text(page, encoding="utf-8")
    (tmp_path / "zh" / "html" / "b.html").write_bytes(page.encode("gbk"))  # not UTF-8: left out
    (tmp_path / "zh" / "cases.jsonl").write_text(
        json.dumps({"id": "a", "html": "html/a.html", "lang": "zh"}) + "\n"
        + json.dumps({"id": "b", "html": "html/b.html", "lang": "zh"}) + "\n", encoding="utf-8")
    made = list(ud.undeclared_pages(tmp_path, ["zh"], None))
    assert [enc for enc, _, _ in made] == ["gb18030", "gbk"]  # (Big5 lacks these characters)
    assert all(b"charset" not in raw and raw.decode(enc) == text for enc, raw, text in made)
    rows = ud.measure(made)
    assert {enc: (r["pages"], r["right"]) for enc, r in rows.items()} == {
        "gb18030": (1, 1), "gbk": (1, 1)}
    table = ud.markdown(rows).splitlines()
    assert table[0].startswith("| encoding | pages | read right |") and len(table) == 4


# ------------------------------------------------------------------ ab.py


@pytest.fixture(scope="module")
def ab():
    return _load_script("bench_ab", RUN_PY.parent / "ab.py")


def _side(html_s: float, text_s: float, compiled: bool = True) -> dict:
    return {"compiled": compiled, "html_s": html_s, "html_n": 2, "text_s": text_s, "text_n": 1}


def test_ab_summary_is_the_median_of_the_rounds_ratios(ab):
    rounds = [{"first": "base", "base": _side(1.0, 2.0), "new": _side(0.9, 1.0)},
              {"first": "new", "base": _side(1.0, 2.0), "new": _side(1.2, 1.2)},
              {"first": "base", "base": _side(2.0, 1.0), "new": _side(1.0, 0.9)}]
    s = ab.summarize(rounds)
    assert s["html"]["ratios"] == pytest.approx([0.9, 1.2, 0.5])
    assert (s["html"]["median"], s["html"]["low"], s["html"]["high"]) == pytest.approx(
        (0.9, 0.5, 1.2))
    assert s["text"]["median"] == pytest.approx(0.6)
    table = ab.markdown(rounds, s, "HEAD~1")
    assert "| 2 | new | 1000.0 | 1200.0 | 1.200 | 2000.0 | 1200.0 | 0.600 |" in table
    assert "html: new / base, median of the rounds 0.900 (lowest 0.500, highest 1.200)" in table
    assert "warning" not in table
    mixed = [{**rounds[0], "new": _side(0.9, 1.0, compiled=False)}]
    assert "warning: one side runs its compiled module" in ab.markdown(
        mixed, ab.summarize(mixed), "x")
    # a group neither side timed is left out
    only_html = [{"first": "base", "base": {"compiled": True, "html_s": 1.0},
                  "new": {"compiled": True, "html_s": 0.5}}]
    assert set(ab.summarize(only_html)) == {"html"}


def test_ab_worker_times_its_own_checkout_and_refuses_another(ab, tiny_data, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # (the worker puts its root first)
    root = RUN_PY.parent.parent
    got = ab.worker(root, tiny_data, ["mini", "zh-text"], None, 1)
    assert got["html_n"] == 3 and got["text_n"] == 1
    assert got["html_s"] > 0 and got["text_s"] > 0
    with pytest.raises(RuntimeError, match="not from"):
        ab.worker(tmp_path, tiny_data, ["mini"], None, 1)  # (scrubber is the checkout's)


def test_ab_end_to_end_against_the_checkout_itself(ab, tiny_data, tmp_path, capsys):
    out = tmp_path / "ab.json"
    root = RUN_PY.parent.parent
    assert ab.main(["--data", str(tiny_data), "--base", str(root), "--sets", "mini,zh-text",
                    "--rounds", "2", "--repeat", "1", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| 1 | base |" in printed and "| 2 | new |" in printed
    saved = json.loads(out.read_text())
    assert [r["first"] for r in saved["rounds"]] == ["base", "new"]
    assert set(saved["summary"]) == {"html", "text"}
    assert all(r > 0 for s in saved["summary"].values() for r in s["ratios"])
    with pytest.raises(SystemExit):
        ab.main(["--data", str(tiny_data)])  # no --base
    capsys.readouterr()
    with pytest.raises(SystemExit):
        ab.main(["--data", str(tiny_data), "--base", "no-such-revision-x"])
    assert "neither a folder holding a scrubber checkout" in capsys.readouterr().err
