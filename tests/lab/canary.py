"""The canary: did a secret reach one of our lab servers, and if so, before or after TLS?

recording.py writes every byte our servers (web.py, hostile.py) receive, one file per
connection, each byte marked "plain" (before TLS) or "tls" (decrypted, after the handshake).
This module reads those files back and looks for a secret in the forms a client sends it in:

    raw          the bytes themselves (IMAP LOGIN, POP3 PASS, a form field)
    imap-quoted  inside an IMAP quoted string, with \\ and " escaped
    percent      URL-encoded (query strings, form bodies)
    base64       inside any base64 text, at each of the three byte alignments: so AUTH PLAIN
                 ("\\0user\\0secret"), AUTH LOGIN and HTTP Basic ("user:secret") are found
                 without knowing the user name

    sightings(recordings_dir, secret)          every place it was seen, as Sighting values
    assert_only_in(recordings_dir, secret, allowed)
                                               fails listing any sighting `allowed` rejects
    recordings(recordings_dir)                 the files, parsed (notes: requests, TLS, SNI)
    connections_to(recordings_dir, host, since=0.0)
                                               the connections one host received (a trap
                                               host, such as autodiscover.test, wants none)
    requests_to(recordings_dir, host, since=0.0)
                                               the HTTP requests one web host received

A test plants a secret that exists nowhere else (secrets.token_urlsafe), drives a client, then
asserts, e.g. `assert_only_in(dir, password, lambda s: s.phase == "tls" and s.host == ...)`.
Only our servers' files (*.jsonl at the top of the folder) are read; Dovecot's and Postfix's
recordings live beside them in their own formats.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .recording import Phase

MIN_BASE64_CORE = 6  # shorter cores would match by chance


@dataclass(frozen=True, slots=True)
class Sighting:
    host: str
    port: int
    phase: Phase  # "plain": sent before TLS (a leak); "tls": inside a TLS session
    connection: str  # HOST-PORT-SEQ, the recording file's name without .jsonl
    form: str  # raw | imap-quoted | percent | base64


@dataclass(frozen=True, slots=True)
class Recording:
    host: str
    port: int
    service: str
    connection: str
    opened: float  # time.time() when the server accepted the connection
    path: Path
    segments: tuple[tuple[Phase, bytes], ...]  # runs of received bytes, one phase each
    notes: tuple[Mapping[str, object], ...]

    def received(self, phase: Phase | None = None) -> bytes:
        """Everything received (in one phase, if given), in order."""
        return b"".join(data for p, data in self.segments if phase in (None, p))


def read(path: Path) -> Recording:
    """One recording file; a last line still being written is skipped."""
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    segments: list[tuple[Phase, bytearray]] = []
    notes: list[Mapping[str, object]] = []
    for line in lines[1:]:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if "note" in item:
            notes.append(item["note"])
            continue
        data = item["data"].encode("latin-1")
        if segments and segments[-1][0] == item["phase"]:
            segments[-1][1].extend(data)
        else:
            segments.append((item["phase"], bytearray(data)))
    return Recording(
        host=header["host"],
        port=header["port"],
        service=header["service"],
        connection=header["connection"],
        opened=header["opened"],
        path=path,
        segments=tuple((phase, bytes(data)) for phase, data in segments),
        notes=tuple(notes),
    )


def recordings(recordings_dir: Path) -> list[Recording]:
    """Every connection our servers received, in the order they were opened."""
    found = [read(path) for path in recordings_dir.glob("*.jsonl")]
    return sorted(found, key=lambda r: int(r.connection.rsplit("-", 1)[1]))


def connections_to(recordings_dir: Path, host: str, since: float = 0.0) -> list[Recording]:
    """The connections `host` (a scenario host name) received, opened at `since` (a time.time()
    taken before the client ran) or later: a lab shared by many tests keeps older ones."""
    return [r for r in recordings(recordings_dir) if r.host == host and r.opened >= since]


def requests_to(recordings_dir: Path, host: str, since: float = 0.0) -> list[Mapping[str, object]]:
    """The HTTP requests `host` received, in order, as web.py notes them: scheme, method,
    target, path, query, headers (name-value pairs) and body_bytes."""
    return [
        request
        for recording in connections_to(recordings_dir, host, since)
        for note in recording.notes
        if isinstance(request := note.get("request"), dict)
    ]


def encodings(secret: bytes | str) -> dict[str, tuple[bytes, ...]]:
    """The byte strings that give the secret away, by form."""
    raw = secret.encode() if isinstance(secret, str) else secret
    forms: dict[str, tuple[bytes, ...]] = {"raw": (raw,)}
    quoted = raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    if quoted != raw:
        forms["imap-quoted"] = (quoted,)
    percent = {urllib.parse.quote(raw, safe="").encode(), urllib.parse.quote_plus(raw).encode()}
    percent.discard(raw)
    if percent:
        forms["percent"] = tuple(sorted(percent))
    forms["base64"] = tuple(core for core in _base64_cores(raw) if len(core) >= MIN_BASE64_CORE)
    return forms


def _base64_cores(raw: bytes) -> Iterator[bytes]:
    """The base64 characters fixed by the secret alone, for each offset it may start at.

    Base64 maps 3 bytes to 4 characters, so in an encoding of "...secret..." the characters
    that depend only on the secret's bits are known once the offset modulo 3 is.
    """
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + raw)
        start = -(-8 * offset // 6)  # first character made of the secret's bits only
        end = 8 * (offset + len(raw)) // 6  # one past the last such character
        yield encoded[start:end]


def sightings(recordings_dir: Path, secret: bytes | str) -> list[Sighting]:
    """Every (connection, phase, form) in which the secret was received."""
    forms = encodings(secret)
    found: list[Sighting] = []
    for recording in recordings(recordings_dir):
        for phase, data in recording.segments:
            for form, needles in forms.items():
                if any(needle in data for needle in needles):
                    sighting = Sighting(
                        recording.host, recording.port, phase, recording.connection, form
                    )
                    if sighting not in found:
                        found.append(sighting)
    return found


def assert_only_in(
    recordings_dir: Path, secret: bytes | str, allowed: Callable[[Sighting], bool]
) -> list[Sighting]:
    """Fail if the secret was seen anywhere `allowed` rejects; returns the allowed sightings."""
    seen = sightings(recordings_dir, secret)
    leaks = [s for s in seen if not allowed(s)]
    if leaks:
        listing = "\n  ".join(f"{s.connection} ({s.phase}, {s.form})" for s in leaks)
        raise AssertionError(f"the canary secret leaked to:\n  {listing}")
    return seen
