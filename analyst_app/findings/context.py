"""What every rule needs: the case, its thresholds and time zone, and evidence lookups.

Transactions are read once into an in-memory temporary table (`temp.fx_txn`, columns
already pulled out of the JSON properties, times already in the case's zone), so each
money rule is one aggregate query over it. `temp_store=MEMORY` keeps it off the disk.
Its SQL and the lookups below are in analyst_app.store.rule_queries, and each rule family's
own queries in a store module of its own (DESIGN.md keeps SQL in the store package).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from analyst_app.findings.model import Evidence, Finding
from analyst_app.findings.thresholds import Thresholds
from analyst_app.findings.victims import potential_victims
from analyst_app.store import rule_queries

if TYPE_CHECKING:
    from analyst_app.store.case import Case

# A link such as "holder uses phone" is recorded by every bank row that repeats it; the
# first few places cite it well enough, and a finding stays readable in the brief.
PLACES_PER_OBJECT = 3


@dataclass
class RuleContext:
    case: Case
    thresholds: Thresholds
    run_at: str
    timings: dict[str, float] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # shared between rules of one run
    cleanups: list[str] = field(default_factory=list)  # temporary tables to drop at the end
    _local_cache: dict[str, datetime] = field(default_factory=dict)
    _txn_ready: bool = False

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(str(self.case.settings.get("time_zone") or "UTC"))

    @cached_property
    def victims(self) -> frozenset[str]:
        return potential_victims(self.case)

    # -- time ------------------------------------------------------------------------
    def local(self, utc: str | None) -> str:
        """'YYYY-MM-DD HH:MM' in the case's zone (the zone's offset cached per UTC hour)."""
        if not utc or len(utc) < 16:
            return ""
        base = self._local_cache.get(utc[:13])
        if base is None:
            moment = datetime.fromisoformat(utc[:13] + ":00:00+00:00").astimezone(self.tz)
            base = moment.replace(tzinfo=None)
            self._local_cache[utc[:13]] = base
        return (base + timedelta(minutes=int(utc[14:16]))).strftime("%Y-%m-%d %H:%M")

    def offset_sql(self, column: str, table: str = "events") -> str:
        """SQL for the case zone's UTC offset in minutes at `column`: a CASE over the zone's
        changes in the case's time span (one Python call per hour of the span, not per row)."""
        first, last = rule_queries.time_bounds(self.case, column, table)
        if not first:
            return "0"
        start = datetime.fromisoformat(first[:13] + ":00:00+00:00")
        end = datetime.fromisoformat(last[:13] + ":00:00+00:00")

        def minutes(moment: datetime) -> int:
            delta = moment.astimezone(self.tz).utcoffset()
            return int(delta.total_seconds() // 60) if delta else 0

        current, changes, moment = minutes(start), [], start
        while moment <= end:
            now = minutes(moment)
            if now != current:
                changes.append((moment.strftime("%Y-%m-%dT%H"), current))
                current = now
            moment += timedelta(hours=1)
        if not changes:
            return str(current)
        whens = " ".join(f"WHEN {column} < '{at}' THEN {m}" for at, m in changes)
        return f"(CASE {whens} ELSE {current} END)"

    def txn(self) -> None:
        """Make `temp.fx_txn` once per run."""
        if self._txn_ready:
            return
        rule_queries.make_txn_table(self.case, self.offset_sql("start_utc"))
        self._txn_ready = True

    def close(self) -> None:
        """Drop this run's temporary tables (they live in memory until then)."""
        if self._txn_ready:
            rule_queries.drop_txn_table(self.case)
            self._txn_ready = False
        while self.cleanups:
            rule_queries.drop_temp_table(self.case, self.cleanups.pop())

    # -- evidence --------------------------------------------------------------------
    def evidence(self, rows: Iterable[tuple[str, str]]) -> tuple[Evidence, ...]:
        """Evidence for (object id, one-line text) pairs: one item per place it came from."""
        items = list(dict.fromkeys(rows))
        where: dict[str, list[tuple[int | None, str, str, str]]] = {}
        ids = list(dict.fromkeys(i for i, _ in items))
        for oid, sid, name, sha, loc in rule_queries.places(self.case, ids):
            where.setdefault(oid, []).append((sid, name, sha, loc))
        out: list[Evidence] = []
        for oid, text in items:
            places = where.get(oid, [])[:PLACES_PER_OBJECT] or [(None, "", "", "")]
            for sid, name, sha, loc in places:
                out.append(Evidence(oid, sid, name, sha, loc, text))
        return tuple(out)

    def holders(self, accounts: Iterable[str]) -> dict[str, list[str]]:
        """Who owns each account (`owns` links), in one query per chunk."""
        wanted = list(dict.fromkeys(accounts))
        out: dict[str, list[str]] = {}
        for source, target in rule_queries.owners(self.case, wanted):
            out.setdefault(target, []).append(source)
        return out

    def labels(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        for eid, label in rule_queries.labels(self.case, wanted):
            out[eid] = label
        return out

    def finding(
        self,
        rule: str,
        title: str,
        severity: str,
        explanation: str,
        entities: Iterable[str | None],
        evidence: tuple[Evidence, ...],
        *,
        financial: bool = False,
    ) -> Finding:
        """A Finding with this run's thresholds; victims listed after subjects, as counterparts."""
        ents = [e for e in dict.fromkeys(entities) if e]
        counterparts = frozenset(e for e in ents if e in self.victims)
        if financial:
            ents = [e for e in ents if e not in counterparts] + sorted(counterparts)
            if counterparts and all(e in counterparts for e in ents):
                # FIN-2020-A008: never a victim as the subject. The activity is still shown,
                # as a question about who controls the account.
                title = f"On a potential victim's account: {title[0].lower()}{title[1:]}"
                explanation = (
                    "The account belongs to a potential victim, who is not the subject of this "
                    "finding; the question is who controls the account. " + explanation
                )
        return Finding(
            rule=rule,
            title=title,
            severity=severity,
            explanation=explanation,
            entities=tuple(ents),
            evidence=evidence,
            thresholds=dict(self.thresholds.get(rule, {})),
            run_at=self.run_at,
            counterparts=counterparts,
        )


def money(amount: float | None) -> str:
    return f"{amount or 0:,.2f}"


def ending(account_id: str | None) -> str:
    """'account ending 1234': court filings show only the last four digits (Rule 49.1)."""
    number = (account_id or "").removeprefix("account:")
    return f"account ending {number[-4:]}" if number else "an unknown account"


CHANNEL_NAMES = {"ach": "ACH", "atm": "ATM", "p2p": "P2P"}


def txn_text(
    local: str, amount: float, currency: str, direction: str, channel: str, account: str,
    extra: str = "",
) -> str:  # fmt: skip
    """'2024-03-02 02:14 cash deposit 9,500.00 USD into account ending 1234 (...)'."""
    channel = CHANNEL_NAMES.get(channel, channel)
    if direction == "credit":
        what = "cash deposit" if channel == "cash" else f"{channel or 'credit'} credit".strip()
        where = f"into {ending(account)}"
    else:
        what = "cash withdrawal" if channel in ("cash", "ATM") else f"{channel or ''} debit".strip()
        where = f"from {ending(account)}"
    tail = f" ({extra})" if extra else ""
    return f"{local} {what} {money(amount)} {currency} {where}{tail}"


def windows(epochs: Sequence[int], span: int) -> tuple[int, int]:
    """The [i, j) slice of sorted `epochs` holding the most items within `span` seconds."""
    best, best_i, best_j, i = 0, 0, 0, 0
    for j in range(len(epochs)):
        while epochs[j] - epochs[i] > span:
            i += 1
        if j + 1 - i > best:
            best, best_i, best_j = j + 1 - i, i, j + 1
    return best_i, best_j


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
