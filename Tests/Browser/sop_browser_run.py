#!/usr/bin/env python3
"""The whole SOP in a real browser (headless Chromium through selenium), against `ams serve` on a fresh SQLite
database with a real SMTP server: request with both PDFs, one return and a resubmission, forwarding, the activation
link opened from the received mail, verification, first sign-in with the mailed password and the forced change, a
certificate with a passphrase and its download; an authenticator app enrolled (zbar reads its QR code) and a document
signed visibly at its text marker as PAdES B-LTA (pyHanko validates the download, also offline as B-LTA, zbar reads
the signature's QR code and its link opens the public record); the certificate's revocation; then openssl sees it revoked in the CRL and over OCSP.
Every page is saved as a screenshot under test-output/browser/ and checked for a heading, no server error and no
broken asset; one bad submission per form must show its errors. At the end the log, the database and the mail store
are searched for every password, passphrase, token and key used: none may appear in clear.

Usage: Tests/Browser/sop_browser_run.py [path/to/ams]   (exits non-zero on the first failed check)
"""
import base64
import email
import glob
import mailbox
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Harness"))
from ams_harness import failure, free_port, minimal_pdf, totp  # noqa: E402

AMS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "ams")
OUT = os.path.join(ROOT, "test-output", "browser")
WORK = tempfile.mkdtemp(prefix="ams-browser-")
DOWNLOADS = os.path.join(WORK, "downloads")
SECRETS = []          # every password, passphrase, token and key used
CHECKS = {"pages": 0, "bad_submissions": 0, "mails": 0}
AGENCY_NAME = "Dinas Komunikasi, Informatika dan Statistik Provinsi Sumatera Barat"
AGENCY_CERTIFICATE_NAME = "Diskominfotik Provinsi Sumatera Barat"
PHONE_WIDTH = 375


fail = failure("BROWSER RUN", logs=lambda: glob.glob(os.path.join(WORK, "ams.log")))


def check(condition, message):
    if not condition:
        fail(message)


PORT, SMTP_PORT = free_port(), free_port()
BASE = "http://127.0.0.1:%d" % PORT
MAILDIR = os.path.join(WORK, "maildir")
DATA = os.path.join(WORK, "data")
ENV = dict(os.environ, AMS_DATA_DIR=DATA, AMS_LISTEN="127.0.0.1:%d" % PORT, AMS_BASE_URL=BASE,
           AMS_SMTP_HOST="127.0.0.1", AMS_SMTP_PORT=str(SMTP_PORT), AMS_SMTP_TLS="none",
           AMS_SMTP_FROM="ams@bssn.go.id", AMS_MAIL_POLL_SECONDS="0.3", AMS_UPLOAD_DISK_FLOOR_MB="64", LOG_LEVEL="info")


def ams(*arguments):
    done = subprocess.run([AMS] + list(arguments), env=ENV, capture_output=True, text=True)
    check(done.returncode == 0, "ams %s: %s" % (" ".join(arguments), done.stderr[-500:]))
    return done.stdout


def mails_to(address):
    box = mailbox.Maildir(MAILDIR, factory=None, create=False)
    found = []
    for message in box:
        parsed = email.message_from_bytes(message.as_bytes())
        if address in (parsed.get("To") or ""):
            body = parsed.get_payload(decode=True)
            if body is None and parsed.is_multipart():
                body = parsed.get_payload(0).get_payload(decode=True)
            found.append((parsed.get("Subject") or "", (body or b"").decode("utf-8", "replace")))
    return found


def wait_for_mail(address, pattern, already=0):
    deadline = time.time() + 30
    while time.time() < deadline:
        for subject, body in mails_to(address)[already:] if already else mails_to(address):
            match = re.search(pattern, body)
            if match:
                CHECKS["mails"] += 1
                return match
        time.sleep(0.3)
    fail("no mail to %s matching %s" % (address, pattern))


def sign_visibly(applicant, chain, passphrase):
    """The holder enrols an authenticator app (zbar reads the enrolment QR code), then signs a document visibly at
    its text marker as B-LTA with a mailed code; the download validates in pyHanko (and in its long-term validation,
    offline), zbar reads the signature's QR code from the rendered page, and its link opens the signature's public
    record."""
    applicant.go("/profile/authenticator")
    applicant.submit("form[action='/profile/authenticator/start']")
    qr = applicant.driver.find_element(By.ID, "authenticator-qr")
    shot = os.path.join(WORK, "enrol-qr.png")
    open(shot, "wb").write(base64.b64decode(qr.screenshot_as_base64))
    uri = subprocess.run(["zbarimg", "--quiet", "--raw", shot], capture_output=True, text=True).stdout.strip()
    secret = applicant.driver.find_element(By.ID, "authenticator-secret").text
    SECRETS.append(secret.replace(" ", ""))
    check(uri.startswith("otpauth://totp/") and "secret=" + secret.replace(" ", "") in uri, "zbar did not read the enrolment QR code: " + uri)
    applicant.fill({"code": "000000"})
    applicant.submit("form[action='/profile/authenticator/confirm']")
    applicant.expect_form_errors("authenticator code")
    applicant.fill({"code": totp(secret, time.time())})
    applicant.submit("form[action='/profile/authenticator/confirm']")
    recovery = [e.text for e in applicant.driver.find_elements(By.CSS_SELECTOR, "#recovery-codes code")]
    SECRETS.extend(recovery)
    check(len(recovery) == 10, "no recovery codes after enrolment")

    applicant.go("/sign")
    applicant.submit("form[action='/sign/code']")
    code = wait_for_mail(applicant.address, r"Kode untuk menandatangani 1 dokumen: ([0-9]{6})").group(1)
    SECRETS.append(code)
    document = os.path.join(ROOT, "Tests", "Fixtures", "pdf-corpus", "marker-on-last-page.pdf")
    form = applicant.driver.find_element(By.CSS_SELECTOR, "form[action='/sign'][enctype]")
    form.find_element(By.NAME, "documents[]").send_keys(document)
    form.find_element(By.ID, "appearance-visible").click()
    applicant.fill({"position": "marker"})
    applicant.driver.execute_script("document.getElementById('position').dispatchEvent(new Event('change'))")
    check(applicant.driver.find_element(By.ID, "marker").is_displayed(), "the marker field did not show for the marker position")
    # pdf.js (Debian's libjs-pdf, installed for the tests) previews the last page
    WebDriverWait(applicant.driver, 20).until(lambda d: d.find_element(By.ID, "preview").is_displayed())
    CHECKS["page previews"] = CHECKS.get("page previews", 0) + 1
    applicant.fill({"marker": "#ttd_kepala#", "reason": "Menyetujui surat", "level": "B-LTA", "passphrase": passphrase, "code": code})
    applicant.driver.save_screenshot(os.path.join(OUT, "%03d-sign-form.png" % (CHECKS["pages"] + 1)))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    signed_path = os.path.join(DOWNLOADS, "marker-on-last-page-ttd.pdf")
    for _ in range(300):
        if os.path.exists(signed_path):
            break
        time.sleep(0.1)
    check(os.path.exists(signed_path), "the signed document did not download")
    # the form is usable again and says it is done, the passphrase cleared
    WebDriverWait(applicant.driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "form[action='/sign'][enctype] button[type=submit]").is_enabled())
    check(applicant.driver.find_element(By.ID, "passphrase").get_attribute("value") == "", "the passphrase stayed in the form after signing")
    time.sleep(0.5)
    root = os.path.join(WORK, "sign-root.pem")
    open(root, "wb").write(re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", chain, re.S)[-1])
    verdict = subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "Signing", "pyhanko_validate.py"), signed_path, root],
                             capture_output=True, text=True)
    check("intact=True valid=True trusted=True" in verdict.stdout and "timestamp=trusted" in verdict.stdout
          and "page=2" in verdict.stdout and "appearance=yes" in verdict.stdout
          and "document-timestamp intact=True valid=True trusted=True" in verdict.stdout, "pyHanko on the signed download: " + verdict.stdout + verdict.stderr)
    # asked for as B-LTA: pyHanko's long-term validation passes offline with AMS's root as the only trust anchor
    ltv = subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "Signing", "pyhanko_ltv.py"), signed_path, root],
                         capture_output=True, text=True)
    check("lta=PASSED level=B-LTA" in ltv.stdout, "pyHanko's long-term validation of the B-LTA download: " + ltv.stdout + ltv.stderr[-800:])
    rendered = os.path.join(WORK, "signed-page-2.png")
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray", "-r200", "-dFirstPage=2", "-dLastPage=2",
                    "-sOutputFile=" + rendered, signed_path], check=True)
    link = subprocess.run(["zbarimg", "--quiet", "--raw", rendered], capture_output=True, text=True).stdout.strip()
    check(link.startswith(BASE + "/v/"), "zbar did not read the signature's QR code: " + link)
    stranger = Browser()
    try:
        stranger.go(link)
        check(applicant.full_name in stranger.driver.find_element(By.TAG_NAME, "body").text, "the signature's record page does not name the signer")
        # the reader checks the copy in hand against the record
        stranger.driver.find_element(By.ID, "document").send_keys(signed_path)
        stranger.submit("form[action^='/v/']")
        check("sama persis" in stranger.driver.find_element(By.ID, "record-comparison").text, "the record page did not recognise the signed file")
        # "Verifikasi dokumen": anyone verifies the download
        stranger.go("/verifikasi")
        stranger.driver.find_element(By.ID, "document").send_keys(signed_path)
        stranger.submit("form[action='/verifikasi']")
        conclusion = stranger.driver.find_element(By.ID, "verify-conclusion").get_attribute("data-conclusion")
        check(conclusion == "VALID", "the verification page did not find the signed download valid: %s" % conclusion)
        report = stranger.driver.find_element(By.ID, "verify-report").text
        check("PAdES B-LTA" in report and "Cap waktu dokumen" in report, "the verification page does not show the B-LTA level and the document time-stamp")
        # printed, the summary stands alone: the upload form and the navigation are not printed
        stranger.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        check(stranger.driver.find_element(By.ID, "verify-report").is_displayed()
              and not stranger.driver.find_element(By.CSS_SELECTOR, "form[action='/verifikasi']").is_displayed(),
              "the printed verification page is not the summary alone")
        stranger.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    finally:
        stranger.quit()
    CHECKS["documents signed"] = CHECKS.get("documents signed", 0) + 1


def sample_pdf(title):
    path = os.path.join(WORK, title.replace(" ", "-") + ".pdf")
    with open(path, "wb") as handle:
        handle.write(minimal_pdf(title))
    return path


def start_chrome(options, attempts=3):
    """Chromium, started again when it dies before its first page: on a loaded two-core machine it has now and then
    exited while starting ("chrome not reachable"). Each attempt's driver log goes to the run's scratch directory (it
    echoes what is typed, test passwords included) and the last one is printed when every attempt fails, so a real
    breakage still fails the run, with its cause."""
    driver_binary = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    for attempt in range(1, attempts + 1):
        handle, log_path = tempfile.mkstemp(prefix="chromedriver-", suffix=".log", dir=WORK)
        os.close(handle)
        try:
            return webdriver.Chrome(service=Service(driver_binary, log_output=log_path), options=options)
        except Exception as error:  # noqa: BLE001 - selenium raises several kinds for a browser that did not start
            print("chromium did not start (attempt %d of %d): %s" % (attempt, attempts, str(error).splitlines()[0]), flush=True)
            if attempt == attempts:
                with open(log_path, errors="replace") as log:
                    print("".join(log.readlines()[-40:]), flush=True)
                raise
            time.sleep(3 * attempt)


class Browser:
    def __init__(self):
        options = Options()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=id"]:
            options.add_argument(argument)
        # signed documents download here (the signing step reads them back)
        options.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS, "download.prompt_for_download": False})
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary:
            options.binary_location = binary
        self.driver = start_chrome(options)
        self.driver.implicitly_wait(2)

    def go(self, path):
        self.driver.get(path if path.startswith("http") else BASE + path)
        return self.page()

    def page(self, name=None):
        """Screenshot and the checks every page gets: a heading, no server error, no broken asset."""
        driver = self.driver
        CHECKS["pages"] += 1
        # named by the first path segment only: later segments can be tokens, which must not land in file names
        path = driver.current_url.replace(BASE, "").split("?")[0].strip("/")
        label = name or re.sub(r"[^a-z0-9]+", "-", path.split("/")[0].lower()) or "root"
        driver.save_screenshot(os.path.join(OUT, "%03d-%s.png" % (CHECKS["pages"], label)))
        headings = [h.text.strip() for h in driver.find_elements(By.CSS_SELECTOR, "h1")]
        check(headings and headings[0], "no heading on %s" % driver.current_url)
        text = driver.find_element(By.TAG_NAME, "body").text
        for bad in ["Internal Server Error", "Kesalahan server", "Server error", "Fatal error", "Traceback"]:
            check(bad not in text, "server error text on %s" % driver.current_url)
        assets = [e.get_attribute("href") for e in driver.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet], link[rel=icon]")]
        assets += [e.get_attribute("src") for e in driver.find_elements(By.CSS_SELECTOR, "img, script[src]")]
        for asset in filter(None, assets):
            if asset.startswith(BASE):
                with urllib.request.urlopen(asset) as response:
                    check(response.status == 200, "broken asset %s on %s" % (asset, driver.current_url))
        return headings[0]

    def fill(self, values):
        for name, value in values.items():
            element = self.driver.find_element(By.NAME, name)
            if element.get_attribute("type") in ("date",):
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            elif element.get_attribute("type") == "checkbox":
                if bool(value) != element.is_selected():
                    element.click()
            elif element.tag_name == "select":
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.clear()
                element.send_keys(value)

    def submit(self, form_selector="main form"):
        form = self.driver.find_elements(By.CSS_SELECTOR, form_selector)[-1] if "last" in form_selector else \
            self.driver.find_element(By.CSS_SELECTOR, form_selector)
        if form.get_attribute("data-work-challenge"):
            # the public form's proof of work (form-work.js) runs while the form is filled in; a person who clicks
            # early gets "finishing, then sending", a test waits so it reads the page that answers the form
            started = time.time()
            WebDriverWait(self.driver, 120).until(lambda _: form.find_element(By.NAME, "work").get_attribute("value"))
            CHECKS["proof of work waited (ms)"] = max(CHECKS.get("proof of work waited (ms)", 0), int((time.time() - started) * 1000))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        return self.page()

    def expect_form_errors(self, what):
        errors = self.driver.find_elements(By.CSS_SELECTOR, ".field-error, .alert")
        check(errors and any(e.text.strip() for e in errors), "no form errors shown for the bad %s" % what)
        CHECKS["bad_submissions"] += 1

    def act(self, event, extra=None):
        form = self.driver.find_element(By.XPATH, "//form[.//input[@name='event' and @value='%s']]" % event)
        for name, value in (extra or {}).items():
            element = form.find_element(By.NAME, name)
            if element.get_attribute("type") == "checkbox":
                element.click()
            elif element.tag_name == "select":
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        return self.page()

    def sign_in(self, username, password):
        self.go("/login")
        self.fill({"username": username, "password": password})
        return self.submit("form[action='/login']")

    def first_sign_in(self, username, address, new_password):
        initial = wait_for_mail(address, r"(?:Kata sandi awal|Initial password): (\S{8})").group(1)
        SECRETS.extend([initial, new_password])
        self.sign_in(username, initial)
        check("/password/change" in self.driver.current_url, "no forced password change for %s" % username)
        self.fill({"currentPassword": initial, "newPassword": "pendek", "confirmPassword": "pendek"})
        self.submit("form[action='/password/change']")
        self.expect_form_errors("password change")
        self.fill({"currentPassword": initial, "newPassword": new_password, "confirmPassword": new_password})
        self.submit("form[action='/password/change']")
        check("/password/change" not in self.driver.current_url, "password change refused for %s" % username)

    def fits_phone(self, path, selector):
        """At 375 px, every element matching `selector` is shown and lies within the screen's width."""
        self.driver.set_window_size(PHONE_WIDTH, 812)
        try:
            self.driver.get(BASE + path)
            width = self.driver.execute_script("return document.documentElement.clientWidth")
            scrolls = self.driver.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth")
            check(not scrolls, "the page scrolls sideways at phone width: " + path)
            elements = self.driver.find_elements(By.CSS_SELECTOR, selector)
            check(elements, "nothing matches %s at phone width on %s" % (selector, path))
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", elements[0])
            self.page("phone-" + re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].strip("/").lower()))
            for element in elements:
                rect = element.rect
                check(element.is_displayed() and rect["x"] >= 0 and rect["x"] + rect["width"] <= width,
                      "%s is hidden or cut off at phone width on %s (%s)" % (selector, path, rect))
            CHECKS["phone_pages"] = CHECKS.get("phone_pages", 0) + 1
        finally:
            self.driver.set_window_size(1280, 1600)

    def cookies(self):
        return "; ".join("%s=%s" % (c["name"], c["value"]) for c in self.driver.get_cookies())

    def download(self, path):
        request = urllib.request.Request(BASE + path, headers={"Cookie": self.cookies()})
        with urllib.request.urlopen(request) as response:
            return response.read()

    def quit(self):
        self.driver.quit()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    os.makedirs(MAILDIR)
    os.makedirs(DOWNLOADS)
    smtp = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "smtp-test-server.py"), "--port", str(SMTP_PORT),
                             "--maildir", MAILDIR], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log_path = os.path.join(WORK, "ams.log")
    log = open(log_path, "w")
    server = subprocess.Popen([AMS, "serve"], env=ENV, stdout=log, stderr=subprocess.STDOUT)
    browsers = []
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(BASE + "/health") as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            fail("ams serve did not start")
        # the real, 67-character name of the agency: certificates carry its shorter certificate name
        ams("agency", "create", "--code", "DISKOMINFO-SUMBAR", "--name", AGENCY_NAME,
            "--certificate-name", AGENCY_CERTIFICATE_NAME, "--domains", "sumbarprov.go.id")
        ams("user", "create", "--username", "op.sumbar", "--email", "op.sumbar@sumbarprov.go.id", "--name", "Operator Diskominfo",
            "--role", "agency_operator", "--agency", "DISKOMINFO-SUMBAR", "--nik", "1371011203850003")
        ams("user", "create", "--username", "op.bsre", "--email", "op.bsre@bssn.go.id", "--name", "Operator BSrE", "--role", "ca_operator",
            "--nik", "3171011203850004")
        applicant, agency_op, ca_op = Browser(), Browser(), Browser()
        browsers.extend([applicant, agency_op, ca_op])
        letter, decree = sample_pdf("Surat Rekomendasi"), sample_pdf("SK Jabatan")
        address = "siti.rahmawati@sumbarprov.go.id"

        # 1. the request, in Bahasa Indonesia; first one bad submission
        applicant.go("/register")
        applicant.submit("form[action='/register']")
        applicant.expect_form_errors("registration request")
        agency_value = applicant.driver.execute_script(
            "return Array.from(document.querySelectorAll('select[name=agencyID] option')).map(o => o.value).filter(v => v)[0]")
        applicant.fill({"fullName": "Siti Rahmawati", "nip": "199005052015032001", "nik": "1371014505900002", "email": address,
                        "phone": "0812 3456 7890", "unit": "Bidang Persandian", "position": "Pranata Komputer Ahli Muda",
                        "agencyID": agency_value})
        applicant.driver.find_element(By.NAME, "recommendationLetter").send_keys(letter)
        applicant.driver.find_element(By.NAME, "jobDecree").send_keys(decree)
        applicant.submit("form[action='/register']")
        status_path = wait_for_mail(address, r"(/status/[A-Za-z0-9_\-]+)").group(1)
        SECRETS.append(status_path.rsplit("/", 1)[1])

        # 2. the agency operator returns it once
        agency_op.first_sign_in("op.sumbar", "op.sumbar@sumbarprov.go.id", "Kopi Solok Manis 2026!")
        agency_op.go("/requests")
        tab = agency_op.driver.find_element(By.CSS_SELECTOR, "nav.tabs a[aria-current='page']").text
        check(tab.startswith("Menunggu saya (1)"), "the queue does not open on what waits for the operator: " + tab)
        agency_op.driver.find_element(By.CSS_SELECTOR, "table a[href^='/requests/']").click()
        agency_op.page("request")
        request_url = agency_op.driver.current_url
        agency_op.act("forward_to_ca")
        agency_op.expect_form_errors("forwarding without the checklist")
        agency_op.go(request_url)
        agency_op.act("return_to_applicant", {"reason": "Surat rekomendasi belum ditandatangani"})

        # 3. the applicant corrects and resubmits from the status link in the mail; the stepper says it is their turn
        applicant.go(status_path)
        current = applicant.driver.find_element(By.CSS_SELECTOR, "ol.stepper li[aria-current='step']").text
        check("Pemeriksaan operator instansi" in current, "the stepper does not show the agency check in progress: " + current)
        check("Giliran Anda" in applicant.driver.find_element(By.CSS_SELECTOR, "p.next-step").text, "the next step is not the applicant's")
        applicant.fill({"position": "Pranata Komputer Ahli Muda"})
        applicant.driver.find_element(By.NAME, "recommendationLetter").send_keys(sample_pdf("Surat Rekomendasi Bertanda Tangan"))
        applicant.submit("form[action$='/resubmit']")

        # 4. the agency operator forwards, the CA operator sends the activation link
        agency_op.go(request_url)
        agency_op.act("forward_to_ca", {"checkLetterSigned": True, "checkDecreeMatches": True, "checkEmailOfficial": True})
        ca_op.first_sign_in("op.bsre", "op.bsre@bssn.go.id", "Rendang Padang Pedas 2026!")
        ca_op.go(request_url)
        ca_op.act("register_identity")
        activation = wait_for_mail(address, r"(/activate/[A-Za-z0-9_\-]+)").group(1)
        SECRETS.append(activation.rsplit("/", 1)[1])

        # 5. the applicant opens the activation link from the mail and completes the data
        applicant.go(activation)
        applicant.submit("form[action^='/activate/']")
        applicant.expect_form_errors("activation")
        applicant.fill({"birthPlace": "Padang", "birthDate": "1990-05-05", "address": "Jl. Jend. Sudirman No. 51, Padang",
                        "acceptTerms": True})
        applicant.submit("form[action^='/activate/']")

        # 6. agency and CA operators verify; the account is created and its password mailed
        agency_op.go(request_url)
        agency_op.act("confirm_data")
        ca_op.go(request_url)
        ca_op.act("verify")

        # the status page now offers the way in
        applicant.go(status_path)
        check(applicant.driver.find_elements(By.CSS_SELECTOR, "a.button[href='/login']"), "no sign-in button on the verified request's status")

        # 7. first sign-in with the 8-character password from the mail, forced change, dashboard (a wrong one first)
        applicant.sign_in("199005052015032001", "salah-sekali")
        applicant.expect_form_errors("sign-in")
        applicant_password = "Gulai Ikan Karang 2026!"
        applicant.first_sign_in("199005052015032001", address, applicant_password)
        check("/dashboard" in applicant.driver.current_url or applicant.go("/dashboard"), "no dashboard")

        # 8. a certificate with a passphrase: a bad one first
        passphrase = "kopi tubruk di pagi hari"
        SECRETS.append(passphrase)
        # the holder's dashboard leads there
        applicant.go("/dashboard")
        applicant.driver.find_element(By.CSS_SELECTOR, ".next-step a.button[href='/certificates/new']").click()
        applicant.page("certificate-new")
        applicant.fill({"passphrase": passphrase, "passphraseConfirmation": "tidak sama sekali", "password": applicant_password})
        applicant.submit("form[action='/certificates/new']")
        applicant.expect_form_errors("certificate request")
        # only the holder asks for their certificate: the account password is re-entered with the request
        applicant.fill({"passphrase": passphrase, "passphraseConfirmation": passphrase, "password": applicant_password})
        applicant.submit("form[action='/certificates/new']")
        certificate_url = applicant.driver.current_url.split("?")[0]
        ca_op.go(certificate_url)
        ca_op.submit("form[action$='/approve']")
        applicant.go(certificate_url)
        pem = applicant.download(certificate_url.replace(BASE, "") + "/download/certificate.pem")
        chain = applicant.download(certificate_url.replace(BASE, "") + "/download/chain.pem")
        check(pem.startswith(b"-----BEGIN CERTIFICATE-----"), "the certificate did not download")
        subject = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "utf8"], input=pem, capture_output=True).stdout.decode()
        check(len(AGENCY_NAME) == 67 and "O=" + AGENCY_CERTIFICATE_NAME in subject.replace(" = ", "="),
              "the certificate does not name the 67-character agency by its certificate name: " + subject)

        # at phone width the queue, the certificates and the time standards still show each row's status
        for browser, path, selector in [(agency_op, "/requests?status=verified", "table.cards td .pill"),
                                        (ca_op, "/certificates", "table.cards td .pill"),
                                        (ca_op, "/reports/sla", "table.cards td .pill")]:
            browser.fits_phone(path, selector)

        # 8b. the holder signs a document visibly (authenticator enrolled first) and the download validates
        applicant.address, applicant.full_name = address, "Siti Rahmawati"
        sign_visibly(applicant, chain, passphrase)
        applicant.go(certificate_url)

        # 9. the holder revokes it (a wrong password first)
        applicant.fill({"reason": "keyCompromise", "password": "bukan kata sandi saya"})
        applicant.submit("form[action$='/revoke']")
        applicant.expect_form_errors("revocation")
        applicant.fill({"reason": "keyCompromise", "password": applicant_password})
        applicant.submit("form[action$='/revoke']")

        # 10. openssl sees it revoked in the CRL and over OCSP
        leaf = os.path.join(WORK, "leaf.pem")
        open(leaf, "wb").write(pem)
        certificates = re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", chain, re.S)
        issuing, root = os.path.join(WORK, "issuing.pem"), os.path.join(WORK, "root.pem")
        open(issuing, "wb").write(certificates[1])
        open(root, "wb").write(certificates[2])
        crl = os.path.join(WORK, "issuing.crl")
        with urllib.request.urlopen(BASE + "/pki/crl/issuing.crl") as response:
            open(crl, "wb").write(response.read())
        pem_crl = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", crl], capture_output=True).stdout
        open(crl + ".pem", "wb").write(pem_crl)
        verify = subprocess.run(["openssl", "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile", crl + ".pem", leaf],
                                capture_output=True, text=True)
        check("revoked" in (verify.stdout + verify.stderr), "openssl verify -crl_check did not see the revocation: " + verify.stdout + verify.stderr)
        ocsp = subprocess.run(["openssl", "ocsp", "-issuer", issuing, "-cert", leaf, "-url", BASE + "/pki/ocsp", "-CAfile", root,
                               "-verify_other", issuing], capture_output=True, text=True)
        check(": revoked" in ocsp.stdout, "openssl ocsp did not answer revoked: " + ocsp.stdout + ocsp.stderr)

        # 11. one page in English
        applicant.go("/dashboard")
        applicant.driver.find_element(By.CSS_SELECTOR, "a.lang").click()
        applicant.page("dashboard-english")
        check("Sign out" in applicant.driver.find_element(By.TAG_NAME, "body").text, "the English page is not in English")

        # 12. a forgotten password: the form answers at once, the reset worker mails the link, the link sets a new one
        stranger = Browser()
        browsers.append(stranger)
        stranger.go("/password/forgot")
        stranger.fill({"identifier": address})
        stranger.submit("form[action='/password/forgot']")
        check("/login" in stranger.driver.current_url, "the reset request did not answer with the sign-in page")
        reset_path = wait_for_mail(address, r"(/password/reset/[A-Za-z0-9_\-]+)").group(1)
        SECRETS.append(reset_path.rsplit("/", 1)[1])
        stranger.go(reset_path)
        reset_password = "Rendang Daging Sapi 2026!"
        SECRETS.append(reset_password)
        stranger.fill({"newPassword": reset_password, "confirmPassword": reset_password})
        stranger.submit("main form")
        stranger.sign_in("199005052015032001", reset_password)
        check("/login" not in stranger.driver.current_url, "the reset password does not sign in")

        # 13. no secret in clear in the log, the database or the delivered mails' store
        SECRETS.extend(open(p).read().strip() for p in glob.glob(os.path.join(DATA, "*.key")))
        time.sleep(1)
        log.flush()
        haystacks = {"log": open(log_path, "rb").read()}
        for path in glob.glob(os.path.join(DATA, "ams.sqlite*")):
            haystacks[os.path.basename(path)] = open(path, "rb").read()
        for name, data in haystacks.items():
            for secret in SECRETS:
                check(secret.encode() not in data, "a secret (%s…) appears in clear in %s" % (secret[:3], name))
        print("browser run: %d pages checked and saved, %d bad submissions refused with errors, %d mails read, "
              "%d secrets searched in %d stores: none found; %d pages fit a phone; the public form's proof of work kept the "
              "test waiting %d ms at most; %d document signed visibly (pyHanko valid, zbar read its QR code), %d page preview" % (
                  CHECKS["pages"], CHECKS["bad_submissions"], CHECKS["mails"], len(SECRETS), len(haystacks),
                  CHECKS.get("phone_pages", 0), CHECKS.get("proof of work waited (ms)", 0), CHECKS.get("documents signed", 0),
                  CHECKS.get("page previews", 0)))
    finally:
        for browser in browsers:
            browser.quit()
        server.terminate()
        server.wait(timeout=20)
        smtp.terminate()
        log.close()
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
