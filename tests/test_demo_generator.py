"""The demo generator: every raw file in its FORMATS.md layout, byte-stable, with the planted
patterns really in the data (computed back from the files, not taken from the generator)."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from defusedxml import ElementTree

from analyst_app.demo import DemoManifest, write_raw_files

ROOT = Path(__file__).resolve().parent.parent
CHICAGO = ZoneInfo("America/Chicago")
NS = "{http://pa.cellebrite.com/report/2.0}"
FILES = ("tips.csv", "community_reports.json", "worker_messages.csv",
         "phone_extraction/report.xml", "cdr.csv", "bank_transactions.csv", "ads.jsonl")  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return write_raw_files(tmp_path_factory.mktemp("demo") / "raw", "small")


def _rows(demo: DemoManifest, name: str) -> list[dict[str, str]]:
    with (demo.folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ads(demo: DemoManifest) -> list[dict[str, Any]]:
    lines = (demo.folder / "ads.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _local(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, text
    return moment.astimezone(CHICAGO)


def _truth(demo: DemoManifest, rule: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [p for p in demo.ground_truth["planted"] if p["rule"] == rule]
    assert len(found) == 1, rule
    return found[0]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)[-10:]


def test_writes_every_file_in_import_order(demo: DemoManifest) -> None:
    assert [p.relative_to(demo.folder).as_posix() for p in demo.files] == list(FILES)
    for f in demo.details:
        assert f.path.stat().st_size > 0 and f.rows > 0, f.path
    assert [f["name"] for f in demo.ground_truth["files"]] == list(FILES)
    saved = json.loads(demo.ground_truth_path.read_text(encoding="utf-8"))
    assert saved == demo.ground_truth


def test_same_seed_same_bytes_other_seed_other_bytes(demo: DemoManifest, tmp_path: Path) -> None:
    again = write_raw_files(tmp_path / "again", "small", demo.seed)
    other = write_raw_files(tmp_path / "other", "small", demo.seed + 1)
    for name in (*FILES, "ground_truth.json"):
        assert (again.folder / name).read_bytes() == (demo.folder / name).read_bytes(), name
    assert (other.folder / "cdr.csv").read_bytes() != (demo.folder / "cdr.csv").read_bytes()


def test_same_bytes_in_another_process(demo: DemoManifest, tmp_path: Path) -> None:
    """No dependence on str hashing (sets, dict of sets) or on the global random generator."""
    code = ("import sys, random; from pathlib import Path; random.seed(7);"
            "from analyst_app.demo import write_raw_files;"
            "write_raw_files(Path(sys.argv[1]), 'small', int(sys.argv[2]))")  # fmt: skip
    env = dict(os.environ, PYTHONHASHSEED="4321")
    subprocess.run([sys.executable, "-c", code, str(tmp_path), str(demo.seed)], check=True,
                   env=env, cwd=ROOT, timeout=120)  # fmt: skip
    for name in (*FILES, "ground_truth.json"):
        assert (tmp_path / name).read_bytes() == (demo.folder / name).read_bytes(), name


def test_csv_headers_are_the_formats_md_layouts(demo: DemoManifest) -> None:
    spec = (ROOT / "importers" / "FORMATS.md").read_text(encoding="utf-8")
    layouts = {cols.split(",")[0]: cols.split(",") for cols in re.findall(r"^`([a-z_,]+)`$",
                                                                           spec, re.M)}  # fmt: skip
    for name, first in (("cdr.csv", "record_id"), ("bank_transactions.csv", "transaction_id"),
                        ("tips.csv", "tip_id"), ("worker_messages.csv", "message_id")):  # fmt: skip
        with (demo.folder / name).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == layouts[first], name


def test_json_layouts(demo: DemoManifest) -> None:
    keys = {"ad_id", "site", "url", "posted_at", "city", "title", "body", "phones", "emails",
            "handles", "image_hashes", "price", "currency"}  # fmt: skip
    for ad in _ads(demo):
        assert set(ad) == keys
        _local(ad["posted_at"])
    reports = json.loads((demo.folder / "community_reports.json").read_text(encoding="utf-8"))
    for report in reports["reports"]:
        assert {"report_id", "submitted_at", "anonymous", "narrative", "observed_at",
                "location", "media"} <= set(report)  # fmt: skip
        assert {"lat", "lon", "text"} <= set(report["location"])


def test_every_time_carries_an_offset(demo: DemoManifest) -> None:
    for name, columns in (("cdr.csv", ("start_utc",)), ("bank_transactions.csv", ("posted_at",)),
                          ("tips.csv", ("received_at",)), ("worker_messages.csv",
                                                           ("received_at",))):  # fmt: skip
        for row in _rows(demo, name):
            for column in columns:
                _local(row[column])


def test_ground_truth_plants_at_least_eight_rules_that_are_in_the_files(
    demo: DemoManifest,
) -> None:
    truth = demo.ground_truth
    rules = {p["rule"] for p in truth["planted"]}
    assert len(rules) >= 8
    assert {"F1", "F2", "F5", "F10", "F11", "F14", "F17", "ADS-CIRCUIT",
            "RECRUITMENT-RING"} <= rules  # fmt: skip
    texts = {name: (demo.folder / name).read_text(encoding="utf-8-sig") for name in FILES}
    everything = "\n".join(texts.values())
    for plant in truth["planted"]:
        assert plant["entities"] and plant["description"]
        for entity in plant["entities"]:
            assert any(v in everything for v in _variants(entity)), (plant["rule"], entity)
        for source in plant["sources"]:
            assert any(v in texts[source] for e in plant["entities"] for v in _variants(e)), (
                plant["rule"],
                source,
            )
    assert len(truth["victims"]) >= 3 and len(truth["suspects"]) >= 3


def _variants(entity: str) -> list[str]:
    """A phone as ads, tips and extractions write it; anything else as it is."""
    if not re.fullmatch(r"\+1\d{10}", entity):
        return [entity]
    d = entity[2:]
    return [entity, d, f"({d[:3]}) {d[3:6]}-{d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}",
            f"{d[:3]}.{d[3:6]}.{d[6:]}", f"{d[:3]} {d[3:6]} {d[6:]}"]  # fmt: skip


def _digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_victim_names_stay_out_of_ads_and_file_names(demo: DemoManifest) -> None:
    ads = (demo.folder / "ads.jsonl").read_text(encoding="utf-8").lower()
    paths = [p.relative_to(demo.folder).as_posix().lower() for p in demo.folder.rglob("*")]
    for victim in demo.ground_truth["victims"]:
        name = victim["name"].lower()
        surname = name.split()[-1]
        assert name not in ads and surname not in ads, name
        assert not any(part in path for part in name.split() for path in paths), name
    # ...but they are where the data naturally has them.
    tips = (demo.folder / "tips.csv").read_text(encoding="utf-8")
    holders = {row["account_holder"] for row in _rows(demo, "bank_transactions.csv")}
    assert all(v["name"] in tips and v["name"] in holders for v in demo.ground_truth["victims"])


def test_report_xml_is_a_cellebrite_report(demo: DemoManifest) -> None:
    root = ElementTree.parse(demo.folder / "phone_extraction" / "report.xml").getroot()
    assert root.tag == f"{NS}project"
    device = {item.get("name"): item.text for item in
              root.iterfind(f"{NS}metadata[@section='Device Info']/{NS}item")}  # fmt: skip
    recruiter = demo.ground_truth["suspects"][0]
    assert _digits(device["MSISDN"] or "") == _digits(recruiter["phone"])
    assert device["IMEI"] in _truth(demo, "RECRUITMENT-RING")["entities"]
    types = {m.get("type"): m for m in root.iterfind(f"{NS}decodedData/{NS}modelType")}
    assert {"Call", "Contact", "SMS"} <= set(types)
    calls = types["Call"].findall(f"{NS}model")
    assert calls and all(
        c.find(f"{NS}multiModelField[@name='Parties']/{NS}model[@type='Party']") is not None
        for c in calls
    )
    names = {
        v.text for v in types["Contact"].iterfind(f"{NS}model/{NS}field[@name='Name']/{NS}value")
    }
    assert {v["name"] for v in demo.ground_truth["victims"]} <= names
    assert any(m.get("deleted_state") == "Deleted" for m in types["SMS"].findall(f"{NS}model"))


def test_phone_numbers_are_possible_us_numbers(demo: DemoManifest) -> None:
    people = demo.ground_truth["victims"] + demo.ground_truth["suspects"]
    sample = [row["a_party"] for row in _rows(demo, "cdr.csv")[:200]]
    for number in [p["phone"] for p in people] + sample:
        parsed = phonenumbers.parse(number, "US")
        assert phonenumbers.is_possible_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == "US", number
        assert number[5:10] == "55501", number  # NPA-555-01XX, the range kept for fiction


def _bank_by_holder(demo: DemoManifest) -> dict[str, list[dict[str, str]]]:
    by_holder: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(demo, "bank_transactions.csv"):
        by_holder[row["account_holder"]].append(row)
    return by_holder


def test_f5_after_hours_cash_is_in_the_bank_file(demo: DemoManifest) -> None:
    bank = _bank_by_holder(demo)
    flagged = [b["name"] for b in demo.ground_truth["businesses"]]
    peers = [h for h, rows in bank.items()
             if h not in flagged and any(r["memo"] == "CARD SETTLEMENT" for r in rows)]  # fmt: skip
    assert len(peers) >= 3
    credits = {h: sum(float(r["amount"]) for r in rows if r["direction"] == "credit")
               for h, rows in bank.items()}  # fmt: skip
    peer_median = median(credits[h] for h in peers)
    for name in flagged:
        cash = [r for r in bank[name] if r["direction"] == "credit" and r["channel"] == "cash"]
        late = [r for r in cash if not 6 <= _local(r["posted_at"]).hour < 21]
        assert len(late) / len(cash) > 0.3, name
        deposits = [r for r in bank[name] if r["direction"] == "credit"]
        assert len(cash) / len(deposits) > 0.5, name
        assert credits[name] > 2 * peer_median, name
    for peer in peers:  # the peer group itself does not trip the rule
        cash = [r for r in bank[peer] if r["direction"] == "credit" and r["channel"] == "cash"]
        assert not any(not 6 <= _local(r["posted_at"]).hour < 21 for r in cash), peer


def test_f10_structuring_deposits(demo: DemoManifest) -> None:
    holder = _truth(demo, "F10")["entities"][0]
    big = [r for r in _rows(demo, "bank_transactions.csv") if r["direction"] == "credit"
           and r["channel"] == "cash" and float(r["amount"]) >= 8000]  # fmt: skip
    assert big and {r["account_holder"] for r in big} == {holder}
    assert all(8000 <= float(r["amount"]) <= 9999 for r in big)
    times = sorted((_local(r["posted_at"]), float(r["amount"])) for r in big)
    windows = [sum(a for t, a in times if start <= t < start + timedelta(days=3))
               for start, _ in times]  # fmt: skip
    assert sum(total > 10_000 for total in windows) >= 3


def test_f11_funnel_account(demo: DemoManifest) -> None:
    holder = _truth(demo, "F11")["entities"][0]
    rows = _bank_by_holder(demo)[holder]
    cash_in = [r for r in rows if r["direction"] == "credit" and r["channel"] == "cash"]
    far = [r for r in cash_in if "Chicago" not in r["location"]]
    assert len({r["location"] for r in far}) >= 2 and len({r["depositor"] for r in far}) >= 3
    outs = [_local(r["posted_at"]) for r in rows if r["direction"] == "debit"
            and r["channel"] == "cash" and "Chicago" in r["location"]]  # fmt: skip
    for deposit in far:
        t = _local(deposit["posted_at"])
        assert any(t < out <= t + timedelta(hours=72) for out in outs)


def test_f1_f2_f14_and_the_ad_circuit(demo: DemoManifest) -> None:
    holder, _account, site = _truth(demo, "F1")["entities"]
    rows = _bank_by_holder(demo)[holder]
    fees = sorted(_local(r["posted_at"]) for r in rows
                  if r["merchant_name"] == site and float(r["amount"]) < 100)  # fmt: skip
    assert any(sum(s <= f < s + timedelta(days=30) for f in fees) >= 5 for s in fees)
    stays = sorted((_local(r["posted_at"]), r["merchant_city"]) for r in rows if r["mcc"] == "7011")
    assert any(len({c for t, c in stays if s <= t < s + timedelta(days=14)}) >= 2
               for s, _ in stays)  # fmt: skip
    holder_phone = _digits(rows[0]["holder_phone"])
    ads = _ads(demo)
    cities: dict[str, set[str]] = defaultdict(set)
    for ad in ads:
        for phone in ad["phones"]:
            cities[_digits(phone)].add(ad["city"])
    assert len(cities[holder_phone]) >= 4  # F14 and the circuit
    assert sorted(len(c) for c in cities.values())[-2] <= 1  # no ordinary poster travels
    holder_phones = {_digits(r["holder_phone"]) for r in _rows(demo, "bank_transactions.csv")}
    assert holder_phones & set(cities) == {holder_phone}  # F14 hits nobody else


def test_f17_shared_identifiers_and_one_depositor(demo: DemoManifest) -> None:
    entities = _truth(demo, "F17")["entities"]
    boss, victim_accounts = entities[0], set(entities[4:])
    by_phone: dict[str, set[str]] = defaultdict(set)
    by_email: dict[str, set[str]] = defaultdict(set)
    deposited: set[str] = set()
    for r in _rows(demo, "bank_transactions.csv"):
        by_phone[r["holder_phone"]].add(r["account_number"])
        by_email[r["holder_email"]].add(r["account_number"])
        if r["depositor"] == boss and r["account_holder"] != boss:
            deposited.add(r["account_number"])
    shared = [accts for group in (by_phone, by_email) for key, accts in group.items()
              if key and len(accts) >= 2]  # fmt: skip
    assert shared and all(accts & victim_accounts for accts in shared)
    assert victim_accounts <= deposited


def test_recruitment_ring_in_cdr_and_tips(demo: DemoManifest) -> None:
    ring = _truth(demo, "RECRUITMENT-RING")["entities"]
    recruiter = ring[1]
    victims = {v["phone"] for v in demo.ground_truth["victims"]}
    called = {r["b_party"] for r in _rows(demo, "cdr.csv")
              if r["a_party"] == recruiter and r["call_type"] in ("MO", "SMS-MO")}  # fmt: skip
    assert len(called & victims) >= 3
    tips = _rows(demo, "tips.csv")
    spelled = [t for t in tips if "five five five 01two3" in t["narrative"]]
    assert len(spelled) == 1 and spelled[0]["phones"] == ""
    assert sum(_digits(recruiter) in _digits_of(t["phones"]) for t in tips) >= 2


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo size"):
        write_raw_files(tmp_path, "huge")
