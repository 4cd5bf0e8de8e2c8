"""What `make scale-test` runs Bureau on: a PostgreSQL primary and its streaming replica,
a Redis, a loopback SMTP server and gunicorn app servers — all on loopback, on free
ports, in one temporary directory, and all stopped and removed by Stack.close().

PostgreSQL refuses to run as root: as root the clusters belong to an unprivileged user
(`nobody`, or BUREAU_SCALE_PG_USER) and its commands run through `runuser`.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
sys.path.insert(0, str(ROOT))
from tests.smtp import SmtpServer  # noqa: E402  (the loopback SMTP server of the mail tests)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def pg_tool(name: str) -> str:
    """A PostgreSQL program: BUREAU_SCALE_PG_BIN, Debian's newest /usr/lib/postgresql/N/bin,
    or the PATH."""
    folders = [os.environ.get("BUREAU_SCALE_PG_BIN", "")]
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    folders += [str(p) for p in reversed(versions)]
    for folder in filter(None, folders):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    if found := shutil.which(name):
        return found
    raise RuntimeError(f"{name} not found: install PostgreSQL or set BUREAU_SCALE_PG_BIN")


class Stack:
    """Everything started so far, so that close() can stop it in reverse order."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="bureau-scale-"))
        self.user = None
        if os.geteuid() == 0:
            self.user = os.environ.get("BUREAU_SCALE_PG_USER", "nobody")
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._stops: list = []

    def run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        """A PostgreSQL command, as the clusters' owner."""
        if self.user:
            args = ["runuser", "-u", self.user, "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)

    def spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        """A process in a session of its own (stopped with its children), output to a log."""
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 (closed by the process' end)
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._stops.append(lambda: _stop_group(process))
        return process

    def on_close(self, stop) -> None:
        self._stops.append(stop)

    def close(self) -> None:
        while self._stops:
            try:
                self._stops.pop()()
            except Exception as error:  # noqa: BLE001 (stop the rest anyway)
                print(f"  cleanup: {error}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class Postgres:
    """One cluster of the stack: `primary()` makes one with initdb, `replica_of()` one with
    pg_basebackup -R (streaming from the primary, read-only, `hot_standby` on)."""

    def __init__(self, stack: Stack, name: str):
        self.stack, self.name = stack, name
        self.data = stack.dir / name
        self.port = free_port()
        self.url = f"postgresql://bureau@{HOST}:{self.port}/bureau"
        self._options = ""
        stack.on_close(self.stop)

    @classmethod
    def primary(cls, stack: Stack) -> "Postgres":
        cluster = cls(stack, "primary")
        stack.run([pg_tool("initdb"), "-D", str(cluster.data), "-U", "bureau", "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"])  # fmt: skip
        cluster.start()
        with psycopg.connect(cluster.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE bureau")
        return cluster

    @classmethod
    def replica_of(cls, primary: "Postgres") -> "Postgres":
        cluster = cls(primary.stack, "replica")
        primary.stack.run([pg_tool("pg_basebackup"), "-h", HOST, "-p", str(primary.port),
                           "-U", "bureau", "-D", str(cluster.data), "-R", "-X", "stream",
                           "-c", "fast", "--no-sync"])  # fmt: skip
        # Every statement the replica runs goes to its log: the test reads who asked what.
        cluster.start("-c log_statement=all -c log_line_prefix='%m [%p] '")
        return cluster

    def start(self, extra: str = "") -> None:
        # fsync off: a throw-away cluster; nothing here measures durability.
        options = (f"-c port={self.port} -c listen_addresses={HOST} -c fsync=off "
                   f"-c unix_socket_directories={self.stack.dir} {extra}")  # fmt: skip
        self.stack.run([pg_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                        "-t", "60", "-o", options, "start"])  # fmt: skip
        self._options = extra

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stack.run([pg_tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def restart(self) -> None:
        self.start(self._options)

    @property
    def log(self) -> Path:
        return self.stack.dir / f"{self.name}.log"

    def query(self, sql: str, *params):
        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def caught_up_with(self, primary: "Postgres", timeout: float = 30) -> float:
        """Wait until the replica has replayed everything the primary has written by now;
        the seconds it took."""
        started = time.monotonic()
        target = primary.query("SELECT pg_current_wal_lsn()")[0][0]
        while time.monotonic() - started < timeout:
            lag = self.query("SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn())", target)[0][0]
            if lag <= 0:
                return time.monotonic() - started
            time.sleep(0.05)
        raise RuntimeError(f"the replica has not replayed {target} after {timeout} s")


def redis_server(stack: Stack) -> str:
    """A Redis of our own (no persistence) on a free port, or BUREAU_SCALE_REDIS_URL's
    database emptied (a previous run's counters would spoil the rate-limit check); its URL."""
    if override := os.environ.get("BUREAU_SCALE_REDIS_URL"):
        redis.Redis.from_url(override).flushdb()
        return override
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server not found: install it or set BUREAU_SCALE_REDIS_URL")
    port = free_port()
    stack.spawn("redis", [server, "--port", str(port), "--bind", HOST, "--save", "",
                          "--appendonly", "no", "--dir", str(stack.dir)])  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return f"redis://{HOST}:{port}/0"
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def smtp_server(stack: Stack) -> SmtpServer:
    server = SmtpServer().start()
    stack.on_close(server.stop)
    return server


class AppServer:
    """gunicorn as deployed (gunicorn.conf.py, as `make bench`) on a free port."""

    def __init__(self, stack: Stack, name: str, env: dict):
        self.name, self.env = name, env
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.process = stack.spawn(f"server-{name}", [
            str(BIN / "gunicorn"), "--bind", f"{HOST}:{self.port}", "--log-level", "warning",
            "wsgi:app",
        ], env)  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {self.name} did not answer /healthz")

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60, **kwargs)


def flask(env: dict, *args: str) -> str:
    """`flask --app wsgi ARGS` with the app servers' settings; its output."""
    return _run([str(BIN / "flask"), "--app", "wsgi", *args], env)


def python(env: dict, code: str, stdin: str) -> str:
    """Python code run in the app's folder with the app servers' settings."""
    return _run([sys.executable, "-c", code], env, stdin)


def _run(args: list[str], env: dict, stdin: str | None = None) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{done.stderr[-2000:]}")
    return done.stdout
