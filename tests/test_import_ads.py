"""The ads importer end to end: JSON lines as a scraper writes them, into a real case."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import import_file
from analyst_app.ingest.formats import choose_importer
from analyst_app.store import Case, CaseError
from analyst_app.store.queries import stats
from importers import ads

HASH_A = "a" * 64
HASH_B = "b" * 64


def ad(ad_id: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ad_id": ad_id,
        "site": "example-classifieds",
        "url": f"https://ads.example.test/{ad_id}",
        "posted_at": "2024-04-02T21:15:00-05:00",
        "city": "Springfield",
        "title": f"Example ad {ad_id}",
        "body": "Example body text, fictional.",
        "phones": ["(312) 555-0142"],
        "emails": [],
        "handles": [],
        "image_hashes": [HASH_A],
        "price": "$150",
        "currency": "USD",
    }
    base.update(values)
    return base


def write_lines(path: Path, lines: list[Any]) -> Path:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def props(case: Case, table: str, where: str, *args: Any) -> list[dict[str, Any]]:
    sql = f"SELECT properties FROM {table} WHERE {where}"
    return [json.loads(p) for (p,) in case.conn.execute(sql, args)]


LINES: list[Any] = [
    ad(
        "1001",
        emails=["Candy.Example@example.com"],
        handles=["@candy_example"],
        image_hashes=[HASH_A.upper(), HASH_B],
    ),
    ad("1002", city="Shelbyville", posted_at="2024-04-05 20:00:00", price="$1,200/hr"),
    "",
    "{this is not json",
    ad("", title="no id"),
    json.dumps([1, 2, 3]),
    ad("1003", posted_at="yesterday"),
    ad(
        "1004",
        phones=[],
        handles=[{"handle": "lotus_example", "platform": "Example Chat"}],
        price="call me",
        currency="$",
    ),
]


def test_ads_become_ads_identifiers_links_and_posts(case: Case, tmp_path: Path) -> None:
    case.update_settings(time_zone="America/Chicago")
    summary = import_file(case, write_lines(tmp_path / "scrape.jsonl", LINES))

    assert summary.format == "ads"
    assert summary.rows == 7  # the blank line is not a record
    assert (summary.imported_rows, summary.present_rows, summary.quarantined_rows) == (3, 0, 4)
    counts = stats(case)
    assert counts["entities"] == {"Email": 1, "Handle": 2, "OnlineAd": 3, "Phone": 1}
    assert counts["links"] == {"posted": 5}
    assert counts["events"] == {"AdPost": 3}

    phone_ads = case.conn.execute(
        "SELECT count(*) FROM links WHERE type = 'posted' AND source_id = 'phone:+13125550142'"
    ).fetchone()[0]
    assert phone_ads == 2  # two ads share the phone: they meet on the chart

    first = props(case, "entities", "type = 'OnlineAd' AND label = 'Example ad 1001'")[0]
    assert first["image_hash"] == [HASH_A, HASH_B]
    assert (first["site"], first["city"], first["price"], first["currency"]) == (
        "example-classifieds",
        "Springfield",
        "150",
        "USD",
    )
    assert first["posted_at"] == "2024-04-03T02:15:00Z"
    second = props(case, "entities", "label = 'Example ad 1002'")[0]
    assert Decimal(second["price"]) == Decimal("1200")
    fourth = props(case, "entities", "label = 'Example ad 1004'")[0]
    assert "price" not in fourth and "currency" not in fourth
    assert fourth["notes"] == "price as written: call me\ncurrency as written: $"

    posts = dict(
        case.conn.execute(
            "SELECT json_extract(properties, '$.city'), start_utc FROM events WHERE type = 'AdPost'"
        ).fetchall()
    )
    assert posts["Shelbyville"] == "2024-04-06T01:00:00Z"  # naive 20:00 in Chicago (CDT)
    roles = case.conn.execute(
        "SELECT ee.role, e.type FROM event_entities ee JOIN entities e ON e.id = ee.entity_id"
        " JOIN events v ON v.id = ee.event_id WHERE v.label LIKE '%1001'"
    ).fetchall()
    assert sorted(roles) == [
        ("ad", "OnlineAd"),
        ("contact", "Email"),
        ("contact", "Handle"),
        ("contact", "Phone"),
    ]

    reasons = dict(case.conn.execute("SELECT locator, reason FROM quarantine").fetchall())
    assert reasons.keys() == {"line 4", "line 5", "line 6", "line 7"}
    assert reasons["line 4"].startswith("not JSON")
    assert reasons["line 5"] == "no ad_id"
    assert reasons["line 6"] == "not a JSON object"
    assert reasons["line 7"].startswith("bad posted_at")
    raw = case.conn.execute("SELECT raw FROM quarantine WHERE locator = 'line 4'").fetchone()[0]
    assert raw == "{this is not json"


def test_reimport_adds_nothing(case: Case, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "scrape.jsonl", LINES)
    import_file(case, path)
    before = stats(case)
    again = import_file(case, path)
    assert again.added == {"entities": 0, "links": 0, "events": 0}
    assert (again.imported_rows, again.present_rows, again.quarantined_rows) == (0, 3, 4)
    assert again.rows == again.imported_rows + again.present_rows + again.quarantined_rows
    assert stats(case) == before


def test_a_rescrape_is_a_new_post_of_the_same_ad(case: Case, tmp_path: Path) -> None:
    lines = [
        ad("2001", city="Springfield", posted_at="2024-04-01T10:00:00Z"),
        ad("2001", city="Capital City", posted_at="2024-04-08T10:00:00Z"),
        ad("2001", city="Capital City", posted_at="2024-04-08T10:00:00Z"),  # seen twice
    ]
    summary = import_file(case, write_lines(tmp_path / "scrape.jsonl", lines))
    # The repeated line adds nothing; ingest counts it imported as its twin is new in the
    # same batch, so only the total is asserted here.
    assert summary.rows == summary.imported_rows + summary.present_rows == 3
    counts = stats(case)
    assert counts["entities"]["OnlineAd"] == 1
    assert counts["events"] == {"AdPost": 2}
    cities = {p["city"] for p in props(case, "events", "type = 'AdPost'")}
    assert cities == {"Springfield", "Capital City"}


def test_price_forms() -> None:
    assert ads._price("$150") == ("150", None)
    assert ads._price("1.200 EUR") == ("1200", None)
    assert ads._price("80,50 €") == ("80.50", None)
    assert ads._price(200.5) == ("200.5", None)
    assert ads._price("roses") == (None, "price as written: roses")
    assert ads._price(None) == (None, None)


def test_sniffing(tmp_path: Path) -> None:
    good = write_lines(tmp_path / "scrape.txt", LINES)
    assert choose_importer(good).name == "ads"
    ftm = write_lines(
        tmp_path / "export.jsonl",
        [{"id": "x1", "schema": "Person", "properties": {"name": ["Jane Example"]}}],
    )
    tips = tmp_path / "tips.json"
    tips.write_text(json.dumps([{"tip_id": "1", "narrative": "Example"}]))
    bank_csv = tmp_path / "bank.csv"
    bank_csv.write_text("transaction_id,account_number,posted_at,amount,currency\n")
    for other in (ftm, tips, bank_csv):
        assert ads.sniff(other, other.read_bytes()) == 0.0
    assert ads.sniff(good, good.read_bytes()) > 0.7


def test_binary_junk_is_refused_and_leaves_the_case_unchanged(case: Case, tmp_path: Path) -> None:
    junk = tmp_path / "scrape.jsonl"
    junk.write_bytes(bytes(range(256)) * 64)
    before = stats(case)
    for format_name in (None, "ads"):
        with pytest.raises(CaseError):
            import_file(case, junk, format_name=format_name)
    assert stats(case) == before


def test_progress_is_reported(case: Case, tmp_path: Path) -> None:
    lines = [ad(str(3000 + i), body="x" * 300) for i in range(300)]
    seen: list[float] = []
    summary = import_file(case, write_lines(tmp_path / "scrape.jsonl", lines), progress=seen.append)
    assert summary.imported_rows == 300
    assert seen and all(0 < f <= 1 for f in seen) and seen == sorted(seen)


def test_sniffing_an_ad_longer_than_the_head(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "scrape.jsonl", [ad("9", body="x" * 100_000)])
    head = path.read_bytes()[: 64 * 1024]
    assert ads.sniff(path, head) > 0
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(ad("9"), indent=2))
    assert ads.sniff(pretty, pretty.read_bytes()) == 0.0
