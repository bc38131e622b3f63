"""The double-elimination bracket of a sumo discipline, as pure functions over plain values (no database), so that
its rules can be checked for any number of teams.

The bracket is played in rounds. Round 1 pairs the teams in the winners' bracket on the standard bracket's seed lines
(1–8, 4–5, 2–7, 3–6 for eight; the best seeds have byes when the number is not a power of two; a random draw is a
shuffled order). After every round the next one is drawn from
the results:

- the teams without a loss play each other in the winners' bracket (W), the winners of neighbouring matches meeting;
- the teams with one loss play each other in the losers' bracket (L), in the order they lost;
- an odd team out gets a bye (a match without an opponent that it wins): the one with the fewest byes so far, the
  best seed first;
- when one team without a loss and one with a loss are left, they meet in the grand final (F); if the team from
  the losers' bracket wins it, both have one loss and a second final (R) decides;
- a team with two losses is out; the bracket is complete when one team is left.

Every round with two teams in a pool adds at least one real match, and every decided match adds one loss, so the
bracket completes after 2n − 2 or 2n − 1 real matches. A tie is not a result: the match is fought again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

WINNERS, LOSERS, FINAL, RESET = "W", "L", "F", "R"


@dataclass(frozen=True)
class Bout:
    """A match drawn: its bracket, round and number in the round, and its teams (`b` None: a bye for `a`)."""

    bracket: str
    round: int
    number: int
    a: int
    b: int | None


@dataclass(frozen=True)
class Played:
    """A match as stored: a bout and its winner (None while it is not decided)."""

    bracket: str
    round: int
    number: int
    a: int
    b: int | None
    winner: int | None

    @property
    def loser(self) -> int | None:
        if self.winner is None or self.b is None:
            return None
        return self.b if self.winner == self.a else self.a


def losses(teams: Sequence[int], played: Sequence[Played]) -> dict[int, int]:
    """Each team's losses."""
    counted = Counter(match.loser for match in played if match.loser is not None)
    return {team: counted[team] for team in teams}


def seed_positions(size: int) -> list[int]:
    """The standard bracket's seed lines for a power of two: 1, 8, 4, 5, 2, 7, 3, 6 for 8 (seeds 1 and 2 can
    only meet in the final)."""
    lines = [1]
    while len(lines) < size:
        total = 2 * len(lines) + 1
        lines = [seed for line in lines for seed in (line, total - line)]
    return lines


def first_round(order: Sequence[int]) -> list[Bout]:
    """Round 1 of the winners' bracket for teams in seed order, on the standard bracket's lines (1–8, 4–5, 2–7,
    3–6 for eight teams); with fewer teams than a power of two, the best seeds have byes."""
    teams = list(order)
    if len(teams) < 2:
        raise ValueError("A bracket needs at least two teams.")
    size = 1
    while size < len(teams):
        size *= 2
    lines = seed_positions(size)
    bouts: list[Bout] = []
    for index in range(0, size, 2):
        first, second = lines[index], lines[index + 1]
        a = teams[first - 1]
        b = teams[second - 1] if second <= len(teams) else None
        bouts.append(Bout(WINNERS, 1, len(bouts) + 1, a, b))
    return bouts


def _pair(pool: list[int], byes: Counter[int], seed_of: dict[int, int]) -> list[tuple[int, int | None]]:
    """Neighbours paired in the pool's order; an odd one out (fewest byes, best seed) gets a bye first."""
    pool = list(pool)
    pairs: list[tuple[int, int | None]] = []
    if len(pool) % 2:
        lucky = min(pool, key=lambda team: (byes[team], seed_of[team]))
        pool.remove(lucky)
        pairs.append((lucky, None))
    pairs.extend((pool[i], pool[i + 1]) for i in range(0, len(pool), 2))
    return pairs


def next_round(order: Sequence[int], played: Sequence[Played]) -> list[Bout]:
    """The next round's bouts, or [] while a match of the last round is undecided or when the bracket is
    complete. `order` is the teams in seed order (as round 1 was drawn)."""
    if not played:
        return first_round(order)
    if any(match.winner is None for match in played):
        return []
    lost = losses(order, played)
    alive = [team for team in order if lost[team] < 2]
    if len(alive) < 2:
        return []
    seed_of = {team: position for position, team in enumerate(order)}
    # Where each team stands: its last match (round, number), so winners of neighbouring matches meet.
    last: dict[int, tuple[int, int, int]] = {}
    byes: Counter[int] = Counter()
    for match in sorted(played, key=lambda m: (m.round, m.number)):
        for team in (match.a, match.b):
            if team is not None:
                last[team] = (match.round, match.number, 0 if team == match.winner else 1)
        if match.b is None:
            byes[match.a] += 1
    round_no = max(match.round for match in played) + 1
    unbeaten = sorted((t for t in alive if lost[t] == 0), key=lambda t: (last.get(t, (0, 0, 0)), seed_of[t]))
    beaten = sorted((t for t in alive if lost[t] == 1), key=lambda t: (last.get(t, (0, 0, 0)), seed_of[t]))
    if len(unbeaten) == 1 and len(beaten) == 1:
        return [Bout(FINAL, round_no, 1, unbeaten[0], beaten[0])]
    if not unbeaten and len(beaten) == 2 and any(match.bracket == FINAL for match in played):
        return [Bout(RESET, round_no, 1, beaten[0], beaten[1])]
    bouts: list[Bout] = []
    if len(unbeaten) >= 2:
        bouts += [Bout(WINNERS, round_no, n, a, b) for n, (a, b) in enumerate(_pair(unbeaten, byes, seed_of), 1)]
    if len(beaten) >= 2:
        bouts += [Bout(LOSERS, round_no, n, a, b) for n, (a, b) in enumerate(_pair(beaten, byes, seed_of), 1)]
    return bouts


def placings(order: Sequence[int], played: Sequence[Played]) -> list[tuple[int, int]]:
    """(place, team) for the teams that are out or won, best first: the champion 1st, the other finalist 2nd, then
    the others by how late they were knocked out (teams out in the same round share a place). Empty until the
    bracket is complete."""
    if not played or next_round(order, played) or any(m.winner is None for m in played):
        return []
    lost = losses(order, played)
    alive = [team for team in order if lost[team] < 2]
    out_round: dict[int, int] = {}
    seen: Counter[int] = Counter()
    for match in sorted(played, key=lambda m: (m.round, m.number)):
        if match.loser is not None:
            seen[match.loser] += 1
            if seen[match.loser] == 2:
                out_round[match.loser] = match.round
    seed_of = {team: position for position, team in enumerate(order)}
    ranked = sorted(out_round, key=lambda team: (-out_round[team], seed_of[team]))
    result: list[tuple[int, int]] = [(1, alive[0])] if alive else []
    place, previous = 0, -1
    for team in ranked:
        if out_round[team] != previous:
            place, previous = len(result) + 1, out_round[team]
        result.append((place, team))
    return result
