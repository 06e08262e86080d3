"""The `threadline` command line: a stable contract that outside scripts rely on (DESIGN.md)."""
