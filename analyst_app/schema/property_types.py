"""Property types: how a value is checked, normalized and searched.

Types are a registry of small objects rather than if-chains so that a schema file can
name a type ("phone", "money") and every view, importer and rule agrees on what it means.
A `clean` method returns the normalized string or raises ValueError with a reason an
analyst can read; that reason is what quarantine records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache


@dataclass(frozen=True)
class PropertyType:
    """A plain, searchable-or-not property type whose values are stored as text."""

    name: str
    searchable: bool = True
    identifier: bool = False

    def clean(self, value: object, *, region: str = "US") -> str:
        text = str(value).strip()
        if not text:
            raise ValueError("empty value")
        return text

    def search_forms(self, value: str) -> list[str]:
        """The words full-text search should find this (normalized) value by."""
        return [value]


class NameType(PropertyType):
    def clean(self, value: object, *, region: str = "US") -> str:
        return re.sub(r"\s+", " ", super().clean(value))


class PhoneType(PropertyType):
    """E.164, parsed with the case's default region for numbers written without a country code."""

    def clean(self, value: object, *, region: str = "US") -> str:
        return _e164(super().clean(value), region)

    def search_forms(self, value: str) -> list[str]:
        return list(_phone_forms(value))


@lru_cache(maxsize=65_536)
def _e164(text: str, region: str) -> str:
    """Parsing costs ~13 us a number; call records repeat the same few numbers, so cache."""
    import phonenumbers  # here, not at the top: ~50 ms that opening a window never needs

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {text!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number: {text!r}")
    e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    # Search forms need the national number next: keep it rather than parse again.
    if len(_NATIONAL) >= 65_536:
        _NATIONAL.clear()
    _NATIONAL[e164] = str(number.national_number)
    return e164


_NATIONAL: dict[str, str] = {}


@lru_cache(maxsize=65_536)
def _phone_forms(value: str) -> tuple[str, ...]:
    """Analysts type numbers as written locally: "555 201" must find +1555201..."""
    national = _NATIONAL.get(value)
    if national is None:
        import phonenumbers

        try:
            national = str(phonenumbers.parse(value).national_number)
        except phonenumbers.NumberParseException:
            return (value,)
    if len(national) > 7:
        return (value, national, national[-7:])  # the local number: "201-0199"
    return (value, national)


class EmailType(PropertyType):
    _pattern = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value).lower()
        if not self._pattern.match(text):
            raise ValueError(f"not an email address: {text!r}")
        return text


class DateType(PropertyType):
    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value)
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError as exc:
            raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class DateTimeType(PropertyType):
    """Stored as UTC ISO 8601; a time without a zone is refused rather than guessed."""

    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value)
        if len(text) == 20 and text[-1] == "Z" and text[10] == "T":
            text = text[:19] + "+00:00"  # the common case, already UTC: checked below
        else:
            text = text.replace("Z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"not a date and time: {text!r}") from exc
        if moment.tzinfo is None:
            raise ValueError(f"date and time without a time zone: {text!r}")
        if moment.utcoffset() == _ZERO and len(text) == 25 and text[10] == "T":
            return text[:19] + "Z"
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


_ZERO = timedelta(0)


class NumberType(PropertyType):
    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value).replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {text!r}") from exc
        if not number.is_finite():
            raise ValueError(f"not a finite number: {text!r}")
        return str(number)


class MoneyType(NumberType):
    """A decimal amount; the currency is its own property so sums never mix currencies."""

    def clean(self, value: object, *, region: str = "US") -> str:
        text = super(NumberType, self).clean(value)
        return super().clean(re.sub(r"^[^\d\-+.]+|[^\d.]+$", "", text))


class CountryType(PropertyType):
    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value).upper()
        if not re.fullmatch(r"[A-Z]{2}", text):
            raise ValueError(f"not a two-letter country code: {text!r}")
        return text


class UrlType(PropertyType):
    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value)
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$", text):
            raise ValueError(f"not a URL: {text!r}")
        return text


class IdentifierType(PropertyType):
    """Case-folded, with spaces and dashes removed, so 'AB 12-34' and 'ab1234' are one value."""

    def clean(self, value: object, *, region: str = "US") -> str:
        return re.sub(r"[\s\-]", "", super().clean(value)).upper()


class AccountType(IdentifierType):
    """IBAN when it looks like one (checked), card numbers Luhn-checked, other accounts as is."""

    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value)
        if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", text):
            from stdnum import iban as stdnum_iban

            if not stdnum_iban.is_valid(text):
                raise ValueError(f"IBAN fails its check digits: {text!r}")
            return text
        if re.fullmatch(r"\d{13,19}", text) and not _luhn_valid(text):
            # Plain bank account numbers are often 13+ digits too; only flag, never refuse.
            return text
        return text


def _luhn_valid(text: str) -> bool:
    from stdnum import luhn

    return bool(luhn.is_valid(text))


class HandleType(PropertyType):
    """'@Lotus_Girl' and 'lotus_girl' are one account on a platform: no '@', lower case."""

    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value).lstrip("@").strip().lower()
        if not text or any(ch.isspace() for ch in text):
            raise ValueError(f"not a handle: {value!r}")
        return text


class CellIdType(PropertyType):
    """MCC-MNC-LAC-CID keeps its separators (as '-'): the parts mean different things."""

    def clean(self, value: object, *, region: str = "US") -> str:
        return re.sub(r"[\s_/:.]+", "-", super().clean(value)).strip("-").upper()


class ImeiType(IdentifierType):
    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value)
        if not re.fullmatch(r"\d{14,16}", text):
            raise ValueError(f"not an IMEI (14-16 digits): {text!r}")
        return text


class ChoiceType(PropertyType):
    """A value from a list the schema gives (validated by the schema, not the type)."""


class BooleanType(PropertyType):
    _true: frozenset[str] = frozenset({"1", "true", "yes", "y", "t"})
    _false: frozenset[str] = frozenset({"0", "false", "no", "n", "f"})

    def clean(self, value: object, *, region: str = "US") -> str:
        text = super().clean(value).lower()
        if text in self._true:
            return "true"
        if text in self._false:
            return "false"
        raise ValueError(f"not yes/no: {text!r}")


PROPERTY_TYPES: dict[str, PropertyType] = {
    t.name: t
    for t in (
        PropertyType("text"),
        NameType("name"),
        PhoneType("phone", identifier=True),
        EmailType("email", identifier=True),
        DateType("date", searchable=False),
        DateTimeType("datetime", searchable=False),
        MoneyType("money", searchable=False),
        NumberType("number", searchable=False),
        CountryType("country", searchable=False),
        UrlType("url"),
        IdentifierType("identifier", identifier=True),
        AccountType("account", identifier=True),
        ImeiType("imei", identifier=True),
        CellIdType("cell_id", identifier=True),
        HandleType("handle", identifier=True),
        PropertyType("entity", searchable=False),
        ChoiceType("choice", searchable=False),
        BooleanType("boolean", searchable=False),
        PropertyType("hash", searchable=False, identifier=True),
        PropertyType("coordinates", searchable=False),
    )
}
