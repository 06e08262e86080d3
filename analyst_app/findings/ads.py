"""Online ads (DOMAIN.md section 4 and F14): personas, circuits, account identifiers in ads.

A persona is a set of ads joined by a shared phone, e-mail, handle or image hash
(union-find); an ad that lists no phone is also read for a number spelled out in its text
("three1two five5five ..."), the obfuscation NIJ found predictive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers

from analyst_app.findings.context import RuleContext, ending
from analyst_app.findings.model import Finding
from analyst_app.findings.union import Union
from analyst_app.store import ad_queries as sql
from importers.narrative import extract_identifiers

DAY = 86_400
CONTACT_TYPES = ("phone:", "email:", "handle:")


@dataclass
class Persona:
    ads: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    images: set[str] = field(default_factory=set)
    spelled: dict[str, str] = field(default_factory=dict)  # ad id -> text read as a phone

    @property
    def phones(self) -> list[str]:
        return [c for c in self.contacts if c.startswith("phone:")]


def _spelled_phone(text: str, region: str) -> tuple[str, str] | None:
    for mention in extract_identifiers(text):
        if mention.kind != "phone":
            continue
        try:
            number = phonenumbers.parse(mention.value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return f"phone:{e164}", mention.text
    return None


def personas(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["ADS-PERSONA"]
    out = []
    for persona in _personas(ctx):
        ids = [c for c in persona.contacts]
        if len(persona.phones) < t["min_phones"] and len(ids) < t["min_identifiers"]:
            continue
        labels = ctx.labels(ids)
        evidence = _ad_evidence(ctx, persona)
        spelled = (
            f" {len(persona.spelled)} ad(s) list no phone but spell one out in the text "
            f"({'; '.join(repr(v) for v in persona.spelled.values())})."
            if persona.spelled
            else ""
        )
        out.append(
            ctx.finding(
                "ADS-PERSONA",
                f"Ad persona: {len(persona.ads)} ads under {len(persona.phones)} phone(s)",
                "medium" if len(persona.phones) < 2 else "high",
                f"{len(persona.ads)} ads are joined by shared contact details or photos: "
                f"{', '.join(labels.get(i, i) for i in ids)}"
                f"{f', and {len(persona.images)} shared image(s)' if persona.images else ''}."
                f"{spelled} Several numbers and addresses behind the same photos suggest one "
                "operator posting for one or more people (DOMAIN.md section 4).",
                ids,
                evidence,
            )
        )
    return out


def _ad_evidence(ctx: RuleContext, persona: Persona) -> tuple[Any, ...]:
    rows = sql.ad_details(ctx.case, persona.ads)
    return ctx.evidence(
        (
            aid,
            f"{ctx.local(posted) if posted and posted.endswith('Z') else (posted or '')[:16]} "
            f"ad on {site or 'unknown site'} in {city or 'unknown city'}: {label}"
            + (f" (spells out {persona.spelled[aid]!r})" if aid in persona.spelled else ""),
        )
        for aid, label, city, posted, site in rows
    )


def _personas(ctx: RuleContext) -> list[Persona]:
    """Components of ads joined by contacts and image hashes (cached for the run)."""
    cached = ctx.cache.get("personas")
    if cached is not None:
        return list(cached)
    uf = Union()
    has_phone: set[str] = set()
    ad_ids = sql.ad_ids(ctx.case)
    for contact, ad in sql.posted_pairs(ctx.case):
        if contact.startswith(CONTACT_TYPES) and ad in ad_ids:
            uf.join(ad, contact)
            if contact.startswith("phone:"):
                has_phone.add(ad)
    image_of: dict[str, set[str]] = defaultdict(set)
    for ad, image in sql.ad_images(ctx.case):
        uf.join(ad, f"img:{image}")
        image_of[f"img:{image}"].add(ad)
    spelled: dict[str, str] = {}
    region = str(ctx.case.settings.get("phone_region") or "US")
    for ad, title, body in sql.ad_texts(ctx.case):
        if ad in has_phone:
            continue
        found = _spelled_phone(f"{title or ''}\n{body or ''}", region)
        if found:
            uf.join(ad, found[0])
            spelled[ad] = found[1]
    groups: dict[str, Persona] = defaultdict(Persona)
    for node in list(uf.parent):
        p = groups[uf.find(node)]
        if node in ad_ids:
            p.ads.append(node)
            if node in spelled:
                p.spelled[node] = spelled[node]
        elif node.startswith("img:"):
            if len(image_of[node]) > 1:
                p.images.add(node)
        else:
            p.contacts.append(node)
    result = [p for p in groups.values() if p.ads]
    for p in result:
        p.ads.sort()
        p.contacts.sort()
    ctx.cache["personas"] = result
    return list(result)


def circuits(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["ADS-CIRCUIT"]
    persona_of: dict[str, int] = {}
    found = _personas(ctx)
    for n, p in enumerate(found):
        for ad in p.ads:
            persona_of[ad] = n
    posts: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for ad, event, start, city in sql.ad_posts(ctx.case):
        n = persona_of.get(ad, -1)
        if n >= 0:
            epoch = int(datetime.fromisoformat(start).timestamp())
            posts[n].append((epoch, city, event, start))
    span = t["window_days"] * DAY
    out = []
    for n, rows in posts.items():
        if len({r[1] for r in rows}) < t["min_cities"]:
            continue
        rows.sort()
        best: list[tuple[int, str, str, str]] = []
        i = 0
        for j in range(len(rows)):
            while rows[j][0] - rows[i][0] > span:
                i += 1
            if len({r[1] for r in rows[i : j + 1]}) > len({r[1] for r in best}):
                best = rows[i : j + 1]
        cities = list(dict.fromkeys(r[1] for r in best))
        if len(cities) < t["min_cities"]:
            continue
        persona = found[n]
        labels = ctx.labels(persona.contacts)
        days = (best[-1][0] - best[0][0]) // DAY + 1
        out.append(
            ctx.finding(
                "ADS-CIRCUIT",
                f"Ad circuit: {len(cities)} cities in {days} days",
                "high",
                f"Ads of one persona ({', '.join(labels.get(c, c) for c in persona.contacts)}) "
                f"were posted in {', '.join(cities)} between {ctx.local(best[0][3])[:10]} and "
                f"{ctx.local(best[-1][3])[:10]}. The same contact advertised city after city is "
                "the circuit pattern of victims moved for commercial sex (DOMAIN.md section 4).",
                persona.contacts,
                ctx.evidence(
                    (event, f"{ctx.local(start)} ad posted in {city}")
                    for _, city, event, start in best
                ),
            )
        )
    return out


def f14_identifiers_in_ads(ctx: RuleContext) -> list[Finding]:
    kinds = ctx.thresholds["F14"]["identifier_types"]
    rows = sql.holder_identifiers_in_ads(ctx.case, kinds)
    by_account: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_account[r[0]].append(r)
    out = []
    for account, hits in by_account.items():
        evidence: list[tuple[str, str]] = []
        for _, _, link_id, ident, kind, label, _n in hits:
            evidence.append(
                (link_id, f"the holder of {ending(account)} gives the {kind.lower()} {label}")
            )
            for ad, ad_label, posted in sql.ads_posted_by(ctx.case, ident):
                evidence.append((ad, f"{(posted or '')[:16]} ad listing {label}: {ad_label}"))
        what = "; ".join(f"{h[4].lower()} {h[5]} in {h[6]} ad(s)" for h in hits)
        out.append(
            ctx.finding(
                "F14",
                f"Account holder's {', '.join(sorted({h[4].lower() for h in hits}))} in online ads",
                "high",
                f"The holder of {ending(account)} gives contact details that also appear in "
                f"online ads: {what}. An account holder whose phone or e-mail advertises "
                "commercial sex may be the one posting or taking the bookings (FIN-2020-A008).",
                [*sorted({h[1] for h in hits}), account, *(h[3] for h in hits)],
                ctx.evidence(evidence),
                financial=True,
            )
        )
    return out
