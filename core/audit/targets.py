"""The audit's input: one domain or address per line, ``#`` comments, blank lines, IDN.

Each line that is not blank or a comment becomes one ``Target``, in input order, with its
line number: the output keeps that order and ``--resume`` counts records against it. An
address counts for its domain only: the audit checks what a domain publishes, so the local
part is dropped and the check asks as ``postmaster@`` (RFC 5321 section 4.5.1: every domain
that takes mail has one), never sending a person's name to a server. A line that is no
domain is a target too, refused with the parser's reason, so a hostile list (control
characters, megabyte lines, invalid UTF-8) gives one refusal per line and stops nothing. A
domain named again is checked once: the later lines are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..common.address import AddressError, EmailAddress, parse_address, parse_domain
from ..common.i18n import _
from ..common.text import one_line

__all__ = ["MAX_LINE", "Target", "read_targets"]

MAX_LINE = 1024  # characters; an address has at most 254, a domain 253
AUDIT_LOCAL_PART = "postmaster"


@dataclass(frozen=True, slots=True)
class Target:
    """One input line to check: its domain as an address, or why it cannot be checked."""

    line: int  # 1-based, in the input
    text: str  # the line as read, made printable and cut (for the record and the overview)
    address: EmailAddress | None
    problem: str = ""

    @property
    def domain(self) -> str:
        return self.address.domain if self.address is not None else ""


def read_targets(lines: Iterable[str], *, allow_test_domains: bool = False) -> Iterator[Target]:
    """The targets of `lines` in order; each domain once."""
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        text = raw[: MAX_LINE + 1].split("#", 1)[0].strip()
        if not text:
            continue
        target = _target(number, text, allow_test_domains)
        if target.address is not None:
            if target.domain in seen:
                continue
            seen.add(target.domain)
        yield target


def _target(number: int, text: str, allow_test_domains: bool) -> Target:
    shown = one_line(text[:200])
    if len(text) > MAX_LINE:
        why = _("the line is longer than {count} characters").format(count=MAX_LINE)
        return Target(number, shown, None, why)
    if "\ufffd" in text:
        return Target(number, shown, None, _("the line is not valid UTF-8"))
    try:
        if "@" in text:  # an address: checked as one, then only its domain is used
            domain = parse_address(text, allow_test_domains=allow_test_domains).domain
        else:
            domain = parse_domain(text, allow_test_domains=allow_test_domains)[0]
        address = parse_address(f"{AUDIT_LOCAL_PART}@{domain}", allow_test_domains=True)
    except AddressError as exc:
        return Target(number, shown, None, str(exc))
    return Target(number, shown, address)
