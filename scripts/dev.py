#!/usr/bin/env python3
"""Set up the project's own virtual environment and run the app or the tests.

Why a script and not a Makefile: the README promises two commands that work on a
fresh machine with nothing but Python 3.11+, on Linux, macOS or Windows alike.

    python3 scripts/dev.py app      # set up, then open the app on the demo case
    python3 scripts/dev.py test     # set up, then run the whole test suite
    python3 scripts/dev.py check    # set up, then ruff, mypy and import-linter

The environment lives in `.venv/` beside the repository and is rebuilt only when
`pyproject.toml` changes (a stamp file records its hash).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".threadline-installed"


def _venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def _requirements_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> Path:
    """Create `.venv` and install the project with its test extras, once per pyproject."""
    python = _venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = _requirements_hash()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing Threadline and its dependencies into .venv ...", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(wanted)
    return python


# The followthemoney package checks our FtM export, but it pins networkx<3.5, which the
# app's own environment cannot take; so it lives in a small environment of its own.
FTM_CHECKER = VENV / "checkers" / "followthemoney"
FTM_VERSION = "followthemoney==3.8.2"


def ensure_ftm_checker() -> Path | None:
    """A separate venv with followthemoney, for tests/test_export.py; None if it can't be made."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    python = FTM_CHECKER / scripts / ("python.exe" if os.name == "nt" else "python")
    stamp = FTM_CHECKER / ".installed"
    if stamp.exists() and stamp.read_text().strip() == FTM_VERSION:
        return python
    print(f"Installing {FTM_VERSION} into {FTM_CHECKER} to check exports ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(FTM_CHECKER)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q", "install"]
    if subprocess.run([*pip, FTM_VERSION]).returncode != 0:
        print("Could not install followthemoney; its export check will be skipped.", flush=True)
        return None
    stamp.write_text(FTM_VERSION)
    return python


def _run(argv: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(argv, cwd=ROOT, env=env).returncode


def main(args: list[str]) -> int:
    verb = args[0] if args else "app"
    python = ensure_environment()
    bindir = python.parent
    if verb == "app":
        return _run([str(bindir / "threadline"), "--demo", *args[1:]])
    if verb == "test":
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        checker = ensure_ftm_checker()
        if checker is not None:
            env["THREADLINE_FTM_PYTHON"] = str(checker)
        return _run([str(python), "-m", "pytest", *args[1:]], env=env)
    if verb == "check":
        status = 0
        status |= _run([str(python), "-m", "ruff", "check", "."])
        status |= _run([str(python), "-m", "ruff", "format", "--check", "."])
        status |= _run([str(python), "-m", "mypy"])
        status |= _run([str(bindir / "lint-imports")])
        return status
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
