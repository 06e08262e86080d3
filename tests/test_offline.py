"""No code path opens a socket: run the CLI with every way out of the machine made to raise."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from analyst_app.cli.main import main


class NetworkUsed(AssertionError):
    pass


# The window's process: every way out refused before anything of ours is imported.
WINDOW_OFFLINE = """
import socket, sys

def refuse(*args, **kwargs):
    raise AssertionError(f"network call with {args!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import widgets.app

sys.exit(widgets.app.run(demo=True, screenshot=sys.argv[1]))
"""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"network call with {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_cli_verbs_work_with_the_network_refused(
    no_network: None,
    case_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("THREADLINE_PASSPHRASE", "offline")
    case = str(case_path)
    assert main(["new", case]) == 0
    assert main(["add", case, "--type", "Person", "--label", "Nadia Offline"]) == 0
    assert main(["add", case, "--type", "Email", "--label", "n@example.org"]) == 0
    assert main(["search", case, "nadia", "--json"]) == 0
    assert main(["stats", case, "--json"]) == 0
    assert main(["verify", case]) == 0
    assert main(["formats"]) == 0
    assert "Nadia Offline" in capsys.readouterr().out


def test_core_imports_no_network_client() -> None:
    import subprocess
    import sys

    code = (
        "import sys, analyst_app.cli.main, analyst_app.store, analyst_app.keys, importers\n"
        "bad = [m for m in ('requests', 'urllib3', 'httpx', 'aiohttp', 'PySide6', 'widgets')"
        " if m in sys.modules]\n"
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_demo_import_search_and_window_work_with_the_network_refused(
    no_network: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """demo -> import -> flags -> chart -> brief -> the window, all in this process, offline."""
    import json

    from analyst_app.demo.build import DEMO_PASSPHRASE, demo_case_path

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    demo = demo_case_path()  # where `--demo` looks, under the isolated XDG_DATA_HOME
    demo.parent.mkdir(parents=True)
    assert main(["demo", str(demo), "--json"]) == 0  # raw files -> the importers -> the case
    report = json.loads(capsys.readouterr().out)
    assert {i["format"] for i in report["imports"]} >= {"cdr", "bank", "ads", "ufdr", "tips"}
    raw = Path(report["raw_dir"])

    monkeypatch.setenv("THREADLINE_PASSPHRASE", "offline")
    fresh = str(tmp_path / "fresh.case")
    assert main(["new", fresh]) == 0
    capsys.readouterr()
    assert main(["import", fresh, str(raw / "tips.csv"), str(raw / "cdr.csv"), "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["failed"] == 0 and all(f["imported_rows"] for f in imported["files"])

    monkeypatch.setenv("THREADLINE_PASSPHRASE", DEMO_PASSPHRASE)
    victim = json.loads((raw / "ground_truth.json").read_text())["victims"][0]["name"]
    assert main(["stats", str(demo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entities"]["Person"] > 0
    assert main(["search", str(demo), victim.split()[-1], "--json"]) == 0
    assert victim in capsys.readouterr().out
    assert main(["verify", str(demo)]) == 0
    capsys.readouterr()
    assert main(["flags", str(demo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"]
    chart = tmp_path / "chart.png"
    assert main(["chart", str(demo), "-o", str(chart)]) == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    brief = tmp_path / "brief.pdf"
    assert main(["brief", str(demo), "-o", str(brief)]) == 0
    assert brief.read_bytes()[:5] == b"%PDF-" and victim.encode() not in brief.read_bytes()
    capsys.readouterr()

    # The window on the demo case, as `threadline --demo --screenshot` draws it, in a
    # process of its own with the same refusals: a QApplication run to its end inside the
    # test process would leave Qt's state behind for the tests after this one.
    from PySide6.QtGui import QImage

    shot = tmp_path / "window.png"
    window = subprocess.run(
        [sys.executable, "-c", WINDOW_OFFLINE, str(shot)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert window.returncode == 0, window.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 700
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
    }
    assert len(colours) > 2  # text was drawn, not a blank window


_CLIENTS = r"(?:requests|urllib3|httpx|aiohttp|socket|http\.client|urllib\.request)\b"
NETWORK_CLIENT = re.compile(
    rf"^\s*import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*{_CLIENTS}"  # import a, socket
    rf"|^\s*from\s+{_CLIENTS}"  # from socket import ...
    r"|^\s*from\s+http\s+import\s+(?:.*\b)?client\b"
    r"|^\s*from\s+urllib\s+import\s+(?:.*\b)?request\b"
    rf"|(?:import_module|__import__)\(\s*[\"']{_CLIENTS}",
    re.MULTILINE,
)


def test_no_product_module_imports_a_network_client() -> None:
    root = Path(__file__).resolve().parent.parent
    sources = [
        p for pkg in ("analyst_app", "importers", "widgets") for p in (root / pkg).rglob("*.py")
    ]
    assert len(sources) > 20
    hits = [
        f"{path.relative_to(root)}:{text[: m.start()].count(chr(10)) + 1}: {m.group(0).strip()}"
        for path in sources
        for text in [path.read_text(encoding="utf-8")]
        for m in NETWORK_CLIENT.finditer(text)
    ]
    assert not hits, "network client imports in the product:\n" + "\n".join(hits)


def test_the_network_client_pattern_catches_what_it_should() -> None:
    for line in (
        "import requests",
        "import socket",
        "from urllib.request import urlopen",
        "    import http.client",
        "from http import client",
        "import urllib3.util",
        "from urllib import parse, request",
        "importlib.import_module('httpx')",
        "import os, socket",
        "import json as j, aiohttp",
        "__import__('urllib3')",
    ):
        assert NETWORK_CLIENT.search(line), line
    for line in (
        "import socketserver_like_name_is_fine_not",
        "from urllib.parse import quote",
        "# requests are queued",
        "import importers.requests_log",
        "import os, socketserver",
        "from importers import socket_free",
    ):
        assert not NETWORK_CLIENT.search(line), line
