"""security_state: the relay policy, TLSA presence and keys a check saw, remembered in the
profile, and recheck's downgrade warnings, against the lab's domains:

    healthy.test   MTA-STS enforce (id 20261128T000000), TLSA for mail.healthy.test 25/465/993,
                   TLS-RPT
    ststesting.test  MTA-STS testing, the same MX (DANE) and servers as healthy.test
    mxonly.test    signed, no MTA-STS, no TLSA anywhere (proven absent)
    e2ekeys.test   alice's three published keys
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from mailhop.core.account.account import choose, profile_from_check
from mailhop.core.account.accounts import recheck_against
from mailhop.core.account.profile import (
    AccountProfile,
    ProfileError,
    load_profile,
    parse_profile,
    render_profile,
    save_profile,
)
from mailhop.core.account.security_state import (
    KeySetting,
    NoPolicy,
    RelayState,
    downgrade_lines,
    downgrades,
)
from mailhop.core.cli.exit_codes import EXIT_NEEDS_APPROVAL
from mailhop.core.common import i18n
from mailhop.core.common.address import parse_address
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.run.check import CheckReport, check
from tests.core.account.test_profile import PROFILE
from tests.core.discover.test_parse_e2e_keys import ALICE_FPR
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo

_reports: dict[str, CheckReport] = {}


def checked(lab: LabInfo, address: str) -> CheckReport:
    if address not in _reports:
        parsed = parse_address(address, allow_test_domains=True)
        _reports[address] = asyncio.run(check(parsed, options(lab)))
    return _reports[address]


def profile_of(report: CheckReport) -> AccountProfile:
    choice = choose(report)
    assert choice.blocked is None, choice.blocked
    address = report.discovery.address.ascii
    return profile_from_check(report, choice, usernames_used=(address, address))


def codes(found: object) -> list[str]:
    return [f.code for f in found]  # type: ignore[attr-defined]


# -- what setup remembers -----------------------------------------------------------------


def test_setup_remembers_the_relay_policy_and_each_endpoint_s_tlsa(lab: LabInfo) -> None:
    profile = profile_of(checked(lab, "alice@healthy.test"))
    assert profile.relay == RelayState(
        MtaStsMode.ENFORCE,
        "20261128T000000",
        (("mail.healthy.test", True),),
        "mailto:tlsrpt@healthy.test",
    )
    assert (profile.incoming.tlsa, profile.outgoing.tlsa) == (True, True)


def test_a_domain_without_policy_or_tlsa_is_remembered_as_proven_without(lab: LabInfo) -> None:
    profile = profile_of(checked(lab, "alice@mxonly.test"))
    assert profile.relay == RelayState(NoPolicy.NO_POLICY, "", (("mx01.mxonly.test", False),), "")
    assert (profile.incoming.tlsa, profile.outgoing.tlsa) == (False, False)


def test_setup_remembers_the_published_keys_for_the_sheet(lab: LabInfo) -> None:
    profile = profile_of(checked(lab, "alice@e2ekeys.test"))
    assert profile.encryption_keys[0] == KeySetting(
        "openpgpkey", "openpgp", ALICE_FPR, "OpenPGP v4", "dnssec-secure"
    )
    assert [k.source for k in profile.encryption_keys] == ["openpgpkey", "wkd", "smimea"]


# -- recheck's downgrades -----------------------------------------------------------------


def test_enforce_remembered_and_testing_now_is_a_downgrade_of_its_own(lab: LabInfo) -> None:
    report = checked(lab, "alice@ststesting.test")
    fresh = profile_of(report)
    assert fresh.relay is not None
    saved = replace(fresh, relay=replace(fresh.relay, mta_sts_mode=MtaStsMode.ENFORCE))
    result = recheck_against(saved, report)
    assert codes(result.downgrades) == ["downgrade-mta-sts"]
    assert "enforce before, testing now" in result.downgrades[0].summary
    assert result.differences == ()  # a downgrade is not hidden among the differences


def test_dane_and_tlsa_gone_are_downgrades(lab: LabInfo) -> None:
    report = checked(lab, "alice@mxonly.test")
    fresh = profile_of(report)
    assert fresh.relay is not None
    saved = replace(
        fresh,
        relay=replace(
            fresh.relay, mta_sts_mode=MtaStsMode.ENFORCE, dane_mx=(("mx01.mxonly.test", True),)
        ),
        incoming=replace(fresh.incoming, tlsa=True),
    )
    found = recheck_against(saved, report).downgrades
    assert codes(found) == ["downgrade-mta-sts", "downgrade-dane", "downgrade-tlsa"]
    assert "no policy now" in found[0].summary
    assert "mx01.mxonly.test port 993" in found[2].summary


def test_nothing_weaker_is_no_downgrade(lab: LabInfo) -> None:
    report = checked(lab, "alice@healthy.test")
    assert recheck_against(profile_of(report), report).downgrades == ()


def test_what_could_not_be_checked_is_never_gone() -> None:
    relay = RelayState(MtaStsMode.ENFORCE, "x", (("mx.example.com", True),), "")
    saved = replace(PROFILE, relay=relay, incoming=replace(PROFILE.incoming, tlsa=True))
    unknown = replace(
        PROFILE,
        relay=RelayState(None, "", (("mx.example.com", None),), None),
        incoming=replace(PROFILE.incoming, tlsa=None),
    )
    assert downgrades(saved, unknown) == ()
    # A profile written before the state was kept remembers nothing to compare.
    assert (
        downgrades(PROFILE, replace(unknown, relay=RelayState(NoPolicy.NO_POLICY, "", (), "")))
        == ()
    )


def test_the_words_are_german_and_french_too() -> None:
    relay = RelayState(MtaStsMode.ENFORCE, "x", (), "")
    found = downgrades(
        replace(PROFILE, relay=relay),
        replace(PROFILE, relay=replace(relay, mta_sts_mode=NoPolicy.NO_POLICY)),
    )
    try:
        i18n.set_language("de")
        assert "MTA-STS" in downgrade_lines(found)[1] and "Einrichtung" in downgrade_lines(found)[0]
        i18n.set_language("fr")
        assert "configuration" in downgrade_lines(found)[0]
    finally:
        i18n.set_language("en")


def recheck(lab: LabInfo, folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    from tests.test_cli import lab_options

    command = [sys.executable, "-m", "mailhop.gui.launcher", "recheck", "alice@ststesting.test"]
    return subprocess.run(
        [*command, "--profile-dir", str(folder), *extra, *lab_options(lab)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_recheck_command_says_the_downgrade_first(lab: LabInfo, tmp_path: Path) -> None:
    fresh = profile_of(checked(lab, "alice@ststesting.test"))
    assert fresh.relay is not None
    save_profile(
        replace(fresh, relay=replace(fresh.relay, mta_sts_mode=MtaStsMode.ENFORCE)), tmp_path
    )
    done = recheck(lab, tmp_path)
    assert done.returncode == EXIT_NEEDS_APPROVAL, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Weaker security than at setup:"
    assert "enforce before, testing now" in lines[1] and "[downgrade-mta-sts]" in lines[1]
    done = recheck(lab, tmp_path, "--json")
    assert [d["code"] for d in json.loads(done.stdout)["downgrades"]] == ["downgrade-mta-sts"]


# -- the profile file ---------------------------------------------------------------------


STATE = replace(
    PROFILE,
    relay=RelayState(
        MtaStsMode.ENFORCE, "abc", (("mx.example.com", True), ("mx2.example.com", None)), ""
    ),
    incoming=replace(PROFILE.incoming, tlsa=True),
    outgoing=replace(PROFILE.outgoing, tlsa=False),
    encryption_keys=(KeySetting("wkd", "openpgp", ALICE_FPR, "OpenPGP v4", "https-in-domain"),),
)


def test_the_state_survives_a_save_and_a_load(tmp_path: Path) -> None:
    save_profile(STATE, tmp_path)
    assert load_profile(STATE.address, tmp_path) == STATE


def test_a_file_written_before_the_state_was_kept_reads_as_nothing_remembered() -> None:
    raw = json.loads(render_profile(STATE))
    for key in ("relay", "encryption_keys"):
        del raw[key]
    for leg in ("incoming", "outgoing"):
        del raw[leg]["tlsa"]
    old = parse_profile(json.dumps(raw).encode(), Path("old.json"))
    assert (old.relay, old.encryption_keys, old.incoming.tlsa) == (None, (), None)


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("relay", {"mta_sts_mode": "lax"}, "not an MTA-STS mode"),
        ("relay", [], "relay is not an object"),
        (
            "relay",
            {"mta_sts_mode": None, "mta_sts_id": "", "dane_mx": [["a", 1]], "tls_rpt": ""},
            "dane_mx",
        ),
        (
            "relay",
            {"mta_sts_mode": "", "mta_sts_id": "x\ny", "dane_mx": [], "tls_rpt": ""},
            "mta_sts_id",
        ),
        ("encryption_keys", [{"source": "wkd"}], "encryption_keys.kind"),
        ("encryption_keys", {"a": 1}, "not a list"),
    ],
)
def test_a_damaged_state_field_is_refused_with_the_file(key: str, value: object, why: str) -> None:
    raw = json.loads(render_profile(STATE))
    raw[key] = value
    with pytest.raises(ProfileError, match=why):
        parse_profile(json.dumps(raw).encode(), Path("x.json"))


def test_a_damaged_tlsa_flag_is_refused() -> None:
    raw = json.loads(render_profile(STATE))
    raw["incoming"]["tlsa"] = "yes"
    with pytest.raises(ProfileError, match="tlsa"):
        parse_profile(json.dumps(raw).encode(), Path("x.json"))
