import AMSCore
import Fluent
import Foundation

/// A request to register for an AMS account (SOP step 1) and its progress through steps 2–4.
final class RegistrationRequestModel: Model, @unchecked Sendable {
    static let schema = "registration_requests"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// Incremented by every transition; a transition is a conditional update on the version it read, so of two
    /// operators acting at once exactly one wins.
    @Field(key: "version") var version: Int

    // data
    @Field(key: "tracking_number") var trackingNumber: String
    @Field(key: "status") var status: RegistrationStatus
    @Field(key: "full_name") var fullName: String
    @Field(key: "nip") var nip: String
    @Field(key: "nik") var nik: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    @Field(key: "unit") var unit: String
    @Field(key: "position") var position: String
    /// SHA-256 of the private status link's token.
    @Field(key: "status_token_hash") var statusTokenHash: String
    /// The status token sealed under the server key (AES-GCM, bound to the request id), so progress mails carry the
    /// link; nil for requests made before it was kept.
    @OptionalField(key: "status_token_sealed") var statusTokenSealed: String?
    /// The reason of the last return or rejection, shown to the applicant.
    /// The explanation and the code of the reason of the last return or refusal, shown to the applicant.
    @OptionalField(key: "last_reason") var lastReason: String?
    @OptionalField(key: "last_reason_code") var lastReasonCode: String?
    @OptionalField(key: "current_step") var currentStep: WorkflowStep?
    @OptionalField(key: "step_started_at") var stepStartedAt: Date?
    // step 3b data
    @OptionalField(key: "birth_place") var birthPlace: String?
    /// Given name and surname as stated at activation (asked when the certificate profile names them).
    @OptionalField(key: "given_name") var givenName: String?
    /// The language the applicant submitted in (`id` or `en`): every mail about the request is written in it, and
    /// the account made at verification starts with it.
    @Field(key: "locale") var locale: String
    @OptionalField(key: "surname") var surname: String?
    /// ISO date (YYYY-MM-DD).
    @OptionalField(key: "birth_date") var birthDate: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "terms_accepted_at") var termsAcceptedAt: Date?

    // relationships
    @Parent(key: "agency_id") var agency: AgencyModel
    @OptionalParent(key: "entered_by_id") var enteredBy: UserModel?
    @OptionalParent(key: "applicant_user_id") var applicantUser: UserModel?
    @Children(for: \.$request) var attachments: [RegistrationAttachmentModel]
    @Children(for: \.$request) var events: [RegistrationEventModel]

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    var properties: [any AnyProperty] {
        [
            $id, $createdAt, $updatedAt, $version, $trackingNumber, $status, $fullName, $nip, $nik, $email, $phone,
            $unit, $position, $statusTokenHash, $statusTokenSealed, $lastReason, $lastReasonCode, $currentStep,
            $stepStartedAt, $birthPlace, $givenName, $locale, $surname, $birthDate, $address, $termsAcceptedAt, $agency,
            $enteredBy, $applicantUser, $attachments, $events
        ]
    }

    init() {}

    var workflow: RegistrationWorkflow { RegistrationWorkflow(status: status) }
}

extension RegistrationRequestModel {
    /// ``locale`` as a language AMS writes in.
    var language: AppLocale { AppLocale(rawValue: locale) ?? .default }
}
