"""The lab's web hosts: each scenario host's `web` table, parsed and served over HTTP/1.1.

mailhop fetches autoconfig, .well-known, PACC, MTA-STS and Autodiscover documents; the lab
serves them from the scenario files, including the hostile ones (redirects out of the
domain or down to plain HTTP, bodies too large or too slow, wrong types, XML bombs), so
every fetch rule of DESIGN.md section 4 (rule 6) meets a real server.

    [hosts."autoconfig.a.test".web."/mail/config-v1.1.xml"]
    content_type = "text/xml"       # default text/plain
    body = "..."                    # or file = "bodies/x.xml" (relative to the scenarios folder)
    published = true                # or: the body a test put in WORKDIR/published/HOST/PATH
                                    # (publish.py), read at each request; 404 while absent
    schemes = ["https"]             # add "http" to serve it on port 80 too
    methods = ["GET"]               # e.g. ["POST", "GET"] for Autodiscover
    status = 200
    headers = { "WWW-Authenticate" = 'Basic realm="x"' }   # extra response headers
    # hostile knobs
    redirect = "https://elsewhere.test/..."  # Location; status 301/302 (default)/303/307/308
    repeat = 1024                   # the body sent N times (a 1 MiB body from 1 KiB)
    chunked = true                  # Transfer-Encoding: chunked, no Content-Length
    stall_after = 100               # send this many body bytes, then nothing, ever
    stall_headers = true            # read the request, never answer
    content_length_lie = 100000     # announce this length whatever the body is; close after it

A path matches without its query string (which is recorded with the request, as is the
body). Unknown paths answer 404, other methods 405. Port 443 (TLS, the host's certificate)
listens if any document has "https", port 80 if any has "http".
"""

from __future__ import annotations

import asyncio
import http
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .recording import Connection, Handler
from .scenario import SCENARIO_DIR, Host, ScenarioError

SCHEMES = {"https": 443, "http": 80}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
KNOWN_KEYS = {
    "content_type",
    "body",
    "file",
    "schemes",
    "methods",
    "status",
    "headers",
    "redirect",
    "repeat",
    "chunked",
    "stall_after",
    "stall_headers",
    "content_length_lie",
    "published",
}

MAX_HEAD = 16 * 1024
MAX_REQUEST_BODY = 1024 * 1024
IDLE_TIMEOUT = 30.0  # for the next request on a kept-alive connection, or a slow body
BLOCK = 64 * 1024  # bytes per write when a body is repeated


@dataclass(frozen=True, slots=True)
class Document:
    path: str
    content_type: str = "text/plain"
    body: bytes = b""  # one copy; `repeat` copies go on the wire
    repeat: int = 1
    schemes: frozenset[str] = frozenset({"https"})
    methods: frozenset[str] = frozenset({"GET"})
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    redirect: str | None = None
    chunked: bool = False
    stall_after: int | None = None
    stall_headers: bool = False
    content_length_lie: int | None = None
    published: Path | None = None  # the body is this file, read at each request

    @property
    def size(self) -> int:
        return len(self.body) * self.repeat

    @property
    def payload(self) -> bytes:
        """The whole body as sent (built only for tests; the server streams it)."""
        return self.body * self.repeat

    @property
    def is_plain(self) -> bool:
        """Served as is: 200, its body, no hostile knob. What a conformance test can check."""
        return (
            self.status == 200
            and self.repeat == 1
            and self.redirect is None
            and not self.chunked
            and self.stall_after is None
            and not self.stall_headers
            and self.content_length_lie is None
            and self.published is None  # a test's to fill (publish.py), absent until then
        )


@dataclass(frozen=True, slots=True)
class Site:
    host: str
    documents: tuple[Document, ...]

    def find(self, path: str, scheme: str) -> Document | None:
        for document in self.documents:
            if document.path == path and scheme in document.schemes:
                return document
        return None

    @property
    def ports(self) -> dict[str, int]:
        """Scheme -> port, for the schemes some document uses."""
        used = {scheme for document in self.documents for scheme in document.schemes}
        return {scheme: port for scheme, port in SCHEMES.items() if scheme in used}


def parse_site(host: Host, base: Path = SCENARIO_DIR, published: Path | None = None) -> Site:
    """A host's `web` table as a Site; a malformed entry is a ScenarioError naming the field.

    `published` is the folder of documents tests publish (WORKDIR/published); without it a
    `published = true` document has no body to serve and answers 404.
    """
    folder = None if published is None else published / host.name
    documents = tuple(
        parse_document(path, raw, base, f"hosts.{host.name}.web.{path}", folder)
        for path, raw in host.web.items()
    )
    return Site(host.name, documents)


def parse_document(
    path: str, raw: Mapping[str, Any], base: Path, where: str, published: Path | None = None
) -> Document:
    if not path.startswith("/") or "?" in path or any(c.isspace() for c in path):
        raise ScenarioError(f"{where}: a path starts with / and has no query or spaces")
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
    if sum(key in raw for key in ("body", "file", "published")) > 1:
        raise ScenarioError(f"{where}: body, file and published are exclusive")
    body = str(raw.get("body", "")).encode()
    if "file" in raw:
        try:
            body = (base / str(raw["file"])).read_bytes()
        except OSError as exc:
            raise ScenarioError(f"{where}.file: {exc}") from exc
    schemes = frozenset(_strings(raw, "schemes", ["https"], where))
    if not schemes or not schemes <= set(SCHEMES):
        raise ScenarioError(f"{where}.schemes: choose from {sorted(SCHEMES)}")
    methods = frozenset(m.upper() for m in _strings(raw, "methods", ["GET"], where))
    redirect = raw.get("redirect")
    status = _int(raw, "status", 302 if redirect else 200, where, 100, 599)
    if redirect is not None and status not in REDIRECT_STATUSES:
        raise ScenarioError(f"{where}.status: a redirect needs one of {REDIRECT_STATUSES}")
    headers = raw.get("headers", {})
    if not isinstance(headers, dict):
        raise ScenarioError(f"{where}.headers: a table of name = value")
    for name, value in headers.items():
        if any(c in f"{name}{value}" for c in "\r\n\0"):
            raise ScenarioError(f"{where}.headers.{name}: CR, LF and NUL are not allowed")
    return Document(
        path=path,
        content_type=str(raw.get("content_type", "text/plain")),
        body=body,
        repeat=_int(raw, "repeat", 1, where, 1, 1 << 20),
        schemes=schemes,
        methods=methods,
        status=status,
        headers=tuple((str(k), str(v)) for k, v in headers.items()),
        redirect=None if redirect is None else str(redirect),
        chunked=bool(raw.get("chunked", False)),
        stall_after=_optional_int(raw, "stall_after", where),
        stall_headers=bool(raw.get("stall_headers", False)),
        content_length_lie=_optional_int(raw, "content_length_lie", where),
        published=_published_file(raw, path, published),
    )


def _published_file(raw: Mapping[str, Any], path: str, folder: Path | None) -> Path | None:
    if not raw.get("published", False):
        return None
    # Parsed without the lab's folder (a test reading the scenario): a path that never exists,
    # so the document is what a fresh lab serves, a 404.
    return (folder or Path("/nonexistent-published")) / path.lstrip("/")


def _strings(raw: Mapping[str, Any], key: str, default: list[str], where: str) -> list[str]:
    value = raw.get(key, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{where}.{key}: a list of strings")
    return value


def _int(raw: Mapping[str, Any], key: str, default: int, where: str, low: int, high: int) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ScenarioError(f"{where}.{key}: an integer from {low} to {high}")
    return value


def _optional_int(raw: Mapping[str, Any], key: str, where: str) -> int | None:
    return None if key not in raw else _int(raw, key, 0, where, 0, 1 << 40)


# ---------------------------------------------------------------------------------------------
# Requests: parsed from bytes without I/O, then served by one small async loop.


class BadRequest(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str
    path: str
    query: str
    version: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def keep_alive(self) -> bool:
        connection = (self.header("Connection") or "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


def parse_request(head: bytes) -> Request:
    """The request line and headers (RFC 9112 section 3 and 5), up to the blank line."""
    try:
        text = head.decode("latin-1")
        line, *fields = text.split("\r\n")
        method, target, version = line.split(" ")
    except ValueError as exc:
        raise BadRequest("malformed request line") from exc
    if version not in ("HTTP/1.0", "HTTP/1.1") or not method.isalpha():
        raise BadRequest(f"unsupported request line {line!r}")
    headers = []
    for field in fields:
        if not field:
            continue
        name, colon, value = field.partition(":")
        if not colon or not name or name != name.strip():
            raise BadRequest(f"malformed header {field!r}")
        headers.append((name, value.strip()))
    path, _, query = target.partition("?")
    return Request(method, target, path, query, version, tuple(headers))


def response_head(status: int, headers: list[tuple[str, str]]) -> bytes:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Status"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def body_pieces(document: Document) -> Iterator[bytes]:
    """The body in writes of about BLOCK bytes, without building a 10 MB string."""
    if not document.body:
        return
    per_block = max(1, BLOCK // len(document.body))
    whole, rest = divmod(document.repeat, per_block)
    block = document.body * min(per_block, document.repeat)
    for _ in range(whole):
        yield block
    if rest:
        yield document.body * rest


def serve(site: Site, scheme: str) -> Handler:
    """The connection handler for one site on one scheme."""

    async def handle(connection: Connection) -> None:
        while await _one_exchange(connection, site, scheme):
            pass

    return handle


async def _one_exchange(connection: Connection, site: Site, scheme: str) -> bool:
    """Read a request and answer it; True to keep the connection for another."""
    reader = connection.reader
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_TIMEOUT)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
        return False
    if len(head) > MAX_HEAD:
        await _answer(connection, 431, b"request head too large\n", keep=False)
        return False
    try:
        request = parse_request(head[:-4])
        length = int(request.header("Content-Length") or 0)
        if request.header("Transfer-Encoding") or not 0 <= length <= MAX_REQUEST_BODY:
            raise BadRequest("only bodies with a Content-Length up to 1 MiB")
    except (BadRequest, ValueError) as exc:
        connection.record.note(bad_request=str(exc))
        await _answer(connection, 400, f"{exc}\n".encode(), keep=False)
        return False
    body = await asyncio.wait_for(reader.readexactly(length), IDLE_TIMEOUT) if length else b""
    connection.record.note(
        request={
            "scheme": scheme,
            "method": request.method,
            "target": request.target,
            "path": request.path,
            "query": request.query,
            "headers": [list(h) for h in request.headers],
            "body_bytes": len(body),
        }
    )
    document = _with_published_body(site.find(request.path, scheme))
    keep = request.keep_alive
    if document is None:
        await _answer(connection, 404, b"not found\n", keep)
        return keep
    if request.method not in document.methods:
        allow = ("Allow", ", ".join(sorted(document.methods)))
        await _answer(connection, 405, b"method not allowed\n", keep, [allow])
        return keep
    return await _send_document(connection, document, keep)


def _with_published_body(document: Document | None) -> Document | None:
    """A published document with the body a test put in place; None (404) while there is none."""
    if document is None or document.published is None:
        return document
    try:
        return replace(document, body=document.published.read_bytes())
    except OSError:
        return None


async def _answer(
    connection: Connection,
    status: int,
    body: bytes,
    keep: bool,
    extra: list[tuple[str, str]] | None = None,
) -> None:
    headers = [
        ("Content-Type", "text/plain"),
        ("Content-Length", str(len(body))),
        ("Connection", "keep-alive" if keep else "close"),
        *(extra or []),
    ]
    await connection.send(response_head(status, headers) + body)


async def _send_document(connection: Connection, document: Document, keep: bool) -> bool:
    if document.stall_headers:
        await connection.swallow()
        return False
    hostile = document.stall_after is not None or document.content_length_lie is not None
    keep = keep and not hostile
    headers = [("Content-Type", document.content_type)]
    if document.redirect is not None:
        headers.append(("Location", document.redirect))
    if document.chunked:
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        length = document.content_length_lie
        headers.append(("Content-Length", str(document.size if length is None else length)))
    headers += [*document.headers, ("Connection", "keep-alive" if keep else "close")]
    await connection.send(response_head(document.status, headers))
    budget = document.stall_after
    for piece in body_pieces(document):
        if budget is not None:
            piece = piece[:budget]
            budget -= len(piece)
        if piece:
            frame = b"%x\r\n%s\r\n" % (len(piece), piece) if document.chunked else piece
            await connection.send(frame)
        if budget == 0:
            break
    if budget is not None:
        await connection.swallow()  # stall: the rest never comes
        return False
    if document.chunked:
        await connection.send(b"0\r\n\r\n")
    return keep
