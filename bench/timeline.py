"""Timeline benchmark (issue 6): a million events over 50 lanes, and 10,000 for reference.

Two parts, each in its own process so memory figures are its own:
- `widget`: events generated as numpy arrays and handed to the widget's data layer
  (`LaneEvents.build` -> `TimelineWidget.set_events`), already in time order (unsorted
  input costs one more numpy argsort inside `build`; `core` times the store path),
  then load, full-span render, and pan/zoom steps timed offscreen. Targets: load
  < 0.5 s, full render < 30 ms, pan or zoom step < 33 ms, extra memory < 300 MB.
- `core`: a real encrypted case written with executemany (raw SQL, as an importer's
  writer would, skipping per-record validation), then the core aggregations timed:
  heat map, histograms, activity, and loading lanes from the case.
- `gui`: the same real case opened in a TimelineWidget and a HeatMapWidget, which read it
  on the thread pool: the time from a reload request to the lanes shown (and from a
  selection change to new heat-map counts), and the longest stall of the GUI thread
  meanwhile, seen as the longest gap between ticks of a 10 ms QTimer. Target: no stall
  over ~100 ms (the team rule), whatever the load takes.

Run: `.venv/bin/python bench/timeline.py [--events N ...] [--part widget|core|gui|all]`
(`both` = widget and core, the default; `gui` builds its own case, a minute or two at 1M).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LANES = 50
START = 1_704_067_200.0  # 2024-01-01T00:00:00Z
SPAN = 365 * 86_400.0


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def generate(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Events with lanes of very different activity (Zipf-like), daily rhythm and bursts."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, LANES + 1) ** 0.8
    lane = rng.choice(LANES, size=n, p=weights / weights.sum()).astype(np.int32)
    day = rng.integers(0, 365, n) * 86_400.0
    hour = np.clip(rng.normal(14, 5, n), 0, 23.99) * 3600.0
    t = START + day + hour
    kind = rng.choice(5, size=n, p=[0.45, 0.3, 0.15, 0.06, 0.04]).astype(np.int8)
    amount = np.where(kind == 2, rng.lognormal(6, 1.5, n), np.nan)
    # Pre-sorted: this part measures the widget, not numpy's argsort (see the docstring).
    order = np.argsort(t)
    return {"t": t[order], "lane": lane[order], "kind": kind[order], "amount": amount[order]}


def measure(label: str, fn: object, repeat: int = 1) -> float:
    """Median wall time in ms; CPU time beside it, since this machine is often shared
    (wall time then includes waiting for a CPU, which a workstation would not)."""
    times, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    value = statistics.median(times) * 1000
    note = f" (median of {repeat})" if repeat > 1 else ""
    print(f"  {label:<48} {value:8.1f} ms wall {statistics.median(cpu) * 1000:8.1f} ms cpu{note}")
    return value


def widget_part(n: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from analyst_app.timeline import LaneEvents
    from widgets.timeline import TimelineWidget

    app = QApplication.instance() or QApplication([])
    data = generate(n)
    base = rss_mb()
    widget = TimelineWidget(None, None)
    widget.resize(1400, 700)
    widget.show()
    app.processEvents()
    print(f"widget, {n:,} events over {LANES} lanes (numpy arrays into the data layer)")
    out: dict[str, float] = {}
    lanes = [f"lane:{i}" for i in range(LANES)]

    def load() -> None:
        events = LaneEvents.build(
            lanes, lanes, data["t"], data["lane"], data["kind"], data["amount"]
        )
        widget.set_events(events)
        app.processEvents()

    out["load_ms"] = measure("load into the widget (sort + bin + first draw)", load)
    widget.fit()
    app.processEvents()

    def render() -> None:
        widget.redraw()  # recount and redraw, not just repaint
        widget.graphics.grab()

    out["render_ms"] = measure("full-span render (offscreen paint)", render, repeat=9)
    if os.environ.get("BENCH_PNG"):
        widget.grab().save(f"{os.environ['BENCH_PNG']}-{n}-full.png")
    plot = widget.plot_view()
    lo, hi = plot.viewRange()[0]
    width = hi - lo
    steps: list[float] = []
    cpu: list[float] = []
    for i in range(20):  # pan right 5% of the view per step, then zoom in and out
        began, began_cpu = time.perf_counter(), time.process_time()
        if i < 10:
            plot.setXRange(lo + width * 0.05 * (i + 1), hi + width * 0.05 * (i + 1), padding=0)
        else:
            factor = 0.7 if i < 15 else 1 / 0.7
            a, b = plot.viewRange()[0]
            mid = (a + b) / 2
            plot.setXRange(mid - (b - a) * factor / 2, mid + (b - a) * factor / 2, padding=0)
        widget.render_now()
        steps.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    out["step_ms_median"] = statistics.median(steps)
    out["step_cpu_ms_median"] = statistics.median(cpu)
    out["step_ms_max"] = max(steps)
    label = "pan/zoom step (update + paint), median of 20"
    print(
        f"  {label:<48} {out['step_ms_median']:8.1f} ms wall {statistics.median(cpu):8.1f} ms cpu"
    )
    label = "pan/zoom step, worst of 20"
    print(f"  {label:<48} {out['step_ms_max']:8.1f} ms wall {max(cpu):8.1f} ms cpu")
    # Zoomed to a few hours: individual glyphs are drawn; pan an hour per step.
    day = START + 100 * 86_400
    plot.setXRange(day, day + 6 * 3600, padding=0)
    widget.render_now()
    shift = iter(range(1, 100))

    def glyph_step() -> None:
        k = next(shift) * 3600
        plot.setXRange(day + k, day + 6 * 3600 + k, padding=0)
        widget.render_now()

    out["glyph_step_ms"] = measure("pan step at 6-hour zoom (glyphs drawn)", glyph_step, 9)
    out["glyph_mode"] = float(widget.showing_glyphs())
    print(f"  {'glyphs drawn at that zoom':<48} {sum(len(i.data) for i in widget.scatters):8d}")
    if os.environ.get("BENCH_PNG"):
        widget.grab().save(f"{os.environ['BENCH_PNG']}-{n}-day.png")
    out["extra_mb"] = rss_mb() - base
    print(f"  {'extra memory (RSS after - before)':<48} {out['extra_mb']:8.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak RSS of this process':<48} {peak:8.1f} MB")
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return out


def build_case(path: Path, n: int) -> None:
    """A real encrypted case, rows written with executemany inside one audited write."""
    from analyst_app.store import Case
    from analyst_app.timeline import KINDS

    data = generate(n)
    case = Case.create(path, "bench", {"time_zone": "America/Chicago"})
    now = "2026-01-01T00:00:00Z"
    stamps = np.datetime_as_string(data["t"].astype("datetime64[s]"), unit="s")
    with case.write("bench rows", {"events": n}) as conn:
        conn.executemany(
            "INSERT INTO entities (id, type, label, created_at, updated_at) VALUES (?,?,?,?,?)",
            [
                (f"phone:+1312555{i:04d}", "Phone", f"+1312555{i:04d}", now, now)
                for i in range(LANES + 1)
            ],
        )
        rows = (
            (
                f"event:{i}",
                KINDS[int(data["kind"][i])],
                stamps[i] + "Z",
                "",
                json.dumps({"amount": f"{data['amount'][i]:.2f}"})
                if data["kind"][i] == 2
                else "{}",
                now,
                now,
            )
            for i in range(n)
        )
        conn.executemany(
            "INSERT INTO events (id, type, start_utc, label, properties, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?)",
            rows,
        )
        links = (
            (f"event:{i}", f"phone:+1312555{int(data['lane'][i]):04d}", "caller") for i in range(n)
        )
        conn.executemany("INSERT INTO event_entities VALUES (?,?,?)", links)
        others = ((f"event:{i}", f"phone:+1312555{LANES:04d}", "callee") for i in range(0, n, 3))
        conn.executemany("INSERT INTO event_entities VALUES (?,?,?)", others)
    case.close()


def core_part(n: int) -> dict[str, float]:
    from analyst_app import timeline as tl
    from analyst_app.store import Case

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.case"
        began = time.perf_counter()
        build_case(path, n)
        print(f"core, {n:,} events in a real case (built in {time.perf_counter() - began:.1f} s)")
        with Case.open(path, "bench") as case:
            lane_ids = [f"phone:+1312555{i:04d}" for i in range(5)]
            tl.heatmap(case)  # warm the page cache once, as an open app would be
            out["heatmap_ms"] = measure(
                "heatmap, whole case (America/Chicago)", lambda: tl.heatmap(case), 3
            )
            out["heatmap_sel_ms"] = measure(
                "heatmap, 5 busiest lanes", lambda: tl.heatmap(case, lane_ids), 3
            )
            out["hist_ms"] = measure(
                "histogram, 200 equal bins", lambda: tl.histogram(case, bins=200), 3
            )
            out["hist_day_ms"] = measure(
                "histogram, local days", lambda: tl.histogram(case, bins="day"), 3
            )
            out["lanes_ms"] = measure(
                "lane_histogram, 5 lanes x weeks",
                lambda: tl.lane_histogram(case, lane_ids, bins="week"),
            )
            out["activity_ms"] = measure("activity, top 20", lambda: tl.activity(case, 20), 3)
            out["gaps_ms"] = measure(
                "gaps + bursts of the busiest lane",
                lambda: (tl.gaps(case, lane_ids[0]), tl.bursts(case, lane_ids[0])),
            )
            out["load_lanes_ms"] = measure(
                "lane_events from the case, 50 lanes (all events)",
                lambda: tl.lane_events(case, [f"phone:+1312555{i:04d}" for i in range(LANES)]),
            )
    return out


class Ticks:
    """A 10 ms QTimer on the GUI thread; the longest gap between its ticks is the longest
    time the GUI thread could not answer (paint, a click, a key)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))

    def __enter__(self) -> Ticks:
        self.times = [time.perf_counter()]
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()
        self.times.append(time.perf_counter())

    def longest_ms(self) -> float:
        return max(b - a for a, b in zip(self.times, self.times[1:], strict=False)) * 1000


def wait_for(signal: object, timeout_s: float = 600.0) -> float:
    """Run the event loop until `signal` fires; seconds waited."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    began = time.perf_counter()
    loop.exec()
    signal.disconnect(loop.quit)  # type: ignore[attr-defined]
    return time.perf_counter() - began


def gui_part(n: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from analyst_app.store import Case
    from widgets.selection import SelectionModel
    from widgets.timeline import HeatMapWidget, TimelineWidget

    app = QApplication.instance() or QApplication([])
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.case"
        began = time.perf_counter()
        build_case(path, n)
        print(f"gui, {n:,} events in a real case (built in {time.perf_counter() - began:.1f} s)")
        with Case.open(path, "bench") as case:
            selection = SelectionModel()
            everyone = [f"phone:+1312555{i:04d}" for i in range(LANES)]
            # The first load: the busiest entities are counted first (activity), on a
            # cold page cache, as when a case has just been opened. Building the widget
            # is GUI-thread work of its own, timed apart; the load starts inside it.
            began = time.perf_counter()
            widget = TimelineWidget(case, selection)
            widget.resize(1400, 700)
            widget.show()
            built = (time.perf_counter() - began) * 1000
            with Ticks() as ticks:
                wait_for(widget.loaded)
            first = (time.perf_counter() - began) * 1000
            out["build_widget_ms"], out["first_ms"] = built, first
            out["first_stall_ms"] = ticks.longest_ms()
            print(f"  {'widget built and shown (GUI thread)':<48} {built:8.1f} ms")
            print(f"  {'first lanes after opening (12 busiest, cold)':<48} {first:8.1f} ms")
            stall = ticks.longest_ms()
            print(f"  {'  longest GUI-thread stall meanwhile':<48} {stall:8.1f} ms")

            def timed(label: str, key: str, start: object, signal: object) -> None:
                with Ticks() as ticks:
                    began = time.perf_counter()
                    start()  # type: ignore[operator]
                    request_ms = (time.perf_counter() - began) * 1000
                    wait_for(signal)
                    shown = (time.perf_counter() - began) * 1000
                out[f"{key}_ms"], out[f"{key}_stall_ms"] = shown, ticks.longest_ms()
                print(f"  {label:<48} {shown:8.1f} ms to shown")
                print(
                    f"  {'  longest GUI-thread stall meanwhile':<48} {ticks.longest_ms():8.1f} ms"
                )
                print(f"  {'  the request itself (GUI thread)':<48} {request_ms:8.1f} ms")

            timed(
                f"reload: {LANES} lanes, all {n:,} events",
                "reload_all",
                lambda: widget.reload(everyone),
                widget.loaded,
            )
            out["events_shown"] = float(widget.events.distinct())
            timed(
                "selection of 5 phones -> their lanes",
                "select5",
                lambda: selection.set(set(everyone[:5]), origin="bench"),
                widget.loaded,
            )
            heat = HeatMapWidget(case, selection)
            heat.resize(900, 330)
            heat.show()
            wait_for(heat.loaded)
            selection.clear(origin="bench")
            wait_for(widget.loaded)
            wait_for(heat.loaded) if heat.loading() else None
            timed(
                "heat map, whole case after a brush",
                "heat",
                lambda: heat.set_time_window("2024-02-01T00:00:00Z", "2024-11-01T00:00:00Z"),
                heat.loaded,
            )
            # Cancel: how soon the widget is free again after Cancel is clicked mid-load.
            widget.reload(everyone)
            wait_for(widget.panel.cancel_button.clicked, 0.5)  # let the read get going
            began = time.perf_counter()
            widget.panel.cancel_button.click()
            out["cancel_ms"] = (time.perf_counter() - began) * 1000
            print(f"  {'cancel click handled (GUI thread)':<48} {out['cancel_ms']:8.1f} ms")
            began = time.perf_counter()
            QThreadPool.globalInstance().waitForDone()
            out["cancel_worker_ms"] = (time.perf_counter() - began) * 1000
            label = "worker stopped after the cancel"
            print(f"  {label:<48} {out['cancel_worker_ms']:8.1f} ms")
            widget.close()
            heat.close()
            app.processEvents()
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, nargs="*", default=[1_000_000, 10_000])
    parser.add_argument("--part", choices=("widget", "core", "gui", "both", "all"), default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n = args.events[0]
        runs = {"widget": widget_part, "core": core_part, "gui": gui_part}
        result = runs[args.part](n)
        print("RESULT " + json.dumps(result))
        return
    parts = {"both": ("widget", "core"), "all": ("widget", "core", "gui")}.get(
        args.part, (args.part,)
    )
    for n in args.events:
        for part in parts:
            subprocess.run(
                [sys.executable, __file__, "--child", "--part", part, "--events", str(n)],
                check=True,
            )


if __name__ == "__main__":
    main()
