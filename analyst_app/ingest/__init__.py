"""Reading files into a case through the importers: checked, normalized, with provenance."""

from analyst_app.ingest.run import ImportCancelled, ImportSummary, import_file

__all__ = ["ImportCancelled", "ImportSummary", "import_file"]
