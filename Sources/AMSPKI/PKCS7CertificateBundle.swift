import Foundation

/// A PKCS#7 / CMS "certs-only" SignedData (RFC 5652 §5 degenerate case): certificates, no content, no signers.
/// What `.p7b` / `.p7c` downloads contain.
public enum PKCS7CertificateBundle {
    public static func der(certificates: [[UInt8]]) -> [UInt8] {
        var writer = DERWriter(reservingCapacity: certificates.reduce(64) { $0 + $1.count + 8 })
        writer.sequence { contentInfo in
            contentInfo.objectIdentifier(.pkcs7SignedData)
            contentInfo.constructed(DERWriter.Tag.contextConstructed(0)) { explicit in
                explicit.sequence { signedData in
                    signedData.integer(1)
                    signedData.constructed(DERWriter.Tag.set) { _ in }
                    signedData.sequence { $0.objectIdentifier(.pkcs7Data) }
                    signedData.constructed(DERWriter.Tag.contextConstructed(0)) { set in
                        for certificate in certificates { set.appendRaw(certificate) }
                    }
                    signedData.constructed(DERWriter.Tag.set) { _ in }
                }
            }
        }
        return writer.bytes
    }
}
