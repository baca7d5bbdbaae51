"""scrub() takes what scrapers hold: response objects are duck-typed, no imports needed."""

from __future__ import annotations

import scrubber

TEXT = "标题在这里\n正文第一段，讲的是一个很长很长的故事，里面有很多细节和人物。\n（责任编辑：汇率）\n"


class RequestsLike:
    """The attributes requests.Response and httpx.Response share."""

    def __init__(self, content: bytes, url: str, content_type: str) -> None:
        self.content = content
        self.url = url
        self.headers = {"Content-Type": content_type}


class ScrapyHeaders(dict):
    """Scrapy's Headers: bytes keys, list-of-bytes values, get() returns the first value."""

    def get(self, key, default=None):
        key = key.encode() if isinstance(key, str) else key
        value = super().get(key.title())
        return value[-1] if value else default


class ScrapyLike:
    def __init__(self, body: bytes, url: str, content_type: bytes) -> None:
        self.body = body
        self.url = url
        self.headers = ScrapyHeaders({b"Content-Type": [content_type]})


def test_requests_like_response_uses_header_charset_and_url():
    resp = RequestsLike(TEXT.encode("gbk"), "https://news.example.cn/a/1", "text/plain; charset=GBK")
    art = scrubber.scrub(resp)
    assert art.editor == "汇率"
    assert art.url == "https://news.example.cn/a/1"
    assert art.encoding["source"] == "http-header"
    assert "\ufffd" not in art.text


def test_scrapy_like_response():
    resp = ScrapyLike(TEXT.encode("gbk"), "https://news.example.cn/a/2", b"text/plain; charset=gbk")
    art = scrubber.scrub(resp)
    assert art.editor == "汇率"
    assert art.url == "https://news.example.cn/a/2"
    assert art.encoding["encoding"] == "gb18030"


def test_explicit_arguments_win_over_the_response():
    resp = RequestsLike(TEXT.encode("utf-8"), "https://a.example/", "text/plain; charset=utf-8")
    art = scrubber.scrub(resp, url="https://b.example/x")
    assert art.url == "https://b.example/x"


def test_other_objects_are_misuse():
    import pytest

    with pytest.raises(scrubber.ScrubberError):
        scrubber.scrub(12345)
    with pytest.raises(scrubber.ScrubberError):
        scrubber.scrub(object())
