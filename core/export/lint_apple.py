"""lint: Apple .mobileconfig profiles, plain and CMS-signed (the signer named, the signature
checked against the content; whether a device trusts the signer is its own business)."""

from __future__ import annotations

import re
from typing import Any

from ..common.untrusted import UntrustedDataError, read_plist
from .cms_signed import unwrap_signed
from .lint_types import Problem, RuleCode, err, info

__all__ = ["check_mobileconfig", "check_signed"]


_EMPTY_INTEGER = re.compile(rb"<integer\s*/>|<integer>\s*</integer>")
_TOP_KEYS = ("PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID", "PayloadContent")
_MAIL_KEYS = (
    "PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID",
    "EmailAccountType", "IncomingMailServerHostName", "IncomingMailServerAuthentication",
    "OutgoingMailServerHostName", "OutgoingMailServerAuthentication",
)  # fmt: skip
_PASSWORD_KEYS = ("IncomingPassword", "OutgoingPassword")


def check_mobileconfig(data: bytes, problems: list[Problem]) -> None:
    if not data.startswith(b"bplist"):
        # Apple's own plists carry the standard DOCTYPE, so the shared loader (which
        # refuses every DTD) cannot be used; plistlib refuses entity declarations.
        if b"<!ENTITY" in data:
            problems.append(err(RuleCode.FORBIDDEN_XML, "entity declaration in a plist"))
            return
        for match in _EMPTY_INTEGER.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            problems.append(
                err(
                    RuleCode.EMPTY_INTEGER,
                    "empty <integer/>: iOS refuses the profile",
                    f"line {line}",
                )
            )
        if problems:
            return
    try:
        top = read_plist(data)
    except UntrustedDataError as exc:
        problems.append(err(RuleCode.MALFORMED, f"not a property list: {exc}"))
        return
    if not isinstance(top, dict):
        problems.append(err(RuleCode.MALFORMED, "top level is not a dictionary"))
        return
    _keys(top, _TOP_KEYS, "", problems)
    content = top.get("PayloadContent")
    for index, payload in enumerate(content if isinstance(content, list) else []):
        if not isinstance(payload, dict) or payload.get("PayloadType") != "com.apple.mail.managed":
            continue
        where = f"PayloadContent[{index}]"
        _keys(payload, _MAIL_KEYS, where, problems)
        for key in _PASSWORD_KEYS:
            if key in payload:
                problems.append(
                    err(RuleCode.PASSWORD_INSIDE, f"{key} puts a password in the profile", where)
                )


def _keys(
    values: dict[str, Any], required: tuple[str, ...], where: str, problems: list[Problem]
) -> None:
    for key in required:
        if key not in values:
            problems.append(err(RuleCode.MISSING_KEY, f"required key {key} is missing", where))


def check_signed(data: bytes, problems: list[Problem]) -> None:
    """A CMS SignedData envelope (RFC 5652): name the signer, check that the signature
    covers the content, then lint the plist inside like an unsigned profile. Whether a
    device trusts the signer's certificate is its own trust store's business: not checked."""
    try:
        envelope = unwrap_signed(data)
    except UntrustedDataError as exc:
        problems.append(err(RuleCode.MALFORMED, f"not a readable CMS SignedData: {exc}"))
        return
    signer = envelope.signer
    if signer is None:
        problems.append(
            info(
                RuleCode.SIGNED_NOT_CHECKED,
                "the signer's certificate is not inside the envelope: signature not checked",
            )
        )
    else:
        problems.append(
            info(
                RuleCode.SIGNED_BY,
                f"signed by {signer.subject.rfc4514_string()}, issued by "
                f"{signer.issuer.rfc4514_string()}, valid until "
                f"{signer.not_valid_after_utc:%Y-%m-%d}; whether a device trusts it is not "
                "checked here",
            )
        )
        if envelope.failure:
            problems.append(err(RuleCode.BAD_SIGNATURE, envelope.failure))
    if envelope.content is None:
        problems.append(err(RuleCode.MALFORMED, "the envelope holds no profile (detached)"))
        return
    inner: list[Problem] = []  # _mobileconfig stops early when it finds problems itself
    check_mobileconfig(envelope.content, inner)
    problems.extend(inner)
