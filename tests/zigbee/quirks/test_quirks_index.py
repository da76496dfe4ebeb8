"""The quirk index, the lazy setup and reading paired devices from zigpy's database."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from integrations.zigbee import quirks_index
from integrations.zigbee.quirks_index import QuirkIndex, devices_in_db, load_index

ROOT = Path(__file__).resolve().parents[3]
# the shared test data lies beside the project
DUMPS = sorted((ROOT.parent / "shared" / "data" / "zigbee-devices").glob("*.json"))


def test_index_names_the_modules_of_known_models(quirk_index: QuirkIndex) -> None:
    assert quirk_index.is_current()
    assert quirk_index.modules_for("Philips", "SML001") == ("zhaquirks.philips.motion",)
    assert quirk_index.modules_for("BOSCH", "RBSH-TRV0-ZB-EU") == (
        "zhaquirks.bosch.rbsh_trv0_zb_eu",
    )
    # a Tuya v2 quirk is credited to the module that defines it, not to the builder helper
    assert "zhaquirks.tuya.tuya_sensor" in quirk_index.modules_for("_TZE200_myd45weu", "TS0601")
    assert quirk_index.modules_for("Nobody", "nothing") == ()
    # signature-only quirks and the Xiaomi quick-init handler are always loaded
    assert {"zhaquirks", "zhaquirks.xiaomi"} <= quirk_index.always
    assert len(quirk_index.modules) > 400


def test_index_survives_json(quirk_index: QuirkIndex) -> None:
    again = QuirkIndex.from_json(json.loads(json.dumps(quirk_index.to_json())))
    assert again == quirk_index
    assert again.plan([("LUMI", "lumi.sensor_magnet.aq2")]) == quirk_index.plan(
        [("LUMI", "lumi.sensor_magnet.aq2")]
    )


def test_plan_keeps_the_order_setup_imports_in(quirk_index: QuirkIndex) -> None:
    plan = quirk_index.plan([("Philips", "SML001"), ("aqara", "lumi.motion.ac01")])
    order = [quirk_index.modules.index(m) for m in plan]
    assert order == sorted(order)
    assert set(quirk_index.always) <= set(plan)


def _run(mode: str, index_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.zigbee.quirks.resolve_dumps", mode, str(index_path)]
        + [str(p) for p in DUMPS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_lazy_loading_resolves_the_same_quirk_as_a_full_load(quirk_index_path: Path) -> None:
    assert len(DUMPS) == 17
    procs = {mode: _run(mode, quirk_index_path) for mode in ("full", "lazy-setup", "lazy-join")}
    results = {}
    for mode, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results[mode] = json.loads(out)
    full = results["full"]["resolved"]
    assert set(full) == {p.name for p in DUMPS}
    assert results["lazy-setup"]["resolved"] == full
    assert results["lazy-join"]["resolved"] == full
    # the quirks zha applies today (some dumps predate them), as a full load resolves them
    assert full["philips-sml001.json"].startswith("zhaquirks.philips.motion:PhilipsMotion")
    assert full["bosch-rbsh-trv0-zb-eu.json"].startswith("zhaquirks.bosch.rbsh_trv0_zb_eu:")
    assert full["signify-netherlands-b-v-lca005.json"].startswith("no quirk")
    # and far fewer modules are imported
    assert 0 < results["lazy-setup"]["loaded"] < 40
    assert results["lazy-join"]["quirk_modules"] < results["full"]["quirk_modules"] / 5


def test_load_index_rebuilds_a_stale_or_broken_cache(
    quirk_index: QuirkIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []

    def fake_build() -> QuirkIndex:
        builds.append(1)
        return quirk_index

    monkeypatch.setattr(quirks_index, "build_index", fake_build)
    path = tmp_path / "data" / "quirk-index.json"
    assert load_index(path) == quirk_index  # missing: built and written
    assert load_index(path) == quirk_index  # current: read
    assert len(builds) == 1
    stale = quirk_index.to_json()
    stale["versions"]["zha-quirks"] = "0.0.1"
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert load_index(path) == quirk_index
    path.write_text("{not json", encoding="utf-8")
    assert load_index(path) == quirk_index
    assert len(builds) == 3
    assert QuirkIndex.from_json(json.loads(path.read_text(encoding="utf-8"))).is_current()


def _zigpy_db(path: Path, version: int) -> sqlite3.Connection:
    import zigpy.appdb_schemas

    schema = Path(zigpy.appdb_schemas.__file__).with_name(f"schema_v{version}.sql")
    con = sqlite3.connect(path)
    con.executescript(schema.read_text(encoding="utf-8"))
    return con


def test_devices_in_db_reads_zigpys_schema(tmp_path: Path) -> None:
    path = tmp_path / "zigbee.db"
    con = _zigpy_db(path, 15)
    rows = [
        ("00:15:8d:00:01:00:00:01", 1, 4, b"LUMI", 0),
        ("00:15:8d:00:01:00:00:01", 1, 5, b"lumi.sensor_magnet.aq2\x00junk", 0),
        ("00:15:8d:00:01:00:00:02", 1, 4, "OWON", 0),
        ("00:15:8d:00:01:00:00:02", 1, 5, "FDS315", 0),
        ("00:15:8d:00:01:00:00:02", 2, 5, "other endpoint", 0),
        ("00:15:8d:00:01:00:00:03", 1, 4, b"Half", 0),  # no model: not listed
        ("00:15:8d:00:01:00:00:03", 1, 5, None, 0x86),  # unsupported
        ("00:15:8d:00:01:00:00:09", 1, 4, "Gone", 0),  # attribute rows of a removed device
        ("00:15:8d:00:01:00:00:09", 1, 5, "device", 0),
    ]
    for ieee in {r[0] for r in rows} - {"00:15:8d:00:01:00:00:09"}:
        con.execute("INSERT INTO devices_v15 VALUES (?, 1, 2, 0)", (ieee,))
    con.executemany(
        "INSERT INTO attributes_cache_v15 (ieee, endpoint_id, cluster_type, cluster_id,"
        " attr_id, status, value, last_updated) VALUES (?, ?, 0, 0, ?, ?, ?, 0)",
        [(ieee, ep, attr, status, value) for ieee, ep, attr, value, status in rows],
    )
    con.commit()
    con.close()
    assert devices_in_db(path) == {("LUMI", "lumi.sensor_magnet.aq2"), ("OWON", "FDS315")}


def test_devices_in_db_reads_an_older_schema_and_nothing(tmp_path: Path) -> None:
    path = tmp_path / "zigbee.db"
    con = _zigpy_db(path, 12)
    con.execute("INSERT INTO devices_v12 VALUES ('00:15:8d:00:01:00:00:01', 1, 2, 0)")
    con.executemany(
        "INSERT INTO attributes_cache_v12 VALUES ('00:15:8d:00:01:00:00:01', 1, 0, ?, ?, 0)",
        [(4, "Philips"), (5, "SML001")],
    )
    con.commit()
    con.close()
    assert devices_in_db(path) == {("Philips", "SML001")}
    assert devices_in_db(tmp_path / "missing.db") == set()
    (tmp_path / "garbage.db").write_bytes(b"not a database at all" * 100)
    assert devices_in_db(tmp_path / "garbage.db") == set()
