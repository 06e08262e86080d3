"""Community app reports (JSON) and worker-voice SMS/USSD surveys (CSV)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from analyst_app.demo.common import (
    DAYS,
    SizeSpec,
    fake_sha256,
    local_iso,
    local_ts,
    open_text,
    write_csv,
)  # fmt: skip
from analyst_app.demo.money_plants import arrival
from analyst_app.demo.people import Cast

WORKER_HEADER = ("message_id", "received_at", "channel", "msisdn", "language", "gender", "age",
                 "migration_status", "employer", "answers", "text")  # fmt: skip
EMPLOYERS = ("Riverside Packing (fictional)", "Sunny Acres Farm (fictional)",
             "Midway Cleaning Co (fictional)", "Lakeside Warehousing (fictional)",
             "Prairie Meatworks (fictional)", "Harbor Hotel Group (fictional)")  # fmt: skip
KEYS = ("wages", "hours", "movement", "documents", "health", "grievance")
VICTIM_TEXTS = ("boss keeps my passport", "we cannot leave the salon, we sleep here",
                "no pay for 3 weeks, they say I owe for the ticket", "please help",
                "work every night until 4am")  # fmt: skip
WORKER_TEXTS = ("", "", "", "ok", "overtime not paid last month", "good employer",
                "need safety gloves")  # fmt: skip
NOISE_REPORTS = (
    "Pothole on the corner has been there for weeks.",
    "Loud party in the building until 1am.",
    "Lost dog, brown, answers to Biscuit.",
    "A new bakery opened and it is very busy, all normal.",
    "Men unloading a truck at night behind the grocery store; looked like a normal delivery.",
)


def _report(rid: int, ts: int, seen: int, text: str, lat: float, lon: float, place: str,
            media: list[dict[str, str]], anonymous: bool = True) -> dict[str, object]:  # fmt: skip
    return {"report_id": f"CR-{rid:05d}", "submitted_at": local_iso(ts), "anonymous": anonymous,
            "narrative": text, "observed_at": local_iso(seen),
            "location": {"lat": round(lat, 5), "lon": round(lon, 5), "text": place},
            "media": media}  # fmt: skip


def write_community(path: Path, cast: Cast, spec: SizeSpec, rng: random.Random) -> int:
    salon, parlor = cast.salon, cast.parlor
    planted = [
        (20, 19, 23, f"A white van drops off four women at {salon.name} around midnight and "
         "picks them up at dawn. The lights are on all night.", salon),
        (36, 36, 1, "Saw the owner of the nail place on Example Ave carrying a bag of cash to the "
         "bank night drop at 1am.", salon),
        (50, 49, 2, f"{parlor.name}: men coming and going at 2am, windows covered, the women "
         "never seem to leave.", parlor),
        (61, 60, 22, "Grey van, plate IL FKE1234, parked behind the massage place on Sample St "
         "every night.", parlor),
    ]  # fmt: skip
    items: list[tuple[int, dict[str, object]]] = []
    for day, seen_day, hour, text, biz in planted:
        media = [{"name": f"IMG_{rng.randrange(1000, 9999)}.jpg", "sha256": fake_sha256(rng)}]
        items.append((local_ts(day, 9), _report(0, local_ts(day, 9, rng.randrange(60)),
                                                local_ts(seen_day, hour, rng.randrange(60)), text,
                                                biz.lat, biz.lon, biz.address, media)))  # fmt: skip
    for _ in range(spec.reports):
        day = rng.randrange(1, DAYS)
        ts = local_ts(day, rng.randrange(7, 23), rng.randrange(60))
        lat, lon = 41.75 + rng.random() * 0.25, -87.8 + rng.random() * 0.2
        media = [{"name": f"IMG_{rng.randrange(1000, 9999)}.jpg", "sha256": fake_sha256(rng)}
                 for _ in range(rng.randint(0, 1))]  # fmt: skip
        seen = ts - rng.randrange(3600, 86_400)
        items.append((ts, _report(0, ts, seen, rng.choice(NOISE_REPORTS), lat, lon, "Chicago, IL",
                                  media, rng.random() < 0.7)))  # fmt: skip
    items.sort(key=lambda item: item[0])
    reports = []
    for n, (_, report) in enumerate(items, 1):
        report["report_id"] = f"CR-{n:05d}"
        reports.append(report)
    with open_text(path) as handle:
        json.dump({"reports": reports}, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    return len(reports)


def _answers(scores: list[int]) -> str:
    return ";".join(f"{k}={s}" for k, s in zip(KEYS, scores, strict=True))


def write_workers(path: Path, cast: Cast, spec: SizeSpec, rng: random.Random) -> int:
    rows: list[tuple[int, list[str]]] = []
    for i, victim in enumerate(cast.victims):
        employer = cast.salon.name if i < 3 else cast.parlor.name
        for k in range(rng.randint(2, 3)):
            ts = local_ts(arrival(i) + 4 + 6 * k, rng.choice((1, 2, 3, 4, 14)), rng.randrange(60))
            scores = [1, rng.randint(1, 2), 1, 1, rng.randint(2, 3), 1]
            rows.append((ts, [local_iso(ts), rng.choice(("SMS", "USSD")), victim.phone,
                              rng.choice(("en", "es")), "F", "17" if i == 3 else
                              str(rng.randint(19, 29)), rng.choice(("work visa", "undocumented")),
                              employer, _answers(scores), VICTIM_TEXTS[(i + k) % 5]]))  # fmt: skip
    subs = cast.subscribers
    employers = (*EMPLOYERS, *(p.name for p in cast.peers))
    for _ in range(spec.worker_messages):
        ts = local_ts(rng.randrange(DAYS), rng.randrange(6, 23), rng.randrange(60))
        worker = subs[rng.randrange(len(subs))]
        scores = [min(5, max(2, round(rng.gauss(4, 0.9)))) for _ in KEYS]
        rows.append((ts, [local_iso(ts), rng.choice(("SMS", "USSD", "IVR")), worker.phone,
                          rng.choice(("en", "es", "pl", "vi")), rng.choice(("F", "M")),
                          str(rng.randint(18, 64)),
                          rng.choice(("citizen", "permanent resident", "work visa", "refugee")),
                          rng.choice(employers), _answers(scores),
                          rng.choice(WORKER_TEXTS)]))  # fmt: skip
    rows.sort(key=lambda r: r[0])
    return write_csv(
        path, WORKER_HEADER, ([f"WV-{n:06d}", *row] for n, (_, row) in enumerate(rows, 1))
    )
