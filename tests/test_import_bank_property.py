"""Property test: whatever a bank CSV holds, every row is imported, present or quarantined.

Rows mix valid and broken values (bad dates and amounts, missing cells, odd Unicode,
quotes and newlines inside cells). The import must never raise anything but CaseError, and
only for a file that cannot be read at all; otherwise no row may go missing.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyst_app.ingest import import_file
from analyst_app.store import Case, CaseError
from analyst_app.store.queries import stats
from importers import bank

ODD_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
)
VALUES = {
    "transaction_id": st.one_of(st.text("ABC123", min_size=1, max_size=4), st.just(""), ODD_TEXT),
    "account_number": st.sampled_from(["1000200030", "DE89370400440532013000", "", "12-34 56"]),
    "account_holder": st.one_of(
        st.sampled_from(["Jane Example", "Example Nails LLC", "Zoë Ñandú", ""]), ODD_TEXT
    ),
    "holder_phone": st.sampled_from(["(312) 555-0142", "+44 20 7946 0958", "", "not a phone"]),
    "holder_email": st.sampled_from(["jane@example.com", "", "jane at example"]),
    "posted_at": st.one_of(
        st.sampled_from(
            ["2024-03-05T02:14:00-05:00", "2024-03-05 02:14:00", "2024-13-45", "", "yesterday"]
        ),
        ODD_TEXT,
    ),
    "amount": st.one_of(
        st.sampled_from(["100.00", "1,234.56", "-5", "NaN", "abc", "", "1e400", "0"]),
        st.decimals(allow_nan=True, allow_infinity=True, places=2).map(str),
        ODD_TEXT,
    ),
    "currency": st.sampled_from(["USD", "eur", "", "US$", "€"]),
    "direction": st.sampled_from(["credit", "DR", "", "sideways"]),
    "channel": st.sampled_from(["cash", "Zelle", "check", "deposit", "", "smoke signal"]),
    "counterparty_name": st.one_of(st.just(""), ODD_TEXT),
    "counterparty_account": st.sampled_from(["", "555000111"]),
    "counterparty_country": st.sampled_from(["", "US", "USA"]),
    "merchant_name": st.one_of(st.just(""), st.just('Bob\'s "Example" Bar\nand Grill'), ODD_TEXT),
    "mcc": st.sampled_from(["", "5411", "7011.0", "abcd", "123456"]),
    "memo": st.one_of(st.just('said "cash",\r\nthen left'), ODD_TEXT),
}
MESSY_ROW = st.tuples(st.fixed_dictionaries(VALUES), st.integers(-4, 2)).map(
    # shape < 0: the last cells are missing; > 0: stray extra cells; 0: as the header says
    lambda t: (
        [t[0].get(c, "") for c in bank.COLUMNS][: len(bank.COLUMNS) + min(t[1], 0)]
        + ["extra"] * max(t[1], 0)
    )
)
GOOD_ROW = st.fixed_dictionaries(
    {
        "transaction_id": st.text("ABCDEF0123456789", min_size=1, max_size=6),
        "account_number": st.sampled_from(["1000200030", "1000200031"]),
        "account_holder": st.sampled_from(["Jane Example", "Example Nails LLC", "Zoë Ñandú"]),
        "posted_at": st.sampled_from(["2024-03-05T02:14:00-05:00", "2024-11-03 01:30:00"]),
        "amount": st.decimals(min_value=0, max_value=10**9, places=2).map(str),
        "currency": st.just("USD"),
        "direction": st.sampled_from(["credit", "debit", "CR", "DR"]),
        "merchant_name": st.one_of(st.just(""), ODD_TEXT.filter(str.strip)),
        "memo": ODD_TEXT,
    }
).map(lambda values: [values.get(c, "") for c in bank.COLUMNS])
ROW = st.one_of(GOOD_ROW, MESSY_ROW)


def _file(folder: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(bank.COLUMNS)
    writer.writerows(rows)
    path = folder / "statement.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=8))
def test_every_row_is_accounted_for(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="bank-prop-") as name:
        folder = Path(name)
        path = _file(folder, rows)
        case = Case.create(folder / "prop.case", "pw")
        try:
            before = stats(case)
            try:
                summary = import_file(case, path)
            except CaseError:
                assert stats(case) == before  # refused whole, nothing written
                return
            assert summary.format == "bank"
            non_blank = sum(1 for cells in rows if any(c.strip() for c in cells))
            assert summary.rows == non_blank
            assert summary.rows == (
                summary.imported_rows + summary.quarantined_rows + summary.present_rows
            )
        finally:
            case.close()
