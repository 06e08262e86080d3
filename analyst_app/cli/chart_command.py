"""`threadline chart`: draw a case's link chart to PNG or SVG without a window.

The drawing is the Qt chart's own scene (widgets.chart.export), imported by name so the
core never depends on Qt; the offscreen platform is chosen when none is set, so it runs
on a server or in CI with no display.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from analyst_app import keys
from analyst_app.store import Case, CaseError

# The names of analyst_app.graph.LAYOUTS, spelled out so that building the parser for any
# verb does not import networkx (tests/test_chart_command.py checks they agree).
LAYOUT_NAMES = ("force", "circular", "hierarchical", "grouped", "peacock", "grid")
LARGEST = 16_384  # pixels a side: QImage's practical limit, and already a poster


def _check(args: argparse.Namespace) -> None:
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise CaseError(f"The chart can be written as .png or .svg, not {suffix or 'no suffix'!r}.")
    if args.layout not in LAYOUT_NAMES:
        raise CaseError(
            f"There is no layout {args.layout!r}; choose one of {', '.join(LAYOUT_NAMES)}."
        )
    if args.depth < 0 or args.depth > 6:
        raise CaseError("--depth must be from 0 to 6.")
    for side in (args.width, args.height):
        if not 200 <= side <= LARGEST:
            raise CaseError(f"--width and --height must be from 200 to {LARGEST:,} pixels.")


def cmd_chart(args: argparse.Namespace) -> int:
    _check(args)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    exporter = importlib.import_module("widgets.chart.export")
    path = Path(args.case)
    with Case.open(path, keys.obtain(path)) as case:
        result: Any = exporter.render(
            case,
            Path(args.output),
            layout_name=args.layout,
            focus=args.focus,
            depth=args.depth,
            width=args.width,
            height=args.height,
            seed=args.seed,
            view=args.view,
            whole=args.whole,
        )
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"Wrote {result.path}: {result.entities:,} entities, {result.links:,} links.")
    return 0


def register(verbs: Any) -> None:
    parser = verbs.add_parser(
        "chart",
        help="draw the link chart to PNG or SVG",
        description="draw the link chart (whole case, or around --focus) to PNG or SVG",
    )
    parser.add_argument("case", metavar="CASE", help="path of the case file")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.png or OUT.svg")
    parser.add_argument("--layout", default="force", help=f"one of {', '.join(LAYOUT_NAMES)}")
    parser.add_argument("--focus", metavar="ID", help="chart this entity and its neighbours")
    parser.add_argument("--depth", type=int, default=1, help="hops out from --focus (default 1)")
    parser.add_argument("--view", metavar="NAME", help="draw a view saved in the case")
    parser.add_argument(
        "--whole",
        action="store_true",
        help="draw every entity (default: suspects, victims, findings and their strongest ties)",
    )
    parser.add_argument("--width", type=int, default=1920, help="pixels (default 1920)")
    parser.add_argument("--height", type=int, default=1080, help="pixels (default 1080)")
    parser.add_argument("--seed", type=int, default=0, help="layout seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=cmd_chart)
