"""The lab's DNS answers as the scenario files say, and its DNSSEC holds from the lab root.

Knot (authoritative) and Unbound (validating resolver) are asked with plain dnspython. The
chain walk trusts nothing but the lab root's DS from the trust anchor file: not the AD bit, and
not the lab code that signed the zones.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict

import dns.dnssec
import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.node
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.lab import dns as lab_dns
from tests.lab import scenario
from tests.lab.lab import LabContext, LabInfo
from tests.lab.scenario import Scenario

IN = dns.rdataclass.IN
T = dns.rdatatype.RdataType
HEALTHY_TYPES = {"SRV", "MX", "TXT", "TLSA", "A", "AAAA", "CNAME"}


def ask(
    server: str, name: str, rtype: str | T, *, tcp: bool = False, cd: bool = False
) -> dns.message.Message:
    query = dns.message.make_query(name, rtype, want_dnssec=True, use_edns=0)
    if cd:
        query.flags |= dns.flags.CD
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, server, timeout=5)


def spki_sha256(lab: LabInfo, host: str) -> str:
    pem = (lab.workdir / "certs" / host / "cert.pem").read_bytes()
    der = (
        x509.load_pem_x509_certificate(pem)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return hashlib.sha256(der).hexdigest()


def web_sha256(lab: LabInfo, ref: str) -> bytes:
    host, _, path = ref.partition("/")
    for item in lab.scenarios:
        for candidate in item.hosts:
            if candidate.name == host:
                return hashlib.sha256(str(candidate.web[f"/{path}"]["body"]).encode()).digest()
    raise KeyError(ref)


def expected(lab: LabInfo, item: Scenario) -> dict[tuple[str, str], set[str]]:
    """(owner, type) -> record values, computed here from the scenario and the certificates."""
    resolvers = {
        "spki-sha256": lambda host: spki_sha256(lab, host),
        "web-sha256-b64": lambda ref: base64.b64encode(web_sha256(lab, ref)).decode(),
        "web-sha256-hex": lambda ref: web_sha256(lab, ref).hex(),
    }
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in item.records:
        value = scenario.expand(record.value, resolvers)
        wanted[(record.name, record.type)].add(
            dns.rdata.from_text(IN, record.type, value).to_text()
        )
    for host in item.hosts:
        wanted[(f"{host.name}.", "A")].add(host.address)
        if host.address6:
            wanted[(f"{host.name}.", "AAAA")].add(host.address6)
    return wanted


def values(answer: dns.message.Message, name: str, rtype: str) -> set[str]:
    found = answer.get_rrset(answer.answer, dns.name.from_text(name), IN, T.make(rtype))
    return {rdata.to_text() for rdata in found or ()}


# -- records ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
@pytest.mark.parametrize("server", ["knot", "unbound"])
def test_healthy_test_answers_as_its_scenario_says(lab: LabInfo, server: str, tcp: bool) -> None:
    address = lab.authoritative if server == "knot" else lab.resolver
    wanted = expected(lab, lab.scenario("healthy.test"))
    assert {rtype for _, rtype in wanted} >= HEALTHY_TYPES
    for (name, rtype), records in wanted.items():
        answer = ask(address, name, rtype, tcp=tcp)
        assert answer.rcode() == dns.rcode.NOERROR, (name, rtype)
        assert values(answer, name, rtype) == records, (name, rtype)
        flag = dns.flags.AA if server == "knot" else dns.flags.AD
        assert answer.flags & flag, (name, rtype, answer.flags)


def test_tlsa_matches_the_certificate_the_lab_issued(lab: LabInfo) -> None:
    answer = ask(lab.resolver, "_993._tcp.mail.healthy.test.", "TLSA")
    (tlsa,) = answer.find_rrset(
        answer.answer, dns.name.from_text("_993._tcp.mail.healthy.test."), IN, T.TLSA
    )
    assert (tlsa.usage, tlsa.selector, tlsa.mtype) == (3, 1, 1)
    assert tlsa.cert.hex() == spki_sha256(lab, "mail.healthy.test")


def test_web_digest_placeholders_hash_the_document_body(lab: LabInfo) -> None:
    ctx = LabContext(workdir=lab.workdir, scenarios=lab.scenarios, pki=None)  # type: ignore[arg-type]
    resolvers = lab_dns.placeholders(ctx)
    ref = "ua-auto-config.healthy.test/.well-known/user-agent-configuration.json"
    digest = web_sha256(lab, ref)
    assert resolvers["web-sha256-b64"](ref) == base64.b64encode(digest).decode()
    assert resolvers["web-sha256-hex"](ref) == digest.hex()


# -- the resolver's verdicts -----------------------------------------------------------------


def test_resolver_authenticates_signed_data(lab: LabInfo) -> None:
    for name, rtype in [("healthy.test.", "MX"), ("_imaps._tcp.healthy.test.", "SRV")]:
        answer = ask(lab.resolver, name, rtype)
        assert answer.rcode() == dns.rcode.NOERROR and answer.flags & dns.flags.AD


def test_resolver_fails_bogus_data(lab: LabInfo) -> None:
    answer = ask(lab.resolver, "_imaps._tcp.bogus.test.", "SRV")
    assert answer.rcode() == dns.rcode.SERVFAIL
    codes = [o.code for o in answer.options if isinstance(o, dns.edns.EDEOption)]
    assert dns.edns.EDECode.DNSSEC_BOGUS in codes
    # With checking disabled the data comes through, so it is the signatures that are bad.
    unchecked = ask(lab.resolver, "_imaps._tcp.bogus.test.", "SRV", cd=True)
    assert values(unchecked, "_imaps._tcp.bogus.test.", "SRV") == {"0 1 993 mail.bogus.test."}


def test_resolver_answers_unsigned_data_without_ad(lab: LabInfo) -> None:
    answer = ask(lab.resolver, "unsigned.test.", "MX")
    assert values(answer, "unsigned.test.", "MX") == {"10 mail.unsigned.test."}
    assert not answer.flags & dns.flags.AD
    # ... and the absence of its DS is itself proven.
    no_ds = ask(lab.resolver, "unsigned.test.", "DS")
    assert no_ds.rcode() == dns.rcode.NOERROR and not no_ds.answer
    assert no_ds.flags & dns.flags.AD


def test_resolver_authenticates_a_missing_name(lab: LabInfo) -> None:
    answer = ask(lab.resolver, "no-such-name.healthy.test.", "A")
    assert answer.rcode() == dns.rcode.NXDOMAIN
    assert answer.flags & dns.flags.AD


# -- the chain of trust, walked with dnspython alone -----------------------------------------


Keys = dict[dns.name.Name, dns.node.Node | dns.rdataset.Rdataset]  # as dns.dnssec.validate takes
Signed = tuple[dns.rrset.RRset, dns.rrset.RRset]  # an RRset and its RRSIGs


def signed_in(
    answer: dns.message.Message, records: list[dns.rrset.RRset], name: dns.name.Name, rtype: T
) -> Signed:
    return (
        answer.find_rrset(records, name, IN, rtype),
        answer.find_rrset(records, name, IN, T.RRSIG, rtype),
    )


def signed_rrset(server: str, name: dns.name.Name, rtype: T) -> Signed:
    """Asked with checking disabled: we do the checking."""
    answer = ask(server, name.to_text(), rtype, tcp=True, cd=True)
    return signed_in(answer, answer.answer, name, rtype)


def read_rrset(path: str) -> dns.rrset.RRset:
    """A one-line file in zone-file presentation: `owner TTL class type data`."""
    with open(path) as handle:
        owner, ttl, rdclass, rtype, data = handle.read().split(None, 4)
    return dns.rrset.from_text(owner, int(ttl), rdclass, rtype, data.strip())


def trusted_keys(server: str, anchor: dns.rrset.RRset, zone: str) -> Keys:
    """The DNSKEYs of `zone`, proven from the root's DS down: each DS set signed by the parent's
    keys, each DNSKEY set signed by a key that one of those DS records names."""
    target = dns.name.from_text(zone)
    ds_set, keys = anchor, Keys()
    for depth in range(1, len(target) + 1):
        origin = target.split(depth)[1]
        if keys:
            ds_set, signatures = signed_rrset(server, origin, T.DS)
            dns.dnssec.validate(ds_set, signatures, keys)
        dnskeys, signatures = signed_rrset(server, origin, T.DNSKEY)
        named = [
            key
            for key in dnskeys
            if any(dns.dnssec.make_ds(origin, key, ds.digest_type) == ds for ds in ds_set)
        ]
        if not named:
            raise dns.exception.ValidationFailure(f"no DNSKEY of {origin} matches its DS")
        anchored = dns.rrset.from_rdata_list(origin, dnskeys.ttl, named)
        dns.dnssec.validate(dnskeys, signatures, {origin: anchored})
        keys = {origin: dnskeys}
    return keys


SERVERS = ["knot", "unbound-cd"]


def walk(lab: LabInfo, server: str, zone: str) -> tuple[str, Keys]:
    address = lab.authoritative if server == "knot" else lab.resolver
    anchor = read_rrset(lab.fact("dns", "trust_anchor_file"))
    return address, trusted_keys(address, anchor, zone)


def test_trust_anchor_files_name_the_lab_root_key(lab: LabInfo) -> None:
    (ds,) = read_rrset(lab.fact("dns", "trust_anchor_file"))
    dnskeys = read_rrset(lab.fact("dns", "root_dnskey_file"))
    assert dnskeys.name == dns.name.root and len(dnskeys) == 1
    (dnskey,) = dnskeys
    assert dns.dnssec.make_ds(dns.name.root, dnskey, ds.digest_type) == ds
    assert dnskey.flags & 0x0001  # SEP: the key the anchor points at
    served = ask(lab.authoritative, ".", "DNSKEY")
    assert dnskey in served.find_rrset(served.answer, dns.name.root, IN, T.DNSKEY)


@pytest.mark.parametrize("server", SERVERS)
def test_chain_walk_validates_healthy_test(lab: LabInfo, server: str) -> None:
    address, keys = walk(lab, server, "healthy.test.")
    srv, signatures = signed_rrset(address, dns.name.from_text("_imaps._tcp.healthy.test."), T.SRV)
    dns.dnssec.validate(srv, signatures, keys)


@pytest.mark.parametrize("server", SERVERS)
def test_chain_walk_fails_for_bogus_test(lab: LabInfo, server: str) -> None:
    # The keys of bogus.test. are sound (its DS matches, the DNSKEY set is signed) ...
    address, keys = walk(lab, server, "bogus.test.")
    srv, signatures = signed_rrset(address, dns.name.from_text("_imaps._tcp.bogus.test."), T.SRV)
    # ... but its data signatures are not.
    with pytest.raises(dns.exception.ValidationFailure):
        dns.dnssec.validate(srv, signatures, keys)


@pytest.mark.parametrize("server", SERVERS)
def test_unsigned_test_has_no_ds_and_test_says_so(lab: LabInfo, server: str) -> None:
    address, keys = walk(lab, server, "test.")
    answer = ask(address, "unsigned.test.", "DS", tcp=True, cd=True)
    assert answer.rcode() == dns.rcode.NOERROR and not answer.answer
    owner = dns.name.from_text("unsigned.test.")
    nsec, signatures = signed_in(answer, answer.authority, owner, T.NSEC)
    dns.dnssec.validate(nsec, signatures, keys)
    (record,) = nsec
    listed = set(record.to_text().split()[1:])
    assert "NS" in listed and "DS" not in listed


# -- NSEC3 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rtype", "rcode"),
    [
        ("no-such-name.nsec3.test.", "A", dns.rcode.NXDOMAIN),
        ("_465._tcp.mail.nsec3.test.", "TLSA", dns.rcode.NXDOMAIN),  # below an empty non-terminal
        ("mail.nsec3.test.", "TXT", dns.rcode.NOERROR),  # the name exists, the type does not
    ],
    ids=["no-name", "no-name-below-empty-non-terminal", "no-type"],
)
def test_nsec3_denials_are_authenticated(lab: LabInfo, name: str, rtype: str, rcode: int) -> None:
    answer = ask(lab.resolver, name, rtype)
    assert answer.rcode() == rcode and not answer.answer
    assert answer.flags & dns.flags.AD


def test_nsec3_test_denies_with_signed_nsec3_records(lab: LabInfo) -> None:
    address, keys = walk(lab, "knot", "nsec3.test.")
    answer = ask(address, "no-such-name.nsec3.test.", "A", tcp=True)
    assert answer.rcode() == dns.rcode.NXDOMAIN
    kinds = {rrset.rdtype for rrset in answer.authority}
    assert T.NSEC3 in kinds and T.NSEC not in kinds
    for rrset in answer.authority:
        if rrset.rdtype == T.NSEC3:
            signed = signed_in(answer, answer.authority, rrset.name, T.NSEC3)
            dns.dnssec.validate(*signed, keys)
    tlsa = ask(lab.resolver, "_993._tcp.mail.nsec3.test.", "TLSA")
    assert tlsa.flags & dns.flags.AD
    assert values(tlsa, "_993._tcp.mail.nsec3.test.", "TLSA") == {
        f"3 1 1 {spki_sha256(lab, 'mail.nsec3.test')}"
    }
