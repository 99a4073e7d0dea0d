import AMSCore

/// Where a signed-in actor may go, each place shown when its permission question says yes. The layout's
/// navigation and the dashboard's tiles are both built from this one list.
enum Navigation {
    struct Destination: Sendable {
        let href: String
        let labelKey: String
        /// Also offered as a tile on the dashboard.
        let isTile: Bool
        let isOpen: @Sendable (Actor) -> Bool
    }

    static let destinations: [Destination] = [
        .init(href: "/dashboard", labelKey: "nav_dashboard", isTile: false) { _ in true },
        .init(href: "/requests", labelKey: "nav_requests", isTile: true, isOpen: Permissions.canReadRequestQueue),
        .init(href: "/certificates", labelKey: "nav_certificates", isTile: false, isOpen: Permissions.canListCertificates),
        .init(href: "/sign", labelKey: "nav_sign", isTile: false, isOpen: Permissions.canRequestCertificate),
        .init(href: "/profile", labelKey: "nav_profile", isTile: false, isOpen: Permissions.canEditOwnProfile),
        .init(href: "/seals", labelKey: "nav_seals", isTile: false) { Permissions.canReadSeals(actor: $0, sealAgencyID: nil) },
        .init(href: "/reverifications", labelKey: "nav_reverifications", isTile: false, isOpen: Permissions.canReadReverifications),
        .init(href: "/reports/sla", labelKey: "nav_reports", isTile: false, isOpen: Permissions.canReadReports),
        .init(href: "/admin/agencies", labelKey: "nav_agencies", isTile: true, isOpen: Permissions.canManageAgencies),
        .init(href: "/admin/users", labelKey: "nav_users", isTile: true, isOpen: Permissions.canManageAccounts),
        .init(href: "/admin/api-keys", labelKey: "nav_api_keys", isTile: false, isOpen: Permissions.canManageAgencies),
        .init(href: "/admin/trust-anchors", labelKey: "nav_trust_anchors", isTile: false, isOpen: Permissions.canManageAgencies),
        .init(href: "/admin/outbox", labelKey: "nav_outbox", isTile: true, isOpen: Permissions.canReadOutbox),
        .init(href: "/audit", labelKey: "nav_audit", isTile: true, isOpen: Permissions.canReadAuditLog),
    ]

    /// The destinations open to `actor`, in menu order.
    static func destinations(for actor: Actor) -> [Destination] {
        destinations.filter { $0.isOpen(actor) }
    }
}
