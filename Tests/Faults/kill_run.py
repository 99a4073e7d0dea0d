#!/usr/bin/env python3
"""Faults, nothing lost. A bounded load of registration submissions, agency approvals, certificate issuances and
documents signed by a holder (passphrase and authenticator code) runs against `ams serve` on SQLite or on PostgreSQL
(a cluster of the run's own) while
- `ams serve` is killed with SIGKILL at random moments and restarted at once,
- the SMTP server is down twice for a few seconds and comes back,
- (PostgreSQL) in a second phase, PostgreSQL itself is restarted (fast and immediate shutdowns, i.e. also as after a
  crash) while AMS keeps running: AMS must answer 503 with Retry-After meanwhile and recover by itself.
Then: every request that got a 2xx is there; at least one document was signed, and every signature acknowledged is
in the audit log; no certificate exists without its record and its audit entries (an
intent cut short becomes `void` and is listed as revoked); `ams audit verify` passes; every queued mail arrives, each with its
own Message-ID, exactly once, or twice only when a fault struck between its two arrivals (it was in flight: the SMTP
server had accepted it, the fault came before the outbox recorded that; no sender can close that window over SMTP).
The figures are printed at the end.

With --cluster (issue 21) the same load, with an OCSP GET at every step, runs through nginx in front of three
`ams serve` instances sharing one
PostgreSQL, one data folder and one document folder, while one instance at a time is killed with SIGKILL and
restarted, or restarted gracefully (SIGTERM, then started again). Besides the invariants above: no request failed
but one in flight on a killed instance (nginx answers those 502; refused connections go to the next instance), a
revocation made through one instance is answered `revoked` by the OCSP responder of every instance, and every CA's
CRL numbers only ever grew, whichever instance published them. Then a rolling restart as an operator does it: each
instance in turn taken out of nginx's rotation, stopped with SIGTERM, started again and put back, under the same load,
during which not one request may fail.

Usage: Tests/Faults/kill_run.py [path/to/ams] [--postgres] [--cluster]   (exits non-zero on the first broken invariant)
"""
import email
import glob
import http.cookiejar
import mailbox
import os
import random
import re
import socket
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Harness"))
from ams_harness import Nginx, PostgresCluster, SQLiteFile, failure, free_port, minimal_pdf, start_instances, totp  # noqa: E402

ARGUMENTS = [a for a in sys.argv[1:] if not a.startswith("--")]
CLUSTER = "--cluster" in sys.argv[1:]
POSTGRES = "--postgres" in sys.argv[1:] or CLUSTER
ENGINE = "PostgreSQL, 3 instances behind nginx" if CLUSTER else "PostgreSQL" if POSTGRES else "SQLite"
AMS = ARGUMENTS[0] if ARGUMENTS else os.path.join(ROOT, ".build", "debug", "ams")
WORK = tempfile.mkdtemp(prefix="ams-faults-")
random.seed(int(os.environ.get("AMS_FAULT_SEED", "20261125")))

fail = failure("FAULT RUN (%s)" % ENGINE, logs=lambda: sorted(glob.glob(os.path.join(WORK, "ams-*.log"))))


PORT, SMTP_PORT = free_port(), free_port()
INSTANCE_PORTS = [PORT] + ([free_port(), free_port()] if CLUSTER else [])
NGINX = Nginx(os.path.join(WORK, "nginx"), INSTANCE_PORTS) if CLUSTER else None
BASE = NGINX.url if CLUSTER else "http://127.0.0.1:%d" % PORT
MAILDIR = os.path.join(WORK, "maildir")
DATA = os.path.join(WORK, "data")
STORE = PostgresCluster(WORK) if POSTGRES else SQLiteFile(os.path.join(DATA, "ams.sqlite"))
ENV = dict(os.environ, AMS_DATA_DIR=DATA, AMS_DATABASE_URL=STORE.url, AMS_LISTEN="127.0.0.1:%d" % PORT, AMS_BASE_URL=BASE, AMS_SMTP_HOST="127.0.0.1",
           AMS_TRUST_X_FORWARDED_FOR="true" if CLUSTER else "false",
           AMS_SMTP_PORT=str(SMTP_PORT), AMS_SMTP_TLS="none", AMS_SMTP_FROM="ams@bssn.go.id", AMS_MAIL_POLL_SECONDS="0.3",
           AMS_CERT_STALE_ISSUING_SECONDS="2", AMS_CERT_APPROVAL="false", AMS_MAIL_STALE_CLAIM_SECONDS="3", AMS_CERT_MAINTENANCE_SECONDS="1",
           # the load submits from one address far more often than the public form allows a person
           AMS_REGISTER_PER_ADDRESS_HOUR="100000", AMS_REGISTER_GLOBAL_HOUR="100000", AMS_REGISTER_WORK_BITS="0", AMS_UPLOAD_DISK_FLOOR_MB="0",
           LOG_LEVEL=os.environ.get("AMS_FAULT_LOG_LEVEL", "warning"))
FIGURES = {"requests sent": 0, "answers below 400": 0, "503 answers": 0, "connection failures": 0, "kills": 0, "restarts": 0,
           "SMTP outages": 0, "PostgreSQL restarts": 0}
if CLUSTER:
    FIGURES.update({"graceful restarts": 0, "502 answers": 0, "rolling restarts": 0})
# When each fault struck (time.time()): a mail may arrive twice only if a fault fell between its two arrivals.
FAULT_TIMES = []


class Unavailable(Exception):
    """The server answered 503: the database could not be reached; nothing was written, try again."""


class Server:
    """The AMS under test: one `ams serve`, or (--cluster) three behind nginx."""

    def __init__(self):
        self.lock = threading.Lock()
        self.instances = []

    def start(self):
        """Every instance, one after the other (the first makes the keys and the CA), then nginx."""
        self.instances = start_instances(AMS, ENV, INSTANCE_PORTS, WORK)
        if NGINX:
            NGINX.start()

    @property
    def process(self):
        return self.instances[0].process

    def kill_and_restart(self):
        """SIGKILL and start again; in a cluster, also a graceful restart of another instance every other time."""
        with self.lock:
            victim = random.choice(self.instances)
            FAULT_TIMES.append(time.time())
            victim.kill()
            FIGURES["kills"] += 1
            victim.start()
            FIGURES["restarts"] += 1
            if CLUSTER and FIGURES["kills"] % 2 == 0:
                other = random.choice([instance for instance in self.instances if instance is not victim])
                FAULT_TIMES.append(time.time())
                if not other.stop():
                    fail("an instance did not stop within 20 s of SIGTERM")
                other.start()
                FIGURES["graceful restarts"] += 1

    def stop(self):
        for instance in self.instances:
            if instance.process and instance.process.poll() is None and not instance.stop():
                fail("ams serve did not stop within 20 s of SIGTERM")
        if NGINX:
            NGINX.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like client: cookies, CSRF tokens from the page the form is on, no automatic redirects."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def send(self, path, data=None, headers=None):
        FIGURES["requests sent"] += 1
        request = urllib.request.Request(BASE + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body, location = response.status, response.read().decode("utf-8", "replace"), response.headers.get("Location")
        except urllib.error.HTTPError as error:
            status, body, location = error.code, error.read().decode("utf-8", "replace"), error.headers.get("Location")
        if 200 <= status < 400:
            FIGURES["answers below 400"] += 1
        if status == 503:
            FIGURES["503 answers"] += 1
            raise Unavailable()
        if CLUSTER and status in (502, 504):
            FIGURES["502 answers"] += 1
        if status >= 500 and status not in (502, 503, 504):
            FIGURES["server faults"] = FIGURES.get("server faults", 0) + 1
            fail("%s answered %d: a server fault, not an outage" % (path, status))
        return status, body, location

    def token(self, page):
        status, body, _ = self.send(page)
        match = re.search(r'name="_csrf" value="([^"]+)"', body)
        if not match:
            fail("no form token on %s (%d)" % (page, status))
        return match.group(1), body

    def post(self, path, fields, page=None, files=None):
        token, _ = self.token(page or path)
        fields = dict(fields, _csrf=token)
        if files:
            boundary = "amsfault" + uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, name, value)).encode())
            for name, (filename, content) in files.items():
                parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: application/pdf\r\n\r\n"
                              % (boundary, name, filename)).encode() + content + b"\r\n")
            parts.append(("--%s--\r\n" % boundary).encode())
            return self.send(path, b"".join(parts), {"Content-Type": "multipart/form-data; boundary=" + boundary})
        return self.send(path, urllib.parse.urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, username, password):
        status, _, location = self.post("/login", {"username": username, "password": password})
        if status != 303:
            fail("sign-in of %s refused (%d)" % (username, status))
        return location


def retrying(action, attempts=40):
    """Runs `action` until the server answers with something else than 503 (it or its database may be restarting);
    returns the answer."""
    for _ in range(attempts):
        try:
            return action()
        except Unavailable:
            time.sleep(0.3)
        except (OSError, urllib.error.URLError, ConnectionError):
            FIGURES["connection failures"] += 1
            time.sleep(0.3)
    fail("the server did not come back")


def applicant(index):
    """A distinct, valid applicant: NIP and NIK carry the birth date 1990-05-05; the sequence numbers vary."""
    names = ["Ani", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko"]
    return {"fullName": "Pemohon %s %s" % (names[index % 10], names[(index // 10) % 10]), "nip": "199005052015032%03d" % index, "nik": "137101450590%04d" % index,
            "email": "pemohon%d@sumbarprov.go.id" % index, "phone": "0812 3456 %04d" % index, "unit": "Bidang Persandian",
            "position": "Pranata Komputer"}


def wait_for_mail(address, pattern):
    deadline = time.time() + 60
    while time.time() < deadline:
        for message in mailbox.Maildir(MAILDIR, factory=None, create=False):
            parsed = email.message_from_bytes(message.as_bytes())
            if address in (parsed.get("To") or ""):
                body = (parsed.get_payload(decode=True) or b"").decode("utf-8", "replace")
                match = re.search(pattern, body)
                if match:
                    return match
        time.sleep(0.2)
    fail("no mail to %s matching %s" % (address, pattern))


def query(sql, *arguments):
    """Rows as tuples of strings, from either engine."""
    return STORE.query(sql, *arguments)


def count(sql, *arguments):
    return int(query(sql, *arguments)[0][0])


def health():
    """The status of GET /health, or None when nothing answers."""
    try:
        with urllib.request.urlopen(BASE + "/health", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 503 and error.headers.get("Retry-After") is None:
            fail("503 from /health without Retry-After")
        return error.code
    except OSError:
        return None


class SMTPServer:
    def __init__(self):
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "smtp-test-server.py"), "--port", str(SMTP_PORT),
                                         "--maildir", MAILDIR], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", SMTP_PORT), 0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        fail("the SMTP server did not come up")

    def stop(self):
        """SIGTERM; SIGKILL when it has not exited after 5 s (aiosmtpd can wait on a session AMS holds open): either
        way an outage for AMS."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def revoke_oldest(nip, holder_client):
    """The holder revokes their oldest issued certificate, if they have two or more; True when it was acknowledged."""
    rows = query("SELECT CAST(id AS TEXT) FROM certificates WHERE status = 'issued' AND holder_id = (SELECT id FROM users WHERE username = ?) "
                 "ORDER BY requested_at", nip)
    if len(rows) < 2:
        return False
    client, password = holder_client
    page = "/certificates/%s" % rows[0][0]
    status, _, _ = retrying(lambda: client.post(page + "/revoke", {"reason": "keyCompromise", "password": password}, page=page))
    if status == 303:
        FIGURES["revocations"] = FIGURES.get("revocations", 0) + 1
    return status == 303


def revoked_on_one_instance(holders, holder_clients):
    """A holder revokes a certificate through nginx (one instance acts); then every instance's OCSP responder,
    asked in turn through nginx (round robin), answers `revoked` for it, and `good` for one still issued."""
    import base64
    nip = holders[0][0]["nip"]
    rows = query("SELECT encode(certificate_der, 'base64') FROM certificates WHERE status = 'issued' "
                 "AND holder_id = (SELECT id FROM users WHERE username = ?) ORDER BY requested_at", nip)
    if len(rows) < 2:
        fail("the holder has fewer than two issued certificates to check OCSP with")
    (revoked_der,), (good_der,) = rows[0], rows[-1]
    if not revoke_oldest(nip, holder_clients[0]):  # the oldest: rows[0]
        fail("the revocation through nginx was refused")
    with urllib.request.urlopen(BASE + "/pki/ca/issuing.crt", timeout=10) as response:
        issuer = response.read()
    issuer_path = os.path.join(WORK, "issuing.pem")
    if not issuer.startswith(b"-----BEGIN"):
        issuer = subprocess.run(["openssl", "x509", "-inform", "DER"], input=issuer, capture_output=True).stdout
    with open(issuer_path, "wb") as handle:
        handle.write(issuer)
    for name, der, expected in [("revoked.pem", revoked_der, "revoked"), ("good.pem", good_der, "good")]:
        path = os.path.join(WORK, name)
        pem = subprocess.run(["openssl", "x509", "-inform", "DER"], input=base64.b64decode("".join(der.split())), capture_output=True).stdout
        with open(path, "wb") as handle:
            handle.write(pem)
        for _ in range(len(INSTANCE_PORTS) * 2):
            answer = subprocess.run(["openssl", "ocsp", "-issuer", issuer_path, "-cert", path, "-url", BASE + "/pki/ocsp", "-noverify",
                                     "-timeout", "20"], capture_output=True, text=True)
            if "%s: %s" % (path, expected) not in answer.stdout:
                fail("OCSP through nginx did not answer %s for %s: %s" % (expected, name, (answer.stdout + answer.stderr)[-300:]))
    FIGURES["OCSP answers checked through nginx"] = 4 * len(INSTANCE_PORTS)


def main():
    os.makedirs(MAILDIR)
    if POSTGRES:
        STORE.create()
    smtp = SMTPServer()
    smtp.start()
    server = Server()
    server.start()
    try:
        def cli(*arguments):
            done = subprocess.run([AMS] + list(arguments), env=ENV, capture_output=True, text=True)
            if done.returncode != 0:
                fail("ams %s: %s" % (" ".join(arguments), done.stderr[-400:]))
            return done.stdout

        cli("agency", "create", "--code", "DISKOMINFO-SUMBAR", "--name", "Diskominfo Provinsi Sumatera Barat", "--domains", "sumbarprov.go.id")
        cli("user", "create", "--username", "op.sumbar", "--email", "op.sumbar@sumbarprov.go.id", "--name", "Operator", "--role",
            "agency_operator", "--agency", "DISKOMINFO-SUMBAR", "--nik", "1371011203850003")
        cli("user", "create", "--username", "op.bsre", "--email", "op.bsre@bssn.go.id", "--name", "Operator BSrE", "--role", "ca_operator",
            "--nik", "3171011203850004")
        operators = {}
        for username, address in [("op.sumbar", "op.sumbar@sumbarprov.go.id"), ("op.bsre", "op.bsre@bssn.go.id")]:
            initial = wait_for_mail(address, r"(?:Kata sandi awal|Initial password): (\S{8})").group(1)
            client = Client()
            client.sign_in(username, initial)
            new = "Kopi Solok Manis %d Pagi!" % len(operators)
            status, _, location = client.post("/password/change", {"currentPassword": initial, "newPassword": new, "confirmPassword": new})
            if status != 303 or "/password/change" in (location or ""):
                fail("password change of %s refused (%d)" % (username, status))
            operators[username] = (client, new)
        agency_id = re.search(r'<option value="([0-9A-F-]{36})"', Client().send("/register")[1]).group(1)
        letter, decree = minimal_pdf("Surat Rekomendasi"), minimal_pdf("SK Jabatan")

        # two holders made the normal way, before the faults, to request certificates under them
        holders = []
        for index in (900, 901):
            person = applicant(index)
            status, body, _ = Client().post("/register", dict(person, agencyID=agency_id), files={
                "recommendationLetter": ("surat.pdf", letter), "jobDecree": ("sk.pdf", decree)})
            if status != 303:
                fail("the holder's request was refused (%d): %s" % (status, re.findall(r'field-error">([^<]+)', body)))
            request_id = query("SELECT id FROM registration_requests WHERE nip = ?", person["nip"])[0][0]
            holders.append((person, request_id))
        def act(client_name, nip, event, extra=None):
            client = operators[client_name][0]
            request_id, version = query("SELECT id, version FROM registration_requests WHERE nip = ?", nip)[0]
            fields = {"event": event, "version": str(version)}
            fields.update(extra or {})
            return client.post("/requests/%s/actions" % request_id, fields, page="/requests/%s" % request_id)
        checklist = {"checkLetterSigned": "yes", "checkDecreeMatches": "yes", "checkEmailOfficial": "yes"}
        def step(answer, what, accepted=(303,)):
            status, body, location = answer
            if status not in accepted:
                fail("%s refused (%d): %s" % (what, status, re.findall(r'(?:field-error|alert)[^>]*>([^<]+)', body)[:3]))
        for person, _ in holders:
            step(act("op.sumbar", person["nip"], "forward_to_ca", checklist), "forwarding")
            step(act("op.bsre", person["nip"], "register_identity"), "registering the identity")
            link = wait_for_mail(person["email"], r"(/activate/[A-Za-z0-9_\-]+)").group(1)
            step(Client().post(link, {"birthPlace": "Padang", "birthDate": "1990-05-05", "address": "Jl. Sudirman 51, Padang",
                                      "acceptTerms": "yes"}), "activation", accepted=(200, 303))
            step(act("op.sumbar", person["nip"], "confirm_data"), "confirming")
            step(act("op.bsre", person["nip"], "verify"), "verifying")
        holder_clients = []
        for person, _ in holders:
            initial = wait_for_mail(person["email"], r"(?:Kata sandi awal|Initial password): (\S{8})").group(1)
            client = Client()
            client.sign_in(person["nip"], initial)
            new = "Gulai Ikan Karang %s!" % person["nip"][-2:]
            status, _, location = client.post("/password/change", {"currentPassword": initial, "newPassword": new, "confirmPassword": new})
            if status != 303 or "/password/change" in (location or ""):
                fail("password change of a holder refused (%d)" % status)
            holder_clients.append((client, new))
        if count("SELECT COUNT(*) FROM users WHERE role = 'applicant'") != 2:
            fail("the two holders were not created")

        # the first holder signs documents under the load: a key AMS keeps under a passphrase, an authenticator app
        signer, signer_password = holder_clients[0]
        passphrase = "Rendang Daging Sapi 99 dari Padang"
        step(signer.post("/certificates/new", {"passphrase": passphrase, "passphraseConfirmation": passphrase,
                                               "password": signer_password}, page="/certificates/new", files={}), "the signer's certificate")
        _, page, _ = signer.post("/profile/authenticator/start", {}, page="/profile/authenticator")
        secret = re.search(r'id="authenticator-secret">([^<]+)<', page).group(1).replace(" ", "")
        enrolled = signer.post("/profile/authenticator/confirm", {"code": totp(secret, time.time())}, page="/profile/authenticator")
        step(enrolled, "enrolling the authenticator", accepted=(200,))
        recovery_codes = re.findall(r"<code>([^<]+)</code>", enrolled[1].split('id="recovery-codes"', 1)[-1].split("</ol>", 1)[0])
        if len(recovery_codes) != 10:
            fail("no recovery codes after enrolling the authenticator")
        with open(os.path.join(ROOT, "Tests", "Fixtures", "pdf-corpus", "marker-on-last-page.pdf"), "rb") as handle:
            document = handle.read()
        signed, code_windows, refusals = [], set(), []

        code_windows.add(int(time.time() // 30))  # the enrolment spent this window's code

        def sign_once():
            """One document signed with the passphrase and a second factor: the authenticator's code once per 30 s
            window (a code counts once), else one of the recovery codes; a refusal (a code spent by a request a fault
            cut short) is counted, not a failure."""
            window = int(time.time() // 30)
            if window not in code_windows:
                code_windows.add(window)
                code = totp(secret, time.time())
            elif recovery_codes:
                code = recovery_codes.pop()
            else:
                return
            status, body, _ = retrying(lambda: signer.post("/sign", {"passphrase": passphrase, "code": code},
                                                           page="/sign", files={"documents[]": ("nota-dinas.pdf", document)}))
            if status == 200 and body.startswith("%PDF"):
                signed.append(window)
            else:
                FIGURES["signatures refused"] = FIGURES.get("signatures refused", 0) + 1
                refusals.append("%d %s" % (status, re.findall(r'(?:field-error|alert)[^>]*>([^<]+)', body)[:2]))

        ocsp_path = None
        if CLUSTER:  # every PDF reader asks: an OCSP GET through nginx at every step of the load
            import base64
            der = base64.b64decode("".join(query("SELECT encode(certificate_der, 'base64') FROM certificates WHERE status = 'issued' "
                                                 "ORDER BY requested_at LIMIT 1")[0][0].split()))
            with urllib.request.urlopen(BASE + "/pki/ca/issuing.crt", timeout=10) as response:
                issuer = response.read()
            for name, content, form in [("ocsp-issuer.der", issuer, "issuer"), ("ocsp-leaf.der", der, "leaf")]:
                with open(os.path.join(WORK, name), "wb") as handle:
                    handle.write(content)
            for name in ["ocsp-issuer", "ocsp-leaf"]:
                subprocess.run(["openssl", "x509", "-inform", "DER", "-in", os.path.join(WORK, name + ".der"), "-out",
                                os.path.join(WORK, name + ".pem")], check=True, capture_output=True)
            subprocess.run(["openssl", "ocsp", "-issuer", os.path.join(WORK, "ocsp-issuer.pem"), "-cert", os.path.join(WORK, "ocsp-leaf.pem"),
                            "-no_nonce", "-reqout", os.path.join(WORK, "ocsp-request.der")], check=True, capture_output=True)
            with open(os.path.join(WORK, "ocsp-request.der"), "rb") as handle:
                ocsp_path = "/pki/ocsp/" + urllib.parse.quote(base64.b64encode(handle.read()).decode(), safe="")

        def ask_ocsp():
            status, _, _ = retrying(lambda: Client().send(ocsp_path))
            if status == 200:
                FIGURES["OCSP answers under load"] = FIGURES.get("OCSP answers under load", 0) + 1
            elif status not in (502, 504):
                fail("OCSP through nginx answered %d under load" % status)

        # the load, with disruptions at random moments
        submitted, forwarded, issued = [], [], []
        def load(indices, keep_going=lambda index: True):
            for index in indices:
                if not keep_going(index):
                    break
                person = applicant(index)
                status, _, _ = retrying(lambda: Client().post("/register", dict(person, agencyID=agency_id), files={
                    "recommendationLetter": ("surat.pdf", letter), "jobDecree": ("sk.pdf", decree)}))
                if status == 303:
                    submitted.append(person["nip"])
                if index % 3 == 0 and submitted:
                    nip = submitted[-1]
                    status, _, location = retrying(lambda: act("op.sumbar", nip, "forward_to_ca", checklist))
                    if status == 303 and "problem" not in (location or ""):
                        forwarded.append(nip)
                if index % 5 == 0:
                    for client, password in holder_clients:
                        csr = subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                              "-keyout", "/dev/null", "-subj", "/CN=x"], capture_output=True).stdout.decode()
                        status, _, location = retrying(lambda: client.post("/certificates/new", {"method": "csr", "csrText": csr,
                                                                                                  "password": password},
                                                                            page="/certificates/new", files={}))
                        if status == 303 and location and "/certificates/" in location:
                            issued.append(location.split("/certificates/")[1].split("?")[0])
                        else:  # the holder's previous intent, cut short, is still open until maintenance voids it
                            FIGURES["issuances refused"] = FIGURES.get("issuances refused", 0) + 1
                if CLUSTER and index % 10 == 0:
                    # a revocation through whichever instance nginx picks: each publishes new CRLs from there
                    revoke_oldest(holders[1][0]["nip"], holder_clients[1])
                if index % 4 == 0:
                    sign_once()
                if ocsp_path:
                    ask_ocsp()

        def while_running(disruptors, work):
            stop = threading.Event()
            threads = [threading.Thread(target=d, args=(stop,)) for d in disruptors]
            for thread in threads:
                thread.start()
            try:
                work()
            finally:
                stop.set()
                for thread in threads:
                    thread.join()

        def killer(stop):
            while not stop.is_set() and FIGURES["kills"] < int(os.environ.get("AMS_FAULT_KILLS", "8")):
                time.sleep(random.uniform(0.2, 1.0))
                if not stop.is_set():
                    server.kill_and_restart()

        def smtp_outages(stop):
            for _ in range(2):
                if stop.wait(random.uniform(1.0, 4.0)):
                    return
                FAULT_TIMES.append(time.time())
                smtp.stop()
                FIGURES["SMTP outages"] += 1
                stop.wait(4)
                smtp.start()

        # phase 1: ams serve killed and restarted, the SMTP server down twice
        while_running([killer, smtp_outages], lambda: load(range(1, 61)))

        # phase 2 (PostgreSQL): PostgreSQL restarted under load; ams serve must ride it out on its own
        recoveries = []
        if POSTGRES and not CLUSTER:
            pid = server.process.pid
            restarts_done = threading.Event()

            def restarter(stop):
                for mode in ["fast", "immediate", "fast"]:
                    if stop.wait(random.uniform(0.5, 1.5)):
                        break
                    FAULT_TIMES.append(time.time())
                    STORE.stop(mode)
                    FIGURES["PostgreSQL restarts"] += 1
                    answered = health()
                    if answered != 503:
                        fail("with PostgreSQL down (%s shutdown), /health answered %s instead of 503" % (mode, answered))
                    time.sleep(1.5)
                    STORE.start()
                    began = time.time()
                    while health() != 200:
                        if time.time() - began > 30:
                            fail("ams serve did not recover within 30 s of PostgreSQL coming back")
                        time.sleep(0.05)
                    recoveries.append(time.time() - began)
                restarts_done.set()
            # at least 30 more submissions, and the load goes on until all three restarts are done (bounded at 150)
            while_running([restarter], lambda: load(range(61, 151), keep_going=lambda index: index <= 90 or not restarts_done.is_set()))
            if FIGURES["PostgreSQL restarts"] != 3:
                fail("only %d PostgreSQL restarts happened under load" % FIGURES["PostgreSQL restarts"])
            if server.process.pid != pid or server.process.poll() is not None:
                fail("ams serve was restarted or died while PostgreSQL restarted")

        # phase 2 (--cluster): a rolling restart of all three instances, one after the other (SIGTERM, wait for the
        # exit, start again), under load: not one request may fail
        if CLUSTER:
            kinds = ["502 answers", "connection failures", "503 answers"]
            before = {kind: FIGURES[kind] for kind in kinds}
            rolled = threading.Event()

            def rolling_restart(stop):
                for instance in list(server.instances):
                    if stop.wait(random.uniform(0.5, 1.0)):
                        break
                    with server.lock:
                        # as an operator does it: out of nginx's rotation first (a listening socket closed under
                        # load refuses connections nginx has already handed a request to), SIGTERM, start, back in
                        NGINX.drain(instance.port)
                        FAULT_TIMES.append(time.time())
                        if not instance.stop():
                            fail("an instance did not stop within 20 s of SIGTERM in the rolling restart")
                        instance.start()
                        NGINX.drain(instance.port, draining=False)
                        FIGURES["rolling restarts"] += 1
                rolled.set()
            while_running([rolling_restart], lambda: load(range(61, 151), keep_going=lambda index: index <= 75 or not rolled.is_set()))
            if FIGURES["rolling restarts"] != len(server.instances):
                fail("only %d of %d instances were restarted in the rolling restart" % (FIGURES["rolling restarts"], len(server.instances)))
            failed = {kind: FIGURES[kind] - before[kind] for kind in kinds if FIGURES[kind] > before[kind]}
            if failed:
                fail("requests failed during the rolling restart (none may): %s; nginx: %s"
                     % (failed, NGINX.error_log_tail() if NGINX else ""))

        # let the last restart settle, maintenance void the cut intents, the outbox drain (retries back off 15 s, 30 s)
        time.sleep(4)
        deadline = time.time() + 150
        while time.time() < deadline and count("SELECT COUNT(*) FROM outbox_messages WHERE status != 'sent'") > 0:
            time.sleep(0.5)

        # invariants
        for nip in submitted:
            if not query("SELECT 1 FROM registration_requests WHERE nip = ?", nip):
                fail("an acknowledged submission is missing: %s" % nip)
        for nip in forwarded:
            status = query("SELECT status FROM registration_requests WHERE nip = ?", nip)[0][0]
            if status == "submitted":
                fail("an acknowledged forwarding is missing: %s" % nip)
        for certificate_id in issued:
            rows = query("SELECT status, CASE WHEN certificate_der IS NULL THEN 'no' ELSE 'yes' END FROM certificates "
                         "WHERE upper(CAST(id AS TEXT)) = ?", certificate_id.upper())
            if not rows or rows[0] not in (("issued", "yes"), ("revoked", "yes")):  # (--cluster revokes some on purpose)
                fail("an acknowledged issuance is missing or incomplete: %s %s" % (certificate_id, rows))
        if count("SELECT COUNT(*) FROM certificates WHERE status = 'issuing'"):
            fail("an issuance intent was left neither issued nor void")
        for serial, status in query("SELECT serial_hex, status FROM certificates WHERE serial_hex IS NOT NULL"):
            if not query("SELECT 1 FROM audit_entries WHERE action = 'certificate.issuing' AND CAST(details AS TEXT) LIKE ?", "%" + serial + "%"):
                fail("a serial without its intent's audit entry: %s" % serial)
            if status == "issued" and not query("SELECT 1 FROM audit_entries WHERE action = 'certificate.issued' AND CAST(details AS TEXT) LIKE ?",
                                                "%" + serial + "%"):
                fail("an issued certificate without its audit entry: %s" % serial)
        if not signed:
            fail("no document was signed under the load (refused: %s)" % refusals)
        if count("SELECT COUNT(*) FROM audit_entries WHERE action = 'signature.created'") < len(signed):
            fail("%d signatures acknowledged, fewer recorded in the audit log" % len(signed))
        voided = count("SELECT COUNT(*) FROM certificates WHERE status = 'void'")
        verify = subprocess.run([AMS, "audit", "verify"], env=ENV, capture_output=True, text=True)
        if verify.returncode != 0:
            fail("ams audit verify: " + verify.stdout + verify.stderr)
        pending = count("SELECT COUNT(*) FROM outbox_messages WHERE status != 'sent'")
        if pending:
            if POSTGRES:  # what the database is waiting on, for the failure report
                for row in query("SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 120) FROM pg_stat_activity "
                                 "WHERE datname = 'ams' AND pid != pg_backend_pid()"):
                    print("pg_stat_activity: %s" % (row,), file=sys.stderr)
            fail("%d mails were never delivered: %s" % (pending, query("SELECT status, attempts, last_error FROM outbox_messages WHERE status != 'sent'")))
        arrivals = {}  # Message-ID -> arrival times, from the Maildir file names ("<seconds>.M<microseconds>P...")
        box = mailbox.Maildir(MAILDIR, factory=None, create=False)
        for key in box.keys():
            seconds, rest = key.split(".M", 1)
            arrived = int(seconds) + int(rest.split("P", 1)[0]) / 1e6
            arrivals.setdefault(box.get_message(key).get("Message-ID"), []).append(arrived)
        ids = [message_id for message_id, times in arrivals.items() for _ in times]
        outbox = count("SELECT COUNT(*) FROM outbox_messages")
        retried = count("SELECT COUNT(*) FROM outbox_messages WHERE attempts > 1")
        duplicates = len(ids) - len(arrivals)
        if len(arrivals) != outbox:
            fail("%d mails queued but %d distinct ones arrived" % (outbox, len(arrivals)))
        queued_ids = {"<%s>" % row[0] for row in query("SELECT message_id FROM outbox_messages")}
        if set(arrivals) != queued_ids:
            fail("the mails that arrived are not the ones queued: %s" % sorted(set(arrivals) ^ queued_ids)[:5])
        # exactly once, except a mail in flight when a fault struck (accepted by the SMTP server, not yet marked
        # sent): it may arrive a second time, with the same Message-ID, and never more than twice. A mail is in flight
        # from its claim until its "sent" record: a fault (a PostgreSQL stop above all) may strike while the SMTP
        # exchange is still under way, shortly before the first arrival, and keep the record from being written.
        in_flight = 5.0
        for message_id, times in arrivals.items():
            if len(times) > 2:
                fail("%s arrived %d times" % (message_id, len(times)))
            if len(times) == 2 and not any(min(times) - in_flight <= fault <= max(times) for fault in FAULT_TIMES):
                fail("%s arrived twice with no fault while it was in flight (arrivals %s, faults %s)"
                     % (message_id, sorted(times), [round(f, 2) for f in FAULT_TIMES]))
        if duplicates > len(FAULT_TIMES):
            fail("%d mails arrived twice, more than the %d faults" % (duplicates, len(FAULT_TIMES)))
        # CRL numbers only ever grew, per CA, whichever instance published them (the audit log keeps each one)
        numbers = {}
        for label, details in query("SELECT target_id, CAST(details AS TEXT) FROM audit_entries WHERE action = 'crl.generated' ORDER BY sequence"):
            number = int(re.search(r'"number":"(\d+)"', details).group(1))
            if number <= numbers.get(label, -1):
                fail("CRL number of %s went from %d to %d" % (label, numbers[label], number))
            numbers[label] = number
        FIGURES["CRLs published"] = count("SELECT COUNT(*) FROM audit_entries WHERE action = 'crl.generated'")
        if CLUSTER:
            # no request failed but one in flight on a killed instance (one client: at most one in flight at a kill;
            # none in the rolling restart, checked above)
            if FIGURES["502 answers"] + FIGURES["connection failures"] > FIGURES["kills"]:
                fail("%d requests failed through nginx, more than the %d instances killed"
                     % (FIGURES["502 answers"] + FIGURES["connection failures"], FIGURES["kills"]))
            revoked_on_one_instance(holders, holder_clients)
        FIGURES.update({"signatures acknowledged": len(signed), "submissions acknowledged": len(submitted), "forwardings acknowledged": len(forwarded),
                        "issuances acknowledged": len(issued), "intents voided": voided, "mails queued": outbox,
                        "mails delivered after a failed attempt": retried, "mails arrived": len(ids), "mails arrived twice": duplicates})
        print("fault run (%s): " % ENGINE + ", ".join("%s %d" % item for item in FIGURES.items()))
        if refusals:
            print("fault run (%s): signatures refused: %s" % (ENGINE, "; ".join(refusals)))
        if recoveries:
            print("fault run (%s): ams serve answered again %.2f s at most after PostgreSQL came back (%s)"
                  % (ENGINE, max(recoveries), ", ".join("%.2f" % r for r in recoveries)))
        if duplicates:
            print("note: %d mails arrived twice, each with the same Message-ID and a fault between its two arrivals "
                  "(the SMTP server had accepted it, the fault struck before the outbox recorded it)" % duplicates)
    finally:
        server.stop()
        smtp.stop()
        if POSTGRES:
            STORE.stop("immediate")
        if os.environ.get("AMS_FAULT_KEEP"):
            print("kept: " + WORK)
        else:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
