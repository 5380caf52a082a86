"""A printable settings sheet: what to type where, for mail clients mailhop has no file for.

Plain text, pure ASCII: it is printed, pasted into tickets and read aloud by helpdesks, where
non-ASCII or control characters get lost or reshaped. Every value taken from the profile goes
through ``_ascii`` (Python's backslash escapes), so a display name holding a line break
cannot forge a line of the sheet and nothing arrives mangled. The address is given in its
A-label form too, which every client accepts.

No secret: the password stays in the OS keyring, and the sheet says which entry holds it and
the command that reads it (``secrets.lookup_command_line``), never the password itself.
"""

from __future__ import annotations

from ..account.profile import AccountProfile, EndpointSetting
from ..account.secrets import lookup_command_line, secret_ref
from ..common.model import AuthMethod, Service
from ..discover.e2e_keys import grouped
from .table import SHEET

__all__ = ["settings_sheet"]

_SERVICE_NAMES = {
    Service.IMAP: "IMAP",
    Service.POP3: "POP3",
    Service.SUBMISSION: "SMTP (submission)",
}
_VERIFIED_BY = {
    "dane-ee": "DANE (the server's key is pinned in DNSSEC-signed TLSA records)",
    "dane-ta": "DANE (the issuing CA is pinned in DNSSEC-signed TLSA records)",
    "pkix": "a certificate from a public certificate authority (WebPKI)",
}


def _ascii(text: str) -> str:
    """Backslash, control and non-ASCII characters as backslash escapes; the rest unchanged."""
    return text.translate(_ESCAPES).encode("ascii", "backslashreplace").decode("ascii")


_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)} | {0x5C: "\\\\"}


def _leg(
    title: str, setting: EndpointSetting, profile: AccountProfile, platform: str | None
) -> list[str]:
    lines = [
        title,
        f"  Server type:     {_SERVICE_NAMES.get(setting.service, _ascii(setting.service.value))}",
        f"  Server name:     {_ascii(setting.host)}",
        f"  Port:            {setting.port}",
        f"  Security:        {SHEET.security(setting.security)}",
        f"  Authentication:  {SHEET.auth(setting.auth_method)}",
        f"  User name:       {_ascii(setting.username)}",
    ]
    if setting.auth_method is AuthMethod.OAUTH2:
        lines.append("  Password:        none; the client opens the provider's sign-in page")
    else:
        ref = secret_ref(profile.address, setting.service)
        lines += [
            "  Password:        the one you gave mailhop; it is kept in the OS keyring",
            f"    keyring entry: service {_ascii(ref.service)}, user {_ascii(ref.username)}",
            f"    read it with:  {_ascii(lookup_command_line(ref, platform))}",
        ]
    verified = _VERIFIED_BY.get(setting.authenticated_by, "not verified")
    lines += [
        f"  Verified by:     {verified}",
        f"  Key pin:         SPKI SHA-256 {_ascii(setting.spki_sha256) or '(none recorded)'}",
    ]
    lines += [f"  Found via:       {_ascii(source)}" for source in setting.sources]
    return lines


_KEY_SOURCES = {
    "openpgpkey": "OpenPGP key in DNS (OPENPGPKEY)",
    "wkd": "OpenPGP key in the Web Key Directory (WKD)",
    "smimea": "S/MIME certificate in DNS (SMIMEA)",
}
_KEY_AUTH = {
    "dnssec-secure": "DNSSEC-signed",
    "https-in-domain": "over HTTPS from the domain",
}


def _keys(profile: AccountProfile) -> list[str]:
    """The end-to-end keys the check found published for the address, to compare with
    what a correspondent gives (information only: nothing here is imported)."""
    if not profile.encryption_keys:
        return []
    lines = ["", "End-to-end encryption keys published for this address"]
    for key in profile.encryption_keys:
        where = _KEY_SOURCES.get(key.source, _ascii(key.source))
        how = _KEY_AUTH.get(key.auth, "not authenticated")
        lines.append(f"  {where}, {how}:")
        shown = grouped(_ascii(key.fingerprint)) if key.fingerprint else "no fingerprint"
        lines.append(f"    {shown} ({_ascii(key.form)})")
    return lines


def settings_sheet(profile: AccountProfile, platform: str | None = None) -> str:
    """The sheet for one account. ``platform`` (a ``sys.platform`` value) picks the command."""
    address = _ascii(profile.address)
    lines = [
        f"Mail settings for {address}",
        "=" * min(72, len(f"Mail settings for {address}")),
        "",
        f"Your name:         {_ascii(profile.display_name)}",
        f"E-mail address:    {address}",
    ]
    if profile.address_unicode != profile.address:
        lines.append(f"  (also written:  {_ascii(profile.address_unicode)})")
    lines.append("")
    lines += _leg("Incoming mail", profile.incoming, profile, platform)
    lines.append("")
    lines += _leg("Outgoing mail", profile.outgoing, profile, platform)
    lines += _keys(profile)
    lines += [
        "",
        "Use exactly these values; never choose 'None' or 'STARTTLS if available' for security.",
        "If a client later warns about a different certificate or key, stop and re-check with",
        "mailhop before typing the password.",
        "",
        f"Checked {_ascii(profile.checked_at)}, result: {_ascii(profile.verdict)}.",
        "This sheet holds no password.",
    ]
    return "\n".join(lines) + "\n"
