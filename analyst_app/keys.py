"""Where a case's passphrase comes from: the environment, the OS keyring, or a prompt.

The keyring is used only for cases the analyst chose to remember, and stores the
passphrase under the case's random id, never its path (a path names the case). A small
index of path -> case id in the user's config folder lets us find that id before the
case is unlocked; it holds no case content.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from getpass import getpass
from pathlib import Path

import platformdirs

from analyst_app.store.errors import CaseError

# keyring is imported where it is used (80 ms, and its backends probe the session): a
# passphrase from the environment, the usual way for scripts, never needs it.

SERVICE = "Threadline case"
ENV_VAR = "THREADLINE_PASSPHRASE"


class KeyringUnavailable(CaseError):
    pass


def _index_path() -> Path:
    return Path(platformdirs.user_config_dir("threadline")) / "remembered-cases.json"


def _read_index() -> dict[str, str]:
    try:
        data = json.loads(_index_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_index(index: dict[str, str]) -> None:
    path = _index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index, indent=1), encoding="utf-8")


def keyring_problem() -> str | None:
    """None when a usable keyring backend exists, else the sentence to show."""
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    empty_chain = isinstance(backend, chainer.ChainerBackend) and not backend.backends
    if isinstance(backend, fail.Keyring) or empty_chain:
        return (
            "No OS keyring is available on this workstation, so the passphrase cannot be "
            "remembered; Threadline will ask for it each time."
        )
    return None


def remember(case_path: Path, case_id: str, passphrase: str) -> None:
    import keyring
    import keyring.errors

    problem = keyring_problem()
    if problem:
        raise KeyringUnavailable(problem)
    try:
        keyring.set_password(SERVICE, case_id, passphrase)
    except keyring.errors.KeyringError:
        raise KeyringUnavailable("The OS keyring refused to store the passphrase.") from None
    index = _read_index()
    index[str(case_path.absolute())] = case_id
    _write_index(index)


def forget(case_path: Path) -> bool:
    index = _read_index()
    case_id = index.pop(str(case_path.absolute()), None)
    if case_id is None:
        return False
    _write_index(index)
    import keyring
    import keyring.errors

    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(SERVICE, case_id)
    return True


def recall(case_path: Path) -> str | None:
    case_id = _read_index().get(str(case_path.absolute()))
    if case_id is None or keyring_problem():
        return None
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(SERVICE, case_id)
    except keyring.errors.KeyringError:
        return None


def obtain(case_path: Path, *, new: bool = False) -> str:
    """The passphrase for `case_path`: environment, then keyring, then a prompt on a terminal."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    if not new:
        remembered = recall(case_path)
        if remembered:
            return remembered
    if not sys.stdin.isatty():
        raise CaseError(f"No passphrase given: set {ENV_VAR} or run Threadline in a terminal.")
    first = getpass(f"Passphrase for {case_path.name}: ")
    if new and getpass("Repeat the passphrase: ") != first:
        raise CaseError("The two passphrases differ; nothing was created.")
    return first
