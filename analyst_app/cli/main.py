"""Parse the command line and dispatch; turn user-level problems into one line and exit 1.

Exit status: 0 done, 1 a user-level problem (one sentence on stderr, no traceback),
2 bad usage (argparse's own). `--json` output is one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from analyst_app import __version__
from analyst_app.cli import (
    brief_command,
    case_commands,
    chart_command,
    demo_command,
    export_command,
    flags_command,
    import_command,
)
from analyst_app.records import RecordError
from analyst_app.schema.loader import SchemaError
from analyst_app.store.errors import CaseError

EPILOG = (
    "Passphrase: THREADLINE_PASSPHRASE, else the OS keyring (for cases you chose to remember), "
    "else a prompt. The demo case's passphrase is 'demo'."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="threadline",
        description="Threadline: offline link charts, timelines and briefs for trafficking cases.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"Threadline {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the demo case")
    parser.add_argument(
        "--screenshot", metavar="F.png", help="with --demo: render the window to F.png and exit"
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    case_commands.register(verbs)
    import_command.register(verbs)
    demo_command.register(verbs)
    flags_command.register(verbs)
    chart_command.register(verbs)
    brief_command.register(verbs)
    export_command.register(verbs)
    return parser


def _open_gui(args: argparse.Namespace) -> int:
    # Imported by name so the core never depends on Qt (import-linter checks this).
    gui = importlib.import_module("widgets.app")
    status: int = gui.run(demo=args.demo, screenshot=args.screenshot)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.screenshot and not args.demo:
        parser.error("--screenshot needs --demo")
    try:
        if args.verb is None:
            return _open_gui(args)
        status: int = args.run(args)
        return status
    except (CaseError, RecordError, SchemaError) as exc:
        print(f"threadline: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "threadline: interrupted; the case is as it was after the last completed step.",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"threadline: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 1
    except Exception as exc:  # last line of defence: never a traceback for a user
        if os.environ.get("THREADLINE_DEBUG"):
            raise
        print(
            f"threadline: unexpected problem ({type(exc).__name__}); "
            "set THREADLINE_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
