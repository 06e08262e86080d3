"""Threadline core: schema, case store, ingest, analysis and the command line. No Qt here."""

__version__ = "0.1.0"
