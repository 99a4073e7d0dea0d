#!/usr/bin/env python3
"""An agency application's e-signature client, written as an integrator of the national API would write it (Python
`requests`, nothing from AMS): it asks for a mailed code, signs a letter visibly at its text marker through v1, then
asks for a code for a bulk and signs every file through v2. The signer types each code into the application; here
the code arrives in a file (`CODE_DIR/code-1`, `code-2`) that the test writes from the mail.

Usage: agency_client.py BASE_URL USER KEY NIK PASSPHRASE CODE_DIR OUT_DIR LETTER.pdf BULK1.pdf [BULK2.pdf …]
Prints one line per signed file: "<out path> <bytes>"; exits non-zero with the API's error on any failure.
"""
import base64
import os
import sys
import time

import requests


def wait_for_code(code_dir, number):
    path = os.path.join(code_dir, "code-%d" % number)
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(path):
            return open(path).read().strip()
        time.sleep(0.2)
    sys.exit("no code typed in for request %d" % number)


def checked(response):
    if response.status_code >= 400:
        sys.exit("HTTP %d: %s" % (response.status_code, response.text))
    return response


def main():
    base, user, key, nik, passphrase, code_dir, out_dir, letter = sys.argv[1:9]
    bulk = sys.argv[9:]
    session = requests.Session()
    session.auth = (user, key)

    # v1: one letter, visible at the marker, with a QR code of the application's own link
    checked(session.post(base + "/api/v2/sign/get/totp", json={"nik": nik, "data": 1}, timeout=30))
    code = wait_for_code(code_dir, 1)
    with open(letter, "rb") as handle:
        response = checked(session.post(base + "/api/sign/pdf", timeout=60, data={
            "nik": nik, "passphrase": passphrase, "totp": code, "tampilan": "visible", "image": "false",
            "linkQR": "https://eoffice.example.go.id/surat/1", "tag_koordinat": "#ttd_kepala#",
            "reason": "Menyetujui", "location": "Padang",
        }, files={"file": ("surat.pdf", handle, "application/pdf")}))
    document_id = response.headers["id_dokumen"]
    path = os.path.join(out_dir, "v1-surat.pdf")
    open(path, "wb").write(response.content)
    print(path, len(response.content))
    again = checked(session.get(base + "/api/sign/download/" + document_id, timeout=30))
    if again.content != response.content:
        sys.exit("the download differs from the answer")

    # v2: the bulk, invisible, one code for all of them
    checked(session.post(base + "/api/v2/sign/get/totp", json={"nik": nik, "data": len(bulk)}, timeout=30))
    code = wait_for_code(code_dir, 2)
    files = [base64.b64encode(open(name, "rb").read()).decode() for name in bulk]
    answer = checked(session.post(base + "/api/v2/sign/pdf", timeout=120, json={
        "nik": nik, "passphrase": passphrase, "totp": code,
        "signatureProperties": [{"tampilan": "invisible", "reason": "Arsip"}], "file": files,
    })).json()
    for index, encoded in enumerate(answer["file"]):
        data = base64.b64decode(encoded)
        path = os.path.join(out_dir, "v2-%d.pdf" % index)
        open(path, "wb").write(data)
        print(path, len(data))


if __name__ == "__main__":
    main()
