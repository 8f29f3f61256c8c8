#!/usr/bin/env python3
"""Delay from an entry's publication to its storage, in `newsd run`, for feeds
that publish once a minute and ask to be polled once a minute.

usage: bench/ingest/latency.py [--newsd build-rel/newsd] [--feeds 20] [--minutes 6] [--every 60]

A loopback HTTP server (Python's http.server on 127.0.0.1) serves N RSS feeds.
Feed i publishes a new entry every `--every` seconds, at times offset by
i * every / N so that the publications are spread over the minute; each
request sees exactly the entries whose publication time has passed (the last
ten), with that time as pubDate, and an ETag so unchanged polls are 304s.
Before the run each feed already lists ten past entries, so the daemon learns
the rhythm from its first poll, as it would from a real feed's history.

`newsd run` polls the feeds (interval = min_interval = the period,
fetch_articles = false) for `--minutes`; then the script reads every stored
article back and computes, for the entries published after the daemon
started, `fetched_at - published_at` (both whole seconds, as stored). It
prints p50, p95 and max, and the target (p95 <= 65 s for a 1-minute feed).
"""
import argparse, email.utils, http.server, math, signal, sqlite3, subprocess, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Feeds:
    """Which entries each feed shows at a given time."""

    def __init__(self, n, every, t0):
        self.n, self.every, self.t0 = n, every, t0

    def published(self, feed, now, keep=10):
        """Publication times (whole seconds) of the feed's last `keep` entries at `now`."""
        offset = feed * self.every / self.n
        k_last = math.floor((now - self.t0 - offset) / self.every)
        return [(k, int(self.t0 + offset + k * self.every)) for k in range(k_last, k_last - keep, -1)]

    def rss(self, feed, now):
        items = ''.join(
            f'<item><title>feed {feed} entry {k}</title><guid isPermaLink="false">f{feed}-e{k}</guid>'
            f'<pubDate>{email.utils.formatdate(at, usegmt=True)}</pubDate>'
            f'<description>Entry {k} of feed {feed}: the ministry said talks on the border treaty would '
            f'resume next week, officials said on {at}.</description></item>'
            for k, at in self.published(feed, now))
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f'<title>Latency {feed}</title><link>http://127.0.0.1/</link>{items}</channel></rss>')


def serve(feeds):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            try:
                feed = int(self.path.strip('/').removesuffix('.xml').removeprefix('feed'))
            except ValueError:
                self.send_error(404)
                return
            now = time.time()
            etag = f'"{feeds.published(feed, now, 1)[0][0]}"'
            if self.headers.get('If-None-Match') == etag:
                self.send_response(304)
                self.send_header('ETag', etag)
                self.end_headers()
                return
            body = feeds.rss(feed, now).encode()
            self.send_response(200)
            self.send_header('Content-Type', 'application/rss+xml')
            self.send_header('ETag', etag)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--newsd', default=str(ROOT / 'build-rel/newsd'))
    ap.add_argument('--feeds', type=int, default=20)
    ap.add_argument('--minutes', type=float, default=6)
    ap.add_argument('--every', type=int, default=60, help='seconds between entries, and the configured interval')
    ap.add_argument('--keep', help='keep the work dir here')
    a = ap.parse_args()
    a.newsd = str(Path(a.newsd).resolve())  # the daemon runs in the work dir

    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix='newsd-bench-latency-'))
    work.mkdir(parents=True, exist_ok=True)
    feeds = Feeds(a.feeds, a.every, time.time() - 20 * a.every)
    server = serve(feeds)
    port = server.server_address[1]
    period = f'{a.every}s'
    cfg = work / 'latency.toml'
    cfg.write_text(
        '[log]\nlevel = "warn"\n'
        '[fetch]\nmin_host_interval = "0s"\nrespect_robots_txt = false\n'
        f'[classify]\ntaxonomy = "{ROOT}/config/taxonomy/default.toml"\n'
        '[store]\npath = "latency.db"\n' +
        ''.join(f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed{i}.xml"\ninterval = "{period}"\n'
                f'min_interval = "{period}"\nfetch_articles = false\n' for i in range(a.feeds)),
        encoding='utf-8')
    started = int(time.time())
    daemon = subprocess.Popen([a.newsd, 'run', '--config', str(cfg)], cwd=work, stdout=subprocess.DEVNULL,
                              stderr=open(work / 'newsd.err', 'w'))
    try:
        time.sleep(a.minutes * 60)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        server.shutdown()
    with sqlite3.connect(f'file:{work}/latency.db?mode=ro', uri=True) as db:
        rows = db.execute('SELECT published_at, fetched_at FROM articles WHERE published_at > ?',
                          (started,)).fetchall()
    # Entries published in the last period may not have been polled yet: not counted.
    cutoff = started + a.minutes * 60 - a.every - 5
    delays = sorted(fetched - published for published, fetched in rows if published <= cutoff)
    window = math.ceil((cutoff - started) / a.every) + 1
    expected = sum(1 for i in range(a.feeds) for _, at in feeds.published(i, cutoff, window) if started < at <= cutoff)
    if not delays:
        sys.exit(f'nothing stored; see {work}/newsd.err')
    print(f'feeds={a.feeds} every={a.every}s minutes={a.minutes} entries={len(delays)} (published: {expected})')
    print(f'publish -> stored delay: p50 {percentile(delays, 50)} s, p95 {percentile(delays, 95)} s, '
          f'max {delays[-1]} s (target for a 1-minute feed: p95 <= 65 s)')


if __name__ == '__main__':
    main()
