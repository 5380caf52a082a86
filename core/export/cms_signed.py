"""Reading a signed Apple profile: a CMS SignedData envelope (RFC 5652), DER or BER.

The linter needs the plist inside a signed ``.mobileconfig``, who signed it, and whether the
signature covers that plist. ``cryptography`` signs CMS (export_apple.py) and reads the
certificates of a PKCS #7 bundle, but has no reader for SignedData's content and signer
info, so this module carries a small BER reader, enough for this one structure (single-byte
tags, lengths up to 4 bytes, nesting up to 40), and verifies with ``cryptography``. Whether
a device trusts the signer is each device's trust store's business: not checked here.

Everything here reads untrusted bytes, so ``unwrap_signed`` raises one type only,
``UntrustedDataError``: the BER reader's own failures are turned into it, and every
certificate and key is read through untrusted.py (cryptography parses certificates
lazily: a garbled name, version or key algorithm would otherwise raise much later).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..common.untrusted import (
    UntrustedDataError,
    public_key_of,
    read_certificate,
    signature_verifies,
)

__all__ = ["SignedEnvelope", "unwrap_signed"]


# A small BER reader, enough for a CMS envelope (DER, or BER with indefinite lengths and
# chunked OCTET STRINGs as `openssl smime -sign` writes them). Single-byte tags only.


@dataclass(frozen=True, slots=True)
class _Node:
    tag: int
    raw: bytes  # the whole encoding, identifier and length included
    body: bytes  # the contents (empty for an indefinite-length encoding)
    children: tuple[_Node, ...]

    def octets(self) -> bytes:
        """An OCTET STRING's value, primitive or chunked."""
        if self.tag & 0x20:
            return b"".join(child.octets() for child in self.children)
        return self.body


def _ber(data: bytes, pos: int = 0, depth: int = 0) -> tuple[_Node, int]:
    if depth > 40:
        raise ValueError("nested too deeply")
    start = pos
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte tag")
    first = data[pos + 1]
    pos += 2
    constructed = bool(tag & 0x20)
    if first == 0x80:  # indefinite length: children up to an end-of-contents 00 00
        if not constructed:
            raise ValueError("indefinite length on a primitive value")
        children = []
        while data[pos : pos + 2] != b"\x00\x00":
            child, pos = _ber(data, pos, depth + 1)
            children.append(child)
        return _Node(tag, data[start : pos + 2], b"", tuple(children)), pos + 2
    if first & 0x80:
        size = first & 0x7F
        if not 1 <= size <= 4:
            raise ValueError("bad length")
        length = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        length = first
    end = pos + length
    if end > len(data):
        raise ValueError("truncated")
    children = []
    if constructed:
        inner = pos
        while inner < end:
            child, inner = _ber(data, inner, depth + 1)
            children.append(child)
        if inner != end:
            raise ValueError("a value runs past its parent")
    return _Node(tag, data[start:end], data[pos:end], tuple(children)), end


_OID_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")
_OID_MESSAGE_DIGEST = bytes.fromhex("2a864886f70d010904")
_DIGESTS: dict[bytes, type[hashes.HashAlgorithm]] = {
    bytes.fromhex("2b0e03021a"): hashes.SHA1,
    bytes.fromhex("608648016503040201"): hashes.SHA256,
    bytes.fromhex("608648016503040202"): hashes.SHA384,
    bytes.fromhex("608648016503040203"): hashes.SHA512,
}


@dataclass(frozen=True, slots=True)
class SignedEnvelope:
    content: bytes | None
    signer: x509.Certificate | None
    failure: str  # empty when the signature covers the content


def unwrap_signed(data: bytes) -> SignedEnvelope:
    """The content, signer and signature check of a CMS SignedData (RFC 5652 section 5);
    UntrustedDataError, and nothing else, when the bytes are not one."""
    try:
        return _unwrap(data)
    except UntrustedDataError:
        raise
    except IndexError as exc:  # the walk through the tree found a part missing
        raise UntrustedDataError("a part of the envelope is missing or cut short") from exc
    except ValueError as exc:  # the BER reader's own refusals
        raise UntrustedDataError(str(exc) or "not BER") from exc


def _unwrap(data: bytes) -> SignedEnvelope:
    info, _ = _ber(data)
    if len(info.children) < 2 or info.children[0].body != _OID_SIGNED_DATA:
        raise ValueError("not a signedData ContentInfo")
    signed = info.children[1].children[0]  # [0] EXPLICIT SignedData
    parts = list(signed.children)
    encap = parts[2]
    content = None
    if len(encap.children) > 1:
        content = encap.children[1].children[0].octets()  # [0] EXPLICIT OCTET STRING
    infos = [node for node in parts[3:] if node.tag == 0x31]
    if not infos or not infos[-1].children:
        raise ValueError("no SignerInfo")
    signer_info = infos[-1].children[0]
    certificates = [
        read_certificate(node.raw)
        for part in parts[3:]
        if part.tag == 0xA0  # [0] IMPLICIT CertificateSet
        for node in part.children
        if node.tag == 0x30  # a Certificate (other choices are obsolete)
    ]
    sid = signer_info.children[1]
    signer = None
    if sid.tag == 0x30:  # issuerAndSerialNumber
        issuer, serial = sid.children[0].raw, int.from_bytes(sid.children[1].body, "big")
        for certificate in certificates:
            if certificate.serial_number == serial and certificate.issuer.public_bytes() == issuer:
                signer = certificate
    if signer is None:
        return SignedEnvelope(content, None, "")
    return SignedEnvelope(content, signer, _signature_failure(signer_info, signer, content))


def _signature_failure(info: _Node, signer: x509.Certificate, content: bytes | None) -> str:
    rest = list(info.children[2:])
    digest_oid = rest.pop(0).children[0].body
    algorithm = _DIGESTS.get(digest_oid)
    if algorithm is None:
        return "the digest algorithm is not one devices accept (SHA-1/256/384/512)"
    attributes = rest.pop(0) if rest and rest[0].tag == 0xA0 else None
    signature = rest[1].body if len(rest) > 1 else b""
    if attributes is not None:
        digests = [
            item.children[1].children[0].body
            for item in attributes.children
            if item.children and item.children[0].body == _OID_MESSAGE_DIGEST
        ]
        if content is None or not digests:
            return "no messageDigest attribute to check the content against"
        digest = hashes.Hash(algorithm())
        digest.update(content)
        if digests[0] != digest.finalize():
            return "the profile was changed after signing (messageDigest does not match)"
        signed_bytes = b"\x31" + attributes.raw[1:]  # signed as a SET OF, not [0]
    elif content is not None:
        signed_bytes = content
    else:
        return "nothing to check the signature against"
    key = public_key_of(signer)
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return "the signer's key is neither RSA nor EC (or its algorithm is unknown)"
    if not signature_verifies(key, signature, signed_bytes, algorithm()):
        return "the signature does not match the signer's certificate"
    return ""
