"""Evolution: the ESource key files of one mail account (account, identity, transport).

Evolution keeps each account as several ``.source`` files in ``~/.config/evolution/sources/``
(GLib key files); the evolution-source-registry picks new ones up (restart Evolution, or run
``evolution --force-shutdown`` first). Three files are needed, not two: the mail account
(incoming), the transport (SMTP), and the identity that ties the address and name to both.
UIDs are derived from the address (uuid5), so exporting again replaces the same account
instead of adding a copy.

No password: Evolution has no password-command option; it asks once and keeps the password
in the GNOME keyring (libsecret) under its own entry. OAuth2 is refused: Evolution uses OAuth2
only through GNOME Online Accounts or its built-in Google/Microsoft helpers.

Values are GLib key-file strings: backslash escaped, a leading space as ``\\s``, and CR/LF/NUL
refused, so a display name cannot add a key or a group.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ..account.profile import AccountProfile, EndpointSetting
from ..common.model import AuthMethod, Service
from .table import EVOLUTION

__all__ = ["EvolutionSource", "evolution_sources"]

_BACKENDS = {Service.IMAP: ("imapx", "Imapx Backend"), Service.POP3: ("pop", "Pop Backend")}


@dataclass(frozen=True, slots=True)
class EvolutionSource:
    """One key file: its file name (``<uid>.source``) and text."""

    uid: str
    text: str

    @property
    def filename(self) -> str:
        return f"{self.uid}.source"


def _value(text: str) -> str:
    if any(c in text for c in "\r\n\x00"):
        raise ValueError(f"{text!r} holds a line break or NUL; it cannot go into a key file")
    escaped = text.replace("\\", "\\\\").replace("\t", "\\t")
    return "\\s" + escaped[1:] if escaped.startswith(" ") else escaped


def _uid(kind: str, profile: AccountProfile) -> str:
    return (
        "mailhop-"
        + uuid.uuid5(uuid.NAMESPACE_URL, f"mailhop:evolution:{kind}:{profile.address}").hex
    )


def _render(groups: list[tuple[str, list[tuple[str, str]]]]) -> str:
    lines = ["# Evolution source made by mailhop; no password in this file."]
    for name, pairs in groups:
        lines += ["", f"[{name}]", *(f"{key}={_value(value)}" for key, value in pairs)]
    return "\n".join(lines) + "\n"


def _authentication(setting: EndpointSetting) -> list[tuple[str, str]]:
    return [
        ("Host", setting.host),
        ("Method", EVOLUTION.auth(setting.auth_method)),
        ("Port", str(setting.port)),
        ("RememberPassword", "true"),
        ("User", setting.username),
    ]


def evolution_sources(profile: AccountProfile) -> tuple[EvolutionSource, ...]:
    """Account, identity and transport key files; ValueError for what Evolution cannot take."""
    incoming, outgoing = profile.incoming, profile.outgoing
    if profile.oauth2 or AuthMethod.OAUTH2 in (incoming.auth_method, outgoing.auth_method):
        raise ValueError(
            "Evolution signs in with OAuth2 only through GNOME Online Accounts or its own "
            "Google/Microsoft helpers; add this account there instead"
        )
    if outgoing.service is not Service.SUBMISSION:
        raise ValueError(f"the outgoing server is {outgoing.service.value!r}, not submission")
    try:
        backend, backend_group = _BACKENDS[incoming.service]
    except KeyError:
        raise ValueError(f"Evolution reads IMAP or POP3, not {incoming.service.value!r}") from None
    account, identity, transport = (
        _uid(kind, profile) for kind in ("account", "identity", "transport")
    )
    name = profile.address_unicode
    account_text = _render(
        [
            ("Data Source", [("DisplayName", name), ("Enabled", "true"), ("Parent", "")]),
            ("Mail Account", [("BackendName", backend), ("IdentityUid", identity)]),
            ("Authentication", _authentication(incoming)),
            ("Security", [("Method", EVOLUTION.security(incoming.security))]),
            (backend_group, []),
        ]
    )
    identity_text = _render(
        [
            ("Data Source", [("DisplayName", name), ("Enabled", "true"), ("Parent", account)]),
            ("Mail Identity", [("Address", profile.address), ("Name", profile.display_name)]),
            ("Mail Submission", [("TransportUid", transport)]),
        ]
    )
    transport_text = _render(
        [
            ("Data Source", [("DisplayName", name), ("Enabled", "true"), ("Parent", account)]),
            ("Mail Transport", [("BackendName", "smtp")]),
            ("Authentication", _authentication(outgoing)),
            ("Security", [("Method", EVOLUTION.security(outgoing.security))]),
        ]
    )
    return (
        EvolutionSource(account, account_text),
        EvolutionSource(identity, identity_text),
        EvolutionSource(transport, transport_text),
    )
