"""Call and message patterns: co-location, common contacts of suspects, recruitment.

Calls and messages are read once into numpy arrays (`comm.py`: one row per record, who
started it, who received it, the A party's cell and device, the time); the rules are array
operations over them, and only the rows a finding shows are read again as text.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from analyst_app.findings.comm import (
    INCOMING,
    OUTGOING,
    Comm,
    Ints,
    contacts_of,
    directions,
    load_comm,
    rows_of,
    starts,
)
from analyst_app.findings.context import RuleContext
from analyst_app.findings.model import Finding
from analyst_app.findings.reports import likely_users
from analyst_app.findings.victims import name_key
from analyst_app.store import call_queries as sql
from analyst_app.store import rule_queries

DAY = 86_400


def _what(kind: str, local: str, a: str, b: str, labels: dict[str, str]) -> str:
    verb = "called" if kind == "Call" else "texted"
    return f"{local} {labels.get(a, a)} {verb} {labels.get(b, b)}"


def _near(cell: Ints, epoch: Ints, window: int) -> tuple[Ints, Ints]:
    """Pairs (i, j), i < j, of sightings sorted by cell and time that are on one cell within
    `window` seconds. The k-th next sighting is compared for k = 1, 2, ... while any is
    still near; one that fell out of the window at k stays out for larger k."""
    n = len(cell)
    found_i, found_j = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    active = np.arange(max(0, n - 1))
    k = 1
    while active.size:
        j = active + k
        near = (cell[j] == cell[active]) & (epoch[j] - epoch[active] <= window)
        active = active[near]
        found_i.append(active)
        found_j.append(j[near])
        k += 1
        active = active[active + k < n]
    return np.concatenate(found_i), np.concatenate(found_j)


def co_location(ctx: RuleContext) -> list[Finding]:
    """Two phones on the same cell within minutes, repeatedly, and not calling each other."""
    t = ctx.thresholds["CO-LOCATION"]
    comm = load_comm(ctx)
    # Calls on a cell, by cell and time; which party was on the cell depends on the call's
    # direction, read below only for the calls that have another call nearby.
    seen = np.flatnonzero(comm.is_call & (comm.cell >= 0))
    seen = seen[np.lexsort((comm.epoch[seen], comm.cell[seen]))]
    epoch = comm.epoch[seen]
    i, j = _near(comm.cell[seen], epoch, t["window_minutes"] * 60)
    # The cell of a record is its A party's: the caller on an outgoing call, the callee on
    # an incoming one. Calls with another direction (and messages) are left out.
    direction = directions(ctx, comm, np.unique(np.concatenate([seen[i], seen[j]])))[seen]
    sighted = (direction == OUTGOING) | (direction == INCOMING)
    i, j = i[sighted[i] & sighted[j]], j[sighted[i] & sighted[j]]
    incoming = direction == INCOMING
    phone = np.where(incoming, comm.b[seen], comm.a[seen])
    other = np.where(incoming, comm.a[seen], comm.b[seen])
    # The SQL's self-join: s and o on the cell, o no earlier than s and not the phone s was
    # calling; a pair at the same second counts once, from the phone with the lower id.
    later = epoch[j] > epoch[i]
    forward = later | (phone[j] > phone[i])
    backward = ~later & (phone[i] > phone[j])
    s = np.concatenate([i[forward], j[backward]])
    o = np.concatenate([j[forward], i[backward]])
    keep = (phone[o] != phone[s]) & (phone[o] != other[s])
    s, o = s[keep], o[keep]
    if not s.size:
        return []
    size = len(comm.names)
    key = np.minimum(phone[s], phone[o]) * size + np.maximum(phone[s], phone[o])
    pairs, group, times = np.unique(key, return_inverse=True, return_counts=True)
    day = epoch[s] // DAY  # the UTC date of the first sighting
    span = int(day.max() - day.min() + 1)
    days = np.bincount(np.unique(group * span + (day - day.min())) // span, minlength=len(pairs))
    out = []
    for g in np.flatnonzero((times >= t["min_times"]) & (days >= t["min_days"])):
        mine = group == g
        rows = np.unique(np.concatenate([seen[s[mine]], seen[o[mine]]]))
        rows = rows[np.argsort(comm.epoch[rows], kind="stable")]
        a, b = comm.names[int(pairs[g] // size)], comm.names[int(pairs[g] % size)]
        out.append(_co_location_finding(ctx, comm, a, b, int(times[g]), int(days[g]), rows))
    return out


def _co_location_finding(
    ctx: RuleContext, comm: Comm, a: str, b: str, times: int, days: int, at: Ints
) -> Finding:
    t = ctx.thresholds["CO-LOCATION"]
    ts = starts(ctx, (comm.events[n] for n in at))
    names = comm.names
    rows = []
    for n in at:
        incoming = comm.direction[n] == INCOMING
        phone = names[comm.b[n]] if incoming else names[comm.a[n]]
        event = comm.events[n]
        rows.append((event, phone, names[comm.cell[n]], ts[event]))
    labels = ctx.labels([a, b, *(r[2] for r in rows)])
    cells = list(dict.fromkeys(labels.get(r[2], r[2]) for r in rows))
    return ctx.finding(
        "CO-LOCATION",
        f"Phones seen together {times} times on {days} days",
        "medium",
        f"{labels.get(a, a)} and {labels.get(b, b)} were on the same cell "
        f"({', '.join(cells[:5])}) within {t['window_minutes']} minutes of each other "
        f"{times} times on {days} different days, without calling each other. Phones "
        "that keep turning up together are likely carried by people who travel or "
        "live together.",
        [a, b, *dict.fromkeys(r[2] for r in rows)],
        ctx.evidence(
            (r[0], f"{ctx.local(r[3])} {labels.get(r[1], r[1])} on cell {labels.get(r[2], r[2])}")
            for r in rows
        ),
    )


def suspect_phones(ctx: RuleContext) -> dict[str, list[str]]:
    """Phones used by persons marked suspect (or by their unresolved namesakes): phone -> people."""
    names = {name_key(label): eid for eid, label in sql.suspect_labels(ctx.case)}
    names.pop("", None)
    people = [
        eid for eid, label in rule_queries.person_labels(ctx.case) if name_key(label) in names
    ]
    out: dict[str, list[str]] = defaultdict(list)
    for person, phone in sql.phones_used_by(ctx.case, people):
        out[phone].append(person)
    return out


def common_contacts(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["COMMON-CONTACTS"]
    suspects = suspect_phones(ctx)
    if not suspects:
        return []
    comm = load_comm(ctx)
    phones = sorted(suspects)
    contacts = {p: contacts_of(comm, p) for p in phones}
    out = []
    for i, a in enumerate(phones):
        for b in phones[i + 1 :]:
            if set(suspects[a]) & set(suspects[b]):
                continue  # two phones of the same person
            common = sorted((set(contacts[a]) & set(contacts[b])) - {a, b})
            if len(common) < t["min_common"]:
                continue
            labels = ctx.labels([a, b, *common])
            at = [r for c in common for p in (a, b) for r in contacts[p][c][:10].tolist()]
            rows = rows_of(ctx, comm, at)
            out.append(
                ctx.finding(
                    "COMMON-CONTACTS",
                    f"Suspects' phones share {len(common)} contacts",
                    "medium",
                    f"{labels.get(a, a)} and {labels.get(b, b)}, both used by suspects, are in "
                    f"touch with the same {len(common)} numbers: "
                    f"{', '.join(labels.get(c, c) for c in common[:10])}. Shared contacts can "
                    "reveal the rest of a network.",
                    [*suspects[a], a, *suspects[b], b, *common],
                    ctx.evidence(
                        (r[0], _what(r[2], ctx.local(r[1]), r[3], r[4], labels)) for r in rows
                    ),
                )
            )
    return out


def recruitment(ctx: RuleContext) -> list[Finding]:
    """A phone with an intense first week with several new contacts, who are then contacted
    by one other phone it also talks to: a recruiter handing people over to a controller."""
    t = ctx.thresholds["RECRUITMENT-RING"]
    comm = load_comm(ctx)
    bursts = _bursts(comm, t["burst_days"] * DAY, t["min_burst_contacts"])
    report = (t["burst_days"] + t["handler_within_days"]) * DAY
    out = []
    for rec, recruits in sorted(bursts.items()):
        if len(recruits) < t["min_recruits"]:
            continue
        mine = contacts_of(comm, rec)
        handlers: dict[str, list[str]] = defaultdict(list)
        for c, first in recruits.items():
            for other, rows in contacts_of(comm, c).items():
                if other in (rec, c) or other not in mine:
                    continue
                # (times compared in whole seconds, as the ISO strings compared before)
                later = bool((comm.epoch[rows] > first).any())
                told = comm.epoch[mine[other]]
                reported = bool(((told >= first) & (told <= first + report)).any())
                if later and reported:
                    handlers[other].append(c)
        for handler, people in handlers.items():
            if len(people) < t["min_recruits"]:
                continue
            out.append(_recruitment_finding(ctx, comm, rec, handler, people, recruits, mine))
    return out


def _bursts(comm: Comm, burst: int, least: int) -> dict[str, dict[str, int]]:
    """Phone -> {phone it had at least `least` contacts with in the `burst` seconds after
    their first: that first contact's time}. Pairs come in the order of their first contact
    (ties in event order), the order the time-ordered scan of the SQL table met them."""
    x, y = np.minimum(comm.a, comm.b), np.maximum(comm.a, comm.b)
    key = x * len(comm.names) + y
    order = np.lexsort((comm.epoch, key))  # by pair, then time, then row
    ordered = key[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    group = np.cumsum(np.r_[False, ordered[1:] != ordered[:-1]])
    opened = comm.epoch[order[first]]
    within = np.bincount(group, weights=comm.epoch[order] <= opened[group] + burst)
    busy = np.flatnonzero(within >= least)
    lead = order[first[busy]]  # the row of each busy pair's first contact
    busy = busy[np.lexsort((lead, opened[busy]))]
    names = comm.names
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for g in busy:
        row = order[first[g]]
        a, b = names[x[row]], names[y[row]]
        out[a][b] = out[b][a] = int(opened[g])
    return out


def _recruitment_finding(
    ctx: RuleContext,
    comm: Comm,
    rec: str,
    handler: str,
    people: list[str],
    recruits: dict[str, int],
    mine: dict[str, Ints],
) -> Finding:
    t = ctx.thresholds["RECRUITMENT-RING"]
    device = _usual_device(ctx, comm, rec)
    tips = sql.tips_naming(ctx.case, rec)
    users = likely_users(ctx, tips) + sql.users_of(ctx.case, rec)
    labels = ctx.labels([rec, handler, *people, *users])
    at: list[int] = []
    for c in people:
        at += mine[c][comm.epoch[mine[c]] <= recruits[c] + t["burst_days"] * DAY].tolist()
    at += mine[handler][:20].tolist()
    rows = rows_of(ctx, comm, at)
    rows.sort(key=lambda r: r[1])
    return ctx.finding(
        "RECRUITMENT-RING",
        f"Recruitment pattern: {len(people)} new contacts handed to one phone",
        "high",
        f"{labels.get(rec, rec)} had an intense first {t['burst_days']} days of calls and "
        f"texts with {len(people)} new contacts "
        f"({', '.join(labels.get(c, c) for c in people)}), was in touch with "
        f"{labels.get(handler, handler)} within {t['handler_within_days']} days of each, and "
        f"that phone then contacted the same people. Grooming new contacts and handing them "
        "to a second person is how recruiters pass victims to those who control them.",
        [*users, rec, device, handler, *people],
        ctx.evidence((r[0], _what(r[2], ctx.local(r[1]), r[3], r[4], labels)) for r in rows),
    )


def _usual_device(ctx: RuleContext, comm: Comm, phone: str) -> str | None:
    """The device (IMEI) that made most of `phone`'s outgoing calls; on a tie, the lowest id.
    Devices are looked up only here, for the few phones a finding is about."""
    code = comm.code(phone)
    if code < 0:
        return None
    mine = np.flatnonzero(comm.a == code)
    events = [comm.events[n] for n in mine[directions(ctx, comm, mine)[mine] == OUTGOING]]
    used: Counter[str] = Counter()
    for device in sql.event_devices(ctx.case, events):
        used[device] += 1
    return min(used, key=lambda d: (-used[d], d)) if used else None
