"""Errors a user can act on. Each message is one sentence and never holds the passphrase."""

from __future__ import annotations


class CaseError(Exception):
    """A user-level problem with a case file; str(error) is the sentence to show."""


class WrongPassphrase(CaseError):
    pass


class NotACase(CaseError):
    pass


class NewerCase(CaseError):
    pass


class CaseBusy(CaseError):
    pass
