"""Fuzzes the denial-of-existence proofs (core/dns/dnssec_denial.py) with NSEC/NSEC3 records
built from the bytes: names up to 255 octets, chains that wrap, hashes of nearby names
(so records match and cover), opt-out flags, odd iterations and salts.

dnssec_denial is pure and is handed records whose signatures the validator already checked,
but their *content* is whatever the signing zone wanted: a hostile zone signs any chain. Its
functions document no exception: every input is an answer (proven or not, with a reason).
CONTRACT is therefore empty. The preconditions the validator guarantees are kept here: the
wildcard source is a proper ancestor of the name.
"""

from __future__ import annotations

import base64

import atheris
import dns.dnssec
import dns.name
import dns.rdatatype
import dns.rdtypes.util
from dns.rdtypes.ANY.NSEC import NSEC
from dns.rdtypes.ANY.NSEC3 import NSEC3

from mailhop.core.dns.dnssec_denial import (
    CutKind,
    CutProof,
    Denial,
    DenialKind,
    ProofKind,
    classify_cut,
    prove_denial,
    prove_wildcard_expansion,
)

CONTRACT: tuple[type[BaseException], ...] = ()

T = dns.rdatatype.RdataType
ZONES = [dns.name.from_text(z) for z in ("ex.test.", "n3.test.", "test.", ".")]
LABELS = [b"a", b"b", b"mail", b"*", b"_tcp", b"_993", b"sub", b"z" * 63, b"\x00", b"A"]
TYPES = [T.A, T.NS, T.SOA, T.CNAME, T.DNAME, T.DS, T.MX, T.TXT, T.TLSA, T.SRV, T.RRSIG, T.NSEC]


def _label(fdp: atheris.FuzzedDataProvider) -> bytes:
    pick = fdp.ConsumeIntInRange(0, len(LABELS) + 1)
    if pick < len(LABELS):
        return LABELS[pick]
    if pick == len(LABELS):
        return b"y" * fdp.ConsumeIntInRange(1, 63)
    return fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 63)) or b"q"


def name_under(fdp: atheris.FuzzedDataProvider, base: dns.name.Name) -> dns.name.Name:
    """`base` with 0-5 labels in front, as many as fit in 255 octets."""
    name = base
    for _ in range(fdp.ConsumeIntInRange(0, 5)):
        try:
            name = dns.name.Name((_label(fdp), *name.labels))
        except dns.name.NameTooLong:
            break
    return name


def _types(fdp: atheris.FuzzedDataProvider) -> list[tuple[int, bytes]]:
    chosen = [t for t in TYPES if fdp.ConsumeBool()]
    if fdp.ConsumeBool():
        chosen.append(fdp.ConsumeIntInRange(1, 65535))
    windows: list[tuple[int, bytes]] = dns.rdtypes.util.Bitmap.from_rdtypes(chosen).windows
    return windows


def _hash(name: dns.name.Name) -> bytes:
    return base64.b32hexdecode(dns.dnssec.nsec3_hash(name, None, 0, 1))


def _nsec3(
    fdp: atheris.FuzzedDataProvider, zone: dns.name.Name, near: list[dns.name.Name]
) -> tuple[dns.name.Name, NSEC3]:
    def digest() -> bytes:
        if near and fdp.ConsumeBool():
            return _hash(near[fdp.ConsumeIntInRange(0, len(near) - 1)])
        return fdp.ConsumeBytes(20).ljust(20, b"\x00")

    owner_hash = digest()
    label = base64.b32hexencode(owner_hash).lower().rstrip(b"=")
    owner = dns.name.Name((label, *zone.labels))  # 32 octets + a short zone
    algorithm = 1 if fdp.ConsumeIntInRange(0, 7) else fdp.ConsumeIntInRange(0, 255)
    flags = fdp.ConsumeIntInRange(0, 255) if fdp.ConsumeBool() else 0
    iterations = 0 if fdp.ConsumeBool() else fdp.ConsumeIntInRange(0, 200)
    salt = b"" if fdp.ConsumeBool() else fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 8))
    if (iterations or salt) and near and fdp.ConsumeBool():  # the hash differs: match again
        target = near[fdp.ConsumeIntInRange(0, len(near) - 1)]
        text = dns.dnssec.nsec3_hash(target, salt, min(iterations, 150), 1)
        owner = dns.name.Name((text.lower().encode(), *zone.labels))  # 32 octets + a short zone
    record = NSEC3("IN", "NSEC3", algorithm, flags, iterations, salt, digest(), _types(fdp))
    return owner, record


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    zone = ZONES[fdp.ConsumeIntInRange(0, len(ZONES) - 1)]
    qname = name_under(fdp, zone)
    rdtype = TYPES[fdp.ConsumeIntInRange(0, len(TYPES) - 1)]
    near = [qname, zone]
    for _ in range(2):
        near.append(name_under(fdp, zone))
    if len(qname) > 1:
        near.append(qname.parent())
    nsecs = []
    for _ in range(fdp.ConsumeIntInRange(0, 4)):
        owner = near[fdp.ConsumeIntInRange(0, len(near) - 1)] if fdp.ConsumeBool() else zone
        owner = name_under(fdp, owner)
        following = near[fdp.ConsumeIntInRange(0, len(near) - 1)]
        following = name_under(fdp, following) if fdp.ConsumeBool() else following
        nsecs.append((owner, NSEC("IN", "NSEC", following, _types(fdp))))
    nsec3s = [_nsec3(fdp, zone, near) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    for kind in DenialKind:
        denial = prove_denial(kind, qname, rdtype, zone, nsecs, nsec3s)
        assert isinstance(denial, Denial) and denial.kind is kind and denial.reason
        assert not (denial.proven and denial.opt_out)
        assert denial.proven or denial.proof in ProofKind
    cut = classify_cut(qname, zone, nsecs, nsec3s)
    assert isinstance(cut, CutProof) and cut.kind in CutKind and cut.reason
    if len(qname) > 1:  # a wildcard expansion needs a source above the name
        depth = fdp.ConsumeIntInRange(1, len(qname) - 1)
        source = qname.split(depth)[1]
        expansion = prove_wildcard_expansion(qname, source, zone, nsecs, nsec3s)
        assert expansion.kind is DenialKind.NXDOMAIN and expansion.reason
