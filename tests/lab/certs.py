"""The lab's certificate authority, made with `cryptography` each time the lab comes up.

A root CA (the one anchor tests trust, via mailhop's extra-CA option) signs an intermediate,
which signs one leaf per lab host. A host's `cert` kind in its scenario picks what its servers
present:

    good             leaf for the host name + intermediate
    expired          as good, but the leaf's validity ended a day ago
    wrong-name       leaf for another name + intermediate
    unknown-ca       leaf and intermediate from a CA nobody trusts
    no-intermediate  the good leaf alone: a client cannot build the chain to the root
    self-signed      a leaf for the host name signed by its own key, presented alone: PKIX
                     refuses it, a DANE-EE record (TLSA 3 x x) can still vouch for it

Beside the CAs there are spare keys that no server uses ("other"), for TLSA records that
pin somebody else's key. Their public keys, and the root and intermediate certificates,
are written next to the host folders so tests can compute the digests independently:

    lab-root-ca.pem  lab-intermediate-ca.pem  spare-keys/other.pem

Keys are ECDSA P-256: fast to make, and what most real mail servers now present.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

WRONG_NAME = "somebody-else.example.test"
AUTHORITY_FILES = {"root": "lab-root-ca.pem", "intermediate": "lab-intermediate-ca.pem"}
SPARE_KEYS = ("other",)
SPARE_KEY_DIR = "spare-keys"


@dataclass(frozen=True, slots=True)
class IssuedCert:
    host: str
    kind: str
    key_file: Path  # private key, PEM
    cert_file: Path  # the leaf alone, PEM
    chain_file: Path  # what the server presents, leaf first, PEM
    key_and_chain_file: Path  # key then chain, PEM (Postfix's smtpd_tls_chain_files form)
    spki_sha256: str  # hex, for TLSA 3 1 1 / 2 1 1 records
    cert_sha256: str  # hex, for TLSA 3 0 1
    spki_sha512: str  # hex, for TLSA 3 1 2
    cert_sha512: str  # hex, for TLSA 3 0 2


@dataclass(frozen=True, slots=True)
class Authority:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


@dataclass(frozen=True, slots=True)
class LabPKI:
    ca_file: Path  # the lab root: the only anchor a test trusts
    root: Authority
    intermediate: Authority
    rogue_intermediate: Authority  # chains to a root that is in no trust store
    issued: dict[str, IssuedCert]
    spare_keys: Mapping[str, ec.EllipticCurvePrivateKey] = field(default_factory=dict)

    def for_host(self, host: str) -> IssuedCert:
        return self.issued[host]

    def authority(self, name: str) -> Authority:
        """`root` or `intermediate`: the lab CA that TLSA 2 x x records name."""
        authorities = {"root": self.root, "intermediate": self.intermediate}
        if name not in authorities:
            raise KeyError(f"no lab authority {name!r}; known: {sorted(authorities)}")
        return authorities[name]

    def spare_key(self, name: str) -> ec.EllipticCurvePrivateKey:
        if name not in self.spare_keys:
            raise KeyError(f"no spare key {name!r}; known: {sorted(self.spare_keys)}")
        return self.spare_keys[name]


def spki_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def digest(data: bytes, algorithm: str) -> str:
    """Hex digest for a TLSA record: `algorithm` is sha256 or sha512."""
    return hashlib.new(algorithm, data).hexdigest()


def build(directory: Path, hosts: dict[str, str]) -> LabPKI:
    """Make the CA and one certificate per host; `hosts` maps a host name to its cert kind."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    root = _authority("mailhop lab root CA", None, now)
    intermediate = _authority("mailhop lab intermediate CA", root, now)
    rogue_root = _authority("unknown rogue root CA", None, now)
    rogue_intermediate = _authority("unknown rogue intermediate CA", rogue_root, now)
    ca_file = directory / AUTHORITY_FILES["root"]
    ca_file.write_bytes(_pem(root.cert))
    (directory / AUTHORITY_FILES["intermediate"]).write_bytes(_pem(intermediate.cert))
    spare_keys = {name: _key() for name in SPARE_KEYS}
    (directory / SPARE_KEY_DIR).mkdir(exist_ok=True)
    for name, key in spare_keys.items():
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (directory / SPARE_KEY_DIR / f"{name}.pem").write_bytes(public)
    issued = {
        host: _issue(directory, host, kind, now, intermediate, rogue_intermediate)
        for host, kind in sorted(hosts.items())
    }
    return LabPKI(ca_file, root, intermediate, rogue_intermediate, issued, spare_keys)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _authority(name: str, parent: Authority | None, now: dt.datetime) -> Authority:
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer = parent.cert.subject if parent else subject
    signing_key = parent.key if parent else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.BasicConstraints(ca=True, path_length=None if parent is None else 0), True
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if parent:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), False
        )
    return Authority(name, key, builder.sign(signing_key, hashes.SHA256()))


def _issue(
    directory: Path,
    host: str,
    kind: str,
    now: dt.datetime,
    intermediate: Authority,
    rogue: Authority,
) -> IssuedCert:
    key = _key()
    name = WRONG_NAME if kind == "wrong-name" else host
    issuer = rogue if kind == "unknown-ca" else intermediate
    issuer_name, signing_key = issuer.cert.subject, issuer.key
    if kind == "self-signed":
        issuer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        signing_key = key
    if kind == "expired":
        not_before, not_after = now - dt.timedelta(days=90), now - dt.timedelta(days=1)
    else:
        not_before, not_after = now - dt.timedelta(hours=1), now + dt.timedelta(days=90)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), False
        )
        .sign(signing_key, hashes.SHA256())
    )
    alone = kind in ("no-intermediate", "self-signed")
    presented = [cert] if alone else [cert, issuer.cert]
    folder = directory / host
    folder.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    chain_pem = b"".join(_pem(c) for c in presented)
    files = {
        "key": folder / "key.pem",
        "cert": folder / "cert.pem",
        "chain": folder / "chain.pem",
        "key_chain": folder / "key-and-chain.pem",
    }
    files["key"].write_bytes(key_pem)
    files["key"].chmod(0o600)
    files["cert"].write_bytes(_pem(cert))
    files["chain"].write_bytes(chain_pem)
    files["key_chain"].write_bytes(key_pem + chain_pem)
    files["key_chain"].chmod(0o600)
    spki = spki_bytes(key.public_key())
    return IssuedCert(
        host=host,
        kind=kind,
        key_file=files["key"],
        cert_file=files["cert"],
        chain_file=files["chain"],
        key_and_chain_file=files["key_chain"],
        spki_sha256=digest(spki, "sha256"),
        cert_sha256=digest(der(cert), "sha256"),
        spki_sha512=digest(spki, "sha512"),
        cert_sha512=digest(der(cert), "sha512"),
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
