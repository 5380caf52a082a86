"""What XML 1.0 can carry in a text or attribute value, for the exports written as XML
(.k9s, Autodiscover, autoconfig): ElementTree escapes < > & and quotes, but writes a control
character as it is, and the file is then not XML at all (a client refuses all of it)."""

from __future__ import annotations

import re

__all__ = ["xml_value"]

# XML 1.0 section 2.2 Char: tab, LF, CR and everything from U+0020 on, except the surrogates
# and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_value(value: str, what: str) -> str:
    """``value`` unchanged, or ValueError naming the character XML 1.0 cannot carry."""
    found = _NOT_XML.search(value)
    if found:
        raise ValueError(
            f"the {what} {value!r} holds the control character U+{ord(found.group()):04X}, "
            "which an XML file cannot carry; change it before exporting this format"
        )
    if "\r" in value or "\n" in value:
        # An XML reader turns CR and CR LF into LF (XML 1.0 section 2.11), so the value would
        # not arrive as it is; and no login or one-line name holds a line break.
        raise ValueError(
            f"the {what} {value!r} holds a line break (a control character), which an XML "
            "reader changes; change it before exporting this format"
        )
    return value
