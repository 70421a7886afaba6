"""Engine timings for `make bench`: how long the lab's two heavy operations take."""

import time
from collections.abc import Callable
from dataclasses import replace

from apps.lab import engine

ROUNDS = 200
GENERATIONS = 100
TRIES = 5


def _best_ms(action: Callable[[], object]) -> float:
    """The fastest of TRIES runs of action, in milliseconds."""
    best = float("inf")
    for _ in range(TRIES):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _ten_entrants() -> tuple[engine.Strategy, ...]:
    # The engine registers nine strategies and plays each at most once, so the tenth
    # entrant is a renamed copy of tit for tat; a match costs the same whoever plays it.
    twin = replace(engine.STRATEGIES["tit-for-tat"], slug="tit-for-tat-twin")
    return (*engine.STRATEGIES.values(), twin)


def _tournament_of_ten() -> engine.TournamentResult:
    rules = engine._rules(
        engine.STANDARD_PAYOFFS,
        rounds=ROUNDS,
        continuation=None,
        noise=0.0,
        sanction=0.0,
        detection=1.0,
        max_rounds=engine.MAX_ROUNDS,
    )
    return engine._round_robin(_ten_entrants(), rules, repetitions=1, self_play=True, seed=0)


def _evolution() -> engine.EvolutionResult:
    return engine.evolve(
        list(engine.STRATEGIES),
        engine.STANDARD_PAYOFFS,
        rounds=ROUNDS,
        generations=GENERATIONS,
    )


def timings() -> dict[str, float]:
    """Best-of-five wall time in ms of a 10-strategy, 200-round round robin (with self-play)
    and of a 100-generation evolutionary run of all nine strategies over 200-round matches."""
    return {
        "tournament_10_strategies_200_rounds_ms": _best_ms(_tournament_of_ten),
        "evolution_100_generations_ms": _best_ms(_evolution),
    }
