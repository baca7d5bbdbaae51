"""``scrubber.contrib.scrapy.ScrubberPipeline``: unit checks and a real Scrapy crawl.

The crawl runs in a subprocess (a Twisted reactor cannot be restarted inside
one pytest process) against a small HTTP server on 127.0.0.1 in this process,
bound to a free port. The pages are written for this test; one is GBK whose
only charset hint is the HTTP header.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

scrapy = pytest.importorskip("scrapy")

import scrubber  # noqa: E402
from scrubber.contrib.scrapy import ArticleItem, ScrubberPipeline, page_item  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

GBK_PAGE = """<!DOCTYPE html>
<html><head><title>河边的旧仓库变成了社区书房</title></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/city">城市</a> |
<a href="/life">生活</a> | <a href="/login">登录</a></div>
<div class="article">
<h1>河边的旧仓库变成了社区书房</h1>
<p>城东河边那座空置多年的粮食仓库，上个月改造成了一间社区书房，附近的居民下班后常常过来坐一坐。</p>
<p>书房保留了仓库原来的木梁和砖墙，书架沿着墙面排开，一共放了大约八千册图书，其中不少是居民捐赠的。</p>
<p>街道工作人员介绍，书房每天开放到晚上九点，周末还会请志愿者给孩子们讲故事。</p>
<p>（责任编辑：周晓岚）</p>
</div>
<div class="footer">Copyright 2025 河畔新闻网 版权所有</div>
</body></html>
"""

TEXT_PAGE = """湖区候鸟数量创近五年新高
2025-01-08 09:12 来源：湖区日报
今冬以来，湖区观测到的越冬候鸟已经超过六万只，是近五年来最多的一年。
保护站的工作人员每天清晨乘船巡湖，记录鸟群的种类和数量，并清理湖面上的废弃渔网。
专家认为，湖区周边退耕还湿的成效正在显现，越来越多的鸟类选择在这里停留过冬。
扫码关注公众号，获取更多本地新闻
（责任编辑：陈一帆）
"""

EN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Night Buses Return to the Valley</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Night Buses Return to the Valley</h1>
<p>Night buses will run again between the valley towns from next month, the transport
authority said on Monday, ending a gap of almost two years.</p>
<p>The service will leave the central station every forty minutes after midnight and
stop at the hospital, the college and the three largest villages on the way.</p>
<p>Drivers' representatives welcomed the decision but asked for better lighting at the
stops, several of which are on unlit stretches of road.</p>
</article>
<footer>Copyright 2025 Valley Courier. All rights reserved.</footer>
</body></html>
"""

PAGES: dict[str, tuple[str, bytes]] = {
    "/river.html": ("text/html; charset=gbk", GBK_PAGE.encode("gbk")),
    "/birds.txt": ("text/plain; charset=utf-8", TEXT_PAGE.encode("utf-8")),
    "/buses.html": ("text/html", EN_PAGE.encode("utf-8")),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = PAGES.get(self.path)
        if page is None:
            self.send_error(404)
            return
        ctype, body = page
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


CRAWL = textwrap.dedent('''
    import json, sys
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrubber.contrib.scrapy import ArticleItem, page_item

    out, mode, *urls = sys.argv[1:]

    class PageSpider(scrapy.Spider):
        name = "pages"

        def parse(self, response):
            item = page_item(response)
            yield ArticleItem(**item) if mode == "item" else item

    settings = {
        "ITEM_PIPELINES": {"scrubber.contrib.scrapy.ScrubberPipeline": 300},
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPPROXY_ENABLED": False,
        "RETRY_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 10,
        "CLOSESPIDER_TIMEOUT": 60,
        "LOG_LEVEL": "WARNING",
    }
    if mode == "dict":
        settings["SCRUBBER_DROP_INPUT"] = False  # keep the raw page (default: drop it)
    else:  # the defaults, and a JSON feed export
        settings["FEEDS"] = {out + ".feed.jsonl": {"format": "jsonlines", "encoding": "utf8"}}
    items = []

    def scraped(item, **kwargs):  # a named function: signals hold weak references
        items.append(dict(item))

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PageSpider)
    crawler.signals.connect(scraped, signals.item_scraped)
    process.crawl(crawler, start_urls=urls)
    process.start()
    for item in items:
        item.pop("body", None)  # bytes; the test has the pages
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("scrubber/")}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"items": items, "stats": stats}, fh, ensure_ascii=False, default=str)
''')


def _crawl(server: str, tmp_path: Path, mode: str) -> dict:
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL, encoding="utf-8")
    out = tmp_path / f"{mode}.json"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run(
        [sys.executable, str(script), str(out), mode, *(server + p for p in PAGES)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=180, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert out.exists(), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _expected(server: str, path: str) -> scrubber.Article:
    ctype, body = PAGES[path]
    return scrubber.scrub(body, url=server + path, headers={"Content-Type": ctype})


@pytest.mark.parametrize("mode", ["dict", "item"])
def test_real_crawl(server, tmp_path, mode):
    result = _crawl(server, tmp_path, mode)
    items = {item["url"][len(server):]: item for item in result["items"]}
    assert sorted(items) == sorted(PAGES)

    river = items["/river.html"]
    assert river["title"] == "河边的旧仓库变成了社区书房"
    assert "社区书房" in river["text"] and "八千册图书" in river["text"]
    assert "责任编辑" not in river["text"] and "登录" not in river["text"]
    assert river["editor"] == "周晓岚"
    assert river["removed"]["editor_credit"] == 1

    birds = items["/birds.txt"]
    assert birds["text"].startswith("湖区候鸟数量创近五年新高")
    assert "扫码关注" not in birds["text"]
    assert birds["editor"] == "陈一帆" and birds["source"] == "湖区日报"

    buses = items["/buses.html"]
    assert buses["title"] == "Night Buses Return to the Valley"
    assert buses["language"] == "en"
    assert "Copyright" not in buses["text"]

    expected_counts: dict[str, int] = {}
    for path, item in items.items():
        art = _expected(server, path)  # the same bytes and header, in this process
        assert item["text"] == art.text
        assert item["removed"] == art.counts()
        for rule, n in art.counts().items():
            expected_counts[rule] = expected_counts.get(rule, 0) + n

    stats = result["stats"]
    assert stats["scrubber/articles"] == 3
    assert stats["scrubber/removed"] == sum(expected_counts.values())
    assert {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("scrubber/removed/")} \
        == expected_counts
    if mode == "item":  # by default the raw page leaves the item: the JSON feed is written
        assert all("headers" not in item for item in result["items"])
        feed = (tmp_path / "item.json.feed.jsonl").read_text(encoding="utf-8").splitlines()
        exported = [json.loads(line) for line in feed]
        assert sorted(e["title"] for e in exported) == sorted(i["title"] for i in items.values())
    else:  # SCRUBBER_DROP_INPUT = False keeps it (and the bytes cannot go into JSON)
        assert river["headers"] == {"Content-Type": "text/html; charset=gbk"}


def test_gbk_page_has_only_the_header_hint():
    """The GBK page is not UTF-8 and declares no charset: the header decides."""
    ctype, body = PAGES["/river.html"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert b"charset" not in body.lower()
    art = scrubber.scrub(body, headers={"Content-Type": ctype})
    assert art.encoding["source"] == "http-header"
    assert art.title == "河边的旧仓库变成了社区书房"


# -- the pipeline without a crawl ---------------------------------------------

def _pipeline(**settings) -> tuple[ScrubberPipeline, object]:
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict=settings)
    return ScrubberPipeline.from_crawler(crawler), crawler.stats


def _gbk_item(**extra) -> dict:
    ctype, body = PAGES["/river.html"]
    return {"url": "http://127.0.0.1/river.html", "body": body,
            "headers": {"Content-Type": ctype}, **extra}


def test_dict_item_gets_article_fields_and_stats():
    pipe, stats = _pipeline()
    item = pipe.process_item(_gbk_item(section="city"))
    assert item["title"] == "河边的旧仓库变成了社区书房"
    assert item["editor"] == "周晓岚"
    assert set(item) == {"url", "section", "title", "text", "author", "editor", "source",
                         "published", "language", "removed"}  # the raw page is dropped
    json.dumps(item, ensure_ascii=False)  # so feed exports can write it
    pipe, _ = _pipeline(SCRUBBER_DROP_INPUT=False)
    item = pipe.process_item(_gbk_item())
    assert isinstance(item["body"], bytes) and item["headers"]["Content-Type"]
    assert stats.get_value("scrubber/articles") == 1
    assert stats.get_value("scrubber/removed/editor_credit") == 1


def test_scrapy_headers_object_and_response_helper():
    from scrapy.http import HtmlResponse

    ctype, body = PAGES["/river.html"]
    response = HtmlResponse("http://127.0.0.1/river.html", body=body,
                            headers={"Content-Type": ctype})
    item = page_item(response, section="city")
    assert item["headers"] == {"Content-Type": ctype} and item["section"] == "city"
    pipe, _ = _pipeline()
    assert pipe.process_item(item)["editor"] == "周晓岚"
    raw = {"url": response.url, "body": body, "headers": response.headers}  # Scrapy Headers
    assert pipe.process_item(raw)["title"] == "河边的旧仓库变成了社区书房"
    bare = {"url": response.url, "body": body, "headers": ctype}  # just the Content-Type
    assert pipe.process_item(bare)["editor"] == "周晓岚"


def test_field_names_prefix_and_mapping():
    pipe, _ = _pipeline(SCRUBBER_BODY_FIELD="html", SCRUBBER_URL_FIELD="link",
                        SCRUBBER_HEADERS_FIELD="meta_headers", SCRUBBER_OUTPUT_PREFIX="article_",
                        SCRUBBER_FIELDS=["title", "text", "n_removed"])
    ctype, body = PAGES["/river.html"]
    item = pipe.process_item({"link": "http://x/", "html": body, "meta_headers": ctype})
    assert set(item) == {"link", "article_title", "article_text", "article_n_removed"}
    assert item["article_n_removed"] >= 3
    pipe, _ = _pipeline(SCRUBBER_FIELDS={"text": "clean", "article": "scrubbed"})
    item = pipe.process_item(_gbk_item())
    assert scrubber.Article.from_dict(item["scrubbed"]).text == item["clean"]


def test_str_body_and_spider_title_is_not_replaced_by_none():
    pipe, _ = _pipeline()
    item = pipe.process_item({"url": "u", "body": TEXT_PAGE, "author": "from the spider"})
    assert item["author"] == "from the spider"  # scrubber found none; the spider's stays
    assert item["editor"] == "陈一帆"


def test_scrapy_item_and_undeclared_fields():
    pipe, _ = _pipeline()
    item = pipe.process_item(ArticleItem(**_gbk_item()))
    assert isinstance(item, ArticleItem)
    assert item["editor"] == "周晓岚" and "body" not in item and "headers" not in item

    class Bare(scrapy.Item):
        url = scrapy.Field()
        body = scrapy.Field()

    with pytest.raises(scrubber.ScrubberError, match="ArticleItem"):
        pipe.process_item(Bare(url="u", body=TEXT_PAGE))


def test_items_without_a_page_pass_unchanged():
    pipe, stats = _pipeline()
    item = {"url": "u", "price": 3}
    assert pipe.process_item(item) == {"url": "u", "price": 3}
    assert stats.get_value("scrubber/skipped") == 1
    assert stats.get_value("scrubber/articles") is None


def test_drop_empty():
    from scrapy.exceptions import DropItem

    pipe, stats = _pipeline(SCRUBBER_DROP_EMPTY=True)
    with pytest.raises(DropItem):
        pipe.process_item({"url": "u", "body": "-----\n（责任编辑：汇率）\n"})
    assert stats.get_value("scrubber/empty") == 1


def test_rules_and_without_settings(tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text(
        '[[rule]]\nid = "river_volunteers"\nreason = "test site rule"\n'
        "patterns = ['^街道工作人员介绍']\nsites = [\"127.0.0.1\"]\n",
        encoding="utf-8",
    )
    pipe, _ = _pipeline(SCRUBBER_RULES=[str(rules)], SCRUBBER_WITHOUT=["editor_credit"])
    item = pipe.process_item(_gbk_item())
    assert "街道工作人员介绍" not in item["text"]
    assert item["removed"].get("river_volunteers") == 1
    assert "editor_credit" not in item["removed"]


def test_bad_settings_fail_loudly():
    with pytest.raises(scrubber.ScrubberError, match="unknown field"):
        _pipeline(SCRUBBER_FIELDS=["title", "wordcount"])
