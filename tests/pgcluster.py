"""A throwaway PostgreSQL cluster in a temporary folder, for the city hub's tests and benches.

Debian's `postgresql` package puts initdb and pg_ctl under /usr/lib/postgresql/N/bin. As
root, initdb refuses to run, so the cluster belongs to `nobody` then; as a user, to the
user. It listens only on a Unix socket in its folder: nothing else on the machine sees it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_ROOT = Path("/usr/lib/postgresql")


def pg_bin() -> Path:
    versions = sorted(PG_ROOT.glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return versions[-1].parent


@dataclass
class Cluster:
    folder: Path
    port: int = 5432

    @property
    def dsn(self) -> str:
        return f"host={self.folder} port={self.port} user=postgres dbname=postgres"

    def _run(self, *cmd: str) -> None:
        if os.geteuid() == 0:
            cmd = ("runuser", "-u", "nobody", "--", *cmd)
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "nobody")
        bin_ = pg_bin()
        data = self.folder / "data"
        self._run(str(bin_ / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run(
            str(bin_ / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop")


def new_cluster() -> Cluster:
    folder = Path(tempfile.mkdtemp(prefix="hallcall-pg-"))
    folder.chmod(0o755)
    return Cluster(folder).start()
