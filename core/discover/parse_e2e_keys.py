"""The fingerprint of a published end-to-end key: an OpenPGP key, an S/MIME certificate.

Bytes in, a ``PublishedKey`` out (None for bytes that are no key); no network. What is read:

OpenPGP (RFC 9580; WKD's body and RFC 7929's OPENPGPKEY record are both a transferable
public key, binary): only the first packet, which must be the primary public key (tag 6).
Its fingerprint is the hash of the packet body behind a fixed prefix (section 5.5.4):
    v4   SHA-1   over 0x99, 2-octet length, body
    v6   SHA-256 over 0x9B, 4-octet length, body
v5 (LibrePGP, SHA-256 over 0x9A) is read as GnuPG 2.4 writes it; v3 (MD5) is obsolete and
refused. Nothing else of the key is trusted or shown: the person compares the fingerprint
with the one their correspondent gives them. An ASCII-armored body (some WKD servers send
one, though the draft asks for binary) is read through its base64.

S/MIME (RFC 8162, SMIMEA, with TLSA's fields): a full certificate (selector 0, matching 0)
is named by its SHA-256; a published SHA-256 of the certificate (0 1) is that value itself.
A key-only or SHA-512 record has no certificate fingerprint to show: it is reported as
published, with what it holds.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
from dataclasses import dataclass

from ..common.untrusted import UntrustedDataError, read_certificate

__all__ = ["KeyKind", "PublishedKey", "parse_openpgp_key", "parse_smimea"]

MAX_KEY_BYTES = 64 * 1024  # the fetch cap; a DNS record is far smaller


class KeyKind(enum.StrEnum):
    OPENPGP = "openpgp"
    SMIME = "smime"


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """One published key: its kind, fingerprint (upper-case hex, "" when the record has
    none to give) and what was read, in English for the JSON (``describe``)."""

    kind: KeyKind
    fingerprint: str
    form: str  # "OpenPGP v4", "OpenPGP v6", "certificate", "certificate SHA-256", ...


_PREFIX = {4: (0x99, 2, "sha1"), 5: (0x9A, 4, "sha256"), 6: (0x9B, 4, "sha256")}
_PUBLIC_KEY = 6


def parse_openpgp_key(data: bytes) -> PublishedKey | None:
    """The primary key's fingerprint of a transferable public key (module docstring)."""
    if len(data) > MAX_KEY_BYTES:
        return None
    if data.lstrip().startswith(b"-----BEGIN PGP"):
        data = _dearmor(data) or b""
    packet = _first_packet(data)
    if packet is None:
        return None
    tag, body = packet
    if tag != _PUBLIC_KEY or not body or body[0] not in _PREFIX:
        return None
    version = body[0]
    prefix, width, algorithm = _PREFIX[version]
    if len(body) >= 1 << (8 * width):
        return None
    digest = hashlib.new(algorithm, bytes([prefix]) + len(body).to_bytes(width, "big") + body)
    return PublishedKey(KeyKind.OPENPGP, digest.hexdigest().upper(), f"OpenPGP v{version}")


def _first_packet(data: bytes) -> tuple[int, bytes] | None:
    """(tag, body) of the first packet (RFC 9580 section 4.2); None when malformed."""
    if len(data) < 2 or not data[0] & 0x80:
        return None
    head = data[0]
    if head & 0x40:  # new format
        tag, first = head & 0x3F, data[1]
        if first < 192:
            length, start = first, 2
        elif first < 224:
            if len(data) < 3:
                return None
            length, start = ((first - 192) << 8) + data[2] + 192, 3
        elif first == 255:
            if len(data) < 6:
                return None
            length, start = int.from_bytes(data[2:6], "big"), 6
        else:
            return None  # a partial body length: never used for a key packet
    else:  # legacy format
        tag, kind = (head >> 2) & 0x0F, head & 0x03
        if kind == 3:
            return None  # indeterminate length
        width = 1 << kind
        if len(data) < 1 + width:
            return None
        length, start = int.from_bytes(data[1 : 1 + width], "big"), 1 + width
    body = data[start : start + length]
    return (tag, body) if len(body) == length else None


def _dearmor(data: bytes) -> bytes | None:
    """The base64 between an armor's headers and its checksum line (RFC 9580 section 6)."""
    try:
        lines = data.decode("ascii").splitlines()
    except UnicodeDecodeError:
        return None
    try:
        start = lines.index("", 1) + 1  # the blank line after the armor headers
    except ValueError:
        return None
    body = []
    for line in lines[start:]:
        if line.startswith(("=", "-----")):
            break
        body.append(line.strip())
    try:
        return base64.b64decode("".join(body), validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_smimea(selector: int, matching: int, data: bytes) -> PublishedKey | None:
    """An SMIMEA record's certificate fingerprint, as far as the record gives one."""
    if len(data) > MAX_KEY_BYTES or not data:
        return None
    if (selector, matching) == (0, 0):
        try:
            read_certificate(data)
        except UntrustedDataError:
            return None
        return PublishedKey(KeyKind.SMIME, hashlib.sha256(data).hexdigest().upper(), "certificate")
    if (selector, matching) == (0, 1) and len(data) == 32:
        return PublishedKey(KeyKind.SMIME, data.hex().upper(), "certificate SHA-256")
    what = {0: "certificate", 1: "public key"}.get(selector, f"selector {selector}")
    how = {0: "in full", 1: "SHA-256", 2: "SHA-512"}.get(matching, f"matching type {matching}")
    return PublishedKey(KeyKind.SMIME, "", f"{what} {how}")
