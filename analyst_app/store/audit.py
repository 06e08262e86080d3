"""An append-only audit trail whose entries are chained by SHA-256.

Each entry's hash covers the previous hash and its own fields, so editing, deleting or
reordering any row breaks every hash after it and `verify` can name the first bad one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from analyst_app.store.connection import Connection

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, at: str, analyst: str, action: str, details: str) -> str:
    payload = json.dumps([prev_hash, seq, at, analyst, action, details], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(conn: Connection, analyst: str, action: str, details: dict[str, Any]) -> int:
    """Append one entry; the caller's transaction makes it atomic with the change it records."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    text = json.dumps(details, sort_keys=True, ensure_ascii=False, default=str)
    digest = entry_hash(prev, seq, at, analyst, action, text)
    conn.execute(
        "INSERT INTO audit (seq, at, analyst, action, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at, analyst, action, text, prev, digest),
    )
    return seq


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken: int | None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify_chain(conn: Connection) -> ChainReport:
    prev, expected_seq, count = GENESIS, 1, 0
    rows = conn.execute(
        "SELECT seq, at, analyst, action, details, prev_hash, hash FROM audit ORDER BY seq"
    )
    for seq, at, analyst, action, details, prev_hash, digest in rows:
        count += 1
        if seq != expected_seq:
            return ChainReport(count, seq, f"entry {expected_seq} is missing")
        if prev_hash != prev:
            return ChainReport(count, seq, "it does not follow the entry before it")
        if entry_hash(prev, seq, at, analyst, action, details) != digest:
            return ChainReport(count, seq, "its contents were changed after it was written")
        prev, expected_seq = digest, seq + 1
    return ChainReport(count, None)


def entries(conn: Connection, limit: int = 1000) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT seq, at, analyst, action, details FROM audit ORDER BY seq DESC LIMIT ?", (limit,)
    )
    return [
        {"seq": s, "at": at, "analyst": who, "action": act, "details": json.loads(d)}
        for s, at, who, act, d in rows
    ]
