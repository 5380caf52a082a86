"""A second DNS tree whose every signed zone was signed by a real signer, not by our code.

The main lab (dns.py) signs its zones with dnspython, so mailhop's validator has only met
signatures our own code made. Here the signers are the ones real domains use:

    Knot      automatic signing from a knot.conf policy (`dnssec-signing: on`, keys made
              beforehand with keymgr so the parent's DS is known before anything starts)
    BIND      dnssec-signzone (bind9-utils), keys from dnssec-keygen
    ldns      ldns-signzone (ldnsutils), keys from ldns-keygen

Theory of operation
-------------------
The tree has its own root, so no zone in it is signed by dnspython:

    .          Knot, RSA/SHA-256 KSK + ZSK, NSEC (the real root's shape)
    test.      Knot, ECDSA P-256 CSK, NSEC3 opt-out (a TLD's shape); every zone below is
               delegated from here, with the DS its signer's tools print
    <zones>    one per case in ZONES (algorithms 8, 13, 14, 15, 16; NSEC and NSEC3 with
               salt, iterations, opt-out and iterations above RFC 9276's limit; a KSK
               rollover and an algorithm rollover; signatures expired, about to expire,
               not yet valid; a DS that matches no key; unsigned zones)

Zones are prepared bottom-up: a zone's keys are made and its DS printed before its parent
file is written. BIND and ldns zones are signed then (their files are final); Knot zones
are written unsigned and Knot signs them when it loads them. One knotd serves the whole
tree on AUTHORITATIVE; an Unbound on RESOLVER validates from the tree's root DS, so tests
can ask it and mailhop the same questions (tests/core/dns/test_real_signers.py).

Every zone holds the same mail records (MAIL_RECORDS: MX, SRV, TLSA, `_mta-sts` TXT,
A/AAAA, a wildcard, a CNAME) plus its case's own, so each question has an answer, an
NXDOMAIN and a NODATA in every zone.

Beside it, Unbounds whose clock libfaketime sets wrong (SKEWED) answer for the same tree, so
a test can compare how mailhop and Unbound judge it from a computer whose clock is off.

It runs as the lab part "signers" (tests.lab.lab.PARTS); `start_world()` brings it up alone
for a test session whose lab was started before this part existed.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import enum
import functools
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdatatype

from . import procs
from .lab import ComponentState, LabContext, LabInfo
from .procs import LabError

AUTHORITATIVE = "127.0.214.1"  # knotd: the whole tree
RESOLVER = "127.0.214.2"  # Unbound, validating from this tree's root
# More Unbounds under libfaketime, each with a wrong clock: how a validator on a laptop whose
# clock is off judges the same tree (name -> address, faketime offset).
SKEWED = {
    "behind-2h": ("127.0.214.3", "-2h"),  # within the skew a validator allows
    "behind-3d": ("127.0.214.4", "-3d"),  # before the root's signatures begin
    "ahead-20d": ("127.0.214.5", "+20d"),  # after Knot's 14-day signatures end
}
HOST = "127.0.214.10"  # every A record (nothing listens: only DNS is asked)
NS_NAME = "ns.test."
TTL = 300
START_TIMEOUT = 20.0
HOUR, DAY = 3600, 86400
TLSA_DIGEST = "8f43288ad272f3103b6fb1428485ea3014c0bcfe1f1b6ffc7c4a5c5b2f5e1b7a"
ALIAS_TLSA_DIGEST = "a1" * 32  # TLSA at an alias's own name, told apart from its target's

T = dns.rdatatype.RdataType


class Signer(enum.Enum):
    KNOT = "Knot (automatic signing)"
    KNOT_ONLINE = "Knot mod-onlinesign (each answer signed as it is sent, 'black lies')"
    BIND = "BIND dnssec-signzone"
    LDNS = "ldns-signzone"
    NONE = "unsigned"


@dataclass(frozen=True, slots=True)
class Nsec3:
    iterations: int = 0
    salt_octets: int = 0
    opt_out: bool = False


@dataclass(frozen=True, slots=True)
class ZoneSpec:
    """One zone of the tree and how it is signed."""

    origin: str
    signer: Signer
    algorithms: tuple[int, ...] = (13,)  # two: an algorithm rollover, both sign everything
    split: bool = False  # a KSK and a ZSK per algorithm instead of one CSK
    ksks: int = 1  # two: a KSK rollover with both keys' DS at the parent
    nsec3: Nsec3 | None = None
    ds: str = "all"  # "all"; "newest-algorithm" (rollover); "no-key" (DS of a key not in the zone)
    validity: tuple[int, int] | None = None  # (inception, expiration) from now, seconds
    records: str = ""  # zone-file lines beyond MAIL_RECORDS (relative names)
    mail: bool = True  # holds MAIL_RECORDS
    children: tuple[str, ...] = ()  # unsigned zones delegated from this one, without DS

    @property
    def name(self) -> dns.name.Name:
        return dns.name.from_text(self.origin)

    @property
    def file_name(self) -> str:
        return "root.zone" if self.origin == "." else f"{self.origin.rstrip('.')}.zone"


MAIL_RECORDS = f"""\
@ MX 10 mx
mx A {HOST}
_25._tcp.mx TLSA 3 1 1 {TLSA_DIGEST}
_submissions._tcp SRV 0 1 465 mx
_imaps._tcp SRV 0 1 993 mx
_mta-sts TXT "v=STSv1; id=20261203"
mta-sts A {HOST}
mta-sts AAAA ::1
*.wild MX 10 mx
*.wild TXT "expanded from a wildcard"
alias CNAME mx
"""

# What a person might meet: the algorithms of RFC 8624 section 3.1 that a zone may use, the
# NSEC3 parameters seen in the wild, rollovers caught half-way, and the usual mistakes.
ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec(".", Signer.KNOT, (8,), split=True, mail=False),
    ZoneSpec("test.", Signer.KNOT, (13,), nsec3=Nsec3(opt_out=True), mail=False),
    ZoneSpec(
        "knot-rsa.test.",
        Signer.KNOT,
        (8,),
        split=True,
        children=("plain.knot-rsa.test.",),
        records=f"""\
to-plain CNAME mx.plain.test.
to-signed CNAME mx.knot-ecdsa.test.
to-bogus CNAME mx.ldns-expired.test.
to-p384 CNAME to-ed25519
to-ed25519 CNAME mx.knot-ed25519.test.
mail DNAME knot-ecdsa.test.
mx-alias CNAME mx.knot-ecdsa.test.
mx-alias2 CNAME mta-sts.knot-ecdsa.test.
_25._tcp.mx-alias2 TLSA 3 1 1 {ALIAS_TLSA_DIGEST}
half-alias CNAME mx.plain.test.
_25._tcp.half-alias TLSA 3 1 1 {ALIAS_TLSA_DIGEST}
""",
    ),
    ZoneSpec("knot-ecdsa.test.", Signer.KNOT, (13,), nsec3=Nsec3(iterations=10, salt_octets=8)),
    ZoneSpec(
        "knot-p384.test.",
        Signer.KNOT,
        (14,),
        nsec3=Nsec3(opt_out=True),
        children=("plain.knot-p384.test.",),
    ),
    ZoneSpec("knot-ed25519.test.", Signer.KNOT, (15,), split=True),
    ZoneSpec("knot-ed448.test.", Signer.KNOT, (16,), nsec3=Nsec3()),
    ZoneSpec(
        "knot-iter.test.",
        Signer.KNOT,
        (13,),
        nsec3=Nsec3(iterations=200, salt_octets=4),
        children=("plain.knot-iter.test.",),
    ),
    ZoneSpec("knot-keyroll.test.", Signer.KNOT, (13,), split=True, ksks=2),
    ZoneSpec("knot-algroll.test.", Signer.KNOT, (8, 13), split=True, ds="newest-algorithm"),
    ZoneSpec("knot-wrongds.test.", Signer.KNOT, (13,), ds="no-key"),
    # A missing name is answered NODATA with an NSEC made up for it (RFC 4470's minimally
    # covering records taken to the limit): no NXDOMAIN exists in this zone.
    ZoneSpec("knot-online.test.", Signer.KNOT_ONLINE, (13,)),
    ZoneSpec(
        "bind-ecdsa.test.",
        Signer.BIND,
        (13,),
        split=True,
        nsec3=Nsec3(iterations=5, salt_octets=8),
        children=("plain.bind-ecdsa.test.",),
    ),
    ZoneSpec("bind-rsa.test.", Signer.BIND, (8,), split=True),
    ZoneSpec("ldns-ed25519.test.", Signer.LDNS, (15,)),
    ZoneSpec("ldns-iter.test.", Signer.LDNS, (13,), nsec3=Nsec3(iterations=300, salt_octets=8)),
    ZoneSpec("ldns-expired.test.", Signer.LDNS, (13,), validity=(-30 * DAY, -10 * DAY)),
    # Inside a validator's clock-skew allowance (Unbound: a tenth of the signature's
    # lifetime, at least val-sig-skew-min = 1 h, at most val-sig-skew-max = 24 h).
    ZoneSpec("ldns-expiring.test.", Signer.LDNS, (13,), validity=(-10 * DAY, -30 * 60)),
    ZoneSpec("ldns-early.test.", Signer.LDNS, (13,), validity=(30 * 60, 10 * DAY)),
    ZoneSpec(
        "plain.test.",
        Signer.NONE,
        records="to-signed CNAME mx.knot-rsa.test.\n",
    ),
    ZoneSpec("plain.knot-rsa.test.", Signer.NONE),
    ZoneSpec("plain.knot-p384.test.", Signer.NONE),
    ZoneSpec("plain.knot-iter.test.", Signer.NONE),
    ZoneSpec("plain.bind-ecdsa.test.", Signer.NONE),
)

_KNOT_ALGORITHMS = {
    8: "rsasha256",
    13: "ecdsap256sha256",
    14: "ecdsap384sha384",
    15: "ed25519",
    16: "ed448",
}
_BIND_ALGORITHMS = {8: "RSASHA256", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519"}
_LDNS_ALGORITHMS = {8: "RSASHA256", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519"}


def spec(origin: str) -> ZoneSpec:
    return next(z for z in ZONES if z.origin == origin)


def parent_of(item: ZoneSpec) -> ZoneSpec:
    deeper = [z for z in ZONES if z is not item and item.name.is_subdomain(z.name)]
    return max(deeper, key=lambda z: len(z.name))


def with_children(item: ZoneSpec) -> list[ZoneSpec]:
    """The zones delegated from `item`: its signed cases and its unsigned children."""
    return [z for z in ZONES if z.origin != "." and parent_of(z) is item]


# -- preparing the zones ----------------------------------------------------------------


@dataclass(slots=True)
class _Work:
    folder: Path
    knot_conf: Path
    ds: dict[str, list[str]] = field(default_factory=dict)  # origin -> DS lines for the parent

    @property
    def zones(self) -> Path:
        return self.folder / "zones"

    @property
    def keys(self) -> Path:
        return self.folder / "keys"


def _zone_text(item: ZoneSpec, work: _Work, serial: int) -> str:
    lines = [
        f"$ORIGIN {item.origin}",
        f"$TTL {TTL}",
        f"@ SOA {NS_NAME} hostmaster.test. {serial} 3600 600 86400 {TTL}",
        f"@ NS {NS_NAME}",
    ]
    if item.mail:
        lines.append(MAIL_RECORDS)
    lines.append(item.records)
    if item.origin == ".":
        lines.append(f"{NS_NAME} A {AUTHORITATIVE}")  # glue for test.
    if item.origin == "test.":
        lines.append(f"ns A {AUTHORITATIVE}")
    for child in with_children(item):
        lines.append(f"{child.origin} NS {NS_NAME}")
        lines += [f"{child.origin} {line}" for line in work.ds.get(child.origin, [])]
    return "\n".join(lines) + "\n"


def _run(argv: Sequence[str], *, cwd: Path | None = None) -> str:
    """A signer's tool; a failure is a LabError with its output."""
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=60, check=False, cwd=cwd
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LabError(f"{argv[0]}: {exc}") from exc
    if done.returncode != 0:
        raise LabError(f"{' '.join(argv)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def _ds_lines(text: str) -> list[str]:
    """`DS ...` rdata from a tool's output (`OWNER [TTL] [IN] DS tag alg type digest`)."""
    found = re.findall(r"\bDS\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9A-Fa-f ]+)", text)
    return [f"DS {tag} {alg} {kind} {digest.replace(' ', '')}" for tag, alg, kind, digest in found]


def _knot_keys(item: ZoneSpec, work: _Work) -> list[str]:
    conf = str(work.knot_conf)
    for algorithm in item.algorithms:
        name = _KNOT_ALGORITHMS[algorithm]
        for _ in range(item.ksks):
            kind = ["ksk=yes"] if item.split else ["ksk=yes", "zsk=yes"]
            _run(["keymgr", "-c", conf, item.origin, "generate", f"algorithm={name}", *kind])
        if item.split:
            _run(["keymgr", "-c", conf, item.origin, "generate", f"algorithm={name}"])
    lines = [line for line in _ds_lines(_run(["keymgr", "-c", conf, item.origin, "ds"]))]
    return [line for line in lines if line.split()[3] == "2"]  # SHA-256 digests, as TLDs take


def _bind_keys(item: ZoneSpec, folder: Path) -> list[str]:
    """dnssec-keygen's keys in `folder`; DS lines for the KSKs (or CSK)."""
    folder.mkdir(parents=True, exist_ok=True)
    ds: list[str] = []
    for algorithm in item.algorithms:
        name = _BIND_ALGORITHMS[algorithm]
        ksk = _run(
            ["dnssec-keygen", "-q", "-K", str(folder), "-a", name, "-f", "KSK", item.origin]
        ).strip()
        ds += _ds_lines(_run(["dnssec-dsfromkey", "-2", str(folder / f"{ksk}.key")]))
        if item.split:
            _run(["dnssec-keygen", "-q", "-K", str(folder), "-a", name, item.origin])
    return ds


def _ldns_keys(item: ZoneSpec, folder: Path) -> tuple[list[str], list[str]]:
    """ldns-keygen's keys in `folder`: (key base names, DS lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases: list[str] = []
    ds: list[str] = []
    for algorithm in item.algorithms:
        name = _LDNS_ALGORITHMS[algorithm]
        base = _run(["ldns-keygen", "-a", name, "-k", item.origin], cwd=folder).strip()
        bases.append(str(folder / base))
        ds += _ds_lines((folder / f"{base}.ds").read_text())
    return bases, ds


def _stranger_ds(item: ZoneSpec, work: _Work) -> list[str]:
    """The DS of a key made for the zone's name but never put into the zone."""
    return _bind_keys(ZoneSpec(item.origin, Signer.BIND), work.keys / "stranger" / item.origin)


def _sign_bind(item: ZoneSpec, work: _Work, unsigned: Path, now: int) -> None:
    keys = work.keys / item.origin
    argv = ["dnssec-signzone", "-q", "-S", "-K", str(keys), "-o", item.origin]
    argv += ["-f", str(work.zones / item.file_name)]
    if item.nsec3 is not None:
        salt = "-" if not item.nsec3.salt_octets else "aa" * item.nsec3.salt_octets
        argv += ["-3", salt, "-H", str(item.nsec3.iterations)]
        if item.nsec3.opt_out:
            argv.append("-A")
    if item.validity is not None:
        argv += ["-s", str(now + item.validity[0]), "-e", str(now + item.validity[1])]
    argv.append(str(unsigned))
    _run(argv, cwd=keys)


def _sign_ldns(item: ZoneSpec, work: _Work, unsigned: Path, bases: Sequence[str], now: int) -> None:
    argv = ["ldns-signzone", "-o", item.origin, "-f", str(work.zones / item.file_name)]
    if item.nsec3 is not None:
        argv += ["-n", "-t", str(item.nsec3.iterations)]
        if item.nsec3.salt_octets:
            argv += ["-s", "bb" * item.nsec3.salt_octets]
        if item.nsec3.opt_out:
            argv.append("-p")
    if item.validity is not None:
        argv += ["-i", str(now + item.validity[0]), "-e", str(now + item.validity[1])]
    _run([*argv, str(unsigned), *bases])


def _prepare(item: ZoneSpec, work: _Work, now: int) -> None:
    """Make `item`'s keys, write (and for BIND and ldns, sign) its file, keep its DS."""
    unsigned = work.folder / "unsigned" / item.file_name
    unsigned.parent.mkdir(exist_ok=True)
    text = _zone_text(item, work, now)
    if item.signer in (Signer.KNOT, Signer.KNOT_ONLINE):
        ds = _knot_keys(item, work)
        (work.zones / item.file_name).write_text(text)
    elif item.signer is Signer.BIND:
        ds = _bind_keys(item, work.keys / item.origin)
        unsigned.write_text(text)
        _sign_bind(item, work, unsigned, now)
    elif item.signer is Signer.LDNS:
        bases, ds = _ldns_keys(item, work.keys / item.origin)
        unsigned.write_text(text)
        _sign_ldns(item, work, unsigned, bases, now)
    else:
        ds = []
        (work.zones / item.file_name).write_text(text)
    if item.ds == "newest-algorithm":
        ds = [line for line in ds if int(line.split()[2]) == item.algorithms[-1]]
    elif item.ds == "no-key":
        ds = _stranger_ds(item, work)
    work.ds[item.origin] = ds


# -- daemons ------------------------------------------------------------------------------


def knot_config(folder: Path) -> str:
    policies = []
    zones = []
    for item in ZONES:
        if item.signer not in (Signer.KNOT, Signer.KNOT_ONLINE):
            zones.append(f'  - domain: "{item.origin}"\n    file: "{item.file_name}"\n')
            continue
        policy = [
            f"  - id: p{len(policies)}",
            "    manual: on",  # keys from keymgr, made before Knot starts
            f"    algorithm: {_KNOT_ALGORITHMS[item.algorithms[0]]}",
            "    rrsig-lifetime: 14d",
            "    rrsig-refresh: 7d",
        ]
        if item.nsec3 is not None:
            policy += [
                "    nsec3: on",
                f"    nsec3-iterations: {item.nsec3.iterations}",
                f"    nsec3-salt-length: {item.nsec3.salt_octets}",
                f"    nsec3-opt-out: {'on' if item.nsec3.opt_out else 'off'}",
            ]
        signing = (
            f"    module: mod-onlinesign/o{len(policies)}\n"
            if item.signer is Signer.KNOT_ONLINE
            else f"    dnssec-signing: on\n    dnssec-policy: p{len(policies)}\n"
        )
        zones.append(f'  - domain: "{item.origin}"\n    file: "{item.file_name}"\n{signing}')
        policies.append("\n".join(policy) + "\n")
    online = "".join(f"  - id: o{i}\n    policy: p{i}\n" for i in range(len(policies)))
    return f"""\
server:
    rundir: "{folder / "knot-run"}"
    listen: {AUTHORITATIVE}@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

database:
    storage: "{folder / "knot-db"}"

log:
  - target: stderr
    any: info

policy:
{"".join(policies)}
mod-onlinesign:
{online}
template:
  - id: default
    storage: "{folder / "zones"}"
    dnssec-signing: off
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none

zone:
{"".join(zones)}"""


def unbound_config(folder: Path, interface: str, hints: Path, anchor: Path) -> str:
    return f"""\
server:
    interface: {interface}
    port: 53
    access-control: 127.0.0.0/8 allow
    do-ip6: no
    num-threads: 1
    incoming-num-tcp: 100  # a test asks hundreds of questions at once; some fall back to TCP
    so-reuseport: no
    chroot: ""
    username: ""
    directory: "{folder}"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 1
    val-log-level: 2
    log-servfail: yes
    ede: yes
    module-config: "validator iterator"
    root-hints: "{hints}"
    trust-anchor-file: "{anchor}"
    trust-anchor-signaling: no
    do-not-query-localhost: no
    local-zone: "test." nodefault
    qname-minimisation: yes
    cache-max-ttl: 300
    cache-max-negative-ttl: 60

remote-control:
    control-enable: no
"""


def _ask(server: str, name: str, rdtype: T) -> dns.message.Message | None:
    query = dns.message.make_query(name, rdtype, want_dnssec=True)
    try:
        return dns.query.udp(query, server, timeout=0.1)
    except (dns.exception.Timeout, OSError):
        return None


def _loaded(origin: str) -> dns.message.Message | None:
    answer = _ask(AUTHORITATIVE, origin, T.SOA)
    return answer if answer is not None and answer.flags & dns.flags.AA else None


def _validating() -> dns.message.Message | None:
    answer = _ask(RESOLVER, "test.", T.SOA)
    return answer if answer is not None and answer.flags & dns.flags.AD else None


def missing_tools() -> list[str]:
    tools = ("knotd", "keymgr", "unbound", "dnssec-keygen", "dnssec-signzone", "ldns-signzone")
    tools += ("faketime",)
    return [tool for tool in tools if shutil.which(tool) is None]


def start_world(folder: Path) -> ComponentState:
    """Prepare every zone, start knotd and Unbound; the state's facts name the anchor."""
    if missing := missing_tools():
        raise LabError(
            f"the real-signer zones need {', '.join(missing)}: run installer/debian-dev-setup.sh"
        )
    began = time.monotonic()
    shutil.rmtree(folder, ignore_errors=True)
    work = _Work(folder, folder / "knot.conf")
    for sub in (work.zones, work.keys, folder / "knot-run", folder / "knot-db"):
        sub.mkdir(parents=True)
    work.knot_conf.write_text(knot_config(folder))
    now = int(time.time())
    # Children before parents (a parent's file carries their DS); the zones of one depth at
    # once, since the signers' tools spend most of the start-up time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for depth in sorted({len(z.name) for z in ZONES}, reverse=True):
            level = [z for z in ZONES if len(z.name) == depth]
            list(pool.map(lambda item: _prepare(item, work, now), level))
    anchor = folder / "root-anchor.ds"
    anchor.write_text("".join(f". {TTL} IN {line}\n" for line in work.ds["."]))
    hints = folder / "root.hints"
    hints.write_text(f". {TTL} IN NS {NS_NAME}\n{NS_NAME} {TTL} IN A {AUTHORITATIVE}\n")
    unbound_conf = folder / "unbound.conf"
    unbound_conf.write_text(unbound_config(folder, RESOLVER, hints, anchor))
    prepared = time.monotonic() - began
    knot_log, unbound_log = folder / "knot.log", folder / "unbound.log"
    pids: list[int] = []
    try:
        pids.append(procs.spawn(["knotd", "-c", str(work.knot_conf)], knot_log))
        for item in ZONES:
            procs.wait_until_ready(
                functools.partial(_loaded, item.origin),
                "knotd",
                pids[0],
                knot_log,
                timeout=START_TIMEOUT,
            )
        pids.insert(0, procs.spawn(["unbound", "-d", "-c", str(unbound_conf)], unbound_log))
        procs.wait_until_ready(_validating, "unbound", pids[0], unbound_log, timeout=START_TIMEOUT)
        for name, (address, offset) in SKEWED.items():
            conf, log = folder / f"unbound-{name}.conf", folder / f"unbound-{name}.log"
            conf.write_text(unbound_config(folder, address, hints, anchor))
            argv = ["faketime", "-f", offset, "unbound", "-d", "-c", str(conf)]
            pids.insert(0, procs.spawn(argv, log))
            # Any answer will do: with the clock days off, every answer is SERVFAIL.
            probe = functools.partial(_ask, address, "test.", T.SOA)
            procs.wait_until_ready(probe, f"unbound ({name})", pids[0], log, timeout=START_TIMEOUT)
    except BaseException:
        for pid in pids:
            procs.stop(pid)
        raise
    return ComponentState(
        pids=tuple(pids),
        facts={
            "resolver": RESOLVER,
            **{f"resolver_{name}": address for name, (address, _) in SKEWED.items()},
            "authoritative": AUTHORITATIVE,
            "trust_anchor_file": str(anchor),
            "zones_dir": str(work.zones),
            "knot_log": str(knot_log),
            "unbound_log": str(unbound_log),
            "prepare_seconds": f"{prepared:.3f}",
            "start_seconds": f"{time.monotonic() - began:.3f}",
        },
    )


@contextlib.contextmanager
def world(lab: LabInfo, folder: Path) -> Iterator[Mapping[str, str]]:
    """The tree's facts: the lab's own part if it runs one, else a tree started in `folder`
    for the caller (a lab brought up before this part existed)."""
    if "signers" in lab.components:
        yield lab.components["signers"].facts
        return
    state = start_world(folder)
    try:
        yield state.facts
    finally:
        for pid in state.pids:
            procs.stop(pid)


class SignersComponent:
    name = "signers"

    def start(self, ctx: LabContext) -> ComponentState:
        return start_world(ctx.workdir / "signers")

    def stop(self, ctx: LabContext, state: ComponentState) -> None:
        """Nothing beyond the SIGTERM lab.py sends to the pids; the files go with the workdir."""


COMPONENT = SignersComponent()
