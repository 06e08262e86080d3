"""Call detail records: the recruitment ring planted among ordinary calls (normalized CDR layout).

The ring events are built once and shared with the phone extraction, so the seized phone and
the carrier's records agree call for call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from analyst_app.demo.common import DAYS, SizeSpec, UtcFormatter, local_ts, open_text
from analyst_app.demo.people import Cast, Person

CDR_HEADER = ("record_id", "call_type", "a_party", "b_party", "start_utc", "duration_s", "imei",
              "imsi", "cell_id")  # fmt: skip

RECRUIT_SMS = (
    "Hi, I have a job for you at a nail salon in Chicago. Good money, 1500 a week.",
    "We pay the bus ticket and the room. You start Monday.",
    "Bring your passport and ID, the boss needs them for the paperwork.",
    "Dont tell your family the details yet, its a surprise for them.",
    "The van picks you up at the station at 11pm. Be ready.",
)
BOSS_SMS = (
    "Where are you? You were supposed to be at the salon at 9pm.",
    "You owe 3000 for the room and the ticket. Work tonight.",
    "No calls to anybody. Give the phone to Dima after your shift.",
)
ORDINARY_SMS = ("ok see you then", "running late", "call me back", "thanks!", "on my way")


@dataclass(frozen=True, slots=True)
class RingEvent:
    ts: int
    kind: str  # "call" or "sms"
    a: Person  # originating party
    b: Person  # terminating party
    duration: int  # seconds; 0 for SMS and unanswered calls
    body: str = ""


def ring_events(cast: Cast, rng: random.Random) -> list[RingEvent]:
    """Recruiter calls each victim, reports to the boss; the boss controls victims afterwards."""
    out: list[RingEvent] = []
    rec, boss = cast.recruiter, cast.boss

    def at(day: int, lo: int, hi: int) -> int:
        return local_ts(day, rng.randrange(lo, hi), rng.randrange(60), rng.randrange(60))

    for i, victim in enumerate(cast.victims):
        first = 3 + 7 * i
        for k in range(rng.randint(4, 7)):
            out.append(RingEvent(at(first + k, 10, 21), "call", rec, victim, rng.randint(40, 900)))
        for k, body in enumerate(RECRUIT_SMS):
            out.append(RingEvent(at(first + k + 1, 9, 22), "sms", rec, victim, 0, body))
        for k in range(rng.randint(1, 3)):
            out.append(RingEvent(at(first + 2 * k + 1, 12, 22), "call", victim, rec,
                                 rng.randint(30, 400)))  # fmt: skip
        arrival = first + 8
        out.append(RingEvent(at(arrival, 18, 20), "call", rec, boss, rng.randint(60, 300)))
        for k in range(rng.randint(3, 5)):
            day = arrival + 2 + rng.randrange(40)
            if day < DAYS:
                out.append(RingEvent(at(day, 21, 23), "sms", boss, victim, 0,
                                     BOSS_SMS[k % len(BOSS_SMS)]))  # fmt: skip
    for _ in range(25):
        out.append(RingEvent(at(rng.randrange(DAYS), 8, 23), "call", rec, boss,
                             rng.randint(20, 600)))  # fmt: skip
    for _ in range(15):
        a, b = (boss, cast.ad_manager) if rng.random() < 0.6 else (cast.ad_manager, boss)
        out.append(RingEvent(at(rng.randrange(DAYS), 9, 23), "call", a, b, rng.randint(20, 400)))
    for _ in range(6):
        out.append(RingEvent(at(rng.randrange(DAYS), 10, 20), "call", boss, cast.parlor_owner,
                             rng.randint(30, 300)))  # fmt: skip
    for _ in range(20):  # ordinary calls so the recruiter's phone is not only the ring
        friend = cast.subscribers[rng.randrange(min(8, len(cast.subscribers)))]
        if rng.random() < 0.5:
            out.append(RingEvent(at(rng.randrange(DAYS), 8, 22), "call", rec, friend,
                                 rng.randint(10, 500)))  # fmt: skip
        else:
            out.append(RingEvent(at(rng.randrange(DAYS), 8, 22), "sms", friend, rec, 0,
                                 rng.choice(ORDINARY_SMS)))  # fmt: skip
    out.sort(key=lambda e: (e.ts, e.a.phone, e.b.phone))
    return out


def _event_rows(event: RingEvent) -> list[tuple[int, str, str]]:
    """An on-net event gives an originating row for A and a terminating row for B."""
    mo, mt = ("MO", "MT") if event.kind == "call" else ("SMS-MO", "SMS-MT")
    rows = []
    for kind, who, other in ((mo, event.a, event.b), (mt, event.b, event.a)):
        rows.append((event.ts, f"{kind},{who.phone},{other.phone}",
                     f"{event.duration},{who.imei},{who.imsi},{who.cell}"))  # fmt: skip
    return rows


# Hour-of-day weights for ordinary traffic (quiet nights, busy evenings).
HOURS = tuple(h for h, w in enumerate((1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 10, 9, 9, 9, 10, 11,
                                       11, 10, 9, 7, 4, 2)) for _ in range(w))  # fmt: skip
TYPES = ("MO",) * 50 + ("MT",) * 22 + ("SMS-MO",) * 16 + ("SMS-MT",) * 10 + ("FWD",) * 2


def write_cdr(path: Path, cast: Cast, events: list[RingEvent], spec: SizeSpec,
              rng: random.Random) -> int:  # fmt: skip
    """Stream the CDR day by day, in time order; returns the number of rows."""
    subs = cast.subscribers
    n = len(subs)
    phones = [p.phone for p in subs]
    ids = [f"{p.imei},{p.imsi},{p.cell}" for p in subs]
    circles = [tuple((i + 1 + rng.randrange(n - 1)) % n for _ in range(6)) for i in range(n)]
    planted = sorted((r for e in events for r in _event_rows(e)), key=lambda r: r[0])
    utc = UtcFormatter()
    rnd = rng.random
    written, p = 0, 0
    with open_text(path) as handle:
        handle.write(",".join(CDR_HEADER) + "\n")
        for day in range(DAYS):
            count = spec.cdr_rows * (day + 1) // DAYS - spec.cdr_rows * day // DAYS
            base = local_ts(day, 0)
            rows: list[tuple[int, str, str]] = []
            for _ in range(count):
                s = int(rnd() * n)
                ts = base + HOURS[int(rnd() * len(HOURS))] * 3600 + int(rnd() * 3600)
                kind = TYPES[int(rnd() * 100)]
                o = (
                    circles[s][int(rnd() * 6)]
                    if rnd() < 0.85
                    else (s + 1 + int(rnd() * (n - 1))) % n
                )
                dur = 0
                if kind[0] != "S" and rnd() > 0.12:
                    dur = int(rnd() * rnd() * 1200) + 5
                rows.append((ts, f"{kind},{phones[s]},{phones[o]}", f"{dur},{ids[s]}"))
            next_base = local_ts(day + 1, 0)
            while p < len(planted) and (planted[p][0] < next_base or day == DAYS - 1):
                rows.append(planted[p])
                p += 1
            rows.sort(key=lambda r: r[0])
            lines = []
            for ts, head, tail in rows:
                written += 1
                lines.append(f"R{written:09d},{head},{utc(ts)},{tail}\n")
            handle.write("".join(lines))
    return written
