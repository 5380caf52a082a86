"""Hostile values through a client's own parser where the client cannot run here (issue 15).

Outlook's .reg goes through regedit: Wine's regedit, programs/regedit/regproc.c at
wine-mirror/wine commit 0a95b94f0969362708c569936450c1f58f95ab09, is transcribed below
(REGPROC_unescape_string, and the file's UTF-16 LE reading with its BOM); the test reads the
exported file by those rules and asserts each value arrives byte for byte.

Apple's .mobileconfig goes through CoreFoundation's XML property-list reader: parseStringTag
and parseEntityReference_pl in swiftlang/swift-corelibs-foundation,
Sources/CoreFoundation/CFPropertyList.c at commit 6f9c3ccc6523b443d0966cc14d8635654f98b044,
transcribed below. It takes the bytes between <string> and the next "<" (unless "<!", a CDATA
section) as UTF-8, with no line-end normalisation and no check for control characters, and
knows five named entities and &#N; / &#xH; (at most 8 digits, any code point, so non-BMP
too); anything else is a corrupt file. libplist's plistutil (Debian libplist-utils), the
other reader of these files, converts the export to a binary plist, read back here.

Thunderbird for Android's .k9s goes through its settings import: SettingsFileParser.kt
(an XmlPullParser; readText takes the element's one TEXT event, entities and CDATA
coalesced by next(), or "" for an empty element) at commit
f39291d4244efc944ed8b828bf7c0247f93aa637, then IdentitySettingsValidator, which drops the
account unless EmailAddressValidator.isValidAddressOnly (legacy/core/src/main/java/com/fsck/
k9/EmailAddressValidator.kt at commit 67ea644b3818763e3c8b50df13cf7e9107666046) accepts the
identity's address; both in thunderbird/thunderbird-android, transcribed below.
"""

from __future__ import annotations

import plistlib
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mailhop.core.common.errors import ExportError
from mailhop.core.export.apple import mobileconfig
from mailhop.core.export.k9 import k9_settings_xml
from mailhop.core.export.outlook import REG_KEY, outlook_reg, reg_bytes
from tests.core.export.test_outlook import PROFILE


def _regedit_unescape(text: str) -> tuple[str, str]:
    """REGPROC_unescape_string: \\\\ and \\" are the character, \\n and \\r a line break, \\0
    fails, any other \\x is x (with a warning); the first bare " ends the string. Returns the
    value and what follows the closing quote; ValueError where regedit returns FALSE."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 1
            if i == len(text) or text[i] == "0":
                raise ValueError("regedit: bad escape")
            escaped = text[i]
            if escaped in '\\"':
                out.append(escaped)
            elif escaped in "nr":
                out.append({"n": "\n", "r": "\r"}[escaped])
            else:
                raise ValueError(f"regedit warns: unknown escape \\{escaped}")  # not ours
        elif char == '"':
            return "".join(out), text[i + 1 :]
        else:
            out.append(char)
        i += 1
    raise ValueError("regedit: no closing quote")


def _regedit_values(data: bytes) -> dict[str, dict[str, str]]:
    """The keys and REG_SZ/dword values regedit would set from a version 5.00 file."""
    assert data.startswith(b"\xff\xfe"), "regedit reads UTF-16 only with the LE BOM"
    lines = data[2:].decode("utf-16-le").split("\r\n")
    assert lines[0] == "Windows Registry Editor Version 5.00"
    keys: dict[str, dict[str, str]] = {}
    key = ""
    for line in lines[1:]:
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith("["):
            key = stripped[1 : stripped.rindex("]")]
            keys[key] = {}
            continue
        assert stripped.startswith('"'), line
        name, rest = _regedit_unescape(stripped[1:])
        rest = rest.lstrip(" \t")
        assert rest.startswith("="), line
        rest = rest[1:].lstrip(" \t")
        if rest.startswith('"'):
            value, tail = _regedit_unescape(rest[1:])
            # string_data_state: after the closing quote only blanks or a ; comment
            assert not tail.strip(" \t") or tail.lstrip(" \t").startswith(";"), line
        else:
            assert rest.startswith("dword:"), line
            value = rest
        keys[key][name] = value
    return keys


HINTS = [
    "C:\\Users\\Jo\\autodiscover-example.com.xml",
    "\\\\server\\share\\Zoë 日本 😀\\a.xml",
    'C:\\odd "quoted" ; # = ] [x] \\0 \\n name.xml',
    "C:\\trailing backslash\\",
]


@pytest.mark.parametrize("hint", HINTS)
def test_regedit_reads_the_path_and_domain_byte_for_byte(hint: str) -> None:
    values = _regedit_values(reg_bytes(outlook_reg(PROFILE, hint)))
    assert values == {
        REG_KEY: {"example.com": hint, "PreferLocalXML": "dword:00000001"},
    }


@pytest.mark.parametrize("hint", ["C:\\a\nb.xml", "C:\\a\rb.xml", "C:\\a\x00b.xml"])
def test_a_line_break_or_nul_in_the_path_is_refused(hint: str) -> None:
    """regedit reads line by line, and \\0 makes REGPROC_unescape_string fail."""
    with pytest.raises(ValueError, match="line break or NUL"):
        outlook_reg(PROFILE, hint)


def test_an_address_domain_arrives_as_the_value_name() -> None:
    profile = replace(PROFILE, address="jo@xn--zo-jia.example", address_unicode="jo@zoë.example")
    values = _regedit_values(reg_bytes(outlook_reg(profile, "C:\\x.xml")))
    assert values[REG_KEY] == {
        "xn--zo-jia.example": "C:\\x.xml",
        "PreferLocalXML": "dword:00000001",
    }


# -- Apple: CoreFoundation's XML plist reader, and libplist ----------------------------------

_CF_NAMED = {b"amp;": "&", b"lt;": "<", b"gt;": ">", b"apos;": "'", b"quot;": '"'}


def _cf_string(raw: bytes) -> str:
    """parseStringTag over the bytes between <string> and </string>."""
    out, i = bytearray(), 0
    while i < len(raw):
        if raw.startswith(b"<![CDATA[", i):
            end = raw.index(b"]]>", i)
            out += raw[i + 9 : end]
            i = end + 3
        elif raw[i : i + 1] == b"<":
            raise ValueError("CF: the string ends at '<'")
        elif raw[i : i + 1] == b"&":
            named = next((n for n in _CF_NAMED if raw.startswith(n, i + 1)), None)
            if named is not None:
                out += _CF_NAMED[named].encode()
                i += 1 + len(named)
                continue
            found = re.compile(rb"#(x[0-9A-Fa-f]{1,7}|[0-9]{1,8});").match(raw, i + 1)
            if not found:
                raise ValueError("CF: unknown ampersand-escape sequence")
            digits = found.group(1).decode()
            point = int(digits[1:], 16) if digits.startswith("x") else int(digits)
            out += chr(point).encode("utf-8")  # CFStringCreateWithBytes(UTF32BE) then UTF-8
            i = found.end()
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8")  # "Unable to convert string to correct encoding" otherwise


def _cf_strings(data: bytes) -> dict[str, str]:
    """Each <key>'s <string> as CF reads it (keys hold no escapes in these files)."""
    pairs = re.findall(rb"<key>([^<]*)</key>\s*<string>(.*?)</string>", data, re.S)
    return {key.decode(): _cf_string(value) for key, value in pairs}


def _libplist(data: bytes, work: Path) -> dict[str, Any]:
    source, binary = work / "in.mobileconfig", work / "out.plist"
    source.write_bytes(data)
    subprocess.run(
        ["plistutil", "-i", str(source), "-o", str(binary), "-f", "bin"],
        check=True,
        timeout=30,
        capture_output=True,
    )
    payload: dict[str, Any] = plistlib.loads(binary.read_bytes())["PayloadContent"][0]
    return payload


APPLE_USERS = [
    "u\"q\\x'</y>]]>&amp;<![CDATA[x]]>;#",
    "zoë 日本 😀 \u2028\u2029",
    "  spaces  ",
    "%EMAILLOCALPART%$(x)`y`",
]


@pytest.mark.parametrize("user", APPLE_USERS)
def test_apple_readers_take_the_user_name_byte_for_byte(user: str, tmp_path: Path) -> None:
    name = 'Jo "<Boss>" ]]> & \\ 😀'
    profile = replace(
        PROFILE,
        display_name=name,
        incoming=replace(PROFILE.incoming, username=user),
        outgoing=replace(PROFILE.outgoing, username=user),
    )
    data = mobileconfig(profile)
    for read in (_cf_strings(data), _libplist(data, tmp_path)):
        assert read["IncomingMailServerUsername"] == user
        assert read["OutgoingMailServerUsername"] == user
        assert read["EmailAccountName"] == name
        assert read["EmailAddress"] == profile.address


@pytest.mark.parametrize("user", ["jo\rx", "jo\r\nx", "jo\nx", "jo\x01", "jo\x1b[31m", "jo\x7f"])
def test_apple_refuses_a_control_character_in_a_user_name(user: str) -> None:
    """plistlib's writer turns CR and CR LF into LF (CF would keep them: the name would not
    arrive as it is), and refuses the others with words about Python bytes: refused here
    with the reason instead."""
    profile = replace(PROFILE, incoming=replace(PROFILE.incoming, username=user))
    with pytest.raises(ExportError, match="control character"):
        mobileconfig(profile)


# -- Thunderbird for Android: SettingsFileParser, then IdentitySettingsValidator --------------

# EmailAddressValidator's pattern; Java's \p{Graph} is [\x21-\x7e], \p{Blank} [ \t]
_ALPHA, _ALNUM = "[a-zA-Z]", "[a-zA-Z0-9]"
_ATEXT = "[0-9a-zA-Z!#$%&'*+\\-/=?^_`{|}~]"
# [\p{Graph}\p{Blank}&&[^"\\]] (Java's && written out) or a backslash pair
_QCONTENT = r"([\x21\x23-\x5b\x5d-\x7e \t]|\\[\x21-\x7e \t])"
_TOP_LABEL = f"(({_ALPHA}({_ALNUM}|\\-|_)*{_ALNUM})|{_ALPHA})"
_DOMAIN_LABEL = f"(({_ALNUM}({_ALNUM}|\\-|_)*{_ALNUM})|{_ALNUM})"
_HOST_NAME = f"((({_DOMAIN_LABEL}\\.)+{_TOP_LABEL})|{_DOMAIN_LABEL})"
_K9_ADDRESS = re.compile(f'^({_ATEXT}+(\\.{_ATEXT}+)*|"{_QCONTENT}+")\\@{_HOST_NAME}')


def _k9_import(data: bytes) -> dict[str, str]:
    """What the importer keeps of the one account, or ValueError where it drops it."""
    account = ET.fromstring(data).find("accounts/account")  # noqa: S314 - our own output
    assert account is not None

    def text(path: str) -> str:  # readText: the TEXT event, or "" for an empty element
        element = account.find(path)
        assert element is not None, path
        return element.text or ""

    read = {
        "name": text("name"),
        "incoming": text("incoming-server/username"),
        "outgoing": text("outgoing-server/username"),
        "identity": text("identities/identity/name"),
        "email": text("identities/identity/email"),
    }
    if not _K9_ADDRESS.fullmatch(read["email"]):
        raise ValueError(f"Invalid email address: {read['email']}")
    return read


K9_ADDRESSES = [
    "jo@example.com",
    "a'&b{x}|$y#z@example.com",
    '"jo x"@example.com',
    "jo@xn--bcher-kva.example",
    "zoë@example.com",  # RFC 6531: the importer drops the account
    "jo@bücher.example",
]


@pytest.mark.parametrize("address", K9_ADDRESSES)
def test_the_android_importer_keeps_every_value_or_the_export_refuses(address: str) -> None:
    name, user = 'Jo "<Boss>" ]]> &amp; \\ 😀 \t', "u\"q'<![CDATA[x]]>ü"
    profile = replace(
        PROFILE,
        address=address,
        address_unicode=address,
        display_name=name,
        incoming=replace(PROFILE.incoming, username=user),
        outgoing=replace(PROFILE.outgoing, username=user),
    )
    if not _K9_ADDRESS.fullmatch(address):
        with pytest.raises(ValueError, match="settings import accepts only plain ASCII"):
            k9_settings_xml(profile)
        return
    read = _k9_import(k9_settings_xml(profile))
    assert read == {
        "name": address,
        "incoming": user,
        "outgoing": user,
        "identity": name,
        "email": address,
    }
