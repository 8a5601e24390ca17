/// A fault on one call of an operation (`jobs.create`, `containerGroups.put`, …), counted from 1.
package struct ScriptedFault: Sendable, Equatable {
    package var operation: String
    package var occurrence: Int
    package var action: FaultAction

    package init(_ operation: String, occurrence: Int = 1, _ action: FaultAction) {
        self.operation = operation
        self.occurrence = occurrence
        self.action = action
    }
}
