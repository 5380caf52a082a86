"""Finding and loading the harnesses (no atheris here, so the seed replay runs without it)."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

FUZZ_DIR = Path(__file__).resolve().parent
CORPUS_DIR = FUZZ_DIR / "corpus"
PREFIX = "fuzz_"


@dataclass(frozen=True, slots=True)
class Harness:
    name: str
    one_input: Callable[[bytes], None]
    contract: tuple[type[BaseException], ...]

    @property
    def corpus(self) -> Path:
        return CORPUS_DIR / self.name

    def seeds(self) -> list[Path]:
        if not self.corpus.is_dir():
            return []
        return sorted(p for p in self.corpus.rglob("*") if p.is_file())

    def run(self, data: bytes) -> None:
        """One input: the contract's errors are expected answers, anything else propagates."""
        with contextlib.suppress(*self.contract):
            self.one_input(data)


def names() -> list[str]:
    return sorted(p.stem.removeprefix(PREFIX) for p in FUZZ_DIR.glob(f"{PREFIX}*.py"))


def module_name(name: str) -> str:
    return f"tests.fuzz.{PREFIX}{name}"


def load(name: str) -> Harness:
    module: ModuleType = importlib.import_module(module_name(name))
    one_input = getattr(module, "one_input", None)
    contract = getattr(module, "CONTRACT", None)
    if not callable(one_input) or not isinstance(contract, tuple):
        raise TypeError(f"{module.__name__} needs one_input(data) and a CONTRACT tuple")
    return Harness(name, one_input, contract)
