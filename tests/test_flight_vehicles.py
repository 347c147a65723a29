"""Vehicle tables are read like every other YAML document: through :mod:`tocsin.safe_yaml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tocsin.errors import InputError
from tocsin.flight import load_vehicles


def test_the_embedded_table_loads() -> None:
    table = load_vehicles()
    assert "icbm-solid-3" in table and table["icbm-solid-3"].name == "icbm-solid-3"


def test_a_user_table_with_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "src/tocsin/data/vehicles.yaml").read_text("utf-8")
    bad = tmp_path / "dup.yaml"
    bad.write_text(text + "\n" + text, encoding="utf-8")     # every vehicle twice
    with pytest.raises(InputError) as e:
        load_vehicles(bad)
    assert str(bad) in str(e.value)


def test_a_missing_user_table_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_vehicles(tmp_path / "none.yaml")
    assert e.value.field == "vehicles file" and "none.yaml" in str(e.value)
