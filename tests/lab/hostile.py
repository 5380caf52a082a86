"""Hostile mail servers of our own: IMAP, POP3 and SMTP that misbehave exactly as told.

Dovecot and Postfix (mail.py) are the honest servers; the attack cases of DESIGN.md section 4
(rule 2: STARTTLS stripping, refusals, PREAUTH, response injection; rule 3: bad certificates)
need servers that lie, so a scenario host can run these instead:

    [hosts."strip.hostile-mail.test".hostile.imap]    # the key is a service name (below)
    port = 143                       # default: the service's port
    tls = "starttls"                 # starttls | implicit | none; default from the service
    greeting = "* OK hello"          # the whole first line, verbatim
    capabilities_before = ["IMAP4rev1", "AUTH=PLAIN"]   # shown before TLS
    capabilities_after = ["IMAP4rev1", "AUTH=PLAIN"]    # shown after TLS
    hide_starttls = true             # drop STARTTLS/STLS from what is shown before TLS
    starttls_reply = "NO"            # IMAP/POP3: OK NO BAD; SMTP: OK 220 454 502 ...
    inject_after_starttls = "* OK injected\r\n"   # sent right after the reply, before TLS
    preauth = true                   # IMAP: a PREAUTH greeting, logged in without TLS
    stall = "after_greeting"         # answer nothing from this point (dialogues.POINTS)
    close = "after_greeting"         # drop the connection at this point
    flood = "capabilities"           # from this point send endlessly (until the client leaves)
    flood_shape = "lines"            # lines: well-formed short lines; line: one that never ends
    noise_before_tls = ["* 3 EXISTS"]  # IMAP: untagged lines before every reply until TLS
    hide_capabilities_after = true   # after TLS list none (IMAP: an empty CAPABILITY answer,
                                     # POP3: CAPA -ERR, SMTP: EHLO 502)
    login_untagged = ["* OK [ALERT] hi"]  # IMAP: untagged lines just before a login's answer
    login_reply = "NO <h1>no</h1>"   # IMAP: a refusal (after the tag) to every login
    oauth_error = '{"status": "invalid_token", "openid-configuration": "http://..."}'
                                     # IMAP: AUTHENTICATE OAUTHBEARER/XOAUTH2 fails with this
                                     # JSON challenge (RFC 7628 section 3.2.2): where the
                                     # server says its issuer is; no token is ever accepted
    tls_max_version = "TLSv1.1"      # TLSv1 | TLSv1.1: an old server, ciphers at @SECLEVEL=0;
                                     # it is the host's one mail TLS context, so every hostile
                                     # server of the host must say the same

    service       protocol  tls       port        service      protocol  tls       port
    imap          imap      starttls  143         smtp         smtp      starttls  25
    imaps         imap      implicit  993         submission   smtp      starttls  587
    pop3          pop3      starttls  110         submissions  smtp      implicit  465
    pop3s         pop3      implicit  995

An empty table gives a well-behaved server that accepts every lab account (full address and
password, from all scenarios) after TLS. TLS uses the host's certificate, so a host with
cert = "expired" (or wrong-name, unknown-ca, no-intermediate) serves that certificate.
The protocol logic lives in the sans-IO dialogues (dialogues.py); this module parses the
table and drives a dialogue over one recorded connection (recording.py).
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .dialogue_imap import ImapDialogue
from .dialogue_pop3 import Pop3Dialogue
from .dialogue_smtp import SmtpDialogue
from .dialogues import (
    FLOOD_SHAPES,
    POINTS,
    TLS_MODES,
    Behaviour,
    Dialogue,
    Flood,
    Halt,
    Send,
    StartTLS,
    Step,
)
from .recording import READ_LIMIT, Connection, Handler
from .scenario import MAIL_PORTS, Host, Scenario, ScenarioError

SERVICES = {  # service -> protocol, default TLS mode
    "imap": ("imap", "starttls"),
    "imaps": ("imap", "implicit"),
    "pop3": ("pop3", "starttls"),
    "pop3s": ("pop3", "implicit"),
    "smtp": ("smtp", "starttls"),
    "submission": ("smtp", "starttls"),
    "submissions": ("smtp", "implicit"),
}
DIALOGUES: dict[str, type[Dialogue]] = {
    "imap": ImapDialogue,
    "pop3": Pop3Dialogue,
    "smtp": SmtpDialogue,
}
KNOWN_KEYS = {
    "port",
    "tls",
    "greeting",
    "capabilities_before",
    "capabilities_after",
    "hide_starttls",
    "starttls_reply",
    "inject_after_starttls",
    "preauth",
    "stall",
    "close",
    "flood",
    "flood_shape",
    "noise_before_tls",
    "hide_capabilities_after",
    "tls_max_version",
    "login_untagged",
    "login_reply",
    "oauth_error",
}
IDLE_TIMEOUT = 60.0  # a silent client is dropped after this long
FLOOD_LIMIT = 16 * 1024 * 1024  # a flood ends here even if the client keeps reading
OLD_TLS = {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1}


@dataclass(frozen=True, slots=True)
class HostileServer:
    host: str
    service: str
    protocol: str  # imap | pop3 | smtp
    port: int
    behaviour: Behaviour

    @property
    def implicit_tls(self) -> bool:
        return self.behaviour.tls == "implicit"


def parse_servers(host: Host) -> tuple[HostileServer, ...]:
    """A host's `hostile` table; a malformed entry is a ScenarioError naming the field."""
    servers = tuple(
        parse_server(host.name, service, raw, f"hosts.{host.name}.hostile.{service}")
        for service, raw in host.hostile.items()
    )
    taken = {MAIL_PORTS[service]: f"mail service {service}" for service in host.mail}
    for server in servers:
        other = taken.setdefault(server.port, f"hostile.{server.service}")
        if other != f"hostile.{server.service}":
            raise ScenarioError(
                f"hosts.{host.name}.hostile.{server.service}: port {server.port} is "
                f"already used by {other}"
            )
    versions = {s.behaviour.tls_max_version for s in servers if s.behaviour.tls != "none"}
    if len(versions) > 1:
        raise ScenarioError(
            f"hosts.{host.name}.hostile: tls_max_version must be the same for every server "
            "of a host (they share one TLS context)"
        )
    return servers


def parse_server(host: str, service: str, raw: Any, where: str) -> HostileServer:
    if service not in SERVICES:
        raise ScenarioError(f"{where}: the key must be one of {sorted(SERVICES)}")
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a table of knobs")
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
    protocol, default_tls = SERVICES[service]
    port = raw.get("port", MAIL_PORTS[service])
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ScenarioError(f"{where}.port: 1 to 65535")
    tls = _choice(raw, "tls", TLS_MODES, where) or default_tls
    if raw.get("preauth") and protocol != "imap":
        raise ScenarioError(f"{where}.preauth: IMAP only")
    reply = raw.get("starttls_reply")
    if reply is not None and (not isinstance(reply, str) or not reply.isalnum()):
        raise ScenarioError(f"{where}.starttls_reply: a status word or reply code")
    noise = _capabilities(raw, "noise_before_tls", where) or ()
    if noise and protocol != "imap":
        raise ScenarioError(f"{where}.noise_before_tls: IMAP only")
    if any(not line.startswith("* ") for line in noise):
        raise ScenarioError(f"{where}.noise_before_tls: untagged lines, each starting '* '")
    said = _capabilities(raw, "login_untagged", where) or ()
    login_reply = _text(raw, "login_reply", where)
    if (said or login_reply is not None) and protocol != "imap":
        raise ScenarioError(f"{where}.login_untagged, login_reply: IMAP only")
    if any(not line.startswith("* ") for line in said):
        raise ScenarioError(f"{where}.login_untagged: untagged lines, each starting '* '")
    oauth_error = _text(raw, "oauth_error", where)
    if oauth_error is not None and protocol != "imap":
        raise ScenarioError(f"{where}.oauth_error: IMAP only")
    old_tls = _choice(raw, "tls_max_version", tuple(OLD_TLS), where)
    if old_tls is not None and tls == "none":
        raise ScenarioError(f"{where}.tls_max_version: the server has no TLS")
    behaviour = Behaviour(
        host=host,
        tls=tls,
        greeting=_text(raw, "greeting", where),
        capabilities_before=_capabilities(raw, "capabilities_before", where),
        capabilities_after=_capabilities(raw, "capabilities_after", where),
        starttls_reply=reply.upper() if reply else None,
        inject_after_starttls=(_text(raw, "inject_after_starttls", where) or "").encode(),
        preauth=bool(raw.get("preauth", False)),
        hide_starttls=bool(raw.get("hide_starttls", False)),
        stall=_choice(raw, "stall", POINTS, where),
        close=_choice(raw, "close", POINTS, where),
        flood=_choice(raw, "flood", POINTS, where),
        flood_shape=_choice(raw, "flood_shape", FLOOD_SHAPES, where) or "lines",
        noise_before_tls=noise,
        hide_capabilities_after=bool(raw.get("hide_capabilities_after", False)),
        tls_max_version=old_tls,
        login_untagged=said,
        login_reply=login_reply,
        oauth_error=oauth_error,
    )
    return HostileServer(host, service, protocol, port, behaviour)


def _choice(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str | None:
    value = raw.get(key)
    if value is not None and value not in allowed:
        raise ScenarioError(f"{where}.{key}: one of {allowed}, not {value!r}")
    return value


def _text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise ScenarioError(f"{where}.{key}: a string")
    return value


def _capabilities(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ScenarioError(f"{where}.{key}: a list of non-empty strings")
    return tuple(value)


def lab_accounts(scenarios: Iterable[Scenario]) -> dict[str, str]:
    """Every lab account, address -> password: what the hostile servers accept."""
    return {account.address: account.password for s in scenarios for account in s.accounts}


def serve(server: HostileServer, accounts: Mapping[str, str], context: ssl.SSLContext) -> Handler:
    """The connection handler for one hostile server (TLS with `context` when asked).

    With `tls_max_version`, `context` (the host's one mail context, also the one serve.py
    gives the listener for implicit TLS) is turned into an old server's here, before any
    connection: TLS 1.0 up to that version, and @SECLEVEL=0, without which OpenSSL 3 will
    not sign a TLS 1.0/1.1 handshake at all.
    """
    old_tls = server.behaviour.tls_max_version
    if old_tls is not None:
        with warnings.catch_warnings():  # ssl deprecates the old versions, rightly
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = OLD_TLS[old_tls]
        context.set_ciphers("DEFAULT:@SECLEVEL=0")

    async def handle(connection: Connection) -> None:
        dialogue = DIALOGUES[server.protocol](server.behaviour, accounts)
        await _drive(connection, dialogue, context)

    return handle


async def _drive(connection: Connection, dialogue: Dialogue, context: ssl.SSLContext) -> None:
    pending: deque[Step] = deque(dialogue.tls_started() if connection.tls else ())
    pending.extend(dialogue.greet())
    while True:
        while pending:
            step = pending.popleft()
            if isinstance(step, Send):
                await connection.send(step.data)
            elif isinstance(step, StartTLS):
                if not await connection.start_tls(context):
                    return
                pending.extend(dialogue.tls_started())
            elif isinstance(step, Halt):
                connection.record.note(halt=step.how, point=step.point)
                if step.how == "stall":
                    await connection.swallow()
                return
            elif isinstance(step, Flood):
                connection.record.note(halt="flood", point=step.point)
                await _flood(connection, step)
                return
        data = await _next_input(connection, dialogue.wants)
        if data is None:
            return
        pending.extend(dialogue.receive(data))


async def _flood(connection: Connection, flood: Flood) -> None:
    """Send until the client hangs up (the write then fails) or FLOOD_LIMIT is reached."""
    sent = len(flood.data)
    await connection.send(flood.data)
    while sent < FLOOD_LIMIT:
        await connection.send(flood.unit)
        sent += len(flood.unit)
    connection.record.note(flood_sent=sent)


async def _next_input(connection: Connection, size: int) -> bytes | None:
    """A line, or `size` raw bytes; None when the client is gone, silent or too long-winded."""
    reader = connection.reader
    try:
        if size:
            return await asyncio.wait_for(reader.readexactly(size), IDLE_TIMEOUT)
        line = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
    except (asyncio.IncompleteReadError, TimeoutError):
        return None
    except ValueError:  # a line longer than the reader's limit
        connection.record.note(error=f"line longer than {READ_LIMIT} bytes")
        return None
    return line if line.endswith(b"\n") else None
