"""Shared fixtures: real encrypted case files in a temporary folder, isolated user folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analyst_app.store import Case

# Widgets render offscreen even when pytest is run by hand without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "correct horse battery staple"
SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the real user's config, keyring index and data folders."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("THREADLINE_ANALYST", "analyst.test")
    monkeypatch.delenv("THREADLINE_PASSPHRASE", raising=False)


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "operation-lantern.case"


@pytest.fixture
def case(case_path: Path) -> Iterator[Case]:
    opened = Case.create(case_path, PASSPHRASE, {"case_number": "24-TEST-001"})
    yield opened
    opened.close()  # a no-op when the test closed it already


@pytest.fixture(scope="session")
def demo_case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case, built once per run through the real importers (passphrase "demo").

    Shared by every test that asks for it: open it read-only, or use `demo_case_copy`
    to change it. Its raw files and ground_truth.json are in `<file>-raw/`.
    """
    from analyst_app.demo.build import build_demo_case

    path = tmp_path_factory.mktemp("demo-shared") / "operation-lantern.case"
    build_demo_case(path)
    return path


@pytest.fixture
def demo_case_copy(demo_case_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo case that a test may change."""
    copy = tmp_path / demo_case_file.name
    shutil.copy2(demo_case_file, copy)
    for suffix in ("-wal", "-shm"):
        side = demo_case_file.with_name(demo_case_file.name + suffix)
        if side.exists():
            shutil.copy2(side, copy.with_name(copy.name + suffix))
    return copy


def run_cli(
    *args: str,
    passphrase: str | None = PASSPHRASE,
    prefix: tuple[str, ...] = (),
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `threadline` entry point in a child process."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("THREADLINE_PASSPHRASE", None)
    if passphrase is not None:
        full_env["THREADLINE_PASSPHRASE"] = passphrase
    return subprocess.run(
        [*prefix, sys.executable, "-m", "analyst_app.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def without_root_powers() -> tuple[str, ...]:
    """A command prefix under which file permissions apply even to root."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permission bits cannot be tested")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search")


@pytest.fixture
def demo(demo_case_file: Path) -> Iterator[Case]:
    """The shared demo case, open (read it only: `demo_case_copy` is for changing it)."""
    case = Case.open(demo_case_file, "demo")
    yield case
    case.close()


@pytest.fixture
def window(qtbot: Any, case: Case) -> Iterator[Any]:
    """A workbench window on the empty `case`, shown (its late views still to come)."""
    from widgets.main_window import MainWindow

    shown = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    shown.close()
