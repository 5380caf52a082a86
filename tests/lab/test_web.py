"""The lab's web hosts do what their scenario files say, hostile knobs included.

The first half needs no lab: parsing a `web` table and an HTTP request. The second half asks
the running lab over real sockets (stdlib only), one test per knob of hostile-web.test.
"""

from __future__ import annotations

import http.client
import secrets
import ssl
import time
from pathlib import Path
from typing import cast

import pytest

from tests.lab import canary, clients, scenario, web
from tests.lab.lab import LabInfo
from tests.lab.scenario import Host, ScenarioError
from tests.lab.web import BadRequest, Document

CONFIG = "/mail/config-v1.1.xml"
STALL_SECONDS = 0.5  # how long a test waits to be sure nothing more comes


def host(name: str) -> Host:
    for item in scenario.load_all():
        for candidate in item.hosts:
            if candidate.name == name:
                return candidate
    raise KeyError(name)


def document(name: str, path: str = CONFIG) -> Document:
    site = web.parse_site(host(name))
    (found,) = [d for d in site.documents if d.path == path]
    return found


# --- no lab needed ---------------------------------------------------------------------------


def test_defaults_and_knobs_parse_into_a_document(tmp_path: Path) -> None:
    (tmp_path / "bodies").mkdir()
    (tmp_path / "bodies" / "x.xml").write_bytes(b"<x/>")
    raw = {"file": "bodies/x.xml", "repeat": 3, "chunked": True, "methods": ["post"]}
    doc = web.parse_document("/a", raw, tmp_path, "here")
    assert doc.payload == b"<x/><x/><x/>" and doc.size == 12
    assert doc.methods == {"POST"} and doc.schemes == {"https"} and doc.status == 200
    assert not doc.is_plain
    assert web.parse_document("/a", {"body": "hi"}, tmp_path, "here").is_plain
    moved = web.parse_document("/a", {"redirect": "https://b.test/"}, tmp_path, "here")
    assert moved.status == 302 and not moved.is_plain


@pytest.mark.parametrize(
    ("path", "raw", "complaint"),
    [
        ("a", {}, "starts with /"),
        ("/a?x=1", {}, "no query"),
        ("/a", {"colour": "red"}, "unknown keys"),
        ("/a", {"body": "x", "file": "y"}, "exclusive"),
        ("/a", {"file": "missing.xml"}, "file"),
        ("/a", {"schemes": ["gopher"]}, "schemes"),
        ("/a", {"redirect": "https://b.test/", "status": 200}, "a redirect needs"),
        ("/a", {"status": 99}, "status"),
        ("/a", {"repeat": 0}, "repeat"),
        ("/a", {"stall_after": -1}, "stall_after"),
        ("/a", {"headers": {"X": "a\r\nb"}}, "CR, LF"),
    ],
)
def test_malformed_documents_are_refused_with_the_field_named(
    tmp_path: Path, path: str, raw: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ScenarioError, match=complaint):
        web.parse_document(path, raw, tmp_path, "hosts.h.web")


def test_the_ispdb_entry_for_provider_test_names_the_providers_own_servers() -> None:
    import defusedxml.ElementTree as safe_xml

    def servers(body: bytes) -> list[tuple[str | None, ...]]:
        root = safe_xml.fromstring(body, forbid_dtd=True)
        return [
            (item.tag, item.get("type"), *(item.findtext(f) for f in ("hostname", "port")))
            for item in root.iter()
            if item.tag in ("incomingServer", "outgoingServer")
        ]

    entry = document("ispdb.test", "/v1.1/provider.test")
    assert servers(entry.body) == servers(document("autoconfig.provider.test").body)


def test_every_scenario_web_table_parses() -> None:
    sites = [web.parse_site(h) for s in scenario.load_all() for h in s.hosts]
    assert sum(len(site.documents) for site in sites) >= 20


def test_a_request_head_parses_with_its_query_apart() -> None:
    request = web.parse_request(b"GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: h.test\r\nConnection: close")
    assert (request.method, request.path, request.query) == ("GET", "/a/b", "x=1&y=2")
    assert request.header("host") == "h.test" and not request.keep_alive
    for bad in (b"GET /\r\n", b"GET / HTTP/2\r\n", b"GET / HTTP/1.1\r\nNo colon here"):
        with pytest.raises(BadRequest):
            web.parse_request(bad)


def test_a_repeated_body_is_streamed_in_blocks_of_the_right_total() -> None:
    doc = Document(path="/", body=b"x" * 1000, repeat=1000)
    pieces = list(web.body_pieces(doc))
    assert sum(map(len, pieces)) == 1_000_000 and max(map(len, pieces)) <= web.BLOCK


# --- against the running lab -----------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(lab: LabInfo) -> ssl.SSLContext:
    return clients.tls_context(lab.ca_file)


def get(
    context: ssl.SSLContext,
    name: str,
    path: str = CONFIG,
    *,
    method: str = "GET",
    scheme: str = "https",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    connection = clients.http_connection(context, name, host(name).address, scheme)
    try:
        connection.request(method, path, body=body, headers={"Host": name, **(headers or {})})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_a_plain_document_is_served_and_its_query_is_recorded(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    name = "autoconfig.hostile-mail.test"
    marker = secrets.token_hex(8)
    response, body = get(tls, name, f"{CONFIG}?emailaddress={marker}%40hostile-web.test")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/xml"
    assert body == document(name).payload
    requests = [
        cast(dict[str, str], note["request"])
        for rec in canary.recordings(Path(lab.fact("pyservers", "recordings_dir")))
        for note in rec.notes
        if "request" in note and marker in str(note["request"])
    ]
    assert len(requests) == 1
    assert requests[0]["path"] == CONFIG
    assert requests[0]["query"] == f"emailaddress={marker}%40hostile-web.test"


def test_unknown_paths_are_404_and_other_methods_405(tls: ssl.SSLContext) -> None:
    assert get(tls, "autoconfig.hostile-mail.test", "/nothing/here")[0].status == 404
    response, _ = get(tls, "autoconfig.hostile-mail.test", method="DELETE")
    assert response.status == 405 and response.getheader("Allow") == "GET"


def test_a_kept_alive_connection_serves_several_requests(tls: ssl.SSLContext) -> None:
    name = "autoconfig.hostile-mail.test"
    connection = clients.http_connection(tls, name, host(name).address)
    try:
        for _ in range(3):
            connection.request("GET", CONFIG, headers={"Host": name})
            response = connection.getresponse()
            assert response.status == 200 and response.read() == document(name).payload
    finally:
        connection.close()


def test_a_redirect_leaves_the_domain(tls: ssl.SSLContext) -> None:
    response, _ = get(tls, "autoconfig.hostile-web.test")
    assert response.status == 302
    target = "https://autoconfig.hostile-mail.test/mail/config-v1.1.xml"
    assert response.getheader("Location") == target
    assert get(tls, "autoconfig.hostile-mail.test")[0].status == 200  # and the target is real


def test_a_redirect_goes_from_https_down_to_plain_http(tls: ssl.SSLContext) -> None:
    response, _ = get(tls, "downgrade.hostile-web.test")
    location = response.getheader("Location") or ""
    assert response.status == 301
    assert location == "http://downgrade.hostile-web.test/plain/config-v1.1.xml"
    path = location.removeprefix("http://downgrade.hostile-web.test")
    plain, body = get(tls, "downgrade.hostile-web.test", path, scheme="http")
    assert plain.status == 200 and b"<socketType>plain</socketType>" in body
    assert get(tls, "downgrade.hostile-web.test", path)[0].status == 404  # not over HTTPS


def test_redirects_loop(tls: ssl.SSLContext) -> None:
    seen, path = [], CONFIG
    for _ in range(4):
        response, _ = get(tls, "loop.hostile-web.test", path)
        assert response.status in (307, 308)
        location = response.getheader("Location") or ""
        path = location.removeprefix("https://loop.hostile-web.test")
        seen.append(path)
    assert seen == ["/loop/again", CONFIG, "/loop/again", CONFIG]


def test_an_oversized_body_is_sent_whole_with_a_true_length(tls: ssl.SSLContext) -> None:
    response, body = get(tls, "big.hostile-web.test")
    assert response.status == 200
    assert int(response.getheader("Content-Length") or 0) == len(body) == 1024 * 1024
    assert body == document("big.hostile-web.test").payload


def test_an_oversized_chunked_body_has_no_length_to_trust(tls: ssl.SSLContext) -> None:
    response, body = get(tls, "chunked.hostile-web.test")
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Length") is None
    assert len(body) == 1024 * 1024


def test_a_body_stalls_after_its_first_bytes(tls: ssl.SSLContext) -> None:
    name = "stall-body.hostile-web.test"
    with clients.tls_connect(tls, name, host(name).address, 443) as sock:
        sock.sendall(f"GET {CONFIG} HTTP/1.1\r\nHost: {name}\r\n\r\n".encode())
        received, closed = clients.read_for(sock, STALL_SECONDS)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and not closed
    assert f"Content-Length: {document(name).size}".encode() in head
    assert len(body) == 100 < document(name).size


def test_headers_never_come(tls: ssl.SSLContext) -> None:
    name = "stall-headers.hostile-web.test"
    with clients.tls_connect(tls, name, host(name).address, 443) as sock:
        sock.sendall(f"GET {CONFIG} HTTP/1.1\r\nHost: {name}\r\n\r\n".encode())
        assert clients.read_for(sock, STALL_SECONDS) == (b"", False)


def test_a_length_that_lies_leaves_the_body_short(tls: ssl.SSLContext) -> None:
    with pytest.raises(http.client.IncompleteRead) as caught:
        get(tls, "lie.hostile-web.test")
    assert caught.value.partial == document("lie.hostile-web.test").body
    assert caught.value.expected == 100000 - len(caught.value.partial)


def test_a_document_comes_with_the_wrong_content_type(tls: ssl.SSLContext) -> None:
    response, body = get(tls, "wrong-type.hostile-web.test")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert body.startswith(b"<!DOCTYPE html>")


def test_xml_bomb_and_external_entity_arrive_as_written(tls: ssl.SSLContext) -> None:
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DTDForbidden, EntitiesForbidden

    _, bomb = get(tls, "bomb.hostile-web.test")
    assert b'<!ENTITY lol9 "&lol8;' in bomb
    _, xxe = get(tls, "xxe.hostile-web.test")
    assert b'<!ENTITY leak SYSTEM "file:///etc/passwd">' in xxe
    for body in (bomb, xxe):  # what mailhop's parser must do with them
        with pytest.raises((DTDForbidden, EntitiesForbidden)):
            safe_xml.fromstring(body, forbid_dtd=True)


def test_an_autoconfig_served_over_plain_http_only(tls: ssl.SSLContext) -> None:
    name = "plain.hostile-web.test"
    response, body = get(tls, name, scheme="http")
    assert response.status == 200 and body == document(name).payload
    with pytest.raises(ConnectionRefusedError):
        get(tls, name)  # nothing listens on 443


def test_autodiscover_asks_for_basic_credentials_and_records_the_post(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    name = "autodiscover.hostile-web.test"
    marker = secrets.token_hex(8).encode()
    request = b"<Autodiscover><Request><EMailAddress>" + marker + b"</EMailAddress></Request>"
    response, _ = get(tls, name, "/autodiscover/autodiscover.xml", method="POST", body=request)
    assert response.status == 401
    assert response.getheader("WWW-Authenticate") == 'Basic realm="autodiscover"'
    seen = canary.sightings(Path(lab.fact("pyservers", "recordings_dir")), marker)
    assert [(s.host, s.port, s.phase) for s in seen] == [(name, 443, "tls")]


def test_a_suffix_level_trap_records_every_request_it_gets(
    lab: LabInfo, tls: ssl.SSLContext
) -> None:
    recordings = Path(lab.fact("pyservers", "recordings_dir"))
    since = time.time()
    marker = secrets.token_hex(8)
    response, body = get(tls, "autoconfig.test", f"{CONFIG}?marker={marker}", scheme="http")
    assert response.status == 200 and b"imap.attacker.test" in body  # a buggy client would use it
    (request,) = canary.requests_to(recordings, "autoconfig.test", since)
    assert (request["scheme"], request["path"]) == ("http", CONFIG)
    assert request["query"] == f"marker={marker}"
    # Names below autodiscover.test (a wildcard) lead to the same trap, certificate aside.
    below = "autodiscover.autodiscover.test"
    with pytest.raises(ssl.SSLCertVerificationError):
        clients.tls_connect(tls, below, host("autodiscover.test").address, 443)
    assert len(canary.connections_to(recordings, "autodiscover.test", since)) == 1
    assert canary.requests_to(recordings, "autodiscover.test", since) == []
    assert canary.connections_to(recordings, "autoconfig.test", time.time() + 60) == []
