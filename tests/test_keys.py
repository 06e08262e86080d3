"""Passphrase sources: environment, the OS keyring only on opt-in, else a prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, run_cli

FILE_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def made_case(case_path: Path) -> Path:
    assert run_cli("new", str(case_path)).returncode == 0
    return case_path


def _all_user_files(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_keyring_only_after_opt_in(made_case: Path, tmp_path: Path) -> None:
    refused = run_cli("stats", str(made_case), passphrase=None, env=FILE_KEYRING)
    assert refused.returncode == 1
    assert "No passphrase given: set THREADLINE_PASSPHRASE" in refused.stderr

    opted = run_cli("remember", str(made_case), env=FILE_KEYRING)
    assert opted.returncode == 0, opted.stderr
    unlocked = run_cli("stats", str(made_case), "--json", passphrase=None, env=FILE_KEYRING)
    assert unlocked.returncode == 0, unlocked.stderr

    import os

    home = Path(os.environ["XDG_DATA_HOME"]).parent
    stored = _all_user_files(home)
    case_id = run_cli("new", str(tmp_path / "other.case")).stdout  # a second case, not remembered
    assert str(made_case) in stored  # the path index...
    assert stored.count(str(made_case)) == 1  # ...names the path once, never as the key
    assert case_id and str(tmp_path / "other.case") not in stored

    forgot = run_cli("forget", str(made_case), env=FILE_KEYRING)
    assert forgot.returncode == 0 and "Forgotten" in forgot.stdout
    again = run_cli("stats", str(made_case), passphrase=None, env=FILE_KEYRING)
    assert again.returncode == 1


def test_keyring_stores_under_case_id_not_path(made_case: Path) -> None:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    assert run_cli("remember", str(made_case), env=FILE_KEYRING).returncode == 0
    keyring.set_keyring(PlaintextKeyring())
    from analyst_app.keys import SERVICE, _read_index

    case_id = _read_index()[str(made_case.absolute())]
    assert keyring.get_password(SERVICE, case_id) == PASSPHRASE
    assert keyring.get_password(SERVICE, str(made_case.absolute())) is None


def test_no_keyring_backend_says_so(made_case: Path) -> None:
    result = run_cli("remember", str(made_case), env=NO_KEYRING)
    assert result.returncode == 1
    assert "No OS keyring is available" in result.stderr and "Traceback" not in result.stderr


def test_passphrase_never_printed_or_stored_in_plain_files(made_case: Path) -> None:
    import os

    outputs = []
    for args in (
        ("stats", str(made_case)),
        ("verify", str(made_case)),
        ("add", str(made_case), "--type", "Person", "--prop", "bogus=1"),
    ):
        result = run_cli(*args)
        outputs += [result.stdout, result.stderr]
    result = run_cli("stats", str(made_case), passphrase=PASSPHRASE + "x")
    outputs += [result.stdout, result.stderr]
    assert not any(PASSPHRASE in text for text in outputs)
    config = Path(os.environ["XDG_CONFIG_HOME"])
    if config.exists():
        assert PASSPHRASE not in _all_user_files(config)
