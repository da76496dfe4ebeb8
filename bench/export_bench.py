"""Export speed: a month of minute readings from two vital-sign sensors and 500 measurements
entered by hand, read back from the store and written as CSV, as a FHIR bundle and as the
privacy export's zip (which holds both, and the rest).

Both sensors report heart and breathing rate in the same minute, so four rows share each
time stamp; the CSV writer formats a repeated time once, which flatters it here a little."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.config import load_config
from hub.export.documents import Documents
from hub.export.files import write_text
from hub.export.period import period
from hub.export.privacy import write_privacy_zip
from hub.export.records import Records
from hub.model import Observation
from hub.store import Store

DAYS = 30
SENSORS = ("schlafzimmer", "wohnzimmer")
MANUAL = ("bp_systolic", "bp_diastolic", "body_weight", "spo2", "body_temperature")
TARGETS = {
    "export.csv_rows_per_s": (">=", 100_000),
    "export.fhir_readings_per_s": (">=", 50_000),
}
CONFIG = """\
home: {name: Bench}
residents: {erna: {name: Erna Bench, birth_year: 1941}}
rooms: {schlafzimmer: {name: Schlafzimmer}, wohnzimmer: {name: Wohnzimmer}}
devices:
  "00:15:8d:00:01:00:00:01": {name: Bett, room: schlafzimmer, role: vital_signs}
  "00:15:8d:00:01:00:00:02": {name: Sessel, room: wohnzimmer, role: vital_signs}
storage: {data_dir: data}
"""
START = datetime(2026, 10, 1, tzinfo=UTC)


def _readings() -> list[Observation]:
    rng = random.Random(8)
    out = []
    for minute in range(DAYS * 24 * 60):
        ts = START + timedelta(minutes=minute)
        for room in SENSORS:
            dropout = rng.random() < 0.05
            out.append(
                Observation(ts, f"heart_rate.{room}", 0.0 if dropout else 55.0 + rng.random() * 30)
            )
            out.append(
                Observation(
                    ts, f"respiratory_rate.{room}", 0.0 if dropout else 12.0 + rng.random() * 6
                )
            )
    for n in range(100):  # 100 mornings × 5 values = 500 entries
        ts = START + timedelta(hours=7 + 7 * n, minutes=3)
        values = (130 + n % 20, 80 + n % 10, 61.0 + n % 3 / 10, 95.0, 36.7)
        out += [
            Observation(ts, f"{c}.erna", float(v), "web")
            for c, v in zip(MANUAL, values, strict=True)
        ]
    return out


async def _fill(db: Path, readings: list[Observation]) -> None:
    async with Store.open(db, batch_size=50_000) as store:
        for obs in readings:
            store.add_observation(obs)


def run() -> dict[str, float]:
    readings = _readings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "obhut.yaml").write_text(CONFIG, encoding="utf-8")
        config = load_config(folder / "obhut.yaml")
        db = config.storage.data_dir / "obhut.db"
        asyncio.run(_fill(db, readings))
        span = period("2026-10-01", "2026-10-31", config.home.tz)
        docs = Documents(config, "erna")
        with Records.open(db) as records:
            began = time.perf_counter()
            lines = write_text(
                folder / "observations.csv",
                docs.observations_csv(records.observations(span.start, span.end)),
            )
            csv_s = time.perf_counter() - began
            began = time.perf_counter()
            write_text(folder / "vitals.json", docs.fhir(records, span, datetime.now(UTC)))
            fhir_s = time.perf_counter() - began
            began = time.perf_counter()
            write_privacy_zip(folder / "erna.zip", records, docs, datetime.now(UTC))
            zip_s = time.perf_counter() - began
        assert docs.vitals is not None
        resources = sum(docs.vitals.exported.values())
        size = (folder / "vitals.json").stat().st_size
    rows = lines - 1
    return {
        "export.rows": rows,
        "export.csv_s": csv_s,
        "export.csv_rows_per_s": rows / csv_s,
        "export.fhir_s": fhir_s,
        "export.fhir_readings_per_s": len(readings) / fhir_s,
        "export.fhir_resources": resources,
        "export.fhir_mb": size / 1e6,
        "export.privacy_zip_s": zip_s,
    }
