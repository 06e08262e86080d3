"""One sentence for each way an XML file is refused or broken, shared by the XML importers.

defusedxml raises its own exceptions for entity declarations (billion laughs, reads of
local files) and external references; ElementTree raises ParseError for damaged XML. An
analyst needs to know which it was, in words, never a traceback.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

XML_FAILURES = (DefusedXmlException, ParseError)


def refusal(exc: BaseException) -> str:
    """Why a file could not be read, for an exception in XML_FAILURES."""
    if isinstance(exc, EntitiesForbidden):
        target = getattr(exc, "sysid", None)
        if target:
            return (
                f"it declares an XML entity that reads {target!r}; Threadline refuses XML "
                "entities because they can read other files or expand without limit"
            )
        return (
            f"it declares an XML entity ({getattr(exc, 'name', '?')!r}); Threadline refuses "
            "XML entities because they can expand without limit (a 'billion laughs' attack)"
        )
    if isinstance(exc, ExternalReferenceForbidden):
        return "it refers to an external resource, which Threadline refuses to fetch"
    if isinstance(exc, ParseError):
        line, column = exc.position
        return f"its XML is damaged or cut short at line {line}, column {column}"
    return "it uses XML features Threadline refuses for safety"
