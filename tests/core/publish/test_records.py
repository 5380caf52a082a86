"""The records are made from facts alone: hand-built facts, no network."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from mailhop.core.common.model import Security, Service
from mailhop.core.discover.parse_pacc import parse_pacc_record
from mailhop.core.publish.gather import EndpointFacts, Gathered
from mailhop.core.publish.records import Kind, pacc_txt, records_for, zone_lines

NOW = datetime(2026, 12, 3, 16, 0, 5, tzinfo=UTC)
KEY = "ab" * 32
NEXT = "cd" * 32


def offered(service: Service, host: str, port: int, security: Security) -> EndpointFacts:
    return EndpointFacts(
        service=service,
        host=host,
        port=port,
        security=security,
        named_port=False,
        offered=True,
        reachable=True,
        failure_code=None,
        failure="",
        spki_sha256=KEY,
        pkix_valid=True,
        verify_error=None,
        mechanisms=("PLAIN",),
        mechanisms_before_tls=(),
        host_signed=True,
    )


HOSTED = Gathered(
    "customer.example",
    True,
    (
        offered(Service.IMAP, "imap.provider.example", 993, Security.IMPLICIT_TLS),
        offered(Service.SUBMISSION, "smtp.provider.example", 587, Security.STARTTLS),
        offered(Service.SUBMISSION, "smtp.provider.example", 465, Security.IMPLICIT_TLS),
        offered(Service.RELAY, "mx.provider.example", 25, Security.STARTTLS),
    ),
    ("mx.provider.example",),
)


def lines(gathered: Gathered, next_keys: dict[str, str] | None = None) -> list[str]:
    records = records_for(
        gathered,
        now=NOW,
        pacc_document=b"{}",
        tls_rpt="mailto:r@customer.example",
        next_keys=next_keys,
    )
    return [r.line for r in records]


def test_a_domain_that_offers_some_services_gets_every_srv_name_implicit_tls_first() -> None:
    srv = [line for line in lines(HOSTED) if " SRV " in line]
    assert srv == [
        "_submissions._tcp.customer.example. 3600 IN SRV 0 1 465 smtp.provider.example.",
        "_submission._tcp.customer.example. 3600 IN SRV 10 1 587 smtp.provider.example.",
        "_imaps._tcp.customer.example. 3600 IN SRV 0 1 993 imap.provider.example.",
        "_imap._tcp.customer.example. 3600 IN SRV 0 0 0 .",
        "_pop3s._tcp.customer.example. 3600 IN SRV 0 0 0 .",
        "_pop3._tcp.customer.example. 3600 IN SRV 0 0 0 .",
    ]


def test_tlsa_lines_of_servers_in_another_domain_go_into_that_zone() -> None:
    records = records_for(HOSTED, now=NOW, pacc_document=None, tls_rpt="mailto:r@x.example")
    tlsa = {(r.owner, r.zone) for r in records if r.rtype == "TLSA"}
    assert tlsa == {
        ("_993._tcp.imap.provider.example.", "provider.example"),
        ("_587._tcp.smtp.provider.example.", "provider.example"),
        ("_465._tcp.smtp.provider.example.", "provider.example"),
        ("_25._tcp.mx.provider.example.", "provider.example"),
    }
    text = zone_lines(records)
    assert text.index("; zone customer.example") < text.index("; zone provider.example")


def test_a_next_key_gets_a_second_tlsa_line_for_each_endpoint_of_its_host() -> None:
    found = lines(HOSTED, next_keys={"smtp.provider.example": NEXT})
    assert f"_465._tcp.smtp.provider.example. 3600 IN TLSA 3 1 1 {NEXT}" in found
    assert f"_587._tcp.smtp.provider.example. 3600 IN TLSA 3 1 1 {NEXT}" in found
    assert f"_465._tcp.smtp.provider.example. 3600 IN TLSA 3 1 1 {KEY}" in found
    assert not any(NEXT in line for line in found if "imap.provider" in line)


def test_mx_mta_sts_and_tls_rpt_only_when_mx_hosts_are_named() -> None:
    found = lines(HOSTED)
    assert "customer.example. 3600 IN MX 10 mx.provider.example." in found
    assert '_mta-sts.customer.example. 3600 IN TXT "v=STSv1; id=20261203160005"' in found
    assert (
        '_smtp._tls.customer.example. 3600 IN TXT "v=TLSRPTv1; rua=mailto:r@customer.example"'
        in found
    )
    without = Gathered(HOSTED.domain, True, HOSTED.endpoints[:3], ())
    kinds = {r.kind for r in records_for(without, now=NOW, pacc_document=None, tls_rpt="x")}
    assert not kinds & {Kind.MX, Kind.MTA_STS, Kind.TLS_RPT}


def test_the_pacc_txt_record_is_what_mailhop_itself_reads_back() -> None:
    document = b'{"protocols": {}}\n'
    parsed = parse_pacc_record([pacc_txt(document).strip('"')])
    assert parsed.record is not None
    assert parsed.record.digest == hashlib.sha256(document).digest()
