"""A throw-away PostgreSQL 15 cluster for the scale benchmarks, started as
tests/support/pg_server.hpp starts the tests' one: initdb in a temp dir,
listening only on 127.0.0.1 on a free port, run as `nobody` when we are root
(PostgreSQL refuses to run as root). Unlike the tests' cluster, durability
stays on (fsync, synchronous_commit): the figures are meant to be a server's.

    with PgCluster() as pg:
        url = pg.create_database('newsd')    # libpq URI
        pg.cpu_seconds()                     # CPU of the postmaster and all its children so far
        pg.wal_bytes()                       # WAL written so far
"""
import os, shutil, socket, subprocess, tempfile, time
from pathlib import Path

PG_BIN = Path('/usr/lib/postgresql/15/bin')
USER = 'newsd'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def proc_stat(pid):
    """Fields of /proc/<pid>/stat after the command name (index 0 = field 3, the state)."""
    try:
        line = Path(f'/proc/{pid}/stat').read_text()
    except OSError:
        return None
    return line[line.rfind(')') + 2:].split()


def cpu_of(pid, with_reaped_children=False):
    """utime + stime of a process in seconds; with cutime + cstime too (its
    children that exited and were waited for) when asked."""
    f = proc_stat(pid)
    if f is None:
        return 0.0
    ticks = int(f[11]) + int(f[12]) + ((int(f[13]) + int(f[14])) if with_reaped_children else 0)
    return ticks / os.sysconf('SC_CLK_TCK')


def children_of(pid):
    kids = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            f = proc_stat(entry)
            if f is not None and int(f[1]) == pid:
                kids.append(int(entry))
    return kids


def memory_mb(pid, field='VmHWM'):
    """A memory figure of /proc/<pid>/status in MB: VmHWM (peak) or VmRSS (now); 0 when it has gone."""
    try:
        for line in Path(f'/proc/{pid}/status').read_text().splitlines():
            if line.startswith(field + ':'):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PgCluster:
    def __init__(self, shared_buffers='128MB', max_connections=100, autovacuum=True):
        self.options = {'shared_buffers': shared_buffers, 'max_connections': str(max_connections),
                        'autovacuum': 'on' if autovacuum else 'off'}
        self.dir = None
        self.port = None
        self.postmaster = None

    def _as_server_user(self, cmd):
        return ['runuser', '-u', 'nobody', '--', *cmd] if os.geteuid() == 0 else cmd

    def _pg_ctl(self, *args):
        return subprocess.run(self._as_server_user([str(PG_BIN / 'pg_ctl'), '-D', str(self.dir / 'data'), *args]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode

    def __enter__(self):
        if not (PG_BIN / 'postgres').exists():
            raise SystemExit('PostgreSQL 15 is missing: scripts/install-deps.sh installs postgresql-15')
        self.dir = Path(tempfile.mkdtemp(prefix='newsd-bench-pg-'))
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, 'nobody')
        rc = subprocess.run(self._as_server_user([str(PG_BIN / 'initdb'), '-D', str(self.dir / 'data'), '-U', USER,
                                                  '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-instructions']),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if rc != 0:
            raise SystemExit('initdb failed')
        # The port is free when chosen and may be taken a moment later.
        for _ in range(5):
            self.port = free_port()
            opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k '{self.dir}' " + ' '.join(
                f'-c {k}={v}' for k, v in self.options.items())
            if self._pg_ctl('-o', opts, '-l', str(self.dir / 'log'), '-w', '-t', '60', 'start') == 0:
                self.postmaster = int((self.dir / 'data' / 'postmaster.pid').read_text().split()[0])
                return self
        raise SystemExit(f'PostgreSQL did not start; see {self.dir}/log')

    def __exit__(self, *exc):
        if self.postmaster is not None:
            self._pg_ctl('stop', '-m', 'fast', '-w')
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db):
        return f'postgresql://{USER}@127.0.0.1:{self.port}/{db}'

    def psql(self, db, sql):
        out = subprocess.run([str(PG_BIN / 'psql'), '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', self.url(db),
                              '-c', sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if out.returncode != 0:
            raise SystemExit(f'psql: {out.stderr.strip()}')
        return out.stdout.strip()

    def create_database(self, name):
        self.psql('postgres', f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.psql('postgres', f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                              "LC_COLLATE 'C' LC_CTYPE 'C'")
        return self.url(name)

    def cpu_seconds(self):
        """CPU the whole server has used: the postmaster, its live children
        (backends, WAL writer, checkpointer…) and the children it has reaped
        (backends of connections since closed)."""
        return cpu_of(self.postmaster, with_reaped_children=True) + sum(
            cpu_of(kid) for kid in children_of(self.postmaster))

    def wal_bytes(self):
        return int(self.psql('postgres', "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"))
