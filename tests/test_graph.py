"""The link chart's core: graph building from a real case, analysis, layouts.

Cases are real encrypted case files written through the store; analysis is checked
against networkx (the reference) and against values another tool stored in a sample file.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from analyst_app.graph import (
    EVENT,
    LAYOUTS,
    ChartGraph,
    all_paths,
    betweenness,
    build_graph,
    closeness,
    common_neighbours,
    communities,
    components,
    degree,
    edge_events,
    eigenvector,
    hierarchical,
    incremental,
    layout,
    membership,
    neighbours,
    ranked,
    shortest_path,
)
from analyst_app.model import Entity, Event, Link
from analyst_app.store import Case
from analyst_app.store.editing import add_records
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
P = [f"phone:+1312555010{i}" for i in range(8)]
HANDSET = "imei:490154203237518"
SHARED_HANDSET = "imei:356938035643809"


def phone(index: int) -> Entity:
    return Entity(type="Phone", label=P[index].removeprefix("phone:"))


def call(a: str, b: str, when: str, **extra: str) -> Event:
    return Event(type="Call", start=when, participants=[("caller", a), ("callee", b)], **extra)


def at(day: int, hour: int) -> str:
    return f"2024-02-{day:02d}T{hour:02d}:00:00Z"


@pytest.fixture
def small(case: Case) -> Case:
    """P0 and P1 call each other 120 times (70 one way, 50 back) over Feb 1-20; a chain
    P1 - P2 - P3 - P4 of single calls; P0's handset is in its calls (as in P0's carrier
    records) and P2-P3's call names a handset the record does not attribute; a boss
    controls P0 by a link and is an associate of P5."""
    records: list[Entity | Event | Link] = [phone(i) for i in range(6)]
    for handset in (HANDSET, SHARED_HANDSET):
        records.append(Entity(type="Device", label=handset.removeprefix("imei:")))
    records.append(Entity(type="Person", id="person:boss", label="Boss", role="suspect"))
    for i in range(120):
        day, hour = 1 + i // 6, (i % 6) * 3
        a, b = (P[0], P[1]) if i % 12 < 7 else (P[1], P[0])
        event = call(a, b, at(day, hour))
        event.participants.append(("device", HANDSET))
        records.append(event)
    for hour in range(3):
        event = call(P[0], P[5], at(25, hour))
        event.participants.append(("device", HANDSET))
        records.append(event)
    shared = call(P[2], P[3], at(22, 10))
    shared.participants.append(("device", SHARED_HANDSET))
    records += [
        call(P[1], P[2], at(21, 10)),
        shared,
        call(P[3], P[4], "2024-03-05T10:00:00Z"),
        Link(type="controls", source_id="person:boss", target_id=P[0], status="confirmed"),
        Link(type="associate", source_id="person:boss", target_id=P[5]),
    ]
    result = add_records(case, records)
    assert result.rejected == []
    return case


def test_many_calls_fold_into_one_weighted_edge(small: Case) -> None:
    chart = build_graph(small)
    calls = [e for e in chart.edges_between(P[0], P[1]) if e.kind == EVENT]
    assert len(calls) == 1
    edge = calls[0]
    assert (edge.count, edge.weight, edge.label) == (120, 120.0, "120 calls")
    assert (edge.forward, edge.backward) == (70, 50) and not edge.directed
    assert (edge.first, edge.last) == (at(1, 0), at(20, 15))
    assert len(edge_events(small, edge)) == 120
    assert chart.graph.edges[P[0], P[1]]["weight"] == 120.0
    one_way = next(e for e in chart.edges_between(P[1], P[2]) if e.kind == EVENT)
    assert one_way.directed and (one_way.source, one_way.target) == (P[1], P[2])


def test_links_and_handsets_become_edges(small: Case) -> None:
    chart = build_graph(small)
    control = chart.edges_between("person:boss", P[0])[0]
    assert (control.kind, control.type, control.directed) == ("link", "controls", True)
    assert control.status == "confirmed" and control.label == "controls / recruited"
    associate = chart.edges_between("person:boss", P[5])[0]
    assert not associate.directed and associate.status == "unconfirmed"
    # P0 is in all 123 events naming the handset, P1 in 120 of them: the handset is P0's
    handset = chart.edges_of(HANDSET)
    assert [(e.source, e.kind, e.count) for e in handset] == [(P[0], "context", 123)]
    assert handset[0].label == "used handset · 123"
    assert chart.nodes[P[0]].degree == 4  # P1, P5, the handset, the boss
    # one call between P2 and P3: either may hold the handset, so no edge is drawn
    assert chart.edges_of(SHARED_HANDSET) == []
    assert chart.nodes[SHARED_HANDSET].degree == 0


def test_money_flows_from_payer_to_payee(case: Case) -> None:
    account, boss = "account:770012345678", "person:boss"
    records = [
        Entity(type="Account", label="770012345678"),
        Entity(type="Person", id=boss, label="Boss"),
    ]
    for amount in ("100.50", "200.00"):
        records.append(
            Event(
                type="Transaction",
                start=at(3, 9),
                properties={"amount": amount, "currency": "USD", "direction": "debit"},
                participants=[("account", account), ("counterparty", boss)],
            )
        )
    add_records(case, records)
    (edge,) = build_graph(case).edges
    assert (edge.source, edge.target, edge.directed) == (account, boss, True)
    assert (edge.amount, edge.currency) == (300.5, "USD")
    assert edge.label == "2 transactions · 300.50 USD"


def test_focus_and_depth(small: Case) -> None:
    assert set(build_graph(small, focus=P[2], depth=0).nodes) == {P[2]}
    assert set(build_graph(small, focus=P[2], depth=1).nodes) == {P[1], P[2], P[3]}
    two = build_graph(small, focus=P[2], depth=2)
    assert set(two.nodes) == {P[0], P[1], P[2], P[3], P[4]}
    assert two.edges_between(P[0], P[1])  # edges among the reached entities are shown
    selection = build_graph(small, focus=[P[4], "person:boss"], depth=1)
    assert set(selection.nodes) == {P[3], P[4], "person:boss", P[0], P[5]}
    assert set(build_graph(small, focus=iter([P[4]]), depth=1).nodes) == {P[3], P[4]}
    assert len(build_graph(small, focus=[])) == 0
    with pytest.raises(KeyError, match="no entity"):
        build_graph(small, focus="phone:+19999999999")


def test_time_filter(small: Case) -> None:
    # Feb 1-5 in the case's time zone (UTC here): days 1 to 5 whole, 6 calls a day
    edge = build_graph(small, start="2024-02-01", end="2024-02-05").edges_between(P[0], P[1])
    folded = next(e for e in edge if e.kind == EVENT)
    assert folded.count == 30 and folded.last == at(5, 15)
    chart = build_graph(small, start="2024-02-01", end="2024-02-05")
    assert len(edge_events(small, folded, chart)) == 30 and len(edge_events(small, folded)) == 120
    march = build_graph(small, start="2024-03-01T00:00:00Z")
    assert [(e.source, e.target) for e in march.edges if e.kind == EVENT] == [(P[3], P[4])]
    # links are standing relationships: not time-filtered
    assert march.edges_between("person:boss", P[0])
    # the depth walk goes only through calls in the range
    assert set(build_graph(small, focus=P[4], depth=3, end="2024-02-28").nodes) == {P[4]}


def test_type_status_and_grade_filters(small: Case) -> None:
    phones = build_graph(small, types={"Phone"})
    assert {n.type for n in phones.nodes.values()} == {"Phone"}
    confirmed = build_graph(small, statuses={"confirmed"})
    assert [e.type for e in confirmed.edges] == []  # entities are unconfirmed, so no ends
    kept = build_graph(small, focus="person:boss", depth=1, statuses={"confirmed"})
    assert set(kept.nodes) == {"person:boss"}  # a focus entity stays whatever the filter
    small.conn.execute("UPDATE entities SET source_grade = 'E', info_grade = '5'")
    assert len(build_graph(small, min_source="B")) == 0
    assert len(build_graph(small, min_source="E", min_info="5")) == len(build_graph(small))
    with pytest.raises(ValueError, match="source grade"):
        build_graph(small, min_source="Z")


def _karate() -> nx.Graph:
    g = nx.karate_club_graph()
    return nx.relabel_nodes(g, {n: f"k{n:02d}" for n in g})


def _two_cliques() -> nx.Graph:
    g = nx.Graph()
    left, right = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    for group in (left, right):
        g.add_edges_from((u, v) for i, u in enumerate(group) for v in group[i + 1 :])
    g.add_edge("a0", "b0")
    g.add_edges_from([("x1", "x2"), ("x2", "x3")])
    g.add_node("lonely")
    return g


@pytest.mark.parametrize("graph", [_karate(), _two_cliques(), nx.les_miserables_graph()])
def test_igraph_fast_path_equals_networkx(graph: nx.Graph) -> None:
    def close(a: dict[str, float], b: dict[str, float], tol: float = 1e-9) -> bool:
        return a.keys() == b.keys() and all(math.isclose(a[k], b[k], abs_tol=tol) for k in a)

    for normalized in (True, False):
        reference = betweenness(graph, engine="networkx", normalized=normalized)
        assert close(reference, betweenness(graph, engine="igraph", normalized=normalized))
        for k in (1, 5, len(graph) - 1, len(graph) + 3):
            sampled = {"k": k, "seed": 7, "normalized": normalized}
            ours = betweenness(graph, engine="igraph", **sampled)
            theirs = betweenness(graph, engine="networkx", **sampled)
            assert ours.keys() == theirs.keys()
            assert all(math.isclose(ours[n], theirs[n], abs_tol=1e-9) or
                       (math.isnan(ours[n]) and math.isnan(theirs[n])) for n in ours)  # fmt: skip
    assert close(closeness(graph, engine="networkx"), closeness(graph, engine="igraph"))
    if nx.is_connected(graph):
        reference = eigenvector(graph, engine="networkx")
        assert close(reference, eigenvector(graph, engine="igraph"), tol=1e-6)


def test_betweenness_matches_networkx_unnormalized_reference() -> None:
    g = _karate()
    assert betweenness(g, normalized=False) == pytest.approx(
        nx.betweenness_centrality(g, normalized=False)
    )


@pytest.mark.samples
@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_betweenness_matches_the_values_stored_in_the_quakers_sample(engine: str) -> None:
    path = SAMPLES / "gexf" / "kiara_quakers.gexf"
    if not path.exists():
        pytest.skip(f"{path} is absent (shared samples not checked out)")
    g = nx.read_gexf(path)
    chart = ChartGraph.from_networkx(g)
    ours = betweenness(chart, engine=engine)
    assert len(ours) == 119
    for node, data in g.nodes(data=True):
        assert ours[node] == pytest.approx(data["betweenness"], abs=1e-12)
        assert degree(chart)[node] == data["degree"]


def test_paths_and_neighbours(small: Case) -> None:
    chart = build_graph(small)
    path = shortest_path(chart, "person:boss", P[4])
    assert path == nx.shortest_path(chart.graph, "person:boss", P[4])
    assert path == ["person:boss", P[0], P[1], P[2], P[3], P[4]]
    assert shortest_path(chart, P[0], P[0]) == [P[0]]
    g = _two_cliques()
    assert shortest_path(g, "a1", "x1") is None
    paths = all_paths(g, "a1", "b1", cutoff=3)
    assert paths[0] == ["a1", "a0", "b0", "b1"] and all(len(p) <= 4 for p in paths)
    assert sorted(map(tuple, paths)) == sorted(
        map(tuple, nx.all_simple_paths(g, "a1", "b1", cutoff=3))
    )
    assert all_paths(g, "a1", "b1", cutoff=2) == []
    assert common_neighbours(g, "a1", "a2") == ["a0", "a3", "a4", "a5"]
    assert common_neighbours(chart, "person:boss", P[1]) == [P[0]]
    assert neighbours(chart, [P[3]], depth=2) == {P[1], P[2], P[3], P[4]}
    with pytest.raises(KeyError):
        shortest_path(chart, P[0], "phone:+19999999999")


def test_components_and_communities_partition_the_chart() -> None:
    g = _two_cliques()
    parts = components(g)
    assert [len(p) for p in parts] == [12, 3, 1]
    for engine in ("networkx", "igraph"):
        groups = communities(g, engine=engine)
        assert sorted(n for group in groups for n in group) == sorted(g)
        assert groups[:2] == [[f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]]
        assert membership(groups)["b3"] == 1
    karate = _karate()
    for engine in ("networkx", "igraph"):
        groups = communities(karate, engine=engine, seed=3)
        assert 2 <= len(groups) <= 6
        assert nx.community.modularity(karate, groups) > 0.35
        assert communities(karate, engine=engine, seed=3) == groups


# -- layouts -------------------------------------------------------------------------------


def _shuffled(g: nx.Graph) -> nx.Graph:
    """The same graph, nodes and edges inserted in another order."""
    out = nx.Graph()
    out.add_nodes_from(sorted(g.nodes(data=True), key=lambda item: item[0][::-1]))
    out.add_edges_from(sorted(g.edges(), key=lambda e: str(e[::-1])))
    return out


def _typed(g: nx.Graph) -> nx.Graph:
    kinds = ("Person", "Phone", "Account")
    for i, node in enumerate(sorted(g)):
        g.nodes[node]["type"] = kinds[i % 3]
    return g


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_layout_places_every_node_the_same_way_every_time(name: str) -> None:
    g = _typed(nx.union(_karate(), _two_cliques()))
    first = layout(g, name, seed=5)
    assert set(first) == set(g)
    assert all(isinstance(v, float) and math.isfinite(v) for xy in first.values() for v in xy)
    assert len(set(first.values())) == len(g)  # no two nodes on the same spot
    assert layout(g, name, seed=5) == first
    assert layout(_shuffled(g), name, seed=5) == first
    chart = ChartGraph.from_networkx(g)
    assert layout(chart, name, seed=5) == first


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts_of_tiny_charts(name: str) -> None:
    assert layout(nx.Graph(), name) == {}
    solo = nx.Graph()
    solo.add_node("solo")
    assert layout(solo, name) == {"solo": (0.0, 0.0)}
    star = nx.star_graph(["hub", "a", "b", "c"])
    pos = layout(star, name)
    assert set(pos) == set(star) and len(set(pos.values())) == 4


_CROSS_PROCESS = """
import json, networkx as nx
from analyst_app.graph import LAYOUTS, layout, communities, betweenness
g = nx.les_miserables_graph()
g.add_edges_from([("x", "y"), ("y", "z")])
print(json.dumps({
    "layouts": {name: layout(g, name, seed=3) for name in sorted(LAYOUTS)},
    "communities": communities(g, engine="igraph", seed=3)
                   + communities(g, engine="networkx", seed=3),
    "betweenness": betweenness(g, k=20, seed=3, engine="igraph"),
}, sort_keys=True))
"""


def test_layouts_are_identical_across_processes() -> None:
    outputs = []
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", _CROSS_PROCESS],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=True,
        )  # fmt: skip
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]["layouts"]["force"]) == 80


def test_seed_changes_the_force_layout() -> None:
    g = _karate()
    assert layout(g, "force", seed=1) != layout(g, "force", seed=2)


def test_incremental_layout_keeps_pins_exactly() -> None:
    g = _karate()
    before = layout(g, "force", seed=1)
    pinned = {n: xy for n, xy in before.items() if n != "k33"}
    pinned["k00"] = (1234.5678901234, -0.1)  # an analyst dragged this one
    g.add_edges_from([("new1", "k00"), ("new2", "new1"), ("far1", "far2")])
    after = incremental(g, pinned, seed=1)
    assert set(after) == set(g)
    assert all(after[n] == xy for n, xy in pinned.items())
    assert math.dist(after["new1"], after["k00"]) < 4 * 80
    assert after == layout(g, "force", seed=1, pinned=pinned)
    # a piece with no pins is set beside the pinned picture, not on top of it
    right = max(x for x, _ in pinned.values())
    assert min(after["far1"][0], after["far2"][0]) > right
    assert incremental(g, {"gone": (0.0, 0.0)}, seed=1) == layout(g, "force", seed=1)


def test_hierarchical_puts_controllers_above(small: Case) -> None:
    chart = build_graph(small, focus="person:boss", depth=2)
    pos = hierarchical(chart)
    assert pos["person:boss"][1] < pos[P[0]][1] < pos[P[1]][1]
    assert pos[P[0]][1] < pos[HANDSET][1]
    rooted = hierarchical(chart, roots=[P[1]])
    assert rooted[P[1]][1] < rooted[P[0]][1] < rooted["person:boss"][1]


def test_a_layout_name_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="layout must be one of"):
        layout(_karate(), "spiral")


# -- the demo case ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analyst_app.demo.build import build_demo_case

    path = tmp_path_factory.mktemp("demo") / "lantern.case"
    build_demo_case(path)
    return path


def test_a_selection_of_every_entity_gives_the_whole_case(demo_case_file: Path) -> None:
    """The selection path (ids through json_each) agrees with the whole-case path."""
    from analyst_app.demo.build import DEMO_PASSPHRASE

    with Case.open(demo_case_file, DEMO_PASSPHRASE) as case:
        whole = build_graph(case)
        ids = [row[0] for row in case.conn.execute("SELECT id FROM entities")]
        selected = build_graph(case, focus=ids, depth=0)
    assert set(selected.nodes) == set(whole.nodes)
    assert sorted(map(sorted, selected.graph.edges())) == sorted(map(sorted, whole.graph.edges()))


@pytest.mark.slow
def test_demo_recruiter_stands_out(demo: Path) -> None:
    from analyst_app.demo.build import DEMO_PASSPHRASE

    truth = json.loads((demo.with_name(demo.name + "-raw") / "ground_truth.json").read_text())
    recruiter = "phone:" + truth["suspects"][0]["phone"]
    assert recruiter == "phone:+13125550123"
    with Case.open(demo, DEMO_PASSPHRASE) as case:
        chart = build_graph(case)
        ring = build_graph(case, focus=recruiter, depth=1)
    top = {n for n, _ in ranked(betweenness(chart), 10)} | {n for n, _ in ranked(degree(chart), 10)}
    assert recruiter in top
    assert ranked(betweenness(chart), 1)[0][0] == recruiter
    victims = {"phone:" + v["phone"] for v in truth["victims"]}
    assert victims <= set(ring.nodes)  # he calls every victim
    calls = [e for e in ring.edges_of(recruiter) if e.type == "Call"]
    assert all(e.count >= 1 and e.label.endswith(("call", "calls")) for e in calls)
    # the whole case: one big network and loose ends, each entity in exactly one piece
    parts = components(chart)
    assert sum(map(len, parts)) == len(chart) and recruiter in parts[0]
    groups = communities(chart)
    assert sorted(n for g in groups for n in g) == sorted(chart.nodes)
    pos = layout(chart, "force")
    assert set(pos) == set(chart.nodes)
