from apps.lab import bench


def test_the_bench_times_a_ten_strategy_tournament_and_an_evolutionary_run():
    assert len(bench._tournament_of_ten().slugs) == 10
    assert len(bench._evolution().shares) == bench.GENERATIONS + 1
    timings = bench.timings()
    assert set(timings) == {
        "tournament_10_strategies_200_rounds_ms",
        "evolution_100_generations_ms",
    }
    assert all(0 < ms < 10_000 for ms in timings.values())
