"""core.lint: every ISPDB sample checked against what it really contains, hostile files,
and mailhop's own exports linting clean."""

from __future__ import annotations

import datetime as dt
import json
import plistlib
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from mailhop.core.common.model import IssueCode, Service
from mailhop.core.common.untrusted import read_xml
from mailhop.core.discover.autoconfig_clients import CLIENTS, read_as
from mailhop.core.discover.autoconfig_rules import legal_host
from mailhop.core.discover.parse_autoconfig import parse_autoconfig
from mailhop.core.discover.parse_pacc import parse_pacc
from mailhop.core.export.apple import mobileconfig, sign_profile
from mailhop.core.export.lint import Format, LintReport, RuleCode, Severity, lint
from mailhop.core.export.thunderbird import autoconfig_xml
from tests.conftest import SHARED
from tests.core.account.test_profile import PROFILE

ISPDB = SHARED / "specs" / "ispdb-sample"
SAMPLES = sorted(ISPDB.glob("*.xml")) if ISPDB.is_dir() else []


_SEVERITY = {
    "rejects the file": Severity.ERROR,
    "drops the entry": Severity.WARN,
    "misreads": Severity.WARN,
    "falls back": Severity.INFO,
    "skips": Severity.INFO,
}


def _expected(data: bytes) -> set[tuple[str, str, str]]:
    """What each reader says about the file, worked out from the readers themselves: each
    client's rules (held to the clients' own test cases in test_lint_peers) and mailhop's
    parser. Lint must report exactly these, so lint and parsing cannot disagree."""
    root = read_xml(data)
    found = {(str(r.client), r.rule, r.where) for c in CLIENTS for r in read_as(c, root)}
    provider = root.find("emailProvider")
    assert provider is not None
    domain = next(
        (t for d in provider.findall("domain") if legal_host(t := (d.text or "").strip().lower())),
        "example.com",
    )
    parsed = parse_autoconfig(data, local_part="user", domain=domain)
    own = {
        IssueCode.PLAINTEXT_REJECTED: "socket-plain",
        IssueCode.PASSWORD_IGNORED: "password-inside",
    }
    for issue in parsed.issues:
        where = f"emailProvider/{issue.where}"
        if issue.code in own:
            found.add(("", own[issue.code], where))
        elif issue.dropped and issue.code is not IssueCode.UNSUPPORTED_TYPE:
            code = "duplicate-field" if issue.code is IssueCode.BAD_FIELD else issue.code.value
            found.add(("mailhop", code, where))
    return found


@pytest.mark.shared
def test_sample_is_there() -> None:
    assert len(SAMPLES) == 41  # plus LICENSE


@pytest.mark.shared
@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_ispdb_sample(path: Path) -> None:
    data = path.read_bytes()
    report = lint(data, path.name)
    assert report.format is Format.AUTOCONFIG
    placeholders = {RuleCode.UNKNOWN_PLACEHOLDER, RuleCode.UNTERMINATED_PLACEHOLDER}
    got = {(p.client, p.code.value, p.where) for p in report.problems if p.code not in placeholders}
    assert got == _expected(data)
    for problem in report.problems:
        if problem.client and problem.client != "mailhop":
            assert problem.severity is _SEVERITY[problem.effect]  # the severity follows
            assert problem.message.startswith(problem.client)  # and the words name the client
    json.dumps(report.to_json())  # JSON-able


@pytest.mark.shared
def test_sample_has_the_interesting_cases() -> None:
    """Guards the test above against passing on a sample that has nothing in it."""
    codes = set().union(*(lint(p.read_bytes()).codes for p in SAMPLES))
    assert {RuleCode.SOCKET_PLAIN, RuleCode.NO_INCOMING, RuleCode.UNSUPPORTED_TYPE} <= codes


def _clientconfig(server: str, extra: str = "") -> bytes:
    return (
        "<clientConfig version='1.1'><emailProvider id='example.com'>"
        f"<domain>example.com</domain>{server}"
        "<outgoingServer type='smtp'><hostname>smtp.example.com</hostname><port>465</port>"
        "<socketType>SSL</socketType><username>%EMAILADDRESS%</username>"
        "<authentication>password-cleartext</authentication></outgoingServer>"
        f"</emailProvider>{extra}</clientConfig>"
    ).encode()


def _imap(
    socket: str = "SSL", port: str = "993", more: str = "", user: str = "%EMAILADDRESS%"
) -> str:
    return (
        f"<incomingServer type='imap'><hostname>imap.example.com</hostname><port>{port}</port>"
        f"<socketType>{socket}</socketType><username>{user}</username>"
        f"<authentication>password-cleartext</authentication>{more}</incomingServer>"
    )


def test_clean_file() -> None:
    report = lint(_clientconfig(_imap()))
    assert report.ok and report.problems == ()


def _own(report: LintReport) -> list[tuple[RuleCode, Severity, str]]:
    """mailhop's own findings (its parser's and the placeholders'), not the clients'."""
    return [(p.code, p.severity, p.where) for p in report.problems if p.client in ("", "mailhop")]


def _by(report: LintReport, client: str) -> set[tuple[RuleCode, Severity]]:
    return {(p.code, p.severity) for p in report.problems if p.client == client}


IMAP0 = "emailProvider/incomingServer[0]"
TB, ANDROID = "Thunderbird", "Thunderbird for Android"


@pytest.mark.parametrize(
    ("server", "code", "severity", "where"),
    [
        (_imap(socket="plain"), RuleCode.SOCKET_PLAIN, Severity.ERROR, IMAP0),
        (_imap(socket="none"), RuleCode.SOCKET_PLAIN, Severity.ERROR, IMAP0),
        (_imap(socket="quantum"), RuleCode.BAD_SOCKET_TYPE, Severity.WARN, IMAP0),
        (_imap(port="0"), RuleCode.BAD_PORT, Severity.WARN, IMAP0),
        (_imap(port="65536"), RuleCode.BAD_PORT, Severity.WARN, IMAP0),
        (_imap(port="imap"), RuleCode.BAD_PORT, Severity.WARN, IMAP0),
        (_imap(more="<password>hunter2</password>"), RuleCode.PASSWORD_INSIDE, Severity.ERROR, IMAP0),  # noqa: E501
        (_imap(user="%EMAILLOCALPART"), RuleCode.UNTERMINATED_PLACEHOLDER, Severity.WARN, IMAP0 + "/username"),  # noqa: E501
        (_imap(user="%USERID%"), RuleCode.UNKNOWN_PLACEHOLDER, Severity.ERROR, IMAP0 + "/username"),
    ],
)  # fmt: skip
def test_single_rule(server: str, code: RuleCode, severity: Severity, where: str) -> None:
    report = lint(_clientconfig(server))
    assert [(c, s) for c, s, _ in _own(report)] == [(code, severity)]
    assert _own(report)[0][2] == where


def test_each_client_says_what_it_does_with_the_same_file() -> None:
    # "plain": Thunderbird uses it (mailhop's own error says so); Android rejects the file.
    plain = lint(_clientconfig(_imap(socket="plain")))
    assert _by(plain, ANDROID) == {(RuleCode.BAD_SOCKET_TYPE, Severity.ERROR)}
    assert _by(plain, TB) == set()
    # port 0: Android takes it (0..65535), Thunderbird drops the entry and has no other.
    zero = lint(_clientconfig(_imap(port="0")))
    assert _by(zero, ANDROID) == set()
    assert _by(zero, TB) == {
        (RuleCode.BAD_PORT, Severity.WARN),
        (RuleCode.NO_INCOMING, Severity.ERROR),
    }


@pytest.mark.parametrize(
    ("change", "rejects"),
    [
        (("SSL", "ssl"), {ANDROID: RuleCode.BAD_SOCKET_TYPE, TB: RuleCode.NO_INCOMING}),
        (("SSL", "TLS"), {ANDROID: RuleCode.BAD_SOCKET_TYPE, TB: RuleCode.NO_INCOMING}),
        (("type='imap'", "type='IMAP'"), {ANDROID: RuleCode.NO_INCOMING, TB: RuleCode.NO_INCOMING}),
        (("password-cleartext", "plain"), {ANDROID: RuleCode.NO_AUTHENTICATION}),
        (("password-cleartext", "oauth2"), {ANDROID: RuleCode.NO_AUTHENTICATION, TB: RuleCode.NO_INCOMING}),  # noqa: E501
        (("<port>993", "<port> 993"), {ANDROID: RuleCode.BAD_PORT}),
        (("<hostname>imap", "<hostname> imap"), {ANDROID: RuleCode.BLANKS_AROUND_VALUE}),
        (("id='example.com'", "id='-23'"), {ANDROID: RuleCode.PROVIDER_ID, TB: RuleCode.PROVIDER_ID}),  # noqa: E501
    ],
)  # fmt: skip
def test_values_are_matched_exactly_as_the_clients_match_them(
    change: tuple[str, str], rejects: dict[str, RuleCode]
) -> None:
    """Lint used to lower-case and trim before checking: 'ssl', 'TLS', type="IMAP" and
    'oauth2' linted clean, and automx2's <authentication>plain</authentication> too."""
    data = _clientconfig(_imap()).replace(change[0].encode(), change[1].encode(), 1)
    report = lint(data)
    for client in (TB, ANDROID):
        errors = {c for c, s in _by(report, client) if s is Severity.ERROR}
        assert errors == ({rejects[client]} if client in rejects else set()), report.to_json()


def test_a_placeholder_domain_and_the_provider_id_and_domain() -> None:
    data = _clientconfig(_imap()).replace(b"<domain>example.com", b"<domain>%EMAILDOMAIN%")
    assert lint(data).problems == ()
    no_domain = _clientconfig(_imap()).replace(b"<domain>example.com</domain>", b"")
    assert {(p.client, p.code) for p in lint(no_domain).problems} == {
        (TB, RuleCode.NO_DOMAIN),
        (ANDROID, RuleCode.NO_DOMAIN),
    }


def test_oauth2_is_judged_by_thunderbirds_own_host_list_not_by_an_oauth2_block() -> None:
    server = _imap().replace(
        "password-cleartext", "OAuth2</authentication><authentication>password-cleartext"
    )
    block = "<oAuth2><issuer>example.com</issuer><scope>mail</scope></oAuth2>"
    for extra in ("", block):  # the block silenced this before; no client reads it
        report = lint(_clientconfig(server, extra))
        assert _by(report, TB) == {(RuleCode.OAUTH2_UNKNOWN_HOST, Severity.INFO)}
        assert report.ok
    only = _imap().replace("password-cleartext", "OAuth2")
    report = lint(_clientconfig(only, block))
    assert (RuleCode.NO_INCOMING, Severity.ERROR) in _by(report, TB) and not report.ok
    gmail = (
        _imap()
        .replace("imap.example.com", "imap.gmail.com")
        .replace("password-cleartext", "OAuth2")
    )
    assert _by(lint(_clientconfig(gmail)), TB) == set()


def test_missing_outgoing_and_username() -> None:
    data = (
        b"<clientConfig><emailProvider id='x.org'><domain>x.org</domain>"
        b"<incomingServer type='imap'>"
        b"<hostname>h.x.org</hostname><port>993</port><socketType>SSL</socketType>"
        b"<authentication>password-cleartext</authentication>"
        b"</incomingServer></emailProvider></clientConfig>"
    )
    report = lint(data)
    assert _by(report, ANDROID) == {
        (RuleCode.MISSING_OUTGOING, Severity.ERROR),
        (RuleCode.MISSING_USERNAME, Severity.ERROR),  # was a warning: Android rejects the file
    }
    assert _by(report, TB) == {
        (RuleCode.MISSING_OUTGOING, Severity.ERROR),
        (RuleCode.MISSING_USERNAME, Severity.WARN),  # Thunderbird signs in as "undefined"
    }


def test_server_types_mailhop_does_not_configure_are_still_checked() -> None:
    ews = (
        "<incomingServer type='ews'><hostname>ews example.com</hostname><port>443</port>"
        "<socketType>SSL</socketType><username>%EMAILADDRESS%</username>"
        "<authentication>password-cleartext</authentication></incomingServer>"
    )
    report = lint(_clientconfig(_imap() + ews))
    assert (RuleCode.BAD_HOSTNAME, Severity.WARN) in _by(report, TB)
    # an ews entry may name its server by <url> alone: Thunderbird takes the URL's host
    by_url = (
        "<incomingServer type='ews'><url>https://ews.example.com/EWS/Exchange.asmx</url>"
        "<socketType>SSL</socketType><username>%EMAILADDRESS%</username>"
        "<authentication>password-cleartext</authentication></incomingServer>"
    )
    assert _by(lint(_clientconfig(_imap() + by_url)), TB) == set()
    bad_url = by_url.replace("ews.example.com", "ews_1.example.com")
    assert (RuleCode.BAD_HOSTNAME, Severity.WARN) in _by(lint(_clientconfig(bad_url)), TB)


def test_dtd_bomb_and_xxe_are_refused_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<clientConfig><emailProvider>&lol2;</emailProvider></clientConfig>"
    )
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<clientConfig><emailProvider>&x;</emailProvider></clientConfig>"
    )
    for data in (bomb, xxe):
        report = lint(data)
        assert report.codes == {RuleCode.FORBIDDEN_XML}
        assert not report.ok


def test_oversize_and_malformed() -> None:
    big = _clientconfig(_imap(), "<!--" + "x" * 70000 + "-->")
    assert lint(big).codes == {RuleCode.TOO_LARGE}
    assert lint(b"<clientConfig><emailProvider>").codes == {RuleCode.MALFORMED}


def test_own_exports_lint_clean() -> None:
    for data in (autoconfig_xml(PROFILE), mobileconfig(PROFILE)):
        report = lint(data)
        assert report.format in (Format.AUTOCONFIG, Format.MOBILECONFIG)
        assert report.problems == (), report.to_json()


def test_apple_rules() -> None:
    clean = mobileconfig(PROFILE)
    assert lint(plistlib.dumps(plistlib.loads(clean), fmt=plistlib.FMT_BINARY)).ok
    top = plistlib.loads(clean)
    payload = top["PayloadContent"][0]
    payload["IncomingPassword"] = "hunter2"
    del payload["OutgoingMailServerHostName"]
    assert lint(plistlib.dumps(top)).codes == {RuleCode.PASSWORD_INSIDE, RuleCode.MISSING_KEY}
    empty = clean.replace(b"<integer>465</integer>", b"<integer/>", 1)
    assert empty != clean
    assert lint(empty).codes == {RuleCode.EMPTY_INTEGER}


def test_a_broken_signed_envelope_is_malformed() -> None:
    der = (
        bytes.fromhex("3082") + b"\x01\x00" + bytes.fromhex("06092a864886f70d010702") + b"\x00" * 8
    )
    report = lint(der)
    assert report.format is Format.MOBILECONFIG_SIGNED
    assert report.codes == {RuleCode.MALFORMED} and not report.ok


def _signer(name: str, rsa_key: bool = False) -> tuple[bytes, bytes]:
    """A self-issued signing certificate and its key, PEM."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(65537, 2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


@pytest.mark.parametrize("rsa_key", [False, True], ids=["ec", "rsa"])
def test_signed_profile_is_unwrapped_and_names_its_signer(rsa_key: bool) -> None:
    cert, key = _signer("Example Corp profile signing", rsa_key)
    report = lint(sign_profile(mobileconfig(PROFILE), cert, key))
    assert report.format is Format.MOBILECONFIG_SIGNED
    assert report.codes == {RuleCode.SIGNED_BY} and report.ok, report.to_json()
    assert "CN=Example Corp profile signing" in report.problems[0].message


def test_the_plist_inside_a_signed_profile_is_linted() -> None:
    cert, key = _signer("signer")
    top = plistlib.loads(mobileconfig(PROFILE))
    top["PayloadContent"][0]["IncomingPassword"] = "hunter2"
    report = lint(sign_profile(plistlib.dumps(top), cert, key))
    assert report.codes == {RuleCode.SIGNED_BY, RuleCode.PASSWORD_INSIDE} and not report.ok
    empty = mobileconfig(PROFILE).replace(b"<integer>465</integer>", b"<integer/>", 1)
    assert lint(sign_profile(empty, cert, key)).codes == {
        RuleCode.SIGNED_BY,
        RuleCode.EMPTY_INTEGER,
    }


def test_a_profile_changed_after_signing_has_a_bad_signature() -> None:
    cert, key = _signer("signer")
    signed = sign_profile(mobileconfig(PROFILE), cert, key)
    at = signed.index(f"<string>{PROFILE.incoming.host}</string>".encode()) + len("<string>")
    tampered = signed[:at] + b"x" + signed[at + 1 :]
    report = lint(tampered)
    assert report.codes == {RuleCode.SIGNED_BY, RuleCode.BAD_SIGNATURE} and not report.ok
    assert "changed after signing" in report.problems[1].message


OPENSSL_FILES = (
    ("signer", "cert.pem"),
    ("inkey", "key.pem"),
    ("in", "in.plist"),
    ("out", "out.der"),
)


def test_a_ber_envelope_from_openssl_smime_is_read(tmp_path: Path) -> None:
    """`openssl cms -sign -stream` writes indefinite lengths and a chunked OCTET STRING."""
    cert, key = _signer("openssl signer")
    for name, data in (("cert.pem", cert), ("key.pem", key), ("in.plist", mobileconfig(PROFILE))):
        (tmp_path / name).write_bytes(data)
    signing = ["openssl", "cms", "-sign", "-stream", "-nodetach", "-binary", "-outform", "DER"]
    done = subprocess.run(
        [*signing, *(f"-{o}={tmp_path / f}" for o, f in OPENSSL_FILES)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = (tmp_path / "out.der").read_bytes()
    assert data[1] == 0x80  # indefinite length: BER, not DER
    report = lint(data)
    assert report.codes == {RuleCode.SIGNED_BY} and report.ok, report.to_json()


def test_autodiscover_rules() -> None:
    data = (
        b'<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">'
        b'<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/'
        b'responseschema/2006a"><Account><Protocol><Type>IMAP</Type><Server>imap.example.com'
        b"</Server><Port>99999</Port><SPA>on</SPA><SSL>off</SSL></Protocol></Account>"
        b"</Response></Autodiscover>"
    )
    report = lint(data)
    assert report.format is Format.AUTODISCOVER
    assert report.codes == {RuleCode.SPA_ON, RuleCode.SSL_OFF, RuleCode.BAD_PORT}


def _pox(protocol: str) -> bytes:
    return (
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/'
        '2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/'
        'responseschema/2006a"><Account><Protocol><Type>IMAP</Type><Server>imap.example.com'
        f"</Server><Port>143</Port>{protocol}</Protocol></Account></Response></Autodiscover>"
    ).encode()


@pytest.mark.parametrize(
    ("protocol", "words"),
    [
        ("<SSL>off</SSL>", "Outlook and Thunderbird both"),
        ("<SSL>off</SSL><Encryption>TLS</Encryption>", "Outlook reads the Encryption (STARTTLS)"),
        ("<SSL>on</SSL><Encryption>None</Encryption>", "Outlook and Thunderbird both"),
        ("<Encryption>None</Encryption>", "Outlook and Thunderbird both"),
    ],
)
def test_autodiscover_says_which_client_reads_plaintext(protocol: str, words: str) -> None:
    """SSL off + Encryption TLS is STARTTLS for Outlook (Encryption wins) and plaintext for
    Thunderbird (ExchangeAutoDiscover.sys.mjs: SSL off or Encryption None)."""
    problems = [p for p in lint(_pox(protocol)).problems if p.code is RuleCode.SSL_OFF]
    assert len(problems) == 1 and words in problems[0].message, problems
    assert problems[0].severity is Severity.ERROR


def test_autodiscover_with_tls_for_both_clients_is_clean() -> None:
    for protocol in (
        "<SSL>on</SSL>",
        "<Encryption>TLS</Encryption>",
        "<SSL>on</SSL><Encryption>SSL</Encryption>",
    ):
        assert lint(_pox(protocol)).problems == ()


def test_mta_sts() -> None:
    good = b"version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n"
    report = lint(good)
    assert report.format is Format.MTA_STS and report.problems == ()
    bad = lint(b"version: STSv1\nmode: sometimes\nmx: a.b\nmax_age: 1\n")
    assert bad.codes == {RuleCode.MTA_STS_INVALID} and not bad.ok
    ignored = lint(good + b"mx: mail_1.example.com\r\n")
    assert ignored.codes == {RuleCode.MTA_STS_MX_IGNORED} and ignored.ok
    assert ignored.problems[0].where == "line 5" and "bad-hostname" in ignored.problems[0].message
    blank = lint(good.replace(b"mode: enforce\r\n", b"mode: enforce\r\n\r\n"))
    assert blank.codes == {RuleCode.MTA_STS_SYNTAX} and blank.ok
    dotted = lint(good + b"mx: mx2.example.com.\r\n")  # RFC 5321 Domain: no final dot
    assert dotted.codes == {RuleCode.MTA_STS_MX_IGNORED} and dotted.ok


def _pacc_document(*servers: dict[str, object]) -> bytes:
    return json.dumps({"protocols": {"imap": list(servers)}}).encode()


def test_pacc_findings_have_their_own_codes() -> None:
    good = {"host": "imap.example.com", "port": 993, "security": "tls"}
    clean = lint(_pacc_document(good))
    assert clean.format is Format.PACC
    # A file alone has no TXT record to check its digest against: worth knowing only.
    assert clean.codes == {RuleCode.PACC_DIGEST_NOT_CHECKED} and clean.ok
    assert [p.severity for p in clean.problems] == [Severity.INFO]
    plain = lint(_pacc_document(good, {**good, "security": "none"}))
    assert plain.codes == {RuleCode.PACC_DIGEST_NOT_CHECKED, RuleCode.PACC_PLAINTEXT}
    assert not plain.ok
    dropped = lint(_pacc_document(good, {**good, "host": "imap_1.example.com"}))
    assert dropped.codes == {RuleCode.PACC_DIGEST_NOT_CHECKED, RuleCode.PACC_ENTRY_DROPPED}
    assert dropped.ok
    invalid = lint(b'{"no": "protocols"}')
    assert RuleCode.PACC_INVALID in invalid.codes and not invalid.ok


@pytest.mark.parametrize(
    ("hostname", "username", "code"),
    [
        ("imap_1.example.com", "%EMAILADDRESS%", RuleCode.BAD_HOSTNAME),
        ("192.0.2.1", "%EMAILADDRESS%", RuleCode.BAD_HOSTNAME),
        ("*.example.com", "%EMAILADDRESS%", RuleCode.BAD_HOSTNAME),
        ("imap..example.com", "%EMAILADDRESS%", RuleCode.BAD_HOSTNAME),
        ("imap.example.com", "", RuleCode.BAD_USERNAME),
    ],
)
def test_autoconfig_host_and_user_are_checked_as_mailhop_parses_them(
    hostname: str, username: str, code: RuleCode
) -> None:
    server = _imap(user=username).replace("imap.example.com", hostname)
    report = lint(_clientconfig(server))
    assert [(c, s, w) for c, s, w in _own(report)] == [
        (code, Severity.WARN, "emailProvider/incomingServer[0]")
    ]
    # ... and mailhop's own parser drops that entry for the same reason.
    parsed = parse_autoconfig(_clientconfig(server), local_part="user", domain="example.com")
    assert [c.service for c in parsed.candidates] == [Service.SUBMISSION]


def test_placeholders_are_filled_in_before_the_host_check() -> None:
    server = _imap().replace("imap.example.com", "imap.%EMAILDOMAIN%")
    assert lint(_clientconfig(server)).problems == ()


def test_a_field_given_twice_or_holding_a_line_break() -> None:
    twice = _imap().replace("<port>993</port>", "<port>993</port><port>143</port>")
    assert [c for c, _, _ in _own(lint(_clientconfig(twice)))] == [RuleCode.DUPLICATE_FIELD]
    broken = _imap(user="%EMAILADDRESS%&#10;x")
    assert [c for c, _, _ in _own(lint(_clientconfig(broken)))] == [RuleCode.CONTROL_CHARACTER]


# -- nothing in a file crashes `mailhop lint` (issue 12) ---------------------------------


def _nested_bplist(levels: int) -> bytes:
    """A binary plist of ``levels`` arrays, each holding the next (Apple's layout: header,
    objects, offset table, 32-byte trailer). plistlib's binary reader recursed per level."""
    body, offsets = bytearray(b"bplist00"), []
    for index in range(levels):
        offsets.append(len(body))
        last = index == levels - 1
        body += b"\xa0" if last else b"\xa1" + (index + 1).to_bytes(2, "big")
    table = len(body)
    for offset in offsets:
        body += offset.to_bytes(4, "big")
    body += bytes(6) + bytes([4, 2]) + levels.to_bytes(8, "big") + bytes(8)
    return bytes(body + table.to_bytes(8, "big"))


def _signed_patched(old: bytes, new: bytes, occurrence: int = 1) -> bytes:
    """A real signed profile (cryptography's CMS) with one spot of its signer's
    certificate changed: cryptography reads certificates lazily, so the damage surfaced
    only when a property was read, outside every try."""
    cert, key = _signer("SIGNERNAME")
    signed = sign_profile(mobileconfig(PROFILE), cert, key)
    at = -1
    for _ in range(occurrence):
        at = signed.index(old, at + 1)
    return signed[:at] + new + signed[at + len(old) :]


HOSTILE_FILES = {
    # 13 bytes: expat's "no element found" escaped as ExpatError
    "unclosed-plist": (lambda: b"<plist><dict>", "malformed", "no element found"),
    # plistlib's XML reader: IndexError
    "key-outside-dict": (
        lambda: b'<plist version="1.0"><key>a</key></plist>',
        "malformed",
        "not a property list",
    ),
    # LookupError from expat
    "unknown-encoding": (
        lambda: b'<?xml version="1.0" encoding="x-nope"?><plist><dict/></plist>',
        "malformed",
        "unknown encoding",
    ),
    # plistlib's date parser: AttributeError
    "bad-date": (lambda: b"<plist><date>x</date></plist>", "malformed", "not a property list"),
    # RecursionError in plistlib's binary reader and in json
    "deep-binary-plist": (lambda: _nested_bplist(2000), "malformed", "nested more than"),
    "deep-json": (
        lambda: b'{"protocols": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        "malformed",
        "nested more than",
    ),
    # the signer's subject (the certificate's second name) is not UTF-8: ValueError on
    # .subject, read by the linter to name the signer
    "signer-bad-name": (
        lambda: _signed_patched(b"\x0c\x0aSIGNERNAME", b"\x0c\x0a" + b"\xff" * 10, 2),
        "malformed",
        "not a readable certificate",
    ),
    # X.509 version 8: InvalidVersion on .version, raised while listing the certificates
    "signer-bad-version": (
        lambda: _signed_patched(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x07"),
        "malformed",
        "not a valid X509 version",
    ),
    # an EC key whose algorithm OID nobody knows: UnsupportedAlgorithm on .public_key()
    "signer-unknown-key-type": (
        lambda: _signed_patched(bytes.fromhex("2a8648ce3d0201"), bytes.fromhex("2a8648ce3d0209")),
        "bad-signature",
        "neither RSA nor EC",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_malformed_file_is_one_clear_finding_never_a_crash(tmp_path: Path, name: str) -> None:
    from mailhop.core.cli.main import EXIT_NEEDS_APPROVAL
    from tests.test_cli import run

    make, code, words = HOSTILE_FILES[name]
    path = tmp_path / f"{name}.mobileconfig"
    path.write_bytes(make())
    done = run("lint", str(path))
    shown = done.stdout + done.stderr
    assert "Traceback" not in shown and "internal error" not in shown, shown
    assert done.returncode == EXIT_NEEDS_APPROVAL, shown
    findings = [line for line in done.stdout.splitlines() if line.endswith(f"[{code}]")]
    assert len(findings) == 1 and words in findings[0], done.stdout


def test_a_dropped_entry_is_told_by_a_typed_flag_not_by_its_words() -> None:
    good = {"host": "imap.example.com", "port": 993, "security": "tls"}
    parsed = parse_pacc(
        _pacc_document(good, {**good, "host": "imap_1.example.com"}),
        local_part="user",
        domain="example.com",
        record=None,
    )
    dropped = [i for i in parsed.issues if i.dropped]
    assert [(i.code, i.where) for i in dropped] == [(IssueCode.BAD_HOSTNAME, "protocols.imap")]
    assert not any(i.dropped for i in parsed.issues if i not in dropped)
