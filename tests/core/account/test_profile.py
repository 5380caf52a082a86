"""Profiles: atomic, versioned, secret-free files, and every difference on re-check."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from mailhop.core.account.approval import Approval
from mailhop.core.account.profile import (
    PROFILE_VERSION,
    AccountProfile,
    EndpointSetting,
    ProfileError,
    SecretRef,
    compare,
    delete_profile,
    list_profiles,
    load_profile,
    profile_path,
    save_profile,
)
from mailhop.core.account.security_state import KeySetting, RelayState
from mailhop.core.common.model import AuthMethod, Security, Service
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.policy.tiers import Tier
from mailhop.core.verdict.verdict import Level

IMAP = EndpointSetting(
    Service.IMAP,
    "mail.example.com",
    993,
    Security.IMPLICIT_TLS,
    "jo@example.com",
    AuthMethod.PASSWORD_CLEARTEXT,
    "ab" * 32,
    "pkix",
    Tier.A,
    ("srv: _imaps._tcp.example.com SRV (dnssec-secure)",),
)
SMTP = replace(IMAP, service=Service.SUBMISSION, port=465)
PROFILE = AccountProfile(
    version=PROFILE_VERSION,
    address="jo@example.com",
    address_unicode="jo@example.com",
    display_name="Jo",
    incoming=IMAP,
    outgoing=SMTP,
    oauth2=False,
    approvals=(
        Approval("example.net", "example.net", ("mx.example.net",), "2026-11-29T00:00:00Z"),
    ),
    secrets=(SecretRef("mailhop imap jo@example.com", "jo@example.com"),),
    verdict=Level.OK,
    checked_at="2026-11-29T00:00:00Z",
)


def test_round_trip(tmp_path: Path) -> None:
    path = save_profile(PROFILE, tmp_path)
    assert path == tmp_path / "jo@example.com.json"
    assert load_profile("jo@example.com", tmp_path) == PROFILE
    assert load_profile("jo@example.com", tmp_path).verdict is Level.OK
    assert (path.stat().st_mode & 0o777) == 0o600
    assert [p for p in list_profiles(tmp_path)] == [PROFILE]


def test_a_save_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    save_profile(PROFILE, tmp_path)
    save_profile(replace(PROFILE, verdict=Level.WARN), tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["jo@example.com.json"]
    assert load_profile("jo@example.com", tmp_path).verdict is Level.WARN


def test_a_failed_save_keeps_the_old_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_profile(PROFILE, tmp_path)

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the one fault a test cannot cause for real
    with pytest.raises(ProfileError, match="No space left"):
        save_profile(replace(PROFILE, verdict=Level.BLOCK), tmp_path)
    assert load_profile("jo@example.com", tmp_path).verdict is Level.OK
    assert [p.name for p in tmp_path.iterdir()] == ["jo@example.com.json"]


def test_a_directory_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "accounts"
    blocker.write_text("")
    with pytest.raises(ProfileError, match="cannot save the profile"):
        save_profile(PROFILE, blocker)


def test_damaged_and_foreign_files_get_clear_errors(tmp_path: Path) -> None:
    path = profile_path("jo@example.com", tmp_path)
    path.write_text("{not json")
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile("jo@example.com", tmp_path)
    path.write_text(json.dumps({"format": "mailhop-account", "version": 99}))
    with pytest.raises(ProfileError, match="version 99"):
        load_profile("jo@example.com", tmp_path)
    path.write_text(json.dumps({"format": "mailhop-account", "version": PROFILE_VERSION}))
    with pytest.raises(ProfileError, match="damaged"):
        load_profile("jo@example.com", tmp_path)
    with pytest.raises(ProfileError, match="no saved account"):
        load_profile("nobody@example.com", tmp_path)
    assert isinstance(list_profiles(tmp_path)[0], ProfileError)


def test_profile_names_cannot_leave_the_directory(tmp_path: Path) -> None:
    for bad in ("../x@example.com", ".hidden@example.com"):
        with pytest.raises(ProfileError):
            profile_path(bad, tmp_path)


def test_no_secret_field_exists_in_a_profile(tmp_path: Path) -> None:
    text = save_profile(PROFILE, tmp_path).read_text()
    assert 'password"' not in text and 'secret":' not in text


def test_delete(tmp_path: Path) -> None:
    save_profile(PROFILE, tmp_path)
    assert delete_profile("jo@example.com", tmp_path) is not None
    assert delete_profile("jo@example.com", tmp_path) is None


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ({"host": "imap.example.com"}, "new-host"),
        ({"port": 143}, "changed-port"),
        ({"security": Security.STARTTLS}, "changed-security"),
        ({"spki_sha256": "cd" * 32}, "rotated-key"),
        ({"authenticated_by": ""}, "verification-changed"),
        ({"username": "jo"}, "changed-username"),
        ({"tier": Tier.C}, "tier-changed"),
    ],
)
def test_every_kind_of_change_is_reported(change: dict[str, object], kind: str) -> None:
    fresh = replace(PROFILE, incoming=replace(IMAP, **change))  # type: ignore[arg-type]
    (difference,) = compare(PROFILE, fresh)
    assert (difference.kind, difference.leg) == (kind, "incoming")
    assert difference.describe().startswith("incoming: ")


def test_a_new_look_alike_host_is_named_by_both_forms() -> None:
    fresh = replace(PROFILE, incoming=replace(IMAP, host="imap.xn--prvider-bjg.test"))
    (difference,) = compare(PROFILE, fresh)
    assert difference.new == "imap imap.pr\u043evider.test (imap.xn--prvider-bjg.test)"


def test_no_change_no_difference() -> None:
    assert compare(PROFILE, replace(PROFILE, checked_at="2027-01-01T00:00:00Z")) == ()


def _saved_json() -> dict[str, object]:
    from mailhop.core.account.profile import _to_json

    return json.loads(json.dumps(_to_json(PROFILE)))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("key", "literal", "why"),
    [
        # json reads 1e999 as an infinite float: int(inf) raised OverflowError.
        ("port", "1e999", "cannot be read"),
        ("port", "NaN", "cannot be read"),
        ("port", "993.5", "port"),
        ("port", "true", "port"),
        ("port", "70000", "port"),
        ("host", '["mail.example.com"]', "host is not text"),
        ("sources", '"srv"', "sources"),
    ],
)
def test_a_profile_with_a_bad_value_is_a_profile_error(
    tmp_path: Path, key: str, literal: str, why: str
) -> None:
    raw = _saved_json()
    raw["incoming"][key] = "@HERE@"  # type: ignore[index]
    path = profile_path("jo@example.com", tmp_path)
    path.write_text(json.dumps(raw).replace('"@HERE@"', literal), "utf-8")
    with pytest.raises(ProfileError, match=why) as caught:
        load_profile("jo@example.com", tmp_path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("shape", ["list", "object"])
def test_a_deeply_nested_profile_is_a_profile_error(tmp_path: Path, shape: str) -> None:
    path = profile_path("jo@example.com", tmp_path)
    open_, close = ("[", "]") if shape == "list" else ('{"a":', "}")
    path.write_text(open_ * 100_000 + close * 100_000, "utf-8")  # json recursed: RecursionError
    with pytest.raises(ProfileError, match="nested"):
        load_profile("jo@example.com", tmp_path)


def test_one_bad_file_is_listed_with_its_path_and_hides_no_other(tmp_path: Path) -> None:
    save_profile(PROFILE, tmp_path)
    save_profile(replace(PROFILE, address="zoe@example.com"), tmp_path)
    raw = _saved_json()
    raw["incoming"]["port"] = 1e999  # type: ignore[index]
    bad = tmp_path / "kim@example.com.json"
    bad.write_text(json.dumps(raw), "utf-8")  # json.dumps writes Infinity
    deep = tmp_path / "lee@example.com.json"
    deep.write_text("[" * 50_000, "utf-8")
    found = list_profiles(tmp_path)
    assert [type(item).__name__ for item in found] == [
        "AccountProfile",
        "ProfileError",
        "ProfileError",
        "AccountProfile",
    ]
    assert str(bad) in str(found[1]) and str(deep) in str(found[2])
    assert [p.address for p in found if isinstance(p, AccountProfile)] == [
        "jo@example.com",
        "zoe@example.com",
    ]


# -- a file edited by hand is checked again on load (issue 15) --------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        ('"host": "mail.example.com"', '"host": "mail.example.com\\nProxyCommand x"'),
        ('"host": "mail.example.com"', '"host": "mail example.com"'),
        ('"host": "mail.example.com"', '"host": "*.example.com"'),
        ('"address": "jo@example.com"', '"address": "eve@example.org"'),
        # The verdict is a level, read back as one: no other words reach the exports.
        ('"verdict": "ok"', '"verdict": "ok\\nProxyCommand x"'),
        ('"verdict": "ok"', '"verdict": "excellent"'),
    ],
)
def test_a_hand_edited_profile_is_checked_again_on_load(
    tmp_path: Path, edit: tuple[str, str]
) -> None:
    path = save_profile(PROFILE, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ProfileError, match="damaged"):
        load_profile("jo@example.com", tmp_path)
    assert isinstance(list_profiles(tmp_path)[0], ProfileError)


# --- version 2: the server's Sent and Drafts folders (RFC 6154) ----------------------------


def test_the_sent_and_drafts_folders_are_kept_in_a_version_2_file(tmp_path: Path) -> None:
    folders = replace(PROFILE, sent_folder="Sent Messages", drafts_folder='Entwürfe "x" $y')
    path = save_profile(folders, tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["version"] == 2
    assert (raw["sent_folder"], raw["drafts_folder"]) == ("Sent Messages", 'Entwürfe "x" $y')
    assert load_profile("jo@example.com", tmp_path) == folders


def test_a_version_1_file_is_still_read_without_folders(tmp_path: Path) -> None:
    # What mailhop wrote before the folders: version 1, no folder keys.
    path = save_profile(PROFILE, tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["version"] = 1
    del raw["sent_folder"], raw["drafts_folder"]
    path.write_text(json.dumps(raw), encoding="utf-8")
    loaded = load_profile("jo@example.com", tmp_path)
    assert (loaded.sent_folder, loaded.drafts_folder) == ("", "")
    assert replace(loaded, version=PROFILE_VERSION) == PROFILE


@pytest.mark.parametrize("name", ["Sent\nset record = x", "Sent\x1b[2J", 7])
def test_a_hand_edited_folder_is_checked_again_on_load(tmp_path: Path, name: object) -> None:
    path = save_profile(replace(PROFILE, sent_folder="Sent"), tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["sent_folder"] = name
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ProfileError, match="damaged"):
        load_profile("jo@example.com", tmp_path)


# Every kind of field, as the file spelled it while the records still held strings: the
# enums are converted only by the writer and reader, so the bytes stay the same.
GOLDEN = Path(__file__).parents[2] / "data" / "profile" / "jo@example.com.json"
FULL = replace(
    PROFILE,
    incoming=replace(IMAP, tlsa=True),
    outgoing=replace(
        SMTP,
        port=587,
        security=Security.STARTTLS,
        auth_method=AuthMethod.OAUTH2,
        authenticated_by="",
        tier=Tier.C,
    ),
    oauth2=True,
    oauth2_issuer="https://login.example.com",
    relay=RelayState(
        MtaStsMode.ENFORCE, "20261129", (("mx.example.com", True), ("mx2.example.com", None)), ""
    ),
    encryption_keys=(KeySetting("wkd", "openpgp", "AB" * 20, "binary", "https-in-domain"),),
    sent_folder="Sent",
    drafts_folder="Drafts",
)


def test_the_file_is_byte_identical_to_the_one_written_before_the_enums(tmp_path: Path) -> None:
    assert save_profile(FULL, tmp_path).read_bytes() == GOLDEN.read_bytes()


def test_a_saved_file_is_read_back_as_the_core_s_enums() -> None:
    loaded = load_profile("jo@example.com", GOLDEN.parent)
    assert loaded == FULL
    outgoing = loaded.outgoing
    assert (outgoing.service, outgoing.security) == (Service.SUBMISSION, Security.STARTTLS)
    assert (outgoing.auth_method, outgoing.tier) == (AuthMethod.OAUTH2, Tier.C)
    assert loaded.relay is not None and loaded.relay.mta_sts_mode is MtaStsMode.ENFORCE


@pytest.mark.parametrize(
    ("key", "word"),
    [("service", "smtp"), ("security", "plain"), ("auth_method", "gssapi"), ("tier", "D")],
)
def test_a_setting_mailhop_never_writes_is_damaged(tmp_path: Path, key: str, word: str) -> None:
    # A hand-edited "plain" reached every exporter as text before; now the file is refused.
    raw = _saved_json()
    raw["incoming"][key] = word  # type: ignore[index]
    profile_path("jo@example.com", tmp_path).write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ProfileError, match=f"{key} '{word}' is not a value mailhop writes"):
        load_profile("jo@example.com", tmp_path)
