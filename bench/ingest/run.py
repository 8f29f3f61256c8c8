#!/usr/bin/env python3
"""The streaming engine against real HTTP: N feeds x 20 pages served by Debian's
nginx on 127.0.0.1, one host name per feed (fNNNN.localhost, which libcurl
resolves to loopback without DNS), so per-host politeness applies as it would
across real sites.

usage: bench/ingest/run.py [--newsd build-rel/newsd] [--feeds 1000] [--pages 20] [--workers 2]
       bench/ingest/run.py --idle-feeds 10000   # `newsd run`'s RSS once every feed was polled

In one run, each twice (first pass, then the second pass that should be all
304s): Debian's `newsboat -x reload` (feeds only), `newsd once` with
fetch_articles = false (feeds only), `newsd once` (feeds and pages). Prints wall
time, CPU time and peak RSS of each, and for newsd's first passes the CPU time
of each thread by name and the time it was runnable but not running. Needs: nginx, newsboat
(scripts/install-deps.sh --all).

Pages carry what boilerplate removal is for: navigation, a related list, a
comment form and a footer, around Arabic or English bodies drawn from the
sample pages' own words (no two pages near-duplicates).
"""
import argparse, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGE = '''<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{title}</h1><p class="byline">{byline}</p><time datetime="2026-11-2{d}T08:00:00Z">2026-11-2{d}</time>
{body}</article>
<aside class="related"><h3>{related}</h3><ul>{links}</ul></aside>
<section id="comments"><form><textarea name="comment"></textarea><button>{send}</button></form>
<p>{disclaimer}</p></section></main>
<footer><p>© 2026 {site}</p><a href="#top">↑</a></footer></body></html>
'''


def words_of(path):
    text = path.read_text(encoding='utf-8', errors='replace')
    return ' '.join(re.findall(r'<p>([^<]{80,})</p>', text)).split()


def make_site(work, n_feeds, n_pages, rng):
    ar = words_of(next((ROOT / 'samples/pages').glob('seed-000*.html')))
    en = words_of(ROOT / 'samples/pages/en-nato-air-defence-stockpile.html')
    total = 0
    for f in range(n_feeds):
        lang, words = ('ar', ar) if f % 2 == 0 else ('en', en)
        host_dir = work / 'www' / f'f{f:04d}'
        (host_dir / 'a').mkdir(parents=True)
        items = []
        for p in range(n_pages):
            title = ' '.join(rng.choice(words) for _ in range(8))
            body = ''.join('<p>' + ' '.join(rng.choice(words) for _ in range(rng.randint(60, 90))) + '.</p>'
                           for _ in range(5))
            html = PAGE.format(
                lang=lang, dir='rtl' if lang == 'ar' else 'ltr', title=title, byline='Staff', d=p % 10, body=body,
                nav=''.join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(8)),
                related='Related' if lang == 'en' else 'ذات صلة',
                links=''.join(f'<li><a href="/a/{(p + i) % n_pages}.html">{rng.choice(words)} {rng.choice(words)}'
                              f'</a></li>' for i in range(1, 6)),
                send='Send', disclaimer='Comments do not reflect the views of the site.', site=f'site {f}')
            (host_dir / 'a' / f'{p}.html').write_text(html, encoding='utf-8')
            total += len(html.encode())
            items.append(f'<item><title>{title}</title><link>/a/{p}.html</link>'
                         f'<guid isPermaLink="false">f{f}-{p}</guid>'
                         f'<pubDate>Mon, 2{p % 10} Nov 2026 08:00:00 GMT</pubDate>'
                         f'<description>{" ".join(rng.choice(words) for _ in range(30))}</description></item>')
        (host_dir / 'feed.xml').write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f'<title>Bench {f}</title><link>http://f{f:04d}.localhost/</link>{"".join(items)}</channel></rss>',
            encoding='utf-8')
    return total


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start_nginx(work, port):
    conf = work / 'nginx.conf'
    conf.write_text(f'''
daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off; types {{ text/html html; application/rss+xml xml; }}
  client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp; fastcgi_temp_path {work}/tmp;
  uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
  server {{
    listen 127.0.0.1:{port};
    server_name ~^(?<site>f[0-9]+)\\.localhost$;
    root {work}/www/$site;
    etag on; if_modified_since exact; keepalive_requests 100000;
  }}
}}
''')
    (work / 'tmp').mkdir(exist_ok=True)
    proc = subprocess.Popen(['nginx', '-c', str(conf), '-e', str(work / 'nginx-error.log')])
    for _ in range(200):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit('nginx did not start: ' + (work / 'nginx-error.log').read_text())


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in open('/proc/stat').readline().split()[1:8]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def sample_threads(pid, seen):
    """Adds each thread's (name, on-CPU s, runnable-not-running s) to `seen`
    (by tid; the last sample of a thread that ends is what it had used)."""
    for task in Path(f'/proc/{pid}/task').glob('*'):
        try:
            name = (task / 'comm').read_text().strip()
            on_cpu, waiting = (int(x) / 1e9 for x in (task / 'schedstat').read_text().split()[:2])
        except (OSError, ValueError):
            continue
        seen[task.name] = (re.sub(r'-\d+$', '-*', name), on_cpu, waiting)


def timed(cmd, env=None, cwd=None, threads=None):
    """Runs cmd under /usr/bin/time; returns (wall_s, cpu_s, peak_rss_MB, returncode, stdout).
    With a dict as `threads`, also fills it with CPU use by thread name
    (name -> [threads, on-CPU s, runnable-not-running s], from
    /proc/PID/task/*/schedstat) and the machine's busy share of all cores
    over the run ('machine busy')."""
    busy0, total0 = cpu_ticks()
    # Files, not pipes: the output is read at the end, and a full pipe
    # would stop the run while the loop below samples it.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(['/usr/bin/time', '-f', '%e %U %S %M', *cmd], stdout=out, stderr=err, env=env,
                                cwd=cwd)
        seen = {}
        children = Path(f'/proc/{proc.pid}/task/{proc.pid}/children')
        while proc.poll() is None:
            if threads is not None:
                try:
                    for child in children.read_text().split():
                        sample_threads(child, seen)
                except OSError:
                    pass
            time.sleep(0.02)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    busy1, total1 = cpu_ticks()
    if threads is not None:
        for name, on_cpu, waiting in seen.values():
            t = threads.setdefault(name, [0, 0.0, 0.0])
            t[0] += 1
            t[1] += on_cpu
            t[2] += waiting
        threads['machine busy'] = (busy1 - busy0) / max(total1 - total0, 1)
    last = stderr.decode(errors='replace').strip().splitlines()[-1].split()
    wall, user, sys_, rss_kb = float(last[0]), float(last[1]), float(last[2]), int(last[3])
    return wall, user + sys_, rss_kb / 1024, proc.returncode, stdout.decode(errors='replace')


def newsd_config(work, port, n_feeds, fetch_articles, workers, name):
    feeds = ''.join(f'[[feeds]]\nurl = "http://f{f:04d}.localhost:{port}/feed.xml"\n'
                    f'fetch_articles = {"true" if fetch_articles else "false"}\n' for f in range(n_feeds))
    path = work / f'{name}.toml'
    path.write_text(
        '[log]\nlevel = "warn"\n'
        '[fetch]\nmax_connections = 64\nmax_per_host = 4\nmin_host_interval = "0s"\nrespect_robots_txt = false\n'
        f'[classify]\ntaxonomy = "{ROOT}/config/taxonomy/default.toml"\n'
        f'[store]\npath = "{name}.db"\nbatch_size = 256\n[daemon]\nworkers = {workers}\n{feeds}', encoding='utf-8')
    return path


def idle_rss(a, work):
    """`newsd run` over N small feeds: peak and idle RSS once every feed has
    been polled once and the daemon waits for the next due time."""
    rng = random.Random(3)
    make_site(work, a.idle_feeds, 1, rng)
    port = free_port()
    nginx = start_nginx(work, port)
    cfg = newsd_config(work, port, a.idle_feeds, False, a.workers, 'idle')
    import sqlite3
    try:
        t0 = time.perf_counter()
        daemon = subprocess.Popen([a.newsd, 'run', '--config', str(cfg)], cwd=work,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        polled = 0
        while time.perf_counter() - t0 < 600 and polled < a.idle_feeds:
            time.sleep(0.25)  # a count over the feeds table: cheap next to the daemon's work
            try:
                with sqlite3.connect(f'file:{work}/idle.db?mode=ro', uri=True, timeout=5) as db:
                    polled = db.execute('SELECT count(*) FROM feeds WHERE last_fetched_at IS NOT NULL').fetchone()[0]
            except sqlite3.Error:
                pass
        first_pass = time.perf_counter() - t0
        time.sleep(10)  # idle: every feed is scheduled minutes ahead
        status = Path(f'/proc/{daemon.pid}/status').read_text()
        rss = int(re.search(r'VmRSS:\s+(\d+)', status).group(1)) / 1024
        hwm = int(re.search(r'VmHWM:\s+(\d+)', status).group(1)) / 1024
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
    print(f'newsd run, {a.idle_feeds} feeds: all polled once in {first_pass:.1f} s ({polled} feeds); '
          f'idle RSS {rss:.1f} MB, peak {hwm:.1f} MB')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--newsd', default=str(ROOT / 'build-rel/newsd'))
    ap.add_argument('--feeds', type=int, default=1000)
    ap.add_argument('--pages', type=int, default=20)
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--keep', help='keep the work dir here')
    ap.add_argument('--idle-feeds', type=int, help='measure `newsd run` idle RSS with this many feeds instead')
    a = ap.parse_args()
    a.newsd = str(Path(a.newsd).resolve())
    for tool in ('nginx', 'newsboat'):
        if not shutil.which(tool):
            sys.exit(f'{tool} is missing: scripts/install-deps.sh --all')

    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix='newsd-bench-ingest-'))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if a.idle_feeds:
        idle_rss(a, work)
        if not a.keep:
            shutil.rmtree(work)
        return
    total = make_site(work, a.feeds, a.pages, random.Random(11))
    port = free_port()
    nginx = start_nginx(work, port)
    rows = []
    thread_use = {}
    try:
        # newsboat: feeds only, in a home of its own.
        home = work / 'newsboat-home'
        (home / '.newsboat').mkdir(parents=True)
        (home / '.newsboat' / 'urls').write_text(
            ''.join(f'http://f{f:04d}.localhost:{port}/feed.xml\n' for f in range(a.feeds)))
        (home / '.newsboat' / 'config').write_text('reload-threads 16\n')
        env = dict(os.environ, HOME=str(home))
        for p in (1, 2):
            rows.append(('newsboat -x reload', p, *timed(['newsboat', '-x', 'reload'], env=env)[:4]))
        for mode, fetch_articles in (('newsd feeds-only', False), ('newsd full', True)):
            cfg = newsd_config(work, port, a.feeds, fetch_articles, a.workers, mode.split()[1])
            for p in (1, 2):
                threads = thread_use.setdefault(mode, {}) if p == 1 else None
                wall, cpu, rss, rc, out = timed([a.newsd, 'once', '--config', str(cfg)], cwd=work, threads=threads)
                rows.append((mode, p, wall, cpu, rss, rc))
                if rc != 0:
                    print(f'{mode} pass {p} exited {rc}', file=sys.stderr)
                summary = out.strip().splitlines()[-1] if out.strip() else ''
                print(f'# {mode} pass {p}: {summary}', file=sys.stderr)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
    print(f'feeds={a.feeds} pages_per_feed={a.pages} site_MB={total / 1e6:.0f} workers={a.workers} nproc={os.cpu_count()}')
    print(f'{"run":<20} {"pass":>4} {"wall_s":>8} {"cpu_s":>8} {"peak_MB":>8} {"exit":>4}')
    for name, p, wall, cpu, rss, rc in rows:
        print(f'{name:<20} {p:>4} {wall:>8.2f} {cpu:>8.2f} {rss:>8.0f} {rc:>4}')
    nb = next(r for r in rows if r[0].startswith('newsboat') and r[1] == 1)
    fo = next(r for r in rows if r[0] == 'newsd feeds-only' and r[1] == 1)
    print(f'feeds-only speed vs newsboat (first pass): {nb[2] / max(fo[2], 1e-9):.1f}x')
    # Whether a pass waits on one thread or on the cores: a thread that
    # bounds it is on CPU nearly all the pass; threads that share too few
    # cores each spend much of it runnable but not running (which also
    # counts the delay between a wake-up and the thread running).
    for mode, threads in thread_use.items():
        busy = threads.pop('machine busy')
        print(f'{mode} pass 1 by thread (machine busy {100 * busy:.0f}% of {os.cpu_count()} cores):')
        for name, (n, on_cpu, waiting) in sorted(threads.items(), key=lambda kv: -kv[1][1]):
            label = f'{name} x{n}' if n > 1 else name
            print(f'  {label:<18} on CPU {on_cpu:5.2f} s   runnable, not running {waiting:5.2f} s')
    if not a.keep:
        shutil.rmtree(work)


if __name__ == '__main__':
    main()
