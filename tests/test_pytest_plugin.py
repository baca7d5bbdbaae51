"""The pytest plugin (``scrubber.pytest_plugin``): golden files of users' own pages.

The plugin is active through its ``pytest11`` entry point once scrubber is
installed; in a checkout that is not installed these tests load it by name.
Its own golden files live in ``tests/data/plugin_golden/``; refresh them with
``python -m pytest tests/test_pytest_plugin.py --scrubber-update`` and review
``git diff tests/data/``.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import textwrap
from pathlib import Path

import pytest

from scrubber.testing import HEADER, check_golden, expected_path, golden_text


def _entry_point_active() -> bool:
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    eps = importlib.metadata.entry_points(group="pytest11")
    return any(ep.name == "scrubber" and ep.value == "scrubber.pytest_plugin" for ep in eps)


ENTRY_POINT = _entry_point_active()
# Registering the module a second time (entry point + by name) is an error in pluggy.
pytest_plugins = ["pytester"] if ENTRY_POINT else ["pytester", "scrubber.pytest_plugin"]
# Inline runs re-import the hypothesis plugin each time (2+ s); user projects do not need it.
PLUGIN_ARGS = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider") + (
    () if ENTRY_POINT else ("-p", "scrubber.pytest_plugin"))

ROOT = Path(__file__).resolve().parent.parent

# -- scrubber's own pages, through the plugin ----------------------------------


@pytest.mark.parametrize("case", ["seed_like", "gbk_bytes", "en_news"])
def test_text_fixture_golden(scrubber_golden, case):
    folder = ROOT / "fixtures" / "text" / case
    page = next(p for p in (folder / "input.txt", folder / "input.bin") if p.exists())
    art = scrubber_golden(page, expected=f"data/plugin_golden/{case}.expected.txt")
    assert art.text


def test_html_fixture_golden(scrubber_golden):
    page = ROOT / "fixtures" / "pages" / "zh_gbk" / "input.html"
    art = scrubber_golden(page, expected="data/plugin_golden/zh_gbk_page.expected.txt")
    assert art.editor == "李四"


# -- a user's project ------------------------------------------------------------

USER_TEST = """
    def test_story(scrubber_golden):
        art = scrubber_golden("pages/story.txt", url="https://news.example.com/story/1")
        assert art.title
"""

STORY = """港口新码头投入使用
2025-03-02 08:30 来源：海港晚报
新建成的五号码头今天正式投入使用，第一艘靠泊的是一艘来自南方的集装箱船。
码头配备了四台岸桥，每小时可以装卸一百多个标准箱，比老码头快了将近一倍。
港口负责人表示，新码头投用后，港区的年吞吐能力将提高三成左右。
点击下载客户端，看更多港口新闻
（责任编辑：孙晴）
"""


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_pages=textwrap.dedent(USER_TEST))
    (pytester.path / "pages").mkdir()
    (pytester.path / "pages" / "story.txt").write_text(STORY, encoding="utf-8")
    return pytester


def test_user_golden_create_pass_change_refresh(user_project: pytest.Pytester):
    expected = user_project.path / "pages" / "story.txt.expected.txt"

    # 1. no expected file yet: the test fails and says how to create it
    result = user_project.runpytest(*PLUGIN_ARGS)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no expected file*story.txt.expected.txt*",
                                 "*pytest --scrubber-update*"])
    assert not expected.exists()

    # 2. the flag writes it, and says so
    result = user_project.runpytest(*PLUGIN_ARGS, "--scrubber-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*wrote 1 expected file*", "*story.txt.expected.txt"])
    written = expected.read_text(encoding="utf-8")
    assert written.startswith(HEADER)
    assert "# editor: 孙晴" in written and "# url: https://news.example.com/story/1" in written
    assert "\n- [editor_credit] （责任编辑：孙晴）\n" in written
    assert re.search(r"\n- \[\w+\] 点击下载客户端，看更多港口新闻\n", written)
    assert "\n+ [body] 码头配备了四台岸桥，每小时可以装卸一百多个标准箱，比老码头快了将近一倍。\n" \
        in written

    # 3. from now on it passes
    user_project.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=1)

    # 4. the page changes: a readable diff names the changed lines
    page = user_project.path / "pages" / "story.txt"
    page.write_text(STORY.replace("四台岸桥", "六台岸桥").replace("（责任编辑：孙晴）\n", ""),
                    encoding="utf-8")
    result = user_project.runpytest(*PLUGIN_ARGS)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*differs from*story.txt.expected.txt*",
                                 "*pytest --scrubber-update*"])
    lines = result.stdout.lines
    for line in ("-# editor: 孙晴",
                 "-+ [body] 码头配备了四台岸桥，每小时可以装卸一百多个标准箱，比老码头快了将近一倍。",
                 "++ [body] 码头配备了六台岸桥，每小时可以装卸一百多个标准箱，比老码头快了将近一倍。",
                 "-- [editor_credit] （责任编辑：孙晴）"):
        assert line in lines, line
    assert "Traceback" not in result.stdout.str()  # a diff, not a stack trace

    # 5. refresh; the file follows the page
    user_project.runpytest(*PLUGIN_ARGS, "--scrubber-update").assert_outcomes(passed=1)
    assert "六台岸桥" in expected.read_text(encoding="utf-8")
    user_project.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=1)


def test_flag_in_help_and_no_clash_with_update_golden(pytester: pytest.Pytester):
    result = pytester.runpytest(*PLUGIN_ARGS, "--help")
    result.stdout.fnmatch_lines(["*--scrubber-update*"])
    assert "--update-golden" not in result.stdout.str()


def test_expected_option_and_scrub_options(user_project: pytest.Pytester):
    user_project.makepyfile(test_pages=textwrap.dedent("""
        def test_story(scrubber_golden):
            art = scrubber_golden("pages/story.txt", expected="golden/story.txt", lang="zh-CN")
            assert art.language == "zh-CN"
    """))
    user_project.runpytest(*PLUGIN_ARGS, "--scrubber-update").assert_outcomes(passed=1)
    assert (user_project.path / "golden" / "story.txt").is_file()
    user_project.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=1)


# -- the helpers without pytest ----------------------------------------------------

def test_check_golden_without_pytest(tmp_path):
    page = tmp_path / "story.txt"
    page.write_text(STORY, encoding="utf-8")
    assert expected_path(page) == tmp_path / "story.txt.expected.txt"
    assert check_golden(page).status == "missing"
    result = check_golden(page, update=True)
    assert result.status == "wrote" and result.ok
    assert check_golden(page, update=True).status == "ok"  # unchanged: not rewritten
    assert check_golden(page).ok
    assert expected_path(page).read_text(encoding="utf-8") == golden_text(result.article)
    page.write_text(STORY.replace("三成", "四成"), encoding="utf-8")
    bad = check_golden(page)
    assert bad.status == "differs" and "四成" in bad.message and not bad.ok
