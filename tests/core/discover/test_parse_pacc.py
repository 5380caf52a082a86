"""PACC (draft-ietf-mailmaint-pacc): TXT digest record and JSON document."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from mailhop.core.common.model import AuthMethod, IssueCode, Security, Service
from mailhop.core.discover.parse_pacc import PaccRecord, parse_pacc, parse_pacc_record

ADDRESS = {"local_part": "alice", "domain": "example.com"}

DOC_02: dict[str, Any] = {
    "protocols": {
        "jmap": {"url": "https://jmap.example.com/session"},
        "imap": {"host": "imap.example.com"},
        "pop3": {"host": "pop.example.com"},
        "smtp": {"host": "smtp.example.com"},
    },
    "authentication": {"oauth-public": {"issuer": "https://login.example.com/"}, "password": True},
    "info": {"provider": {"name": "Example Mail", "shortName": "Example"}},
}


def encode(document: object) -> bytes:
    return json.dumps(document).encode()


def record_for(data: bytes) -> PaccRecord:
    return PaccRecord(digest=hashlib.sha256(data).digest())


def txt_for(data: bytes) -> str:
    return "v=UAAC1; a=sha256; d=" + base64.b64encode(hashlib.sha256(data).digest()).decode()


# --- the TXT record ------------------------------------------------------------------


def test_record_digest_round_trip_and_split_strings() -> None:
    data = encode(DOC_02)
    text = txt_for(data).encode()
    for records in ([text.decode()], [text], [(text[:20], text[20:])]):
        result = parse_pacc_record([b"v=spf1 -all", *records])  # type: ignore[list-item]
        assert result.error is None and result.record == record_for(data)


@pytest.mark.parametrize(
    ("records", "fragment"),
    [
        ([], "no v=UAAC1"),
        (["v=spf1 -all"], "no v=UAAC1"),
        (["v=UAAC2; a=sha256; d=" + "A" * 43 + "="], "no v=UAAC1"),
        (["v=UAAC1; a=sha1; d=" + "A" * 27 + "="], "not sha256"),
        (["v=UAAC1; a=sha512; d=" + "A" * 86 + "=="], "not sha256"),
        (["v=UAAC1; d=" + "A" * 43 + "="], "not sha256"),
        (["v=UAAC1; a=sha256; d=not*base64"], "base64"),
        (["v=UAAC1; a=sha256; d=" + "A" * 20 + "=="], "SHA-256"),
        (["v=UAAC1; a=sha256; a=sha256; d=x"], "repeated"),
        (["v=UAAC1; a=sha256; junk; d=x"], "malformed"),
        # two valid records: refused rather than guessed
        (["v=UAAC1; a=sha256; d=" + "A" * 43 + "=", "v=UAAC1; a=sha256; d=" + "B" * 43 + "="],
         "exactly one"),
        # one valid and one invalid: the invalid one is an error
        (["v=UAAC1; a=sha256; d=" + "A" * 43 + "=", "v=UAAC1; a=md5; d=x"], "not sha256"),
    ],
)  # fmt: skip
def test_invalid_records(records: list[str], fragment: str) -> None:
    result = parse_pacc_record(records)
    assert result.record is None and result.error is not None and fragment in result.error


# --- the document --------------------------------------------------------------------


def test_draft_02_document_with_matching_digest() -> None:
    data = encode(DOC_02)
    result = parse_pacc(data, **ADDRESS, record=record_for(data))
    assert result.error is None and result.digest_verified and result.issues == ()
    assert [(c.service, c.hostname, c.port, c.security, c.order) for c in result.candidates] == [
        (Service.IMAP, "imap.example.com", 993, Security.IMPLICIT_TLS, 0),
        (Service.POP3, "pop.example.com", 995, Security.IMPLICIT_TLS, 1),
        (Service.SUBMISSION, "smtp.example.com", 465, Security.IMPLICIT_TLS, 2),
    ]
    assert all(c.username == "alice@example.com" for c in result.candidates)
    assert result.candidates[0].auth_methods == (AuthMethod.OAUTH2, AuthMethod.PASSWORD_CLEARTEXT)
    assert result.oauth2 is not None and result.oauth2.issuer == "https://login.example.com/"
    assert result.password_allowed is True
    assert (result.provider_name, result.provider_short_name) == ("Example Mail", "Example")


def test_draft_03_submit_key_and_no_record() -> None:
    data = encode({"protocols": {"submit": {"host": "smtp.example.com"}}})
    result = parse_pacc(data, **ADDRESS, record=None)
    assert result.error is None and not result.digest_verified
    assert [c.service for c in result.candidates] == [Service.SUBMISSION]
    assert result.candidates[0].auth_methods == ()
    assert [i.code for i in result.issues] == [IssueCode.NOT_AUTHENTICATED]


def test_digest_mismatch_is_an_error() -> None:
    data = encode(DOC_02)
    tampered = data.replace(b"imap.example.com", b"imap.attacker.ex")
    result = parse_pacc(tampered, **ADDRESS, record=record_for(data))
    assert result.error is not None and "does not match" in result.error
    assert result.candidates == ()
    # one byte of white space is a different document, too
    assert parse_pacc(data + b" ", **ADDRESS, record=record_for(data)).error is not None


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "malformed JSON"),
        (b"{", "malformed JSON"),
        (b"\xef\xbb\xbf{}", "malformed JSON"),  # a BOM is not JSON
        (b"\xff\xfe{}", "malformed JSON"),
        (b"[]", "protocols"),
        (b'{"protocols": []}', "protocols"),
        (b'{"protocols": {}, "protocols": {"imap": {"host": "x.example"}}}', "duplicate key"),
        (b"[" * 50000 + b"]" * 50000, "bytes"),  # over the cap before parsing
        (b"[" * 30000 + b"]" * 30000, "malformed JSON"),  # deep nesting: no crash
        (b'{"x": ' + b"9" * 5000 + b"}", "malformed JSON"),  # int digit limit
    ],
)
def test_bad_documents_are_error_results(data: bytes, fragment: str) -> None:
    result = parse_pacc(data, **ADDRESS, record=None)
    assert result.error is not None and fragment in result.error


H = "imap.example.com"
TLS, STARTTLS = Security.IMPLICIT_TLS, Security.STARTTLS
ENTRIES: list[tuple[dict[str, Any], tuple[str, int, Security] | IssueCode]] = [
    ({"host": H, "port": 143, "security": "starttls"}, (H, 143, STARTTLS)),
    ({"hostname": H, "encryption": "SSL"}, (H, 993, TLS)),
    ({"server": H, "starttls": True}, (H, 143, STARTTLS)),
    ({"host": H, "tls": True, "port": 10993}, (H, 10993, TLS)),
    ({"host": H, "tls": False, "starttls": True}, (H, 143, STARTTLS)),
    ({"host": "IMAP.Bücher.example"}, ("imap.xn--bcher-kva.example", 993, TLS)),
    ({"host": H, "security": "maybe"}, IssueCode.BAD_SOCKET_TYPE),
    ({"host": H, "tls": "yes"}, IssueCode.BAD_SOCKET_TYPE),
    ({"host": H, "tls": True, "starttls": True}, IssueCode.BAD_SOCKET_TYPE),
    ({"host": H, "port": 0}, IssueCode.BAD_PORT),
    ({"host": H, "port": 65536}, IssueCode.BAD_PORT),
    ({"host": H, "port": "993"}, IssueCode.BAD_PORT),
    ({"host": H, "port": 993.0}, IssueCode.BAD_PORT),
    ({"host": H, "port": 1e3}, IssueCode.BAD_PORT),
    ({"host": H, "port": True}, IssueCode.BAD_PORT),
    ({"host": "imap example.com"}, IssueCode.BAD_HOSTNAME),
    ({"host": "_imap.example.com"}, IssueCode.BAD_HOSTNAME),
    ({"host": "203.0.113.9"}, IssueCode.BAD_HOSTNAME),
    ({"host": "imap.example.com\r\nX"}, IssueCode.CONTROL_CHARACTER),
    ({"host": "imap.example.com\u0000"}, IssueCode.CONTROL_CHARACTER),
    ({"host": H, "username": "alice\nA1 LOGOUT"}, IssueCode.CONTROL_CHARACTER),
    ({"host": H, "username": 7}, IssueCode.BAD_USERNAME),
    ({"host": "a.example.com", "hostname": "b.example.com"}, IssueCode.BAD_FIELD),
    ({"url": "https://imap.example.com"}, IssueCode.MISSING_FIELD),
    ({"host": 42}, IssueCode.MISSING_FIELD),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "expected"), ENTRIES)
def test_entries(entry: dict[str, Any], expected: tuple[str, int, Security] | IssueCode) -> None:
    good = {"host": "smtp.example.com"}
    data = encode({"protocols": {"imap": entry, "submit": good}})
    result = parse_pacc(data, **ADDRESS, record=record_for(data))
    assert result.error is None
    if isinstance(expected, IssueCode):
        assert [c.hostname for c in result.candidates] == ["smtp.example.com"]
        assert [(i.code, i.where) for i in result.issues] == [(expected, "protocols.imap")]
    else:
        imap = result.candidates[0]
        assert (imap.hostname, imap.port, imap.security) == expected
        assert result.candidates[1].hostname == "smtp.example.com"


def test_lists_keep_order_and_plain_first_does_not_push_out_secure() -> None:
    entries = [
        {"host": "plain.example.com", "security": "plain", "port": 143},
        {"host": "imap1.example.com"},
        {"host": "imap2.example.com", "security": "starttls"},
    ]
    data = encode({"protocols": {"imap": entries, "smtp": {"host": "smtp.example.com"}}})
    result = parse_pacc(data, **ADDRESS, record=record_for(data))
    assert [(c.hostname, c.order, c.from_plaintext) for c in result.candidates] == [
        ("plain.example.com", 0, True),
        ("plain.example.com", 0, True),
        ("imap1.example.com", 1, False),
        ("imap2.example.com", 2, False),
        ("smtp.example.com", 3, False),
    ]
    assert [i.code for i in result.issues] == [IssueCode.PLAINTEXT_REJECTED]


@pytest.mark.parametrize(
    "entry",
    [
        {"host": H, "security": "none"},
        {"host": H, "socketType": "plain", "port": 143},
        {"host": H, "tls": False},
    ],
)
def test_a_plaintext_entry_keeps_its_host_with_tls(entry: dict[str, Any]) -> None:
    # The document vouched for the host, not for plaintext: its standard TLS endpoints.
    data = encode({"protocols": {"imap": entry, "submit": {"host": "smtp.example.com"}}})
    result = parse_pacc(data, **ADDRESS, record=record_for(data))
    assert [(c.hostname, c.port, c.security, c.from_plaintext) for c in result.candidates] == [
        (H, 993, TLS, True),
        (H, 143, STARTTLS, True),
        ("smtp.example.com", 465, TLS, False),
    ]
    assert [(i.code, i.where) for i in result.issues] == [
        (IssueCode.PLAINTEXT_REJECTED, "protocols.imap")
    ]


def test_bad_oauth_issuer_is_ignored_and_password_may_be_absent() -> None:
    document = {
        "protocols": {"imap": {"host": "imap.example.com"}},
        "authentication": {"oauth-public": {"issuer": "http://login.example.com/"}},
        "info": {"provider": {"name": "Bad\u0007Name"}},
    }
    data = encode(document)
    result = parse_pacc(data, **ADDRESS, record=record_for(data))
    assert result.oauth2 is None and result.password_allowed is None
    assert result.candidates[0].auth_methods == ()
    assert [i.code for i in result.issues] == [IssueCode.BAD_FIELD, IssueCode.CONTROL_CHARACTER]
    assert result.provider_name is None


def test_password_only_and_explicit_username() -> None:
    document = {
        "protocols": {"pop3": {"host": "pop.example.com", "username": "alice"}},
        "authentication": {"password": True},
    }
    data = encode(document)
    result = parse_pacc(data, **ADDRESS, record=record_for(data))
    assert result.candidates[0].username == "alice"
    assert result.candidates[0].auth_methods == (AuthMethod.PASSWORD_CLEARTEXT,)
