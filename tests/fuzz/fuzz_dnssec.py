"""Fuzzes mailhop's DNSSEC chain validator (core/dns/dnssec.py, ChainValidator.validate) with
answers built from the bytes, against a small signed tree made at import (dnssec_world.py).

Two shapes of input:
* bytes that parse as a DNS message (the seeds are responses captured from the lab) are the
  answer to their own question, exactly as the resolver hands a response over;
* anything else drives a FuzzedDataProvider that assembles an answer from the tree's real
  signed RRsets (so most signatures verify and the alias, wildcard and denial logic runs),
  renamed, stripped or re-signed records, CNAME/DNAME links (to names up to 255 octets),
  a chosen RCODE, and records a hostile zone signed with its own key or a forger signed
  with another key.

The chain questions (DNSKEY, DS) get honest answers from the tree. ChainValidator.validate
documents no exception for remote data: every answer is a result. CONTRACT is empty; the
safety rules are asserts: a result is always a ValidatedAnswer with a reason, a SECURE
negative answer carries a proven denial, and an RRset signed only by a key outside the tree
is never SECURE.
"""

from __future__ import annotations

import asyncio

import atheris
import dns.dnssec
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.DNSKEY import DNSKEY

from mailhop.core.dns.dnssec import SUPPORTED_ALGORITHMS, ChainValidator, Security, ValidatedAnswer
from tests.fuzz.dnssec_world import NOW, WORLD, sign

CONTRACT: tuple[type[BaseException], ...] = ()

T = dns.rdatatype.RdataType
QTYPES = [T.A, T.AAAA, T.MX, T.SRV, T.TLSA, T.TXT, T.CNAME, T.DNAME, T.DS, T.DNSKEY, T.NSEC]
RCODES = [dns.rcode.NOERROR, dns.rcode.NXDOMAIN, dns.rcode.SERVFAIL, dns.rcode.YXDOMAIN]
LABELS = [b"mail", b"x", b"_993", b"_tcp", b"*", b"z" * 63, b"a" * 40]
ALGORITHMS = sorted(SUPPORTED_ALGORITHMS)
ODD: list[DNSKEY] = []  # the odd keys of this input's hostile zone, for signatures to claim
Message = dns.message.Message
LOOP = asyncio.new_event_loop()
_HONEST: dict[tuple[dns.name.Name, int], dns.message.Message] = {}


def _honest(name: dns.name.Name, rdtype: int) -> dns.message.Message:
    key = (name, rdtype)
    if key not in _HONEST:
        if len(_HONEST) > 4096:  # fuzzed names are endless: keep the memo small
            _HONEST.clear()
        _HONEST[key] = WORLD.respond(name, rdtype)
    return _HONEST[key]


def _name(fdp: atheris.FuzzedDataProvider) -> dns.name.Name:
    name = WORLD.names[fdp.ConsumeIntInRange(0, len(WORLD.names) - 1)]
    for _ in range(fdp.ConsumeIntInRange(0, 5)):
        pick = fdp.ConsumeIntInRange(0, len(LABELS))
        label = LABELS[pick] if pick < len(LABELS) else fdp.ConsumeBytes(63) or b"q"
        try:
            name = dns.name.Name((label, *name.labels))
        except dns.name.NameTooLong:
            break
    return name


def _rrset(
    fdp: atheris.FuzzedDataProvider, owner: dns.name.Name, rdtype: int
) -> dns.rrset.RRset | None:
    """An RRset of `rdtype` at `owner` with rdata from the bytes, if they parse."""
    try:
        wire = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 80))
        rdata = dns.rdata.from_wire("IN", rdtype, wire, 0, len(wire))
    except (dns.exception.DNSException, ValueError):
        return None
    return dns.rrset.from_rdata_list(owner, 300, [rdata])


def _signed(
    section: list[dns.rrset.RRset],
    rrset: dns.rrset.RRset,
    fdp: atheris.FuzzedDataProvider,
    forged: set[dns.rdata.Rdata],
) -> None:
    """Append `rrset` signed by its zone's key (a hostile zone) or by a key outside the tree."""
    zone = WORLD.zone_for(rrset.name, rrset.rdtype) or WORLD.zones[dns.name.root]
    assert zone.origin is not None
    by_zone = fdp.ConsumeBool()
    key = WORLD.keys[zone.origin] if by_zone else WORLD.attacker
    try:
        sig = sign(rrset, key, zone.origin)
    except (dns.exception.DNSException, ValueError):
        return
    section.append(rrset)
    section.append(dns.rrset.from_rdata_list(rrset.name, 300, [sig]))
    if not by_zone:
        forged.add(sig)


def _mangle_sigs(sigs: dns.rrset.RRset, fdp: atheris.FuzzedDataProvider) -> dns.rrset.RRset:
    rdata = sigs[0]
    change = fdp.ConsumeIntInRange(0, 6)
    if change == 0:
        rdata = rdata.replace(labels=fdp.ConsumeIntInRange(0, 255))
    elif change == 1:
        rdata = rdata.replace(signer=_name(fdp))
    elif change == 2:
        rdata = rdata.replace(expiration=fdp.ConsumeIntInRange(0, 2**32 - 1))
    elif change == 3:
        rdata = rdata.replace(inception=fdp.ConsumeIntInRange(0, 2**32 - 1))
    elif change == 4:
        rdata = rdata.replace(signature=fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300)))
    elif change == 5 and ODD:  # claim one of the hostile zone's odd keys
        key = ODD[fdp.ConsumeIntInRange(0, len(ODD) - 1)]
        tag = dns.dnssec.key_id(key)
        rdata = rdata.replace(key_tag=tag, algorithm=key.algorithm)
    else:
        rdata = rdata.replace(key_tag=fdp.ConsumeIntInRange(0, 65535))
    return dns.rrset.from_rdata_list(sigs.name, sigs.ttl, [rdata])


def _odd_keys(fdp: atheris.FuzzedDataProvider) -> dict[tuple[dns.name.Name, int], Message]:
    """A hostile zone's DNSKEY set: its real key plus keys of any supported algorithm with
    key material from the bytes, signed by the real key, so the validator has to load them."""
    apex = dns.name.from_text("ex.test.") if fdp.ConsumeBool() else dns.name.from_text("n3.test.")
    real = WORLD.keys[apex]
    keys = [real.dnskey]
    for _ in range(fdp.ConsumeIntInRange(1, 3)):
        algorithm = ALGORITHMS[fdp.ConsumeIntInRange(0, len(ALGORITHMS) - 1)]
        material = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 140))
        keys.append(
            DNSKEY("IN", "DNSKEY", 256 | fdp.ConsumeIntInRange(0, 1), 3, algorithm, material)
        )
    rrset = dns.rrset.from_rdata_list(apex, 3600, keys)
    query = dns.message.make_query(apex, T.DNSKEY, want_dnssec=True)
    response = dns.message.make_response(query)
    response.answer = [rrset, dns.rrset.from_rdata_list(apex, 3600, [sign(rrset, real, apex)])]
    ODD.extend(keys[1:])
    return {(apex, T.DNSKEY): response}


def _build(
    fdp: atheris.FuzzedDataProvider,
) -> tuple[dns.name.Name, int, dns.message.Message, set[dns.rdata.Rdata]]:
    qname = _name(fdp)
    rdtype = QTYPES[fdp.ConsumeIntInRange(0, len(QTYPES) - 1)]
    message = dns.message.make_response(dns.message.make_query(qname, rdtype, want_dnssec=True))
    forged: set[dns.rdata.Rdata] = set()
    if fdp.ConsumeBool():  # start from the honest answer
        honest = _honest(qname, rdtype)
        message.set_rcode(honest.rcode())
        message.answer = list(honest.answer)
        message.authority = list(honest.authority)
    else:
        message.set_rcode(RCODES[fdp.ConsumeIntInRange(0, len(RCODES) - 1)])
    for _ in range(fdp.ConsumeIntInRange(0, 6)):
        section = message.answer if fdp.ConsumeBool() else message.authority
        action = fdp.ConsumeIntInRange(0, 6)
        rrset, sigs = WORLD.pool[fdp.ConsumeIntInRange(0, len(WORLD.pool) - 1)]
        if action == 0:  # a real signed RRset
            section += [rrset] + ([sigs] if sigs is not None else [])
        elif action == 1:  # renamed to the question, signatures kept (wildcard-like)
            section.append(dns.rrset.from_rdata_list(qname, rrset.ttl, list(rrset)))
            if sigs is not None:
                section.append(dns.rrset.from_rdata_list(qname, sigs.ttl, list(sigs)))
        elif action == 2 and sigs is not None:  # a real RRset with a mangled signature
            section += [rrset, _mangle_sigs(sigs, fdp)]
        elif action == 3:  # an unsigned CNAME from the question (DNAME synthesis style)
            target = _name(fdp)
            section.append(dns.rrset.from_text(qname, 0, "IN", "CNAME", target.to_text()))
        elif action == 4:  # new data at a chosen name, signed by a zone or a forger
            forgery = _rrset(fdp, _name(fdp), QTYPES[fdp.ConsumeIntInRange(0, len(QTYPES) - 1)])
            if forgery is not None:
                _signed(section, forgery, fdp, forged)
        elif action == 5:  # a DNAME or CNAME link, signed
            kind = "DNAME" if fdp.ConsumeBool() else "CNAME"
            owner = _name(fdp) if kind == "DNAME" else qname
            link = dns.rrset.from_text(owner, 300, "IN", kind, _name(fdp).to_text())
            _signed(section, link, fdp, forged)
        elif section:  # drop something
            del section[fdp.ConsumeIntInRange(0, len(section) - 1)]
    return qname, rdtype, message, forged


def one_input(data: bytes) -> None:
    forged: set[dns.rdata.Rdata] = set()  # signatures made with the attacker's key
    overrides: dict[tuple[dns.name.Name, int], Message] = {}
    ODD.clear()
    try:
        message = dns.message.from_wire(data)
    except dns.exception.DNSException:
        message = None  # the resolver drops what does not parse; build an answer instead
    if message is not None and len(message.question) == 1:
        qname, rdtype = message.question[0].name, message.question[0].rdtype
    else:
        fdp = atheris.FuzzedDataProvider(data)
        if fdp.ConsumeIntInRange(0, 3) == 0:
            overrides = _odd_keys(fdp)
        qname, rdtype, message, forged = _build(fdp)

    async def fetch(name: dns.name.Name, asked: dns.rdatatype.RdataType) -> dns.message.Message:
        assert message is not None
        if (name, asked) == (qname, rdtype):
            return message
        return overrides.get((name, asked)) or _honest(name, asked)

    validator = ChainValidator(WORLD.anchor, fetch, clock=lambda: float(NOW))
    answer = LOOP.run_until_complete(validator.validate(qname, T.make(rdtype)))
    assert isinstance(answer, ValidatedAnswer) and answer.reason
    if answer.security is Security.SECURE and answer.rrset is None:
        assert answer.denial is not None and answer.denial.proven
    if answer.security is Security.SECURE and answer.rrset is not None and forged:
        rrset = answer.rrset
        sigs = [
            sig
            for r in message.answer
            if r.name == rrset.name and r.rdtype == T.RRSIG
            for sig in r
            if sig.type_covered == rrset.rdtype
        ]
        if any(r.name == rrset.name and r.rdtype == rrset.rdtype for r in message.answer):
            assert any(sig not in forged for sig in sigs), "an RRset only a forger signed"
