"""Entity, link and event types as data (resources/schema/*.yaml), like followthemoney."""

from analyst_app.schema.loader import Schema, SchemaError, TypeDef, load_schema
from analyst_app.schema.property_types import PROPERTY_TYPES, PropertyType

__all__ = ["PROPERTY_TYPES", "PropertyType", "Schema", "SchemaError", "TypeDef", "load_schema"]
