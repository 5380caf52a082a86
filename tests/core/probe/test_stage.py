"""The probe stage's pure step: session outcome + TLSA answer + clock -> EndpointProbe."""

from __future__ import annotations

import hashlib

from mailhop.core.common.model import Security as Transport
from mailhop.core.common.model import Service
from mailhop.core.discover.report import DnsRecordSet
from mailhop.core.dns.dnssec import Security
from mailhop.core.probe.cert_problems import ProblemCode
from mailhop.core.probe.dane_records import DaneOutcome, Usage
from mailhop.core.probe.probe_report import VerifiedBy, utc_text
from mailhop.core.probe.proto_base import FailureCode, Phase
from mailhop.core.probe.session_report import SessionFailure, SessionResult, TlsInfo
from mailhop.core.probe.stage import STOPPED_WAITING, NoSession, NoSessionCode, assemble_probe
from tests.core.probe.test_certinfo import INTERMEDIATE, LEAF, NOW
from tests.core.verdict.test_verdict import entry

ENTRY = entry()  # imap, mail.example.com:993, implicit TLS
EE = f"3 1 1 {hashlib.sha256(LEAF.spki).hexdigest()}"


def session(
    *, verified: bool = False, failure: SessionFailure | None = None, code: int | None = None
) -> SessionResult:
    tls = TlsInfo(
        version="TLSv1.3",
        cipher="TLS_AES_128_GCM_SHA256",
        chain=(LEAF.der, INTERMEDIATE.der),
        spki_sha256=hashlib.sha256(LEAF.spki).hexdigest(),
        verified=verified,
        verify_error=None if verified else "unable to get local issuer certificate",
        verify_code=code,
        server_hostname="mail.example.com",
    )
    return SessionResult(
        service=Service.IMAP,
        host="mail.example.com",
        port=993,
        security=Transport.IMPLICIT_TLS,
        peer="192.0.2.7",
        greeting="* OK",
        capabilities_before=(),
        capabilities=("IMAP4rev1", "AUTH=PLAIN") if failure is None else (),
        auth_mechanisms=("PLAIN",) if failure is None else (),
        capabilities_hidden=False,
        tls=tls,
        failure=failure,
        elapsed=0.25,
        alerts=("maintenance tonight",),
    )


def tlsa(records: tuple[str, ...], dnssec: Security = Security.SECURE) -> DnsRecordSet:
    name = "_993._tcp.mail.example.com"
    return DnsRecordSet(name, "TLSA", records, dnssec, not records, "")


def test_no_session_is_a_failure_whose_code_says_whether_the_deadline_ended_it() -> None:
    stopped = assemble_probe(ENTRY, STOPPED_WAITING, None, now=NOW)
    assert stopped.failure is not None and stopped.failure.code is FailureCode.TIMEOUT
    unresolved = NoSession(code=NoSessionCode.UNRESOLVED, message="no such host")
    refused = assemble_probe(ENTRY, unresolved, None, now=NOW)
    assert refused.failure is not None and refused.failure.code is FailureCode.CONNECT
    assert refused.failure.detail == "no such host" and refused.connection.peer is None
    assert refused.authenticated_by is None and refused.cert is None


def test_a_probe_that_crashed_keeps_its_traceback_out_of_the_words() -> None:
    try:
        {}["imap"]
    except KeyError as exc:
        bug = NoSession.internal_error(exc)
    probe = assemble_probe(ENTRY, bug, None, now=NOW)
    assert probe.failure is not None and "internal error in mailhop" in probe.failure.detail
    assert probe.failure.trace is not None and "KeyError" in probe.failure.trace
    assert "Traceback" not in probe.failure.detail and "Traceback" not in repr(probe)


def test_a_failed_dialogue_keeps_the_server_s_words_and_the_connection() -> None:
    said = SessionFailure(FailureCode.STARTTLS_REFUSED, Phase.STARTTLS, "refused", "454 no")
    probe = assemble_probe(ENTRY, session(verified=True, failure=said), None, now=NOW)
    assert probe.failure is not None and probe.failure.evidence == "454 no"
    assert (probe.connection.peer, probe.connection.tls_version) == ("192.0.2.7", "TLSv1.3")
    assert probe.authenticated_by is None and probe.dialogue.auth_mechanisms == ()


def test_a_verified_session_is_pkix_with_its_certificate_and_alerts() -> None:
    probe = assemble_probe(ENTRY, session(verified=True), None, now=NOW)
    assert probe.authenticated_by is VerifiedBy.PKIX and probe.pkix.valid
    assert probe.cert is not None and probe.cert.names == ("mail.example.com",)
    # The date stays a date; the JSON, the findings and the window write it one way.
    assert probe.cert.not_after == LEAF.cert.not_valid_after_utc
    assert utc_text(probe.cert.not_after) == LEAF.cert.not_valid_after_utc.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert probe.dane.outcome is None and probe.dialogue.auth_mechanisms == ("PLAIN",)
    (alert,) = probe.dialogue.alerts
    assert (alert.host, alert.text) == ("mail.example.com", "maintenance tonight")
    assert probe.tlsa_name == "_993._tcp.mail.example.com"


def test_a_signed_ee_record_verifies_a_key_pkix_refused() -> None:
    probe = assemble_probe(ENTRY, session(code=20), tlsa((EE,)), now=NOW)
    assert (probe.dane.outcome, probe.dane.usage) == (DaneOutcome.MATCHED, Usage.DANE_EE)
    assert probe.authenticated_by is VerifiedBy.DANE_EE and not probe.pkix.valid
    # OpenSSL's refusal (20: issuer unknown here) stays on the certificate, for the helpdesk.
    assert probe.cert is not None
    assert ProblemCode.UNKNOWN_ISSUER in {p.code for p in probe.cert.problems}


def test_a_bogus_answer_blocks_and_an_unsigned_one_does_not_apply() -> None:
    bogus = assemble_probe(ENTRY, session(verified=True), tlsa((), Security.BOGUS), now=NOW)
    assert bogus.dane.outcome is DaneOutcome.BOGUS and bogus.authenticated_by is None
    unsigned = tlsa((EE,), Security.INSECURE)
    probe = assemble_probe(ENTRY, session(verified=True), unsigned, now=NOW)
    assert probe.dane.outcome is None and "prove nothing" in probe.dane.detail
    assert probe.authenticated_by is VerifiedBy.PKIX


def test_unreadable_records_say_why_dane_does_not_apply() -> None:
    probe = assemble_probe(ENTRY, session(verified=True), tlsa(("3 1 1 zz",)), now=NOW)
    assert probe.dane.outcome is None and "could not be read" in probe.dane.detail


def test_the_stage_and_what_it_builds_on_import_no_io() -> None:
    """The stage is pure (its docstring): neither it nor the probe modules it assembles
    from import a network, process or keyring library."""
    from tests.test_layering import IO_LIBRARIES, REPO, imports_of

    pure = ("stage", "cert_summary", "certinfo", "cert_facts", "cert_problems", "cert_read")
    pure += ("dane", "dane_chain", "dane_records", "probe_report", "session_report")
    for module in pure:
        names = [name for _, name in imports_of(REPO / "core" / "probe" / f"{module}.py")]
        io = [n for n in names if any(n == lib or n.startswith(lib + ".") for lib in IO_LIBRARIES)]
        assert io == [], module
