"""Microsoft Autodiscover POX responses: settings, redirects, errors, hostile XML."""

from __future__ import annotations

import pytest

from mailhop.core.common.model import AuthMethod, IssueCode, RedirectKind, Security, Service
from mailhop.core.discover.parse_autodiscover import OUTLOOK_NS, RESPONSE_NS, parse_autodiscover


def protocol(
    kind: str = "IMAP",
    server: str = "imap.example.com",
    port: str | None = "993",
    ssl: str | None = "on",
    encryption: str | None = None,
    extra: str = "",
) -> str:
    parts = [f"<Type>{kind}</Type>", f"<Server>{server}</Server>"]
    parts += [] if port is None else [f"<Port>{port}</Port>"]
    parts += [] if ssl is None else [f"<SSL>{ssl}</SSL>"]
    parts += [] if encryption is None else [f"<Encryption>{encryption}</Encryption>"]
    return f"<Protocol>{''.join(parts)}{extra}</Protocol>"


def response(
    account_body: str, *, user: str = "<User><DisplayName>Alice</DisplayName></User>"
) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="{RESPONSE_NS}">'
        f'<Response xmlns="{OUTLOOK_NS}">{user}<Account><AccountType>email</AccountType>'
        f"{account_body}</Account></Response></Autodiscover>"
    ).encode()


def settings(*protocols: str) -> bytes:
    return response("<Action>settings</Action>" + "".join(protocols))


def test_settings_response() -> None:
    data = settings(
        protocol(extra="<LoginName>alice@example.com</LoginName><SPA>off</SPA>"),
        protocol("POP3", "pop.example.com", "995"),
        protocol("SMTP", "smtp.example.com", "587", encryption="TLS",
                 extra="<SPA>on</SPA><AuthRequired>on</AuthRequired>"),
        protocol("EXCH", "outlook.example.com", None, None),
    )  # fmt: skip
    result = parse_autodiscover(data)
    assert result.error is None and result.redirect is None and result.display_name == "Alice"
    got = [(c.service, c.hostname, c.port, c.security, c.order) for c in result.candidates]
    assert got == [
        (Service.IMAP, "imap.example.com", 993, Security.IMPLICIT_TLS, 0),
        (Service.POP3, "pop.example.com", 995, Security.IMPLICIT_TLS, 1),
        (Service.SUBMISSION, "smtp.example.com", 587, Security.STARTTLS, 2),
    ]
    assert result.candidates[0].username == "alice@example.com"
    assert result.candidates[1].username is None
    assert result.candidates[0].auth_methods == (AuthMethod.PASSWORD_CLEARTEXT,)
    assert result.candidates[2].auth_methods == (AuthMethod.PASSWORD_ENCRYPTED,)
    assert [(i.code, i.where) for i in result.issues] == [
        (IssueCode.UNSUPPORTED_TYPE, "Protocol[3]")
    ]


SECURITY = [
    # (port, SSL, Encryption) -> security, or the issue that drops the entry
    ("993", "on", None, Security.IMPLICIT_TLS),
    ("143", "on", None, Security.STARTTLS),  # SSL on, not the implicit port
    ("993", None, None, Security.IMPLICIT_TLS),  # SSL defaults to on
    ("143", "off", "TLS", Security.STARTTLS),  # Encryption overrides SSL
    ("993", "off", "SSL", Security.IMPLICIT_TLS),
    ("993", "on", "auto", Security.IMPLICIT_TLS),
    ("143", None, "Auto", Security.STARTTLS),
    ("993", "maybe", None, IssueCode.BAD_SOCKET_TYPE),
    ("993", None, "ROT13", IssueCode.BAD_SOCKET_TYPE),
    ("0", "on", None, IssueCode.BAD_PORT),
    ("65536", "on", None, IssueCode.BAD_PORT),
    ("-1", "on", None, IssueCode.BAD_PORT),
    ("1e3", "on", None, IssueCode.BAD_PORT),
    (" 993", "on", None, IssueCode.BAD_PORT),
]


@pytest.mark.parametrize(("port", "ssl", "encryption", "expected"), SECURITY)
def test_security_and_ports(
    port: str, ssl: str | None, encryption: str | None, expected: Security | IssueCode
) -> None:
    good = protocol("SMTP", "smtp.example.com", "465")
    result = parse_autodiscover(settings(protocol(port=port, ssl=ssl, encryption=encryption), good))
    assert result.error is None
    if isinstance(expected, Security):
        assert result.candidates[0].security is expected
    else:
        assert [c.hostname for c in result.candidates] == ["smtp.example.com"]
        assert [i.code for i in result.issues] == [expected]


@pytest.mark.parametrize(("ssl", "encryption"), [("off", None), ("on", "None")])
def test_plaintext_keeps_its_host_with_tls(ssl: str, encryption: str | None) -> None:
    # The document vouched for the host, not for plaintext: the standard TLS endpoints of
    # that host instead, implicit TLS first, and the plaintext still reported.
    entry = protocol("IMAP", "mail.example.com", "143", ssl=ssl, encryption=encryption)
    result = parse_autodiscover(settings(entry, protocol("SMTP", "smtp.example.com", "465")))
    assert [(c.hostname, c.port, c.security, c.from_plaintext) for c in result.candidates] == [
        ("mail.example.com", 993, Security.IMPLICIT_TLS, True),
        ("mail.example.com", 143, Security.STARTTLS, True),
        ("smtp.example.com", 465, Security.IMPLICIT_TLS, False),
    ]
    assert [(i.code, i.where) for i in result.issues] == [
        (IssueCode.PLAINTEXT_REJECTED, "Protocol[0]")
    ]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (protocol(server="imap example.com"), IssueCode.BAD_HOSTNAME),
        (protocol(server="_imap.example.com"), IssueCode.BAD_HOSTNAME),
        (protocol(server="10.0.0.1"), IssueCode.BAD_HOSTNAME),
        (protocol(server="imap.example.com&#13;&#10;x"), IssueCode.CONTROL_CHARACTER),
        (protocol(extra="<LoginName>a&#10;b</LoginName>"), IssueCode.CONTROL_CHARACTER),
        (protocol(extra="<Server>other.example.com</Server>"), IssueCode.BAD_FIELD),
        ("<Protocol><Type>IMAP</Type><Port>993</Port></Protocol>", IssueCode.MISSING_FIELD),
        (protocol("WEB"), IssueCode.UNSUPPORTED_TYPE),
    ],
)
def test_bad_entries_are_dropped(entry: str, code: IssueCode) -> None:
    result = parse_autodiscover(settings(entry, protocol("SMTP", "smtp.example.com", "465")))
    assert [c.hostname for c in result.candidates] == ["smtp.example.com"]
    assert [i.code for i in result.issues] == [code]


def test_missing_port_defaults_and_type_attribute() -> None:
    entry = '<Protocol Type="POP3"><Server>pop.example.com</Server></Protocol>'
    result = parse_autodiscover(settings(entry))
    assert [(c.service, c.port, c.security) for c in result.candidates] == [
        (Service.POP3, 995, Security.IMPLICIT_TLS)
    ]
    assert [i.code for i in result.issues] == [IssueCode.DEFAULTED]


def test_auth_required_off_adds_none() -> None:
    entry = protocol("SMTP", "smtp.example.com", "465", extra="<AuthRequired>off</AuthRequired>")
    result = parse_autodiscover(settings(entry))
    assert result.candidates[0].auth_methods == (AuthMethod.PASSWORD_CLEARTEXT, AuthMethod.NONE)


@pytest.mark.parametrize(
    ("body", "kind", "target"),
    [
        ("<Action>redirectAddr</Action><RedirectAddr>bob@Bücher.example</RedirectAddr>",
         "address", "bob@xn--bcher-kva.example"),
        ("<Action>redirectUrl</Action>"
         "<RedirectUrl>https://AutoDiscover.example.net/autodiscover/autodiscover.xml</RedirectUrl>",
         "url", "https://autodiscover.example.net/autodiscover/autodiscover.xml"),
    ],
)  # fmt: skip
def test_redirects_are_returned_not_followed(body: str, kind: str, target: str) -> None:
    result = parse_autodiscover(response(body + protocol()))
    assert result.error is None and result.candidates == ()
    assert result.redirect is not None
    assert (result.redirect.kind, result.redirect.target) == (RedirectKind(kind), target)


@pytest.mark.parametrize(
    "body",
    [
        "<Action>redirectAddr</Action><RedirectAddr>not-an-address</RedirectAddr>",
        "<Action>redirectAddr</Action><RedirectAddr>bob@localhost</RedirectAddr>",
        "<Action>redirectAddr</Action><RedirectAddr>b&#10;ob@example.com</RedirectAddr>",
        "<Action>redirectAddr</Action>",
        "<Action>redirectUrl</Action><RedirectUrl>http://evil.example/a</RedirectUrl>",
        "<Action>redirectUrl</Action><RedirectUrl>https://u:p@evil.example/a</RedirectUrl>",
        "<Action>redirectUrl</Action><RedirectUrl>https://198.51.100.1/a</RedirectUrl>",
        "<Action>selfDestruct</Action>",
    ],
)
def test_bad_redirects_are_errors(body: str) -> None:
    result = parse_autodiscover(response(body))
    assert result.error is not None and result.redirect is None


ERROR_RESPONSE = f"""<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="{RESPONSE_NS}"><Response>
<Error Time="16:56:49.4134969" Id="1054084152"><ErrorCode>600</ErrorCode>
<Message>Invalid Request</Message><DebugData /></Error></Response></Autodiscover>""".encode()

MOBILESYNC = f"""<Autodiscover xmlns="{RESPONSE_NS}">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006">
<Action><Settings><Server><Type>MobileSync</Type><Url>https://x.example/</Url></Server>
</Settings></Action></Response></Autodiscover>""".encode()

BOMB = b"""<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<Autodiscover><Response><User><DisplayName>&c;</DisplayName></User></Response></Autodiscover>"""

NO_ACCOUNT = f"<Autodiscover><Response xmlns='{OUTLOOK_NS}'/></Autodiscover>".encode()

XXE = b"""<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Autodiscover><Response><Account><Protocol><Type>IMAP</Type><Server>&x;</Server>
</Protocol></Account></Response></Autodiscover>"""


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (ERROR_RESPONSE, "error 600: Invalid Request"),
        (MOBILESYNC, "not the Outlook schema"),
        (BOMB, "forbidden"),
        (XXE, "forbidden"),
        (b"<Autodiscover xmlns='urn:evil'><Response/></Autodiscover>", "not Autodiscover"),
        (b"<html/>", "not Autodiscover"),
        (f"<Autodiscover xmlns='{RESPONSE_NS}'/>".encode(), "no Response"),
        (NO_ACCOUNT, "no Account"),
        (b"<Autodiscover>", "malformed"),
        (settings(protocol()) + b"<!--" + b"x" * 66000 + b"-->", "limit"),
        (b"<Autodiscover>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</Autodiscover>", "nested"),
    ],
)  # fmt: skip
def test_document_errors(data: bytes, fragment: str) -> None:
    result = parse_autodiscover(data)
    assert result.error is not None and fragment in result.error
    assert result.candidates == () and "root:" not in repr(result)


def test_no_namespace_response_is_accepted_and_extra_account_reported() -> None:
    data = (
        b"<Autodiscover><Response><Account><Protocol><Type>imap</Type>"
        b"<Server>imap.example.com</Server><Port>993</Port></Protocol></Account>"
        b"<Account/></Response></Autodiscover>"
    )
    result = parse_autodiscover(data)
    assert [c.hostname for c in result.candidates] == ["imap.example.com"]
    assert [i.code for i in result.issues] == [IssueCode.EXTRA_ELEMENT]
