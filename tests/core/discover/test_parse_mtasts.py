"""MTA-STS (RFC 8461): TXT record, policy file and MX pattern matching."""

from __future__ import annotations

import time

import pytest

from mailhop.core.common.model import IssueCode
from mailhop.core.discover.parse_mtasts import (
    MtaStsMode,
    mx_matches,
    parse_mtasts_policy,
    parse_mtasts_record,
)

# --- TXT record, section 3.1 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "record_id"),
    [
        (["v=STSv1; id=20160831085700Z;"], "20160831085700Z"),
        (["v=STSv1; id=20160831085700Z"], "20160831085700Z"),
        (["v=STSv1;id=abc"], "abc"),
        (["v=STSv1 ; id=abc"], "abc"),  # errata 6285: WSP before ';' is in the ABNF
        (["v=STSv1; id=" + "a" * 32], "a" * 32),
        (["v=STSv1; id=abc; ext_1=value-x"], "abc"),  # extension: checked, ignored
        ([(b"v=STSv1; ", b"id=split")], "split"),  # character-strings joined first
        (["v=spf1 -all", "v=STSv1; id=1", "google-site-verification=x"], "1"),  # others ignored
        (["v=STSv1", "v=STSv1; id=2"], "2"),  # a bare v=STSv1 is discarded, not counted
    ],
)
def test_valid_records(records: list[object], record_id: str) -> None:
    result = parse_mtasts_record(records)  # type: ignore[arg-type]
    assert result.error is None and result.record is not None
    assert result.record.id == record_id


@pytest.mark.parametrize(
    ("records", "fragment"),
    [
        ([], "no v=STSv1"),
        (["v=spf1 -all"], "no v=STSv1"),
        ([" v=STSv1; id=1"], "no v=STSv1"),  # must *begin* with v=STSv1
        (["id=1; v=STSv1"], "no v=STSv1"),  # v must come first
        (["v=STSv10; id=1"], "no v=STSv1"),
        (["v=STSv1; id=1", "v=STSv1; id=2"], "exactly one"),  # multiple records
        (["v=STSv1"], "no v=STSv1"),  # discarded: it does not begin with "v=STSv1;"
        (["v=STSv1;"], "id field missing"),
        (["v=STSv1; id="], "1-32"),
        (["v=STSv1; id=" + "a" * 33], "1-32"),
        (["v=STSv1; id=abc-def"], "1-32"),  # id is letters and digits only
        (["v=STSv1; id=1; id=2"], "twice"),
        (["v=STSv1; id=1;; x=y"], "malformed"),
        (["v=STSv1; id=1; =y"], "malformed"),
        (["v=STSv1; id=1; ext=a;b"], "malformed"),
        (["v=STSv1; id=1; ext=has space"], "malformed"),
        (["v=STSv1 x; id=1"], "no v=STSv1"),
    ],
)
def test_invalid_records(records: list[str], fragment: str) -> None:
    result = parse_mtasts_record(records)
    assert result.record is None and result.error is not None
    assert fragment in result.error


# --- policy file, section 3.2 --------------------------------------------------------

POLICY = (
    b"version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n"
)


@pytest.mark.parametrize(
    "body",
    [
        POLICY,
        POLICY.replace(b"\n", b"\r\n"),  # CRLF
        POLICY.rstrip(b"\n"),  # no final line break
        POLICY.replace(b": ", b":\t"),
        POLICY.replace(b"mode: enforce", b"mode:enforce"),
        POLICY + b"future_key: whatever\n\n",  # unknown keys ignored, blank lines skipped
        b"mx: mail.example.com\nmax_age: 604800\nmx: *.example.net\nversion: STSv1\nmode: enforce",
        POLICY.replace(b"mx: mail.example.com\n", b"mx: mail.example.com\nmx: MAIL.example.com.\n"),
    ],
)
def test_valid_policies(body: bytes) -> None:
    result = parse_mtasts_policy(body)
    assert result.error is None and result.policy is not None
    assert result.policy.mode is MtaStsMode.ENFORCE
    assert result.policy.max_age == 604800
    assert result.policy.mx == ("mail.example.com", "*.example.net")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "required field missing"),
        (POLICY.replace(b"version: STSv1\n", b""), "version"),
        (POLICY.replace(b"mode: enforce\n", b""), "mode"),
        (POLICY.replace(b"max_age: 604800\n", b""), "max_age"),
        (POLICY.replace(b"STSv1", b"STSv2"), "not STSv1"),
        (POLICY.replace(b"enforce", b"Enforce"), "not enforce"),  # case-sensitive values
        (POLICY.replace(b"enforce", b"reject"), "not enforce"),
        (POLICY.replace(b"604800", b"31557601"), "max_age"),
        (POLICY.replace(b"604800", b"-1"), "max_age"),
        (POLICY.replace(b"604800", b"1e6"), "max_age"),
        (POLICY.replace(b"604800", b"12345678901"), "max_age"),
        (POLICY + b"mode: testing\n", "twice"),
        (POLICY.replace(b"\n", b"\r"), "bare CR"),
        (POLICY + b"this line has no colon\n", "not 'key: value'"),
        (POLICY + b" leading: space\n", "not 'key: value'"),
        (b"version: STSv1\nmode: enforce\nmax_age: 86400\n", "no valid mx"),
        (b"version: STSv1\nmode: testing\nmx: _bad\nmax_age: 86400\n", "no valid mx"),
        (b"\xff\xfeversion: STSv1", "UTF-8"),
        (POLICY + b"#" * 70000, "bytes"),
    ],
)
def test_invalid_policies(body: bytes, fragment: str) -> None:
    result = parse_mtasts_policy(body)
    assert result.policy is None and result.error is not None
    assert fragment in result.error


def test_mode_none_needs_no_mx_and_max_age_bounds() -> None:
    none = parse_mtasts_policy(b"version: STSv1\nmode: none\nmax_age: 0\n")
    assert none.policy is not None and none.policy.mode is MtaStsMode.NONE
    assert none.policy.mx == () and none.policy.max_age == 0
    year = parse_mtasts_policy(POLICY.replace(b"604800", b"31557600"))
    assert year.policy is not None and year.policy.max_age == 31557600


def test_an_invalid_mx_pattern_is_dropped_with_an_issue() -> None:
    body = POLICY.replace(b"mx: *.example.net", b"mx: *.*.example.net\nmx: 192.0.2.1")
    result = parse_mtasts_policy(body)
    assert result.policy is not None and result.policy.mx == ("mail.example.com",)
    assert [i.code for i in result.issues] == [IssueCode.BAD_HOSTNAME, IssueCode.BAD_HOSTNAME]
    assert [i.where for i in result.issues] == ["line 4", "line 5"]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (b"mx: mail.example.org.", "final dot"),  # RFC 5321 Domain: no final dot
        ("mx: ma\u00efl.example.org".encode(), "U-label"),  # section 4.1: the A-label
    ],
)
def test_mx_outside_the_grammar_is_dropped_with_an_issue(line: bytes, words: str) -> None:
    result = parse_mtasts_policy(POLICY + line + b"\n")
    assert result.policy is not None and result.policy.mx == ("mail.example.com", "*.example.net")
    assert len(result.issues) == 1 and words in result.issues[0].message


def test_a_blank_line_is_skipped_with_an_issue() -> None:
    result = parse_mtasts_policy(POLICY.replace(b"mode: enforce\n", b"mode: enforce\n\n"))
    assert result.policy is not None
    assert [(i.code, i.where) for i in result.issues] == [(IssueCode.BAD_FIELD, "line 3")]
    assert parse_mtasts_policy(POLICY).issues == ()  # the final line break is no blank line


def test_policy_allows_its_mx_hosts() -> None:
    policy = parse_mtasts_policy(POLICY).policy
    assert policy is not None
    assert policy.allows("mail.example.com") and policy.allows("mx1.example.net")
    assert not policy.allows("example.net") and not policy.allows("mail.example.org")


# --- MX matching, section 4.1 --------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("mail.example.com", "mail.example.com", True),
        ("mail.example.com", "MAIL.Example.com.", True),
        ("mail.example.com", "mail.example.com.evil", False),
        ("mail.example.com", "xmail.example.com", False),
        ("*.example.com", "mx.example.com", True),
        ("*.example.com", "MX.EXAMPLE.COM", True),
        ("*.example.com", "example.com", False),  # the wildcard is one whole label
        ("*.example.com", "a.b.example.com", False),  # ... exactly one
        ("*.example.com", ".example.com", False),
        ("*.example.com", "mx.example.com.evil", False),
        ("*.example.com", "mxexample.com", False),
        ("*.example.com", "*.example.com", False),
        ("mx.*.example.com", "mx.a.example.com", False),  # only the left-most label
        ("*", "com", False),
        ("", "", False),
    ],
)
def test_mx_matches(pattern: str, host: str, matches: bool) -> None:
    assert mx_matches(pattern, host) is matches


def test_a_long_run_of_blanks_inside_a_value_is_read_in_linear_time() -> None:
    # The line regex "(.*?)[ \t]*" rescanned the blanks once per character: 64 KiB of
    # them took tens of seconds (found by the fuzzer's timing, issue 12).
    body = b"version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mail.example.com\nx: a"
    data = body + b" " * (65536 - len(body) - 2) + b"b\n"
    started = time.perf_counter()
    result = parse_mtasts_policy(data)
    assert time.perf_counter() - started < 1.0
    assert result.policy is not None and result.policy.mx == ("mail.example.com",)
    padded = parse_mtasts_policy(b"version: \t STSv1 \t\nmode:enforce\nmx: a.example\nmax_age: 1")
    assert padded.policy is not None
