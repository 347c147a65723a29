"""Honest track scores (issue 7): purity, swaps, latency, RMSE, NEES and false tracks on
synthetic logs whose answers are known, and the Parquet truth/tracks through the command line."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from scipy.stats import chi2

from tocsin.cli.main import main
from tocsin.flight import Phase
from tocsin.scenario.evaluate import score_partner
from tocsin.scenario.scoring import (
    NO_OBJECT,
    assign_tracks,
    first_confirmed_s,
    nees,
    nees_band,
    nees_by_phase,
    track_switches,
    truth_at,
)
from tocsin.sensors.detections import FALSE_ALARM, IR, RADAR, DetectionBatch
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.log import MODE_COAST, PHEN_IR, PHEN_RADAR, TrackLog

FA = FALSE_ALARM


# --- the pure functions -----------------------------------------------------------------------

def test_purity_assigns_by_majority_of_updates_and_false_alarms_are_no_object() -> None:
    tid = np.array([7, 7, 7, 7, 3, 3, 3, 3, 3, 9, 9, 5, 5, 5, 5, 5])
    obj = np.array([0, 0, 0, FA, 1, 1, 0, 0, FA, FA, FA, 0, 0, 1, 1, 2])
    p = assign_tracks(tid, obj)
    assert p.track_id.tolist() == [3, 5, 7, 9]
    assert p.n_updates.tolist() == [5, 5, 4, 2]
    # 3: 2 of object 1, 2 of object 0, 1 false alarm → 40%, no majority → no object.
    # 5: 2/2/1 → 40% → no object. 7: 3 of 4 → object 0, purity 0.75. 9: false alarms only.
    assert p.purity[[2, 3]].tolist() == [0.75, 0.0]
    assert p.purity[0] == pytest.approx(0.4) and p.purity[1] == pytest.approx(0.4)
    assert p.object.tolist() == [NO_OBJECT, NO_OBJECT, 0, NO_OBJECT]
    assert p.of(np.array([7, 4, 9])).tolist() == [2, -1, 3]
    # Exactly one half is not a majority.
    half = assign_tracks(np.array([1, 1, 1, 1]), np.array([2, 2, FA, FA]))
    assert half.purity[0] == 0.5 and half.object[0] == NO_OBJECT
    assert assign_tracks(np.zeros(0, int), np.zeros(0, int)).track_id.size == 0


@pytest.mark.parametrize(("labels", "swaps"), [
    ([0] * 5, []),
    ([0, 0, 0, 1, 1, 1], [(0, 1)]),                       # A×3 then B×3: one swap
    ([0, 0, 0, 1, 1, 0, 0, 0], []),                       # B×2 too short: no swap
    ([0, 0, 0, FA, FA, FA, 0, 0, 0], []),                 # false alarms are not an object
    ([0, 0, 0, FA, 1, 1, 1, 0, 0, 0], [(0, 1), (1, 0)]),  # there and back: two swaps
    ([0, 0, 0, 1, 0, 1, 1, 1, 2, 2, 2], [(0, 1), (1, 2)]),
])
def test_swaps_are_switches_between_runs_of_three(labels: list[int],
                                                  swaps: list[tuple[int, int]]) -> None:
    n = len(labels)
    t, a, b = track_switches(np.full(n, 4), np.arange(n, dtype=float), np.array(labels))
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == swaps
    assert np.all(t == 4)


def test_swaps_follow_time_within_each_track_not_the_log_order() -> None:
    # Two tracks interleaved and logged out of time order: each is a clean 0→1 switch.
    tid = np.array([1, 2] * 6)
    t = np.repeat(np.arange(6.0), 2)[::-1].copy()
    obj = np.where(t < 3, 0, 1)
    got, a, b = track_switches(tid, t, obj)
    assert got.tolist() == [1, 2] and a.tolist() == [0, 0] and b.tolist() == [1, 1]


def test_first_confirmed_time_per_track() -> None:
    ids, t = first_confirmed_s(np.array([2, 1, 2, 1, 2, 3]), np.array([5.0, 1, 3, 4, 9, 2]),
                               np.array([1, 0, 1, 1, 1, 0]))
    assert ids.tolist() == [1, 2] and t.tolist() == [4.0, 3.0]


def test_truth_lookup_is_exact_in_time_and_skips_the_rest() -> None:
    tt = np.array([0.0, 1.0, 2.0])
    x = np.arange(2 * 3 * 6, dtype=float).reshape(2, 3, 6)
    x[1, 2] = np.nan                                        # object 1 gone at t = 2
    ph = np.array([[1, 1, 2], [1, 2, 2]], np.int8)
    got, phase, ok = truth_at(tt, x, ph, np.array([0, 1, 1, 0, NO_OBJECT, 0]),
                              np.array([1.0, 1.0 + 1e-9, 2.0, 1.5, 0.0, 3.0]))
    assert ok.tolist() == [True, True, False, False, False, False]
    assert np.array_equal(got[0], x[0, 1]) and np.array_equal(got[1], x[1, 1])
    assert phase.tolist() == [1, 2, -1, -1, -1, -1]
    assert np.isnan(got[2:]).all()


def test_nees_of_known_errors_and_bad_covariances() -> None:
    P = np.diag([1e4, 1e4, 1e4, 1.0, 1.0, 1.0])[None].repeat(3, 0)
    e = np.array([[30.0, 40.0, 0.0, 1.0, 0.0, 0.0]] * 3)
    P[1, 0, 0] = -1.0                                       # not positive definite
    e[2, 0] = np.nan
    v = nees(e, P)
    assert v[0] == pytest.approx(0.25 + 1.0)
    assert np.isnan(v[1]) and np.isnan(v[2])
    assert nees(e[:1, :3], P[:1, :3, :3])[0] == pytest.approx(0.25)
    # Correlated covariance: against an explicit inverse.
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    z = np.array([1.0, -2.0])
    assert nees(z[None], A[None])[0] == pytest.approx(z @ np.linalg.solve(A, z))


def test_nees_band_is_the_chi_square_band_of_a_mean() -> None:
    # N = 1, 6 dof: the χ²₆ 2.5% and 97.5% points (tables: 1.237, 14.449).
    lo, hi = nees_band(1, 6)
    assert lo == pytest.approx(1.2373, abs=1e-3) and hi == pytest.approx(14.4494, abs=1e-3)
    lo, hi = nees_band(50, 6)
    assert lo == pytest.approx(chi2.ppf(0.025, 300) / 50) and 4.9 < lo < 5.1 < 6 < hi < 7.1
    assert np.isnan(nees_band(0, 6)[0])


def test_consistent_errors_fall_inside_the_band_and_overconfident_ones_do_not() -> None:
    rng = np.random.default_rng(1)
    n = 2000
    L = rng.normal(size=(6, 6))
    P = (L @ L.T + 6 * np.eye(6))[None].repeat(n, 0)
    e = rng.multivariate_normal(np.zeros(6), P[0], size=n)
    phase = np.where(np.arange(n) < n // 2, int(Phase.BOOST), int(Phase.MIDCOURSE))
    ok = nees_by_phase(nees(e, P), phase, 6)
    assert set(ok) == {int(Phase.BOOST), int(Phase.MIDCOURSE)}
    assert all(s.inside and s.n == n // 2 for s in ok.values())
    bad = nees_by_phase(nees(e, P / 4), phase, 6)            # covariance 4× too small
    assert not any(s.inside for s in bad.values())
    assert all(s.mean == pytest.approx(24, rel=0.1) for s in bad.values())


# --- a synthetic run: truth, detections and a hand-made log ----------------------------------

T = np.arange(0.0, 101.0)          # truth grid, 1 s


def _truth() -> TruthTable:
    n, m = 3, T.size
    r = np.zeros((n, m, 3))
    v = np.zeros((n, m, 3))
    for o in range(n):
        v[o] = [1000.0 * (o + 1), 0.0, 100.0]
        r[o] = np.array([7e6, 1e5 * o, 0.0]) + T[:, None] * v[o]
    phase = np.full((n, m), int(Phase.MIDCOURSE), np.int8)
    phase[:, T < 30] = int(Phase.BOOST)
    phase[:, T >= 80] = int(Phase.REENTRY)
    r[2] = np.nan                                        # object 2 never exists in the window
    v[2] = np.nan
    z = np.zeros((n, m))
    return TruthTable(T, ("alpha", "bravo", "charlie"), r, v, phase, z.astype(bool), z, z)


class _Det:
    """Detections appended one at a time; ``batch()`` sorts them like the runner does."""

    def __init__(self) -> None:
        self.t: list[float] = []
        self.sensor: list[int] = []
        self.truth: list[int] = []

    def add(self, t: float, sensor: int, truth: int) -> int:
        self.t.append(t)
        self.sensor.append(sensor)
        self.truth.append(truth)
        return len(self.t) - 1

    def batch(self) -> DetectionBatch:
        n = len(self.t)
        s = np.array(self.sensor)
        kinds = np.array([IR, RADAR, RADAR, IR])     # sensors 0, 3 infrared; 1, 2 radar
        return DetectionBatch(np.array(self.t), s, kinds[s].astype(np.int8), np.zeros((n, 4)),
                              np.where(kinds[s] == IR, 2, 4).astype(np.int8),
                              np.zeros((n, 4, 4)), np.zeros(n), np.zeros((n, 3)),
                              np.zeros((n, 3, 3)), np.array(self.truth))


P0 = np.diag([1e4, 1e4, 1e4, 1.0, 1.0, 1.0])
ERR = np.array([30.0, 40.0, 0.0, 1.0, 0.0, 0.0])      # 50 m; NEES 1.25, pos 0.25, vel 1
PERIODS = np.array([10.0, 2.0, 5.0, 10.0])


def _scenario() -> tuple[TruthTable, DetectionBatch, TrackLog]:
    """Four sensors (0, 1 are the partner's), objects alpha (0), bravo (1), charlie (2)."""
    truth = _truth()
    d = _Det()
    log = TrackLog()
    x_true = np.concatenate([truth.r_ecef_m, truth.v_ecef_m_s], axis=-1)

    def track(tid: int, labels: list[int], times: list[float], confirm_at: float,
              follow: int, sensor: int = 1, err: np.ndarray = ERR) -> None:
        for t, lab in zip(times, labels, strict=True):
            row = d.add(t, sensor, lab)
            log.record_updates(np.array([tid]), t, np.array([sensor]), np.array([row]))
            st = 1 if t >= confirm_at else 0
            x = x_true[follow, int(t)] + err
            log.record_states(np.array([tid]), np.array([t]), np.array([st]),
                              np.array([MODE_COAST]), x[None], P0[None],
                              np.array([PHEN_IR if sensor in (0, 3) else PHEN_RADAR]))

    # Other partner's sensor 2 sees alpha first (t = 1): not this partner's first detection.
    d.add(1.0, 2, 0)
    # alpha: this partner's radar (sensor 1, 2 s) first detects it at t = 8 (a lone plot), then
    # track 1 follows it purely from t = 10, confirmed at t = 14 → latency 6 s = 3 revisits.
    d.add(8.0, 1, 0)
    track(1, [0] * 36, list(np.arange(10.0, 82.0, 2.0)), confirm_at=14.0, follow=0)
    # bravo: first seen at t = 20 by the IR satellite (sensor 0, 10 s) in track 2, which swaps
    # onto alpha after three updates (4 bravo, 3 alpha: purity 4/7 → assigned to bravo); track 3
    # also follows bravo (two tracks on one object), confirmed at t = 50 with no error.
    track(2, [1] * 4 + [0] * 3, [20.0, 30, 40, 50, 60, 70, 80], confirm_at=30.0, follow=1,
          sensor=0)
    track(3, [1] * 10, list(np.arange(41.0, 51.0)), confirm_at=50.0, follow=1,
          err=np.zeros(6))
    # A confirmed infrared track of false alarms (a ghost) and a radar one mixing two objects
    # with clutter (no majority): both false. A tentative clutter track is no false track.
    track(4, [FA] * 5, [5.0, 15, 25, 35, 45], confirm_at=25.0, follow=0, sensor=0)
    track(5, [0, 1, FA, FA, 1, 0], [60.0, 62, 64, 66, 68, 70], confirm_at=66.0, follow=0)
    track(6, [FA] * 3, [90.0, 92, 94], confirm_at=1e9, follow=0)
    order = np.lexsort((np.array(d.sensor), np.array(d.t)))
    # Sort the batch and remap the logged rows to their sorted positions.
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size)
    det = d.batch().take(order)
    upd = log._updates["row"]
    log._updates["row"] = [inv[r] for r in upd]
    return truth, det, log


@pytest.fixture(scope="module")
def scored():
    truth, det, log = _scenario()
    return score_partner("a", log.arrays(), log.update_arrays(), det, frozenset({0, 1}),
                         PERIODS, truth)


def test_partner_counts_false_and_ghost_tracks(scored) -> None:
    assert scored.confirmed_tracks == (1, 2, 3, 4, 5)
    assert scored.false_tracks == (4, 5)
    assert scored.ghost_tracks == (4,)
    # alpha: 1 track, bravo: 2, charlie undetected → (1 + 2) / 2.
    assert scored.confirmed_per_detected_object == 1.5


def test_pure_track_latency_rmse_and_nees(scored) -> None:
    a = scored.objects[0]
    assert a.object_id == "alpha" and a.track_ids == (1,)
    assert a.first_detection_s == 8.0 and a.first_detection_sensor == 1
    assert a.latency_s == 6.0 and a.latency_revisits == 3.0
    assert a.purity_min == 1.0 and a.purity_mean == 1.0
    assert a.position_rmse_m == pytest.approx(50.0)
    # Confirmed from t = 14 to 80 every 2 s: 8 boost states (14..28), 25 midcourse, 1 reentry.
    assert {k: v.n for k, v in a.nees.items()} == {"boost": 8, "midcourse": 25, "reentry": 1}
    assert all(v.mean == pytest.approx(1.25) for v in a.nees.values())
    assert all(v.mean == pytest.approx(0.25) for v in a.nees_position.values())
    assert all(v.mean == pytest.approx(1.0) for v in a.nees_velocity.values())
    assert a.nees["midcourse"].band == nees_band(25, 6)
    # Too small an error for the covariance: below the band, and the score says so.
    assert a.nees["midcourse"].inside is False
    # Swapped track 2 switched from bravo onto alpha: the swap counts for both.
    assert a.swaps == 1


def test_swapped_track_and_two_tracks_on_one_object(scored) -> None:
    b = scored.objects[1]
    assert b.track_ids == (2, 3)
    assert b.first_detection_s == 20.0 and b.first_detection_sensor == 0
    # Track 2 confirmed at t = 30, one IR frame (10 s) after the first detection.
    assert b.latency_s == 10.0 and b.latency_revisits == 1.0
    assert b.purity_min == pytest.approx(4 / 7)
    assert b.purity_mean == pytest.approx((4 + 10) / (7 + 10))
    assert b.swaps == 1
    # Track 2's states follow bravo's truth + ERR; its confirmed states after the swap are
    # scored against bravo (its assigned object) all the same; track 3 is exact at t = 50.
    n2 = 6                                              # track 2 confirmed at 30..80
    assert b.n_states == n2 + 1
    assert b.position_rmse_m == pytest.approx(np.sqrt(n2 * 2500.0 / (n2 + 1)))


def test_an_object_never_detected_has_no_scores(scored) -> None:
    c = scored.objects[2]
    assert not c.detected and c.track_ids == () and c.swaps == 0
    assert np.isnan(c.latency_s) and np.isnan(c.position_rmse_m) and c.nees == {}


def test_scores_fail_when_the_answer_is_wrong() -> None:
    # The same log with track 1's updates relabelled as bravo: alpha loses its track.
    truth, det, log = _scenario()
    rows = np.concatenate(log._updates["row"])
    tids = np.concatenate(log._updates["track_id"])
    relabel = det.truth_id.copy()
    relabel[rows[tids == 1]] = 1
    det2 = DetectionBatch(**{**det.__dict__, "truth_id": relabel})
    s = score_partner("a", log.arrays(), log.update_arrays(), det2, frozenset({0, 1}), PERIODS,
                      truth)
    assert s.objects[0].track_ids == () and 1 in s.objects[1].track_ids


# --- through the command line -----------------------------------------------------------------

SMALL = textwrap.dedent("""
    name: small scoring run
    epoch: 2026-11-29T03:00:00Z
    duration_s: 700
    seed: 5
    partners: [{id: a}]
    satellites:
      - {id: geo, owner: a, orbit: {kind: geo, lon_deg: 130},
         sensor: {frame_period_s: 5, false_alarms_per_frame: 0}}
    radars:
      - {id: radar, owner: a, site: {lat_deg: 36.0, lon_deg: 139.0}, faces: [{azimuth_deg: 280}],
         max_range_km: 3000, revisit_s: 5, clutter_per_scan: 0}
    launches:
      - {id: m1, vehicle: mrbm-1, launch: {lat_deg: 39.0, lon_deg: 125.5},
         target: {lat_deg: 35.0, lon_deg: 136.0}, time_s: 30}
""")

TRUTH_COLS = ["object", "t_s", "x_ecef_m", "y_ecef_m", "z_ecef_m", "vx_ecef_m_s", "vy_ecef_m_s",
              "vz_ecef_m_s", "phase"]
TRACK_COLS = ["partner", "track_id", "t_s", "status", "x_ecef_m", "y_ecef_m", "z_ecef_m",
              "vx_ecef_m_s", "vy_ecef_m_s", "vz_ecef_m_s", "P", "phenomenologies", "mode"]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, object, object]:
    import pyarrow.parquet as pq

    d = tmp_path_factory.mktemp("scoring")
    (d / "s.yaml").write_text(SMALL)
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["run", str(d / "s.yaml"), "--json", "--truth-out", str(d / "truth.parquet"),
                     "--tracks-out", str(d / "tracks.parquet")])
    assert code == 0
    rep = json.loads(buf.getvalue())
    return rep, pq.read_table(d / "truth.parquet"), pq.read_table(d / "tracks.parquet")


def test_truth_parquet_columns_and_round_trip(cli_run) -> None:
    from tocsin.scenario.loader import parse_scenario
    from tocsin.scenario.runner import run_scenario

    rep, truth, _ = cli_run
    assert truth.column_names == TRUTH_COLS
    res = run_scenario(parse_scenario(SMALL), track=False)
    tr = res.truth
    exists = np.isfinite(tr.r_ecef_m).all(-1)
    assert truth.num_rows == int(exists.sum()) > 0
    df = truth.to_pandas()
    assert set(df["object"]) == {"m1"}
    assert set(df["phase"]) >= {"boost", "midcourse", "reentry"}
    assert set(df["phase"]) <= {p.name.lower() for p in Phase}
    k = np.flatnonzero(exists[0])
    assert np.array_equal(df["t_s"].to_numpy(), tr.t_s[k])
    assert np.array_equal(df[["x_ecef_m", "y_ecef_m", "z_ecef_m"]].to_numpy(), tr.r_ecef_m[0, k])
    assert np.array_equal(df[["vx_ecef_m_s", "vy_ecef_m_s", "vz_ecef_m_s"]].to_numpy(),
                          tr.v_ecef_m_s[0, k])
    codes = {p.name.lower(): int(p) for p in Phase}
    assert np.array_equal(df["phase"].map(codes).to_numpy(), tr.phase[0, k])
    assert rep["truth_out"].endswith("truth.parquet")


def test_tracks_parquet_columns(cli_run) -> None:
    import pyarrow as pa

    rep, _, tracks = cli_run
    assert tracks.column_names == TRACK_COLS
    assert tracks.schema.field("P").type == pa.list_(pa.float64(), 36)
    assert tracks.schema.field("track_id").type == pa.int64()
    df = tracks.to_pandas()
    assert set(df["status"]) <= {"tentative", "confirmed"}
    assert set(df["mode"]) <= {"boost", "coast"}
    assert set(df["phenomenologies"]) <= {"infrared", "radar", "infrared+radar"}
    assert len(df) > 0 and set(df["partner"]) == {"a"}
    # The report carries the new per-event-per-partner scores.
    t = rep["events"][0]["tracking"]["a"]
    for key in ("confirmed_tracks", "latency_s", "latency_revisits", "purity_min", "swaps",
                "position_rmse_m", "nees"):
        assert key in t
    p = rep["partners"][0]
    assert {"confirmed_tracks", "false_tracks", "rejected_detections"} <= set(p)


@pytest.mark.parametrize("option", ["--truth-out", "--tracks-out", "--detections-out"])
def test_bad_output_path_is_refused_naming_the_option(tmp_path, capsys, option: str) -> None:
    (tmp_path / "s.yaml").write_text(SMALL)
    for bad in (str(tmp_path / "no" / "such" / "dir" / "x.parquet"), str(tmp_path)):
        code = main(["run", str(tmp_path / "s.yaml"), option, bad])
        err = capsys.readouterr().err
        assert code == 2
        assert option in err and "writable" in err
        assert "Traceback" not in err
