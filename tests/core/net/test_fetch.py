"""The bounded fetcher (core/net/fetch.py) and the TLS context (core/net/tlscontext.py).

`client_context` is checked on its own. The fetcher is checked against the lab's real web
servers (tests/lab/web.py), hostile ones included: healthy.test for documents that must
arrive whole, hostile-web.test for the attacks of DESIGN.md section 4 rule 6, and
fetchcases.test for redirect rules and an expired certificate. Names are resolved through
the lab's validating resolver with a few lines of dnspython (`lab_resolve`), so the
fetcher never meets getaddrinfo; what the servers received is read back from the lab's
recordings.
"""

from __future__ import annotations

import asyncio
import datetime
import re
import secrets
import ssl
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import dns.asyncresolver
import dns.exception
import dns.resolver
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mailhop.core import __version__
from mailhop.core.net.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchErrorCode,
    FetchResult,
    Resolve,
    ResolveError,
)
from mailhop.core.net.tlscontext import client_context
from tests.lab import canary, scenario, web
from tests.lab.canary import Recording
from tests.lab.lab import LabInfo
from tests.lab.web import Document

CONFIG = "/mail/config-v1.1.xml"
SLACK = 1.0  # how long past its deadline a fetch may take to return


# --- tlscontext: no lab needed ---------------------------------------------------------------


def make_ca_pem(common_name: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def test_client_context_verifies_with_tls_1_2_at_least() -> None:
    context = client_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.check_hostname is True
    assert context.verify_mode == ssl.CERT_REQUIRED


def test_client_context_adds_the_extra_anchor_to_the_system_store(tmp_path: Path) -> None:
    anchor = tmp_path / "extra-ca.pem"
    anchor.write_bytes(make_ca_pem("mailhop test anchor"))
    plain = client_context().cert_store_stats()["x509_ca"]
    context = client_context(anchor)
    assert context.cert_store_stats()["x509_ca"] == plain + 1  # added, the system's kept
    subjects = [dict(item[0] for item in c["subject"]) for c in context.get_ca_certs()]
    assert {"commonName": "mailhop test anchor"} in subjects
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (None, "does not exist"),
        (b"", "no readable PEM certificate"),
        (b"not a certificate\n", "no readable PEM certificate"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "no readable PEM"),
        ("directory", "cannot be read"),
    ],
)
def test_a_bad_extra_anchor_file_is_a_clear_error(
    tmp_path: Path, content: bytes | str | None, complaint: str
) -> None:
    path = tmp_path / "anchors.pem"
    if content == "directory":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ValueError, match=complaint) as caught:
        client_context(path)
    assert str(path) in str(caught.value)


# --- fetcher: helpers ------------------------------------------------------------------------


def lab_resolve(lab: LabInfo) -> Resolve:
    """A stand-in for mailhop's resolver: A then AAAA from the lab's validating resolver."""

    async def resolve(host: str) -> Sequence[str]:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [lab.resolver]
        resolver.port = lab.resolver_port
        found: list[str] = []
        try:
            answer = await resolver.resolve(host, "A", lifetime=3)
            found += [record.address for record in answer]
        except dns.resolver.NXDOMAIN as exc:
            raise ResolveError(f"{host} does not exist") from exc
        except dns.resolver.NoAnswer:
            pass
        except dns.exception.DNSException as exc:
            raise ResolveError(f"the lab resolver failed: {exc}") from exc
        try:
            answer = await resolver.resolve(host, "AAAA", lifetime=3)
            found += [record.address for record in answer]
        except dns.exception.DNSException:
            pass  # the lab's web hosts are IPv4
        if not found:
            raise ResolveError(f"{host} has no address")
        return found

    return resolve


def fixed(*addresses: str) -> Resolve:
    """A resolver that answers the same addresses for every name."""

    async def resolve(host: str) -> Sequence[str]:
        return addresses

    return resolve


@pytest.fixture(scope="module")
def tls(lab: LabInfo) -> ssl.SSLContext:
    return client_context(lab.ca_file)


def fetch(
    lab: LabInfo,
    context: ssl.SSLContext,
    url: str,
    *,
    seconds: float = 5.0,
    resolve: Resolve | None = None,
    **options: Any,
) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(resolve or lab_resolve(lab), context) as fetcher:
            return await fetcher.fetch(url, deadline=time.monotonic() + seconds, **options)

    return asyncio.run(go())


def document(name: str, path: str = CONFIG) -> Document:
    for item in scenario.load_all():
        for host in item.hosts:
            if host.name == name:
                (found,) = [d for d in web.parse_site(host).documents if d.path == path]
                return found
    raise KeyError(name)


def address_of(name: str) -> str:
    return next(h.address for s in scenario.load_all() for h in s.hosts if h.name == name)


def requests_with(lab: LabInfo, marker: str) -> list[tuple[Recording, dict[str, Any]]]:
    """(connection, request note) for every request whose target carries the marker."""
    return [
        (recording, request)
        for recording in canary.recordings(Path(lab.fact("pyservers", "recordings_dir")))
        for request in requests_on(recording)
        if marker in request["target"]
    ]


def requests_on(recording: Recording) -> list[dict[str, Any]]:
    return [cast(dict[str, Any], note["request"]) for note in recording.notes if "request" in note]


def header(request: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in request["headers"] if key.lower() == name.lower()]


# --- documents that must arrive whole --------------------------------------------------------

HEALTHY = [
    ("autoconfig.healthy.test", CONFIG),
    ("healthy.test", "/.well-known/autoconfig/mail/config-v1.1.xml"),
    ("ua-auto-config.healthy.test", "/.well-known/user-agent-configuration.json"),
    ("mta-sts.healthy.test", "/.well-known/mta-sts.txt"),
]


@pytest.mark.parametrize(("name", "path"), HEALTHY, ids=[h for h, _ in HEALTHY])
def test_a_healthy_document_arrives_whole(
    lab: LabInfo, tls: ssl.SSLContext, name: str, path: str
) -> None:
    url = f"https://{name}{path}"
    result = fetch(lab, tls, url)
    expected = document(name, path)
    assert result.ok and result.error is None and result.error_code is None
    assert result.body == expected.payload
    assert result.content_type == expected.content_type
    assert (result.url, result.final_url, result.status) == (url, url, 200)
    (hop,) = result.hops
    assert (hop.url, hop.method, hop.status, hop.location) == (url, "GET", 200, None)
    assert hop.peer == address_of(name)
    assert hop.tls_version in ("TLSv1.2", "TLSv1.3")
    assert result.all_https
    assert 0 < result.elapsed < 2


def test_the_request_carries_our_headers_and_identity_encoding_only(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    marker = secrets.token_hex(8)
    name = "autoconfig.healthy.test"
    url = f"https://{name}{CONFIG}?emailaddress={marker}%40healthy.test"
    result = fetch(lab, tls, url, headers=[("Accept", "text/xml")])
    assert result.ok and result.url == url
    ((recording, request),) = requests_with(lab, marker)
    assert request["method"] == "GET"
    assert request["query"] == f"emailaddress={marker}%40healthy.test"
    assert {"tls": "established", "version": result.hops[0].tls_version, "sni": name} in [
        {key: note.get(key) for key in ("tls", "version", "sni")} for note in recording.notes
    ]
    assert header(request, "Host") == [name]
    assert header(request, "Accept-Encoding") == ["identity"]  # never gzip: no bomb can inflate
    assert header(request, "User-Agent") == [DEFAULT_USER_AGENT] == [f"mailhop/{__version__}"]
    assert header(request, "Accept") == ["text/xml"]
    sent = {key.lower() for key, _ in request["headers"]}
    assert not sent & {"cookie", "authorization", "proxy-authorization", "te", "upgrade"}


def test_connections_to_one_origin_are_reused(lab: LabInfo, tls: ssl.SSLContext) -> None:
    marker = secrets.token_hex(8)
    base = f"https://autoconfig.healthy.test{CONFIG}?m={marker}"

    async def go() -> list[FetchResult]:
        async with Fetcher(lab_resolve(lab), tls) as fetcher:
            deadline = time.monotonic() + 5
            return [await fetcher.fetch(f"{base}&n={n}", deadline=deadline) for n in range(3)]

    assert all(result.ok for result in asyncio.run(go()))
    connections = [recording.connection for recording, _ in requests_with(lab, marker)]
    assert len(connections) == 3 and len(set(connections)) == 1


def test_a_post_to_autodiscover_sends_its_body_and_reads_the_answer(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    name = "autodiscover.healthy.test"
    path = "/autodiscover/autodiscover.xml"
    marker = secrets.token_hex(8)
    request_body = (
        b"<?xml version='1.0'?><Autodiscover><Request><EMailAddress>alice@healthy.test"
        b"</EMailAddress></Request></Autodiscover>"
    )
    result = fetch(
        lab,
        tls,
        f"https://{name}{path}?m={marker}",
        method="POST",
        body=request_body,
        headers=[("Content-Type", "text/xml")],
    )
    assert result.ok and result.body == document(name, path).payload
    assert [(hop.method, hop.status) for hop in result.hops] == [("POST", 200)]
    ((_, request),) = requests_with(lab, marker)
    assert request["method"] == "POST" and request["body_bytes"] == len(request_body)
    assert header(request, "Content-Type") == ["text/xml"]
    assert header(request, "Content-Length") == [str(len(request_body))]


def test_an_error_status_is_a_result_with_its_body(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, "https://autoconfig.healthy.test/nothing/here")
    assert (result.status, result.error, result.error_code) == (404, None, None)
    assert result.body == b"not found\n" and not result.ok
    result = fetch(lab, tls, "https://autodiscover.hostile-web.test/autodiscover/autodiscover.xml")
    assert result.status == 401 and result.error is None and not result.ok


# --- redirects -------------------------------------------------------------------------------


def test_a_redirect_out_of_the_domain_is_recorded_and_checked(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    start = f"https://autoconfig.hostile-web.test{CONFIG}"
    target = f"https://autoconfig.hostile-mail.test{CONFIG}"
    asked: list[tuple[str, str]] = []

    def check(from_url: str, to_url: str) -> str | None:
        asked.append((from_url, to_url))
        return None

    result = fetch(lab, tls, start, redirect_check=check)
    assert asked == [(start, target)]
    assert result.ok and result.body == document("autoconfig.hostile-mail.test").payload
    assert (result.url, result.final_url) == (start, target)
    assert [(h.url, h.status, h.location) for h in result.hops] == [
        (start, 302, target),
        (target, 200, None),
    ]
    assert [h.peer for h in result.hops] == [
        address_of("autoconfig.hostile-web.test"),
        address_of("autoconfig.hostile-mail.test"),
    ]


def test_redirect_check_refuses_a_hop(lab: LabInfo, tls: ssl.SSLContext) -> None:
    def inside_only(from_url: str, to_url: str) -> str | None:
        return None if ".hostile-web.test/" in to_url else "it leaves hostile-web.test"

    result = fetch(
        lab, tls, f"https://autoconfig.hostile-web.test{CONFIG}", redirect_check=inside_only
    )
    assert result.error_code is FetchErrorCode.REDIRECT_REFUSED and not result.ok
    assert result.error is not None and "it leaves hostile-web.test" in result.error
    assert "autoconfig.hostile-mail.test" in result.error
    assert [h.status for h in result.hops] == [302] and result.status == 302
    assert result.body is None


def test_a_downgrade_to_plain_http_shows_in_the_hops_and_can_be_refused(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    start = f"https://downgrade.hostile-web.test{CONFIG}"
    plain = "http://downgrade.hostile-web.test/plain/config-v1.1.xml"
    result = fetch(lab, tls, start)
    assert result.ok and not result.all_https and result.final_url == plain
    assert [(h.url, h.status) for h in result.hops] == [(start, 301), (plain, 200)]
    assert result.hops[0].tls_version is not None and result.hops[1].tls_version is None

    def https_only(from_url: str, to_url: str) -> str | None:
        return None if to_url.startswith("https:") else "it leaves HTTPS"

    refused = fetch(lab, tls, start, redirect_check=https_only)
    assert refused.error_code is FetchErrorCode.REDIRECT_REFUSED
    assert refused.all_https and len(refused.hops) == 1


def test_a_redirect_loop_ends_at_the_first_repeat(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, f"https://loop.hostile-web.test{CONFIG}")
    assert result.error_code is FetchErrorCode.REDIRECT_LOOP and result.body is None
    assert [h.status for h in result.hops] == [307, 308]
    assert result.error is not None and "loop" in result.error


def test_more_redirects_than_allowed_end_the_fetch(lab: LabInfo, tls: ssl.SSLContext) -> None:
    start = "https://chain.fetchcases.test/hop/1"
    result = fetch(lab, tls, start)  # six redirects, five allowed by default
    assert result.error_code is FetchErrorCode.TOO_MANY_REDIRECTS and result.body is None
    assert len(result.hops) == 6 and result.final_url.endswith("/hop/6")
    assert fetch(lab, tls, start, max_redirects=0).error_code is FetchErrorCode.TOO_MANY_REDIRECTS

    allowed = fetch(lab, tls, start, max_redirects=6)
    assert allowed.ok and allowed.body == b"the end of the chain\n"
    assert allowed.content_type == "text/plain"  # the charset parameter is dropped
    assert [h.status for h in allowed.hops] == [301, 302, 303, 307, 308, 302, 200]
    # "https://CHAIN.fetchcases.test:443/hop/6#ignored" is the same URL as written plainly.
    assert allowed.hops[5].url == "https://chain.fetchcases.test/hop/6"


@pytest.mark.parametrize(
    ("path", "complaint"),
    [("/to-ftp", "only http and https"), ("/to-ip", "IP address"), ("/to-userinfo", "user info")],
)
def test_an_unusable_location_is_refused_without_asking(
    lab: LabInfo, tls: ssl.SSLContext, path: str, complaint: str
) -> None:
    asked: list[str] = []

    def check(from_url: str, to_url: str) -> str | None:
        asked.append(to_url)
        return None

    result = fetch(lab, tls, f"https://chain.fetchcases.test{path}", redirect_check=check)
    assert result.error_code is FetchErrorCode.REDIRECT_REFUSED and asked == []
    assert result.error is not None and complaint in result.error
    assert "secret" not in result.error and len(result.hops) == 1


@pytest.mark.parametrize(
    ("path", "second"),
    [
        ("/see-other", ("GET", "/got", 0)),  # 303: GET without the body
        ("/moved", ("GET", "/got", 0)),  # 301 after POST: GET, as browsers do
        ("/temporary", ("POST", "/posted", 4)),  # 307: same method, same body
        ("/permanent", ("POST", "/posted", 4)),  # 308: same method, same body
    ],
)
def test_each_redirect_status_treats_a_post_as_documented(
    lab: LabInfo, tls: ssl.SSLContext, path: str, second: tuple[str, str, int]
) -> None:
    marker = secrets.token_hex(8)
    result = fetch(
        lab,
        tls,
        f"https://methods.fetchcases.test{path}?m={marker}",
        method="POST",
        body=b"<x/>",
        headers=[("Content-Type", "text/xml")],
    )
    assert result.ok, result.error
    assert [h.method for h in result.hops] == ["POST", second[0]]
    # The redirect's empty body was read, so the next hop went over the same connection.
    ((recording, first),) = requests_with(lab, marker)
    assert first["method"] == "POST" and first["body_bytes"] == 4
    followed = requests_on(recording)[1]
    assert (followed["method"], followed["path"], followed["body_bytes"]) == second
    assert bool(header(followed, "Content-Type")) == (second[0] == "POST")


# --- bounds ----------------------------------------------------------------------------------


def test_a_body_announced_too_large_is_refused_before_reading(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    result = fetch(lab, tls, f"https://big.hostile-web.test{CONFIG}")
    assert result.error_code is FetchErrorCode.TOO_LARGE and result.body is None
    assert result.status == 200 and not result.ok
    assert result.error is not None and "1048576" in result.error and "65536" in result.error


def test_a_chunked_body_is_counted_and_cut_at_the_cap(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, f"https://chunked.hostile-web.test{CONFIG}")
    assert result.error_code is FetchErrorCode.TOO_LARGE and result.body is None
    assert result.error is not None and "65536" in result.error


def test_the_cap_is_inclusive(lab: LabInfo, tls: ssl.SSLContext) -> None:
    url = f"https://autoconfig.healthy.test{CONFIG}"
    size = document("autoconfig.healthy.test").size
    assert fetch(lab, tls, url, max_bytes=size).ok
    assert fetch(lab, tls, url, max_bytes=size - 1).error_code is FetchErrorCode.TOO_LARGE


def test_a_content_length_that_lies_is_a_protocol_error(lab: LabInfo, tls: ssl.SSLContext) -> None:
    url = f"https://lie.hostile-web.test{CONFIG}"
    result = fetch(lab, tls, url, max_bytes=200_000)  # above the 100000 it announces
    assert result.error_code is FetchErrorCode.HTTP_PROTOCOL and result.body is None
    assert result.error is not None and "lie.hostile-web.test" in result.error
    assert fetch(lab, tls, url).error_code is FetchErrorCode.TOO_LARGE  # announced > 64 KiB


@pytest.mark.parametrize(
    ("name", "doing"),
    [("stall-body", "reading the answer"), ("stall-headers", "waiting for")],
)
def test_a_stalled_server_costs_the_deadline_once(
    lab: LabInfo, tls: ssl.SSLContext, name: str, doing: str
) -> None:
    began = time.monotonic()
    deadline = began + 1.5
    result = fetch(lab, tls, f"https://{name}.hostile-web.test{CONFIG}", seconds=1.5)
    ended = time.monotonic()
    assert result.error_code is FetchErrorCode.TIMEOUT and result.body is None
    assert deadline <= ended < deadline + SLACK
    assert 1.4 <= result.elapsed < 1.5 + SLACK
    assert result.error is not None and doing in result.error and name in result.error


def test_a_black_holed_host_times_out_while_connecting(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, "https://dead.blackhole.test/", seconds=1.0)
    assert result.error_code is FetchErrorCode.TIMEOUT
    assert result.error is not None and "connecting to dead.blackhole.test" in result.error
    assert 0.95 <= result.elapsed < 1.0 + SLACK
    assert [(h.status, h.peer) for h in result.hops] == [(None, None)]


def test_a_deadline_already_past_fetches_nothing(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, f"https://autoconfig.healthy.test{CONFIG}", seconds=-1)
    assert result.error_code is FetchErrorCode.TIMEOUT and result.hops == ()


def test_the_wrong_content_type_is_reported(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, f"https://wrong-type.hostile-web.test{CONFIG}")
    assert result.ok and result.content_type == "text/html"
    assert result.body == document("wrong-type.hostile-web.test").payload


# --- addresses and connections ---------------------------------------------------------------


def test_addresses_are_tried_staggered_and_the_first_to_connect_wins(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    good = address_of("autoconfig.healthy.test")
    # 127.0.7.99 drops every packet (blackhole.test); nothing listens on 127.0.12.99.
    resolve = fixed("127.0.7.99", "127.0.12.99", good)
    result = fetch(lab, tls, f"https://autoconfig.healthy.test{CONFIG}", resolve=resolve)
    assert result.ok and result.hops[0].peer == good
    # 250 ms for the black hole, then the refusal moves on at once.
    assert 0.25 <= result.elapsed < 0.25 + 0.5


def test_when_no_address_connects_each_is_named(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(
        lab, tls, "https://autoconfig.healthy.test/", resolve=fixed("127.0.12.98", "127.0.12.99")
    )
    assert result.error_code is FetchErrorCode.CONNECT_REFUSED
    assert result.error == (
        "could not connect to autoconfig.healthy.test port 443 "
        "(127.0.12.98: connection refused; 127.0.12.99: connection refused)"
    )
    refused = fetch(lab, tls, f"https://plain.hostile-web.test{CONFIG}")  # port 80 only
    assert refused.error_code is FetchErrorCode.CONNECT_REFUSED


def test_a_name_that_does_not_exist_is_a_dns_error(lab: LabInfo, tls: ssl.SSLContext) -> None:
    marker = secrets.token_hex(8)
    result = fetch(lab, tls, f"https://no-such-host.healthy.test/x?emailaddress={marker}")
    assert result.error_code is FetchErrorCode.DNS and result.status is None
    assert result.error is not None and "no-such-host.healthy.test" in result.error
    assert marker not in result.error  # the query (an address, maybe) stays out of messages
    assert [(h.status, h.peer) for h in result.hops] == [(None, None)]


def test_a_certificate_from_an_unknown_authority_fails_tls(lab: LabInfo) -> None:
    result = fetch(lab, client_context(), f"https://autoconfig.healthy.test{CONFIG}")
    assert result.error_code is FetchErrorCode.TLS and result.body is None
    assert result.error is not None and "autoconfig.healthy.test" in result.error
    assert "local issuer" in result.error
    assert result.hops[0].peer == address_of("autoconfig.healthy.test")


def test_an_expired_certificate_fails_tls(lab: LabInfo, tls: ssl.SSLContext) -> None:
    result = fetch(lab, tls, f"https://expired.fetchcases.test{CONFIG}")
    assert result.error_code is FetchErrorCode.TLS
    assert result.error is not None and "expired" in result.error


# --- misuse and bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://autoconfig.healthy.test/",
        "https://127.0.1.21/",
        "https://user:pw@autoconfig.healthy.test/",
        "https://localhost/",
        "https://autoconfig.healthy.test:0/",
        "https://autoconfig.healthy.test/a b",
        "https://autoconfig.healthy.test/\r\nX: y",
        "autoconfig.healthy.test/mail",
        "",
    ],
)
def test_a_bad_url_is_a_result_without_any_request(url: str) -> None:
    async def never(host: str) -> Sequence[str]:
        raise AssertionError("no lookup for a bad URL")

    async def go() -> FetchResult:
        async with Fetcher(never, client_context()) as fetcher:
            return await fetcher.fetch(url, deadline=time.monotonic() + 1)

    result = asyncio.run(go())
    assert result.error_code is FetchErrorCode.BAD_URL and result.hops == ()


def test_a_u_label_url_is_fetched_by_its_a_label() -> None:
    looked_up: list[str] = []

    async def resolve(host: str) -> Sequence[str]:
        looked_up.append(host)
        raise ResolveError("not in this test")

    async def go() -> FetchResult:
        async with Fetcher(resolve, client_context()) as fetcher:
            return await fetcher.fetch("https://BÜCHER.test/x#top", deadline=time.monotonic() + 1)

    result = asyncio.run(go())
    assert looked_up == ["xn--bcher-kva.test"]
    assert result.url == "https://xn--bcher-kva.test/x" and result.error_code is FetchErrorCode.DNS


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"headers": [("Authorization", "Basic eDp5")]}, "Authorization"),
        ({"headers": [("Cookie", "a=b")]}, "Cookie"),
        ({"headers": [("Accept-Encoding", "gzip")]}, "Accept-Encoding"),
        ({"headers": [("Host", "elsewhere.test")]}, "Host"),
        ({"headers": [("X-Evil", "a\r\nb")]}, "malformed"),
        ({"max_bytes": -1}, "negative"),
        ({"method": "GET /x"}, "method"),
    ],
)
def test_misuse_raises(options: dict[str, Any], complaint: str) -> None:
    async def go() -> FetchResult:
        async with Fetcher(fixed("127.0.0.1"), client_context()) as fetcher:
            return await fetcher.fetch("https://a.test/", deadline=time.monotonic() + 1, **options)

    with pytest.raises(ValueError, match=re.escape(complaint)):
        asyncio.run(go())


def test_a_resolver_that_returns_names_is_a_bug_not_a_result() -> None:
    async def go() -> FetchResult:
        async with Fetcher(fixed("localhost"), client_context()) as fetcher:
            return await fetcher.fetch("https://a.test/", deadline=time.monotonic() + 1)

    with pytest.raises(ValueError, match="IP address"):
        asyncio.run(go())


def test_a_name_lookup_cut_by_the_deadline_is_a_timeout_not_a_dns_failure(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    # mailhop's own resolver asking an upstream that reads every query and never answers:
    # the run's deadline ends the lookup. That is "too slow", not "no such name".
    import socket

    from tests.core.dns.test_resolver import resolver

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mute:
        mute.bind(("127.0.0.1", 0))
        port = mute.getsockname()[1]
        silent = resolver(lab, deadline=1.0, upstream=f"127.0.0.1:{port}")
        result = fetch(lab, tls, "https://autoconfig.healthy.test/", resolve=silent.addresses)
    assert result.error_code is FetchErrorCode.TIMEOUT, (result.error_code, result.error)
