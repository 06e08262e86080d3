"""Which participants of an event become the two ends of a chart edge, and what it is called.

The main pair of each event type: caller -> callee, sender -> recipient, payer -> payee
(a credit runs counterparty -> account; a debit account -> counterparty or merchant),
depositor -> account, contact or poster -> ad. The people, places and vehicles of a trip,
a meeting or a tip are joined with each other (undirected). A tip's reporter is left out:
reporting a person is not a tie to them, and reporters are protected.

Cells and handsets (the cell/device columns of call records, and DataSessions) are not
paired with both parties: the record belongs to one subscriber and does not say which.
They become "context" edges from the one number seen in most of the handset's events
(the store's rule, `store.graph_queries.context_rows`). Handsets are charted by default
(one IMEI behind several numbers is a classic burner tell); cells are not, because one
tower serves every number around it, and co-location is an analysis of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyst_app.store.graph_queries import PairRule

_MONEY = ("direction", "credit", "amount", "currency")
_TIP_ROLES = ("subject", "victim", "mentioned")


def _clique(event_type: str, roles: Sequence[str], extra: str | None) -> list[PairRule]:
    rules = [PairRule(event_type, a, b) for i, a in enumerate(roles) for b in roles[i:]]
    return rules + ([PairRule(event_type, r, extra) for r in roles] if extra else [])


DEFAULT_PAIRINGS: tuple[PairRule, ...] = (
    PairRule("Call", "caller", "callee"),
    PairRule("Message", "sender", "recipient"),
    PairRule("Transaction", "account", "counterparty", *_MONEY),
    PairRule("Transaction", "account", "merchant", *_MONEY),
    PairRule("Transaction", "depositor", "account", None, None, "amount", "currency"),
    PairRule("AdPost", "contact", "ad"),
    PairRule("AdPost", "poster", "ad"),
    *_clique("Travel", ("traveller",), None),
    *(PairRule("Travel", "traveller", r) for r in ("from", "to", "vehicle", "lodging")),
    *_clique("Meeting", ("participant",), "location"),
    *_clique("Tip", _TIP_ROLES, "location"),
)
# Event types whose pairs have a direction (one-way traffic gets an arrow).
DIRECTED_EVENTS = frozenset({"Call", "Message", "Transaction", "AdPost"})
# Who can hold a handset or be seen at a cell; how those edges read.
PARTY_ROLES = ("caller", "callee", "sender", "recipient", "subscriber")
CONTEXT_PHRASES = {"device": "used handset", "cell": "via cell"}
# "120 calls": a count and a noun. Other event types use their schema label and plural.
NOUNS = {
    "Call": ("call", "calls"),
    "Message": ("message", "messages"),
    "Transaction": ("transaction", "transactions"),
    "AdPost": ("ad post", "ad posts"),
    "Tip": ("tip", "tips"),
    "Meeting": ("meeting", "meetings"),
    "Travel": ("trip", "trips"),
}
