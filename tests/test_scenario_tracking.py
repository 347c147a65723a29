"""Tracking in the run: one tracker per partner; false sources never become confirmed tracks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from tocsin.scenario.evaluate import score_run
from tocsin.scenario.loader import load_scenario, parse_scenario
from tocsin.scenario.report import run_report, write_tracks_parquet
from tocsin.scenario.runner import run_scenario
from tocsin.sensors.detections import RADAR
from tocsin.tracking.partner import PartnerTracker

# An hour of nothing but radar clutter, random infrared false alarms, a forest fire seen by two
# geostationary satellites (triangulated: a static hot spot at a fixed point), a flare and a sun
# glint (the 26 Sep 1983 Oko case: sunlight on high clouds; REFERENCE.md).
QUIET_HOUR = textwrap.dedent("""
    name: an hour of false sources
    epoch: 1983-09-25T20:30:00Z
    duration_s: 3600
    seed: 1983
    partners: [{id: a}]
    satellites:
      - {id: geo-1, owner: a, orbit: {kind: geo, lon_deg: -70},
         sensor: {frame_period_s: 10, false_alarms_per_frame: 0.5}}
      - {id: geo-2, owner: a, orbit: {kind: geo, lon_deg: -135},
         sensor: {frame_period_s: 10, false_alarms_per_frame: 0.5}}
      - {id: heo-1, owner: a, orbit: {kind: molniya, apogee_lon_deg: -15},
         sensor: {frame_period_s: 10, false_alarms_per_frame: 0.5}}
    radars:
      - {id: radar, owner: a, site: {lat_deg: 41.75, lon_deg: -70.54},
         faces: [{azimuth_deg: 47}, {azimuth_deg: 167}], revisit_s: 5, clutter_per_scan: 2}
    background:
      - {id: fire, kind: fire, site: {lat_deg: 45.0, lon_deg: -100.0}, duration_s: 3600}
      - {id: flare, kind: flare, site: {lat_deg: 40.0, lon_deg: -95.0}, time_s: 600,
         duration_s: 60}
      - {id: glint, kind: sun-glint, site: {lat_deg: 47.9, lon_deg: -104.3}, cloud_top_km: 10,
         duration_s: 3600}
""")


@pytest.fixture(scope="module")
def quiet():
    return run_scenario(parse_scenario(QUIET_HOUR))


def test_false_sources_are_seen(quiet) -> None:
    # The test is meaningful only if the trackers had plenty of false data to promote.
    d = quiet.detections
    assert int((d.kind == RADAR).sum()) > 1000
    assert int((d.kind != RADAR).sum()) > 500


def test_an_hour_of_clutter_glint_and_fire_gives_no_confirmed_track(quiet) -> None:
    pt = quiet.trackers["a"]
    st = pt.log.arrays()
    assert int((st["status"] == 1).sum()) == 0
    # The fire is seen all hour and followed as a tentative infrared track: it is the
    # launch-like motion test, not a lack of data, that keeps it from being confirmed.
    up = pt.log.update_arrays()
    assert int(np.isin(up["row"], np.flatnonzero(quiet.detections.kind != RADAR)).sum()) > 100
    rep = run_report(quiet)
    assert rep["partners"][0]["confirmed_tracks"] == 0
    assert score_run(quiet)["a"].false_tracks == ()


@pytest.fixture(scope="module")
def two_partners():
    return run_scenario(load_scenario(Path(__file__).parent.parent / "scenarios" /
                                      "two-partners.yaml"))


def test_every_missile_is_tracked_by_someone_without_false_tracks(two_partners) -> None:
    res = two_partners
    scores = score_run(res)
    kinds = {o.id: o.kind for o in res.objects}
    for k, obj in enumerate(res.objects):
        if kinds[obj.id] != "missile":
            continue
        per = [ps.objects[k] for ps in scores.values()]
        tracked = [o for o in per if o.track_ids]
        assert tracked, obj.id
        for o in tracked:
            # A confirmed track needs detections: never before the partner's first one.
            assert o.first_confirmed_s >= o.first_detection_s
            # Scored by which object's detections updated it, not by distance.
            assert o.purity_min >= 0.95
            assert o.swaps == 0
        # Radar cross-range noise at thousands of km and IR triangulation bound the error.
        assert min(o.position_rmse_m for o in tracked) < 5e3
    for p, ps in scores.items():
        assert ps.false_tracks == (), p


def test_tracks_parquet(two_partners, tmp_path) -> None:
    import pyarrow.parquet as pq

    n = write_tracks_parquet(two_partners, tmp_path / "t.parquet")
    t = pq.read_table(tmp_path / "t.parquet")
    assert t.num_rows == n > 0
    assert {"partner", "track_id", "t_s", "status", "x_ecef_m", "vz_ecef_m_s", "P",
            "phenomenologies"} <= set(t.column_names)


def test_bad_detections_are_rejected_and_do_not_stop_tracking(two_partners) -> None:
    res = two_partners
    mine = [k for k, i in enumerate(res.sensors.infos) if i.partner == "south"]
    rows = np.flatnonzero(np.isin(res.detections.sensor, mine))
    det = res.detections.take(rows)
    arrays = {k: getattr(det, k).copy() for k in det.__dataclass_fields__}
    rad = np.flatnonzero(det.kind == RADAR)[:3]
    arrays["z"][rad[0], 0] = np.nan                     # NaN range
    arrays["R"][rad[1], 1, 1] = -1.0                    # covariance not PD
    arrays["sensor"][rad[2]] = 999                      # not this partner's sensor
    from tocsin.sensors.detections import DetectionBatch

    pt = PartnerTracker("south", frozenset(mine),
                        models={k: res.sensors.models[k] for k in mine},
                        schedule={k: res.sensors.times[k] for k in mine})
    pt.process(DetectionBatch(**arrays), rows)
    assert pt.rejected.summary() == {"non-finite measurement": 1,
                                     "covariance not positive definite": 1, "unknown sensor": 1}
    # Nothing accepted is lost: every object the run's tracker confirmed is confirmed here too.
    up = pt.log.update_arrays()
    assert not np.isin(rows[rad], up["row"]).any()

    def confirmed_objects(tracker: PartnerTracker) -> set[int]:
        st, u = tracker.log.arrays(), tracker.log.update_arrays()
        conf = np.unique(st["track_id"][st["status"] == 1])
        out = set()
        for tid in conf:
            obj, cnt = np.unique(res.detections.truth_id[u["row"][u["track_id"] == tid]],
                                 return_counts=True)
            out.add(int(obj[np.argmax(cnt)]))
        return out

    assert confirmed_objects(pt) == confirmed_objects(res.trackers["south"])
    assert len(confirmed_objects(pt)) >= 3
