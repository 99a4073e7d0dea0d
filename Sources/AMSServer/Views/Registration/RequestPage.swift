import AMSCore
import Fluent
import Vapor

/// The context of an operator's request page: identity with its checks, documents, timeline, and the actions the
/// signed-in operator may take now.
struct RequestPage: Encodable {
    struct Check: Encodable {
        let label: String
        let ok: Bool
    }

    struct Document: Encodable {
        let label: String
        let href: String
        let name: String
        let sha256: String
        let size: String
        let revision: Int
    }

    struct ActionButton: Encodable {
        let event: String
        let label: String
        let needsReason: Bool
        let danger: Bool
        /// The reasons offered for this event (its stage's, ``AMSCore/ReasonCatalogue``).
        let reasons: [SelectOption]
    }

    struct TimelineEntry: Encodable {
        let time: String
        let label: String
        let actor: String
        let reason: String?
        let note: String?
    }


    let id: String
    let trackingNumber: String
    let version: Int
    let status: String
    let statusLabel: String
    let reason: String?
    let fields: [SelectOption]
    let checks: [Check]
    let documents: [Document]
    let actions: [ActionButton]
    let timeline: [TimelineEntry]
    var problem: String?

    static func make(_ request: RegistrationRequestModel, for user: UserModel, on req: Request) async throws -> RequestPage {
        let facts = RegistrationService.facts(request)
        let actions = request.workflow.allowedEvents.filter { Permissions.canApply($0, actor: user.operatorActor, request: facts) }
            .map { event in
                ActionButton(event: event.rawValue, label: req.localized("action_\(event.rawValue)"), needsReason: event.needsReason,
                             danger: event.needsReason,
                             reasons: ReasonCatalogue.codes(for: event).map { SelectOption(value: $0, label: req.localized("reason_\($0)")) })
            }
        let nip = NIP(request.nip), nik = NIK(request.nik)
        let domains = try await request.agency.$domains.get(on: req.db).compactMap { EmailDomain($0.domain) }
        let email = EmailAddress(request.email)
        let checks = [
            Check(label: req.localized("check_nip_structure"), ok: nip != nil),
            Check(label: req.localized("check_nik_structure"), ok: nik != nil),
            Check(label: req.localized("check_nip_nik_agree"), ok: nip.flatMap { n in nik.map { n.agrees(with: $0) } } ?? false),
            Check(label: req.localized("check_official_email"), ok: email.map { e in domains.contains { e.belongs(to: $0) } } ?? false),
        ]
        let documents = request.attachments.sorted { ($0.kind.rawValue, -$0.revision) < ($1.kind.rawValue, -$1.revision) }.map {
            Document(label: req.localized("document_\($0.kind.rawValue)"), href: "/requests/\(request.id!.uuidString)/attachments/\($0.id!.uuidString)",
                     name: $0.originalName, sha256: $0.sha256, size: DisplayFormat.size($0.byteCount),
                     revision: $0.revision)
        }
        let timeline = request.events.sorted { $0.occurredAt < $1.occurredAt }.map {
            TimelineEntry(time: DisplayFormat.timestamp($0.occurredAt, in: request.agency.timeZone), label: req.localized("event_\($0.event)"),
                          actor: "\($0.actorName) (\(req.localized("level_\($0.level)")))",
                          reason: ReasonText.words(code: $0.reasonCode, explanation: $0.reason, locale: req.locale),
                          note: TimelineText.note($0, locale: req.locale))
        }
        let fields = [
            SelectOption(value: request.fullName, label: req.localized("register_full_name")),
            SelectOption(value: request.nip, label: req.localized("register_nip")),
            SelectOption(value: request.nik, label: req.localized("register_nik")),
            SelectOption(value: request.email, label: req.localized("register_email")),
            SelectOption(value: request.phone, label: req.localized("register_phone")),
            SelectOption(value: request.agency.name, label: req.localized("register_agency")),
            SelectOption(value: request.unit, label: req.localized("register_unit")),
            SelectOption(value: request.position, label: req.localized("register_position")),
        ] + [
            request.birthPlace.map { SelectOption(value: $0, label: req.localized("activate_birth_place")) },
            request.birthDate.map { SelectOption(value: $0, label: req.localized("activate_birth_date")) },
            request.address.map { SelectOption(value: $0, label: req.localized("activate_address")) },
        ].compactMap { $0 }
        return RequestPage(id: request.id!.uuidString, trackingNumber: request.trackingNumber, version: request.version,
                           status: request.status.rawValue, statusLabel: req.localized("status_\(request.status.rawValue)"),
                           reason: ReasonText.words(code: request.lastReasonCode, explanation: request.lastReason, locale: req.locale),
                           fields: fields, checks: checks, documents: documents, actions: actions,
                           timeline: timeline, problem: nil)
    }
}
