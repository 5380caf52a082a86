"""Real mail servers for the lab: one private Dovecot and one private Postfix.

mailhop's login test and STARTTLS handling must meet the servers people actually run, with
their real greetings, capabilities and TLS stacks, so the lab runs Debian's own daemons:

    Dovecot  IMAP 993/143, POP3 995/110, SASL for Postfix, LMTP delivery
    Postfix  submissions 465, submission 587, the SMTP hop on 25

Every scenario host whose `mail` list names a service gets that listener on its own address
only, presenting its own certificate (so a `wrong-name` or `expired` host really serves that
certificate). Users are every scenario's accounts, logging in with the full address. A
message submitted for a lab domain goes to Dovecot over LMTP and can be read back over IMAP
or POP3; anything else is refused (no relaying, `default_transport = error`).

Everything lives under the work folder; the system's /etc/dovecot, /etc/postfix and
/var/spool/postfix are never read or written:

    mail/dovecot/   dovecot.conf, users (passwd-file), run/ (base_dir: sockets), dovecot.log
    mail/maildir/   DOMAIN/USER/Maildir, owned by the system user `mail`
    mail/postfix/   main.cf, master.cf, vmailbox; mail/postfix-queue/, mail/postfix-data/
    recordings/dovecot/   Dovecot rawlogs, a .in and a .out file per connection and process:
      wire/               by the login processes: the bytes on the wire (plaintext up to
                          STARTTLS, ciphertext after it and from the start on 993/995), so a
                          password found here was sent in the clear
      session/            by imap and pop3 after login: the session, decrypted (the login
                          itself is not in it)
    mail/dovecot-oauth/   a second Dovecot for hosts with `oauth_server` (below)
    recordings/postfix.log  Postfix's log: the SMTP dialogue of clients from 127.0.0.1,
                          decrypted, with a "TLS connection established" line where TLS begins

A host with `oauth_server = "accounts.x.test"` takes OAuth2 bearer tokens instead of
passwords (OAUTHBEARER, RFC 7628, and XOAUTH2): its IMAP/POP3 listeners belong to a second
Dovecot instance whose only passdb is `oauth2`, which checks each token by RFC 7662
introspection at that host's authorization server (oauth.py) and names the issuer's
metadata in its SASL error answer (`openid_configuration_url`); its submission listeners use
that instance's SASL socket. A second instance because a Dovecot's mechanism list is global:
offering OAUTHBEARER from the first one would change every other lab host's capabilities.

Gotchas handled here (LAB-NOTES.md): Dovecot keeps the caller's stderr open (its output goes
to a file); a wrong password must answer at once and not slow later logins (a `nodelay`
passdb, anvil's auth penalty socket off); Postfix sleeps 2 s when main.cf is younger than that
(the files are backdated) and prints errors only to a terminal (`postfix check` runs under
`script` when it fails to start); Postfix's master runs in the foreground as our child
(`master -d`, not `postfix start-fg`, which keeps a shell in between and re-runs its integrity
checks), so the lab holds its pid; stopping signals each daemon's whole process group.
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import shutil
import signal
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import oauth, procs
from .lab import ComponentState, LabContext
from .procs import LabError
from .scenario import MAIL_PORTS, Account

POSTFIX_DAEMONS = Path("/usr/lib/postfix/sbin")
MAIL_OWNER = "mail"  # the system user that owns delivered mail
LOGIN_USER = "dovenull"  # Dovecot's login processes run as this user (default_login_user)
TEST_CLIENT = "127.0.0.1"  # where tests connect from (addresses.py): Postfix logs it verbosely

# Dovecot login service -> the scenario services it listens for.
DOVECOT_LOGINS = {"imap": ("imap", "imaps"), "pop3": ("pop3", "pop3s")}
IMPLICIT_TLS = {"imaps", "pop3s", "submissions"}

# Postfix smtpd options per scenario service. Submission needs a login (and TLS before it);
# the SMTP hop takes mail for lab domains from anyone and offers STARTTLS but no AUTH.
SUBMISSION_ONLY = ("smtpd_recipient_restrictions", "permit_sasl_authenticated,reject")
SMTPD_OPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "submissions": (
        ("smtpd_tls_wrappermode", "yes"),
        ("smtpd_tls_security_level", "encrypt"),
        ("smtpd_sasl_auth_enable", "yes"),
        SUBMISSION_ONLY,
    ),
    "submission": (
        ("smtpd_tls_security_level", "encrypt"),
        ("smtpd_tls_auth_only", "yes"),
        ("smtpd_sasl_auth_enable", "yes"),
        SUBMISSION_ONLY,
    ),
    "smtp": (
        ("smtpd_tls_security_level", "may"),
        ("smtpd_sasl_auth_enable", "no"),
    ),
}

# Postfix's internal services, as in Debian's master.cf but chroot off:
# name, type, private, wakeup, maxproc, command.
POSTFIX_INTERNAL = (
    ("cleanup", "unix", "n", "-", "0", "cleanup"),
    ("qmgr", "unix", "n", "300", "1", "qmgr"),
    ("tlsmgr", "unix", "-", "1000?", "1", "tlsmgr"),
    ("rewrite", "unix", "-", "-", "-", "trivial-rewrite"),
    ("bounce", "unix", "-", "-", "0", "bounce"),
    ("defer", "unix", "-", "-", "0", "bounce"),
    ("trace", "unix", "-", "-", "0", "bounce"),
    ("verify", "unix", "-", "-", "1", "verify"),
    ("flush", "unix", "n", "1000?", "0", "flush"),
    ("proxymap", "unix", "-", "-", "-", "proxymap"),
    ("proxywrite", "unix", "-", "-", "1", "proxymap"),
    ("lmtp", "unix", "-", "-", "-", "lmtp"),
    ("error", "unix", "-", "-", "-", "error"),
    ("retry", "unix", "-", "-", "-", "error"),
    ("discard", "unix", "-", "-", "-", "discard"),
    ("anvil", "unix", "-", "-", "1", "anvil"),
    ("scache", "unix", "-", "-", "1", "scache"),
    ("postlog", "unix-dgram", "n", "-", "1", "postlogd"),
)

# The queue layout Postfix expects (its postfix-files): subfolder, owned by mail_owner, mode.
POSTFIX_QUEUE_DIRS = (
    ("active", 0o700),
    ("bounce", 0o700),
    ("corrupt", 0o700),
    ("defer", 0o700),
    ("deferred", 0o700),
    ("flush", 0o700),
    ("hold", 0o700),
    ("incoming", 0o700),
    ("private", 0o700),
    ("saved", 0o700),
    ("trace", 0o700),
    ("maildrop", 0o730),  # group postdrop
    ("public", 0o710),  # group postdrop
)


@dataclass(frozen=True, slots=True)
class MailHost:
    """A scenario host that runs mail services, with the certificate files it presents."""

    name: str
    address: str
    services: tuple[str, ...]
    key_file: Path
    chain_file: Path  # leaf, then intermediate (unless the host's kind leaves it out)
    key_and_chain_file: Path
    oauth_server: str | None = None  # tokens checked there instead of passwords


@dataclass(frozen=True, slots=True)
class MailPaths:
    root: Path  # WORKDIR/mail
    recordings: Path  # WORKDIR/recordings

    @classmethod
    def under(cls, workdir: Path) -> MailPaths:
        return cls(workdir / "mail", workdir / "recordings")

    @property
    def dovecot(self) -> Path:
        return self.root / "dovecot"

    @property
    def dovecot_conf(self) -> Path:
        return self.dovecot / "dovecot.conf"

    @property
    def dovecot_run(self) -> Path:  # base_dir; Unix sockets need short paths, this is short
        return self.dovecot / "run"

    @property
    def dovecot_oauth(self) -> Path:  # the second instance, for OAuth2 hosts
        return self.root / "dovecot-oauth"

    @property
    def dovecot_oauth_conf(self) -> Path:
        return self.dovecot_oauth / "dovecot.conf"

    @property
    def dovecot_oauth_run(self) -> Path:
        return self.dovecot_oauth / "run"

    @property
    def oauth_auth_socket(self) -> Path:
        return self.dovecot_oauth_run / "auth-postfix"

    @property
    def users(self) -> Path:
        return self.dovecot / "users"

    @property
    def maildir(self) -> Path:
        return self.root / "maildir"

    @property
    def rawlog(self) -> Path:
        return self.recordings / "dovecot"

    @property
    def wire_rawlog(self) -> Path:
        return self.rawlog / "wire"

    @property
    def session_rawlog(self) -> Path:
        return self.rawlog / "session"

    @property
    def auth_socket(self) -> Path:  # Dovecot SASL for Postfix
        return self.dovecot_run / "auth-postfix"

    @property
    def lmtp_socket(self) -> Path:
        return self.dovecot_run / "lmtp"

    @property
    def postfix(self) -> Path:  # Postfix's config_directory
        return self.root / "postfix"

    @property
    def postfix_queue(self) -> Path:  # outside the config folder, which must be root's alone
        return self.root / "postfix-queue"

    @property
    def postfix_data(self) -> Path:
        return self.root / "postfix-data"

    @property
    def vmailbox(self) -> Path:
        return self.postfix / "vmailbox"

    @property
    def postfix_log(self) -> Path:
        return self.recordings / "postfix.log"


@dataclass(frozen=True, slots=True)
class MailSetup:
    """Everything the config files are made from."""

    hosts: tuple[MailHost, ...]
    accounts: tuple[Account, ...]
    paths: MailPaths
    mail_uid: int
    mail_gid: int
    ca_file: Path | None = None  # the lab root, for Dovecot's introspection requests
    issuer: oauth.ServerConfig | None = None  # the one authorization server OAuth hosts use

    def addresses_for(self, *services: str, oauth: bool = False) -> list[str]:
        return [
            h.address
            for h in self.hosts
            if any(s in h.services for s in services) and (h.oauth_server is not None) == oauth
        ]

    @property
    def oauth_hosts(self) -> list[MailHost]:
        return [h for h in self.hosts if h.oauth_server is not None]

    @property
    def domains(self) -> list[str]:
        return sorted({a.address.rsplit("@", 1)[1] for a in self.accounts})


def plan(ctx: LabContext) -> MailSetup:
    hosts = []
    for host in ctx.hosts():
        if not host.mail:
            continue
        issued = ctx.pki.for_host(host.name)
        hosts.append(
            MailHost(
                name=host.name,
                address=host.address,
                services=host.mail,
                key_file=issued.key_file,
                chain_file=issued.chain_file,
                key_and_chain_file=issued.key_and_chain_file,
                oauth_server=host.oauth_server,
            )
        )
    servers = {h.oauth_server for h in hosts if h.oauth_server is not None}
    if len(servers) > 1:
        raise LabError(
            f"mail: one authorization server for every OAuth host, not {sorted(servers)}"
        )
    issuer = None
    for name in servers:
        found = [oauth.parse_config(h) for h in ctx.hosts() if h.name == name]
        issuer = found[0] if found else None
        if issuer is None:
            raise LabError(f"mail: oauth_server {name} is no host with an `oauth` table")
    accounts = tuple(a for s in ctx.scenarios for a in s.accounts)
    for account in accounts:
        if account.address.count("@") != 1 or any(c in account.password for c in ":\n"):
            raise LabError(f"mail: account {account.address!r} cannot go into a passwd-file")
    owner = pwd.getpwnam(MAIL_OWNER)
    return MailSetup(
        hosts=tuple(hosts),
        accounts=accounts,
        paths=MailPaths.under(ctx.workdir),
        mail_uid=owner.pw_uid,
        mail_gid=owner.pw_gid,
        ca_file=ctx.pki.ca_file,
        issuer=issuer,
    )


# --- Dovecot -------------------------------------------------------------------------------


def _block(header: str, body: Iterable[str]) -> list[str]:
    return [f"{header} {{", *(f"  {line}" for line in body), "}"]


# RFC 6154 special-use mailboxes, created at the first login (auto = create), so the login
# test's LIST (SPECIAL-USE) has something to read (issue 15). The names are not the ones the
# exports used to guess ("Sent", "Drafts"), and one is not ASCII (modified UTF-7 on the wire):
# only a name read from the server can arrive in an export.
SPECIAL_USE = {"\\Sent": "Sent Messages", "\\Drafts": "Entw\u00fcrfe"}


def _special_use() -> list[str]:
    body = ["inbox = yes"]
    for flag, name in SPECIAL_USE.items():
        body += _block(f'mailbox "{name}"', ["auto = create", f"special_use = {flag}"])
    return _block("namespace inbox", body)


def _listener(name: str, addresses: Sequence[str]) -> list[str]:
    # A listener no host wants keeps its name with port 0: left out, Dovecot would open its
    # built-in default on every address.
    body = [f"address = {', '.join(addresses)}", f"port = {MAIL_PORTS[name] if addresses else 0}"]
    if name in IMPLICIT_TLS:
        body.append("ssl = yes")
    return _block(f"inet_listener {name}", body)


def dovecot_conf(setup: MailSetup) -> str:
    paths = setup.paths
    first = setup.hosts[0]
    lines = [
        "# Generated by tests/lab/mail.py for one lab run; see its docstring.",
        f"base_dir = {paths.dovecot_run}",
        f"state_dir = {paths.dovecot / 'state'}",
        "instance_name = mailhop-lab",
        f"log_path = {paths.dovecot / 'dovecot.log'}",
        "protocols = imap pop3 lmtp",
        "ssl = required",
        "ssl_min_protocol = TLSv1.2",
        # Every listener has its own `local` certificate below; this is only a fallback.
        f"ssl_cert = <{first.chain_file}",
        f"ssl_key = <{first.key_file}",
        "disable_plaintext_auth = yes",
        "login_trusted_networks =",
        "auth_mechanisms = plain login",
        "auth_failure_delay = 0",
        "auth_verbose = yes",
        f"mail_uid = {setup.mail_uid}",
        f"mail_gid = {setup.mail_gid}",
        f"first_valid_uid = {setup.mail_uid}",
        f"first_valid_gid = {setup.mail_gid}",
        "mail_location = maildir:~/Maildir",
        # A failed login is answered at once only if a passdb says `nodelay`; Dovecot 2.3.19
        # otherwise holds it for up to 500 ms even with auth_failure_delay = 0. A passdb that
        # authenticates nobody adds the field before the real one checks the password.
        *_block("passdb", ["driver = static", "args = noauthenticate nodelay=yes"]),
        *_block("passdb", ["driver = passwd-file", f"args = scheme=PLAIN {paths.users}"]),
        *_block("userdb", ["driver = passwd-file", f"args = {paths.users}"]),
        *_special_use(),
        # After login: the imap and pop3 processes record the decrypted session.
        *_block("protocol imap", [f"rawlog_dir = {paths.session_rawlog}"]),
        *_block("protocol pop3", [f"rawlog_dir = {paths.session_rawlog}"]),
    ]
    for login, services in DOVECOT_LOGINS.items():
        body = [
            # Before login: `-R DIR` makes the login process record the bytes on the wire
            # (TLS included). It runs as dovenull and must see DIR, so no chroot.
            f"executable = {login}-login -R {paths.wire_rawlog}",
            "chroot =",
        ]
        for name in services:
            body += _listener(name, setup.addresses_for(name))
        lines += _block(f"service {login}-login", body)
    lines += _block(
        "service auth",
        _block(f"unix_listener {paths.auth_socket.name}", ["mode = 0600", "user = postfix"]),
    )
    lines += _block(
        "service lmtp",
        _block(f"unix_listener {paths.lmtp_socket.name}", ["mode = 0600", "user = postfix"]),
    )
    # Without this socket anvil cannot slow down an address after a failed login.
    lines += _block("service anvil", _block("unix_listener anvil-auth-penalty", ["mode = 0"]))
    for host in setup.hosts:
        lines += _block(
            f"local {host.address}",
            [f"ssl_cert = <{host.chain_file}", f"ssl_key = <{host.key_file}"],
        )
    return "\n".join(lines) + "\n"


def users_file(setup: MailSetup) -> str:
    """passwd-file lines: user:{PLAIN}password:uid:gid::home::"""
    lines = []
    for account in setup.accounts:
        local, domain = account.address.split("@")
        home = setup.paths.maildir / domain / local
        lines.append(
            f"{account.address}:{{PLAIN}}{account.password}:"
            f"{setup.mail_uid}:{setup.mail_gid}::{home}::"
        )
    return "\n".join(lines) + "\n"


def dovecot_oauth_conf(setup: MailSetup) -> str:
    """The second instance: OAuth2 hosts only, every login checked by introspection."""
    paths, issuer = setup.paths, setup.issuer
    assert issuer is not None
    first = setup.oauth_hosts[0]
    lines = [
        "# Generated by tests/lab/mail.py for one lab run; see its docstring.",
        f"base_dir = {paths.dovecot_oauth_run}",
        f"state_dir = {paths.dovecot_oauth / 'state'}",
        "instance_name = mailhop-lab-oauth",
        f"log_path = {paths.dovecot_oauth / 'dovecot.log'}",
        "protocols = imap pop3",
        "ssl = required",
        "ssl_min_protocol = TLSv1.2",
        f"ssl_cert = <{first.chain_file}",
        f"ssl_key = <{first.key_file}",
        "disable_plaintext_auth = yes",
        "login_trusted_networks =",
        "auth_mechanisms = oauthbearer xoauth2",
        "auth_failure_delay = 0",
        "auth_verbose = yes",
        f"mail_uid = {setup.mail_uid}",
        f"mail_gid = {setup.mail_gid}",
        f"first_valid_uid = {setup.mail_uid}",
        f"first_valid_gid = {setup.mail_gid}",
        "mail_location = maildir:~/Maildir",
        *_block("passdb", ["driver = static", "args = noauthenticate nodelay=yes"]),
        *_block(
            "passdb",
            [
                "driver = oauth2",
                "mechanisms = oauthbearer xoauth2",
                f"args = {paths.dovecot_oauth / 'oauth2.conf.ext'}",
            ],
        ),
        *_block("userdb", ["driver = static", f"args = home={paths.maildir}/%d/%n"]),
        *_special_use(),
        *_block("protocol imap", [f"rawlog_dir = {paths.session_rawlog}"]),
        *_block("protocol pop3", [f"rawlog_dir = {paths.session_rawlog}"]),
    ]
    for login, services in DOVECOT_LOGINS.items():
        body = [f"executable = {login}-login -R {paths.wire_rawlog}", "chroot ="]
        for name in services:
            body += _listener(name, setup.addresses_for(name, oauth=True))
        lines += _block(f"service {login}-login", body)
    lines += _block(
        "service auth",
        _block(f"unix_listener {paths.oauth_auth_socket.name}", ["mode = 0600", "user = postfix"]),
    )
    lines += _block("service anvil", _block("unix_listener anvil-auth-penalty", ["mode = 0"]))
    for host in setup.oauth_hosts:
        lines += _block(
            f"local {host.address}",
            [f"ssl_cert = <{host.chain_file}", f"ssl_key = <{host.key_file}"],
        )
    return "\n".join(lines) + "\n"


def dovecot_oauth2_args(setup: MailSetup) -> str:
    """The oauth2 passdb's settings (Dovecot 2.3, doc/example-config/dovecot-oauth2.conf.ext)."""
    issuer = setup.issuer
    assert issuer is not None
    host = issuer.host
    credentials = f"{oauth.INTROSPECTION_CLIENT}:{issuer.introspection_secret}"
    lines = [
        "# Generated by tests/lab/mail.py for one lab run; see its docstring.",
        # RFC 7662: every token is asked about, none is trusted from a cache or its shape.
        "introspection_mode = post",
        f"introspection_url = https://{credentials}@{host}/introspect",
        "force_introspection = yes",
        "username_attribute = username",
        "active_attribute = active",
        "active_value = true",
        # What a failed OAUTHBEARER answers (RFC 7628 section 3.2.2): where the issuer is.
        f"openid_configuration_url = {issuer.issuer}/.well-known/openid-configuration",
        f"tls_ca_cert_file = {setup.ca_file}",
    ]
    return "\n".join(lines) + "\n"


# --- Postfix -------------------------------------------------------------------------------


def main_cf(setup: MailSetup) -> str:
    paths = setup.paths
    never = "error:5.7.1 the mailhop lab never sends mail outwards"
    settings = [
        ("compatibility_level", "3.6"),
        ("queue_directory", str(paths.postfix_queue)),
        ("data_directory", str(paths.postfix_data)),
        ("mail_owner", "postfix"),
        ("setgid_group", "postdrop"),
        ("myhostname", "postfix.lab.test"),  # each listener overrides it with its host name
        # Every listener in master.cf names its own address. inet_interfaces may only list
        # addresses configured on an interface, and the hosts' 127.x addresses are not (the
        # kernel routes all of 127/8 to lo without them).
        ("inet_interfaces", "loopback-only"),
        ("inet_protocols", "ipv4"),
        ("mydestination", ""),
        ("mynetworks", ""),
        ("relayhost", ""),
        ("relay_domains", ""),
        ("default_transport", never),
        ("relay_transport", never),
        ("local_transport", never),
        ("alias_maps", ""),
        ("alias_database", ""),
        ("biff", "no"),
        ("virtual_mailbox_domains", ", ".join(setup.domains)),
        ("virtual_mailbox_maps", f"texthash:{paths.vmailbox}"),
        ("virtual_transport", f"lmtp:unix:{paths.lmtp_socket}"),
        ("smtpd_sasl_type", "dovecot"),
        ("smtpd_sasl_path", str(paths.auth_socket)),
        ("smtpd_sasl_auth_enable", "no"),
        ("smtpd_relay_restrictions", "permit_sasl_authenticated, reject_unauth_destination"),
        ("smtpd_tls_protocols", ">=TLSv1.2"),
        ("smtpd_tls_mandatory_protocols", ">=TLSv1.2"),
        ("smtpd_tls_loglevel", "1"),
        # The SMTP dialogue of test clients, for the canary check.
        ("debug_peer_list", TEST_CLIENT),
        ("debug_peer_level", "1"),
        ("maillog_file", str(paths.postfix_log)),
        ("maillog_file_prefixes", str(paths.recordings)),
    ]
    lines = ["# Generated by tests/lab/mail.py for one lab run; see its docstring."]
    lines += [f"{key} = {value}".rstrip() for key, value in settings]
    return "\n".join(lines) + "\n"


def master_cf(setup: MailSetup) -> str:
    lines = ["# Generated by tests/lab/mail.py for one lab run; see its docstring."]
    lines.append("# service type private unpriv chroot wakeup maxproc command")
    for name, kind, private, wakeup, maxproc, command in POSTFIX_INTERNAL:
        lines.append(f"{name} {kind} {private} - n {wakeup} {maxproc} {command}")
    for host in setup.hosts:
        for service in host.services:
            if service not in SMTPD_OPTIONS:
                continue
            lines.append(f"{host.address}:{MAIL_PORTS[service]} inet n - n - - smtpd")
            options = [
                ("syslog_name", f"postfix/{service}"),
                ("myhostname", host.name),
                ("smtpd_tls_chain_files", str(host.key_and_chain_file)),
                *SMTPD_OPTIONS[service],
            ]
            if host.oauth_server is not None:  # tokens, checked by the second Dovecot
                options.append(("smtpd_sasl_path", str(setup.paths.oauth_auth_socket)))
            lines += [f"  -o {key}={value}" for key, value in options]
    return "\n".join(lines) + "\n"


def vmailbox(setup: MailSetup) -> str:
    """The recipients Postfix accepts (texthash: read as is, no postmap)."""
    return "".join(f"{a.address} OK\n" for a in setup.accounts)


# --- Starting and stopping -----------------------------------------------------------------


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def _start_dovecot(setup: MailSetup) -> int:
    paths = setup.paths
    paths.dovecot.mkdir(parents=True, exist_ok=True)
    _write(paths.dovecot_conf, dovecot_conf(setup))
    _write(paths.users, users_file(setup), 0o640)
    os.chown(paths.users, 0, grp.getgrnam("dovecot").gr_gid)  # read by the auth process
    paths.maildir.mkdir(parents=True, exist_ok=True)
    os.chown(paths.maildir, setup.mail_uid, setup.mail_gid)
    paths.maildir.chmod(0o700)
    # Written by the login processes (as dovenull) and the mail processes (as mail).
    for folder, owner in (
        (paths.wire_rawlog, pwd.getpwnam(LOGIN_USER)),
        (paths.session_rawlog, pwd.getpwnam(MAIL_OWNER)),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        folder.chmod(0o700)
    return procs.spawn(
        ["dovecot", "-F", "-c", str(paths.dovecot_conf)], paths.dovecot / "dovecot.out"
    )


def _start_dovecot_oauth(setup: MailSetup) -> int:
    paths = setup.paths
    paths.dovecot_oauth.mkdir(parents=True, exist_ok=True)
    _write(paths.dovecot_oauth_conf, dovecot_oauth_conf(setup))
    args = paths.dovecot_oauth / "oauth2.conf.ext"
    _write(args, dovecot_oauth2_args(setup), 0o640)  # holds the introspection secret
    os.chown(args, 0, grp.getgrnam("dovecot").gr_gid)
    return procs.spawn(
        ["dovecot", "-F", "-c", str(paths.dovecot_oauth_conf)], paths.dovecot_oauth / "dovecot.out"
    )


def _make_postfix_queue(paths: MailPaths) -> None:
    owner = pwd.getpwnam("postfix").pw_uid
    postdrop = grp.getgrnam("postdrop").gr_gid
    paths.postfix_queue.mkdir(parents=True, exist_ok=True)
    (paths.postfix_queue / "pid").mkdir(exist_ok=True)
    for name, mode in POSTFIX_QUEUE_DIRS:
        folder = paths.postfix_queue / name
        folder.mkdir(exist_ok=True)
        os.chown(folder, owner, postdrop if mode != 0o700 else 0)
        folder.chmod(mode)
    paths.postfix_data.mkdir(exist_ok=True)
    os.chown(paths.postfix_data, owner, 0)
    paths.postfix_data.chmod(0o700)


def _start_postfix(setup: MailSetup) -> int:
    paths = setup.paths
    _write(paths.postfix / "main.cf", main_cf(setup))
    _write(paths.postfix / "master.cf", master_cf(setup))
    _write(paths.vmailbox, vmailbox(setup))
    _make_postfix_queue(paths)
    paths.recordings.mkdir(parents=True, exist_ok=True)
    # Postfix sleeps 2 s before using a main.cf younger than that; these files are complete.
    past = time.time() - 60
    for name in ("main.cf", "master.cf", "vmailbox"):
        os.utime(paths.postfix / name, (past, past))
    # -d: stay in the foreground as our child (it is already a session leader, see procs.spawn).
    return procs.spawn(
        [str(POSTFIX_DAEMONS / "master"), "-d", "-c", str(paths.postfix)],
        paths.postfix / "master.out",
    )


def _postfix_diagnosis(paths: MailPaths) -> str:
    """What `postfix check` says; it prints only to a terminal, so run it under `script`."""
    if shutil.which("script") is None:
        return ""
    try:
        command = f"postfix -c {shlex.quote(str(paths.postfix))} check"
        return procs.run(["script", "-qec", command, "/dev/null"])
    except LabError as exc:
        return str(exc)


def _wait_for_listeners(
    setup: MailSetup, dovecot: int, postfix: int, dovecot_oauth: int | None
) -> None:
    for host in setup.hosts:
        for service in host.services:
            pid = postfix if service in SMTPD_OPTIONS else dovecot
            if pid == dovecot and host.oauth_server is not None and dovecot_oauth is not None:
                pid = dovecot_oauth
            try:
                procs.wait_for_port(host.address, MAIL_PORTS[service], timeout=10, pid=pid)
            except LabError as exc:
                daemon = "postfix" if pid == postfix else "dovecot"
                log = _tail(_daemon_log(setup.paths, daemon))
                extra = _postfix_diagnosis(setup.paths) if daemon == "postfix" else ""
                raise LabError(
                    f"mail: {daemon} {service} on {host.name}: {exc}\n{log}{extra}"
                ) from exc


def _daemon_log(paths: MailPaths, daemon: str) -> list[Path]:
    if daemon == "postfix":
        return [paths.postfix / "master.out", paths.postfix_log]
    return [paths.dovecot / "dovecot.out", paths.dovecot / "dovecot.log"]


def _tail(files: list[Path], lines: int = 15) -> str:
    text = []
    for path in files:
        try:
            text += path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            continue
    return "\n".join(text) + "\n" if text else ""


class MailComponent:
    name = "mail"

    def start(self, ctx: LabContext) -> ComponentState:
        setup = plan(ctx)
        if not setup.hosts:
            return ComponentState()
        started: list[int] = []
        try:
            started.append(_start_dovecot(setup))
            oauth_pid = _start_dovecot_oauth(setup) if setup.oauth_hosts else None
            if oauth_pid is not None:
                started.append(oauth_pid)
            postfix = _start_postfix(setup)
            started.append(postfix)
            _wait_for_listeners(setup, started[0], postfix, oauth_pid)
        except BaseException:
            for pid in started:
                _terminate_group(pid)
            raise
        paths = setup.paths
        return ComponentState(
            pids=tuple(started),
            facts={
                "dovecot_rawlog_dir": str(paths.rawlog),  # wire/ and session/ inside
                "dovecot_wire_rawlog_dir": str(paths.wire_rawlog),
                "dovecot_session_rawlog_dir": str(paths.session_rawlog),
                "dovecot_log": str(paths.dovecot / "dovecot.log"),
                "postfix_log": str(paths.postfix_log),
                "postfix_config_dir": str(paths.postfix),
                "dovecot_oauth_log": str(paths.dovecot_oauth / "dovecot.log"),
            },
        )

    def stop(self, ctx: LabContext, state: ComponentState) -> None:
        for pid in state.pids:
            _terminate_group(pid)


def _terminate_group(pgid: int, timeout: float = 10) -> None:
    """SIGTERM a daemon's whole process group until no member is left, SIGKILL after timeout.

    Every member, not just the master: a child still holding a listening socket would make
    the next `up` fail. The signal is repeated because a master may fork a child after the
    first one (Dovecot, stopped just after it started, would otherwise wait 6 s for its fresh
    login processes).
    """
    deadline = time.monotonic() + timeout
    next_signal = 0.0
    while _group_members(pgid):
        now = time.monotonic()
        if now > deadline + 5:
            raise LabError(f"mail: processes of group {pgid} did not exit")
        if now >= next_signal:
            try:
                os.killpg(pgid, signal.SIGTERM if now < deadline else signal.SIGKILL)
            except ProcessLookupError:
                break
            next_signal = now + 0.1
        time.sleep(0.02)
    procs.alive(pgid)  # reaps the leader if it is our child


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


COMPONENT = MailComponent()
