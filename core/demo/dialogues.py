"""The demo servers' side of IMAP, SMTP and HTTPS, sans-IO: lines in, replies out.

demo_servers.py drives these over asyncio; the lab's hostile servers (tests/lab) parse what
clients send with the same helpers (``imap_tokens``, ``sasl_plain``, ``decode_b64``).

Each dialogue is a well-behaved server of the kind a demanding admin runs (RFC 3501, RFC
5321/3207/4954, RFC 8314): no sign-in before TLS (IMAP LOGINDISABLED, no SMTP AUTH before
STARTTLS), nothing sent after the STARTTLS reply, everything learnt before TLS forgotten after
it. Exactly one account exists: ``accounts`` maps its address to its password, compared in
constant time. A wrong name or password gets the protocol's neutral refusal (IMAP
``NO [AUTHENTICATIONFAILED]``, SMTP ``535 5.7.8``), never a hint which one was wrong.
The mail host never accepts a message: the demo shows account setup, not mail delivery.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = [
    "HttpResponse",
    "ImapDialogue",
    "Reply",
    "SmtpDialogue",
    "decode_b64",
    "http_response",
    "imap_tokens",
    "sasl_plain",
]

IMAP_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\S+)')
IMAP_LITERAL = re.compile(rb"\{(\d+)(\+?)\}$")
MAX_LITERAL = 8 * 1024  # a user name or a password, nothing bigger


@dataclass(frozen=True, slots=True)
class Reply:
    """What the server does next: send `data`, then maybe start TLS or hang up."""

    data: bytes = b""
    start_tls: bool = False
    close: bool = False


def sasl_plain(encoded: bytes) -> tuple[bytes, bytes] | None:
    """RFC 4616: base64 of authzid NUL authcid NUL password -> (authcid, password)."""
    decoded = decode_b64(encoded)
    parts = decoded.split(b"\0") if decoded is not None else []
    return (parts[1], parts[2]) if len(parts) == 3 else None


def decode_b64(encoded: bytes) -> bytes | None:
    try:
        return base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        return None


def imap_tokens(texts: list[bytes], literals: list[bytes]) -> list[bytes]:
    """Atoms and unescaped quoted strings of each text, each literal in its place
    (`texts` are the pieces of one command between its literals)."""
    tokens: list[bytes] = []
    for index, text in enumerate(texts):
        for match in IMAP_TOKEN.finditer(text):
            quoted = match[1]
            tokens.append(re.sub(rb"\\(.)", rb"\1", quoted) if quoted is not None else match[2])
        if index < len(literals):
            tokens.append(literals[index])
    return tokens


class _Accounts:
    def __init__(self, accounts: Mapping[str, str]) -> None:
        self._accounts = {name.encode(): secret.encode() for name, secret in accounts.items()}

    def check(self, user: bytes, password: bytes) -> bool:
        known = self._accounts.get(user)
        # compare_digest even for an unknown name: the time taken says nothing about it
        return hmac.compare_digest(known or b"\0", password) and known is not None


class ImapDialogue:
    """One IMAP connection (RFC 3501). `implicit`: TLS from the first byte (port 993)."""

    BEFORE_TLS = "IMAP4rev1 SASL-IR ID ENABLE STARTTLS LOGINDISABLED"
    AFTER_TLS = "IMAP4rev1 SASL-IR ID ENABLE AUTH=PLAIN"

    def __init__(self, accounts: Mapping[str, str], *, implicit: bool) -> None:
        self._accounts = _Accounts(accounts)
        self.tls = implicit
        self.user: str | None = None
        self.wants = 0  # > 0: the next input is this many raw bytes (a literal)
        self._texts: list[bytes] = []
        self._literals: list[bytes] = []
        self._expect: Callable[[bytes], Reply] | None = None

    @property
    def capabilities(self) -> str:
        return self.AFTER_TLS if self.tls else self.BEFORE_TLS

    def greet(self) -> Reply:
        return Reply(f"* OK [CAPABILITY {self.capabilities}] mailhop demo IMAP ready\r\n".encode())

    def tls_started(self) -> None:
        self.tls = True

    def receive(self, data: bytes) -> Reply:
        if self.wants:  # the literal announced; the command goes on with the next line
            self.wants = 0
            self._literals.append(data)
            return Reply()
        if self._expect is not None:
            handler, self._expect = self._expect, None
            return handler(data.rstrip(b"\r\n"))
        line = data.rstrip(b"\r\n")
        literal = IMAP_LITERAL.search(line)
        if literal:
            size = int(literal[1])
            if size > MAX_LITERAL:
                return Reply(b"* BYE literal too large\r\n", close=True)
            self._texts.append(line[: literal.start()])
            self.wants = size
            return Reply() if literal[2] else Reply(b"+ Ready for literal data\r\n")
        texts, literals = [*self._texts, line], self._literals
        self._texts, self._literals = [], []
        return self._command(imap_tokens(texts, literals))

    def _command(self, tokens: list[bytes]) -> Reply:
        if len(tokens) < 2:
            return Reply(b"* BAD no command\r\n")
        tag, name, args = tokens[0].decode("latin-1"), tokens[1].upper(), tokens[2:]
        if name == b"CAPABILITY":
            return Reply(f"* CAPABILITY {self.capabilities}\r\n{tag} OK done\r\n".encode())
        if name in (b"NOOP", b"CHECK", b"ENABLE"):
            return _tagged(tag, "OK done")
        if name == b"ID":
            return Reply(f'* ID ("name" "mailhop demo")\r\n{tag} OK done\r\n'.encode())
        if name == b"LOGOUT":
            return Reply(f"* BYE see you\r\n{tag} OK LOGOUT done\r\n".encode(), close=True)
        if name == b"STARTTLS":
            if self.tls:
                return _tagged(tag, "BAD TLS is already on")
            return Reply(f"{tag} OK Begin TLS negotiation now\r\n".encode(), start_tls=True)
        if name in (b"LOGIN", b"AUTHENTICATE"):
            if self.user is not None:
                return _tagged(tag, "BAD already signed in")
            if not self.tls:  # RFC 8314 section 3: no credentials before TLS, ever
                return _tagged(tag, "NO [PRIVACYREQUIRED] sign in after STARTTLS")
            return self._login(tag, args) if name == b"LOGIN" else self._authenticate(tag, args)
        if name in (b"SELECT", b"EXAMINE", b"STATUS", b"LIST", b"CLOSE"):
            return self._mailbox(tag, name, args)
        return _tagged(tag, "BAD unknown command")

    def _login(self, tag: str, args: list[bytes]) -> Reply:
        if len(args) != 2:
            return _tagged(tag, "BAD LOGIN needs a user name and a password")
        return self._verdict(tag, args[0], args[1])

    def _authenticate(self, tag: str, args: list[bytes]) -> Reply:
        if not args or args[0].upper() != b"PLAIN":
            return _tagged(tag, "NO unsupported authentication mechanism")

        def answer(encoded: bytes) -> Reply:
            if encoded.strip() == b"*":
                return _tagged(tag, "BAD authentication cancelled")
            pair = sasl_plain(encoded)
            return self._verdict(tag, *pair) if pair else _tagged(tag, "BAD not SASL PLAIN")

        if len(args) > 1:  # SASL-IR, RFC 4959
            return answer(args[1])
        self._expect = answer
        return Reply(b"+ \r\n")

    def _verdict(self, tag: str, user: bytes, password: bytes) -> Reply:
        if not self._accounts.check(user, password):
            return _tagged(tag, "NO [AUTHENTICATIONFAILED] Authentication failed.")
        self.user = user.decode("utf-8", "replace")
        return _tagged(tag, f"OK [CAPABILITY {self.AFTER_TLS}] signed in")

    def _mailbox(self, tag: str, name: bytes, args: list[bytes]) -> Reply:
        if self.user is None:
            return _tagged(tag, "NO sign in first")
        if name in (b"SELECT", b"EXAMINE"):
            if not args or args[0].upper() != b"INBOX":
                return _tagged(tag, "NO [NONEXISTENT] the demo has only INBOX")
            found = "* FLAGS (\\Seen)\r\n* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] ok\r\n"
            mode = "READ-ONLY" if name == b"EXAMINE" else "READ-WRITE"
            return Reply(f"{found}{tag} OK [{mode}] done\r\n".encode())
        if name == b"LIST":
            return Reply(f'* LIST () "/" INBOX\r\n{tag} OK done\r\n'.encode())
        return _tagged(tag, "OK done")


def _tagged(tag: str, text: str) -> Reply:
    return Reply(f"{tag} {text}\r\n".encode())


class SmtpDialogue:
    """One SMTP connection: submission (`submission`, RFC 6409/8314) or relay (port 25)."""

    def __init__(
        self, accounts: Mapping[str, str], host: str, *, implicit: bool, submission: bool
    ) -> None:
        self._accounts = _Accounts(accounts)
        self.host = host
        self.tls = implicit
        self.submission = submission
        self.user: str | None = None
        self.wants = 0  # SMTP never asks for raw bytes; here for the driver's sake
        self._expect: Callable[[bytes], Reply] | None = None

    def greet(self) -> Reply:
        return Reply(f"220 {self.host} ESMTP mailhop demo\r\n".encode())

    def tls_started(self) -> None:
        self.tls = True  # RFC 3207 section 4.2: the client starts again with EHLO

    def capabilities(self) -> list[str]:
        caps = [self.host, "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"]
        if not self.tls:
            return [*caps, "STARTTLS"]
        return [*caps, "AUTH PLAIN LOGIN"] if self.submission else caps

    def receive(self, data: bytes) -> Reply:
        if self._expect is not None:
            handler, self._expect = self._expect, None
            return handler(data.rstrip(b"\r\n"))
        name, _, rest = data.rstrip(b"\r\n").partition(b" ")
        name = name.upper()
        if name == b"EHLO":
            caps = self.capabilities()
            last = len(caps) - 1
            lines = [f"250{'-' if i < last else ' '}{c}\r\n" for i, c in enumerate(caps)]
            return Reply("".join(lines).encode())
        if name == b"HELO":
            return Reply(f"250 {self.host}\r\n".encode())
        if name == b"STARTTLS":
            if self.tls:
                return Reply(b"503 5.5.1 TLS is already on\r\n")
            return Reply(b"220 2.0.0 Ready to start TLS\r\n", start_tls=True)
        if name == b"AUTH":
            return self._auth(rest)
        if name in (b"RSET", b"NOOP"):
            return Reply(b"250 2.0.0 Ok\r\n")
        if name == b"QUIT":
            return Reply(b"221 2.0.0 Bye\r\n", close=True)
        if name in (b"MAIL", b"RCPT", b"DATA"):
            return Reply(b"554 5.7.1 The demo domain shows the setup; it delivers no mail\r\n")
        return Reply(b"502 5.5.2 Command not recognized\r\n")

    def _auth(self, rest: bytes) -> Reply:
        mechanism, _, initial = rest.partition(b" ")
        mechanism = mechanism.upper()
        if not self.tls:
            return Reply(b"530 5.7.0 Must issue a STARTTLS command first\r\n")
        if not self.submission or mechanism not in (b"PLAIN", b"LOGIN"):
            return Reply(b"504 5.5.4 Unrecognized authentication type\r\n")
        if self.user is not None:
            return Reply(b"503 5.5.1 Already authenticated\r\n")
        if mechanism == b"PLAIN":
            if initial:
                return self._plain(initial)
            self._expect = self._plain
            return Reply(b"334 \r\n")
        if initial:
            return self._login_user(initial)
        self._expect = self._login_user
        return Reply(b"334 " + base64.b64encode(b"Username:") + b"\r\n")

    def _plain(self, encoded: bytes) -> Reply:
        if encoded.strip() == b"*":
            return Reply(b"501 5.0.0 Authentication cancelled\r\n")
        pair = sasl_plain(b"" if encoded.strip() == b"=" else encoded)  # "=": empty, RFC 4954
        return self._verdict(*pair) if pair else Reply(b"501 5.5.2 Cannot decode response\r\n")

    def _login_user(self, encoded: bytes) -> Reply:
        user = decode_b64(encoded)
        if user is None:
            return Reply(b"501 5.5.2 Cannot decode response\r\n")

        def password(encoded: bytes) -> Reply:
            secret = decode_b64(encoded)
            if secret is None:
                return Reply(b"501 5.5.2 Cannot decode response\r\n")
            return self._verdict(user, secret)

        self._expect = password
        return Reply(b"334 " + base64.b64encode(b"Password:") + b"\r\n")

    def _verdict(self, user: bytes, password: bytes) -> Reply:
        if not self._accounts.check(user, password):
            return Reply(b"535 5.7.8 Authentication credentials invalid\r\n")
        self.user = user.decode("utf-8", "replace")
        return Reply(b"235 2.7.0 Authentication successful\r\n")


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    content_type: str
    body: bytes


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


def http_response(head: bytes, documents: Mapping[tuple[str, str], HttpResponse]) -> bytes:
    """The whole HTTP/1.1 response to a request `head` (request line and headers).

    `documents` maps (host, path) to what is served there; the query string is ignored
    (autoconfig's ``?emailaddress=``). The connection closes after each response.
    """
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    host = next(
        (v.strip() for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "host"),
        "",
    )
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        found = HttpResponse(400, "text/plain", b"bad request\n")
    elif parts[0] not in ("GET", "HEAD"):
        found = HttpResponse(405, "text/plain", b"only GET here\n")
    else:
        path = parts[1].partition("?")[0]
        name = host.partition(":")[0]  # "autoconfig.<d>:443" -> the name (no IPv6 hosts here)
        missing = HttpResponse(404, "text/plain", b"not found\n")
        found = documents.get((name.lower().rstrip("."), path), missing)
    body = b"" if parts[0] == "HEAD" else found.body
    status = f"HTTP/1.1 {found.status} {_REASONS.get(found.status, 'Error')}\r\n"
    headers = (
        f"Content-Type: {found.content_type}\r\nContent-Length: {len(found.body)}\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
    return (status + headers).encode("latin-1") + body
