"""Schema as data: every type DESIGN.md names loads, and bad files are refused by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyst_app.schema import PROPERTY_TYPES, SchemaError, load_schema
from analyst_app.schema.grading import grading_schemes
from analyst_app.schema.loader import default_schema

DESIGN_TYPES = {
    "entity": {
        "Person",
        "Organization",
        "Phone",
        "Email",
        "Account",
        "Address",
        "Vehicle",
        "OnlineAd",
        "Handle",
        "IdentityDocument",
        "Device",
        "CellSite",
    },
    "link": {
        "uses",
        "owns",
        "works_at",
        "lives_at",
        "associate",
        "family",
        "employs",
        "controls",
        "transported",
        "posted",
        "mentioned_in",
        "same_as",
    },
    "event": {"Call", "Message", "Transaction", "AdPost", "Tip", "Travel", "Meeting"},
}


def test_every_design_type_is_shipped() -> None:
    schema = default_schema()
    for kind, names in DESIGN_TYPES.items():
        assert names <= {t.name for t in schema.of_kind(kind)}


def test_children_inherit_parent_properties_and_identifiers_have_prefixes() -> None:
    schema = default_schema()
    assert "name" in schema["Person"].properties  # from Thing
    assert schema["Person"].roles == ("suspect", "victim", "witness", "associate", "unknown")
    for name in ("Phone", "Email", "Account", "Vehicle", "Handle", "Device", "CellSite"):
        assert schema[name].id_prefix and schema[name].id_from in schema[name].properties


def test_lookup_by_label_is_case_insensitive() -> None:
    schema = default_schema()
    assert schema.get("phone") is schema["Phone"]
    assert schema.get("Online ad", "entity") is schema["OnlineAd"]
    assert schema.get("Phone", "event") is None


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: Foo\nkind: entity\nlabel: Foo\nproperties:\n  a: {type: nmae}\n",
            "foo.yaml: properties.a.type: unknown property type 'nmae'",
        ),
        ("kind: entity\nlabel: Foo\n", "foo.yaml: name: missing"),
        ("name: Foo\nkind: thing\nlabel: Foo\n", "foo.yaml: kind: must be one of"),
        ("name: Foo\nkind: entity\nlabel: Foo\ncolour: red\n", "foo.yaml: colour: unknown key"),
        ("name: Foo\nkind: entity\nlabel: Foo\nparent: Nope\n", "foo.yaml: parent: unknown"),
        ("name: Foo\nkind: entity\nlabel: Foo\nidentify: [x]\n", "foo.yaml: identify: names"),
        (
            "name: Foo\nkind: link\nlabel: Foo\nedge: {source: [Ghost], target: [Ghost]}\n",
            "foo.yaml: edge.source: unknown entity 'Ghost'",
        ),
        (
            "name: Foo\nkind: entity\nlabel: Foo\nproperties:\n  a: {type: text, size: 3}\n",
            "foo.yaml: properties.a.size: unknown key",
        ),
        ("name: [unclosed\n", "foo.yaml: not valid YAML"),
    ],
)
def test_bad_schema_file_names_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    _write(tmp_path, "foo.yaml", text)
    with pytest.raises(SchemaError) as error:
        load_schema(tmp_path)
    assert str(error.value).startswith(expected)


def test_duplicate_type_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "name: Foo\nkind: entity\nlabel: Foo\n")
    _write(tmp_path, "b.yaml", "name: Foo\nkind: entity\nlabel: Foo\n")
    with pytest.raises(SchemaError, match=r"b\.yaml: name: type .Foo. is already defined"):
        load_schema(tmp_path)


def test_grading_schemes_ship_with_admiralty_as_default() -> None:
    schemes = grading_schemes()
    assert set(schemes) == {"admiralty", "uk_3x5x2", "uk_5x5x5", "europol_4x4"}
    admiralty = schemes["admiralty"]
    assert list(admiralty.source) == list("ABCDEF")
    assert list(admiralty.information) == [str(n) for n in range(1, 7)]
    assert set(schemes["uk_3x5x2"].handling) == {"P", "C"}
    admiralty.check("B", "2")
    with pytest.raises(ValueError, match="source grade 'G'"):
        admiralty.check("G", "2")


@pytest.mark.parametrize(
    ("type_name", "raw", "clean"),
    [
        ("phone", "(555) 201-0101", "+15552010101"),
        ("phone", "+44 20 7946 0018", "+442079460018"),
        ("email", " Foo@Example.ORG ", "foo@example.org"),
        ("datetime", "2024-03-05T02:14:00-05:00", "2024-03-05T07:14:00Z"),
        ("money", "$1,250.50", "1250.50"),
        ("account", "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("identifier", "ab 12-34", "AB1234"),
        ("boolean", "Yes", "true"),
    ],
)
def test_property_types_normalize(type_name: str, raw: str, clean: str) -> None:
    assert PROPERTY_TYPES[type_name].clean(raw) == clean


@pytest.mark.parametrize(
    ("type_name", "raw"),
    [
        ("phone", "12"),
        ("email", "not-an-email"),
        ("datetime", "2024-03-05 02:14"),
        ("money", "lots"),
        ("account", "GB00WEST12345698765432"),
        ("imei", "12ab"),
        ("date", "05/03/2024"),
    ],
)
def test_property_types_refuse_with_reason(type_name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        PROPERTY_TYPES[type_name].clean(raw)
