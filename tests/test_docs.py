"""The Python examples of the README and docs/python.md run as doctests (issue 8)."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", ["README.md", "docs/python.md"])
def test_python_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    res = doctest.testfile(str(ROOT / name), module_relative=False, optionflags=FLAGS,
                           raise_on_error=False, verbose=False)
    assert res.attempted > 0, f"{name} has no Python examples"
    assert res.failed == 0, f"{res.failed} of {res.attempted} examples in {name} failed"


def test_public_api_is_flat_and_complete() -> None:
    import tocsin
    import tocsin.api

    assert set(tocsin.api.__all__) <= set(tocsin.__all__)
    for name in tocsin.__all__:
        assert getattr(tocsin, name) is not None, name
    for sub in ("earth", "flight", "sensors", "tracking", "scenario", "cli"):
        mod = getattr(tocsin, sub)
        assert isinstance(mod.__all__, list), sub
        for name in mod.__all__:
            assert hasattr(mod, name), f"tocsin.{sub}.{name}"
