"""The probe session against the lab: real Dovecot and Postfix for the good paths, the hostile
servers (tests/lab/hostile.py) for the bad ones, and the canary's recordings to prove what
mailhop sent: never LOGIN, AUTHENTICATE, AUTH, USER, PASS or APOP, in any phase.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mailhop.core.common.model import Security, Service
from mailhop.core.dns.dnssec import TrustAnchor
from mailhop.core.dns.resolver import Resolver, parse_upstream
from mailhop.core.net.connect import ConnectFailure, open_connection, open_transport
from mailhop.core.net.tlscontext import client_context, diagnostic_context
from mailhop.core.probe.mailsession import (
    FailureCode,
    Phase,
    SessionResult,
    probe_session,
)
from tests.lab import canary, scenario
from tests.lab.canary import Recording
from tests.lab.lab import LabInfo

HOSTS = {h.name: h for s in scenario.load_all() for h in s.hosts}
IMAP, POP3, SUBMISSION, RELAY = Service.IMAP, Service.POP3, Service.SUBMISSION, Service.RELAY
TLS, STARTTLS = Security.IMPLICIT_TLS, Security.STARTTLS
DEADLINE = 5.0
STALL_DEADLINE = 1.0
# A line that starts (after an IMAP tag, maybe) with a verb that carries a credential.
CREDENTIAL_COMMAND = re.compile(
    rb"(?im)^(?:[A-Za-z0-9.]+ )?(LOGIN|AUTHENTICATE|AUTH|USER|PASS|APOP)\b"
)
EHLO = b"EHLO mailhop.invalid\r\n"


def address(name: str) -> str:
    return HOSTS[name].address


def probe(
    lab: LabInfo,
    service: Service,
    name: str,
    port: int,
    security: Security,
    *,
    seconds: float = DEADLINE,
    addresses: list[str] | None = None,
) -> SessionResult:
    async def go() -> SessionResult:
        return await probe_session(
            service,
            name,
            port,
            security,
            addresses=addresses or [address(name)],
            context=client_context(lab.ca_file),
            diagnostic_context=diagnostic_context(),
            deadline=time.monotonic() + seconds,
        )

    return asyncio.run(go())


def chain_of(lab: LabInfo, name: str) -> tuple[bytes, ...]:
    pem = (lab.workdir / "certs" / name / "chain.pem").read_bytes()
    return tuple(
        c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(pem)
    )


def spki_of(der: bytes) -> str:
    key = x509.load_der_x509_certificate(der).public_key()
    info = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(info).hexdigest()


def recordings_dir(lab: LabInfo) -> Path:
    return Path(lab.fact("pyservers", "recordings_dir"))


def settled(lab: LabInfo, name: str, since: float, timeout: float = 3.0) -> list[Recording]:
    """The connections `name` received since `since`, once the server has seen each end."""
    deadline = time.monotonic() + timeout
    while True:
        found = canary.connections_to(recordings_dir(lab), name, since)
        if found and all(_ended(r) for r in found):
            return found
        assert time.monotonic() < deadline, f"connections to {name} did not end: {found}"
        time.sleep(0.02)


def _ended(recording: Recording) -> bool:
    return any(
        "eof" in note
        or "error" in note
        or note.get("tls") == "failed"
        or "flood_sent" in note
        or note.get("halt") in ("close", "logout")
        for note in recording.notes
    )


def assert_no_credential_command(recordings: list[Recording]) -> None:
    for recording in recordings:
        sent = recording.received()
        assert CREDENTIAL_COMMAND.search(sent) is None, (recording.connection, sent)


# --- the real servers ------------------------------------------------------------------------

GOOD = "mail.healthy.test"


@pytest.mark.parametrize(
    ("service", "port", "security", "starttls_name", "mechanisms"),
    [
        (IMAP, 993, TLS, None, ("PLAIN", "LOGIN")),
        (IMAP, 143, STARTTLS, "STARTTLS", ("PLAIN", "LOGIN")),
        (POP3, 995, TLS, None, ("PLAIN", "LOGIN")),
        (POP3, 110, STARTTLS, "STLS", ("PLAIN", "LOGIN")),
        (SUBMISSION, 465, TLS, None, ("PLAIN", "LOGIN")),
        (SUBMISSION, 587, STARTTLS, "STARTTLS", ("PLAIN", "LOGIN")),
        (RELAY, 25, STARTTLS, "STARTTLS", ()),
    ],
    ids=lambda v: str(getattr(v, "value", v)),
)
def test_dovecot_and_postfix_are_verified_with_capabilities_read_over_tls(
    lab: LabInfo,
    service: Service,
    port: int,
    security: Security,
    starttls_name: str | None,
    mechanisms: tuple[str, ...],
) -> None:
    result = probe(lab, service, GOOD, port, security)
    assert result.failure is None and result.verified
    tls = result.tls
    assert tls is not None and tls.version in ("TLSv1.2", "TLSv1.3") and tls.cipher
    assert tls.chain == chain_of(lab, GOOD)  # as presented: leaf, then the intermediate
    assert tls.spki_sha256 == spki_of(tls.chain[0]) and tls.server_hostname == GOOD
    assert tls.verify_error is None and tls.verify_code is None
    assert result.peer == address(GOOD) and result.greeting
    assert result.auth_mechanisms == mechanisms and result.capabilities
    assert not result.capabilities_hidden
    if starttls_name is None:
        assert result.capabilities_before == ()
    else:
        assert starttls_name in result.capabilities_before
        assert starttls_name not in result.capabilities
    assert result.elapsed_connect is not None and result.elapsed_tls is not None
    assert 0 < result.elapsed_connect < result.elapsed_tls < result.elapsed < 1.0


def test_addresses_from_the_lab_resolver_skip_one_that_does_not_answer(lab: LabInfo) -> None:
    async def go() -> tuple[list[str], SessionResult]:
        anchor = TrustAnchor.from_text(Path(lab.fact("dns", "trust_anchor_file")).read_text())
        upstream = parse_upstream(f"{lab.resolver}:{lab.resolver_port}")
        resolver = Resolver(upstream, anchor, deadline=time.monotonic() + DEADLINE)
        addresses = await resolver.addresses(GOOD)
        result = await probe_session(
            IMAP, GOOD, 993, TLS, addresses=addresses, context=client_context(lab.ca_file),
            diagnostic_context=diagnostic_context(), deadline=time.monotonic() + DEADLINE,
        )  # fmt: skip
        return addresses, result

    addresses, result = asyncio.run(go())
    # The lab publishes an IPv6 address nothing listens on: refused at once, no stagger wait.
    assert addresses == [HOSTS[GOOD].address6, address(GOOD)]
    assert result.verified and result.peer == address(GOOD)
    assert result.elapsed_connect is not None and result.elapsed_connect < 0.2


def test_a_black_holed_address_is_passed_over_after_the_stagger(lab: LabInfo) -> None:
    result = probe(lab, IMAP, GOOD, 993, TLS, addresses=["127.0.7.99", address(GOOD)])
    assert result.verified and result.peer == address(GOOD)
    assert result.elapsed_connect is not None and 0.25 <= result.elapsed_connect < 0.5


def test_a_black_hole_alone_times_out_while_connecting(lab: LabInfo) -> None:
    began = time.monotonic()
    result = probe(lab, IMAP, GOOD, 993, TLS, seconds=0.5, addresses=["127.0.7.99"])
    failure = result.failure
    assert failure is not None and (failure.code, failure.phase) == (
        FailureCode.TIMEOUT,
        Phase.CONNECT,
    )
    assert "connecting" in failure.message and result.peer is None
    assert 0.49 <= result.elapsed <= time.monotonic() - began < 0.5 + 1.0


def test_no_address_answering_is_a_connect_failure_naming_each(lab: LabInfo) -> None:
    result = probe(lab, IMAP, GOOD, 993, TLS, addresses=["127.0.12.98", "127.0.12.99"])
    failure = result.failure
    assert failure is not None and failure.code is FailureCode.CONNECT
    assert failure.phase is Phase.CONNECT and result.tls is None and result.peer is None
    assert failure.message == (
        "could not connect to mail.healthy.test port 993 "
        "(127.0.12.98: connection refused; 127.0.12.99: connection refused)"
    )


def test_a_deadline_already_past_connects_nowhere(lab: LabInfo) -> None:
    result = probe(lab, IMAP, GOOD, 993, TLS, seconds=-1)
    assert result.failure is not None and result.failure.code is FailureCode.TIMEOUT
    assert result.peer is None


def test_without_the_lab_anchor_the_server_is_not_verified_but_its_chain_is_read(
    lab: LabInfo,
) -> None:
    async def go() -> SessionResult:
        return await probe_session(
            SUBMISSION, GOOD, 587, STARTTLS, addresses=[address(GOOD)],
            context=client_context(), diagnostic_context=diagnostic_context(),
            deadline=time.monotonic() + DEADLINE,
        )  # fmt: skip

    result = asyncio.run(go())
    assert result.failure is None and not result.verified
    assert result.tls is not None and result.tls.verify_code == 20
    assert result.tls.chain == chain_of(lab, GOOD) and result.auth_mechanisms == ("PLAIN", "LOGIN")


def test_the_plain_asyncio_connect_helpers_reach_the_lab(lab: LabInfo) -> None:
    async def go() -> tuple[bytes, str, str]:
        reader, writer, peer = await open_connection(GOOD, 110, ["127.0.12.99", address(GOOD)])
        greeting = await reader.readline()
        writer.close()
        transport, _, other = await open_transport(GOOD, 143, [address(GOOD)], asyncio.Protocol)
        transport.close()
        return greeting, peer, other

    greeting, peer, other = asyncio.run(go())
    assert greeting.startswith(b"+OK") and peer == other == address(GOOD)
    with pytest.raises(ValueError, match="not an IP address"):
        asyncio.run(open_transport(GOOD, 143, ["mail.healthy.test"], asyncio.Protocol))
    with pytest.raises(ConnectFailure, match="no address to try"):
        asyncio.run(open_transport(GOOD, 143, [], asyncio.Protocol))


# --- the hostile servers, one case each --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    host: str  # the first label, in hostile-mail.test
    service: Service
    port: int
    security: Security
    code: FailureCode | None  # None: the dialogue completes
    phase: Phase | None = None
    sent: bytes | None = None  # every byte mailhop sent, all connections, in order
    connections: int = 1
    evidence: str = ""  # a part of the failure's evidence

    @property
    def name(self) -> str:
        return f"{self.host}.hostile-mail.test"

    def __str__(self) -> str:
        return f"{self.host}-{self.port}"


CASES = [
    Case("strip", IMAP, 143, STARTTLS, FailureCode.STARTTLS_MISSING, Phase.CAPABILITIES,
         b"M1 CAPABILITY\r\nM4 LOGOUT\r\n", evidence="AUTH=PLAIN"),
    Case("strip", POP3, 110, STARTTLS, FailureCode.STARTTLS_MISSING, Phase.CAPABILITIES,
         b"CAPA\r\nQUIT\r\n", evidence="USER"),
    Case("strip", SUBMISSION, 587, STARTTLS, FailureCode.STARTTLS_MISSING, Phase.CAPABILITIES,
         EHLO + b"QUIT\r\n", evidence="AUTH PLAIN LOGIN"),
    Case("starttls-no", IMAP, 143, STARTTLS, FailureCode.STARTTLS_REFUSED, Phase.STARTTLS,
         b"M2 STARTTLS\r\nM4 LOGOUT\r\n", evidence="M2 NO STARTTLS refused"),
    Case("starttls-bad", IMAP, 143, STARTTLS, FailureCode.STARTTLS_REFUSED, Phase.STARTTLS,
         b"M2 STARTTLS\r\nM4 LOGOUT\r\n", evidence="M2 BAD STARTTLS refused"),
    Case("starttls-no", POP3, 110, STARTTLS, FailureCode.STARTTLS_REFUSED, Phase.STARTTLS,
         b"CAPA\r\nSTLS\r\nQUIT\r\n", evidence="-ERR STLS refused"),
    Case("smtp-refuse", SUBMISSION, 587, STARTTLS, FailureCode.STARTTLS_REFUSED,
         Phase.STARTTLS, EHLO + b"STARTTLS\r\nQUIT\r\n", evidence="454 4.7.0"),
    Case("smtp-refuse", RELAY, 25, STARTTLS, FailureCode.STARTTLS_REFUSED, Phase.STARTTLS,
         EHLO + b"STARTTLS\r\nQUIT\r\n", evidence="502 5.5.1"),
    Case("preauth", IMAP, 143, STARTTLS, FailureCode.PREAUTH, Phase.GREETING,
         b"M4 LOGOUT\r\n", evidence="* PREAUTH"),
    Case("inject", IMAP, 143, STARTTLS, FailureCode.INJECTION, Phase.TLS_HANDSHAKE,
         b"M2 STARTTLS\r\n", evidence="* CAPABILITY IMAP4rev1 AUTH=PLAIN"),
    Case("inject", SUBMISSION, 587, STARTTLS, FailureCode.INJECTION, Phase.TLS_HANDSHAKE,
         EHLO + b"STARTTLS\r\n", evidence="250 AUTH PLAIN LOGIN"),
    # The server hangs up right after its greeting: gone before mailhop's next command.
    Case("close", IMAP, 143, STARTTLS, FailureCode.CLOSED, Phase.STARTTLS, b""),
    Case("close", SUBMISSION, 587, STARTTLS, FailureCode.CLOSED, Phase.CAPABILITIES, b""),
    Case("old-tls", IMAP, 993, TLS, FailureCode.TLS_VERSION, Phase.TLS_HANDSHAKE, b"",
         connections=2),
    Case("old-tls", SUBMISSION, 587, STARTTLS, FailureCode.TLS_VERSION, Phase.TLS_HANDSHAKE,
         (EHLO + b"STARTTLS\r\n") * 2, connections=2),
    Case("flood", IMAP, 143, STARTTLS, FailureCode.FLOOD, Phase.GREETING, b"",
         evidence="* OK mailhop lab flood flood"),
    Case("flood", SUBMISSION, 587, STARTTLS, FailureCode.FLOOD, Phase.CAPABILITIES, EHLO),
    Case("flood", IMAP, 993, TLS, FailureCode.FLOOD, Phase.CAPABILITIES_TLS,
         b"M3 CAPABILITY\r\n"),
    Case("noise", IMAP, 143, STARTTLS, None, None,
         b"M2 STARTTLS\r\nM3 CAPABILITY\r\nM4 LOGOUT\r\n"),
    Case("hidden", IMAP, 143, STARTTLS, None, None,
         b"M2 STARTTLS\r\nM3 CAPABILITY\r\nM4 LOGOUT\r\n"),
    Case("hidden", IMAP, 993, TLS, None, None, b"M3 CAPABILITY\r\nM4 LOGOUT\r\n"),
    Case("hidden", POP3, 110, STARTTLS, None, None, b"CAPA\r\nSTLS\r\nCAPA\r\nQUIT\r\n"),
    Case("hidden", SUBMISSION, 587, STARTTLS, None, None,
         EHLO + b"STARTTLS\r\n" + EHLO + b"QUIT\r\n"),
    Case("good", IMAP, 993, TLS, None, None, b"M4 LOGOUT\r\n"),
    Case("good", IMAP, 143, STARTTLS, None, None,
         b"M2 STARTTLS\r\nM3 CAPABILITY\r\nM4 LOGOUT\r\n"),
    Case("good", POP3, 995, TLS, None, None, b"CAPA\r\nQUIT\r\n"),
    Case("good", SUBMISSION, 465, TLS, None, None, EHLO + b"QUIT\r\n"),
    Case("good", SUBMISSION, 587, STARTTLS, None, None,
         EHLO + b"STARTTLS\r\n" + EHLO + b"QUIT\r\n"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_hostile_server_ends_as_it_should_without_a_credential_command(
    lab: LabInfo, case: Case
) -> None:
    since = time.time()
    result = probe(lab, case.service, case.name, case.port, case.security)
    recordings = settled(lab, case.name, since)
    assert_no_credential_command(recordings)
    assert len(recordings) == case.connections
    if case.sent is not None:
        assert b"".join(r.received() for r in recordings) == case.sent
    if case.code is None:
        assert result.failure is None and result.verified, result.failure
        offered = ("PLAIN", "LOGIN") if case.service is SUBMISSION else ("PLAIN",)
        assert result.auth_mechanisms == (() if case.host == "hidden" else offered)
        assert result.capabilities_hidden == (case.host == "hidden")
        return
    failure = result.failure
    assert failure is not None, result
    assert (failure.code, failure.phase) == (case.code, case.phase), failure
    assert case.evidence in failure.evidence, failure
    assert failure.message and result.capabilities == () and result.auth_mechanisms == ()
    assert result.elapsed < 1.0


def test_nothing_from_before_tls_survives_the_noise(lab: LabInfo) -> None:
    name = "noise.hostile-mail.test"
    result = probe(lab, IMAP, name, 143, STARTTLS)
    # The noise's literal ("M2 OK no!") did not pass for the answer to STARTTLS.
    assert result.verified and result.tls is not None and result.tls.version == "TLSv1.3"
    assert result.capabilities == ("IMAP4rev1", "SASL-IR", "ID", "ENABLE", "AUTH=PLAIN")
    assert "LOGINDISABLED" in result.capabilities_before
    assert "mailhop lab hostile IMAP ready" in result.greeting


@pytest.mark.parametrize(
    ("kind", "verify_code", "message", "presented"),
    [
        ("expired", 10, "certificate has expired", 2),
        ("wrong-name", 62, "Hostname mismatch", 2),
        ("unknown-ca", 20, "unable to get local issuer certificate", 2),
        ("no-intermediate", 20, "unable to get local issuer certificate", 1),
    ],
)
def test_a_refused_certificate_is_unverified_with_its_chain_as_presented(
    lab: LabInfo, kind: str, verify_code: int, message: str, presented: int
) -> None:
    name = f"{kind}.hostile-mail.test"
    since = time.time()
    result = probe(lab, IMAP, name, 993, TLS)
    recordings = settled(lab, name, since)
    assert_no_credential_command(recordings)
    # The verifying handshake failed; the diagnostic session read the chain and, as
    # credential-free as ever, the capabilities (DANE may still authenticate the key).
    assert [r.received() for r in recordings] == [b"", b"M4 LOGOUT\r\n"]
    assert result.failure is None and not result.verified
    tls = result.tls
    assert tls is not None and not tls.verified
    assert tls.verify_code == verify_code and tls.verify_error is not None
    assert message in tls.verify_error
    assert len(tls.chain) == presented and tls.chain == chain_of(lab, name)
    assert tls.spki_sha256 == spki_of(tls.chain[0]) and tls.version == "TLSv1.3"
    assert tls.server_hostname == name
    assert result.auth_mechanisms == ("PLAIN",)


@pytest.mark.parametrize(
    ("service", "port", "security", "phase", "sent"),
    [
        (IMAP, 143, STARTTLS, Phase.STARTTLS, b"M2 STARTTLS\r\n"),  # after its greeting
        (IMAP, 993, TLS, Phase.GREETING, b""),  # TLS up, then silence
        (POP3, 995, TLS, Phase.TLS_HANDSHAKE, None),  # no TLS at all: the hello hangs
    ],
    ids=["after-greeting", "no-greeting", "handshake"],
)
def test_a_stalled_server_ends_at_the_deadline_naming_the_phase(
    lab: LabInfo,
    service: Service,
    port: int,
    security: Security,
    phase: Phase,
    sent: bytes | None,
) -> None:
    name = "stall.hostile-mail.test"
    since = time.time()
    began = time.monotonic()
    result = probe(lab, service, name, port, security, seconds=STALL_DEADLINE)
    ended = time.monotonic() - began
    failure = result.failure
    assert failure is not None and (failure.code, failure.phase) == (FailureCode.TIMEOUT, phase)
    assert "deadline" in failure.message
    assert STALL_DEADLINE - 0.01 <= result.elapsed <= ended < STALL_DEADLINE + 1.0
    recordings = settled(lab, name, since)
    assert len(recordings) == 1
    assert_no_credential_command(recordings)
    if sent is not None:
        assert recordings[0].received() == sent


def test_the_verifying_context_is_refused_for_old_tls_before_any_byte_is_sent(
    lab: LabInfo,
) -> None:
    result = probe(lab, IMAP, "old-tls.hostile-mail.test", 993, TLS)
    failure = result.failure
    assert failure is not None and failure.code is FailureCode.TLS_VERSION
    assert "TLSv1.1" in failure.message and "RFC 8996" in failure.message
    assert result.tls is None


def test_a_tls_1_1_server_really_speaks_tls_1_1(lab: LabInfo) -> None:
    """The lab case is what it claims: a permissive client gets TLS 1.1 from it."""
    import warnings

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(lab.ca_file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    name = "old-tls.hostile-mail.test"

    async def go() -> str | None:
        reader, writer = await asyncio.open_connection(
            address(name), 993, ssl=context, server_hostname=name
        )
        version = writer.get_extra_info("ssl_object").version()
        assert (await reader.readline()).startswith(b"* OK")
        writer.close()
        return version

    assert asyncio.run(go()) == "TLSv1.1"


def test_a_key_cryptography_cannot_load_still_has_its_spki_hash() -> None:
    """The pin is the hash of the key as encoded (as certinfo computes it), read through
    the untrusted-bytes boundary: a key algorithm nobody knows raised UnsupportedAlgorithm
    out of public_key() (issue 12)."""
    from mailhop.core.probe.tls_facts import spki_sha256 as _spki_sha256
    from tests.core.common.test_untrusted import _certificate

    der = _certificate().replace(bytes.fromhex("2a8648ce3d0201"), bytes.fromhex("2a8648ce3d0209"))
    spki = x509.load_der_x509_certificate(der).tbs_certificate_bytes
    digest = _spki_sha256(der)
    assert digest is not None and len(digest) == 64
    assert bytes.fromhex("2a8648ce3d0209") in spki
    assert _spki_sha256(b"\x30\x03\x02\x01\x00") is None
