"""Generate the byte fixtures for tests/test_decode.py.

Run ``python tests/data/decode/make.py`` to (re)write the files next to this script.
All sentences were written for these tests; they are not copied from any web page.
``build()`` is also imported by the tests, which check the committed files match it.
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

ZH_HANS = (
    "今天下午我们在图书馆旁边的小咖啡店里讨论新的项目计划。"
    "朱镕基和王堃是两个名字，陈喆也是，它们的第二个字都不在旧的国标字库里。"
    "大家都说这个城市的秋天很美，晚上的风也很舒服。"
)
ZH_HANT_HK = (
    "我哋今朝去咗街市買餸，阿婆話啲菜啱啱先運到，好新鮮嘅。"
    "這間茶餐廳的奶茶很香，老闆每天清早就開門做生意。"
)
JA = (
    "昨日は雨だったので、家で新しい本を読みながら温かいお茶を飲みました。"
    "今週の予定は①買い物、②掃除、③友達と映画を見ることです。"
)
FR = "Le café du coin ouvre à sept heures ; on y sert des crêpes “maison” pour 3 € seulement."
EN = "Plain English words about a quiet morning walk along the river."
# English with Windows typography only (quotes, dashes, an ellipsis, a degree sign, é):
# every such byte reads the same in windows-1250 and windows-1252.
EN_TYPOGRAPHY = (
    "The club’s “open day” drew a crowd — nearly two hundred people… "
    "It was 21° by noon, and the café by the gate ran out of lemonade."
)
# English prices and a fraction: £ and ½ are letters or accents in windows-1250
# (Ł, ˝), but here they stand outside words, as symbols do.
EN_PRICES = "Tickets cost £12 (£8 for members); the walk takes 2½ hours, or ½ a day."
# Polish in windows-1250: ę, ł, ś, ż, ą read otherwise in windows-1252.
PL = "Zażółć gęślą jaźń: ten tekst jest zapisany w kodowaniu środkowoeuropejskim."


def english_news(*extra: str) -> str:
    """About 30 KB of plain English news sentences, with ``extra`` sentences
    (holding a few accented words) among them: so much English that a
    detector reads the language the same in any Latin code page."""
    rng = random.Random(3)
    who = ["The council", "Local residents", "The new library", "A spokesman for the school",
           "The planning committee", "Shop owners on the high street", "The bus company"]
    said = ["said on Monday that", "argued that", "warned that", "agreed that", "announced that"]
    what = ["the work would start in the spring", "the budget had been cut again",
            "more parking was needed near the station", "the old bridge would be repaired",
            "the market would move to the square", "opening hours would change in winter"]
    sents = [f"{rng.choice(who)} {rng.choice(said)} {rng.choice(what)}." for _ in range(400)]
    for i, s in enumerate(extra):
        sents[37 + 150 * i] = s
    paras = "\n".join(f"<p>{' '.join(sents[i:i + 5])}</p>" for i in range(0, 400, 5))
    html = f"<html><head><title>Council news</title></head><body><h1>Council news</h1>\n{paras}"
    return html + "</body></html>\n"


# Two French words in English text: è and à read as č and ŕ in windows-1250
FRENCH_WORDS = ("The architects described it as a reading room built à la française.",
                "A public meeting will be held at the Molière theatre in November.")


def page(body: str, head: str = "", title: str = "test page") -> str:
    head = f"<!DOCTYPE html>\n<html><head>{head}<title>{title}</title></head>\n"
    return f"{head}<body><p>{body}</p></body></html>\n"


def meta(charset: str) -> str:
    return f'<meta charset="{charset}">'


def http_equiv(charset: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'


def build() -> dict[str, tuple[str, bytes]]:
    """File name -> (text decode() should produce, bytes on disk)."""
    pages: dict[str, tuple[str, str]] = {
        "utf8_meta_utf8.html": (page(EN + " " + ZH_HANS, meta("utf-8")), "utf-8"),
        "gbk_meta_gb2312.html": (page(ZH_HANS, http_equiv("gb2312")), "gbk"),
        "big5hkscs_meta_big5.html": (page(ZH_HANT_HK, meta("big5")), "big5hkscs"),
        "utf8_meta_gb2312.html": (page(ZH_HANS, meta("gb2312")), "utf-8"),
        "gbk_meta_utf8.html": (page(ZH_HANS, meta("utf-8")), "gbk"),
        "big5_meta_utf8.html": (page(ZH_HANT_HK, meta("UTF-8")), "big5hkscs"),
        "gbk_no_meta.html": (page(ZH_HANS), "gbk"),
        "sjis_meta_shift_jis.html": (page(JA, meta("Shift_JIS")), "cp932"),
        "cp1252_meta_latin1.html": (page(FR, http_equiv("ISO-8859-1")), "cp1252"),
        "utf8_meta_bogus.html": (page(FR, meta("no-such-charset")), "utf-8"),
        "cp1252_no_meta.html": (page(EN_TYPOGRAPHY), "cp1252"),
        "cp1250_no_meta.html": (page(PL), "cp1250"),
        "cp1252_pound_no_meta.html": (page(EN_PRICES), "cp1252"),
        "cp1252_french_words_no_meta.html": (english_news(*FRENCH_WORDS), "cp1252"),
        "gbk_xml_decl.xhtml": ('<?xml version="1.0" encoding="GBK"?>\n' + page(ZH_HANS), "gbk"),
    }
    out = {name: (text, text.encode(codec)) for name, (text, codec) in pages.items()}
    text = page(EN + " " + JA, meta("utf-8"))
    out["utf16le_bom.html"] = (text, codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    out["utf8_bom_meta_gbk.html"] = (
        page(ZH_HANS, meta("gbk")),
        codecs.BOM_UTF8 + page(ZH_HANS, meta("gbk")).encode(),
    )
    return out


def main() -> None:
    for name, (_, data) in build().items():
        (HERE / name).write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
