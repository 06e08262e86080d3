"""The encrypted case store: one SQLCipher 4 file per case. All SQL lives in this package."""

from analyst_app.store.case import Case
from analyst_app.store.errors import (
    CaseBusy,
    CaseError,
    NewerCase,
    NotACase,
    WrongPassphrase,
)

__all__ = ["Case", "CaseBusy", "CaseError", "NewerCase", "NotACase", "WrongPassphrase"]
