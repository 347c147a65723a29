"""Running a scenario: physics limits of detection, reproducibility, outputs, coverage."""

from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import pytest

from tocsin.cli.main import main
from tocsin.scenario.loader import parse_scenario
from tocsin.scenario.report import run_report, write_detections_parquet
from tocsin.scenario.runner import run_scenario, scenario_coverage
from tocsin.sensors.detections import FALSE_ALARM, IR, RADAR

# A short regional scenario: an MRBM watched by a GEO satellite and a radar facing it, both
# made so sensitive that the detection probability is ~1 (Pd → 1 isolates the geometry).
SHARP = textwrap.dedent("""
    name: sharp sensors
    epoch: 2026-11-29T03:00:00Z
    duration_s: 900
    seed: 5
    partners: [{id: a}]
    satellites:
      - {id: geo, owner: a, orbit: {kind: geo, lon_deg: 130},
         sensor: {frame_period_s: 4, nei_w_m2: 1.0e-14, false_alarms_per_frame: 0}}
    radars:
      - {id: radar, owner: a, site: {lat_deg: 36.0, lon_deg: 139.0}, faces: [{azimuth_deg: 280}],
         max_range_km: 3000, revisit_s: 6, snr_ref_db: 120, clutter_per_scan: 0}
    launches:
      - {id: m1, vehicle: mrbm-1, launch: {lat_deg: 39.0, lon_deg: 125.5},
         target: {lat_deg: 35.0, lon_deg: 136.0}, time_s: 33}
""")


@pytest.fixture(scope="module")
def sharp():
    return run_scenario(parse_scenario(SHARP))


def test_detected_within_one_frame_or_revisit_of_the_earliest_possible(sharp) -> None:
    first = sharp.first_detection_s()
    periods = {"geo": 4.0, "radar": 6.0}
    for j, info in enumerate(sharp.sensors.infos):
        ep = sharp.earliest_possible_s[0, j]
        assert math.isfinite(ep), info.id
        # Never before the physical limit; with Pd ≈ 1 at the first possible look.
        assert first[0, j] >= ep
        assert first[0, j] <= ep + periods[info.id] + 1e-9


def test_earliest_possible_is_physical(sharp) -> None:
    # The IR limit comes after launch by the time the plume needs to climb above the detection
    # altitude (12 km) — tens of seconds for any booster — and during boost.
    s = sharp.summary
    j_ir = [j for j, i in enumerate(sharp.sensors.infos) if i.kind == IR][0]
    ep_ir = sharp.earliest_possible_s[0, j_ir]
    assert 33.0 + 20.0 < ep_ir < s.burnout_time_s[0]
    k = int(np.searchsorted(sharp.truth.t_s, ep_ir))
    from tocsin.earth.wgs84 import ecef_to_geodetic

    alt = ecef_to_geodetic(sharp.truth.r_ecef_m[0, k])[2]
    assert alt >= 12e3
    alt_before = ecef_to_geodetic(sharp.truth.r_ecef_m[0, k - 4])[2]  # the frame before
    assert alt_before < 12e3


def test_no_detection_before_earliest_possible_on_the_full_example() -> None:
    from pathlib import Path

    from tocsin.scenario.loader import load_scenario

    res = run_scenario(load_scenario(Path(__file__).parent.parent / "scenarios" /
                                     "two-partners.yaml"))
    first = res.first_detection_s()
    ok = np.isfinite(first)
    assert ok.any()
    assert np.all(first[ok] >= res.earliest_possible_s[ok])
    # Infrared satellites see boost before the radars see anything (Boev 2015: about a minute
    # ahead, REFERENCE.md [approx]); here every missile's first IR report precedes its first
    # radar report.
    rep = run_report(res)
    for e in rep["events"]:
        if e["kind"] == "missile":
            fd = e["first_detection_s"]
            assert fd["infrared"] is not None and fd["radar"] is not None
            assert fd["infrared"] < fd["radar"]


def test_same_seed_same_detections_bit_for_bit() -> None:
    a = run_scenario(parse_scenario(SHARP.replace("false_alarms_per_frame: 0",
                                                  "false_alarms_per_frame: 2")))
    b = run_scenario(parse_scenario(SHARP.replace("false_alarms_per_frame: 0",
                                                  "false_alarms_per_frame: 2")))
    assert len(a.detections) == len(b.detections)
    for name in ("t_s", "z", "R", "truth_id", "sensor"):
        assert np.array_equal(getattr(a.detections, name), getattr(b.detections, name),
                              equal_nan=True)
    c = run_scenario(parse_scenario(SHARP.replace("seed: 5", "seed: 6").replace(
        "false_alarms_per_frame: 0", "false_alarms_per_frame: 2")))
    assert not np.array_equal(a.detections.z[:, :2], c.detections.z[:, :2], equal_nan=True) \
        or len(a.detections) != len(c.detections)


def test_detections_are_time_ordered_and_typed(sharp) -> None:
    d = sharp.detections
    assert np.all(np.diff(d.t_s) >= 0)
    assert set(np.unique(d.kind)) <= {IR, RADAR}
    assert np.all(d.dim[d.kind == IR] == 2) and np.all(d.dim[d.kind == RADAR] == 4)
    # Covariances are symmetric positive definite on their valid block.
    for k in (2, 4):
        sel = d.dim == k
        if sel.any():
            blocks = d.R[sel][:, :k, :k]
            assert np.allclose(blocks, np.swapaxes(blocks, 1, 2))
            assert np.all(np.linalg.eigvalsh(blocks) > 0)


def test_json_report_fields(sharp) -> None:
    rep = run_report(sharp)
    json.dumps(rep)
    e = rep["events"][0]
    for key in ("id", "kind", "launch_time_s", "impact_time_s", "earliest_possible_detection_s",
                "earliest_possible_detection_by_sensor_s", "first_detection_s",
                "first_detection_by_sensor_s"):
        assert key in e
    assert set(e["first_detection_s"]) == {"infrared", "radar"}
    assert e["earliest_possible_detection_s"] == min(
        e["earliest_possible_detection_by_sensor_s"].values())
    assert {s["id"] for s in rep["sensors"]} == {"geo", "radar"}
    for s in rep["sensors"]:
        assert s["true_detections"] > 0 and s["false_detections"] == 0


def test_parquet_round_trip(sharp, tmp_path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "det.parquet"
    n = write_detections_parquet(sharp, path)
    t = pq.read_table(path)
    assert t.num_rows == n == len(sharp.detections)
    for col in ("t_s", "sensor", "partner", "kind", "z0", "z3", "R", "snr_db", "truth"):
        assert col in t.column_names
    truth = t.column("truth").to_pylist()
    assert set(truth) <= {"m1", "false alarm"}
    assert np.allclose(t.column("t_s").to_numpy(), sharp.detections.t_s)


def test_cli_run_json_and_parquet(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(SHARP)
    out = tmp_path / "d.parquet"
    assert main(["run", str(f), "--json", "--detections-out", str(out)]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["events"][0]["id"] == "m1"
    assert out.exists()


def test_cli_run_bad_file_names_the_field(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(SHARP.replace("revisit_s: 6", "revisit_s: -6"))
    assert main(["run", str(f)]) == 2
    err = capsys.readouterr().err
    assert "radars[0].revisit_s" in err and "-6" in err and "Traceback" not in err


def test_unreachable_launch_is_refused_with_its_path(tmp_path) -> None:
    from tocsin.errors import InputError

    bad = SHARP.replace("target: {lat_deg: 35.0, lon_deg: 136.0}",
                        "target: {lat_deg: -35.0, lon_deg: -60.0}")
    with pytest.raises(InputError) as info:
        run_scenario(parse_scenario(bad))
    assert info.value.field.startswith("launches[0]")
    assert "maximum range" in str(info.value)


def test_false_alarms_are_labelled_and_counted() -> None:
    res = run_scenario(parse_scenario(SHARP.replace(
        "false_alarms_per_frame: 0", "false_alarms_per_frame: 3").replace(
        "clutter_per_scan: 0", "clutter_per_scan: 2")))
    d = res.detections
    fa = d.truth_id == FALSE_ALARM
    frames, scans = 900 / 4 + 1, 900 / 6 + 1
    # Poisson means: 3 per IR frame, 2 per radar face per scan (4-sigma bounds).
    n_ir = int((fa & (d.kind == IR)).sum())
    n_rd = int((fa & (d.kind == RADAR)).sum())
    assert abs(n_ir - 3 * frames) < 4 * math.sqrt(3 * frames)
    assert abs(n_rd - 2 * scans) < 4 * math.sqrt(2 * scans)


def test_coverage_query_matches_the_sensors() -> None:
    sc = parse_scenario(SHARP)
    lat = np.array([39.0, 39.0, -60.0, 36.5])
    lon = np.array([125.5, 125.5, 0.0, 130.0])
    alt = np.array([50.0, 5.0, 50.0, 300.0])  # km
    ids, vis = scenario_coverage(sc, lat, lon, alt)
    assert ids == ["geo", "radar"]
    assert vis[0, 0] and not vis[1, 0]      # a plume above 12 km is seen, one at 5 km is not
    assert not vis[2, 0]                    # far side of the Earth from the GEO satellite
    assert vis[3, 1] and not vis[2, 1]      # inside the radar's face and range, or not
