"""Fuzzes reading a saved account profile (core/account/profile.py) from a file's bytes: the seed
is a profile as mailhop writes it.

parse_profile raises ProfileError, and only that, for a file it cannot use (the JSON goes
through untrusted.read_json, then every field is checked): that is its contract. Safety
rules (asserts): ports are whole numbers 1-65535, and a profile read back from what
mailhop would write is the same profile.
"""

from __future__ import annotations

import json
from pathlib import Path

from mailhop.core.account.profile import ProfileError, compare, parse_profile, render_profile

CONTRACT: tuple[type[BaseException], ...] = (ProfileError,)

PATH = Path("fuzz@example.com.json")


def one_input(data: bytes) -> None:
    profile = parse_profile(data, PATH)
    for leg in (profile.incoming, profile.outgoing):
        assert type(leg.port) is int and 1 <= leg.port <= 65535
    assert parse_profile(render_profile(profile), PATH) == profile
    assert compare(profile, profile) == ()
    json.dumps([d.describe() for d in compare(profile, profile)])
