"""The IMAP driver of the login test: IMAPClient over imaplib, on the wire's socket.

imaplib is given the wire as its one socket seam; STARTTLS is strict (nothing may wait
after the server's yes), capabilities from before TLS are forgotten, and IMAP [ALERT]s
are kept only when they came over TLS (RFC 3501 section 7.1: the person must see them).
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import socket
import time
from collections.abc import Sequence
from typing import Any, Literal

from imapclient import IMAPClient  # type: ignore[import-untyped, unused-ignore]
from imapclient.exceptions import LoginError  # type: ignore[import-untyped, unused-ignore]

from ..common.i18n import N_
from ..probe.proto_base import MAX_ALERTS
from ..probe.proto_imap import ALERT
from .login_codes import LOGOUT_SECONDS, SAID_LIMIT, LoginCode, Secret
from .login_wire import Stop, Wire, as_text
from .oauth_sasl import BearerToken, initial_response, offered
from .special_use import SpecialFolders, special_folders

__all__ = ["imap"]


class _Imap4(imaplib.IMAP4):
    """imaplib over the wire's socket, with a strict STARTTLS (module docstring, step 4)."""

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        self.last_tagged: tuple[str, list[Any]] = ("", [])
        super().__init__(wire.target.host, wire.target.port)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return self.wire.open()

    def _get_tagged_response(self, tag: str, expect_bye: bool = False) -> Any:
        # Private in imaplib, not in typeshed: the one place the server's tagged answer is
        # seen whole, before imaplib and IMAPClient fold it into exception text.
        reply = super()._get_tagged_response(tag, expect_bye)  # type: ignore[misc]
        self.last_tagged = reply
        typ, data = reply
        first = data[0] if data else b""
        if isinstance(first, bytes):
            self._alert(typ, first)
        return reply

    def _append_untagged(self, typ: str, dat: Any) -> None:
        # Private in imaplib: every untagged response passes here, the greeting included,
        # before imaplib drops OK/NO/BAD at the next command. An [ALERT] is for the person
        # (RFC 3501 section 7.1), so it is kept aside. (A response with a literal comes as a
        # tuple; it is no status response.)
        if isinstance(dat, bytes):
            self._alert(typ, dat)
        super()._append_untagged(typ, dat)  # type: ignore[misc]

    def _alert(self, typ: str, data: bytes) -> None:
        # Over TLS only: cleared at STARTTLS is not enough, since TLS may never come up.
        if not (self.wire.target.implicit or self._tls_established):
            return
        found = ALERT.match(b"* " + typ.encode("ascii", "replace") + b" " + data.rstrip())
        if found and len(self.wire.alerts) < MAX_ALERTS:
            self.wire.alerts.append(as_text(found[1]))

    def _get_capabilities(self) -> None:
        # imaplib's own raises a bare "no CAPABILITY response" for a server that lists none.
        _, data = self.capability()
        listed = data[-1] if data else None
        if not listed:
            if self.wire.target.implicit:
                raise Stop(LoginCode.NO_MECHANISM_AFTER_TLS, "no capabilities listed")
            raise Stop(LoginCode.STARTTLS_FAILED, "it listed no capabilities, so no STARTTLS")
        # ASCII (RFC 3501 atoms; IMAPClient encodes them as such): other bytes as \xNN.
        text = listed.decode("ascii", "backslashreplace") if isinstance(listed, bytes) else listed
        self.capabilities = tuple(str(text).upper().split())

    def starttls(self, ssl_context: Any | None = None) -> tuple[Literal["OK"], list[None]]:
        self.wire.step(N_("asking for STARTTLS"))
        try:
            typ, _ = self._simple_command("STARTTLS")
        except imaplib.IMAP4.error:
            typ = "BAD"
        if typ != "OK":
            said = _tagged_text(self.last_tagged)
            raise Stop(LoginCode.STARTTLS_FAILED, "it refused STARTTLS", said)
        self.sock = self.wire.upgrade(self.sock, self.file)
        self.file = self.sock.makefile("rb")
        self._tls_established = True
        self.capabilities = ()  # everything from before TLS is forgotten
        self.untagged_responses.clear()
        self.wire.alerts.clear()  # alerts too: anyone on the path could have written them
        return "OK", [None]


class _ImapClient(IMAPClient):  # type: ignore[misc]  # IMAPClient is untyped
    """IMAPClient whose one socket seam (``_create_IMAP4``) is the wire."""

    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        left = max(wire.target.deadline - time.monotonic(), 0.001)
        super().__init__(
            wire.target.host,
            wire.target.port,
            ssl=wire.target.implicit,
            ssl_context=wire.target.context,
            timeout=left,
        )
        self._imap.debug = 0  # IMAPClient turns imaplib's protocol trace on, into logging

    def _create_IMAP4(self) -> _Imap4:
        return _Imap4(self._wire)


def _tagged_text(reply: tuple[str, list[Any]]) -> str:
    typ, data = reply
    first = data[0] if data else b""
    text = first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first or "")
    return f"{typ} {text}".strip()


def imap(wire: Wire, secret: Secret) -> None:
    wire.step(N_("reading the greeting"))
    client = _ImapClient(wire)
    imap: _Imap4 = client._imap
    if imap.state != "NONAUTH":
        raise Stop(LoginCode.STARTTLS_FAILED, "it greeted with PREAUTH, logged in without TLS")
    if not wire.target.implicit:
        wire.offered_before = _imap_methods(imap.capabilities)
        if "STARTTLS" not in imap.capabilities:
            raise Stop(LoginCode.STARTTLS_FAILED, "it did not offer STARTTLS")
        client.starttls(wire.target.context)
    wire.step(N_("reading the capabilities over TLS"))
    try:
        caps = tuple(c.decode("ascii", "replace").upper() for c in client.capabilities())
    except (imaplib.IMAP4.error, AttributeError):
        caps = ()
    bearer = isinstance(secret, BearerToken)
    if bearer:
        methods = offered(c[5:] for c in caps if c.startswith("AUTH="))
    else:
        methods = _imap_methods(caps)
    if not methods:
        listed = " ".join(caps) if caps else "no capabilities listed"
        raise Stop(LoginCode.NO_MECHANISM_AFTER_TLS, listed[:SAID_LIMIT])
    if methods == ("LOGIN",) and not secret.reveal().isascii():
        # LOGIN's strings are 7-bit (RFC 3501 section 9); AUTHENTICATE PLAIN is UTF-8.
        detail = "LOGIN only, which cannot carry a password with non-ASCII characters"
        raise Stop(LoginCode.NO_MECHANISM_AFTER_TLS, detail)
    wire.mechanism = methods[0]

    def attempt(form: str) -> str | None:
        wire.count_attempt()
        try:
            if bearer:
                mechanism, target = wire.mechanism or "", wire.target
                first = initial_response(mechanism, form, secret.reveal(), target.host, target.port)

                def answer(challenge: bytes) -> bytes:
                    if not challenge:
                        return first
                    wire.oauth_challenge(base64.b64encode(challenge))
                    return b"\x01"

                imap.authenticate(mechanism, answer)
            elif wire.mechanism == "AUTHENTICATE PLAIN":
                client.plain_login(form, secret.reveal())
            else:
                client.login(form, secret.reveal())
        except (LoginError, imaplib.IMAP4.error):
            return _tagged_text(imap.last_tagged) or "NO"
        return None

    wire.try_forms(attempt)
    wire.folders = _special_use(client, imap, wire)
    wire.step(N_("logging out"))
    with contextlib.suppress(Exception):
        imap.sock.settimeout(min(LOGOUT_SECONDS, wire.target.deadline - time.monotonic()))
        client.logout()


def _special_use(client: _ImapClient, imap: _Imap4, wire: Wire) -> SpecialFolders:
    """After the login, over the verified session: ``LIST (SPECIAL-USE) "" "*"`` (RFC 6154
    section 2) for the Sent and Drafts mailboxes (special_use.py). Asked of every server: one
    that lacks the extension answers BAD, and a server may list the flags on a plain LIST
    too. Nothing here can fail the login: the sign-in has already worked."""
    wire.step(N_("reading the Sent and Drafts folders"))
    try:
        typ, data = imap._simple_command("LIST", "(SPECIAL-USE)", '""', '"*"')
        if typ != "OK":
            return SpecialFolders()
        _, data = imap._untagged_response(typ, data, "LIST")
        listed = client._proc_folder_list(data)  # modified UTF-7 decoded (RFC 3501 5.1.3)
    except Exception:  # any library or parse error: the folders are a nicety, not the test
        return SpecialFolders()
    return special_folders((flags, name) for flags, _, name in listed)


def _imap_methods(caps: Sequence[str]) -> tuple[str, ...]:
    """IMAP sign-in methods mailhop can use, best first (RFC 3501 section 6.2.3, RFC 4616)."""
    upper = {c.upper() for c in caps}
    found: list[str] = []
    if not upper:  # none listed (hidden): not even LOGIN is known to be allowed
        return ()
    if "AUTH=PLAIN" in upper:
        found.append("AUTHENTICATE PLAIN")  # UTF-8 clean
    if "LOGINDISABLED" not in upper:
        found.append("LOGIN")
    return tuple(found)
