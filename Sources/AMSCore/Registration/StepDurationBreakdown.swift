import Foundation

/// The time-standard report's three views of a period's tallies — everything, per agency, per operator who ended the
/// step — each per step, limited to one agency when the reader sees only their own.
public struct StepDurationBreakdown: Sendable {
    public typealias Entry = StepDurationTally.Entry

    /// Only this agency's steps count; nil: every agency's.
    public let onlyAgency: UUID?
    /// Per group, one entry per step in `WorkflowStep.allCases` order (a year of national tallies adds millions of
    /// bins here; an array slot costs less than a dictionary lookup keyed by the step's name). "Everything" is the
    /// agencies' entries added up when asked for, not a third copy of every bin.
    private var agencySteps: [UUID: [Entry]] = [:]
    private var operatorSteps: [UUID: [Entry]] = [:]

    /// The steps in slot order, made once (`allCases` builds a new array each time it is read).
    private static let steps = WorkflowStep.allCases
    private static let noSteps = [Entry](repeating: Entry(), count: steps.count)

    public init(onlyAgency: UUID?) {
        self.onlyAgency = onlyAgency
    }

    /// Everything, per step (steps nothing finished in are left out).
    public var all: [WorkflowStep: Entry] {
        var steps = Self.noSteps
        for agency in agencySteps.values {
            for slot in steps.indices { steps[slot].add(agency[slot]) }
        }
        return Self.named(steps)
    }
    public var byAgency: [UUID: [WorkflowStep: Entry]] { agencySteps.mapValues(Self.named) }
    /// Steps no operator ended (the applicant's, AMS's own) count in the other two views only.
    public var byOperator: [UUID: [WorkflowStep: Entry]] { operatorSteps.mapValues(Self.named) }

    /// Adds a tally's entries to the three views.
    public mutating func add(_ tally: StepDurationTally) {
        for (key, entry) in tally.entries {
            add(key) { $0.add(entry) }
        }
    }

    /// Adds a tally in its byte form (``StepDurationTally/encoded()``) without building it first.
    public mutating func add(encoded bytes: [UInt8]) throws {
        try StepDurationTally.forEachEntry(in: bytes) { key, withinStandard, bins in
            add(key) { target in
                target.withinStandard += withinStandard
                target.histogram.add(bins)
            }
        }
    }

    /// Applies `change` to the key's entry in each view it belongs to.
    private mutating func add(_ key: StepDurationTally.Key, _ change: (inout Entry) -> Void) {
        guard onlyAgency == nil || key.agency == onlyAgency else { return }
        let slot = Self.steps.firstIndex(of: key.step)!
        change(&agencySteps[key.agency, default: Self.noSteps][slot])
        if let endedBy = key.endedBy { change(&operatorSteps[endedBy, default: Self.noSteps][slot]) }
    }

    private static func named(_ steps: [Entry]) -> [WorkflowStep: Entry] {
        Dictionary(uniqueKeysWithValues: zip(Self.steps, steps).filter { $0.1.histogram.total > 0 })
    }
}
