"""Bundle benchmark (issue 10): the air-gapped bundle's size and start-up times.

Measures an already built bundle (`scripts/build-bundle` makes dist/threadline/):

- size: the files' total (what a copy to removable media carries) and disk use (`du`);
- `threadline --version` (the executable, the Python runtime and the CLI, no Qt), cold and warm;
- `threadline --demo --screenshot`: the first run, which builds the demo case through the
  importers, then cold and warm starts that open the existing demo case, draw the window and exit.

"Cold" means the bundle's own files were dropped from the page cache first (posix_fadvise
DONTNEED on each file, which needs no root); the system's libraries and fonts stay cached, as
they would on a workstation that has been up for a while. Each run gets a clean environment and
a fresh home folder, as in tests/test_bundle.py. Goal: under 200 MB.

Run: `.venv/bin/python bench/bundle.py [--bundle dist/threadline] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drop_from_page_cache(folder: Path) -> int:
    """Ask the kernel to forget the cached pages of every file in the bundle; return the count."""
    count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                count += 1
            finally:
                os.close(fd)
    return count


def clean_env(home: Path) -> dict[str, str]:
    for sub in ("config", "data", "cache", "runtime"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "runtime").chmod(0o700)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }


def timed(exe: Path, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [str(exe), *args], env=env, cwd=env["HOME"], capture_output=True, text=True, timeout=600
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"bench/bundle.py: {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "threadline")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = args.bundle / "threadline"
    if not exe.exists():
        sys.exit(f"bench/bundle.py: no bundle at {args.bundle}; run scripts/build-bundle first")

    files = [p for p in args.bundle.rglob("*") if p.is_file() or p.is_symlink()]
    total = sum(p.lstat().st_size for p in files)
    du = subprocess.run(["du", "-sk", str(args.bundle)], capture_output=True, text=True, check=True)
    print(f"bundle: {args.bundle}")
    on_disk = int(du.stdout.split()[0]) / 1024
    print(f"  size: {total / 2**20:.1f} MB in {len(files)} files; on disk {on_disk:.1f} MB")
    print("  goal: under 200 MB")

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        env = clean_env(Path(tmp) / "home")
        shot = Path(tmp) / "window.png"
        results: dict[str, list[float]] = {}

        def measure(label: str, argv: list[str], cold: bool) -> None:
            for _ in range(args.runs):
                if cold:
                    drop_from_page_cache(args.bundle)
                results.setdefault(label, []).append(timed(exe, argv, env))

        measure("--version, cold", ["--version"], cold=True)
        measure("--version, warm", ["--version"], cold=False)
        drop_from_page_cache(args.bundle)
        first = timed(exe, ["--demo", "--screenshot", str(shot)], env)
        measure("--demo --screenshot, cold", ["--demo", "--screenshot", str(shot)], cold=True)
        measure("--demo --screenshot, warm", ["--demo", "--screenshot", str(shot)], cold=False)

    print(f"  --demo --screenshot, first run (builds the demo case): {first:.2f} s")
    for label, times in results.items():
        print(
            f"  {label}: median {statistics.median(times):.2f} s"
            f" (min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)"
        )


if __name__ == "__main__":
    main()
