#!/usr/bin/env python3
"""Measures the password-reset form's answer time for an existing and an unknown account (1000 pairs, alternating
order) against `ams serve` on a throwaway SQLite database: usage scripts/reset-timing.py .build/debug/ams.
A measurement for the security finding "reset requests take longer for existing accounts", not a test."""
import http.cookiejar, os, re, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Harness"))
from ams_harness import free_port
port = free_port(); base = "http://127.0.0.1:%d" % port
work = tempfile.mkdtemp()
env = dict(os.environ, AMS_LISTEN="127.0.0.1:%d" % port, AMS_BASE_URL=base, AMS_DATA_DIR=work, AMS_DATABASE_URL="sqlite:%s/ams.sqlite" % work,
           AMS_DIGEST_MINUTES="0", LOG_LEVEL="warning")
server = subprocess.Popen([sys.argv[1], "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/health"); break
        except OSError:
            time.sleep(0.1)
    subprocess.run([sys.argv[1], "user", "create", "--username", "budi", "--email", "budi@bssn.go.id", "--name", "Budi Santoso",
                    "--role", "ca_operator", "--nik", "3171011203850004"], env=env, check=True, capture_output=True)
    jar = http.cookiejar.CookieJar()
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k): return None
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/password/forgot").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    def ask(identifier):
        data = urllib.parse.urlencode({"_csrf": token, "identifier": identifier}).encode()
        start = time.perf_counter()
        try:
            opener.open(base + "/password/forgot", data=data)
        except urllib.error.HTTPError as e:
            assert e.code == 303, e.code
        return (time.perf_counter() - start) * 1000
    known, unknown = [], []
    for i in range(1000):
        if i % 2:
            known.append(ask("budi")); unknown.append(ask("nobody%d@nowhere.go.id" % i))
        else:
            unknown.append(ask("nobody%d@nowhere.go.id" % i)); known.append(ask("budi"))
    print("median ms: existing %.2f, unknown %.2f; p90: %.2f vs %.2f" % (statistics.median(known), statistics.median(unknown),
          sorted(known)[900], sorted(unknown)[900]))
finally:
    server.terminate(); server.wait()
