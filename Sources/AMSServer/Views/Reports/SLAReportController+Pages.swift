import AMSCore
import Fluent
import Vapor

/// The page contexts ``SLAReportController`` renders.
extension SLAReportController {
    struct Row: Encodable {
        let group: String
        let step: String
        let stepLabel: String
        let count: Int
        let median: String
        let percentile90: String
        /// The same two figures in whole seconds (rounded up), for the CSV.
        let medianSeconds: Int
        let percentile90Seconds: Int
        let withinStandard: String
        /// The pill's class: "ok" when at least ``SLAReportController/withinStandardGoal`` percent ended within the
        /// standard, else "bad".
        let withinClass: String
        let standard: String
    }

    /// One of the report's tables (everything, per agency, per operator): its heading, its name in the CSV's first
    /// column, and its rows.
    struct Table: Encodable {
        let title: String
        let dimension: String
        let rows: [Row]
    }

    struct Bar: Encodable {
        let label: String
        let y: Int
        let medianWidth: Int
        let standardX: Int
        let medianText: String
        let overStandard: Bool
        // Coordinates worked out here, so the template only places them.
        var labelY: Int { y + 14 }
        var rectY: Int { y + 22 }
        var lineEndY: Int { y + 48 }
        var standardTextX: Int { standardX + 4 }
        var standardTextY: Int { y + 58 }
        var valueX: Int { medianWidth + 6 }
        var valueY: Int { y + 37 }

        enum CodingKeys: String, CodingKey {
            case label, y, medianWidth, standardX, medianText, overStandard, labelY, rectY, lineEndY, standardTextX, standardTextY, valueX, valueY
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(label, forKey: .label); try c.encode(y, forKey: .y); try c.encode(medianWidth, forKey: .medianWidth)
            try c.encode(standardX, forKey: .standardX); try c.encode(medianText, forKey: .medianText)
            try c.encode(overStandard, forKey: .overStandard); try c.encode(labelY, forKey: .labelY); try c.encode(rectY, forKey: .rectY)
            try c.encode(lineEndY, forKey: .lineEndY); try c.encode(standardTextX, forKey: .standardTextX)
            try c.encode(standardTextY, forKey: .standardTextY); try c.encode(valueX, forKey: .valueX); try c.encode(valueY, forKey: .valueY)
        }
    }

    struct ReportPage: Encodable {
        let from: String
        let to: String
        let tables: [Table]
        let bars: [Bar]
        let chartHeight: Int
        let exportQuery: String
    }
}
