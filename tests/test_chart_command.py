"""`threadline chart` through the real CLI on the demo case, and saved views in the core."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from defusedxml import ElementTree
from PySide6.QtGui import QImage, QUndoStack
from pytestqt.qtbot import QtBot

from analyst_app.demo.build import DEMO_PASSPHRASE
from analyst_app.graph import build_graph, layout
from analyst_app.graph.views import (
    SavedView,
    ViewError,
    delete_view,
    list_views,
    load_view,
    save_view,
)
from analyst_app.store import Case
from analyst_app.store.audit import verify_chain
from tests.conftest import run_cli
from widgets.chart import ChartWidget
from widgets.chart.export import render
from widgets.selection import SelectionModel

RECRUITER_PHONE = "phone:+13125550123"


def colours(path: Path) -> int:
    image = QImage(str(path))
    assert not image.isNull()
    seen = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    return len(seen)


def test_png_of_the_whole_demo_case(demo_case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    done = run_cli(
        "chart", str(demo_case_file), "-o", str(out), "--whole", "--json",
        passphrase=DEMO_PASSPHRASE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    with Case.open(demo_case_file, DEMO_PASSPHRASE) as case:
        chart = build_graph(case)
    assert report["entities"] == len(chart.nodes)
    assert report["links"] == len(chart.edges)
    assert report["scope"] == "whole"
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)
    assert colours(out) > 50  # not blank: discs of many colours, lines, text
    assert not list(tmp_path.glob("*.part"))


def test_in_process_render_has_one_item_per_entity(
    qtbot: QtBot, demo_case_file: Path, tmp_path: Path
) -> None:
    with Case.open(demo_case_file, DEMO_PASSPHRASE) as case:
        result = render(case, tmp_path / "focus.png", focus=RECRUITER_PHONE, depth=2)
        chart = build_graph(case, focus=RECRUITER_PHONE, depth=2)
    assert result.entities == len(chart.nodes) > 20
    assert colours(result.path) > 30


def test_svg_of_a_focused_chart(demo_case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    done = run_cli(
        "chart", str(demo_case_file), "-o", str(out), "--focus", RECRUITER_PHONE,
        "--depth", "1", "--layout", "peacock", passphrase=DEMO_PASSPHRASE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "entities" in done.stdout
    root = ElementTree.parse(out).getroot()
    assert root.tag.endswith("svg")
    text = out.read_text()
    assert "+13125550123" in text  # the focus is labelled
    assert text.count("<circle") + text.count("<ellipse") > 10


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--layout", "spiral"], "There is no layout 'spiral'"),
        (["--focus", "phone:+10000000000"], "No entity 'phone:+10000000000'"),
        (["--depth", "-1"], "--depth must be"),
    ],
)
def test_bad_requests_are_one_sentence(
    demo_case_file: Path, tmp_path: Path, extra: list[str], says: str
) -> None:
    out = tmp_path / "chart.png"
    done = run_cli("chart", str(demo_case_file), "-o", str(out), *extra, passphrase=DEMO_PASSPHRASE)
    assert done.returncode == 1
    assert done.stderr.startswith(f"threadline: {says}")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not out.exists()


def test_bad_extension_and_missing_folder(demo_case_file: Path, tmp_path: Path) -> None:
    for out in (tmp_path / "chart.jpg", tmp_path / "nowhere" / "chart.png"):
        done = run_cli("chart", str(demo_case_file), "-o", str(out), passphrase=DEMO_PASSPHRASE)
        assert done.returncode == 1
        assert done.stderr.startswith("threadline: ") and "Traceback" not in done.stderr
        assert not out.exists()


def test_runs_without_a_display(demo_case_file: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    out = tmp_path / "chart.png"
    done = run_cli(
        "chart", str(demo_case_file), "-o", str(out), "--focus", RECRUITER_PHONE,
        passphrase=DEMO_PASSPHRASE, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000


# -- saved views ---------------------------------------------------------------------------


def test_views_save_load_list_delete_audited(case: Case) -> None:
    view = SavedView(
        name="Ring",
        positions={"phone:+13125550123": (1.5, -2.25)},
        hidden=["a"],
        pinned=["phone:+13125550123"],
        style={"colour_by": "community"},
        focus=["phone:+13125550123"],
        depth=2,
    )
    saved = save_view(case, view)
    assert saved.created_at and saved.created_at == saved.updated_at
    again = load_view(case, "Ring")
    assert again.positions == view.positions
    assert (again.hidden, again.pinned, again.style) == (view.hidden, view.pinned, view.style)
    assert (again.focus, again.depth) == (view.focus, 2)
    save_view(case, SavedView(name="Ring", positions={}))
    assert load_view(case, "Ring").positions == {}
    assert load_view(case, "Ring").created_at == saved.created_at
    save_view(case, SavedView(name="All"))
    assert list_views(case) == ["All", "Ring"]
    delete_view(case, "Ring")
    assert list_views(case) == ["All"]
    with pytest.raises(ViewError, match="no saved view called 'Ring'"):
        load_view(case, "Ring")
    with pytest.raises(ViewError, match="view name"):
        save_view(case, SavedView(name="  "))
    actions = [r[0] for r in case.conn.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions.count("save chart view") == 3 and actions.count("delete chart view") == 1
    assert verify_chain(case.conn).intact


def test_widget_view_round_trip_and_cli(qtbot: QtBot, demo_case_copy: Path, tmp_path: Path) -> None:
    case = Case.open(demo_case_copy, DEMO_PASSPHRASE)
    try:
        widget = ChartWidget(case, SelectionModel(), QUndoStack())
        qtbot.addWidget(widget)
        widget.load(build_graph(case, focus=RECRUITER_PHONE, depth=1))
        scene = widget.chart_scene
        some = sorted(scene.items_by_id)[:2]
        widget.hide_ids(some[:1])
        widget.pin_ids(some[1:])
        scene.move({RECRUITER_PHONE: (1000.0, 1000.0)})
        widget.save_view("Recruiter")
        widget.load(build_graph(case), layout_name="grid")
        widget.open_view("Recruiter")
        assert scene.positions()[RECRUITER_PHONE] == (1000.0, 1000.0)
        assert scene.hidden == set(some[:1]) and scene.pinned() == set(some[1:])
        assert set(scene.items_by_id) == set(build_graph(case, focus=RECRUITER_PHONE).nodes)
        widget.undo_stack.undo()
        assert len(scene.items_by_id) == len(build_graph(case).nodes)
    finally:
        case.close()
    out = tmp_path / "view.png"
    done = run_cli(
        "chart", str(demo_case_copy), "-o", str(out), "--view", "Recruiter", "--json",
        passphrase=DEMO_PASSPHRASE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Case.open(demo_case_copy, DEMO_PASSPHRASE) as case:
        total = len(build_graph(case, focus=RECRUITER_PHONE).nodes)
    assert json.loads(done.stdout)["entities"] == total - 1  # one hidden
    missing = run_cli(
        "chart", str(demo_case_copy), "-o", str(out), "--view", "Nope", passphrase=DEMO_PASSPHRASE
    )
    assert missing.returncode == 1
    assert "no saved view called 'Nope' (saved views: Recruiter)" in missing.stderr


def test_layout_positions_are_what_is_drawn(qtbot: QtBot, demo_case_file: Path) -> None:
    with Case.open(demo_case_file, DEMO_PASSPHRASE) as case:
        chart = build_graph(case, focus=RECRUITER_PHONE, depth=1)
        widget = ChartWidget(case, SelectionModel(), QUndoStack())
        qtbot.addWidget(widget)
        widget.load(chart, layout_name="circular")
        assert widget.chart_scene.positions() == layout(chart, "circular")


def test_the_command_line_knows_every_layout_without_importing_networkx() -> None:
    from analyst_app.cli.chart_command import LAYOUT_NAMES
    from analyst_app.graph import LAYOUTS

    assert tuple(LAYOUTS) == LAYOUT_NAMES
