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
