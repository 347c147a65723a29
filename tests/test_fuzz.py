"""Fuzzing the doors (issue 9): mutants of the example scenarios and of `tocsin fly` arguments
never give a traceback, only exit 0 or 2, and a run never exceeds its resource estimate.

A few dozen mutants here keep `make test` fast; ``benchmarks/fuzz_campaign.py`` runs thousands
in subprocesses under a 3 GB address-space limit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from fuzz_mutants import fly_mutant, scenario_mutant  # type: ignore[import-not-found]  # noqa: E402

SMALL = yaml.safe_load((ROOT / "scenarios" / "regional-mrbm.yaml").read_text())


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(i=st.integers(0, 10_000), j=st.integers(0, 10_000))
def test_scenario_mutants_exit_0_or_2(tmp_path_factory: pytest.TempPathFactory,
                                      capsys: pytest.CaptureFixture[str], i: int,
                                      j: int) -> None:
    from tocsin.scenario.budget import estimate
    from tocsin.scenario.loader import parse_scenario

    text = scenario_mutant(SMALL, i, j)
    f = tmp_path_factory.mktemp("fuzz") / "m.yaml"
    f.write_text(text)
    code = main(["run", str(f), "--json"])
    cap = capsys.readouterr()
    assert code in (0, 2), cap.err
    assert "Traceback" not in cap.err
    if code == 0:  # a run that ran stays within its estimate
        e = estimate(parse_scenario(text))
        n = json.loads(cap.out)["detections"]
        assert n <= 3 * e.expected_false_detections + 50 + e.max_true_detections


@settings(max_examples=25, deadline=None, derandomize=True)
@given(i=st.integers(0, 10_000), j=st.integers(0, 10_000))
def test_fly_argument_mutants_exit_0_or_2(i: int, j: int) -> None:
    args = fly_mutant(i, j)
    code = main(args)
    assert code in (0, 2), args
