"""Thunderbird ESR, headless, reads mailhop's exported user.js and meets the lab's Dovecot.

tests/core/test_real_clients.py runs both parts as tests; this module also runs them by hand
and prints the evidence (Thunderbird's socket, Dovecot's log lines, the IMAP commands). It
needs Thunderbird (Debian package `thunderbird`) and NSS's certutil and pk12util
(`libnss3-tools`). The second part reconfigures the running lab's Dovecot for a few seconds,
so run it in a lab of your own, never one somebody else's tests are using at the same time:

    export MAILHOP_LAB_NETNS_NAME=mh-tb MAILHOP_LAB_DIR=/run/mailhop-lab-tb
    .venv/bin/python -m tests.lab exec -- \\
        .venv/bin/python -m tests.realclients.thunderbird_headless

It exits 0 when both parts showed what they must, 1 otherwise, and prints the evidence.

1. Password profile: a fresh profile holding the exported user.js exactly as a person gets it
   for alice@healthy.test, plus the lab CA in its cert9.db (certutil) and one harness pref
   (`offline.autoDetect = false`: in the loopback-only namespace Thunderbird would otherwise
   decide it is offline and never connect). Thunderbird connects to the exported host and
   port with the exported TLS mode and then waits for a password nobody can type: headless
   Thunderbird has no password prompt and its password store cannot be filled from outside.
   Shown by the socket table (`ss`: thunderbird's connection to host:port) and by Dovecot's
   log (a TLS connection from the lab host's address with no login attempt).
2. Client certificate variant of the same profile: the same user.js with authMethod 7 (TLS
   client certificate, SASL EXTERNAL), a certificate for alice from a throwaway CA imported
   with pk12util, and the lab's Dovecot temporarily told to trust that CA and offer EXTERNAL
   (restored afterwards; offering EXTERNAL globally would change what every other lab test
   sees). Thunderbird logs in, lists and selects INBOX: shown by Dovecot's log (Login ...
   method=EXTERNAL ... TLS) and by its decrypted session recording (LIST, SELECT "INBOX").
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mailhop.core.account.account import choose, profile_from_check
from mailhop.core.account.profile import AccountProfile
from mailhop.core.common.address import parse_address
from mailhop.core.common.model import Security
from mailhop.core.export.thunderbird import user_js
from mailhop.core.run.check import check
from tests.core.run.test_discovery import options
from tests.lab import lab as lab_module
from tests.lab import netns
from tests.lab.lab import LabInfo
from tests.lab.mail import MailPaths

ADDRESS = "alice@healthy.test"
TOOLS = ("thunderbird", "certutil", "pk12util", "ss")
# Harness prefs, not account settings: the namespace has no network interface but loopback.
HARNESS_PREFS = ('user_pref("offline.autoDetect", false);',)
# Thunderbird asks which client certificate to send unless told to choose by itself.
CERT_PREFS = ('user_pref("security.default_personal_cert", "Select Automatically");',)
TLS_CLIENT_CERT = 7  # nsMsgAuthMethod.External: SASL EXTERNAL with the TLS client certificate


@dataclass
class Outcome:
    name: str
    ok: bool
    seconds: float
    evidence: list[str]


class LogTail:
    """What a log file gained since this object was made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size

    def new(self) -> str:
        with self.path.open("rb") as file:
            file.seek(self.offset)
            return file.read().decode("utf-8", "replace")


def alice_profile(lab: LabInfo) -> AccountProfile:
    address = parse_address(ADDRESS, allow_test_domains=True)
    report = asyncio.run(check(address, options(lab)))
    return profile_from_check(report, choose(report), usernames_used=(ADDRESS, ADDRESS))


def make_profile(folder: Path, user_js_text: str, lab: LabInfo, p12: Path | None = None) -> Path:
    """A new Thunderbird profile: user.js, an NSS database trusting the lab CA (and a client
    certificate, if given). Nothing else: Thunderbird creates the rest on first start."""
    folder.mkdir(parents=True)
    (folder / "user.js").write_text(user_js_text)
    db = f"sql:{folder}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, timeout=30)
    trust = ["certutil", "-A", "-d", db, "-n", "mailhop lab root", "-t", "C,,", "-i"]
    subprocess.run([*trust, str(lab.ca_file)], check=True, timeout=30)
    if p12 is not None:
        subprocess.run(
            ["pk12util", "-i", str(p12), "-d", db, "-W", "", "-K", ""],
            check=True,
            timeout=30,
            capture_output=True,
        )
    return folder


@contextmanager
def thunderbird(profile: Path, home: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Thunderbird headless on `profile`, in its own process group, stopped on exit."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
    }
    env.update({"HOME": str(home), "MOZ_CRASHREPORTER_DISABLE": "1"})
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["thunderbird", "--headless", "--no-remote", "--profile", str(profile)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM Thunderbird's process group (it started it), SIGKILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


T = TypeVar("T")


def wait_for(probe: Callable[[], T], timeout: float, step: float = 0.2) -> T:
    """probe()'s first true answer, or its last answer once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(step)


def host_address(lab: LabInfo, host: str) -> str:
    for item in lab.scenarios:
        for entry in item.hosts:
            if entry.name == host:
                return entry.address
    raise KeyError(host)


def thunderbird_sockets(address: str, port: int) -> list[str]:
    """Established TCP connections to address:port owned by a Thunderbird process."""
    return [line for line in _established("dst", address, port) if "thunderbird" in line]


def _established(end: str, address: str, port: int) -> list[str]:
    table = subprocess.run(
        ["ss", "-Htnp", "state", "established", end, f"{address}:{port}"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    return [line.strip() for line in table.splitlines()]


# An ss line: Recv-Q Send-Q local:port peer:port users:(("name",pid=N,fd=M)...)
_SS_LINE = re.compile(r"^\d+\s+\d+\s+(\S+):(\d+)\s+(\S+):(\d+)\s+users:\(\(\"([^\"]+)\",pid=(\d+)")


class Connections:
    """Thunderbird's own connections to the lab's Dovecot, told apart from everybody else's.

    The lab is shared: while Thunderbird runs, other tests' probes and logins reach the same
    Dovecot, even the same host (mailhop's own IMAP and POP3 probes of alice@healthy.test
    start with "M2 STARTTLS" or "CAPA"). Counting every recording and log line since the
    start made this test fail for others' connections. So Thunderbird's connections are
    named by their client ports (ss, sampled while it runs), Dovecot's log lines by the
    client port inside their session ID, and its wire recordings by the imap-login process
    that held the server side of those connections (ss again: the recordings are named
    <time>.<pid>.<n>.in)."""

    def __init__(self, address: str, port: int) -> None:
        self.address, self.port = address, port
        self.client_ports: set[int] = set()
        self.login_pids: set[int] = set()

    def sample(self) -> list[str]:
        """Thunderbird's sockets now (ss lines); remembers their ports and server processes."""
        mine = thunderbird_sockets(self.address, self.port)
        ports = {int(m.group(2)) for line in mine if (m := _SS_LINE.match(line))}
        self.client_ports |= ports
        for line in _established("src", self.address, self.port):
            m = _SS_LINE.match(line)
            if m and int(m.group(4)) in ports and m.group(5).endswith("-login"):
                self.login_pids.add(int(m.group(6)))
        return mine

    def owns(self, log_line: str) -> bool:
        """A Dovecot login log line about one of Thunderbird's connections."""
        found = re.search(r"session=<([A-Za-z0-9+/]+)>", log_line)
        return bool(found) and session_port(found.group(1)) in self.client_ports


def session_port(session: str) -> int | None:
    """The client port inside a Dovecot 2.3 login session ID: base64 (no padding) of the
    timestamp's low 48 bits, the remote port little-endian, then the remote IP address
    (login-common/client-common.c, client_get_session_id)."""
    try:
        raw = base64.b64decode(session + "=" * (-len(session) % 4))
    except ValueError:
        return None
    return int.from_bytes(raw[6:8], "little") if len(raw) >= 8 else None


# -- part 1: the exported profile as it is -------------------------------------------------


def part_one(lab: LabInfo, profile: AccountProfile, work: Path, seconds: float) -> Outcome:
    incoming = profile.incoming
    address = host_address(lab, incoming.host)
    text = user_js(profile)
    folder = make_profile(work / "password", text + "\n".join(HARNESS_PREFS) + "\n", lab)
    dovecot = LogTail(Path(lab.fact("mail", "dovecot_log")))
    began = time.monotonic()
    since = time.time()
    evidence = [
        "exported: " + line
        for line in text.splitlines()
        if re.match(
            r'user_pref\("mail\.server\.server1\.(hostname|port|socketType|authMethod)"', line
        )
    ]
    connections = Connections(address, incoming.port)
    with thunderbird(folder, work / "home-password", work / "thunderbird-password.log"):
        sockets = wait_for(connections.sample, seconds)
        connected = time.monotonic() - began
        evidence += [f"ss after {connected:.1f} s: {line}" for line in sockets]
        # TLS done, capabilities read, waiting for the password; a reconnection is seen too
        for _ in range(5):
            time.sleep(0.2)
            connections.sample()

    def from_thunderbird() -> list[str]:  # Dovecot logs a connection when it ends
        return [
            line
            for line in dovecot.new().splitlines()
            if "imap-login:" in line and f"lip={address}," in line and connections.owns(line)
        ]

    wait_for(lambda: len(from_thunderbird()) >= len(connections.client_ports), 5)
    lines = from_thunderbird()
    evidence += [f"dovecot: {line}" for line in lines]
    tls = [line for line in lines if re.search(r"user=<>, .*\bTLS\b", line)]
    logins = [line for line in lines if "Login: user=" in line]
    ok = bool(sockets) and bool(tls) and not logins
    if incoming.security is Security.IMPLICIT_TLS:
        starts = first_byte_is_tls(lab, since, connections.login_pids)
        evidence.append(
            f"dovecot wire recordings: {len(starts)} start with a TLS handshake byte: {starts}"
        )
        ok = ok and bool(starts) and all(starts)
    return Outcome("exported user.js (password)", ok, time.monotonic() - began, evidence)


def first_byte_is_tls(lab: LabInfo, since: float, pids: set[int]) -> list[bool]:
    """For each connection Dovecot recorded since `since` in one of the login processes
    `pids` (Thunderbird's, Connections): did it start with a TLS record? (0x16, a
    handshake: TLS from the first byte, as on 993; STARTTLS starts with text)."""
    wire = Path(lab.fact("mail", "dovecot_wire_rawlog_dir"))
    found = []
    for path in sorted(wire.glob("*.in")):
        pid = path.name.split(".")[1] if path.name.count(".") >= 3 else ""
        if not (pid.isdigit() and int(pid) in pids):
            continue  # another test's connection (the lab is shared)
        if path.stat().st_mtime >= since and path.stat().st_size:
            # Each rawlog line is "<unix time> <bytes>".
            found.append(path.read_bytes().split(b" ", 1)[1][:1] == b"\x16")
    return found


# -- part 2: the client certificate variant ------------------------------------------------


def client_certificate(work: Path, user: str) -> tuple[Path, Path]:
    """A throwaway CA (PEM, for Dovecot) and a PKCS#12 for `user` (for Thunderbird)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailhop client cert CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(user)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = work / "client-ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    p12 = work / "alice.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"alice", key, leaf, [ca], serialization.NoEncryption()
        )
    )
    return ca_file, p12


EXTERNAL_SETTINGS = (
    "auth_mechanisms = plain login external",
    "ssl_verify_client_cert = yes",
    "ssl_require_crl = no",  # the throwaway CA publishes no CRL
    "auth_ssl_username_from_cert = yes",  # the user name is the certificate's commonName
)


@contextmanager
def dovecot_with_external(lab: LabInfo, client_ca: Path) -> Iterator[None]:
    """The lab's Dovecot, reloaded with SASL EXTERNAL and the client CA; restored after."""
    conf = MailPaths.under(lab.workdir).dovecot_conf
    original = conf.read_text()
    master = lab.components["mail"].pids[0]  # mail.py starts Dovecot first
    log = LogTail(Path(lab.fact("mail", "dovecot_log")))
    changed = original.replace(
        "auth_mechanisms = plain login\n",
        "\n".join([*EXTERNAL_SETTINGS, f"ssl_ca = <{client_ca}"]) + "\n",
    )
    if changed == original:
        raise RuntimeError(f"{conf} has no 'auth_mechanisms = plain login' line to extend")
    # EXTERNAL checks an empty password against the passdbs: the file's passdbs refuse it,
    # this last one, for EXTERNAL only, accepts the user the verified certificate names
    # (who must still exist in the userdb).
    changed += "passdb {\n  driver = static\n  mechanisms = external\n  args = nopassword=y\n}\n"
    try:
        conf.write_text(changed)
        reload_dovecot(master, log)
        yield
    finally:
        conf.write_text(original)
        reload_dovecot(master, LogTail(log.path))


def reload_dovecot(master: int, log: LogTail) -> None:
    os.kill(master, signal.SIGHUP)
    if not wait_for(lambda: "reloading configuration" in log.new(), 10):
        raise RuntimeError("Dovecot did not reload: " + log.new())
    time.sleep(1)  # the new login processes take over


def part_two(lab: LabInfo, profile: AccountProfile, work: Path, seconds: float) -> Outcome:
    incoming = profile.incoming
    address = host_address(lab, incoming.host)
    client_ca, p12 = client_certificate(work, incoming.username)
    text = user_js(profile)
    method = re.compile(r'user_pref\("mail\.server\.server1\.authMethod", \d+\);')
    variant, replaced = method.subn(
        f'user_pref("mail.server.server1.authMethod", {TLS_CLIENT_CERT});', text
    )
    if replaced != 1:
        raise RuntimeError("the exported user.js has no incoming authMethod pref")
    folder = make_profile(
        work / "certificate", variant + "\n".join([*HARNESS_PREFS, *CERT_PREFS]) + "\n", lab, p12
    )
    evidence = [f"variant: authMethod {TLS_CLIENT_CERT}, certificate CN={incoming.username}"]
    sessions = Path(lab.fact("mail", "dovecot_session_rawlog_dir"))
    with dovecot_with_external(lab, client_ca):
        dovecot = LogTail(Path(lab.fact("mail", "dovecot_log")))
        began = time.monotonic()
        since = time.time()
        login = re.compile(
            rf"imap-login: Info: Login: user=<{re.escape(incoming.username)}>, "
            rf"method=EXTERNAL, .*lip={re.escape(address)},.*\bTLS\b"
        )
        with thunderbird(folder, work / "home-certificate", work / "thunderbird-cert.log"):
            found = wait_for(lambda: login.search(dovecot.new()), seconds)
            logged_in = time.monotonic() - began
            selected = wait_for(lambda: selected_inbox(sessions, since), 15)
            elapsed = time.monotonic() - began
    evidence += [
        f"dovecot after {logged_in:.1f} s: {line}"
        for line in dovecot.new().splitlines()
        if "Login: user=" in line or ("imap-login" in line and "Disconnected" in line)
    ]
    evidence += [f"session after {elapsed:.1f} s: {line}" for line in selected]
    return Outcome(
        "client certificate variant (SASL EXTERNAL)", bool(found and selected), elapsed, evidence
    )


def selected_inbox(sessions: Path, since: float) -> list[str]:
    """The LIST and SELECT "INBOX" commands of IMAP sessions recorded since `since`."""
    commands = []
    for path in sorted(sessions.glob("*.in")):
        if path.stat().st_mtime < since:
            continue
        for line in path.read_text(errors="replace").splitlines():
            words = line.split(" ", 2)
            if len(words) == 3 and re.match(r"(?i)(list|select) ", words[2]):
                commands.append(words[2])
    has_select = any(re.match(r'(?i)select "?INBOX"?', c) for c in commands)
    return commands if has_select and any(c.lower().startswith("list") for c in commands) else []


# -- running it ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=45, help="wait per part (default 45)")
    parser.add_argument("--keep", action="store_true", help="keep the profiles and logs")
    args = parser.parse_args(argv)
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install thunderbird libnss3-tools)")
        return 1
    if not netns.inside():
        print("run it inside the lab's namespace: python -m tests.lab exec -- ... (see --help)")
        return 1
    lab = lab_module.running() or lab_module.up()
    work = Path(tempfile.mkdtemp(prefix="mailhop-thunderbird-"))
    outcomes = []
    try:
        profile = alice_profile(lab)
        for part in (part_one, part_two):
            outcomes.append(part(lab, profile, work, args.seconds))
    finally:
        if args.keep:
            print(f"profiles and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    version = subprocess.run(
        ["thunderbird", "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    print(version)
    for outcome in outcomes:
        print(f"{'PASS' if outcome.ok else 'FAIL'} {outcome.name} ({outcome.seconds:.1f} s)")
        for line in outcome.evidence:
            print(f"    {line}")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
