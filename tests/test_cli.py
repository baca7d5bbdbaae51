"""The ``scrubber`` command line: formats, stdin, options and clean errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import scrubber
from scrubber import Article
from scrubber.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED_LIKE = ROOT / "examples" / "seed_like.txt"
ENGLISH = ROOT / "examples" / "english_news.txt"
ANSI = "\x1b["


@pytest.fixture(autouse=True)
def _no_color_env(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def expected(path: Path = SEED_LIKE, **kw) -> Article:
    return scrubber.scrub(path.read_bytes(), **kw)


def test_prints_clean_text(capsys):
    code, out, err = run(capsys, str(SEED_LIKE))
    assert code == 0 and err == ""
    assert out == expected().text + "\n"
    assert "立即注册" not in out and "[详细]" not in out


def test_stdin_dash(capsys, monkeypatch):
    data = SEED_LIKE.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="ascii"))
    code, out, _ = run(capsys, "-")
    assert code == 0
    assert out == expected().text + "\n"


def test_stdin_reads_bytes_so_gbk_decodes(capsys, monkeypatch):
    data = SEED_LIKE.read_text(encoding="utf-8").encode("gb18030")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(capsys, "-")
    assert code == 0
    assert out == expected().text + "\n"


def test_json_parses_and_round_trips(capsys):
    code, out, _ = run(capsys, "--json", str(SEED_LIKE))
    assert code == 0
    data = json.loads(out)
    assert data["metadata"]["editor"] == "林舟"
    assert Article.from_dict(data).to_dict() == data
    assert data == expected().to_dict()
    assert out.startswith("{\n  ")  # indented for people


def test_format_json_is_the_same_as_json(capsys):
    _, a, _ = run(capsys, "--json", str(SEED_LIKE))
    _, b, _ = run(capsys, "--format", "json", str(SEED_LIKE))
    assert a == b


def test_explain_shows_rule_ids(capsys):
    code, out, _ = run(capsys, "--explain", str(SEED_LIKE))
    assert code == 0
    for rule in ("editor_credit", "promo", "teaser", "separator"):
        assert f"[{rule}]" in out
    assert "+ [body]" in out
    assert ANSI not in out  # not a terminal
    art = expected()
    assert out == art.explain(reasons=True) + "\n"
    assert art.boilerplate[0].reason in out


def test_explain_colour_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "--explain", str(SEED_LIKE))
    assert code == 0
    assert "\x1b[32m+\x1b[0m" in out
    assert "\x1b[31m[editor_credit]\x1b[0m" in out


def test_no_color_env_wins(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, "--explain", str(SEED_LIKE))
    assert ANSI not in out


def test_color_flag(capsys):
    _, out, _ = run(capsys, "--explain", "--color", "always", str(SEED_LIKE))
    assert ANSI in out
    _, out, _ = run(capsys, "--explain", "--color", "never", str(SEED_LIKE))
    assert ANSI not in out


def test_markdown(capsys):
    code, out, _ = run(capsys, "--format", "markdown", str(SEED_LIKE))
    assert code == 0
    assert out.startswith("# 宁德时代")
    assert "## 欧洲市场成为电池企业新战场" in out


def test_english_example(capsys):
    code, out, _ = run(capsys, "--explain", str(ENGLISH))
    assert code == 0
    assert "[copyright]" in out and "[byline]" in out


def test_normalize(capsys):
    code, out, _ = run(capsys, "--normalize", "zh_punctuation", "--normalize", "whitespace",
                       str(SEED_LIKE))
    assert code == 0
    assert "，" in out and "," not in out


def test_url_and_lang_reach_the_article(capsys):
    _, out, _ = run(capsys, "--json", "--url", "https://example.com/a", "--lang", "zh-CN",
                    str(SEED_LIKE))
    data = json.loads(out)
    assert data["metadata"]["url"] == "https://example.com/a"
    assert data["metadata"]["language"] == "zh-CN"


def test_kind_text(capsys):
    code, out, _ = run(capsys, "--kind", "text", str(SEED_LIKE))
    assert code == 0 and out == expected().text + "\n"


def test_encoding_option(capsys, tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes("港口吞吐量創新高\n據報導，今年第一季全國港口貨物吞吐量同比增長百分之六。\n"
                     .encode("big5"))
    code, out, _ = run(capsys, "--encoding", "big5", str(path))
    assert code == 0
    assert "據報導" in out


def test_without_step_and_rule(capsys):
    code, out, _ = run(capsys, "--explain", "--without", "symbols", "--without", "promo",
                       str(SEED_LIKE))
    assert code == 0
    assert "[separator]" not in out and "[promo]" not in out
    assert "[editor_credit]" in out


def test_rules_file_with_url(capsys, tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text(
        '[[rule]]\nid = "example_topic"\nreason = "example.com topic line"\n'
        "patterns = ['^欧洲市场成为']\nsites = [\"example.com\"]\n",
        encoding="utf-8",
    )
    _, out, _ = run(capsys, "--explain", "--rules", str(rules), "--url",
                    "https://www.example.com/x", str(SEED_LIKE))
    assert "- [example_topic] 欧洲市场成为" in out
    _, out, _ = run(capsys, "--explain", "--rules", str(rules), str(SEED_LIKE))
    assert "[example_topic]" not in out


# -- errors -------------------------------------------------------------------

def test_missing_file_is_exit_2_without_traceback(capsys, tmp_path):
    missing = tmp_path / "nope.txt"
    code, out, err = run(capsys, str(missing))
    assert code == 2
    assert out == ""
    assert "no such file" in err and "nope.txt" in err
    assert "Traceback" not in err


def test_directory_is_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "directory" in err


def test_bad_normalize_is_exit_2(capsys):
    code, out, err = run(capsys, "--normalize", "bogus", str(SEED_LIKE))
    assert code == 2 and out == ""
    assert "bogus" in err and "zh_punctuation" in err


def test_unknown_without_is_exit_2(capsys):
    code, _, err = run(capsys, "--without", "no_such_step", str(SEED_LIKE))
    assert code == 2
    assert "no_such_step" in err and "Traceback" not in err


def test_bad_rules_file_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]\n", encoding="utf-8")
    code, _, err = run(capsys, "--rules", str(bad), str(SEED_LIKE))
    assert code == 2 and "bad.toml" in err
    code, _, err = run(capsys, "--rules", str(tmp_path / "missing.toml"), str(SEED_LIKE))
    assert code == 2 and "missing.toml" in err


def test_scrubber_error_is_exit_2(capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise scrubber.ScrubberError("HTML input is not supported yet")

    monkeypatch.setattr("scrubber.cli.scrub", boom)
    code, _, err = run(capsys, str(SEED_LIKE))
    assert code == 2
    assert "not supported yet" in err


def test_usage_errors(capsys):
    assert run(capsys)[0] == 2  # no FILE
    assert run(capsys, "--format", "yaml", str(SEED_LIKE))[0] == 2
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--explain" in out


# -- as a process -------------------------------------------------------------

def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIOENCODING", "LC_"))}
    env.update(LANG="C", LC_ALL="C", PYTHONPATH=str(ROOT))  # an ASCII locale: output stays UTF-8
    env.pop("NO_COLOR", None)
    return env


def test_python_dash_m(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrubber", "--explain", str(SEED_LIKE)],
        capture_output=True, cwd=ROOT, env=_env(), timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8")
    assert out == expected().explain(reasons=True) + "\n"
    assert ANSI not in out  # a pipe is not a terminal


def test_python_dash_m_stdin_and_errors():
    proc = subprocess.run(
        [sys.executable, "-m", "scrubber", "-"], input=SEED_LIKE.read_bytes(),
        capture_output=True, cwd=ROOT, env=_env(), timeout=120, check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8") == expected().text + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "scrubber", "no/such/file.txt"],
        capture_output=True, cwd=ROOT, env=_env(), timeout=120, check=False,
    )
    assert proc.returncode == 2
    assert b"no such file" in proc.stderr and b"Traceback" not in proc.stderr


# -- scrubber explain PAGE -----------------------------------------------------

PORTAL = ROOT / "fixtures" / "pages" / "zh_portal" / "input.html"


def test_explain_subcommand_lists_every_block(capsys):
    code, out, err = run(capsys, "explain", "--width", "0", str(SEED_LIKE))
    assert code == 0 and err == ""
    assert ANSI not in out  # not a terminal
    art = expected()
    lines = out.splitlines()
    assert lines[0] == art.title
    assert "editor: 林舟" in lines[1]
    assert f"{len(art.blocks)} blocks" in out and f"{len(art.boilerplate)} removed" in out
    marks = [line[0] for line in lines if line[:2] in ("+ ", "- ")]
    assert marks == ["+" if v.keep else "-" for v in art.verdicts]
    for r in art.boilerplate:  # rule id and full text on one line, the reason under it
        row = next(i for i, line in enumerate(lines)
                   if line.startswith(f"- {r.rule}") and line.endswith(r.text))
        assert lines[row + 1].strip() == f"↳ {r.reason}"
    for b in art.paragraphs:  # body in full
        assert any((line.startswith("+ ") and line.rstrip().endswith(b.text.strip()))
                   or b.text in line for line in lines)


def test_explain_subcommand_colour(capsys, monkeypatch):
    _, out, _ = run(capsys, "explain", "--color", "always", str(SEED_LIKE))
    assert "\x1b[32m+\x1b[0m" in out and "\x1b[31m-\x1b[0m" in out
    assert "\x1b[31meditor_credit" in out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    _, out, _ = run(capsys, "explain", str(SEED_LIKE))
    assert ANSI in out  # a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, "explain", str(SEED_LIKE))
    assert ANSI not in out
    _, out, _ = run(capsys, "explain", "--color", "always", str(SEED_LIKE))
    assert ANSI in out  # an explicit --color always wins over NO_COLOR
    _, out, _ = run(capsys, "explain", "--color", "never", str(SEED_LIKE))
    assert ANSI not in out


def test_explain_subcommand_wraps_by_display_width(capsys):
    from scrubber.cli import _cells

    _, out, _ = run(capsys, "explain", "--width", "60", str(PORTAL))
    for line in out.splitlines():
        assert sum(_cells(ch) for ch in line) <= 60, line
    _, wide, _ = run(capsys, "explain", "--width", "0", str(PORTAL))
    art = scrubber.scrub(PORTAL.read_bytes())
    assert all(any(b.text in line for line in wide.splitlines()) for b in art.blocks)


def test_explain_subcommand_options_and_errors(capsys, tmp_path):
    _, out, _ = run(capsys, "explain", "--no-reasons", "--without", "promo", str(SEED_LIKE))
    assert "↳" not in out and "- promo" not in out
    _, out, _ = run(capsys, "explain", "--url", "https://news.example.cn/a", str(PORTAL))
    assert "url: https://news.example.cn/a" in out and "html · utf-8" in out
    code, out, err = run(capsys, "explain", str(tmp_path / "missing.html"))
    assert code == 2 and out == "" and "no such file" in err
    code, out, _ = run(capsys, "explain", "--help")
    assert code == 0 and "--width" in out
    assert run(capsys, "explain")[0] == 2  # no PAGE
    code, out, _ = run(capsys, "--help")
    assert "scrubber explain PAGE" in out


def test_explain_subcommand_stdin_and_a_file_named_explain(capsys, monkeypatch, tmp_path):
    data = SEED_LIKE.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(capsys, "explain", "-")
    assert code == 0 and out.startswith(expected().title)
    (tmp_path / "explain").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "./explain")  # a file that happens to be called explain
    assert code == 0 and out == expected().text + "\n"


def test_explain_subcommand_as_a_process():
    proc = subprocess.run(
        [sys.executable, "-m", "scrubber", "explain", str(SEED_LIKE)],
        capture_output=True, cwd=ROOT, env=_env(), timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8")
    assert ANSI not in out and "- editor_credit" in out
