"""Pieces the out-of-process test runs share (the browser run, the fault run): ports, a real PDF, failing loudly."""
import socket
import sys


def free_port():
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def failure(run_name):
    """A function that stops the run with a message naming `run_name`."""
    def fail(message):
        print("%s FAILED: %s" % (run_name, message), file=sys.stderr)
        raise SystemExit(1)
    return fail


def minimal_pdf(title):
    """A small, well-formed one-page PDF (with a cross-reference table), as bytes."""
    body = "BT /F1 18 Tf 72 720 Td (%s) Tj ET" % title
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               "<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body), "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = "%PDF-1.7\n", []
    for number, text in enumerate(objects, 1):
        offsets.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (number, text)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + "".join("%010d 00000 n \n" % o for o in offsets)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out.encode()


class PostgresCluster:
    """A throwaway PostgreSQL cluster of its own (initdb in `folder`, a free loopback port), which a run may start,
    restart and stop at will. Runs the server binaries as the `postgres` account when started as root."""

    def __init__(self, folder):
        import glob
        import os
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not bins:
            raise SystemExit("PostgreSQL server binaries are missing (scripts/install-test-deps installs them)")
        self.bin, self.folder, self.port = bins[-1], folder, free_port()
        self.data, self.sockets = os.path.join(folder, "pg"), os.path.join(folder, "pgsock")
        self.url = "postgres://ams@127.0.0.1:%d/ams" % self.port

    def _run(self, *arguments, check=True):
        import os
        import subprocess
        command = [os.path.join(self.bin, arguments[0])] + list(arguments[1:])
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        done = subprocess.run(command, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise SystemExit("%s failed: %s" % (arguments[0], (done.stdout + done.stderr)[-600:]))
        return done

    def create(self):
        import os
        os.makedirs(self.data)
        os.makedirs(self.sockets)
        os.chmod(self.folder, 0o755)
        if os.getuid() == 0:
            import shutil
            shutil.chown(self.data, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run("initdb", "-D", self.data, "-U", "ams", "--auth=trust", "--no-sync", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "ams", "ams")

    def start(self):
        self._run("pg_ctl", "-D", self.data, "-l", self.data + "/server.log", "-w", "-o",
                  "-p %d -k %s -c listen_addresses=127.0.0.1" % (self.port, self.sockets), "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def query(self, sql, *arguments):
        """Rows of `sql` (`?` placeholders, string arguments) as tuples of strings, NULL as an empty string. Waits
        out a restart of the server (up to 60 s) instead of failing."""
        import subprocess
        import time
        pieces = sql.split("?")
        if len(pieces) != len(arguments) + 1:
            raise ValueError("placeholders and arguments do not match")
        text = pieces[0] + "".join("'%s'%s" % (str(a).replace("'", "''"), rest) for a, rest in zip(arguments, pieces[1:]))
        deadline = time.time() + 60
        while True:
            done = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\x1f", "-R", "\x1e", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                                   "-p", str(self.port), "-U", "ams", "ams", "-c", text], capture_output=True, text=True)
            if done.returncode == 0:
                break
            if done.returncode == 2 and time.time() < deadline:  # could not connect: the server is restarting
                time.sleep(0.3)
                continue
            raise RuntimeError("psql: " + done.stderr[-400:])
        out = done.stdout.rstrip("\n")
        return [tuple(row.split("\x1f")) for row in out.split("\x1e") if row != ""] if out else []


class SQLiteFile:
    """Read-only queries on an AMS SQLite database with the same answers as `PostgresCluster.query`."""

    def __init__(self, path):
        self.path = path
        self.url = "sqlite:" + path

    def query(self, sql, *arguments):
        import sqlite3
        connection = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True, timeout=30)
        try:
            rows = connection.execute(sql, arguments).fetchall()
        finally:
            connection.close()
        return [tuple("" if value is None else str(value) for value in row) for row in rows]
