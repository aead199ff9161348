"""Build, start, inspect and stop the embedded development Neo4j.

The server is the official Neo4j community artifacts plus the one-class launcher in this package,
built with Maven on first use. It is for development, tests and CI only: production points
NEO4J_URI at a real server (or runs compose.yaml).

Everything the functions know about a running server lives on disk (`<data_dir>/neo4j-server.json`),
never in this module, so a later CLI invocation can find and stop a server an earlier one started.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "EmbeddedNeo4jError",
    "EmbeddedNeo4jUnavailable",
    "ServerInfo",
    "build",
    "start",
    "status",
    "stop",
]

Progress = Callable[[str], None]

MAIN_CLASS = "dev.provgraph.EmbeddedNeo4j"
READY_MARKER = "PROVGRAPH-NEO4J READY"
MIN_JAVA = 17
# Files shipped as package data; the build copies them out because site-packages may be read-only.
_SOURCES = ("pom.xml", "src/main/java/dev/provgraph/EmbeddedNeo4j.java")
_BUILD_MARKER = ".provgraph-build-ok"
_STATE_FILE = "neo4j-server.json"
_LOG_FILE = "neo4j.log"


class EmbeddedNeo4jUnavailable(RuntimeError):
    """Java 17+ or Maven is missing, so the embedded server cannot be built."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"The embedded development Neo4j is unavailable: {problem}. There are three ways out: "
            "install a JDK 17 (or newer) and Maven (e.g. `apt-get install openjdk-17-jdk-headless "
            "maven`) and retry; or set NEO4J_URI to an existing Neo4j 5 server (with NEO4J_USER "
            "and NEO4J_PASSWORD); or run Neo4j and the API with `docker compose up` using the "
            "repository's compose.yaml."
        )


class EmbeddedNeo4jError(RuntimeError):
    """The build failed, or the server did not become ready. The message ends with the log tail."""


@dataclass(frozen=True)
class ServerInfo:
    uri: str
    port: int
    pid: int
    data_dir: Path
    log_file: Path


# -------------------------------------------------------------------------------------------- build


def _stderr_progress(message: str) -> None:
    print(f"provgraph: {message}", file=sys.stderr, flush=True)


def _cache_root() -> Path:
    if explicit := os.environ.get("PROVGRAPH_CACHE_DIR"):
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "provgraph"


def _require_toolchain() -> tuple[str, str]:
    """Paths of `java` and `mvn`; EmbeddedNeo4jUnavailable names whichever is missing or too old."""
    java = shutil.which("java")
    if java is None:
        raise EmbeddedNeo4jUnavailable("`java` (JDK 17+) was not found on PATH")
    try:
        # `java -version` writes to stderr: openjdk version "17.0.15" ... (or "1.8.0_402" before 9).
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
        text = out.stderr + out.stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise EmbeddedNeo4jUnavailable(f"`{java} -version` failed ({exc})") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if match is None:
        raise EmbeddedNeo4jUnavailable(f"could not read the Java version from `{java} -version`")
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise EmbeddedNeo4jUnavailable(f"`{java}` is Java {major}, and Neo4j 5 needs Java 17+")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EmbeddedNeo4jUnavailable("Maven (`mvn`) was not found on PATH")
    return java, mvn


def _read_sources() -> dict[str, bytes]:
    package = resources.files(__package__ or "provgraph.embedded")
    return {rel: package.joinpath(rel).read_bytes() for rel in _SOURCES}


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock: released by the kernel even if this process dies."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _concise(line: str) -> str | None:
    """Shorten one Maven output line for progress display; None drops noise."""
    line = line.strip()
    if line.startswith("Downloading from "):
        return "maven: downloading " + line.rsplit("/", 1)[-1]
    if line.startswith(("[ERROR]", "[WARNING]")):
        return "maven: " + line
    if line.startswith("[INFO] Building ") or "BUILD SUCCESS" in line or "BUILD FAILURE" in line:
        return "maven: " + line.removeprefix("[INFO] ")
    return None


def build(progress: Progress | None = None) -> Path:
    """Build the launcher (once per launcher version) and return its Maven `target` directory.

    The returned directory holds `classes/` and `lib/`, the launcher's classpath. The first build
    downloads Neo4j's jars (~100 MB) into ~/.m2; Maven's output is reported through `progress`
    shortened (the full output is in `build.log` next to `target/`).
    """
    report = progress or _stderr_progress
    _java, mvn = _require_toolchain()
    sources = _read_sources()
    digest = hashlib.sha256()
    for rel, content in sorted(sources.items()):
        digest.update(rel.encode() + b"\0" + content + b"\0")
    # Keyed by content so an upgraded launcher gets a fresh build and never reuses stale classes.
    project = _cache_root() / "embedded-neo4j" / digest.hexdigest()[:12]
    target = project / "target"

    def built() -> bool:
        return (project / _BUILD_MARKER).exists() and (target / "classes").is_dir() and (
            target / "lib"
        ).is_dir()

    if built():
        return target
    with _locked(project.with_suffix(".lock")):
        if built():  # another process finished the build while we waited for the lock
            return target
        # No marker means no build or a half-finished one: start from a clean project directory.
        shutil.rmtree(project, ignore_errors=True)
        for rel, content in sources.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_bytes(content)
        report(f"building the embedded Neo4j in {project} (first use downloads Neo4j, ~100 MB)")
        tail: deque[str] = deque(maxlen=40)
        with open(project / "build.log", "w") as log:
            proc = subprocess.Popen(
                [mvn, "-B", "package", "-DskipTests"],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                log.write(line)
                tail.append(line.rstrip())
                if (short := _concise(line)) is not None:
                    report(short)
            code = proc.wait()
        if code != 0 or not (target / "classes").is_dir() or not (target / "lib").is_dir():
            raise EmbeddedNeo4jError(
                f"building the embedded Neo4j failed (mvn exit code {code}; full log in "
                f"{project / 'build.log'}):\n" + "\n".join(tail)
            )
        (project / _BUILD_MARKER).write_text(digest.hexdigest() + "\n")
        report("embedded Neo4j built")
    return target


# ---------------------------------------------------------------------------------- process control


def _port_open(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Same option the JVM's server socket uses, so TIME_WAIT leftovers of a previous server do
        # not make a usable port look taken; a live listener still makes bind fail.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int, data_dir: Path) -> bool:
    """True when `pid` is a running launcher for `data_dir` (guards against a recycled pid)."""
    try:
        # If the server is our own child (started in this process), reap it once it has exited:
        # a zombie still answers kill(pid, 0), which would make it look alive forever.
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not our child: its parent (or init) reaps it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # owned by another user, so not a server we started
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # Linux: make sure the pid was not recycled for an unrelated process
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            return False
        return MAIN_CLASS.encode() in args and str(data_dir / "neo4j").encode() in args
    return True


def _released(pid: int) -> bool:
    """True once `pid` holds nothing: gone, or a zombie. A process on its way out loses its command line
    (so `_alive` says no) a moment before it closes its files, and with them the store lock."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True  # our own child, reaped just now
    except ChildProcessError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return not Path("/proc/self").exists()  # no /proc to ask (not Linux): `_alive` is all we know
    return stat.rsplit(")", 1)[-1].split()[:1] in (["Z"], ["X"])


def _read_state(data_dir: Path) -> ServerInfo | None:
    try:
        raw = json.loads((data_dir / _STATE_FILE).read_text())
        return ServerInfo(
            uri=raw["uri"],
            port=int(raw["port"]),
            pid=int(raw["pid"]),
            data_dir=Path(raw["data_dir"]),
            log_file=Path(raw["log_file"]),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        (data_dir / _STATE_FILE).unlink(missing_ok=True)  # unreadable: treat as stale
        return None


def _write_state(info: ServerInfo) -> None:
    state = {
        "pid": info.pid,
        "port": info.port,
        "uri": info.uri,
        "data_dir": str(info.data_dir),
        "log_file": str(info.log_file),
    }
    path = info.data_dir / _STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(tmp, path)  # atomic: a concurrent status() never reads half a file


def _log_tail(log_file: Path, lines: int = 30) -> str:
    try:
        with open(log_file, errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines)).rstrip()
    except OSError:
        return "(no log)"


def status(data_dir: Path) -> ServerInfo | None:
    """The server running for `data_dir`, or None.

    A state file whose process is gone is removed. A live process whose port does not answer
    (starting up or shutting down) yields None but keeps its state file, so stop() can still end it.
    """
    data_dir = Path(data_dir).expanduser().resolve()
    info = _read_state(data_dir)
    if info is None:
        return None
    if not _alive(info.pid, data_dir):
        (data_dir / _STATE_FILE).unlink(missing_ok=True)
        return None
    return info if _port_open(info.port) else None


def start(
    data_dir: Path,
    port: int | None = None,
    *,
    detached: bool = True,
    progress: Progress | None = None,
    heap: str = "1g",
    pagecache_mb: int = 512,
    ready_timeout: float = 180.0,
) -> ServerInfo:
    """Start the embedded Neo4j for `data_dir` (or return the one already running) and wait for it.

    `detached=True` puts the server in its own session so it outlives the calling CLI; with
    `detached=False` it shares the caller's process group and so receives the caller's Ctrl-C.
    """
    report = progress or _stderr_progress
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if (running := status(data_dir)) is not None:
        return running
    target = build(report)  # also checks for Java 17+ and Maven
    java = shutil.which("java") or "java"

    # One starter per data dir: a second concurrent start waits, then finds the first's server.
    with _locked(data_dir / "neo4j-server.lock"):
        if (running := status(data_dir)) is not None:
            return running
        wanted = port if port is not None else int(os.environ.get("PROVGRAPH_NEO4J_PORT", 7687))
        chosen = wanted if _port_free(wanted) else _free_port()
        if chosen != wanted:
            report(f"port {wanted} is in use on 127.0.0.1; the embedded Neo4j uses port {chosen}")

        log_file = data_dir / _LOG_FILE
        if log_file.exists():  # keep the previous run's log: it may explain why that run died
            os.replace(log_file, log_file.with_suffix(".log.1"))
        command = [
            java,
            f"-Xmx{heap}",
            # The module opens Neo4j's own launcher passes: without them the page cache and Netty
            # fall back to slower code paths (and say so in the debug log).
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-cp",
            f"{target / 'classes'}{os.pathsep}{target / 'lib'}/*",
            MAIN_CLASS,
            str(data_dir / "neo4j"),
            str(chosen),
            str(pagecache_mb),
        ]
        report(f"starting the embedded Neo4j on bolt://127.0.0.1:{chosen} (data in {data_dir})")
        with open(log_file, "w") as log:
            proc = subprocess.Popen(
                command,
                cwd=data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=detached,
            )

        # Ready means the launcher said so (the default database answered a query) AND the port
        # accepts connections from here, so the first driver call cannot race the listener.
        deadline = time.monotonic() + ready_timeout
        try:
            while True:
                if proc.poll() is not None:
                    raise EmbeddedNeo4jError(
                        f"the embedded Neo4j exited with code {proc.returncode} before it was "
                        f"ready; last lines of {log_file}:\n{_log_tail(log_file)}"
                    )
                if READY_MARKER in log_file.read_text(errors="replace") and _port_open(chosen):
                    break
                if time.monotonic() > deadline:
                    raise EmbeddedNeo4jError(
                        f"the embedded Neo4j was not ready after {ready_timeout:g}s; "
                        f"last lines of {log_file}:\n{_log_tail(log_file)}"
                    )
                time.sleep(0.2)
        except BaseException:
            # Timeout or Ctrl-C: leave no half-started, untracked server holding the store lock.
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            raise

        info = ServerInfo(
            uri=f"bolt://127.0.0.1:{chosen}",
            port=chosen,
            pid=proc.pid,
            data_dir=data_dir,
            log_file=log_file,
        )
        _write_state(info)
        report(f"embedded Neo4j ready at {info.uri} (pid {info.pid}, log {log_file})")
        return info


def stop(data_dir: Path, timeout: float = 60.0) -> bool:
    """Stop the server for `data_dir`; True if one was running and is now stopped.

    SIGTERM runs the launcher's shutdown hook, which checkpoints and closes the store, so no
    committed data is lost. SIGKILL is the last resort after `timeout` (Neo4j then recovers on the
    next start).
    """
    data_dir = Path(data_dir).expanduser().resolve()
    info = _read_state(data_dir)
    if info is None:
        return False
    if not _alive(info.pid, data_dir):
        (data_dir / _STATE_FILE).unlink(missing_ok=True)
        return False
    try:
        os.kill(info.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass  # exited on its own just now
    deadline = time.monotonic() + timeout
    while _alive(info.pid, data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(info.pid, data_dir):
        try:
            os.kill(info.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while _alive(info.pid, data_dir):
            time.sleep(0.1)
    released_by = time.monotonic() + 10  # bounded: a recycled pid must not keep us here
    while not _released(info.pid) and time.monotonic() < released_by:
        time.sleep(0.05)
    (data_dir / _STATE_FILE).unlink(missing_ok=True)
    return True
