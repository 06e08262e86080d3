"""Merging two entities the analyst has decided are one, and undoing it.

The kept entity's values win, but nothing of the merged one is lost from view: its other
names become aliases, and a property both have with different values keeps both (the kept
value first). Everything else (links, events, provenance, tags, notes) is re-pointed by
`analyst_app.store.merging`, which also writes the snapshot that makes unmerge exact.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from analyst_app.model import PropertyValue, values
from analyst_app.records import search_text
from analyst_app.schema.loader import TypeDef
from analyst_app.store import merging
from analyst_app.store.merging import MergeError

if TYPE_CHECKING:
    from analyst_app.store.case import Case

_FILLED = ("role", "handling")
_GRADES = ("source_grade", "info_grade")


def merged_properties(
    typedef: TypeDef,
    kept: dict[str, PropertyValue],
    kept_label: str,
    merged: dict[str, PropertyValue],
    merged_label: str,
) -> tuple[dict[str, PropertyValue], list[str]]:
    """The kept entity's properties after the merge, and the conflicts, in words."""
    result: dict[str, PropertyValue] = dict(kept)
    conflicts: list[str] = []
    known_names = {kept_label, *values(kept.get("name")), *values(kept.get("alias"))}
    new_names = [n for n in dict.fromkeys([merged_label, *values(merged.get("name"))]) if n]
    extra = [n for n in (*new_names, *values(merged.get("alias"))) if n not in known_names]
    name_key = "alias" if "alias" in typedef.properties else "name"
    for key, value in merged.items():
        if key in ("name", "alias"):
            continue
        if key not in result:
            result[key] = value
        elif values(result[key]) != values(value):
            union = list(dict.fromkeys([*values(result[key]), *values(value)]))
            if len(union) > len(values(result[key])):
                conflicts.append(
                    f"{key}: {', '.join(values(result[key]))} / {', '.join(values(value))}"
                )
                result[key] = union
    if "name" in merged and "name" not in result:
        result["name"] = merged["name"]
        extra = [n for n in extra if n not in values(merged["name"])]
    if extra:
        held = values(result.get(name_key))
        union = list(dict.fromkeys([*held, *extra]))
        result[name_key] = union[0] if len(union) == 1 else union
    return result, conflicts


def _kept_after(
    case: Case, kept: dict[str, Any], merged: dict[str, Any], now: str
) -> tuple[dict[str, Any], list[str]]:
    typedef = case.schema.types[kept["type"]]
    props, conflicts = merged_properties(
        typedef,
        json.loads(kept["properties"]),
        kept["label"],
        json.loads(merged["properties"]),
        merged["label"],
    )
    after: dict[str, Any] = {
        "properties": json.dumps(props, ensure_ascii=False, separators=(",", ":")),
        "search_text": search_text(typedef, props, kept["label"]),
    }
    for column in _FILLED:
        if kept[column] is None and merged[column] is not None:
            after[column] = merged[column]
        elif merged[column] not in (None, kept[column]):
            conflicts.append(f"{column}: {kept[column]} / {merged[column]}")
    if all(kept[g] is None for g in _GRADES) and any(merged[g] is not None for g in _GRADES):
        after.update({g: merged[g] for g in _GRADES})
    after["updated_at"] = now
    return after, conflicts


def merge(case: Case, kept_id: str, merged_id: str) -> int:
    """Fold `merged_id` into `kept_id` (audited, undoable); return the merge's id."""
    from analyst_app.store.case import utc_now

    if kept_id == merged_id:
        raise MergeError("an entity cannot be merged with itself.")
    kept = merging.entity_row(case.conn, kept_id)
    merged = merging.entity_row(case.conn, merged_id)
    for wanted, row in ((kept_id, kept), (merged_id, merged)):
        if row is None:
            raise MergeError(f"there is no entity {wanted!r} in this case.")
    assert kept is not None and merged is not None
    if kept["type"] != merged["type"]:
        raise MergeError(
            f"{kept['label']} is a {kept['type']} and {merged['label']} a {merged['type']};"
            " only entities of one type can be merged."
        )
    now = utc_now()
    after, conflicts = _kept_after(case, kept, merged, now)
    details: dict[str, Any] = {
        "kept": {"id": kept_id, "label": kept["label"]},
        "merged": {"id": merged_id, "label": merged["label"]},
        "conflicts": conflicts,
    }
    with case.write("merge entities", details) as conn:
        snapshot = merging.merge_rows(conn, kept, merged, after)
        merge_id = merging.record_merge(conn, kept_id, merged_id, snapshot, case.analyst, now)
        # The audit entry is appended when the block ends: it can still name the merge.
        details["merge_id"] = merge_id
        details["moved"] = {
            "links": len(snapshot["links_moved"]),
            "links_set_aside": len(snapshot["links_removed"]),
            "events": len(snapshot["participation"]["moved"]),
            "provenance": len(snapshot["provenance"]["moved"]),
            "tags": len(snapshot["tags"]["moved"]),
            "notes": len(snapshot["notes"]),
        }
    return merge_id


def unmerge(case: Case, merge_id: int) -> None:
    """Undo merge `merge_id` exactly (audited); later merges of the same entities go first."""
    from analyst_app.store.case import utc_now

    record = merging.merge_record(case.conn, merge_id)
    if record is None:
        raise MergeError(f"there is no merge {merge_id} in this case.")
    if record["undone_at"] is not None:
        raise MergeError(f"merge {merge_id} was already undone on {record['undone_at']}.")
    later = merging.later_merges(case.conn, merge_id, (record["kept_id"], record["merged_id"]))
    if later:
        raise MergeError(
            f"merge {merge_id} was followed by merge {', '.join(map(str, later))} of the same"
            " entities; undo that first."
        )
    snapshot = json.loads(record["snapshot"])
    details = {
        "merge_id": merge_id,
        "kept": {"id": record["kept_id"], "label": snapshot["kept"]["label"]},
        "restored": {"id": record["merged_id"], "label": snapshot["merged"]["label"]},
    }
    with case.write("unmerge entities", details) as conn:
        merging.unmerge_rows(conn, snapshot)
        merging.mark_undone(conn, merge_id, utc_now())
