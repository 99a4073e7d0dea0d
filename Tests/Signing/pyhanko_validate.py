#!/usr/bin/env python3
"""pyHanko as the independent validator of the PDFs AMS signs: prints one line per signature,
"<field> intact=<bool> valid=<bool> trusted=<bool> coverage=<...> timestamp=<none|valid|trusted> modification=<...>
page=<1-based page of the widget> rect=<x1,y1,x2,y2> appearance=<yes|no>", or for a document time-stamp
"<field> document-timestamp intact=<bool> valid=<bool> trusted=<bool>".
Usage: pyhanko_validate.py document.pdf root.pem [more roots …]. Nothing is fetched (revocation is not the point)."""
import sys

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext


def load(path):
    data = open(path, "rb").read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def page_numbers(reader):
    """Object number of each page, in reading order."""
    numbers = []

    def walk(reference):
        node = reference.get_object()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for index in range(len(node["/Kids"])):
                walk(node["/Kids"].raw_get(index))
        else:
            numbers.append(reference.idnum)

    walk(reader.root.raw_get("/Pages"))
    return numbers


def widget(reader, field):
    """Where the signature's widget is: its page (1-based, ? if unknown), rectangle and whether it has an appearance."""
    pages = page_numbers(reader)
    page = "?"
    if "/P" in field and field.raw_get("/P").idnum in pages:
        page = str(pages.index(field.raw_get("/P").idnum) + 1)
    rect = ",".join("%g" % float(value) for value in field.get("/Rect", []))
    appearance = "yes" if "/AP" in field and "/N" in field["/AP"] else "no"
    return "page=%s rect=%s appearance=%s" % (page, rect, appearance)


def main():
    roots = [load(path) for path in sys.argv[2:]]
    with open(sys.argv[1], "rb") as handle:
        reader = PdfFileReader(handle, strict=True)
        for signature in reader.embedded_signatures:
            if signature.sig_object_type == "/DocTimeStamp":
                status = validate_pdf_timestamp(signature, validation_context=ValidationContext(trust_roots=roots, allow_fetching=False))
                print("%s document-timestamp intact=%s valid=%s trusted=%s" % (signature.field_name, status.intact, status.valid, status.trusted))
                continue
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = validate_pdf_signature(signature, context, ts_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False))
            stamp = status.timestamp_validity
            stamp_text = "none" if stamp is None else ("trusted" if stamp.trusted else ("valid" if stamp.valid else "invalid"))
            print("%s intact=%s valid=%s trusted=%s coverage=%s timestamp=%s modification=%s %s" % (
                signature.field_name, status.intact, status.valid, status.trusted, status.coverage.name, stamp_text,
                status.modification_level.name if status.modification_level is not None else "none",
                widget(reader, signature.sig_field)))


if __name__ == "__main__":
    main()
