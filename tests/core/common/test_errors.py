"""The one exception tree: every public exception the core defines hangs under MailhopError,
in the branch its docstring names, and the front ends tell the person's errors from bugs
by the branch, never by ValueError."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

from mailhop.core.account.profile import ProfileError
from mailhop.core.account.secrets import InvalidPassword, KeyringLocked, SecretStoreError
from mailhop.core.common.address import AddressError
from mailhop.core.common.errors import (
    ExportError,
    RemoteFailure,
    StorageError,
    UntrustedDataError,
    UsageError,
    is_persons_to_fix,
)
from mailhop.core.common.untrusted import ForbiddenXmlError
from mailhop.core.dns.resolver import ResolveError, parse_upstream
from mailhop.core.export.apple import SigningError
from mailhop.core.export.table import Untranslatable
from mailhop.core.net.connect import ConnectFailure
from tests.test_quality import REPO


def exception_bases(core: Path) -> dict[str, set[str]]:
    """Each class the core defines, by name, with the names of its bases: read from the
    source (an AST scan), so the check needs no module to import."""
    bases: dict[str, set[str]] = {}
    for path in core.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {ast.unparse(b).rpartition(".")[2] for b in node.bases}
                bases.setdefault(node.name, set()).update(names)
    return bases


def descends(name: str, roots: set[str], bases: dict[str, set[str]]) -> bool:
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in roots:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(bases.get(current, ()))
    return False


def test_every_public_core_exception_is_a_mailhop_error() -> None:
    bases = exception_bases(REPO / "core")
    builtin = {
        n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
    }
    public = [n for n in bases if not n.startswith("_") and descends(n, builtin, bases)]
    assert len(public) >= 15
    assert sorted(n for n in public if not descends(n, {"MailhopError"}, bases)) == []


@pytest.mark.parametrize(
    ("error", "branch"),
    [
        (AddressError, UsageError),
        (InvalidPassword, UsageError),
        (ForbiddenXmlError, UntrustedDataError),
        (SecretStoreError, StorageError),
        (ProfileError, StorageError),
        (SigningError, ExportError),
        (Untranslatable, ExportError),
        (ConnectFailure, RemoteFailure),
        (ResolveError, RemoteFailure),
    ],
)
def test_each_error_sits_in_its_branch(error: type[Exception], branch: type[Exception]) -> None:
    assert issubclass(error, branch)


def test_usage_and_untrusted_data_errors_are_still_value_errors() -> None:
    """Callers that validated input with ``except ValueError`` keep working."""
    assert issubclass(UsageError, ValueError) and issubclass(UntrustedDataError, ValueError)
    with pytest.raises(UsageError):
        parse_upstream("not-an-address")


def test_the_persons_errors_are_told_from_bugs_by_branch_not_by_value_error() -> None:
    assert is_persons_to_fix(AddressError("empty", "empty"))
    assert is_persons_to_fix(KeyringLocked("the keyring stayed locked"))
    assert is_persons_to_fix(ProfileError("cannot write ~/x.json"))
    assert not is_persons_to_fix(ValueError("invalid literal for int() with base 10: 'x'"))
    assert not is_persons_to_fix(KeyError("port"))
    assert not is_persons_to_fix(ResolveError("no address"))  # never reaches a person raised
