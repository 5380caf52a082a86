"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record, the policy file, and MX matching.

The TXT record (section 3.1)::

    v=STSv1; id=20160831085700Z;

Records that do not begin with ``v=STSv1;`` are discarded (a bare ``v=STSv1`` is not
counted); if the number of remaining records is not exactly one, or it is invalid, the
domain is treated as having no MTA-STS. ``v`` must come first, ``id`` is 1-32 letters
and digits and required; extensions (``name=value``) are checked for syntax and otherwise
ignored; one final ``;`` is allowed, more are not (``1*(sts-field-delim sts-field)
[sts-field-delim]``). A record split into several character-strings is joined first.
Errata 6285 notes that the grammar allows white space before the first ``;`` while the
prose says "v=STSv1;": both spellings are accepted.

The policy (section 3.2), from ``https://mta-sts.<domain>/.well-known/mta-sts.txt``::

    version: STSv1
    mode: enforce
    mx: mail.example.com
    mx: *.example.net
    max_age: 604800

Lines end in LF or CRLF (errata 6253); a bare CR is an error. Decided by the section 3.2
grammar (and checked against postfix-mta-sts-resolver's and go-mtasts' test vectors in
tests/data/peers/): a blank line is not in the grammar, but is skipped with an issue rather
than refusing the policy (postfix-mta-sts-resolver skips it, go-mtasts refuses);
``version``, ``mode`` and ``max_age`` are required exactly once (the grammar defines each
once: a duplicate is ambiguous, so an error, where both peers take the last); ``mx`` one or
more times unless the mode is ``none``. An ``mx`` pattern outside the grammar (a final
dot, a U-label instead of the A-label section 4.1 requires, a bad name) is dropped with an
issue: this narrows the policy, never widens it. ``max_age`` is 0..31557600 (one year).
Unknown keys are ignored. The body is capped at 64 KiB before it is read (DESIGN rule 6).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..common.fields import MAX_DOCUMENT_BYTES, FieldError, join_txt, validate_hostname
from ..common.model import IssueCode, ParseIssue

__all__ = [
    "MAX_AGE_LIMIT",
    "MtaStsMode",
    "MtaStsPolicy",
    "MtaStsPolicyResult",
    "MtaStsRecord",
    "MtaStsRecordResult",
    "mx_matches",
    "parse_mtasts_policy",
    "parse_mtasts_record",
]

MAX_AGE_LIMIT = 31557600  # RFC 8461 section 3.2: at most one year

# RFC 8461 section 3.1: "Records that do not begin with 'v=STSv1;' are discarded" (with the
# WSP errata 6285 allows before the ';'): a record that is exactly "v=STSv1" is not counted.
_TXT_VERSION = re.compile(r"v=STSv1[ \t]*;")
_TXT_ID = re.compile(r"[A-Za-z0-9]{1,32}", re.ASCII)
_EXT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", re.ASCII)
_EXT_VALUE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+", re.ASCII)
_MAX_AGE = re.compile(r"[0-9]{1,10}", re.ASCII)


class MtaStsMode(enum.Enum):
    ENFORCE = "enforce"  # deliver only over verified TLS to a listed MX
    TESTING = "testing"  # check and report, deliver anyway
    NONE = "none"  # the domain has withdrawn its policy


@dataclass(frozen=True, slots=True)
class MtaStsRecord:
    id: str  # changes whenever the policy changes (section 3.1)


@dataclass(frozen=True, slots=True)
class MtaStsRecordResult:
    record: MtaStsRecord | None = None
    error: str | None = None  # also set when there is no STS record at all


@dataclass(frozen=True, slots=True)
class MtaStsPolicy:
    mode: MtaStsMode
    mx: tuple[str, ...]  # A-label patterns, "*." allowed as the left-most label
    max_age: int

    def allows(self, hostname: str) -> bool:
        """True if the MX host ``hostname`` (an A-label) matches one of the patterns."""
        return any(mx_matches(pattern, hostname) for pattern in self.mx)


@dataclass(frozen=True, slots=True)
class MtaStsPolicyResult:
    policy: MtaStsPolicy | None = None
    issues: tuple[ParseIssue, ...] = ()
    error: str | None = None


def parse_mtasts_record(records: Sequence[str | bytes | Sequence[bytes]]) -> MtaStsRecordResult:
    """Pick and parse the one ``v=STSv1`` record among the TXT records at ``_mta-sts``."""
    texts = [join_txt(record) for record in records]
    sts = [text for text in texts if text is not None and _TXT_VERSION.match(text)]
    if not sts:
        return MtaStsRecordResult(error="no v=STSv1 TXT record")
    if len(sts) > 1:
        return MtaStsRecordResult(error=f"{len(sts)} v=STSv1 TXT records; exactly one allowed")
    return _parse_record(sts[0])


def _parse_record(text: str) -> MtaStsRecordResult:
    head, _, rest = text.partition(";")
    if head.rstrip(" \t") != "v=STSv1":
        return MtaStsRecordResult(error="v=STSv1 is not followed by ';'")
    fields = [field.strip(" \t") for field in rest.split(";")]
    if fields and fields[-1] == "":
        fields.pop()  # one trailing ";" is allowed
    record_id: str | None = None
    for field in fields:
        name, equals, value = field.partition("=")
        if name == "id":
            if record_id is not None:
                return MtaStsRecordResult(error="id appears twice")
            if not _TXT_ID.fullmatch(value):
                return MtaStsRecordResult(error="id is not 1-32 letters and digits")
            record_id = value
        elif not (equals and _EXT_NAME.fullmatch(name) and _EXT_VALUE.fullmatch(value)):
            return MtaStsRecordResult(error=f"malformed field {field[:40]!r}")
    if record_id is None:
        return MtaStsRecordResult(error="required id field missing")
    return MtaStsRecordResult(record=MtaStsRecord(id=record_id))


def parse_mtasts_policy(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> MtaStsPolicyResult:
    """Parse a policy body (the exact bytes of the HTTPS response)."""
    if len(data) > max_bytes:
        return MtaStsPolicyResult(error=f"policy is more than {max_bytes} bytes")
    try:
        body = data.decode("utf-8")
    except UnicodeDecodeError:
        return MtaStsPolicyResult(error="policy is not UTF-8 text")
    single: dict[str, str] = {}
    patterns: list[str] = []
    issues: list[ParseIssue] = []
    lines = body.split("\n")
    last, blank_seen = len(lines), False  # the empty text after a final line break is no line
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if "\r" in line or "\x00" in line:
            return MtaStsPolicyResult(error=f"line {number}: bare CR or NUL")
        if not line.strip(" \t"):
            if number < last and not blank_seen:
                blank_seen = True
                issues.append(
                    ParseIssue(
                        IssueCode.BAD_FIELD,
                        "a blank line is not in RFC 8461's grammar (skipped here; go-mtasts "
                        "refuses the policy)",
                        f"line {number}",
                    )
                )
            continue
        # Split by hand: a regex "(.*?)[ \t]*" rescans a run of blanks inside the value
        # once per character of it (quadratic: seconds for one 64 KiB line).
        key, colon, value = line.partition(":")
        if not colon or not _EXT_NAME.fullmatch(key):
            return MtaStsPolicyResult(error=f"line {number}: not 'key: value'")
        value = value.strip(" \t")
        if key == "mx":
            pattern = _mx_pattern(value, number, issues)
            if pattern is not None and pattern not in patterns:
                patterns.append(pattern)
        elif key in ("version", "mode", "max_age"):
            if key in single:
                return MtaStsPolicyResult(error=f"line {number}: {key} appears twice")
            single[key] = value
        # any other key is an extension: ignored (section 3.2)
    return _policy(single, patterns, issues)


def _mx_pattern(value: str, number: int, issues: list[ParseIssue]) -> str | None:
    wildcard = value.startswith("*.")
    # RFC 8461 section 3.2: the value is ["*."] Domain (RFC 5321: ASCII labels, no final
    # dot), and section 4.1: an internationalized name MUST be given as its A-label.
    # Either one outside the grammar drops the pattern: that narrows the policy, never
    # widens it.
    if value.endswith(".") or not value.isascii():
        what = "a final dot" if value.endswith(".") else "a U-label (section 4.1 wants the A-label)"
        issues.append(
            ParseIssue(
                IssueCode.BAD_HOSTNAME,
                f"mx pattern ignored: {what} is not in RFC 8461's grammar",
                f"line {number}",
            )
        )
        return None
    try:
        host = validate_hostname(value[2:] if wildcard else value, what="mx")
    except FieldError as exc:
        issues.append(ParseIssue(exc.code, f"mx pattern ignored: {exc.message}", f"line {number}"))
        return None
    return f"*.{host}" if wildcard else host


def _policy(
    single: dict[str, str], patterns: list[str], issues: list[ParseIssue]
) -> MtaStsPolicyResult:
    missing = [key for key in ("version", "mode", "max_age") if key not in single]
    if missing:
        return MtaStsPolicyResult(error=f"required field missing: {', '.join(missing)}")
    if single["version"] != "STSv1":
        return MtaStsPolicyResult(error=f"version {single['version'][:16]!r} is not STSv1")
    try:
        mode = MtaStsMode(single["mode"])  # case-sensitive, as the ABNF's %s strings
    except ValueError:
        return MtaStsPolicyResult(error=f"mode {single['mode'][:16]!r} is not enforce/testing/none")
    max_age = single["max_age"]
    if not _MAX_AGE.fullmatch(max_age) or int(max_age) > MAX_AGE_LIMIT:
        return MtaStsPolicyResult(error=f"max_age {max_age[:16]!r} is not 0..{MAX_AGE_LIMIT}")
    if not patterns and mode is not MtaStsMode.NONE:
        return MtaStsPolicyResult(error="no valid mx pattern", issues=tuple(issues))
    policy = MtaStsPolicy(mode=mode, mx=tuple(patterns), max_age=int(max_age))
    return MtaStsPolicyResult(policy=policy, issues=tuple(issues))


def mx_matches(pattern: str, hostname: str) -> bool:
    """RFC 8461 section 4.1: exact match, or ``*.`` standing for exactly one left-most
    label (``*.example.com`` matches ``mx.example.com``, not ``example.com`` nor
    ``a.b.example.com``). Case-insensitive; one trailing dot ignored; A-labels."""
    pattern = pattern.lower().removesuffix(".")
    host = hostname.lower().removesuffix(".")
    if not pattern or not host:
        return False
    if pattern.startswith("*."):
        suffix = pattern[2:]
        label, dot, rest = host.partition(".")
        return bool(suffix) and bool(label) and bool(dot) and rest == suffix and "*" not in label
    return "*" not in pattern and host == pattern
