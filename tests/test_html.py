"""parse_page on small hand-written pages, and the DOM steps' rule ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

import scrubber
from scrubber.html import clean_title, parse_page, tokens_of
from scrubber.model import Role

FIXTURE_PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

PAGE = """<html lang="en"><head><title>Quiet street gets a park | Example Times</title>
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
<meta name="author" content="Ann Lee"><link rel="canonical" href="https://ex.com/a">
<meta property="og:image" content="https://ex.com/main.jpg">
<script>var junk = 1;</script></head>
<body><div class="padding headline"><a href="/">Home</a><a href="/x">World</a></div>
<div id="main" class="article-body"><h1>Quiet street gets a park</h1>
<p>The council opened a <a href="/p">small park</a> on Friday.</p>
<ul><li>Benches</li><li>Trees</li></ul>
<table><tr><td>Area</td><td>2 ha</td></tr></table>
<blockquote><p>It is lovely.</p></blockquote><pre>code  here</pre>
<figure><img src="/p.jpg" alt="Park"><figcaption>The new park.</figcaption></figure>
<div>first line<br>second line</div>
<p style="display: none">secret</p></div></body></html>"""


@pytest.fixture(scope="module")
def page():
    return parse_page(PAGE, url="https://ex.com/a")


def _by_text(page, text):
    return next(b for b in page.blocks if b.text == text)


def test_roles_and_paths(page):
    assert _by_text(page, "Quiet street gets a park").role is Role.TITLE
    assert _by_text(page, "Benches").role is Role.LIST_ITEM
    assert _by_text(page, "Area | 2 ha").role is Role.TABLE_ROW
    assert _by_text(page, "It is lovely.").role is Role.QUOTE
    assert _by_text(page, "code here").role is Role.PRE
    assert _by_text(page, "The new park.").role is Role.CAPTION
    p = _by_text(page, "The council opened a small park on Friday.")
    assert p.path == "/html/body/div[2]/p[1]"
    assert p.tag == "p"
    assert p.features["link_density"] == pytest.approx(len("small park") / len(p.text))


def test_heading_level():
    pg = parse_page("<html><body><h3>Sub</h3><p>x</p></body></html>")
    assert pg.blocks[0].role is Role.HEADING and pg.blocks[0].features["level"] == 3


def test_br_splits_and_adjacent_links(page):
    assert _by_text(page, "first line") and _by_text(page, "second line")
    assert _by_text(page, "Home World").features["link_density"] == pytest.approx(9 / 10)


def test_context_tokens_are_whole():
    assert tokens_of("padding headline") == ["padding", "headline"]
    assert tokens_of("mainArticle-body") == ["main", "article", "body"]
    pg = parse_page('<html><body><div class="padding"><p>Some text here.</p></div></body></html>')
    assert "ad" not in pg.blocks[0].context[-2].split()


def test_metadata(page):
    assert page.meta["title"] == "Quiet street gets a park"
    assert page.meta["published"] == "2024-05-02T08:00:00Z"
    assert page.meta["author"] == "Ann Lee"
    assert page.meta["site_name"] == "Example Times"
    assert page.meta["language"] == "en"
    assert page.meta["canonical_url"] == "https://ex.com/a"
    assert page.extra["main_image"] == "https://ex.com/main.jpg"
    img = page.extra["images"][0]
    assert img == {"src": "https://ex.com/p.jpg", "alt": "Park", "caption": "The new park.",
                   "path": img["path"], "figure": img["figure"]}
    assert not any("junk" in b.text for b in page.blocks)


@pytest.mark.parametrize(("title", "site", "want"), [
    ("山区小学用上热水 - 新浪新闻", None, "山区小学用上热水"),
    ("Bridge reopens | Reuters", None, "Bridge reopens"),
    ("老街改造完成_网易新闻", None, "老街改造完成"),
    ("Example Times | A much longer headline here", "Example Times", "A much longer headline here"),
])
def test_clean_title(title, site, want):
    assert clean_title(title, site) == want


def test_jsonld_and_chinese_date_line():
    pg = parse_page('<html><head><script type="application/ld+json">'
                    '{"@graph":[{"datePublished":"2024-01-02","author":[{"name":"张三"}]}]}'
                    '</script></head><body><p>x</p></body></html>')
    assert pg.meta["published"] == "2024-01-02" and pg.meta["author"] == "张三"
    pg = parse_page("<html><body><div>2025年05月13日 10:23 来源：某报</div><p>正文。</p></body></html>")
    assert pg.meta["published"] == "2025-05-13 10:23"


def test_hidden_is_a_block_dropped_as_hidden(page):
    assert _by_text(page, "secret").context[-1].endswith("@hidden")
    art = scrubber.scrub(PAGE)
    assert next(r for r in art.boilerplate if r.text == "secret").rule == "hidden"


def test_lxml_and_bs4_inputs_match_str():
    from bs4 import BeautifulSoup

    want = [b.text for b in parse_page(PAGE).blocks]
    assert [b.text for b in parse_page(html.document_fromstring(PAGE)).blocks] == want
    assert [b.text for b in parse_page(etree.ElementTree(html.document_fromstring(PAGE))).blocks] == want
    assert [b.text for b in parse_page(BeautifulSoup(PAGE, "html.parser")).blocks] == want
    assert scrubber.scrub(BeautifulSoup(PAGE, "html.parser")).input_kind == "html"


@pytest.mark.parametrize("junk", ["", "   ", "<", "<html></html>", "\x00\x01<p>", "<?xml version='1.0' encoding='utf-8'?><p>x</p>",
                                  "<<<>>>", "<div" * 500, "<b>" * 3000 + "deep"])
def test_garbage_never_raises(junk):
    parse_page(junk)
    scrubber.scrub(junk, kind="html")


def test_every_text_node_in_exactly_one_block():
    src = "<html><body><div>a<p>b<span>c</span>d</p>e<ul><li>f</li></ul>g<br>h</div>i</body></html>"
    root = html.document_fromstring(src)
    nodes = [t.strip() for t in root.itertext() if t.strip()]
    texts = "".join(b.text.replace(" ", "") for b in parse_page(src).blocks)
    assert texts == "".join(nodes)


def test_dom_steps_leave_text_mode_alone():
    text = "首页\n新闻\n这是一段很长的正文，讲述了一件事情的经过，内容完整。\n（责任编辑：张三）"
    art = scrubber.scrub(text)
    assert art.input_kind == "text"
    assert not {"hidden", "link_list", "outside_main_dom"} & set(art.counts())


def test_outside_container_rule_ids():
    art = scrubber.scrub(PAGE.replace("</body>", "<footer><p>Contact us for more information today.</p></footer></body>"))
    rules = {r.text: r.rule for r in art.boilerplate}
    assert rules["Home World"] in ("nav", "link_list")
    assert rules["Contact us for more information today."] == "footer"


def test_unclosed_title_that_swallows_the_page_is_read_again():
    body = "<p>" + "这是一段很长的正文内容，用来确认页面被重新读取。" * 30 + "</p>"
    page = "<html><head><title>标题没有闭合" + body + "</body></html>"
    art = scrubber.scrub(page)
    assert "重新读取" in art.text


def test_page_whose_body_the_parser_dropped_is_read_from_body_on(monkeypatch):
    """libxml2 sometimes keeps only <head>; the second reading starts at <body>."""
    from scrubber import html as html_mod

    real = html_mod._root_of
    calls = []

    def head_only_first(source, encoded=None):
        calls.append(source)
        if len(calls) == 1:  # what libxml2 gave us on a real page: a head and no body
            return real("<html><head><title>T</title></head></html>")
        return real(source, encoded)

    monkeypatch.setattr(html_mod, "_root_of", head_only_first)
    page = ('<html><head><meta property="og:site_name" content="Example">'
            "<title>T</title></head><body><p>The story is here, in a full sentence.</p>"
            "</body></html>")
    got = html_mod.parse_page(page)
    assert [b.text for b in got.blocks] == ["The story is here, in a full sentence."]
    assert calls[1].startswith("<body")


def _blog_post(comments_link: str) -> str:
    intro = "<p>A short standfirst that sets the story up for the reader in one sentence.</p>" * 2
    story = "".join(f"<p>Paragraph {i} of the story goes on with several words, as stories do.</p>"
                    for i in range(12))
    return (f"<html><body><div class='post'><h1>The post</h1>{intro}"
            f"<div class='meta'>{comments_link}</div>{story}</div></body></html>")


def test_a_comments_link_in_a_post_header_does_not_end_the_story():
    """"99 Comments" as a link above the story points at the comments; it is not their heading."""
    art = scrubber.scrub(_blog_post("<a href='#comments'>99 Comments</a>"))
    assert "Paragraph 11 of the story" in art.text
    assert any(b.rule == "comment" and b.text == "99 Comments" for b in art.boilerplate)


def test_a_comments_heading_after_the_story_still_ends_it():
    page = _blog_post("").replace(
        "</div></body>",
        "<h3>99 Comments</h3>" + "<p>I disagree with this, said a reader at some length.</p>" * 3
        + "</div></body>")
    art = scrubber.scrub(page)
    assert "Paragraph 11 of the story" in art.text
    assert "I disagree" not in art.text


def test_a_related_box_set_into_the_story_does_not_end_it():
    """A "Related" heading inside an <aside> in the middle of a story ends the box only."""
    box = ("<aside class='box'><h3>Related</h3><ul><li><a href='/a'>Another story</a></li>"
           "<li><a href='/b'>And one more</a></li></ul></aside>")
    art = scrubber.scrub(_blog_post(box))
    assert "Paragraph 11 of the story" in art.text
    assert "Another story" not in art.text


@pytest.mark.parametrize("text", [
    "یہ ایک لمبا جملہ ہے جو اردو میں لکھا گیا ہے، اور یہ ختم ہوتا ہے۔",  # Urdu ، ۔
    "هذه جملة طويلة مكتوبة باللغة العربية، فهل تنتهي هنا؟",  # Arabic ، ؟
    "यह हिंदी में लिखा गया एक लंबा वाक्य है, जो यहाँ समाप्त होता है।",  # Devanagari danda
])
def test_sentence_marks_of_other_scripts(text):
    """Arabic-script and Devanagari punctuation counts like 。 and '.': a long
    Urdu paragraph is prose, not a label (it was dropped as outside_main)."""
    from scrubber.blocks import measure

    f = measure(text)
    assert f["punct"] >= 1 and f["ends_sentence"] == 1.0
    assert f["full_stop"] == (0.0 if text.endswith("؟") else 1.0)


def test_a_sidebar_that_comes_before_the_story_in_the_source_does_not_end_it():
    """A "Related stories" box placed above the story in the markup is followed by far
    more story text outside the box than came before it: it is not the story's end."""
    lead = "<p>A short standfirst that sets the story up for the reader in one sentence.</p>" * 3
    side = ("<div class='box'><h3>Related stories</h3><ul><li><a href='/a'>Another story</a>"
            "</li><li><a href='/b'>And one more</a></li></ul></div>")
    story = "".join(f"<p>Paragraph {i} of the story goes on with several words, as stories do.</p>"
                    for i in range(12))
    page = f"<html><body><div class='main'>{lead}{side}{story}</div></body></html>"
    art = scrubber.scrub(page)
    assert "Paragraph 11 of the story" in art.text
    assert "Another story" not in art.text


def test_a_related_heading_after_the_story_still_ends_it():
    story = "".join(f"<p>Paragraph {i} of the story goes on with several words, as stories do.</p>"
                    for i in range(6))
    feed = ("<div class='box'><h3>Related stories</h3>"
            + "<p>Another story, told in a teaser sentence that runs on for a while.</p>" * 3
            + "</div>")
    art = scrubber.scrub(f"<html><body><div class='main'>{story}{feed}</div></body></html>")
    assert "Paragraph 5 of the story" in art.text
    assert "teaser sentence" not in art.text


def test_template_script_inside_the_story_element_is_read_in_place():
    """Blogger keeps the post in <script type="text/template"> inside articleBody; a
    template elsewhere (a widget's markup) stays unread like any script."""
    story = "".join(f"<p>Paragraph {i} of the post, rendered by a script, goes on.</p>"
                    for i in range(8))
    page = ("<html><body><div class='post'><h1>The post</h1>"
            "<div itemprop='articleBody'><script type='text/template'>" + story +
            "</script>After the template.</div></div>"
            "<div class='widget'><script type='text/template'><p>Widget {{name}} says hello"
            " to you today, in a sentence.</p></script></div></body></html>")
    art = scrubber.scrub(page)
    assert "Paragraph 7 of the post" in art.text
    assert "Widget" not in art.text and "Widget" not in " ".join(b.text for b in art.boilerplate)
    paths = [b.path for b in art.blocks if b.text.startswith("Paragraph 0")]
    assert paths and "/script[1]/" in paths[0]
    assert any(b.text == "After the template." for b in art.blocks)


_PHRASES = ["清晨五點出發 天色還是一片深藍 車窗外只有路燈", "沿著溪谷往上開了兩個小時 霧氣慢慢散開 山頭露出金色",
            "營地主人早已在門口等候 熱茶和烤地瓜讓人暖了起來", "這次選的位置靠近楓樹林 葉子還沒全紅 顏色卻很分明",
            "孩子們一放下背包就往小溪跑 撿石頭 找小魚", "午後起風 氣溫掉得很快 趕緊把外帳拉好 再加一層睡墊",
            "晚餐大家圍著爐火聊天 不知不覺就到了深夜", "半夜醒來看見滿天星星 只聽得到溪水的聲音"]


def _phrase_blog(after: str) -> str:
    story = "".join(f"<p>{p}</p>" for p in _PHRASES)
    return (f"<html><body><div class='menu'><a href='/'>首頁</a> <a href='/b'>部落格</a></div>"
            f"<div class='post'><div class='post-content'>{story}</div>{after}</div>"
            "<div class='footer'>Powered by 示例部落格</div></body></html>")


def test_a_story_without_sentence_marks_is_found_by_its_plain_lines():
    """No line has punctuation, so no element wins by sentences: the one with the plain lines does."""
    art = scrubber.scrub(_phrase_blog(""))
    assert all(p in art.text for p in _PHRASES)
    assert "首頁" not in art.text and "Powered by" not in art.text


def test_the_container_is_trusted_when_the_text_reading_keeps_almost_none_of_it():
    """A punctuated first and last line make the story's element win, but the text
    reading, which reads sentences, would keep only one of them."""
    first = "<p>這是我們第三次來這個營地，每次的季節都不一樣，感受也不同。</p>"
    last = "<p>營地電話：03-584-7231，楓紅期間須過中午才可搭帳，水電都很方便。</p>"
    page = _phrase_blog("").replace("<div class='post-content'>", "<div class='post-content'>" + first)
    art = scrubber.scrub(page.replace("</p></div>", "</p>" + last + "</div>", 1))
    assert first[3:-4] in art.text and last[3:-4] in art.text
    assert all(p in art.text for p in _PHRASES)
    reasons = {v.reason for b, v in zip(art.blocks, art.verdicts) if b.text in _PHRASES}
    assert reasons == {"plain text of the article container"}


def test_a_long_live_feed_in_an_aside_does_not_outvote_the_story():
    """The sidebar's feed holds more sentences than the story, but <aside> says it is beside it."""
    story = "".join(f"<p>Paragraph {i} of the story tells what the council decided, and why it "
                    f"matters to the town and to the people who live there.</p>" for i in range(5))
    feed = "".join(f"<li><a href='/live/{i}'>Headline of another story from somewhere else in "
                   f"the country today, number {i}</a><p>Live update {i}: another item written "
                   f"as a full sentence, with some detail in it and more after that.</p></li>"
                   for i in range(8))
    page = (f"<html><body><div class='grid'><div class='mod-article'><article><h1>Council decides</h1>"
            f"{story}</article></div><aside class='live'><h2>Live</h2><ul>{feed}</ul></aside>"
            "</div></body></html>")
    art = scrubber.scrub(page)
    assert "Paragraph 4 of the story" in art.text
    assert "Live update" not in art.text


_CONSENT = ("<div id='onetrust-consent-sdk'><div class='ot-pc-content'><h2>Privacy Preference Center</h2>"
            + "".join(f"<h4>Cookie group {i}</h4><p>These cookies are set by us and our partners to "
                      f"remember your choices, count visits and measure how the site performs, "
                      f"and you may switch them off at any time in this panel.</p>" for i in range(6))
            + "</div></div>")


def test_a_cookie_consent_dialog_longer_than_the_story_is_not_the_story():
    story = "".join(f"<p>Reply {i}: restart the service after you change the setting, it worked "
                    f"for me.</p>" for i in range(3))
    page = (f"<html><body class='no-cookie'><div class='topic'><h1>Setting does not stick</h1>"
            f"{story}</div>{_CONSENT}</body></html>")
    art = scrubber.scrub(page)
    assert "Reply 2: restart the service" in art.text
    assert "These cookies" not in art.text
    assert {b.rule for b in art.boilerplate if "cookies" in b.text} == {"consent"}


def test_a_report_dialog_with_many_options_is_not_the_story():
    """A modal's radio options have colons and commas; the short question above them is the story."""
    options = "".join(f"<div class='field'><label>理由{i}：恶意灌水、广告、推广等内容，或者其他违规内容</label></div>"
                      for i in range(10))
    page = ("<html><body><div class='topic'><h1>新项目 npm 依赖报错</h1>"
            "<div class='post-content'><p>每次打开别人新的项目，npm 依赖都会各种报错，很烦。</p>"
            "<p>安装 depcheck 检查依赖，找到缺失的依赖再装上就好了。</p></div></div>"
            f"<div class='ui modal report'><div class='content'><p>我要举报，理由是：</p>{options}</div></div>"
            "</body></html>")
    art = scrubber.scrub(page)
    assert "安装 depcheck 检查依赖" in art.text
    assert "恶意灌水" not in art.text
    assert {b.rule for b in art.boilerplate if "恶意灌水" in b.text} == {"dialog"}


def _story_paras(n: int, start: int = 0) -> str:
    return "".join(f"<div class='para'><p>Paragraph {i} of the review describes the headset, what it "
                   f"did well in the demo and what still needs work before it ships.</p></div>"
                   for i in range(start, start + n))


def test_a_related_box_between_the_story_paragraphs_ends_nothing():
    """Story paragraphs go on after the box, in the same place as before it: the box is set in."""
    page = ("<html><body><article><h1>I tried the headset</h1><div class='body'>" + _story_paras(6)
            + "<div class='box'><div class='recirculation'><h3>Related</h3><ul><li><a href='/a'>"
            "An earlier look at the same headset, from last year</a></li></ul></div></div>"
            + _story_paras(3, 6) + "</div></article><div class='more'><h3>Related</h3><ul><li><a "
            "href='/b'>Something else entirely, from another section</a></li></ul></div></body></html>")
    art = scrubber.scrub(page)
    assert "Paragraph 8 of the review" in art.text
    assert "An earlier look" not in art.text and "Something else entirely" not in art.text


def test_a_comment_column_of_a_table_in_the_story_ends_nothing():
    rows = "".join(f"<tr><td><p>state {i}</p></td><td><p>what happens to the task in state {i}</p></td></tr>"
                   for i in range(3))
    page = ("<html><body><article><h1>How the task queue works</h1>" + _story_paras(6)
            + f"<table><tr><td><p>State</p></td><td><p>Comment</p></td></tr>{rows}</table>"
            + _story_paras(2, 6) + "</article></body></html>")
    art = scrubber.scrub(page)
    assert "what happens to the task in state 2" in art.text
    assert "Paragraph 7 of the review" in art.text


def test_a_sentence_whose_names_are_links_is_prose_not_a_link_list():
    item = ("<li><a href='/u/1'>Ankush Dua</a> and <a href='/u/2'>Masatoshi Kimura</a> fixed "
            "<a href='/b/1'>Bug 1553982, revoked devtools_page permissions</a>, thanks!</li>")
    page = ("<html><body><article><h1>These weeks in the browser</h1>" + _story_paras(4)
            + f"<ul>{item}<li><a href='/x'>Our year in review</a></li></ul>" + _story_paras(2, 4)
            + "</article></body></html>")
    art = scrubber.scrub(page)
    assert "Masatoshi Kimura fixed Bug 1553982" in art.text
    assert [b.rule for b in art.boilerplate if b.text == "Our year in review"] == ["link_list"]


def test_a_page_whose_html_start_tag_was_cut_is_read_after_it():
    """The first bytes are lost: ``<html x`` runs into an image tag, libxml2 gives an empty tree."""
    story = "".join(f"<p>Paragraph {i} of the wire story, which the page still carries after its "
                    f"first bytes were lost.</p>" for i in range(4))
    page = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html xmogo.jpg" '
            'alt="News &amp; PR" width="145" border="0" /></a></td>\n<td valign="top"><table><tr><td>'
            + story + "</td></tr></table></td></tr></table>\n</body></html>")
    assert etree.fromstring(page, etree.HTMLParser()).xpath("string()") == ""  # the failure shape
    art = scrubber.scrub(page)
    assert "Paragraph 3 of the wire story" in art.text


def test_a_post_headline_that_links_to_the_post_is_kept_as_its_title():
    page = ("<html><body><div class='sidebar'><a href='/'>Home</a> <a href='/about'>About</a></div>"
            "<div class='post'><h2><a href='/2012/10/loveseat'>Making of the Loveseat</a></h2>"
            + _story_paras(4) + "<h3><a href='/other'>Another post</a></h3></div></body></html>")
    art = scrubber.scrub(page)
    kept = {b.text: v.rule for b, v in zip(art.blocks, art.verdicts) if v.keep}
    assert kept.get("Making of the Loveseat") == "title"
    assert "Another post" not in kept  # a linked heading after the story is still a link


def test_a_blogs_name_in_h1_is_not_the_title_when_an_h2_is_the_other_part_of_title():
    page = ("<html><head><title>Winter in the hills - Sam's travel notes</title></head><body>"
            "<div class='header'><h1>Sam's travel notes</h1></div><div class='post'>"
            "<h2>Winter in the hills</h2>" + _story_paras(3) + "</div></body></html>")
    assert scrubber.scrub(page).title == "Winter in the hills"
    news = ("<html><head><title>Winter in the hills - Example News</title></head><body>"
            "<h1>Winter in the hills</h1>" + _story_paras(3) + "<h2>Example News</h2></body></html>")
    assert scrubber.scrub(news).title == "Winter in the hills"


def test_a_date_in_the_comments_is_not_the_published_date():
    comments = ("<div class='comments'><h3>Comments</h3><p>Nice photos! 2024-12-02 20:31</p></div>")
    page = "<html><body><div class='post'>" + _story_paras(3) + f"</div>{comments}</body></html>"
    assert scrubber.scrub(page).published is None
    dated = page.replace("<div class='post'>", "<div class='post'><p>2024-12-01 09:12</p>")
    assert scrubber.scrub(dated).published == "2024-12-01 09:12"


def _date_line_one_by_one(texts, frames):
    """``html._date_line`` as it read the lines, one search a line: the reference."""
    from scrubber import html as h

    for text, frame in zip(texts[:80], frames):
        if len(text) <= 80 and (m := h._DATE_LINE.search(text)) is not None:
            if 1990 <= int(m.group(1)) <= 2100 and not h._beside_story(frame[2]):
                y, mo, d, t = m.groups()
                out = f"{y}-{int(mo):02d}-{int(d):02d}"
                return f"{out} {t}" if t else out
    return None


def test_date_lines_searched_as_one_text_are_searched_line_by_line():
    """The short first lines are searched joined by NUL: the date found is the one
    the line-by-line search finds, on made-up lines where a date could run across
    two lines, a line's first date fails and its second would not, a year is out
    of range, a date sits in a sidebar or a long line, digits are not ASCII, and a
    line holds NUL; and on the fixture pages."""
    import random

    from scrubber import html as h

    pieces = ["2024-", "05-06", "2023年5月6日", " 12:30", "1899-01-02", "x", "20", "24/5/6",
              "２０２４．５．６", "-", "年", "\x00", "2024.12.01 08:00:01", "a 2022-1-2 b",
              "related 2021-3-4", "0" * 90, "2099/12/31"]
    story, side = ("html", "body", "article"), ("html", "body", "aside")
    rng = random.Random(4)
    for _ in range(3000):
        n = rng.randint(0, 12)
        texts = ["".join(rng.choices(pieces, k=rng.randint(1, 4))) for _ in range(n)]
        frames = [("p", "/p", rng.choice([story, side]), None) for _ in range(n)]
        assert h._date_line(texts, frames) == _date_line_one_by_one(texts, frames), texts
    texts = [f"line {i}" for i in range(80)] + ["2024-01-02", "2024-03-04"]
    frames = [("p", "/p", story, None)] * len(texts)
    assert h._date_line(texts, frames) is None  # (the 81st line is not read)
    for page in sorted(Path(__file__).resolve().parent.parent.glob("fixtures/pages/*/input.html")):
        found = h._walked(h._root_of(page.read_bytes().decode("utf-8", "replace")), None, None)
        assert h._date_line(found.texts, found.frames) == _date_line_one_by_one(
            found.texts, found.frames), page.parent.name


def test_a_story_of_short_phrases_beats_a_small_notice_with_sentences():
    """Ameblo style: one short phrase per line; a site notice has the only sentences on the page."""
    phrases = ["ご訪問ありがとうございます", "アラフォーのエミです", "今日のコーデ", "プチプラで高見え",
               "脚長に見えるパンツ", "春色のカーディガン", "週末は公園へ", "桜がきれいでした",
               "お弁当を持って", "子どもと散歩", "また明日", "読んでくれてありがとう"] * 2
    story = "".join(f"<div>{p}</div>" for p in phrases)
    page = ("<html><body><div class='announcer'><p>本サービスは2024年6月にメンテナンスを行います。"
            "ご不便をおかけしますが、ご理解をお願いします。</p></div><article class='entry'>"
            f"<div class='entry-body'>{story}</div></article></body></html>")
    art = scrubber.scrub(page)
    assert "桜がきれいでした" in art.text and "読んでくれてありがとう" in art.text
    assert "メンテナンス" not in art.text


def test_the_headline_above_a_date_line_and_linked_tools_joins_the_story():
    page = ("<html><body><div class='nav'><a href='/'>Home</a> <a href='/news'>News</a></div>"
            "<h1>Zillow to acquire a mortgage software firm</h1>"
            "<p>Date: November 5, 2012 | Category: Company News</p>"
            "<ul><li><a href='/print'>Print »</a></li><li><a href='#c'>Comments (186)</a></li></ul>"
            + "".join(f"<p>Paragraph {i} of the announcement says what the deal means for agents, "
                      f"lenders and the people who use the site every day.</p>" for i in range(4))
            + "</body></html>")
    art = scrubber.scrub(page)
    kept = [b.text for b, v in zip(art.blocks, art.verdicts) if v.keep]
    assert kept[0] == "Zillow to acquire a mortgage software firm"


def test_an_h3_headline_equal_to_the_title_is_the_title_block():
    page = ("<html><head><title>Movie presidents remix</title></head><body>"
            "<div class='post'><h3>Movie presidents remix</h3><div class='meta'>October 30, 2012</div>"
            "<div class='entry'>" + _story_paras(3) + "</div></div></body></html>")
    art = scrubber.scrub(page)
    assert art.blocks[0].role is Role.TITLE
    assert art.verdicts[0].keep


def test_the_pages_only_article_element_beats_a_promo_panel_of_similar_size():
    nav = "<div class='menu'>" + " ".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(20)) + "</div>"
    promo = ("<div class='panel'><div class='content'><h4>Issue 215 out now</h4><p>" + "Alongside an "
             "inspiring interview, this issue looks at new art and design from around the world. " * 3
             + "</p></div></div>")
    story = ("<article><h1>Lightbox: the designer's archive</h1><ul><li><a href='/t'>Tweet</a></li>"
             "<li><a href='/f'>Share</a></li></ul>" + "".join(
                 f"<p>Paragraph {i} looks at the designer's work from the archive, season by season, "
                 f"with notes from the editors.</p>" for i in range(3))
             + "<div><a href='/prev'>Previous article: the spring shows in review, part two</a></div>"
             "</article>")
    art = scrubber.scrub(f"<html><body>{nav}<section>{promo}</section><section>{story}</section>"
                         "</body></html>")
    assert "Paragraph 2 looks at" in art.text
    assert "Issue 215" not in art.text


def test_the_introduction_above_a_table_container_is_the_storys_lead():
    """A list article: one or two paragraphs, then a long table that out-writes them."""
    rows = "".join(
        f"<tr><td><a href='/film{i}'>Film number {i}</a></td><td>19{50 + i}</td><td>A story about "
        f"a day that repeats itself, told for the {i}th time with a new twist and a new ending.</td></tr>"
        for i in range(30))
    # the sources under the table make the table, not its parent, the container
    refs = "".join(f"<li><a href='/src{i}'>Film archive entry {i}</a>, retrieved 2020</li>"
                   for i in range(40))
    intro = ("<p>This list of films features time loops, in which the characters live the same "
             "period of time again and again, often until they change something about themselves.</p>")
    page = ("<html><body><div class='nav'><a href='/'>Home</a> <a href='/list'>Lists</a></div>"
            "<div class='content'><div class='text'><div class='byline'>Posted by the editors</div>"
            + intro + "<table class='list'><caption>Films</caption><tbody>" + rows
            + "</tbody></table><h2>Sources</h2><ul>" + refs + "</ul></div></div></body></html>")
    art = scrubber.scrub(page)
    rules = {b.text: v.rule for b, v in zip(art.blocks, art.verdicts) if v.keep}
    assert rules.get(" ".join(intro[3:-4].split())) == "lead"
    assert "Posted by the editors" not in rules  # a short line is not a lead
    assert "Home Lists" not in rules


def test_a_comment_heading_among_the_storys_paragraphs_is_one_of_its_sections():
    """A list article whose sections are 'Briefing', 'Comment', 'Access': the story goes on."""
    def section(name: str, k: int) -> str:
        return (f"<h2>{name}</h2><p>Section {k} tells founders what reporters want from them, "
                f"with an example from a launch that went well and one that did not.</p>")
    story = "".join(section(n, k) for k, n in enumerate(["Briefing", "Data", "Comment", "Access"]))
    page = f"<html><body><div class='post'><h1>What to offer a journalist</h1>{story}</div></body></html>"
    art = scrubber.scrub(page)
    assert "Section 3 tells founders" in art.text  # the section after 'Comment'
    kept = {b.text: v.rule for b, v in zip(art.blocks, art.verdicts) if v.keep}
    assert kept.get("Comment") == "section"
    # Reader comments in an element of their own still end the story
    comments = ("<h2>Comments</h2><ol class='commentlist'><li class='comment'><p>Great advice, I "
                "tried it on our launch and two reporters wrote back within a day.</p></li></ol>")
    page = page.replace("</div></body>", comments + "</div></body>")
    art = scrubber.scrub(page)
    assert "Section 3 tells founders" in art.text
    assert "two reporters wrote back" not in art.text


def test_a_storys_list_of_long_points_without_stops_stays_in_the_story():
    points = "".join(
        f"<li>Point {i} for advertisers who want their app found when people search for apps "
        f"like theirs during the busy holiday weeks</li>" for i in range(5))
    page = ("<html><body><div class='menu'><a href='/'>Home</a> <a href='/blog'>Blog</a></div>"
            "<div class='post-body'>" + "".join(
                f"<p>Paragraph {i} says how shoppers find apps before the holidays, and what "
                f"that means for the teams who build them.</p>" for i in range(3))
            + f"<ol>{points}</ol>"
            "<p>For more on all of this, watch the recorded session from last week, which goes "
            "through each step with examples.</p></div></body></html>")
    art = scrubber.scrub(page)
    assert "Point 4 for advertisers" in art.text
    assert "watch the recorded session" in art.text


def test_a_closing_paragraph_of_linked_prose_stays_with_the_story():
    """A round-up sentence whose words are mostly links to other papers' stories."""
    story = "".join(f"<p>Paragraph {i} of the report follows the trial from the first day, with "
                    f"what the court heard and what the papers made of it.</p>" for i in range(5))
    roundup = ("<p>Also ahead of the trial, <a href='/a'>a reporter at the Journal dug into the "
               "case's political side</a>, and <a href='/b'>two reporters profiled the defendant "
               "at a wire service</a>, while <a href='/c'>another paper looked at her co-defendant"
               "</a>.</p>")
    page = (f"<html><body><div class='post'><div class='entry'>{story}{roundup}</div>"
            "<div class='meta'>Posted By: Sam</div></div></body></html>")
    art = scrubber.scrub(page)
    assert "Also ahead of the trial" in art.text


def test_short_last_lines_of_a_blog_post_in_its_element_stay_with_it():
    """Casual Japanese blog: the last lines are short, end in commas or emoji, and sit in
    the same element as the story's sentences; a labelled line there is not the story."""
    story = "".join(f"<p>{s}</p>" for s in [
        "最近は年中売ってるような気がするけど、昔はそうでもなかったよね。",
        "昔は夏になるとこれが食べたくて、毎日のように買い物についていきました。",
        "普段は嫌いな買い物についていっては、これだけは買ってもらってたなぁ。"])
    tail = "".join(f"<p>{s}</p>" for s in [
        "この前、子供と一緒に行った時に、", "家帰って食べたら、", "バクバク食べてましたよ😄"])
    page = ("<html><body><div class='menu'><a href='/'>ブログトップ</a> <a href='/list'>記事一覧</a>"
            "</div><div class='entry-body'><div>" + story + tail
            + "<p>※あわせて読みたい：</p></div></div><div class='pager'><a href='/p'>前の記事</a>"
            "</div></body></html>")
    art = scrubber.scrub(page)
    assert "バクバク食べてましたよ😄" in art.text and "家帰って食べたら、" in art.text
    assert "あわせて読みたい" not in art.text


def test_text_nested_past_256_levels_is_kept():
    """Unclosed inline tags nest deeper than libxml2's default limit of 256 levels."""
    page = ("<html><body>" + "<font size='2'>" * 600
            + "<p>The last paragraph sits six hundred unclosed tags deep, and it is kept.</p>"
            + "</body></html>")
    assert "six hundred unclosed tags deep" in scrubber.scrub(page).text


def _nested_story(levels: int) -> str:
    """A story whose every paragraph opens a ``<div>`` it never closes, then the
    closing tags and one paragraph at the top again."""
    paras = "".join(f"<div class='c'><p>Paragraph {i} of the story is a sentence.</p>"
                    for i in range(levels))
    return (f"<html><body>{paras}{'</div>' * levels}"
            "<p>The closing paragraph after the deep part is kept.</p></body></html>")


def test_text_past_libxml2s_depth_limit_and_after_it_is_kept():
    # libxml2 stops reading at 2,048 open elements, dropping the rest of the page
    # (the closing paragraph too); Python's parser reads such a page instead.
    art = scrubber.scrub(_nested_story(2100).encode())
    texts = [b.text for b in art.paragraphs]
    assert texts[:2] == ["Paragraph 0 of the story is a sentence.",
                         "Paragraph 1 of the story is a sentence."]
    assert texts[2099] == "Paragraph 2099 of the story is a sentence."
    assert texts[-1] == "The closing paragraph after the deep part is kept."
    assert len(texts) == 2101


def test_blocks_below_the_depth_cap_are_read_in_order_at_the_cap(monkeypatch):
    from scrubber import html as H

    page = _nested_story(400)
    capped = scrubber.scrub(page)
    # (a context names the root too: an element n levels down has n + 1 descriptors)
    assert max(len(b.context) for b in capped.blocks) == H._MAX_DEPTH + 2
    monkeypatch.setattr(H, "_MAX_DEPTH", 10_000)  # the same page read without the cap
    deep = scrubber.scrub(page)
    assert max(len(b.context) for b in deep.blocks) > 400
    assert [b.text for b in capped.blocks] == [b.text for b in deep.blocks]
    assert len({b.path for b in capped.blocks}) == len(capped.blocks)  # paths stay apart


def test_flatten_into_keeps_reading_order():
    from scrubber.html import _flatten_below, _flatten_into

    root = etree.fromstring("<r><a>1<b>2<c>3</c>4</b>5<d/>6</a>7</r>")
    _flatten_into(root[0])
    assert etree.tostring(root, encoding=str) == "<r><a>1<b>2</b><c>3</c>45<d/>6</a>7</r>"
    assert "".join(root.itertext()) == "1234567"
    deep = etree.fromstring("<r><x>a<y>b<z>c<w>d</w>e</z>f</y>g</x>h</r>")
    _flatten_below(deep, 2)  # (y is two levels below r: z and w become its children)
    assert etree.tostring(deep, encoding=str) == "<r><x>a<y>b<z>c</z><w>d</w>ef</y>g</x>h</r>"


def test_a_callers_deep_tree_is_read_at_the_cap_and_left_as_it_was():
    from scrubber import html as H

    tree = etree.fromstring(_nested_story(400), etree.HTMLParser(huge_tree=True))
    before = etree.tostring(tree)
    art = scrubber.scrub(tree)
    assert etree.tostring(tree) == before
    assert max(len(b.context) for b in art.blocks) == H._MAX_DEPTH + 2
    assert [b.text for b in art.paragraphs][-1] == (
        "The closing paragraph after the deep part is kept.")
    assert len(art.paragraphs) == 401
