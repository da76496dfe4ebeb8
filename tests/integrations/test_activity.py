"""`obhut activity convert`: sensor interval logs (UCI ADL format) → events CSV."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hub.cli import main
from hub.replay import read_events

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "activity" / "ordonez-a.mapping.yaml"
REAL = ROOT.parent / "shared" / "data" / "activity" / "ordonez-a" / "OrdonezA_Sensors.txt"

HEADER = (
    "Start time          \tEnd time            \tLocation\tType\t\tPlace\n"
    "--------------------\t--------------------\t--------\t--------\t-----\n"
)
SMALL_MAPPING = """\
timezone: Europe/Madrid
sensors:
  Basin/PIR: motion.bad
  Toilet/Flush: motion.bad
  Maindoor/Magnetic: contact.front_door
  Microwave/Electric: {entity: power.kueche, on: 900, off: 0}
  Cabinet/Magnetic: null
"""


def write(tmp_path: Path, rows: str, mapping: str = SMALL_MAPPING) -> tuple[Path, Path]:
    sensors = tmp_path / "sensors.txt"
    sensors.write_text(HEADER + textwrap.dedent(rows), encoding="utf-8")
    mapping_path = tmp_path / "mapping.yaml"
    mapping_path.write_text(mapping, encoding="utf-8")
    return sensors, mapping_path


def convert(
    capsys: pytest.CaptureFixture[str], sensors: Path, mapping: Path, *extra: str
) -> tuple[int, list[str], str]:
    out = sensors.parent / "events.csv"
    out.unlink(missing_ok=True)
    code = main(
        ["activity", "convert", str(sensors), "--mapping", str(mapping), "-o", str(out), *extra]
    )
    _, err = capsys.readouterr()
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return code, lines, err


def test_intervals_become_on_and_off_in_local_time_with_overlaps_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Basin and the flush are one entity: on while either is. A zero-length door interval
    # opens and closes at one instant, in that order. March 25, 2012: the clocks go forward.
    sensors, mapping = write(
        tmp_path,
        """\
        2011-11-28 10:21:44\t\t2011-11-28 10:23:31\t\tBasin\t\tPIR\t\t\tBathroom
        2011-11-28 10:23:02 \t\t2011-11-28 10:23:36\t\tToilet\t\tFlush\t\tBathroom
        2011-11-28 10:24:00\t\t2011-11-28 10:24:00\t\tMaindoor\tMagnetic\tEntrance
        2011-11-28 10:25:00\t\t2011-11-28 10:26:10\t\tCabinet\t\tMagnetic\tBathroom
        2011-11-28 10:41:59\t\t2011-11-28 10:42:55\t\tMicrowave\tElectric\tKitchen
        2012-03-25 03:30:00\t\t2012-03-25 03:31:00\t\tBasin\t\tPIR\t\t\tBathroom""",
    )
    code, lines, err = convert(capsys, sensors, mapping)
    assert code == 0, err
    assert lines == [
        "timestamp,entity,value,source",
        "2011-11-28T10:21:44+01:00,motion.bad,on,activity",
        "2011-11-28T10:23:36+01:00,motion.bad,off,activity",
        "2011-11-28T10:24:00+01:00,contact.front_door,on,activity",
        "2011-11-28T10:24:00+01:00,contact.front_door,off,activity",
        "2011-11-28T10:41:59+01:00,power.kueche,900,activity",
        "2011-11-28T10:42:55+01:00,power.kueche,0,activity",
        "2012-03-25T03:30:00+02:00,motion.bad,on,activity",
        "2012-03-25T03:31:00+02:00,motion.bad,off,activity",
    ]
    assert "wrote 8 events of 3 entities" in err
    assert "1 overlapping intervals merged, 1 rows of ignored sensors" in err
    # What the converter writes, replay reads
    assert len(read_events(tmp_path / "events.csv")) == 8


def test_bad_lines_are_reported_by_number_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sensors, mapping = write(
        tmp_path,
        """\
        2011-11-28 10:21:44\t\t2011-11-28 10:23:31\t\tBasin\t\tPIR\t\t\tBathroom
        2011-11-28 10:21:44\t\t2011-11-28 10:23:31\t\tBasin\t\tPIR
        2011-11-31 10:00:00\t\t2011-12-01 10:00:00\t\tBasin\t\tPIR\t\t\tBathroom
        2011-12-02 12:20:41\t\t2011-12-01 10:20:59\t\tBasin\t\tPIR\t\t\tBathroom
        2011-12-02 12:20:41\t\t2011-12-02 12:20:59\t\tSeat\t\tPressure\tLiving
        2011-12-02 12:30:41\t\t2011-12-02 12:30:59\t\tSeat\t\tPressure\tLiving
        2012-03-25 02:30:00\t\t2012-03-25 03:31:00\t\tBasin\t\tPIR\t\t\tBathroom""",
    )
    code, lines, err = convert(capsys, sensors, mapping)
    assert code == 1 and lines == []
    assert f"{sensors}:4: error: expected 5 TAB-separated fields, found 4" in err
    assert (
        f"{sensors}:5: error: '2011-11-31 10:00:00' is not a time like 2011-11-28 02:27:59" in err
    )
    assert (
        f"{sensors}:6: error: ends (2011-12-01 10:20:59) before it starts (2011-12-02 12:20:41)"
        in err
    )
    assert f"{sensors}:7: error: sensor Seat/Pressure is not in the mapping" in err
    assert f"{sensors}:8:" not in err  # the same unknown sensor is reported once
    assert f"{sensors}:9: error: 2012-03-25 02:30:00 does not exist in Europe/Madrid" in err
    assert "nothing written; --skip-bad leaves these lines out" in err

    code, lines, err = convert(capsys, sensors, mapping, "--skip-bad")
    assert code == 0 and len(lines) == 3  # the header and line 3's interval
    assert f"{sensors}:4: warning: skipped: expected 5 TAB-separated fields" in err


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("sensors: {Bed/Pressure: bed_occupancy.schlafzimmer}\n", ":1: error: the log's time zone"),
        ("timezone: Europe/Madird\nsensors: {Bed/Pressure: x}\n", ":1: error: unknown time zone"),
        (
            "timezone: Europe/Madrid\nsensors:\n  Bed/Pressure: bed.schlafzimmer\n",
            ":3: error: Bed/Pressure: unknown capability 'bed'",
        ),
        (
            "timezone: Europe/Madrid\nsensors:\n  Bed: bed_occupancy.schlafzimmer\n",
            ":3: error: 'Bed' is not Location/Type",
        ),
        (
            "timezone: Europe/Madrid\nsensors:\n  A/B: motion.bad\n  Toaster/Electric:"
            " {entity: power.kueche, on: lots}\n",
            ":4: error: Toaster/Electric: expected a number for power, got 'lots'",
        ),
        ("timezone: Europe/Madrid\nsensor: {}\n", ":2: error: unknown key 'sensor'"),
    ],
)
def test_mapping_problems_name_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mapping: str, message: str
) -> None:
    sensors, mapping_path = write(tmp_path, "", mapping)
    code, lines, err = convert(capsys, sensors, mapping_path)
    assert code == 1 and lines == []
    assert f"{mapping_path}{message}" in err


def test_missing_input_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, mapping = write(tmp_path, "")
    code, _, err = convert(capsys, tmp_path / "nope.txt", mapping)
    assert code == 1 and "nope.txt: error: cannot read: No such file or directory" in err


@pytest.mark.skipif(not REAL.is_file(), reason="the shared data folder is not beside the project")
def test_the_real_log_converts_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = convert(capsys, REAL, MAPPING)
    assert code == 0, err
    # 409 intervals, 14 of them overlapping another of the same entity (the flush during the
    # basin's motion): 395 on/off pairs, all in CET
    assert len(lines) == 1 + 790
    assert lines[1] == "2011-11-28T02:27:59+01:00,bed_occupancy.schlafzimmer,on,ordonez-a"
    assert all("+01:00," in line for line in lines[1:])
    assert "14 overlapping intervals merged" in err
