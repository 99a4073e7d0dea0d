#!/usr/bin/env python3
"""pyHanko as the independent validator of the PDFs AMS signs: prints one line per signature,
"<field> intact=<bool> valid=<bool> trusted=<bool> coverage=<...> timestamp=<none|valid|trusted> docmdp=<...>".
Usage: pyhanko_validate.py document.pdf root.pem [more roots …]. Nothing is fetched (revocation is not the point)."""
import sys

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def load(path):
    data = open(path, "rb").read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def main():
    roots = [load(path) for path in sys.argv[2:]]
    with open(sys.argv[1], "rb") as handle:
        reader = PdfFileReader(handle, strict=True)
        for signature in reader.embedded_signatures:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = validate_pdf_signature(signature, context, ts_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False))
            stamp = status.timestamp_validity
            stamp_text = "none" if stamp is None else ("trusted" if stamp.trusted else ("valid" if stamp.valid else "invalid"))
            print("%s intact=%s valid=%s trusted=%s coverage=%s timestamp=%s modification=%s" % (
                signature.field_name, status.intact, status.valid, status.trusted, status.coverage.name, stamp_text,
                status.modification_level.name if status.modification_level is not None else "none"))


if __name__ == "__main__":
    main()
