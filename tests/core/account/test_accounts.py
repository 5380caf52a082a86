"""Re-check and forget, as both shells use them, against the demo domain."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from mailhop.core.account.accounts import forget_account, recheck_against
from mailhop.core.account.profile import load_profile
from mailhop.core.account.setup import SetupStatus, run_setup
from mailhop.core.common.address import parse_address
from mailhop.core.demo.domain import start_demo
from mailhop.core.run.check import check


@pytest.fixture
def demo() -> Iterator[Any]:
    with start_demo() as running:
        yield running


def set_up(demo: Any) -> Any:
    address = parse_address(demo.address, allow_test_domains=True)
    report = asyncio.run(check(address, demo.options))

    async def approve(_: object) -> bool:
        return False

    async def password() -> Any:
        return demo.password

    outcome = asyncio.run(
        run_setup(
            report,
            ask_approval=approve,
            ask_password=password,
            store=demo.store,
            extra_ca_file=demo.ca_file,
            profile_dir=demo.profile_dir,
        )
    )
    assert outcome.status is SetupStatus.SAVED, outcome.message
    return address


def test_recheck_finds_no_difference_and_writes_nothing(demo: Any) -> None:
    address = set_up(demo)
    saved = load_profile(address.ascii, demo.profile_dir)
    before = {p: p.read_bytes() for p in demo.profile_dir.iterdir()}
    result = recheck_against(saved, asyncio.run(check(address, demo.options)))
    assert result.blocked is None and result.differences == ()
    assert {p: p.read_bytes() for p in demo.profile_dir.iterdir()} == before


def test_recheck_names_a_changed_host_without_changing_the_profile(demo: Any) -> None:
    from dataclasses import replace

    address = set_up(demo)
    saved = load_profile(address.ascii, demo.profile_dir)
    older = replace(saved, incoming=replace(saved.incoming, host="old.mailhop-demo.test"))
    result = recheck_against(older, asyncio.run(check(address, demo.options)))
    assert [d.kind for d in result.differences] == ["new-host"]


def test_forget_removes_keyring_entries_then_the_profile(demo: Any) -> None:
    address = set_up(demo)
    assert len(demo.keyring.services()) == 2
    result = forget_account(address.ascii, demo.profile_dir, demo.store)
    assert len(result.removed) == 2 and result.profile_path is not None
    assert demo.keyring.services() == () and not result.profile_path.exists()
    again = forget_account(address.ascii, demo.profile_dir, demo.store)
    assert again.removed == () and again.profile_path is None


def test_forget_removes_a_damaged_profile_too(demo: Any) -> None:
    address = parse_address(demo.address, allow_test_domains=True)
    demo.profile_dir.mkdir(parents=True, exist_ok=True)
    damaged = demo.profile_dir / f"{address.ascii}.json"
    damaged.write_text('{"format": "mailhop-account", "version": 1, "incoming": {"port": 1e999')
    result = forget_account(address.ascii, demo.profile_dir, demo.store)
    assert result.profile_path == damaged and not damaged.exists()
