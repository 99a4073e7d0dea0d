import AMSCore
import Fluent
import SQLKit
import Vapor

/// The time standards (*Mutu Baku*) as SLAs: per step, per agency and per operator, the count, median and 90th
/// percentile of completed steps and the share within the standard; with a chart and a CSV export.
struct SLAReportController: RouteCollection {
    /// The chart's geometry: one row per step (label line, bar, standard), bars up to this many units wide.
    static let chartRow = 64
    static let chartBarMax = 540

    func boot(routes: any RoutesBuilder) throws {
        let reports = routes.grouped("reports")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canReadReports(actor: $0) })
        reports.get("sla", use: page)
        reports.get("sla.csv", use: csv)
    }

    /// The period the request asks for (default: the last 30 days), and its days as the form shows them again.
    private struct Period {
        let from: Date
        let to: Date
        let fromText: String
        let toText: String
    }

    private func period(_ req: Request) -> Period {
        let now = req.ams.clock.now
        let fromText = req.query[String.self, at: "from"] ?? ""
        let toText = req.query[String.self, at: "to"] ?? ""
        return Period(from: AuditController.Filter.day(fromText) ?? now.addingTimeInterval(-30 * 86400),
                      to: AuditController.Filter.day(toText).map { $0.addingTimeInterval(86400) } ?? now.addingTimeInterval(1),
                      fromText: AuditController.Filter.day(fromText) == nil ? "" : fromText,
                      toText: AuditController.Filter.day(toText) == nil ? "" : toText)
    }

    /// The report's figures by everything, agency and operator within the reader's scope (none outside any), worked
    /// out by the database on the reports' own connections.
    private func summaries(_ period: Period, _ req: Request)
        async throws -> (all: [StepDurationSummary.Row], agency: [StepDurationSummary.Row], endedBy: [StepDurationSummary.Row]) {
        let agency: UUID?
        switch VisibilityScope.reports(for: try req.requireUser().actor) {
        case .all: agency = nil
        case .agency(let id): agency = id
        case .nothing, .own, .reachedCA: return ([], [], [])
        }
        let database = req.reportsDB
        try await req.ams.faults.beforeReport?(database)
        guard let sql = database as? any SQLDatabase else { return ([], [], []) }
        let summary = StepDurationSummary(database: sql, standards: req.ams.configuration.timeStandards)
        return (try await summary.rows(.all, from: period.from, to: period.to, agency: agency),
                try await summary.rows(.agency, from: period.from, to: period.to, agency: agency),
                try await summary.rows(.endedBy, from: period.from, to: period.to, agency: agency))
    }

    private func rows(_ summary: [StepDurationSummary.Row], names: [UUID: String], allLabel: String?, _ req: Request) -> [Row] {
        let standards = req.ams.configuration.timeStandards
        let named = summary.compactMap { row -> (String, StepDurationSummary.Row)? in
            guard let name = row.group.map({ names[$0] }) ?? allLabel else { return nil }
            return (name, row)
        }
        let order = Dictionary(uniqueKeysWithValues: WorkflowStep.allCases.enumerated().map { ($1, $0) })
        return named.sorted { ($0.0, order[$0.1.step]!) < ($1.0, order[$1.1.step]!) }.map { group, row in
            let stats = row.statistics
            let percent = Int((stats.shareWithinLimit * 100).rounded())
            return Row(group: group, step: row.step.rawValue, stepLabel: req.localized("step_\(row.step.rawValue)"), count: stats.count,
                       median: Self.seconds(stats.median), percentile90: Self.seconds(stats.percentile90),
                       withinStandard: "\(percent)%", withinPercent: percent, standard: Self.seconds(standards.limit(for: row.step)))
        }
    }

    static func seconds(_ interval: TimeInterval) -> String {
        let total = Int(interval.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) m \(total % 60) s" }
        return "\(total / 3600) h \(total % 3600 / 60) m"
    }

    private func build(_ req: Request) async throws -> ReportPage {
        let period = period(req)
        let (overall, byAgency, byOperator) = try await summaries(period, req)
        let agencies = Dictionary(uniqueKeysWithValues: try await AgencyModel.query(on: req.db).filter(\.$id ~~ Set(byAgency.compactMap(\.group)))
            .all().map { ($0.id!, $0.name) })
        let operators = Dictionary(uniqueKeysWithValues: try await UserModel.query(on: req.db).filter(\.$id ~~ Set(byOperator.compactMap(\.group)))
            .all().map { ($0.id!, $0.username) })
        let standards = req.ams.configuration.timeStandards
        // Chart: median per step against its standard, on one scale (the largest of both). Each step's label has a
        // line of its own above its bar, so a long label (or a narrow screen) never clips it.
        let medians = Dictionary(uniqueKeysWithValues: overall.map { ($0.step, $0.median) })
        let scaleMax = WorkflowStep.allCases.map { max(standards.limit(for: $0), medians[$0] ?? 0) }.max() ?? 1
        let bars = WorkflowStep.allCases.enumerated().map { index, step in
            let median = medians[step] ?? 0
            return Bar(label: req.localized("step_\(step.rawValue)"), y: 4 + index * Self.chartRow,
                       medianWidth: Int(Double(Self.chartBarMax) * median / scaleMax),
                       standardX: Int(Double(Self.chartBarMax) * standards.limit(for: step) / scaleMax),
                       medianText: medians[step] == nil ? "—" : Self.seconds(median), overStandard: median > standards.limit(for: step))
        }
        let exportQuery = period.fromText.isEmpty && period.toText.isEmpty ? "" : QueryString.make(["from": period.fromText, "to": period.toText])
        return ReportPage(from: period.fromText, to: period.toText, steps: rows(overall, names: [:], allLabel: req.localized("report_all"), req),
                          agencies: rows(byAgency, names: agencies, allLabel: nil, req),
                          operators: rows(byOperator, names: operators, allLabel: nil, req),
                          bars: bars, chartHeight: 12 + WorkflowStep.allCases.count * Self.chartRow, exportQuery: exportQuery)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try await req.renderPage("report-sla", titleKey: "report_title", page: try await build(req))
    }

    @Sendable func csv(req: Request) async throws -> Response {
        let report = try await build(req)
        var writer = CSVWriter()
        writer.row(["dimension", "group", "step", "count", "median", "p90", "within_standard", "standard"])
        for (dimension, rows) in [("all", report.steps), ("agency", report.agencies), ("operator", report.operators)] {
            for row in rows {
                writer.row([dimension, row.group, row.step, String(row.count), row.median, row.percentile90, row.withinStandard, row.standard])
            }
        }
        let response = Response(status: .ok, body: .init(string: writer.text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "ams-mutu-baku.csv")
        return response
    }
}
