"""The lab's re-publishing (publish.py): what a test hands it is served at once, signed, and
what it cannot place is refused rather than silently dropped."""

from __future__ import annotations

import http.client
import socket
import ssl

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from tests.lab import addresses
from tests.lab import publish as lab_publish
from tests.lab.lab import LabInfo
from tests.lab.procs import LabError

POLICY_URL = "https://mta-sts.pubimap.test/.well-known/mta-sts.txt"


def ask(name: str, rtype: str) -> dns.message.Message:
    query = dns.message.make_query(name, rtype, want_dnssec=True)
    return dns.query.udp(query, addresses.RESOLVER, timeout=3, port=addresses.DNS_PORT)


def fetch(lab: LabInfo, host: str, path: str) -> tuple[int, bytes]:
    context = ssl.create_default_context(cafile=str(lab.ca_file))
    connection = http.client.HTTPSConnection(host, 443, context=context, timeout=5)
    connection.sock = context.wrap_socket(
        socket.create_connection((lab.scenario("pubimap.test").host(host).address, 443), 5),
        server_hostname=host,
    )
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_published_lines_and_documents_are_served_signed_and_withdrawn_again(
    lab: LabInfo,
) -> None:
    line = '_lab-probe.pubimap.test. 3600 IN TXT "published by a test"'
    lab_publish.publish(lab, ["pubimap.test"], [line], {POLICY_URL: b"version: STSv1\r\n"})
    answer = ask("_lab-probe.pubimap.test", "TXT")
    assert answer.flags & dns.flags.AD
    assert [rrset.to_text() for rrset in answer.answer if rrset.rdtype == 16] == [
        '_lab-probe.pubimap.test. 0 IN TXT "published by a test"'
    ]
    assert fetch(lab, "mta-sts.pubimap.test", "/.well-known/mta-sts.txt") == (
        200,
        b"version: STSv1\r\n",
    )
    lab_publish.withdraw(lab, ["pubimap.test"])
    gone = ask("_lab-probe.pubimap.test", "TXT")
    assert gone.rcode() == dns.rcode.NXDOMAIN and gone.flags & dns.flags.AD
    assert fetch(lab, "mta-sts.pubimap.test", "/.well-known/mta-sts.txt")[0] == 404


@pytest.mark.parametrize(
    ("domains", "lines", "documents", "said"),
    [
        (["healthy.test"], [], {}, "republish = true"),
        (["pubimap.test"], ['_x.pubpop.test. 60 IN TXT "x"'], {}, "in none of the zones"),
        (["pubimap.test"], ['relative 60 IN TXT "x"'], {}, "absolute owner"),
        (["pubimap.test"], [], {"https://mta-sts.pubimap.test/other.txt": b""}, "published"),
        (
            ["pubimap.test"],
            [],
            {"http://mta-sts.pubimap.test/.well-known/mta-sts.txt": b""},
            "https",
        ),
    ],
)
def test_what_the_lab_cannot_place_is_refused(
    lab: LabInfo, domains: list[str], lines: list[str], documents: dict[str, bytes], said: str
) -> None:
    with pytest.raises(LabError, match=said):
        lab_publish.publish(lab, domains, lines, documents)
