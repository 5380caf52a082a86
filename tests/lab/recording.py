"""The one seam where our lab servers get their connections, recording every byte they receive.

web.py and hostile.py never open a socket themselves: `Recorder.listen()` accepts the
connection, writes what arrives to WORKDIR/recordings/HOST-PORT-SEQ.jsonl, and hands the
server a `Connection`. canary.py reads those files back to say where a secret went.

Theory of operation. asyncio hands received bytes to `StreamReader.feed_data()`: plaintext
before TLS, decrypted bytes after `start_tls()` (the TLS layer then sits below the reader).
Recording there catches bytes the server never reads (pipelined commands, a stalled server's
input). Implicit TLS is a handshake at the start of a plain connection: reading is paused from
the moment the connection is made until the handshake takes over, so no ClientHello byte can
land in the reader. The phase turns "tls" just before a handshake starts; bytes a client sent
in plaintext after STARTTLS are recorded as "plain" and then dropped, never read as if they
had come over TLS (the STARTTLS command injection, CVE-2011-0411).

A recording file is JSON lines. The first line describes the connection:

    {"host": "good.hostile-mail.test", "port": 143, "service": "imap",
     "connection": "good.hostile-mail.test-143-000007", "opened": 1732000000.0}

then, in arrival order, received bytes (latin-1 text: lossless, JSON escapes the rest) and
notes on what the server saw (the peer, TLS up or failed, an HTTP request, end of input):

    {"t": 0.0, "note": {"peer": "127.0.0.1:40312"}}
    {"t": 0.0021, "phase": "plain", "data": "a1 STARTTLS\\r\\n"}
    {"t": 0.0043, "note": {"tls": "established", "version": "TLSv1.3", "sni": "..."}}
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, SupportsIndex

Phase = Literal["plain", "tls"]

MAX_RECORDED = 16 * 1024 * 1024  # per connection; a 10 MB upload is not worth keeping twice
HANDSHAKE_TIMEOUT = 10.0
READ_LIMIT = 64 * 1024  # longest line a server reads


class ConnectionRecord:
    """One connection's recording file, appended to (unbuffered) as bytes arrive.

    Unbuffered so that a test which has seen the server's reply also finds, on disk, the
    bytes that caused it.
    """

    def __init__(self, path: Path, header: dict[str, object]) -> None:
        self.path = path
        self.phase: Phase = "plain"
        self._began = time.monotonic()
        self._recorded = 0
        self._fd: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._write(header)

    def data(self, chunk: bytes) -> None:
        if self._recorded >= MAX_RECORDED:
            return
        chunk = chunk[: MAX_RECORDED - self._recorded]
        self._recorded += len(chunk)
        self._write({"t": self._now(), "phase": self.phase, "data": chunk.decode("latin-1")})
        if self._recorded >= MAX_RECORDED:
            self.note(truncated=MAX_RECORDED)

    def note(self, **fields: object) -> None:
        self._write({"t": self._now(), "note": fields})

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _now(self) -> float:
        return round(time.monotonic() - self._began, 4)

    def _write(self, item: dict[str, object]) -> None:
        if self._fd is not None:
            os.write(self._fd, json.dumps(item).encode() + b"\n")


class RecordingReader(asyncio.StreamReader):
    """A StreamReader that records every byte fed to it, before any server code reads it."""

    def __init__(self, record: ConnectionRecord) -> None:
        super().__init__(limit=READ_LIMIT)
        self.record = record
        self._eof_noted = False

    def feed_data(self, data: Iterable[SupportsIndex]) -> None:
        chunk = bytes(data)  # always bytes from a transport; the base class types it loosely
        self.record.data(chunk)
        super().feed_data(chunk)

    def feed_eof(self) -> None:
        if not self._eof_noted:  # asyncio may report it twice (EOF, then connection lost)
            self._eof_noted = True
            self.record.note(eof=True)
        super().feed_eof()

    def discard_buffered(self) -> int:
        """Drop bytes received but not read yet; returns how many (they stay recorded)."""
        # StreamReader has no public way to do this; its buffer is a bytearray.
        buffered: bytearray = self._buffer  # type: ignore[attr-defined]
        count = len(buffered)
        buffered.clear()
        return count


# The SNI each TLS connection asked for, keyed by its SSLObject (the sni_callback sees it first).
_SNI: dict[int, str | None] = {}


def server_context(chain_file: Path, key_file: Path, alpn: tuple[str, ...] = ()) -> ssl.SSLContext:
    """A server-side TLS context presenting one host's chain, noting the SNI clients send."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(chain_file, key_file)
    if alpn:
        context.set_alpn_protocols(list(alpn))

    def remember_sni(sslobj: object, name: str | None, _: ssl.SSLContext) -> None:
        _SNI[id(sslobj)] = name

    context.sni_callback = remember_sni
    return context


@dataclass(slots=True, eq=False)
class Connection:
    """What a server handler gets: the recorded reader, the writer, and the record for notes."""

    reader: RecordingReader
    writer: asyncio.StreamWriter
    record: ConnectionRecord

    @property
    def tls(self) -> bool:
        return self.record.phase == "tls"

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def start_tls(self, context: ssl.SSLContext) -> bool:
        """Run the server side of a handshake; a failure is noted and returns False."""
        await self.writer.drain()
        dropped = self.reader.discard_buffered()
        if dropped:
            self.record.note(dropped_before_tls=dropped)
        self.record.phase = "tls"
        try:
            await self.writer.start_tls(context, ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
        except (OSError, ssl.SSLError, TimeoutError, ConnectionError) as exc:
            self.record.note(tls="failed", reason=str(exc) or type(exc).__name__)
            return False
        sslobj = self.writer.get_extra_info("ssl_object")
        self.record.note(
            tls="established",
            version=sslobj.version() if sslobj else None,
            sni=_SNI.pop(id(sslobj), None),
        )
        return True

    async def swallow(self) -> None:
        """Stall: answer nothing, keep reading (and recording) until the client gives up."""
        while await self.reader.read(READ_LIMIT):
            pass

    def close(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()
        self.record.close()


Handler = Callable[[Connection], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Listener:
    host: str  # the scenario host name: names the recordings
    address: str
    port: int
    service: str  # "https", "http", "imap", "submissions", ...: for the recording's header
    handler: Handler
    implicit_tls: ssl.SSLContext | None = None  # handshake first, before the handler runs


class Recorder:
    """Opens listeners whose every connection is recorded into one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._sequence = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()

    async def listen(self, listener: Listener) -> asyncio.Server:
        loop = asyncio.get_running_loop()

        def make_protocol() -> asyncio.StreamReaderProtocol:
            connection_id = f"{listener.host}-{listener.port}-{next(self._sequence):06d}"
            record = ConnectionRecord(
                self.directory / f"{connection_id}.jsonl",
                {
                    "host": listener.host,
                    "port": listener.port,
                    "service": listener.service,
                    "connection": connection_id,
                    "opened": time.time(),
                },
            )
            reader = RecordingReader(record)
            return _Protocol(reader, self._start(listener, reader), listener.implicit_tls)

        return await loop.create_server(
            make_protocol, listener.address, listener.port, reuse_address=True, backlog=128
        )

    def _start(
        self, listener: Listener, reader: RecordingReader
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], None]:
        def connected(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            peer = writer.get_extra_info("peername")
            reader.record.note(peer=f"{peer[0]}:{peer[1]}" if peer else None)
            task = asyncio.get_running_loop().create_task(
                _serve(listener, Connection(reader, writer, reader.record))
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        return connected

    async def close_connections(self) -> None:
        """Cancel every open connection (at shutdown: stalled ones would wait forever)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class _Protocol(asyncio.StreamReaderProtocol):
    def __init__(
        self,
        reader: RecordingReader,
        connected: Callable[[asyncio.StreamReader, asyncio.StreamWriter], None],
        implicit_tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(reader, connected)
        self._hold_reading = implicit_tls is not None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._hold_reading:  # the ClientHello must reach the TLS layer, not the reader
            transport.pause_reading()  # type: ignore[attr-defined]
        super().connection_made(transport)


async def _serve(listener: Listener, connection: Connection) -> None:
    try:
        if listener.implicit_tls is not None and not await connection.start_tls(
            listener.implicit_tls
        ):
            return
        await listener.handler(connection)
    except (OSError, ssl.SSLError, TimeoutError, asyncio.IncompleteReadError) as exc:
        connection.record.note(error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
