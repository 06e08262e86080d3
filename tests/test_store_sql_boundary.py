"""DESIGN.md, "Case store": SQL stays inside analyst_app/store/, so a shared server backend
(PostgreSQL on an agency LAN) can be added later without touching the rest.

The check reads the source with `ast` (not a text search, so comments, docstrings and
strings that mention execute do not count) and names by file and line, outside the store
package: every `.execute(`, `.executemany(` or `.executescript(` call; every string that
is SQL text (it begins with SELECT, INSERT, UPDATE, DELETE, WITH, CREATE, DROP, ALTER,
PRAGMA or REPLACE, in capitals, and goes on), since SQL written beside the code and handed
to a store helper to run is SQL outside the store all the same; and every call of a `.q(`
method, the red-flag rules' old way of running their own text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from analyst_app.store import Case
from analyst_app.store.queries import stats
from tests.conftest import PASSPHRASE, run_cli

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("analyst_app", "importers", "widgets")
STORE = Path("analyst_app/store")
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})
# Capitals only: "Select an entity" and "Delete" are the interface's words, not SQL.
SQL_TEXT = re.compile(
    r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|PRAGMA|REPLACE)\s+\S"
)
QUERY_HELPERS = frozenset({"q"})

# Files that may still run SQL themselves: none. Nothing may be added here: a new query
# belongs in a function in analyst_app/store/.
ALLOWED: set[Path] = set()


def sql_calls(source: str, filename: str) -> list[int]:
    """Line numbers of the calls of a method named execute, executemany or executescript."""
    tree = ast.parse(source, filename=filename)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    )


def sql_texts(source: str, filename: str) -> list[int]:
    """Line numbers of SQL text (string literals and the literal parts of f-strings, not
    docstrings) and of calls of a query helper named `q`."""
    tree = ast.parse(source, filename=filename)
    skip = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            # f"SELECT {COLS} FROM ...": read whole, its placeholders as "{}"
            joined = "".join(
                str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
            if id(node) not in skip and SQL_TEXT.match(joined):
                found.add(node.lineno)
            skip.update(id(part) for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in skip and SQL_TEXT.match(node.value):
                found.add(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_HELPERS
        ):
            found.add(node.lineno)
    return sorted(found)


def outside_store() -> list[str]:
    """'path:line' of every SQL call or SQL text outside the store package and the
    allow-list."""
    found = []
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative.is_relative_to(STORE) or relative in ALLOWED:
                continue
            source = path.read_text(encoding="utf-8")
            lines = set(sql_calls(source, str(relative))) | set(sql_texts(source, str(relative)))
            found += [f"{relative}:{line}" for line in sorted(lines)]
    return found


def test_no_sql_outside_the_store_package() -> None:
    found = outside_store()
    assert not found, (
        "SQL is run outside analyst_app/store/ (DESIGN.md keeps it there; add a function "
        "to a store module and call that): " + ", ".join(found)
    )


def test_the_walk_sees_the_packages_and_the_allowed_files() -> None:
    """A walk that found no files would pass for the wrong reason."""
    walked = {p.relative_to(ROOT) for top in CHECKED for p in (ROOT / top).rglob("*.py")}
    assert Path("analyst_app/brief/data.py") in walked
    assert Path("importers/__init__.py") in walked
    assert Path("widgets/selection.py") in walked
    for allowed in ALLOWED:
        assert allowed in walked, f"{allowed} is gone: take it off the allow-list"


def test_every_form_of_the_call_is_caught_and_strings_are_not() -> None:
    source = (
        "def f(case, conn, c):\n"
        "    case.conn.execute('SELECT 1')\n"
        '    """conn.execute() in a docstring is only text"""\n'
        "    # c.executemany('...') in a comment is only text\n"
        "    c.executemany('INSERT INTO t VALUES (?)', [(1,)])\n"
        "    run = conn.executescript\n"
        "    conn.cursor().executescript('DROP TABLE t')\n"
        "    text = 'conn.execute(sql)'\n"
        "    return execute(text)\n"
    )
    assert sql_calls(source, "example.py") == [2, 5, 7]


def test_sql_text_handed_to_a_helper_is_caught_and_words_are_not() -> None:
    source = (
        "def rule(ctx, run):\n"
        "    rows = ctx.q('SELECT id FROM fx_txn')\n"
        '    run(ctx.case, f"SELECT {COLS} FROM fx_txn WHERE account = ?", (a,))\n'
        '    """SELECT in a docstring is only text"""\n'
        "    label = 'Select an entity to see it here.'\n"
        "    ask('Delete 3 entities?', 'DELETE')\n"
        "    SQL = (\n"
        "        'WITH x AS (SELECT 1) '\n"
        "        'SELECT * FROM x'\n"
        "    )\n"
        "    helper('  INSERT INTO t VALUES (?)', [1])\n"
        "    return ctx.q(SQL)\n"
    )
    assert sql_texts(source, "example.py") == [2, 3, 8, 11, 12]


def test_a_new_query_outside_the_store_is_named(tmp_path: Path) -> None:
    module = tmp_path / "analyst_app" / "timeline" / "extra.py"
    module.parent.mkdir(parents=True)
    module.write_text("def n(case):\n    return case.conn.execute('SELECT 1')\n")
    assert sql_calls(module.read_text(), str(module)) == [2]


def test_an_unknown_saved_spec_is_one_sentence_and_changes_nothing(
    case: Case, case_path: Path, tmp_path: Path
) -> None:
    """The saved-spec lookup moved into the store (store.saved): asking for a name that is
    neither a file nor a saved spec still fails cleanly, before anything is written."""
    audit_before = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    case.close()
    table = tmp_path / "calls.csv"
    table.write_text("caller,callee,start\n+15550100,+15550101,2024-03-02T02:14:00Z\n")
    done = run_cli("import", str(case_path), str(table), "--spec", "no-such-spec")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "threadline: There is no spec file no-such-spec and no spec saved in the case by that name."
    )
    with Case.open(case_path, PASSPHRASE) as reopened:
        assert stats(reopened)["sources"] == 0
        after = reopened.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        assert after == audit_before
