"""Bad data at the door: each kind of bad detection is rejected, counted, and the rest go on."""

from __future__ import annotations

import numpy as np

from tocsin.sensors.detections import IR, RADAR, DetectionBatch, concat
from tocsin.tracking.door import Door


def batch(n: int, t0: float = 0.0, sensor: int = 0, kind: int = RADAR) -> DetectionBatch:
    dim = 4 if kind == RADAR else 2
    R = np.zeros((n, 4, 4))
    R[:, :dim, :dim] = np.eye(dim) * 4.0
    z = np.full((n, 4), np.nan)
    # Physical values: radar range 1,000 km, azimuth, elevation, range rate; IR small angles.
    z[:, :dim] = (np.array([1e6, 0.5, 0.2, -300.0]) if kind == RADAR
                  else np.array([0.01, -0.02]))[None, :] * (1.0 + 0.01 * np.arange(n))[:, None]
    return DetectionBatch(
        t_s=t0 + np.arange(n, dtype=float), sensor=np.full(n, sensor, np.int64),
        kind=np.full(n, kind, np.int8), z=z, dim=np.full(n, dim, np.int8), R=R,
        snr_db=np.full(n, 20.0), sensor_r_ecef_m=np.zeros((n, 3)),
        sensor_frame=np.tile(np.eye(3), (n, 1, 1)), truth_id=np.zeros(n, np.int64))


def corrupt(b: DetectionBatch, i: int, **changes) -> DetectionBatch:
    arrays = {k: getattr(b, k).copy() for k in b.__dataclass_fields__}
    for k, fn in changes.items():
        fn(arrays[k][i])
    return DetectionBatch(**arrays)


def test_good_rows_pass_untouched() -> None:
    d = Door(frozenset({0}))
    b = batch(5)
    out = d.admit(b)
    assert len(out) == 5 and d.rejected.total == 0
    assert np.array_equal(out.z, b.z, equal_nan=True)


def test_each_bad_kind_is_rejected_with_its_reason() -> None:
    b = batch(8)
    b = corrupt(b, 1, z=lambda r: r.__setitem__(0, np.nan))
    b = corrupt(b, 2, z=lambda r: r.__setitem__(3, np.inf))
    b = corrupt(b, 3, R=lambda r: r.__setitem__((0, 0), -1.0))             # not PD
    b = corrupt(b, 4, R=lambda r: r.__setitem__((0, 1), 3.0))              # not symmetric
    b = corrupt(b, 5, sensor=lambda r: None)
    arrays = {k: getattr(b, k).copy() for k in b.__dataclass_fields__}
    arrays["sensor"][5] = 9                                                # unknown sensor
    arrays["R"][6, 1, 1] = np.nan
    b = DetectionBatch(**arrays)
    d = Door(frozenset({0}))
    out = d.admit(b)
    assert len(out) == 2                                                   # rows 0 and 7
    assert list(out.t_s) == [0.0, 7.0]
    s = d.rejected.summary()
    assert s == {"non-finite measurement": 2, "non-finite covariance": 1,
                 "covariance not positive definite": 2, "unknown sensor": 1}
    assert d.rejected.total == 6


def test_time_going_backwards_is_rejected_per_sensor() -> None:
    d = Door(frozenset({0, 1}))
    d.admit(batch(3, t0=10.0))                                             # sensor 0 up to 12
    late = concat([batch(2, t0=11.0), batch(2, t0=5.0, sensor=1, kind=IR)])
    out = d.admit(late)
    # Sensor 0 at 11 s is behind its 12 s; sensor 1 starts fresh at 5 s.
    assert d.rejected.summary() == {"time goes backwards": 1}
    assert sorted(out.t_s.tolist()) == [5.0, 6.0, 12.0]


def test_infrared_padding_is_not_mistaken_for_bad_data() -> None:
    d = Door(frozenset({0}))
    out = d.admit(batch(4, kind=IR))                                       # z[:, 2:] is NaN padding
    assert len(out) == 4 and d.rejected.total == 0


def test_door_refuses_impossible_rows_and_counts_each() -> None:
    """Issue 9: far-future times must not lock a sensor out; range 1e300 or negative, NaN sensor
    positions, dim 2 radar plots and unknown kinds are refused and counted; a NaN time has its
    own reason."""
    b = batch(10)
    arrays = {k: getattr(b, k).copy() for k in b.__dataclass_fields__}
    arrays["t_s"][1] = 1e12                      # far future
    arrays["z"][2, 0] = 1e300                    # range
    arrays["z"][3, 0] = -5.0                     # negative range
    arrays["sensor_r_ecef_m"][4, 1] = np.nan     # sensor position
    arrays["dim"][5] = 2                         # a radar plot with two values
    arrays["kind"][6] = 7                        # unknown kind
    arrays["t_s"][7] = np.nan                    # NaN time
    d = Door(frozenset({0}), horizon_s=3600.0)
    keep = d.admit_mask(DetectionBatch(**arrays))
    assert keep.tolist() == [True] + [False] * 7 + [True, True]
    assert d.rejected.summary() == {
        "time beyond the horizon": 1, "measurement out of range": 2,
        "non-finite sensor position": 1, "bad measurement dimension": 1, "unknown kind": 1,
        "non-finite time": 1}
    later = batch(3, t0=20.0)                    # the far-future row locked nothing out
    assert d.admit_mask(later).all()


def test_rounding_level_asymmetry_is_not_called_indefinite() -> None:
    b = batch(2)
    arrays = {k: getattr(b, k).copy() for k in b.__dataclass_fields__}
    arrays["R"][0] = np.diag([1e-2, 1e-8, 1e-8, 4.0])
    arrays["R"][0, 0, 1] = 1e-12 * 1e-5          # 1e-12 of √(R00 R11): rounding
    arrays["R"][1] = np.diag([1e-2, 1e-8, 1e-8, 4.0])
    arrays["R"][1, 0, 1] = 1e-3 * 1e-5           # 1e-3 of the scale: not symmetric
    d = Door(frozenset({0}))
    assert d.admit_mask(DetectionBatch(**arrays)).tolist() == [True, False]
    assert d.rejected.summary() == {"covariance not positive definite": 1}


def test_a_batch_of_the_wrong_shape_is_an_input_error() -> None:
    import pytest

    from tocsin.errors import InputError

    b = batch(3)
    arrays = {k: getattr(b, k).copy() for k in b.__dataclass_fields__}
    arrays["z"] = arrays["z"][:, :3]
    with pytest.raises(InputError, match="detections.z"):
        Door(frozenset({0})).admit_mask(DetectionBatch(**arrays))
    arrays = {k: getattr(b, k).copy() for k in b.__dataclass_fields__}
    arrays["sensor"] = arrays["sensor"][:2]
    with pytest.raises(InputError, match="detections.sensor"):
        Door(frozenset({0})).admit_mask(DetectionBatch(**arrays))


def test_a_far_future_report_fed_in_chunks_locks_nothing_out() -> None:
    """Issue 9: PartnerTracker.process may be fed in chunks; one report stamped t = 1e12 must
    not make the sensor's later real reports 'go backwards'."""
    import pytest

    from tocsin.errors import InputError
    from tocsin.sensors.radar import Radar
    from tocsin.tracking.partner import PartnerTracker

    radar = Radar.early_warning("r", "p", 0.9, 0.3, 0.5)
    pt = PartnerTracker("p", frozenset({0}), models={0: radar},
                        schedule={0: np.arange(0.0, 600.0, 10.0)}, ephemeris={})
    first = batch(1, t0=0.0)
    arrays = {k: getattr(first, k).copy() for k in first.__dataclass_fields__}
    arrays["t_s"][0] = 1e12
    pt.process(DetectionBatch(**arrays))
    pt.process(batch(3, t0=20.0))
    assert pt.rejected.summary() == {"time beyond the horizon": 1}
    with pytest.raises(InputError, match="detections.R"):
        bad = {k: getattr(first, k).copy() for k in first.__dataclass_fields__}
        bad["R"] = bad["R"][:, :3, :3]
        pt.process(DetectionBatch(**bad))


def test_a_diverged_track_is_deleted_at_housekeeping() -> None:
    """A filter that diverged (non-finite, or 10¹⁵⁵ m away) is deleted, not predicted again —
    predicting it leaked overflow warnings in a 1,000-launch run."""
    from tocsin.sensors.radar import Radar
    from tocsin.tracking.partner import PartnerTracker
    from tocsin.tracking.systracks import ORIGIN_RADAR, SystemTracks

    radar = Radar.early_warning("r", "p", 0.9, 0.3, 0.5)
    pt = PartnerTracker("p", frozenset({0}), models={0: radar},
                        schedule={0: np.arange(0.0, 600.0, 10.0)}, ephemeris={})
    x = np.tile([6.6e6, 0.0, 1e5, 0.0, 7e3, 100.0, 0.0], (4, 1))
    x[1, 0] = np.nan
    x[2, 0] = 1e155
    P = np.tile(np.eye(7) * 100.0, (4, 1, 1))
    P[3, 5, 5] = np.inf
    pt.tracks = SystemTracks.new(np.arange(4), x, P, np.zeros(4), np.full(4, ORIGIN_RADAR),
                                 np.zeros(4), 2)
    pt._housekeeping(0.5)
    assert pt.tracks.ids.tolist() == [0]


def test_a_blown_up_back_propagation_is_no_evidence_and_no_warning() -> None:
    """handover.back_check on a non-finite or absurd state gives d² = ∞ and emits nothing
    (300- and 1,000-launch runs leaked det/overflow warnings there)."""
    import warnings

    from tocsin.tracking.handover import Rays, back_check
    from tocsin.tracking.phases import PhaseModel

    x = np.array([3.5e6, 3.5e6, 4.5e6, 1000.0, -2000.0, 3000.0, 0.0])
    P = np.diag([1e4, 1e4, 1e4, 10.0, 10.0, 10.0, 1e-6])
    rays = [Rays(np.array([100.0, 110.0, 120.0]), np.zeros((3, 2)),
                 np.tile(np.eye(2) * 1e-9, (3, 1, 1)), np.tile([4.2e7, 0.0, 0.0], (3, 1)),
                 np.tile(np.eye(3), (3, 1, 1)))]
    args = (np.array([200.0]), np.array([30.0]), np.array([900.0]), 5.0)
    m = PhaseModel()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(back_check(m, x, P, 300.0, rays, *args)).all()
        P_nan = P.copy()
        P_nan[3, 3] = np.nan
        x_far = x.copy()
        x_far[0] = 1e200
        assert np.isinf(back_check(m, x, P_nan, 300.0, rays, *args)).all()
        assert np.isinf(back_check(m, x_far, P, 300.0, rays, *args)).all()


def test_two_satellites_in_one_slot_do_not_crash_the_tracker() -> None:
    """Two infrared satellites at the same GEO longitude see a launch along parallel rays: the
    'stereo' point has no range, and its singular covariance ended the run with LinAlgError."""
    from pathlib import Path

    import yaml

    import tocsin

    root = Path(__file__).resolve().parent.parent
    doc = yaml.safe_load((root / "scenarios" / "regional-mrbm.yaml").read_text())
    doc["radars"] = []
    doc["partners"] = [p for p in doc["partners"] if p["id"] == "alpha"]
    doc["satellites"].append(dict(doc["satellites"][0], id="alpha-geo-2"))
    doc.pop("assets", None)
    for seed in (1, 2):
        doc["seed"] = seed
        run = tocsin.run_scenario(tocsin.parse_scenario(yaml.safe_dump(doc)))
        assert set(run.trackers) == {"alpha"}
