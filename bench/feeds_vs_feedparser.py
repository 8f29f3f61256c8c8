#!/usr/bin/python3
"""Times Debian's python3-feedparser and `newsd parse-feed --json --batch` over
the same feed files, in the same run, and prints feeds/s and MB/s for each.

    /usr/bin/python3 bench/feeds_vs_feedparser.py NEWSD_BINARY CORPUS_DIR [--rounds N]

feedparser runs in-process (parse only, no process start-up per file);
newsd runs as one `--batch` process per round, so its figure includes
reading the files and writing the JSON lines, which feedparser's does not:
the comparison is conservative for newsd. Both are single-threaded.
Figures are per CPU-second (user+sys of this process, or of the newsd
child), so a loaded machine does not distort them; wall time is shown too.
"""
import argparse
import os
import resource
import subprocess
import sys
import time

import feedparser


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('newsd')
    ap.add_argument('corpus')
    ap.add_argument('--rounds', type=int, default=3)
    args = ap.parse_args()

    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if not f.startswith('.'))
    blobs = [open(f, 'rb').read() for f in files]
    total_bytes = sum(map(len, blobs))
    print(f'corpus: {len(files)} feeds, {total_bytes / 1e6:.1f} MB ({args.corpus})')

    def cpu_seconds():
        own = resource.getrusage(resource.RUSAGE_SELF)
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + child.ru_utime + child.ru_stime

    def best(fn):
        """Best of N rounds: (cpu seconds, wall seconds)."""
        runs = []
        for _ in range(args.rounds):
            cpu0, wall0 = cpu_seconds(), time.perf_counter()
            fn()
            runs.append((cpu_seconds() - cpu0, time.perf_counter() - wall0))
        return min(runs)

    def run_feedparser():
        for b in blobs:
            feedparser.parse(b, resolve_relative_uris=True, sanitize_html=False)

    def run_newsd():
        out = subprocess.run([args.newsd, 'parse-feed', '--json', '--batch'], input='\n'.join(files) + '\n',
                             capture_output=True, text=True, check=True).stdout
        if out.count('\n') != len(files):
            sys.exit('newsd printed the wrong number of lines')

    for name, fn in (('newsd parse-feed --batch', run_newsd), ('python3-feedparser ' + feedparser.__version__, run_feedparser)):
        cpu, wall = best(fn)
        print(f'{name:32s} {len(files) / cpu:9.1f} feeds/s {total_bytes / cpu / 1e6:8.1f} MB/s per CPU-second'
              f'  (best of {args.rounds}: {cpu:.3f} s CPU, {wall:.3f} s wall)')


if __name__ == '__main__':
    main()
