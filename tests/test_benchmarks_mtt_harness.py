"""The tracking benchmark's own harness (benchmarks/mtt_harness.py): GOSPA, scenarios, Stone Soup.

GOSPA (Rahmathullah, García-Fernández & Svensson, FUSION 2017) is checked against hand-computed
cases, against Tocsin's own implementation (tocsin.tracking.metrics, written separately) and
against Stone Soup's ``GOSPAMetric`` (the ``bench`` extra). The peer harness it mirrors
(``stonesoup_bench.py``, outside the repository: ``$TOCSIN_MTT_HARNESS`` or
``../shared/peers/``) is an outside check that runs only where it is present: same seed, same
scenario; same GOSPA.
"""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tocsin.tracking.metrics import gospa

ROOT = Path(__file__).resolve().parents[1]
PEER = Path(os.environ.get("TOCSIN_MTT_HARNESS",
                           ROOT.parent / "shared" / "peers" / "stonesoup_bench.py"))


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def own() -> ModuleType:
    return _load(ROOT / "benchmarks" / "mtt_harness.py", "mtt_harness")


@pytest.fixture(scope="module")
def peer() -> ModuleType:
    if not PEER.is_file():
        pytest.skip(f"outside check: the peer harness {PEER} is not present")
    return _load(PEER, "stonesoup_bench")


def test_gospa_hand_computed(own: ModuleType) -> None:
    truth = [[0.0, 0.0, 0.0], [100.0, 0.0, 0.0]]
    g = own.gospa_numpy([[3.0, 4.0, 0.0]], truth, 10.0, 1.0)   # one at 5 m, one missed
    assert (g["distance"], g["localisation"], g["missed"], g["false"]) == (10.0, 5.0, 5.0, 0.0)
    far = own.gospa_numpy([[0.0, 20.0, 0.0]], truth[:1], 10.0, 1.0)   # beyond c: missed + false
    assert (far["distance"], far["missed"], far["false"]) == (10.0, 5.0, 5.0)
    g2 = own.gospa_numpy([[3.0, 4.0, 0.0]], truth, 10.0, 2.0)
    assert g2["distance"] == pytest.approx(math.sqrt(25 + 50))
    assert own.gospa_numpy([], [], 10.0, 1.0)["distance"] == 0.0


def test_gospa_matches_tocsin_metrics(own: ModuleType) -> None:
    rng = np.random.default_rng(11)
    for _ in range(40):
        t = rng.uniform(0, 300, (rng.integers(0, 9), 3))
        e = rng.uniform(0, 300, (rng.integers(0, 9), 3))
        for p in (1.0, 2.0):
            ref = own.gospa_numpy(e, t, 100.0, p)
            g = gospa(e, t, c=100.0, p=p)
            assert g.total == pytest.approx(ref["distance"])
            assert (g.localisation, g.missed, g.false) == pytest.approx(
                (ref["localisation"], ref["missed"], ref["false"]))


def test_gospa_matches_stonesoup(own: ModuleType) -> None:
    pytest.importorskip("stonesoup")
    scen = own.generate_scenario(4, 8, seed=5, clutter_rate=0.0)
    rng = np.random.default_rng(2)
    est = {s["k"]: (np.asarray(s["truth_states"])[1:, [0, 2, 4]]
                    + rng.normal(0, 60, (3, 3))).tolist() + [[0.0, 0.0, float(s["k"])]]
           for s in scen["scans"]}
    a, _ = own.gospa_scores(scen, est, 100.0, 1.0, impl="numpy")
    b, _ = own.gospa_scores(scen, est, 100.0, 1.0, impl="stonesoup")
    for key in ("mean_distance", "mean_localisation", "mean_missed", "mean_false"):
        assert a[key] == pytest.approx(b[key]), key


def test_scenario_statistics_and_round_trip(own: ModuleType, tmp_path: Path) -> None:
    scen = own.generate_scenario(20, 40, seed=3, clutter_rate=15.0, birth_window=5)
    origin = np.concatenate([s["detection_origin"] for s in scen["scans"]])
    alive = sum(len(s["truth_ids"]) for s in scen["scans"])
    assert np.sum(origin >= 0) / alive == pytest.approx(0.9, abs=0.03)   # P_D
    assert np.sum(origin < 0) / 40 == pytest.approx(15.0, rel=0.15)   # Poisson mean per scan
    for name in ("s.json", "s.npz"):
        own.save_scenario(scen, str(tmp_path / name))
        back = own.load_scenario(str(tmp_path / name))
        for s, b in zip(scen["scans"], back["scans"], strict=True):
            np.testing.assert_allclose(np.asarray(b["detections"]).reshape(-1, 3),
                                       np.asarray(s["detections"]).reshape(-1, 3))
            assert b["detection_origin"] == s["detection_origin"]


def test_stonesoup_tracker_runs_and_tracks(own: ModuleType) -> None:
    pytest.importorskip("stonesoup")
    scen = own.generate_scenario(3, 15, seed=1, clutter_rate=2.0)
    est, step_s = own.run_stonesoup(scen)
    assert len(est) == len(step_s) == 15
    g, n = own.gospa_scores(scen, {s["k"]: e["positions"]
                                   for s, e in zip(scen["scans"], est, strict=True)}, 100.0, 1.0)
    assert n[-1] >= 3 and g["mean_distance"] < 200.0   # confirmed after its 3 points


# --- outside check: the peer harness, where present ---------------------------------------------

@pytest.mark.parametrize("kw", [dict(targets=6, steps=12, seed=4, clutter_rate=10.0),
                                dict(targets=5, steps=10, seed=9, clutter_rate=3.0,
                                     birth_window=4, pd=0.7)])
def test_same_scenario_as_the_peer_harness(own: ModuleType, peer: ModuleType, kw: dict) -> None:
    a, b = own.generate_scenario(**kw), peer.generate_scenario(**kw)
    assert a["params"] == b["params"]
    assert a["measurement_noise_covariance"] == b["measurement_noise_covariance"]
    for sa, sb in zip(a["scans"], b["scans"], strict=True):
        assert sa["truth_ids"] == sb["truth_ids"]
        assert sa["detection_origin"] == sb["detection_origin"]
        np.testing.assert_allclose(sa["truth_states"], sb["truth_states"], rtol=1e-12)
        np.testing.assert_allclose(sa["detections"], sb["detections"], rtol=1e-12)


def test_same_gospa_as_the_peer_harness(own: ModuleType, peer: ModuleType) -> None:
    rng = np.random.default_rng(6)
    for _ in range(30):
        t = rng.uniform(0, 300, (rng.integers(0, 8), 3)).tolist()
        e = rng.uniform(0, 300, (rng.integers(0, 8), 3)).tolist()
        x, y = own.gospa_numpy(e, t, 100.0, 1.0), peer.gospa_numpy(e, t, 100.0, 1.0)
        assert x == pytest.approx(y)
