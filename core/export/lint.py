"""Lint a published mail-client configuration file by the rules of the clients that read it.

Admins run this before publishing; mailhop's own exports must lint clean (issue 6).

Theory of operation
-------------------
1. ``detect_format`` looks only at the bytes (and the file name as a tie-breaker): a DER
   CMS envelope, a binary or XML plist, XML by its root element, JSON, MTA-STS text.
2. Every document is read through untrusted.py, the one boundary per parsing library
   (XML, plists, JSON, certificates): nothing in a file can raise out of ``lint``; it
   becomes a ``malformed`` finding. XML gets the hardened loader the discovery parsers
   use (``untrusted.read_xml``): a DTD, entity or external reference is an error finding and is
   never expanded; anything over the 64 KiB cap is refused before parsing.
3. Per format, a checker (lint_autoconfig, lint_apple, lint_other) adds findings, each with a
   stable code (``RuleCode``) and a severity: ``error`` means a client rejects the file or
   it leaks a secret, ``warn`` that a client drops part of it or misreads it, ``info`` is
   worth knowing. A finding that is one client's rule names the client and what it does
   (``Problem.client``, ``Problem.effect``). ``LintReport.ok`` is "no errors".
4. Autoconfig files are read as Thunderbird and Thunderbird for Android read them
   (discover.autoconfig_clients, held to the clients' own test cases in tests/data/peers/)
   and as mailhop's own parser reads them; PACC and MTA-STS go through mailhop's parsers.
5. A signed ``.mobileconfig`` (CMS SignedData, DER or BER) is unwrapped by cms_signed.py,
   without shelling out: the signer is named (``signed-by``), the signature
   is checked against the content and the signer's certificate (``bad-signature``; the
   chain of trust is each device's business), and the plist inside is linted as usual.
"""

from __future__ import annotations

from ..common.fields import MAX_DOCUMENT_BYTES
from .lint_apple import check_mobileconfig, check_signed
from .lint_autoconfig import check_autoconfig
from .lint_other import check_autodiscover, check_k9s, check_mta_sts, check_pacc
from .lint_types import Format, LintReport, Problem, RuleCode, Severity, err

__all__ = [
    "Format",
    "LintReport",
    "Problem",
    "RuleCode",
    "Severity",
    "detect_format",
    "lint",
]

_CMS_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2


def detect_format(data: bytes, filename: str = "") -> Format:
    """Guess the format from content first; the file name only breaks ties."""
    head = data.lstrip()[:4096]
    if data[:1] == b"\x30" and _CMS_SIGNED_DATA_OID in data[:64]:
        return Format.MOBILECONFIG_SIGNED
    if data.startswith(b"bplist") or b"<plist" in head or b"<!DOCTYPE plist" in head:
        return Format.MOBILECONFIG
    if head.startswith(b"<"):
        for needle, fmt in (
            (b"<clientConfig", Format.AUTOCONFIG),
            (b"<Autodiscover", Format.AUTODISCOVER),
            (b"<k9settings", Format.K9S),
        ):
            if needle in data[:MAX_DOCUMENT_BYTES]:
                return fmt
        name = filename.lower()
        if name.endswith(".k9s"):
            return Format.K9S
        if name.endswith(".mobileconfig"):
            return Format.MOBILECONFIG
        return Format.AUTOCONFIG
    if head.startswith(b"{"):
        return Format.PACC
    if b"version:" in head.lower() and b"mode:" in head.lower():
        return Format.MTA_STS
    return Format.UNKNOWN


def lint(data: bytes, filename: str = "") -> LintReport:
    """Report every problem in ``data`` by the rules of the clients that read its format."""
    fmt = detect_format(data, filename)
    problems: list[Problem] = []
    if len(data) > MAX_DOCUMENT_BYTES:
        problems.append(
            err(RuleCode.TOO_LARGE, f"{len(data)} bytes; clients and mailhop stop at 64 KiB")
        )
        return LintReport(fmt, tuple(problems))
    checker = _CHECKERS.get(fmt)
    if checker is None:
        problems.append(err(RuleCode.UNKNOWN_FORMAT, "not a mail configuration format I know"))
    else:
        checker(data, problems)
    return LintReport(fmt, tuple(problems))


_CHECKERS = {
    Format.AUTOCONFIG: check_autoconfig,
    Format.MOBILECONFIG: check_mobileconfig,
    Format.MOBILECONFIG_SIGNED: check_signed,
    Format.AUTODISCOVER: check_autodiscover,
    Format.PACC: check_pacc,
    Format.MTA_STS: check_mta_sts,
    Format.K9S: check_k9s,
}
