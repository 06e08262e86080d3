"""What the chart opens on (the case network), entities kept apart, saved views that
outlive a merge, and "Link…" from the chart's menu: real encrypted cases, real widgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from analyst_app.demo.build import DEMO_PASSPHRASE
from analyst_app.graph import ChartGraph, build_graph, layout
from analyst_app.graph.declutter import overlaps
from analyst_app.graph.overview import case_network, commonplace, network_of, network_summary
from analyst_app.graph.views import SavedView, ViewError, follow_merges, save_view
from analyst_app.model import Entity, Link
from analyst_app.resolution import merge
from analyst_app.store import Case
from analyst_app.store.editing import add_records
from tests.conftest import run_cli
from widgets.chart import ChartWidget
from widgets.chart.export import render
from widgets.link_dialog import LinkDialog
from widgets.selection import SelectionModel

RECRUITER_PHONE = "phone:+13125550123"


def ground_truth(demo_case_file: Path) -> dict[str, list[dict[str, str]]]:
    raw = demo_case_file.with_name(demo_case_file.name + "-raw") / "ground_truth.json"
    data: dict[str, list[dict[str, str]]] = json.loads(raw.read_text())
    return data


def test_the_demo_opens_on_its_ring_not_its_noise(demo: Case, demo_case_file: Path) -> None:
    whole = build_graph(demo)
    net = case_network(demo, whole)
    truth = ground_truth(demo_case_file)
    # The recruiter's phone and every victim's phone are there; the periphery is not.
    phones = {f"phone:{p['phone']}" for p in truth["victims"]} | {RECRUITER_PHONE}
    assert phones <= set(net.nodes)
    assert len(net) < len(whole) / 10
    roles = {n.id for n in whole.nodes.values() if n.role in ("suspect", "victim")}
    assert roles <= set(net.nodes)
    assert net.query["of"] == len(whole)
    # "+N" counts exactly the ties the chart leaves out.
    for node in net.nodes:
        lost = whole.graph.degree(node) - net.graph.degree(node)
        assert net.collapsed.get(node, 0) == lost
    assert sum(net.collapsed.values()) > 0


def test_network_prefers_strong_ties_and_stops_at_most() -> None:
    import networkx as nx

    g = nx.Graph()
    g.add_node("boss", type="Person", label="Boss")
    for i in range(30):
        g.add_edge("boss", f"weak{i:02d}", weight=1.0)
    g.add_edge("boss", "strong", weight=40.0)
    from analyst_app.graph import ChartGraph

    chart = ChartGraph.from_networkx(g)
    net = network_of(chart, ["boss"], first=5, second=0)
    assert "strong" in net.nodes and len(net) == 6
    assert net.collapsed["boss"] == 31 - 5
    assert len(network_of(chart, ["boss"], first=30, second=0, most=10)) == 10


def shops_chart(accounts: int, paid_by: int) -> ChartGraph:
    """`accounts` accounts that all pay a grocer; the first `paid_by` also pay a boss."""
    import networkx as nx

    g = nx.Graph()
    for i in range(accounts):
        g.add_node(f"acct{i:02d}", type="Account", label=f"Account {i}")
        g.add_edge(f"acct{i:02d}", "grocer", weight=30.0)
        if i < paid_by:
            g.add_edge(f"acct{i:02d}", "boss", weight=2.0)
    g.add_node("grocer", type="Organization", label="Corner Grocer")
    g.add_node("boss", type="Account", label="Boss")
    return ChartGraph.from_networkx(g)


def test_everyday_counterparties_stay_out_of_the_network() -> None:
    chart = shops_chart(accounts=40, paid_by=6)
    assert commonplace(chart) == {"grocer"}
    net = network_of(chart, ["acct00", "acct01"])
    # The grocer, the strongest tie of everyone, is left out and named; the boss that a
    # few pay is the tie shown, and brings in the others who pay it.
    assert "grocer" not in net.nodes
    assert {"boss", "acct05"} <= set(net.nodes) and "acct20" not in net.nodes
    assert net.query["common"] == [["grocer", "Corner Grocer"]]
    assert net.collapsed["acct00"] == 1  # the grocer, counted on its badge
    assert "1 everyday counterparty (Corner Grocer)" in network_summary(net)
    # A grocer that is itself a subject is drawn.
    assert "grocer" in network_of(chart, ["acct00", "grocer"]).nodes


def test_a_small_case_boss_is_not_taken_for_a_grocer() -> None:
    # 7 of 12 accounts pay the boss, and all pay the grocer: too few to call commonplace.
    chart = shops_chart(accounts=12, paid_by=7)
    assert commonplace(chart) == set()
    assert "grocer" in network_of(chart, ["acct00"]).nodes


def test_stored_findings_do_not_bury_the_network_in_shops(demo_case_copy: Path) -> None:
    done = run_cli("flags", str(demo_case_copy), "--json", passphrase=DEMO_PASSPHRASE)
    assert done.returncode == 0, done.stderr
    with Case.open(demo_case_copy, DEMO_PASSPHRASE) as case:
        whole = build_graph(case)
        net = case_network(case, whole)
    left_out = {label for _, label in net.query["common"]}
    assert {"Fresh Market (fictional)", "Example Properties LLC (fictional)"} <= left_out
    shops = {n for n, d in whole.nodes.items() if d.label in left_out}
    assert not shops & set(net.nodes)
    # Measured: 231 entities and 1,002 links with the shops, 190 and 433 without.
    assert len(net.nodes) < 200 and len(net.edges) < 500
    money = {
        e["id"]
        for f in json.loads(done.stdout)["findings"]
        if f["rule"] in ("F12", "F13", "F17")
        for e in f["entities"]
    }
    assert money <= set(net.nodes)


def test_a_case_without_subjects_opens_whole(case: Case) -> None:
    add_records(case, [Entity(type="Phone", label="+13125550100")])
    whole = build_graph(case)
    assert set(case_network(case, whole).nodes) == set(whole.nodes)


def test_force_layout_keeps_entities_apart_and_is_deterministic(demo: Case) -> None:
    net = case_network(demo)
    first = layout(net, "force", seed=0)
    assert overlaps(first, net.graph) == 0
    assert layout(net, "force", seed=0) == first
    whole = build_graph(demo)
    assert overlaps(layout(whole, "force", seed=3), whole.graph) == 0


def test_cli_draws_the_network_by_default(demo_case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.png"
    done = run_cli(
        "chart", str(demo_case_file), "-o", str(out), "--json", passphrase=DEMO_PASSPHRASE
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    with Case.open(demo_case_file, DEMO_PASSPHRASE) as case:
        net = case_network(case)
    assert report["scope"] == "network"
    assert report["entities"] == len(net.nodes)
    assert report["links"] == len(net.edges)
    image = QImage(str(out))
    seen = {image.pixel(x, y) for x in range(0, 1920, 7) for y in range(0, 1080, 7)}
    assert len(seen) > 50


# -- saved views after a merge ------------------------------------------------------------


def people(case: Case) -> tuple[str, str, str]:
    """Two records of one man (to be merged) and a phone the second one uses."""
    add_records(
        case,
        [
            Entity(type="Person", id="person:a", label="Victor P.", role="suspect"),
            Entity(type="Person", id="person:b", label="Victor Placeholder", role="suspect"),
            Entity(type="Phone", label="+13125550123"),
            Link(type="uses", source_id="person:b", target_id=RECRUITER_PHONE),
        ],
    )
    return "person:a", "person:b", RECRUITER_PHONE


def test_a_view_around_a_merged_entity_follows_the_merge(case: Case, tmp_path: Path) -> None:
    a, b, phone = people(case)
    save_view(case, SavedView(name="Victor", positions={b: (0.0, 0.0)}, focus=[b], depth=1))
    merge(case, a, b)  # b is folded into a
    assert follow_merges(case, [b, phone, "person:nobody"]) == {
        b: a,
        phone: phone,
        "person:nobody": None,
    }
    done = render(case, tmp_path / "v.png", view="Victor")
    assert done.entities == 2  # a (who b became) and b's phone
    # Its saved place went to the survivor.
    from analyst_app.graph.views import load_view

    assert load_view(case, "Victor").current(case).positions == {a: (0.0, 0.0)}


def test_a_view_whose_focus_is_gone_says_so(case: Case, tmp_path: Path) -> None:
    from analyst_app.store.edits_more import delete_entity

    _, b, _ = people(case)
    save_view(case, SavedView(name="Gone", focus=[b], depth=1))
    delete_entity(case, b)
    with pytest.raises(ViewError, match="no longer in this case"):
        render(case, tmp_path / "g.png", view="Gone")


def test_open_view_in_the_widget_after_a_merge(qtbot: QtBot, case: Case) -> None:
    a, b, phone = people(case)
    save_view(case, SavedView(name="Victor", positions={b: (5.0, 5.0)}, focus=[b], depth=1))
    merge(case, a, b)
    widget = ChartWidget(case, SelectionModel(), QUndoStack())
    qtbot.addWidget(widget)
    widget.open_view("Victor")
    assert set(widget.chart.nodes) == {a, phone}
    assert widget.chart_scene.positions()[a] == (5.0, 5.0)


# -- Link… from the chart ----------------------------------------------------------------


def test_link_from_the_chart_menu_is_one_undo_step(qtbot: QtBot, case: Case) -> None:
    a, b, _ = people(case)
    selection = SelectionModel()
    widget = ChartWidget(case, selection, QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.load()
    menu = widget.context_menu()
    link = widget.actions_by_name["link"]
    assert link in menu.actions() and not link.isEnabled()  # nothing selected yet
    selection.set([a, b], None)
    menu = widget.context_menu()
    assert link.isEnabled()
    link.trigger()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, LinkDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialog = dialogs[0]
    texts = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    dialog.kind.setCurrentIndex(next(i for i, t in enumerate(texts) if "associate" in t.lower()))
    before = len(widget.chart.edges)
    dialog.accept()
    assert widget.undo_stack.count() == 1
    assert widget.chart.edges_between(a, b)  # the chart shows the new link
    assert len(widget.chart.edges) == before + 1
    assert build_graph(case).edges_between(a, b)
    widget.undo_stack.undo()
    assert not build_graph(case).edges_between(a, b)
    assert not widget.chart.edges_between(a, b)
    widget.undo_stack.redo()
    assert widget.chart.edges_between(a, b)


def test_separate_moves_only_what_overlaps_and_never_a_pin() -> None:
    import networkx as nx

    from analyst_app.graph.declutter import separate

    g = nx.Graph()
    g.add_nodes_from(["a", "b", "c", "far"], label="x")
    g.add_edges_from([("a", "b"), ("b", "c")])
    stacked = {"a": (0.0, 0.0), "b": (0.0, 0.0), "c": (1.0, 0.0), "far": (900.0, 900.0)}
    apart = separate(stacked, g, fixed={"a"})
    assert apart["a"] == (0.0, 0.0) and apart["far"] == (900.0, 900.0)
    assert overlaps(apart, g) == 0
    assert separate(stacked, g, fixed={"a"}) == apart  # deterministic
    spaced = {n: (300.0 * i, 0.0) for i, n in enumerate(sorted(stacked))}
    assert separate(spaced, g) == spaced  # nothing overlaps: nothing moves


def test_the_widget_opens_on_the_network_with_badges_and_can_show_all(
    qtbot: QtBot, demo: Case
) -> None:
    widget = ChartWidget(demo, SelectionModel(), QUndoStack())
    qtbot.addWidget(widget)
    widget.load()
    net = widget.chart
    assert "network" in net.query
    items = widget.chart_scene.items_by_id
    assert {n: items[n].more for n in items if items[n].more} == net.collapsed
    menu = widget.context_menu()
    assert widget.actions_by_name["whole"] in menu.actions()
    with qtbot.waitSignal(widget.laidOut, timeout=30_000):
        widget.actions_by_name["whole"].trigger()
    assert len(widget.chart) == len(build_graph(demo))
    assert not any(item.more for item in widget.chart_scene.items_by_id.values())
    widget.undo_stack.undo()
    assert set(widget.chart.nodes) == set(net.nodes)
    # Expanding an entity with ties not drawn brings them in and lowers its count.
    hub = max(net.collapsed, key=lambda n: (net.collapsed[n], n))
    added = widget.expand([hub])
    assert added and widget.chart.collapsed.get(hub, 0) == 0
