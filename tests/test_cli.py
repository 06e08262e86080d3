"""The command line is a contract: verbs, --json shapes and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analyst_app.cli.main import build_parser
from tests.conftest import run_cli

README = Path(__file__).resolve().parent.parent / "README.md"


def _verbs() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "verb")
    return list(action.choices)  # type: ignore[arg-type]


def test_every_verb_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for verb in _verbs():
        assert re.search(rf"^threadline {verb}\b", readme, re.MULTILINE) or re.search(
            rf"\| {verb} CASE", readme
        ), verb


@pytest.mark.parametrize("verb", _verbs())
def test_every_verb_has_help(verb: str) -> None:
    result = run_cli(verb, "--help")
    assert result.returncode == 0 and "usage: threadline " + verb in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("frobnicate",),
        ("stats",),
        ("add", "x.case"),
        ("search", "x.case"),
        ("add", "x.case", "--type", "Person", "--status", "maybe"),
        ("--screenshot", "x.png"),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_round_trip_and_json_shapes(case_path: Path) -> None:
    assert run_cli("new", str(case_path), "--number", "24-77", "--region", "GB").returncode == 0
    person = run_cli(
        "add",
        str(case_path),
        "--type",
        "Person",
        "--label",
        "Ivo Placeholder",
        "--role",
        "suspect",
        "--prop",
        "alias=Ivo",
        "--prop",
        "alias=Big I",
    )
    assert person.returncode == 0 and person.stdout.startswith("person:")
    phone = run_cli("add", str(case_path), "--type", "Phone", "--label", "020 7946 0018")
    assert phone.stdout.strip() == "phone:+442079460018"  # the case's region is GB
    bad = run_cli("add", str(case_path), "--type", "Phone", "--label", "12")
    assert bad.returncode == 1 and "not a possible phone number" in bad.stderr

    stats = json.loads(run_cli("stats", str(case_path), "--json").stdout)
    assert stats == {
        "entities": {"Person": 1, "Phone": 1},
        "links": {},
        "events": {},
        "sources": 0,
        "quarantined": 0,
    }
    found = json.loads(run_cli("search", str(case_path), "big i", "--json").stdout)
    assert found["count"] == 1 and found["results"][0]["label"] == "Ivo Placeholder"
    assert set(found["results"][0]) == {"id", "kind", "type", "label", "snippet"}
    verified = run_cli("verify", str(case_path), "--json")
    assert verified.returncode == 0
    report = json.loads(verified.stdout)
    assert report["ok"] and report["audit_entries"] == 3  # create, two adds; the bad add none


def test_formats_json_is_one_object() -> None:
    result = run_cli("formats", "--json")
    assert result.returncode == 0 and isinstance(json.loads(result.stdout)["formats"], list)
