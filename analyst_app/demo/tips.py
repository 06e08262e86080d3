"""Hotline tips (CSV): the tips that start the case, among ordinary hotline traffic."""

from __future__ import annotations

import random
from pathlib import Path

from analyst_app.demo.common import DAYS, SizeSpec, local_iso, local_ts, national, write_csv
from analyst_app.demo.people import FIRST, LAST, Cast

TIPS_HEADER = (
    "tip_id", "channel", "classification", "received_at", "reporter_type", "contact",
    "consent_to_share", "language", "narrative", "translation", "location", "location_precision",
    "event_start", "event_end", "exploitation_type", "indicators", "persons", "phones", "emails",
    "handles", "plates", "urgency", "minor", "grading", "handling",
)  # fmt: skip
HANDLING = "LAW ENFORCEMENT SENSITIVE"
OBFUSCATED = "three one two five five five 01two3"  # the recruiter's +13125550123, spelled out
NOISE = (
    ("general information", "Caller asked what the signs of labor trafficking are for a church "
     "training session."),
    ("technical assistance", "Social worker asked how to refer a client to legal aid; no "
     "indicators reported."),
    ("referral", "Caller was looking for a shelter bed for a friend leaving a violent partner; "
     "referred to local services."),
    ("tip", "Reporter saw a worker at a car wash who looked tired; when asked, the worker said "
     "they were paid and lived at home. No other indicators."),
    ("general information", "Student asked for statistics on trafficking in Illinois for a "
     "school project."),
    ("tip", "Caller complained that a restaurant neighbour plays loud music after closing; "
     "call back at {phone}."),
)  # fmt: skip


def _row(ts: int, channel: str, classification: str, reporter: str, contact: str, consent: str,
         language: str, narrative: str, *, translation: str = "", location: str = "Chicago, IL",
         precision: str = "city", exploitation: str = "unknown", indicators: str = "",
         persons: str = "", phones: str = "", emails: str = "", handles: str = "",
         plates: str = "", urgency: str = "low", minor: str = "false",
         grading: str = "C3") -> tuple[int, list[str]]:  # fmt: skip
    when = local_iso(ts)
    start = local_iso(ts - 7 * 86_400) if exploitation != "unknown" else ""
    return ts, [channel, classification, when, reporter, contact, consent, language, narrative,
                translation, location, precision, start, when if start else "", exploitation,
                indicators, persons, phones, emails, handles, plates, urgency, minor, grading,
                HANDLING]  # fmt: skip


def planted_tips(cast: Cast) -> list[tuple[int, list[str]]]:
    rec, boss, ads = cast.recruiter, cast.boss, cast.ad_manager
    v = cast.victims
    salon, parlor = cast.salon, cast.parlor
    contact = cast.subscribers[-1].phone
    return [
        _row(
            local_ts(9, 14, 5),
            "phone",
            "tip",
            "community member",
            contact,
            "no",
            "en",
            f"Caller's neighbour was offered a nail salon job in Chicago by a man called Victor. "
            f"He told her to call {OBFUSCATED} and to bring her passport. Caller thinks the job "
            f"is not real.",
            exploitation="labor",
            indicators="deceptive recruitment",
            persons="Victor:suspect",
            urgency="medium",
        ),
        _row(
            local_ts(24, 20, 41),
            "text",
            "high risk",
            "family member",
            "cousin@example.org",
            "yes",
            "en",
            f"My cousin {v[0].name} came to Chicago for a job at {salon.name}. Now she works "
            f"until 3am, sleeps at the salon and says the boss Dmitri keeps her passport. The man "
            f"who recruited her, {rec.name}, still calls her from {national(rec.phone)}. She "
            f"texts me from {national(v[0].phone)}.",
            location=salon.address,
            precision="address",
            exploitation="labor;sex",
            indicators="document retention;lives at workplace;excessive hours;debt bondage",
            persons=f"{v[0].name}:victim;{rec.name}:suspect;Dmitri:suspect",
            phones=f"{national(rec.phone)};{national(v[0].phone)}",
            urgency="high",
            grading="B2",
        ),
        _row(
            local_ts(40, 11, 30),
            "phone",
            "tip",
            "family member",
            "",
            "yes",
            "es",
            f"Mi hermana {v[1].name} trabaja en {salon.name}. No le pagan y no puede salir. El "
            f"hombre que la trajo se llama Victor, su numero es 312 555 0123.",
            translation=f"My sister {v[1].name} works at {salon.name}. They do not pay her and "
            f"she cannot leave. The man who brought her is called Victor, his number is "
            f"312 555 0123.",
            exploitation="labor",
            indicators="unpaid wages;restricted movement",
            persons=f"{v[1].name}:victim;Victor:suspect",
            phones="312 555 0123",
            urgency="high",
            grading="B3",
        ),
        _row(
            local_ts(47, 23, 50),
            "webform",
            "tip",
            "community member",
            "",
            "no",
            "en",
            f"{parlor.name} on Sample St is open past midnight every night. The women seem to "
            f"live there. A man named Gregor collects the cash and drives a grey van, plate "
            f"IL FKE1234.",
            location=parlor.address,
            precision="address",
            exploitation="sex",
            indicators="lives at workplace;after-hours business",
            persons=f"{cast.parlor_owner.name}:suspect",
            plates="IL FKE1234",
            urgency="medium",
        ),
        _row(
            local_ts(55, 15, 2),
            "email",
            "referral",
            "professional",
            "caseworker@example.org",
            "yes",
            "en",
            f"Client reports ads on nightlist.example with the number 312-555-0177 moving through "
            f"Milwaukee, Indianapolis and St. Louis; a woman called Sasha drove her between the "
            f"cities. The ads also give {cast.persona_email}.",
            exploitation="sex",
            indicators="moved between cities;online advertising",
            persons=f"{ads.name}:suspect",
            phones="312-555-0177",
            emails=cast.persona_email,
            handles="@velvet.nights",
            urgency="high",
            grading="B2",
        ),
        _row(
            local_ts(63, 2, 17),
            "phone",
            "crisis",
            "victim/survivor",
            national(v[3].phone),
            "yes",
            "en",
            f"Caller {v[3].name}, 17, says Victor brought her to Chicago with a job offer. She "
            f"works at a massage place, the owner holds her documents and she owes a debt for "
            f"the ticket. Victor's number is {rec.phone}.",
            location=parlor.address,
            precision="approximate",
            exploitation="sex",
            indicators="minor;document retention;debt bondage;deceptive recruitment",
            persons=f"{v[3].name}:victim;{rec.name}:suspect;{cast.parlor_owner.name}:suspect",
            phones=f"{v[3].phone};{rec.phone}",
            urgency="high",
            minor="true",
            grading="B2",
        ),
        _row(
            local_ts(70, 10, 45),
            "phone",
            "tip",
            "witness",
            "",
            "no",
            "en",
            f"Two women, {v[2].name} and {v[4].name}, asked a bus driver for help near "
            f"{salon.name}; a man who called himself the boss, phone {national(boss.phone)}, took "
            f"them away in a van.",
            exploitation="labor;sex",
            indicators="restricted movement;third party control",
            persons=f"{v[2].name}:victim;{v[4].name}:victim;Dmitri Fakename:suspect",
            phones=national(boss.phone),
            urgency="high",
            grading="C2",
        ),
    ]


def write_tips(path: Path, cast: Cast, spec: SizeSpec, rng: random.Random) -> int:
    rows = planted_tips(cast)
    subs = cast.subscribers
    for _ in range(spec.tips):
        ts = local_ts(rng.randrange(DAYS), rng.randrange(7, 23), rng.randrange(60))
        kind, text = rng.choice(NOISE)
        phone = subs[rng.randrange(len(subs) - 1)].phone
        persons = f"{rng.choice(FIRST)} {rng.choice(LAST)}:witness" if rng.random() < 0.3 else ""
        rows.append(_row(ts, rng.choice(("phone", "text", "webform", "email")), kind,
                         rng.choice(("community member", "professional", "anonymous")),
                         national(phone) if rng.random() < 0.5 else "",
                         rng.choice(("yes", "no")), "en", text.format(phone=national(phone)),
                         persons=persons, grading=rng.choice(("C3", "D4", "F6"))))  # fmt: skip
    rows.sort(key=lambda r: r[0])
    return write_csv(
        path, TIPS_HEADER, ([f"TIP-24-{n:05d}", *row] for n, (_, row) in enumerate(rows, 1))
    )
