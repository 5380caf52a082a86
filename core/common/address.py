"""Parse an email address once, into the one domain form every later stage uses.

Why this module exists (DESIGN.md section 4, rule 8)
---------------------------------------------------
DNS queries, the HTTP Host header, TLS SNI and the certificate name check must all see the
*same* domain. If two of them converted a Unicode domain independently they could disagree,
and a check done on one name would vouch for another. So the address is canonicalised here,
once, and later stages take ``EmailAddress.domain`` (an A-label string) as given.

Python's built-in ``"idna"`` codec implements IDNA 2003 (RFC 3490) with transitional mapping:
it turns ``faß.de`` into ``fass.de``, which is a different domain with a possibly different
owner. mailhop uses the ``idna`` package instead: IDNA 2008 (RFC 5890-5893) with the UTS #46
mapping in non-transitional mode, so ``faß.de`` becomes ``xn--fa-hia.de`` and Greek final
sigma is kept.

Choices, with their reasons
---------------------------
* Limits (RFC 5321 section 4.5.3.1): local part 64 octets, domain 253 octets (255 on the
  wire, RFC 1035 section 2.3.4), label 63 octets, and a path of 256 octets including the angle
  brackets, so at most 254 for the address. They are measured in the form mailhop sends: the
  local part in UTF-8, the domain as A-labels. The 254 limit means a 253-octet domain never
  fits; it is still checked first so the message names the part that is too long.
* Local part: a dot-atom (RFC 5322 section 3.2.3), widened to UTF-8 by RFC 6531 section 3.3.
  Quoted local parts are legal but practically never issued, and they hide spaces and ``@``,
  so they are refused. The case is kept: only the receiving server may fold it (RFC 5321
  section 2.4).
* Look-alikes are refused, not repaired. UTS #46 maps U+3002, U+FF0E and U+FF61 to ``.`` and
  silently drops zero-width characters and soft hyphens; an address carrying them was pasted
  from somewhere odd or made to deceive, so the user is told which code point to remove.
  Bidi controls are refused anywhere; RFC 5893 governs right-to-left text inside labels.
* An IP literal (RFC 5321 section 4.1.3) is a valid address, but there is no domain to
  discover settings from. A numeric TLD cannot exist (RFC 3696 section 2).
* Special-use names (RFC 6761, RFC 6762, RFC 7686, RFC 8375, RFC 9476, ICANN's ``.internal``)
  never have a public mail service; ``.test`` is allowed when the caller asks (the lab).

The module does no I/O: text in, an ``EmailAddress`` or an ``AddressError`` out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .address_characters import BLANKS, check_characters, shown
from .address_domain import LDH, canonical_domain
from .address_error import AddressError, ErrorCode
from .i18n import _

# The checks live by job: the characters in address_characters.py, the domain in
# address_domain.py, the error in address_error.py; this module parses the whole address.
__all__ = ["AddressError", "EmailAddress", "ErrorCode", "parse_address", "parse_domain"]

MAX_LOCAL, MAX_ADDRESS = 64, 254  # RFC 5321 section 4.5.3.1
_MAX_INPUT = 4 * MAX_ADDRESS  # refuse absurd input before any IDNA work
_ATEXT = LDH | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+/=?^_`{|}~")  # RFC 5322 3.2.3


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """A parsed address. ``domain`` (A-labels, lower case, no trailing dot) is the only form
    that goes to DNS, HTTP Host, SNI and certificate checks; ``domain_unicode`` is for display."""

    local: str
    domain: str
    domain_unicode: str

    @property
    def ascii(self) -> str:
        """``local@A-label``: the form to send and store (the local part stays as typed)."""
        return f"{self.local}@{self.domain}"

    @property
    def display(self) -> str:
        """``local@U-label``: the form to show next to ``ascii`` (DESIGN.md section 4, rule 4)."""
        return f"{self.local}@{self.domain_unicode}"

    def __str__(self) -> str:
        return self.ascii


def parse_address(text: str, *, allow_test_domains: bool = False) -> EmailAddress:
    """Parse and canonicalise ``text``; raise ``AddressError`` saying what to fix."""
    text = text.strip(BLANKS)
    if not text:
        raise AddressError("empty", _("No address was given: type your full email address."))
    if len(text) > _MAX_INPUT:
        raise AddressError(
            "address-too-long",
            _(
                "The text is {length} characters long; an email address has at most "
                "{most}. Paste only the address."
            ).format(length=len(text), most=MAX_ADDRESS),
        )
    local, at, domain = text.rpartition("@")
    if local.startswith('"'):  # before the character checks: the quotes usually hide a space
        raise AddressError(
            "quoted-local",
            _(
                "The part before the @ ({local}) is in quotes. mailhop does not accept "
                "quoted user names; type the address without quotes, as your provider gave it."
            ).format(local=shown(local)),
        )
    check_characters(text)
    if not at:
        if any(c in text for c in "\uff20\ufe6b"):
            message = _(
                "'{text}' has no @ (the @ in it is a look-alike character). Type the whole "
                "address, such as alice@example.org."
            )
        else:
            message = _("'{text}' has no @. Type the whole address, such as alice@example.org.")
        raise AddressError("no-at", message.format(text=text))
    _check_local(local, text)
    a_domain, u_domain = canonical_domain(domain, allow_test_domains)
    size = len(local.encode()) + 1 + len(a_domain)
    if size > MAX_ADDRESS:
        raise AddressError(
            "address-too-long",
            _("'{address}' is {size} bytes long; an address has at most {most}.").format(
                address=f"{local}@{a_domain}", size=size, most=MAX_ADDRESS
            ),
        )
    return EmailAddress(local, a_domain, u_domain)


def parse_domain(text: str, *, allow_test_domains: bool = False) -> tuple[str, str]:
    """A bare domain (a line of ``mailhop audit``'s list) as (A-labels, U-labels), checked as
    the domain of an address is; raise ``AddressError`` saying what is wrong."""
    text = text.strip(BLANKS)
    check_characters(text)
    return canonical_domain(text, allow_test_domains)


def _check_local(local: str, text: str) -> None:
    if not local:
        raise AddressError(
            "empty-local",
            _("'{text}' has nothing before the @. Type your user name before it.").format(
                text=text
            ),
        )
    if "@" in local:
        raise AddressError(
            "many-at",
            _("'{text}' has more than one @. An address has exactly one @.").format(text=text),
        )
    size = len(local.encode())
    if size > MAX_LOCAL:
        raise AddressError(
            "local-too-long",
            _(
                "The part before the @ ('{local}') is {size} bytes long; at most {most} are "
                "allowed. Check that only the address was typed."
            ).format(local=local, size=size, most=MAX_LOCAL),
        )
    if local.startswith("."):
        message = _("The part before the @ ('{local}') starts with a dot. Remove the extra dot.")
    elif local.endswith("."):
        message = _("The part before the @ ('{local}') ends with a dot. Remove the extra dot.")
    elif ".." in local:
        message = _(
            "The part before the @ ('{local}') has two dots in a row. Remove the extra dot."
        )
    else:
        message = ""
    if message:
        raise AddressError("bad-local", message.format(local=local))
    for ch in local:
        if ch.isascii() and ch != "." and ch not in _ATEXT:
            raise AddressError(
                "bad-local",
                _(
                    "The part before the @ ('{local}') contains '{character}', which an address "
                    "cannot contain there. Check for a typo, such as a comma for a dot."
                ).format(local=local, character=ch),
            )
