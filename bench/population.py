"""Streaming generation of the synthetic population: persons per second and peak memory.

Generates every resident of the province at ``--scale`` (1 = about 41.6 million) in chunks, without
a database, and reports the rate and the peak RSS. Peer, measured in the same run: numpy drawing
the same raw random columns for the same chunks (sex, age, birth day, household sizes, phone
digits, name characters), i.e. the floor of what any vectorised generator pays.
Usage: ``python bench/population.py [--scale 1] [--chunk 1000000] [--seed N]``.
"""

import argparse
import shutil
import time

import numpy as np
from _common import emit, fresh_data_dir, peak_rss_mib, setup_django


def raw_draws(n: int, rng: np.random.Generator, age_p, surname_p) -> int:
    """The random numbers the generator needs for ``n`` persons, with no assembling at all."""
    rng.random(n)  # sex
    rng.choice(100, size=n, p=age_p)  # age
    rng.random(n)  # day within the year
    rng.choice(6, size=n // 2 + 16, p=[0.23, 0.29, 0.22, 0.14, 0.08, 0.04])  # household sizes
    rng.integers(36, size=n), rng.integers(10**8, size=n)  # phone prefix and digits
    rng.choice(len(surname_p), size=n, p=surname_p)  # surname
    for _ in range(2):  # two given-name characters, both sexes drawn
        rng.integers(45, size=n), rng.integers(45, size=n)
    rng.random(n)  # one or two characters
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--chunk", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20210910)
    args = parser.parse_args()
    data_dir = fresh_data_dir("population")
    try:
        setup_django(data_dir)
        from pingji.geo.loaders import read_divisions
        from pingji.geo.synthetic import plan_grids, townships_from_divisions
        from pingji.people import synthetic
        from pingji.people.identity import normalize_id_number

        started = time.perf_counter()
        townships = townships_from_divisions(read_divisions())
        cells = synthetic.cells_for(
            plan_grids(townships, scale=args.scale, seed=args.seed), args.scale
        )
        plan_s = time.perf_counter() - started

        persons, chunks, generate_s, invalid = 0, [], 0.0, 0
        started = time.perf_counter()
        for block in synthetic.iter_population(cells, seed=args.seed, chunk=args.chunk):
            generate_s += time.perf_counter() - started
            persons += len(block)
            chunks.append(len(block))
            for number in block.id_number[:: max(1, len(block) // 100)].tolist():  # untimed check
                try:
                    normalize_id_number(number.decode())
                except Exception:
                    invalid += 1
            started = time.perf_counter()
        generator_peak = peak_rss_mib()

        rng = np.random.default_rng(args.seed)
        surname_p = synthetic._SURNAME_P
        started = time.perf_counter()
        drawn = sum(raw_draws(n, rng, synthetic.AGE_P, surname_p) for n in chunks)
        peer_s = time.perf_counter() - started
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    emit(
        "population",
        {
            "scale": args.scale,
            "persons": persons,
            "grids": len(cells),
            "chunks": len(chunks),
            "chunk": args.chunk,
            "plan_s": round(plan_s, 2),
            "generate_s": round(generate_s, 2),
            "persons_per_s": round(persons / generate_s),
            "peak_rss_mib": generator_peak,
            "sampled_invalid_ids": invalid,
            "peer_raw_draws_per_s": round(drawn / peer_s),
            "peer_raw_draws_s": round(peer_s, 2),
        },
    )


if __name__ == "__main__":
    main()
