"""Shared field validation (DESIGN.md section 4, rule 7), table-driven."""

from __future__ import annotations

import pytest

from mailhop.core.common.failure import Failure
from mailhop.core.common.fields import (
    FieldError,
    has_control,
    join_txt,
    load_xml,
    socket_security,
    substitute_placeholders,
    validate_hostname,
    validate_https_url,
    validate_port,
    validate_port_value,
    validate_username,
)
from mailhop.core.common.model import IssueCode, Security

GOOD_HOSTNAMES = [
    ("imap.example.com", "imap.example.com"),
    ("IMAP.Example.COM", "imap.example.com"),
    ("imap.example.com.", "imap.example.com"),  # one trailing dot: the root
    ("bücher.example", "xn--bcher-kva.example"),  # U-label -> A-label, once
    ("faß.de", "xn--fa-hia.de"),  # IDNA 2008, not the IDNA 2003 "fass.de"
    ("xn--bcher-kva.example", "xn--bcher-kva.example"),  # an A-label stays
    ("\uff49\uff4d\uff41\uff50\uff0eexample\uff0ecom", "imap.example.com"),  # full-width forms
    ("mx-1.a1.example", "mx-1.a1.example"),
    ("imap.signed.test", "imap.signed.test"),  # the lab's names
    ("a" * 63 + ".example", "a" * 63 + ".example"),
]

BAD_HOSTNAMES = [
    ("", "empty"),
    ("imap .example.com", "white space"),
    (" imap.example.com", "white space"),
    ("_x.example.com", "underscore"),
    ("imap_x.example.com", "underscore"),
    ("*.example.com", "wildcard"),
    ("a..b", "empty label"),
    (".example.com", "empty label"),
    ("example.com..", "empty label"),
    ("192.0.2.1", "IP address"),
    ("[2001:db8::1]", "IP address"),
    ("2001:db8::1", "IP address"),
    ("0x7f.1", "all-numeric"),
    ("a" * 64 + ".example", "IDNA"),  # 64-octet label
    (".".join(["a" * 63] * 4) + ".com", "IDNA"),  # > 253 octets
    ("localhost", "single label"),
    ("mail", "single label"),
    ("imap.localhost", "special-use"),
    ("imap.example.invalid", "special-use"),
    ("-imap.example.com", "IDNA"),
    ("imap-.example.com", "IDNA"),
    ("ab--cd.example.com", "IDNA"),  # hyphens in positions 3-4 are reserved
    ("xn--abc.example.com", "IDNA"),  # a fake A-label
    ("imap.exa%mple.com", "IDNA"),
    ("imap.example.com\r\nX-Evil: 1", "control"),
    ("imap.example.com\x00.evil.com", "control"),
    ("imap.example.com\n", "control"),
    ("imap.example.com\u2028", "control"),
    ("a" * 2000 + ".com", "too long"),
]


@pytest.mark.parametrize(("text", "expected"), GOOD_HOSTNAMES)
def test_valid_hostnames_become_one_a_label(text: str, expected: str) -> None:
    assert validate_hostname(text) == expected


@pytest.mark.parametrize(("text", "reason"), BAD_HOSTNAMES)
def test_invalid_hostnames_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(FieldError) as caught:
        validate_hostname(text)
    assert reason in caught.value.message
    expected = IssueCode.CONTROL_CHARACTER if reason == "control" else IssueCode.BAD_HOSTNAME
    assert caught.value.code is expected


@pytest.mark.parametrize(("text", "port"), [("1", 1), ("25", 25), ("993", 993), ("65535", 65535)])
def test_valid_ports(text: str, port: int) -> None:
    assert validate_port(text) == port


@pytest.mark.parametrize(
    "text",
    [
        *("0", "65536", "99999", "-1", "+993", "1e3", " 993", "993 ", "0993", "", "99.3"),
        *("0x3e1", "\u0669\u0669\u0663", "\uff19\uff19\uff13", "993\n", "1" * 40),
    ],
)
def test_malformed_ports_are_rejected(text: str) -> None:
    with pytest.raises(FieldError):
        validate_port(text)


@pytest.mark.parametrize("value", [0, 65536, -1, True, 993.0, 1e3, "993", None])
def test_json_ports_must_be_integers_in_range(value: object) -> None:
    with pytest.raises(FieldError) as caught:
        validate_port_value(value)
    assert caught.value.code is IssueCode.BAD_PORT


def test_json_port_accepts_an_integer() -> None:
    assert validate_port_value(465) == 465


@pytest.mark.parametrize(
    ("text", "security"),
    [
        ("SSL", Security.IMPLICIT_TLS),
        ("ssl", Security.IMPLICIT_TLS),
        ("TLS", Security.IMPLICIT_TLS),
        ("STARTTLS", Security.STARTTLS),
        ("starttls", Security.STARTTLS),
    ],
)
def test_socket_types(text: str, security: Security) -> None:
    assert socket_security(text) is security


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("plain", IssueCode.PLAINTEXT_REJECTED),
        ("PLAIN", IssueCode.PLAINTEXT_REJECTED),
        ("none", IssueCode.PLAINTEXT_REJECTED),
        ("", IssueCode.PLAINTEXT_REJECTED),
        ("SSL/TLS", IssueCode.BAD_SOCKET_TYPE),
        ("STARTTLS-if-available", IssueCode.BAD_SOCKET_TYPE),
        ("SSL\r\n", IssueCode.CONTROL_CHARACTER),
    ],
)
def test_plaintext_and_unknown_socket_types_are_rejected(text: str, code: IssueCode) -> None:
    with pytest.raises(FieldError) as caught:
        socket_security(text)
    assert caught.value.code is code


PLACEHOLDERS = [
    ("%EMAILADDRESS%", "alice", "alice@example.com", ()),
    ("%EMAILLOCALPART%", "alice", "alice", ()),
    ("%EMAILLOCALPART%@%EMAILDOMAIN%", "alice", "alice@example.com", ()),
    ("mail.%EMAILDOMAIN%", "alice", "mail.example.com", ()),
    ("%EMAILDOMAIN%", "alice", "example.com", ()),
    ("user%example.com", "alice", "user%example.com", ()),  # lone % stays literal
    ("100%", "alice", "100%", ()),
    # a local part that reads like a placeholder is inserted once, never re-expanded
    ("%EMAILLOCALPART%", "%EMAILADDRESS%", "%EMAILADDRESS%", ()),
    ("%EMAILADDRESS%", "%EMAILDOMAIN%", "%EMAILDOMAIN%@example.com", ()),
    # a missing closing % is substituted as meant, and reported
    ("%EMAILLOCALPART", "alice", "alice", (IssueCode.UNTERMINATED_PLACEHOLDER,)),
    ("%EMAILLOCALPART@x.org", "alice", "alice@x.org", (IssueCode.UNTERMINATED_PLACEHOLDER,)),
    ("%REALNAME%", "alice", "", (IssueCode.REALNAME_IGNORED,)),
]


@pytest.mark.parametrize(("template", "local", "expected", "codes"), PLACEHOLDERS)
def test_placeholder_substitution_is_single_pass(
    template: str, local: str, expected: str, codes: tuple[IssueCode, ...]
) -> None:
    value, issues = substitute_placeholders(template, local_part=local, domain="example.com")
    assert value == expected
    assert tuple(issue.code for issue in issues) == codes


@pytest.mark.parametrize("template", ["%USERNAME%", "%EMAILADDRESSX%", "%emailaddress", "%FOO"])
def test_unknown_placeholders_are_refused(template: str) -> None:
    if template == "%emailaddress":  # lower case is not a placeholder: stays literal
        assert substitute_placeholders(template, local_part="a", domain="b.c")[0] == template
        return
    with pytest.raises(FieldError) as caught:
        substitute_placeholders(template, local_part="a", domain="b.c")
    assert caught.value.code is IssueCode.UNKNOWN_PLACEHOLDER


@pytest.mark.parametrize("text", ["alice\r\n", "al\nice", "alice\x00", "a\tb", "", "a" * 600])
def test_bad_usernames(text: str) -> None:
    with pytest.raises(FieldError):
        validate_username(text)


def test_control_detection() -> None:
    assert has_control("a\rb") and has_control("\x00") and has_control("\x85")
    assert not has_control("Ünïcode name with spaces")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://login.example.com/auth", "https://login.example.com/auth"),
        (
            "https://LOGIN.Bücher.example:8443/a?b=c#frag",
            "https://login.xn--bcher-kva.example:8443/a?b=c",
        ),
    ],
)
def test_https_urls(url: str, expected: str) -> None:
    assert validate_https_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://login.example.com/",
        "https://user:pw@login.example.com/",
        "https://192.0.2.1/",
        "https://login.example.com:0/",
        "https://login.example.com:99999/",
        "javascript:alert(1)",
        "https:///path",
        "https://login.example.com/\r\nX: y",
    ],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(FieldError):
        validate_https_url(url)


@pytest.mark.parametrize(
    ("record", "text"),
    [
        ("v=STSv1; id=1", "v=STSv1; id=1"),
        (b"v=STSv1; id=1", "v=STSv1; id=1"),
        ((b"v=UAAC1; a=sha", b"256; d=abc"), "v=UAAC1; a=sha256; d=abc"),  # joined, no space
        ((b"caf\xc3\xa9",), None),
    ],
)
def test_txt_records_are_joined(record: object, text: str | None) -> None:
    assert join_txt(record) == text  # type: ignore[arg-type]


def test_load_xml_refuses_before_parsing_when_too_large() -> None:
    # Not even well-formed: the cap must answer before the parser sees a byte.
    error = load_xml(b"<" * 70000)
    assert isinstance(error, Failure) and error.code is IssueCode.TOO_LARGE
    assert "limit" in error.message


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', IssueCode.FORBIDDEN_XML),
        (b"<x><y></x>", IssueCode.MALFORMED),
        (b"<" + b"a" * 70000, IssueCode.TOO_LARGE),
    ],
)
def test_a_refused_document_says_why_by_code_not_by_words(document: bytes, code: IssueCode) -> None:
    refused = load_xml(document)
    assert isinstance(refused, Failure) and refused.code is code and refused.message


def test_each_placeholder_is_filled_in_by_the_parser_and_known_to_lint() -> None:
    from mailhop.core.common.fields import Placeholder, substitute_placeholders
    from mailhop.core.export.lint import lint

    filled = {
        Placeholder.ADDRESS: "jo@example.com",
        Placeholder.LOCAL_PART: "jo",
        Placeholder.DOMAIN: "example.com",
        Placeholder.REAL_NAME: "",
    }
    for placeholder, value in filled.items():
        text, _issues = substitute_placeholders(
            f"x{placeholder.token}", local_part="jo", domain="example.com"
        )
        assert text == f"x{value}"
        document = (
            '<clientConfig version="1.1"><emailProvider id="example.com">'
            "<domain>example.com</domain>"
            '<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port>'
            f"<socketType>SSL</socketType><username>{placeholder.token}</username>"
            "<authentication>password-cleartext</authentication></incomingServer>"
            "</emailProvider></clientConfig>"
        ).encode()
        codes = {p.code for p in lint(document, "config-v1.1.xml").problems}
        assert "unknown-placeholder" not in codes, placeholder
