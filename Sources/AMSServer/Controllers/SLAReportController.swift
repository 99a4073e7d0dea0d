import AMSCore
import Fluent
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

    /// Completed step timings in the period the request asks for (default: the last 30 days).
    private func timings(_ req: Request) async throws -> ([StepTimingModel], String, String) {
        let user = try req.requireUser()
        let now = req.ams.clock.now
        let fromText = req.query[String.self, at: "from"] ?? ""
        let toText = req.query[String.self, at: "to"] ?? ""
        let from = AuditController.Filter.day(fromText) ?? now.addingTimeInterval(-30 * 86400)
        let to = AuditController.Filter.day(toText).map { $0.addingTimeInterval(86400) } ?? now.addingTimeInterval(1)
        let query = VisibilityScope.reports(for: user.actor).stepTimings(on: req.db)
            .filter(\.$endedAt != nil).filter(\.$startedAt >= from).filter(\.$startedAt < to)
        return (try await query.all(), AuditController.Filter.day(fromText) == nil ? "" : fromText,
                AuditController.Filter.day(toText) == nil ? "" : toText)
    }

    private func rows(_ timings: [StepTimingModel], groupBy key: (StepTimingModel) -> String?, _ req: Request) -> [Row] {
        let standards = req.ams.configuration.timeStandards
        var groups: [String: [WorkflowStep: [TimeInterval]]] = [:]
        for timing in timings {
            guard let group = key(timing), let ended = timing.endedAt else { continue }
            groups[group, default: [:]][timing.step, default: []].append(ended.timeIntervalSince(timing.startedAt))
        }
        return groups.keys.sorted().flatMap { group in
            WorkflowStep.allCases.compactMap { step -> Row? in
                guard let stats = DurationStatistics(groups[group]?[step] ?? [], limit: standards.limit(for: step)) else { return nil }
                let percent = Int((stats.shareWithinLimit * 100).rounded())
                return Row(group: group, step: step.rawValue, stepLabel: req.localized("step_\(step.rawValue)"), count: stats.count,
                           median: Self.seconds(stats.median), percentile90: Self.seconds(stats.percentile90),
                           withinStandard: "\(percent)%", withinPercent: percent, standard: Self.seconds(standards.limit(for: step)))
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
        let (timings, from, to) = try await timings(req)
        let agencies = Dictionary(uniqueKeysWithValues: try await AgencyModel.query(on: req.db).all().map { ($0.id!, $0.name) })
        let operatorIDs = Set(timings.compactMap(\.endedByID))
        let operators = Dictionary(uniqueKeysWithValues: try await UserModel.query(on: req.db).filter(\.$id ~~ Array(operatorIDs)).all()
            .map { ($0.id!, $0.username) })
        let overall = rows(timings, groupBy: { _ in req.localized("report_all") }, req)
        let standards = req.ams.configuration.timeStandards
        // Chart: median per step against its standard, on one scale (the largest of both). Each step's label has a
        // line of its own above its bar, so a long label (or a narrow screen) never clips it.
        var bars: [Bar] = []
        var durations: [WorkflowStep: [TimeInterval]] = [:]
        for timing in timings { if let ended = timing.endedAt { durations[timing.step, default: []].append(ended.timeIntervalSince(timing.startedAt)) } }
        let scaleMax = WorkflowStep.allCases.map { step in
            max(standards.limit(for: step), DurationStatistics(durations[step] ?? [], limit: 0)?.median ?? 0)
        }.max() ?? 1
        for (index, step) in WorkflowStep.allCases.enumerated() {
            let median = DurationStatistics(durations[step] ?? [], limit: 0)?.median ?? 0
            bars.append(Bar(label: req.localized("step_\(step.rawValue)"), y: 4 + index * Self.chartRow,
                            medianWidth: Int(Double(Self.chartBarMax) * median / scaleMax),
                            standardX: Int(Double(Self.chartBarMax) * standards.limit(for: step) / scaleMax),
                            medianText: durations[step] == nil ? "—" : Self.seconds(median), overStandard: median > standards.limit(for: step)))
        }
        let exportQuery = [("from", from), ("to", to)].filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return ReportPage(from: from, to: to, steps: overall,
                          agencies: rows(timings, groupBy: { agencies[$0.agencyID] }, req),
                          operators: rows(timings, groupBy: { $0.endedByID.flatMap { operators[$0] } }, req),
                          bars: bars, chartHeight: 12 + WorkflowStep.allCases.count * Self.chartRow,
                          exportQuery: exportQuery.isEmpty ? "" : "?" + exportQuery)
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
