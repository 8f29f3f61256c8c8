#!/usr/bin/env python3
"""Several `newsd run` workers on one PostgreSQL (issue 15, item 5).

usage: python3 bench/scale/run.py --newsd build-rel/newsd --feeds 300 --workers 1,2,3 [--pages 20] [--rounds 2]
                                  [--mode once|run]

Starts a PostgreSQL 15 cluster of its own (pgcluster.py: initdb in a temp dir,
127.0.0.1, a free port, as `nobody` when root) and bench/ingest/run.py's nginx
site (N feeds x P article pages, one host name per feed, so per-host
politeness applies as across real sites). Then, for each worker count W and
round, into a fresh database, W newsd workers go through:

  fresh       every feed new: P new articles per feed, pages fetched and stored
  unchanged   every feed due again, its feed.xml touched: a 200 whose entries are all known
  not-modified every feed due again, untouched: a 304
  startup     no feed to poll: what starting a worker costs, subtracted from the passes above

--mode once (the default): each pass is W `newsd once` processes, measured
from their start to their exit (their CPU and peak RSS from wait4()).
--mode run: each pass is W `newsd run` processes, ended when every feed was
polled since the pass began and the CPU of the workers and the server has
stopped growing, then stopped (SIGTERM); a pass is made due by setting
feeds.next_fetch_at in the database. `newsd run` on PostgreSQL needs the
outbox there (branch `pgoutbox`): on main its sink runner opens the SQLite
file. Per pass it reports
wall time, feeds/s, articles/s, the CPU of the newsd processes and of the
whole PostgreSQL server (postmaster and children, from /proc) separately
(autovacuum off: each pass ends with the VACUUM and CHECKPOINT it made
necessary, charged to it, so background work lands in no other pass),
per feed and per article, the WAL written, and the peak RSS of a worker.

The machine this runs on is usually shared: CPU time is the figure to use,
wall time and rates are only what this machine gave. Until workers lease
feeds (branch `lease`), W workers each poll every feed: the W > 1 rows then
measure duplicated work, not sharing.
"""
import argparse, importlib.util, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from pgcluster import PgCluster, cpu_of, memory_mb  # noqa: E402


def load_ingest_bench():
    # bench/ingest/run.py: the page corpus and the nginx site, reused as they are.
    spec = importlib.util.spec_from_file_location('ingest_bench', ROOT / 'bench/ingest/run.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ingest = load_ingest_bench()


def newsd_config(work, port, n_feeds, url, threads, name='scale'):
    feeds = ''.join(f'[[feeds]]\nurl = "http://f{f:04d}.localhost:{port}/feed.xml"\n' for f in range(n_feeds))
    path = work / f'{name}.toml'
    path.write_text(
        '[log]\nlevel = "warn"\n'
        '[fetch]\nmax_connections = 64\nmax_per_host = 4\nmin_host_interval = "0s"\nrespect_robots_txt = false\n'
        f'[classify]\ntaxonomy = "{ROOT}/config/taxonomy/default.toml"\n'
        f'[store]\nbackend = "postgresql"\nurl = "{url}"\nbatch_size = 256\n'
        f'[daemon]\nworkers = {threads}\n{feeds}', encoding='utf-8')
    return path


class Pass:
    """One pass of W newsd workers, measured from their start to its end."""

    def __init__(self, a, pg, db, cfg, work, n_workers):
        self.a, self.pg, self.db, self.cfg, self.work, self.n = a, pg, db, cfg, work, n_workers

    def polled_since(self, t0):
        return int(self.pg.psql(self.db, f'SELECT count(*) FROM feeds WHERE last_fetched_at >= {int(t0)}'))

    def articles_table_exists(self):
        return self.pg.psql(self.db, "SELECT to_regclass('articles') IS NOT NULL") == 't'

    def articles(self):
        # Before the first worker has created the schema there are none.
        return int(self.pg.psql(self.db, 'SELECT count(*) FROM articles')) if self.articles_table_exists() else 0

    def run(self, expect_polls):
        """Starts the workers and waits for them (`once`: until they exit;
        `run`: until every feed was polled, when `expect_polls`, and their CPU
        is quiet, then stops them); returns the figures."""
        articles0, wal0, pg_cpu0 = self.articles(), self.pg.wal_bytes(), self.pg.cpu_seconds()
        t0 = time.time()
        logs = [open(self.work / f'worker{i}.log', 'ab') for i in range(self.n)]
        procs = [subprocess.Popen([self.a.newsd, self.a.mode, '--config', str(self.cfg)], cwd=self.work,
                                  stdout=subprocess.DEVNULL, stderr=log) for log in logs]
        try:
            if self.a.mode == 'once':
                wall, newsd_cpu, rss = self.wait_exit(procs, t0)
            else:
                wall, newsd_cpu, rss = self.wait_quiet(procs, t0, expect_polls)
        finally:
            for p in procs:
                if p.returncode is None:
                    p.send_signal(signal.SIGTERM)
                    p.wait(timeout=120)
            for log in logs:
                log.close()
        # The maintenance the pass made necessary, done now and charged to it,
        # rather than by autovacuum or a timed checkpoint in a later pass:
        # VACUUM merges the GIN pending list (the deferred part of indexing
        # each article) and clears dead rows. Not ANALYZE: its cost follows the
        # table's size (a sample of up to 30,000 rows), not the pass's work.
        if self.articles_table_exists():
            self.pg.psql(self.db, 'VACUUM')
        self.pg.psql(self.db, 'CHECKPOINT')
        return dict(wall=wall, newsd_cpu=newsd_cpu, pg_cpu=self.pg.cpu_seconds() - pg_cpu0,
                    articles=self.articles() - articles0, wal=self.pg.wal_bytes() - wal0, rss=rss)

    def wait_exit(self, procs, t0):
        """`newsd once` workers: their own CPU and peak RSS from wait4()."""
        cpu, rss, ended = 0.0, 0.0, t0
        for p in procs:
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                raise SystemExit(f'newsd once exited {p.returncode}; see {self.work}/worker*.log')
            cpu += usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss / 1024)
            ended = max(ended, time.time())
        return ended - t0, cpu, rss

    def wait_quiet(self, procs, t0, expect_polls):
        """`newsd run` workers: done when every feed was polled since t0 and
        the CPU of the workers and the server has stopped growing."""
        polled, quiet_since, last_cpu = 0, None, -1.0
        while time.time() - t0 < self.a.timeout:
            time.sleep(1)
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f'a worker exited early; see {self.work}/worker*.log')
            cpu = sum(cpu_of(p.pid) for p in procs) + self.pg.cpu_seconds()
            if expect_polls:
                polled = self.polled_since(t0)
            done = polled >= self.a.feeds if expect_polls else True
            if done and cpu - last_cpu < 0.02 * self.n:
                quiet_since = quiet_since or time.time()
                if time.time() - quiet_since >= self.a.quiet:
                    # The pass ended when CPU stopped growing, not after the quiet wait.
                    return (quiet_since - t0, sum(cpu_of(p.pid) for p in procs),
                            max(memory_mb(p.pid) for p in procs))
            else:
                quiet_since = None
            last_cpu = cpu
        raise SystemExit(f'pass not done in {self.a.timeout} s ({polled}/{self.a.feeds} feeds polled)')

    def make_due(self, when):
        self.pg.psql(self.db, f'UPDATE feeds SET next_fetch_at = {int(when)}')


def one_round(a, pg, site, port, n_workers, rnd):
    db = f'scale_w{n_workers}_r{rnd}'
    url = pg.create_database(db)
    work = Path(tempfile.mkdtemp(prefix=f'newsd-scale-w{n_workers}-'))
    cfg = newsd_config(work, port, a.feeds, url, a.threads)
    runner = Pass(a, pg, db, cfg, work, n_workers)
    rows = {'fresh': runner.run(expect_polls=True)}
    for feed in (site / 'www').glob('f*/feed.xml'):  # new validators, same entries
        os.utime(feed, (time.time() + 60 * rnd + 60, time.time() + 60 * rnd + 60))
    runner.make_due(0)
    rows['unchanged'] = runner.run(expect_polls=True)
    runner.make_due(0)
    rows['not-modified'] = runner.run(expect_polls=True)
    if a.mode == 'run':
        runner.make_due(time.time() + 86400)
        rows['startup'] = runner.run(expect_polls=False)
    else:
        # `once` polls every configured feed, due or not: a worker without
        # feeds, on a database of its own already migrated by a first start.
        empty = Pass(a, pg, db + '_empty', newsd_config(work, port, 0, pg.create_database(db + '_empty'), a.threads,
                                                        'empty'), work, n_workers)
        empty.run(expect_polls=False)
        rows['startup'] = empty.run(expect_polls=False)
        pg.psql('postgres', f'DROP DATABASE "{db}_empty" WITH (FORCE)')
    rows['db_MB'] = int(pg.psql(db, 'SELECT pg_database_size(current_database())')) / 1e6
    pg.psql('postgres', f'DROP DATABASE "{db}" WITH (FORCE)')
    shutil.rmtree(work)
    return rows


def report(a, results):
    print(f'feeds={a.feeds} pages_per_feed={a.pages} threads_per_worker={a.threads} nproc={os.cpu_count()} '
          f'load_avg={os.getloadavg()[0]:.1f} rounds={a.rounds} (median of rounds; CPU in seconds)')
    print(f'{"W":>2} {"pass":<13} {"wall_s":>7} {"feeds/s":>8} {"art/s":>7} {"articles":>8} '
          f'{"newsd_cpu":>9} {"pg_cpu":>7} {"newsd_ms/feed":>13} {"pg_ms/feed":>10} '
          f'{"newsd_ms/art":>12} {"pg_ms/art":>9} {"WAL_KB":>10} {"peak_MB":>7}')
    print('   (WAL_KB: per poll on the unchanged and not-modified rows, per article on the fresh row)')
    for w, rounds in results.items():
        med = lambda p, k: statistics.median(r[p][k] for r in rounds)  # noqa: E731
        startup_newsd, startup_pg = med('startup', 'newsd_cpu'), med('startup', 'pg_cpu')
        polls = a.feeds  # the workers lease each feed, so a pass polls it once in all
        # A poll that finds nothing new, net of startup; a fresh poll costs that plus its new articles.
        per_feed = {p: ((med(p, 'newsd_cpu') - startup_newsd) / polls, (med(p, 'pg_cpu') - startup_pg) / polls)
                    for p in ('unchanged', 'not-modified')}
        for p in ('fresh', 'unchanged', 'not-modified', 'startup'):
            wall, arts = med(p, 'wall'), med(p, 'articles')
            ncpu, pcpu = med(p, 'newsd_cpu'), med(p, 'pg_cpu')
            n_polls = polls if p != 'startup' else 0
            line = (f'{w:>2} {p:<13} {wall:>7.2f} {n_polls / wall:>8.1f} {arts / wall:>7.1f} '
                    f'{arts:>8.0f} {ncpu:>9.2f} {pcpu:>7.2f}')
            if p in per_feed:
                line += f' {per_feed[p][0] * 1e3:>13.2f} {per_feed[p][1] * 1e3:>10.2f} {"":>12} {"":>9}'
                line += f' {med(p, "wal") / polls / 1e3:>10.1f}'
            elif p == 'fresh':
                fn, fp = per_feed['unchanged']
                arts = max(arts, 1)
                line += f' {"":>13} {"":>10} {(ncpu - startup_newsd - fn * polls) / arts * 1e3:>12.2f}'
                wal = med(p, 'wal') - med('unchanged', 'wal')
                line += f' {(pcpu - startup_pg - fp * polls) / arts * 1e3:>9.2f} {wal / arts / 1e3:>10.1f}'
            else:
                line += f' {"":>13} {"":>10} {"":>12} {"":>9} {"":>10}'
            print(line + f' {med(p, "rss"):>7.0f}')
        print(f'{w:>2} database after the passes: {statistics.median(r["db_MB"] for r in rounds):.0f} MB')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--newsd', default=str(ROOT / 'build-rel/newsd'))
    ap.add_argument('--feeds', type=int, default=300)
    ap.add_argument('--pages', type=int, default=20)
    ap.add_argument('--workers', default='1,2,3', help='worker counts to run, comma-separated')
    ap.add_argument('--mode', choices=('once', 'run'), default='once',
                    help='`newsd once` per pass, or `newsd run` stopped when quiet (needs the outbox on PostgreSQL)')
    ap.add_argument('--threads', type=int, default=2, help='[daemon] workers of each newsd process')
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--quiet', type=float, default=3, help='seconds of no CPU growth that end a pass')
    ap.add_argument('--json', help='also write every round\'s raw figures to this file')
    ap.add_argument('--timeout', type=float, default=900, help='seconds a pass may take')
    a = ap.parse_args()
    a.newsd = str(Path(a.newsd).resolve())
    site = Path(tempfile.mkdtemp(prefix='newsd-scale-site-'))
    site.chmod(0o755)  # nginx's workers run as nobody when we are root
    ingest.make_site(site, a.feeds, a.pages, ingest.random.Random(11))
    port = ingest.free_port()
    nginx = ingest.start_nginx(site, port)
    results = {}
    try:
        with PgCluster(max_connections=100, autovacuum=False) as pg:
            for w in (int(x) for x in a.workers.split(',')):
                results[w] = [one_round(a, pg, site, port, w, r) for r in range(a.rounds)]
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
        shutil.rmtree(site)
    report(a, results)
    if a.json:
        Path(a.json).write_text(json.dumps({'args': vars(a), 'results': results}, indent=1))


if __name__ == '__main__':
    main()
