"""Autoconfig clientConfig parsing: hostile XML, per-entry validation, real ISPDB files."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from mailhop.core.common.model import AuthMethod, AutoconfigResult, IssueCode, Security, Service
from mailhop.core.discover.parse_autoconfig import parse_autoconfig

ADDRESS = {"local_part": "alice", "domain": "example.com"}


def server(
    kind: str = "imap",
    host: str = "imap.example.com",
    port: str = "993",
    socket: str = "SSL",
    user: str | None = "%EMAILADDRESS%",
    extra: str = "",
    tag: str | None = None,
) -> str:
    tag = tag or ("outgoingServer" if kind == "smtp" else "incomingServer")
    username = "" if user is None else f"<username>{user}</username>"
    return (
        f'<{tag} type="{kind}"><hostname>{host}</hostname><port>{port}</port>'
        f"<socketType>{socket}</socketType>{username}"
        f"<authentication>password-cleartext</authentication>{extra}</{tag}>"
    )


def document(*servers: str, provider_extra: str = "", top_extra: str = "") -> bytes:
    body = "".join(servers)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1">'
        f'<emailProvider id="example.com"><domain>example.com</domain>'
        f"<displayName>Example Mail</displayName>{provider_extra}{body}</emailProvider>"
        f"{top_extra}</clientConfig>"
    ).encode()


# --- hostile documents: an error result, never an exception, never expanded ---------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clientConfig version="1.1"><emailProvider id="x"><displayName>&lol9;</displayName>
</emailProvider></clientConfig>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE clientConfig [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<clientConfig version="1.1"><emailProvider id="x"><displayName>&xxe;</displayName>
<incomingServer type="imap"><hostname>&xxe;</hostname><port>993</port>
<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE clientConfig SYSTEM "http://attacker.example/evil.dtd">
<clientConfig version="1.1"><emailProvider id="x"/></clientConfig>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<clientConfig version="1.1"/>"""


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY], ids=["bomb", "xxe", "dtd", "pe"]
)
def test_dtds_and_entities_are_refused_not_expanded(data: bytes) -> None:
    started = time.monotonic()
    result = parse_autoconfig(data, **ADDRESS)
    assert time.monotonic() - started < 1
    assert result.error is not None and "forbidden" in result.error
    assert result.candidates == () and result.display_name is None
    assert "root:" not in repr(result) and "lollol" not in repr(result)


def test_oversized_document_is_refused_before_parsing() -> None:
    valid = document(server())
    padded = valid.replace(b"<clientConfig", b"<!--" + b"x" * 66000 + b"-->\n<clientConfig")
    assert len(padded) > 65536
    assert parse_autoconfig(valid, **ADDRESS).error is None
    result = parse_autoconfig(padded, **ADDRESS)
    assert result.error is not None and "65536 byte limit" in result.error
    # the cap is checked before the parser: a huge malformed body gets the same answer
    assert "limit" in (parse_autoconfig(b"<" * 70000, **ADDRESS).error or "")
    assert "limit" in (parse_autoconfig(valid, **ADDRESS, max_bytes=100).error or "")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "malformed"),
        (b"not xml at all", "malformed"),
        (b"<clientConfig><emailProvider></clientConfig>", "malformed"),
        (b'<?xml version="1.0" encoding="x-no-such"?><clientConfig/>', "malformed"),
        (b"<clientConfig>&#0;</clientConfig>", "malformed"),  # NUL cannot be XML
        (b"<html><body>404</body></html>", "not clientConfig"),
        (b'<clientConfig version="1.1"/>', "no emailProvider"),
        (b'<c:clientConfig xmlns:c="urn:x"><emailProvider/></c:clientConfig>', "not clientConfig"),
        # expat has no depth limit, and code walking a tree recursively has Python's
        (b"<clientConfig>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</clientConfig>", "nested"),
    ],
)
def test_bad_documents_are_error_results(data: bytes, fragment: str) -> None:
    result = parse_autoconfig(data, **ADDRESS)
    assert result.error is not None and fragment in result.error


# --- one bad entry drops that entry, not the file -----------------------------------

BAD_ENTRIES = [
    # ports
    (server(port="0"), IssueCode.BAD_PORT),
    (server(port="65536"), IssueCode.BAD_PORT),
    (server(port="99999"), IssueCode.BAD_PORT),
    (server(port="-1"), IssueCode.BAD_PORT),
    (server(port="1e3"), IssueCode.BAD_PORT),
    (server(port="9 93"), IssueCode.BAD_PORT),
    (server(port="+993"), IssueCode.BAD_PORT),
    (server(port=""), IssueCode.BAD_PORT),
    # hostnames
    (server(host="imap example.com"), IssueCode.BAD_HOSTNAME),
    (server(host="_x.example.com"), IssueCode.BAD_HOSTNAME),
    (server(host="a..b"), IssueCode.BAD_HOSTNAME),
    (server(host="192.0.2.7"), IssueCode.BAD_HOSTNAME),
    (server(host="a" * 64 + ".example.com"), IssueCode.BAD_HOSTNAME),
    (server(host="*.example.com"), IssueCode.BAD_HOSTNAME),
    (server(host="localhost"), IssueCode.BAD_HOSTNAME),
    (server(host="%EMAILLOCALPART%.example.com"), None),  # "alice.example.com": fine
    # socket types (plain keeps its host: test_a_plaintext_entry_keeps_its_host_with_tls)
    (server(socket="SSL-maybe"), IssueCode.BAD_SOCKET_TYPE),
    (server(socket="plain", host="a..b"), IssueCode.BAD_HOSTNAME),
    # CR / LF in any field (XML turns a raw CR into LF, so &#13; is the way to send one)
    (server(host="imap.example.com&#13;&#10;EVIL"), IssueCode.CONTROL_CHARACTER),
    (server(host="imap.example.com&#10;"), IssueCode.CONTROL_CHARACTER),
    (server(user="alice&#13;&#10;A1 LOGIN x y"), IssueCode.CONTROL_CHARACTER),
    (server(port="993&#10;"), IssueCode.CONTROL_CHARACTER),
    (server(socket="SSL&#13;"), IssueCode.CONTROL_CHARACTER),
    (server(kind="imap&#10;"), IssueCode.CONTROL_CHARACTER),
    # placeholders, structure
    (server(user="%USERNAME%"), IssueCode.UNKNOWN_PLACEHOLDER),
    (server(extra="<hostname>other.example.com</hostname>"), IssueCode.BAD_FIELD),
    (server(host="imap.<b>x</b>example.com"), IssueCode.BAD_FIELD),
    ('<incomingServer type="imap"><hostname>i.example.com</hostname>'
     "<socketType>SSL</socketType></incomingServer>", IssueCode.MISSING_FIELD),
    (server(kind="jmap"), IssueCode.UNSUPPORTED_TYPE),
    (server(kind="smtp", tag="incomingServer"), IssueCode.UNSUPPORTED_TYPE),
    (server(kind="ews"), IssueCode.UNSUPPORTED_TYPE),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "code"), BAD_ENTRIES)
def test_a_bad_entry_is_dropped_and_the_good_one_kept(entry: str, code: IssueCode | None) -> None:
    good = server(kind="smtp", host="smtp.example.com", port="465")
    result = parse_autoconfig(document(entry, good), **ADDRESS)
    assert result.error is None
    hosts = [c.hostname for c in result.candidates]
    if code is None:
        assert hosts == ["alice.example.com", "smtp.example.com"]
        return
    assert hosts == ["smtp.example.com"]
    assert result.candidates[0].order == 1
    dropped = [issue for issue in result.issues if issue.message.startswith("entry dropped")]
    assert [issue.code for issue in dropped] == [code]
    assert dropped[0].where == ("incomingServer[0]" if "incoming" in entry else "outgoingServer[0]")


def test_u_label_hostname_is_converted_once() -> None:
    result = parse_autoconfig(document(server(host="imap.bücher.example")), **ADDRESS)
    assert result.candidates[0].hostname == "imap.xn--bcher-kva.example"


def test_an_insecure_entry_listed_first_does_not_push_out_secure_ones() -> None:
    data = document(
        server(host="plain.example.com", port="143", socket="plain"),
        server(host="imaps.example.com", port="993", socket="SSL"),
        server(host="starttls.example.com", port="143", socket="STARTTLS"),
    )
    result = parse_autoconfig(data, **ADDRESS)
    assert [(c.hostname, c.security, c.order, c.from_plaintext) for c in result.candidates] == [
        ("plain.example.com", Security.IMPLICIT_TLS, 0, True),
        ("plain.example.com", Security.STARTTLS, 0, True),
        ("imaps.example.com", Security.IMPLICIT_TLS, 1, False),
        ("starttls.example.com", Security.STARTTLS, 2, False),
    ]
    assert [i.code for i in result.issues] == [IssueCode.PLAINTEXT_REJECTED]
    assert "plaintext socket type rejected" in result.issues[0].message


# Expert's expectation: the source vouched for the host, not for plaintext, so the host is
# kept and tried with TLS on the protocol's standard ports, implicit TLS first (RFC 8314).
IMPLICIT, STARTTLS = Security.IMPLICIT_TLS, Security.STARTTLS
PLAIN_ENTRIES = [
    ("imap", "incomingServer", "143", Service.IMAP, [(993, IMPLICIT), (143, STARTTLS)]),
    ("pop3", "incomingServer", "110", Service.POP3, [(995, IMPLICIT), (110, STARTTLS)]),
    ("smtp", "outgoingServer", "25", Service.SUBMISSION, [(465, IMPLICIT), (587, STARTTLS)]),
    ("smtp", "outgoingServer", "587", Service.SUBMISSION, [(465, IMPLICIT), (587, STARTTLS)]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "tag", "port", "service", "expected"), PLAIN_ENTRIES)
@pytest.mark.parametrize("socket", ["plain", "none"])
def test_a_plaintext_entry_keeps_its_host_with_tls(
    kind: str,
    tag: str,
    port: str,
    service: Service,
    expected: list[tuple[int, Security]],
    socket: str,
) -> None:
    entry = server(kind=kind, tag=tag, host="mail.example.com", port=port, socket=socket)
    result = parse_autoconfig(document(entry), **ADDRESS)
    assert [(c.service, c.hostname, c.port, c.security) for c in result.candidates] == [
        (service, "mail.example.com", p, sec) for p, sec in expected
    ]
    assert all(c.from_plaintext and c.order == 0 for c in result.candidates)
    assert all(c.username == "alice@example.com" for c in result.candidates)
    (issue,) = result.issues
    assert issue.code is IssueCode.PLAINTEXT_REJECTED and issue.where == f"{tag}[0]"
    assert f"mail.example.com port {port}" in issue.message and "with TLS" in issue.message


def test_a_plaintext_entry_beside_the_same_host_with_tls_adds_only_what_is_missing() -> None:
    data = document(
        server(host="mail.example.com", port="143", socket="plain"),
        server(host="mail.example.com", port="993", socket="SSL"),
        server(host="mail.example.com", port="143", socket="none"),
    )
    result = parse_autoconfig(data, **ADDRESS)
    assert [(c.port, c.security, c.order, c.from_plaintext) for c in result.candidates] == [
        (143, Security.STARTTLS, 0, True),
        (993, Security.IMPLICIT_TLS, 1, False),
    ]


def test_several_incoming_servers_keep_xml_order() -> None:
    data = document(
        server(kind="pop3", host="pop.example.com", port="995"),
        server(kind="imap", host="imap1.example.com"),
        server(kind="smtp", host="smtp.example.com", port="587", socket="STARTTLS"),
        server(kind="imap", host="imap2.example.com", port="143", socket="STARTTLS"),
    )
    result = parse_autoconfig(data, **ADDRESS)
    assert [(c.service, c.hostname, c.order) for c in result.candidates] == [
        (Service.POP3, "pop.example.com", 0),
        (Service.IMAP, "imap1.example.com", 1),
        (Service.SUBMISSION, "smtp.example.com", 2),
        (Service.IMAP, "imap2.example.com", 3),
    ]


def test_provider_password_is_ignored_and_never_kept() -> None:
    data = document(server(extra="<password>hunter2-canary</password>"))
    result = parse_autoconfig(data, **ADDRESS)
    assert len(result.candidates) == 1
    assert [i.code for i in result.issues] == [IssueCode.PASSWORD_IGNORED]
    assert "provider-supplied password ignored" in result.issues[0].message
    assert "hunter2-canary" not in repr(result)


@pytest.mark.parametrize(
    ("template", "local", "expected", "codes"),
    [
        # the local part is inserted literally: no second expansion
        ("%EMAILLOCALPART%", "%EMAILADDRESS%", "%EMAILADDRESS%", []),
        ("%EMAILADDRESS%", "%EMAILDOMAIN%", "%EMAILDOMAIN%@example.com", []),
        # a missing closing % (a real ISPDB quirk): substituted, and reported
        ("%EMAILLOCALPART", "alice", "alice", [IssueCode.UNTERMINATED_PLACEHOLDER]),
        ("%EMAILADDRESS", "alice", "alice@example.com", [IssueCode.UNTERMINATED_PLACEHOLDER]),
    ],
)
def test_placeholder_abuse(
    template: str, local: str, expected: str, codes: list[IssueCode]
) -> None:
    data = document(server(user=template))
    result = parse_autoconfig(data, local_part=local, domain="example.com")
    assert result.candidates[0].username == expected
    assert [i.code for i in result.issues] == codes


def test_a_local_part_cannot_smuggle_a_host_or_a_line() -> None:
    evil_host = document(server(host="%EMAILLOCALPART%.example.com"))
    result = parse_autoconfig(evil_host, local_part="x@attacker.example#", domain="example.com")
    assert result.candidates == () and result.issues[0].code is IssueCode.BAD_HOSTNAME
    evil_user = document(server())
    result = parse_autoconfig(evil_user, local_part="a\r\nA1 LOGOUT", domain="example.com")
    assert result.candidates == () and result.issues[0].code is IssueCode.CONTROL_CHARACTER


def test_oauth2_is_detected_from_authentication_and_the_element() -> None:
    oauth_entry = server().replace("password-cleartext", "OAuth2")
    result = parse_autoconfig(document(oauth_entry), **ADDRESS)
    assert result.candidates[0].auth_methods == (AuthMethod.OAUTH2,)
    assert result.uses_oauth2 and result.oauth2 is None

    element = (
        "<oAuth2><issuer>login.example.com</issuer><scope>IMAP SMTP</scope>"
        "<authURL>https://login.example.com/auth</authURL>"
        "<tokenURL>http://login.example.com/token</tokenURL>"
        "<clientSecret>not-kept</clientSecret></oAuth2>"
    )
    for placement in ({"top_extra": element}, {"provider_extra": element}):
        result = parse_autoconfig(document(server(), **placement), **ADDRESS)
        assert result.uses_oauth2 and result.oauth2 is not None
        assert result.oauth2.issuer == "login.example.com"
        assert result.oauth2.auth_url == "https://login.example.com/auth"
        assert result.oauth2.token_url is None  # http: refused, reported
        assert [i.code for i in result.issues] == [IssueCode.BAD_FIELD]
        assert "not-kept" not in repr(result)


@pytest.mark.parametrize("tag", ["displayShortName", "displayNameShort", "DisplayShortName"])
def test_display_short_name_typo_tolerance(tag: str) -> None:
    result = parse_autoconfig(document(server(), provider_extra=f"<{tag}>Ex</{tag}>"), **ADDRESS)
    assert result.display_short_name == "Ex" and result.display_name == "Example Mail"


def test_unknown_elements_and_auth_methods() -> None:
    extra = (
        "<pop3>\n  <leaveMessagesOnServer>true</leaveMessagesOnServer>\n</pop3>"
        "<addThisServer>true</addThisServer><authentication>GSSAPI</authentication>"
        "<authentication>password-encrypted</authentication><futureThing a='b'>x</futureThing>"
    )
    result = parse_autoconfig(
        document(server(extra=extra), top_extra="<webMail><loginPage url='x'/></webMail>"),
        **ADDRESS,
    )
    assert result.issues == ()
    # GSSAPI is not a method mailhop sets up: skipped, never a method of its own.
    assert result.candidates[0].auth_methods == (
        AuthMethod.PASSWORD_CLEARTEXT,
        AuthMethod.PASSWORD_ENCRYPTED,
    )


# --- read as Thunderbird reads (issue 15; its test_autoconfigXML.js in tests/data/peers) --


def test_blanks_around_host_and_port_are_trimmed_as_thunderbird_does() -> None:
    result = parse_autoconfig(document(server(host=" imap.example.com  ", port=" 993 ")), **ADDRESS)
    assert [(c.hostname, c.port) for c in result.candidates] == [("imap.example.com", 993)]
    assert result.issues == ()


def test_a_placeholder_domain_is_filled_in() -> None:
    data = document(server()).replace(b"<domain>example.com", b"<domain>%EMAILDOMAIN%")
    result = parse_autoconfig(data, **ADDRESS)
    assert result.domains == ("example.com",) and result.issues == ()


def test_repeated_socket_types_are_ordered_fallbacks() -> None:
    entry = server(socket="GSSAPI2</socketType><socketType>STARTTLS", port="143")
    result = parse_autoconfig(document(entry), **ADDRESS)
    assert [(c.port, c.security) for c in result.candidates] == [(143, Security.STARTTLS)]


def test_an_unknown_first_authentication_does_not_decide_and_an_unusable_entry_is_dropped() -> None:
    first_unknown = server(extra="").replace(
        "<authentication>password-cleartext",
        "<authentication></authentication>"
        "<authentication>smtp-after-imap</authentication><authentication>password-cleartext",
    )
    unusable = server(kind="smtp", host="smtp.example.com", port="465").replace(
        "password-cleartext", "smtp-after-imap"
    )
    usable = server(kind="smtp", host="smtp2.example.com", port="465")
    result = parse_autoconfig(document(first_unknown, unusable, usable), **ADDRESS)
    assert [(c.hostname, c.auth_methods) for c in result.candidates] == [
        ("imap.example.com", (AuthMethod.PASSWORD_CLEARTEXT,)),
        ("smtp2.example.com", (AuthMethod.PASSWORD_CLEARTEXT,)),
    ]
    assert [i.dropped for i in result.issues] == [True]


def test_missing_username_is_none_and_extra_provider_reported() -> None:
    second = '<emailProvider id="other"><incomingServer type="imap"/></emailProvider>'
    result = parse_autoconfig(document(server(user=None), top_extra=second), **ADDRESS)
    assert result.candidates[0].username is None
    assert [i.code for i in result.issues] == [IssueCode.EXTRA_ELEMENT]


def test_non_utf8_declared_encoding_and_metadata() -> None:
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><clientConfig version="1.1">'
        '<emailProvider id="example.com"><domain>example.com</domain><domain>B\xfccher.example'
        "</domain><domain>bad_domain.example</domain><displayName>M\xfcller Mail</displayName>"
        f"{server()}</emailProvider></clientConfig>"
    ).encode("latin-1")
    result = parse_autoconfig(data, **ADDRESS)
    assert result.display_name == "Müller Mail" and result.provider_id == "example.com"
    assert result.domains == ("example.com", "xn--bcher-kva.example")
    assert [i.code for i in result.issues] == [IssueCode.BAD_HOSTNAME]


# --- the real ISPDB sample (../shared/specs/ispdb-sample) ------------------------------

PLAIN_ONLY = {
    "co2.wind.ne.jp", "dan.wind.ne.jp", "go.tvm.ne.jp", "hal.ne.jp", "kl.wind.ne.jp",
    "mail.wind.ne.jp", "ml.murakami.ne.jp", "pop.shibata.ne.jp", "so.wind.ne.jp",
    "tiscali.cz", "xp.wind.jp",
}  # fmt: skip
_ENTRY = re.compile(rb'<(?:incoming|outgoing)Server type="(?:imap|pop3|smtp)"')


@pytest.mark.shared
def test_every_ispdb_sample_file(shared_dir: Path) -> None:
    files = sorted((shared_dir / "specs" / "ispdb-sample").glob("*.xml"))
    assert len(files) == 41
    plain_only = set()
    for path in files:
        data = path.read_bytes()
        result = parse_autoconfig(data, local_part="alice", domain=path.stem)
        assert result.error is None, path.name
        dropped = [i for i in result.issues if i.message.startswith("entry dropped")]
        plain = data.count(b"<socketType>plain</socketType>")
        # no entry of this sample is dropped: a plain socketType keeps its host, tried on
        # the two standard TLS ports, and is reported as plaintext
        assert dropped == [], path.name
        derived = [c for c in result.candidates if c.from_plaintext]
        assert len(result.candidates) - len(derived) + plain == len(_ENTRY.findall(data))
        assert len(derived) == 2 * plain, path.name
        assert [i.code for i in result.issues] == [IssueCode.PLAINTEXT_REJECTED] * plain
        assert result.display_name and result.display_short_name, path.name
        if result.candidates == tuple(derived):
            plain_only.add(path.stem)
    assert plain_only == PLAIN_ONLY


@pytest.mark.shared
def test_ispdb_quirks_in_detail(shared_dir: Path) -> None:
    folder = shared_dir / "specs" / "ispdb-sample"

    def parse(name: str, domain: str) -> AutoconfigResult:
        data = (folder / f"{name}.xml").read_bytes()
        return parse_autoconfig(data, local_part="al", domain=domain)

    inbox = parse("inbox.lv", "inbox.eu")  # %EMAILDOMAIN% in host names and display name
    assert {c.hostname for c in inbox.candidates} == {"mail.inbox.eu"}
    assert inbox.display_name == "inbox.eu"
    yandex = parse("yandex.ru", "yandex.ru")  # <oAuth2> beside, not inside, emailProvider
    assert yandex.oauth2 is not None
    assert yandex.oauth2.token_url == "https://oauth.yandex.com/token"  # noqa: S105
    att = parse("att.net", "att.net")  # OAuth2 listed before the password; two SMTP hosts
    assert all(c.auth_methods[0] is AuthMethod.OAUTH2 for c in att.candidates)
    assert [c.hostname for c in att.candidates if c.service is Service.SUBMISSION] == [
        "outbound.att.net",
        "smtp.mail.att.net",
    ]
    teol = parse("teol.net", "teol.net")  # outgoing server without <username>
    assert [c.username for c in teol.candidates] == ["al@teol.net", "al@teol.net", None]
    hal = parse("hal.ne.jp", "hal.ne.jp")  # both entries plain -> the host, with TLS
    assert [(c.service, c.hostname, c.port, c.username) for c in hal.candidates] == [
        (Service.POP3, "mail.hal.ne.jp", 995, "al@hal.ne.jp"),
        (Service.POP3, "mail.hal.ne.jp", 110, "al@hal.ne.jp"),
        (Service.SUBMISSION, "mail.hal.ne.jp", 465, "al"),
        (Service.SUBMISSION, "mail.hal.ne.jp", 587, "al"),
    ]
    assert hal.candidates[2].auth_methods == (AuthMethod.PASSWORD_ENCRYPTED,)
    assert [i.code for i in hal.issues] == [IssueCode.PLAINTEXT_REJECTED] * 2
    charter = parse("charter.net", "charter.net")  # SSL on 587 ("spec violation"): kept
    smtp = [c for c in charter.candidates if c.service is Service.SUBMISSION]
    assert [(c.port, c.security) for c in smtp] == [(587, Security.IMPLICIT_TLS)]
