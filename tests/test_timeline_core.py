"""Timeline core: heat map, histograms, activity, gaps and bursts over real encrypted cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analyst_app import timeline as tl
from analyst_app.model import Entity, Event
from analyst_app.store import Case, CaseError
from analyst_app.store.editing import add_records

PHONE_A, PHONE_B, HANDSET = "phone:+13125550101", "phone:+13125550102", "imei:353681196664890"


def _entities() -> list[Entity]:
    return [
        Entity("Phone", properties={"number": "+13125550101"}),
        Entity("Phone", properties={"number": "+13125550102"}),
        Entity("Device", properties={"imei": "353681196664890"}),
    ]


def _calls(times: list[str | None], *, device: bool = False) -> list[Event]:
    calls = []
    for t in times:
        who = [("caller", PHONE_A), ("callee", PHONE_B)]
        calls.append(
            Event("Call", start=t, participants=[*who, *([("device", HANDSET)] if device else [])])
        )
    return calls


def _add(case: Case, times: list[str | None], **kw: bool) -> None:
    result = add_records(case, [*_entities(), *_calls(times, **kw)])
    assert not result.rejected, result.rejected


def _independent_grid(starts: list[str], zone: str) -> list[list[int]]:
    """Each event converted on its own with zoneinfo: the slow, obvious way."""
    grid = [[0] * 24 for _ in range(7)]
    for s in starts:
        here = datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
        grid[here.weekday()][here.hour] += 1
    return grid


def test_heatmap_equals_an_independent_sql_count_on_the_demo_case(demo_case_file: Path) -> None:
    with Case.open(demo_case_file, "demo") as case:
        zone = case.settings["time_zone"]
        assert zone == "America/Chicago"
        starts = [
            r[0]
            for r in case.conn.execute("SELECT start_utc FROM events WHERE start_utc IS NOT NULL")
        ]
        whole = tl.heatmap(case)
        assert [list(day) for day in whole.counts] == _independent_grid(starts, zone)
        assert whole.total == len(starts) > 5000
        assert whole.business_hours == ("09:00", "21:00")
        assert 0 < whole.after_hours < whole.total

        busy = [row[0] for row in tl.activity(case, 3)]
        picked = [
            r[0]
            for r in case.conn.execute(
                "SELECT start_utc FROM events WHERE start_utc IS NOT NULL AND id IN"
                " (SELECT event_id FROM event_entities WHERE entity_id IN (?, ?, ?))",
                busy,
            )
        ]
        some = tl.heatmap(case, busy)
        assert [list(day) for day in some.counts] == _independent_grid(picked, zone)
        assert some.total == len(picked) < whole.total


def test_heatmap_places_events_either_side_of_chicago_dst_changes(case: Case) -> None:
    case.update_settings(time_zone="America/Chicago")
    _add(
        case,
        [
            "2024-03-10T07:30:00Z",  # 01:30 CST, Sunday, before spring-forward
            "2024-03-10T08:30:00Z",  # 03:30 CDT: 02:xx never happened that night
            "2024-11-03T06:30:00Z",  # 01:30 CDT, Sunday, first pass
            "2024-11-03T07:30:00Z",  # 01:30 CST, the repeated hour
            "2024-11-03T08:30:00Z",  # 02:30 CST
            "2024-07-01T14:00:00Z",  # 09:00 CDT Monday (UTC-5 in summer)
            "2024-01-01T14:00:00Z",  # 08:00 CST Monday (UTC-6 in winter)
        ],
    )
    counts = tl.heatmap(case).counts
    sunday, monday = counts[6], counts[0]
    assert sunday[1] == 3 and sunday[2] == 1 and sunday[3] == 1
    assert monday[9] == 1 and monday[8] == 1
    assert sum(map(sum, counts)) == 7
    spring = tl.heatmap(case, start_utc="2024-03-10T00:00:00Z", end_utc="2024-03-11T00:00:00Z")
    assert spring.counts[6][1] == 1 and spring.counts[6][2] == 0 and spring.counts[6][3] == 1


def test_a_zone_with_a_half_hour_offset_lands_in_the_right_hour(case: Case) -> None:
    case.update_settings(time_zone="Asia/Kolkata")
    _add(case, ["2024-05-06T00:45:00Z", "2024-05-06T00:15:00Z"])  # 06:15 and 05:45 IST
    counts = tl.heatmap(case).counts
    assert counts[0][6] == 1 and counts[0][5] == 1


def test_untimed_events_are_counted_not_dropped(case: Case) -> None:
    _add(case, ["2024-05-06T12:00:00Z", None, None, "2024-05-07T12:00:00Z"])
    heat = tl.heatmap(case)
    assert (heat.total, heat.untimed) == (2, 2)
    assert tl.heatmap(case, [PHONE_A]).untimed == 2
    assert tl.heatmap(case, ["phone:+19999999999"]).untimed == 0
    lanes = tl.lane_events(case, [PHONE_A, PHONE_B])
    assert len(lanes) == 4 and lanes.untimed == 2  # two timed events on two lanes
    assert sum(n for _s, _e, n in tl.histogram(case, bins=3)) == 2


def test_range_is_start_inclusive_end_exclusive(case: Case) -> None:
    _add(case, ["2024-05-06T12:00:00Z", "2024-05-06T13:00:00Z", "2024-05-06T14:00:00Z"])
    heat = tl.heatmap(case, start_utc="2024-05-06T12:00:00Z", end_utc="2024-05-06T14:00:00Z")
    assert heat.total == 2
    offset = tl.heatmap(case, start_utc="2024-05-06T08:00:00-04:00")  # 12:00Z
    assert offset.total == 3
    with pytest.raises(CaseError, match="not a date and time"):
        tl.heatmap(case, start_utc="yesterday")


def test_business_hours_come_from_the_case_and_bad_settings_say_so(case: Case) -> None:
    _add(case, ["2024-05-06T07:30:00Z", "2024-05-06T12:00:00Z", "2024-05-06T23:00:00Z"])
    assert tl.heatmap(case).after_hours == 2  # UTC case, 09:00-21:00
    case.update_settings(business_hours="07:00-23:30")
    heat = tl.heatmap(case)
    assert heat.business_hours == ("07:00", "23:30") and heat.after_hours == 0
    case.update_settings(business_hours="22:00-06:00")  # a night shift wraps midnight
    assert tl.heatmap(case).after_hours == 2  # 07:30 and 12:00 are outside it
    case.update_settings(business_hours="nine to five")
    with pytest.raises(CaseError, match="should read like 09:00-21:00"):
        tl.heatmap(case)
    case.update_settings(business_hours="09:00-21:00", time_zone="Mars/Olympus")
    with pytest.raises(CaseError, match="not a known zone"):
        tl.heatmap(case)


def test_day_bins_follow_local_midnights_across_spring_forward(case: Case) -> None:
    case.update_settings(time_zone="America/Chicago")
    _add(
        case,
        [
            "2024-03-09T12:00:00Z",
            "2024-03-10T12:00:00Z",
            "2024-03-10T12:30:00Z",
            "2024-03-11T12:00:00Z",
        ],
    )
    days = tl.histogram(case, bins="day")
    assert [(s, e, n) for s, e, n in days] == [
        ("2024-03-09T06:00:00Z", "2024-03-10T06:00:00Z", 1),
        ("2024-03-10T06:00:00Z", "2024-03-11T05:00:00Z", 2),  # a 23-hour day
        ("2024-03-11T05:00:00Z", "2024-03-12T05:00:00Z", 1),
    ]
    months = tl.histogram(case, bins="month")
    assert months == [("2024-03-01T06:00:00Z", "2024-04-01T05:00:00Z", 4)]
    with pytest.raises(CaseError, match="one of hour, day"):
        tl.histogram(case, bins="fortnight")


def test_equal_bins_and_lanes_add_up(demo_case_file: Path) -> None:
    with Case.open(demo_case_file, "demo") as case:
        total = case.conn.execute(
            "SELECT count(*) FROM events WHERE start_utc IS NOT NULL"
        ).fetchone()[0]
        strip = tl.histogram(case, bins=60)
        assert len(strip) == 60 and sum(n for *_, n in strip) == total
        assert strip[0][0] == case.conn.execute("SELECT min(start_utc) FROM events").fetchone()[0]
        busy = [row[0] for row in tl.activity(case, 4)]
        lanes = tl.lane_histogram(case, busy, bins="week")
        for entity in busy:
            expected = case.conn.execute(
                "SELECT count(DISTINCT e.id) FROM events e JOIN event_entities ee ON ee.event_id = e.id"
                " WHERE ee.entity_id = ? AND e.start_utc IS NOT NULL",
                [entity],
            ).fetchone()[0]
            assert sum(lanes.counts[entity]) == expected
        assert len(lanes.edges) == len(lanes.counts[busy[0]]) + 1


def test_activity_ranks_actors_and_leaves_handsets_out(case: Case) -> None:
    _add(case, ["2024-05-06T12:00:00Z"] * 1, device=True)
    add_records(
        case,
        [
            Event(
                "Call",
                start="2024-05-07T12:00:00Z",
                participants=[("caller", PHONE_A), ("device", HANDSET)],
            )
        ],
    )
    ranked = tl.activity(case, 5)
    assert ranked[0] == (PHONE_A, "+13125550101", 2)
    assert HANDSET not in [r[0] for r in ranked]
    assert HANDSET in [r[0] for r in tl.activity(case, 5, exclude_types=())]


def _payments(case: Case, accounts: int, shop_paid_by: int, boss_paid_by: int) -> None:
    """`accounts` accounts; the first `shop_paid_by` buy at a shop five times each, the
    first `boss_paid_by` pay a boss twice each."""
    records: list[Entity | Event] = [
        Entity(type="Organization", id="organization:shop", label="Corner Grocer"),
        Entity(type="Account", id="account:boss", label="Boss", properties={"number": "1"}),
    ]
    for i in range(accounts):
        records.append(Entity(type="Account", id=f"account:{i}", label=f"Account {i}"))
        for n in range(5 if i < shop_paid_by else 0):
            records.append(_payment(f"account:{i}", "organization:shop", i, n))
        for n in range(2 if i < boss_paid_by else 0):
            records.append(_payment(f"account:{i}", "account:boss", i, n))
    result = add_records(case, records, checked=False)
    assert not result.rejected


def _payment(account: str, other: str, i: int, n: int) -> Event:
    return Event(
        "Transaction",
        start=f"2024-05-{1 + n:02d}T{i % 24:02d}:00:00Z",
        participants=[("account", account), ("counterparty", other)],
        properties={"amount": "20.00", "currency": "USD"},
    )


def test_activity_leaves_out_everyday_counterparties(case: Case) -> None:
    _payments(case, accounts=30, shop_paid_by=25, boss_paid_by=8)
    busy = [r[0] for r in tl.activity(case, 5)]
    assert "organization:shop" not in busy and busy[0] == "account:boss"
    assert tl.activity(case, 5, everyday=True)[0] == ("organization:shop", "Corner Grocer", 125)


def test_the_left_out_are_named_and_subjects_are_never_left_out(case: Case) -> None:
    _payments(case, accounts=30, shop_paid_by=25, boss_paid_by=24)
    rows, left_out = tl.busiest(case, 3)
    assert left_out == ["Corner Grocer", "Boss"]  # both are paid by most accounts
    assert {r[0] for r in rows}.isdisjoint({"organization:shop", "account:boss"})
    case.conn.execute("UPDATE entities SET role = 'suspect' WHERE id = 'account:boss'")
    rows, left_out = tl.busiest(case, 3)
    assert rows[0][0] == "account:boss" and left_out == ["Corner Grocer"]


def test_a_phone_seen_at_most_cell_sites_keeps_its_lane(case: Case) -> None:
    records: list[Entity | Event] = [Entity(type="Phone", label="+13125550101")]
    records += [Entity(type="CellSite", id=f"cell:{i}", label=f"Cell {i}") for i in range(25)]
    records += [
        Event(
            "Call",
            start=f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
            participants=[("caller", PHONE_A), ("cell", f"cell:{i % 25}")],
        )
        for i in range(50)
    ]
    assert not add_records(case, records, checked=False).rejected
    assert tl.busiest(case, 1) == ([(PHONE_A, "+13125550101", 50)], [])


def test_a_small_case_keeps_its_busy_boss(case: Case) -> None:
    # 8 of 12 accounts pay the boss and 10 the shop: too few to be everyday counterparties.
    _payments(case, accounts=12, shop_paid_by=10, boss_paid_by=8)
    busy = [r[0] for r in tl.activity(case, 2)]
    assert busy == ["organization:shop", "account:boss"]


def test_gaps_and_bursts_of_one_entity(case: Case) -> None:
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    daily = [start + timedelta(days=d) for d in range(30) if not 10 <= d < 20]  # 10 quiet days
    storm = [datetime(2024, 1, 25, 2, tzinfo=UTC) + timedelta(minutes=3 * i) for i in range(12)]
    stamps = sorted(daily + storm)
    _add(case, [s.strftime("%Y-%m-%dT%H:%M:%SZ") for s in stamps])
    quiet = tl.gaps(case, PHONE_A)
    assert (
        quiet[0].start_utc == "2024-01-10T12:00:00Z" and quiet[0].end_utc == "2024-01-21T12:00:00Z"
    )
    assert quiet[0].seconds == 11 * 86400
    found = tl.bursts(case, PHONE_A)
    assert len(found) == 1
    assert found[0].start_utc == "2024-01-25T02:00:00Z" and found[0].events == 12
    assert found[0].expected < 1


def test_an_event_described_in_words(demo_case_file: Path) -> None:
    with Case.open(demo_case_file, "demo") as case:
        rowid, amount = case.conn.execute(
            "SELECT rowid, json_extract(properties, '$.amount') FROM events WHERE type = 'Transaction' LIMIT 1"
        ).fetchone()
        summary = tl.describe_event(case, rowid)
        assert summary is not None and summary.type == "Transaction"
        assert summary.text.split(" · ")[0].endswith(("CST", "CDT"))
        assert amount in summary.text and "account" in summary.text
        assert len(summary.entity_ids) >= 1
        assert tl.describe_event(case, -5) is None


def test_day_bins_in_a_half_hour_zone_split_at_local_midnight(case: Case) -> None:
    case.update_settings(time_zone="Asia/Kolkata")
    _add(case, ["2024-05-05T18:15:00Z", "2024-05-05T18:45:00Z"])  # 23:45 and 00:15 IST
    assert tl.histogram(case, bins="day") == [
        ("2024-05-04T18:30:00Z", "2024-05-05T18:30:00Z", 1),
        ("2024-05-05T18:30:00Z", "2024-05-06T18:30:00Z", 1),
    ]
    lanes = tl.lane_histogram(case, [PHONE_A, PHONE_B], bins="day")
    assert lanes.counts == {PHONE_A: (1, 1), PHONE_B: (1, 1)}


def test_lane_events_keep_each_event_once_per_lane_in_time_order(demo_case_file: Path) -> None:
    with Case.open(demo_case_file, "demo") as case:
        busy = [row[0] for row in tl.activity(case, 5)]
        lanes = tl.lane_events(case, busy)
        assert np.all(np.diff(lanes.t) >= 0)
        for index, entity in enumerate(busy):
            expected = case.conn.execute(
                "SELECT count(DISTINCT e.id), sum(e.type = 'Transaction') FROM events e"
                " WHERE e.start_utc IS NOT NULL AND e.id IN"
                " (SELECT event_id FROM event_entities WHERE entity_id = ?)",
                [entity],
            ).fetchone()
            mine = lanes.lane == index
            assert mine.sum() == expected[0]
            kinds = lanes.kind[mine]
            assert (kinds == tl.KINDS.index("Transaction")).sum() == (expected[1] or 0)
        money = lanes.kind == tl.KINDS.index("Transaction")
        assert np.isfinite(lanes.amount[money]).all() and np.isnan(lanes.amount[~money]).all()
        first = int(np.argmin(lanes.t))
        start = case.conn.execute(
            "SELECT start_utc FROM events WHERE rowid = ?", [int(lanes.rowid[first])]
        ).fetchone()[0]
        assert tl.utc_to_epoch(start) == lanes.t[first]


def test_lane_events_built_from_arrays_are_sorted_with_their_columns() -> None:
    t = np.array([30.0, 10.0, 20.0])
    events = tl.LaneEvents.build(
        ("a", "b"), ("A", "B"), t, np.array([1, 0, 1]), np.array([2, 0, 1])
    )
    assert events.t.tolist() == [10.0, 20.0, 30.0]
    assert events.lane.tolist() == [0, 1, 1] and events.kind.tolist() == [0, 1, 2]
    assert len(events) == 3 and events.untimed == 0
