"""Fuzz harnesses for every parser of untrusted bytes (atheris, libFuzzer underneath).

One file per target, `fuzz_<target>.py`, holding:

- `one_input(data: bytes) -> None`: feeds the bytes to the code under test; the safety rules of that
  code (only fixed commands sent, nothing trusted before TLS, ...) are plain `assert`s;
- `CONTRACT`: the exception types the code under test raises *by design* on bad input (its own
  errors). Anything else escaping `one_input` is a crash: a traceback a person could see.

Seed inputs live in `corpus/<target>/` (small real documents and transcripts; origins in
`corpus/README.md`). `python -m tests.fuzz` runs the harnesses under atheris for as long as asked
(`make fuzz`); `tests/fuzz/test_smoke.py` replays every seed and runs each harness briefly in CI.

This package's `__init__` imports nothing of mailhop on purpose: the runner must import the
targets inside atheris' instrumentation, which sees only modules imported after it starts.
"""
