"""Shared pieces of the demo generator: sizes, case clock, fictional identifiers, CSV helpers.

Everything random takes a `random.Random`; nothing here touches the global generator, and
nothing iterates a set, so the same seed gives the same bytes in every process.
"""

from __future__ import annotations

import csv
import hashlib
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

CASE_TZ_NAME = "America/Chicago"
CASE_TZ = ZoneInfo(CASE_TZ_NAME)
START = datetime(2024, 2, 1, tzinfo=CASE_TZ)  # local midnight; the window crosses the DST change
DAYS = 90
DAY = 86_400


@dataclass(frozen=True, slots=True)
class SizeSpec:
    name: str
    cdr_rows: int  # ordinary call/SMS rows (planted rows come on top)
    subscribers: int  # ordinary phones in the CDR
    customers: int  # ordinary bank customers
    peers: int  # ordinary businesses (the F5 peer group)
    ads: int  # ordinary ads
    posters: int  # ordinary ad posters
    tips: int
    reports: int
    worker_messages: int


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec("small", 3_000, 150, 40, 6, 400, 60, 60, 30, 200),
    "large": SizeSpec("large", 1_000_000, 20_000, 1_400, 40, 20_000, 3_000, 5_000, 1_000, 20_000),
}

# Geographic US area codes: NPA-555-01XX is the range NANP reserves for fiction, and
# phonenumbers accepts these as possible (and valid) US numbers.
NPAS = (
    201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224,
    225, 228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269, 270,
    272, 276, 281, 301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317,
    318, 319, 320, 321, 323, 325, 330, 331, 334, 336, 337, 339, 346, 347, 351, 352, 360, 361,
    385, 386, 401, 402, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414, 415, 417, 419, 423,
    424, 425, 430, 432, 434, 435, 440, 442, 443, 458, 469, 470, 475, 478, 479, 480, 484, 501,
    502, 503, 504, 505, 507, 508, 509, 510, 512, 513, 515, 516, 517, 518, 520, 530, 531, 539,
    540, 541, 551, 559, 561, 562, 563, 567, 570, 571, 573, 574, 575, 580, 585, 586, 601, 602,
    603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616, 617, 618, 619, 620, 623, 626, 628,
    629, 630, 631, 636, 641, 646, 650, 651, 657, 660, 661, 662, 667, 669, 678, 681, 682, 701,
    702, 703, 704, 706, 707, 708, 712, 713, 714, 715, 716, 717, 718, 719, 720, 724, 725, 727,
    731, 732, 734, 737, 740, 747, 754, 757, 760, 762, 763, 765, 769, 770, 772, 773, 774, 775,
    779, 781, 785, 786, 801, 802, 803, 804, 805, 806, 808, 810, 812, 813, 814, 815, 816, 817,
    818, 828, 830, 831, 832, 843, 845, 847, 848, 850, 856, 857, 858, 859, 860, 862, 863, 864,
    865, 870, 872, 878, 901, 903, 904, 906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917,
    918, 919, 920, 925, 928, 929, 931, 936, 937, 940, 941, 947, 949, 951, 952, 954, 956, 970,
    971, 972, 973, 978, 979, 980, 984, 985, 989,
)  # fmt: skip


class PhonePool:
    """Every fictional number once, in a seeded order; `reserve` takes a named one out first."""

    def __init__(self, rng: random.Random) -> None:
        self._numbers = [f"+1{npa}55501{line:02d}" for npa in NPAS for line in range(100)]
        rng.shuffle(self._numbers)
        self._taken: set[str] = set()  # membership only, never iterated
        self._next = 0

    def reserve(self, number: str) -> str:
        if number in self._taken:
            raise ValueError(f"{number} handed out twice")
        self._taken.add(number)
        return number

    def account(self, rng: random.Random) -> str:
        """A fictional 12-digit account number, never handed out twice."""
        while True:
            number = f"7700{rng.randrange(10**8):08d}"
            if number not in self._taken:
                self._taken.add(number)
                return number

    def take(self) -> str:
        while True:
            number = self._numbers[self._next]
            self._next += 1
            if number not in self._taken:
                self._taken.add(number)
                return number


def national(e164: str) -> str:
    """+13125550123 -> (312) 555-0123."""
    d = e164[2:]
    return f"({d[:3]}) {d[3:6]}-{d[6:]}"


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def make_imei(rng: random.Random) -> str:
    body = "35" + "".join(str(rng.randrange(10)) for _ in range(12))
    return body + luhn_digit(body)


def make_imsi(rng: random.Random) -> str:
    """MCC 001 / MNC 01 is the test network: no real subscriber has these."""
    return "00101" + "".join(str(rng.randrange(10)) for _ in range(10))


def make_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def fake_sha256(rng: random.Random) -> str:
    return hashlib.sha256(rng.getrandbits(256).to_bytes(32, "big")).hexdigest()


def child_rng(seed: int, part: str) -> random.Random:
    """An independent stream per part (str seeds hash with SHA-512, not hash())."""
    return random.Random(f"threadline-demo:{seed}:{part}")


def local_ts(day: int, hour: int, minute: int = 0, second: int = 0, tz: ZoneInfo = CASE_TZ) -> int:
    """Epoch seconds of a wall-clock time `day` days after the case start, in `tz`."""
    date = (START + timedelta(days=day)).date()
    return int(
        datetime(date.year, date.month, date.day, hour, minute, second, tzinfo=tz).timestamp()
    )


def local_iso(ts: int, tz: ZoneInfo = CASE_TZ) -> str:
    return datetime.fromtimestamp(ts, tz).isoformat()


class UtcFormatter:
    """Fast `...Z` times for millions of rows: the date part is cached per day."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def __call__(self, ts: int) -> str:
        day, sec = divmod(ts, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%dT")
            self._days[day] = prefix
        h, rem = divmod(sec, 3600)
        m, s = divmod(rem, 60)
        return f"{prefix}{h:02d}:{m:02d}:{s:02d}Z"


def open_text(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline="")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Stream rows to a UTF-8 CSV with `\\n` line ends; returns the number of data rows."""
    count = 0
    with open_text(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def money(amount: float) -> str:
    return f"{amount:.2f}"
