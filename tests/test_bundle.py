"""The PyInstaller bundle (app.spec) builds, and runs from its own folder with nothing else.

One build (about a minute) is shared by the tests here. Each command runs the bundle's
`threadline` executable with a clean environment (no PYTHONPATH, no virtualenv, HOME and the
XDG folders in a temporary folder) from a temporary working folder, so neither the checkout
nor the build machine's Python can be what answers.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# Issue 10 asks for under 200 MB; 193 MB measured (236 MB before app.spec shrank Qt's ICU data,
# stood in for QtOpenGL, stripped symbol tables and left out rapidfuzz's AVX2 builds and unused
# stdnum registries). The biggest parts left: Qt with ICU (70 MB), numpy with OpenBLAS (41 MB,
# which cannot be stripped), the Python archive (13 MB), cryptography (11 MB, for the keyring's
# Secret Service session) and SQLCipher with OpenSSL (8 MB). The margin is for growth.
SIZE_LIMIT_MB = 198


@dataclass(frozen=True)
class Bundle:
    folder: Path
    work: Path  # PyInstaller's work folder: its TOC files list what went in
    home: Path
    build_seconds: float
    product: tuple[str, ...]  # the product's modules when the build started

    @property
    def exe(self) -> Path:
        return self.folder / "threadline"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CACHE_HOME": str(self.home / "cache"),
            "XDG_RUNTIME_DIR": str(self.home / "runtime"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        env.update(extra)
        return env

    def run(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.exe), *args],
            capture_output=True,
            text=True,
            env=self.env(**extra_env),
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            timeout=180,
        )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[test]' brings it)")
    if not sys.platform.startswith("linux"):
        pytest.skip("the bundle test runs on Linux (app.spec keeps Linux Qt plugins)")
    base = tmp_path_factory.mktemp("bundle")
    dist, work = base / "dist", base / "work"
    product = tuple(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in ("analyst_app", "importers", "widgets")
        for path in sorted((ROOT / package).rglob("*.py"))
    )
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "app.spec"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-4000:]
    home = base / "home"
    for sub in ("config", "data", "cache", "runtime"):
        (home / sub).mkdir(parents=True)
    (home / "runtime").chmod(0o700)
    yield Bundle(dist / "threadline", work, home, seconds, product)


def _tree_mb(folder: Path) -> float:
    total = sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())
    return total / 2**20


def test_bundle_is_small_and_holds_only_what_the_app_uses(bundle: Bundle) -> None:
    size = _tree_mb(bundle.folder)
    print(f"\nbundle: {size:.0f} MB, built in {bundle.build_seconds:.0f} s")
    assert size < SIZE_LIMIT_MB, f"the bundle is {size:.0f} MB"

    files = [p.relative_to(bundle.folder).as_posix() for p in bundle.folder.rglob("*")]
    internal = "_internal/"
    assert f"{internal}resources/schema/entities/person.yaml" in files
    assert any(f.startswith(f"{internal}resources/specs/") for f in files)
    assert any(f.startswith(f"{internal}resources/grading/") for f in files)
    plugins = {f.rsplit("/", 1)[-1] for f in files if "/Qt/plugins/" in f}
    assert {"libqoffscreen.so", "libqxcb.so", "libqsvg.so"} <= plugins
    assert "libqvnc.so" not in plugins  # a network server
    unwanted = (
        "QtOpenGL",  # scripts/bundle_no_opengl.py stands in for it
        "_avx2.",  # rapidfuzz falls back to its SSE2 builds
        "stdnum/oui.dat",
        "pyqtgraph/icons/peegee/",
        "QtNetwork",
        "QtWebEngine",
        "QtQml",
        "QtQuick",
        "Qt3D",
        "QtMultimedia",
        "/translations/",
        "tkinter",
        "libQt6Network",
    )
    assert not [f for f in files if any(u in f for u in unwanted)]

    # Pure-Python modules live in the PYZ archive; its table of contents names them all.
    modules = (bundle.work / "app" / "PYZ-00.toc").read_text(encoding="utf-8")
    missing = [name for name in bundle.product if f"'{name}'" not in modules]
    assert not missing, f"product modules left out of the bundle: {missing}"
    assert f"{internal}stdnum/iban.dat" in files and f"{internal}stdnum/be/banks.dat" in files
    assert any(f.startswith(f"{internal}rapidfuzz/fuzz_cpp.") for f in files)
    for present in (
        "'phonenumbers.data.region_GB'",
        "'keyring.backends.SecretService'",
        "'stdnum.be.iban'",  # stdnum.iban imports the country checks by computed name
    ):
        assert present in modules, present
    for absent in (
        "'keyrings.",
        "'pytest",
        "'_pytest.",
        "'hypothesis.",
        "'mypy.",
        "'setuptools.",
        "'pip.",
        "'requests.",
        "'phonenumbers.geodata.",
        "'igraph.remote",
        "'ruff",
    ):
        assert absent not in modules, absent


def test_bundle_carries_licences(bundle: Bundle) -> None:
    licences = bundle.folder / "LICENSES"
    notice = (licences / "NOTICE.txt").read_text(encoding="utf-8")
    for component in ("Qt 6", "LGPL-3.0", "SQLCipher", "OpenSSL", "Python", "PyInstaller"):
        assert component in notice, component
    assert (licences / "common" / "SQLCipher-LICENSE.txt").exists()
    assert (licences / "common" / "Python-LICENSE.txt").exists()
    for dist in ("sqlcipher3-", "keyring-", "phonenumbers-", "PyYAML-"):
        folder = next(licences.glob(f"{dist}*"))
        assert any(folder.iterdir()), f"no licence text in {folder.name}"


# Every ICU path QtCore has (collation, case mapping, converters, time-zone names), in locales
# with their own rules. app.spec ships a smaller ICU data library (scripts/bundle_icu.py); Qt
# must answer exactly as it does with the wheel's full one.
ICU_PROBE = """
from PySide6.QtCore import QCollator, QDateTime, QLocale, QStringConverter, QStringDecoder
from PySide6.QtCore import QTimeZone
names = ["Zoë", "zebra", "Émile", "apple", "Ørsted", "Ångström", "Łukasz", "Ćirić", "Ссора"]
for tag in ("en_GB", "de_DE", "sv_SE", "pl_PL", "ru_RU", "tr_TR", "zh_CN", "ar_EG"):
    print(tag, sorted(names, key=QCollator(QLocale(tag)).sortKey))
print(QLocale("tr_TR").toUpper("istanbul"), QLocale("de_DE").toLower("STRASSE"))
print(len(QStringConverter.availableCodecs()))
for name in ("Shift-JIS", "windows-1251", "GB18030", "ISO-8859-2", "EUC-KR", "Big5"):
    print(name, QStringDecoder(name).isValid())
when = QDateTime.fromSecsSinceEpoch(1700000000)
for zone in ("Europe/London", "America/Chicago", "Asia/Kolkata", "Africa/Lagos"):
    tz = QTimeZone(zone.encode())
    for tag in ("en_US", "de_DE", "es_MX", "fr_FR"):
        print(zone, tag, tz.displayName(when, QTimeZone.NameType.LongName, QLocale(tag)))
"""


def test_qt_reads_the_same_from_the_smaller_icu_data(bundle: Bundle) -> None:
    shipped = next(bundle.folder.rglob("libicudata.so.*"))
    wheel = Path(importlib.util.find_spec("PySide6").origin or "").parent / "Qt/lib" / shipped.name
    assert shipped.stat().st_size < wheel.stat().st_size * 0.6, "ICU data was not shrunk"

    def probe(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", ICU_PROBE],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    full = probe()
    # The bundle's library has the wheel's soname, so preloading it replaces the wheel's.
    assert probe(LD_PRELOAD=str(shipped)) == full
    # Sensitive to the data: Swedish collation puts Å after Z, and names come in German.
    swedish = next(line for line in full.splitlines() if line.startswith("sv_SE"))
    assert swedish.index("Ångström") > swedish.index("zebra")
    assert "Mittlere Greenwich-Zeit" in full


def test_formats_from_the_bundle(bundle: Bundle) -> None:
    started = time.monotonic()
    result = bundle.run("formats", "--json")
    print(f"\nthreadline formats: {time.monotonic() - started:.2f} s")
    assert result.returncode == 0, result.stderr
    names = json.dumps(json.loads(result.stdout))
    for name in ("cdr", "bank", "ads", "ufdr", "tips", "community", "worker-voice"):
        assert name in names


def test_demo_then_stats_then_screenshot_from_the_bundle(bundle: Bundle) -> None:
    case = bundle.home / "lantern.case"
    built = bundle.run("demo", str(case), "--json")
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout)
    assert {i["format"] for i in report["imports"]} >= {"cdr", "bank", "ads", "ufdr", "tips"}
    assert all(i["imported_rows"] > 0 for i in report["imports"])

    stats = bundle.run("stats", str(case), "--json", THREADLINE_PASSPHRASE="demo")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert counts["entities"]["Person"] > 0 and counts["events"]["Call"] > 0

    victim = json.loads((Path(report["raw_dir"]) / "ground_truth.json").read_text())["victims"][0]
    found = bundle.run(
        "search", str(case), victim["name"].split()[-1], THREADLINE_PASSPHRASE="demo"
    )
    assert found.returncode == 0 and victim["name"] in found.stdout, found.stderr

    brief = bundle.home / "brief.pdf"
    made = bundle.run("brief", str(case), "-o", str(brief), THREADLINE_PASSPHRASE="demo")
    assert made.returncode == 0, made.stderr
    assert brief.read_bytes()[:5] == b"%PDF-" and b"DejaVu" in brief.read_bytes()
    chart = bundle.home / "chart.svg"
    drawn = bundle.run("chart", str(case), "-o", str(chart), THREADLINE_PASSPHRASE="demo")
    assert drawn.returncode == 0, drawn.stderr
    assert "<svg" in chart.read_text(encoding="utf-8")

    wrong = bundle.run("stats", str(case), THREADLINE_PASSPHRASE="not the passphrase")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr

    # No D-Bus session here, so no OS keyring: a clear refusal. (Were keyrings.alt bundled,
    # its plain-text file backend would have accepted the passphrase.)
    remember = bundle.run("remember", str(case), THREADLINE_PASSPHRASE="demo")
    assert remember.returncode == 1 and "No OS keyring" in remember.stderr, remember.stderr

    # --demo builds its own demo case in the user's data folder on first run, then draws it.
    shots = []
    for attempt in ("first", "second"):
        shot = bundle.home / f"window-{attempt}.png"
        started = time.monotonic()
        result = bundle.run("--demo", "--screenshot", str(shot))
        shots.append((attempt, time.monotonic() - started))
        assert result.returncode == 0, result.stderr
        _assert_drawn(shot)
    print("\n" + ", ".join(f"--demo --screenshot ({a} run): {s:.2f} s" for a, s in shots))


def _assert_drawn(png: Path) -> None:
    """A real PNG of the window with text on it, not a blank or empty image."""
    from PySide6.QtGui import QImage

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 700 and image.height() >= 300
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
    }
    assert len(colours) > 2, "the screenshot is blank"
