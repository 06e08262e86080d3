"""The bank importer end to end: real encrypted case, real files in the layouts banks send."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import import_file
from analyst_app.ingest.formats import choose_importer
from analyst_app.store import Case, CaseError
from analyst_app.store.queries import stats
from importers import bank

HOLDER = {
    "account_number": "1000200030",
    "account_holder": "Golden Lotus Example Spa LLC",
    "holder_phone": "(312) 555-0142",
    "holder_email": "lotus.example@example.com",
    "holder_address": "100 Example St, Springfield IL",
}


def row(txn: str, **values: str) -> dict[str, str]:
    base = {"transaction_id": txn, **HOLDER, "posted_at": "2024-03-05T02:14:00-05:00"}
    base.update(amount="100.00", currency="USD", direction="credit", channel="cash")
    base.update(values)
    return base


GOOD = [
    row("T1", amount="9,500.00", location="Branch 12", depositor="Jane Example", memo="cash"),
    row(
        "T2",
        posted_at="2024-03-06 23:30:00",
        amount="45.00",
        direction="DR",
        channel="POS",
        merchant_name="Example Ads Online",
        mcc="7311",
        merchant_city="Springfield",
        merchant_country="US",
    ),
    row(
        "T3",
        amount="250",
        direction="withdrawal",
        channel="Zelle",
        counterparty_name="John Sample",
        counterparty_account="555000111",
        counterparty_country="US",
    ),
]
BAD = [
    (row("T4", amount="-20.00"), "bad amount"),
    (row("T5", amount="abc"), "bad amount"),
    (row("T6", amount="NaN"), "bad amount"),
    (row("T7", posted_at="not-a-date"), "bad posted_at"),
    (row("T8", currency=""), "missing currency"),
    (row("T9", channel="carrier pigeon"), "unknown channel"),
    (row("T2", amount="1.00"), "repeats"),
]


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    columns: tuple[str, ...] = bank.COLUMNS,
) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def props(case: Case, table: str, where: str, *args: Any) -> list[dict[str, Any]]:
    sql = f"SELECT properties FROM {table} WHERE {where}"
    return [json.loads(p) for (p,) in case.conn.execute(sql, args)]


def event(case: Case, txn_label_part: str) -> tuple[str, str, dict[str, Any]]:
    found = case.conn.execute(
        "SELECT id, start_utc, properties FROM events WHERE label LIKE ?",
        (f"%{txn_label_part}%",),
    ).fetchall()
    assert len(found) == 1, found
    return found[0][0], found[0][1], json.loads(found[0][2])


def roles(case: Case, event_id: str) -> dict[str, str]:
    rows = case.conn.execute(
        "SELECT role, entity_id FROM event_entities WHERE event_id = ?", (event_id,)
    )
    return dict(rows.fetchall())


def test_bank_file_makes_entities_links_and_transactions(case: Case, tmp_path: Path) -> None:
    case.update_settings(time_zone="America/Chicago")
    path = write_csv(tmp_path / "statement.csv", GOOD + [r for r, _ in BAD])
    summary = import_file(case, path)

    assert summary.format == "bank"
    assert summary.rows == 10
    assert (summary.imported_rows, summary.present_rows, summary.quarantined_rows) == (3, 0, 7)
    counts = stats(case)
    assert counts["entities"] == {
        "Account": 2,
        "Address": 1,
        "Email": 1,
        "Organization": 2,
        "Person": 2,
        "Phone": 1,
    }
    assert counts["links"] == {"lives_at": 1, "owns": 2, "uses": 2}
    assert counts["events"] == {"Transaction": 3}

    holder = props(case, "entities", "type = 'Organization' AND label LIKE 'Golden%'")[0]
    assert holder["category"] == "spa"
    merchant = props(case, "entities", "label = 'Example Ads Online'")[0]
    assert (merchant["mcc"], merchant["country"]) == ("7311", "US")
    assert props(case, "entities", "id = 'account:1000200030'")[0]["kind"] == "bank"
    assert case.conn.execute("SELECT 1 FROM entities WHERE id = 'phone:+13125550142'").fetchone()

    deposit_id, start, deposit = event(case, "9500.00")
    assert Decimal(deposit["amount"]) == Decimal("9500.00")
    assert start == "2024-03-05T07:14:00Z"  # offset in the file wins over the case zone
    assert (deposit["direction"], deposit["channel"], deposit["location"]) == (
        "credit",
        "cash",
        "Branch 12",
    )
    assert set(roles(case, deposit_id)) == {"account", "depositor"}

    card_id, start, card = event(case, "Example Ads Online")
    assert start == "2024-03-07T05:30:00Z"  # naive 23:30 in Chicago (CST, -06:00)
    assert (card["amount"], card["direction"], card["channel"], card["mcc"]) == (
        "45.00",
        "debit",
        "card",
        "7311",
    )
    assert set(roles(case, card_id)) == {"account", "merchant"}

    p2p_id, _, p2p = event(case, "John Sample")
    assert (p2p["channel"], p2p["direction"], p2p["counterparty_country"]) == ("p2p", "debit", "US")
    assert roles(case, p2p_id)["counterparty"] == "account:555000111"

    reasons = dict(case.conn.execute("SELECT locator, reason FROM quarantine").fetchall())
    assert len(reasons) == 7
    for number, (_, why) in enumerate(BAD, start=5):
        assert why in reasons[f"line {number}"], reasons


def test_reimport_adds_nothing(case: Case, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "statement.csv", GOOD + [r for r, _ in BAD])
    first = import_file(case, path)
    before = stats(case)
    again = import_file(case, path)
    assert again.added == {"entities": 0, "links": 0, "events": 0}
    assert (again.imported_rows, again.present_rows, again.quarantined_rows) == (0, 3, 7)
    assert stats(case) == before
    for summary in (first, again):
        assert (
            summary.rows == summary.imported_rows + summary.present_rows + summary.quarantined_rows
        )


def test_holder_seen_on_many_rows_is_one_entity_and_one_link(case: Case, tmp_path: Path) -> None:
    rows = [
        row(f"T{i}", amount=f"{i}.00", holder_phone="(312) 555-0142; 312-555-0199")
        for i in range(1, 6)
    ]
    summary = import_file(case, write_csv(tmp_path / "s.csv", rows))
    assert summary.imported_rows == 5
    counts = stats(case)
    assert counts["entities"]["Organization"] == 1
    assert counts["entities"]["Phone"] == 2
    assert counts["links"] == {"lives_at": 1, "owns": 1, "uses": 3}


@pytest.mark.parametrize(
    ("channel", "direction", "expected"),
    [
        ("check", "CR", ("cheque", "credit")),
        ("Cash App", "Deposit", ("p2p", "credit")),
        ("venmo", "debit", ("p2p", "debit")),
        ("Wire Transfer", "credit", ("wire", "credit")),
        ("ATM", "withdrawal", ("atm", "debit")),
        ("ach", "c", ("ach", "credit")),
        ("Prepaid card", "d", ("prepaid", "debit")),
        ("bitcoin", "outgoing", ("crypto", "debit")),
    ],
)
def test_channel_and_direction_synonyms(
    case: Case, tmp_path: Path, channel: str, direction: str, expected: tuple[str, str]
) -> None:
    rows = [row("T1", channel=channel, direction=direction)]
    import_file(case, write_csv(tmp_path / "s.csv", rows))
    (found,) = props(case, "events", "type = 'Transaction'")
    assert (found["channel"], found["direction"]) == expected


def test_deposit_is_cash_only_when_the_memo_says_so(case: Case, tmp_path: Path) -> None:
    rows = [
        row("T1", channel="Deposit", memo="CASH DEP BR 12"),
        row("T2", channel="deposit", memo="mobile"),
    ]
    import_file(case, write_csv(tmp_path / "s.csv", rows))
    found = {p["memo"]: p for p in props(case, "events", "type = 'Transaction'")}
    assert found["CASH DEP BR 12"]["channel"] == "cash"
    assert "channel" not in found["mobile"]
    assert "channel as written: deposit" in found["mobile"]["description"]


def test_extra_columns_are_kept_in_the_description(case: Case, tmp_path: Path) -> None:
    columns = (*bank.COLUMNS, "Branch Code")
    path = write_csv(tmp_path / "s.csv", [row("T1", **{"Branch Code": "BR-77"})], columns=columns)
    import_file(case, path)
    (found,) = props(case, "events", "type = 'Transaction'")
    assert found["description"] == "branch_code: BR-77"


def test_person_or_organization_by_name() -> None:
    assert bank._party("Jane Example").type == "Person"
    for name in ("Happy Nails", "Example Massage", "Blue Bar & Grill", "Example Staffing Agency",
                 "Acme Example Inc.", "Roadside Motel", "Example Holdings Ltd"):  # fmt: skip
        assert bank._party(name).type == "Organization", name
    assert bank._party("Happy Nails").properties["category"] == "salon"
    assert bank._party("Example Massage").properties["category"] == "massage parlor"


def test_amount_forms() -> None:
    assert bank._amount("1,234.50") == "1234.50"
    assert bank._amount("1.234,50") == "1234.50"
    assert bank._amount("12,5") == "12.5"
    assert bank._amount("$12") == "12"
    assert bank._amount("0.10") == "0.10"
    for bad in ("-1", "(12.00)", "12.00-", "1e5", "Infinity", "", "12..0"):
        with pytest.raises(ValueError, match="bad amount"):
            bank._amount(bad)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_encodings(case: Case, tmp_path: Path, encoding: str) -> None:
    rows = [row("T1", account_holder="Zoë Café Example", memo="dépôt")]
    summary = import_file(case, write_csv(tmp_path / "s.csv", rows, encoding=encoding))
    assert summary.format == "bank" and summary.imported_rows == 1
    (person,) = props(case, "entities", "type = 'Person'")
    assert person["name"] == "Zoë Café Example"
    (found,) = props(case, "events", "type = 'Transaction'")
    assert found["memo"] == "dépôt"


def test_semicolon_file_with_decimal_commas(case: Case, tmp_path: Path) -> None:
    rows = [row("T1", amount="1.234,56"), row("T2", amount="7,5", memo="a; b")]
    summary = import_file(case, write_csv(tmp_path / "s.csv", rows, delimiter=";"))
    assert (summary.format, summary.imported_rows) == ("bank", 2)
    amounts = sorted(Decimal(p["amount"]) for p in props(case, "events", "1"))
    assert amounts == [Decimal("7.5"), Decimal("1234.56")]


def test_xlsx_file(case: Case, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    case.update_settings(time_zone="America/Chicago")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(bank.COLUMNS))
    values = {**row("X1"), "posted_at": datetime(2024, 7, 1, 22, 0), "amount": 9800.5, "mcc": ""}
    sheet.append([values.get(c, "") for c in bank.COLUMNS])
    values = {**row("X2", merchant_name="Example Motel"), "amount": 120, "mcc": 7011}
    sheet.append([values.get(c, "") for c in bank.COLUMNS])
    path = tmp_path / "statement.xlsx"
    book.save(path)

    summary = import_file(case, path)
    assert (summary.format, summary.rows, summary.imported_rows) == ("bank", 2, 2)
    found = {
        Decimal(p): start
        for p, start in case.conn.execute(
            "SELECT json_extract(properties, '$.amount'), start_utc FROM events"
        )
    }
    assert found[Decimal("9800.5")] == "2024-07-02T03:00:00Z"  # CDT, -05:00
    motel = props(case, "entities", "label = 'Example Motel'")[0]
    assert (motel["category"], motel["mcc"]) == ("hotel", "7011")


def test_ragged_row_is_quarantined(case: Case, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [row("T1")])
    path.write_text(path.read_text() + "T2,1000200030,short row\n")
    summary = import_file(case, path)
    assert (summary.imported_rows, summary.quarantined_rows) == (1, 1)
    reason = case.conn.execute("SELECT reason FROM quarantine").fetchone()[0]
    assert "fields" in reason


def test_sniffing_picks_the_right_importer(tmp_path: Path) -> None:
    bank_file = write_csv(tmp_path / "statement.txt", GOOD)
    assert choose_importer(bank_file).name == "bank"
    cdr = tmp_path / "calls.csv"
    cdr.write_text(
        "record_id,call_type,a_party,b_party,start_utc,duration_s,imei,imsi,cell_id\n"
        "1,MO,+13125550142,+13125550199,2024-03-05T02:14:00Z,60,,,\n"
    )
    tips = tmp_path / "tips.csv"
    tips.write_text(
        "tip_id,channel,classification,received_at,narrative,phones\n"
        "TIP-1,hotline,tip,2024-03-05T02:14:00Z,Example narrative,3125550142\n"
    )
    for other in (cdr, tips):
        assert bank.sniff(other, other.read_bytes()) == 0.0
        assert choose_importer(other).name != "bank"
    ads = tmp_path / "ads.jsonl"
    ads.write_text('{"ad_id": "1", "site": "example", "phones": ["3125550142"]}\n')
    assert bank.sniff(ads, ads.read_bytes()) == 0.0


def test_binary_junk_is_refused_and_leaves_the_case_unchanged(case: Case, tmp_path: Path) -> None:
    junk = tmp_path / "statement.csv"
    junk.write_bytes(bytes(range(256)) * 64)
    before = stats(case)
    audit = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    for format_name in (None, "bank"):
        with pytest.raises(CaseError):
            import_file(case, junk, format_name=format_name)
    assert stats(case) == before
    assert case.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit


def test_a_file_without_bank_columns_is_refused(case: Case, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,phone\nJane Example,3125550142\n")
    with pytest.raises(CaseError, match="bank layout"):
        import_file(case, other, format_name="bank")
    assert stats(case)["sources"] == 0


def test_progress_is_reported(case: Case, tmp_path: Path) -> None:
    rows = [row(f"T{i}", amount=f"{i}.00", memo="x" * 200) for i in range(1, 400)]
    seen: list[float] = []
    import_file(case, write_csv(tmp_path / "s.csv", rows), progress=seen.append)
    assert seen and all(0 <= f <= 1 for f in seen) and seen == sorted(seen)
