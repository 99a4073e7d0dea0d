"""Pieces the out-of-process test runs share (the browser run, the fault run): ports, a real PDF, failing loudly."""
import os
import socket
import sys


def free_port():
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def failure(run_name, logs=lambda: []):
    """A function that stops the run with a message naming `run_name`, after the last error lines of each server log
    that `logs()` names (the servers' own account of a fault: the run's folder is removed after it)."""
    def fail(message):
        for path in logs():
            with open(path, errors="replace") as handle:
                errors = [line.rstrip() for line in handle if line.split(" ", 2)[1:2] in (["error"], ["critical"]) or "Fatal error" in line]
            for line in errors[-20:]:
                print("%s: %s" % (os.path.basename(path), line), file=sys.stderr)
        print("%s FAILED: %s" % (run_name, message), file=sys.stderr)
        raise SystemExit(1)
    return fail


def totp(secret, at):
    """RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret (spaces allowed), as an authenticator app computes it."""
    import base64
    import hashlib
    import hmac
    import struct
    secret = secret.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


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
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not bins:
            raise SystemExit("PostgreSQL server binaries are missing (scripts/install-test-deps installs them)")
        self.bin, self.folder, self.port = bins[-1], folder, free_port()
        self.data, self.sockets = os.path.join(folder, "pg"), os.path.join(folder, "pgsock")
        self.url = "postgres://ams@127.0.0.1:%d/ams" % self.port

    def _run(self, *arguments, check=True):
        import subprocess
        command = [os.path.join(self.bin, arguments[0])] + list(arguments[1:])
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        done = subprocess.run(command, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise SystemExit("%s failed: %s" % (arguments[0], (done.stdout + done.stderr)[-600:]))
        return done

    def create(self):
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


class AmsInstance:
    """One `ams serve` process on `port`, with `env` (its AMS_LISTEN set here), its output appended to `log_path`."""

    def __init__(self, ams, env, port, log_path):
        self.ams, self.port = ams, port
        self.env = dict(env, AMS_LISTEN="127.0.0.1:%d" % port)
        self.log = open(log_path, "a")
        self.process = None

    def start(self, timeout=60):
        """Starts it and waits until it answers /health/live."""
        import subprocess
        import time
        import urllib.request
        self.process = subprocess.Popen([self.ams, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("ams serve on port %d exited at start (%d)" % (self.port, self.process.returncode))
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/health/live" % self.port, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("ams serve on port %d did not come up" % self.port)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self, timeout=20):
        """SIGTERM: stops accepting, finishes what is in flight, exits; True when it did so within `timeout`."""
        import subprocess
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return False


class Nginx:
    """nginx (Debian) on a free loopback port as the load balancer in front of AMS instances: round robin, the
    client's address in X-Forwarded-For, bodies and answers held in memory (no temporary files), and a request whose
    connection an instance refuses (it is down or shutting down) passed to the next one — every time: no instance is
    set aside after a failure (`max_fails=0`), since a restarted one answers again within a second; a request already
    sent to an instance that dies is not sent again (it may have been acted on) and gets 502."""

    def __init__(self, folder, upstream_ports):
        self.folder, self.port = folder, free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        os.makedirs(folder, exist_ok=True)
        self.upstream_ports, self.down = list(upstream_ports), set()
        self.config = os.path.join(folder, "nginx.conf")
        self._write_config()
        self.process = None

    def _write_config(self):
        folder = self.folder
        servers = "".join("    server 127.0.0.1:%d max_fails=0%s;\n" % (port, " down" if port in self.down else "")
                          for port in self.upstream_ports)
        with open(self.config, "w") as handle:
            handle.write("""%(user)sworker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(dir)s/body; proxy_temp_path %(dir)s/proxy; fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi; scgi_temp_path %(dir)s/scgi;
  client_max_body_size 32m; client_body_buffer_size 32m; proxy_max_temp_file_size 0; proxy_buffers 64 64k;
  upstream ams {
%(servers)s  }
  server {
    listen 127.0.0.1:%(port)d;
    location / {
      proxy_pass http://ams;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
    }
  }
}
""" % {"dir": folder, "port": self.port, "servers": servers, "user": "user root;\n" if os.getuid() == 0 else ""})

    def drain(self, port, draining=True):
        """Takes the instance on `port` out of the rotation (`down`), or puts it back, as an operator does around a
        restart: nginx reloads its configuration, its old workers finish what they were doing, new connections go to
        the other instances only. Waits a second for the new workers to take over."""
        import subprocess
        import time
        if draining:
            self.down.add(port)
        else:
            self.down.discard(port)
        self._write_config()
        subprocess.run(["nginx", "-p", self.folder, "-c", self.config, "-s", "reload"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)

    def start(self):
        import subprocess
        import time
        self.process = subprocess.Popen(["nginx", "-p", self.folder, "-c", self.config, "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not come up (see %s/error.log)" % self.folder)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def error_log_tail(self, lines=10):
        """The last lines nginx logged (warnings and errors: upstreams refused, reset, timed out)."""
        try:
            with open(os.path.join(self.folder, "error.log")) as handle:
                return " | ".join(handle.read().splitlines()[-lines:])
        except OSError:
            return "(no error log)"


def start_instances(ams, env, ports, folder):
    """AMS instances sharing `env` (one database, data folder, document folder), one per port in `ports`, started
    one after the other: the first makes the server key, the KEK and the CA on a first start, the others find them."""
    instances = [AmsInstance(ams, env, port, os.path.join(folder, "ams-%d.log" % index)) for index, port in enumerate(ports)]
    for instance in instances:
        instance.start()
    return instances
