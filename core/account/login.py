"""The login test: the first and only place a password goes on the wire.

Theory of operation. ``login_test`` takes one endpoint the check verified (an
``EndpointProbe``) and proves that the password works there, or says plainly why not. In
order, and stopping at the first "no" (DESIGN.md section 4, rules 1, 2, 3, 9, 10):

1. Refusals that need no connection at all: the check did not authenticate the endpoint
   (``not-verified``); the account signs in with OAuth2 and a password was given
   (``oauth2``: no password is asked for or sent; an OAuth2 access token, a ``BearerToken``,
   is tested instead, with OAUTHBEARER or XOAUTH2, oauth_sasl.py); the endpoint needs approval
   and the caller has none (``not-approved``).
2. Connect to the very address the probe used (``connection.peer``), never a fresh lookup: no OS
   resolver, and the same server the check looked at. The library is handed that socket
   through its one socket seam (imaplib ``_create_socket`` behind IMAPClient's
   ``_create_IMAP4``, poplib ``_create_socket``, smtplib ``_get_socket``) and keeps the
   host name, the A-label, for SNI and the certificate check (rule 8).
3. TLS with mailhop's verifying context (``tlscontext.client_context``), then the key pin:
   the SHA-256 of the leaf's SubjectPublicKeyInfo must equal the one the check recorded
   (``probe.cert.spki_sha256``), else ``key-changed`` and the connection is dropped before
   the library says a word over TLS. The one exception to verification (rule 3: "setup-only
   and pinned to one SPKI hash") is an endpoint the check authenticated by DANE alone (a
   self-signed DANE-EE certificate, RFC 7672 section 3.1.1): its handshake uses
   ``_pinned_context`` (no PKIX, no name check) and the pin is then the *only* thing that
   authenticates the server, which is why it is compared before anything else happens.
4. STARTTLS is required and strict, as in the probe (rule 2): a missing capability, a
   refusal, PREAUTH, or any byte that arrived after the STARTTLS reply (buffered by the
   library or waiting in the kernel) ends the session; everything from before TLS is
   discarded and the capabilities are read again over TLS. The libraries' own starttls
   cannot do this (they wrap the socket, dropping their buffer unseen, and imaplib sends
   CAPABILITY before a pin could be checked), so the upgrade is ours: ``_Imap4.starttls``
   (IMAPClient's ``starttls`` calls it), ``_Pop3.upgrade``, ``_Smtp.upgrade``, each a few
   lines of the library's own, all ending in ``Wire.upgrade``.
5. Only mechanisms the server offers after TLS: IMAP ``AUTH=PLAIN`` or LOGIN unless
   ``LOGINDISABLED``; POP3 ``USER`` or ``SASL PLAIN`` from CAPA; SMTP ``AUTH PLAIN`` or
   ``LOGIN`` from EHLO. None offered -> ``no-mechanism-after-tls``, password not sent.
6. At most two attempts (lockouts, rule 9): the user name forms given, one try each, and a
   second try only when the first answer said "wrong credentials". An answer that means
   locked, disabled, expired or "try later" stops at once (``classify_refusal``).

Every result is data (``LoginResult``), never an exception: misuse (a relay endpoint, no
user name, more than two) is the only ValueError. The wording never suggests trying
other passwords; it says what the server answered, as untrusted text (escaped, capped, and
with the password masked should a server echo it), and what to check.

Where the password is: only in the worker thread, fetched with ``reveal()`` at the moment a
library sends it. Library exceptions are caught in that thread and turned into words that
never quote it; imaplib's protocol trace (which IMAPClient routes to ``logging``) and
smtplib's and poplib's debug output stay off. Nothing is logged.

Deadline: the blocking libraries run in a thread (``asyncio.to_thread``) with socket
timeouts set from the one absolute deadline before every step; a server that trickles bytes
cannot stretch a step past it either, because at the deadline the event loop shuts the TCP
connection down (through a duplicate of the socket), which wakes the thread at once.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..common.domains import unicode_domain
from ..common.i18n import _
from ..common.model import AuthMethod, Security, Service
from ..common.tasks import wait_through_cancel
from ..net.connect import check_addresses
from ..net.tlscontext import MINIMUM_VERSION, client_context
from ..probe.probe_report import EndpointProbe
from ..probe.proto_base import ServerAlert, sanitise
from ..verdict.signin import decide_sign_in
from .account import usernames as default_usernames
from .approval import is_approved
from .login_codes import EHLO_NAME, MAX_ATTEMPTS, SAID_LIMIT, LoginCode, Secret, classify_refusal
from .login_session import SessionOutcome, run_session
from .login_wire import Target, Wire
from .oauth_sasl import BearerToken, SaslOAuthError
from .special_use import SpecialFolders

__all__ = [
    "EHLO_NAME",
    "MAX_ATTEMPTS",
    "LoginCode",
    "LoginResult",
    "Secret",
    "classify_refusal",
    "login_test",
]


@dataclass(frozen=True, slots=True)
class LoginResult:
    """One service's login test.

    ``attempts`` counts the times the password was sent (0: it never left the machine).
    ``username_used`` is the user name of the last attempt (the one that worked when ``ok``),
    None when none was made; ``mechanism`` what carried it (``AUTHENTICATE PLAIN``, ``LOGIN``,
    ``USER/PASS``, ``AUTH PLAIN``, ...). ``server_said`` is the server's own answer, untrusted:
    escaped, capped, password masked. ``advice`` is for the person. ``alerts`` are the
    IMAP ``[ALERT]`` texts the server sent over TLS, which the person must be shown (RFC 3501
    section 7.1), as the server's words (``ServerAlert.said``), never as mailhop's.
    """

    service: Service
    host: str
    port: int
    ok: bool
    code: LoginCode
    username_used: str | None
    mechanism: str | None
    server_said: str
    advice: str
    attempts: int
    elapsed: float
    alerts: tuple[ServerAlert, ...] = ()
    # With an OAuth2 access token: the server's failure challenge (RFC 7628 section 3.2.2),
    # untrusted; its openid-configuration may name the issuer (oauth_discover.py).
    sasl_error: SaslOAuthError | None = None
    # IMAP: the mailboxes the server marks \Sent and \Drafts (RFC 6154), read after the
    # login over the verified session (special_use.py); empty where it marks none.
    folders: SpecialFolders = field(default_factory=SpecialFolders)


async def login_test(
    probe: EndpointProbe,
    password: Secret,
    *,
    address: str,
    approved: bool,
    deadline: float,
    usernames: Sequence[str] | None = None,
    extra_ca_file: Path | None = None,
    context: ssl.SSLContext | None = None,
) -> LoginResult:
    """Test ``password`` at the endpoint ``probe`` describes, by ``deadline`` (monotonic).

    ``usernames`` defaults to account.usernames (the policy's, else the address, then the
    local part). ``context`` defaults to ``client_context(extra_ca_file)``.
    """
    began = time.monotonic()
    entry = probe.entry
    if entry.service is Service.RELAY:
        raise ValueError("the login test is for IMAP, POP3 and submission, not the relay")
    forms = tuple(usernames) if usernames is not None else default_usernames(entry, address)
    if not forms or len(forms) > MAX_ATTEMPTS:
        raise ValueError(f"between 1 and {MAX_ATTEMPTS} user names, not {len(forms)}")
    refusal = _refusal(probe, approved, bearer=isinstance(password, BearerToken))
    if refusal is not None:
        return _result(probe, refusal[0], refusal[1], began=began)
    target = _target(probe, forms, deadline, context, extra_ca_file)
    if time.monotonic() >= deadline:
        advice = _("The deadline had passed before the login test began. Nothing was sent.")
        return _result(probe, LoginCode.TIMEOUT, advice, began=began)
    wire = Wire(target)
    outcome = await _run(wire, password, deadline)
    return LoginResult(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        ok=outcome.code is LoginCode.OK,
        code=outcome.code,
        username_used=wire.username,
        mechanism=wire.mechanism,
        server_said=outcome.said,
        advice=outcome.advice,
        attempts=wire.attempts,
        elapsed=time.monotonic() - began,
        alerts=tuple(ServerAlert("IMAP", entry.hostname, text) for text in outcome.alerts),
        sasl_error=wire.sasl_error,
        folders=wire.folders,
    )


def _target(
    probe: EndpointProbe,
    forms: tuple[str, ...],
    deadline: float,
    context: ssl.SSLContext | None,
    extra_ca_file: Path | None,
) -> Target:
    """Where and how to connect: the probe's very address, its key as the pin, and for a
    server authenticated by DANE alone a context that checks only the pin."""
    entry = probe.entry
    peer = probe.connection.peer
    assert peer is not None and probe.cert is not None  # checked by _refusal
    pinned_only = not probe.pkix.valid  # authenticated by DANE alone
    return Target(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        implicit=entry.security is Security.IMPLICIT_TLS,
        peer=check_addresses([peer])[0],
        pin=probe.cert.spki_sha256.lower(),
        context=_pinned_context() if pinned_only else context or client_context(extra_ca_file),
        forms=forms,
        deadline=deadline,
    )


async def _run(wire: Wire, password: Secret, deadline: float) -> SessionOutcome:
    """The session in a worker thread; the deadline or a cancel aborts the wire, and the
    thread has ended before this returns or the cancel goes on."""
    task = asyncio.ensure_future(asyncio.to_thread(run_session, wire, password))
    try:
        done, _pending = await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
        if not done:
            wire.abort()  # the thread wakes at once and reports the timeout
        return await task
    except asyncio.CancelledError:
        wire.abort()  # the thread wakes at once; its task ends before the cancel goes on
        await wait_through_cancel([task])
        raise


def _refusal(
    probe: EndpointProbe, approved: bool, *, bearer: bool = False
) -> tuple[LoginCode, str] | None:
    """Why no connection is made at all, or None."""
    entry = probe.entry
    where = _("{host} port {port}").format(host=entry.hostname, port=entry.port)
    if probe.failure is not None or probe.authenticated_by is None:
        failed = probe.failure.detail if probe.failure else ""
        why = failed or probe.pkix.error or probe.dane.detail or "not verified"
        return LoginCode.NOT_VERIFIED, _(
            "The check could not verify {where} ({why}), so mailhop sends no password there. "
            "Nothing was sent."
        ).format(where=where, why=sanitise(why, SAID_LIMIT))
    if decide_sign_in(probe).method is AuthMethod.OAUTH2 and not bearer:
        return LoginCode.OAUTH2, _(
            "{where} signs in with OAuth2: your mail client opens the provider's sign-in page "
            "itself, so mailhop neither asks for nor sends a password."
        ).format(where=where)
    if not approved and not is_approved(entry, ()):
        a_label, u_label = entry.registrable, unicode_domain(entry.registrable)
        domain = (  # rule 4: both forms
            a_label
            if u_label == a_label
            else _("{unicode}, written {alabel}").format(unicode=u_label, alabel=a_label)
        )
        return LoginCode.NOT_APPROVED, _(
            "{host} (in the domain {domain}) needs your approval before a password goes there: "
            "nothing the address's domain authenticated vouches for it. Nothing was sent."
        ).format(host=entry.hostname, domain=domain)
    if probe.cert is None or not probe.cert.spki_sha256 or probe.connection.peer is None:
        return LoginCode.NOT_VERIFIED, _(
            "The check recorded no server key for {where} to hold the login to, so mailhop "
            "sends no password there. Nothing was sent."
        ).format(where=where)
    return None


def _result(probe: EndpointProbe, code: LoginCode, advice: str, *, began: float) -> LoginResult:
    """A result for a login test that made no connection."""
    entry = probe.entry
    return LoginResult(
        service=entry.service,
        host=entry.hostname,
        port=entry.port,
        ok=False,
        code=code,
        username_used=None,
        mechanism=None,
        server_said="",
        advice=advice,
        attempts=0,
        elapsed=time.monotonic() - began,
    )


@functools.lru_cache(maxsize=1)
def _pinned_context() -> ssl.SSLContext:
    """The handshake context for an endpoint authenticated by DANE alone (module docstring,
    step 3). It verifies NOTHING by itself: a session made with it is used only after
    ``Wire.handshake`` found the leaf's SPKI equal to the one the check authenticated, and
    that comparison is unconditional. TLS 1.2 at least and SNI, like every mailhop context.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = MINIMUM_VERSION
    context.check_hostname = False  # before verify_mode: OpenSSL refuses the other order
    context.verify_mode = ssl.CERT_NONE
    return context
