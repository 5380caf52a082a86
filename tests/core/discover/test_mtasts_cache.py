"""mtasts_cache: RFC 8461 section 5.1's policy cache, in the lab and against damaged files.

ststesting.test   _mta-sts id=20261129T000000, policy served (mode testing, max_age 86400)
stscache.test     _mta-sts id=20261201T000000, the policy host answers HTTP 500
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import pytest

from mailhop.core.cli.discovery_json import report_to_json
from mailhop.core.common.address import parse_address
from mailhop.core.discover.mtasts_cache import (
    CachedPolicy,
    CacheRefusal,
    MtaStsCache,
    default_cache_directory,
)
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.discover.report import Attempt, Auth, MtaSts, Source, Status
from mailhop.core.run.discovery import DiscoveryReport, discover
from mailhop.core.run.settings import Settings, options_from_settings
from tests.core.run.test_discovery import options
from tests.lab.lab import LabInfo

NOW = 1_796_000_000.0  # 2026-12-01, a fixed clock for the files written by hand
POLICY = b"version: STSv1\r\nmode: enforce\r\nmx: mail.healthy.test\r\nmax_age: 86400\r\n"


def run(lab: LabInfo, address: str, cache_dir: Path) -> DiscoveryReport:
    parsed = parse_address(address, allow_test_domains=True)
    return asyncio.run(discover(parsed, options(lab, mtasts_cache_dir=cache_dir)))


def sts(report: DiscoveryReport) -> Attempt:
    return next(a for a in report.attempts if a.source is Source.MTA_STS)


def seed(folder: Path, domain: str, record_id: str, fetched_at: float) -> None:
    """What an earlier run would have stored, at another time than now."""
    assert MtaStsCache(folder, clock=lambda: fetched_at).store(domain, record_id, POLICY)


# -- in the lab ---------------------------------------------------------------------------


def test_an_accepted_policy_is_cached_with_its_record_id(lab: LabInfo, tmp_path: Path) -> None:
    attempt = sts(run(lab, "alice@ststesting.test", tmp_path))
    assert attempt.status is Status.FOUND
    cached = MtaStsCache(tmp_path).usable("ststesting.test")
    assert isinstance(cached, CachedPolicy)
    assert cached.record_id == "20261129T000000"
    assert (cached.policy.mode, cached.policy.max_age) == (MtaStsMode.TESTING, 86400)
    assert oct(os.stat(tmp_path / "ststesting.test.json").st_mode & 0o777) == "0o600"


def test_when_the_host_answers_500_the_unexpired_cached_policy_is_used_and_said(
    lab: LabInfo, tmp_path: Path
) -> None:
    seed(tmp_path, "stscache.test", "20261201T000000", time.time() - 3600)
    report = run(lab, "alice@stscache.test", tmp_path)
    attempt = sts(report)
    assert (attempt.status, attempt.auth, attempt.failure) == (
        Status.FOUND,
        Auth.HTTPS_IN_DOMAIN,
        None,
    )
    found = attempt.payload_as(MtaSts)
    assert found is not None and found.from_cache is not None
    assert found.policy is not None and found.policy.mode is MtaStsMode.ENFORCE
    assert "HTTP 500" in attempt.detail and "the policy cached on" in attempt.detail
    assert "id changed" not in attempt.detail
    codes = [f.code for f in report.plan.findings]
    assert "mta-sts-cached" in codes and "mta-sts-broken" not in codes
    # The MX the cached policy lists is vouched for by it, as by a live one (tier B).
    said = next(f for f in report.plan.findings if f.code == "mta-sts-cached")
    assert found.from_cache.fetched_text() in said.summary
    # discover --json says it too: the facts name when the copy was fetched and until when.
    facts = next(a for a in report_to_json(report)["attempts"] if a["source"] == "mta-sts")
    assert facts["facts"]["cached_at"] == found.from_cache.fetched_text()
    assert facts["facts"]["cached_until"] == found.from_cache.expires_text()
    assert facts["status"] == "found"


def test_a_changed_id_is_fetched_again_and_replaces_the_copy(lab: LabInfo, tmp_path: Path) -> None:
    seed(tmp_path, "ststesting.test", "20250101T000000", time.time() - 60)
    attempt = sts(run(lab, "alice@ststesting.test", tmp_path))
    found = attempt.payload_as(MtaSts)
    assert found is not None and found.from_cache is None
    assert found.policy is not None and found.policy.mode is MtaStsMode.TESTING  # the live one
    cached = MtaStsCache(tmp_path).usable("ststesting.test")
    assert isinstance(cached, CachedPolicy)
    assert (cached.record_id, cached.policy.mode) == ("20261129T000000", MtaStsMode.TESTING)


def test_with_a_changed_id_and_no_live_policy_the_cached_one_still_applies_and_says_so(
    lab: LabInfo, tmp_path: Path
) -> None:
    seed(tmp_path, "stscache.test", "20250101T000000", time.time() - 60)
    attempt = sts(run(lab, "alice@stscache.test", tmp_path))
    assert attempt.status is Status.FOUND
    assert "id changed from 20250101T000000" in attempt.detail


def test_an_expired_cached_policy_is_not_used(lab: LabInfo, tmp_path: Path) -> None:
    seed(tmp_path, "stscache.test", "20261201T000000", time.time() - 86400 - 60)
    report = run(lab, "alice@stscache.test", tmp_path)
    attempt = sts(report)
    assert attempt.status is Status.FAILED
    assert attempt.payload_as(MtaSts) == MtaSts("20261201T000000")
    assert "mta-sts-cached" not in [f.code for f in report.plan.findings]


def test_the_cli_and_window_options_keep_policies_in_the_user_cache_folder() -> None:
    folder = options_from_settings(Settings()).mtasts_cache_dir
    assert folder == default_cache_directory()
    # conftest.py gives the test run a cache folder of its own.
    assert str(folder).startswith(os.environ["XDG_CACHE_HOME"])


# -- damaged and hostile files ------------------------------------------------------------


def write(folder: Path, domain: str, entry: object) -> None:
    (folder / f"{domain}.json").write_text(json.dumps(entry), "utf-8")


def good_entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "format": "mailhop-mta-sts-cache",
        "version": 1,
        "domain": "example.com",
        "id": "abc123",
        "fetched_at": int(NOW),
        "policy": POLICY.decode(),
    }
    entry.update(changes)
    return entry


def test_a_well_formed_file_is_read_and_expires_after_max_age(tmp_path: Path) -> None:
    write(tmp_path, "example.com", good_entry())
    assert isinstance(
        MtaStsCache(tmp_path, clock=lambda: NOW + 10).usable("example.com"), CachedPolicy
    )
    assert MtaStsCache(tmp_path, clock=lambda: NOW + 86400).usable("example.com") is None


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        (good_entry(domain="other.example"), "holds the policy of"),
        (good_entry(format="x"), "not a mailhop MTA-STS cache file"),
        (good_entry(version=True), "version"),
        (good_entry(id="abc; mode=none"), "record id"),
        (good_entry(fetched_at=True), "fetched_at"),
        (good_entry(fetched_at=1.5), "fetched_at"),
        (good_entry(policy="version: STSv1\nmode: enforce\n"), "policy is refused"),
        (good_entry(policy=["x"]), "not text"),
        ([1, 2], "not a mailhop"),
    ],
)
def test_a_damaged_file_is_refused_with_its_reason(tmp_path: Path, entry: object, why: str) -> None:
    write(tmp_path, "example.com", entry)
    found = MtaStsCache(tmp_path, clock=lambda: NOW).usable("example.com")
    assert isinstance(found, CacheRefusal) and why in found.reason


def test_a_file_dated_in_the_future_cannot_keep_a_policy_alive(tmp_path: Path) -> None:
    write(tmp_path, "example.com", good_entry(fetched_at=int(NOW) + 10 * 86400))
    found = MtaStsCache(tmp_path, clock=lambda: NOW).usable("example.com")
    assert isinstance(found, CacheRefusal) and "dated" in found.reason


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe", b"{" * 50_000, b"[" * 3 + b"]" * 3, b'{"a": 1e999}', b"x" * 100_000],
)
def test_bytes_that_are_no_json_or_too_big_are_refused(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "example.com.json").write_bytes(data)
    found = MtaStsCache(tmp_path, clock=lambda: NOW).usable("example.com")
    assert isinstance(found, CacheRefusal)


def test_a_symlink_or_a_fifo_is_refused_before_any_read(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(good_entry()))
    (tmp_path / "example.com.json").symlink_to(target)
    found = MtaStsCache(tmp_path, clock=lambda: NOW).usable("example.com")
    assert isinstance(found, CacheRefusal) and "symbolic link" in found.reason
    os.mkfifo(tmp_path / "fifo.example.json")
    found = MtaStsCache(tmp_path, clock=lambda: NOW).usable("fifo.example")
    assert isinstance(found, CacheRefusal) and "not a regular file" in found.reason


@pytest.mark.parametrize("domain", ["../evil", "a/b", ".hidden", "x\x00y", "", "-a.com"])
def test_a_name_that_is_no_host_names_no_file(tmp_path: Path, domain: str) -> None:
    cache = MtaStsCache(tmp_path / "c", clock=lambda: NOW)
    assert cache.store(domain, "abc", POLICY) is False
    assert isinstance(cache.read(domain), CacheRefusal)
    assert not (tmp_path / "c").exists()


def test_a_cache_that_cannot_be_written_does_not_fail_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert MtaStsCache(blocker / "sub").store("example.com", "abc", POLICY) is False
    assert MtaStsCache(tmp_path).store("example.com", "abc", b"not a policy") is False
