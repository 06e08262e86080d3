"""Findings benchmark (issue 7): every rule over the `large` demo case.

The large demo holds about 100,000 bank transactions, 1,000,000 call records and 20,000 ads
(`threadline demo CASE --size large`). Building it through the real importers takes many
minutes, so the built case is cached under /tmp/threadline-bench/ and reused between runs
(`--rebuild` builds it again; the build time is printed when it happens).

Figures printed (not a pass/fail test; targets from the issue: all rules under 30 s and
under 1 GB):
- seconds per rule, wall clock and CPU, and for the shared in-memory tables (transactions,
  calls); on a shared machine the CPU column is the one that compares between runs;
- the whole run, storing the findings (audited), and the indicator tag suggestions;
- peak memory (RSS) of this process, which includes SQLCipher's 256 MiB page cache.
`--dump FILE` writes every finding (id, rule, title, severity, explanation, entities,
evidence, thresholds) as JSON, so an optimisation can be checked to find exactly the same.
Run: `.venv/bin/python bench/findings.py [--case PATH] [--rebuild] [--dump FILE]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyst_app.demo.build import DEMO_PASSPHRASE, build_demo_case  # noqa: E402
from analyst_app.findings import Finding, run_rules, store_findings, suggest_tags  # noqa: E402
from analyst_app.store import Case  # noqa: E402
from analyst_app.store.queries import stats  # noqa: E402

CACHE = Path("/tmp/threadline-bench/large.case")
TARGET_S, TARGET_MB = 30.0, 1024.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dump(finding: Finding) -> dict[str, object]:
    """Everything a finding says except when it ran: two runs must give equal dumps."""
    return {
        "id": finding.id,
        "rule": finding.rule,
        "title": finding.title,
        "severity": finding.severity,
        "explanation": finding.explanation,
        "entities": list(finding.entities),
        "evidence": [e.as_dict() for e in finding.evidence],
        "thresholds": finding.thresholds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=CACHE, help="the built large demo case")
    parser.add_argument("--rebuild", action="store_true", help="build the large case again")
    parser.add_argument("--dump", type=Path, help="write the findings as JSON to this file")
    args = parser.parse_args()
    path: Path = args.case
    if args.rebuild or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"building the large demo case at {path} (once; it is cached) ...", flush=True)
        started = time.perf_counter()
        build_demo_case(path, size="large", replace=True)
        print(f"built in {time.perf_counter() - started:.0f} s")
    with Case.open(path, DEMO_PASSPHRASE) as case:
        counts = stats(case)["events"]
        print(
            f"case: {counts.get('Transaction', 0):,} transactions, "
            f"{counts.get('Call', 0) + counts.get('Message', 0):,} calls and messages, "
            f"{counts.get('AdPost', 0):,} ad posts"
        )
        timings: dict[str, tuple[float, float]] = {}
        started, cpu_started = time.perf_counter(), time.process_time()
        findings = run_rules(case, timings=timings)
        run_s = time.perf_counter() - started
        run_cpu = time.process_time() - cpu_started
        peak_rules = rss_mb()
        started = time.perf_counter()
        store_findings(case, findings)
        store_s = time.perf_counter() - started
        started, cpu_started = time.perf_counter(), time.process_time()
        tags = suggest_tags(case, store=False)
        tags_s = time.perf_counter() - started
        tags_cpu = time.process_time() - cpu_started
    if args.dump:
        args.dump.write_text(json.dumps([dump(f) for f in findings], indent=1, sort_keys=True))
    by_rule = Counter(f.rule for f in findings)
    print(f"{'rule':<22}{'wall s':>9}{'CPU s':>9}{'findings':>10}")
    for rule, (wall, cpu) in timings.items():
        print(f"{rule:<22}{wall:>9.2f}{cpu:>9.2f}{by_rule.get(rule, 0):>10}")
    print(f"{'all rules':<22}{run_s:>9.2f}{run_cpu:>9.2f}{len(findings):>10}"
          f"   target < {TARGET_S:.0f} s")  # fmt: skip
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs: wall time beyond CPU time is "
          "time spent waiting for a CPU shared with other work")  # fmt: skip
    print(f"{'store findings':<22}{store_s:>9.2f}")
    print(f"{'tag suggestions':<22}{tags_s:>9.2f}{tags_cpu:>9.2f}{len(tags):>10}")
    print(f"peak memory (RSS) after the rules: {peak_rules:.0f} MB; at the end: {rss_mb():.0f} MB"
          f"   target < {TARGET_MB:.0f} MB")  # fmt: skip
    ok = run_s < TARGET_S and rss_mb() < TARGET_MB
    print("within targets" if ok else "OVER TARGET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
