#!/usr/bin/env python3
"""Whole-process ingest benchmark: `newsd once` over generated feeds and pages.

usage: bench/ingest_bench.py [--newsd build-rel/newsd] [--articles 2000] [--feeds 20] [--workers 2]

Builds a work dir with N article pages (the sample pages' markup and boilerplate
around bodies recombined from the sample articles, so every page is distinct
and dedup does not short-circuit the pipeline) and F RSS feeds linking them
through file: URLs, then runs one `newsd once` into a fresh database and reports
articles/s (wall and CPU), peak RSS and the database size. Nothing is fetched
over the network, so this measures parse + extract + classify + store.
"""
import argparse, os, random, re, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def body_paragraphs(html):
    return [p for p in re.findall(r'<p>([^<]{80,})</p>', html)]


def random_paragraphs(vocab, rng, n=5):
    # Words drawn at random from the template's own article: realistic script,
    # language and taxonomy hits, but no two pages near-duplicates of each other.
    return [' '.join(rng.choice(vocab) for _ in range(rng.randint(60, 100))) + '.' for _ in range(n)]


def wal_size(db):
    wal = db.with_name(db.name + '-wal')
    return wal.stat().st_size if wal.exists() else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--newsd', default=str(ROOT / 'build-rel/newsd'))
    ap.add_argument('--articles', type=int, default=2000)
    ap.add_argument('--feeds', type=int, default=20)
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--keep', help='keep the work dir here')
    a = ap.parse_args()

    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix='newsd-ingest-'))
    if work.exists():
        shutil.rmtree(work)
    (work / 'pages').mkdir(parents=True)

    templates = sorted((ROOT / 'samples/pages').glob('*.html'))
    docs = [t.read_text(encoding='utf-8', errors='replace') for t in templates]
    vocabs = [' '.join(body_paragraphs(d)).split() for d in docs]
    rng = random.Random(7)
    total_bytes = 0
    for i in range(a.articles):
        k = i % len(docs)
        html, vocab = docs[k], vocabs[k] or vocabs[0]
        paras = random_paragraphs(vocab, rng)
        body = ''.join(f'<p>{p}</p>' for p in paras)
        # Replace the article's own paragraphs, keep every piece of boilerplate.
        page = re.sub(r'(<p>[^<]{80,}</p>\s*)+', body, html, count=1)
        # Each page is its own article: drop the template's canonical/og:url,
        # or dedup would rightly fold them all into the template's story.
        page = re.sub(r'<link[^>]*rel="canonical"[^>]*>|<meta[^>]*property="og:url"[^>]*>', '', page)
        path = work / 'pages' / f'a{i:06d}.html'
        path.write_text(page, encoding='utf-8')
        total_bytes += len(page.encode())
    per_feed = (a.articles + a.feeds - 1) // a.feeds
    for f in range(a.feeds):
        items = ''.join(
            f'<item><title>Article {i}</title><link>pages/a{i:06d}.html</link>'
            f'<guid isPermaLink="false">bench-{i}</guid><pubDate>Mon, 17 Nov 2025 08:00:00 GMT</pubDate></item>'
            for i in range(f * per_feed, min(a.articles, (f + 1) * per_feed)))
        (work / f'f{f:03d}.rss').write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench {f}</title>'
            f'<link>http://bench.example/</link>{items}</channel></rss>', encoding='utf-8')
    feeds = ''.join(f'[[feeds]]\nurl = "file:f{f:03d}.rss"\n' for f in range(a.feeds))
    (work / 'newsd.toml').write_text(
        f'[log]\nlevel = "warn"\n[fetch]\nmax_connections = 64\nmax_per_host = 64\nmin_host_interval = "0s"\n'
        f'[classify]\ntaxonomy = "{ROOT}/config/taxonomy/default.toml"\n'
        f'[store]\npath = "newsd.db"\nbatch_size = 256\n[daemon]\nworkers = {a.workers}\n{feeds}', encoding='utf-8')

    t0 = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([a.newsd, 'once', '--json', '--config', str(work / 'newsd.toml')],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f'newsd once exited {proc.returncode}: {proc.stderr.decode()[-2000:]}')
    stored = sum(1 for l in proc.stdout.decode().splitlines() if '"outcome":"stored"' in l)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    db = work / 'newsd.db'
    print(f'articles={a.articles} stored={stored} input_MB={total_bytes/1e6:.1f} workers={a.workers} '
          f'wall_s={wall:.2f} cpu_s={cpu:.2f} articles_per_s={stored/wall:.0f} '
          f'articles_per_cpu_s={stored/max(cpu,1e-9):.0f} peak_rss_MB={r1.ru_maxrss/1024:.0f} '
          f'db_MB={(db.stat().st_size + wal_size(db))/1e6:.1f}')
    if not a.keep:
        shutil.rmtree(work)


if __name__ == '__main__':
    main()
