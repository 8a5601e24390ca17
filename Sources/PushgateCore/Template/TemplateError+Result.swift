extension Result where Failure == TemplateError {
    /// The problems of a failed spec build, none for a success: what a provider's `validate` reports.
    package var problems: [TemplateProblem] {
        switch self {
        case .success: return []
        case .failure(let error): return error.problems
        }
    }
}
