"""The hostile POP3 server's dialogue (RFC 1939, STLS from RFC 2595, AUTH from RFC 5034).

See dialogues.py for the steps and knobs. USER/PASS work only while USER is among the
capabilities shown, AUTH PLAIN only while "SASL PLAIN" is: by default both after TLS only.
"""

from __future__ import annotations

from collections.abc import Mapping

from .dialogues import Behaviour, Dialogue, Halt, Send, Step, sasl_plain


class Pop3Dialogue(Dialogue):
    default_before = ("TOP", "UIDL", "RESP-CODES", "PIPELINING", "STLS")
    default_after = ("TOP", "UIDL", "RESP-CODES", "PIPELINING", "USER", "SASL PLAIN")
    starttls_capability = "STLS"

    def __init__(self, behaviour: Behaviour, accounts: Mapping[str, str]) -> None:
        super().__init__(behaviour, accounts)
        self._pending_user: bytes | None = None  # from USER, waiting for PASS

    def default_greeting(self) -> bytes:
        return b"+OK mailhop lab hostile POP3 ready\r\n"

    def flood_line(self, point: str) -> bytes:
        return b"+OK mailhop lab flood\r\n"

    def command(self, line: bytes) -> list[Step]:
        name, _, rest = line.rstrip(b"\r\n").partition(b" ")
        name = name.upper()
        if name == b"CAPA":
            if not self.capabilities():  # hidden: as a server without CAPA answers
                return self.halt("capabilities") or [Send(b"-ERR unknown command\r\n")]
            listing = "".join(f"{cap}\r\n" for cap in self.capabilities())
            reply = f"+OK Capability list follows\r\n{listing}.\r\n".encode()
            return self.halt("capabilities") or [Send(reply)]
        if name == b"STLS":
            return self.starttls(_stls_reply)
        if name in (b"USER", b"PASS", b"AUTH"):
            return self._login(name, rest)
        if name == b"QUIT":
            return [Send(b"+OK bye\r\n"), Halt("close", "logout")]
        if name in (b"NOOP", b"RSET"):
            return [Send(b"+OK\r\n")]
        if name in (b"STAT", b"LIST", b"UIDL", b"RETR", b"TOP", b"DELE"):
            if self.user is None:
                return [Send(b"-ERR not logged in\r\n")]
            return [Send(b"+OK 0 0\r\n" if name == b"STAT" else b"+OK\r\n.\r\n")]
        return [Send(b"-ERR unknown command\r\n")]

    def _login(self, name: bytes, rest: bytes) -> list[Step]:
        if self.user is not None:
            return [Send(b"-ERR already logged in\r\n")]
        caps = self.capabilities()
        if name == b"USER":
            if "USER" not in caps:
                return [Send(b"-ERR [SYS/PERM] USER is disabled before TLS\r\n")]
            self._pending_user = rest
            return [Send(b"+OK send PASS\r\n")]
        if name == b"AUTH" and not rest:
            return [Send(b"+OK\r\nPLAIN\r\n.\r\n")]
        if halted := self.halt("login"):
            return halted
        if name == b"PASS":
            user, self._pending_user = self._pending_user, None
            if user is None:
                return [Send(b"-ERR USER first\r\n")]
            return self._verdict(self.check(user, rest))
        mechanism, _, initial = rest.partition(b" ")
        if mechanism.upper() != b"PLAIN" or "SASL PLAIN" not in caps:
            return [Send(b"-ERR unsupported authentication mechanism\r\n")]

        def answer(encoded: bytes) -> list[Step]:
            if encoded.strip() == b"*":
                return [Send(b"-ERR authentication cancelled\r\n")]
            pair = sasl_plain(encoded)
            return self._verdict(pair is not None and self.check(*pair))

        if initial:
            return answer(initial)
        self._expect = answer
        return [Send(b"+ \r\n")]

    def _verdict(self, ok: bool) -> list[Step]:
        return [Send(b"+OK logged in\r\n" if ok else b"-ERR [AUTH] Authentication failed\r\n")]


def _stls_reply(word: str) -> tuple[bytes, bool]:
    if word == "OK":
        return b"+OK Begin TLS negotiation\r\n", True
    return b"-ERR STLS refused\r\n", False
