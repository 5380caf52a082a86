"""The loopback redirect of an OAuth2 sign-in (RFC 8252 section 7.3).

An HTTP listener on 127.0.0.1 and a port the system picks, path /callback. It answers exactly
one request carrying our ``state``; anything else gets a 400 and is ignored, so another local
program cannot end the wait (oauth_flow.py waits on it under the flow's deadline).
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlsplit

from ..common.i18n import _

__all__ = ["CALLBACK", "LoopbackRedirect"]

CALLBACK = "/callback"
MAX_REQUEST = 8192  # the browser's request line and headers on the loopback listener


class LoopbackRedirect:
    """RFC 8252 section 7.3: the one request the browser makes back to mailhop."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._state = ""
        self._uri = ""
        self._answer: asyncio.Future[dict[str, str]] | None = None

    async def __aenter__(self) -> LoopbackRedirect:
        self._answer = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self._uri = f"http://127.0.0.1:{port}{CALLBACK}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def uri(self) -> str:
        """The redirect URI (kept after closing: the token request repeats it)."""
        return self._uri

    def expect(self, state: str) -> None:
        self._state = state

    async def wait(self) -> dict[str, str]:
        assert self._answer is not None
        return await asyncio.shield(self._answer)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            line = head[:MAX_REQUEST].split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _version = line.split(" ", 2)
            parts = urlsplit(target)
            params = dict(parse_qsl(parts.query))
            ours = method == "GET" and parts.path == CALLBACK and params.get("state") == self._state
            if ours and self._answer is not None and not self._answer.done():
                self._answer.set_result(params)
                body = _("You can close this page and return to mailhop.").encode()
                status = "200 OK"
            else:
                body, status = b"not expected\n", "400 Bad Request"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (ValueError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except TimeoutError:
            pass
        finally:
            writer.close()
