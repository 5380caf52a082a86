"""The relay leg's first fact, from the MX attempt alone (verdict/relay_mx.py), and what the
verdict makes of each kind: only a real answer can be OK."""

from __future__ import annotations

from mailhop.core.common.model import Security, ServerCandidate, Service
from mailhop.core.discover.report import Attempt, Auth, DnsRecordSet, Failure, Source, Status
from mailhop.core.dns.dnssec import Security as Dnssec
from mailhop.core.verdict.relay_mx import MxAnswer, classify_mx, mta_sts_published
from mailhop.core.verdict.verdict import Level, judge_relay


def mx_attempt(status: Status, records: tuple[str, ...] = (), *, hosts: int = 0) -> Attempt:
    found = DnsRecordSet("example.com", "MX", records, Dnssec.SECURE, not records, "")
    candidates = tuple(
        ServerCandidate(
            service=Service.RELAY,
            hostname=f"mx{i}.example.com",
            port=25,
            security=Security.STARTTLS,
            username=None,
            auth_methods=(),
            order=i,
        )
        for i in range(hosts)
    )
    return Attempt(
        source=Source.MX,
        target="example.com MX",
        status=status,
        auth=Auth.DNSSEC_SECURE,
        detail="what the source said",
        started=0.0,
        elapsed=0.1,
        candidates=candidates,
        records=(found,),
    )


def test_each_mx_answer_is_its_own_kind() -> None:
    assert classify_mx([mx_attempt(Status.FOUND, ("10 mx0.example.com.",), hosts=1)])[0] is (
        MxAnswer.HOSTS
    )
    assert classify_mx([mx_attempt(Status.NOTHING, ("0 .",))])[0] is MxAnswer.NULL_MX
    assert classify_mx([mx_attempt(Status.NOTHING)])[0] is MxAnswer.NO_MX
    assert classify_mx([mx_attempt(Status.FAILED)])[0] is MxAnswer.UNKNOWN  # bogus, SERVFAIL
    assert classify_mx([mx_attempt(Status.TIMED_OUT)])[0] is MxAnswer.UNKNOWN
    assert classify_mx([])[0] is MxAnswer.UNKNOWN  # never asked: nothing is known


def test_missing_evidence_is_never_ok_and_a_null_mx_says_no_mail() -> None:
    unknown = judge_relay("example.com", [], mta_sts=None, mx=(MxAnswer.UNKNOWN, "timed out"))
    assert unknown.level is Level.COULD_NOT_CHECK
    assert [f.code for f in unknown.findings] == ["relay-unchecked"]
    null = judge_relay("example.com", [], mta_sts=False, mx=(MxAnswer.NULL_MX, ""))
    assert null.level is Level.WARN and [f.code for f in null.findings] == ["relay-null-mx"]
    none = judge_relay("example.com", [], mta_sts=False, mx=(MxAnswer.NO_MX, ""))
    assert none.level is Level.OK and [f.code for f in none.findings] == ["relay-no-mx"]


def sts_attempt(status: Status, failure: Failure | None = None) -> Attempt:
    return Attempt(
        source=Source.MTA_STS,
        target="mta-sts.example.com",
        status=status,
        auth=Auth.NONE,
        detail="",
        started=0.0,
        elapsed=0.1,
        failure=failure,
    )


def test_an_mta_sts_lookup_without_the_domains_answer_is_unknown_not_absent() -> None:
    assert mta_sts_published([sts_attempt(Status.FOUND)]) is True
    assert mta_sts_published([sts_attempt(Status.NOTHING)]) is False
    refused = sts_attempt(Status.FAILED, Failure.DOCUMENT_REFUSED)  # the domain's own answer
    assert mta_sts_published([refused]) is False
    for failure in (Failure.DNS, Failure.CONNECT, Failure.TIMEOUT):
        assert mta_sts_published([sts_attempt(Status.FAILED, failure)]) is None
    assert mta_sts_published([sts_attempt(Status.TIMED_OUT)]) is None
    assert mta_sts_published([]) is None
