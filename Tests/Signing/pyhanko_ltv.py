#!/usr/bin/env python3
"""pyHanko's long-term validation (ETSI EN 319 102-1 §5.6.3, its ades_lta_validation) of a PDF's signatures, offline:
nothing is fetched, revocation data is required for every certificate, and only the roots given are trusted.
Prints, first, what the document's DSS holds — "dss certs=<n> ocsps=<n> crls=<n>" — then one line per signature:
"<field> type=signature lta=<AdES status of the long-term validation> level=<B-LTA|B-LT|none> evidence=<time of the
oldest document time-stamp after it|none>", or for a document time-stamp "<field> type=timestamp intact=.. valid=..
trusted=..".
The level is read off pyHanko's findings: B-LTA when its long-term validation (§5.6.3, the document time-stamps as
evidence record) passes; else B-LT when its validation with the DSS's revocation data as the only source, revocation
data required for every certificate, finds the signature intact, valid, trusted and with a trusted time-stamp.
Usage: pyhanko_ltv.py document.pdf root.pem [more roots …] [--at ISO-8601 validation time]."""
import asyncio
import sys
from datetime import datetime, timezone

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESStatus
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager


def load(path):
    data = open(path, "rb").read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


async def main():
    args = sys.argv[1:]
    at = None
    if "--at" in args:
        index = args.index("--at")
        at = datetime.fromisoformat(args[index + 1]).astimezone(timezone.utc)
        del args[index:index + 2]
    roots = [load(path) for path in args[1:]]
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
    )
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    ))
    with open(args[0], "rb") as handle:
        reader = PdfFileReader(handle, strict=True)
        context_arguments = dict(trust_roots=roots, allow_fetching=False, revocation_mode="require", moment=at)
        try:
            dss = DocumentSecurityStore.read_dss(reader)
            print("dss certs=%d ocsps=%d crls=%d" % (len(list(dss.load_certs())), len(dss.ocsps), len(dss.crls)))
            def context():
                return dss.as_validation_context(context_arguments)
        except NoDSSFoundError:
            print("dss none")
            def context():
                return ValidationContext(**context_arguments)
        timing = ValidationTimingInfo(validation_time=at, best_signature_time=at, point_in_time_validation=True) if at else None
        for signature in reader.embedded_signatures:
            if signature.sig_object_type == "/DocTimeStamp":
                status = await async_validate_pdf_timestamp(signature, validation_context=context())
                print("%s type=timestamp intact=%s valid=%s trusted=%s" % (signature.field_name, status.intact, status.valid, status.trusted))
                continue
            result = await ades_lta_validation(signature, spec, timing_info=timing)
            evidence = result.oldest_evidence_record_timestamp
            level = "none"
            if result.ades_subindic.status == AdESStatus.PASSED and evidence is not None:
                level = "B-LTA"
            else:
                try:
                    status = await async_validate_pdf_signature(signature, signer_validation_context=context(),
                                                                ts_validation_context=context())
                    stamp = status.timestamp_validity
                    if status.intact and status.valid and status.trusted and stamp is not None and stamp.trusted:
                        level = "B-LT"
                except ValueError as error:  # pyHanko's validation errors (missing revocation data) derive from it
                    print("%s: %s" % (type(error).__name__, error), file=sys.stderr)
            print("%s type=signature lta=%s level=%s evidence=%s" % (
                signature.field_name, result.ades_subindic.status.name, level, evidence.isoformat() if evidence is not None else "none"))


if __name__ == "__main__":
    asyncio.run(main())
