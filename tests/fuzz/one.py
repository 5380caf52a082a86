"""Runs one harness under atheris in this process.

    python -m tests.fuzz.one TARGET [libFuzzer flags] [CORPUS_DIR ...]

libFuzzer owns the process (it exits when done), so the runner in `__main__` starts one of these
per target. The harness and the code it reaches are imported inside atheris' instrumentation so
that coverage guides the search.
"""

from __future__ import annotations

import sys

import atheris


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m tests.fuzz.one TARGET [libFuzzer flags] [CORPUS_DIR ...]")
    target = sys.argv[1]
    with atheris.instrument_imports(include=["mailhop", "tests.fuzz"]):
        from tests.fuzz import harnesses

        harness = harnesses.load(target)
    atheris.Setup([sys.argv[0], *sys.argv[2:]], harness.run)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
