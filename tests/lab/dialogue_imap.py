"""The hostile IMAP server's dialogue (RFC 3501): tagged commands, quoted strings, literals.

See dialogues.py for the steps and knobs. IMAP is the one protocol here whose commands can
span several reads: `{n}` at the end of a line announces n raw bytes (a literal, as some
clients send passwords), which the dialogue asks for through `wants`.

`noise_before_tls` is IMAP's own knob: untagged lines (legal at any time, RFC 3501 section
7) sent after the greeting and before every reply until TLS is up, including the reply to
STARTTLS, so a client must tell its tagged answer from the noise and forget the noise.
A line may carry a literal ("* 1 FETCH (BODY[] {5}\r\nhello)"). `login_untagged` and
`login_reply` are the server's own words at login: untagged lines (an [ALERT], RFC 3501
section 7.1) before the answer, and one fixed answer to every login (a refusal in HTML).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from mailhop.core.demo.dialogues import IMAP_LITERAL, imap_tokens

from .dialogues import MAX_LITERAL, Behaviour, Dialogue, Halt, Send, Step, sasl_plain
from .dialogues import line as as_line


class ImapDialogue(Dialogue):
    default_before = ("IMAP4rev1", "SASL-IR", "ID", "ENABLE", "STARTTLS", "LOGINDISABLED")
    default_after = ("IMAP4rev1", "SASL-IR", "ID", "ENABLE", "AUTH=PLAIN")
    starttls_capability = "STARTTLS"

    def __init__(self, behaviour: Behaviour, accounts: Mapping[str, str]) -> None:
        super().__init__(behaviour, accounts)
        self._texts: list[bytes] = []  # a command split by literals: text, literal, text, ...
        self._literals: list[bytes] = []
        if behaviour.preauth:
            self.user = "(preauth)"

    def default_greeting(self) -> bytes:
        caps = " ".join(self.capabilities())
        code = f"[CAPABILITY {caps}] " if caps else ""
        if self.behaviour.preauth:
            return f"* PREAUTH {code}mailhop lab: logged in already\r\n".encode()
        return f"* OK {code}mailhop lab hostile IMAP ready\r\n".encode()

    def flood_line(self, point: str) -> bytes:
        return b"* OK mailhop lab flood\r\n"

    def greet(self) -> list[Step]:
        return self._noisy(super().greet(), after=True)

    def receive(self, data: bytes) -> list[Step]:
        return self._noisy(self._receive(data), after=False)

    def _noisy(self, steps: list[Step], *, after: bool) -> list[Step]:
        """Noise before TLS: after the greeting, or before a reply."""
        if self.tls or not self.behaviour.noise_before_tls or not steps:
            return steps
        noise = Send(b"".join(as_line(text) for text in self.behaviour.noise_before_tls))
        if after:
            return [steps[0], noise, *steps[1:]] if isinstance(steps[0], Send) else steps
        return [noise, *steps] if isinstance(steps[0], Send) else steps

    def _receive(self, data: bytes) -> list[Step]:
        if self.wants:  # the literal asked for; the command goes on with the next line
            self.wants = 0
            self._literals.append(data)
            return []
        if self._expect is not None:
            return super().receive(data)
        line = data.rstrip(b"\r\n")
        literal = IMAP_LITERAL.search(line)
        if literal:
            size = int(literal[1])
            if size > MAX_LITERAL:
                return [Send(b"* BYE literal too large\r\n"), Halt("close", "literal")]
            self._texts.append(line[: literal.start()])
            self.wants = size
            return [] if literal[2] else [Send(b"+ Ready for literal data\r\n")]
        texts, literals = [*self._texts, line], self._literals
        self._texts, self._literals = [], []
        return self.command_tokens(imap_tokens(texts, literals))

    def command_tokens(self, tokens: list[bytes]) -> list[Step]:
        if len(tokens) < 2:
            return [Send(b"* BAD no command\r\n")]
        tag, name, args = tokens[0].decode("latin-1"), tokens[1].upper(), tokens[2:]
        if name == b"CAPABILITY":
            caps = " ".join(self.capabilities())
            listing = f"* CAPABILITY {caps}\r\n" if caps else ""  # none: hidden after TLS
            reply = f"{listing}{tag} OK CAPABILITY completed\r\n"
            return self.halt("capabilities") or [Send(reply.encode())]
        if name == b"STARTTLS":
            return self.starttls(lambda word: self._starttls_reply(tag, word))
        if name in (b"LOGIN", b"AUTHENTICATE"):
            if halted := self.halt("login"):
                return halted
            if self.user is not None:
                return self._tagged(tag, "BAD already logged in")
            if name == b"LOGIN":
                return self._login(tag, args)
            return self._authenticate(tag, args)
        if name == b"LOGOUT":
            bye = f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n".encode()
            return [Send(bye), Halt("close", "logout")]
        if name in (b"NOOP", b"ENABLE", b"CHECK"):
            return self._tagged(tag, "OK completed")
        if name == b"ID":
            return [Send(f"* ID NIL\r\n{tag} OK ID completed\r\n".encode())]
        if name in (b"SELECT", b"EXAMINE", b"LIST", b"LSUB", b"STATUS", b"CLOSE"):
            if self.user is None:
                return self._tagged(tag, "NO not logged in")
            opened = name in (b"SELECT", b"EXAMINE")
            found = "* FLAGS ()\r\n* 0 EXISTS\r\n* 0 RECENT\r\n" if opened else ""
            return [Send(f"{found}{tag} OK completed\r\n".encode())]
        return self._tagged(tag, "BAD unknown command")

    def _starttls_reply(self, tag: str, word: str) -> tuple[bytes, bool]:
        text = "Begin TLS negotiation now" if word == "OK" else "STARTTLS refused"
        return f"{tag} {word} {text}\r\n".encode(), word == "OK"

    def _tagged(self, tag: str, text: str) -> list[Step]:
        return [Send(f"{tag} {text}\r\n".encode())]

    def _login(self, tag: str, args: list[bytes]) -> list[Step]:
        if "LOGINDISABLED" in self.capabilities():
            return self._tagged(tag, "NO [PRIVACYREQUIRED] LOGIN is disabled before TLS")
        if len(args) != 2:
            return self._tagged(tag, "BAD LOGIN needs a user name and a password")
        return self._verdict(tag, self.check(args[0], args[1]))

    def _authenticate(self, tag: str, args: list[bytes]) -> list[Step]:
        mechanism = args[0].upper().decode("latin-1") if args else ""
        if self.behaviour.oauth_error is not None and mechanism in ("OAUTHBEARER", "XOAUTH2"):
            return self._oauth_refusal(tag, args)
        if not args or args[0].upper() != b"PLAIN" or "AUTH=PLAIN" not in self.capabilities():
            return self._tagged(tag, "NO unsupported authentication mechanism")

        def answer(encoded: bytes) -> list[Step]:
            if encoded.strip() == b"*":
                return self._tagged(tag, "BAD authentication cancelled")
            pair = sasl_plain(encoded)
            return self._verdict(tag, pair is not None and self.check(*pair))

        if len(args) > 1:  # SASL-IR, RFC 4959
            return answer(args[1])
        self._expect = answer
        return [Send(b"+ \r\n")]

    def _oauth_refusal(self, tag: str, args: list[bytes]) -> list[Step]:
        """RFC 7628 section 3.2.2: a JSON challenge, the client's %x01, then NO."""
        error = base64.b64encode((self.behaviour.oauth_error or "").encode()).decode()
        challenge = [Send(f"+ {error}\r\n".encode())]

        def done(_: bytes) -> list[Step]:
            return self._tagged(tag, "NO [AUTHENTICATIONFAILED] Authentication failed.")

        def token(_: bytes) -> list[Step]:
            self._expect = done
            return challenge

        if len(args) > 1:  # the token came with the command (SASL-IR)
            return token(args[1])
        self._expect = token
        return [Send(b"+ \r\n")]

    def _verdict(self, tag: str, ok: bool) -> list[Step]:
        said = b"".join(as_line(text) for text in self.behaviour.login_untagged)
        if self.behaviour.login_reply is not None:  # a refusal, whatever was sent
            self.user = None
            answer = self.behaviour.login_reply
        elif ok:
            answer = "OK [CAPABILITY IMAP4rev1] logged in"
        else:
            answer = "NO [AUTHENTICATIONFAILED] Authentication failed."
        return [Send(said + f"{tag} {answer}\r\n".encode())]
