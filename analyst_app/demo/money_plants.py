"""The planted bank patterns (DOMAIN.md section 1) and the bank file writer."""

from __future__ import annotations

import random
from pathlib import Path

from analyst_app.demo.common import DAYS, SizeSpec, local_ts
from analyst_app.demo.money import (
    HOME_BRANCH,
    HOTELS,
    MERCHANTS,
    NIGHT_DROP,
    OTHER_BRANCH,
    BankWriter,
    Ledger,
    at,
    business_ledger,
    ordinary_business,
    ordinary_life,
    person_ledger,
)  # fmt: skip
from analyst_app.demo.people import Business, Cast, Person

FAR_BRANCHES = ("Fictional Bank Branch 412, Houston, TX", "Fictional Bank Branch 318, Atlanta, GA",
                "Fictional Bank Branch 227, Las Vegas, NV")  # fmt: skip
AD_SITE = "Nightlist Ads (fictional)"
BUS = "Greyline Bus (fictional)"
STRUCTURING_DAYS = (12, 33, 55, 74)
FUNNEL_DAYS = (8, 29, 50, 71)
# The ad circuit: (city, first day, last day); ads.py posts on the same days.
CIRCUIT = (("Chicago", 16, 21), ("Milwaukee", 23, 26), ("Indianapolis", 29, 32),
           ("St. Louis", 35, 39))  # fmt: skip


def arrival(i: int) -> int:
    """The day victim i arrives in Chicago (cdr.ring_events recruits from day 3 + 7 i)."""
    return 11 + 7 * i


def wage(i: int, day: int) -> tuple[int, int]:
    """Victim i's pay on `day` (time, amount), the same on the employer's and the victim's rows."""
    return local_ts(day, 6, 30 + 5 * i), 600 + (37 * i + 11 * day) % 300


def _spend(led: Ledger, rng: random.Random, count: int) -> None:
    for _ in range(count):
        name, mcc, lo, hi = rng.choice(MERCHANTS)
        led.add(at(rng, rng.randrange(DAYS), 8, 22), rng.uniform(lo, hi), "debit", "card",
                merchant=name, mcc=mcc, city="Chicago")  # fmt: skip


def cash_business(b: Business, rng: random.Random, depositor: str, night_share: float,
                  staff: tuple[Person, ...], k: int, boss: Person) -> Ledger:  # fmt: skip
    """F5: mostly cash, mostly deposited at the night drop between 21:00 and 06:00."""
    led = business_ledger(b)
    for day in range(DAYS):
        if rng.random() < 0.88:
            if rng.random() < night_share:
                led.add(at(rng, day, 21, 30), rng.randint(1800, 4800), "credit", "cash",
                        location=NIGHT_DROP, depositor=depositor)  # fmt: skip
            else:
                led.add(at(rng, day, 10, 17), rng.randint(400, 1500), "credit", "cash",
                        location=HOME_BRANCH, depositor=depositor)  # fmt: skip
        if day % 3 == 0:
            led.add(at(rng, day, 11, 16), rng.randint(150, 500), "credit", "ach",
                    cp="Fictional Merchant Services", merchant=b.name, mcc=b.mcc,
                    city="Chicago", memo="CARD SETTLEMENT")  # fmt: skip
    for day in (2, 32, 62):
        led.add(at(rng, day, 8, 11), 4800, "debit", "ach", cp="Example Properties LLC (fictional)",
                memo="RENT")  # fmt: skip
    for day in range(0, DAYS, 7):
        led.add(at(rng, day, 9, 12), rng.randint(2000, 6000), "debit", "p2p", cp=boss.name,
                cp_account=boss.account, cp_country="US", memo="owner draw")  # fmt: skip
    for i, victim in enumerate(staff):
        for day in range(arrival(k + i) + 3, DAYS, 14):
            ts, amount = wage(k + i, day)
            led.add(ts, amount, "debit", "ach", cp=victim.name, cp_account=victim.account,
                    cp_country="US", memo="PAYROLL")  # fmt: skip
    return led


def victim_account(v: Person, i: int, cast: Cast, rng: random.Random) -> Ledger:
    """F17 and F12: the boss's phone or e-mail on the account, his cash in, the wages out to him."""
    boss = cast.boss
    led = person_ledger(v, phone=boss.phone if i < 2 else None)
    employer = cast.salon if i < 3 else cast.parlor
    for day in range(arrival(i) + 3, DAYS, 14):
        ts, pay = wage(i, day)
        led.add(ts, pay, "credit", "ach", cp=employer.name, cp_account=employer.account,
                cp_country="US", memo="PAYROLL")  # fmt: skip
        led.add(
            ts + rng.randint(2, 20) * 3600,
            round(pay * rng.uniform(0.85, 0.95), 2),
            "debit",
            "p2p",
            cp=boss.name,
            cp_account=boss.account,
            cp_country="US",
            memo="rent",
        )
    for day in range(arrival(i) + 5, DAYS, 7):
        led.add(at(rng, day, 10, 16), rng.randint(200, 700), "credit", "cash",
                location=HOME_BRANCH, depositor=boss.name)  # fmt: skip
    _spend(led, rng, 4)
    return led


def structurer(p: Person, rng: random.Random) -> Ledger:
    """F10: pairs of 8,000-9,999 cash deposits one or two days apart; wires just under 3,000."""
    led = person_ledger(p)
    for day in STRUCTURING_DAYS:
        led.add(at(rng, day, 10, 15), rng.randint(8000, 9999), "credit", "cash",
                location=HOME_BRANCH, depositor=p.name)  # fmt: skip
        led.add(at(rng, day + rng.randint(1, 2), 10, 15), rng.randint(8000, 9999), "credit",
                "cash", location=OTHER_BRANCH, depositor=p.name)  # fmt: skip
        led.add(at(rng, day + 4, 9, 15), rng.randint(2600, 2990), "debit", "wire",
                cp="Placeholder Trading Ltd (fictional)", cp_account="4012345678",
                cp_country="PA", memo="invoice")  # fmt: skip
    _spend(led, rng, 25)
    return led


def funnel(p: Person, depositors: tuple[Person, ...], rng: random.Random) -> Ledger:
    """F11: cash in at three far branches by three people, cash out in Chicago within 72 h."""
    led = person_ledger(p)
    for day in FUNNEL_DAYS:
        total = 0
        for j, dep in enumerate(depositors):
            amount = rng.randint(800, 2900)
            total += amount
            led.add(at(rng, day + j // 2, 10, 16), amount, "credit", "cash",
                    location=FAR_BRANCHES[j], depositor=dep.name)  # fmt: skip
        led.add(at(rng, day + 2, 10, 16), total - rng.randint(0, 200), "debit", "cash",
                location=HOME_BRANCH, memo="cash withdrawal")  # fmt: skip
    _spend(led, rng, 20)
    return led


def ad_manager(p: Person, boss: Person, rng: random.Random) -> Ledger:
    """F1 ad fees, F2 hotels in the circuit cities, F3 bus tickets for several, F14 phone in ads."""
    led = person_ledger(p)
    for k in range(10):
        led.add(at(rng, 16 + 3 * k, 8, 23), rng.choice((19.99, 29.99, 49.0, 79.0, 95.0)),
                "debit", "card", merchant=AD_SITE, mcc="7311", city="Online")  # fmt: skip
    hotels = {city: name for name, city in HOTELS}
    for n, (city, first, last) in enumerate(CIRCUIT):
        if n:
            for _ in range(3):
                led.add(at(rng, first - 1, 7, 9), rng.uniform(25, 45), "debit", "card",
                        merchant=BUS, mcc="4131", city=CIRCUIT[n - 1][0],
                        memo=f"{CIRCUIT[n - 1][0]} - {city}")  # fmt: skip
            for day in range(first, last + 1):
                led.add(at(rng, day, 9, 12), rng.uniform(79, 129), "debit", "card",
                        merchant=hotels[city], mcc="7011", city=city)  # fmt: skip
    for day in range(5, DAYS, 10):
        led.add(at(rng, day, 10, 20), rng.randint(300, 900), "credit", "p2p", cp=boss.name,
                cp_account=boss.account, cp_country="US")  # fmt: skip
    _spend(led, rng, 30)
    return led


def write_bank(path: Path, cast: Cast, spec: SizeSpec, rng: random.Random) -> int:
    out = BankWriter(path)
    try:
        out.write(cash_business(cast.salon, rng, cast.boss.name, 0.75, cast.victims[:3], 0,
                                cast.boss))  # fmt: skip
        out.write(cash_business(cast.parlor, rng, cast.parlor_owner.name, 0.7, cast.victims[3:],
                                3, cast.boss))  # fmt: skip
        for i, victim in enumerate(cast.victims):
            out.write(victim_account(victim, i, cast, rng))
        boss = person_ledger(cast.boss)
        _spend(boss, rng, 40)
        out.write(boss)
        out.write(structurer(cast.parlor_owner, rng))
        out.write(funnel(cast.funnel, cast.depositors, rng))
        out.write(ad_manager(cast.ad_manager, cast.boss, rng))
        people = list(cast.people)
        for n, peer in enumerate(cast.peers):
            staff = people[(3 * n) % len(people) :][:3]
            out.write(ordinary_business(peer, rng, staff))
        for person in people:
            led = person_ledger(person)
            ordinary_life(led, rng, people, rng.randint(35, 75) if spec.name == "large" else 25)
            out.write(led)
    finally:
        out.close()
    return out.count
