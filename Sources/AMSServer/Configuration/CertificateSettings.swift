import AMSPKI
import Foundation

/// How AMS runs its certificate authority (README, "Configuration"): the CA set-up on first start, the holder
/// certificate profile and the issuance rules.
public struct CertificateSettings: Sendable {
    /// Whether a CA operator approves each issuance (`AMS_CERT_APPROVAL`).
    public var approvalRequired: Bool
    public var validityDays: Int
    /// The certificate policy OID of the signing certificate. The default is a placeholder under Indonesia's arc;
    /// a real CA sets the OID from its own certificate policy.
    public var policyOID: String
    /// The TSA policy OID AMS's time-stamps are issued under (`AMS_TSA_POLICY_OID`); a placeholder by default, like
    /// ``policyOID``.
    public var timeStampPolicyOID = "2.16.360.1.1.1.2"
    /// The certificate policy OID of institutions' electronic seals (`AMS_SEAL_POLICY_OID`); a placeholder by default,
    /// like ``policyOID``. Verification tells seals from persons' signatures by it.
    public var sealPolicyOID = "2.16.360.1.1.1.3"
    public var cpsURL: String?
    /// Whether the NIK goes into the subject (serialNumber attribute); off unless policy requires it.
    public var includeNIK: Bool
    /// How the holder's subject is named (`AMS_CERT_SUBJECT`): `person`, or `natural-person` for the ETSI EN 319 412-2
    /// variant with given name and surname (stated by the applicant at activation).
    public var subjectRule: CertificateProfile.SubjectRule = .person
    /// The key algorithm of a new CA and of keys AMS generates for holders.
    public var caKeyAlgorithm: KeyAlgorithm
    public var holderKeyAlgorithm: KeyAlgorithm
    /// Key types a holder's CSR may carry.
    public var acceptedCSRAlgorithms: Set<KeyAlgorithm>
    public var names: CAHierarchyBuilder.Names
    public var rootLifetimeDays: Int
    public var issuingLifetimeDays: Int
    /// Where the 32-byte key-encryption key of the CA keys lives (`AMS_CA_KEK_FILE`), unless `AMS_CA_KEK` gives it.
    public var keyEncryptionKeyFile: String
    public var keyEncryptionKeyValue: String?
    /// scrypt cost of passphrase-wrapped holder keys (log2 N; 17 = 128 MiB, a second or so).
    public var passphraseCostLog2N: UInt8
    /// The CRL's nextUpdate is this far after thisUpdate (at most 7 days); a fresh CRL is made when half is used.
    public var crlLifetime: TimeInterval
    /// An `issuing` record older than this without its certificate is declared void (its signing never completed).
    public var staleIssuingAfter: TimeInterval

    public init(approvalRequired: Bool = true, validityDays: Int = 730, policyOID: String = "2.16.360.1.1.1.1",
                cpsURL: String? = nil, includeNIK: Bool = false, caKeyAlgorithm: KeyAlgorithm = .p256,
                holderKeyAlgorithm: KeyAlgorithm = .p256, acceptedCSRAlgorithms: Set<KeyAlgorithm> = Set(KeyAlgorithm.allCases),
                names: CAHierarchyBuilder.Names = .init(), rootLifetimeDays: Int = 20 * 365, issuingLifetimeDays: Int = 10 * 365,
                keyEncryptionKeyFile: String = "data/ams-ca-kek.key", keyEncryptionKeyValue: String? = nil,
                passphraseCostLog2N: UInt8 = PassphraseKeyWrap.Cost.standard.log2N,
                crlLifetime: TimeInterval = 7 * 86_400, staleIssuingAfter: TimeInterval = 600) {
        self.approvalRequired = approvalRequired
        self.validityDays = validityDays
        self.policyOID = policyOID
        self.cpsURL = cpsURL
        self.includeNIK = includeNIK
        self.caKeyAlgorithm = caKeyAlgorithm
        self.holderKeyAlgorithm = holderKeyAlgorithm
        self.acceptedCSRAlgorithms = acceptedCSRAlgorithms
        self.names = names
        self.rootLifetimeDays = rootLifetimeDays
        self.issuingLifetimeDays = issuingLifetimeDays
        self.keyEncryptionKeyFile = keyEncryptionKeyFile
        self.keyEncryptionKeyValue = keyEncryptionKeyValue
        self.passphraseCostLog2N = passphraseCostLog2N
        self.crlLifetime = min(crlLifetime, 7 * 86_400)
        self.staleIssuingAfter = staleIssuingAfter
    }

    /// Reads the `AMS_CERT_*` and `AMS_CA_*` variables.
    static func fromEnvironment(_ value: (String) -> String?, flag: (String) throws -> Bool?, dataDirectory: String) throws -> CertificateSettings {
        var settings = CertificateSettings(keyEncryptionKeyFile: value("AMS_CA_KEK_FILE") ?? "\(dataDirectory)/ams-ca-kek.key",
                                           keyEncryptionKeyValue: value("AMS_CA_KEK"))
        settings.approvalRequired = try flag("AMS_CERT_APPROVAL") ?? true
        settings.includeNIK = try flag("AMS_CERT_SUBJECT_NIK") ?? false
        if let rule = value("AMS_CERT_SUBJECT") {
            guard let parsed = CertificateProfile.SubjectRule(rawValue: rule) else {
                throw ConfigurationError("AMS_CERT_SUBJECT must be one of \(CertificateProfile.SubjectRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.subjectRule = parsed
        }
        if let days = value("AMS_CERT_VALIDITY_DAYS") {
            guard let parsed = Int(days), (1...3650).contains(parsed) else {
                throw ConfigurationError("AMS_CERT_VALIDITY_DAYS must be a number of days between 1 and 3650")
            }
            settings.validityDays = parsed
        }
        if let oid = value("AMS_CERT_POLICY_OID") {
            guard OID(dotted: oid) != nil else { throw ConfigurationError("AMS_CERT_POLICY_OID must be a dotted OID") }
            settings.policyOID = oid
        }
        if let oid = value("AMS_TSA_POLICY_OID") {
            guard OID(dotted: oid) != nil else { throw ConfigurationError("AMS_TSA_POLICY_OID must be a dotted OID") }
            settings.timeStampPolicyOID = oid
        }
        if let oid = value("AMS_SEAL_POLICY_OID") {
            guard OID(dotted: oid) != nil else { throw ConfigurationError("AMS_SEAL_POLICY_OID must be a dotted OID") }
            settings.sealPolicyOID = oid
        }
        if let cps = value("AMS_CERT_CPS_URL") {
            guard let url = URL(string: cps), ["http", "https"].contains(url.scheme ?? "") else {
                throw ConfigurationError("AMS_CERT_CPS_URL must be an http(s) URL")
            }
            settings.cpsURL = cps
        }
        if let algorithm = value("AMS_CA_KEY_ALGORITHM") {
            guard let parsed = KeyAlgorithm(rawValue: algorithm) else {
                throw ConfigurationError("AMS_CA_KEY_ALGORITHM must be one of \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.caKeyAlgorithm = parsed
        }
        if let algorithm = value("AMS_CERT_KEY_ALGORITHM") {
            guard let parsed = KeyAlgorithm(rawValue: algorithm) else {
                throw ConfigurationError("AMS_CERT_KEY_ALGORITHM must be one of \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.holderKeyAlgorithm = parsed
        }
        if let stale = value("AMS_CERT_STALE_ISSUING_SECONDS") {
            guard let seconds = Double(stale), seconds >= 1 else { throw ConfigurationError("AMS_CERT_STALE_ISSUING_SECONDS must be a positive number") }
            settings.staleIssuingAfter = seconds
        }
        if let root = value("AMS_CA_ROOT_NAME") { settings.names.rootCommonName = root }
        if let issuing = value("AMS_CA_ISSUING_NAME") { settings.names.issuingCommonName = issuing }
        if let organization = value("AMS_CA_ORGANIZATION") { settings.names.organization = organization }
        return settings
    }
}
