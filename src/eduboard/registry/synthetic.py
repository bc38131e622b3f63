"""Synthetic learners: invented names and personal codes of valid form, reproducible from a seed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.lv.pvn import calc_check_digit_pers

FIRST_NAMES = [
    "Anna", "Marta", "Elīza", "Sofija", "Emīlija", "Alise", "Viktorija", "Darja", "Polina", "Laura",
    "Jānis", "Roberts", "Markuss", "Daniels", "Artjoms", "Maksims", "Kirils", "Olivers", "Rihards", "Gustavs",
    "Ksenija", "Milana", "Kristiāns", "Tomass", "Ivans", "Aleksandrs", "Dmitrijs", "Paula", "Beatrise", "Estere",
]  # fmt: skip
LAST_NAMES = [
    "Bērziņš", "Kalniņš", "Ozols", "Jansons", "Ivanovs", "Petrovs", "Smirnovs", "Kozlovs", "Liepiņš", "Krūmiņš",
    "Vasiļjevs", "Pavlovs", "Novikovs", "Zariņš", "Vītols", "Kuzņecovs", "Sokolovs", "Popovs", "Mihailovs", "Lapiņš",
]  # fmt: skip


class PersonalCodes:
    """Old-format personal codes (DDMMYY-XNNNN) with a valid check digit, never the same one twice."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next_serial: dict[date, int] = {}

    def for_birth_date(self, birth_date: date) -> str:
        century = {18: "0", 19: "1", 20: "2"}[birth_date.year // 100]
        serial = self.next_serial.get(birth_date, 0)
        while True:
            if serial > 999:
                raise ValueError(f"no personal codes left for {birth_date.isoformat()}: 1,000 made already")
            body = f"{birth_date:%d%m}{birth_date.year % 100:02d}{century}{serial:03d}"
            serial += 1
            code = f"{body[:6]}-{body[6:]}{calc_check_digit_pers(body)}"
            if code not in self.used:
                break
        self.next_serial[birth_date] = serial
        self.used.add(code)
        return code


def random_birth_date(rng: random.Random, year: int) -> date:
    """A day of `year`."""
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def random_name(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    if (first.endswith(("a", "e")) and last.endswith("š")) or (first.endswith(("a", "e")) and last.endswith("s")):
        last = last[:-1] + "a"
    return first, last
