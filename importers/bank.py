"""Bank transactions (CSV, TSV or XLSX) in the `bank` layout of importers/FORMATS.md.

Each row becomes the holder's account, the holder, their phones/emails/address, the
counterparty and merchant, and one Transaction event. Values are checked here only where
the schema cannot tell a bank-specific mistake (amount sign, direction and channel
synonyms, currency code); identifiers are passed as written and normalized by ingest.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from importers.base import Draft, EntityDraft, EventDraft, LinkDraft, ReadOptions, Row, Unreadable
from importers.textfile import DELIMITERS, SNIFF_BYTES, detect_encoding, is_xlsx, iter_table
from importers.timeparse import parse_time

name = "bank"
title = "Bank transactions"
description = "bank statement rows (CSV/TSV/XLSX) in the Threadline bank layout"
version = "1"
patterns = ("*.csv", "*.tsv", "*.txt", "*.xlsx")

COLUMNS = (
    "transaction_id", "account_number", "account_holder", "holder_phone", "holder_email",
    "holder_address", "posted_at", "amount", "currency", "direction", "channel",
    "counterparty_name", "counterparty_account", "counterparty_country", "merchant_name", "mcc",
    "merchant_city", "merchant_country", "location", "depositor", "memo",
)  # fmt: skip
REQUIRED = ("transaction_id", "account_number", "posted_at", "amount", "currency")
# Copied to the Transaction event as written.
_EVENT_TEXT = (
    "counterparty_name", "counterparty_country", "merchant_name", "merchant_city", "location",
    "depositor", "memo",
)  # fmt: skip

# A holder or counterparty name containing one of these words is an Organization; the
# value is its Organization.category (F5 looks for salons, spas, bars and restaurants).
BUSINESS_WORDS: dict[str, str] = {
    "salon": "salon", "nails": "salon", "nail": "salon", "beauty": "salon",
    "massage": "massage parlor", "spa": "spa", "wellness": "spa",
    "restaurant": "restaurant", "grill": "restaurant", "cafe": "restaurant",
    "diner": "restaurant", "kitchen": "restaurant", "bar": "bar", "lounge": "bar",
    "club": "bar", "tavern": "bar", "pub": "bar", "cantina": "bar",
    "hotel": "hotel", "motel": "hotel", "inn": "hotel", "suites": "hotel",
    "agency": "agency", "staffing": "agency", "recruitment": "agency",
    "llc": "business", "inc": "business", "ltd": "business", "corp": "business",
    "co": "business", "company": "business", "gmbh": "business", "plc": "business",
    "services": "business", "group": "business", "holdings": "business",
    "enterprises": "business", "trading": "business", "studio": "business",
}  # fmt: skip

DIRECTIONS: dict[str, str] = {
    "credit": "credit", "cr": "credit", "c": "credit", "deposit": "credit", "in": "credit",
    "incoming": "credit", "+": "credit",
    "debit": "debit", "dr": "debit", "d": "debit", "withdrawal": "debit", "out": "debit",
    "outgoing": "debit", "-": "debit",
}  # fmt: skip

# Written channel (lower case, spaces/dashes/underscores removed) -> schema choice.
# "deposit" names no channel: it becomes cash only when the memo says cash (see _channel).
CHANNELS: dict[str, str] = {
    "cash": "cash", "branch": "cash", "teller": "cash", "counter": "cash",
    "atm": "atm", "abm": "atm", "cashmachine": "atm",
    "ach": "ach", "eft": "ach", "directdeposit": "ach", "directdebit": "ach",
    "payroll": "ach", "sepa": "ach", "bacs": "ach",
    "wire": "wire", "wiretransfer": "wire", "swift": "wire",
    "card": "card", "pos": "card", "debitcard": "card", "creditcard": "card",
    "p2p": "p2p", "zelle": "p2p", "venmo": "p2p", "cashapp": "p2p", "paypal": "p2p",
    "etransfer": "p2p", "interac": "p2p",
    "cheque": "cheque", "check": "cheque", "chq": "cheque", "chk": "cheque",
    "crypto": "crypto", "bitcoin": "crypto", "btc": "crypto", "cryptocurrency": "crypto",
    "prepaid": "prepaid", "prepaidcard": "prepaid", "giftcard": "prepaid",
}  # fmt: skip


def _column(name_: str) -> str:
    return re.sub(r"[\s\-]+", "_", name_.strip().lstrip("\ufeff").lower())


def _header_delimiter(line: str) -> tuple[str, set[str]]:
    """The delimiter that splits the header into the most bank columns.

    Chosen from the header alone: data rows with quoted newlines or stray semicolons must
    not outvote it.
    """
    best, found = ",", set[str]()
    for delimiter in DELIMITERS:
        cells = next(csv.reader([line], delimiter=delimiter), [])
        names = {_column(c) for c in cells} & set(COLUMNS)
        if len(names) > len(found):
            best, found = delimiter, names
    return best, found


def _text_header(head: bytes) -> tuple[str, set[str]]:
    text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff")
    return _header_delimiter(text.splitlines()[0] if text.strip() else "")


def _xlsx_header(path: Path) -> set[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # damaged or foreign zip: not ours
        return set()
    try:
        first = next(book.worksheets[0].iter_rows(values_only=True, max_row=1), ())
        return {_column(str(c)) for c in first if c is not None} & set(COLUMNS)
    finally:
        book.close()


def sniff(path: Path, head: bytes) -> float:
    """Ours when the header has the required bank columns; more columns, more sure."""
    try:
        found = _xlsx_header(path) if is_xlsx(path) else _text_header(head)[1]
    except (Unreadable, UnicodeError):
        return 0.0
    if not set(REQUIRED) <= found:
        return 0.0
    return 0.6 + 0.35 * len(found) / len(COLUMNS)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _party(name_: str) -> EntityDraft:
    """A Person, or an Organization when a word of the name is in BUSINESS_WORDS."""
    words = re.findall(r"\w+", name_.casefold())
    category = next((BUSINESS_WORDS[w] for w in words if w in BUSINESS_WORDS), None)
    if category is None:
        return EntityDraft("Person", f"person:{_key(name_)}", {"name": name_})
    return EntityDraft("Organization", f"org:{_key(name_)}", {"name": name_, "category": category})


def _account(number: str, props: dict[str, str]) -> EntityDraft:
    key = "account:" + re.sub(r"[\s\-]", "", number).upper()
    return EntityDraft("Account", key, {"number": number, **props})


def _link(kind: str, source: str, target: str) -> LinkDraft:
    return LinkDraft(kind, f"{kind}:{source}>{target}", source, target)


def _amount(text: str) -> str:
    """A non-negative decimal; "1,234.50", "1.234,50" and "$12" read as written.

    Negative amounts ("-12", "(12.00)", "12.00-") are refused: the direction column says
    which way money moved, and a sign as well would make the two disagree.
    """
    written = text.strip()
    if "-" in written or (written.startswith("(") and written.endswith(")")):
        raise ValueError(f"bad amount {text!r}: must not be negative")
    value = re.sub(r"^[^\d+.,]+|[^\d.,]+$", "", written).replace(" ", "")
    if value.count(",") == 1 and re.search(r",\d{1,2}$", value):  # decimal comma: 1.234,50
        value = value.replace(".", "").replace(",", ".")
    value = value.replace(",", "")
    if not re.fullmatch(r"\+?(\d+\.?\d*|\.\d+)", value):
        raise ValueError(f"bad amount {text!r}: not a number")
    return str(Decimal(value.lstrip("+")))


def _channel(text: str, memo: str) -> str | None:
    compact = re.sub(r"[\s\-_.]", "", text.lower())
    if not compact:
        return None
    if compact in ("deposit", "withdrawal"):
        return "cash" if "cash" in memo.lower() else None
    if compact not in CHANNELS:
        choices = ", ".join(sorted(set(CHANNELS.values())))
        raise ValueError(f"unknown channel {text!r} (expected {choices})")
    return CHANNELS[compact]


def _checked(v: dict[str, str], tz: str) -> dict[str, str]:
    """The row's normalized values (amount, currency, direction, ...); ValueError if bad."""
    missing = [c for c in REQUIRED if not v[c]]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if not re.fullmatch(r"[A-Za-z]{3}", v["currency"]):
        raise ValueError(f"bad currency {v['currency']!r}: expected a 3-letter code")
    direction = DIRECTIONS.get(v["direction"].lower())
    if v["direction"] and direction is None:
        raise ValueError(f"unknown direction {v['direction']!r} (expected credit or debit)")
    try:
        start = parse_time(v["posted_at"], tz)
    except ValueError as exc:
        raise ValueError(f"bad posted_at: {exc}") from None
    mcc = re.sub(r"\.0+$", "", v["mcc"])  # 5411.0 from a spreadsheet number cell
    if mcc and not re.fullmatch(r"\d{1,4}", mcc):
        raise ValueError(f"bad mcc {v['mcc']!r}: expected up to 4 digits")
    return {
        "amount": _amount(v["amount"]),
        "currency": v["currency"].upper(),
        "direction": direction or "",
        "channel": _channel(v["channel"], v["memo"]) or "",
        "mcc": mcc.zfill(4) if mcc else "",
        "start": start,
    }


def _holder(v: dict[str, str]) -> tuple[list[Draft], EntityDraft]:
    """The holder's account, the holder, and the phones, emails and address they use."""
    account = _account(v["account_number"], {"kind": "bank"})
    drafts: list[Draft] = [account]
    holder = _party(v["account_holder"]) if v["account_holder"] else None
    if holder:
        account.properties["holder"] = v["account_holder"]
        drafts += [holder, _link("owns", holder.key, account.key)]
    for kind, prop, link, cell in (
        ("Phone", "number", "uses", v["holder_phone"].split(";")),
        ("Email", "address", "uses", v["holder_email"].split(";")),
        ("Address", "full", "lives_at", [v["holder_address"]]),
    ):
        for one in filter(None, (x.strip() for x in cell)):
            entity = EntityDraft(kind, f"{kind.lower()}:{_key(one)}", {prop: one})
            drafts.append(entity)  # kept even without a holder: the identifier still matches
            if holder:
                drafts.append(_link(link, holder.key, entity.key))
    return drafts, account


def _others(v: dict[str, str], mcc: str) -> tuple[list[Draft], list[tuple[str, str]]]:
    """Counterparty, merchant and depositor, and their roles in the transaction."""
    drafts: list[Draft] = []
    roles: list[tuple[str, str]] = []
    counterparty = _party(v["counterparty_name"]) if v["counterparty_name"] else None
    if counterparty:
        drafts.append(counterparty)
    if v["counterparty_account"]:
        other = _account(v["counterparty_account"], {})
        drafts.append(other)
        if counterparty:
            other.properties["holder"] = v["counterparty_name"]
            drafts.append(_link("owns", counterparty.key, other.key))
        roles.append(("counterparty", other.key))
    elif counterparty:
        roles.append(("counterparty", counterparty.key))
    if v["merchant_name"]:
        merchant = _party(v["merchant_name"])
        if merchant.type != "Organization":  # a merchant is a business whatever its name
            key = f"org:{_key(v['merchant_name'])}"
            merchant = EntityDraft("Organization", key, {"name": v["merchant_name"]})
        if mcc:
            merchant.properties["mcc"] = mcc
        if v["merchant_country"]:
            merchant.properties["country"] = v["merchant_country"]
        drafts.append(merchant)
        roles.append(("merchant", merchant.key))
    if v["depositor"]:
        person = EntityDraft("Person", f"person:{_key(v['depositor'])}", {"name": v["depositor"]})
        drafts.append(person)
        roles.append(("depositor", person.key))
    return drafts, roles


def _row(values: dict[str, str], tz: str) -> list[Draft]:
    """The drafts for one row; ValueError says what is wrong with it."""
    v = {k: values.get(k, "").strip() for k in COLUMNS}
    ok = _checked(v, tz)
    drafts, account = _holder(v)
    others, roles = _others(v, ok["mcc"])
    drafts += others
    props: dict[str, str | list[str]] = {
        k: ok[k] for k in ("amount", "currency", "direction", "channel", "mcc") if ok[k]
    }
    for prop in _EVENT_TEXT:
        if v[prop]:
            props[prop] = v[prop]
    notes = [f"{k}: {x.strip()}" for k, x in values.items() if k not in COLUMNS and x.strip()]
    if v["channel"] and not ok["channel"]:
        notes.insert(0, f"channel as written: {v['channel']}")
    if notes:  # extra columns are kept, as FORMATS.md promises
        props["description"] = "\n".join(notes)
    words = (ok["direction"].title(), ok["amount"], ok["currency"])
    label = " ".join((*filter(None, words), v["merchant_name"] or v["counterparty_name"]))
    event = EventDraft(
        "Transaction",
        f"txn:{v['transaction_id']}",
        start=ok["start"],
        participants=[("account", account.key), *roles],
        properties=props,
        label=label.strip(),
    )
    return [*drafts, event]


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    delimiter: str | None = None
    if is_xlsx(path):
        found = _xlsx_header(path)
    else:
        with path.open("rb") as handle:
            delimiter, found = _text_header(handle.read(SNIFF_BYTES))
    missing = [c for c in REQUIRED if c not in found]
    if missing:  # every row would be refused for it: say so once
        raise Unreadable(f"its header lacks {', '.join(missing)}, which the bank layout needs")
    seen: dict[str, str] = {}
    for table_row in iter_table(path, delimiter=delimiter, header=True, progress=options.progress):
        if table_row.problem:
            yield Row(table_row.locator, raw=table_row.raw, problem=table_row.problem)
            continue
        values = {_column(k): x for k, x in table_row.values.items()}
        txn = values.get("transaction_id", "").strip()
        try:
            drafts = _row(values, options.time_zone)
        except ValueError as exc:
            yield Row(table_row.locator, raw=table_row.raw, problem=str(exc))
            continue
        if txn in seen:
            problem = f"transaction_id {txn!r} repeats the one at {seen[txn]}"
            yield Row(table_row.locator, raw=table_row.raw, problem=problem)
            continue
        seen[txn] = table_row.locator
        yield Row(table_row.locator, drafts, raw=table_row.raw)
