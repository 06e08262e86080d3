"""No code path opens a socket: run the CLI with every way out of the machine made to raise."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from analyst_app.cli.main import main


class NetworkUsed(AssertionError):
    pass


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
