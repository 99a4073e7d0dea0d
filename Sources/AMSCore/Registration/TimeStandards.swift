import Foundation

/// The time standard (*Mutu Baku*) of each timed step; the SOP's by default, configurable per deployment.
public struct TimeStandards: Sendable, Equatable {
    private var limits: [WorkflowStep: TimeInterval]

    public init(_ overrides: [WorkflowStep: TimeInterval] = [:]) {
        var limits = Dictionary(uniqueKeysWithValues: WorkflowStep.allCases.map { ($0, $0.sopStandard) })
        for (step, limit) in overrides where limit > 0 { limits[step] = limit }
        self.limits = limits
    }

    public func limit(for step: WorkflowStep) -> TimeInterval { limits[step] ?? step.sopStandard }

    public func isOverdue(step: WorkflowStep, waited: TimeInterval) -> Bool { waited > limit(for: step) }
}
