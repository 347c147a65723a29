"""Bad input never crashes Tocsin (issue 9): the YAML door, strict types, messages that name the
field and the value as written."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tocsin.errors import InputError
from tocsin.safe_yaml import MAX_BYTES, load_yaml
from tocsin.scenario.loader import load_scenario, parse_scenario
from tocsin.scenario.sensors import build_sensors

ROOT = Path(__file__).resolve().parent.parent
BASE = (ROOT / "scenarios" / "two-partners.yaml").read_text()

BOMB = "\n".join(
    ["a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    + [f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]"
       for p, c in zip("abcdefgh", "bcdefghi", strict=True)])


def _refused(text: str | bytes) -> InputError:
    with pytest.raises(InputError) as e:
        parse_scenario(text, source="s.yaml")
    return e.value


def test_billion_laughs_is_refused_at_once() -> None:
    assert len(BOMB) < 500
    t0 = time.perf_counter()
    err = _refused(BOMB)
    assert time.perf_counter() - t0 < 5.0 and "aliases" in str(err)


@pytest.mark.parametrize("text", ["a: " + "[" * 1000 + "]" * 1000,
                                  "".join("  " * i + f"k{i}:\n" for i in range(300))])
def test_deep_nesting_is_refused_not_a_recursion_error(text: str) -> None:
    assert "levels of nested" in str(_refused(text))


def test_duplicate_keys_are_an_error() -> None:
    err = _refused(BASE.replace("seed:", "seed: 1\nseed:", 1))
    assert "'seed'" in str(err) and "each key once" in str(err)


@pytest.mark.parametrize(("data", "where"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "offset 0"),
    (b"name: \xff\xfe", "offset 6"),
    ("name: a\x00b", "offset 7"),
])
def test_binary_and_invalid_utf8_name_the_byte_offset(data: str | bytes, where: str) -> None:
    assert where in str(_refused(data))


def test_oversize_documents_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES)
    with pytest.raises(InputError, match="at most"):
        load_scenario(big)


@pytest.mark.parametrize(("old", "new", "field"), [
    ("duration_s: ", "duration_s: true #", "duration_s"),
    ("seed: ", 'seed: "5" #', "seed"),
    ("duration_s: ", 'duration_s: "2400" #', "duration_s"),
])
def test_no_silent_coercion(old: str, new: str, field: str) -> None:
    err = _refused(BASE.replace(old, new, 1))
    assert err.problems[0].field == field  # type: ignore[attr-defined]


@pytest.mark.parametrize("epoch", ["0", "1700000000", "2026-11-29T12:00:00",
                                   "9999-12-31T23:59:59Z"])
def test_epoch_is_iso_8601_with_a_zone_in_a_sane_range(epoch: str) -> None:
    err = _refused(re.sub(r"epoch: .*", f"epoch: {epoch}", BASE))
    assert err.problems[0].field == "epoch"  # type: ignore[attr-defined]


def test_yaml_1_2_floats_and_quoted_iso_epochs_are_accepted() -> None:
    assert load_yaml("a: 1e3\nb: -5E-9") == {"a": 1000.0, "b": -5e-9}
    sc = parse_scenario(re.sub(r"epoch: .*", 'epoch: "2026-11-29T12:00:00+00:00"', BASE))
    assert sc.epoch.tzinfo is not None


def test_nan_says_finite_and_union_tags_do_not_leak_into_paths() -> None:
    err = _refused(re.sub(r"lat_deg: [-0-9.]+", "lat_deg: .nan", BASE, count=1))
    assert "finite" in str(err)
    err = _refused(BASE.replace("kind: geo, lon_deg:", "kind: geo, lox_deg:", 1))
    fields = [p.field for p in err.problems]  # type: ignore[attr-defined]
    assert "satellites[0].orbit.lon_deg" in fields and not any(".geo." in f for f in fields)


@pytest.mark.parametrize(("old", "new", "field", "value"), [
    ("max_range_km: ", "max_range_km: 1e308 #", "radars[0].max_range_km", 1e308),
    ("frame_period_s: 10", "frame_period_s: 10, angle_sigma_urad: 5.0e-324",
     "satellites[0].sensor.angle_sigma_urad", 5e-324),
])
def test_errors_name_the_field_and_value_as_written(old: str, new: str, field: str,
                                                    value: float) -> None:
    with pytest.raises(InputError) as e:
        build_sensors(parse_scenario(BASE.replace(old, new, 1)))
    assert e.value.field == field and e.value.value == value


def test_error_values_are_bounded_whatever_they_are() -> None:
    nested: list[object] = ["lol"] * 9
    for _ in range(8):
        nested = [nested] * 9  # 9⁹ leaves, shared
    assert len(str(InputError("x", nested, "y"))) < 300
    assert "\x1b" not in str(InputError("x", "\x1b[31mred", "y"))


# --- resources: estimated from the validated file, refused before anything is allocated ------

@pytest.mark.parametrize(("old", "new", "field"), [
    ("time_step_s: 1", "time_step_s: 0.0001", "time_step_s"),
    ("frame_period_s: 10", "frame_period_s: 1.0e-9", "satellites[0].sensor.frame_period_s"),
    ("revisit_s: 5\n    clutter_per_scan: 0.2", "revisit_s: 0.5\n    clutter_per_scan: 100",
     "radars[0].clutter_per_scan"),
    ("revisit_s: 5\n    clutter_per_scan: 0.2", "revisit_s: 1.0e-9", "radars[0].revisit_s"),
    ("frame_period_s: 10", "frame_period_s: 0.1, false_alarms_per_frame: 100",
     "satellites[0].sensor.false_alarms_per_frame"),
])
def test_runs_over_budget_are_refused_before_allocating(old: str, new: str, field: str) -> None:
    from tocsin.scenario.runner import run_scenario

    assert old in BASE
    sc = parse_scenario(BASE.replace(old, new, 1))
    t0 = time.perf_counter()
    with pytest.raises(InputError) as e:
        run_scenario(sc)
    assert time.perf_counter() - t0 < 2.0
    assert e.value.field == field and "estimated" in str(e.value) or "would hold" in str(e.value)


def test_the_budget_passes_a_thousand_launches() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_sensing import scenario_text  # type: ignore[import-not-found]
    from tocsin.scenario.budget import MEMORY_BUDGET_BYTES, check_budget

    e = check_budget(parse_scenario(scenario_text(1000, 11)))  # 30 sensors, 1 s frames
    assert e.objects == 1000 and e.truth_bytes < MEMORY_BUDGET_BYTES / 4


def test_lists_and_names_are_bounded() -> None:
    err = _refused(BASE.replace("name: ", "name: " + "x" * 300 + " #", 1))
    assert err.problems[0].field == "name"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("old", "new"), [
    ("clutter_per_scan: 0.2", "clutter_per_scan: 1.0e6"),   # the old documented maximum
    ("frame_period_s: 10", "frame_period_s: 10, false_alarms_per_frame: 1.0e4"),
])
def test_false_alarm_rates_are_bounded_in_the_file(old: str, new: str) -> None:
    err = _refused(BASE.replace(old, new, 1))
    assert "less than or equal to 100" in str(err)


def test_every_tocsin_error_survives_pickling() -> None:
    """Partners are tracked in worker processes: an error raised there must come back whole
    (an unpicklable InputError broke the process pool, found by fuzzing)."""
    import pickle

    from tocsin.errors import (
        InvalidDocumentError,
        OutOfReachError,
        OutputError,
        TargetingError,
        TrackingError,
        UnknownNameError,
    )

    for e in (InputError("a", 1, "b", "h"), UnknownNameError("v", "x", ["a", "b"]),
              OutOfReachError("t", "x", 1e6, 5e5, "mrbm-1"),
              InvalidDocumentError("s", [InputError("a", 1, "b")]), OutputError("o", "full"),
              TargetingError("m"), TrackingError("m")):
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and str(back) == str(e)


def test_a_partner_without_sensors_is_tracked_empty() -> None:
    from tocsin.scenario.runner import run_scenario

    text = (ROOT / "scenarios" / "regional-mrbm.yaml").read_text()
    i = text.index("radars:")
    j = text.index("launches:")
    run = run_scenario(parse_scenario(text[:i] + "radars: []\n" + text[j:]))
    assert set(run.trackers) == {"alpha", "bravo"} and len(run.trackers["bravo"].tracks) == 0
