"""Registrable domains from the bundled public suffix list."""

from __future__ import annotations

import pytest

from mailhop.core.common.domains import is_inside, registrable_domain


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("mail.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("co.uk", None),
        ("com", None),
        ("mail.healthy.test", "healthy.test"),
        ("autodiscover.test", "autodiscover.test"),
        ("test", None),
        ("user.github.io", "user.github.io"),  # a private-section suffix counts too
        ("Mail.Example.COM.", "example.com"),
    ],
)
def test_registrable_domain(host: str, registrable: str | None) -> None:
    assert registrable_domain(host) == registrable


def test_inside_is_label_wise() -> None:
    assert is_inside("mail.example.com", "example.com")
    assert is_inside("example.com", "example.com")
    assert not is_inside("badexample.com", "example.com")
    assert not is_inside("example.com.evil.net", "example.com")


def test_an_a_label_domain_is_shown_as_its_u_label_and_a_refused_one_as_it_is() -> None:
    from mailhop.core.common.domains import unicode_domain

    assert unicode_domain("xn--bcher-kva.example") == "bücher.example"
    assert unicode_domain("example.com") == "example.com"
    assert unicode_domain("xn--zz.example") == "xn--zz.example"  # not a valid A-label
