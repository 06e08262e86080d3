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
from analyst_app.store.errors import CaseError

EPILOG = (
    "Passphrase: THREADLINE_PASSPHRASE, else the OS keyring (for cases you chose to remember), "
    "else a prompt. The demo case's passphrase is 'demo'."
)


def _global_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--version", action="version", version=f"Threadline {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the demo case")
    parser.add_argument(
        "--screenshot", metavar="F.png", help="with --demo: render the window to F.png and exit"
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    # The verbs' modules import the store, importers and rules: only a verb pays for them.
    from analyst_app.cli import (
        brief_command,
        case_commands,
        chart_command,
        demo_command,
        export_command,
        flags_command,
        import_command,
    )

    parser = _global_options(
        argparse.ArgumentParser(
            prog="threadline",
            description=(
                "Threadline: offline link charts, timelines and briefs for trafficking cases."
            ),
            epilog=EPILOG,
        )
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


def _parse(argv: Sequence[str] | None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """Opening the window (no verb) skips building the verbs' parsers and their imports,
    half a second of an analyst's start; anything else goes through the full parser."""
    argv = list(sys.argv[1:] if argv is None else argv)
    window = _global_options(argparse.ArgumentParser(prog="threadline", add_help=False))
    args, rest = window.parse_known_args(argv)
    if not rest:
        args.verb = None
        return window, args
    parser = build_parser()
    return parser, parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    parser, args = _parse(argv)
    if args.screenshot and not args.demo:
        parser.error("--screenshot needs --demo")
    try:
        if args.verb is None:
            return _open_gui(args)
        status: int = args.run(args)
        return status
    except KeyboardInterrupt:
        print(
            "threadline: interrupted; the case is as it was after the last completed step.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:
        return _report(exc)


def _report(exc: Exception) -> int:
    """One sentence for the user; a traceback only when THREADLINE_DEBUG asks for it."""
    from analyst_app.records import RecordError
    from analyst_app.schema.loader import SchemaError

    if isinstance(exc, CaseError | RecordError | SchemaError):
        print(f"threadline: {exc}", file=sys.stderr)
        return 1
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"threadline: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 1
    if os.environ.get("THREADLINE_DEBUG"):  # last line of defence: never a traceback for a user
        raise exc
    print(
        f"threadline: unexpected problem ({type(exc).__name__}); "
        "set THREADLINE_DEBUG=1 to see the details.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
