"""Scraped online ads (JSON lines): one persona touring a circuit among ordinary posters."""

from __future__ import annotations

import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from analyst_app.demo.common import DAY, DAYS, SizeSpec, fake_sha256, local_iso, local_ts, open_text
from analyst_app.demo.money_plants import CIRCUIT
from analyst_app.demo.people import Cast

ESCORT_SITE = "nightlist.example"
CLASSIFIED_SITE = "cornerclassifieds.example"
CITIES = {  # city -> (label, time zone)
    "Chicago": ("Chicago, IL", "America/Chicago"),
    "Milwaukee": ("Milwaukee, WI", "America/Chicago"),
    "Indianapolis": ("Indianapolis, IN", "America/Indiana/Indianapolis"),
    "St. Louis": ("St. Louis, MO", "America/Chicago"),
    "Detroit": ("Detroit, MI", "America/Detroit"),
    "Minneapolis": ("Minneapolis, MN", "America/Chicago"),
    "Des Moines": ("Des Moines, IA", "America/Chicago"),
}
NOISE_CITIES = ("Chicago",) * 5 + ("Milwaukee", "Indianapolis", "St. Louis", "Detroit",
                                   "Minneapolis", "Des Moines")  # fmt: skip
PERSONA_TITLES = ("New in {city}! Sweet and discreet", "Visiting {city} this week only",
                  "Upscale company in {city} - available now")  # fmt: skip
PERSONA_BODIES = (
    "She is a young, professional companion visiting {city} for a few days. Call or text {phone}."
    " Incall only, no police.",
    "Our girl is new to {city} and very accommodating. Serious gentlemen only, text {phone}.",
)
ESCORT_TITLES = ("Relaxing company tonight", "Sweet companion, {city}", "Fun and friendly {city}")
ESCORT_BODIES = ("Independent, {city} area. Text me at {phone}. Outcall available.",
                 "Hi gentlemen, I am in {city} now. Call {phone}, no private numbers.")  # fmt: skip
ORDINARY = (
    ("Oak dresser, good condition", "Solid oak, must pick up in {city}. Call {phone}.", 120),
    ("Math tutoring", "Algebra and calculus tutoring in {city}, evenings. Text {phone}.", 40),
    ("Mountain bike for sale", "21 speed, barely used. {city} pickup. {phone}", 180),
    ("Room for rent", "Furnished room near transit in {city}. Call {phone} after 5pm.", 650),
    ("Dog walking", "Reliable dog walker in {city}, references available. {phone}", 20),
)


def _styled(rng: random.Random, e164: str) -> str:
    d = e164[2:]
    return rng.choice((f"{d[:3]}-{d[3:6]}-{d[6:]}", f"({d[:3]}) {d[3:6]}-{d[6:]}",
                       f"{d[:3]}.{d[3:6]}.{d[6:]}", e164))  # fmt: skip


Ad = dict[str, object]


def _ad(site: str, city: str, ts: int, title: str, body: str, phones: list[str],
        emails: list[str], handles: list[str], images: list[str], price: int) -> Ad:  # fmt: skip
    label, tz = CITIES[city]
    return {"site": site, "url": "", "posted_at": local_iso(ts, ZoneInfo(tz)), "city": label,
            "title": title, "body": body, "phones": phones, "emails": emails, "handles": handles,
            "image_hashes": images, "price": price, "currency": "USD"}  # fmt: skip


def persona_ads(cast: Cast, rng: random.Random) -> list[tuple[int, dict[str, object]]]:
    """The planted persona: the ad manager's phone on the circuit, a burner sharing photos."""
    phone, images = cast.ad_manager.phone, [fake_sha256(rng) for _ in range(4)]
    out: list[tuple[int, dict[str, object]]] = []
    for city, first, last in CIRCUIT:
        tz = ZoneInfo(CITIES[city][1])
        for day in range(first, last + 1):
            ts = local_ts(day, rng.randrange(10, 23), rng.randrange(60), tz=tz)
            shown = _styled(rng, phone)
            body = rng.choice(PERSONA_BODIES).format(city=city, phone=shown)
            emails = [cast.persona_email] if day % 2 else []
            out.append((ts, _ad(ESCORT_SITE, city, ts, rng.choice(PERSONA_TITLES).format(city=city),
                                body, [shown], emails, ["@velvet.nights"],
                                rng.sample(images, 2), rng.choice((200, 250, 300)))))  # fmt: skip
    hidden = "txt three1two five5five 01seven7 for Jade, new in town"  # obfuscated, no phones[]
    ts = local_ts(42, 21, 15)
    out.append((ts, _ad(ESCORT_SITE, "Chicago", ts, "Jade - upscale, discreet", hidden, [], [],
                        [], [images[0]], 250)))  # fmt: skip
    for day in (45, 51, 58, 66):  # the burner: same photos and e-mail, another number
        ts = local_ts(day, rng.randrange(12, 23), rng.randrange(60))
        shown = _styled(rng, cast.burner)
        out.append(
            (
                ts,
                _ad(
                    ESCORT_SITE,
                    "Chicago",
                    ts,
                    "Candy - sweet and new in Chicago",
                    rng.choice(PERSONA_BODIES).format(city="Chicago", phone=shown),
                    [shown],
                    [cast.persona_email],
                    [],
                    rng.sample(images, 2),
                    250,
                ),
            )
        )
    out.sort(key=lambda item: item[0])
    return out


def write_ads(path: Path, cast: Cast, spec: SizeSpec, rng: random.Random) -> int:
    """Stream the ads in time order: ordinary posters day by day, the persona merged in."""
    posters = [(cast.pool.take(), rng.choice(NOISE_CITIES), [fake_sha256(rng)],
                rng.random() < 0.4) for _ in range(spec.posters)]  # fmt: skip
    planted = persona_ads(cast, rng)
    written, p = 0, 0
    with open_text(path) as handle:
        for day in range(DAYS):
            count = spec.ads * (day + 1) // DAYS - spec.ads * day // DAYS
            start = local_ts(day, 0)
            items: list[tuple[int, dict[str, object]]] = []
            for _ in range(count):
                phone, city, images, escort = posters[rng.randrange(len(posters))]
                ts = start + rng.randrange(DAY)
                shown = _styled(rng, phone)
                if escort:
                    ad = _ad(ESCORT_SITE, city, ts, rng.choice(ESCORT_TITLES).format(city=city),
                             rng.choice(ESCORT_BODIES).format(city=city, phone=shown), [shown],
                             [], [], images, rng.choice((150, 200, 250)))  # fmt: skip
                else:
                    title, body, price = rng.choice(ORDINARY)
                    ad = _ad(CLASSIFIED_SITE, city, ts, title, body.format(city=city, phone=shown),
                             [shown], [], [], [fake_sha256(rng)], price)  # fmt: skip
                items.append((ts, ad))
            while p < len(planted) and (planted[p][0] < local_ts(day + 1, 0) or day == DAYS - 1):
                items.append(planted[p])
                p += 1
            items.sort(key=lambda item: item[0])
            lines = []
            for _, ad in items:
                written += 1
                ad_id = f"AD-{written:07d}"
                slug = str(ad["city"]).split(",")[0].lower().replace(" ", "").replace(".", "")
                ad = {"ad_id": ad_id, **ad, "url": f"https://{ad['site']}/{slug}/{ad_id.lower()}"}
                lines.append(json.dumps(ad, ensure_ascii=False) + "\n")
            handle.write("".join(lines))
    return written
