"""Load and check the type files in resources/schema.

A bad schema file must stop the app with a message that names the file and the key,
because trainers and analysts edit these files by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from analyst_app.resources import resource_path
from analyst_app.schema.property_types import PROPERTY_TYPES, PropertyType
from analyst_app.schema.yamlfile import safe_load

KINDS = ("entity", "link", "event")
_TYPE_KEYS = {
    "name", "kind", "label", "plural", "parent", "abstract", "icon", "description",
    "identify", "id_from", "id_prefix", "properties", "edge", "participants", "roles", "color",
}  # fmt: skip
_PROPERTY_KEYS = {"type", "label", "required", "choices", "description", "multiple"}


class SchemaError(ValueError):
    """A schema file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class PropertyDef:
    name: str
    type: PropertyType
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdgeDef:
    source: tuple[str, ...]
    target: tuple[str, ...]
    label: str
    directed: bool


@dataclass(frozen=True)
class TypeDef:
    name: str
    kind: str
    label: str
    plural: str
    parent: str | None
    abstract: bool
    icon: str | None
    color: str | None
    properties: dict[str, PropertyDef]
    identify: tuple[str, ...] = ()
    id_from: str | None = None
    id_prefix: str | None = None
    edge: EdgeDef | None = None
    participants: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    source_file: str = field(default="", compare=False)

    @cached_property
    def searchable(self) -> tuple[tuple[str, PropertyType], ...]:
        """(name, type) of the properties full-text search covers."""
        return tuple((n, p.type) for n, p in self.properties.items() if p.type.searchable)

    @cached_property
    def searchable_types(self) -> dict[str, PropertyType]:
        return dict(self.searchable)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(n for n, p in self.properties.items() if p.required)


class Schema:
    """All types, by name. Loaded once; forms, icons, columns and lanes come from it."""

    def __init__(self, types: dict[str, TypeDef]) -> None:
        self.types = types

    def __getitem__(self, name: str) -> TypeDef:
        return self.types[name]

    def __contains__(self, name: object) -> bool:
        return name in self.types

    def of_kind(self, kind: str) -> list[TypeDef]:
        return [t for t in self.types.values() if t.kind == kind and not t.abstract]

    def lineage(self, name: str) -> set[str]:
        """The type and its ancestors: a link allowed to Organization fits each kind of
        organization, so checks against the schema's link ends go through this."""
        names: set[str] = set()
        current = self.types.get(name)
        while current is not None and current.name not in names:
            names.add(current.name)
            current = self.types.get(current.parent) if current.parent else None
        return names

    def get(self, name: str, kind: str | None = None) -> TypeDef | None:
        """Look a type up by its name or, case-insensitively, by its label."""
        found = self.types.get(name)
        if found is None:
            folded = name.casefold()
            for candidate in self.types.values():
                if folded in (candidate.name.casefold(), candidate.label.casefold()):
                    found = candidate
                    break
        if found is not None and kind is not None and found.kind != kind:
            return None
        return found


def _fail(path: Path, key: str, problem: str) -> SchemaError:
    return SchemaError(f"{path.name}: {key}: {problem}")


def _str_list(raw: Any, path: Path, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _fail(path, key, "must be a name or a list of names")
    return tuple(raw)


def _read_properties(raw: Any, path: Path) -> dict[str, PropertyDef]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(path, "properties", "must be a mapping of property name to definition")
    props: dict[str, PropertyDef] = {}
    for name, spec in raw.items():
        key = f"properties.{name}"
        if not isinstance(spec, dict):
            raise _fail(path, key, "must be a mapping with at least 'type'")
        unknown = set(spec) - _PROPERTY_KEYS
        if unknown:
            raise _fail(path, f"{key}.{sorted(unknown)[0]}", "unknown key")
        type_name = spec.get("type")
        if type_name not in PROPERTY_TYPES:
            raise _fail(path, f"{key}.type", f"unknown property type {type_name!r}")
        choices = _str_list(spec.get("choices"), path, f"{key}.choices")
        props[str(name)] = PropertyDef(
            name=str(name),
            type=PROPERTY_TYPES[type_name],
            label=str(spec.get("label", str(name).replace("_", " ").capitalize())),
            required=bool(spec.get("required", False)),
            choices=choices,
        )
    return props


def _read_type(path: Path) -> dict[str, Any]:
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise SchemaError(f"{path.name}: must be a mapping of keys to values")
    for key in ("name", "kind", "label"):
        if not isinstance(raw.get(key), str):
            raise _fail(path, key, "missing (a text value is required)")
    unknown = set(raw) - _TYPE_KEYS
    if unknown:
        raise _fail(path, sorted(unknown)[0], "unknown key")
    if raw["kind"] not in KINDS:
        raise _fail(path, "kind", f"must be one of {', '.join(KINDS)}")
    raw["_path"] = path
    return raw


def _build(raw: dict[str, Any], parent: TypeDef | None) -> TypeDef:
    path: Path = raw["_path"]
    props = dict(parent.properties) if parent else {}
    props.update(_read_properties(raw.get("properties"), path))
    identify = _str_list(raw.get("identify"), path, "identify") or (
        parent.identify if parent else ()
    )
    for name in identify:
        if name not in props:
            raise _fail(path, "identify", f"names unknown property {name!r}")
    id_from = raw.get("id_from")
    if id_from is not None and id_from not in props:
        raise _fail(path, "id_from", f"names unknown property {id_from!r}")
    edge = None
    if raw["kind"] == "link":
        spec = raw.get("edge")
        if not isinstance(spec, dict):
            raise _fail(path, "edge", "a link type needs edge: {source, target, label, directed}")
        edge = EdgeDef(
            source=_str_list(spec.get("source"), path, "edge.source"),
            target=_str_list(spec.get("target"), path, "edge.target"),
            label=str(spec.get("label", raw["label"])),
            directed=bool(spec.get("directed", False)),
        )
    return TypeDef(
        name=raw["name"],
        kind=raw["kind"],
        label=raw["label"],
        plural=str(raw.get("plural", raw["label"] + "s")),
        parent=raw.get("parent"),
        abstract=bool(raw.get("abstract", False)),
        icon=raw.get("icon", parent.icon if parent else None),
        color=raw.get("color", parent.color if parent else None),
        properties=props,
        identify=identify,
        id_from=id_from,
        id_prefix=raw.get("id_prefix"),
        edge=edge,
        participants=_str_list(raw.get("participants"), path, "participants"),
        roles=_str_list(raw.get("roles"), path, "roles"),
        source_file=path.name,
    )


def load_schema(folder: Path | None = None) -> Schema:
    """Read every *.yaml under `folder` (default: the shipped schema) and check references."""
    folder = folder or resource_path("schema")
    raws: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.rglob("*.yaml")):
        raw = _read_type(path)
        if raw["name"] in raws:
            raise _fail(path, "name", f"type {raw['name']!r} is already defined")
        raws[raw["name"]] = raw
    types: dict[str, TypeDef] = {}

    def build(name: str, chain: tuple[str, ...] = ()) -> TypeDef:
        if name in types:
            return types[name]
        raw = raws[name]
        parent = None
        if raw.get("parent") is not None:
            parent_name = raw["parent"]
            if parent_name not in raws or parent_name in chain:
                raise _fail(raw["_path"], "parent", f"unknown or circular parent {parent_name!r}")
            parent = build(parent_name, (*chain, name))
            if parent.kind != raw["kind"]:
                raise _fail(raw["_path"], "parent", f"{parent_name!r} is a {parent.kind} type")
        types[name] = _build(raw, parent)
        return types[name]

    for name in raws:
        build(name)
    for t in types.values():
        if t.edge:
            for end, names in (("source", t.edge.source), ("target", t.edge.target)):
                for ref in names:
                    if ref not in types or types[ref].kind != "entity":
                        raise _fail(Path(t.source_file), f"edge.{end}", f"unknown entity {ref!r}")
    return Schema(types)


@cache
def default_schema() -> Schema:
    return load_schema()
