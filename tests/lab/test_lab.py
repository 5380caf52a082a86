"""The lab as a whole answers as its scenario files say, and comes and goes cleanly.

These checks are data-driven: they read the scenario files and ask the running lab, with
plain dnspython, ssl and http.client, so a new scenario file is checked without new code.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.lab import scenario, web
from tests.lab.lab import REPO_ROOT, LabInfo
from tests.lab.scenario import MAIL_PORTS, Scenario

SCENARIOS = scenario.load_all()
IMPLICIT_TLS = {"imaps", "pop3s", "submissions"}


def key_digest(pem_file: Path, algorithm: str) -> str:
    """Digest of the SubjectPublicKeyInfo in a PEM certificate or PEM public key."""
    data = pem_file.read_bytes()
    if b"CERTIFICATE" in data:
        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.new(algorithm, der).hexdigest()


def cert_digest(pem_file: Path, algorithm: str) -> str:
    cert = x509.load_pem_x509_certificate(pem_file.read_bytes())
    return hashlib.new(algorithm, cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def digest_placeholders(lab: LabInfo) -> dict[str, Callable[[str], str]]:
    """The certificate placeholders, computed from the files the lab wrote (certs.py)."""
    folder = lab.workdir / "certs"
    authority = {"root": "lab-root-ca.pem", "intermediate": "lab-intermediate-ca.pem"}
    return {
        "spki-sha256": lambda host: key_digest(folder / host / "cert.pem", "sha256"),
        "spki-sha512": lambda host: key_digest(folder / host / "cert.pem", "sha512"),
        "cert-sha256": lambda host: cert_digest(folder / host / "cert.pem", "sha256"),
        "cert-sha512": lambda host: cert_digest(folder / host / "cert.pem", "sha512"),
        "ca-spki-sha256": lambda ca: key_digest(folder / authority[ca], "sha256"),
        "ca-cert-sha256": lambda ca: cert_digest(folder / authority[ca], "sha256"),
        "key-spki-sha256": lambda key: key_digest(folder / "spare-keys" / f"{key}.pem", "sha256"),
    }


def web_document(host: str, path: str) -> web.Document:
    """The document as the lab's web server reads it from the scenario file."""
    for item in SCENARIOS:
        for candidate in item.hosts:
            if candidate.name == host:
                for document in web.parse_site(candidate).documents:
                    if document.path == path:
                        return document
    raise KeyError(f"{host}{path}")


def expected_records(lab: LabInfo, item: Scenario) -> dict[tuple[str, str], set[str]]:
    def web_digest(ref: str) -> str:
        host, path = ref.split("/", 1)
        return base64.b64encode(
            hashlib.sha256(web_document(host, "/" + path).payload).digest()
        ).decode()

    resolvers = {**digest_placeholders(lab), "web-sha256-b64": web_digest}
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in item.records:
        value = scenario.expand(record.value, resolvers)
        rdata = dns.rdata.from_text(dns.rdataclass.IN, record.type, value)
        wanted[(record.name, record.type)].add(rdata.to_text())
    for host in item.hosts:
        wanted[(f"{host.name}.", "A")].add(host.address)
        if host.address6:
            wanted[(f"{host.name}.", "AAAA")].add(host.address6)
    return wanted


def ask(lab: LabInfo, name: str, rtype: str) -> dns.message.Message:
    query = dns.message.make_query(name, rtype, want_dnssec=True)
    return dns.query.udp(query, lab.resolver, port=lab.resolver_port, timeout=5)


@pytest.mark.parametrize("item", SCENARIOS, ids=lambda s: s.domain)
def test_every_record_resolves_through_the_lab_resolver_as_written(
    lab: LabInfo, item: Scenario
) -> None:
    for (name, rtype), values in expected_records(lab, item).items():
        answer = ask(lab, name, rtype)
        if item.dnssec == "bogus":
            assert answer.rcode() == dns.rcode.SERVFAIL, (name, rtype)
            continue
        assert answer.rcode() == dns.rcode.NOERROR, (name, rtype, answer)
        got = {
            rdata.to_text()
            for rrset in answer.answer
            if rrset.rdtype == dns.rdatatype.from_text(rtype)
            for rdata in rrset
        }
        assert got == values, (name, rtype)


def mail_endpoints() -> list[tuple[str, str, str, str]]:
    return [
        (host.name, host.address, service, host.cert)
        for item in SCENARIOS
        for host in item.hosts
        for service in host.mail
    ]


@pytest.mark.parametrize(
    ("name", "address", "service", "cert"), mail_endpoints(), ids=lambda v: str(v)
)
def test_every_mail_service_listens_and_presents_its_certificate(
    lab: LabInfo, name: str, address: str, service: str, cert: str
) -> None:
    port = MAIL_PORTS[service]
    with socket.create_connection((address, port), timeout=5) as sock:
        if service not in IMPLICIT_TLS:
            sock.settimeout(5)
            assert sock.recv(512), f"{service} on {name} sent no greeting"
            return
        context = ssl.create_default_context(cafile=str(lab.ca_file))
        with context.wrap_socket(sock, server_hostname=name) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            der = tls.getpeercert(binary_form=True)
            assert der is not None
            leaf = x509.load_der_x509_certificate(der)
            expected = (lab.workdir / "certs" / name / "cert.pem").read_bytes()
            assert leaf == x509.load_pem_x509_certificate(expected)


def web_documents() -> list[tuple[str, str, str, str]]:
    found = []
    for item in SCENARIOS:
        for host in item.hosts:
            for document in web.parse_site(host).documents:
                if not document.is_plain:
                    continue  # the hostile knobs are checked by test_web.py
                for scheme in sorted(document.schemes):
                    found.append((host.name, host.address, document.path, scheme))
    return found


@pytest.mark.parametrize(("name", "address", "path", "scheme"), web_documents(), ids=str)
def test_every_plain_web_document_is_served(
    lab: LabInfo, name: str, address: str, path: str, scheme: str
) -> None:
    context = ssl.create_default_context(cafile=str(lab.ca_file))
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = http.client.HTTPSConnection(name, 443, context=context, timeout=5)
        raw = socket.create_connection((address, 443), timeout=5)
        connection.sock = context.wrap_socket(raw, server_hostname=name)
    else:
        connection = http.client.HTTPConnection(address, 80, timeout=5)
    document = web_document(name, path)
    method = "GET" if "GET" in document.methods else sorted(document.methods)[0]
    connection.request(method, path, headers={"Host": name})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200
    assert body == document.payload


def test_a_black_holed_host_drops_packets_instead_of_refusing(lab: LabInfo) -> None:
    began = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout)):
        socket.create_connection(("127.0.7.99", 993), timeout=0.5)
    assert time.monotonic() - began >= 0.45  # a refused port would fail at once


def lab_processes_in(netns_name: str) -> list[int]:
    done = subprocess.run(["ip", "netns", "pids", netns_name], capture_output=True, text=True)
    return [int(p) for p in done.stdout.split()]


def test_a_second_lab_comes_up_fast_and_leaves_nothing_behind(lab: LabInfo) -> None:
    """A full cycle in a namespace of its own, as `python -m tests.lab up` / `down` do it."""
    name = "mailhop-lab-cycle"
    workdir = Path("/run/mailhop-lab-cycle")
    env = {**os.environ, "MAILHOP_LAB_NETNS_NAME": name, "MAILHOP_LAB_DIR": str(workdir)}
    env.pop("MAILHOP_LAB_NETNS", None)
    command = [sys.executable, "-m", "tests.lab"]
    try:
        began = time.monotonic()
        up = subprocess.run(
            [*command, "up"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
        )
        took = time.monotonic() - began
        assert up.returncode == 0, up.stdout + up.stderr
        assert took < 10, f"cold start took {took:.1f} s"
        assert lab_processes_in(name), "nothing runs in the lab's namespace"
        status = subprocess.run(
            [*command, "status"], env=env, cwd=REPO_ROOT, capture_output=True, text=True
        )
        assert status.returncode == 0 and "lab is up" in status.stdout
    finally:
        down = subprocess.run(
            [*command, "down"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
        )
    assert down.returncode == 0, down.stdout + down.stderr
    assert not Path("/run/netns", name).exists()
    assert not Path("/etc/netns", name).exists()
    assert not workdir.exists()
    leftovers = subprocess.run(
        ["pgrep", "-f", str(workdir)], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == []
