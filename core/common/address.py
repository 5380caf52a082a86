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

import ipaddress
import unicodedata
from dataclasses import dataclass
from typing import Literal

import idna

from .errors import UsageError

ErrorCode = Literal[
    "empty", "address-too-long", "control", "bidi", "invisible", "whitespace", "no-at",
    "many-at", "empty-local", "quoted-local", "local-too-long", "bad-local", "empty-domain",
    "ip-literal", "fullwidth-dot", "bad-label", "label-too-long", "idna", "domain-too-long",
    "special-use", "single-label", "numeric-tld",
]  # fmt: skip

MAX_LOCAL, MAX_LABEL, MAX_DOMAIN, MAX_ADDRESS = 64, 63, 253, 254  # RFC 5321 section 4.5.3.1
_MAX_INPUT = 4 * MAX_ADDRESS  # refuse absurd input before any IDNA work
_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_ATEXT = _LDH | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+/=?^_`{|}~")  # RFC 5322 3.2.3
# Whitespace that may surround a pasted address; other C0/C1 controls are refused instead.
_BLANKS = "".join(
    c
    for c in map(chr, range(0x3001))
    if c.isspace() and (c in "\t\n\r" or unicodedata.category(c) != "Cc")
)
_FULLWIDTH_DOTS = frozenset("\u3002\uff0e\uff61")  # UTS #46 maps these to "."
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): invisible when rendered.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
_SPECIAL_USE = {
    "test": "RFC 6761", "example": "RFC 6761", "invalid": "RFC 6761", "localhost": "RFC 6761",
    "example.com": "RFC 6761", "example.net": "RFC 6761", "example.org": "RFC 6761",
    "local": "RFC 6762", "onion": "RFC 7686", "arpa": "RFC 3172", "home.arpa": "RFC 8375",
    "alt": "RFC 9476", "internal": "ICANN, private use",
}  # fmt: skip
_CONTROL_NAMES = {"\0": "NUL", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}


class AddressError(UsageError):
    """Not an address mailhop can set up. ``code`` is stable; the message is for people."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code

    def __reduce__(self) -> tuple[type[AddressError], tuple[ErrorCode, str]]:
        return type(self), (self.code, str(self))


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
    text = text.strip(_BLANKS)
    if not text:
        raise AddressError("empty", "No address was given: type your full email address.")
    if len(text) > _MAX_INPUT:
        raise AddressError(
            "address-too-long",
            f"The text is {len(text)} characters long; an email address has at most "
            f"{MAX_ADDRESS}. Paste only the address.",
        )
    local, at, domain = text.rpartition("@")
    if local.startswith('"'):  # before the character checks: the quotes usually hide a space
        raise AddressError(
            "quoted-local",
            f"The part before the @ ({_shown(local)}) is in quotes. mailhop does not accept "
            "quoted user names; type the address without quotes, as your provider gave it.",
        )
    _check_characters(text)
    if not at:
        lookalike = any(c in text for c in "\uff20\ufe6b")
        hint = " (the @ in it is a look-alike character)" if lookalike else ""
        raise AddressError(
            "no-at", f"'{text}' has no @{hint}. Type the whole address, such as alice@example.org."
        )
    _check_local(local, text)
    a_domain, u_domain = _canonical_domain(domain, allow_test_domains)
    size = len(local.encode()) + 1 + len(a_domain)
    if size > MAX_ADDRESS:
        raise AddressError(
            "address-too-long",
            f"'{local}@{a_domain}' is {size} bytes long; an address has at most {MAX_ADDRESS}.",
        )
    return EmailAddress(local, a_domain, u_domain)


def parse_domain(text: str, *, allow_test_domains: bool = False) -> tuple[str, str]:
    """A bare domain (a line of ``mailhop audit``'s list) as (A-labels, U-labels), checked as
    the domain of an address is; raise ``AddressError`` saying what is wrong."""
    text = text.strip(_BLANKS)
    _check_characters(text)
    return _canonical_domain(text, allow_test_domains)


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X} {_CONTROL_NAMES.get(ch) or unicodedata.name(ch, '')}".rstrip()


def _shown(text: str) -> str:
    """``text`` for a message, with anything unprintable escaped."""
    return text if text.isprintable() else ascii(text)


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text):
        where = f"after '{text[:i]}'" if i else "at the start"
        what = _codepoint(ch)
        if ch in _BIDI:
            raise AddressError(
                "bidi",
                f"The address contains the invisible text-direction control {what} {where}; it "
                "can make an address display in a misleading order. Type the address by hand.",
            )
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") and ch != "\t":
            raise AddressError(
                "control", f"The address contains the control character {what} {where}. Remove it."
            )
        if category == "Cf" or any(lo <= ord(ch) <= hi for lo, hi in _IGNORABLE):
            raise AddressError(
                "invisible",
                f"The address contains the invisible character {what} {where}. Remove it, or type "
                "the address by hand instead of pasting it.",
            )
        if ch.isspace():
            raise AddressError(
                "whitespace", f"The address contains a space, {what}, {where}. Remove it."
            )


def _check_local(local: str, text: str) -> None:
    if not local:
        raise AddressError(
            "empty-local", f"'{text}' has nothing before the @. Type your user name before it."
        )
    if "@" in local:
        raise AddressError(
            "many-at", f"'{text}' has more than one @. An address has exactly one @."
        )
    size = len(local.encode())
    if size > MAX_LOCAL:
        raise AddressError(
            "local-too-long",
            f"The part before the @ ('{local}') is {size} bytes long; at most {MAX_LOCAL} are "
            "allowed. Check that only the address was typed.",
        )
    for problem, found in (
        ("starts with a dot", local.startswith(".")),
        ("ends with a dot", local.endswith(".")),
        ("has two dots in a row", ".." in local),
    ):
        if found:
            raise AddressError(
                "bad-local", f"The part before the @ ('{local}') {problem}. Remove the extra dot."
            )
    for ch in local:
        if ch.isascii() and ch != "." and ch not in _ATEXT:
            raise AddressError(
                "bad-local",
                f"The part before the @ ('{local}') contains '{ch}', which an address cannot "
                "contain there. Check for a typo, such as a comma for a dot.",
            )


def _canonical_domain(domain: str, allow_test: bool) -> tuple[str, str]:
    """Return the domain as (A-labels, U-labels), or raise."""
    name = domain.removesuffix(".")  # a trailing dot only marks the root
    if not name:
        raise AddressError(
            "empty-domain", "Nothing follows the @. Type your provider's domain after it."
        )
    if name.startswith("[") or name.endswith("]") or _is_ip(name):
        raise AddressError(
            "ip-literal",
            f"'{domain}' is an IP address. mailhop needs the domain name of your address "
            "(the part after the @ that your provider gave you) to find its settings.",
        )
    for ch in name:
        if ch in _FULLWIDTH_DOTS:
            raise AddressError(
                "fullwidth-dot",
                f"The domain '{domain}' contains the look-alike dot {_codepoint(ch)}. "
                "Type an ordinary dot '.' instead.",
            )
    if "" in name.split("."):
        problem = "starts with a dot" if name.startswith(".") else "has two dots in a row"
        raise AddressError("bad-label", f"The domain '{domain}' {problem}. Remove the extra dot.")
    pairs = [_canonical_label(label, domain) for label in name.split(".")]
    a_domain = ".".join(a for a, _ in pairs)
    if len(a_domain) > MAX_DOMAIN:
        raise AddressError(
            "domain-too-long",
            f"The domain '{domain}' is {len(a_domain)} bytes long in DNS form; at most "
            f"{MAX_DOMAIN} are allowed.",
        )
    labels = a_domain.split(".")
    for i in range(len(labels)):  # longest reserved suffix first
        suffix = ".".join(labels[i:])
        if suffix in _SPECIAL_USE and not (allow_test and suffix == "test" and i > 0):
            raise AddressError(
                "special-use",
                f"The domain '{a_domain}' is under '{suffix}', a name reserved for special use "
                f"({_SPECIAL_USE[suffix]}) that has no public mail service. Type your real "
                "address.",
            )
    if len(labels) == 1:
        raise AddressError(
            "single-label",
            f"The domain '{domain}' has no dot. Type the full domain, with its ending "
            "(such as .com or .de), as your provider gave it.",
        )
    if labels[-1].isdigit():
        raise AddressError(
            "numeric-tld",
            f"The domain '{domain}' ends in '{labels[-1]}', and no top-level domain is a number. "
            "Check the part after the last dot.",
        )
    return a_domain, ".".join(u for _, u in pairs)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _canonical_label(label: str, domain: str) -> tuple[str, str]:
    """One label as (A-label, U-label), checked by IDNA 2008 (RFC 5891 section 4)."""
    try:
        # UTS #46 section 4 mapping (case and width folding, NFC). Non-transitional is the
        # default, and newer idna releases drop the argument: ß and ς stay as typed.
        label = label.lower() if label.isascii() else idna.uts46_remap(label, std3_rules=True)
        if not label.isascii():
            idna.check_label(label)
            pair = "xn--" + label.encode("punycode").decode("ascii"), label
        else:
            pair = label, _check_ascii_label(label, domain)
    except idna.IDNABidiError as exc:
        raise AddressError(
            "bidi",
            f"The part '{label}' of the domain '{domain}' mixes text directions in a way domain "
            f"names forbid (RFC 5893: {exc}). Check the spelling with your provider.",
        ) from exc
    except idna.IDNAError as exc:
        raise AddressError(
            "idna",
            f"The part '{label}' of the domain '{domain}' is not a valid international domain "
            f"name ({exc}). Check the spelling after the @.",
        ) from exc
    if len(pair[0]) > MAX_LABEL:
        raise AddressError(
            "label-too-long",
            f"The part '{label}' of the domain '{domain}' is {len(pair[0])} bytes long in DNS "
            f"form; at most {MAX_LABEL} are allowed between two dots.",
        )
    return pair


def _check_ascii_label(label: str, domain: str) -> str:
    """Check an LDH label (RFC 5890 section 2.3.1); return its U-label."""
    bad = next((ch for ch in label if ch not in _LDH), None)
    if bad is not None:
        problem = f"contains '{bad}'; only letters, digits and hyphens are allowed"
    elif label.startswith("-") or label.endswith("-"):
        problem = "starts or ends with a hyphen"
    elif label[2:4] == "--" and not label.startswith("xn--"):
        problem = "has '--' in the third and fourth places, which is reserved"
    elif label.startswith("xn--"):
        try:  # an A-label must decode to a valid U-label and encode back unchanged
            ulabel = idna.ulabel(label)
            valid = not ulabel.isascii() and idna.alabel(ulabel).decode("ascii") == label
        except idna.IDNABidiError:
            raise
        except idna.IDNAError:
            valid = False
        if not valid:
            raise idna.IDNAError("it starts with 'xn--' but is not the encoding of a valid name")
        _check_characters(ulabel)  # the same look-alike rules as for a typed U-label
        return ulabel
    else:
        return label
    raise AddressError(
        "bad-label", f"The part '{label}' of the domain '{domain}' {problem}. Check the spelling."
    )
