"""The lab's certificate authority, made with `cryptography` each time the lab comes up.

A root CA (the one anchor tests trust, via mailhop's extra-CA option) signs an intermediate,
which signs one leaf per lab host. A host's `cert` kind in its scenario picks what its servers
present:

    good             leaf for the host name + intermediate
    expired          as good, but the leaf's validity ended a day ago
    wrong-name       leaf for another name + intermediate
    unknown-ca       leaf and intermediate from a CA nobody trusts
    no-intermediate  the good leaf alone: a client cannot build the chain to the root

Keys are ECDSA P-256: fast to make, and what most real mail servers now present.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

WRONG_NAME = "somebody-else.example.test"


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

    def for_host(self, host: str) -> IssuedCert:
        return self.issued[host]


def build(directory: Path, hosts: dict[str, str]) -> LabPKI:
    """Make the CA and one certificate per host; `hosts` maps a host name to its cert kind."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    root = _authority("mailhop lab root CA", None, now)
    intermediate = _authority("mailhop lab intermediate CA", root, now)
    rogue_root = _authority("unknown rogue root CA", None, now)
    rogue_intermediate = _authority("unknown rogue intermediate CA", rogue_root, now)
    ca_file = directory / "lab-root-ca.pem"
    ca_file.write_bytes(_pem(root.cert))
    issued = {
        host: _issue(directory, host, kind, now, intermediate, rogue_intermediate)
        for host, kind in sorted(hosts.items())
    }
    return LabPKI(ca_file, root, intermediate, rogue_intermediate, issued)


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
    if kind == "expired":
        not_before, not_after = now - dt.timedelta(days=90), now - dt.timedelta(days=1)
    else:
        not_before, not_after = now - dt.timedelta(hours=1), now + dt.timedelta(days=90)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
        .sign(issuer.key, hashes.SHA256())
    )
    presented = [cert] if kind == "no-intermediate" else [cert, issuer.cert]
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
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return IssuedCert(
        host=host,
        kind=kind,
        key_file=files["key"],
        cert_file=files["cert"],
        chain_file=files["chain"],
        key_and_chain_file=files["key_chain"],
        spki_sha256=hashlib.sha256(spki).hexdigest(),
        cert_sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
