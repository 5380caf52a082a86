"""Configs for terminal mail tools: aerc, neomutt, and mbsync (IMAP) plus msmtp (SMTP).

Each is a pure renderer from a saved ``AccountProfile``. None contains a password: every tool
gets the command that reads the OS keyring when the tool needs it (``secrets.
lookup_command_line`` of the account's ``secret_ref``), in the option the tool documents for
that: aerc ``*-cred-cmd``, neomutt a backtick command in ``imap_pass``/``smtp_pass`` (run as
the config is read), mbsync ``PassCmd``, msmtp ``passwordeval``.

These files are line-based and each has its own quoting, so every value goes through one
quoting function per client, written from that client's own reader and tested by loading
hostile values through the installed client (tests/core/export/test_real_clients_hostile.py):
isync takes a backslash as "the next character literally"; msmtp removes one pair of outer
quotes and unescapes nothing (and rewrites %U %H %C %M in ``from``, so such an address is
refused); neomutt expands ``$`` and backticks inside double quotes unless backslashed. A
value holding CR, LF or NUL is refused (``ValueError``):
no quoting makes a line break safe in all of them, and a forged line could add an option such
as a second command. User names go into URLs percent-encoded. Host names must be plain DNS
names, since they go into URLs and unquoted directives.

What is refused, and why (``ValueError`` with the reason): a server that signs in with OAuth2,
in every tool that configures it, since these tools need a separate token helper and
mailhop's command returns a password (an account's other, password server still exports); POP3 for
aerc (no POP3 backend) and mbsync (IMAP only); neomutt reads POP3 through its ``pop_*``
options. Security words come from ``export_table`` (AERC, NEOMUTT, MBSYNC, MSMTP).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ..account.profile import AccountProfile, EndpointSetting
from ..account.secrets import lookup_command_line, secret_ref
from ..common.model import AuthMethod, Service
from .table import AERC, MBSYNC, MSMTP, NEOMUTT, NEOMUTT_POP, Column

__all__ = ["aerc_accounts", "mbsync_rc", "msmtp_rc", "neomutt_rc", "password_command"]

_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*\.?")
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def _clean(text: str, what: str) -> str:
    if any(c in text for c in "\r\n\x00"):
        raise ValueError(f"the {what} {text!r} holds a line break or NUL; it cannot be exported")
    return text


def _host(setting: EndpointSetting) -> str:
    if not _HOST.fullmatch(setting.host):
        raise ValueError(f"{setting.host!r} is not a plain host name")
    return setting.host


def _refuse_oauth2(profile: AccountProfile, tool: str, *legs: EndpointSetting) -> None:
    """Refuse when a server ``tool`` configures (``legs``) signs in with OAuth2. Only those:
    the method is chosen per server, so msmtp can send through a password submission server
    of an account whose IMAP server signs in with OAuth2."""
    oauth2 = [leg.host for leg in legs if leg.auth_method is AuthMethod.OAUTH2]
    if oauth2:
        raise ValueError(
            f"{tool} needs an OAuth2 token helper for {', '.join(oauth2)} (for example oama); "
            "mailhop's keyring command returns a password, so it exports no OAuth2 config"
        )
    if profile.outgoing.service is not Service.SUBMISSION:
        raise ValueError(
            f"the outgoing server is {profile.outgoing.service.value!r}, not submission"
        )


def _name(profile: AccountProfile) -> str:
    """An account name every format takes unquoted: the address with odd characters as _."""
    return _NAME_UNSAFE.sub("_", profile.address)


def password_command(
    profile: AccountProfile, setting: EndpointSetting, platform: str | None = None
) -> str:
    """The shell command that prints this server's password from the OS keyring."""
    return _clean(
        lookup_command_line(secret_ref(profile.address, setting.service), platform), "command"
    )


def _url(scheme: str, setting: EndpointSetting) -> str:
    user = quote(_clean(setting.username, "user name"), safe="")
    return f"{scheme}://{user}@{_host(setting)}:{setting.port}"


# -- aerc -----------------------------------------------------------------------------------


def _ini(value: str) -> str:
    """A go-ini value taken literally: backquoted (no escapes, no inline comments) or refused."""
    _clean(value, "value")
    if "`" not in value:
        return f"`{value}`"
    if '"""' not in value and not value.endswith('"'):
        return f'"""{value}"""'
    raise ValueError(f"{value!r} cannot be quoted for aerc's accounts.conf")


def _aerc_from(display_name: str, address: str) -> str:
    """aerc reads ``from`` with Go's net/mail, which takes UTF-8 in an address (RFC 6532) and
    a quoted-string name with backslash escapes. (email.utils.formataddr refused a UTF-8 local
    part with UnicodeEncodeError: the export failed.)"""
    name = _clean(display_name, "display name").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{_clean(address, "address")}>' if name else f"<{address}>"


def aerc_accounts(profile: AccountProfile, platform: str | None = None) -> str:
    """One accounts.conf section (aerc 0.15+). imaps:// is implicit TLS, imap:// STARTTLS."""
    _refuse_oauth2(profile, "aerc", profile.incoming, profile.outgoing)
    incoming, outgoing = profile.incoming, profile.outgoing
    if incoming.service is not Service.IMAP:
        raise ValueError("aerc has no POP3 backend; use IMAP, or fetch POP3 mail with another tool")
    AERC.auth(incoming.auth_method)  # aerc's IMAP login is a plain password: refuse anything else
    source = _url("imap" + AERC.security(incoming.security), incoming)
    smtp_scheme = f"smtp{AERC.security(outgoing.security)}+{AERC.auth(outgoing.auth_method)}"
    sender = _aerc_from(profile.display_name, profile.address)
    lines = [
        f"# aerc account made by mailhop for {_name(profile)}; no password in this file.",
        "# imaps/smtps: TLS from the first byte; imap/smtp: STARTTLS, which aerc requires.",
        f"[{_name(profile)}]",
        f"source = {_ini(source)}",
        f"source-cred-cmd = {_ini(password_command(profile, incoming, platform))}",
        f"outgoing = {_ini(_url(smtp_scheme, outgoing))}",
        f"outgoing-cred-cmd = {_ini(password_command(profile, outgoing, platform))}",
        f"from = {_ini(sender)}",
        "default = INBOX",
        *_aerc_folders(profile),
    ]
    return "\n".join(lines) + "\n"


def _aerc_folders(profile: AccountProfile) -> list[str]:
    """copy-to and postpone: the server's own Sent and Drafts (special_use.py), else the
    usual names. aerc 0.18 and newer read a comma in copy-to as a list of folders, with no
    escape: such a name is left to the person, with the reason."""
    lines = []
    sent, drafts = profile.sent_folder, profile.drafts_folder
    if not sent:
        lines += [
            "# The usual name of the sent-mail folder; change it if your server uses another",
            '# (for example "Sent Items"): aerc does not create it.',
            "copy-to = Sent",
        ]
    elif "," in sent:
        lines += [
            "# The server's sent-mail folder has a comma in its name, which aerc 0.18 and newer",
            "# read as a list of folders; set copy-to to it in aerc itself.",
        ]
    else:
        lines += [
            "# The server's sent-mail folder (SPECIAL-USE \\Sent).",
            f"copy-to = {_ini(sent)}",
        ]
    if drafts:
        lines += [
            "# The server's drafts folder (SPECIAL-USE \\Drafts).",
            f"postpone = {_ini(drafts)}",
        ]
    return lines


# -- neomutt --------------------------------------------------------------------------------


def _muttrc(value: str) -> str:
    """A muttrc double-quoted string with no backtick, variable or escape left active."""
    escaped = re.sub(r'([\\"`$])', r"\\\1", _clean(value, "value"))
    return f'"{escaped}"'


def _mutt_command(command: str) -> str:
    # The documented way to read a password at startup: a backtick command inside a
    # double-quoted value. The command comes from shlex.join: no backtick may end it early.
    if "`" in command:
        raise ValueError(f"{command!r} cannot run inside a neomutt backtick")
    return f'"`{command}`"'


def _authenticators(option: str, column: Column, method: AuthMethod) -> str:
    """The option with the protocol's own word, or, for a method with no portable word (see
    table.NEOMUTT), a comment: unset, neomutt tries every method it has, all inside TLS."""
    if method is AuthMethod.PASSWORD_ENCRYPTED:
        return f"# {option} left unset: neomutt picks the best method it has (CRAM-MD5 needs SASL)"
    return f"set {option} = {_muttrc(column.auth(method))}"


def neomutt_rc(profile: AccountProfile, platform: str | None = None) -> str:
    """A neomuttrc for one account; ssl_force_tls and ssl_starttls keep every leg on TLS.

    ``realname`` and ``spoolfile`` are the names every neomutt (and mutt) reads; neomutt since
    2021 calls them ``real_name`` and ``spool_file`` and keeps the old names as synonyms.
    Every name written here is checked against the installed neomutt in
    tests/core/test_real_clients.py."""
    _refuse_oauth2(profile, "neomutt", profile.incoming, profile.outgoing)
    incoming, outgoing = profile.incoming, profile.outgoing
    suffix = NEOMUTT.security(incoming.security)
    command = _mutt_command(password_command(profile, incoming, platform))
    lines = [
        "# neomutt account made by mailhop; no password in this file: the backtick commands",
        "# read it from the OS keyring when neomutt starts.",
        f"set realname = {_muttrc(profile.display_name)}",
        f"set from = {_muttrc(profile.address)}",
        "set ssl_force_tls = yes",
        "set ssl_starttls = yes",
    ]
    if incoming.service is Service.IMAP:
        lines += [
            f"set imap_user = {_muttrc(incoming.username)}",
            f"set imap_pass = {command}",
            _authenticators("imap_authenticators", NEOMUTT, incoming.auth_method),
            f"set folder = {_muttrc(_url('imap' + suffix, incoming) + '/')}",
            'set spoolfile = "+INBOX"',
            *_neomutt_folders(profile),
        ]
    elif incoming.service is Service.POP3:
        lines += [
            f"set pop_user = {_muttrc(incoming.username)}",
            f"set pop_pass = {command}",
            _authenticators("pop_authenticators", NEOMUTT_POP, incoming.auth_method),
            f"set pop_host = {_muttrc(_url('pop' + suffix, incoming))}",
        ]
    else:
        raise ValueError(f"neomutt reads IMAP or POP3, not {incoming.service.value!r}")
    smtp = _url("smtp" + NEOMUTT.security(outgoing.security), outgoing)
    lines += [
        f"set smtp_url = {_muttrc(smtp + '/')}",
        f"set smtp_pass = {_mutt_command(password_command(profile, outgoing, platform))}",
        _authenticators("smtp_authenticators", NEOMUTT, outgoing.auth_method),
    ]
    return "\n".join(lines) + "\n"


def _neomutt_folder(name: str) -> str:
    """``+name`` as neomutt reads it. The ``+`` expands to ``$folder``, an imap URL, and
    neomutt parses that URL twice: when the option is set (url_parse percent-decodes the
    path, url_tobuffer writes it back decoded) and when the folder is opened
    (imap_parse_path -> url_parse). Its URL pattern refuses a path holding ``\\ " ` { } ^ |``
    and the like, cuts at ``?``, and url_pct_decode refuses a ``%`` without two hex digits
    (neomutt's email/url.c; checked with the installed neomutt's -Q). So every ASCII
    character but letters, digits and ``-._~/`` and space is percent-encoded twice
    (``%`` -> ``%2525``); then the muttrc quoting."""
    path = "".join(
        f"%25{ord(c):02X}" if c.isascii() and not (c.isalnum() or c in "-._~/ ") else c
        for c in _clean(name, "folder name")
    )
    return _muttrc("+" + path)


def _neomutt_folders(profile: AccountProfile) -> list[str]:
    """record and postponed: the server's Sent and Drafts (special_use.py), else the usual
    names with a comment."""
    sent, drafts = profile.sent_folder, profile.drafts_folder
    lines = []
    if not (sent and drafts):
        lines += [
            "# The usual folder names; change them if your server uses others (for example",
            '# "Sent Items"): neomutt does not create a missing folder.',
        ]
    if sent or drafts:
        lines.append("# The folders the server marks as Sent and Drafts (SPECIAL-USE).")
    lines.append(f"set record = {_neomutt_folder(sent or 'Sent')}")
    lines.append(f"set postponed = {_neomutt_folder(drafts or 'Drafts')}")
    return lines


# -- mbsync and msmtp -----------------------------------------------------------------------


def _isync(value: str) -> str:
    """isync's config reader: a double-quoted string in which a backslash takes the next
    character literally, so quote and backslash are escaped."""
    escaped = _clean(value, "value").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _msmtp(value: str) -> str:
    """msmtp's config reader: when an argument begins and ends with a double quote, those two
    are removed and everything between is taken as it is. There is no escape: a backslash
    stays a backslash (escaping a quote as for isync put stray backslashes into passwordeval's
    shell command, which then ran a command out of an address holding a quote)."""
    return f'"{_clean(value, "value")}"'


# msmtp replaces these in ``from`` (envelope_from) and reads ?, * and [ as a file-name
# pattern; none has an escape, so an address holding one cannot be written there.
_MSMTP_FROM_UNSAFE = re.compile(r"%[UHCM]|[?*\[]")


def _msmtp_from(address: str) -> str:
    found = _MSMTP_FROM_UNSAFE.search(address)
    if found:
        raise ValueError(
            f"msmtp reads {found.group()!r} in the from address {address!r} as a substitution "
            "or a pattern and has no way to escape it; this address cannot be exported for msmtp"
        )
    return _msmtp(address)


def mbsync_rc(profile: AccountProfile, platform: str | None = None) -> str:
    """An .mbsyncrc (isync 1.4 words, which 1.5 still reads) syncing the IMAP account into
    ~/Mail/<address>/. mbsync does not create that folder itself, so the file says to."""
    _refuse_oauth2(profile, "mbsync", profile.incoming)
    incoming = profile.incoming
    if incoming.service is not Service.IMAP:
        raise ValueError("mbsync syncs IMAP only; it cannot read a POP3 account")
    name = _name(profile)
    lines = [
        "# isync (mbsync) account made by mailhop; PassCmd reads the password from the keyring.",
        f"# Before the first run: mkdir -p ~/Mail/{name}/  (mbsync does not create it)",
        f"IMAPAccount {name}",
        f"Host {_host(incoming)}",
        f"Port {incoming.port}",
        f"User {_isync(incoming.username)}",
        f"PassCmd {_isync(password_command(profile, incoming, platform))}",
        # SSLType is what isync 1.4 (Debian 12, Ubuntu 24.04) reads; 1.5 renamed it TLSType
        # and still accepts the old name, so the old name works everywhere.
        "# isync 1.5 and newer also call this TLSType (same values).",
        f"SSLType {MBSYNC.security(incoming.security)}",
        f"AuthMechs {MBSYNC.auth(incoming.auth_method)}",
        "",
        f"IMAPStore {name}-remote",
        f"Account {name}",
        "",
        f"MaildirStore {name}-local",
        f"Path ~/Mail/{name}/",
        f"Inbox ~/Mail/{name}/INBOX",
        "SubFolders Verbatim",
        "",
        f"Channel {name}",
        f"Far :{name}-remote:",
        f"Near :{name}-local:",
        "Patterns *",
        "Create Both",
        "SyncState *",
    ]
    return "\n".join(lines) + "\n"


def msmtp_rc(profile: AccountProfile, platform: str | None = None) -> str:
    """An msmtprc account for the submission server; TLS always on, STARTTLS as stored."""
    _refuse_oauth2(profile, "msmtp", profile.outgoing)
    outgoing = profile.outgoing
    name = _name(profile)
    lines = [
        "# msmtp account made by mailhop; passwordeval reads the password from the keyring.",
        f"account {name}",
        f"host {_host(outgoing)}",
        f"port {outgoing.port}",
        "tls on",
        f"tls_starttls {MSMTP.security(outgoing.security)}",
        f"auth {MSMTP.auth(outgoing.auth_method)}",
        f"user {_msmtp(outgoing.username)}",
        f"passwordeval {_msmtp(password_command(profile, outgoing, platform))}",
        f"from {_msmtp_from(profile.address)}",
        "",
        f"account default : {name}",
    ]
    return "\n".join(lines) + "\n"
