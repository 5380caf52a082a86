"""How the account signs in at one endpoint: what the documents allow *and* the server offers.

One decision, used by the verdict (its findings), the account (the profile's and the
exports' ``auth_method``, and whether setup asks for a password at all) and the login test
(which refuses to send a password to an OAuth2 endpoint). Before, each read the documents
alone: a document listing OAuth2 next to a password made the account "no password" even at
a server with no OAuth2 mechanism, and ``password-encrypted`` (CRAM-MD5 in every export)
survived at a server offering only PLAIN and LOGIN, so the exported client would fail.

    documents allow            OAuth2 when an entry lists it, a source that named the host
                               published OAuth2 endpoints, or the host is a known OAuth2
                               provider's; the password methods the entry lists, in its
                               order (a source that lists no method at all allows a password)
    the server offers          its mechanisms after TLS (``EndpointProbe.dialogue``):
                               OAUTHBEARER (RFC 7628) or XOAUTH2 -> OAuth2; PLAIN, LOGIN, and
                               IMAP LOGIN unless LOGINDISABLED (RFC 3501 6.2.3), POP3 USER
                               (RFC 2449) -> a password in the clear inside TLS; CRAM-MD5 ->
                               password-encrypted (what the exports write for it)
    an OAuth2 set-up           an issuer for the host is known (a source that named it
                               published OAuth2 endpoints, or a known provider's host): only
                               then can mailhop or the mail client get a token for it
    the method                 OAuth2 if both have it and either an OAuth2 set-up is known
                               or the server lists no password mechanism (no password
                               field, DESIGN section 5); else the documents' first
                               password method the server offers (a server listing OAuth2
                               *and* a password mechanism, with no set-up known, gets the
                               password: nobody could issue the token);
                               with nothing in common, the server decides when it offers a
                               password (the login test then proves it), except that a
                               document allowing only OAuth2 with a known issuer keeps
                               OAuth2; a server that lists nothing leaves the documents' word
    a server taking only OAuth2 OAUTHBEARER or XOAUTH2 and no password mechanism: OAuth2,
                               whatever the documents say (a password cannot work there;
                               setup asks the server's RFC 7628 answer for the issuer), with
                               the finding signin-oauth2-server-only

Pure: data in, data out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..common.findings import Finding, finding
from ..common.model import AuthMethod, Service
from ..probe.probe_report import EndpointProbe

__all__ = ["OAUTH2_MECHANISMS", "SignIn", "decide_sign_in", "sign_in_findings"]

OAUTH2_MECHANISMS = frozenset({"OAUTHBEARER", "XOAUTH2"})
_CLEARTEXT_MECHANISMS = frozenset({"PLAIN", "LOGIN"})
_ENCRYPTED_MECHANISMS = frozenset({"CRAM-MD5"})  # the exports' password-encrypted
_PASSWORDS = (AuthMethod.PASSWORD_CLEARTEXT, AuthMethod.PASSWORD_ENCRYPTED)


@dataclass(frozen=True, slots=True)
class SignIn:
    """The sign-in method at one endpoint and what it was decided from.

    ``offered`` is None when the server listed nothing after TLS (hidden capabilities):
    then the documents' word stands and nothing is a mismatch.
    """

    method: AuthMethod  # OAUTH2, PASSWORD_CLEARTEXT or PASSWORD_ENCRYPTED
    allowed: tuple[AuthMethod, ...]  # by the documents, OAuth2 first
    offered: frozenset[AuthMethod] | None  # by the server after TLS
    mechanisms: tuple[str, ...]  # the server's own list, for the words

    @property
    def agreed(self) -> bool:
        """Both the documents and the server name the method."""
        return self.method in self.allowed and (self.offered is None or self.method in self.offered)


def _allowed(probe: EndpointProbe) -> tuple[AuthMethod, ...]:
    entry = probe.entry
    listed = entry.auth_methods
    passwords = [m for m in listed if m in _PASSWORDS]
    if not passwords and not listed:
        passwords = [AuthMethod.PASSWORD_CLEARTEXT]  # the source does not say
    oauth2 = entry.oauth2 or entry.oauth2_issuer or AuthMethod.OAUTH2 in listed
    return ((AuthMethod.OAUTH2,) if oauth2 else ()) + tuple(passwords)


def _offered(probe: EndpointProbe) -> frozenset[AuthMethod] | None:
    dialogue = probe.dialogue
    mechanisms = {m.upper() for m in dialogue.auth_mechanisms}
    capabilities = {c.upper() for c in dialogue.capabilities}
    if dialogue.capabilities_hidden or not (mechanisms or capabilities):
        return None
    found = set()
    if mechanisms & OAUTH2_MECHANISMS:
        found.add(AuthMethod.OAUTH2)
    service = probe.entry.service
    if (
        mechanisms & _CLEARTEXT_MECHANISMS
        or (service is Service.IMAP and "LOGINDISABLED" not in capabilities)
        or (service is Service.POP3 and "USER" in capabilities)
    ):
        found.add(AuthMethod.PASSWORD_CLEARTEXT)
    if mechanisms & _ENCRYPTED_MECHANISMS:
        found.add(AuthMethod.PASSWORD_ENCRYPTED)
    return frozenset(found)


def _lists_a_password(probe: EndpointProbe) -> bool:
    """The server names a password mechanism (SASL PLAIN, LOGIN, CRAM-MD5; POP3 USER). An
    IMAP server that lists only OAuth2 mechanisms and merely omits LOGINDISABLED does not
    count: it is an OAuth2 server, whose RFC 7628 answer may name the issuer at setup."""
    mechanisms = {m.upper() for m in probe.dialogue.auth_mechanisms}
    capabilities = {c.upper() for c in probe.dialogue.capabilities}
    return bool(mechanisms & (_CLEARTEXT_MECHANISMS | _ENCRYPTED_MECHANISMS)) or (
        probe.entry.service is Service.POP3 and "USER" in capabilities
    )


def _oauth2_set_up(probe: EndpointProbe) -> bool:
    """Someone is known to issue a token for this host (module docstring)."""
    return probe.entry.oauth2_issuer


def decide_sign_in(probe: EndpointProbe) -> SignIn:
    """The one decision (module docstring)."""
    allowed = _allowed(probe)
    offered = _offered(probe)
    mechanisms = tuple(probe.dialogue.auth_mechanisms)
    if offered is None:
        usable = [m for m in allowed if m is not AuthMethod.OAUTH2 or _oauth2_set_up(probe)]
        method = (usable or [*allowed, AuthMethod.PASSWORD_CLEARTEXT])[0]
        return SignIn(method, allowed, None, ())
    if AuthMethod.OAUTH2 in offered and not _lists_a_password(probe):
        # Nothing but a token can sign in here, even when no document said OAuth2 (SRV
        # records name no method; a document may be stale): a password would only fail.
        return SignIn(AuthMethod.OAUTH2, allowed, offered, mechanisms)
    both = [m for m in allowed if m in offered]
    if _lists_a_password(probe) and not _oauth2_set_up(probe):
        # A password works there and nobody is known to issue a token for the host.
        both = [m for m in both if m is not AuthMethod.OAUTH2]
    if both:
        method = both[0]
    elif allowed == (AuthMethod.OAUTH2,) and probe.entry.oauth2_issuer:
        method = AuthMethod.OAUTH2  # no password allowed, and an issuer to sign in with
    elif AuthMethod.PASSWORD_CLEARTEXT in offered:
        method = AuthMethod.PASSWORD_CLEARTEXT
    else:
        method = next((m for m in allowed if m in _PASSWORDS), AuthMethod.PASSWORD_CLEARTEXT)
    return SignIn(method, allowed, offered, mechanisms)


def sign_in_findings(probe: EndpointProbe, sign_in: SignIn) -> list[Finding]:
    """A mismatch between the documents and the server, for the chosen endpoint."""
    if sign_in.offered is None:
        return []
    method = sign_in.method
    if method is AuthMethod.OAUTH2 and AuthMethod.OAUTH2 not in sign_in.allowed:
        code = "signin-oauth2-server-only"  # the server's word, not the documents'
    elif AuthMethod.OAUTH2 in sign_in.allowed and method is not AuthMethod.OAUTH2:
        if AuthMethod.OAUTH2 in sign_in.offered:
            code = "signin-oauth2-no-setup"  # offered, but nobody known to issue a token
        else:
            code = "signin-oauth2-not-offered"  # the documents' OAuth2 could not be used
    elif sign_in.agreed:
        return []
    elif (
        method is AuthMethod.PASSWORD_CLEARTEXT and AuthMethod.PASSWORD_ENCRYPTED in sign_in.allowed
    ):
        code = "signin-encrypted-not-offered"
    else:
        code = "signin-method-not-offered"
    return [
        finding(
            code,
            endpoint=probe.endpoint,
            sources=", ".join(sorted({o.source.value for o in probe.entry.origins})),
            offered=" ".join(sign_in.mechanisms) or "no SASL mechanism",
            method=method.value,
            allowed=", ".join(m.value for m in sign_in.allowed),
        )
    ]
