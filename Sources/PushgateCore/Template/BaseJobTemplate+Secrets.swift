extension BaseJobTemplate {
    /// The merged job variables' values the template's schema marks secret (``VariableSchema/secretStrings(in:)``),
    /// for the dry run to hide. Empty, and no work, for a template that marks none; a layer that does not
    /// parse counts as empty here (the render reports it).
    package func secretValues(deployment: VariableSource, run: VariableSource) -> Set<String> {
        guard variables.marksSecrets else { return [] }
        let deploymentLayer = (try? deployment.value())?.objectValue ?? [:]
        let runLayer = (try? run.value())?.objectValue ?? [:]
        let merged = JobVariableMerge.merge(defaults: variables.defaults, deployment: deploymentLayer, run: runLayer)
        return variables.secretStrings(in: merged)
    }
}
