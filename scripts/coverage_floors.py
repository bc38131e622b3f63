"""Line coverage of src/eduboard by area, held at each area's floor.

Reads the coverage data the SQLite pass wrote (`make pytest-sqlite`: pytest-cov, `[tool.coverage.run]` in
pyproject.toml), prints the line coverage of each area (each package directly under src/eduboard/; the modules beside
them count as "root") and of the whole, and exits 1 when an area is below its floor in coverage-floors.toml, when an
area has no floor, or when a floor names no area. Migrations are not counted.

    python scripts/coverage_floors.py            # print and check
    python scripts/coverage_floors.py --write    # set every floor to today's figure, rounded down to the percent
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "eduboard"
FLOORS = ROOT / "coverage-floors.toml"
TOP_LEVEL = "root"  # the modules directly under src/eduboard (settings, urls, the API's router ...)
TOTAL = "total"
HEADER = """\
# Line coverage floors of src/eduboard in percent, one per area (scripts/coverage_floors.py; `make test` fails below
# one). Each is a measured figure of the SQLite pass rounded down to the whole percent: raise a floor when an area's
# coverage rises, never lower one to let a change through. A new area needs its floor here.
"""


@dataclass
class Area:
    statements: int = 0
    missed: int = 0

    @property
    def percent(self) -> float:
        return 100.0 if not self.statements else 100.0 * (self.statements - self.missed) / self.statements


def area_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else TOP_LEVEL


def measured_files() -> list[Path]:
    """Every Python file of src/eduboard but migrations, measured or not (a module no test imports counts as 0%)."""
    return sorted(path for path in PACKAGE.rglob("*.py") if "migrations" not in path.relative_to(PACKAGE).parts)


def areas_of(data: coverage.Coverage) -> dict[str, Area]:
    areas = {path.name: Area() for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    areas[TOP_LEVEL] = Area()
    for path in measured_files():
        _name, statements, _excluded, missing, _text = data.analysis2(str(path))
        area = areas.setdefault(area_of(path), Area())
        area.statements += len(statements)
        area.missed += len(missing)
    return dict(sorted(areas.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="set every floor to today's figure, rounded down")
    args = parser.parse_args()
    os.chdir(ROOT)  # the data file's place in [tool.coverage.run] is the repository's

    data = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"))
    data.load()
    if not data.get_data().measured_files():
        print(f"coverage: no data in {data.get_data().data_filename()}; run `make pytest-sqlite` first")
        return 1
    areas = areas_of(data)
    total = Area(sum(a.statements for a in areas.values()), sum(a.missed for a in areas.values()))
    figures = {**{name: area.percent for name, area in areas.items()}, TOTAL: total.percent}

    if args.write:
        lines = [f"{name} = {math.floor(percent)}" for name, percent in figures.items()]
        FLOORS.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"coverage: floors written to {FLOORS.name}")

    floors: dict[str, int] = tomllib.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    failures: list[str] = []
    print("== line coverage of src/eduboard (migrations not counted)")
    print(f"  {'area':<14} {'lines':>7} {'missed':>7} {'cover':>7} {'floor':>6}")
    for name, area in [*areas.items(), (TOTAL, total)]:
        floor = floors.get(name)
        print(
            f"  {name:<14} {area.statements:>7} {area.missed:>7} {area.percent:>6.2f}%"
            f" {'—' if floor is None else f'{floor}%':>6}"
        )
        if floor is None:
            failures.append(
                f"no floor for area {name} (measured {area.percent:.2f}%): add `{name} = {math.floor(area.percent)}`"
                f" to {FLOORS.name}"
            )
        elif area.percent < floor:
            failures.append(f"area {name} is at {area.percent:.2f}%, below its floor of {floor}% in {FLOORS.name}")
    for name in sorted(set(floors) - set(figures)):
        failures.append(f"{FLOORS.name} has a floor for {name}, which is no area of src/eduboard: remove it")
    for failure in failures:
        print(f"coverage: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
