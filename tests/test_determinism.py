"""The determinism contract (docs/integrations.md): no network, no global state,
no configuration from the working directory or the environment. The same bytes
and options give the same article in every process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ROOT / "examples" / "seed_like.txt",
    ROOT / "examples" / "english_news.txt",
    ROOT / "fixtures" / "pages" / "zh_portal" / "input.html",
    ROOT / "fixtures" / "pages" / "zh_gbk" / "input.html",
    ROOT / "fixtures" / "text" / "gbk_bytes" / "input.bin",
]

# Runs in a fresh interpreter: sockets are disabled before scrubber is imported,
# so any network use would raise; prints one hash per page.
SCRIPT = r"""
import hashlib, socket, sys

def no_network(*args, **kwargs):
    raise RuntimeError("scrubber tried to use the network")

socket.socket.connect = no_network
socket.create_connection = no_network
socket.getaddrinfo = no_network

import scrubber

for path in sys.argv[1:]:
    data = open(path, "rb").read()
    first = scrubber.scrub(data, url="https://news.example.cn/a/1.html").to_json()
    scrubber.scrub("一段无关的文字\n（责任编辑：某某）", url="https://other.example.org/")
    again = scrubber.scrub(data, url="https://news.example.cn/a/1.html").to_json()
    assert first == again, path  # no state carried from one call to the next
    print(hashlib.sha256(first.encode("utf-8")).hexdigest())
"""


def _run(cwd: Path, env: dict[str, str]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, PAGES)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=180, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.split()


def _hostile_dir(path: Path) -> Path:
    """A working directory full of things a library might wrongly read."""
    path.mkdir()
    (path / "scrubber.toml").write_text('[[rule]]\nid = "x"\nreason = "x"\npatterns = [".*"]\n',
                                        encoding="utf-8")
    (path / "pyproject.toml").write_text("[tool.scrubber]\nlang = 'en'\n", encoding="utf-8")
    (path / "rules").mkdir()
    (path / "rules" / "zh.toml").write_text("not toml at all [[[", encoding="utf-8")
    return path


def test_same_bytes_same_article_in_every_process(tmp_path):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "PYTHONHASHSEED", "TZ", "SCRUBBER"))}
    base["PYTHONPATH"] = str(ROOT)
    one = _run(ROOT, {**base, "PYTHONHASHSEED": "1", "LANG": "C.UTF-8", "TZ": "UTC"})
    two = _run(_hostile_dir(tmp_path / "elsewhere"),
               {**base, "PYTHONHASHSEED": "4242", "LANG": "C", "LC_ALL": "C",
                "TZ": "Asia/Shanghai", "HOME": str(tmp_path), "SCRUBBER_LANG": "en",
                "NO_COLOR": "1"})
    assert len(one) == len(PAGES)
    assert one == two

    # ... and the same as in this process
    import scrubber

    here = [hashlib.sha256(scrubber.scrub(p.read_bytes(), url="https://news.example.cn/a/1.html")
                           .to_json().encode("utf-8")).hexdigest() for p in PAGES]
    assert here == one
