"""Bank transactions: the planted money patterns among ordinary customers and businesses.

Each account's rows are built (a few hundred at most), sorted by time and streamed out, so the
large file never sits in memory. Patterns are in `money_plants.py`; ordinary life is here.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from analyst_app.demo.common import DAYS, local_iso, local_ts, money, open_text
from analyst_app.demo.people import Business, Person

BANK_HEADER = (
    "transaction_id", "account_number", "account_holder", "holder_phone", "holder_email",
    "holder_address", "posted_at", "amount", "currency", "direction", "channel",
    "counterparty_name", "counterparty_account", "counterparty_country", "merchant_name", "mcc",
    "merchant_city", "merchant_country", "location", "depositor", "memo",
)  # fmt: skip
HOME_BRANCH = "Fictional Bank Branch 101, Chicago, IL"
OTHER_BRANCH = "Fictional Bank Branch 205, Chicago, IL"
NIGHT_DROP = "Night depository, Fictional Bank Branch 101, Chicago, IL"
MERCHANTS = (  # name, mcc, low, high
    ("Corner Grocer (fictional)", "5411", 12, 160), ("Fresh Market (fictional)", "5411", 8, 120),
    ("Noodle Nook (fictional)", "5812", 9, 60), ("Burger Placeholder (fictional)", "5814", 6, 25),
    ("Fuel Stop (fictional)", "5541", 20, 70), ("Pill Box Pharmacy (fictional)", "5912", 5, 80),
    ("Bean There Coffee (fictional)", "5814", 3, 12), ("Online Mart (fictional)", "5942", 10, 140),
    ("Threads Clothing (fictional)", "5651", 15, 120),
)  # fmt: skip
HOTELS = (("Lakeview Inn (fictional)", "Milwaukee"), ("Hoosier Stay Motel (fictional)",
          "Indianapolis"), ("Gateway Lodge (fictional)", "St. Louis"),
          ("Lakeshore Suites (fictional)", "Detroit"), ("Prairie Hotel (fictional)", "Des Moines"),
          ("Twin Rivers Inn (fictional)", "Minneapolis"))  # fmt: skip


@dataclass
class Ledger:
    """The rows of one account: holder columns once, transactions sorted on write."""

    account: str
    holder: str
    phone: str
    email: str
    address: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def add(self, ts: int, amount: float, direction: str, channel: str, *, cp: str = "",
            cp_account: str = "", cp_country: str = "", merchant: str = "", mcc: str = "",
            city: str = "", location: str = "", depositor: str = "",
            memo: str = "") -> None:  # fmt: skip
        self.rows.append((ts, [local_iso(ts), money(amount), "USD", direction, channel, cp,
                               cp_account, cp_country, merchant, mcc, city,
                               "US" if merchant else "", location, depositor, memo]))  # fmt: skip


def person_ledger(p: Person, phone: str | None = None, email: str | None = None) -> Ledger:
    return Ledger(p.account, p.name, phone or p.phone, p.email if email is None else email,
                  p.address)  # fmt: skip


def business_ledger(b: Business) -> Ledger:
    return Ledger(b.account, b.name, b.phone, b.email, b.address)


class BankWriter:
    def __init__(self, path: Path) -> None:
        self._handle = open_text(path)
        self._csv = csv.writer(self._handle, lineterminator="\n")
        self._csv.writerow(BANK_HEADER)
        self.count = 0

    def write(self, ledger: Ledger) -> None:
        head = [ledger.account, ledger.holder, ledger.phone, ledger.email, ledger.address]
        for _, row in sorted(ledger.rows, key=lambda r: r[0]):
            self.count += 1
            self._csv.writerow([f"TX{self.count:09d}", *head, *row])

    def close(self) -> None:
        self._handle.close()


def at(rng: random.Random, day: int, lo: int, hi: int) -> int:
    """A random time on `day` between hours lo and hi (hi exclusive, may pass 24)."""
    hour = rng.randrange(lo, hi)
    return local_ts(day + hour // 24, hour % 24, rng.randrange(60), rng.randrange(60))


def ordinary_life(led: Ledger, rng: random.Random, others: list[Person], cards: int) -> None:
    """Payroll, rent, card spending, ATM cash, the odd deposit, transfer and trip."""
    employer = (
        f"{rng.choice(('Acme', 'Initech', 'Globex', 'Umbrella'))} Placeholder Corp (fictional)"
    )
    for day in range(rng.randrange(14), DAYS, 14):
        led.add(at(rng, day, 8, 10), rng.randint(1200, 3500), "credit", "ach", cp=employer,
                memo="PAYROLL")  # fmt: skip
    for day in (3, 33, 63):
        led.add(at(rng, day, 7, 10), rng.randint(900, 2200), "debit", "ach",
                cp="Example Properties LLC (fictional)", memo="RENT")  # fmt: skip
        led.add(at(rng, day + 5, 7, 10), rng.randint(40, 180), "debit", "ach",
                cp="Lakeside Power & Light (fictional)", memo="UTILITIES")  # fmt: skip
    for _ in range(cards):
        name, mcc, lo, hi = rng.choice(MERCHANTS)
        led.add(at(rng, rng.randrange(DAYS), 7, 22), rng.uniform(lo, hi), "debit", "card",
                merchant=name, mcc=mcc, city="Chicago")  # fmt: skip
    for _ in range(rng.randint(2, 6)):
        led.add(
            at(rng, rng.randrange(DAYS), 7, 23),
            rng.choice((40, 60, 80, 100, 200, 300)),
            "debit",
            "atm",
            location=f"Fictional Bank ATM {rng.randint(10, 99)}, Chicago, IL",
        )
    for _ in range(rng.randint(0, 2)):
        led.add(at(rng, rng.randrange(DAYS), 9, 17), rng.randint(100, 1900), "credit", "cash",
                location=HOME_BRANCH, depositor=led.holder)  # fmt: skip
    for _ in range(rng.randint(0, 3)):
        friend = rng.choice(others)
        if friend.account != led.account:
            led.add(at(rng, rng.randrange(DAYS), 8, 23), rng.randint(10, 250),
                    rng.choice(("debit", "credit")), "p2p", cp=friend.name,
                    cp_account=friend.account, cp_country="US", memo="split")  # fmt: skip
    if rng.random() < 0.2:  # one trip: one hotel, one city
        name, city = rng.choice(HOTELS)
        day = rng.randrange(DAYS - 3)
        for night in range(rng.randint(1, 3)):
            led.add(at(rng, day + night, 8, 12), rng.uniform(89, 189), "debit", "card",
                    merchant=name, mcc="7011", city=city)  # fmt: skip
    for _ in range(rng.randint(0, 2) if rng.random() < 0.1 else 0):
        led.add(
            at(rng, rng.randrange(DAYS), 9, 21),
            rng.randint(5, 20),
            "debit",
            "card",
            merchant="Corner Classifieds (fictional)",
            mcc="7311",
            city="Online",
        )


def ordinary_business(b: Business, rng: random.Random, staff: list[Person]) -> Ledger:
    """A peer business: card settlements and some cash, all deposited in business hours."""
    led = business_ledger(b)
    for day in range(DAYS):
        if rng.random() < 6 / 7:
            led.add(at(rng, day, 11, 17), rng.randint(250, 900), "credit", "ach",
                    cp="Fictional Merchant Services", merchant=b.name, mcc=b.mcc,
                    city="Chicago", memo="CARD SETTLEMENT")  # fmt: skip
        if rng.random() < 0.25:
            led.add(at(rng, day, 10, 17), rng.randint(150, 700), "credit", "cash",
                    location=HOME_BRANCH, depositor=b.owner)  # fmt: skip
    for day in (2, 32, 62):
        led.add(at(rng, day, 8, 11), rng.randint(2500, 5000), "debit", "ach",
                cp="Example Properties LLC (fictional)", memo="RENT")  # fmt: skip
    for day in range(5, DAYS, 14):
        for worker in staff:
            led.add(at(rng, day, 6, 8), rng.randint(900, 1600), "debit", "ach", cp=worker.name,
                    cp_account=worker.account, cp_country="US", memo="PAYROLL")  # fmt: skip
    for _ in range(12):
        led.add(
            at(rng, rng.randrange(DAYS), 9, 17),
            rng.uniform(80, 600),
            "debit",
            "card",
            merchant="Beauty Supply Depot (fictional)",
            mcc="5977",
            city="Chicago",
        )
    return led
