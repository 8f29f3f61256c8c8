#!/usr/bin/env python3
"""The article writer's cost on PostgreSQL against SQLite's, same records:
starts a PostgreSQL 15 cluster of its own (pgcluster.py) and runs
pg_write_bench against it, passing any further arguments to the benchmark.

usage: python3 bench/scale/pg_write.py [--bench build-rel/bench/pg_write_bench] [benchmark args…]
e.g.   python3 bench/scale/pg_write.py --benchmark_min_time=2 --benchmark_repetitions=3 \
           --benchmark_report_aggregates_only=true

Figures per article stored: client_us (the newsd side), server_us (all the
server's processes) and total_us, in CPU microseconds; see docs/performance.md, "Scale".
"""
import argparse, os, subprocess, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgcluster import PgCluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bench', default=str(ROOT / 'build-rel/bench/pg_write_bench'))
    a, rest = ap.parse_known_args()
    with PgCluster() as pg:
        env = dict(os.environ, NEWSD_BENCH_PG_URL=pg.url('postgres'))
        sys.exit(subprocess.run([a.bench, *rest], env=env).returncode)


if __name__ == '__main__':
    main()
