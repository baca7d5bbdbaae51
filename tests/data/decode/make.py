"""Generate the byte fixtures for tests/test_decode.py.

Run ``python tests/data/decode/make.py`` to (re)write the files next to this script.
All sentences were written for these tests; they are not copied from any web page.
``build()`` is also imported by the tests, which check the committed files match it.
"""

from __future__ import annotations

import codecs
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
