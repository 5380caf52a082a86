"""The hostile SMTP server's dialogue (RFC 5321, STARTTLS from RFC 3207, AUTH from RFC 4954).

See dialogues.py for the steps and knobs. AUTH works only while an "AUTH ..." line among the
EHLO capabilities names the mechanism (PLAIN or LOGIN): by default after TLS only. Mail is
accepted and thrown away. `starttls_reply` is "OK" or a reply code ("454", "502", ...).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from mailhop.core.demo.dialogues import decode_b64

from .dialogues import Dialogue, Halt, Send, Step, sasl_plain

MAX_MESSAGE = 1024 * 1024
STARTTLS_REPLIES = {
    "OK": "220 2.0.0 Ready to start TLS",
    "220": "220 2.0.0 Ready to start TLS",
    "454": "454 4.7.0 TLS not available due to temporary reason",
    "502": "502 5.5.1 Command not implemented",
    "BAD": "502 5.5.1 Command not implemented",  # STARTTLS not offered
}


class SmtpDialogue(Dialogue):
    default_before = (
        "PIPELINING",
        "SIZE 10240000",
        "8BITMIME",
        "ENHANCEDSTATUSCODES",
        "STARTTLS",
    )
    default_after = (
        "PIPELINING",
        "SIZE 10240000",
        "8BITMIME",
        "ENHANCEDSTATUSCODES",
        "AUTH PLAIN LOGIN",
    )
    starttls_capability = "STARTTLS"

    def default_greeting(self) -> bytes:
        return f"220 {self.behaviour.host} ESMTP mailhop lab hostile\r\n".encode()

    def flood_line(self, point: str) -> bytes:
        # Before the greeting (implicit TLS: right after the handshake) it looks like one.
        implicit = self.behaviour.tls == "implicit"
        greeting = point == "greeting" or (point == "after_tls" and implicit)
        return b"220-mailhop lab flood\r\n" if greeting else b"250-mailhop lab flood\r\n"

    def command(self, line: bytes) -> list[Step]:
        name, _, rest = line.rstrip(b"\r\n").partition(b" ")
        name = name.upper()
        host = self.behaviour.host
        if name == b"EHLO":
            if self.tls and self.behaviour.hide_capabilities_after:
                refusal = b"502 5.5.2 Error: command not recognized\r\n"
                return self.halt("capabilities") or [Send(refusal)]
            caps = [host, *self.capabilities()]
            lines = [f"250{'-' if i < len(caps) - 1 else ' '}{c}\r\n" for i, c in enumerate(caps)]
            return self.halt("capabilities") or [Send("".join(lines).encode())]
        if name == b"HELO":
            return [Send(f"250 {host}\r\n".encode())]
        if name == b"STARTTLS":
            return self.starttls(_starttls_reply)
        if name == b"AUTH":
            return self._auth(rest)
        if name in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            return [Send(b"250 2.0.0 Ok\r\n")]
        if name == b"DATA":
            self._expect = self._data(0)
            return [Send(b"354 End data with <CR><LF>.<CR><LF>\r\n")]
        if name == b"QUIT":
            return [Send(b"221 2.0.0 Bye\r\n"), Halt("close", "logout")]
        return [Send(b"502 5.5.2 Error: command not recognized\r\n")]

    def _data(self, size: int) -> Callable[[bytes], list[Step]]:
        """The handler for message lines, until the lone dot (size so far, to cap it)."""

        def more(line: bytes) -> list[Step]:
            if line == b".\r\n":
                return [Send(b"250 2.0.0 Ok: queued\r\n")]
            if size + len(line) > MAX_MESSAGE:
                return [Send(b"552 5.3.4 Message too big\r\n"), Halt("close", "data")]
            self._expect = self._data(size + len(line))
            return []

        return more

    def _mechanisms(self) -> set[str]:
        return {
            mechanism.upper()
            for cap in self.capabilities()
            if cap.upper().startswith("AUTH ")
            for mechanism in cap.split()[1:]
        }

    def _auth(self, rest: bytes) -> list[Step]:
        mechanism, _, initial = rest.partition(b" ")
        mechanism = mechanism.upper()
        if self.user is not None:
            return [Send(b"503 5.5.1 Already authenticated\r\n")]
        if mechanism.decode("latin-1") not in self._mechanisms():
            if not self.tls:
                return [Send(b"530 5.7.0 Must issue a STARTTLS command first\r\n")]
            return [Send(b"504 5.5.4 Unrecognized authentication type\r\n")]
        if halted := self.halt("login"):
            return halted
        if mechanism == b"PLAIN":
            if initial:
                return self._plain(initial)
            self._expect = self._plain
            return [Send(b"334 \r\n")]
        if initial:
            return self._login_user(initial)
        self._expect = self._login_user
        return [Send(b"334 " + base64.b64encode(b"Username:") + b"\r\n")]

    def _plain(self, encoded: bytes) -> list[Step]:
        if encoded.strip() == b"*":
            return [Send(b"501 5.0.0 Authentication cancelled\r\n")]
        pair = sasl_plain(b"" if encoded.strip() == b"=" else encoded)
        return self._verdict(pair is not None and self.check(*pair))

    def _login_user(self, encoded: bytes) -> list[Step]:
        user = decode_b64(encoded)
        if user is None:
            return [Send(b"501 5.5.2 Cannot decode response\r\n")]

        def password(encoded: bytes) -> list[Step]:
            secret = decode_b64(encoded)
            return self._verdict(secret is not None and self.check(user, secret))

        self._expect = password
        return [Send(b"334 " + base64.b64encode(b"Password:") + b"\r\n")]

    def _verdict(self, ok: bool) -> list[Step]:
        if ok:
            return [Send(b"235 2.7.0 Authentication successful\r\n")]
        return [Send(b"535 5.7.8 Authentication credentials invalid\r\n")]


def _starttls_reply(word: str) -> tuple[bytes, bool]:
    text = STARTTLS_REPLIES.get(word, f"{word} STARTTLS refused")
    return f"{text}\r\n".encode(), text.startswith("220")
