"""The domain of an address as (A-labels, U-labels): IDNA 2008 with the UTS #46 mapping, the
length limits, look-alike dots, and the special-use names (address.py's docstring says why).
"""

from __future__ import annotations

import ipaddress

import idna

from .address_characters import check_characters, codepoint
from .address_error import AddressError
from .i18n import _

__all__ = ["LDH", "MAX_DOMAIN", "MAX_LABEL", "canonical_domain"]

MAX_LABEL, MAX_DOMAIN = 63, 253  # RFC 5321 section 4.5.3.1
LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_FULLWIDTH_DOTS = frozenset("\u3002\uff0e\uff61")  # UTS #46 maps these to "."
_SPECIAL_USE = {
    "test": "RFC 6761", "example": "RFC 6761", "invalid": "RFC 6761", "localhost": "RFC 6761",
    "example.com": "RFC 6761", "example.net": "RFC 6761", "example.org": "RFC 6761",
    "local": "RFC 6762", "onion": "RFC 7686", "arpa": "RFC 3172", "home.arpa": "RFC 8375",
    "alt": "RFC 9476", "internal": "ICANN, private use",
}  # fmt: skip


def canonical_domain(domain: str, allow_test: bool) -> tuple[str, str]:
    """Return the domain as (A-labels, U-labels), or raise."""
    name = domain.removesuffix(".")  # a trailing dot only marks the root
    _check_shape(name, domain)
    pairs = [_canonical_label(label, domain) for label in name.split(".")]
    a_domain = ".".join(a for a, _u in pairs)
    _check_name(a_domain, domain, allow_test)
    return a_domain, ".".join(u for _a, u in pairs)


def _check_shape(name: str, domain: str) -> None:
    """Before IDNA: something after the @, no IP address, ordinary dots, no empty label."""
    if not name:
        raise AddressError(
            "empty-domain", _("Nothing follows the @. Type your provider's domain after it.")
        )
    if name.startswith("[") or name.endswith("]") or _is_ip(name):
        raise AddressError(
            "ip-literal",
            _(
                "'{domain}' is an IP address. mailhop needs the domain name of your address "
                "(the part after the @ that your provider gave you) to find its settings."
            ).format(domain=domain),
        )
    for ch in name:
        if ch in _FULLWIDTH_DOTS:
            raise AddressError(
                "fullwidth-dot",
                _(
                    "The domain '{domain}' contains the look-alike dot {what}. "
                    "Type an ordinary dot '.' instead."
                ).format(domain=domain, what=codepoint(ch)),
            )
    if "" in name.split("."):
        if name.startswith("."):
            message = _("The domain '{domain}' starts with a dot. Remove the extra dot.")
        else:
            message = _("The domain '{domain}' has two dots in a row. Remove the extra dot.")
        raise AddressError("bad-label", message.format(domain=domain))


def _check_name(a_domain: str, domain: str, allow_test: bool) -> None:
    """After IDNA: the length in DNS form, no special-use name, a dot, no numeric TLD."""
    if len(a_domain) > MAX_DOMAIN:
        raise AddressError(
            "domain-too-long",
            _(
                "The domain '{domain}' is {size} bytes long in DNS form; at most {most} are "
                "allowed."
            ).format(domain=domain, size=len(a_domain), most=MAX_DOMAIN),
        )
    labels = a_domain.split(".")
    for i in range(len(labels)):  # longest reserved suffix first
        suffix = ".".join(labels[i:])
        if suffix in _SPECIAL_USE and not (allow_test and suffix == "test" and i > 0):
            raise AddressError(
                "special-use",
                _(
                    "The domain '{domain}' is under '{suffix}', a name reserved for special use "
                    "({source}) that has no public mail service. Type your real address."
                ).format(domain=a_domain, suffix=suffix, source=_SPECIAL_USE[suffix]),
            )
    if len(labels) == 1:
        raise AddressError(
            "single-label",
            _(
                "The domain '{domain}' has no dot. Type the full domain, with its ending "
                "(such as .com or .de), as your provider gave it."
            ).format(domain=domain),
        )
    if labels[-1].isdigit():
        raise AddressError(
            "numeric-tld",
            _(
                "The domain '{domain}' ends in '{ending}', and no top-level domain is a number. "
                "Check the part after the last dot."
            ).format(domain=domain, ending=labels[-1]),
        )


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
            _(
                "The part '{label}' of the domain '{domain}' mixes text directions in a way "
                "domain names forbid (RFC 5893: {detail}). Check the spelling with your provider."
            ).format(label=label, domain=domain, detail=exc),
        ) from exc
    except idna.IDNAError as exc:
        raise AddressError(
            "idna",
            _(
                "The part '{label}' of the domain '{domain}' is not a valid international "
                "domain name ({detail}). Check the spelling after the @."
            ).format(label=label, domain=domain, detail=exc),
        ) from exc
    if len(pair[0]) > MAX_LABEL:
        raise AddressError(
            "label-too-long",
            _(
                "The part '{label}' of the domain '{domain}' is {size} bytes long in DNS "
                "form; at most {most} are allowed between two dots."
            ).format(label=label, domain=domain, size=len(pair[0]), most=MAX_LABEL),
        )
    return pair


def _check_ascii_label(label: str, domain: str) -> str:
    """Check an LDH label (RFC 5890 section 2.3.1); return its U-label."""
    bad = next((ch for ch in label if ch not in LDH), None)
    if bad is not None:
        problem = _(
            "The part '{label}' of the domain '{domain}' contains '{character}'; only letters, "
            "digits and hyphens are allowed. Check the spelling."
        )
    elif label.startswith("-") or label.endswith("-"):
        problem = _(
            "The part '{label}' of the domain '{domain}' starts or ends with a hyphen. "
            "Check the spelling."
        )
    elif label[2:4] == "--" and not label.startswith("xn--"):
        problem = _(
            "The part '{label}' of the domain '{domain}' has '--' in the third and fourth "
            "places, which is reserved. Check the spelling."
        )
    elif label.startswith("xn--"):
        try:  # an A-label must decode to a valid U-label and encode back unchanged
            ulabel = idna.ulabel(label)
            valid = not ulabel.isascii() and idna.alabel(ulabel).decode("ascii") == label
        except idna.IDNABidiError:
            raise
        except idna.IDNAError:
            valid = False
        if not valid:
            raise idna.IDNAError(_("it starts with 'xn--' but is not the encoding of a valid name"))
        check_characters(ulabel)  # the same look-alike rules as for a typed U-label
        return ulabel
    else:
        return label
    raise AddressError("bad-label", problem.format(label=label, domain=domain, character=bad))
