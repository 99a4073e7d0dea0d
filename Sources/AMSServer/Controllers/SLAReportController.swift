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
    /// The share of steps (percent) ended within their standard that a row shows as met.
    static let withinStandardGoal = 90

    func boot(routes: any RoutesBuilder) throws {
        let reports = routes.grouped("reports")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canReadReports(actor: $0) })
        reports.get("sla", use: page)
        reports.get("sla.csv", use: csv)
    }

    /// The period the request asks for as whole UTC days (default: the last 30, today included), and its days as the
    /// form shows them again.
    private struct Period {
        let days: Range<Int>
        let fromText: String
        let toText: String
    }

    private func period(_ req: Request) -> Period {
        let today = StepDurationDayModel.day(of: req.ams.clock.now)
        let fromText = req.query[String.self, at: "from"] ?? ""
        let toText = req.query[String.self, at: "to"] ?? ""
        let from = AuditController.Filter.day(fromText).map(StepDurationDayModel.day(of:))
        let through = AuditController.Filter.day(toText).map(StepDurationDayModel.day(of:))
        let first = from ?? today - 29, end = (through ?? today) + 1
        return Period(days: first..<max(first, end), fromText: from == nil ? "" : fromText, toText: through == nil ? "" : toText)
    }

    /// The report's figures within the reader's scope (none outside any), read on the reports' own connections.
    private func breakdown(_ period: Period, _ req: Request) async throws -> StepDurationBreakdown {
        let agency: UUID?
        switch VisibilityScope.reports(for: try req.requireUser().actor) {
        case .all: agency = nil
        case .agency(let id): agency = id
        case .nothing, .own, .reachedCA: return StepDurationBreakdown(onlyAgency: nil)
        }
        let database = req.reportsDB
        try await req.ams.faults.beforeReport?(database)
        return try await StepDurationSummary(database: database, standards: req.ams.configuration.timeStandards)
            .breakdown(days: period.days, agency: agency)
    }

    /// One row per group and step, by group name and then in the SOP's order of steps.
    private func rows(_ groups: [(name: String, steps: [WorkflowStep: StepDurationBreakdown.Entry])], _ req: Request) -> [Row] {
        let standards = req.ams.configuration.timeStandards
        return groups.sorted { $0.name < $1.name }.flatMap { group in
            WorkflowStep.allCases.compactMap { step -> Row? in
                guard let stats = group.steps[step]?.statistics else { return nil }
                let percent = Int((stats.shareWithinLimit * 100).rounded())
                return Row(group: group.name, step: step.rawValue, stepLabel: req.localized("step_\(step.rawValue)"), count: stats.count,
                           median: Self.seconds(stats.median), percentile90: Self.seconds(stats.percentile90),
                           medianSeconds: Int(stats.median.rounded(.up)), percentile90Seconds: Int(stats.percentile90.rounded(.up)),
                           withinStandard: "\(percent)%", withinClass: percent >= Self.withinStandardGoal ? "ok" : "bad",
                           standard: Self.seconds(standards.limit(for: step)))
            }
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
        let breakdown = try await breakdown(period, req)
        let agencies = try await AgencyModel.text(\.$name, of: Set(breakdown.byAgency.keys), on: req.db)
        let operators = try await UserModel.text(\.$username, of: Set(breakdown.byOperator.keys), on: req.db)
        let standards = req.ams.configuration.timeStandards
        // Chart: median per step against its standard, on one scale (the largest of both). Each step's label has a
        // line of its own above its bar, so a long label (or a narrow screen) never clips it.
        let medians = breakdown.all.compactMapValues { $0.statistics?.median }
        let scaleMax = WorkflowStep.allCases.map { max(standards.limit(for: $0), medians[$0] ?? 0) }.max() ?? 1
        let bars = WorkflowStep.allCases.enumerated().map { index, step in
            let median = medians[step] ?? 0
            return Bar(label: req.localized("step_\(step.rawValue)"), y: 4 + index * Self.chartRow,
                       medianWidth: Int(Double(Self.chartBarMax) * median / scaleMax),
                       standardX: Int(Double(Self.chartBarMax) * standards.limit(for: step) / scaleMax),
                       medianText: medians[step] == nil ? "—" : Self.seconds(median), overStandard: median > standards.limit(for: step))
        }
        let exportQuery = period.fromText.isEmpty && period.toText.isEmpty ? "" : QueryString.make(["from": period.fromText, "to": period.toText])
        let tables = [
            Table(title: req.localized("report_by_step"), dimension: "all", rows: rows([(req.localized("report_all"), breakdown.all)], req)),
            Table(title: req.localized("report_by_agency"), dimension: "agency",
                  rows: rows(breakdown.byAgency.compactMap { id, steps in agencies[id].map { ($0, steps) } }, req)),
            Table(title: req.localized("report_by_operator"), dimension: "operator",
                  rows: rows(breakdown.byOperator.compactMap { id, steps in operators[id].map { ($0, steps) } }, req)),
        ]
        return ReportPage(from: period.fromText, to: period.toText, tables: tables, bars: bars,
                          chartHeight: 12 + WorkflowStep.allCases.count * Self.chartRow, exportQuery: exportQuery)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try await req.renderPage("report-sla", titleKey: "report_title", page: try await build(req))
    }

    @Sendable func csv(req: Request) async throws -> Response {
        let report = try await build(req)
        var writer = CSVWriter()
        writer.row(["dimension", "group", "step", "count", "median", "p90", "within_standard", "standard", "median_seconds", "p90_seconds"])
        for table in report.tables {
            for row in table.rows {
                writer.row([table.dimension, row.group, row.step, String(row.count), row.median, row.percentile90, row.withinStandard,
                            row.standard, String(row.medianSeconds), String(row.percentile90Seconds)])
            }
        }
        let response = Response(status: .ok, body: .init(string: writer.text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "ams-mutu-baku.csv")
        return response
    }
}
